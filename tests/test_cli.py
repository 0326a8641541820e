"""``lstoolkit`` end to end, as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_cli import lstoolkit

from lstoolkit.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal-content"


def test_check_bundled_content_summarizes(tmp_path: Path) -> None:
    result = lstoolkit("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("content OK (the bundled prototype): 5 elements, 11 mechanisms, ")
    functions = int(line.split(" mechanisms, ")[1].split(" functions")[0])
    assert functions >= 69
    assert "3 jobs" in line and "cautions" in line


def test_check_broken_tree_prints_located_errors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    mechanisms = content / "mechanisms.yml"
    mechanisms.write_text(mechanisms.read_text().replace("functions:", "funtions:"))
    (content / "values.yml").write_text(
        "title: Local values\nitems:\n  - id: positions\n    description: x\n"
    )

    result = lstoolkit("check", "--content", "content", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: content/values.yml:3:5: LS302 'positions' is missing the required key 'prototype'. Add 'prototype:'.",
        "error: content/mechanisms.yml:5:5: LS302 unknown key 'funtions' in 'team'. Did you mean 'functions'?",
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--content", "{tmp}", "--debug"],
        ["--debug", "check", "--content", "{tmp}"],
        ["--debug", "--content", "{tmp}", "check"],
        ["--content", "{tmp}", "check", "--debug"],
    ],
    ids=["after", "debug-before", "both-before", "content-before"],
)
def test_debug_reraises_before_or_after_the_command(argv: list[str], tmp_path: Path) -> None:
    from lstoolkit.errors import LstoolkitError

    with pytest.raises(LstoolkitError):
        main([arg.format(tmp=tmp_path) for arg in argv])


def test_debug_before_the_command_shows_the_traceback(tmp_path: Path) -> None:
    result = lstoolkit("--debug", "check", "--content", "missing", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "Traceback" in result.stderr
        and "--content missing: the directory does not exist" in result.stderr
    )


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_content_before_or_after_the_command(before: bool, tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "content")
    args = ["--content", "content", "check"] if before else ["check", "--content", "content"]
    result = lstoolkit(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content OK (content): ")
    assert "11 mechanisms" not in result.stdout  # not the bundled prototype


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_a_missing_content_directory_is_a_clear_error(before: bool, tmp_path: Path) -> None:
    args = (
        ["--content", "/nonexistent", "check"] if before else ["check", "--content", "/nonexistent"]
    )
    result = lstoolkit(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --content /nonexistent: the directory does not exist. Give the folder that holds sources.yml, "
        "elements.yml and the other content files, or leave out --content to use the bundled prototype.",
    ]


def test_addresses_lists_every_item_and_entry() -> None:
    result = lstoolkit("addresses")
    assert result.returncode == 0, result.stderr
    addresses = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(addresses) == len(set(addresses))
    assert "mechanisms/steering-body" in addresses
    assert "elements/capacity-building" in addresses
    assert any(a.startswith("mechanisms/steering-body/functions/") for a in addresses)
    assert any(a.startswith("templates/introductory-session/sections/") for a in addresses)


def test_schema_is_json_with_the_fields_of_the_model() -> None:
    import json

    result = lstoolkit("schema", "mechanisms")
    schema = json.loads(result.stdout)
    assert set(schema["$defs"]["Mechanism"]["required"]) == {"id", "source", "title"}
    assert schema["$defs"]["Entry"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Entry"}


def test_findings_reference_page_is_current() -> None:
    from lstoolkit.findings import codes_reference

    page = Path(__file__).parent.parent / "docs" / "findings.md"
    assert page.read_text(encoding="utf-8") == codes_reference(), (
        "regenerate: lstoolkit codes > docs/findings.md"
    )


def test_troubleshooting_page_is_current_and_covers_every_code() -> None:
    from lstoolkit.findings import CODES, troubleshooting

    page = Path(__file__).parent.parent / "docs" / "troubleshooting.md"
    assert page.read_text(encoding="utf-8") == troubleshooting(), (
        "regenerate: lstoolkit codes --troubleshooting > docs/troubleshooting.md"
    )
    for code in CODES.values():
        assert f"## {code.code}: " in page.read_text(encoding="utf-8")
        assert code.examples and all(f" {code.code} " in example for example in code.examples)


AGENCY = "agency: {name: Springfield, level: district}\nversion: '1'\nvalues: {facilitator_positions: 4}\n"
TYPO = AGENCY + "changes:\n  - remove: mechanisms/steering-bodies\n    why: x\n"
STATE = "agency: {name: Lincoln, level: state}\nversion: '1'\n"
STATE_ADDS = STATE + (
    "changes:\n  - add: mechanisms/steering-body/functions\n    id: reports-to-the-state\n"
    "    text: reports each year to the state\n    why: State law.\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_check_without_a_file_checks_the_agency_yml_here(tmp_path: Path) -> None:
    write(tmp_path / "agency.yml", TYPO)
    result = lstoolkit("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "agency.yml:5:13: LS301 'mechanisms/steering-bodies' does not exist (in the prototype and the layers above "
        "this one). Did you mean 'mechanisms/steering-body'?",
        "agency.yml: cannot be resolved",
    ]
    write(tmp_path / "agency.yml", AGENCY)
    result = lstoolkit("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        "agency.yml, resolved as prototype -> agency.yml: 0 changes"
    )


def test_check_content_only_ignores_the_agency_yml_here(tmp_path: Path) -> None:
    write(tmp_path / "agency.yml", TYPO)
    result = lstoolkit("check", "--content-only", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("content OK (the bundled prototype): ")
    both = lstoolkit("check", "--content-only", "agency.yml", cwd=tmp_path)
    assert (
        both.returncode == 1 and "error: give agency.yml or --content-only, not both" in both.stderr
    )


def test_check_names_the_file_it_checked(tmp_path: Path) -> None:
    (tmp_path / "district").mkdir()
    write(tmp_path / "state.yml", STATE)
    write(tmp_path / "district" / "agency.yml", "extends: ../state.yml\n" + AGENCY)
    result = lstoolkit("check", "--root", ".", "district/agency.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        "district/agency.yml, resolved as prototype -> state.yml -> district/agency.yml: 0 changes"
    )


def test_agency_file_is_the_one_given_else_the_one_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lstoolkit.cli import agency_file, required_agency_file
    from lstoolkit.errors import LstoolkitError

    monkeypatch.chdir(tmp_path)
    assert agency_file(None) is None
    with pytest.raises(
        LstoolkitError, match="no agency file given, and there is no agency.yml in this directory"
    ):
        required_agency_file(None)
    write(tmp_path / "agency.yml", AGENCY)
    assert agency_file(None) == Path("agency.yml") == required_agency_file(None)
    assert agency_file(None, content_only=True) is None
    assert (
        agency_file(Path("other.yml"))
        == Path("other.yml")
        == required_agency_file(Path("other.yml"))
    )


def test_lock_and_upgrade_check_use_the_agency_yml_here(tmp_path: Path) -> None:
    assert "no agency file given" in lstoolkit("lock", cwd=tmp_path).stderr
    write(tmp_path / "agency.yml", AGENCY)
    lock = lstoolkit("lock", cwd=tmp_path)
    assert lock.returncode == 0, lock.stderr
    assert (tmp_path / "agency.lock").is_file()
    check = lstoolkit("upgrade-check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert (
        check.stdout
        == "agency.yml, against agency.lock:\nUpstream has not moved in any way that concerns this layer.\n"
    )


def test_handouts_use_the_agency_yml_here_and_say_where_they_went(tmp_path: Path) -> None:
    write(tmp_path / "agency.yml", AGENCY)
    result = subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "handouts", "--only", "fidelity-report"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "LSTOOLKIT_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    *files, last = result.stdout.splitlines()
    assert files[0].startswith(f"{Path('handouts') / 'fidelity-report.pdf'} (")
    assert (
        last
        == f"1 handout of agency.yml written to the folder {Path('handouts')}{os.sep}: 1 rendered, 0 from cache"
    )
    assert (tmp_path / "handouts" / "fidelity-report.pdf").is_file()


def addresses(*args: str, cwd: Path) -> list[str]:
    result = lstoolkit("addresses", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


def test_addresses_under_a_prefix(tmp_path: Path) -> None:
    result = lstoolkit("addresses", "values", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    items = [line for line in result.stdout.splitlines() if line.count("/") == 1]
    assert (
        items[0]
        == "values/facilitator_positions\tNumber of Learning Supports Facilitator positions the district has established"
    )
    assert all(line.startswith("values/") for line in result.stdout.splitlines())
    functions = addresses("mechanisms/steering-body/functions/", cwd=tmp_path)
    assert functions[0] == "mechanisms/steering-body/functions"
    assert (
        all(a.startswith("mechanisms/steering-body/functions/") for a in functions[1:])
        and len(functions) > 5
    )
    both = addresses("values", "mechanisms/steering-body", cwd=tmp_path)
    assert "values/superintendent" in both and "mechanisms/steering-body/title" in both
    assert not any(a.startswith("mechanisms/steering-body-") for a in both)


def test_addresses_of_an_unknown_prefix_suggest_one(tmp_path: Path) -> None:
    result = lstoolkit("addresses", "valus", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert (
        result.stderr
        == "error: no address is 'valus' or starts with 'valus/'. Did you mean 'values'?\n"
    )


@pytest.mark.parametrize(
    "how", [["district.yml"], ["--agency", "district.yml"], []], ids=["file", "option", "here"]
)
def test_addresses_after_the_chain_list_what_a_parent_added(how: list[str], tmp_path: Path) -> None:
    write(tmp_path / "state.yml", STATE_ADDS)
    district = (
        "extends: state.yml\n"
        + AGENCY
        + "changes:\n  - remove: mechanisms/external-collaborators\n    why: x\n"
    )
    write(tmp_path / ("agency.yml" if not how else "district.yml"), district)
    result = lstoolkit("addresses", *how, "mechanisms", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert "mechanisms/steering-body/functions/reports-to-the-state" in listed
    assert "mechanisms/external-collaborators" not in listed
    assert (
        result.stderr
        == f"addresses after prototype -> state.yml -> {'agency.yml' if not how else 'district.yml'}\n"
    )
    prototype = addresses("--content-only", "mechanisms", cwd=tmp_path)
    assert "mechanisms/steering-body/functions/reports-to-the-state" not in prototype
    assert "mechanisms/external-collaborators" in prototype


@pytest.mark.parametrize(
    "value", ["12", "'12'", "x number of personnel"]
)  # the source's own wording
def test_a_number_value_in_digits_passes(value: str, tmp_path: Path) -> None:
    write(
        tmp_path / "agency.yml",
        AGENCY.replace("facilitator_positions: 4", f"facilitator_positions: {value}"),
    )
    result = lstoolkit("check", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("value", ["six", "'12 or so'", "''"])
def test_a_number_value_in_words_is_refused(value: str, tmp_path: Path) -> None:
    write(
        tmp_path / "agency.yml",
        AGENCY.replace("facilitator_positions: 4", f"facilitator_positions: {value}"),
    )
    result = lstoolkit("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "agency.yml:3:33: LS302 the value 'facilitator_positions' is a number, not "
    )
    assert "Write it in digits, e.g. 'facilitator_positions: 12'." in result.stdout


def test_an_accept_for_a_finding_the_change_does_not_cause_is_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path / "agency.yml",
        AGENCY
        + (
            "protect: [mechanisms/planning-team]\n"
            "changes:\n"
            "  - remove: mechanisms/external-collaborators\n    why: No partner.\n    accept: [LS101, LS102]\n"
            "  - remove: elements/capacity-building\n    why: Reviewed.\n    accept: [LS101]\n"
        ),
    )
    result = lstoolkit("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if "LS204" in line] == [
        "agency.yml:8:14: LS204 this change to 'mechanisms/external-collaborators' accepts LS101, but it causes no LS101 finding",
        "agency.yml:8:21: LS204 this change to 'mechanisms/external-collaborators' accepts LS102, but it causes no LS102 finding",
    ]
    assert (
        "LS101 the essential element 'elements/capacity-building' is removed (accepted)"
        in result.stdout
    )
    assert lines[-1].endswith(
        ": 2 changes (1 fidelity-consistent, 1 inconsistent); 0 errors, 2 warnings, 4 info"
    )  # + LS203, LS205, LS208
    assert lstoolkit("check", "--strict", cwd=tmp_path).returncode == 1


HEAD = "agency: {name: Springfield, level: district}\nversion: '1'\n"
YAML_MISTAKES = {
    "colon-in-text": (
        HEAD + "changes:\n  - remove: mechanisms/external-collaborators\n    why: Budget: none.\n",
        "agency.yml:5:16: LS300 invalid YAML: a colon followed by a space inside a text starts a new key. "
        'Put the text in quotes: why: "Budget: none."',
    ),
    "dash-too-far": (
        HEAD
        + "changes:\n  - remove: mechanisms/external-collaborators\n    why: x\n   - remove: mechanisms/planning-team\n",
        "agency.yml:6:4: LS300 invalid YAML: this line is not indented like the lines around it. Check the indentation: "
        "list items under 'changes:' start with two spaces and a dash; the keys of one change line up.",
    ),
    "key-too-far": (
        HEAD + "changes:\n  - remove: mechanisms/external-collaborators\n     why: x\n",
        "agency.yml:5:6: LS300 invalid YAML: this line is indented further than the key before it. Check the "
        "indentation: list items under 'changes:' start with two spaces and a dash; the keys of one change line up.",
    ),
    "missing-colon": (
        HEAD + "changes:\n  - remove mechanisms/external-collaborators\n    why: x\n",
        "agency.yml:4:5: LS300 invalid YAML: missing ':' after the key? Put a colon and a space after the key: "
        "remove: mechanisms/external-collaborators",
    ),
    "missing-colon-top": (
        "agency: {name: Springfield, level: district}\nversion '1'\n\n# the log\nchanges: []\n",
        "agency.yml:2:1: LS300 invalid YAML: missing ':' after the key? Put a colon and a space after the key: version: '1'",
    ),
    "key-still-commented": (
        HEAD + "# changes:\n  - remove: mechanisms/external-collaborators\n    why: x\n",
        "agency.yml:3:1: LS300 invalid YAML: the key 'changes:' on this line is still a comment, so the lines under it "
        "belong to no key. Delete the '# ' at the start of the key's line too.",
    ),
    "uncommented-under-empty": (
        HEAD + "values: {}\n  facilitator_positions: 12\n",
        "agency.yml:3:9: LS300 invalid YAML: '{}' after the key means it is empty, so the lines under it cannot belong "
        "to it. Delete the '{}' when you write entries under the key.",
    ),
}


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize("case", sorted(YAML_MISTAKES))
def test_common_yaml_mistakes_in_plain_words_at_their_line(
    case: str,
    loader: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import yaml

    import lstoolkit.yamlfile

    if loader == "python":
        monkeypatch.setattr(lstoolkit.yamlfile, "_Loader", yaml.SafeLoader)
    text, expected = YAML_MISTAKES[case]
    write(tmp_path / "agency.yml", text)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [expected, "agency.yml: cannot be resolved"]


def test_other_yaml_errors_keep_the_parser_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "agency.yml",
        "agency: {name: Springfield: Schools, level: district}\nversion: '1'\n",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith(
        "agency.yml:1:27: LS300 invalid YAML: while parsing a flow mapping"
    )
