"""Publishing with mike: one version per directory, following the life cycle draft -> adopted.

A design document is adopted, revised the next year and adopted again. A draft is hidden from the
version selector and served under ``/draft/``; adopting it shows it and serves it under
``/latest/``. After each deployment the aliases are settled from what the branch holds
(``mike list --json``): ``latest`` on the newest adopted version, ``draft`` on the newest draft
newer than it, or removed when there is none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import Layer

LATEST = "latest"
DRAFT = "draft"


@dataclass(frozen=True)
class Deployed:
    """One version on the site's branch, as ``mike list --json`` gives it."""

    version: str
    aliases: frozenset[str]
    hidden: bool


def parse_deployed(text: str) -> list[Deployed]:
    """The versions of ``mike list --json``, newest first (mike's order)."""
    try:
        return [
            Deployed(
                version=str(v["version"]),
                aliases=frozenset(map(str, v.get("aliases", []))),
                hidden=(v.get("properties") or {}).get("hidden") is True,
            )
            for v in json.loads(text or "[]")
        ]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise LstoolkitError(
            f"cannot read the versions mike lists: {error}",
            hint="Run 'mike list --json' to see them.",
        ) from None


def publish_commands(
    layer: Layer, deployed: list[Deployed], *, config_file: str, branch: str, push: bool
) -> list[list[str]]:
    """The mike command that deploys this version: adopted (shown, as ``latest``) or a draft
    (hidden, as ``draft``). A version already published as adopted cannot become a draft again."""
    f = layer.file
    common = _common(config_file=config_file, branch=branch, push=push)
    if is_adopted(layer) and f.adopted:
        title = f"{f.version} (adopted {f.adopted.date})"
        return [
            [
                "deploy",
                *common,
                "--update-aliases",
                "--title",
                title,
                "--prop-set",
                "hidden=false",
                f.version,
                LATEST,
            ]
        ]
    shown = next((d for d in deployed if d.version == f.version and not d.hidden), None)
    if shown is not None:
        raise LstoolkitError(
            f"version {f.version} is already published as adopted: it cannot become a draft again",
            hint="Give the draft a new version in agency.yml (e.g. the next year's).",
        )
    title = f"{f.version} (draft)"
    return [
        [
            "deploy",
            *common,
            "--update-aliases",
            "--title",
            title,
            "--prop-set",
            "hidden=true",
            f.version,
            DRAFT,
        ]
    ]


def alias_commands(
    deployed: list[Deployed], *, config_file: str, branch: str, push: bool, adopted: bool
) -> list[list[str]]:
    """The mike commands that settle the aliases once a version is deployed: ``latest`` on the
    newest shown (adopted) version; ``draft`` on the newest hidden version newer than it, or
    nowhere when every draft was adopted or superseded. After an adoption, the site's root
    redirects to ``latest``."""
    common = _common(config_file=config_file, branch=branch, push=push)
    commands: list[list[str]] = []
    for alias, target in ((LATEST, newest_adopted(deployed)), (DRAFT, pending_draft(deployed))):
        current = next((d.version for d in deployed if alias in d.aliases), None)
        if target is not None and target != current:
            commands.append(["alias", *common, "--update-aliases", target, alias])
        elif target is None and current is not None:
            commands.append(["delete", *common, alias])
    if adopted:
        commands.append(["set-default", *common, LATEST])
    return commands


def newest_adopted(deployed: list[Deployed]) -> str | None:
    """The newest version shown in the version selector (``deployed`` is newest first)."""
    return next((d.version for d in deployed if not d.hidden), None)


def pending_draft(deployed: list[Deployed]) -> str | None:
    """The draft waiting for adoption: the newest version, when it is hidden. A hidden version
    older than an adopted one was superseded."""
    return deployed[0].version if deployed and deployed[0].hidden else None


def publish(
    layer: Layer,
    *,
    config_file: str,
    branch: str,
    push: bool,
    cwd: Path,
    deploy: Callable[[list[str]], None] | None = None,
) -> None:
    """Deploy this version with mike, then settle the ``latest`` and ``draft`` aliases.
    ``deploy`` runs the deploy command instead of mike's command line (Zensical's builds, see
    lstoolkit.builders)."""
    listing = ["list", "--json", *_common(config_file=config_file, branch=branch, push=False)]
    before = parse_deployed(mike_output(listing, cwd=cwd))
    for arguments in publish_commands(
        layer, before, config_file=config_file, branch=branch, push=push
    ):
        if deploy is not None:
            deploy(arguments)
        else:
            run_mike(arguments, cwd=cwd)
    after = parse_deployed(mike_output(listing, cwd=cwd))
    version, draft = layer.file.version, pending_draft(after)
    if not is_adopted(layer) and draft != version:
        serves = (
            f"the newer draft {draft}"
            if draft
            else f"nothing: the adopted {newest_adopted(after)} is newer"
        )
        print(
            f"note: {version} is published under /{version}/ only; /{DRAFT}/ serves {serves}",
            flush=True,
        )
    for arguments in alias_commands(
        after, config_file=config_file, branch=branch, push=push, adopted=is_adopted(layer)
    ):
        run_mike(arguments, cwd=cwd)


def is_adopted(layer: Layer) -> bool:
    return layer.file.status == "adopted" and layer.file.adopted is not None


def _common(*, config_file: str, branch: str, push: bool) -> list[str]:
    return ["--config-file", config_file, "--branch", branch, *(["--push"] if push else [])]


def _mike() -> tuple[str, dict[str, str]]:
    """mike's executable, and an environment in which it finds the 'mkdocs' beside this Python
    even without an activated virtual environment."""
    mike = Path(sys.executable).with_name("mike")
    executable = str(mike) if mike.exists() else shutil.which("mike")
    if executable is None:
        raise LstoolkitError("mike is not installed", hint="Install it with: pip install mike")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    return executable, env


def run_mike(arguments: list[str], *, cwd: Path) -> None:
    executable, env = _mike()
    print("mike " + " ".join(arguments), flush=True)
    result = subprocess.run([executable, *arguments], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise LstoolkitError(
            f"mike {arguments[0]} failed (exit {result.returncode})",
            hint="See mike's message above.",
        )


def mike_output(arguments: list[str], *, cwd: Path) -> str:
    """What mike prints on its standard output (its warnings still reach stderr)."""
    executable, env = _mike()
    result = subprocess.run(
        [executable, *arguments], cwd=cwd, env=env, check=False, stdout=subprocess.PIPE, text=True
    )
    if result.returncode != 0:
        raise LstoolkitError(
            f"mike {arguments[0]} failed (exit {result.returncode})",
            hint="See mike's message above.",
        )
    return result.stdout
