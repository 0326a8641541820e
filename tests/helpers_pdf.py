"""Reading PDFs in the tests: their text, the text a font's codes stand for, and the structure tree
(tags) with the content each element marks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """The text of every page as pypdf extracts it, a line break between pages."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def flat_pdf_text(path: Path) -> str:
    """The text of every page on one line: each run of spaces and line breaks as one space."""
    return " ".join(pdf_text(path).split())


def plain(text: str) -> str:
    """A text compared without spaces (a line break in a PDF drops one) and ligatures."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def to_unicode(font: pikepdf.Object) -> dict[int, str]:
    """Character code -> text, from the font's /ToUnicode map (bfchar and bfrange)."""
    cmap: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            cmap[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, text in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                cmap[code] = chr(int(text, 16) + offset)
    return cmap


def shown_text(shown: pikepdf.Object, font: dict[int, str]) -> str:
    """The text a Tj or TJ operand shows in a font of two-byte codes (WeasyPrint's fonts), with
    the font's map from :func:`to_unicode`."""
    strings = (
        [s for s in shown if isinstance(s, pikepdf.String)]
        if isinstance(shown, pikepdf.Array)
        else [shown]
    )
    return "".join(
        font.get(int.from_bytes(bytes(s)[i : i + 2], "big"), "")
        for s in strings
        for i in range(0, len(bytes(s)) - 1, 2)
    )


def struct_elements(node: pikepdf.Object, *tags: str) -> list[pikepdf.Dictionary]:
    """The structure elements under ``node`` (the StructTreeRoot or an element), depth first; only
    those with one of ``tags`` (e.g. "/Figure") when given."""
    found: list[pikepdf.Dictionary] = []
    kids = node.get("/K")
    for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if not tags or str(kid.S) in tags:
                found.append(kid)
            found += struct_elements(kid, *tags)
    return found


# -- the structure tree with what it marks -----------------------------------------------------


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
                key = (number, stack[-1])
                texts[key] = texts.get(key, "") + shown_text(operands[-1], font)
    return texts, marked


def read_tags(path: Path) -> Tagged:
    """The structure tree of the PDF at ``path``, with the text each element marks."""
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
