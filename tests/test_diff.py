"""``lstoolkit diff``: golden pairs of agency files in every format, and git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_cli import lstoolkit

from lstoolkit import diff
from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content

CASES = sorted(p for p in (Path(__file__).parent / "cases" / "diff").iterdir() if p.is_dir())
ROOT = Path(__file__).parent.parent
UPDATE = os.environ.get("LSTOOLKIT_UPDATE_GOLDENS") == "1"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


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
    district.write_text(
        district.read_text()
        .replace('version: "2026.1"', 'version: "2027.1"')
        .replace("facilitator_positions: 12", "facilitator_positions: 14")
    )
    state = repo / "examples" / "state" / "agency.yml"
    state.write_text(
        state.read_text()
        + "  - remove: mechanisms/leadership-team\n    why: Merged into the cabinet.\n"
    )

    worktree = lstoolkit("diff", "v2026.1", "--agency", "examples/district/agency.yml", cwd=repo)
    assert worktree.returncode == 0, worktree.stderr
    assert worktree.stdout.startswith(
        "v2026.1 -> working tree\nagency file: examples/district/agency.yml\n\nSummary:\n"
    )
    assert "  version: [-2026.1-]{+2027.1+}\n" in worktree.stdout
    assert "  facilitator_positions: [-12-]{+14+}\n" in worktree.stdout
    appeared = worktree.stdout.split("Fidelity findings that appeared (1):\n", 1)[1].split("\n", 1)[
        0
    ]
    assert (
        appeared
        == "  LS102 'mechanisms/leadership-team' is removed but required by elements/operational-infrastructure"
    )
    assert (
        "  removed mechanisms/leadership-team: Learning Supports Leadership Team\n"
        in worktree.stdout
    )
    assert "Fidelity findings resolved" not in worktree.stdout

    git("commit", "-q", "-am", "2027.1", cwd=repo)
    revisions = lstoolkit(
        "diff", "v2026.1", "HEAD", "--agency", "examples/district/agency.yml", cwd=repo
    )
    assert revisions.stdout.replace("HEAD", "working tree") == worktree.stdout
    missing = lstoolkit("diff", "no-such-tag", "--agency", "examples/district/agency.yml", cwd=repo)
    assert missing.returncode == 1 and "'no-such-tag' is not a revision" in missing.stderr


def test_each_side_computes_its_log_and_findings_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diff is linear: the log and the findings of each side are listed once, not once per
    line of the other side (1,000 changes took seconds, 2,000 four times as long)."""
    calls: Counter[str] = Counter()

    def counted(name: str) -> Callable[..., list[str]]:
        original = getattr(diff, name)

        def count(*args: Any) -> list[str]:
            calls[name] += 1
            return original(*args)  # type: ignore[no-any-return]

        return count

    for name in ("_log", "_findings"):
        monkeypatch.setattr(diff, name, counted(name))
    tree = load_content()
    old = adapt(tree, read_chain(ROOT / "examples/state/agency.yml", root=ROOT))
    new = adapt(tree, read_chain(ROOT / "examples/district/agency.yml", root=ROOT))
    result = diff.diff_adapted(old, new, check_adapted(old), check_adapted(new))
    assert len(result.log_added) == len(new.changes) - len(old.changes) > 3 and result.findings_new
    assert calls == {"_log": 2, "_findings": 2}


def test_titles_and_texts_do_not_run_together() -> None:
    case = Path(__file__).parent / "cases" / "diff" / "paragraphs-and-markup"
    result = lstoolkit("diff", "old.yml", "new.yml", cwd=case)
    assert "added functions/publishes-minutes: Minutes: publishes <b>minutes</b>" in result.stdout
    data = json.loads(lstoolkit("diff", "old.yml", "new.yml", "--format", "json", cwd=case).stdout)
    added = next(c for c in data["added"] if c["address"].endswith("/publishes-minutes"))
    assert added["new"].startswith("Minutes: publishes")


def test_a_renamed_term_shows_the_changed_words_once_with_a_count() -> None:
    case = Path(__file__).parent / "cases" / "diff" / "term-rename"
    text = lstoolkit("diff", "old.yml", "new.yml", cwd=case).stdout
    assert (
        "\nSame words replaced in several places (1):\n  [-Coach-]{+Navigator+} in 5 places, in 3 items: "
        in text
    )
    items = text.split("\nItems (2):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert (
        items[1]
        == "      duties/meets-principals: The Learning Supports [-Coach-]{+Navigator+} meets each principal every [-month-]{+week+}."
    )
    assert items[-1].startswith(
        "      text: … attention must be paid to integrating Learning Supports [-Coaches-]{+Navigators+} with"
    )
    assert all(len(line) < 200 for line in items)  # the changed words, not whole paragraphs again
    data = json.loads(lstoolkit("diff", "old.yml", "new.yml", "--format", "json", cwd=case).stdout)
    assert (
        len(data["changed"]) == 8
    )  # the JSON keeps every rewording, whole: the 5 and the 3 listed
    assert [(r["old"], r["new"], len(r["places"])) for r in data["replacements"]] == [
        ("Coach", "Navigator", 5)
    ]
