"""``lstoolkit diff``: golden pairs of agency files in every format, and git revisions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = sorted(p for p in (Path(__file__).parent / "cases" / "diff").iterdir() if p.is_dir())
ROOT = Path(__file__).parent.parent
UPDATE = os.environ.get("LSTOOLKIT_UPDATE_GOLDENS") == "1"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


def lstoolkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lstoolkit.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, check=False)


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diff_golden(case: Path, fmt: str) -> None:
    result = lstoolkit("diff", "old.yml", "new.yml", "--format", fmt, cwd=case)
    assert result.returncode == 0, result.stderr
    expected = case / f"expected.{SUFFIX[fmt]}"
    if UPDATE:
        expected.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected.read_text(encoding="utf-8")


def test_exit_code_says_whether_they_differ() -> None:
    differ, same = (Path(__file__).parent / "cases" / "diff" / n for n in ("revision-2027", "same"))
    assert lstoolkit("diff", "old.yml", "new.yml", "--exit-code", cwd=differ).returncode == 1
    assert lstoolkit("diff", "old.yml", "new.yml", "--exit-code", cwd=same).returncode == 0
    assert lstoolkit("diff", "old.yml", "new.yml", cwd=differ).returncode == 0


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_diff_between_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo / "examples")
    git("init", "-q", "-b", "main", cwd=repo)
    git("config", "user.email", "test@example.org", cwd=repo)
    git("config", "user.name", "Test", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "2026.1", cwd=repo)
    git("tag", "v2026.1", cwd=repo)
    district = repo / "examples" / "district" / "agency.yml"
    district.write_text(district.read_text().replace('version: "2026.1"', 'version: "2027.1"').replace(
        "facilitator_positions: 12", "facilitator_positions: 14"))
    state = repo / "examples" / "state" / "agency.yml"
    state.write_text(state.read_text() + "  - remove: mechanisms/leadership-team\n    why: Merged into the cabinet.\n")

    worktree = lstoolkit("diff", "v2026.1", "--agency", "examples/district/agency.yml", cwd=repo)
    assert worktree.returncode == 0, worktree.stderr
    assert worktree.stdout.startswith("v2026.1 -> working tree\n")
    assert "version:\n    was: 2026.1\n    now: 2027.1" in worktree.stdout
    assert "facilitator_positions:\n    was: 12\n    now: 14" in worktree.stdout
    assert "LS102 'mechanisms/leadership-team' is removed but required by elements/operational-infrastructure" in worktree.stdout
    assert "mechanisms/leadership-team: Learning Supports Leadership Team" in worktree.stdout

    git("commit", "-q", "-am", "2027.1", cwd=repo)
    revisions = lstoolkit("diff", "v2026.1", "HEAD", "--agency", "examples/district/agency.yml", cwd=repo)
    assert revisions.stdout.replace("HEAD", "working tree") == worktree.stdout
    missing = lstoolkit("diff", "no-such-tag", "--agency", "examples/district/agency.yml", cwd=repo)
    assert missing.returncode == 1 and "'no-such-tag' is not a revision" in missing.stderr
