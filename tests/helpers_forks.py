"""Throwaway fork layouts for the tests: a state's repository with two tagged versions, and a
district's repository with two tagged versions that extends it, the state being a git submodule
of the district's repository or a sibling checkout beside it. Also the journey of one district
through them: lock, diff, a site with "What changed", publishing as draft then adopted."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from lstoolkit.cli import main

LAYOUTS = ("submodule", "sibling")
FORMATS = ("text", "markdown", "json")

STATE = """\
extends: prototype
agency: {{name: Lincoln State Department of Education, level: state}}
version: "{version}"
terms:
  Steering Body: Steering Committee
protect:
  - mechanisms/leadership-council
changes:
  - add: mechanisms/implementation-team/functions
    id: coordinates-regional-coaching
    text: coordinates coaching for districts through the {count} regional centers
    why: Regional centers already coach districts.
"""

DISTRICT = """\
extends: {extends}
agency: {{name: Springfield Public Schools, level: district}}
version: "{version}"
changes:
  - remove: mechanisms/leadership-council
    why: One feeder pattern; the council is deferred to year two.
  - add: mechanisms/steering-body/functions
    id: reports-to-board
    text: reports each {when} to the Board
    why: The Board asked for reports.
"""

#: What the state's second version changes, as the district's reviewer sees it.
STATE_CHANGE = "functions/coordinates-regional-coaching: coordinates coaching for districts through the [-six-]{+eight+} regional centers"
#: What the district's second version changes.
DISTRICT_CHANGE = "functions/reports-to-board: reports each [-quarter-]{+month+} to the Board"
#: A finding in both versions, naming the state's file: never "appeared" nor "resolved".
PROTECTED = "'mechanisms/leadership-council' is removed but protected by"
#: How the district's second version is adopted.
ADOPTED = "status: adopted\nadopted: {date: 2027-06-10, by: Board of Education, resolution: Resolution 2027-12}\nsign_off: [{name: Ana Ruiz, role: Chair of the work group, date: 2027-05-30}]\n"


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Coach",
        "GIT_AUTHOR_EMAIL": "coach@example.org",
        "GIT_COMMITTER_NAME": "Coach",
        "GIT_COMMITTER_EMAIL": "coach@example.org",
    }
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit_and_tag(repository: Path, tag: str) -> None:
    git("add", "-A", cwd=repository)
    git("commit", "-q", "-m", tag, cwd=repository)
    git("tag", tag, cwd=repository)


def lstoolkit(*args: str, cwd: Path) -> tuple[int, str, str]:
    """The command line, in this process (faster than a child; same code path)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def make_state(repository: Path) -> Path:
    """The state's repository: v1 (six regional centers), v2 (eight)."""
    repository.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=repository)
    for tag, version, count in (("v1", "2026.1", "six"), ("v2", "2027.1", "eight")):
        (repository / "agency.yml").write_text(
            STATE.format(version=version, count=count), encoding="utf-8"
        )
        commit_and_tag(repository, tag)
    return repository


def write_district(agency: Path, extends: str, *, second: bool) -> None:
    version, when = ("2027.1", "month") if second else ("2026.1", "quarter")
    agency.write_text(
        DISTRICT.format(extends=extends, version=version, when=when), encoding="utf-8"
    )


def _district(directory: Path) -> Path:
    directory.mkdir()
    git("init", "-q", "-b", "main", cwd=directory)
    (directory / "docs").mkdir()
    (directory / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    return directory


def make_submodule_layout(where: Path, *, lock: bool = False) -> Path:
    """district/ with the state as the submodule state/: v1 pins the state's v1, v2 its v2. With
    ``lock``, each version is committed with the agency.lock written against its state."""
    state = make_state(where / "lincoln-state")
    district = where / "district"
    district.mkdir()
    git("init", "-q", "-b", "main", cwd=district)
    git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(state),
        "state",
        cwd=district,
    )
    (district / "docs").mkdir()
    (district / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    for tag, second in (("v1", False), ("v2", True)):
        git("-C", "state", "checkout", "-q", tag, cwd=district)
        write_district(district / "agency.yml", "state/agency.yml", second=second)
        if lock:
            assert lstoolkit("lock", "agency.yml", cwd=district)[0] == 0
        commit_and_tag(district, tag)
    return district


def make_sibling_layout(where: Path, *, lock: bool = False) -> Path:
    """lincoln-state/ and springfield/ side by side; the state's working tree is at its v2. With
    ``lock``, each version of the district is committed with the agency.lock written while the
    state's checkout was at the same tag."""
    state = make_state(where / "lincoln-state")
    district = _district(where / "springfield")
    for tag, second in (("v1", False), ("v2", True)):
        write_district(district / "agency.yml", "../lincoln-state/agency.yml", second=second)
        if lock:
            git("checkout", "-q", tag, cwd=state)
            assert lstoolkit("lock", "--root", "..", "agency.yml", cwd=district)[0] == 0
        commit_and_tag(district, tag)
    git("checkout", "-q", "main", cwd=state)
    return district


def make_layout(kind: str, where: Path, *, lock: bool = False) -> Path:
    return (make_submodule_layout if kind == "submodule" else make_sibling_layout)(where, lock=lock)


def root_options(kind: str) -> tuple[str, ...]:
    """What a command needs for this layout: a sibling's project root is the folder above."""
    return ("--root", "..") if kind == "sibling" else ()


def write_site_config(project: Path, options: dict[str, Any], site: Path | None = None) -> Path:
    """A minimal mkdocs.yml for ``project`` with these lstoolkit options and mike's selector."""
    config = project / "mkdocs.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "site_name": "Springfield",
                "docs_dir": "docs",
                **({"site_dir": str(site)} if site else {}),
                "theme": {"name": "material"},
                "extra": {"version": {"provider": "mike"}},
                "plugins": ["search", {"lstoolkit": options}],
            }
        ),
        encoding="utf-8",
    )
    return config


def build_site(project: Path, site: Path, options: dict[str, str]) -> str:
    """Build ``project``'s site with compare_with v1 and no handouts; the What changed page."""
    config = write_site_config(project, {**options, "handouts": False, "compare_with": "v1"}, site)
    try:
        # The build date it sets stays here.
        with contextlib.chdir(project), mock.patch.dict(os.environ):
            build(load_config(config_file=str(config)))
    finally:
        config.unlink()
    return (site / "changes" / "index.html").read_text(encoding="utf-8")


# -- the journey --------------------------------------------------------------------------------


@dataclass
class Journey:
    """A district's journey in one layout: its repository, the locks of its tags, ``lstoolkit
    diff v1 v2`` in each format, its What changed page, and after each publishing step ("draft",
    "adopted") the branch's versions.json and the branch exported to a directory."""

    kind: str
    district: Path
    locks: dict[str, Any] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    page: str = ""
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    branches: dict[str, Path] = field(default_factory=dict)


def run_journey(kind: str, where: Path) -> Journey:
    """State and district, two tagged versions each, locked; the district reviewed with
    ``lstoolkit diff``, built with ``compare_with: v1``, then published as a draft and adopted."""
    district = make_layout(kind, where, lock=True)
    journey = Journey(kind, district)
    journey.locks = {
        tag: yaml.safe_load(git("show", f"{tag}:agency.lock", cwd=district)) for tag in ("v1", "v2")
    }
    for fmt in FORMATS:
        status, out, err = lstoolkit(
            "diff", "v1", "v2", *root_options(kind), "--format", fmt, cwd=district
        )
        assert status == 0, err
        journey.diffs[fmt] = out
    options = {"agency": "agency.yml", **({"root": ".."} if kind == "sibling" else {})}
    journey.page = build_site(district, where / "site", options)
    write_site_config(district, {**options, "handouts": False, "compare_with": "v1"})
    git("config", "user.name", "Coach", cwd=district)  # mike commits with git's configured identity
    git("config", "user.email", "coach@example.org", cwd=district)
    agency = district / "agency.yml"
    for step in ("draft", "adopted"):
        if step == "adopted":
            agency.write_text(agency.read_text(encoding="utf-8") + ADOPTED, encoding="utf-8")
            git("commit", "-q", "-am", "2027.1 adopted", cwd=district)
        with mock.patch.dict(os.environ):
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            status, out, err = lstoolkit("publish", *root_options(kind), "agency.yml", cwd=district)
        assert status == 0, out + err
        journey.versions[step] = json.loads(git("show", "gh-pages:versions.json", cwd=district))
        journey.branches[step] = where / f"pages-{step}"
        git(
            "worktree",
            "add",
            "-q",
            "--detach",
            str(journey.branches[step]),
            "gh-pages",
            cwd=district,
        )
    return journey
