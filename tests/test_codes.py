"""Each finding code is defined once (lstoolkit/codes.py) and named by its member everywhere else."""

from __future__ import annotations

import re
from pathlib import Path

from lstoolkit.codes import CODES, FindingCode

PACKAGE = Path(__file__).resolve().parent.parent / "lstoolkit"


def test_every_code_is_documented_once() -> None:
    assert list(CODES) == sorted(FindingCode, key=lambda c: c.value)
    assert all(re.fullmatch(r"LS[1-4]\d\d", c.value) for c in FindingCode)
    for code, doc in CODES.items():
        assert doc.code is code and doc.title and doc.explanation and doc.fix and doc.examples, code
        assert all(f" {code.value} " in example for example in doc.examples), code


def test_no_module_spells_a_code_as_a_string() -> None:
    spelled = []
    for module in sorted(PACKAGE.glob("*.py")):
        if module.name == "codes.py":
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
            # the agency file's 'accept:' lists codes as the schema's choices: a Literal of strings
            if re.search(r'"LS\d{3}"', line) and "Literal[" not in line:
                spelled.append(f"{module.name}:{number}: {line.strip()}")
    assert not spelled, "name the code by its FindingCode member:\n" + "\n".join(spelled)
