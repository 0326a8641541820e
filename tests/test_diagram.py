"""The system change mechanism diagram: the prototype figure's boxes, groups and arrows, the
adapted names, removed and undrawn mechanisms, both layouts, and plain, deterministic SVG."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree  # type: ignore[import-untyped]

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.diagram import Layout, diagram_description, mechanism_diagram, removed_mechanisms
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.models import Toolkit

ROOT = Path(__file__).parent.parent
SVG = "{http://www.w3.org/2000/svg}"
LAYOUTS: tuple[Layout, ...] = ("wide", "narrow")
AGENCY = "Springfield Public Schools"

#: The box labels of the strategic-planning guide's Appendix B figure (seed 002, lines 966-985;
#: "coaches)" from the coaching guide's Appendix A, where the text broke it off).
FIGURE_LABELS = (
    "External Collaborators",
    "Steering Body",
    "Planning Team for Transformative Systemic Changes",
    "Work Groups",
    "Implementation Team",
    "External & Internal Change Agents (including mentors, coaches)",
    "Administrative Lead",
    "Learning Supports Leadership Team",
    "Work Groups",
)


@pytest.fixture(scope="module")
def prototype() -> ContentTree:
    return load_content()


@pytest.fixture(scope="module")
def district(prototype: ContentTree) -> Adapted:
    return adapt(prototype, read_chain(ROOT / "examples" / "district" / "agency.yml"))


def district_svg(district: Adapted, layout: Layout = "wide") -> str:
    return mechanism_diagram(
        district.toolkit, district.prototype.toolkit, removed_mechanisms(district), layout=layout
    )


def with_mechanisms(toolkit: Toolkit, change: Any) -> Toolkit:
    """``toolkit`` with its mechanisms replaced by ``change(mechanisms)``."""
    collections = tuple(
        dataclasses.replace(c, items=tuple(change(list(c.items)))) if c.name == "mechanisms" else c
        for c in toolkit.collections
    )
    return Toolkit(collections)


def retitled(toolkit: Toolkit, mechanism_id: str, title: str) -> Toolkit:
    return with_mechanisms(
        toolkit,
        lambda items: [
            dataclasses.replace(m, title=title) if m.id == mechanism_id else m for m in items
        ],
    )


# Reading the SVG ---------------------------------------------------------------------------------


def parse(svg: str) -> Element:
    root = ElementTree.fromstring(
        svg
    )  # defusedxml is untyped: it returns the standard library's Element
    assert isinstance(root, Element)
    return root


def attr(element: Element, name: str) -> str:
    """The attribute ``name`` of ``element``, which must have it."""
    value = element.get(name)
    assert value is not None, (element.tag, name)
    return value


def child(element: Element, tag: str) -> Element:
    """The first ``tag`` child of ``element``, which must have one."""
    found = element.find(tag)
    assert found is not None, (element.tag, tag)
    return found


def rect_of(element: Element) -> tuple[float, float, float, float]:
    rect = child(element, f"{SVG}rect")
    x, y, width, height = (float(attr(rect, k)) for k in ("x", "y", "width", "height"))
    return x, y, width, height


def lines_of(text: Element, default_size: float) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of every tspan of a <text>."""
    size = float(text.get("font-size", default_size))
    return [
        (
            span.text or "",
            float(attr(span, "x")),
            float(attr(span, "y")),
            float(span.get("font-size", size)),
        )
        for span in text.iter(f"{SVG}tspan")
    ]


def boxes(root: Element) -> list[dict[str, Any]]:
    result = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "box":
            lines = lines_of(child(g, f"{SVG}text"), float(attr(root, "font-size")))
            result.append(
                {
                    "slot": g.get("data-slot"),
                    "mechanism": g.get("data-mechanism"),
                    "state": g.get("data-state"),
                    "rect": rect_of(g),
                    "lines": lines,
                    "element": g,
                    "label": " ".join(line for line, _, _, size in lines if size >= 15),
                    "text": " ".join(line for line, *_ in lines),
                }
            )
    return result


def box(root: Element, slot: str) -> dict[str, Any]:
    found = [b for b in boxes(root) if b["slot"] == slot]
    assert len(found) == 1, slot
    return found[0]


def group(root: Element) -> Element:
    found = [g for g in root.iter(f"{SVG}g") if g.get("class") == "group"]
    assert len(found) == 1
    return found[0]


def arrows(root: Element) -> list[dict[str, Any]]:
    result = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "arrow":
            path, head = child(g, f"{SVG}path"), child(g, f"{SVG}polygon")
            points = [
                tuple(map(float, p.split(",")))
                for p in re.findall(r"-?[\d.]+,-?[\d.]+", attr(path, "d"))
            ]
            tip = tuple(map(float, attr(head, "points").split()[0].split(",")))
            result.append(
                {
                    "from": g.get("data-from"),
                    "to": g.get("data-to"),
                    "style": g.get("data-style"),
                    "dashed": path.get("stroke-dasharray") is not None,
                    "colour": path.get("stroke"),
                    "points": points,
                    "tip": tip,
                }
            )
    return result


def texts(root: Element, cls: str) -> str:
    return " ".join(
        " ".join(line for line, *_ in lines_of(t, 14))
        for t in root.iter(f"{SVG}text")
        if t.get("class") == cls
    )


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def on_border(point: tuple[float, float], rect: tuple[float, ...]) -> bool:
    x, y = point
    rx, ry, w, h = rect
    within = rx - 0.6 <= x <= rx + w + 0.6 and ry - 0.6 <= y <= ry + h + 0.6
    near = min(abs(x - rx), abs(x - rx - w), abs(y - ry), abs(y - ry - h)) <= 0.6
    return within and near


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# The figure ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_box_of_the_prototype_figure_is_drawn_with_its_label(
    prototype: ContentTree, layout: Layout
) -> None:
    root = parse(mechanism_diagram(prototype.toolkit, prototype.toolkit, {}, layout=layout))
    labels = sorted(b["label"] for b in boxes(root))
    assert labels == sorted(FIGURE_LABELS)
    assert all(b["state"] == "present" for b in boxes(root))
    assert texts(group(root), "group-label") == "Operational infrastructure"
    assert "External Change Agents" not in [b["label"] for b in boxes(root)]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_work_groups_sit_inside_the_operational_infrastructure(
    prototype: ContentTree, layout: Layout
) -> None:
    root = parse(mechanism_diagram(prototype.toolkit, prototype.toolkit, {}, layout=layout))
    area = rect_of(group(root))
    contained = {b["slot"] for b in boxes(root) if inside(b["rect"], area)}
    assert contained == {"administrative-lead", "leadership-team", "work-groups-infrastructure"}
    work_groups = [b for b in boxes(root) if b["mechanism"] == "work-groups"]
    assert len(work_groups) == 2  # one inside, one beside the planning team, as in the figure
    assert sum(inside(b["rect"], area) for b in work_groups) == 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_arrows_join_the_boxes_the_sources_relate(prototype: ContentTree, layout: Layout) -> None:
    root = parse(mechanism_diagram(prototype.toolkit, prototype.toolkit, {}, layout=layout))
    rects = {b["slot"]: b["rect"] for b in boxes(root)}
    rects["operational-infrastructure"] = rect_of(group(root))
    found = {(a["from"], a["to"]): a for a in arrows(root)}
    assert set(found) == {
        ("steering-body", "planning-team"),
        ("planning-team", "work-groups-planning"),
        ("planning-team", "implementation-team"),
        ("implementation-team", "operational-infrastructure"),
        ("external-collaborators", "steering-body"),
        ("external-collaborators", "planning-team"),
        ("external-collaborators", "implementation-team"),
        ("change-agents", "steering-body"),
        ("change-agents", "planning-team"),
        ("change-agents", "implementation-team"),
        ("change-agents", "operational-infrastructure"),
    }
    for (source, target), arrow in found.items():
        assert on_border(arrow["points"][0], rects[source]), (source, target)
        assert on_border(arrow["tip"], rects[target]), (source, target)
        outside_line = source in ("external-collaborators", "change-agents")
        assert arrow["dashed"] == outside_line == (arrow["style"] == "dashed"), (source, target)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_change_agents_arrows_reach_the_implementation_team(
    district: Adapted, layout: Layout
) -> None:
    root = parse(district_svg(district, layout))
    team = box(root, "implementation-team")["rect"]
    agents = box(root, "change-agents")["rect"]
    reaching = [
        a for a in arrows(root) if a["from"] == "change-agents" and on_border(a["tip"], team)
    ]
    assert len(reaching) == 1 and reaching[0]["to"] == "implementation-team"
    assert reaching[0]["dashed"] and on_border(reaching[0]["points"][0], agents)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_arrow_runs_through_a_box(district: Adapted, layout: Layout) -> None:
    root = parse(district_svg(district, layout))
    all_boxes = boxes(root)
    for arrow in arrows(root):
        points = [*arrow["points"], arrow["tip"]]
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            for b in all_boxes:
                x, y, w, h = b["rect"]
                crosses = (
                    min(x1, x2) < x + w - 1
                    and max(x1, x2) > x + 1
                    and min(y1, y2) < y + h - 1
                    and max(y1, y2) > y + 1
                )
                assert not crosses, (arrow["from"], arrow["to"], b["slot"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_legend_explains_solid_and_dashed_arrows_and_grey_boxes(
    prototype: ContentTree, district: Adapted, layout: Layout
) -> None:
    root = parse(district_svg(district, layout))
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    samples = [p.get("stroke-dasharray") for p in legend.iter(f"{SVG}path")]
    assert len(samples) == 2 and samples.count(None) == 1  # a solid and a dashed sample
    assert texts(legend, "legend-solid").startswith("Solid arrow:")
    assert texts(legend, "legend-dashed").startswith("Dashed arrow:")
    assert texts(legend, "legend-grey").startswith("Grey box:")
    assert legend.find(f"{SVG}rect") is not None
    untouched = parse(mechanism_diagram(prototype.toolkit, prototype.toolkit, {}, layout=layout))
    assert texts(untouched, "legend-grey") == ""  # nothing is greyed, nothing to explain


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_removed_mechanism_is_greyed_with_who_removed_it(
    district: Adapted, layout: Layout
) -> None:
    root = parse(district_svg(district, layout))
    collaborators = box(root, "external-collaborators")
    assert collaborators["state"] == "removed"
    assert collaborators["label"] == "External Collaborators"
    assert f"removed by {AGENCY}" in collaborators["text"]
    fill = attr(child(collaborators["element"], f"{SVG}rect"), "fill")
    ink = attr(child(collaborators["element"], f"{SVG}text"), "fill")
    assert fill != "#ffffff" and contrast(ink, fill) >= 4.5
    present = box(root, "steering-body")["element"]
    assert child(present, f"{SVG}rect").get("fill") == "#ffffff"
    grey = {a["colour"] for a in arrows(root) if a["from"] == "external-collaborators"}
    black = {a["colour"] for a in arrows(root) if a["from"] == "change-agents"}
    assert len(grey) == 1 and grey != black
    assert [b["slot"] for b in boxes(root) if b["state"] == "removed"] == ["external-collaborators"]
    description = diagram_description(
        district.toolkit, district.prototype.toolkit, removed_mechanisms(district)
    )
    assert (
        f"External Collaborators is drawn greyed, with grey arrows: the prototype has it, and it was removed by {AGENCY}."
        in description
    )


def test_removed_mechanisms_reads_who_removed_them_from_the_chain(district: Adapted) -> None:
    assert removed_mechanisms(district) == {
        "external-collaborators": AGENCY,
        "leadership-council": AGENCY,
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_renamed_mechanisms_show_their_adapted_titles(district: Adapted, layout: Layout) -> None:
    root = parse(district_svg(district, layout))
    assert box(root, "steering-body")["label"] == "Learning Supports Steering Committee"
    renamed = retitled(district.toolkit, "external-change-agents", "Regional Coaches & Mentors")
    root = parse(
        mechanism_diagram(
            renamed, district.prototype.toolkit, removed_mechanisms(district), layout=layout
        )
    )
    assert box(root, "change-agents")["label"] == "Regional Coaches & Mentors"
    assert "Regional Coaches & Mentors" in diagram_description(renamed, district.prototype.toolkit)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_mechanism_of_the_toolkit_is_drawn_or_named_in_the_note(
    district: Adapted, layout: Layout
) -> None:
    added = next(m for m in district.toolkit.items("mechanisms") if m.id == "transformation-leader")
    toolkit = with_mechanisms(
        district.toolkit,
        lambda items: [
            *items,
            dataclasses.replace(added, id="family-council", title="Family Council"),
        ],
    )
    removed = removed_mechanisms(district)
    root = parse(mechanism_diagram(toolkit, district.prototype.toolkit, removed, layout=layout))
    description = diagram_description(toolkit, district.prototype.toolkit, removed)
    drawn = {b["mechanism"] for b in boxes(root) if b["state"] == "present"}
    note = " ".join(texts(root, "note").split())
    for mechanism in toolkit.items("mechanisms"):
        if mechanism.id not in drawn:
            assert mechanism.title in note, mechanism.id
            assert mechanism.title in description, mechanism.id
    assert note.startswith(
        "Not drawn: Superintendent and Governing Body; Transformation Leader; Family Council."
    )
    assert (
        f"Learning Supports Leadership Council (removed by {AGENCY})" in note
    )  # removed, not in the figure
    assert {
        "superintendent-and-governing-body",
        "transformation-leader",
        "family-council",
    }.isdisjoint(drawn)


# Layouts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_labels_wrap_inside_their_boxes(district: Adapted, layout: Layout) -> None:
    long = retitled(
        district.toolkit,
        "planning-team",
        "District Planning Team for Transformative Systemic Changes in Student and Learning Supports, Year One",
    )
    long = retitled(
        long, "leadership-team", "Supercalifragilisticexpialidociouslearningsupportsleadershipteam"
    )
    root = parse(
        mechanism_diagram(
            long, district.prototype.toolkit, removed_mechanisms(district), layout=layout
        )
    )
    for b in boxes(root):
        x, y, w, h = b["rect"]
        assert len(b["lines"]) >= 1
        for text, tx, ty, size in b["lines"]:
            half = len(text) * 0.6 * size / 2  # the text is centred on tx
            assert x + 4 <= tx - half and tx + half <= x + w - 4, (b["slot"], text)
            assert y + 2 <= ty - size * 0.8 and ty + size * 0.25 <= y + h - 2, (b["slot"], text)
    assert len(box(root, "planning-team")["lines"]) >= 4
    width = float(attr(root, "width"))
    for cls in ("legend-solid", "legend-dashed", "legend-grey", "note"):
        for t in (t for t in root.iter(f"{SVG}text") if t.get("class") == cls):
            for text, tx, _, size in lines_of(t, 14):
                assert tx + len(text) * 0.6 * size <= width, text


def test_the_narrow_layout_is_a_stack_for_a_phone(district: Adapted) -> None:
    root = parse(district_svg(district, "narrow"))
    width = float(attr(root, "width"))
    assert width <= 360 and attr(root, "viewBox").split()[2] == root.get("width")
    rects = {b["slot"]: b["rect"] for b in boxes(root)}
    order = [
        "external-collaborators",
        "steering-body",
        "planning-team",
        "work-groups-planning",
        "implementation-team",
        "change-agents",
        "administrative-lead",
        "leadership-team",
        "work-groups-infrastructure",
    ]
    tops = [rects[slot][1] for slot in order]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one box a row
    for slot in order:
        x, _, w, _ = rects[slot]
        assert 0 <= x and x + w <= width


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_is_large_enough_at_the_width_it_is_shown(district: Adapted, layout: Layout) -> None:
    root = parse(district_svg(district, layout))
    width = float(attr(root, "width"))
    shown_at = {"wide": 760, "narrow": 320}[layout]  # the narrowest width each is shown at
    for b in boxes(root):
        for _, _, _, size in b["lines"]:
            assert size >= 14 and size * shown_at / width >= 12
    for t in root.iter(f"{SVG}text"):
        assert float(t.get("font-size", attr(root, "font-size"))) >= 14
    assert (layout == "wide") == (740 <= width <= 780)


# Plain, safe, deterministic ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_svg_is_plain(district: Adapted, layout: Layout) -> None:
    svg = district_svg(district, layout)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "rect", "g", "path", "polygon", "text", "tspan"}
    assert "href" not in svg and "url(" not in svg and "@import" not in svg and "<script" not in svg
    # the handouts' face, then the face whose widths the wrap estimates, then a generic family
    assert root.get("font-family", "").split(", ") == [
        "Noto Sans",
        "DejaVu Sans",
        "Arial",
        "Helvetica",
        "sans-serif",
    ]
    assert all(not k.startswith("on") for element in root.iter() for k in element.attrib)
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text is not None and len(title.text) <= 40
    assert desc is not None and desc.text == diagram_description(
        district.toolkit, district.prototype.toolkit, removed_mechanisms(district)
    )
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_hostile_titles_and_names_are_escaped(district: Adapted, layout: Layout) -> None:
    hostile = "Board & \"Friends\" <script>alert(1)</script> 'x' ]]>"
    toolkit = retitled(district.toolkit, "steering-body", hostile)
    toolkit = retitled(toolkit, "transformation-leader", "<b>Leader</b> & co")
    removed = {"external-collaborators": 'Springfield <img src=x onerror="alert(1)"> & Co'}
    svg = mechanism_diagram(toolkit, district.prototype.toolkit, removed, layout=layout)
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) in ("script", "b", "img")]
    assert box(root, "steering-body")["label"].replace(" ", "") == hostile.replace(
        " ", ""
    )  # long words break
    assert removed["external-collaborators"].replace(" ", "") in box(
        root, "external-collaborators"
    )["text"].replace(" ", "")
    assert "<b>Leader</b> & co" in texts(root, "note")
    description = child(root, f"{SVG}desc").text
    assert (
        description is not None and hostile in description and "<b>Leader</b> & co" in description
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_output_is_deterministic(prototype: ContentTree, district: Adapted) -> None:
    again = adapt(load_content(), read_chain(ROOT / "examples" / "district" / "agency.yml"))
    for layout in LAYOUTS:
        first = district_svg(district, layout)
        assert first == district_svg(district, layout) == district_svg(again, layout)
        assert first.encode("utf-8") == district_svg(again, layout).encode("utf-8")
    assert district_svg(district, "wide") != district_svg(district, "narrow")


def test_the_one_argument_calls_still_work(prototype: ContentTree, district: Adapted) -> None:
    root = parse(mechanism_diagram(district.toolkit))
    # without the prototype nothing counts as removed: a missing mechanism is left out, with its arrows
    assert all(b["state"] == "present" for b in boxes(root))
    assert "external-collaborators" not in {b["slot"] for b in boxes(root)}
    assert not [a for a in arrows(root) if a["from"] == "external-collaborators"]
    assert len(arrows(root)) == 8 and root.get("data-layout") == "wide"
    description = diagram_description(district.toolkit)
    assert "External Collaborators" not in description and "greyed" not in description
    assert "Dashed arrows go from External Collaborators" not in description
    full = parse(mechanism_diagram(prototype.toolkit))
    assert all(b["state"] == "present" for b in boxes(full)) and len(boxes(full)) == 9
    assert diagram_description(prototype.toolkit).startswith("The diagram shows")
    narrow = parse(mechanism_diagram(district.toolkit, layout="narrow"))
    assert len(boxes(narrow)) == 8
    with pytest.raises(ValueError):
        mechanism_diagram(prototype.toolkit, layout="square")  # type: ignore[arg-type]


def test_a_removal_without_a_name_is_still_greyed(district: Adapted) -> None:
    root = parse(mechanism_diagram(district.toolkit, district.prototype.toolkit))
    assert "removed by the agency" in box(root, "external-collaborators")["text"]
    assert "Learning Supports Leadership Council (removed by the agency)" in " ".join(
        texts(root, "note").split()
    )
    named = parse(mechanism_diagram(district.toolkit, removed={"external-collaborators": AGENCY}))
    assert f"removed by {AGENCY}" in box(named, "external-collaborators")["text"]


def test_the_description_is_complete_and_reads_as_sentences(district: Adapted) -> None:
    description = diagram_description(
        district.toolkit, district.prototype.toolkit, removed_mechanisms(district)
    )
    sentences = re.split(r"(?<=\.) (?=[A-Z])", description)
    assert len(sentences) >= 10
    assert all(s[0].isupper() and s.endswith(".") for s in sentences)
    for label in (
        "Learning Supports Steering Committee",
        "Planning Team for Transformative Systemic Changes",
        "Implementation Team",
        "External & Internal Change Agents (including mentors, coaches)",
        "Administrative Lead",
        "Learning Supports Leadership Team",
        "Work Groups",
        "External Collaborators",
        "Operational infrastructure",
    ):
        assert label in description, label
    assert "Solid arrows" in description and "Dashed arrows" in description
    assert description.count("One goes from") == 4  # the four solid arrows
    assert (
        "Dashed arrows go from External & Internal Change Agents (including mentors, coaches) to "
        "Learning Supports Steering Committee, Planning Team for Transformative Systemic Changes, "
        "Implementation Team, and the operational infrastructure group"
    ) in description
    assert (
        "Not drawn in the figure, but among this toolkit's mechanisms: Superintendent and Governing Body; Transformation Leader."
        in description
    )
    assert f"Learning Supports Leadership Council (removed by {AGENCY})" in description
