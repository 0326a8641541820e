"""The corpus of bad inputs in cases/bad/: each gives one located error, from the CLI (exit 1) and
from the site build (which stops), with no traceback and nothing written."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

CASES = sorted((Path(__file__).parent / "cases" / "bad").glob("*.yml"))
ROOT = Path(__file__).parent.parent


def make_project(case: dict[str, Any], where: Path) -> Path:
    project = where / "project"
    (project / "docs").mkdir(parents=True)
    for name, text in case.get("files", {}).items():
        (project / name).write_text(text, encoding="utf-8")
    for name, hexdata in case.get("files_hex", {}).items():
        (project / name).write_bytes(bytes.fromhex(hexdata))
    for name, target in case.get("symlinks", {}).items():
        (project / name).symlink_to(target)
    for name, size in case.get("generate", {}).items():
        with open(project / name, "wb") as f:
            f.write(b"# padding\n" * (size // 10))
    (project / "mkdocs.yml").write_text(
        "site_name: Test\nplugins:\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n",
        encoding="utf-8",
    )
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("the previous site\n", encoding="utf-8")
    return project


def where(expect: dict[str, Any]) -> str:
    """'agency.yml:4:11:' (the column when the case gives it), 'agency.yml:4:', or 'agency.yml:'."""
    if not expect["line"]:
        return f"{expect['file']}:"
    return f"{expect['file']}:{expect['line']}:" + (
        f"{expect['column']}:" if expect.get("column") else ""
    )


def test_every_case_says_what_its_error_says() -> None:
    vague = [
        c.name
        for c in CASES
        if (e := yaml.safe_load(c.read_text(encoding="utf-8"))["expect"]) != "valid"
        and len(e.get("message", "")) < 10
    ]
    assert not vague, f"give these cases the start of their message: {vague}"


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_bad_input(
    case_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    project = make_project(case, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "check", "agency.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    if case["expect"] == "valid":
        assert result.returncode == 0, output
        return
    expect = case["expect"]
    assert result.returncode == 1, output
    [line] = [line for line in output.splitlines() if expect["code"] in line]
    assert line.startswith(where(expect)), line
    assert expect["message"] in line, line

    monkeypatch.chdir(project)
    caplog.set_level(logging.ERROR)
    with pytest.raises(Abort):
        build(load_config(str(project / "mkdocs.yml")))
    assert where(expect) in caplog.text and expect["code"] in caplog.text
    assert "Traceback" not in caplog.text
    assert [p.name for p in (project / "site").iterdir()] == ["index.html"]
    assert (project / "site" / "index.html").read_text() == "the previous site\n"
