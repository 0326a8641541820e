"""Findings as values, and their output formats (text, json, github). The codes are defined in
:mod:`lstoolkit.codes`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from lstoolkit.codes import CODES, Code, FindingCode, Severity
from lstoolkit.errors import Location, LstoolkitError

__all__ = [
    "CODES",
    "Code",
    "Finding",
    "FindingCode",
    "Severity",
    "codes_reference",
    "fails",
    "format_findings",
    "troubleshooting",
]


@dataclass(frozen=True)
class Finding:
    """One fidelity finding: a code, a message, where it comes from, which change caused it."""

    code: FindingCode
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
        code = FindingCode(error.code) if error.code in CODES else FindingCode.SCHEMA
        return cls(code=code, message=error.sentences(), location=error.location)


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
        f"{f.location or '-'}: {f.code} {f.message}{' (accepted)' if f.accepted else ''}"
        for f in items
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
        *(
            f"| [{c.code}](#{c.code.lower()}) | {c.severity.value} | {c.title} |"
            for c in CODES.values()
        ),
    ]
    for c in CODES.values():
        lines += [
            "",
            f"## {c.code}",
            "",
            f"**{c.title}** ({c.severity.value}). {c.explanation}",
            "",
            f"Fix: {c.fix}",
        ]
    return "\n".join(lines) + "\n"


def troubleshooting() -> str:
    """The troubleshooting page, in Markdown: every error and warning, an example, and its fix."""
    lines = [
        "# Troubleshooting",
        "",
        "Every problem lstoolkit reports names the file, the line and column, a code and a fix.",
        "`lstoolkit check agency.yml` shows them all at once; `--debug` adds the traceback.",
        "",
    ]
    order = sorted(CODES.values(), key=lambda c: (c.severity is not Severity.ERROR, c.code))
    for c in order:
        lines += [f"## {c.code}: {c.title} ({c.severity.value})", "", c.explanation, "", "```text"]
        lines += [*c.examples, "```", "", f"**Fix:** {c.fix}", ""]
    lines += [
        "## Other messages",
        "",
        "- `WeasyPrint cannot load its system libraries`: install them with "
        "`sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core` "
        "(`make setup` does this).",
        "- `mike is not installed`: `pip install mike` (it comes with lstoolkit).",
        "- `'v2026.1' is not a revision`: the tag or commit does not exist in the repository that "
        "holds the agency file; `git tag` lists the tags.",
        "- `agency.lock at v2026.1 records commit ... of lincoln-state/, which that checkout does not "
        "have`: the sibling checkout is behind; fetch it (`git -C ../lincoln-state fetch`), or name "
        "its revision with `--parent-rev`.",
        "- `no handout named ...`: `lstoolkit handouts --only` takes the names the error lists.",
        "",
    ]
    return "\n".join(lines)
