"""Golden adaptation cases: each file in cases/adapt/ is a chain of customization files, the
findings ``lstoolkit check`` must print for it (file:line:col, code, message) and an excerpt of
the resolved content (address -> value; null where the address must not exist)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lstoolkit.adapt import adapt
from lstoolkit.addresses import find
from lstoolkit.check import check_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Finding, format_findings
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree, load_content

CASES = sorted((Path(__file__).parent / "cases" / "adapt").glob("*.yml"))


@pytest.fixture(scope="module")
def prototype() -> ContentTree:
    return load_content()


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_adapt_case(
    case_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prototype: ContentTree
) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    project = tmp_path / "project"
    project.mkdir()
    for name, text in case["layers"].items():
        (project / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    checked = Path(case.get("check") or list(case["layers"])[-1])

    adapted = None
    try:
        adapted = adapt(prototype, read_chain(checked))
        findings = check_adapted(adapted)
    except LstoolkitError as error:
        findings = tuple(Finding.from_error(problem) for problem in error.problems)

    expected = [line.replace("{root}", str(project)) for line in case["expect"]["findings"]]
    # The cases are about changes; the note that a draft's design sections are unwritten
    # (LS205) is tested in test_sections.py.
    # Nor are they about the job postings' values (LS203), unless a case says so, or sessions (LS208).
    noise = {"LS205", "LS208"} | (set() if any("LS203" in line for line in expected) else {"LS203"})
    findings = tuple(f for f in findings if f.code not in noise)
    assert format_findings(findings, "text").splitlines() == expected
    for address, value in case["expect"].get("resolved", {}).items():
        assert adapted is not None
        target = find(adapted.raw, address)
        assert (target.value if target else None) == value, address
