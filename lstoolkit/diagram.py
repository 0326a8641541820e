"""The system change mechanism diagram, drawn as SVG from the adapted model.

The source figure (the coaching guide's Appendix A, the strategic-planning guide's Appendix B)
did not survive the text conversion; its boxes are known from their labels. The drawing is built
at build time so removed mechanisms disappear and renamed ones show their local names. Plain SVG:
no script, no web font, the same file for the site and the PDFs, with a title and description for
screen readers and a text equivalent beside it on the page.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lstoolkit.models import Toolkit

WIDTH = 760
BOX_W, BOX_H = 210, 64


@dataclass(frozen=True)
class Box:
    mechanism: str
    x: int
    y: int


#: Where each mechanism of the figure sits.
LAYOUT = (
    Box("external-collaborators", 20, 20),
    Box("steering-body", 275, 20),
    Box("external-change-agents", 530, 20),
    Box("planning-team", 150, 130),
    Box("work-groups", 410, 130),
    Box("implementation-team", 275, 240),
    Box("administrative-lead", 40, 380),
    Box("leadership-team", 275, 380),
    Box("leadership-council", 510, 380),
)
#: Arrows between boxes (from, to, dashed): the flow of the work, as the sources describe it.
ARROWS = (
    ("steering-body", "planning-team", False),
    ("planning-team", "work-groups", False),
    ("planning-team", "implementation-team", False),
    ("implementation-team", "leadership-team", False),
    ("external-collaborators", "steering-body", True),
    ("external-change-agents", "steering-body", True),
    ("external-change-agents", "work-groups", True),
)
INFRASTRUCTURE_Y = 350
EXTRA_X0 = 20


def mechanism_diagram(toolkit: Toolkit) -> str:
    """The diagram as an SVG document (deterministic text)."""
    mechanisms = {m.id: m for m in toolkit.items("mechanisms")}
    placed = {box.mechanism: box for box in LAYOUT if box.mechanism in mechanisms}
    extra = [m for m in mechanisms if m not in {b.mechanism for b in LAYOUT} and m not in _top_roles()]
    height = 470 + (100 if extra else 0)
    title = "System change mechanisms"
    description = diagram_description(toolkit)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="diagram-title diagram-desc" '
        'font-family="Arial, Helvetica, sans-serif" font-size="14">',
        f'<title id="diagram-title">{escape(title)}</title>',
        f'<desc id="diagram-desc">{escape(description)}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1a1a1a"/>'
        "</marker></defs>",
        f'<rect x="10" y="{INFRASTRUCTURE_Y}" width="{WIDTH - 20}" height="110" fill="#eef3f8" '
        'stroke="#1f4e79" stroke-width="1.5" rx="6"/>',
        f'<text x="20" y="{INFRASTRUCTURE_Y + 20}" fill="#1f4e79" font-weight="bold">'
        "Operational infrastructure</text>",
    ]
    for source, target, dashed in ARROWS:
        if source in placed and target in placed:
            parts.append(_arrow(placed[source], placed[target], dashed))
    for box in placed.values():
        parts.append(_box(box, mechanisms[box.mechanism].title))
    for i, mechanism_id in enumerate(extra):
        parts.append(_box(Box(mechanism_id, EXTRA_X0 + (i % 3) * 250, 490 + (i // 3) * 80), mechanisms[mechanism_id].title))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def diagram_description(toolkit: Toolkit) -> str:
    """The text equivalent of the diagram."""
    names = {m.id: m.title for m in toolkit.items("mechanisms")}
    shown = [b.mechanism for b in LAYOUT if b.mechanism in names]
    flows = [f"{names[a]} to {names[b]}" for a, b, _ in ARROWS if a in names and b in names]
    text = "Mechanisms: " + "; ".join(names[m] for m in shown) + "."
    if flows:
        text += " Connections: " + "; ".join(flows) + "."
    return text


def _top_roles() -> set[str]:
    """Mechanisms that head the work and are drawn outside the figure's boxes."""
    return {"superintendent-and-governing-body", "transformation-leader"}


def _box(box: Box, title: str) -> str:
    lines = textwrap.wrap(title, 26)[:3] or [""]
    first_y = box.y + BOX_H / 2 - (len(lines) - 1) * 9 + 5
    text = "".join(
        f'<tspan x="{box.x + BOX_W / 2:g}" y="{first_y + i * 18:g}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g><rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#ffffff" '
        f'stroke="#1a1a1a" stroke-width="1.5"/><text text-anchor="middle" fill="#1a1a1a">{text}</text></g>'
    )


def _arrow(a: Box, b: Box, dashed: bool) -> str:
    x1, y1 = a.x + BOX_W / 2, float(a.y + BOX_H)
    x2, y2 = b.x + BOX_W / 2, float(b.y)
    if a.y == b.y:  # side by side
        x1, y1 = (a.x + BOX_W, a.y + BOX_H / 2) if a.x < b.x else (float(a.x), a.y + BOX_H / 2)
        x2, y2 = (float(b.x), b.y + BOX_H / 2) if a.x < b.x else (b.x + BOX_W, b.y + BOX_H / 2)
    elif a.y > b.y:
        y1, y2 = float(a.y), float(b.y + BOX_H)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#1a1a1a" stroke-width="1.5"'
        f'{dash} marker-end="url(#arrow)"/>'
    )
