"""The structure tree (tags) of every handout of the example district, against its HTML.

WeasyPrint tags page by page; lstoolkit.pdftags repairs the tree. Each logical table, row and
list is one structure element however many pages it crosses, headings are H1-H6, no list item
is empty, cells' /Headers resolve through the /IDTree, captions sit in their figure or table,
and the tree stays consistent with the content it marks (parent tree, /P, marked content).
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from helpers_handouts import HEADINGS, Printed, district_handout_names, read_html
from helpers_pdf import Node, Tagged, assert_consistent, plain, read_tags
from pypdf import PdfReader

from lstoolkit.adapt import Adapted
from lstoolkit.check import check_adapted
from lstoolkit.forms import plan_sections
from lstoolkit.handouts import HandoutRenderer, handout_environment, plan_handouts, render_pdf
from lstoolkit.models import Template

#: Every handout of the example district, as plan_handouts plans them.
HANDOUTS = district_handout_names()


@pytest.fixture(scope="module")
def tagged(district_handouts: dict[str, Printed]) -> dict[str, Tagged]:
    return {name: read_tags(printed.pdf) for name, printed in district_handouts.items()}


# -- the tests -------------------------------------------------------------------------------


def test_every_handout_is_checked(district_handouts: dict[str, Printed]) -> None:
    assert sorted(district_handouts) == sorted(HANDOUTS)


@pytest.mark.parametrize("name", HANDOUTS)
def test_each_table_row_and_list_is_one_element(
    district_handouts: dict[str, Printed], tagged: dict[str, Tagged], name: str
) -> None:
    html = read_html(district_handouts[name].html)
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
    district_handouts: dict[str, Printed], tagged: dict[str, Tagged], name: str
) -> None:
    html = read_html(district_handouts[name].html)
    assert html.bold_paragraphs == [], "a heading written as a bold paragraph is tagged P"
    headings = tagged[name].elements("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
    assert len(headings) >= sum(html.tags[h] for h in HEADINGS)
    assert [plain(tagged[name].text(h)) for h in headings] == [plain(h) for h in html.headings]


def test_the_design_documents_section_titles_are_headings(
    tagged: dict[str, Tagged], district: Adapted
) -> None:
    toolkit = district.toolkit
    titles = {"Composition", "Process", "Functions"}
    titles |= {part.title or part.text for step in toolkit.items("steps") for part in step.parts}
    # A template whose sections are each one step with its text (the MOU's next steps) is one
    # table, a row per section (test_handouts.py); the others' sections are headings.
    titles |= {
        s.title or s.text
        for template in toolkit.items("templates")
        if not (template.fields and all(s.text for s in template.sections))
        for s in template.sections
    }
    document = tagged["design-document"]
    headings = {plain(document.text(h)) for h in document.elements("/H3", "/H4", "/H5")}
    paragraphs = {plain(document.text(p)).rstrip(".") for p in document.elements("/P")}
    missing = sorted(t for t in titles if plain(t) not in headings)
    assert missing == []
    assert not {plain(t) for t in titles} & paragraphs


@pytest.mark.parametrize("name", HANDOUTS)
def test_no_list_item_is_empty(tagged: dict[str, Tagged], name: str) -> None:
    empty = [
        n
        for n in tagged[name].elements("/LI")
        if not n.kids
        or not n.has_content(skip="/Lbl")
        or not plain(tagged[name].text(n, skip="/Lbl"))
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
        assert plain(tagged[name].text(figure.kids[-1])).startswith(plain("Figure 1. The system"))


@pytest.mark.parametrize("name", HANDOUTS)
def test_the_tree_matches_the_content(
    district_handouts: dict[str, Printed], tagged: dict[str, Tagged], name: str
) -> None:
    assert_consistent(tagged[name])
    # Reading the PDF as a whole still works, and its text is all there.
    reader = PdfReader(io.BytesIO(district_handouts[name].pdf.read_bytes()))
    text = plain(" ".join(page.extract_text() or "" for page in reader.pages))
    assert all(plain(h) in text for h in read_html(district_handouts[name].html).headings)


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
    assert plain(document.text(item)).endswith("Theonlyitem")
    [figure] = document.elements("/Figure")
    assert figure.kids[0].tag == "/Caption" and figure.parent is not None


def test_repairs_are_deterministic(
    district: Adapted, district_handouts: dict[str, Printed]
) -> None:
    renderer = HandoutRenderer(district, check_adapted(district), handout_environment())
    [worksheet] = [h for h in plan_handouts(district) if h.name == "action-plan-worksheet"]
    _, again, refused = render_pdf(renderer.html(worksheet), worksheet.name)
    assert not refused
    assert again == district_handouts["action-plan-worksheet"].pdf.read_bytes()
