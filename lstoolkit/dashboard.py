"""The state's roll-up in its own site: a dashboard of its districts and a page for each.

:mod:`lstoolkit.rollup` resolves the districts; this module turns its reports into what readers
see: the pages (rendered by the site's :class:`~lstoolkit.render.SiteRenderer`, so they share its
templates, escaping and banner), their place in the navigation, the two charts and the summary
PDF for the state board.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lstoolkit.adapt import Adapted
from lstoolkit.charts import Chart, adoption_chart, findings_chart
from lstoolkit.codes import FindingCode
from lstoolkit.findings import CODES
from lstoolkit.handouts import Handout
from lstoolkit.in_words import FIDELITY_CODES
from lstoolkit.render import Page
from lstoolkit.rollup import AGENCY_FILE, SYMBOLS, DistrictReport, state_design, summary

DASHBOARD = "districts/index.md"
SUMMARY_HANDOUT = "districts-summary"
#: What each element status says to a reader, with the table's text symbol (never colour alone).
STATUS_WORDS = {"kept": "kept", "adapted": "adapted", "emptied": "emptied", "removed": "removed"}
#: Findings the state looks at across districts: fidelity first, then the record of changes.
CHARTED_CODES = (
    *FIDELITY_CODES,
    FindingCode.VALUE_NOT_SET,
    FindingCode.SECTION_NOT_WRITTEN,
    FindingCode.ADOPTED_WITH_UNWRITTEN_SECTIONS,
)


@dataclass(frozen=True)
class DistrictRow:
    """A district as the dashboard lists it: its report and its page."""

    report: DistrictReport
    page: str  # e.g. districts/riverton.md

    @property
    def status(self) -> str:
        """``adopted``, ``draft``, or ``cannot be read``: the words of the Status filter."""
        return "cannot be read" if self.report.broken else self.report.status

    @property
    def label(self) -> str:
        """The district's name; the folder of a file that cannot be read."""
        file = Path(self.report.file)
        return self.report.name or (file.parent.name if file.name == AGENCY_FILE else file.stem)


@dataclass(frozen=True)
class RollupView:
    """Everything the roll-up pages and the summary PDF show, worked out once per build."""

    rows: tuple[DistrictRow, ...]
    elements: tuple[tuple[str, str], ...]  # (element id, title as the state calls it)
    state_name: str
    state_version: str
    counts: dict[str, int]
    finding_counts: Mapping[str, int]  # code -> districts with it, not accepted
    adoption: Chart | None
    findings: Chart | None

    @property
    def regions(self) -> list[str]:
        return sorted({row.report.region for row in self.rows if row.report.region})

    def attention(self) -> list[tuple[DistrictRow, str]]:
        """What the state should look at first, district by district, in words."""
        found = []
        for row in self.rows:
            r = row.report
            if r.broken:
                found.append((row, "has a customization file that cannot be read yet"))
                continue
            for element_id, title in self.elements:
                status = r.elements.get(element_id)
                if status in ("removed", "emptied"):
                    accepted = any(
                        code in r.accepted
                        for code in (
                            FindingCode.ESSENTIAL_ELEMENT_REMOVED,
                            FindingCode.ESSENTIAL_ELEMENT_EMPTIED,
                        )
                    )
                    found.append(
                        (
                            row,
                            f"{status} the essential element “{title}”"
                            + (" (reviewed and accepted)" if accepted else ""),
                        )
                    )
            if r.out_of_date:
                found.append(
                    (
                        row,
                        f"builds on version {r.state_version} of the state's design, not {self.state_version}",
                    )
                )
            if not r.extends_state:
                found.append((row, "does not build on the state's design"))
        return found


def rollup_view(
    reports: Sequence[DistrictReport], adapted: Adapted, *, until: str | None = None
) -> RollupView:
    """The view of ``reports`` in the state's site whose adapted toolkit is ``adapted``."""
    top = adapted.layers[-1].file if adapted.layers else None
    if adapted.layers:  # the state's pages name files as from the state's folder
        state = adapted.layers[-1]
        reports = [_from_state(r, state.path, state.display) for r in reports]
    elements = tuple(
        (e.id, e.short_title or e.title)
        for e in (
            adapted.toolkit["elements"].get(p.id) or p
            for p in adapted.prototype.toolkit.items("elements")
        )
    )
    rows = tuple(
        DistrictRow(r, f"districts/{slug}.md")
        for r, slug in zip(reports, _unique_slugs(reports), strict=True)
    )
    finding_counts = Counter(code for r in reports for code in r.findings if code in CHARTED_CODES)
    ordered: dict[str, int] = {
        code: finding_counts[code] for code in CHARTED_CODES if finding_counts[code]
    }
    adopted_on = [r.adopted_on for r in reports if r.adopted_on]
    return RollupView(
        rows=rows,
        elements=elements,
        state_name=top.agency.name if top else "the state",
        state_version=top.version if top else "",
        counts=summary(reports),
        finding_counts=ordered,
        adoption=adoption_chart(adopted_on, len(reports), until=until) if adopted_on else None,
        findings=findings_chart(
            ordered, {code: CODES[FindingCode(code)].title.lower() for code in ordered}
        ),
    )


def _from_state(report: DistrictReport, state_file: Path, state_shown: str) -> DistrictReport:
    """The report with each file it names (its own, and where each finding and change is) shown
    from the state's folder, ``districts/riverton/agency.yml``: never an absolute path, nor one
    climbing out of the folder the site was built from."""

    def shown(path: str) -> str:
        return _path_from_state(path, state_file, state_shown)

    def located(text: str) -> str:  # 'path:12:5' or 'path:12:5: LS301 …'
        match = re.match(r"(.+?)((?::\d+){0,2}(?:: .*)?)$", text, re.S)
        return shown(match[1]) + match[2] if match and text else text

    return replace(
        report,
        file=shown(report.file),
        error=located(report.error),
        log=tuple(replace(e, location=located(e.location)) for e in report.log),
        notes=tuple(replace(f, location=located(f.location)) for f in report.notes),
    )


def _path_from_state(path: str, state_file: Path, state_shown: str) -> str:
    """``path`` (absolute, or shown from the same folder as ``state_shown``, the state's file)
    relative to the state's folder, normalised; as it is when it cannot be placed."""
    state_dir = os.path.dirname(os.path.abspath(state_file))
    if os.path.isabs(path):
        return os.path.relpath(os.path.realpath(path), os.path.realpath(state_dir))
    base = [
        p for p in os.path.normpath(os.path.dirname(state_shown) or ".").split(os.sep) if p != "."
    ]
    parts = [p for p in os.path.normpath(path).split(os.sep) if p != "."]
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    if ".." in base[common:] or os.path.isabs(state_shown):
        return os.path.normpath(path)  # the two are not named from the same place
    pieces = [".."] * (len(base) - common) + parts[common:]
    return os.path.join(*pieces) if pieces else "."


def _unique_slugs(reports: Sequence[DistrictReport]) -> list[str]:
    """Each report's slug, numbered from the second on when two folders share a name."""
    seen: Counter[str] = Counter()
    slugs = []
    for report in reports:
        seen[report.slug] += 1
        slugs.append(
            report.slug if seen[report.slug] == 1 else f"{report.slug}-{seen[report.slug]}"
        )
    return slugs


def rollup_pages(view: RollupView) -> list[Page]:
    """The dashboard, then one page per district, in the order of the reports."""
    context = {
        "rollup": view,
        "symbols": SYMBOLS,
        "status_words": STATUS_WORDS,
        "state_design": state_design,
    }
    pages = [Page(DASHBOARD, "districts.md.j2", context)]
    pages += [Page(row.page, "district.md.j2", {**context, "row": row}) for row in view.rows]
    return pages


def rollup_navigation(view: RollupView, limit: int) -> dict[str, list[Any]]:
    """The "Districts" section: the dashboard, and each district's page while they are few."""
    if len(view.rows) > limit:
        return {"Districts": [DASHBOARD]}
    return {"Districts": [DASHBOARD, *({html.escape(row.label): row.page} for row in view.rows)]}


def summary_handout(view: RollupView) -> Handout:
    """The PDF summary for the state board."""
    context = {
        "rollup": view,
        "symbols": SYMBOLS,
        "status_words": STATUS_WORDS,
        "state_design": state_design,
    }
    return Handout(
        SUMMARY_HANDOUT,
        "Districts' adaptations: summary for the board",
        "districts-summary.html.j2",
        context,
    )
