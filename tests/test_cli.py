"""``lstoolkit`` end to end, as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lstoolkit.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal-content"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", *args],
        capture_output=True, text=True, cwd=cwd, check=False,
    )


def test_check_bundled_content_summarizes() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("content OK: 5 elements, 11 mechanisms, ")
    functions = int(line.split(" mechanisms, ")[1].split(" functions")[0])
    assert functions >= 69
    assert "3 jobs" in line and "cautions" in line


def test_check_broken_tree_prints_located_errors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    mechanisms = content / "mechanisms.yml"
    mechanisms.write_text(mechanisms.read_text().replace("functions:", "funtions:"))
    (content / "values.yml").write_text("title: Local values\nitems:\n  - id: positions\n    description: x\n")

    result = run("check", "--content", "content", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: content/values.yml:3:5: LS302 'positions' is missing the required key 'prototype' Add 'prototype:'.",
        "error: content/mechanisms.yml:5:5: LS302 unknown key 'funtions' in 'team' Did you mean 'functions'?",
    ]


def test_debug_reraises(tmp_path: Path) -> None:
    from lstoolkit.errors import LstoolkitError

    with pytest.raises(LstoolkitError):
        main(["check", "--content", str(tmp_path), "--debug"])


def test_addresses_lists_every_item_and_entry() -> None:
    result = run("addresses")
    assert result.returncode == 0, result.stderr
    addresses = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(addresses) == len(set(addresses))
    assert "mechanisms/steering-body" in addresses
    assert "elements/capacity-building" in addresses
    assert any(a.startswith("mechanisms/steering-body/functions/") for a in addresses)
    assert any(a.startswith("templates/introductory-session/sections/") for a in addresses)


def test_schema_is_json_with_the_fields_of_the_model() -> None:
    import json

    result = run("schema", "mechanisms")
    schema = json.loads(result.stdout)
    assert set(schema["$defs"]["Mechanism"]["required"]) == {"id", "source", "title"}
    assert schema["$defs"]["Entry"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Entry"}


def test_findings_reference_page_is_current() -> None:
    from lstoolkit.findings import codes_reference

    page = Path(__file__).parent.parent / "docs" / "findings.md"
    assert page.read_text(encoding="utf-8") == codes_reference(), "regenerate: lstoolkit codes > docs/findings.md"


def test_troubleshooting_page_is_current_and_covers_every_code() -> None:
    from lstoolkit.findings import CODES, troubleshooting

    page = Path(__file__).parent.parent / "docs" / "troubleshooting.md"
    assert page.read_text(encoding="utf-8") == troubleshooting(), "regenerate: lstoolkit codes --troubleshooting > docs/troubleshooting.md"
    for code in CODES.values():
        assert f"## {code.code}: " in page.read_text(encoding="utf-8")
        assert code.examples and all(f" {code.code} " in example for example in code.examples)
