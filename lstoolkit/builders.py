"""Zensical: finding it, building a site with it from ``lstoolkit build-docs``, and deploying a
version with mike around such a build.

MkDocs and ProperDocs run the plugin themselves, and mike runs them. Zensical runs no plugins and
mike does not run it: ``lstoolkit publish --zensical`` deploys each version through mike's
Python API (its ``deploy`` step: versions.json, aliases, hidden versions, the commit), with the
site built here: build-docs into a temporary directory, then ``zensical build``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lstoolkit.assemble import Log
from lstoolkit.errors import LstoolkitError
from lstoolkit.export import CONFIG, build_docs, load_site_config
from lstoolkit.output import discard, staging_dir, swap_in


def zensical_executable() -> str:
    """Zensical's command, beside this Python or on the PATH."""
    beside = Path(sys.executable).with_name("zensical")
    found = str(beside) if beside.exists() else shutil.which("zensical")
    if found is None:
        raise LstoolkitError(
            "Zensical is not installed",
            hint="Install it with: pip install zensical (see docs/builders.md for the version).",
        )
    return found


def build_with_zensical(config_file: Path, site_dir: Path, *, log: Log) -> None:
    """The site of ``config_file`` built by Zensical into ``site_dir``, swapped in whole when
    the build succeeded (Zensical itself writes its site even when a build fails)."""
    zensical = zensical_executable()
    with tempfile.TemporaryDirectory(prefix="lstoolkit-zensical-") as work:
        out = Path(work) / "generated"
        build_docs(config_file, out, log=log)
        result = subprocess.run(
            [zensical, "build", "--config-file", str(out / CONFIG)], check=False
        )
        if result.returncode != 0:
            raise LstoolkitError(
                f"zensical build failed (exit {result.returncode})",
                hint="See Zensical's message above.",
            )
        staging = staging_dir(site_dir)
        try:
            shutil.copytree(out / "site", staging, dirs_exist_ok=True)
        except OSError:
            discard(staging)
            raise
        swap_in(staging, site_dir)


def deploy_with_zensical(arguments: list[str], *, cwd: Path, log: Log) -> None:
    """Run a ``mike deploy`` command line of :func:`lstoolkit.versions.publish_commands` with
    Zensical building the version's site."""
    from mike import commands, git_utils, jsonpath

    parser = argparse.ArgumentParser(prog="mike deploy", add_help=False)
    parser.add_argument("--config-file", type=Path, required=True)
    parser.add_argument("--branch", required=True)
    parser.add_argument("--push", action="store_true")
    parser.add_argument("--update-aliases", action="store_true")
    parser.add_argument("--title")
    parser.add_argument("--prop-set", action="append", default=[], type=jsonpath.parse_set)
    parser.add_argument("version")
    parser.add_argument("aliases", nargs="*")
    args = parser.parse_args(arguments[1:])
    config_file = args.config_file if args.config_file.is_absolute() else cwd / args.config_file
    config, _ = load_site_config(config_file, log=log)
    site_dir = Path(config.site_dir)
    message = f"Deployed {git_utils.get_latest_commit('HEAD', short=True)} to {args.version} with Zensical and mike"
    print("mike " + " ".join(arguments) + "  (built with Zensical)", flush=True)
    previous = os.environ.get("MIKE_DOCS_VERSION")
    os.environ["MIKE_DOCS_VERSION"] = (
        args.version
    )  # as mike sets it for MkDocs: the version selector stays
    try:
        with commands.deploy(
            {"site_dir": str(site_dir), "use_directory_urls": config.use_directory_urls},
            args.version,
            args.title,
            args.aliases,
            args.update_aliases,
            branch=args.branch,
            message=message,
            set_props=[(path, json.loads(value)) for path, value in args.prop_set],
        ):
            build_with_zensical(config_file, site_dir, log=log)
    except git_utils.GitError as error:
        raise LstoolkitError(
            f"mike deploy failed: {error}", hint="See git's message above."
        ) from None
    finally:
        if previous is None:
            os.environ.pop("MIKE_DOCS_VERSION", None)
        else:
            os.environ["MIKE_DOCS_VERSION"] = previous
    if args.push:
        git_utils.push_branch("origin", args.branch)
