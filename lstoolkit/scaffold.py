"""``lstoolkit new``: a ready-to-build repository for a state, district or school.

The new repository holds only its own layer: the prototype comes from the installed package and
a parent layer from a relative path (a git submodule, or a sibling checkout). Nothing is ever
overwritten: if any file to be written exists, nothing is written at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import PROTOTYPE, agency_schema, read_chain
from lstoolkit.output import write_atomically

LEVEL_WORDS = {"state": "state education agency", "region": "region", "district": "district", "school": "school"}


def scaffold_files(directory: Path, *, level: str, name: str, extends: str) -> dict[str, str]:
    """The files of a new project, by path relative to ``directory``."""
    parent = PROTOTYPE if extends == PROTOTYPE else os.path.relpath(Path(extends).resolve(), directory.resolve())
    climbs = parent != PROTOTYPE and parent.startswith("..")
    root_option = "\n      root: .." if climbs else ""
    root_flag = " --root .." if climbs else ""
    return {
        "agency.yml": _agency_yml(level=level, name=name, parent=parent),
        "agency.schema.json": json.dumps(agency_schema(), indent=2) + "\n",
        "mkdocs.yml": MKDOCS_YML.format(name=name, root_option=root_option),
        "docs/.gitkeep": "",
        "overrides/lstoolkit/README.md": OVERRIDES_README,
        ".gitignore": "site/\n.lstoolkit-cache/\n.venv/\n__pycache__/\n",
        "requirements.txt": "lstoolkit\n",
        "README.md": README.format(name=name, level=LEVEL_WORDS[level], root_flag=root_flag),
        ".github/workflows/site.yml": WORKFLOW.format(root_flag=root_flag),
    }


def create_project(
    directory: Path, *, level: str, name: str, extends: str = PROTOTYPE, log: Callable[[str], None] = print
) -> list[Path]:
    """Write a new project into ``directory``; refuse, writing nothing, if any file exists."""
    if extends != PROTOTYPE:
        parent = Path(extends)
        if not parent.is_file():
            raise LstoolkitError(f"the parent layer '{extends}' does not exist", hint="Give the path of its agency.yml.")
        read_chain(parent, root=Path("/"))  # a broken parent is reported now, not at the first build
    files = scaffold_files(directory, level=level, name=name, extends=extends)
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


def _agency_yml(*, level: str, name: str, parent: str) -> str:
    return AGENCY_YML.format(level=level, name=name, parent=parent)


AGENCY_YML = """\
# yaml-language-server: $schema=./agency.schema.json
# How {name} adapts the toolkit. Check it with: lstoolkit check agency.yml
# Every change names an address (list them with: lstoolkit addresses) and says why.
extends: {parent}
agency:
  name: {name}
  level: {level}
  # short_name: ABC
  # logo: assets/logo.svg
  # contact: learningsupports@example.org
version: "1.0"
status: draft
# adopted: {{date: 2027-06-10, by: Board of Education}}   # with status: adopted
component_name: Learning Supports Component
terms: {{}}
  # Learning Supports Facilitator: Learning Supports Coach
values: {{}}
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
site_name: {name} — Learning Supports Component
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
