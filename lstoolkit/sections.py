"""The agency's own words: sections it writes in Markdown and attaches to the design document's
parts or to any item, by address.

A design document is the district's own: the strategic-planning guide asks for a draft that
"articulates the imperative …, an intervention framework …, an organizational and operational
infrastructure … and policy recommendations". Those four parts have fixed addresses
(``design/imperative`` …); any item, field or entry of the toolkit can carry a section too
(``mechanisms/steering-body``). Layers inherit sections like everything else: a district reads
its state's text until it writes its own.

Authored Markdown is turned into HTML here, not by MkDocs, so the same HTML reaches the site and
the PDFs and nothing in it can run or fetch: raw HTML is shown as text, images are refused, and
links go only to web pages, e-mail addresses or anchors.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from lstoolkit.addresses import nearest_address
from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.i18n import N_

MAX_SECTION_BYTES = 200_000
MAX_SECTIONS = 2_000
LINK_SCHEMES = ("https://", "http://", "mailto:", "#")
#: Sections remembered, by their bytes: enough for a state's sections while its districts'
#: pass through once each (the roll-up), few enough to stay small with the largest sections.
SECTIONS_CACHED = 64


@dataclass(frozen=True)
class DesignPart:
    """One of the four parts the strategic-planning guide asks a design document to articulate."""

    key: str
    number: int
    title: str
    question: str  # what a reader finds in the part
    articulates: str  # the address of the guide's sentence for this part
    elements: tuple[str, ...]  # the essential elements that frame it
    #: The question where it names the agency, for each level but the district's ('Why the
    #: state needs …'); ``question`` is the district's.
    question_at: tuple[tuple[str, str], ...] = ()

    def at_level(self, level: str) -> DesignPart:
        """The part as an agency of ``level`` (state, region, district, school) reads it."""
        return replace(self, question=dict(self.question_at).get(level, self.question))

    @property
    def address(self) -> str:
        return f"design/{self.key}"

    @property
    def page(self) -> str:
        return f"design/{self.key}.md"


#: Titles and questions are lstoolkit's own words: a handout translates them (N_ marks them for the catalogue).
_ARTICULATES = "templates/design-document/sections/what-the-document-articulates"
DESIGN_PARTS: tuple[DesignPart, ...] = (
    DesignPart(
        "imperative",
        1,
        N_("The imperative"),
        N_("Why the district needs a unified and comprehensive system of learning supports."),
        f"{_ARTICULATES}/imperative",
        ("elements/three-component-policy",),
        (
            (
                "state",
                N_("Why the state needs a unified and comprehensive system of learning supports."),
            ),
            (
                "region",
                N_("Why the region needs a unified and comprehensive system of learning supports."),
            ),
            (
                "school",
                N_("Why the school needs a unified and comprehensive system of learning supports."),
            ),
        ),
    ),
    DesignPart(
        "intervention-framework",
        2,
        N_("The intervention framework"),
        N_("What the system of learning supports does, for whom, and how it is organised."),
        f"{_ARTICULATES}/intervention-framework",
        ("elements/intervention-framework",),
    ),
    DesignPart(
        "infrastructure",
        3,
        N_("The infrastructure"),
        N_(
            "Who leads, plans and carries out the work, and how schools are supported to begin and sustain it."
        ),
        f"{_ARTICULATES}/infrastructure",
        ("elements/operational-infrastructure", "elements/capacity-building"),
    ),
    DesignPart(
        "policy",
        4,
        N_("Policy recommendations"),
        N_("What policy must change so that learning supports are no longer marginalised."),
        f"{_ARTICULATES}/policy-recommendations",
        ("elements/three-component-policy", "elements/monitoring"),
    ),
)


def parts_at(level: str) -> tuple[DesignPart, ...]:
    """The four parts as an agency of ``level`` reads them."""
    return tuple(part.at_level(level) for part in DESIGN_PARTS)


#: Sections that are not parts: the summary for the widespread distribution ("at a glance").
SUMMARY = "design/summary"
DESIGN_ADDRESSES = (*(p.address for p in DESIGN_PARTS), SUMMARY)


@dataclass(frozen=True)
class AuthoredSection:
    """A section an agency wrote: where it attaches, the file, its HTML, and who wrote it."""

    address: str
    display: str  # the file, as the user names it
    agency: str  # the agency whose layer holds it
    markdown: str
    html: Markup  # under a page's title (h1): its '#' headings are h2
    html_under_h2: Markup  # under a section heading (h2)
    html_under_h3: (
        Markup  # under a subsection heading (h3), as the parts of the design-document PDF
    )

    @property
    def plain(self) -> str:
        """The section's text without markup (for summaries and the leak check)."""
        inline = re.sub(r"</?(?:strong|em|b|i|a|code|span)\b[^>]*>", "", str(self.html))
        return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))).strip()


def read_section(
    address: str, path: Path, *, display: str, agency: str, named_at: Location | None
) -> AuthoredSection:
    """Read, check and convert one section file."""
    try:
        size = path.stat().st_size
        if size > MAX_SECTION_BYTES:
            raise LstoolkitError(
                f"'{display}' is {size:,} bytes; sections larger than {MAX_SECTION_BYTES:,} bytes are refused",
                named_at,
                hint="Split it into several sections.",
                code=FindingCode.LIMIT_EXCEEDED,
            )
        data = path.read_bytes()[: MAX_SECTION_BYTES + 1]
    except OSError as error:
        raise LstoolkitError(
            f"cannot read '{display}': {error.strerror}", named_at, code=FindingCode.UNSAFE_FILE
        ) from None
    return _section(address, display, agency, data)


@lru_cache(maxsize=SECTIONS_CACHED)
def _section(address: str, display: str, agency: str, data: bytes) -> AuthoredSection:
    """The section these bytes make, checked and converted: the same bytes under the same name
    give the same (immutable) section, so a state's sections are converted once per process, not
    once per district that inherits them. A problem is raised each time, never remembered."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LstoolkitError(
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x})",
            Location(display, line),
            hint="Save it as UTF-8.",
            code=FindingCode.UNSAFE_FILE,
        ) from None
    text = text.replace("\r\n", "\n")
    for number, line_text in enumerate(text.split("\n"), start=1):
        bad = next((c for c in line_text if _is_control(c)), None)
        if bad is not None:
            raise LstoolkitError(
                f"the section contains the control character U+{ord(bad):04X}",
                Location(display, number, line_text.index(bad) + 1),
                hint="Delete it (it is invisible in most editors; retype the line).",
                code=FindingCode.UNSAFE_FILE,
            )
    html = markdown_to_html(text, display, under=1)
    return AuthoredSection(address, display, agency, text, html, _deeper(html, 1), _deeper(html, 2))


def _is_control(char: str) -> bool:
    return char not in "\n\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp", "Co")


class _Checks(Treeprocessor):
    """Put headings under the page's own, refuse images, keep links to pages and addresses."""

    def __init__(self, md: markdown.Markdown, display: str, source: str, under: int) -> None:
        super().__init__(md)
        self.display, self.source, self.under = display, source, under

    def run(self, root: ET.Element) -> None:
        headings = [e for e in root.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        # The section's highest heading, '#' or '##', sits one level under the page's.
        shift = self.under + 1 - min((int(e.tag[1]) for e in headings), default=1)
        for element in root.iter():
            if element in headings:
                element.tag = f"h{max(1, min(6, int(element.tag[1]) + shift))}"
            elif element.tag == "img":
                raise self._refuse(
                    f"![{element.get('alt', '')}]",
                    "images are not allowed in a section",
                    "Put the image on a page of your own in docs/ and link to it.",
                )
            elif element.tag == "a":
                href = element.get("href", "")
                if not href.startswith(LINK_SCHEMES):
                    raise self._refuse(
                        f"({href})",
                        f"the link '{href}' is not a web page, an e-mail address or an anchor",
                        "Write the full address, e.g. https://www.example.org/page, or mailto:name@example.org.",
                    )

    def _refuse(self, needle: str, message: str, hint: str) -> LstoolkitError:
        line = next(
            (i for i, text in enumerate(self.source.split("\n"), start=1) if needle in text), 0
        )
        return LstoolkitError(
            message, Location(self.display, line), hint=hint, code=FindingCode.UNSAFE_FILE
        )


class _SafeMarkdown(Extension):
    def __init__(self, display: str, source: str, under: int) -> None:
        super().__init__()
        self.display, self.source, self.under = display, source, under

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (the Markdown API's name)
        md.preprocessors.deregister("html_block")  # raw HTML is text
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(
            _Checks(md, self.display, self.source, self.under), "lstoolkit-checks", 0
        )


def markdown_to_html(text: str, display: str = "section", *, under: int = 1) -> Markup:
    """The HTML of authored Markdown placed under a heading of level ``under`` (its '#' becomes
    the next level, so no level is skipped); raw HTML is escaped."""
    converter = markdown.Markdown(
        extensions=["tables", "sane_lists", _SafeMarkdown(display, text, under)],
        output_format="html",
    )
    return Markup(converter.convert(text))


#: A heading's tags in the HTML of a section: its raw HTML is escaped, so only headings match.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def _deeper(html: Markup, levels: int) -> Markup:
    """The section's HTML under a heading ``levels`` deeper: what :func:`markdown_to_html` gives
    for that level, without converting the Markdown again."""
    return Markup(_HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + levels)}>", html))


def inherited_sections(
    layers: Iterable[tuple[str, Mapping[str, AuthoredSection]]],
) -> dict[str, AuthoredSection]:
    """Each address's section from the nearest layer that writes one (layers nearest the
    prototype first)."""
    merged: dict[str, AuthoredSection] = {}
    for _agency, sections in layers:
        merged.update(sections)
    return dict(sorted(merged.items()))


def check_section_addresses(
    sections: Mapping[str, AuthoredSection],
    known: Mapping[str, object],
    locate: Mapping[str, Location],
) -> None:
    """Every section attaches to a design part or an address that exists in the adapted toolkit."""
    problems = []
    for address in sections:
        if address in DESIGN_ADDRESSES or address in known:
            continue
        nearest = nearest_address(address, {**dict.fromkeys(DESIGN_ADDRESSES), **known})
        problems.append(
            LstoolkitError(
                f"the section '{address}' attaches to nothing: no such part or address",
                locate.get(address),
                hint=f"Did you mean '{nearest}'?"
                if nearest
                else f"The design parts are {', '.join(DESIGN_ADDRESSES)}; 'lstoolkit addresses' lists the rest.",
                code=FindingCode.NO_SUCH_ADDRESS,
            )
        )
    if problems:
        raise LstoolkitError.collect(problems)
