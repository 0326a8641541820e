"""The system change mechanism diagram, drawn as SVG after the prototype figure.

The figure is the strategic-planning guide's Appendix B, "Unifying and Developing a Comprehensive
System of Learning Supports: Prototype for System Change Mechanisms" (the coaching guide's
Appendix A has the same figure). The text conversion lost the drawing but kept its box labels, in
reading order: External Collaborators; Steering Body; Planning Team for Transformative Systemic
Changes, with Work Groups on the same line; Implementation Team; External & Internal Change
Agents (including mentors, coaches); and one box listing ">Administrative Lead >Learning Supports
Leadership Team >Work Groups", the operational infrastructure that the Implementation Team
establishes. The arrows are reconstructed from the relations the guides state (see ``LINKS``).

The drawing shows the prototype's boxes with the adapted toolkit's names: a mechanism the agency
removed stays in its place, greyed, with who removed it; mechanisms of the toolkit that the figure
does not have are named in a note below it. Two layouts: ``wide`` (760 units, for desktop and the
PDFs) and ``narrow`` (340 units, a vertical stack for phones). Plain SVG: no script, no external
reference, no web font, the same input gives the same bytes; a short <title> and the full text
equivalent (:func:`diagram_description`) in <desc>.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lstoolkit.models import Toolkit

Layout = Literal["wide", "narrow"]

#: The handouts' face first (Noto Sans); the widths above are DejaVu Sans's, the widest of the stack.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
LABEL_SIZE = 15  # box labels
SMALL_SIZE = 14  # "removed by", legend, note
LINE = {LABEL_SIZE: 19, SMALL_SIZE: 18}
PAD_X, PAD_Y = 12, 10
HEAD, HEAD_HALF = 9, 4.5  # arrowhead length and half width
DASH = "7 5"

INK = "#1a1a1a"
GREY_FILL = "#e8e8e8"  # a removed box: text GREY_INK on it has a contrast of about 7:1
GREY_INK = "#4a4a4a"
GREY_LINE = "#767676"  # arrows of a removed box: 4.5:1 against white
GROUP_FILL = "#eef3f8"
GROUP_INK = "#1f4e79"

TITLE = "System change mechanisms"
WIDE_WIDTH = 760
NARROW_WIDTH = 340


@dataclass(frozen=True)
class Slot:
    """A box of the figure."""

    key: str  # unique in the figure (Work Groups appear twice)
    mechanism: str  # id in mechanisms.yml
    label: str  # the figure's label, shown while the mechanism keeps its prototype title
    prototype_title: str  # the mechanism's title in content/mechanisms.yml
    group: str = ""


@dataclass(frozen=True)
class Link:
    """An arrow of the figure, from a slot to a slot or a group."""

    source: str
    target: str
    dashed: bool


OPERATIONAL = "operational-infrastructure"
#: The figure's groups: key -> label. The operational infrastructure box of the figure lists three
#: mechanisms; its name is the one both guides give it.
GROUPS = {OPERATIONAL: "Operational infrastructure"}

EC, SB, PT, WP, IT, CA, AL, LT, WI = (
    "external-collaborators",
    "steering-body",
    "planning-team",
    "work-groups-planning",
    "implementation-team",
    "change-agents",
    "administrative-lead",
    "leadership-team",
    "work-groups-infrastructure",
)

#: The boxes of the figure, in its reading order.
SLOTS = (
    Slot(EC, "external-collaborators", "External Collaborators", "External Collaborators"),
    Slot(SB, "steering-body", "Steering Body", "Steering Body"),
    Slot(
        PT,
        "planning-team",
        "Planning Team for Transformative Systemic Changes",
        "Planning Team for Transformative Systemic Changes",
    ),
    Slot(WP, "work-groups", "Work Groups", "Work Groups"),
    Slot(IT, "implementation-team", "Implementation Team", "Implementation Team"),
    Slot(
        CA,
        "external-change-agents",
        "External & Internal Change Agents (including mentors, coaches)",
        "External Change Agents (including mentors, coaches)",
    ),
    Slot(AL, "administrative-lead", "Administrative Lead", "Administrative Lead", OPERATIONAL),
    Slot(
        LT,
        "leadership-team",
        "Learning Supports Leadership Team",
        "Learning Supports Leadership Team",
        OPERATIONAL,
    ),
    Slot(WI, "work-groups", "Work Groups", "Work Groups", OPERATIONAL),
)
SLOT = {slot.key: slot for slot in SLOTS}
FIGURE_MECHANISMS = tuple(dict.fromkeys(slot.mechanism for slot in SLOTS))

#: The arrows. Solid: the line of the work (the steering body approves the plan the planning team
#: drafts with its work groups; the implementation team carries it out and establishes the
#: operational infrastructure). Dashed: capacity-building input from outside that line.
LINKS = (
    Link(SB, PT, False),  # "reviews and approves the action plan the Planning Team develops"
    Link(PT, WP, False),  # "establishes work groups as necessary to help with plan development"
    Link(
        PT, IT, False
    ),  # "ensures the Implementation Team develops the capacity to carry out the plan"
    Link(
        IT, OPERATIONAL, False
    ),  # "establishing operational infrastructure (e.g., Administrative Lead, ...)"
    Link(
        EC, SB, True
    ),  # "The external collaborators can help provide capacity building input for the group
    Link(EC, PT, True),  #  (and the other systemic change mechanisms as they are established)"
    Link(EC, IT, True),
    Link(CA, SB, True),  # "facilitating the development and operation of all mechanisms"
    Link(CA, PT, True),
    Link(
        CA, IT, True
    ),  # "The external collaborators/change agents can help provide capacity building input
    Link(
        CA, OPERATIONAL, True
    ),  #  for all involved in implementation"; mentors prepare the administrative leader
)

LEGEND_SOLID = "Solid arrow: the line of the work (approves, establishes, carries the plan on)."
LEGEND_DASHED = "Dashed arrow: capacity-building input and support (consultation, coaching, technical assistance)."
LEGEND_GREY = "Grey box: a prototype mechanism that was removed, with who removed it."


# The content -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """What a slot shows: its label, and who removed it (empty while the toolkit has it)."""

    slot: Slot
    label: str
    removed_by: str = ""

    @property
    def greyed(self) -> bool:
        return bool(self.removed_by)


@dataclass(frozen=True)
class Figure:
    """The figure's content for one toolkit: every slot as shown, and what the figure lacks."""

    shown: Mapping[str, Shown]
    not_drawn: tuple[str, ...]  # titles of the toolkit's mechanisms the figure has no box for
    removed_elsewhere: tuple[tuple[str, str], ...]  # (title, who) removed and not in the figure

    def label(self, key: str) -> str:
        return GROUPS[key] if key in GROUPS else self.shown[key].label

    def has(self, *keys: str) -> bool:
        return all(key in GROUPS or key in self.shown for key in keys)

    def greyed(self, link: Link) -> bool:
        return any(k in self.shown and self.shown[k].greyed for k in (link.source, link.target))


def _figure(
    toolkit: Toolkit, prototype: Toolkit | None, removed: Mapping[str, str] | None
) -> Figure:
    removed = removed or {}
    titles = {m.id: _clean(m.title) for m in toolkit.items("mechanisms")}
    prototype_titles = (
        {m.id: _clean(m.title) for m in prototype.items("mechanisms")} if prototype else {}
    )
    shown: dict[str, Shown] = {}
    for slot in SLOTS:
        title = titles.get(slot.mechanism)
        if title is not None:
            shown[slot.key] = Shown(slot, slot.label if title == slot.prototype_title else title)
            continue
        if slot.mechanism not in prototype_titles and slot.mechanism not in removed:
            continue  # not known to be removed (no prototype given): left out, with its arrows
        old = prototype_titles.get(slot.mechanism, slot.prototype_title)
        label = slot.label if old == slot.prototype_title else old
        shown[slot.key] = Shown(
            slot, label, "removed by " + _clean(removed.get(slot.mechanism, "the agency"))
        )
    not_drawn = tuple(title for id_, title in titles.items() if id_ not in FIGURE_MECHANISMS)
    elsewhere = tuple(
        (title, _clean(removed.get(id_, "the agency")))
        for id_, title in prototype_titles.items()
        if id_ not in titles and id_ not in FIGURE_MECHANISMS
    )
    return Figure(shown, not_drawn, elsewhere)


def removed_mechanisms(adapted: Any) -> dict[str, str]:
    """Mechanism id -> agency, for every mechanism a layer of ``adapted`` (an
    :class:`lstoolkit.adapt.Adapted`) removed: the ``removed`` argument of the functions below."""
    ids = {m.id for m in adapted.toolkit.items("mechanisms")}
    result: dict[str, str] = {}
    for applied in adapted.changes:
        parts = (applied.change.remove or "").split("/")
        if len(parts) == 2 and parts[0] == "mechanisms" and parts[1] not in ids:
            result[parts[1]] = applied.agency
    return result


# The description -------------------------------------------------------------------------------


def diagram_description(
    toolkit: Toolkit, prototype: Toolkit | None = None, removed: Mapping[str, str] | None = None
) -> str:
    """The complete text equivalent of the diagram, in sentences (the same for both layouts)."""
    return _describe(_figure(toolkit, prototype, removed))


#: What each arrow means, in the sources' words ({a}: its source, {b}: its target).
MEANING = {
    (SB, PT): "{a} reviews and approves the action plan that {b} develops",
    (PT, WP): "{a} establishes work groups as necessary to help with plan development",
    (PT, IT): "{a} ensures that {b} develops the capacity to carry out the plan",
    (IT, OPERATIONAL): "{a} establishes the operational infrastructure",
}
SUPPORT = {
    EC: "consultation, professional development, and technical assistance",
    CA: "mentoring, coaching, and other capacity building that facilitates the development and "
    "operation of all mechanisms",
}


def _describe(figure: Figure) -> str:
    name = figure.label
    group = "the " + GROUPS[OPERATIONAL].lower() + " group"

    def target(key: str) -> str:
        return group if key in GROUPS else name(key)

    sentences = [
        "The diagram shows the system change mechanisms of the prototype (the strategic-planning "
        "guide) with this toolkit's names."
    ]
    outside = [
        name(slot.key) + (f" (beside {name(PT)})" if slot.key == WP and figure.has(PT) else "")
        for slot in SLOTS
        if not slot.group and figure.has(slot.key)
    ]
    if outside:
        sentences.append(
            "Its boxes are "
            + "; ".join(outside[:-1])
            + ("; and " if len(outside) > 1 else "")
            + outside[-1]
            + "."
        )
    inside = [
        name(slot.key) for slot in SLOTS if slot.group == OPERATIONAL and figure.has(slot.key)
    ]
    sentences.append(
        f"A group box, {GROUPS[OPERATIONAL]}, contains {_series(inside)}."
        if inside
        else f"A group box, {GROUPS[OPERATIONAL]}, contains none of this toolkit's mechanisms."
    )
    solid = [link for link in LINKS if not link.dashed and figure.has(link.source, link.target)]
    if solid:
        sentences.append("Solid arrows show the line of the work.")
    for link in solid:
        meaning = MEANING[(link.source, link.target)].format(
            a=name(link.source), b=target(link.target)
        )
        sentences.append(f"One goes from {name(link.source)} to {target(link.target)}: {meaning}.")
    for source, what in SUPPORT.items():
        targets = [
            target(link.target)
            for link in LINKS
            if link.dashed and link.source == source and figure.has(source, link.target)
        ]
        if targets:
            sentences.append(
                f"Dashed arrows go from {name(source)} to {_series(targets)}, for {what}."
            )
    for shown in _unique_mechanisms(s for s in figure.shown.values() if s.greyed):
        sentences.append(
            f"{shown.label} is drawn greyed, with grey arrows: the prototype has it, and it was "
            f"{shown.removed_by}."
        )
    if figure.not_drawn:
        sentences.append(
            "Not drawn in the figure, but among this toolkit's mechanisms: "
            + "; ".join(figure.not_drawn)
            + "."
        )
    if figure.removed_elsewhere:
        items = [f"{title} (removed by {who})" for title, who in figure.removed_elsewhere]
        sentences.append("Removed, and not part of the figure: " + "; ".join(items) + ".")
    return " ".join(sentences)


def _unique_mechanisms(shown: Iterable[Shown]) -> list[Shown]:
    seen: dict[str, Shown] = {}
    for item in shown:
        seen.setdefault(item.slot.mechanism, item)
    return list(seen.values())


def _series(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _note_lines(figure: Figure) -> list[str]:
    lines = []
    if figure.not_drawn:
        lines.append("Not drawn: " + "; ".join(figure.not_drawn) + ".")
    if figure.removed_elsewhere:
        lines.append(
            "Removed, not in the figure: "
            + "; ".join(f"{title} (removed by {who})" for title, who in figure.removed_elsewhere)
            + "."
        )
    return lines


# Geometry --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


Point = tuple[float, float]

#: Advance widths (em) of printable ASCII in DejaVu Sans, the widest font of the stack: the wrap
#: is measured against it, so the text fits in Arial or Helvetica too.
_ASCII_EM = dict(
    zip(
        (chr(c) for c in range(32, 127)),
        (
            0.32,
            0.4,
            0.46,
            0.84,
            0.64,
            0.95,
            0.78,
            0.27,
            0.39,
            0.39,
            0.5,
            0.84,
            0.32,
            0.36,
            0.32,
            0.34,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.64,
            0.34,
            0.34,
            0.84,
            0.84,
            0.84,
            0.53,
            1.0,
            0.68,
            0.69,
            0.7,
            0.77,
            0.63,
            0.58,
            0.77,
            0.75,
            0.29,
            0.29,
            0.66,
            0.56,
            0.86,
            0.75,
            0.79,
            0.6,
            0.79,
            0.69,
            0.63,
            0.61,
            0.73,
            0.68,
            0.99,
            0.69,
            0.61,
            0.69,
            0.39,
            0.34,
            0.39,
            0.84,
            0.5,
            0.5,
            0.61,
            0.63,
            0.55,
            0.63,
            0.62,
            0.35,
            0.63,
            0.63,
            0.28,
            0.28,
            0.58,
            0.28,
            0.97,
            0.63,
            0.61,
            0.63,
            0.63,
            0.41,
            0.52,
            0.39,
            0.63,
            0.59,
            0.82,
            0.59,
            0.59,
            0.52,
            0.64,
            0.34,
            0.64,
            0.84,
        ),
        strict=True,
    )
)
BOLD = 1.12  # DejaVu Sans Bold is at most about this much wider


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A safe estimate of the width of ``text``: the font's widths (non-ASCII counted wide), and
    never below 0.6 em a character."""
    em = sum(_ASCII_EM.get(char, 0.8 if ord(char) < 0x2000 else 1.0) for char in text) * 1.03
    return max(em * (BOLD if bold else 1.0), 0.6 * len(text)) * size


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` that each fit ``width`` at ``size`` (long words are broken)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while text_width(word, size, bold) > width:
            cut = 1
            while cut < len(word) and text_width(word[: cut + 1], size, bold) <= width:
                cut += 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Label:
    lines: tuple[tuple[str, int], ...]  # (text, font size)

    @property
    def height(self) -> int:
        return sum(LINE[size] for _, size in self.lines)


def _box_label(shown: Shown, width: float) -> Label:
    inner = width - 2 * PAD_X
    lines = [(line, LABEL_SIZE) for line in wrap(shown.label, inner, LABEL_SIZE)]
    if shown.removed_by:
        lines += [(line, SMALL_SIZE) for line in wrap(shown.removed_by, inner, SMALL_SIZE)]
    return Label(tuple(lines))


@dataclass(frozen=True)
class Arrow:
    link: Link
    points: tuple[Point, ...]


@dataclass
class Drawing:
    """Everything placed: boxes, the group, arrows; the legend and note go below ``bottom``."""

    width: int
    boxes: dict[str, tuple[Rect, Label]]
    group: Rect
    group_label: tuple[str, ...]
    arrows: list[Arrow]
    bottom: float


class _Rows:
    """Stacks rows of boxes: the boxes of a row share its height."""

    def __init__(self, figure: Figure, top: float, gap: float) -> None:
        self.figure = figure
        self.y = top
        self.gap = gap
        self.boxes: dict[str, tuple[Rect, Label]] = {}

    def row(self, *cells: tuple[str, float, float]) -> None:
        cells = tuple(cell for cell in cells if cell[0] in self.figure.shown)
        if not cells:
            return
        labels = {key: _box_label(self.figure.shown[key], w) for key, _, w in cells}
        h = max(label.height for label in labels.values()) + 2 * PAD_Y
        for key, x, w in cells:
            self.boxes[key] = (Rect(x, self.y, w, h), labels[key])
        self.y += h + self.gap


def _group_box(
    figure: Figure,
    rows: _Rows,
    x: float,
    w: float,
    inner: Iterable[tuple[str, float, float]],
    stacked: bool,
) -> tuple[Rect, tuple[str, ...]]:
    """The operational infrastructure group, its boxes inside it."""
    top = rows.y
    label = tuple(wrap(GROUPS[OPERATIONAL], w - 2 * 14, LABEL_SIZE, bold=True))
    rows.y = top + 14 + len(label) * LINE[LABEL_SIZE] + 8
    gap = rows.gap
    rows.gap = 12
    cells = list(inner)
    if stacked:
        for cell in cells:
            rows.row(cell)
    else:
        rows.row(*cells)
    rows.gap = gap
    bottom = rows.y - 12 + 14
    rows.y = bottom + gap
    return Rect(x, top, w, bottom - top), label


def _wide(figure: Figure) -> Drawing:
    left, centre, right = (12, 180), (258, 200), (524, 200)
    rail = 744
    rows = _Rows(figure, 16, 48)
    rows.row((EC, *left), (SB, *centre))
    rows.row((PT, *centre), (WP, *right))
    rows.row((IT, *centre), (CA, *right))
    group, group_label = _group_box(
        figure, rows, 12, 736, ((AL, 26, 224), (LT, 268, 224), (WI, 510, 224)), stacked=False
    )
    b = {key: rect for key, (rect, _) in rows.boxes.items()}
    routes: dict[Link, Callable[[], tuple[Point, ...]]] = {
        Link(SB, PT, False): lambda: ((b[SB].cx, b[SB].bottom), (b[PT].cx, b[PT].y)),
        Link(PT, WP, False): lambda: ((b[PT].right, b[PT].cy), (b[WP].x, b[WP].cy)),
        Link(PT, IT, False): lambda: ((b[PT].cx, b[PT].bottom), (b[IT].cx, b[IT].y)),
        Link(IT, OPERATIONAL, False): lambda: ((b[IT].cx, b[IT].bottom), (b[IT].cx, group.y)),
        Link(EC, SB, True): lambda: ((b[EC].right, b[EC].cy), (b[SB].x, b[SB].cy)),
        Link(EC, PT, True): lambda: (
            (b[EC].cx, b[EC].bottom),
            (b[EC].cx, b[PT].cy),
            (b[PT].x, b[PT].cy),
        ),
        Link(EC, IT, True): lambda: (
            (b[EC].cx, b[EC].bottom),
            (b[EC].cx, b[IT].cy),
            (b[IT].x, b[IT].cy),
        ),
        Link(CA, SB, True): lambda: (
            (b[CA].right, b[CA].cy),
            (rail, b[CA].cy),
            (rail, b[SB].cy),
            (b[SB].right, b[SB].cy),
        ),
        Link(CA, PT, True): lambda: (
            (b[CA].right, b[CA].cy),
            (rail, b[CA].cy),
            (rail, b[PT].y - 24),
            (b[PT].right - 28, b[PT].y - 24),
            (b[PT].right - 28, b[PT].y),
        ),
        Link(CA, IT, True): lambda: ((b[CA].x, b[CA].cy), (b[IT].right, b[IT].cy)),
        Link(CA, OPERATIONAL, True): lambda: ((b[CA].cx, b[CA].bottom), (b[CA].cx, group.y)),
    }
    return Drawing(
        WIDE_WIDTH, rows.boxes, group, group_label, _arrows(figure, routes), group.bottom
    )


def _narrow(figure: Figure) -> Drawing:
    main, side = (34, 272), (104, 202)
    left_rail, right_rail, bypass = 14, 326, 69
    rows = _Rows(figure, 16, 36)
    for key, cell in ((EC, main), (SB, main), (PT, main), (WP, side), (IT, main), (CA, side)):
        rows.row((key, *cell))
    group, group_label = _group_box(
        figure, rows, 8, 324, ((AL, 20, 300), (LT, 20, 300), (WI, 20, 300)), stacked=True
    )
    b = {key: rect for key, (rect, _) in rows.boxes.items()}
    routes: dict[Link, Callable[[], tuple[Point, ...]]] = {
        Link(SB, PT, False): lambda: ((b[SB].cx, b[SB].bottom), (b[SB].cx, b[PT].y)),
        Link(PT, WP, False): lambda: ((b[WP].cx, b[PT].bottom), (b[WP].cx, b[WP].y)),
        Link(PT, IT, False): lambda: ((bypass, b[PT].bottom), (bypass, b[IT].y)),
        Link(IT, OPERATIONAL, False): lambda: ((bypass, b[IT].bottom), (bypass, group.y)),
        Link(EC, SB, True): lambda: ((b[EC].cx, b[EC].bottom), (b[EC].cx, b[SB].y)),
        Link(EC, PT, True): lambda: (
            (b[EC].x, b[EC].cy),
            (left_rail, b[EC].cy),
            (left_rail, b[PT].cy),
            (b[PT].x, b[PT].cy),
        ),
        Link(EC, IT, True): lambda: (
            (b[EC].x, b[EC].cy),
            (left_rail, b[EC].cy),
            (left_rail, b[IT].cy),
            (b[IT].x, b[IT].cy),
        ),
        Link(CA, SB, True): lambda: (
            (b[CA].right, b[CA].cy),
            (right_rail, b[CA].cy),
            (right_rail, b[SB].cy),
            (b[SB].right, b[SB].cy),
        ),
        Link(CA, PT, True): lambda: (
            (b[CA].right, b[CA].cy),
            (right_rail, b[CA].cy),
            (right_rail, b[PT].cy),
            (b[PT].right, b[PT].cy),
        ),
        Link(CA, IT, True): lambda: ((b[CA].cx, b[CA].y), (b[CA].cx, b[IT].bottom)),
        Link(CA, OPERATIONAL, True): lambda: ((b[CA].cx, b[CA].bottom), (b[CA].cx, group.y)),
    }
    return Drawing(
        NARROW_WIDTH, rows.boxes, group, group_label, _arrows(figure, routes), group.bottom
    )


def _arrows(figure: Figure, routes: Mapping[Link, Callable[[], tuple[Point, ...]]]) -> list[Arrow]:
    """The arrows of ``LINKS`` whose two ends are drawn, routed by the layout."""
    return [Arrow(link, routes[link]()) for link in LINKS if figure.has(link.source, link.target)]


# SVG -------------------------------------------------------------------------------------------


def mechanism_diagram(
    toolkit: Toolkit,
    prototype: Toolkit | None = None,
    removed: Mapping[str, str] | None = None,
    layout: Layout = "wide",
) -> str:
    """The diagram as an SVG document (deterministic text).

    ``prototype``: the unadapted toolkit; its mechanisms that ``toolkit`` lacks are drawn greyed
    (None: nothing was removed). ``removed``: mechanism id -> who removed it (e.g. an agency's
    name). ``layout``: "wide" (760 units) or "narrow" (340 units, a vertical stack).
    """
    if layout not in ("wide", "narrow"):
        raise ValueError(f"unknown layout {layout!r}: use 'wide' or 'narrow'")
    figure = _figure(toolkit, prototype, removed)
    drawing = _wide(figure) if layout == "wide" else _narrow(figure)
    below, height = _below(figure, drawing)
    ident = f"mechanisms-{layout}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {drawing.width} {_n(height)}" '
        f'width="{drawing.width}" height="{_n(height)}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT_FAMILY}" '
        f'font-size="{LABEL_SIZE}" data-layout="{layout}">',
        f'<title id="{ident}-title">{_esc(TITLE)}</title>',
        f'<desc id="{ident}-desc">{_esc(_describe(figure))}</desc>',
        f'<rect class="background" x="0" y="0" width="{drawing.width}" height="{_n(height)}" fill="#ffffff"/>',
        _group_svg(drawing),
    ]
    parts += [_arrow_svg(arrow, figure.greyed(arrow.link)) for arrow in drawing.arrows]
    parts += [
        _box_svg(figure.shown[key], rect, label) for key, (rect, label) in drawing.boxes.items()
    ]
    parts += below
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _group_svg(drawing: Drawing) -> str:
    g = drawing.group
    lines = "".join(
        f'<tspan x="{_n(g.x + 14)}" y="{_n(g.y + 14 + i * LINE[LABEL_SIZE] + 14)}">{_esc(line)}</tspan>'
        for i, line in enumerate(drawing.group_label)
    )
    return (
        f'<g class="group" data-group="{OPERATIONAL}">'
        f'<rect x="{_n(g.x)}" y="{_n(g.y)}" width="{_n(g.w)}" height="{_n(g.h)}" rx="8" '
        f'fill="{GROUP_FILL}" stroke="{GROUP_INK}" stroke-width="1.5"/>'
        f'<text class="group-label" fill="{GROUP_INK}" font-weight="bold">{lines}</text></g>'
    )


def _box_svg(shown: Shown, rect: Rect, label: Label) -> str:
    fill, ink, stroke = (GREY_FILL, GREY_INK, GREY_LINE) if shown.greyed else ("#ffffff", INK, INK)
    y = rect.y + (rect.h - label.height) / 2
    spans = []
    for text, size in label.lines:
        baseline = y + (LINE[size] - size) / 2 + size * 0.8
        style = f' font-size="{size}" font-style="italic"' if size != LABEL_SIZE else ""
        spans.append(f'<tspan x="{_n(rect.cx)}" y="{_n(baseline)}"{style}>{_esc(text)}</tspan>')
        y += LINE[size]
    state = "removed" if shown.greyed else "present"
    return (
        f'<g class="box" data-slot="{shown.slot.key}" data-mechanism="{_esc(shown.slot.mechanism)}" '
        f'data-state="{state}"><rect x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.w)}" '
        f'height="{_n(rect.h)}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
        f'<text text-anchor="middle" fill="{ink}">{"".join(spans)}</text></g>'
    )


def _arrow_svg(arrow: Arrow, grey: bool) -> str:
    colour = GREY_LINE if grey else INK
    link = arrow.link
    style = "dashed" if link.dashed else "solid"
    return (
        f'<g class="arrow" data-from="{link.source}" data-to="{link.target}" data-style="{style}">'
        + _line_with_head(arrow.points, colour, link.dashed)
        + "</g>"
    )


def _line_with_head(points: tuple[Point, ...], colour: str, dashed: bool) -> str:
    (x1, y1), (x2, y2) = points[-2], points[-1]
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    base = (x2 - ux * HEAD, y2 - uy * HEAD)
    # one subpath a segment: the dash pattern starts afresh on each, so corners and short last
    # segments show a dash, and arrows that share a rail draw the same dashes on it
    route = [f"{_n(x)},{_n(y)}" for x, y in (*points[:-1], base)]
    d = " ".join(f"M{a} L{b}" for a, b in itertools.pairwise(route))
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    head = " ".join(
        f"{_n(x)},{_n(y)}"
        for x, y in (
            (x2, y2),
            (base[0] - uy * HEAD_HALF, base[1] + ux * HEAD_HALF),
            (base[0] + uy * HEAD_HALF, base[1] - ux * HEAD_HALF),
        )
    )
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>'
        f'<polygon points="{head}" fill="{colour}"/>'
    )


def _below(figure: Figure, drawing: Drawing) -> tuple[list[str], float]:
    """The legend and the note under the figure, and the height of the whole drawing."""
    margin = 12
    y = drawing.bottom + 22
    sample = 44 if drawing.width > 400 else 30
    text_x = margin + sample + 12
    text_w = drawing.width - text_x - margin
    items: list[tuple[str, str]] = [("solid", LEGEND_SOLID), ("dashed", LEGEND_DASHED)]
    if any(s.greyed for s in figure.shown.values()):
        items.append(("grey", LEGEND_GREY))
    parts = ['<g class="legend">']
    for kind, text in items:
        lines = wrap(text, text_w, SMALL_SIZE)
        mid = y + LINE[SMALL_SIZE] / 2
        if kind == "grey":
            parts.append(
                f'<rect x="{margin}" y="{_n(mid - 10)}" width="{sample}" height="20" rx="4" '
                f'fill="{GREY_FILL}" stroke="{GREY_LINE}" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                _line_with_head(((margin, mid), (margin + sample, mid)), INK, kind == "dashed")
            )
        parts.append(_text_block(lines, text_x, y, "start", INK, f' class="legend-{kind}"'))
        y += len(lines) * LINE[SMALL_SIZE] + 8
    parts.append("</g>")
    for line in _note_lines(figure):
        lines = wrap(line, drawing.width - 2 * margin, SMALL_SIZE)
        y += 6
        parts.append(_text_block(lines, margin, y, "start", INK, ' class="note"'))
        y += len(lines) * LINE[SMALL_SIZE]
    return parts, y + margin


def _text_block(lines: list[str], x: float, top: float, anchor: str, ink: str, attrs: str) -> str:
    size = SMALL_SIZE
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(top + i * LINE[size] + (LINE[size] - size) / 2 + size * 0.8)}">{_esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text{attrs} text-anchor="{anchor}" font-size="{size}" fill="{ink}">{spans}</text>'


# Text ------------------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """One line of text, without characters XML cannot carry."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _esc(text: str) -> str:
    return (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _n(value: float) -> str:
    """A coordinate, written the same way every time."""
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text
