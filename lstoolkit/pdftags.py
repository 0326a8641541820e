"""Repairs of the structure tree (the tags) of the PDFs WeasyPrint renders.

WeasyPrint builds the structure tree page by page (Kozea/WeasyPrint#2903): an element that
crosses a page break becomes one structure element per page, so a table is split into several
``Table`` elements (each with a copy of its header row), a list item into two ``LI`` (the second
one empty when only its nested list continues), a row into two rows. It also writes no
``/IDTree`` though table cells point at their headers by ``/ID``, leaves a ``figcaption`` beside
the image's ``Figure``, and links the running headers and page numbers to no structure element
while marking them as tagged content.

:func:`recording_origins` notes, while WeasyPrint tags a document, which HTML element each
structure element comes from; :func:`repair_structure` then rewrites the PDF with pikepdf:

- the fragments of one element are merged into its first one, in order; their marked content
  is referred to on its own page (``/MCR``) and the parent tree points at the merged element;
- the header (and footer) rows a table repeats on each page leave the tree, their cells' ids
  are replaced in ``/Headers`` by those of the first header row, and their content is marked as
  a pagination artifact, like the page margins' content;
- list items with nothing but a label (and content that paints nothing) are removed, with
  their label made an artifact;
- a ``Caption`` beside exactly one ``Figure`` is moved into it;
- ``/IDTree`` maps each ``/ID`` to its element.

The result is deterministic: the same PDF and origins give the same bytes.
"""

from __future__ import annotations

import inspect
import io
import logging
import re
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pikepdf

#: Bump when the repairs change: it is part of the handouts' cache key.
REPAIRS_VERSION = "1"

LOG = logging.getLogger(__name__)

#: The parameters of the WeasyPrint function that builds the tree of one page's boxes.
_BUILD_PARAMETERS = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
#: Table row groups that WeasyPrint repeats on every page a table crosses.
_REPEATED_GROUPS = ("/THead", "/TFoot")


@dataclass
class Repairs:
    """What :func:`repair_structure` changed, for tests and measurements."""

    merged: int = 0  # fragments merged into the element they continue
    repeated_headers: int = 0  # repeated header or footer rows taken out of the tree
    empty_items: int = 0  # list items removed
    captions: int = 0  # captions moved into their figure
    ids: int = 0  # entries of the /IDTree
    artifacts: int = 0  # marked-content sequences turned into artifacts


@contextmanager
def recording_origins() -> Iterator[dict[int, Hashable]]:
    """While WeasyPrint writes a tagged PDF in this block, record for each structure element it
    creates (by object number) the HTML element and box type it comes from, and give the element
    of an HTML element with ``lang`` that language (``/Lang``).

    Fragments of one element on several pages get the same origin. When this version of
    WeasyPrint builds its tree differently, nothing is recorded (and nothing will be merged).
    The hook is on WeasyPrint's module: one render at a time per process (as the handouts'
    worker processes do).
    """
    origins: dict[int, Hashable] = {}
    try:
        import pydyf  # type: ignore[import-untyped]
        from weasyprint.pdf import tags  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        yield origins
        return
    original = getattr(tags, "_build_box_tree", None)
    if original is None or list(inspect.signature(original).parameters) != _BUILD_PARAMETERS:
        LOG.warning(
            "this WeasyPrint builds its structure tree differently: page fragments stay apart"
        )
        yield origins
        return
    numbers: dict[int, int] = {}  # id() of an HTML element -> its order of first use

    def build(
        box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, tags_: Any
    ) -> Iterator[Any]:
        element = getattr(box, "element", None)
        origin = (
            None
            if element is None
            else (numbers.setdefault(id(element), len(numbers)), box.element_tag)
        )
        # A passage in another language than the document's (lang="en" on the toolkit's text in
        # a Spanish handout) says so in the tree: WeasyPrint sets only the catalogue's /Lang.
        lang = (
            element.get("lang")
            if element is not None and box.element_tag not in ("html", "body")
            else None
        )
        for struct in original(box, parent, pdf, page_number, nums, annotations, tags_):
            if origin is not None:  # html and body pass their children's elements on, already noted
                origins.setdefault(struct.number, origin)
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    tags._build_box_tree = build
    try:
        yield origins
    finally:
        tags._build_box_tree = original


def repair_structure(data: bytes, origins: Mapping[int, Hashable]) -> tuple[bytes, Repairs]:
    """``data``, a tagged PDF written by WeasyPrint, with its structure tree repaired; and what
    was repaired. A PDF whose tree is not as WeasyPrint writes it is returned as it is."""
    with opened(data) as pdf:
        repairs = repair_document(pdf, origins)
        return (data, Repairs()) if repairs is None else (saved(pdf), repairs)


def opened(data: bytes) -> pikepdf.Pdf:
    """``data`` opened with pikepdf (to be closed: a context manager)."""
    return pikepdf.open(io.BytesIO(data))


def repair_document(pdf: pikepdf.Pdf, origins: Mapping[int, Hashable]) -> Repairs | None:
    """Repair the structure tree of ``pdf`` (open, written by WeasyPrint) in place; what was
    repaired, or None, and nothing changed, when its tree is not as WeasyPrint writes it."""
    tree = _Tree.read(pdf, origins)
    if tree is None:
        return None
    tree.merge_fragments()
    tree.remove_empty_items(tree.document)
    tree.move_captions(tree.document)
    tree.write()
    return tree.repairs


def saved(pdf: pikepdf.Pdf) -> bytes:
    """``pdf`` saved, as :func:`repair_structure` saves it."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # the first /ID stays; the second is a hash
    return out.getvalue()


@dataclass(eq=False)
class _Content:
    """A kid that is not an element: marked content (an MCID on ``page``, written as an integer
    or an /MCR), or an annotation (an /OBJR)."""

    obj: Any
    page: pikepdf.Object | None = None
    mcid: int | None = None


@dataclass(eq=False)
class _Element:
    """A structure element, read once from the PDF; written back when ``changed``."""

    obj: pikepdf.Object
    tag: str
    page: pikepdf.Object | None
    origin: Hashable | None
    kids: list[_Element | _Content] = field(default_factory=list)
    changed: bool = False  # its kids changed: its /K and their /P are written

    def elements(self) -> list[_Element]:
        return [k for k in self.kids if isinstance(k, _Element)]

    def contents(self, skip: str = "") -> list[_Content]:
        """What it marks, with its kids' (but those tagged ``skip``)."""
        return [
            c
            for k in self.kids
            for c in ([k] if isinstance(k, _Content) else [] if k.tag == skip else k.contents())
        ]

    def figures(self) -> list[_Element]:
        return [f for k in self.elements() for f in ([k] if k.tag == "/Figure" else k.figures())]

    def walk(self) -> Iterator[_Element]:
        """This element and those under it, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.elements()))


def _same(a: pikepdf.Object | None, b: pikepdf.Object | None) -> bool:
    return a is not None and b is not None and a.objgen == b.objgen


class _Tree:
    def __init__(
        self, pdf: pikepdf.Pdf, root: pikepdf.Object, nums: pikepdf.Object, document: _Element
    ) -> None:
        self.pdf = pdf
        self.root = root
        self.nums = nums
        self.document = document
        self.repairs = Repairs()
        self.id_map: dict[bytes, bytes] = {}  # ids of merged or repeated cells -> the kept cell's
        self.blank: dict[tuple[int, int], set[int]] = {}  # a page's marked content painting nothing
        self.scans: dict[tuple[int, int], _Scan] = {}  # content streams read, by object

    @classmethod
    def read(cls, pdf: pikepdf.Pdf, origins: Mapping[int, Hashable]) -> _Tree | None:
        """The tree as WeasyPrint writes it (one Document element, a flat parent tree), or None."""
        root = pdf.Root.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary):
            return None
        parent_tree = root.get("/ParentTree")
        if not isinstance(parent_tree, pikepdf.Dictionary) or "/Kids" in parent_tree:
            return None
        nums = parent_tree.get("/Nums")
        kids = root.get("/K")
        document = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) == 1 else kids
        if (
            not isinstance(nums, pikepdf.Array)
            or not isinstance(document, pikepdf.Dictionary)
            or "/S" not in document
        ):
            return None

        array, dictionary = pikepdf.Array, pikepdf.Dictionary
        mcr, objr = pikepdf.Name.MCR, pikepdf.Name.OBJR

        def element(obj: pikepdf.Object) -> _Element:
            page = obj.get("/Pg")
            node = _Element(
                obj, str(obj.S), page, origins.get(obj.objgen[0]) if obj.is_indirect else None
            )
            kids = obj.get("/K")
            found = node.kids
            for kid in kids if isinstance(kids, array) else () if kids is None else (kids,):
                if isinstance(kid, int):
                    found.append(_Content(kid, page, kid))
                elif not isinstance(kid, dictionary):
                    continue
                elif (kind := kid.get("/Type")) == mcr:
                    found.append(_Content(kid, kid.get("/Pg", page), int(kid.MCID)))
                elif kind == objr:
                    found.append(_Content(kid))
                else:
                    found.append(element(kid))
            return node

        return cls(pdf, root, nums, element(document))

    # -- fragments --------------------------------------------------------------------------------

    def merge_fragments(self) -> None:
        """Merge each element's fragments on later pages into its first fragment."""
        groups: list[list[_Element | _Content]] = []
        pages: list[pikepdf.Object | None] = []
        for kid in self.document.kids:  # the Document's kids: each page's top elements in turn
            page = kid.page
            if not groups or not _same(page, pages[-1]):
                groups.append([])
                pages.append(page)
            groups[-1].append(kid)
        self.document.kids = groups[0] if groups else []
        for group in groups[1:]:
            self._absorb(self.document, group)

    def _absorb(self, target: _Element, incoming: list[_Element | _Content]) -> None:
        """Append ``incoming`` (the kids of a later fragment of ``target``) to ``target``'s
        kids, merging the leading ones that continue one of its kids."""
        target.changed = True
        last = -1  # continued kids come in order
        leading = True  # only a fragment's first kids can continue what the page before began
        for kid in incoming:
            if leading and isinstance(kid, _Element) and kid.origin is not None:
                if self._drop_repeated_group(target, kid):
                    continue
                index = self._continued(target, kid, last)
                if index is not None:
                    continued = target.kids[index]
                    assert isinstance(continued, _Element)
                    self._absorb(continued, kid.kids)
                    self._merged(kid, continued)
                    last = index
                    continue
            leading = False
            target.kids.append(kid)

    @staticmethod
    def _continued(target: _Element, fragment: _Element, after: int) -> int | None:
        """The index of the last kid of ``target`` (after ``after``) that ``fragment`` continues."""
        for index in range(len(target.kids) - 1, after, -1):
            kid = target.kids[index]
            if (
                isinstance(kid, _Element)
                and kid.tag == fragment.tag
                and kid.origin == fragment.origin
            ):
                return index
        return None

    def _merged(self, fragment: _Element, into: _Element) -> None:
        self.repairs.merged += 1
        if "/ID" in fragment.obj:
            if "/ID" in into.obj:
                self.id_map[bytes(fragment.obj.ID)] = bytes(into.obj.ID)
            else:
                into.obj.ID = fragment.obj.ID

    def _drop_repeated_group(self, table: _Element, group: _Element) -> bool:
        """Take a table's header (or footer) rows repeated on a later page out of the tree."""
        if table.tag != "/Table" or group.tag not in _REPEATED_GROUPS:
            return False
        first = next(
            (k for k in table.elements() if k.origin == group.origin and k.tag == group.tag), None
        )
        if first is None or any(
            isinstance(k, _Content) and k.mcid is None for e in group.walk() for k in e.kids
        ):
            return False  # not a repeat, or it holds an annotation (a link, a field): kept
        for kept, repeated in zip(self._rows(first), self._rows(group), strict=False):
            for kept_cell, cell in zip(self._cells(kept), self._cells(repeated), strict=False):
                if "/ID" in kept_cell.obj and "/ID" in cell.obj:
                    self.id_map[bytes(cell.obj.ID)] = bytes(kept_cell.obj.ID)
        self.repairs.repeated_headers += 1
        return True  # its content, now outside the tree, becomes an artifact when written

    @staticmethod
    def _rows(group: _Element) -> list[_Element]:
        return [k for k in group.elements() if k.tag == "/TR"]

    @staticmethod
    def _cells(row: _Element) -> list[_Element]:
        return [k for k in row.elements() if k.tag in ("/TH", "/TD")]

    # -- list items and captions ----------------------------------------------------------------

    def remove_empty_items(self, node: _Element) -> None:
        """Remove the list items with no content but their label (or content that paints
        nothing), and lists left empty."""
        kept: list[_Element | _Content] = []
        for kid in node.kids:
            if isinstance(kid, _Element):
                self.remove_empty_items(kid)
                if kid.tag == "/LI" and all(self._blank(c) for c in kid.contents(skip="/Lbl")):
                    self.repairs.empty_items += 1
                    continue
                if kid.tag == "/L" and not kid.kids:
                    continue
            kept.append(kid)
        if len(kept) != len(node.kids):
            node.kids = kept
            node.changed = True

    def _blank(self, content: _Content) -> bool:
        """Whether ``content`` is marked content that paints nothing (WeasyPrint marks the empty
        text of an empty list item: ``[<>0.0] TJ``)."""
        if content.mcid is None or content.page is None:
            return False  # an annotation
        key = content.page.objgen
        if key not in self.blank:
            self.blank[key] = _blank_mcids(pikepdf.Page(content.page), self._scan(content.page))
        return content.mcid in self.blank[key]

    def _scan(self, page: pikepdf.Object) -> _Scan | None:
        """The content of ``page`` and its marked-content sequences with an MCID, read once
        (None when its content is not one stream)."""
        contents = page.get("/Contents")
        if not isinstance(contents, pikepdf.Stream):
            return None
        key = contents.objgen
        if key not in self.scans:
            data = contents.read_bytes()
            self.scans[key] = _Scan(contents, data, list(_MARKED.finditer(data)))
        return self.scans[key]

    def move_captions(self, node: _Element) -> None:
        """Move each caption that stands beside exactly one figure (HTML's figure and
        figcaption) into that figure: before its content when it comes first, else after."""
        captions = [k for k in node.elements() if k.tag == "/Caption"]
        if captions and node.tag not in ("/Table", "/Figure"):
            for caption in captions:
                branches = [
                    k
                    for k in node.elements()
                    if k is not caption and (k.tag == "/Figure" or k.figures())
                ]
                figures = [
                    f for k in branches for f in ([k] if k.tag == "/Figure" else k.figures())
                ]
                if len(figures) != 1:
                    continue
                [figure] = figures
                before = node.kids.index(caption) < node.kids.index(branches[0])
                node.kids.remove(caption)
                figure.kids = [caption, *figure.kids] if before else [*figure.kids, caption]
                node.changed = figure.changed = True
                self.repairs.captions += 1
        for kid in node.elements():
            self.move_captions(kid)

    # -- writing ----------------------------------------------------------------------------------

    def write(self) -> None:
        """Write the changed elements, the parent tree, the ids; mark what left the tree as
        artifacts."""
        owners: dict[tuple[tuple[int, int], int], pikepdf.Object] = {}  # (page, MCID) -> element
        ids: dict[bytes, pikepdf.Object] = {}
        nums = list(self.nums)
        keys = {int(nums[i]): i + 1 for i in range(0, len(nums) - 1, 2)}  # -> index in /Nums
        for element in self.document.walk():
            if element.changed:
                element.obj.K = pikepdf.Array([self._written(k, element) for k in element.kids])
                for child in element.elements():
                    child.obj.P = element.obj
            for kid in element.kids:
                if isinstance(kid, _Element):
                    continue
                if kid.mcid is not None and kid.page is not None:
                    owners[kid.page.objgen, kid.mcid] = element.obj
                elif kid.mcid is None:  # an annotation: the parent tree's entry for it
                    annotation = kid.obj.get("/Obj")
                    index = (
                        keys.get(int(annotation.get("/StructParent", -1)))
                        if annotation is not None
                        else None
                    )
                    if index is not None and not _same(self.nums[index], element.obj):
                        self.nums[index] = element.obj
            if "/ID" in element.obj:
                ids.setdefault(bytes(element.obj.ID), element.obj)
            if element.tag in ("/TD", "/TH"):
                self._resolve_headers(element.obj)
        if ids:
            names: list[Any] = []
            for key in sorted(ids):
                names += [pikepdf.String(key), ids[key]]
            self.root.IDTree = self.pdf.make_indirect(
                pikepdf.Dictionary(Names=pikepdf.Array(names))
            )
            self.repairs.ids = len(ids)
        for page in self.pdf.pages:
            index = keys.get(int(page.obj.get("/StructParents", -1)))
            if index is None or not isinstance(entries := self.nums[index], pikepdf.Array):
                continue
            objgen = page.obj.objgen
            new = [owners.get((objgen, mcid)) for mcid in range(len(entries))]
            orphans = {
                mcid
                for mcid, (old, owner) in enumerate(zip(entries, new, strict=True))
                if owner is None and old is not None
            }
            self.nums[index] = pikepdf.Array(new)
            if orphans:
                self._mark_artifacts(page, orphans)

    def _written(self, kid: _Element | _Content, parent: _Element) -> Any:
        if isinstance(kid, _Element):
            return kid.obj
        if kid.mcid is None or _same(kid.page, parent.page):
            return kid.mcid if kid.mcid is not None else kid.obj
        return pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=kid.page, MCID=kid.mcid)

    def _resolve_headers(self, cell: pikepdf.Object) -> None:
        """Point a cell's /Headers at the header cells kept in the tree."""
        attributes = cell.get("/A")
        for attribute in (
            list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
        ):
            if not isinstance(attribute, pikepdf.Dictionary) or "/Headers" not in attribute:
                continue
            headers = [bytes(h) for h in attribute.Headers]
            kept: list[bytes] = []
            for header in headers:
                seen = set()
                while header in self.id_map and header not in seen:
                    seen.add(header)
                    header = self.id_map[header]
                if header not in kept:
                    kept.append(header)
            if kept != headers:
                attribute.Headers = pikepdf.Array([pikepdf.String(h) for h in kept])

    def _mark_artifacts(self, page: pikepdf.Page, orphans: set[int]) -> None:
        """Mark the content of ``page`` with these MCIDs (the page margins', the repeated table
        headers', the removed labels') as pagination artifacts."""
        scan = self._scan(page.obj)
        if scan is not None:
            del self.scans[scan.stream.objgen]  # rewritten here
            data = scan.data
            found = [int(m.group(2)) for m in scan.marked]
            unique = set(found)
            # The quick way when every marked-content sequence with an MCID is found once, as
            # WeasyPrint writes them; else by parsing the content stream.
            if len(unique) == len(found) and orphans <= unique and len(found) == data.count(b"BDC"):
                parts, start = [], 0
                for match, number in zip(scan.marked, found, strict=True):
                    if number in orphans:
                        parts += [data[start : match.start()], _ARTIFACT_BDC]
                        start = match.end()
                parts.append(data[start:])
                scan.stream.write(b"".join(parts))
                self.repairs.artifacts += len(orphans)
                return
        instructions: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        for instruction in pikepdf.parse_content_stream(page):
            if (
                isinstance(instruction, pikepdf.ContentStreamInstruction)
                and str(instruction.operator) == "BDC"
            ):
                operands = instruction.operands
                mcid = (
                    operands[1].get("/MCID")
                    if len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary)
                    else None
                )
                if mcid is not None and int(mcid) in orphans:
                    instruction = pikepdf.ContentStreamInstruction(
                        [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)],
                        instruction.operator,
                    )
                    self.repairs.artifacts += 1
            instructions.append(instruction)
        page.obj.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(instructions))


#: The operators that paint: text, paths, images and shadings, inline images.
_PAINTING = {
    "Tj",
    "TJ",
    "'",
    '"',
    "S",
    "s",
    "f",
    "F",
    "f*",
    "B",
    "B*",
    "b",
    "b*",
    "Do",
    "sh",
    "INLINE IMAGE",
}


@dataclass(eq=False)
class _Scan:
    """A page's content stream, its data, and its marked-content sequences with an MCID."""

    stream: pikepdf.Object
    data: bytes
    marked: list[re.Match[bytes]]


def _blank_mcids(page: pikepdf.Page, scan: _Scan | None) -> set[int]:
    """The MCIDs of ``page`` (whose content, when one stream, is ``scan``) whose marked content
    paints nothing (or only empty strings)."""
    if scan is not None:
        # The quick way, when the content is as pydyf writes it (as in _mark_artifacts).
        data, found = scan.data, scan.marked
        if len(found) == data.count(b"BDC"):
            blank = set()
            for match in found:
                segment = data[match.end() : data.find(b"EMC", match.end())]
                if b"BMC" not in segment and not _PAINTS.search(segment):
                    blank.add(int(match.group(2)))
            return blank
    painted: set[int] = set()
    marked: set[int] = set()
    stack: list[int | None] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            operator, operands = "INLINE IMAGE", []
        else:
            operator, operands = str(instruction.operator), list(instruction.operands)
        if operator == "BDC":
            properties = operands[1] if len(operands) == 2 else None
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(None if mcid is None else int(mcid))
            if mcid is not None:
                marked.add(int(mcid))
        elif operator == "BMC":
            stack.append(None)
        elif operator == "EMC" and stack:
            stack.pop()
        elif operator in _PAINTING and not (
            operator in ("Tj", "TJ", "'", '"')
            and not any(
                bytes(s)
                for s in (
                    operands[-1] if isinstance(operands[-1], pikepdf.Array) else [operands[-1]]
                )
                if isinstance(s, pikepdf.String)
            )
        ):
            painted.update(mcid for mcid in stack if mcid is not None)
    return marked - painted


#: A marked-content sequence with an MCID, as pydyf writes it: ``/Span <</MCID 3>> BDC``.
_MARKED = re.compile(rb"/([A-Za-z0-9_.]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
#: In a content stream: a string that is not empty, or an operator that paints.
_PAINTS = re.compile(
    rb"<[0-9A-Fa-f\s]*[0-9A-Fa-f][0-9A-Fa-f\s]*>|\(|(?<!\S)(?:Do|sh|BI|f\*?|F|S|s|B\*?|b\*?)(?!\S)"
)
_ARTIFACT_BDC = b"/Artifact <</Type /Pagination>> BDC"
