"""A reviewer's journey with ``lstoolkit diff`` and ``compare_with`` in both layouts of the forking
guide: the state's repository as a git submodule of the district's, and as a sibling checkout.

Each test builds throwaway repositories: a state with two tagged versions, and a district with
two tagged versions that extends it.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from lstoolkit.cli import main

ROOT = Path(__file__).parent.parent
FORMATS = ("text", "markdown", "json")

STATE = """\
extends: prototype
agency: {{name: Lincoln State Department of Education, level: state}}
version: "{version}"
terms:
  Steering Body: Steering Committee
protect:
  - mechanisms/leadership-council
changes:
  - add: mechanisms/implementation-team/functions
    id: coordinates-regional-coaching
    text: coordinates coaching for districts through the {count} regional centers
    why: Regional centers already coach districts.
"""

DISTRICT = """\
extends: {extends}
agency: {{name: Springfield Public Schools, level: district}}
version: "{version}"
changes:
  - remove: mechanisms/leadership-council
    why: One feeder pattern; the council is deferred to year two.
  - add: mechanisms/steering-body/functions
    id: reports-to-board
    text: reports each {when} to the Board
    why: The Board asked for reports.
"""

#: What the state's second version changes, as the district's reviewer sees it.
STATE_CHANGE = "functions/coordinates-regional-coaching: coordinates coaching for districts through the [-six-]{+eight+} regional centers"
#: What the district's second version changes.
DISTRICT_CHANGE = "functions/reports-to-board: reports each [-quarter-]{+month+} to the Board"
#: A finding in both versions, naming the state's file: never "appeared" nor "resolved".
PROTECTED = "'mechanisms/leadership-council' is removed but protected by"


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Coach", "GIT_AUTHOR_EMAIL": "coach@example.org",
           "GIT_COMMITTER_NAME": "Coach", "GIT_COMMITTER_EMAIL": "coach@example.org"}
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit_and_tag(repository: Path, tag: str) -> None:
    git("add", "-A", cwd=repository)
    git("commit", "-q", "-m", tag, cwd=repository)
    git("tag", tag, cwd=repository)


def make_state(repository: Path) -> Path:
    """The state's repository: v1 (six regional centers), v2 (eight)."""
    repository.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=repository)
    for tag, version, count in (("v1", "2026.1", "six"), ("v2", "2027.1", "eight")):
        (repository / "agency.yml").write_text(STATE.format(version=version, count=count), encoding="utf-8")
        commit_and_tag(repository, tag)
    return repository


def write_district(agency: Path, extends: str, *, second: bool) -> None:
    version, when = ("2027.1", "month") if second else ("2026.1", "quarter")
    agency.write_text(DISTRICT.format(extends=extends, version=version, when=when), encoding="utf-8")


@pytest.fixture(scope="module")
def submodule_layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """district/ with the state as the submodule state/: v1 pins the state's v1, v2 its v2."""
    where = tmp_path_factory.mktemp("submodule")
    state = make_state(where / "lincoln-state")
    district = where / "district"
    district.mkdir()
    git("init", "-q", "-b", "main", cwd=district)
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(state), "state", cwd=district)
    (district / "docs").mkdir()
    (district / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    git("-C", "state", "checkout", "-q", "v1", cwd=district)
    write_district(district / "agency.yml", "state/agency.yml", second=False)
    commit_and_tag(district, "v1")
    git("-C", "state", "checkout", "-q", "v2", cwd=district)
    write_district(district / "agency.yml", "state/agency.yml", second=True)
    commit_and_tag(district, "v2")
    return district


@pytest.fixture(scope="module")
def sibling_layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """lincoln-state/ and springfield/ side by side; the state's working tree is at its v2."""
    where = tmp_path_factory.mktemp("sibling")
    make_state(where / "lincoln-state")
    district = where / "springfield"
    district.mkdir()
    git("init", "-q", "-b", "main", cwd=district)
    (district / "docs").mkdir()
    (district / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    for tag, second in (("v1", False), ("v2", True)):
        write_district(district / "agency.yml", "../lincoln-state/agency.yml", second=second)
        commit_and_tag(district, tag)
    return district


def lstoolkit(*args: str, cwd: Path) -> tuple[int, str, str]:
    """The command line, in this process (faster than a child; same code path)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


# -- the submodule layout -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_submodule_diff_between_tags_reads_each_pinned_state(submodule_layout: Path, fmt: str) -> None:
    from_root = lstoolkit("diff", "v1", "v2", "--format", fmt, cwd=submodule_layout)
    assert from_root[0] == 0, from_root[2]
    from_folder = lstoolkit("diff", "v1", "v2", "--format", fmt, "--agency", "../agency.yml", cwd=submodule_layout / "docs")
    assert from_folder == from_root
    output = from_root[1]
    commits = {tag: git("rev-parse", f"{tag}:state", cwd=submodule_layout).strip() for tag in ("v1", "v2")}
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
        assert f"note: v1: state/ is the submodule's commit {commits['v1'][:12]}, as recorded at v1" in output
        assert STATE_CHANGE in output and DISTRICT_CHANGE in output
        assert "  Fidelity findings: 0 appeared, 0 resolved" in output
    else:
        assert output.startswith("### What changes from v1 to v2\n\nAgency file: <code>agency.yml</code>\n")
        assert "the <del>six</del><ins>eight</ins> regional centers" in output
        assert "reports each <del>quarter</del><ins>month</ins> to the Board" in output
    assert PROTECTED not in output


def test_submodule_working_tree_against_its_tag_is_the_same_from_any_folder(submodule_layout: Path) -> None:
    for cwd, agency in ((submodule_layout, "agency.yml"), (submodule_layout / "docs", "../agency.yml")):
        status, out, err = lstoolkit("diff", "v2", "--exit-code", "--agency", agency, cwd=cwd)
        assert (status, err) == (0, ""), out
        assert out.startswith("v2 -> working tree: no differences\nagency file: agency.yml\n")


def test_submodule_not_checked_out_says_what_to_do(submodule_layout: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git("clone", "-q", str(submodule_layout), str(clone), cwd=tmp_path)  # submodules not initialized
    status, _, err = lstoolkit("diff", "v1", "v2", cwd=clone)
    assert status == 1
    assert "state/ is a submodule that is not checked out" in err and "git submodule update --init" in err


def test_submodule_site_what_changed(submodule_layout: Path, tmp_path: Path) -> None:
    page = build_site(submodule_layout, tmp_path / "site", {"agency": "agency.yml"})
    assert "<del>six</del><ins>eight</ins>" in page
    assert "<del>quarter</del><ins>month</ins>" in page
    commit = git("rev-parse", "v1:state", cwd=submodule_layout).strip()[:12]
    assert f"Note: v1: state/ is the submodule's commit {commit}, as recorded at v1" in html.unescape(page)
    assert "protected by" not in page


# -- the sibling layout -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_sibling_diff_at_parent_revisions(sibling_layout: Path, fmt: str) -> None:
    pinned = ("--parent-rev", "v1", "--parent-rev", "v2", "--format", fmt)
    from_repository = lstoolkit("diff", "v1", "v2", "--root", "..", *pinned, cwd=sibling_layout)
    assert from_repository[0] == 0, from_repository[2]
    from_above = lstoolkit("diff", "v1", "v2", "--root", ".", "--agency", "springfield/agency.yml", *pinned,
                           cwd=sibling_layout.parent)
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
        assert "<del>six</del><ins>eight</ins>" in output and "<del>quarter</del><ins>month</ins>" in output
    assert PROTECTED not in output


def test_sibling_diff_without_parent_revision_uses_the_parent_working_tree_and_says_so(sibling_layout: Path) -> None:
    status, out, err = lstoolkit("diff", "v1", "v2", "--root", "..", cwd=sibling_layout)
    assert status == 0, err
    note = ("lincoln-state/ is a separate checkout and agency.lock records no revision of it, so its working "
            "tree is used; pass --parent-rev REV to compare a revision of it")
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
    assert "its working tree is used" in html.unescape(page)  # no plugin option pins the parent: the page says so
    assert "protected by" not in page


def build_site(project: Path, site: Path, options: dict[str, str]) -> str:
    """Build ``project``'s site with compare_with v1 and no handouts; the What changed page."""
    config = project / "mkdocs.yml"
    plugin = {**options, "handouts": "false", "compare_with": "v1"}
    config.write_text(yaml.safe_dump({
        "site_name": "Springfield", "docs_dir": "docs", "site_dir": str(site),
        "theme": {"name": "material"}, "plugins": [{"lstoolkit": plugin}],
    }), encoding="utf-8")
    try:
        with contextlib.chdir(project):
            build(load_config(config_file=str(config)))
    finally:
        config.unlink()
    return (site / "changes" / "index.html").read_text(encoding="utf-8")


# -- the repository's own examples: one repository, the agency in a subfolder ---------------------


def test_examples_against_head_from_the_agency_folder_and_the_root(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repository / "examples")
    git("init", "-q", "-b", "main", cwd=repository)
    commit_and_tag(repository, "v1")
    district = repository / "examples" / "district"
    from_folder = lstoolkit("diff", "HEAD", "--exit-code", cwd=district)
    from_root = lstoolkit("diff", "HEAD", "--exit-code", "--agency", "examples/district/agency.yml", cwd=repository)
    assert from_folder == from_root == (0, "HEAD -> working tree: no differences\nagency file: examples/district/agency.yml\n", "")


def test_parent_outside_git_and_an_unused_parent_revision_are_said(tmp_path: Path, submodule_layout: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "agency.yml").write_text(STATE.format(version="2026.1", count="six"), encoding="utf-8")
    district = tmp_path / "district"
    district.mkdir()
    git("init", "-q", "-b", "main", cwd=district)
    write_district(district / "agency.yml", "../state/agency.yml", second=False)
    commit_and_tag(district, "v1")
    write_district(district / "agency.yml", "../state/agency.yml", second=True)
    status, out, err = lstoolkit("diff", "v1", "--root", "..", cwd=district)
    assert status == 0, err
    assert "note: v1: state/ is not in a git repository, so its files as they are now are used\n" in out
    assert DISTRICT_CHANGE in out and PROTECTED not in out
    status, out, err = lstoolkit("diff", "v1", "--parent-rev", "v1", cwd=submodule_layout)
    assert status == 0, err
    assert "note: v1: --parent-rev v1 is not used: no parent layer is in a separate checkout\n" in out
