"""Versions: the banner every page and PDF carries, reproducible build dates, publishing with mike.

A design document is adopted, revised the next year and adopted again. Each build says which
version it is, whether it is adopted, and where it comes from (the chain of layers, the number of
adaptations and findings). Publishing deploys one version per directory with ``mike``: adopted
versions under the ``latest`` alias, drafts under a hidden ``draft`` alias.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from lstoolkit import __version__
from lstoolkit.adapt import Adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Finding
from lstoolkit.layers import Layer


@dataclass(frozen=True)
class Banner:
    """What the version banner says."""

    version: str
    status: str
    adopted_on: str
    adopted_by: str
    provenance: str

    def as_dict(self) -> dict[str, str]:
        return {
            "version": self.version, "status": self.status, "adopted_on": self.adopted_on,
            "adopted_by": self.adopted_by, "provenance": self.provenance,
        }


def version_banner(adapted: Adapted, findings: tuple[Finding, ...]) -> Banner:
    top = adapted.top
    chain = " → ".join([f"prototype {__version__}", *(layer.file.agency.name for layer in adapted.layers)])
    changes, found = len(adapted.changes), len(findings)
    provenance = (
        f"{chain}; {changes} adaptation{'s' if changes != 1 else ''}, "
        f"{found} fidelity finding{'s' if found != 1 else ''}"
    )
    if top is None:
        return Banner(__version__, "prototype", "", "", provenance)
    adopted = top.file.adopted if top.file.status == "adopted" else None
    return Banner(
        top.file.version, top.file.status,
        str(adopted.date) if adopted else "", adopted.by if adopted else "", provenance,
    )


def source_date_epoch(layers: tuple[Layer, ...]) -> int | None:
    """The build date of a version: its adoption date, else its last commit, else unknown."""
    if not layers:
        return None
    top = layers[-1]
    if top.file.status == "adopted" and top.file.adopted:
        day = datetime.date.fromisoformat(str(top.file.adopted.date))
        return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    result = subprocess.run(
        ["git", "-C", str(top.path.parent), "log", "-1", "--format=%ct", "--", *(str(layer.path) for layer in layers)],
        capture_output=True, text=True, check=False,
    )
    stamp = result.stdout.strip()
    return int(stamp) if result.returncode == 0 and stamp.isdigit() else None


def publish_commands(layer: Layer, *, config_file: str, branch: str, push: bool) -> list[list[str]]:
    """The mike commands that publish this version: adopted as latest, drafts hidden."""
    f = layer.file
    common = ["--config-file", config_file, "--branch", branch, *(["--push"] if push else [])]
    if f.status == "adopted" and f.adopted:
        title = f"{f.version} (adopted {f.adopted.date})"
        return [
            ["deploy", *common, "--update-aliases", "--title", title, f.version, "latest"],
            ["set-default", *common, "latest"],
        ]
    title = f"{f.version} (draft)"
    return [["deploy", *common, "--update-aliases", "--title", title, "--prop-set", "hidden=true", f.version, "draft"]]


def run_mike(arguments: list[str], *, cwd: Path) -> None:
    mike = Path(sys.executable).with_name("mike")
    executable = str(mike) if mike.exists() else shutil.which("mike")
    if executable is None:
        raise LstoolkitError("mike is not installed", hint="pip install mike")
    print("mike " + " ".join(arguments), flush=True)
    # mike runs 'mkdocs': find the one installed beside this Python even without an activated venv.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    result = subprocess.run([executable, *arguments], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise LstoolkitError(f"mike {arguments[0]} failed (exit {result.returncode})", hint="See mike's message above.")
