"""Render the adapted toolkit into site pages (Markdown) through Jinja2 templates.

Templates live in ``templates/pages/``; an agency overrides any of them by putting a file of the
same name in ``<theme custom_dir>/lstoolkit/``. Every template renders in a sandboxed
environment, and every value printed with ``{{ }}`` is escaped for HTML and for Markdown, so an
agency's strings are shown as text: never HTML, never a link, never a template.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from lstoolkit.adapt import Adapted, find
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import log_changes
from lstoolkit.diagram import diagram_description, mechanism_diagram
from lstoolkit.diff import diff_sections
from lstoolkit.escape import anchor, code, escape_markdown, oneline, paragraphs, weblink
from lstoolkit.findings import CODES, Finding, codes_reference
from lstoolkit.layers import layer_views
from lstoolkit.sandbox import render_template, shown_path, template_environment


def templates_dir() -> Path:
    """The bundled templates: inside the wheel, or the source tree when run from it."""
    package = Path(__file__).resolve().parent
    installed = package / "data" / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    return escape_markdown(str(value))


def page_environment(override_dirs: Iterable[Path] = ()) -> Environment:
    """The Jinja environment for pages: overrides first, then the bundled templates, all in the
    sandbox of :mod:`lstoolkit.sandbox`."""
    directories = [(d, shown_path(d)) for d in override_dirs]
    directories.append((templates_dir() / "pages", "templates/pages"))
    filters = {"oneline": oneline, "paragraphs": paragraphs, "anchor": anchor, "code": code, "weblink": weblink}
    return template_environment(directories, filters=filters, finalize=_finalize, keep_trailing_newline=True)



# -- where each address is published ------------------------------------------------------------

#: Collection -> page of an item (``{id}`` filled in), or the shared page with an anchor.
ITEM_PAGES = {
    "elements": "elements/{id}.md",
    "mechanisms": "mechanisms/{id}.md",
    "jobs": "jobs/{id}.md",
    "roles": "jobs/coaches-and-mentors.md#{id}",
    "templates": "documents/{id}.md",
    "phases": "process/index.md#{id}",
    "steps": "process/{id}.md",
    "tasks": "tasks/{id}.md",
    "cautions": "cautions.md#{id}",
    "resources": "resources.md#{id}",
    "sources": "resources.md#source-{id}",
    "quotes": "resources.md#quote-{id}",
    "values": "reference/addresses.md",
}


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
    """A generated page: where it goes, and the template that makes it."""

    uri: str
    template: str
    context: Mapping[str, Any]


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

    # The list of pages, in navigation order.
    def pages(self) -> list[Page]:
        t = self.toolkit
        pages = [Page("index.md", "home.md.j2", {})]
        pages += [Page("elements/index.md", "elements.md.j2", {})]
        pages += [Page(f"elements/{e.id}.md", "element.md.j2", {"item": e}) for e in t.items("elements")]
        pages += [Page("mechanisms/index.md", "mechanisms.md.j2", {})]
        pages += [Page(f"mechanisms/{m.id}.md", "mechanism.md.j2", {"item": m}) for m in t.items("mechanisms")]
        pages += [Page("jobs/index.md", "jobs.md.j2", {})]
        pages += [Page(f"jobs/{j.id}.md", "job.md.j2", {"item": j}) for j in t.items("jobs")]
        pages += [Page("jobs/coaches-and-mentors.md", "roles.md.j2", {})]
        pages += [Page("process/index.md", "phases.md.j2", {})]
        pages += [Page(f"process/{s.id}.md", "step.md.j2", {"item": s}) for s in t.items("steps")]
        pages += [Page("documents/index.md", "templates.md.j2", {})]
        pages += [Page(f"documents/{x.id}.md", "template.md.j2", {"item": x}) for x in t.items("templates")]
        pages += [Page("tasks/index.md", "tasks.md.j2", {})]
        pages += [Page(f"tasks/{x.id}.md", "tasklist.md.j2", {"item": x}) for x in t.items("tasks")]
        pages += [
            Page("cautions.md", "cautions.md.j2", {}),
            Page("resources.md", "resources.md.j2", {}),
            Page("adaptations.md", "adaptations.md.j2", {}),
            Page("handouts.md", "handouts.md.j2", {}),
            Page("accessibility.md", "accessibility.md.j2", {}),
            *([Page("changes.md", "changes.md.j2", {})] if self.changes is not None else []),
            Page("reference/addresses.md", "addresses.md.j2", {}),
            Page("reference/findings.md", "findings.md.j2", {}),
        ]
        return pages

    def render(self, page: Page) -> str:
        return render_template(self.env, page.template, {**self.context(page.uri), **page.context})

    def diagram(self) -> str:
        return mechanism_diagram(self.toolkit)

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
            "addresses": self.addresses,
            "codes_reference": lambda: Markup(codes_reference().split("\n", 2)[2]),
            "summarize": summarize_value,
            "diagram_description": diagram_description(self.toolkit),
            "handouts": {name: HandoutLink(done.handout, done.size) for name, done in (self.handouts or {}).items()},
            "changes": self.changes,
            "diff_sections": diff_sections,
            "handout_link": lambda name, label: self.handout_link(uri, name, label),
        }

    # Helpers offered to templates.
    def url(self, from_uri: str, address: str) -> str:
        target = page_of(address)
        path, _, anchor = target.partition("#")
        relative = path if path == from_uri else posixpath.relpath(path, posixpath.dirname(from_uri) or ".")
        if path == from_uri:
            relative = ""
        return f"{relative}#{anchor}" if anchor else relative

    def link(self, from_uri: str, address: str, text: str | None = None) -> Markup:
        label = text if text is not None else self.title_of(address)
        if not self.exists(address):
            return Markup("{} <em>(removed)</em>").format(escape_markdown(label))
        return Markup("[{}]({})").format(escape_markdown(label), Markup(self.url(from_uri, address)))

    def handout_link(self, from_uri: str, name: str, label: str) -> Markup:
        """A download link with the file type and size, or nothing when handouts are off."""
        done = (self.handouts or {}).get(name)
        if done is None:
            return Markup("")
        url = posixpath.relpath(f"handouts/{done.handout.filename}", posixpath.dirname(from_uri) or ".")
        return Markup("[{} (PDF, {} KB)]({})").format(escape_markdown(label), f"{done.size / 1024:.0f}", Markup(url))

    def exists(self, address: str) -> bool:
        return find(self.adapted.raw, address) is not None

    def title_of(self, address: str) -> str:
        for raw in (self.adapted.raw, self.adapted.prototype.raw):
            target = find(raw, address)
            if target is not None:
                value = target.value
                if isinstance(value, dict):
                    return str(value.get("title") or value.get("text") or address)
                return address
        return address

    def prototype_title(self, collection: str, item_id: str) -> str:
        """The prototype's title of an item, when the agency's terms or changes renamed it."""
        base = self.prototype[collection].get(item_id)
        current = self.toolkit[collection].get(item_id)
        if base is None or current is None:
            return ""
        base_title = getattr(base, "title", "")
        return base_title if base_title and base_title != getattr(current, "title", "") else ""

    def cautions_about(self, address: str) -> list[Any]:
        return [c for c in self.toolkit.items("cautions") if any(a == address or a.startswith(address + "/") for a in c.about)]

    def citation(self, item: Any) -> str:
        source = self.toolkit["sources"].get(item.source.doc)
        if source is None:
            top = self.adapted.top
            return f"Added by {item.source.section or (top.file.agency.name if top else 'the agency')}."
        section = f", {item.source.section}" if item.source.section else ""
        return f"Source: {source.title}{section}. {source.publisher}."

    def addresses(self) -> list[tuple[str, str]]:
        items = {name: data["items"] for name, data in self.adapted.raw.items()}
        return [(node.address, summarize_value(node.value)) for node in iter_nodes(items)]


def page_context(renderer: SiteRenderer, uri: str) -> dict[str, Any]:
    """What a page template receives: plain data and helper functions, nothing that reaches
    the file system (see :mod:`lstoolkit.sandbox`)."""
    return renderer.context(uri)


def summarize_value(value: Any, limit: int = 160) -> str:
    """A one-line summary of a raw value, for tables."""
    if value is None:
        return ""
    if isinstance(value, dict):
        value = value.get("title") or value.get("text") or value.get("id") or ""
    elif isinstance(value, list):
        value = "; ".join(summarize_value(v, limit) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Sections with more pages than this list only their index page in the navigation (which links
#: them all): every page repeats its section's navigation, so long sections grow the site as the
#: square of their length.
NAV_SECTION_LIMIT = 60


def site_navigation(renderer: SiteRenderer, extra_pages: Iterable[str] = ()) -> list[Any]:
    """The navigation of the generated site, in reading order (user pages last)."""
    t = renderer.toolkit

    def section(title: str, index: str, items: Iterable[tuple[str, str]]) -> dict[str, list[Any]]:
        entries = list(items)
        if len(entries) > NAV_SECTION_LIMIT:
            return {title: [index]}
        # Themes print navigation titles as HTML: titles that come from content are escaped here.
        return {title: [index, *({html.escape(label): uri} for label, uri in entries)]}

    return [
        {"Home": "index.md"},
        section("Essential elements", "elements/index.md", ((e.title, f"elements/{e.id}.md") for e in t.items("elements"))),
        section("Mechanisms", "mechanisms/index.md", ((m.title, f"mechanisms/{m.id}.md") for m in t.items("mechanisms"))),
        section("Jobs and roles", "jobs/index.md", [*((j.title, f"jobs/{j.id}.md") for j in t.items("jobs")), ("Coaches and mentors", "jobs/coaches-and-mentors.md")]),
        section("Phases and steps", "process/index.md", ((f"{s.number}. {s.title}", f"process/{s.id}.md") for s in t.items("steps"))),
        section("Templates", "documents/index.md", ((x.title, f"documents/{x.id}.md") for x in t.items("templates"))),
        section("Tasks and exhibits", "tasks/index.md", ((x.title, f"tasks/{x.id}.md") for x in t.items("tasks"))),
        {"Cautions": "cautions.md"},
        {"Resources and citation": "resources.md"},
        {"Adaptations and fidelity": "adaptations.md"},
        {"Handouts": "handouts.md"},
        {"Accessibility": "accessibility.md"},
        *([{"What changed": "changes.md"}] if renderer.changes is not None else []),
        {"Reference": [{"Addresses": "reference/addresses.md"}, {"Finding codes": "reference/findings.md"}]},
        *({Path(uri).stem.replace("-", " ").capitalize(): uri} for uri in extra_pages),
    ]



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
