"""The structure tree (tags) of every handout of the example district, against its HTML.

WeasyPrint tags page by page; lstoolkit.pdftags repairs the tree. Each logical table, row and
list is one structure element however many pages it crosses, headings are H1-H6, no list item
is empty, cells' /Headers resolve through the /IDTree, captions sit in their figure or table,
and the tree stays consistent with the content it marks (parent tree, /P, marked content).
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from helpers_pdf import to_unicode
from pypdf import PdfReader

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.forms import plan_sections
from lstoolkit.handouts import (
    HandoutRenderer,
    handout_environment,
    plan_handouts,
    render_handouts,
    render_pdf,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.models import Template

EXAMPLES = Path(__file__).parent.parent / "examples"
HANDOUTS = [
    "introductory-session-district-kickoff",
    "introductory-session-washington-elementary",
    "facilitator-briefing",
    "job-learning-supports-facilitator",
    "job-learning-supports-facilitator-supervising",
    "job-administrative-leader",
    "job-administrative-leader-supervising",
    "job-district-partnership-facilitator",
    "job-district-partnership-facilitator-supervising",
    "mechanism-sheets",
    "action-plan-worksheet",
    "action-plan",
    "design-document",
    "at-a-glance",
    "fidelity-report",
]
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(scope="module")
def district() -> Adapted:
    return adapt(load_content(), read_chain(EXAMPLES / "district" / "agency.yml"))


@pytest.fixture(scope="module")
def renderer(district: Adapted) -> HandoutRenderer:
    return HandoutRenderer(district, check_adapted(district), handout_environment())


@pytest.fixture(scope="module")
def handouts(
    renderer: HandoutRenderer, district: Adapted, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[str, Path]]:
    """Each handout's HTML and PDF, rendered once for the module."""
    out = tmp_path_factory.mktemp("structure")
    planned = plan_handouts(district)
    done = render_handouts(renderer, planned, out / "pdf", cache_dir=out / "cache")
    html = {h.name: renderer.html(h) for h in planned}
    assert all(r.path is not None for r in done)
    return {r.handout.name: (html[r.handout.name], r.path) for r in done if r.path is not None}


# -- the HTML --------------------------------------------------------------------------------


class _Html(HTMLParser):
    """Counts elements, collects headings' texts and paragraphs that are only bold text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.headings: list[str] = []
        self.bold_paragraphs: list[str] = []
        self._heading: list[str] | None = None
        self._paragraph: list[tuple[bool, str]] | None = None
        self._strong = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag in HEADINGS:
            self._heading = []
        elif tag == "p":
            self._paragraph = []
        elif tag in ("strong", "b"):
            self._strong += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        elif tag == "p" and self._paragraph is not None:
            bold = "".join(text for strong, text in self._paragraph if strong)
            plain = "".join(text for strong, text in self._paragraph if not strong)
            if bold.strip() and not re.sub(r"[\s.:;,]", "", plain):
                self.bold_paragraphs.append(bold)
            self._paragraph = None
        elif tag in ("strong", "b"):
            self._strong -= 1

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self._paragraph is not None:
            self._paragraph.append((self._strong > 0, data))


def read_html(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    return parser


# -- the PDF ---------------------------------------------------------------------------------


@dataclass
class Node:
    """A structure element with what it marks: (page number, MCID) pairs and annotations."""

    obj: pikepdf.Dictionary
    tag: str
    parent: Node | None
    page: int | None
    kids: list[Node] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)
    annotations: int = 0

    def walk(self) -> list[Node]:
        found = [self]
        for kid in self.kids:
            found += kid.walk()
        return found

    def marks(self, skip: str = "") -> list[tuple[int, int]]:
        own = list(self.content)
        for kid in self.kids:
            if kid.tag != skip:
                own += kid.marks()
        return own

    def has_content(self, skip: str = "") -> bool:
        return bool(self.annotations or self.content) or any(
            k.has_content() for k in self.kids if k.tag != skip
        )


@dataclass
class Tagged:
    pdf: pikepdf.Pdf
    document: Node
    texts: dict[tuple[int, int], str]  # (page, MCID) -> text
    marked: set[tuple[int, int]]  # every tagged (page, MCID) of the content streams

    def elements(self, *tags: str) -> list[Node]:
        return [n for n in self.document.walk() if not tags or n.tag in tags]

    def text(self, node: Node, skip: str = "") -> str:
        return "".join(self.texts.get(mark, "") for mark in node.marks(skip))


def _content(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
    """The text of each marked-content sequence with an MCID (WeasyPrint's fonts: two-byte
    codes with a /ToUnicode map), and every such sequence."""
    texts: dict[tuple[int, int], str] = {}
    marked: set[tuple[int, int]] = set()
    maps: dict[tuple[int, int], dict[int, str]] = {}
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.obj.Resources.get("/Font", pikepdf.Dictionary())
        stack: list[int | None] = []
        font: dict[int, str] = {}
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "BDC":
                properties = operands[1]
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                stack.append(None if mcid is None else int(mcid))
                if mcid is not None:
                    assert (number, int(mcid)) not in marked, "an MCID is used twice on a page"
                    marked.add((number, int(mcid)))
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                selected = fonts.get(str(operands[0]))
                if selected is not None and selected.objgen not in maps:
                    maps[selected.objgen] = to_unicode(selected)
                font = maps[selected.objgen] if selected is not None else {}
            elif op in ("Tj", "TJ") and stack and stack[-1] is not None:
                shown = operands[-1]
                strings = (
                    [s for s in shown if isinstance(s, pikepdf.String)]
                    if isinstance(shown, pikepdf.Array)
                    else [shown]
                )
                key = (number, stack[-1])
                for string in strings:
                    raw = bytes(string)
                    texts[key] = texts.get(key, "") + "".join(
                        font.get(int.from_bytes(raw[i : i + 2], "big"), "")
                        for i in range(0, len(raw) - 1, 2)
                    )
    return texts, marked


def read_tags(path: Path) -> Tagged:
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    seen: set[tuple[int, int]] = set()

    def build(obj: pikepdf.Dictionary, parent: Node | None) -> Node:
        assert obj.objgen not in seen, "a structure element is in the tree twice"
        seen.add(obj.objgen)
        page = pages.get(obj.Pg.objgen) if "/Pg" in obj else None
        node = Node(obj, str(obj.get("/S", "")), parent, page)
        kids = obj.get("/K")
        for kid in (
            list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        ):
            if isinstance(kid, int):
                assert page is not None, f"{node.tag} marks content but has no /Pg"
                node.content.append((page, kid))
            elif kid.get("/Type") == "/MCR":
                node.content.append((pages[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))  # type: ignore[arg-type]
            elif kid.get("/Type") == "/OBJR":
                node.annotations += 1
            else:
                assert isinstance(kid, pikepdf.Dictionary), (
                    f"{node.tag} has a kid that is not an element"
                )
                node.kids.append(build(kid, node))
        return node

    root = pdf.Root.StructTreeRoot
    [document] = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    assert isinstance(document, pikepdf.Dictionary), "the structure tree has no document element"
    texts, marked = _content(pdf)
    return Tagged(pdf, build(document, None), texts, marked)


@pytest.fixture(scope="module")
def tagged(handouts: dict[str, tuple[str, Path]]) -> dict[str, Tagged]:
    return {name: read_tags(path) for name, (_, path) in handouts.items()}


def _plain(text: str) -> str:
    """A text compared without spaces (a line break in a PDF drops one) and ligatures."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# -- the tests -------------------------------------------------------------------------------


def test_every_handout_is_checked(handouts: dict[str, tuple[str, Path]]) -> None:
    assert sorted(handouts) == sorted(HANDOUTS)


@pytest.mark.parametrize("name", HANDOUTS)
def test_each_table_row_and_list_is_one_element(
    handouts: dict[str, tuple[str, Path]], tagged: dict[str, Tagged], name: str
) -> None:
    html = read_html(handouts[name][0])
    found = Counter(n.tag for n in tagged[name].elements())
    assert found["/Table"] == html.tags["table"], "a table is split at a page break"
    assert found["/TR"] == html.tags["tr"], (
        "a row is split at a page break, or a header row repeated"
    )
    assert found["/L"] == html.tags["ul"] + html.tags["ol"], "a list is split at a page break"
    assert found["/LI"] == html.tags["li"], "a list item is split at a page break"
    for table in tagged[name].elements("/Table"):
        groups = [k.tag for k in table.kids if k.tag in ("/THead", "/TBody", "/TFoot")]
        assert groups.count("/THead") <= 1 and groups.count("/TBody") <= 1, groups


def test_the_worksheet_has_one_table_per_section_and_one_row_per_task(
    tagged: dict[str, Tagged], district: Adapted
) -> None:
    plan = district.toolkit["templates"].get("action-plan")
    assert isinstance(plan, Template)
    tables = tagged["action-plan-worksheet"].elements("/Table")
    sections = plan_sections(district.toolkit, "district")  # a district's: no state department's
    assert len(tables) == len(sections)
    for table, section in zip(tables, sections, strict=True):
        [body] = [k for k in table.kids if k.tag == "/TBody"]
        assert len(body.kids) == len(section.children)
        # each task's row holds its WHO, HOW and WHEN fields, even when it crosses a page
        assert all(
            sum(cell.has_content() for cell in row.kids) == 1 + len(plan.fields)
            for row in body.kids
        )


@pytest.mark.parametrize("name", HANDOUTS)
def test_headings_are_headings(
    handouts: dict[str, tuple[str, Path]], tagged: dict[str, Tagged], name: str
) -> None:
    html = read_html(handouts[name][0])
    assert html.bold_paragraphs == [], "a heading written as a bold paragraph is tagged P"
    headings = tagged[name].elements("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
    assert len(headings) >= sum(html.tags[h] for h in HEADINGS)
    assert [_plain(tagged[name].text(h)) for h in headings] == [_plain(h) for h in html.headings]


def test_the_design_documents_section_titles_are_headings(
    tagged: dict[str, Tagged], district: Adapted
) -> None:
    toolkit = district.toolkit
    titles = {"Composition", "Process", "Functions"}
    titles |= {part.title or part.text for step in toolkit.items("steps") for part in step.parts}
    titles |= {
        s.title or s.text for template in toolkit.items("templates") for s in template.sections
    }
    document = tagged["design-document"]
    headings = {_plain(document.text(h)) for h in document.elements("/H3", "/H4", "/H5")}
    paragraphs = {_plain(document.text(p)).rstrip(".") for p in document.elements("/P")}
    missing = sorted(t for t in titles if _plain(t) not in headings)
    assert missing == []
    assert not {_plain(t) for t in titles} & paragraphs


@pytest.mark.parametrize("name", HANDOUTS)
def test_no_list_item_is_empty(tagged: dict[str, Tagged], name: str) -> None:
    empty = [
        n
        for n in tagged[name].elements("/LI")
        if not n.kids
        or not n.has_content(skip="/Lbl")
        or not _plain(tagged[name].text(n, skip="/Lbl"))
    ]
    assert empty == [], f"{len(empty)} empty list items"
    assert all(n.kids for n in tagged[name].elements("/L"))


@pytest.mark.parametrize("name", HANDOUTS)
def test_headers_resolve_through_the_id_tree(tagged: dict[str, Tagged], name: str) -> None:
    document = tagged[name]
    with_id = {bytes(n.obj.ID): n for n in document.elements() if "/ID" in n.obj}
    tree = document.pdf.Root.StructTreeRoot.get("/IDTree")
    if not with_id:
        assert tree is None
        return
    assert tree is not None, "elements have an /ID but the StructTreeRoot has no /IDTree"
    names = dict(pikepdf.NameTree(tree).items())
    assert {key.encode("latin-1") for key in names} == set(with_id)
    assert all(
        names[key.decode("latin-1")].objgen == node.obj.objgen for key, node in with_id.items()
    )
    cells = [n for n in document.elements("/TD", "/TH") if "/Headers" in n.obj.get("/A", {})]
    assert cells or name not in ("action-plan-worksheet", "action-plan", "fidelity-report")
    for cell in cells:
        headers = [bytes(h) for h in cell.obj.A.Headers]
        assert headers, "a cell without headers"
        assert all(h in with_id and with_id[h].tag == "/TH" for h in headers), headers
        table = cell
        while table.tag != "/Table" and table.parent is not None:
            table = table.parent
        assert all(_inside(with_id[h], table) for h in headers), "a header of another table"


def _inside(node: Node, ancestor: Node) -> bool:
    while node.parent is not None:
        node = node.parent
        if node is ancestor:
            return True
    return False


@pytest.mark.parametrize("name", HANDOUTS)
def test_captions_are_in_their_figure_or_table(tagged: dict[str, Tagged], name: str) -> None:
    captions = tagged[name].elements("/Caption")
    assert all(c.parent is not None and c.parent.tag in ("/Figure", "/Table") for c in captions)
    if name == "design-document":
        [figure] = [
            c.parent for c in captions if c.parent is not None and c.parent.tag == "/Figure"
        ]
        assert str(figure.obj.Alt).startswith("The system change mechanisms")
        assert _plain(tagged[name].text(figure.kids[-1])).startswith(_plain("Figure 1. The system"))


@pytest.mark.parametrize("name", HANDOUTS)
def test_the_tree_matches_the_content(
    handouts: dict[str, tuple[str, Path]], tagged: dict[str, Tagged], name: str
) -> None:
    assert_consistent(tagged[name])
    # Reading the PDF as a whole still works, and its text is all there.
    reader = PdfReader(io.BytesIO(handouts[name][1].read_bytes()))
    text = _plain(" ".join(page.extract_text() or "" for page in reader.pages))
    assert all(_plain(h) in text for h in read_html(handouts[name][0]).headings)


def assert_consistent(document: Tagged) -> None:
    """Every tagged content sequence belongs to exactly one element of the tree, and the parent
    tree and each element's /P agree with the tree; the rest is marked as artifact."""
    owners: dict[tuple[int, int], Node] = {}
    for node in document.elements():
        assert node.parent is None or node.obj.P.objgen == node.parent.obj.objgen, node.tag
        for mark in node.content:
            assert mark not in owners, f"{mark} is marked twice"
            owners[mark] = node
    assert set(owners) == document.marked
    nums = document.pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(document.pdf.pages, start=1):
        entries = parents[int(page.obj.StructParents)]
        for mcid, owner in enumerate(entries):
            if (number, mcid) in owners:
                assert owner.objgen == owners[number, mcid].obj.objgen
            else:
                assert owner is None, f"page {number}, MCID {mcid}: content outside the tree"


SQUARE = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>'
).decode("ascii")
EDGE_CASES = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Edge cases</title>
<style>@page {{ size: A6; margin: 10mm; @bottom-right {{ content: counter(page) }} }}
html {{ font: 9pt "DejaVu Sans" }}</style></head>
<body><main><h1>Edge cases</h1>
<ul><li></li><li>The only item</li></ul>
<table><caption>Forty rows</caption>
<thead><tr><th scope="col">Row</th><th scope="col">Value</th></tr></thead>
<tbody>{"".join(f"<tr><th scope='row'>{i}</th><td>value {i}</td></tr>" for i in range(40))}</tbody>
<tfoot><tr><td>Total</td><td>40</td></tr></tfoot></table>
<figure><figcaption>The caption comes first.</figcaption><img src="{SQUARE}" alt="A black square"></figure>
</main></body></html>"""


def test_edge_cases_of_the_repairs(tmp_path: Path) -> None:
    """An empty list item, a table over several pages with a caption, row headers and a
    repeated footer, a caption before its image."""
    _, pdf, refused = render_pdf(EDGE_CASES, "edge-cases")
    assert not refused
    (tmp_path / "edge.pdf").write_bytes(pdf)
    document = read_tags(tmp_path / "edge.pdf")
    assert len(document.pdf.pages) >= 3
    assert_consistent(document)
    [table] = document.elements("/Table")
    assert [k.tag for k in table.kids] == ["/Caption", "/THead", "/TBody", "/TFoot"]
    assert len(document.elements("/TR")) == 42
    ids = {bytes(n.obj.ID): n for n in document.elements("/TH")}
    for cell in document.elements("/TD"):
        assert all(bytes(h) in ids for h in cell.obj.A.Headers)
    body = next(k for k in table.kids if k.tag == "/TBody")
    assert all(len(row.obj.A.Headers if "/A" in row.obj else []) == 0 for row in body.kids)
    assert [
        len(cell.obj.A.Headers) for row in body.kids for cell in row.kids if cell.tag == "/TD"
    ] == [2] * 40
    [item] = document.elements("/LI")
    assert _plain(document.text(item)).endswith("Theonlyitem")
    [figure] = document.elements("/Figure")
    assert figure.kids[0].tag == "/Caption" and figure.parent is not None


def test_repairs_are_deterministic(
    renderer: HandoutRenderer, district: Adapted, handouts: dict[str, tuple[str, Path]]
) -> None:
    [worksheet] = [h for h in plan_handouts(district) if h.name == "action-plan-worksheet"]
    _, again, refused = render_pdf(renderer.html(worksheet), worksheet.name)
    assert not refused
    assert again == handouts["action-plan-worksheet"][1].read_bytes()
