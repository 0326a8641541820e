"""``lstoolkit upgrade-check`` when upstream moved so that the layer no longer resolves: always an
error (exit 1), located, with advice that cannot delete the wrong thing."""

from __future__ import annotations

from pathlib import Path

from helpers_cli import lstoolkit

STATE = "agency: {name: State, level: state}\nversion: '1'\n"
DISTRICT = "extends: state.yml\nagency: {name: Springfield, level: district}\nversion: '1'\nvalues: {facilitator_positions: 3}\n"
ENTRY = "mechanisms/steering-body/functions/celebrates-progress"


def locked(tmp_path: Path, state: str, district: str) -> Path:
    (tmp_path / "state.yml").write_text(state, encoding="utf-8")
    (tmp_path / "agency.yml").write_text(district, encoding="utf-8")
    lock = lstoolkit("lock", "agency.yml", cwd=tmp_path)
    assert lock.returncode == 0, lock.stderr
    return tmp_path


def test_the_parent_drops_an_entry_the_layer_removes(tmp_path: Path) -> None:
    project = locked(
        tmp_path, STATE, DISTRICT + f"changes:\n  - remove: {ENTRY}\n    why: Not here.\n"
    )
    (project / "state.yml").write_text(
        STATE + f"changes:\n  - remove: {ENTRY}\n    why: Not in this state.\n"
    )
    for strict in ([], ["--strict"]):
        result = lstoolkit("upgrade-check", *strict, "agency.yml", cwd=project)
        assert result.returncode == 1, result.stderr
        assert result.stdout == (
            "Changes whose target is gone upstream (1):\n"
            f"  agency.yml:6:13: remove {ENTRY}: the parent no longer has it: delete this change\n"
        )


def test_the_parent_drops_what_the_layer_replaces(tmp_path: Path) -> None:
    project = locked(
        tmp_path,
        STATE,
        DISTRICT
        + "changes:\n  - replace: mechanisms/planning-team/process\n    text: Weekly.\n    why: x\n",
    )
    (project / "state.yml").write_text(
        STATE + "changes:\n  - remove: mechanisms/planning-team\n    why: Folded in.\n"
    )
    result = lstoolkit("upgrade-check", "agency.yml", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "Changes whose target is gone upstream (1):\n"
        "  agency.yml:6:14: replace mechanisms/planning-team/process: the parent no longer has it: delete this change, "
        "or point it at the new address if the text moved (the nearest address in spelling is "
        "'mechanisms/implementation-team/process': check that it is the same thing)\n"
    )


def test_a_layer_that_no_longer_resolves_is_an_error_without_strict(tmp_path: Path) -> None:
    project = locked(tmp_path, STATE, DISTRICT + "protect: [mechanisms/planning-team]\n")
    (project / "state.yml").write_text(
        STATE + "changes:\n  - remove: mechanisms/planning-team\n    why: Folded in.\n"
    )
    result = lstoolkit("upgrade-check", "agency.yml", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "Errors: this layer no longer resolves against upstream (1):\n"
        "  agency.yml:5:11: LS301 'protect' names 'mechanisms/planning-team', which does not exist"
    )


def test_a_target_an_earlier_change_of_the_layer_adds_is_not_gone(tmp_path: Path) -> None:
    project = locked(
        tmp_path,
        STATE,
        DISTRICT
        + (
            "changes:\n"
            "  - add: mechanisms\n    text: {id: local-team, title: Local Team, functions: [{id: meets, text: meets}]}\n    why: x\n"
            "  - add: mechanisms/local-team/functions\n    text: reports\n    why: x\n"
        ),
    )
    (project / "state.yml").write_text(STATE.replace("'1'", "'2'"))
    result = lstoolkit("upgrade-check", "--strict", "agency.yml", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "Upstream has not moved in any way that concerns this layer.\n"
