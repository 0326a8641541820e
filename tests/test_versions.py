"""Versions: reproducible builds, the version banner, mike deployments and the What changed page."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
GIT_DATE = "2025-01-02T03:04:05+00:00"


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def make_project(where: Path, **options: str) -> Path:
    """A district's repository: the example chain, the repository's mkdocs.yml (with these
    lstoolkit options) and overrides, committed."""
    project = where / "project"
    shutil.copytree(ROOT / "examples", project / "examples")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = "https://sps.example.org/design/"
    config["plugins"][1]["lstoolkit"].update(options)
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=project)
    git("config", "user.email", "coach@example.org", cwd=project)
    git("config", "user.name", "Coach", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "Design document 2026.1", cwd=project)
    return project


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def same_tree(a: Path, b: Path) -> list[str]:
    comparison = filecmp.dircmp(a, b)
    differences = comparison.left_only + comparison.right_only + comparison.diff_files + comparison.funny_files
    for sub in comparison.common_dirs:
        differences += [f"{sub}/{d}" for d in same_tree(a / sub, b / sub)]
    return differences


@pytest.mark.slow
def test_two_builds_in_different_directories_are_byte_identical(tmp_path: Path) -> None:
    first, second = make_project(tmp_path / "one"), make_project(tmp_path / "two")
    for project in (first, second):
        result = run("mkdocs", "build", "--strict", "-q", cwd=project)
        assert result.returncode == 0, result.stderr
    assert (first / "site" / "handouts" / "design-document.pdf").exists()
    assert not (second / ".lstoolkit-cache" / "handouts").samefile(first / ".lstoolkit-cache" / "handouts")
    assert same_tree(first / "site", second / "site") == []
    sitemap = (first / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2025-01-02</lastmod>" in sitemap  # the last commit's date, not today's


def test_banner_on_every_page_says_version_status_and_provenance(tmp_path: Path) -> None:
    project = make_project(tmp_path, handouts="false")
    result = run("mkdocs", "build", "--strict", "-q", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = list((project / "site").rglob("index.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<p class="lstoolkit-banner">' in html, page
        assert "Version 2026.1" in html and "draft, not adopted" in html
        assert "prototype 0.1.0 → Lincoln State Department of Education → Springfield Public Schools; 7 adaptations, 1 fidelity finding" in html


def test_publish_with_mike_adopted_latest_and_hidden_draft(tmp_path: Path) -> None:
    project = make_project(tmp_path, handouts="false")
    district = project / "examples" / "district" / "agency.yml"
    adopted = district.read_text().replace("status: draft", "status: adopted\nadopted: {date: 2026-06-10, by: Board of Education}")
    district.write_text(adopted)
    git("commit", "-q", "-am", "Adopted 2026.1", cwd=project)
    first = run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    district.write_text(adopted.replace('version: "2026.1"', 'version: "2027.1"'))
    git("commit", "-q", "-am", "Adopted 2027.1", cwd=project)
    assert run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project).returncode == 0
    district.write_text(adopted.replace('version: "2026.1"', 'version: "2028.1"').replace("status: adopted\n", "status: draft\n"))
    git("commit", "-q", "-am", "Draft 2028.1", cwd=project)
    assert run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project).returncode == 0

    versions = json.loads(git("show", "gh-pages:versions.json", cwd=project))
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {"2026.1", "2027.1", "2028.1"}
    assert by_version["2027.1"]["aliases"] == ["latest"]
    assert by_version["2026.1"]["aliases"] == []
    assert by_version["2027.1"]["title"] == "2027.1 (adopted 2026-06-10)"
    assert by_version["2028.1"]["aliases"] == ["draft"]
    assert by_version["2028.1"]["properties"] == {"hidden": True}
    assert "2027.1/index.html" in git("ls-tree", "-r", "--name-only", "gh-pages", cwd=project)


def test_what_changed_page_against_the_previous_tag(tmp_path: Path) -> None:
    project = make_project(tmp_path, handouts="false", compare_with="v2026.1")
    git("tag", "v2026.1", cwd=project)
    district = project / "examples" / "district" / "agency.yml"
    district.write_text(district.read_text().replace("facilitator_positions: 12", "facilitator_positions: 14"))
    result = run("mkdocs", "build", "--strict", "-q", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "What changed" in page and "v2026.1" in page
    assert "facilitator_positions" in page and "was: 12" in page and "now: 14" in page
