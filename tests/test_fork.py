"""Forking: ``lstoolkit new`` end to end, and ``lstoolkit lock`` / ``upgrade-check`` golden cases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
CASES = sorted((Path(__file__).parent / "cases" / "upgrade").glob("*.yml"))


def lstoolkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lstoolkit.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=project, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("level", ["state", "district", "school"])
def test_new_project_builds_strict_immediately(level: str, tmp_path: Path) -> None:
    result = lstoolkit("new", "toolkit", "--level", level, "--name", f"A {level}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = [line.removeprefix("wrote ") for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert sorted(written) == sorted(str(Path("toolkit") / p) for p in (
        "agency.yml", "agency.schema.json", "mkdocs.yml", "docs/.gitkeep", "overrides/lstoolkit/README.md",
        ".gitignore", "requirements.txt", "README.md", ".github/workflows/site.yml",
    ))
    project = tmp_path / "toolkit"
    agency = (project / "agency.yml").read_text()
    assert agency.startswith("# yaml-language-server: $schema=./agency.schema.json\n")
    assert "#   - remove:" not in agency and "  # - remove: mechanisms/external-collaborators" in agency
    assert f"level: {level}" in agency
    workflow = (project / ".github" / "workflows" / "site.yml").read_text()
    assert "lstoolkit check --strict --format github agency.yml" in workflow
    assert "mkdocs build --strict" in workflow and "lstoolkit publish" in workflow
    assert lstoolkit("check", "--strict", "agency.yml", cwd=project).returncode == 0
    build = mkdocs_build(project)
    assert build.returncode == 0, build.stderr
    assert (project / "site" / "mechanisms" / "steering-body" / "index.html").exists()


def test_new_refuses_existing_files_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "toolkit"
    project.mkdir()
    (project / "mkdocs.yml").write_text("site_name: Mine\n")
    result = lstoolkit("new", "toolkit", "--level", "district", "--name", "X", cwd=tmp_path)
    assert result.returncode == 1
    assert "already has mkdocs.yml: nothing was written" in result.stderr
    assert [p.name for p in project.iterdir()] == ["mkdocs.yml"]
    assert (project / "mkdocs.yml").read_text() == "site_name: Mine\n"


def test_state_then_district_in_sibling_checkouts(tmp_path: Path) -> None:
    assert lstoolkit("new", "state", "--level", "state", "--name", "Lincoln State", cwd=tmp_path).returncode == 0
    result = lstoolkit("new", "district", "--level", "district", "--name", "Springfield", "--extends", "state/agency.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    district = tmp_path / "district"
    assert "extends: ../state/agency.yml" in (district / "agency.yml").read_text()
    assert "root: .." in (district / "mkdocs.yml").read_text()
    assert "--root .." in (district / "README.md").read_text()
    check = lstoolkit("check", "--strict", "--root", "..", "agency.yml", cwd=district)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "prototype -> ../state/agency.yml -> agency.yml" in check.stdout


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_upgrade_check(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    for name, text in case["before"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    lock = lstoolkit("lock", "agency.yml", cwd=tmp_path)
    assert lock.returncode == 0, lock.stderr
    assert lock.stdout == f"wrote {tmp_path / 'agency.lock'}\n" or lock.stdout == "wrote agency.lock\n"
    for name, text in case["after"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = lstoolkit("upgrade-check", "--strict", "agency.yml", cwd=tmp_path)
    assert result.stdout == case["expect"]["output"]
    assert result.returncode == case["expect"]["exit"], result.stderr
    assert lstoolkit("upgrade-check", "agency.yml", cwd=tmp_path).returncode == 0


def test_upgrade_check_without_lock_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "agency.yml").write_text("agency: {name: X, level: district}\nversion: '1'\n")
    result = lstoolkit("upgrade-check", "agency.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert "agency.lock does not exist" in result.stderr and "Run 'lstoolkit lock' first" in result.stderr
