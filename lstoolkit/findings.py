"""Finding codes, findings as values, and their output formats (text, json, github).

Codes are stable public API: pages link to them, CI logs show them, agencies suppress nothing
by accident. Each code has one severity: errors always fail, warnings fail under ``--strict``,
info never fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lstoolkit.errors import Location, LstoolkitError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Code:
    """A finding code and its documentation (published on the findings reference page)."""

    code: str
    severity: Severity
    title: str
    explanation: str
    fix: str


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("LS101", Severity.WARNING, "Essential element removed",
             "A change removes one of the five essential elements. The source documents warn that "
             "care must be taken not to eliminate elements that are essential.",
             "Keep the element; adapt its wording or facets instead, and say why."),
        Code("LS102", Severity.WARNING, "Essential or protected item removed",
             "A change removes an item that an essential element requires, or that a parent layer "
             "protects.",
             "Keep the item (rename it with 'terms' or replace its text), or ask the parent layer."),
        Code("LS103", Severity.WARNING, "Essential element emptied",
             "An essential element is kept by name but its definition is replaced, or all its facets "
             "or all the items it requires are removed: the terminology without the substance.",
             "Restore the definition, facets or required items; adapt wording, not substance."),
        Code("LS201", Severity.WARNING, "Change without a reason",
             "A change has no 'why'. The adaptation log is read by boards and reviewers.",
             "Add 'why:' with the reason for the change."),
        Code("LS202", Severity.INFO, "Title the toolkit cautions against",
             "A term renames a title to one the toolkit cautions against (for example the Learning "
             "Supports Facilitator renamed 'coordinator' or 'advocate').",
             "Keep the prototype's title, or record why the local title is needed."),
        Code("LS203", Severity.INFO, "Local value not set",
             "The content asks for a local value that no layer gives; pages show it as a bracketed "
             "placeholder.",
             "Add it under 'values:'."),
        Code("LS300", Severity.ERROR, "Not a readable YAML file",
             "The file cannot be read or parsed: syntax, encoding, duplicate keys, aliases, tags, size.",
             "Fix the file at the line given."),
        Code("LS301", Severity.ERROR, "Address does not exist",
             "A change, protection or reference targets an address that does not exist. A change is "
             "never silently skipped.",
             "Use the suggested address, or list them with 'lstoolkit addresses'."),
        Code("LS302", Severity.ERROR, "File does not match the schema",
             "An unknown key, a wrong type, a missing required key, or a change with no or two actions.",
             "Fix the key or value at the line given; editors validate with the published schema."),
        Code("LS303", Severity.ERROR, "Broken chain of layers",
             "An 'extends' cycle, a missing parent, or a path leading outside the project.",
             "Point 'extends' at an existing file inside the project."),
        Code("LS304", Severity.ERROR, "Duplicate id",
             "Two items of a collection, or two entries of a list, share an id.",
             "Rename one of them."),
        Code("LS305", Severity.ERROR, "Template error",
             "A page or handout template (an override in overrides/lstoolkit/, or a bundled one) "
             "cannot be rendered.",
             "Fix the template at the line given, or remove the override."),
    )
}


@dataclass(frozen=True)
class Finding:
    """One fidelity finding: a code, a message, where it comes from, which change caused it."""

    code: str
    message: str
    location: Location | None = None
    address: str = ""
    change: int | None = None  # index into Adapted.changes
    accepted: bool = False  # the change that caused it lists the code under 'accept'

    @property
    def severity(self) -> Severity:
        return Severity.INFO if self.accepted else CODES[self.code].severity

    @classmethod
    def from_error(cls, error: LstoolkitError) -> Finding:
        code = error.code if error.code in CODES else "LS302"
        message = " ".join(part for part in (error.message, error.hint) if part)
        return cls(code=code, message=message, location=error.location)


def fails(findings: Iterable[Finding], *, strict: bool) -> bool:
    """Whether these findings fail a build: any error, or any warning under ``strict``."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)


def format_findings(findings: Iterable[Finding], fmt: str) -> str:
    """Findings as ``text`` (path:line:col: CODE message), ``json`` or ``github`` annotations."""
    items = list(findings)
    if fmt == "json":
        return json.dumps([_as_dict(f) for f in items], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(_github(f) for f in items)
    return "\n".join(
        f"{f.location or '-'}: {f.code} {f.message}{' (accepted)' if f.accepted else ''}" for f in items
    )


def _as_dict(finding: Finding) -> dict[str, object]:
    location = finding.location or Location("")
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": location.path,
        "line": location.line,
        "column": location.column,
        "address": finding.address,
        "accepted": finding.accepted,
    }


def _github(finding: Finding) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[finding.severity.value]
    properties = [f"title={finding.code} {CODES[finding.code].title}"]
    if finding.location:
        properties.insert(0, f"file={finding.location.path}")
        if finding.location.line:
            properties.insert(1, f"line={finding.location.line}")
            if finding.location.column:
                properties.insert(2, f"col={finding.location.column}")
    message = finding.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} {','.join(properties)}::{message}"


def codes_reference() -> str:
    """The findings-code reference page, in Markdown (docs/findings.md and the site)."""
    lines = [
        "# Finding codes",
        "",
        "`lstoolkit check` and the site build report these codes. Errors always fail; warnings "
        "fail `lstoolkit check --strict` and `mkdocs build --strict`; info never fails.",
        "",
        "| code | severity | what |",
        "|---|---|---|",
        *(f"| [{c.code}](#{c.code.lower()}) | {c.severity.value} | {c.title} |" for c in CODES.values()),
    ]
    for c in CODES.values():
        lines += ["", f"## {c.code}", "", f"**{c.title}** ({c.severity.value}). {c.explanation}", "", f"Fix: {c.fix}"]
    return "\n".join(lines) + "\n"
