"""Page flow and typography of the example district's handouts, read from the PDFs as printed.

A mechanism sheet is one page (or says "continued" on its second), no handout ends on a
near-empty page, no page ends with a heading, each running header names the section the page
is in, and the body text is Noto Sans at 10.5-11 pt.

The pages are read from their content streams: every run of text with its position, font, size
and what it marks (a structure element of the tag tree, or a page-margin artifact).
"""

from __future__ import annotations

import math
import re
import shutil
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from helpers_handouts import EXAMPLES, Printed
from helpers_pdf import plain, shown_text, to_unicode

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.handouts import (
    HandoutRenderer,
    handout_environment,
    plan_handouts,
    render_handouts,
    render_pdf,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
#: A last page shorter than this share of a full page (by characters) is near-empty.
NEAR_EMPTY = 0.15
#: The body text's size, in points.
BODY_SIZE = (10.5, 11.0)


# -- reading the pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run of text as drawn: where (points, from the top left of the page), in what font and
    size, and what it marks: the structure element's tag path (outermost first), or None for an
    artifact (the running header, the footer, "DRAFT")."""

    text: str
    x: float
    y: float
    font: str
    size: float
    tags: tuple[str, ...] | None
    ids: tuple[tuple[int, int], ...] = ()

    @property
    def artifact(self) -> bool:
        return self.tags is None

    @property
    def heading(self) -> bool:
        return self.tags is not None and any(t in HEADINGS for t in self.tags)

    def element(self, *tags: str) -> tuple[int, int] | None:
        """The innermost element around this run with one of these tags (its object id)."""
        found = [i for t, i in zip(self.tags or (), self.ids, strict=True) if t in tags]
        return found[-1] if found else None


@dataclass
class Page:
    number: int
    height: float
    runs: list[Run]

    @property
    def body(self) -> list[Run]:
        return [r for r in self.runs if not r.artifact and r.text.strip()]

    @property
    def header(self) -> str:
        """The page's top margin (agency, "DRAFT", the running header) as one text; not the
        header row a table repeats at the top of the page (an artifact too, but lower)."""
        artifacts = [r for r in self.runs if r.artifact and r.text.strip()]
        if not artifacts:
            return ""
        top = min(r.y for r in artifacts)
        return " ".join(r.text for r in sorted(artifacts, key=lambda r: r.x) if r.y < top + 6)

    @property
    def footer(self) -> str:
        """The page's bottom margin (the version, "Page x of y") as one text."""
        artifacts = [r for r in self.runs if r.artifact and r.text.strip()]
        if not artifacts:
            return ""
        bottom = max(r.y for r in artifacts)
        return " ".join(r.text for r in sorted(artifacts, key=lambda r: r.x) if r.y > bottom - 6)

    def text(self) -> str:
        return "".join(r.text for r in self.body)


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f]: a, then b."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


Owner = tuple[tuple[str, ...], tuple[tuple[int, int], ...]] | None


def _owners(pdf: pikepdf.Pdf) -> dict[int, list[Owner]]:
    """For each page's /StructParents: the tags and object ids of the element that owns each
    MCID and of its ancestors, outermost first."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    owners: dict[int, list[Owner]] = {}
    for i in range(0, len(nums), 2):
        entries = nums[i + 1]
        if not isinstance(entries, pikepdf.Array):
            continue
        paths: list[Owner] = []
        for entry in entries:
            element: pikepdf.Object | None = entry
            path: list[tuple[str, tuple[int, int]]] = []
            while (
                isinstance(element, pikepdf.Dictionary)
                and element.get("/Type") != "/StructTreeRoot"
            ):
                path.append((str(element.get("/S", "")), element.objgen))
                element = element.get("/P")
            path.reverse()
            paths.append(
                (tuple(t for t, _ in path), tuple(ref for _, ref in path)) if path else None
            )
        owners[int(nums[i])] = paths
    return owners


def read_pages(path: Path) -> list[Page]:
    """Every page's runs of text, as drawn."""
    pdf = pikepdf.open(path)
    owners = _owners(pdf)
    maps: dict[tuple[int, int], dict[int, str]] = {}
    pages = []
    for number, page in enumerate(pdf.pages, start=1):
        height = float(page.mediabox[3])
        fonts = page.obj.Resources.get("/Font", pikepdf.Dictionary())
        mcids = owners.get(int(page.obj.get("/StructParents", -1)), [])
        ctm, saved = [1.0, 0, 0, 1, 0, 0], []
        tm = [1.0, 0, 0, 1, 0, 0]
        font, name, size = {}, "", 0.0
        marks: list[Owner] = []
        runs = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                saved.append(ctm)
            elif op == "Q":
                ctm = saved.pop()
            elif op == "cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == "BDC":
                properties = operands[1]
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                if str(operands[0]) == "/Artifact":
                    marks.append(None)
                elif mcid is not None and int(mcid) < len(mcids):
                    marks.append(mcids[int(mcid)])
                else:
                    marks.append(marks[-1] if marks else None)
            elif op == "BMC":
                marks.append(
                    None if str(operands[0]) == "/Artifact" else (marks[-1] if marks else None)
                )
            elif op == "EMC":
                marks.pop()
            elif op == "BT":
                tm = [1.0, 0, 0, 1, 0, 0]
            elif op == "Tm":
                tm = [float(v) for v in operands]
            elif op == "Td":
                tm = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], tm)
            elif op == "Tf":
                selected = fonts.get(str(operands[0]))
                size = float(operands[1])
                if selected is not None:
                    if selected.objgen not in maps:
                        maps[selected.objgen] = to_unicode(selected)
                    font, name = maps[selected.objgen], str(selected.get("/BaseFont", ""))
            elif op in ("Tj", "TJ"):
                text = shown_text(operands[-1], font)
                matrix = _multiply(tm, ctm)
                owner = marks[-1] if marks else None
                runs.append(
                    Run(
                        text,
                        matrix[4],
                        height - matrix[5],
                        name.split("+")[-1],
                        round(size * math.hypot(matrix[0], matrix[1]), 2),
                        owner[0] if owner else None,
                        owner[1] if owner else (),
                    )
                )
        pages.append(Page(number, height, runs))
    return pages


def caseless(text: str) -> str:
    """A text compared without spaces (a line break drops one), ligatures or case."""
    return plain(text).casefold()


def lines(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into lines by their baseline (within 1.5 pt), top to bottom."""
    grouped: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if grouped and abs(grouped[-1][0].y - run.y) < 1.5:
            grouped[-1].append(run)
        else:
            grouped.append([run])
    return grouped


def headings(pages: list[Page], *tags: str) -> list[tuple[int, float, str]]:
    """Each heading with one of these tags: the page and height where it starts, and its text."""
    found: dict[tuple[int, int], tuple[int, float, list[str]]] = {}
    for page in pages:
        for run in page.body:
            key = run.element(*tags)
            if key is None:
                continue
            if key not in found:
                found[key] = (page.number, run.y, [])
            found[key][2].append(run.text)
    return sorted((p, y, "".join(text)) for p, y, text in found.values())


# -- the handouts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(district_handouts: dict[str, Printed]) -> dict[str, list[Page]]:
    """Each handout of the example district (rendered once for the session), read page by page."""
    return {name: read_pages(printed.pdf) for name, printed in district_handouts.items()}


#: Handouts set at the reading size (10.5-11 pt). The one-page sheets fit their page: a mechanism
#: sheet at 9.5 pt at least; the introductory session's sheets and briefing set their own sizes.
READING_SIZE = (
    "job-",
    "action-plan-worksheet",
    "design-document",
    "at-a-glance",
    "fidelity-report",
)
SHEET_SIZE = {"mechanism-sheets": 9.5}


def test_every_handout_is_read(pages: dict[str, list[Page]]) -> None:
    assert {
        "mechanism-sheets",
        "action-plan-worksheet",
        "design-document",
        "at-a-glance",
        "fidelity-report",
    } <= set(pages)
    assert any(name.startswith("job-") for name in pages)


def sheet_problems(sheets: list[Page], titles: list[str]) -> list[str]:
    """What is wrong with mechanism sheets: each mechanism starts a page; a page that starts none
    continues the one before, says so in its running header, and the page before says so at its
    foot; no mechanism takes more than two pages."""
    starts = headings(sheets, "/H2")
    if [caseless(text) for _, _, text in starts] != [caseless(t) for t in titles]:
        return [f"the sheets are {[text for _, _, text in starts]}, not {titles}"]
    problems = []
    if len({number for number, _, _ in starts}) != len(starts):
        problems.append("two mechanisms share a page")
    for number, y, text in starts[1:]:
        if y > min(r.y for r in sheets[number - 1].body) + 1:
            problems.append(f"page {number}: {text!r} starts mid-page")
    first_pages = {number: title for (number, _, _), title in zip(starts, titles, strict=True)}
    current = ""
    for page in sheets:
        if page.number in first_pages:
            current = first_pages[page.number]
            continue
        if not (
            caseless(current) in caseless(page.header) and "continued" in caseless(page.header)
        ):
            problems.append(
                f"page {page.number} continues {current!r} without saying so: {page.header!r}"
            )
        if "continued" not in caseless(sheets[page.number - 2].footer):
            problems.append(f"page {page.number - 1} does not say that {current!r} goes on")
        if page.number - 1 not in first_pages:
            problems.append(f"{current!r} takes more than two pages")
    return problems


def test_a_mechanism_sheet_is_one_page_or_says_continued(
    pages: dict[str, list[Page]], district: Adapted
) -> None:
    """The example district's nine mechanisms: nine pages."""
    titles = [m.title for m in district.toolkit.items("mechanisms")]
    assert sheet_problems(pages["mechanism-sheets"], titles) == []
    assert len(pages["mechanism-sheets"]) == len(titles)
    assert not any("continued" in caseless(p.header + p.footer) for p in pages["mechanism-sheets"])


def test_a_mechanism_too_long_for_its_page_goes_on_to_a_second(tmp_path: Path) -> None:
    """A school that gives its leadership team fourteen more functions: that sheet takes two
    pages, the second headed "(continued)", the first saying so at its foot."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    extra = "".join(
        f"  - add: mechanisms/leadership-team/functions\n    id: extra-{i}\n"
        "    text: a further function the school gives its leadership team, described at some length"
        " so that it takes two lines\n    why: The school asked for it.\n"
        for i in range(14)
    )
    school = tmp_path / "examples" / "long" / "agency.yml"
    school.parent.mkdir()
    school.write_text(
        "extends: ../district/agency.yml\nagency:\n  name: Long School\n  level: school\n"
        f"version: '2026.1'\nstatus: draft\nchanges:\n{extra}",
        encoding="utf-8",
    )
    adapted = adapt(load_content(), read_chain(school, root=tmp_path))
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    [sheets] = [h for h in plan_handouts(adapted) if h.name == "mechanism-sheets"]
    [done] = render_handouts(renderer, [sheets], tmp_path / "pdf", cache_dir=tmp_path / "cache")
    assert done.path is not None
    read = read_pages(done.path)
    titles = [m.title for m in adapted.toolkit.items("mechanisms")]
    assert sheet_problems(read, titles) == []
    assert len(read) == len(titles) + 1
    assert "continued" in caseless(read[-1].header) and "continued" in caseless(read[-2].footer)


def test_no_near_empty_last_page(pages: dict[str, list[Page]]) -> None:
    """A last page with a line or two on it is a page printed for nothing: it holds at least 15%
    of a typical page's text (the median of the others, by characters) and its text fills at
    least 15% of the height the fullest page's text fills."""
    near_empty = []
    for name, document in sorted(pages.items()):
        if len(document) < 2:
            continue
        typical = statistics.median(len(caseless(p.text())) for p in document[:-1])
        last = len(caseless(document[-1].text()))
        heights = [max(r.y for r in p.body) - min(r.y for r in p.body) for p in document if p.body]
        filled = heights[-1] / max(heights) if document[-1].body else 0.0
        if last < NEAR_EMPTY * typical or filled < NEAR_EMPTY:
            near_empty.append(
                f"{name}: page {len(document)} holds {last / typical:.0%} of a typical page's text,"
                f" {filled:.0%} of a full page's height ({document[-1].text()[:80]!r})"
            )
    assert near_empty == [], "near-empty last pages:\n" + "\n".join(near_empty)


def test_no_page_ends_with_a_heading(pages: dict[str, list[Page]]) -> None:
    """A heading is kept with what it introduces: the lowest line of a page is never a heading."""
    stranded = []
    for name, document in sorted(pages.items()):
        for page in document:
            body = lines(page.body)
            if body and all(run.heading for run in body[-1]):
                stranded.append(
                    f"{name}, page {page.number}: {''.join(r.text for r in body[-1])!r}"
                )
    assert stranded == [], "headings at the foot of a page:\n" + "\n".join(stranded)


def test_the_running_header_names_the_current_section(pages: dict[str, list[Page]]) -> None:
    """The running header names the section (h2) the page is in at its top: the one that
    starts the page, else the last one started before it; never the next one."""
    wrong = []
    for name, document in sorted(pages.items()):
        sections = headings(document, "/H2")
        for page in document[1:]:  # the first page has no running header
            body = page.body
            if not body:
                continue
            top = min(r.y for r in body)
            before = [
                text
                for p, y, text in sections
                if p < page.number or (p == page.number and y <= top + 1)
            ]
            if before and caseless(before[-1]) not in caseless(page.header):
                wrong.append(
                    f"{name}, page {page.number}: in {before[-1]!r}, the header says {page.header!r}"
                )
    assert wrong == [], "running headers that name another section:\n" + "\n".join(wrong)


STRANDED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Stranded</title>
<style>@page { size: A6; margin: 12mm 10mm; @top-right { content: string(section) } }
html { font: 9pt "Noto Sans" } h2 { string-set: section content(text) }
.last { break-after: page }</style></head>
<body><main><h1>Stranded</h1><h2>First</h2><p>One.</p><h2>Second</h2><p>Two.</p>
<h2 class="last">Third</h2><p>Three, on the next page.</p></main></body></html>"""


def test_the_checks_see_a_stranded_heading_and_a_header_naming_the_next_section(
    tmp_path: Path,
) -> None:
    """What the checks above look for, made on purpose: a heading at the foot of page 1, and
    page 2's running header (string(section), "first") naming a section that starts lower."""
    html = STRANDED.replace(
        "Three, on the next page.</p>",
        "Three, on the next page.</p>" + "<p>More.</p>" * 3 + "<h2>Fourth</h2><p>Four.</p>",
    )
    _, pdf, refused = render_pdf(html, "stranded")
    assert not refused
    (tmp_path / "stranded.pdf").write_bytes(pdf)
    document = read_pages(tmp_path / "stranded.pdf")
    first = lines(document[0].body)
    assert [r.heading for r in first[-1]] == [True] * len(first[-1])
    assert caseless("".join(r.text for r in first[-1])) == "third"
    assert "fourth" in caseless(document[1].header)  # the page is in "Third"


def test_the_body_text_is_noto_sans_at_a_reading_size(pages: dict[str, list[Page]]) -> None:
    """The body text (paragraphs and list items outside tables) is Noto Sans at 10.5-11 pt (a
    mechanism sheet's, fitted to its page, at 9.5 pt at least). Every word is set in Noto Sans:
    DejaVu Sans only draws the symbols Noto Sans lacks (an arrow), and figures (the diagram) are
    drawings with their own type."""
    wrong = []
    for name, document in sorted(pages.items()):
        sizes: Counter[float] = Counter()
        fallback: Counter[str] = Counter()
        for page in document:
            for run in page.runs:
                if "/Figure" in (run.tags or ()):
                    continue
                if "NotoSans" not in run.font.replace("-", "") and re.search(
                    r"[A-Za-z0-9]", run.text
                ):
                    fallback[f"{run.font}: {run.text.strip()[:30]}"] += 1
                tags = set(run.tags or ())
                if tags & {"/P", "/LI"} and not tags & {"/TD", "/TH", "/Caption"}:
                    sizes[run.size] += len(run.text.strip())
        if fallback:
            wrong.append(f"{name}: words in fonts other than Noto Sans: {sorted(fallback)[:5]}")
        size = sizes.most_common(1)[0][0] if sizes else 0.0
        if name in SHEET_SIZE:
            low = SHEET_SIZE[name]
        elif name.startswith(READING_SIZE):
            low = BODY_SIZE[0]
        else:
            continue
        if not low <= size <= BODY_SIZE[1]:
            wrong.append(f"{name}: the body text is {size} pt")
    assert wrong == [], "\n".join(wrong)
