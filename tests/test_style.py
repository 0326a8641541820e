"""The code's lint, format and types are part of the tests: ruff check, ruff format and mypy --strict
on the package and the tests, as `make lint` runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["lstoolkit", "tests", "bench"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", *PATHS], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", *PATHS], id="ruff-format"),
        pytest.param(["mypy", "lstoolkit"], id="mypy-package"),
        pytest.param(["mypy", "--strict", "--explicit-package-bases", "tests"], id="mypy-tests"),
    ],
)
def test_the_code_passes(command: list[str]) -> None:
    tool = BIN / command[0]
    if not tool.exists():
        pytest.fail(f"{command[0]} is not installed in {BIN}: pip install -e '.[test]'")
    result = run(str(tool), *command[1:])
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"[-4000:]
