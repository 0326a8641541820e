"""``lstoolkit rollup``: the state's view of its districts, from the example districts in
``examples/state/districts`` and from generated ones."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from lstoolkit import cli, rollup
from lstoolkit.rollup import DistrictReport, find_district_files

ROOT = Path(__file__).parent.parent
STATE = Path("examples/state/agency.yml")
DISTRICTS = Path("examples/state/districts")
GOLDENS = Path(__file__).parent / "goldens" / "rollup"
UPDATE = os.environ.get("LSTOOLKIT_UPDATE_GOLDENS") == "1"
SUFFIX = {"text": "txt", "json": "json", "csv": "csv"}
ELEMENTS = [
    "three-component-policy",
    "intervention-framework",
    "operational-infrastructure",
    "capacity-building",
    "monitoring",
]


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are given and shown relative to the repository, as a user in it would see them."""
    monkeypatch.chdir(ROOT)


def district(name: str) -> Path:
    return DISTRICTS / name / "agency.yml"


def reports_by_folder(**kwargs: object) -> dict[str, DistrictReport]:
    reports = rollup.rollup(STATE, find_district_files(DISTRICTS), **kwargs)  # type: ignore[arg-type]
    return {Path(r.file).parent.name: r for r in reports}


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_rollup_golden(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rollup", str(STATE), "--format", fmt, "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    expected = GOLDENS / f"examples.{SUFFIX[fmt]}"
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")


def test_finds_one_file_per_district_and_skips_the_state() -> None:
    found = find_district_files(Path("examples/state"), state_file=STATE)
    assert found == [
        district(n)
        for n in ("cedar-falls", "harbor-city", "maple-grove", "oakdale", "riverton", "westbrook")
    ]


def test_finding_skips_hidden_folders_and_schools_but_takes_flat_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "schools" / "lincoln").mkdir(parents=True)
    (tmp_path / "a" / "agency.yml").write_text("extends: ../state.yml\n", encoding="utf-8")
    (tmp_path / "a" / "schools" / "lincoln" / "agency.yml").write_text(
        "extends: ../../agency.yml\n", encoding="utf-8"
    )
    (tmp_path / ".git" / "modules").mkdir(parents=True)
    (tmp_path / ".git" / "modules" / "agency.yml").write_text("extends: x\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text(
        "# a district\nextends: ../state/agency.yml\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: not a layer\n", encoding="utf-8")
    assert find_district_files(tmp_path) == [tmp_path / "a" / "agency.yml", tmp_path / "b.yml"]


def test_a_broken_district_is_reported_with_its_located_error_and_the_others_resolve() -> None:
    reports = reports_by_folder(jobs=2)
    broken = reports.pop("maple-grove")
    assert broken.error.startswith(
        f"{district('maple-grove')}:17:14: LS301 'mechanisms/planing-team/process' does not exist"
    )
    assert "Did you mean 'mechanisms/planning-team/process'?" in broken.error
    assert (broken.name, broken.changes, broken.elements) == ("", {}, {})
    assert sorted(reports) == ["cedar-falls", "harbor-city", "oakdale", "riverton", "westbrook"]
    assert all(
        not r.error and r.name and r.extends_state and list(r.elements) == ELEMENTS
        for r in reports.values()
    )
    assert {name: r.region for name, r in reports.items()} == {
        "cedar-falls": "North",
        "harbor-city": "Coastal",
        "oakdale": "Central",
        "riverton": "North",
        "westbrook": "Coastal",
    }


def test_a_district_on_an_earlier_version_of_the_state_is_out_of_date() -> None:
    """Westbrook keeps a copy of the state's draft 2025.2 (as a pinned submodule would)."""
    reports = reports_by_folder(jobs=1)
    westbrook, riverton = reports["westbrook"], reports["riverton"]
    assert (westbrook.state_version, westbrook.state_current, westbrook.out_of_date) == (
        "2025.2",
        False,
        True,
    )
    assert westbrook.parent == "Lincoln State Department of Education 2025.2"
    assert (riverton.state_version, riverton.state_current, riverton.out_of_date) == (
        "2026.1",
        True,
        False,
    )
    assert "1 extends an earlier version of the state's design" in rollup.summary_line(
        list(reports.values())
    )


def test_element_statuses_and_the_districts_own_layer() -> None:
    reports = reports_by_folder(jobs=1)
    oakdale, riverton, harbor = reports["oakdale"], reports["riverton"], reports["harbor-city"]
    assert oakdale.elements["capacity-building"] == "removed"
    assert oakdale.findings["LS101"] == 1 and oakdale.fails_strict
    assert set(riverton.elements.values()) <= {"kept", "adapted"}
    assert riverton.elements["capacity-building"] == "adapted"
    # only Riverton's own changes: the state's two additions are not counted
    assert (riverton.changes, riverton.consistent, riverton.fidelity_consistent) == (
        {"add": 2, "replace": 1},
        3,
        1.0,
    )
    assert (riverton.status, riverton.adopted_on, riverton.version) == (
        "adopted",
        "2026-10-06",
        "2026.2",
    )
    assert (
        harbor.accepted == {"LS102": 1}
        and "LS102" not in harbor.findings
        and not harbor.fails_strict
    )
    assert harbor.fidelity_consistent == 0.5


def test_order_is_the_input_order_with_parallel_workers() -> None:
    files = list(reversed(find_district_files(DISTRICTS))) * 2
    reports = rollup.rollup(STATE, files, jobs=2)
    assert [r.file for r in reports] == [str(f) for f in files]


def test_a_district_that_skips_the_state_is_flagged(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "examples" / "state", tmp_path / "state", ignore=shutil.ignore_patterns("districts")
    )
    loner = tmp_path / "state" / "districts" / "loner" / "agency.yml"
    loner.parent.mkdir(parents=True)
    loner.write_text(
        "extends: prototype\nagency: {name: Lone Pine Schools, level: district}\nversion: '1'\n",
        encoding="utf-8",
    )
    [report] = rollup.rollup(tmp_path / "state" / "agency.yml", [loner], jobs=1)
    assert not report.error and not report.extends_state and report.fidelity_consistent is None
    assert "1 do not extend the state's file" in rollup.as_table([report])


def test_an_element_redefined_is_emptied_and_accepting_it_passes_strict(tmp_path: Path) -> None:
    state = state_with(tmp_path)
    emptied = state.parent / "districts" / "pine" / "agency.yml"
    emptied.parent.mkdir(parents=True)
    change = "  - replace: elements/monitoring/definition\n    text: The state monitors.\n    why: Monitoring is the state's.\n"
    head = "extends: ../../agency.yml\nagency: {name: Pine Schools, level: district}\nversion: '1'\nchanges:\n"
    emptied.write_text(head + change, encoding="utf-8")
    [report] = rollup.rollup(state, [emptied], jobs=1)
    assert (
        report.elements["monitoring"] == "emptied"
        and report.findings.get("LS103") == 1
        and report.fails_strict
    )
    assert rollup.as_table([report]).splitlines()[1].endswith("====!")
    emptied.write_text(head + change + "    accept: [LS103]\n", encoding="utf-8")
    [report] = rollup.rollup(state, [emptied], jobs=1)
    assert (
        report.elements["monitoring"] == "emptied"
        and report.accepted == {"LS103": 1}
        and "LS103" not in report.findings
        and not report.fails_strict
    )


def state_with(tmp_path: Path, *names: str) -> Path:
    """A copy of the example state with only the districts named."""
    shutil.copytree(
        ROOT / "examples" / "state", tmp_path / "state", ignore=shutil.ignore_patterns("districts")
    )
    for name in names:
        shutil.copytree(ROOT / DISTRICTS / name, tmp_path / "state" / "districts" / name)
    return tmp_path / "state" / "agency.yml"


@pytest.mark.parametrize(
    ("names", "strict_status"),
    [
        (("riverton", "harbor-city", "cedar-falls"), 0),  # an accepted LS102 does not fail
        (("riverton", "oakdale"), 1),  # an essential element removed, not accepted
        (("riverton", "maple-grove"), 1),  # a broken district
    ],
)
def test_strict_exit_status(
    tmp_path: Path, names: tuple[str, ...], strict_status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    state = str(state_with(tmp_path, *names))
    assert cli.main(["rollup", state, "--jobs", "1"]) == 0
    assert cli.main(["rollup", state, "--jobs", "1", "--strict"]) == strict_status
    assert f"{len(names)} districts:" in capsys.readouterr().out


def test_missing_folder_or_state_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["rollup", "examples/district/agency.yml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: the districts folder or manifest 'examples/district/districts' does not exist. Give --districts"
    )
    assert "Traceback" not in err and err.count("\n") == 1
    assert cli.main(["rollup", str(STATE), "--districts", str(tmp_path / "nowhere")]) == 1
    assert "nowhere' does not exist" in capsys.readouterr().err
    assert cli.main(["rollup", "no/such/agency.yml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: the state's customization file 'no/such/agency.yml' does not exist"
    )
    assert "Traceback" not in err


def test_out_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports" / "rollup.csv"
    assert (
        cli.main(["rollup", str(STATE), "--format", "csv", "--out", str(out), "--jobs", "2"]) == 0
    )
    printed = capsys.readouterr()
    assert (
        printed.out.endswith(f"written to {out}\n") and printed.err == ""
    )  # no progress: not a TTY
    assert out.read_text(encoding="utf-8") == (GOLDENS / "examples.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.parent.iterdir()) == ["rollup.csv"]  # no temporary file left
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["capacity-building"] for row in rows] == [
        "kept",
        "kept",
        "",
        "removed",
        "adapted",
        "kept",
    ]
    assert [row["state_current"] for row in rows] == ["true", "true", "", "true", "true", "false"]


def test_json_is_stable_and_complete() -> None:
    reports = rollup.rollup(STATE, find_district_files(DISTRICTS), jobs=1)
    data = json.loads(rollup.as_json(reports))
    assert data["summary"] == {
        "districts": 6,
        "adopted": 2,
        "draft": 3,
        "broken": 1,
        "removed_or_emptied_essential": 1,
        "not_extending_state": 0,
        "extending_earlier_version": 1,
    }
    oakdale = next(d for d in data["districts"] if d["slug"] == "oakdale")
    assert [entry["headline"] for entry in oakdale["log"]] == [
        "Removed the essential element “Continuous capacity building (especially professional development)”",
        "Added to the functions of the mechanism “Steering Committee”",
    ]
    fidelity = [n for n in oakdale["notes"] if n["code"].startswith("LS1")]
    assert [(n["code"], n["accepted"]) for n in fidelity] == [("LS101", False)]
    assert fidelity[0]["words"].startswith("It removes one of the five essential elements")
    assert rollup.as_json(reports) == rollup.as_json(
        rollup.rollup(STATE, find_district_files(DISTRICTS), jobs=2)
    )


TEMPLATE = """\
extends: ../../agency.yml
agency: {{name: District {i:03}, level: district}}
version: "2026.{i}"
status: draft
changes:
  - add: mechanisms/steering-body/functions
    id: local-function-{i}
    text: meets with the partners of district {i} each term
    why: Local partners.
{extra}"""
EXTRAS = [
    "",
    "  - remove: mechanisms/external-collaborators\n    why: No partner yet.\n",
    "  - replace: mechanisms/planning-team/process\n    text: Meets every {i} days.\n    why: Calendar.\n",
    "  - remove: elements/monitoring\n    why: Monitored by the state.\n",
]


@pytest.mark.slow
def test_two_hundred_districts_resolve(tmp_path: Path) -> None:
    state = state_with(tmp_path)
    files = []
    for i in range(200):
        path = state.parent / "districts" / f"d{i:03}" / "agency.yml"
        path.parent.mkdir(parents=True)
        path.write_text(TEMPLATE.format(i=i, extra=EXTRAS[i % 4].format(i=i)), encoding="utf-8")
        files.append(path)
    assert find_district_files(state.parent / "districts") == files
    started = time.perf_counter()
    reports = rollup.rollup(state, files, jobs=2)
    seconds = time.perf_counter() - started
    print(f"200 districts, jobs=2: {seconds:.1f} s")
    assert [r.file for r in reports] == [str(f) for f in files]
    assert [r.error for r in reports if r.error] == []
    assert [r.name for r in reports] == [f"District {i:03}" for i in range(200)]
    assert sum(r.elements["monitoring"] == "removed" for r in reports) == 50
    assert rollup.summary(reports)["removed_or_emptied_essential"] == 50


def git(repository: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Coach",
        "GIT_AUTHOR_EMAIL": "coach@example.org",
        "GIT_COMMITTER_NAME": "Coach",
        "GIT_COMMITTER_EMAIL": "coach@example.org",
    }
    return subprocess.run(
        ["git", "-C", str(repository), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def test_a_manifest_reads_each_district_at_its_revision(tmp_path: Path) -> None:
    """The state reviewed Oakdale's commit before it removed an element: the roll-up reads that
    commit, not the working tree; Riverton, listed without a revision, is read as it is."""
    state = state_with(tmp_path, "riverton")
    git(
        state.parent, "init", "-q", "-b", "main"
    )  # the state's repository; districts are checkouts in it
    git(state.parent, "add", "-A")
    git(state.parent, "commit", "-q", "-m", "state")
    oakdale = state.parent / "districts" / "oakdale"
    shutil.copytree(ROOT / DISTRICTS / "oakdale", oakdale)
    git(oakdale, "init", "-q", "-b", "main")
    text = (oakdale / "agency.yml").read_text(encoding="utf-8")
    kept = text.replace(
        "  - remove: elements/capacity-building\n",
        "  - replace: elements/capacity-building/title\n    text: Professional development\n",
    )
    (oakdale / "agency.yml").write_text(kept, encoding="utf-8")
    git(oakdale, "add", "-A")
    git(oakdale, "commit", "-q", "-m", "draft")
    reviewed = git(oakdale, "rev-parse", "HEAD").strip()
    (oakdale / "agency.yml").write_text(text, encoding="utf-8")  # the removal, not yet reviewed
    manifest = state.parent / "districts.yml"
    manifest.write_text(
        f"districts:\n  - path: districts/oakdale\n    revision: {reviewed[:10]}\n  - path: districts/riverton\n",
        encoding="utf-8",
    )
    oak, riverton = rollup.rollup(state, rollup.district_sources(manifest), jobs=1)
    assert oak.error == "" and (oak.revision, oak.name) == (reviewed, "Oakdale Public Schools")
    assert oak.elements["capacity-building"] == "adapted" and "LS101" not in oak.findings
    assert (riverton.revision, riverton.status) == ("", "adopted")
    [now] = rollup.rollup(state, [oakdale / "agency.yml"], jobs=1)
    assert now.elements["capacity-building"] == "removed"


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        (
            "districts:\n  - path: districts/nowhere\n",
            "districts.yml:2:11: 'districts/nowhere' is neither a district's folder",
        ),
        ("districts:\n  - folder: districts/riverton\n", "districts.yml:2:5:"),
        ("districts: districts/riverton\n", "districts.yml:1:12:"),
    ],
)
def test_a_bad_manifest_is_one_located_error(
    tmp_path: Path, manifest: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    state = state_with(tmp_path, "riverton")
    (state.parent / "districts.yml").write_text(manifest, encoding="utf-8")
    os.chdir(state.parent)
    assert cli.main(["rollup", "agency.yml", "--districts", "districts.yml"]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err, err


def test_a_revision_the_repository_does_not_have_makes_that_district_broken(tmp_path: Path) -> None:
    state = state_with(tmp_path, "riverton")
    git(state.parent / "districts" / "riverton", "init", "-q", "-b", "main")
    git(state.parent / "districts" / "riverton", "add", "-A")
    git(state.parent / "districts" / "riverton", "commit", "-q", "-m", "x")
    (state.parent / "districts.yml").write_text(
        "districts:\n  - path: districts/riverton\n    revision: v9.9\n", encoding="utf-8"
    )
    [report] = rollup.rollup(state, rollup.district_sources(state.parent / "districts.yml"), jobs=1)
    assert report.broken and "'v9.9' is not a revision of" in report.error


def test_a_revision_outside_git_and_a_folder_for_the_state_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = state_with(tmp_path, "riverton")
    (state.parent / "districts.yml").write_text(
        "districts:\n  - path: districts/riverton\n    revision: main\n", encoding="utf-8"
    )
    [report] = rollup.rollup(state, rollup.district_sources(state.parent / "districts.yml"), jobs=1)
    assert (
        report.error.startswith("the manifest names revision 'main', but ")
        and "is not in a git repository" in report.error
    )
    assert cli.main(["rollup", str(state.parent / "districts")]) == 1
    assert "districts' is a folder. Give the state's agency.yml" in capsys.readouterr().err
