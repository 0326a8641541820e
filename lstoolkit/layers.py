"""Customization files (``agency.yml``) and the chain of layers they form through ``extends``.

A chain runs from the layer closest to the prototype (a state) down to the file given (a
district or school). Relative ``extends`` and ``logo`` paths resolve from the file that names
them and must stay inside the project root: the enclosing git repository, else the directory the
command runs in (or the site's directory) when it holds the file, else the file's own directory,
unless the caller widens it (a parent layer in a sibling checkout).
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.i18n import TIME_PATTERN, Language
from lstoolkit.logo import LOGO_TYPES, read_logo
from lstoolkit.models import Level, Pattern, about
from lstoolkit.rules import DATE_PATTERN, check_agency_text
from lstoolkit.schema import JSON_SCHEMA_DIALECT, build, object_schema, validate
from lstoolkit.sections import MAX_SECTIONS, AuthoredSection, read_section
from lstoolkit.yamlfile import YamlDocument, parse_yaml, read_bounded

PROTOTYPE = "prototype"

#: A target of a change: a collection, an item, a field or an entry.
Target = Annotated[str, Pattern(r"^[a-z]+(/[a-z0-9_]+(-[a-z0-9]+)*)*$")]


@dataclass(frozen=True, kw_only=True)
class Agency:
    """Who publishes this adaptation."""

    name: str = field(metadata=about("Full name, e.g. Springfield Public Schools."))
    short_name: str = field(default="", metadata=about("Short name or acronym, e.g. SPS."))
    level: Level = field(metadata=about("state, region, district or school."))
    logo: str = field(default="", metadata=about("Path to a logo, inside the project."))
    contact: str = field(default="", metadata=about("Contact e-mail or address."))
    region: str = field(
        default="",
        metadata=about(
            "Region of the state, e.g. North Central (groups districts in the state's roll-up)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class TermForms:
    """A term's replacement with its plural given, where the English rule would be wrong."""

    text: str = field(metadata=about("The local term, e.g. Staff."))
    plural: str = field(metadata=about("Its plural, e.g. Staff (not Staffs)."))

    def __str__(self) -> str:
        return self.text if self.plural == self.text else f"{self.text} (plural: {self.plural})"


def term_text(replacement: str | TermForms) -> str:
    """The singular wording of a term's replacement."""
    return replacement.text if isinstance(replacement, TermForms) else replacement


@dataclass(frozen=True, kw_only=True)
class Adoption:
    """When and by whom the design document was adopted."""

    date: str = field(metadata=about("Date of adoption, YYYY-MM-DD."))
    by: str = field(metadata=about("The body that adopted it, e.g. Board of Education."))
    resolution: str = field(
        default="",
        metadata=about(
            "The resolution or minute number, e.g. Resolution 2026-41 (required when adopted)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class SignOff:
    """A member of the design-document work group who signed off the draft."""

    name: str = field(metadata=about("Full name, e.g. Marcus Lee."))
    role: str = field(default="", metadata=about("Position, e.g. Director of Student Supports."))
    date: str = field(
        default="", metadata=about("Day of sign-off, YYYY-MM-DD (required when adopted).")
    )


@dataclass(frozen=True, kw_only=True)
class PlanAnswer:
    """WHO will carry out one task of the action plan, HOW, and WHEN."""

    who: str = field(
        default="",
        metadata=about(
            "Who carries it out, e.g. Director of Student Supports with the Planning Team."
        ),
    )
    how: str = field(
        default="",
        metadata=about("How, e.g. Two half-day workshops for principals, then monthly coaching."),
    )
    when: str | int = field(
        default="", metadata=about("When, e.g. Spring 2027, or a day YYYY-MM-DD.")
    )


@dataclass(frozen=True, kw_only=True)
class Milestone:
    """A date in the roll-out, for the summary readers receive ("when")."""

    date: str = field(
        metadata=about("YYYY-MM-DD, or a month or term as readers know it, e.g. Fall 2027.")
    )
    text: str = field(
        metadata=about("What happens, e.g. Learning Supports Coaches start in 24 schools.")
    )


@dataclass(frozen=True, kw_only=True)
class Presenter:
    """Someone who speaks at a session, named with the role attendees know them by."""

    name: str = field(metadata=about("Full name, e.g. Dr. Ana Ruiz."))
    role: str = field(default="", metadata=about("Their position, e.g. Superintendent."))


@dataclass(frozen=True, kw_only=True)
class Session:
    """An introductory session: one attendee sheet each, introductory-session-<id>.pdf."""

    id: Annotated[str, Pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$", 60)] = field(
        metadata=about(
            "Short name for the file, e.g. washington-elementary (lower case, digits, hyphens)."
        )
    )
    title: str = field(
        default="",
        metadata=about("Heading of the sheet (default: Introducing the <new position's title>)."),
    )
    date: str = field(
        default="", metadata=about("Day of the session, YYYY-MM-DD, e.g. 2027-01-12.")
    )
    start: str = field(
        default="", metadata=about("Start time, HH:MM on the 24-hour clock, e.g. 15:30.")
    )
    end: str = field(
        default="", metadata=about("End time, HH:MM on the 24-hour clock, e.g. 17:00.")
    )
    place: str = field(
        default="",
        metadata=about("Where, e.g. Washington Elementary School, library, 1200 Oak Street."),
    )
    audience: str = field(
        default="",
        metadata=about(
            "Who is invited, e.g. all staff of Washington Elementary School (default: you)."
        ),
    )
    presenters: tuple[Presenter, ...] = field(
        default=(), metadata=about("Who speaks: each with name and role.")
    )
    agenda: tuple[str, ...] = field(
        default=(),
        metadata=about(
            "The agenda, one item each (default: the toolkit's, from the session's seven points)."
        ),
    )
    contact: str = field(
        default="",
        metadata=about("Who to contact about the session (default: the agency's contact)."),
    )


@dataclass(frozen=True, kw_only=True)
class Change:
    """One change to the prototype: exactly one of remove, add, replace, and why."""

    remove: Target = field(default="", metadata=about("Address of what to remove."))
    add: Target = field(
        default="", metadata=about("List (or entry) to append to, or a collection for a new item.")
    )
    replace: Target = field(default="", metadata=about("Address of what to replace."))
    text: str | dict[str, Any] = field(
        default="", metadata=about("New text, or a mapping of fields (an item, an entry).")
    )
    id: Annotated[str, Pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$", 60)] = field(
        default="", metadata=about("Id of an added entry (derived from its text if absent).")
    )
    title: str = field(default="", metadata=about("Title of an added entry."))
    why: str = field(default="", metadata=about("The reason for the change."))
    when: Literal["pre-implementation", "implementation", "scale-up", "maintenance"] | None = field(
        default=None, metadata=about("FRAME: when in the work the change was made.")
    )
    planned: Literal["proactive", "reactive", "unplanned"] | None = field(
        default=None, metadata=about("FRAME: whether the change was planned.")
    )
    decided_by: str = field(default="", metadata=about("FRAME: who decided the change."))
    goal: str = field(default="", metadata=about("FRAME: what the change is meant to achieve."))
    accept: tuple[Literal["LS101", "LS102", "LS103"], ...] = field(
        default=(),
        metadata=about(
            "Fidelity findings this change knowingly causes, reviewed and accepted: they stay on "
            "the record and on the Adaptations page, but no longer fail --strict."
        ),
    )

    @property
    def kind(self) -> Literal["remove", "add", "replace"]:
        return "remove" if self.remove else "add" if self.add else "replace"

    @property
    def target(self) -> str:
        return self.remove or self.add or self.replace


@dataclass(frozen=True, kw_only=True)
class AgencyFile:
    """An agency's customization file: who it is, and how it adapts the layer it extends."""

    extends: str = field(
        default=PROTOTYPE,
        metadata=about("'prototype', or a relative path to the parent agency file."),
    )
    agency: Agency = field(metadata=about("Who publishes this adaptation."))
    version: str = field(metadata=about('Version of the design document, e.g. "2026.1" (quoted).'))
    status: Literal["draft", "adopted"] = field(
        default="draft", metadata=about("draft or adopted.")
    )
    published: str = field(
        default="",
        metadata=about(
            "Publication date shown to readers, YYYY-MM-DD (default: the adoption date, else the last commit)."
        ),
    )
    deciding_body: str = field(
        default="",
        metadata=about(
            "Who decides on adoption, e.g. Board of Education (shown on drafts: 'Draft for review by …')."
        ),
    )
    work_group: str = field(
        default="", metadata=about("Name of the work group that drafted the design document.")
    )
    sign_off: tuple[SignOff, ...] = field(
        default=(),
        metadata=about("Work-group members who signed off the draft (required when adopted)."),
    )
    adopted: Adoption | None = field(default=None, metadata=about("When status is adopted."))
    sections: dict[str, str] = field(
        default_factory=dict,
        metadata=about(
            "The agency's own text: address (design/imperative, design/intervention-framework, "
            "design/infrastructure, design/policy, design/summary, or any item such as "
            "mechanisms/steering-body) -> a Markdown file, relative to this file."
        ),
    )
    milestones: tuple[Milestone, ...] = field(
        default=(), metadata=about("Dates of the roll-out, for the summary readers receive.")
    )
    sessions: tuple[Session, ...] = field(
        default=(),
        metadata=about(
            "Introductory sessions, one attendee sheet each; replace the parent layer's (default: one "
            "sheet with gaps for the date, time, place and presenters)."
        ),
    )
    component_name: str = field(
        default="",
        metadata=about("Name of the third component, e.g. Learning Supports Component."),
    )
    language: Language | None = field(
        default=None,
        metadata=about(
            "Language of the handouts' own words (headings, labels, dates): en or es (default: the parent "
            "layer's, else en). The toolkit's text stays in English; write your values and sections in it."
        ),
    )
    terms: dict[str, str | TermForms] = field(
        default_factory=dict,
        metadata=about(
            "Wording used on every page: prototype term -> local term, or -> {text: local term, "
            "plural: its plural} where the plural is not the English rule's."
        ),
    )
    values: dict[str, str | int] = field(
        default_factory=dict, metadata=about("Local values the content asks for, by name.")
    )
    plan: dict[str, PlanAnswer] = field(
        default_factory=dict,
        metadata=about(
            "The agency's action plan: a task of templates/action-plan, by its address (e.g. "
            "templates/action-plan/sections/start-up-with-schools/district-implementation-team) or its "
            "id (district-implementation-team) -> who, how and when. Printed as action-plan.pdf beside "
            "the worksheet; this layer's own, never inherited."
        ),
    )
    protect: tuple[str, ...] = field(
        default=(),
        metadata=about("Addresses this layer makes essential for layers that extend it."),
    )
    changes: tuple[Change, ...] = field(default=(), metadata=about("The adaptation log."))


@dataclass(frozen=True)
class Logo:
    """A logo's checked bytes and its file type ('.svg', '.png', '.jpg')."""

    suffix: str
    data: bytes

    @property
    def media_type(self) -> str:
        return LOGO_TYPES[self.suffix]


@dataclass(frozen=True)
class Layer:
    """One customization file of a chain, read and validated."""

    path: Path
    document: YamlDocument
    file: AgencyFile
    logo: Logo | None = None
    sections: Mapping[str, AuthoredSection] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return self.document.display

    def locate(self, *path: str | int, key: bool = False) -> Location:
        return self.document.locate(tuple(path), key=key)


@dataclass(frozen=True)
class LayerView:
    """What templates see of a layer: its file as the user names it, and what it says."""

    display: str
    file: AgencyFile


def layer_views(layers: tuple[Layer, ...]) -> tuple[LayerView, ...]:
    return tuple(LayerView(layer.display, layer.file) for layer in layers)


@cache
def agency_schema() -> dict[str, Any]:
    """JSON Schema of a customization file (published as ``agency.schema.json``)."""
    defs: dict[str, Any] = {}
    schema = object_schema(AgencyFile, defs)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "https://lstoolkit.invalid/agency.schema.json",
        "title": "lstoolkit customization file (agency.yml)",
        **schema,
        "$defs": defs,
    }


def write_agency_schema(path: Path) -> None:
    path.write_text(json.dumps(agency_schema(), indent=2) + "\n", encoding="utf-8")


def read_chain(
    path: Path, *, root: Path | None = None, display_base: Path | None = None
) -> tuple[Layer, ...]:
    """The layers from the one nearest the prototype down to ``path``."""
    base = display_base or Path.cwd()
    given = Path(os.path.abspath(path))
    project = (root or project_root(given, base.resolve())).resolve()
    top = path.resolve()
    if not top.is_relative_to(project):  # a link out of the project
        raise LstoolkitError(
            f"'{_show(given, base)}' is a link to a file outside the project ({project})",
            Location(_show(given, base)),
            hint="Use a file inside the project, or widen the project root (--root).",
            code=FindingCode.BROKEN_CHAIN,
        )
    chain: list[Layer] = []
    seen: list[Path] = []
    current, named_at = top, None
    while True:
        if current in seen:
            cycle = " -> ".join(_show(p, base) for p in [*seen[seen.index(current) :], current])
            raise LstoolkitError(
                f"'extends' forms a cycle: {cycle}",
                named_at,
                hint="Remove one of the links.",
                code=FindingCode.BROKEN_CHAIN,
            )
        seen.append(current)
        layer = read_layer(current, display=_show(current, base), named_at=named_at)
        chain.append(layer)
        if layer.file.extends == PROTOTYPE:
            break
        named_at = layer.locate("extends")
        current = resolve_inside(
            layer.file.extends, layer.path.parent, project, named_at, what="extends"
        )
    return tuple(_with_files(layer, project, base) for layer in reversed(chain))


def _with_files(layer: Layer, project: Path, base: Path) -> Layer:
    """The layer with its logo's bytes and its sections, read once and checked (never read
    again by path)."""
    logo = None
    if layer.file.agency.logo:
        where = layer.locate("agency", "logo")
        path = resolve_inside(
            layer.file.agency.logo, layer.path.parent, project, where, what="logo", must_exist=True
        )
        logo = Logo(path.suffix.lower(), read_logo(path, named_at=where))
    sections: dict[str, AuthoredSection] = {}
    problems: list[LstoolkitError] = []
    for address, relative in layer.file.sections.items():
        where = layer.locate("sections", address)
        try:
            path = resolve_inside(
                relative, layer.path.parent, project, where, what="sections", must_exist=True
            )
            sections[address] = read_section(
                address,
                path,
                display=_show(path, base),
                agency=layer.file.agency.name,
                named_at=where,
            )
        except LstoolkitError as error:
            problems.extend(error.problems)
    if problems:
        raise LstoolkitError.collect(problems)
    return replace(layer, logo=logo, sections=sections)


def section_files(layers: tuple[Layer, ...]) -> list[Path]:
    """Every section file the chain reads (watched by ``mkdocs serve``; never published as pages)."""
    return [
        (layer.path.parent / relative).resolve()
        for layer in layers
        for relative in layer.file.sections.values()
    ]


def chain_files(layers: tuple[Layer, ...], top: Path) -> list[Path]:
    """Every file a chain was read from, as its files name them (``top``: the file the site
    names): the customization files, their sections and their logos. Not resolved: a link that
    now leads elsewhere reads differently."""
    files = [top]
    for layer in layers:
        named = [layer.file.extends] if layer.file.extends != PROTOTYPE else []
        named += [*layer.file.sections.values()]
        named += [layer.file.agency.logo] if layer.file.agency.logo else []
        files += [layer.path.parent / relative for relative in named]
    return files


def nearest_logo(layers: tuple[Layer, ...]) -> Logo | None:
    """The nearest layer's logo, as checked when the chain was read."""
    return next((layer.logo for layer in reversed(layers) if layer.logo), None)


def read_layer(path: Path, *, display: str, named_at: Location | None = None) -> Layer:
    """Read and validate one customization file."""
    if not path.is_file():
        raise LstoolkitError(
            f"the parent layer '{display}' does not exist"
            if named_at
            else f"'{display}' does not exist",
            named_at or Location(display),
            hint="Check the path; it is relative to the file that names it.",
            code=FindingCode.BROKEN_CHAIN,
        )
    raw = read_bounded(path, display)
    if named_at is None:  # the file given: read once
        return _parse_layer(path, display, raw)
    return _parse_parent_layer(path, display, raw)


#: Parent layers remembered, by their bytes: a chain has a few, and a state's roll-up reads the
#: state's file once per district.
PARENTS_CACHED = 8


def _parse_layer(path: Path, display: str, raw: bytes) -> Layer:
    document = parse_yaml(raw, path=path, display=display)
    _times_as_written(document, raw)
    problems = validate(document, agency_schema())
    if not problems:
        problems = (
            _check_changes(document) + check_agency_text(document) + _check_sessions(document)
        )
    if problems:
        raise LstoolkitError.collect(problems)
    return Layer(path=path, document=document, file=build(AgencyFile, document.data))


#: The same bytes at the same path, shown under the same name, make the same layer: it is parsed
#: and validated once per process (a problem is raised each time, never remembered). Nothing
#: changes a layer once read (adaptation copies what it takes from it), so it is shared.
_parse_parent_layer = lru_cache(maxsize=PARENTS_CACHED)(_parse_layer)


def _check_changes(document: YamlDocument) -> list[LstoolkitError]:
    problems = []
    data = document.data
    if data.get("status") == "adopted" and not data.get("adopted"):
        problems.append(
            LstoolkitError(
                "status is 'adopted' but 'adopted' is missing",
                document.locate(("status",)),
                hint="Add 'adopted: {date: YYYY-MM-DD, by: Board of Education, resolution: Resolution 2026-41}'.",
                code=FindingCode.SCHEMA,
            )
        )
    if data.get("status") == "adopted":
        problems += _check_adoption_record(document)
    if len(data.get("sections") or ()) > MAX_SECTIONS:
        problems.append(
            LstoolkitError(
                f"the file has {len(data['sections']):,} sections; at most {MAX_SECTIONS:,} are allowed",
                document.locate(("sections",), key=True),
                code=FindingCode.LIMIT_EXCEEDED,
            )
        )
    for i, change in enumerate(data.get("changes", [])):
        actions = [k for k in ("remove", "add", "replace") if k in change]
        if len(actions) != 1:
            message = (
                "a change needs one of remove, add, replace"
                if not actions
                else (
                    f"a change has {len(actions)} actions ({', '.join(actions)}); write one change for each"
                )
            )
            problems.append(
                LstoolkitError(message, document.locate(("changes", i)), code=FindingCode.SCHEMA)
            )
        elif actions[0] in ("add", "replace") and "text" not in change:
            problems.append(
                LstoolkitError(
                    f"'{actions[0]}' needs 'text'",
                    document.locate(("changes", i)),
                    hint="Add 'text:' with the new wording.",
                    code=FindingCode.SCHEMA,
                )
            )
    return problems


def _check_adoption_record(document: YamlDocument) -> list[LstoolkitError]:
    """An adopted design document names its resolution and the work group's sign-off."""
    data, problems = document.data, []
    adopted = data.get("adopted")
    if isinstance(adopted, dict) and not str(adopted.get("resolution") or "").strip():
        problems.append(
            LstoolkitError(
                "an adopted design document needs the resolution or minute number that adopted it",
                document.locate(("adopted",)),
                hint="Add 'resolution:' under 'adopted:', e.g. resolution: Resolution 2026-41.",
                code=FindingCode.SCHEMA,
            )
        )
    members = data.get("sign_off") or []
    if not members:
        problems.append(
            LstoolkitError(
                "an adopted design document needs the work group's sign-off",
                document.locate(("adopted",) if isinstance(adopted, dict) else ("status",)),
                hint="Add 'sign_off:' with each member's name, role and date, e.g. - {name: Marcus Lee, role: Director, date: 2026-04-30}.",
                code=FindingCode.SCHEMA,
            )
        )
    for i, member in enumerate(members):
        if isinstance(member, dict) and not member.get("date"):
            problems.append(
                LstoolkitError(
                    f"{member.get('name', 'a member')} has no sign-off date",
                    document.locate(("sign_off", i)),
                    hint="Add 'date: YYYY-MM-DD', the day they signed off.",
                    code=FindingCode.SCHEMA,
                )
            )
    return problems


_TIME_FIELDS = ("date", "start", "end")


def _times_as_written(document: YamlDocument, raw: bytes) -> None:
    """A session's date or time as the file writes it: YAML reads ``start: 15:30`` as the number
    930 (minutes, base 60) and ``end: 1700`` as a number; the check then speaks of what was typed."""
    sessions = document.data.get("sessions") if isinstance(document.data, dict) else None
    lines: list[str] | None = None
    for i, session in enumerate(sessions if isinstance(sessions, list) else []):
        for key in _TIME_FIELDS:
            value = session.get(key) if isinstance(session, dict) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                lines = lines or re.split(
                    r"\r\n|[\n\r\x85\u2028\u2029]", raw.decode("utf-8").removeprefix("\ufeff")
                )
                where = document.locate(("sessions", i, key))
                line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
                written = re.match(r"[0-9A-Za-z:._+-]+", line[max(where.column - 1, 0) :])
                session[key] = written.group(0) if written else str(value)


def _check_sessions(document: YamlDocument) -> list[LstoolkitError]:
    """Each session's date and times are real, its end after its start, its id its own, and its
    texts one line (a sheet's title is a line of the Handouts page's table)."""
    problems, seen = [], set()
    for i, session in enumerate(document.data.get("sessions") or []):
        name = session["id"]
        if name in seen:
            problems.append(
                LstoolkitError(
                    f"two sessions have the id '{name}'",
                    document.locate(("sessions", i, "id")),
                    hint="Give each session its own id: it names its sheet, introductory-session-<id>.pdf.",
                    code=FindingCode.DUPLICATE_ID,
                )
            )
        seen.add(name)
        problems += [
            LstoolkitError(
                f"the {' '.join(str(k) for k in path[2:])} of session '{name}' must be one line",
                document.locate(path),
                hint="Remove the line break (write it on one line, without '|').",
                code=FindingCode.SCHEMA,
            )
            for path, text in _session_texts(session, ("sessions", i))
            if "\n" in text.strip()
        ]
        day = session.get("date", "")
        if day and not _is_day(day):
            problems.append(
                LstoolkitError(
                    f"the date of session '{name}', '{day}', is not a date",
                    document.locate(("sessions", i, "date")),
                    hint="Write the day as YYYY-MM-DD, e.g. 2027-01-12.",
                    code=FindingCode.SCHEMA,
                )
            )
        times = {key: session.get(key, "") for key in ("start", "end")}
        for key, text in times.items():
            if text and not TIME_PATTERN.fullmatch(text):
                problems.append(
                    LstoolkitError(
                        f"the {key} time of session '{name}', '{text}', is not a time",
                        document.locate(("sessions", i, key)),
                        hint=f"Write it as HH:MM on the 24-hour clock, e.g. {key}: {_suggest_time(text) or ('15:30' if key == 'start' else '17:00')}.",
                        code=FindingCode.SCHEMA,
                    )
                )
        if all(TIME_PATTERN.fullmatch(t) for t in times.values()) and _minutes(
            times["end"]
        ) <= _minutes(times["start"]):
            problems.append(
                LstoolkitError(
                    f"session '{name}' ends at {times['end']}, not after it starts at {times['start']}",
                    document.locate(("sessions", i, "end")),
                    hint="Times are on the 24-hour clock: 3:30 to 5 in the afternoon is start: 15:30, end: 17:00.",
                    code=FindingCode.SCHEMA,
                )
            )
    return sorted(
        problems, key=lambda p: (p.location.line, p.location.column) if p.location else (0, 0)
    )


def _session_texts(
    node: Any, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, str):
        return [(path, node)]
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    return [found for key, value in children for found in _session_texts(value, (*path, key))]


def _is_day(text: str) -> bool:
    try:
        return bool(DATE_PATTERN.fullmatch(text)) and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _suggest_time(text: str) -> str:
    """'3pm' -> '15:00', '3:30 p.m.' -> '15:30', '1530' or '15.30' -> '15:30'; else ''."""
    found = re.fullmatch(r"\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?\s*", text.lower())
    if not found:
        return ""
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    if found.group(3):
        hours = hours % 12 + (12 if found.group(3) == "p" else 0)
    return f"{hours:02d}:{minutes:02d}" if hours < 24 and minutes < 60 else ""


def resolve_inside(
    relative: str,
    directory: Path,
    project: Path,
    named_at: Location | None,
    *,
    what: str,
    must_exist: bool = False,
) -> Path:
    """Resolve a path named in a file; refuse absolute paths and anything leading out of the project."""
    if Path(relative).is_absolute():
        raise LstoolkitError(
            f"'{what}' must be a relative path, not '{relative}'",
            named_at,
            hint="Write it relative to this file.",
            code=FindingCode.BROKEN_CHAIN,
        )
    target = (directory / relative).resolve()
    if not target.is_relative_to(project):
        raise LstoolkitError(
            f"'{what}: {relative}' leads outside the project ({project})",
            named_at,
            hint="Keep files inside the project, or widen the project root (--root).",
            code=FindingCode.BROKEN_CHAIN,
        )
    if must_exist and not target.is_file():
        raise LstoolkitError(
            f"'{what}: {relative}' does not exist",
            named_at,
            code=FindingCode.BROKEN_CHAIN,
            hint="Create the file, or correct the path: it is relative to the file that names it.",
        )
    return target


def project_root(path: Path, base: Path) -> Path:
    """The enclosing git repository; else ``base`` (the site's or the shell's directory) when it
    holds the file; else the file's own directory."""
    for directory in path.parents:
        if (directory / ".git").exists():
            return directory
    return base if path.is_relative_to(base) else path.parent


def _show(path: Path, base: Path) -> str:
    """``path`` as the user would write it from ``base`` (relative, even when it climbs out)."""
    return os.path.relpath(path, base.resolve())
