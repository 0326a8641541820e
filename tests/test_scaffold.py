"""``lstoolkit new`` with hostile names: the YAML it writes holds the name as data, exactly.

``test_fork.py`` covers the project layout, building the site and sibling checkouts; this file
covers the name and the parent's path reaching ``agency.yml`` and ``mkdocs.yml`` intact, and the
names refused before anything is written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lstoolkit.cli import main
from lstoolkit.scaffold import create_project

ROOT = Path(__file__).parent.parent

ACCEPTED = [
    "St. Mary's: East #1",
    "- list item",
    "'quoted'",
    '"double"',
    "@at",
    "%percent",
    "yes",
    "null",
    "1.0",
    "École Saint-Éloi & Co.",
    "Name: with: colons",
    "{braces}",
    "[brackets]",
    "#hash",
    "emoji 🎓",
    "a\\b backslash",
    "  padded  ",
    "x" * 200,
]
REFUSED = {
    "injected key": 'X\nversion: "9"',
    "carriage return": "X\rY",
    "tab": "tab\there",
    "empty": "",
    "blank": "   ",
    "markup": "<b>x</b>",
    "too long": "x" * 201,
    "line separator": "X\u2028version: 9",
    "next line": "X\x85Y",
}


def new(directory: Path, name: str, *extra: str, level: str = "district") -> int:
    return main(["new", str(directory), "--level", level, f"--name={name}", *extra])


@pytest.mark.parametrize("name", ACCEPTED)
def test_any_one_line_name_round_trips(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "toolkit"
    assert new(project, name) == 0, capsys.readouterr().err
    agency_text = (project / "agency.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(agency_text) == {
        "extends": "prototype",
        "agency": {"name": name, "level": "district"},
        "version": "1.0",
        "status": "draft",
        "component_name": "Learning Supports Component",
    }
    assert (
        agency_text.splitlines()[1]
        == f"# How {name} adapts the toolkit. Check it with: lstoolkit check agency.yml"
    )
    mkdocs = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert mkdocs["site_name"] == f"{name} — Learning Supports Component"
    assert mkdocs["plugins"][1] == {"lstoolkit": {"agency": "agency.yml"}}
    assert f"# {name}: design document\n" in (project / "README.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(project / "agency.yml")]) == 0, capsys.readouterr().out


def test_comments_stay_next_to_their_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, "St. Mary's: East #1") == 0
    lines = (tmp_path / "agency.yml").read_text(encoding="utf-8").splitlines()
    assert lines[4:9] == [
        "extends: prototype",
        "agency:",
        "  name: 'St. Mary''s: East #1'",
        "  level: district",
        "  # short_name: ABC",
    ]
    keys = [line.split("#", 2)[1].strip() if line.startswith("# ") else line for line in lines]
    for key, comment in [
        ('version: "1.0"', "status: draft"),
        ("terms:", "#   Learning Supports Facilitator: Learning Supports Coach"),
        ("values:", "#   facilitator_positions: 12"),
        ("protect:", "#   - mechanisms/leadership-council"),
        ("changes:", "#   - remove: mechanisms/external-collaborators"),
    ]:
        assert lines[keys.index(key) + 1].startswith(comment)


@pytest.mark.parametrize("block", ["terms", "values", "protect", "changes", "all"])
def test_each_commented_example_uncomments_cleanly(
    block: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleting '# ' from an example's lines, as the file says, gives a file that passes --strict."""
    assert new(tmp_path, "Springfield Public Schools") == 0
    lines = (tmp_path / "agency.yml").read_text(encoding="utf-8").splitlines()
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("# ") and line[2:].split(":")[0] in (
            "terms",
            "values",
            "protect",
            "changes",
        ):
            inside = block in (line[2:].split(":")[0], "all")
        elif not line.startswith("#   "):
            inside = False
        if inside:
            lines[i] = line[2:]
    (tmp_path / "agency.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    status = main(["check", "--strict", str(tmp_path / "agency.yml")])
    output = capsys.readouterr()
    assert status == 0, output
    if block in ("changes", "all"):
        assert "3 changes" in output.out


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_bad_names_are_refused_writing_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "toolkit"
    project.mkdir()
    assert new(project, name) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = captured.err.splitlines()
    assert (
        len(errors) == 1 and errors[0].startswith("error: --name ") and '--name "' in errors[0]
    ), captured.err
    assert "Traceback" not in captured.err
    assert list(project.iterdir()) == []


def test_bad_name_is_refused_before_the_parent_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path / "toolkit", "a\nb", "--extends", str(tmp_path / "missing.yml")) == 1
    assert "--name" in capsys.readouterr().err
    assert not (tmp_path / "toolkit").exists()


def test_create_project_refuses_an_unknown_level(tmp_path: Path) -> None:
    from lstoolkit.errors import LstoolkitError

    with pytest.raises(LstoolkitError, match="--level"):
        create_project(tmp_path, level="county", name="X", log=lambda _: None)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("state_dir", ["state", "state: #1 'x'"])
def test_extends_the_example_state(
    state_dir: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copytree(ROOT / "examples" / "state", tmp_path / state_dir)
    district = tmp_path / "district"
    district.mkdir()
    name = "Springfield: District #1"
    assert new(district, name, "--extends", str(tmp_path / state_dir / "agency.yml")) == 0, (
        capsys.readouterr().err
    )
    agency = yaml.safe_load((district / "agency.yml").read_text(encoding="utf-8"))
    assert agency["extends"] == f"../{state_dir}/agency.yml"
    assert agency["agency"] == {"name": name, "level": "district"}
    mkdocs = yaml.safe_load((district / "mkdocs.yml").read_text(encoding="utf-8"))
    assert mkdocs["plugins"][1] == {"lstoolkit": {"agency": "agency.yml", "root": ".."}}
    capsys.readouterr()
    monkeypatch.chdir(
        district
    )  # as the generated README says: lstoolkit check --strict --root .. agency.yml
    assert main(["check", "--strict", "--root", "..", "agency.yml"]) == 0, capsys.readouterr().out
    assert f"prototype -> ../{state_dir}/agency.yml -> agency.yml" in capsys.readouterr().out


@pytest.mark.parametrize("state_dir", ["state: #1 'x'", 'École "d" [x] {y}', "a\\b"])
def test_sibling_directory_names_reach_the_workflow_as_data(
    state_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "examples" / "state", tmp_path / state_dir)
    district = tmp_path / "district: #2"
    assert (
        new(district, "Springfield", "--extends", str(tmp_path / state_dir / "agency.yml")) == 0
    ), capsys.readouterr().err
    workflow = yaml.safe_load(
        (district / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    )
    checkouts = [
        step["with"]
        for step in workflow["jobs"]["build"]["steps"]
        if "actions/checkout" in step.get("uses", "")
    ]
    assert [c["path"] for c in checkouts] == ["district: #2", state_dir]
    assert workflow["jobs"]["build"]["defaults"]["run"]["working-directory"] == "district: #2"
    assert workflow["env"] == {"PARENT_REPOSITORY": f"owner/{state_dir}"}


def test_a_directory_name_github_actions_would_evaluate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "examples" / "state", tmp_path / "${{ secrets.TOKEN }}")
    district = tmp_path / "district"
    assert (
        new(
            district,
            "Springfield",
            "--extends",
            str(tmp_path / "${{ secrets.TOKEN }}" / "agency.yml"),
        )
        == 1
    )
    assert "which GitHub Actions would evaluate" in capsys.readouterr().err
    assert not district.exists()
