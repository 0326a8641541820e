"""Golden loader cases: each file in cases/load/ patches the minimal content tree and lists the
exact error lines ``lstoolkit check`` must print for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lstoolkit.errors import LstoolkitError
from lstoolkit.load import load_content

CASES = sorted((Path(__file__).parent / "cases" / "load").glob("*.yml"))
MINIMAL = Path(__file__).parent / "data" / "minimal-content"


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_load_case(case_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    for name, text in case.get("files", {}).items():
        (content / name).write_text(text, encoding="utf-8")
    for name, hexdata in case.get("files_hex", {}).items():
        (content / name).write_bytes(bytes.fromhex(hexdata))
    for name in case.get("remove", []):
        (content / name).unlink()
    monkeypatch.chdir(content)

    with pytest.raises(LstoolkitError) as raised:
        load_content(content)

    assert [problem.format() for problem in raised.value.problems] == case["expect"]


def test_minimal_tree_loads() -> None:
    tree = load_content(MINIMAL)
    assert [m.id for m in tree.toolkit.items("mechanisms")] == ["team"]
