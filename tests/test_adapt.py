"""Adaptation as a user meets it: the identity, terms, the example chain, the schema, the CLI."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lstoolkit.adapt import adapt, rename_terms
from lstoolkit.addresses import find
from lstoolkit.layers import agency_schema, read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.models import Job, Mechanism

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def prototype() -> ContentTree:
    return load_content()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_layer_without_changes_is_the_prototype(tmp_path: Path, prototype: ContentTree) -> None:
    values = {v["id"]: v["prototype"] for v in prototype.raw["values"]["items"]}
    layer = write(
        tmp_path / "agency.yml",
        'agency: {name: Springfield, level: district}\nversion: "1"\nvalues: '
        + json.dumps(values)
        + "\n",
    )
    adapted = adapt(prototype, read_chain(layer))
    expected = district_only(adapt(prototype, ()).raw)  # the prototype filled with its own values
    assert adapted.raw == expected
    assert adapted.changes == ()
    assert adapted.raw != prototype.raw  # the level and values did apply
    assert "${" not in json.dumps(adapted.raw["mechanisms"])


def district_only(raw: dict[str, Any]) -> dict[str, Any]:
    """What a district keeps: tasks, and entries of lists, marked only for other levels are left
    out (other collections' items keep their 'levels' as a description)."""

    def kept(value: object) -> bool:
        return not (
            isinstance(value, dict) and value.get("levels") and "district" not in value["levels"]
        )

    def entries(node: object) -> object:
        if isinstance(node, dict):
            return {k: entries(v) for k, v in node.items()}
        if isinstance(node, list):
            return [entries(v) for v in node if kept(v)]
        return node

    result = {}
    for name, data in raw.items():
        items = [i for i in data["items"] if name != "tasks" or kept(i)]
        result[name] = {
            **data,
            "items": [{k: entries(v) for k, v in item.items()} for item in items],
        }
    return result


def test_terms_keep_case_prefer_longest_and_spare_ids_and_quotations(
    prototype: ContentTree,
) -> None:
    raw = rename_terms(
        copy.deepcopy(prototype.raw),
        {
            "Steering Body": "Steering Committee",
            "Steering": "Guiding",
            "Learning Supports Facilitator": "Learning Supports Coach",
        },
    )
    body = find(raw, "mechanisms/steering-body")
    assert body is not None and body.value["title"] == "Steering Committee"
    assert body.value["id"] == "steering-body"
    job = find(raw, "jobs/learning-supports-facilitator/purpose")
    assert job is not None and "Hiring a Learning Supports Coach" in job.value
    assert "Learning Supports Facilitator" not in job.value
    quotes = json.dumps(raw["quotes"]) + json.dumps(raw["sources"]) + json.dumps(raw["resources"])
    assert quotes == json.dumps(prototype.raw["quotes"]) + json.dumps(
        prototype.raw["sources"]
    ) + json.dumps(prototype.raw["resources"])


def test_terms_match_whole_words_case_and_plurals() -> None:
    text = "STEERING BODY, steering body, Steering Body, steering bodyguard; Facilitators and Facilitator; Steering Bodies"
    raw = rename_terms(
        {"mechanisms": {"title": "t", "items": [{"id": "a", "text": text}]}},
        {"Steering Body": "Steering Committee", "Facilitator": "Coach"},
    )
    assert raw["mechanisms"]["items"][0]["text"] == (
        "STEERING COMMITTEE, steering committee, Steering Committee, steering bodyguard; Coaches and Coach; Steering Committees"
    )


def test_example_district_resolves_with_its_terms_and_values(prototype: ContentTree) -> None:
    adapted = adapt(prototype, read_chain(EXAMPLES / "district" / "agency.yml"))
    assert [layer.file.agency.level for layer in adapted.layers] == ["state", "district"]
    toolkit = adapted.toolkit
    coach = toolkit["jobs"].get("learning-supports-facilitator")
    assert isinstance(coach, Job) and coach.title == "Learning Supports Coach"
    committee = toolkit["mechanisms"].get("steering-body")
    assert (
        isinstance(committee, Mechanism)
        and committee.title == "Learning Supports Steering Committee"
    )
    assert toolkit["mechanisms"].get("external-collaborators") is None
    points = find(adapted.raw, "templates/introductory-session/sections/points")
    assert points is not None and "(twelve positions)" in json.dumps(points.value)
    assert [t.id for t in toolkit.items("tasks")] == [
        "coach-tasks",
        "mechanism-focus",
        "district-helps-schools",
        "start-up-with-schools",
    ]
    assert not adapted.missing_values


def test_published_schema_is_up_to_date() -> None:
    published = json.loads((ROOT / "lstoolkit" / "agency.schema.json").read_text())
    assert published == json.loads(json.dumps(agency_schema()))
    assert "changes" in published["properties"]
    assert published["$defs"]["Change"]["additionalProperties"] is False


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_reports_the_district_finding_it_accepted() -> None:
    result = run_check("examples/district/agency.yml", "--strict")
    assert result.returncode == 0, result.stdout
    lines = (ROOT / "examples/district/agency.yml").read_text().splitlines()
    line = lines.index("  - remove: mechanisms/leadership-council") + 1
    assert result.stdout.startswith(
        f"examples/district/agency.yml:{line}:5: LS102 'mechanisms/leadership-council' is removed but protected by examples/state/agency.yml (accepted)\n"
    )
    assert (
        "7 changes (6 fidelity-consistent, 1 inconsistent); 0 errors, 0 warnings, 2 info"
        in result.stdout
    )  # LS102 accepted, LS207


def test_cli_strict_fails_on_a_warning_not_accepted(tmp_path: Path) -> None:
    district = (EXAMPLES / "district" / "agency.yml").read_text().replace("    accept: [LS102]", "")
    (tmp_path / "state").mkdir()
    (tmp_path / "district").mkdir()
    write(tmp_path / "state" / "agency.yml", (EXAMPLES / "state" / "agency.yml").read_text())
    shutil.copytree(EXAMPLES / "state" / "sections", tmp_path / "state" / "sections")
    shutil.copytree(EXAMPLES / "district" / "assets", tmp_path / "district" / "assets")
    shutil.copytree(EXAMPLES / "district" / "sections", tmp_path / "district" / "sections")
    layer = write(tmp_path / "district" / "agency.yml", district)
    assert run_check(str(layer)).returncode == 1  # the parent is outside the default root
    assert run_check(str(layer), "--root", str(tmp_path)).returncode == 0
    strict = run_check(str(layer), "--root", str(tmp_path), "--strict")
    assert strict.returncode == 1
    assert "LS102 'mechanisms/leadership-council' is removed but protected by" in strict.stdout
    assert "0 errors, 1 warning, 1 info" in strict.stdout  # LS207: the Coach


def test_cli_strict_passes_a_clean_file() -> None:
    result = run_check("examples/state/agency.yml", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_cli_json_and_github_formats() -> None:
    findings = json.loads(run_check("examples/district/agency.yml", "--format", "json").stdout)
    line = (EXAMPLES / "district" / "agency.yml").read_text().splitlines().index(
        "  - remove: mechanisms/leadership-council"
    ) + 1
    assert findings[0] == {
        "code": "LS102",
        "severity": "info",
        "message": "'mechanisms/leadership-council' is removed but protected by examples/state/agency.yml",
        "file": "examples/district/agency.yml",
        "line": line,
        "column": 5,
        "address": "mechanisms/leadership-council",
        "accepted": True,
    }
    assert [f["code"] for f in findings] == ["LS102", "LS207"]
    github = run_check("examples/district/agency.yml", "--format", "github").stdout.splitlines()[0]
    assert github.startswith(
        f"::notice file=examples/district/agency.yml,line={line},col=5,title=LS102 "
    )


def test_cli_errors_exit_1_without_traceback(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "agency.yml",
        "agency: {name: X, level: district}\nversion: '1'\nchanges:\n  - remove: mechanisms/steering-bodyy\n    why: typo\n",
    )
    result = run_check(str(bad))
    assert result.returncode == 1
    assert "LS301 'mechanisms/steering-bodyy' does not exist" in result.stdout
    assert "Did you mean 'mechanisms/steering-body'?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


CHAIN = {
    "state.yml": "extends: prototype\nagency: {name: S, level: state}\nversion: '1'\n",
    "district.yml": "extends: state.yml\nagency: {name: D, level: district}\nversion: '1'\n",
    "school.yml": "extends: district.yml\nagency: {name: E, level: school}\nversion: '1'\nvalues: {facilitator_positions: 2}\n",
}
HARMFUL = {
    "remove: elements/capacity-building": "LS101",
    "replace: elements/capacity-building/definition\n    text: Two workshops a year.": "LS103",
    "remove: mechanisms/leadership-team": "LS102",
}


@pytest.mark.parametrize("layer", list(CHAIN))
@pytest.mark.parametrize("change", list(HARMFUL))
def test_harmful_change_is_reported_whichever_layer_makes_it(
    layer: str, change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prototype: ContentTree
) -> None:
    from lstoolkit.check import check_adapted

    for name, text in CHAIN.items():
        if name == layer:
            text += f"changes:\n  - {change}\n    why: testing\n"
        write(tmp_path / name, text)
    monkeypatch.chdir(tmp_path)
    findings = check_adapted(adapt(prototype, read_chain(Path("school.yml"))))
    # Not about the change: unwritten sections (a draft), values not set, sessions not given.
    found = [
        (f.code, f.location.path if f.location else "")
        for f in findings
        if f.code not in ("LS203", "LS205", "LS208")
    ]
    assert found == [(HARMFUL[change], layer)]


def test_without_git_the_working_directory_is_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project that is not (yet) a git repository: layers in subfolders of it may extend each other."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    layers = read_chain(Path("examples/district/agency.yml"))
    assert [layer.display for layer in layers] == [
        "examples/state/agency.yml",
        "examples/district/agency.yml",
    ]


def test_terms_never_rename_the_names_of_placeholders(
    tmp_path: Path, prototype: ContentTree
) -> None:
    layer = write(
        tmp_path / "agency.yml",
        "agency: {name: Springfield, level: district}\nversion: '1'\n"
        "values: {facilitator_positions: 3}\nterms: {facilitator_positions: slots, Facilitator: Coach}\n",
    )
    adapted = adapt(prototype, read_chain(layer))
    text = json.dumps(adapted.raw)
    assert "(three positions)" in text and "[slots]" not in text
    assert (
        "facilitator_positions" not in adapted.missing_values
        and "slots" not in adapted.missing_values
    )


def test_layers_rename_each_others_terms_as_layer_by_layer_would(
    tmp_path: Path, prototype: ContentTree
) -> None:
    write(
        tmp_path / "state.yml",
        "agency: {name: State, level: state}\nversion: '1'\nterms: {Steering Body: council}\n",
    )
    layer = write(
        tmp_path / "agency.yml",
        "extends: state.yml\nagency: {name: Springfield, level: district}\nversion: '1'\nterms: {council: board}\n"
        "changes:\n  - replace: mechanisms/steering-body/description\n    text: The council meets.\n    why: local\n",
    )
    adapted = adapt(prototype, read_chain(layer))
    body = find(adapted.raw, "mechanisms/steering-body")
    assert body is not None
    assert (
        body.value["title"] == "board"
    )  # "Steering Body" -> "Council" -> "board" (written as given)
    assert body.value["description"] == "The board meets."  # the district's own text: its own terms


def test_terms_take_a_plural_that_the_english_rule_would_get_wrong(
    tmp_path: Path, prototype: ContentTree
) -> None:
    layer = write(
        tmp_path / "agency.yml",
        "agency: {name: Springfield, level: district}\nversion: '1'\n"
        "terms:\n  Principal: {text: Head of School, plural: Heads of School}\n  Superintendent: Director of Student Supports\n",
    )
    raw = adapt(prototype, read_chain(layer)).raw
    text = json.dumps(
        [raw[name] for name in ("mechanisms", "jobs", "templates", "tasks", "steps")]
    ).lower()
    text = re.sub(
        r'"(id|source|doc|section)": "[^"]*"', "", text
    )  # ids and citations are never renamed
    assert "heads of school" in text and "principals" not in text and "head of schools" not in text
    assert "supportses" not in text and "director of student supports" in text


@pytest.mark.parametrize(
    ("noun", "plural"),
    [
        ("Coach", "Coaches"),
        ("Steering Body", "Steering Bodies"),
        ("Board of Education", "Boards of Education"),
        ("Director of Student Supports", "Directors of Student Supports"),
        ("Staff", "Staff"),
        ("Personnel", "Personnel"),
        ("Student Supports", "Student Supports"),
        ("Class", "Classes"),
        ("Analysis", "Analyses"),
        ("COACH", "COACHES"),
        ("Work Group", "Work Groups"),
        ("Team 2", "Team 2"),
    ],
)
def test_plurals_of_titles(noun: str, plural: str) -> None:
    from lstoolkit.terms import pluralize

    assert pluralize(noun) == plural
