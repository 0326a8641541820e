"""Versions: reproducible builds, the version banner, mike deployments (the draft -> adopted life
cycle) and the What changed page."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
GIT_DATE = "2025-01-02T03:04:05+00:00"


#: The example district's work-group member who has not signed off yet, and signed.
UNSIGNED = 'Springfield Education Association"}'
SIGNED = 'Springfield Education Association", date: 2026-05-30}'


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


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


def run(*args: str, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if cache is not None:
        env["LSTOOLKIT_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def same_tree(a: Path, b: Path) -> list[str]:
    comparison = filecmp.dircmp(a, b)
    differences = (
        comparison.left_only
        + comparison.right_only
        + comparison.diff_files
        + comparison.funny_files
    )
    for sub in comparison.common_dirs:
        differences += [f"{sub}/{d}" for d in same_tree(a / sub, b / sub)]
    return differences


@pytest.mark.slow
def test_two_builds_in_different_directories_are_byte_identical(tmp_path: Path) -> None:
    first, second = make_project(tmp_path / "one"), make_project(tmp_path / "two")
    for project in (first, second):  # each with a cache of its own: every PDF is rendered twice
        result = run("mkdocs", "build", "--strict", cwd=project, cache=project.parent / "cache")
        assert result.returncode == 0, result.stderr
        assert "rendered in" in result.stderr and "unchanged" not in result.stderr
    assert (first / "site" / "handouts" / "design-document.pdf").exists()
    assert not (first / ".lstoolkit-cache").exists() and not (second / ".lstoolkit-cache").exists()
    assert same_tree(first / "site", second / "site") == []
    sitemap = (first / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2025-01-02</lastmod>" in sitemap  # the last commit's date, not today's


def test_banner_on_every_page_speaks_to_readers_and_provenance_is_on_the_adaptations_page(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, handouts="false")
    result = run("mkdocs", "build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = list((project / "site").rglob("index.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<p class="lstoolkit-banner">' in html, page
        assert re.search(
            r"Draft for review by the Board of Education · version 2026.1 · \d+ [A-Z][a-z]+ 20\d\d",
            html,
        ), page
    adaptations = (project / "site" / "adaptations" / "index.html").read_text(encoding="utf-8")
    assert (
        "prototype 0.1.0 → Lincoln State Department of Education → Springfield Public Schools; 7 adaptations, 2 fidelity findings"
        in adaptations
    )
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "fidelity finding" not in home


def test_publish_with_mike_adopted_latest_and_hidden_draft(tmp_path: Path) -> None:
    project = make_project(tmp_path, handouts="false")
    district = project / "examples" / "district" / "agency.yml"
    adopted = (
        district.read_text()
        .replace(UNSIGNED, SIGNED)
        .replace(
            "status: draft",
            "status: adopted\nadopted: {date: 2026-06-10, by: Board of Education, resolution: Resolution 2026-41}",
        )
    )
    district.write_text(adopted)
    git("commit", "-q", "-am", "Adopted 2026.1", cwd=project)
    first = run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    district.write_text(adopted.replace('version: "2026.1"', 'version: "2027.1"'))
    git("commit", "-q", "-am", "Adopted 2027.1", cwd=project)
    assert (
        run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project).returncode == 0
    )
    district.write_text(
        adopted.replace('version: "2026.1"', 'version: "2028.1"').replace(
            "status: adopted\n", "status: draft\n"
        )
    )
    git("commit", "-q", "-am", "Draft 2028.1", cwd=project)
    assert (
        run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project).returncode == 0
    )

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
    district.write_text(
        district.read_text().replace("facilitator_positions: 12", "facilitator_positions: 14")
    )
    result = run("mkdocs", "build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "What changed" in page and "v2026.1" in page
    assert "facilitator_positions</strong>: <del>12</del><ins>14</ins>" in page


# -- the draft -> adopted life cycle ------------------------------------------------------------


def publish_as(project: Path, version: str, status: str) -> subprocess.CompletedProcess[str]:
    """Set the district's version and status, commit, and run 'lstoolkit publish'."""
    district = project / "examples" / "district" / "agency.yml"
    text = re.sub(
        r"(?m)^version: .*$", f'version: "{version}"', district.read_text(encoding="utf-8")
    )
    text = re.sub(r"(?m)^status: .*\n(adopted: .*\n)?", "status: draft\n", text)
    if status == "adopted":
        text = text.replace(UNSIGNED, SIGNED).replace(
            "status: draft\n",
            "status: adopted\nadopted: {date: 2026-06-10, by: Board of Education, resolution: Resolution 2026-41}\n",
        )
    district.write_text(text, encoding="utf-8")
    git("commit", "-q", "--allow-empty", "-am", f"{version} {status}", cwd=project)
    return run("lstoolkit.cli", "publish", "examples/district/agency.yml", cwd=project)


def deployed(project: Path) -> dict[str, dict[str, object]]:
    """versions.json on the branch, by version, with the aliases sorted (mike keeps them in a set)."""
    versions = json.loads(git("show", "gh-pages:versions.json", cwd=project))
    return {v["version"]: {**v, "aliases": sorted(v["aliases"])} for v in versions}


def served(project: Path) -> set[str]:
    """The top-level entries of the branch: versions, aliases, versions.json, index.html."""
    return set(git("ls-tree", "--name-only", "gh-pages", cwd=project).split())


def test_publish_follows_the_draft_then_adopted_life_cycle(tmp_path: Path) -> None:
    project = make_project(tmp_path, handouts="false")

    step = publish_as(project, "2026.1", "draft")
    assert step.returncode == 0, step.stdout + step.stderr
    assert deployed(project) == {
        "2026.1": {
            "version": "2026.1",
            "title": "2026.1 (draft)",
            "aliases": ["draft"],
            "properties": {"hidden": True},
        },
    }
    assert {"2026.1", "draft"} <= served(project) and "latest" not in served(project)

    step = publish_as(project, "2026.1", "adopted")
    assert step.returncode == 0, step.stdout + step.stderr
    assert deployed(project) == {  # shown in the selector; /draft/ no longer serves it
        "2026.1": {
            "version": "2026.1",
            "title": "2026.1 (adopted 2026-06-10)",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        },
    }
    assert "draft" not in served(project) and {"latest", "index.html"} <= served(project)

    step = publish_as(project, "2026.2", "draft")
    assert step.returncode == 0, step.stdout + step.stderr
    assert deployed(project) == {
        "2026.2": {
            "version": "2026.2",
            "title": "2026.2 (draft)",
            "aliases": ["draft"],
            "properties": {"hidden": True},
        },
        "2026.1": {
            "version": "2026.1",
            "title": "2026.1 (adopted 2026-06-10)",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        },
    }

    step = publish_as(project, "2026.2", "adopted")
    assert step.returncode == 0, step.stdout + step.stderr
    assert deployed(project) == {
        "2026.2": {
            "version": "2026.2",
            "title": "2026.2 (adopted 2026-06-10)",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        },
        "2026.1": {
            "version": "2026.1",
            "title": "2026.1 (adopted 2026-06-10)",
            "aliases": [],
            "properties": {"hidden": False},
        },
    }
    assert "draft" not in served(project)
    assert 'href="latest/"' in git(
        "show", "gh-pages:index.html", cwd=project
    )  # the root redirects to latest


def test_adopting_a_newer_version_retires_an_older_draft_and_refuses_to_unadopt(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, handouts="false")
    assert publish_as(project, "2026.1", "draft").returncode == 0
    step = publish_as(project, "2026.2", "adopted")
    assert step.returncode == 0, step.stdout + step.stderr
    versions = deployed(project)
    assert versions["2026.1"]["aliases"] == [] and versions["2026.1"]["properties"] == {
        "hidden": True
    }
    assert versions["2026.2"]["aliases"] == ["latest"]
    assert "draft" not in served(project)

    refused = publish_as(project, "2026.2", "draft")
    assert refused.returncode == 1
    assert (
        "error: version 2026.2 is already published as adopted: it cannot become a draft again"
        in refused.stderr
    )
    assert deployed(project) == versions


LIST: list[dict[str, Any]] = [
    {"version": "2027.1", "title": "2027.1 (draft)", "aliases": [], "properties": {"hidden": True}},
    {
        "version": "2026.2",
        "title": "2026.2 (adopted 2026-06-10)",
        "aliases": ["latest", "draft"],
        "properties": {"hidden": False},
    },
    {"version": "2026.1", "title": "2026.1", "aliases": []},
]


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        # The draft just adopted keeps 'draft': it moves to the newest draft left...
        (LIST, [["alias", "--update-aliases", "2027.1", "draft"], ["set-default", "latest"]]),
        # ... or goes when none is left.
        (LIST[1:], [["delete", "draft"], ["set-default", "latest"]]),
        # A draft older than the adopted version was superseded; 'latest' goes to the newest adopted.
        (
            [
                {**LIST[1], "aliases": []},
                {**LIST[2], "aliases": ["latest", "draft"], "properties": {"hidden": True}},
            ],
            [
                ["alias", "--update-aliases", "2026.2", "latest"],
                ["delete", "draft"],
                ["set-default", "latest"],
            ],
        ),
        # Nothing to settle.
        (
            [LIST[0] | {"aliases": ["draft"]}, LIST[1] | {"aliases": ["latest"]}],
            [["set-default", "latest"]],
        ),
    ],
)
def test_aliases_are_settled_from_what_the_branch_holds(
    listing: list[dict[str, object]], expected: list[list[str]]
) -> None:
    from lstoolkit.versions import alias_commands, parse_deployed

    commands = alias_commands(
        parse_deployed(json.dumps(listing)),
        config_file="mkdocs.yml",
        branch="pages",
        push=True,
        adopted=True,
    )
    common = ["--config-file", "mkdocs.yml", "--branch", "pages", "--push"]
    assert commands == [[c[0], *common, *c[1:]] for c in expected]


def test_a_draft_is_deployed_hidden_and_an_adoption_shown() -> None:
    from lstoolkit.layers import read_chain
    from lstoolkit.versions import parse_deployed, publish_commands

    layer = read_chain(ROOT / "examples" / "district" / "agency.yml")[-1]
    assert publish_commands(layer, [], config_file="m.yml", branch="b", push=False) == [
        [
            "deploy",
            "--config-file",
            "m.yml",
            "--branch",
            "b",
            "--update-aliases",
            "--title",
            "2026.1 (draft)",
            "--prop-set",
            "hidden=true",
            "2026.1",
            "draft",
        ]
    ]
    hidden = parse_deployed(json.dumps([{**LIST[0], "version": "2026.1"}]))
    assert publish_commands(layer, hidden, config_file="m.yml", branch="b", push=False)[0][-3:] == [
        "hidden=true",
        "2026.1",
        "draft",
    ]
