"""``lstoolkit new``: a ready-to-build repository for a state, district or school.

The new repository holds only its own layer: the prototype comes from the installed package and
a parent layer from a relative path (a git submodule, or a sibling checkout). Nothing is ever
overwritten: if any file to be written exists, nothing is written at all.

Values given by the user (the name, the level, the parent's path) reach ``agency.yml`` and
``mkdocs.yml`` only through a YAML emitter, and the name is refused unless it is one line of
plain text; the fixed comments around them stay text. Both files are parsed back before anything
is written.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import PROTOTYPE, agency_schema, read_chain
from lstoolkit.output import write_atomically

LEVEL_WORDS = {"state": "state education agency", "region": "region", "district": "district", "school": "school"}
NAME_LIMIT = 200
NAME_HINT = 'Give the name on one line, e.g. --name "St. Mary\'s School District #1".'
# Control characters (newline, CR, tab...), and the line and paragraph separators that YAML and
# Python also take for line breaks.
LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})
SITE_NAME_SUFFIX = " — Learning Supports Component"


def scaffold_files(directory: Path, *, level: str, name: str, extends: str) -> dict[str, str]:
    """The files of a new project, by path relative to ``directory``."""
    parent = relative_parent(directory, extends)
    climbs = parent != PROTOTYPE and parent.startswith("..")
    root_option = "\n      root: .." if climbs else ""
    root_flag = " --root .." if climbs else ""
    return {
        "agency.yml": _agency_yml(level=level, name=name, parent=parent),
        "agency.schema.json": json.dumps(agency_schema(), indent=2) + "\n",
        "mkdocs.yml": _mkdocs_yml(name=name, root_option=root_option),
        "docs/.gitkeep": "",
        "overrides/lstoolkit/README.md": OVERRIDES_README,
        ".gitignore": "site/\n.lstoolkit-cache/\n.venv/\n__pycache__/\n",
        "requirements.txt": "lstoolkit\n",
        "README.md": README.format(name=name, level=LEVEL_WORDS[level], root_flag=root_flag),
        ".github/workflows/site.yml": WORKFLOW.format(root_flag=root_flag),
    }


def relative_parent(directory: Path, extends: str) -> str:
    """The ``extends`` value of the new layer: the parent's path relative to ``directory``."""
    return PROTOTYPE if extends == PROTOTYPE else os.path.relpath(Path(extends).resolve(), directory.resolve())


def create_project(
    directory: Path, *, level: str, name: str, extends: str = PROTOTYPE, log: Callable[[str], None] = print
) -> list[Path]:
    """Write a new project into ``directory``; refuse, writing nothing, if any file exists."""
    check_name(name)
    check_level(level)
    if extends != PROTOTYPE:
        parent = Path(extends)
        if not parent.is_file():
            raise LstoolkitError(f"the parent layer '{extends}' does not exist", hint="Give the path of its agency.yml.")
        read_chain(parent, root=Path("/"))  # a broken parent is reported now, not at the first build
    files = scaffold_files(directory, level=level, name=name, extends=extends)
    _check_round_trip(files, level=level, name=name, parent=relative_parent(directory, extends))
    existing = sorted(path for path in files if (directory / path).exists())
    if existing:
        raise LstoolkitError(
            f"{directory} already has {', '.join(existing)}: nothing was written",
            hint="Choose an empty directory; lstoolkit new never overwrites a file.",
        )
    written = []
    for relative, text in files.items():
        path = directory / relative
        write_atomically(path, text.encode("utf-8"))
        log(f"wrote {path}")
        written.append(path)
    return written


def check_name(name: str) -> None:
    """Refuse a name that is not one line of plain text: it goes into YAML, Markdown and titles."""
    if not name.strip():
        raise LstoolkitError("--name must not be empty", hint=NAME_HINT)
    if any(unicodedata.category(char) in LINE_BREAKING for char in name):
        raise LstoolkitError("--name must be one line of text without control characters", hint=NAME_HINT)
    if "<" in name or ">" in name:
        raise LstoolkitError("--name must not contain '<' or '>'", hint=NAME_HINT)
    if len(name) > NAME_LIMIT:
        raise LstoolkitError(f"--name must be at most {NAME_LIMIT} characters, not {len(name)}", hint=NAME_HINT)


def check_level(level: str) -> None:
    if level not in LEVEL_WORDS:
        raise LstoolkitError(f"--level must be one of {', '.join(LEVEL_WORDS)}, not {level!r}")


def _dump(data: dict[str, Any]) -> str:
    """``data`` as block YAML, one value a line, exactly as given (strings quoted when needed)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)


def _agency_yml(*, level: str, name: str, parent: str) -> str:
    header = AGENCY_HEADER.format(name=name)  # a comment; check_name keeps the name on its line
    return header + _dump({"extends": parent, "agency": {"name": name, "level": level}}) + AGENCY_YML


def _mkdocs_yml(*, name: str, root_option: str) -> str:
    return _dump({"site_name": name + SITE_NAME_SUFFIX}) + MKDOCS_YML.format(root_option=root_option)


def _expected_agency(*, level: str, name: str, parent: str) -> dict[str, Any]:
    return {
        "extends": parent, "agency": {"name": name, "level": level}, "version": "1.0", "status": "draft",
        "component_name": "Learning Supports Component", "terms": {}, "values": {}, "protect": [], "changes": [],
    }


def _check_round_trip(files: dict[str, str], *, level: str, name: str, parent: str) -> None:
    """Parse the generated files back: they must hold exactly the data given (guards the emitter)."""
    for file, found, expected in (
        ("agency.yml", yaml.safe_load(files["agency.yml"]), _expected_agency(level=level, name=name, parent=parent)),
        ("mkdocs.yml", yaml.safe_load(files["mkdocs.yml"]).get("site_name"), name + SITE_NAME_SUFFIX),
    ):
        if found != expected:
            raise LstoolkitError(
                f"the generated {file} does not read back as written: nothing was written",
                hint="This is a bug in lstoolkit; please report it with the --name given.",
            )


AGENCY_HEADER = """\
# yaml-language-server: $schema=./agency.schema.json
# How {name} adapts the toolkit. Check it with: lstoolkit check agency.yml
# Every change names an address (list them with: lstoolkit addresses) and says why.
"""

AGENCY_YML = """\
  # short_name: ABC
  # logo: assets/logo.svg
  # contact: learningsupports@example.org
version: "1.0"
status: draft
# adopted: {date: 2027-06-10, by: Board of Education}   # with status: adopted
component_name: Learning Supports Component
terms: {}
  # Learning Supports Facilitator: Learning Supports Coach
values: {}
  # facilitator_positions: 12
  # superintendent: Dr. Ana Ruiz
protect: []
  # - mechanisms/leadership-council      # essential for every layer that extends this one
changes: []
  # - remove: mechanisms/external-collaborators
  #   why: No university partner in year one.
  # - add: mechanisms/steering-body/functions
  #   text: reports each quarter to the Board's Student Success Committee
  #   why: The Board asked for regular reports.
  # - replace: mechanisms/planning-team/process
  #   text: Meets every two weeks for eight weeks.
  #   why: Calendar of the first year.
  #   when: implementation                # FRAME: pre-implementation, implementation, scale-up, maintenance
  #   planned: proactive                  # FRAME: proactive, reactive, unplanned
  #   decided_by: Steering Committee
"""

MKDOCS_YML = """\
theme:
  name: material
  custom_dir: overrides
  language: en
  font: false
  features: [navigation.sections, navigation.indexes, navigation.prune, search.highlight]
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
extra:
  version:
    provider: mike
plugins:
  - search
  - lstoolkit:
      agency: agency.yml{root_option}
"""

OVERRIDES_README = """\
# Overrides

- `overrides/main.html` and other files here override the Material theme's templates.
- `overrides/lstoolkit/<page>.md.j2` overrides one of lstoolkit's page templates (copy the bundled
  one from lstoolkit's `templates/pages/` and edit it); `overrides/lstoolkit/handouts/` does the
  same for the PDF handouts. Templates run in a sandbox and print every value as text.
"""

README = """\
# {name}: design document

The design document of {name} ({level}) for its Learning Supports Component, adapted from the
toolkit for a Unified and Comprehensive System of Learning Supports with lstoolkit.

- `agency.yml`: how this {level} adapts the toolkit (every change with its reason).
- `docs/`: pages of our own; `overrides/`: changes to the look of the site.

Check the adaptation, then build the site and its PDF handouts:

```sh
python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/lstoolkit check --strict{root_flag} agency.yml
.venv/bin/mkdocs build --strict     # the site in site/, with the handouts in site/handouts/
```

Preview while editing `agency.yml`: `.venv/bin/mkdocs serve`. Publish a version:
`.venv/bin/lstoolkit publish{root_flag} agency.yml`. After the parent layer or the toolkit moves:
`.venv/bin/lstoolkit upgrade-check{root_flag} agency.yml`.
"""

WORKFLOW = """\
name: site
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          submodules: true
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
      - run: pip install -r requirements.txt
      - run: lstoolkit check --strict --format github{root_flag} agency.yml
      - run: mkdocs build --strict
      - if: github.ref == 'refs/heads/main'
        run: |
          git config user.name "github-actions"
          git config user.email "github-actions@users.noreply.github.com"
          lstoolkit publish{root_flag} --push agency.yml
"""
