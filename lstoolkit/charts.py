"""Two charts for a state's roll-up dashboard, drawn at build time as inline SVG.

Adoption over time (cumulative bars, with a dashed line at the number of districts) and the
fidelity findings (horizontal bars). Each chart comes with a one-sentence caption and its text
equivalent as a table, which the page shows next to it.

Plain SVG meant to sit inline in a page: no script, no link, no font named (the page's font is
inherited), text and axes in ``currentColor`` so they follow a light or dark scheme, and one bar
colour with 3:1 contrast against both. The viewBox is 360 units wide with 14-unit text, so the
text stays legible on a 320 px phone; a width in ``em`` (at most the container's) keeps it near
the page's text size on a wide screen. The same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import escape

from lstoolkit.diagram import text_width, wrap
from lstoolkit.i18n import ENGLISH_MONTHS

WIDTH = 360
MARGIN = 2  # the chart lines up with the text of the page
SIZE = 14  # text, in viewBox units: about the page's text size at 360 units wide
LINE = 18
BAR_FILL = "#3f6fd1"  # 4.8:1 against white, 3.4:1 against #1e2129 (a dark page)
CSS_WIDTH = "27em"  # 360 units at 27em: 14-unit text is about 1.05 times the page's text
MAX_PERIODS = 36  # more months than this are grouped by quarter (and quarters by year)
MAX_TICKS = 12


Grain = Literal["month", "quarter", "year"]
Period = tuple[int, int]  # (year, month 1-12 | quarter 1-4 | 0 for a whole year)


@dataclass(frozen=True)
class Chart:
    svg: str  # a complete inline <svg> element (no XML declaration)
    caption: str  # one sentence saying what the chart shows
    headers: tuple[str, ...]  # column headings of the text equivalent table
    rows: tuple[tuple[str, ...], ...]  # the text equivalent: every number the chart shows


# Adoption ----------------------------------------------------------------------------------------


def adoption_chart(
    adopted_on: Sequence[str], total: int, *, until: str | None = None, id_prefix: str = "ls-chart"
) -> Chart | None:
    """Cumulative number of districts that had adopted, at the end of each month, from the month
    of the first adoption to the month of ``until`` (YYYY-MM-DD; default: the last adoption date),
    as vertical bars, with a horizontal dashed line at ``total`` labelled 'all N districts'.

    ``adopted_on``: one YYYY-MM-DD date a district, empty for a district that has not adopted.
    Adoptions after ``until`` are not counted (the chart shows the state as of ``until``). More
    than 36 months are grouped by quarter, more than 36 quarters by year; more than 36 years is
    refused as a mistyped date. None when no district has adopted (by ``until``).
    """
    ident = _ident(id_prefix, "adoption")
    if isinstance(adopted_on, str):
        raise ValueError(f"adopted_on: {adopted_on!r} is one string, not a list of dates")
    dates = sorted(_date(value, "adopted_on") for value in adopted_on if value != "")
    if isinstance(total, bool) or not isinstance(total, int) or total < max(1, len(dates)):
        raise ValueError(
            f"total: {total!r} must be a whole number of districts, at least the "
            f"{len(dates)} that adopted"
        )
    end = _date(until, "until") if until is not None else (dates[-1] if dates else None)
    dates = [d for d in dates if end is not None and d <= end]
    if not dates or end is None:
        return None
    grain = _grain(dates[0], end)
    if grain == "year" and end.year - dates[0].year >= MAX_PERIODS:
        raise ValueError(
            f"adopted_on: {dates[0].isoformat()!r} is more than {MAX_PERIODS} years "
            f"before {end.isoformat()!r}: a mistyped year?"
        )
    periods = _periods(_period(dates[0], grain), _period(end, grain), grain)
    counts = [sum(_period(d, grain) <= p for d in dates) for p in periods]
    names = [_name(p, grain) for p in periods]
    unit = "district" if total == 1 else "districts"
    span = f"in {names[0]}" if len(names) == 1 else f"from {names[0]} to {names[-1]}"
    caption = f"Districts that have adopted their design document, by {grain}, {span}."
    summary = f"{counts[-1]} of {total} {unit} had adopted by {names[-1]}."
    headers = (grain.capitalize(), f"Districts adopted by the end of the {grain}")
    rows = tuple((name, str(count)) for name, count in zip(names, counts, strict=True))
    body, height = _adoption_body(periods, grain, counts, total)
    svg = _svg(ident, "adoption", height, "District adoptions", f"{caption} {summary}", body)
    return Chart(svg, caption, headers, rows)


def _adoption_body(
    periods: list[Period], grain: Grain, counts: list[int], total: int
) -> tuple[list[str], float]:
    n = len(periods)
    plot_w = WIDTH - 2 * MARGIN
    slot = plot_w / n
    bar_w = min(slot * 0.72, 44.0)
    ticks = [_tick(p, grain) for p in periods]
    # Label every k-th bar, counted back from the last so that the latest is labelled: at most
    # MAX_TICKS labels, each fitting in the k slots it stands for. Numbers are narrower: every
    # j-th bar, j a divisor of k, so that each labelled bar has its number.
    tick_w = max(text_width(t[0], SIZE) for t in ticks) + 6
    number_w = max(text_width(str(c), SIZE) for c in counts) + 6
    k = max(math.ceil(n / MAX_TICKS), math.ceil(tick_w / slot), 1)
    j = min(d for d in range(1, k + 1) if k % d == 0 and d * slot >= min(number_w, k * slot))
    labelled = [(n - 1 - i) % k == 0 for i in range(n)]
    numbered = [(n - 1 - i) % j == 0 for i in range(n)]

    line_label = f"all {total} districts" if total != 1 else "the 1 district"
    label_w = text_width(line_label, SIZE)
    plot_h = 150.0
    top = 8 + LINE  # the total line, with its label in the row above
    label_y = top - 5
    tops = [top + plot_h * (1 - c / total) for c in counts]
    centres = [MARGIN + (i + 0.5) * slot for i in range(n)]
    # A bar near the top has its number in the label's row: the label then gets a row of its own.
    if any(
        numbered[i] and tops[i] - top < SIZE and centres[i] - number_w / 2 < MARGIN + label_w
        for i in range(n)
    ):
        top += LINE
        tops = [t + LINE for t in tops]
    bottom = top + plot_h

    parts = ['<g class="bars">']
    for i in range(n):
        x = centres[i] - bar_w / 2
        tip = f"{_name(periods[i], grain)}: {counts[i]} district{'s' if counts[i] != 1 else ''}"
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(tops[i])}" width="{_n(bar_w)}" height="{_n(bottom - tops[i])}" '
            f'fill="{BAR_FILL}"><title>{_esc(tip)}</title></rect>'
        )
    parts.append("</g>")
    parts.append('<g class="values" text-anchor="middle">')
    parts += [_centred(str(counts[i]), centres[i], tops[i] - 5) for i in range(n) if numbered[i]]
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{MARGIN}" y1="{_n(bottom)}" x2="{WIDTH - MARGIN}" y2="{_n(bottom)}" '
        'stroke="currentColor" stroke-width="1"/>'
    )
    parts.append(
        f'<line class="total" x1="{MARGIN}" y1="{_n(top)}" x2="{WIDTH - MARGIN}" y2="{_n(top)}" '
        'stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    parts.append(_text(line_label, MARGIN, label_y, ' class="total-label"'))
    parts.append('<g class="ticks" text-anchor="middle">')
    year_shown = None
    two_rows = False
    for i in range(n):
        if not labelled[i]:
            continue
        first, year = ticks[i]
        parts.append(_centred(first, centres[i], bottom + 4 + SIZE))
        if year and year != year_shown:
            parts.append(_centred(year, centres[i], bottom + 4 + SIZE + LINE))
            year_shown, two_rows = year, True
    parts.append("</g>")
    return parts, bottom + 4 + LINE * (2 if two_rows else 1) + 6


def _grain(first: dt.date, last: dt.date) -> Grain:
    for grain in ("month", "quarter"):
        if len(_periods(_period(first, grain), _period(last, grain), grain)) <= MAX_PERIODS:
            return grain
    return "year"


def _period(date: dt.date, grain: Grain) -> Period:
    if grain == "month":
        return (date.year, date.month)
    return (date.year, (date.month + 2) // 3) if grain == "quarter" else (date.year, 0)


def _periods(first: Period, last: Period, grain: Grain) -> list[Period]:
    per_year = {"month": 12, "quarter": 4, "year": 1}[grain]
    start = first[0] * per_year + max(first[1] - 1, 0)
    stop = last[0] * per_year + max(last[1] - 1, 0)
    return [
        (i // per_year, i % per_year + 1 if grain != "year" else 0) for i in range(start, stop + 1)
    ]


def _name(period: Period, grain: Grain) -> str:
    """'May 2026', 'Q2 2026' or '2026'."""
    year, part = period
    if grain == "month":
        return f"{ENGLISH_MONTHS[part - 1]} {year}"
    return f"Q{part} {year}" if grain == "quarter" else str(year)


def _tick(period: Period, grain: Grain) -> tuple[str, str]:
    """A bar's label on two rows: 'May' over '2026' ('2026' alone for a year)."""
    year, part = period
    if grain == "month":
        return ENGLISH_MONTHS[part - 1][:3], str(year)
    return (f"Q{part}", str(year)) if grain == "quarter" else (str(year), "")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: object, what: str) -> dt.date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what}: {value!r} is not a date (YYYY-MM-DD)")


# Findings ----------------------------------------------------------------------------------------


def findings_chart(
    counts: Mapping[str, int], labels: Mapping[str, str], *, id_prefix: str = "ls-chart"
) -> Chart | None:
    """Horizontal bars: for each finding code (e.g. 'LS101'), the number of districts with that
    finding, in the order of ``counts``. Each bar has its label, ``labels[code]`` and the code,
    on the line(s) above it (not to its left: a phone has no room for that), and its number at
    its end. A code without a label is shown alone. None when counts is empty or all zero.
    """
    ident = _ident(id_prefix, "findings")
    for code, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"counts[{code!r}]: {count!r} is not a number of districts")
    if not any(counts.values()):
        return None
    names = {
        code: _clean(f"{labels[code]} ({code})" if labels.get(code) else code) for code in counts
    }
    most = max(counts.values())
    top = [code for code, count in counts.items() if count == most]
    unit = "district" if most == 1 else "districts"
    caption = f"Number of districts with each of {len(counts)} findings."
    caption = "Number of districts with the finding." if len(counts) == 1 else caption
    if len(top) == 1:
        summary = f"{_with_label(top[0], labels)} is the most common finding, in {most} {unit}."
    else:
        listed = (
            ", ".join(_with_label(c, labels) for c in top[:-1])
            + " and "
            + _with_label(top[-1], labels)
        )
        summary = f"{listed} are the most common findings, in {most} {unit} each."
    headers = ("Finding", "Districts")
    rows = tuple((names[code], str(count)) for code, count in counts.items())

    bar_h = 20
    plot_w = WIDTH - 2 * MARGIN
    scale = (plot_w - 6 - text_width(str(most), SIZE)) / most
    y = 6.0
    parts = []
    for code, count in counts.items():
        lines = wrap(names[code], plot_w, SIZE)
        parts.append('<g class="finding">')
        parts += [_text(line, MARGIN, y + i * LINE + 14) for i, line in enumerate(lines)]
        y += len(lines) * LINE + 4
        if count:
            tip = f"{names[code]}: {count} district{'s' if count != 1 else ''}"
            parts.append(
                f'<rect x="{MARGIN}" y="{_n(y)}" width="{_n(count * scale)}" height="{bar_h}" '
                f'fill="{BAR_FILL}"><title>{_esc(tip)}</title></rect>'
            )
        parts.append(_text(str(count), MARGIN + count * scale + 6, y + bar_h / 2 + SIZE * 0.35))
        parts.append("</g>")
        y += bar_h + 14
    svg = _svg(ident, "findings", y - 4, "Findings across districts", f"{caption} {summary}", parts)
    return Chart(svg, caption, headers, rows)


def _with_label(code: str, labels: Mapping[str, str]) -> str:
    return _clean(f"{code} ({labels[code]})" if labels.get(code) else code)


# SVG ---------------------------------------------------------------------------------------------

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _ident(prefix: str, kind: str) -> str:
    if not isinstance(prefix, str) or not _ID_PREFIX.fullmatch(prefix):
        raise ValueError(f"id_prefix: {prefix!r} must be a letter then letters, digits, - or _")
    return f"{prefix}-{kind}"


def _svg(ident: str, kind: str, height: float, title: str, desc: str, body: list[str]) -> str:
    # No font-size on the root, so that its em is the page's. The style's width (capped at the
    # container's) rather than width="100%" alone: a shrink-to-fit container, such as a figure
    # or a table cell, then gets the chart's width from it; width="100%" stays for a page whose
    # CSP drops style attributes.
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="ls-chart ls-chart-{kind}" style="width: {CSS_WIDTH}; max-width: 100%; height: auto">'
    )
    parts = [
        head,
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return "\n".join(parts)


def _text(text: str, x: float, baseline: float, attrs: str = "") -> str:
    return (
        f'<text{attrs} x="{_n(x)}" y="{_n(baseline)}" font-size="{SIZE}" fill="currentColor">'
        f"{_esc(text)}</text>"
    )


def _centred(text: str, x: float, baseline: float) -> str:
    """Text centred on ``x`` (in a group with text-anchor middle), moved in from the edges."""
    half = text_width(text, SIZE) / 2
    return _text(text, min(max(x, half), WIDTH - half), baseline)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Inline syntax of Markdown and its usual extensions (emphasis, links, code, attribute lists,
#: emoji, magic links, math): written as character references, so that text pasted into a
#: Markdown page stays text even outside a block-level element.
_MARKDOWN = re.compile(r"[\\`*_{}\[\]|~^=:+$!@/.]")


def _clean(text: str) -> str:
    """One line of text, without characters XML cannot carry."""
    return " ".join(_NOT_XML.sub("", text).split())


def _esc(text: str) -> str:
    escaped = str(escape(_clean(text)))
    return _MARKDOWN.sub(lambda m: f"&#{ord(m.group())};", escaped)


def _n(value: float) -> str:
    """A coordinate, written the same way every time: at most one decimal."""
    text = f"{round(value, 1):.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text
