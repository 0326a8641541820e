"""``lstoolkit new``: a ready-to-build repository for a state, district or school.

The new repository holds only its own layer: the prototype comes from the installed package and
a parent layer from a relative path (a git submodule, or a sibling checkout). Nothing is ever
overwritten: if any file to be written exists, nothing is written at all.

Values given by the user (the name, the level, the parent's path) reach ``agency.yml`` and
``mkdocs.yml`` only through a YAML emitter, and the name is refused unless it is one line of
plain text; the fixed comments around them stay text. Both files are parsed back before anything
is written.

The project works as generated: ``requirements.txt`` pins the lstoolkit that made it, and the
GitHub Actions workflow checks out every parent layer that lies beside the project (a sibling
checkout) at the same place, so that ``extends`` finds it in CI as on the coach's machine.
"""

from __future__ import annotations

import json
import os
import shlex
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from lstoolkit import __version__
from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import PROTOTYPE, agency_schema, read_chain
from lstoolkit.output import write_atomically

LEVEL_WORDS = {
    "state": "state education agency",
    "region": "region",
    "district": "district",
    "school": "school",
}
NAME_LIMIT = 200
NAME_HINT = 'Give the name on one line, e.g. --name "St. Mary\'s School District #1".'
# Control characters (newline, CR, tab...), and the line and paragraph separators that YAML and
# Python also take for line breaks.
LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})
SITE_NAME_SUFFIX = " — Learning Supports Component"


def scaffold_files(directory: Path, *, level: str, name: str, extends: str) -> dict[str, str]:
    """The files of a new project, by path relative to ``directory``."""
    parent = relative_parent(directory, extends)
    root_option = "\n      root: .." if climbs_out(parent) else ""
    root_flag = _root_flag(parent)
    siblings = sibling_directories(directory, extends)
    # A state's site rolls up its districts: their repositories go under districts/.
    rollup_option = "\n      rollup: districts" if level == "state" else ""
    return {
        "agency.yml": _agency_yml(level=level, name=name, parent=parent),
        "agency.schema.json": json.dumps(agency_schema(), indent=2) + "\n",
        "mkdocs.yml": _mkdocs_yml(name=name, root_option=root_option + rollup_option),
        **({"districts/README.md": DISTRICTS_README} if level == "state" else {}),
        "docs/.gitkeep": "",
        "overrides/lstoolkit/README.md": OVERRIDES_README,
        ".gitignore": "site/\nhandouts/\n.venv/\n__pycache__/\n",
        "requirements.txt": REQUIREMENTS.format(version=__version__),
        "README.md": README.format(
            name=name, level=LEVEL_WORDS[level], root_flag=root_flag, version=__version__
        )
        + (README_SIBLINGS if siblings else ""),
        ".github/workflows/site.yml": workflow(
            own=directory.resolve().name, siblings=siblings, root_flag=root_flag
        ),
    }


def relative_parent(directory: Path, extends: str) -> str:
    """The ``extends`` value of the new layer: the parent's path relative to ``directory``."""
    return (
        PROTOTYPE
        if extends == PROTOTYPE
        else os.path.relpath(Path(extends).resolve(), directory.resolve())
    )


def climbs_out(parent: str) -> bool:
    """Whether the parent layer lies outside the project (a sibling checkout): then the project
    root is widened to the directory above it (``root: ..``, ``--root ..``)."""
    return parent != PROTOTYPE and parent.startswith("..")


def _root_flag(parent: str) -> str:
    return " --root .." if climbs_out(parent) else ""


def sibling_directories(directory: Path, extends: str) -> tuple[str, ...]:
    """The directories beside ``directory`` that hold the layers it extends (nearest first): CI
    checks each out there. Layers inside the project, or inside one of these, need nothing more."""
    if extends == PROTOTYPE:
        return ()
    here = directory.resolve()
    found: list[str] = []
    for layer in reversed(read_chain(Path(extends), root=Path("/"))):
        parts = Path(os.path.relpath(layer.path, here)).parts
        if len(parts) > 2 and parts[0] == ".." and parts[1] != ".." and parts[1] not in found:
            found.append(parts[1])
    for name in (here.name, *found):
        if "${{" in name:
            raise LstoolkitError(
                f"the directory name '{name}' holds '${{{{', which GitHub Actions would evaluate",
                hint="Rename the directory.",
            )
    return tuple(found)


def next_steps(directory: Path, extends: str = PROTOTYPE) -> str:
    """The line printed after ``lstoolkit new``: the commands that check and build the project."""
    root_flag = _root_flag(relative_parent(directory, extends))
    return f"Next: cd {shlex.quote(str(directory))} && lstoolkit check{root_flag} agency.yml && mkdocs build --strict"


def workflow(*, own: str, siblings: tuple[str, ...], root_flag: str) -> str:
    """The GitHub Actions workflow: check (findings annotate the files), on pull requests what
    changes in the job summary, build, and publish with mike on main. For sibling checkouts the
    project is checked out under its own name, each parent repository beside it."""
    if not siblings:
        return WORKFLOW.format(
            env="", defaults="", checkouts=CHECKOUT.format(path=""), root_flag=root_flag
        )
    variables = [_repository_variable(index) for index in range(len(siblings))]
    env = (
        "env:\n"
        + WORKFLOW_ENV_COMMENT
        + "".join(
            f"  {variable}: {json.dumps('owner/' + name)}\n"
            for variable, name in zip(variables, siblings, strict=True)
        )
    )
    checkouts = CHECKOUT.format(path=f"\n          path: {json.dumps(own)}") + "".join(
        PARENT_CHECKOUT.format(variable=variable, path=json.dumps(name))
        for variable, name in zip(variables, siblings, strict=True)
    )
    defaults = f"    defaults:\n      run:\n        working-directory: {json.dumps(own)}\n"
    return WORKFLOW.format(env=env, defaults=defaults, checkouts=checkouts, root_flag=root_flag)


def _repository_variable(index: int) -> str:
    return "PARENT_REPOSITORY" if index == 0 else f"PARENT_REPOSITORY_{index + 1}"


def create_project(
    directory: Path,
    *,
    level: str,
    name: str,
    extends: str = PROTOTYPE,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Write a new project into ``directory``; refuse, writing nothing, if any file exists."""
    check_name(name)
    check_level(level)
    if extends != PROTOTYPE:
        parent = Path(extends)
        if not parent.is_file():
            raise LstoolkitError(
                f"the parent layer '{extends}' does not exist",
                hint="Give the path of its agency.yml.",
            )
        read_chain(
            parent, root=Path("/")
        )  # a broken parent is reported now, not at the first build
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
        raise LstoolkitError(
            "--name must be one line of text without control characters", hint=NAME_HINT
        )
    if "<" in name or ">" in name:
        raise LstoolkitError("--name must not contain '<' or '>'", hint=NAME_HINT)
    if len(name) > NAME_LIMIT:
        raise LstoolkitError(
            f"--name must be at most {NAME_LIMIT} characters, not {len(name)}", hint=NAME_HINT
        )


def check_level(level: str) -> None:
    if level not in LEVEL_WORDS:
        raise LstoolkitError(f"--level must be one of {', '.join(LEVEL_WORDS)}, not {level!r}")


def _dump(data: dict[str, Any]) -> str:
    """``data`` as block YAML, one value a line, exactly as given (strings quoted when needed)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)


def _agency_yml(*, level: str, name: str, parent: str) -> str:
    header = AGENCY_HEADER.format(name=name)  # a comment; check_name keeps the name on its line
    return (
        header + _dump({"extends": parent, "agency": {"name": name, "level": level}}) + AGENCY_YML
    )


def _mkdocs_yml(*, name: str, root_option: str) -> str:
    return _dump({"site_name": name + SITE_NAME_SUFFIX}) + MKDOCS_YML.format(
        root_option=root_option
    )


def _expected_agency(*, level: str, name: str, parent: str) -> dict[str, Any]:
    return {
        "extends": parent,
        "agency": {"name": name, "level": level},
        "version": "1.0",
        "status": "draft",
        "component_name": "Learning Supports Component",
    }


def _check_round_trip(files: dict[str, str], *, level: str, name: str, parent: str) -> None:
    """Parse the generated files back: they must hold exactly the data given (guards the emitter)."""
    for file, found, expected in (
        (
            "agency.yml",
            yaml.safe_load(files["agency.yml"]),
            _expected_agency(level=level, name=name, parent=parent),
        ),
        (
            "mkdocs.yml",
            yaml.safe_load(files["mkdocs.yml"]).get("site_name"),
            name + SITE_NAME_SUFFIX,
        ),
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
# To use an example below, delete the '# ' at the start of each of its lines, its key's line too.
"""

AGENCY_YML = """\
  # short_name: ABC
  # logo: assets/logo.svg
  # contact: learningsupports@example.org
  # region: North Central                 # groups districts in the state's roll-up
version: "1.0"
status: draft
# deciding_body: Board of Education       # drafts read "Draft for review by the Board of Education"
# work_group: Design Document Work Group
# sign_off:                               # every member needs a date before status: adopted
#   - {name: Marcus Lee, role: Director of Student Supports, date: 2027-05-30}
# adopted: {date: 2027-06-10, by: Board of Education, resolution: Resolution 2027-12}   # with status: adopted
# sections:                               # the design document in your own words: Markdown files
#   design/imperative: sections/imperative.md
#   design/intervention-framework: sections/intervention-framework.md
#   design/infrastructure: sections/infrastructure.md
#   design/policy: sections/policy.md
#   design/summary: sections/summary.md
component_name: Learning Supports Component
# terms:                                  # wording used on every page
#   Learning Supports Facilitator: Learning Supports Coach
# values:                                 # list them with: lstoolkit addresses values
#   facilitator_positions: 12
#   superintendent: Dr. Ana Ruiz
# protect:                                # essential for every layer that extends this one
#   - mechanisms/leadership-council
# changes:
#   - remove: mechanisms/external-collaborators
#     why: No university partner in year one.
#   - add: mechanisms/steering-body/functions
#     text: reports each quarter to the Board's Student Success Committee
#     why: The Board asked for regular reports.
#   - replace: mechanisms/planning-team/process
#     text: Meets every two weeks for eight weeks.
#     why: Calendar of the first year.
#     when: implementation                # FRAME: pre-implementation, implementation, scale-up, maintenance
#     planned: proactive                  # FRAME: proactive, reactive, unplanned
#     decided_by: Steering Committee
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

DISTRICTS_README = """\
# The districts

Each district that builds on this state's design keeps its own repository. Add each one here as
a git submodule, and its `agency.yml` extends the state's:

    git submodule add https://example.org/riverton/learning-supports districts/riverton

with, in the district's `agency.yml`, `extends: ../../agency.yml`. The site's **Districts**
dashboard (the `rollup: districts` option in `mkdocs.yml`) and `lstoolkit rollup agency.yml`
show how every district adapts the state's design. See the roll-up's documentation for a
scheduled job that updates the submodules, and for a manifest that pins each district's revision.
"""

OVERRIDES_README = """\
# Overrides

- `overrides/main.html` and other files here override the Material theme's templates, and
  lstoolkit's, which add the version banner: a `main.html` of your own keeps the banner with
  `{% block announce %}{% include "partials/lstoolkit-banner.html" %}{% endblock %}`, and
  `partials/lstoolkit-banner.html` here replaces the banner itself.
- `overrides/lstoolkit/<page>.md.j2` overrides one of lstoolkit's page templates (copy the bundled
  one from lstoolkit's `templates/pages/` and edit it); `overrides/lstoolkit/handouts/` does the
  same for the PDF handouts. Templates run in a sandbox and print every value as text.
"""

REQUIREMENTS = """\
# lstoolkit {version} made this project; this pins it. pip finds it on your package index, or in
# wheels/ beside this file: put there the wheel attached to lstoolkit's {version} release
# (lstoolkit-{version}-py3-none-any.whl, built from lstoolkit's source with `python -m build`)
# and commit it. Move to a newer lstoolkit deliberately, then run `lstoolkit upgrade-check`.
--find-links wheels
lstoolkit=={version}
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

`requirements.txt` pins lstoolkit {version}, which made this project: if your package index does
not have it, put the wheel of that release in `wheels/` (see the comment in `requirements.txt`).

Preview while editing `agency.yml`: `.venv/bin/mkdocs serve`. Publish a version:
`.venv/bin/lstoolkit publish{root_flag} agency.yml`. After the parent layer or the toolkit moves:
`.venv/bin/lstoolkit upgrade-check{root_flag} agency.yml`.

`.github/workflows/site.yml` checks and builds every push and pull request (findings annotate the
files; a pull request's job summary says what it changes), and publishes with mike from `main`.
"""

README_SIBLINGS = """
The layers this one extends lie beside this repository. The workflow checks out each of their
repositories at the same place: set `PARENT_REPOSITORY` (and any `PARENT_REPOSITORY_2`...) at the
top of `.github/workflows/site.yml` to its `owner/name` on GitHub; for a private repository, add a
`token:` with read access to its checkout step.
"""

WORKFLOW_ENV_COMMENT = """\
  # The repositories (owner/name on GitHub) of the layers that agency.yml extends, each checked
  # out beside this one, where 'extends' finds it: set them to yours.
"""

CHECKOUT = """\
      - uses: actions/checkout@v5
        with:{path}
          fetch-depth: 0
          submodules: true
"""

PARENT_CHECKOUT = """\
      - uses: actions/checkout@v5
        with:
          repository: ${{{{ env.{variable} }}}}
          path: {path}
          submodules: true
"""

WORKFLOW = """\
name: site
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: write
{env}jobs:
  build:
    runs-on: ubuntu-latest
{defaults}    steps:
{checkouts}      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - run: sudo apt-get update && sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
      - run: pip install -r requirements.txt
      - name: What this pull request changes, in the job summary
        if: github.event_name == 'pull_request'
        env:
          BASE_REF: ${{{{ github.base_ref }}}}
        run: lstoolkit diff "origin/$BASE_REF"{root_flag} --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Check, with findings as annotations
        run: lstoolkit check --strict --format github{root_flag} agency.yml
      - run: mkdocs build --strict
      - name: Publish with mike
        if: github.event_name == 'push' && github.ref == 'refs/heads/main'
        run: |
          git config user.name "github-actions"
          git config user.email "github-actions@users.noreply.github.com"
          lstoolkit publish{root_flag} --push agency.yml
"""
