"""One district's journey in both layouts of the forking guide (the state's repository as a git
submodule of the district's, and as a sibling checkout): each version locked, reviewed with
``lstoolkit diff v1 v2``, built with a What changed page, published as a draft then adopted.
What a reader then meets in Chromium is in tests/browser/test_fork_journey_browser.py."""

from __future__ import annotations

import html
import json

import pytest
from helpers_forks import DISTRICT_CHANGE, PROTECTED, STATE_CHANGE, Journey, git

pytestmark = pytest.mark.slow


def state_commits(journey: Journey) -> dict[str, str]:
    """The state's commit at each of the district's tags, in this layout."""
    if journey.kind == "submodule":
        return {
            tag: git("rev-parse", f"{tag}:state", cwd=journey.district).strip()
            for tag in ("v1", "v2")
        }
    state = journey.district.parent / "lincoln-state"
    return {tag: git("rev-parse", tag, cwd=state).strip() for tag in ("v1", "v2")}


def expected_notes(journey: Journey) -> list[str]:
    commits = state_commits(journey)
    if journey.kind == "submodule":
        return [
            f"{tag}: state/ is the submodule's commit {commits[tag][:12]}, as recorded at {tag}"
            for tag in ("v1", "v2")
        ]
    return [
        f"{tag}: lincoln-state/ is a separate checkout, read at {commits[tag][:12]} as agency.lock records"
        for tag in ("v1", "v2")
    ]


def test_each_version_locks_the_commit_of_its_parent(fork_journey: Journey) -> None:
    parent = (
        "state/agency.yml" if fork_journey.kind == "submodule" else "../lincoln-state/agency.yml"
    )
    commits = state_commits(fork_journey)
    for tag, lock in fork_journey.locks.items():
        assert lock["parents"] == {parent: commits[tag]}
        assert [c["target"] for c in lock["changes"]] == [
            "mechanisms/leadership-council",
            "mechanisms/steering-body/functions",
        ]


def test_diff_between_the_tags_reads_each_parent_as_it_was(fork_journey: Journey) -> None:
    notes = expected_notes(fork_journey)
    agency = "agency.yml" if fork_journey.kind == "submodule" else "springfield/agency.yml"
    text = fork_journey.diffs["text"]
    assert text.startswith(f"v1 -> v2\nagency file: {agency}\n")
    assert "".join(f"note: {note}\n" for note in notes) in text
    assert STATE_CHANGE in text and DISTRICT_CHANGE in text
    markdown = fork_journey.diffs["markdown"]
    assert markdown.startswith(
        f"### What changes from v1 to v2\n\nAgency file: <code>{agency}</code>\n"
    )
    assert "the <del>six</del><ins>eight</ins> regional centers" in markdown
    assert "reports each <del>quarter</del><ins>month</ins> to the Board" in markdown
    data = json.loads(fork_journey.diffs["json"])
    assert data["notes"] == notes
    assert (
        data["summary"]["items_changed"] == 2
        and data["findings_new"] == data["findings_resolved"] == []
    )
    for output in fork_journey.diffs.values():
        assert PROTECTED not in output  # in both versions: neither appeared nor resolved


def test_the_what_changed_page_compares_with_v1(fork_journey: Journey) -> None:
    page = html.unescape(fork_journey.page)
    assert "<del>six</del><ins>eight</ins>" in page and "<del>quarter</del><ins>month</ins>" in page
    assert f"Note: {expected_notes(fork_journey)[0]}" in page
    assert "protected by" not in page


def test_publishing_as_draft_then_adopted(fork_journey: Journey) -> None:
    assert fork_journey.versions["draft"] == [
        {
            "version": "2027.1",
            "title": "2027.1 (draft)",
            "aliases": ["draft"],
            "properties": {"hidden": True},
        },
    ]
    assert fork_journey.versions["adopted"] == [
        {
            "version": "2027.1",
            "title": "2027.1 (adopted 2027-06-10)",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        },
    ]
    draft, adopted = (
        sorted(p.name for p in fork_journey.branches[step].iterdir())
        for step in ("draft", "adopted")
    )
    assert "draft" in draft and "latest" not in draft
    assert "latest" in adopted and "draft" not in adopted and "index.html" in adopted
    page = (fork_journey.branches["adopted"] / "latest" / "changes" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        "<del>quarter</del><ins>month</ins>" in page
    )  # the published site has the What changed page too
