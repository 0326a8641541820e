"""A reviewer's journey with ``lstoolkit diff`` and ``compare_with`` in both layouts of the forking
guide: the state's repository as a git submodule of the district's, and as a sibling checkout.

Each test builds throwaway repositories: a state with two tagged versions, and a district with
two tagged versions that extends it.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
import yaml
from helpers_forks import (
    DISTRICT_CHANGE,
    FORMATS,
    PROTECTED,
    STATE,
    STATE_CHANGE,
    build_site,
    commit_and_tag,
    git,
    lstoolkit,
    make_sibling_layout,
    make_submodule_layout,
    write_district,
)

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def submodule_layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_submodule_layout(tmp_path_factory.mktemp("submodule"))


@pytest.fixture(scope="module")
def sibling_layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sibling_layout(tmp_path_factory.mktemp("sibling"))


# -- the submodule layout -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_submodule_diff_between_tags_reads_each_pinned_state(
    submodule_layout: Path, fmt: str
) -> None:
    from_root = lstoolkit("diff", "v1", "v2", "--format", fmt, cwd=submodule_layout)
    assert from_root[0] == 0, from_root[2]
    from_folder = lstoolkit(
        "diff",
        "v1",
        "v2",
        "--format",
        fmt,
        "--agency",
        "../agency.yml",
        cwd=submodule_layout / "docs",
    )
    assert from_folder == from_root
    output = from_root[1]
    commits = {
        tag: git("rev-parse", f"{tag}:state", cwd=submodule_layout).strip() for tag in ("v1", "v2")
    }
    if fmt == "json":
        data = json.loads(output)
        assert data["agency"] == "agency.yml"
        assert data["notes"] == [
            f"v1: state/ is the submodule's commit {commits['v1'][:12]}, as recorded at v1",
            f"v2: state/ is the submodule's commit {commits['v2'][:12]}, as recorded at v2",
        ]
        assert data["summary"]["items_changed"] == 2 and data["summary"]["findings_appeared"] == 0
        assert data["findings_new"] == [] and data["findings_resolved"] == []
        by_item = {i["address"]: i for i in data["items"]}
        words = by_item["mechanisms/implementation-team"]["changes"][0]["words"]
        assert {"op": "-", "text": "six"} in words and {"op": "+", "text": "eight"} in words
        assert sorted(c["address"] for c in data["changed"]) == [
            "mechanisms/implementation-team/functions/coordinates-regional-coaching",
            "mechanisms/steering-body/functions/reports-to-board",
        ]
        return
    if fmt == "text":
        assert output.startswith("v1 -> v2\nagency file: agency.yml\n")
        assert (
            f"note: v1: state/ is the submodule's commit {commits['v1'][:12]}, as recorded at v1"
            in output
        )
        assert STATE_CHANGE in output and DISTRICT_CHANGE in output
        assert "  Fidelity findings: 0 appeared, 0 resolved" in output
    else:
        assert output.startswith(
            "### What changes from v1 to v2\n\nAgency file: <code>agency.yml</code>\n"
        )
        assert "the <del>six</del><ins>eight</ins> regional centers" in output
        assert "reports each <del>quarter</del><ins>month</ins> to the Board" in output
    assert PROTECTED not in output


def test_submodule_working_tree_against_its_tag_is_the_same_from_any_folder(
    submodule_layout: Path,
) -> None:
    for cwd, agency in (
        (submodule_layout, "agency.yml"),
        (submodule_layout / "docs", "../agency.yml"),
    ):
        status, out, err = lstoolkit("diff", "v2", "--exit-code", "--agency", agency, cwd=cwd)
        assert (status, err) == (0, ""), out
        assert out.startswith("v2 -> working tree: no differences\nagency file: agency.yml\n")


def test_submodule_not_checked_out_says_what_to_do(submodule_layout: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(
        "clone", "-q", str(submodule_layout), str(clone), cwd=tmp_path
    )  # submodules not initialized
    status, _, err = lstoolkit("diff", "v1", "v2", cwd=clone)
    assert status == 1
    assert (
        "state/ is a submodule that is not checked out" in err
        and "git submodule update --init" in err
    )


def test_submodule_site_what_changed(submodule_layout: Path, tmp_path: Path) -> None:
    page = build_site(submodule_layout, tmp_path / "site", {"agency": "agency.yml"})
    assert "<del>six</del><ins>eight</ins>" in page
    assert "<del>quarter</del><ins>month</ins>" in page
    commit = git("rev-parse", "v1:state", cwd=submodule_layout).strip()[:12]
    assert (
        f"Note: v1: state/ is the submodule's commit {commit}, as recorded at v1"
        in html.unescape(page)
    )
    assert "protected by" not in page


# -- the sibling layout -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_sibling_diff_at_parent_revisions(sibling_layout: Path, fmt: str) -> None:
    pinned = ("--parent-rev", "v1", "--parent-rev", "v2", "--format", fmt)
    from_repository = lstoolkit("diff", "v1", "v2", "--root", "..", *pinned, cwd=sibling_layout)
    assert from_repository[0] == 0, from_repository[2]
    from_above = lstoolkit(
        "diff",
        "v1",
        "v2",
        "--root",
        ".",
        "--agency",
        "springfield/agency.yml",
        *pinned,
        cwd=sibling_layout.parent,
    )
    assert from_above == from_repository
    output = from_repository[1]
    state = sibling_layout.parent / "lincoln-state"
    commits = {tag: git("rev-parse", tag, cwd=state).strip()[:12] for tag in ("v1", "v2")}
    if fmt == "json":
        data = json.loads(output)
        assert data["agency"] == "springfield/agency.yml"
        assert data["notes"] == [
            f"v1: lincoln-state/ is a separate checkout, read at v1 ({commits['v1']}) as --parent-rev says",
            f"v2: lincoln-state/ is a separate checkout, read at v2 ({commits['v2']}) as --parent-rev says",
        ]
        assert data["findings_new"] == [] and data["findings_resolved"] == []
        assert len(data["changed"]) == 2
        return
    if fmt == "text":
        assert output.startswith("v1 -> v2\nagency file: springfield/agency.yml\n")
        assert STATE_CHANGE in output and DISTRICT_CHANGE in output
    else:
        assert "Agency file: <code>springfield/agency.yml</code>" in output
        assert (
            "<del>six</del><ins>eight</ins>" in output
            and "<del>quarter</del><ins>month</ins>" in output
        )
    assert PROTECTED not in output


def test_sibling_diff_without_parent_revision_uses_the_parent_working_tree_and_says_so(
    sibling_layout: Path,
) -> None:
    status, out, err = lstoolkit("diff", "v1", "v2", "--root", "..", cwd=sibling_layout)
    assert status == 0, err
    note = (
        "lincoln-state/ is a separate checkout and agency.lock records no revision of it, so its working "
        "tree is used; pass --parent-rev REV to compare a revision of it"
    )
    assert f"note: v1: {note}\nnote: v2: {note}\n" in out
    assert DISTRICT_CHANGE in out and "six" not in out  # both sides read the state as it is now
    assert PROTECTED not in out


def test_sibling_without_root_suggests_it_and_diff_accepts_it(sibling_layout: Path) -> None:
    status, _, err = lstoolkit("diff", "v1", "v2", cwd=sibling_layout)
    assert status == 1 and "widen the project root (--root)" in err
    status, out, err = lstoolkit("diff", "v2", "--root", "..", "--exit-code", cwd=sibling_layout)
    assert (status, err) == (0, ""), out


def test_sibling_site_what_changed(sibling_layout: Path, tmp_path: Path) -> None:
    page = build_site(sibling_layout, tmp_path / "site", {"agency": "agency.yml", "root": ".."})
    assert "<del>quarter</del><ins>month</ins>" in page
    assert "its working tree is used" in html.unescape(
        page
    )  # no plugin option pins the parent: the page says so
    assert "protected by" not in page


# -- the sibling layout, each version committed with its lock ------------------------------------


@pytest.fixture(scope="module")
def locked_sibling(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sibling_layout(tmp_path_factory.mktemp("locked-sibling"), lock=True)


def state_commits(district: Path) -> dict[str, str]:
    return {
        tag: git("rev-parse", tag, cwd=district.parent / "lincoln-state").strip()
        for tag in ("v1", "v2")
    }


def locked_note(tag: str, commit: str) -> str:
    return f"{tag}: lincoln-state/ is a separate checkout, read at {commit[:12]} as agency.lock records"


def test_lock_records_the_commit_of_a_sibling_parent(locked_sibling: Path) -> None:
    commits = state_commits(locked_sibling)
    for tag in ("v1", "v2"):
        lock = yaml.safe_load(git("show", f"{tag}:agency.lock", cwd=locked_sibling))
        assert list(lock)[:3] == ["lstoolkit", "extends", "parents"]
        assert lock["parents"] == {"../lincoln-state/agency.yml": commits[tag]}


def test_diff_reads_a_sibling_parent_at_the_commit_each_revision_locked(
    locked_sibling: Path,
) -> None:
    commits = state_commits(locked_sibling)
    status, out, err = lstoolkit("diff", "v1", "v2", "--root", "..", cwd=locked_sibling)
    assert status == 0, err
    assert (
        f"note: {locked_note('v1', commits['v1'])}\nnote: {locked_note('v2', commits['v2'])}\n"
        in out
    )
    assert STATE_CHANGE in out and DISTRICT_CHANGE in out and PROTECTED not in out
    # Against the working tree: the old side as v1 locked it, the new side as the sibling is (v2).
    status, out, err = lstoolkit(
        "diff", "v1", "--root", "..", "--format", "json", cwd=locked_sibling
    )
    assert status == 0, err
    data = json.loads(out)
    assert data["notes"] == [locked_note("v1", commits["v1"])]
    assert len(data["changed"]) == 2 and data["findings_new"] == []


def test_parent_rev_wins_over_the_lock(locked_sibling: Path) -> None:
    commits = state_commits(locked_sibling)
    status, out, err = lstoolkit(
        "diff", "v1", "v2", "--root", "..", "--parent-rev", "v2", cwd=locked_sibling
    )
    assert status == 0, err
    assert (
        f"note: v1: lincoln-state/ is a separate checkout, read at v2 ({commits['v2'][:12]}) as --parent-rev says\n"
        f"note: {locked_note('v2', commits['v2'])}\n"
    ) in out
    assert DISTRICT_CHANGE in out and "six" not in out  # the state at v2 on both sides


def test_a_locked_commit_the_sibling_lacks_says_what_to_do(
    locked_sibling: Path, tmp_path: Path
) -> None:
    state = locked_sibling.parent / "lincoln-state"
    git(
        "clone",
        "-q",
        "--no-local",
        "--branch",
        "v1",
        "--single-branch",
        str(state),
        "lincoln-state",
        cwd=tmp_path,
    )
    git("clone", "-q", str(locked_sibling), "springfield", cwd=tmp_path)
    status, _, err = lstoolkit("diff", "v1", "v2", "--root", "..", cwd=tmp_path / "springfield")
    assert status == 1
    commit = state_commits(locked_sibling)["v2"][:12]
    assert (
        f"agency.lock at v2 records commit {commit} of lincoln-state/, which that checkout does not have"
        in err
    )
    assert "git -C" in err and "fetch" in err and "--parent-rev" in err
    status, out, err = lstoolkit(
        "diff",
        "v1",
        "v2",
        "--root",
        "..",
        "--parent-rev",
        "v1",
        "--parent-rev",
        "v1",
        cwd=tmp_path / "springfield",
    )
    assert status == 0, err
    assert DISTRICT_CHANGE in out and STATE_CHANGE not in out


def test_a_lock_without_parents_still_loads(locked_sibling: Path, tmp_path: Path) -> None:
    git("clone", "-q", str(locked_sibling.parent / "lincoln-state"), "lincoln-state", cwd=tmp_path)
    district = tmp_path / "springfield"
    git("clone", "-q", str(locked_sibling), str(district), cwd=tmp_path)
    lock = district / "agency.lock"
    old = yaml.safe_load(lock.read_text(encoding="utf-8"))
    del old["parents"]  # as 'lstoolkit lock' wrote it before it recorded the parents
    lock.write_text(yaml.safe_dump(old, sort_keys=False), encoding="utf-8")
    commit_and_tag(district, "v3")
    status, out, err = lstoolkit("upgrade-check", "--root", "..", "agency.yml", cwd=district)
    assert (status, out, err) == (
        0,
        "Upstream has not moved in any way that concerns this layer.\n",
        "",
    )
    status, out, err = lstoolkit("diff", "v3", "--root", "..", "--exit-code", cwd=district)
    assert (status, err) == (0, ""), out
    assert "agency.lock records no revision of it, so its working tree is used" in out
    # A chain in one repository records no parents: its lock reads as before.
    shutil.copytree(ROOT / "examples", tmp_path / "repo" / "examples")
    git("init", "-q", cwd=tmp_path / "repo")
    status, _, err = lstoolkit("lock", "examples/district/agency.yml", cwd=tmp_path / "repo")
    assert status == 0, err
    assert "parents" not in yaml.safe_load(
        (tmp_path / "repo" / "examples" / "district" / "agency.lock").read_text(encoding="utf-8")
    )


# -- the repository's own examples: one repository, the agency in a subfolder ---------------------


def test_examples_against_head_from_the_agency_folder_and_the_root(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repository / "examples")
    git("init", "-q", "-b", "main", cwd=repository)
    commit_and_tag(repository, "v1")
    district = repository / "examples" / "district"
    from_folder = lstoolkit("diff", "HEAD", "--exit-code", cwd=district)
    from_root = lstoolkit(
        "diff", "HEAD", "--exit-code", "--agency", "examples/district/agency.yml", cwd=repository
    )
    assert (
        from_folder
        == from_root
        == (
            0,
            "HEAD -> working tree: no differences\nagency file: examples/district/agency.yml\n",
            "",
        )
    )


def test_parent_outside_git_and_an_unused_parent_revision_are_said(
    tmp_path: Path, submodule_layout: Path
) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "agency.yml").write_text(
        STATE.format(version="2026.1", count="six"), encoding="utf-8"
    )
    district = tmp_path / "district"
    district.mkdir()
    git("init", "-q", "-b", "main", cwd=district)
    write_district(district / "agency.yml", "../state/agency.yml", second=False)
    commit_and_tag(district, "v1")
    write_district(district / "agency.yml", "../state/agency.yml", second=True)
    status, out, err = lstoolkit("diff", "v1", "--root", "..", cwd=district)
    assert status == 0, err
    assert (
        "note: v1: state/ is not in a git repository, so its files as they are now are used\n"
        in out
    )
    assert DISTRICT_CHANGE in out and PROTECTED not in out
    status, out, err = lstoolkit("diff", "v1", "--parent-rev", "v1", cwd=submodule_layout)
    assert status == 0, err
    assert (
        "note: v1: --parent-rev v1 is not used: no parent layer is in a separate checkout\n" in out
    )
