"""Render the adapted toolkit into site pages (Markdown) through Jinja2 templates.

Templates live in ``templates/pages/``; an agency overrides any of them by putting a file of the
same name in ``<theme custom_dir>/lstoolkit/``. Every template renders in a sandboxed
environment, and every value printed with ``{{ }}`` is escaped for HTML and for Markdown, so an
agency's strings are shown as text: never HTML, never a link, never a template.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from lstoolkit.adapt import Adapted
from lstoolkit.addresses import find, iter_nodes
from lstoolkit.banner import long_date, version_banner
from lstoolkit.check import log_changes
from lstoolkit.codes import CODES
from lstoolkit.diagram import diagram_description, mechanism_diagram, removed_mechanisms
from lstoolkit.escape import (
    anchor,
    code,
    contact,
    escape_markdown,
    oneline,
    paragraphs,
    punct,
    summarize_value,
    weblink,
)
from lstoolkit.findings import Finding, codes_reference
from lstoolkit.in_words import (
    FIDELITY_CODES,
    PLANNED_IN_WORDS,
    WHEN_IN_WORDS,
    change_in_words,
    finding_in_words,
    renamed_terms,
    title_in,
)
from lstoolkit.layers import layer_views
from lstoolkit.models import COLLECTION_SPECS, SITE_SECTIONS, CollectionSpec
from lstoolkit.sandbox import render_template, shown_path, template_environment, templates_dir
from lstoolkit.sections import DESIGN_PARTS, AuthoredSection, parts_at


def _diff_sections(changes: Any) -> list[tuple[str, list[Markup]]]:
    """:func:`lstoolkit.diff_formats.diff_sections`, for the 'What changed' page only."""
    from lstoolkit.diff_formats import diff_sections  # the comparison's modules: that page only

    return diff_sections(changes)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    return escape_markdown(str(value))


def page_environment(override_dirs: Iterable[Path] = ()) -> Environment:
    """The Jinja environment for pages: overrides first, then the bundled templates, all in the
    sandbox of :mod:`lstoolkit.sandbox`."""
    directories = [(d, shown_path(d)) for d in override_dirs]
    directories.append((templates_dir() / "pages", "templates/pages"))
    filters: dict[str, Callable[..., Any]] = {
        "oneline": oneline,
        "paragraphs": paragraphs,
        "anchor": anchor,
        "code": code,
        "weblink": weblink,
        "contact": contact,
        "punct": punct,
    }
    # Compiled on every build and most rendered once: Jinja's constant folding would cost more
    # compile time than it saves (the pages are the same).
    return template_environment(
        directories,
        filters=filters,
        finalize=_finalize,
        keep_trailing_newline=True,
        optimized=False,
    )


# -- where each address is published ------------------------------------------------------------

#: Collection -> page of an item (``{id}`` filled in), or the shared page with an anchor.
ITEM_PAGES = {name: spec.page for name, spec in COLLECTION_SPECS.items()}


def page_of(address: str) -> str:
    """The page (and anchor) where ``address`` is published."""
    parts = address.split("/")
    target = ITEM_PAGES[parts[0]].format(id=parts[1] if len(parts) > 1 else "")
    if len(parts) > 3 and "#" not in target:
        target += f"#{parts[-1]}"
    return target


@dataclass(frozen=True)
class HandoutLink:
    """What page templates see of a rendered handout."""

    handout: Any
    size: int


@dataclass(frozen=True)
class Page:
    """A generated page: where it goes, the template that makes it, and the address of the item
    it shows (whose authored section, if any, leads the page)."""

    uri: str
    template: str
    context: Mapping[str, Any]
    address: str = ""


def collection_pages(spec: CollectionSpec, items: Iterable[Any]) -> list[Page]:
    """A collection's own page, then a page for each item when its items have pages."""
    pages = [Page(spec.list_page, f"{spec.name}.md.j2", {})] if spec.list_page else []
    if spec.item_template:
        pages += [
            Page(spec.page.format(id=x.id), spec.item_template, {"item": x}, f"{spec.name}/{x.id}")
            for x in items
        ]
    return pages


class SiteRenderer:
    """Renders every page of an adapted toolkit; one instance per build."""

    def __init__(self, adapted: Adapted, findings: tuple[Finding, ...], env: Environment) -> None:
        self.adapted = adapted
        self.findings = findings
        self.log = log_changes(adapted, findings)
        self.env = env
        self.toolkit = adapted.toolkit
        self.prototype = adapted.prototype.toolkit
        self.handouts: dict[str, Any] | None = None  # name -> RenderedHandout, when rendered
        self.changes: Any = None  # a SemanticDiff against the previous version, when configured
        # Pages of other stages (the state's roll-up), with their navigation sections.
        self.extra_pages: list[Page] = []
        self.extra_navigation: list[dict[str, Any]] = []
        # The same for every page: worked out once per build, not once per page.
        self.removed = removed_mechanisms(adapted)
        self.diagram_text = diagram_description(self.toolkit, self.prototype, self.removed)
        self.banner = version_banner(adapted, findings)
        self.terms = renamed_terms(adapted, findings)

    # The list of pages, in navigation order.
    def pages(self) -> list[Page]:
        t = self.toolkit
        pages = [Page("index.md", "home.md.j2", {})]
        if self.adapted.top is not None:
            pages += [
                Page(part.page, "design-part.md.j2", {"part": part}, part.address)
                for part in self.parts
            ]
            pages += [
                Page("design/adoption.md", "adoption.md.j2", {}),
                Page("design/at-a-glance.md", "at-a-glance.md.j2", {}),
            ]
        for section in SITE_SECTIONS:
            for name in section.collections:
                pages += collection_pages(COLLECTION_SPECS[name], t.items(name))
        pages += [
            Page("adaptations.md", "adaptations.md.j2", {}),
            Page("handouts.md", "handouts.md.j2", {}),
            Page("accessibility.md", "accessibility.md.j2", {}),
            *([Page("changes.md", "changes.md.j2", {})] if self.changes is not None else []),
            Page("reference/addresses.md", "addresses.md.j2", {}),
            Page("reference/findings.md", "findings.md.j2", {}),
        ]
        return pages + self.extra_pages

    def render(self, page: Page) -> str:
        text = render_template(self.env, page.template, {**self.context(page.uri), **page.context})
        section = self.adapted.sections.get(page.address)
        if (
            section is not None
            and page.address.count("/") == 1
            and not page.address.startswith("design/")
        ):
            text = lead_with_section(text, section, self.agency_name())
        return text.replace(HEADING_END, "")

    def agency_name(self) -> str:
        top = self.adapted.top
        return top.file.agency.name if top else "the agency"

    @property
    def parts(self) -> tuple[Any, ...]:
        """The design document's parts as the agency's level reads them ('Why the state …')."""
        top = self.adapted.top
        return parts_at(top.file.agency.level if top else "district")

    def authored(self, address: str, under: int = 1) -> Markup:
        """The agency's section for ``address`` as a block of HTML placed under a heading of
        level ``under``, saying whose text it is when a parent layer wrote it; nothing when there
        is none."""
        section = self.adapted.sections.get(address)
        return authored_block(section, self.agency_name(), under) if section else Markup("")

    def diagram(self, layout: str = "wide") -> str:
        """The mechanism figure as SVG; removed mechanisms greyed, with who removed them."""
        return mechanism_diagram(self.toolkit, self.prototype, self.removed, layout=layout)  # type: ignore[arg-type]

    def context(self, uri: str) -> dict[str, Any]:
        top = self.adapted.top
        return {
            "page_uri": uri,
            "toolkit": self.toolkit,
            "agency": top.file if top else None,
            "layers": layer_views(self.adapted.layers),
            "log": self.log,
            "findings": self.findings,
            "codes": CODES,
            "link": lambda address, text=None: self.link(uri, address, text),
            "url": lambda address: self.url(uri, address),
            "prototype_title": self.prototype_title,
            "cautions_about": self.cautions_about,
            "citation": self.citation,
            "title_of": self.title_of,
            "exists": self.exists,
            "other_level": self.other_level,
            "addresses": self.addresses,
            "codes_reference": lambda: Markup(codes_reference().split("\n", 2)[2]),
            "summarize": summarize_value,
            "diagram_description": self.diagram_text,
            "handouts": {
                name: HandoutLink(done.handout, done.size)
                for name, done in (self.handouts or {}).items()
            },
            "changes": self.changes,
            "diff_sections": _diff_sections,
            "handout_link": lambda name, label: self.handout_link(uri, name, label),
            "parts": self.parts,
            "sections": self.adapted.sections,
            "authored": self.authored,
            "banner": self.banner,
            "long_date": long_date,
            "change_in_words": lambda entry: change_in_words(entry, self.title_of),
            "finding_in_words": lambda finding: finding_in_words(
                finding,
                self.title_of,
                {layer.display: layer.file.agency.name for layer in self.adapted.layers},
            ),
            "when_in_words": WHEN_IN_WORDS,
            "fidelity_codes": FIDELITY_CODES,
            "planned_in_words": PLANNED_IN_WORDS,
            "renamed_terms": self.terms,
            "heading_end": Markup(HEADING_END),
            "page_of_part": lambda part: posixpath.relpath(
                part.page, posixpath.dirname(uri) or "."
            ),
            "url_to": lambda page: posixpath.relpath(page, posixpath.dirname(uri) or "."),
        }

    # Helpers offered to templates.
    def url(self, from_uri: str, address: str) -> str:
        target = page_of(address)
        path, _, anchor = target.partition("#")
        relative = (
            path
            if path == from_uri
            else posixpath.relpath(path, posixpath.dirname(from_uri) or ".")
        )
        if path == from_uri:
            relative = ""
        return f"{relative}#{anchor}" if anchor else relative

    def link(self, from_uri: str, address: str, text: str | None = None) -> Markup:
        label = text if text is not None else self.title_of(address)
        if not self.exists(address):
            if self.other_level(address):  # not removed: for other levels, so not on this site
                return Markup(escape_markdown(label))
            return Markup("{} <em>(removed)</em>").format(escape_markdown(label))
        return Markup("[{}]({})").format(
            escape_markdown(label), Markup(self.url(from_uri, address))
        )

    def handout_link(self, from_uri: str, name: str, label: str) -> Markup:
        """A download link with the file type and size, or nothing when handouts are off."""
        done = (self.handouts or {}).get(name)
        if done is None:
            return Markup("")
        url = posixpath.relpath(
            f"handouts/{done.handout.filename}", posixpath.dirname(from_uri) or "."
        )
        return Markup("[{} (PDF, {} KB)]({})").format(
            escape_markdown(label), f"{done.size / 1024:.0f}", Markup(url)
        )

    def exists(self, address: str) -> bool:
        return find(self.adapted.raw, address) is not None

    def other_level(self, address: str) -> bool:
        """Whether ``address`` is left off this site because it is for other levels: it, or an
        item or entry it is under, has ``levels`` without the agency's level."""
        top = self.adapted.top
        if top is None or self.exists(address):
            return False
        parts = address.split("/")
        # As adapt.py leaves them out: task lists, and entries of every list.
        for end in range(2 if parts[0] == "tasks" else 3, len(parts) + 1):
            node = find(self.adapted.prototype.raw, "/".join(parts[:end]))
            value = node.value if node is not None else None
            levels = value.get("levels") if isinstance(value, dict) else None
            if levels and top.file.agency.level not in levels:
                return True
        return False

    def title_of(self, address: str) -> str:
        return title_in(self.adapted, address)

    def prototype_title(self, collection: str, item_id: str) -> str:
        """The prototype's title of an item, when the agency's terms or changes renamed it."""
        base = self.prototype[collection].get(item_id)
        current = self.toolkit[collection].get(item_id)
        if base is None or current is None:
            return ""
        base_title = getattr(base, "title", "")
        return base_title if base_title and base_title != getattr(current, "title", "") else ""

    def cautions_about(self, address: str) -> list[Any]:
        return [
            c
            for c in self.toolkit.items("cautions")
            if any(a == address or a.startswith(address + "/") for a in c.about)
        ]

    def citation(self, item: Any) -> str:
        source = self.toolkit["sources"].get(item.source.doc)
        if source is None:
            top = self.adapted.top
            return f"Added by {item.source.section or (top.file.agency.name if top else 'the agency')}."
        cited = f"{source.title}, {item.source.section}" if item.source.section else source.title
        return (
            f"Source: {cited}{punct(cited, '.')} {source.publisher}{punct(source.publisher, '.')}"
        )

    def addresses(self) -> list[tuple[str, str]]:
        items = {name: data["items"] for name, data in self.adapted.raw.items()}
        return [(node.address, summarize_value(node.value)) for node in iter_nodes(items)]


def authored_block(section: AuthoredSection, agency: str, under: int = 1) -> Markup:
    """An authored section as raw HTML for a Markdown page (MkDocs leaves the block as it is)."""
    inherited = section.agency != agency
    note = (
        Markup(
            '<p class="ls-authored__by">From the design of {}, which {} keeps as its own.</p>\n'
        ).format(section.agency, agency)
        if inherited
        else Markup("")
    )
    html = {1: section.html, 2: section.html_under_h2}.get(under, section.html_under_h3)
    # Checked at its source by 'lstoolkit check' (LS401, located in the section's file).
    return Markup('<div class="ls-authored" data-leak-check="skip">\n{}{}\n</div>\n').format(
        note, html
    )


#: Where the title of an item page ends, with what goes under it (the toolkit's name of a renamed
#: item, a note on a name two roles share): written by the heading macro, removed from every page.
HEADING_END = "<!-- lstoolkit: end of the heading -->"


def lead_with_section(page: str, section: AuthoredSection, agency: str) -> str:
    """An item page led by the agency's section: its title (with what goes under it), the
    section, then the toolkit's text in a collapsed block labelled as the toolkit's."""
    if HEADING_END in page:
        title, _, body = page.lstrip("\n").partition(HEADING_END)
        title = title.strip("\n")
    else:
        title, _, body = page.lstrip("\n").partition("\n")
    if not title.startswith("# "):  # an override without a title line: the section goes first
        title, body = "", page
    indented = "\n".join(
        ("    " + line) if line.strip() else "" for line in body.strip("\n").split("\n")
    )
    return f'{title}\n\n{authored_block(section, agency)}\n??? toolkit "From the toolkit"\n\n{indented}\n'


def page_context(renderer: SiteRenderer, uri: str) -> dict[str, Any]:
    """What a page template receives: plain data and helper functions, nothing that reaches
    the file system (see :mod:`lstoolkit.sandbox`)."""
    return renderer.context(uri)


#: Sections with more pages than this list only their index page in the navigation (which links
#: them all): every page repeats its section's navigation, so long sections grow the site as the
#: square of their length.
NAV_SECTION_LIMIT = 60


def site_navigation(renderer: SiteRenderer, extra_pages: Iterable[str] = ()) -> list[Any]:
    """The navigation of the generated site, in reading order: the agency's own pages (its
    docs, e.g. a contact page) after the toolkit's, and the pages for editors last."""
    t = renderer.toolkit
    design = [{html.escape(f"{part.number}. {part.title}"): part.page} for part in DESIGN_PARTS]
    design += [
        {"Adoption and sign-off": "design/adoption.md"},
        {"At a glance": "design/at-a-glance.md"},
    ]
    return [
        {"Home": "index.md"},
        *([{"Design document": design}] if renderer.adapted.top is not None else []),
        *(
            navigation_section(
                section.title,
                [(COLLECTION_SPECS[name], t.items(name)) for name in section.collections],
            )
            for section in SITE_SECTIONS
        ),
        {
            "About this document": [
                {"Adaptations": "adaptations.md"},
                {"Handouts": "handouts.md"},
                *([{"What changed": "changes.md"}] if renderer.changes is not None else []),
                {"Accessibility": "accessibility.md"},
            ]
        },
        *renderer.extra_navigation,
        *({Path(uri).stem.replace("-", " ").capitalize(): uri} for uri in extra_pages),
        {
            "For editors": [
                {"Addresses": "reference/addresses.md"},
                {"Finding codes": "reference/findings.md"},
            ]
        },
    ]


def navigation_section(
    title: str, collections: Iterable[tuple[CollectionSpec, Iterable[Any]]]
) -> dict[str, list[Any]]:
    """A section of the navigation: its index (the first own page without a label of its
    collections), then the labelled pages and the items' pages, in the collections' order. A
    section longer than :data:`NAV_SECTION_LIMIT` lists its index alone."""
    index = ""
    entries: list[tuple[str, str]] = []
    for spec, items in collections:
        if spec.list_page and not spec.label and not index:
            index = spec.list_page
        elif spec.list_page:
            entries.append((spec.label, spec.list_page))
        if spec.item_template:
            entries += [(spec.item_label.format(item=x), spec.page.format(id=x.id)) for x in items]
    if index and len(entries) > NAV_SECTION_LIMIT:
        return {title: [index]}
    # Themes print navigation titles as HTML: titles that come from content are escaped here.
    return {
        title: [*([index] if index else []), *({html.escape(label): uri} for label, uri in entries)]
    }


def pages_left_out_of_navigation(navigation: list[Any], pages: Iterable[str]) -> list[str]:
    """Generated pages a long section keeps out of the navigation (reached from its index)."""

    def flatten(node: Any) -> Iterable[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from flatten(value)
        elif isinstance(node, list):
            for value in node:
                yield from flatten(value)

    listed = set(flatten(navigation))
    return [uri for uri in pages if uri not in listed]
