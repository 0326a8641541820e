"""PDF handouts: rendered from the adapted model through print templates with WeasyPrint.

Each handout is an HTML document made from ``templates/handouts/`` (overridable from
``<custom_dir>/lstoolkit/handouts/``) and a lean print stylesheet, rendered to tagged PDF/UA-1
(WeasyPrint tags page by page; :mod:`lstoolkit.pdftags` repairs the structure tree).
Rendering is cached by a hash of everything that goes into a PDF, so a rebuild with unchanged
inputs renders nothing, and the PDFs that must be rendered are rendered in parallel, one process
per core. WeasyPrint is imported only in the processes that render.

The cache lives in the user's cache directory, never in the project: a project's files come from
pull requests, and a PDF planted in a cache inside it would be published as it is. WeasyPrint
fetches nothing: a handout may use its inline style sheet, the checked logo and the diagram, and
any other address (web, file, another data type) stops the build with a located error.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from lstoolkit import __version__
from lstoolkit.adapt import Adapted
from lstoolkit.addresses import find
from lstoolkit.banner import version_banner
from lstoolkit.cache import CACHE_VARIABLE, handout_cache_dir
from lstoolkit.check import log_changes
from lstoolkit.codes import FindingCode
from lstoolkit.diagram import diagram_description, mechanism_diagram, removed_mechanisms
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.escape import GAP_OPEN, gaps_as_html, punct, summarize_value
from lstoolkit.findings import Finding
from lstoolkit.forms import FORMS_VERSION, plan_answers
from lstoolkit.i18n import SOURCE_LANGUAGE, translations, words
from lstoolkit.in_words import (
    FIDELITY_CODES,
    change_in_words,
    finding_in_words,
    renamed_terms,
    title_in,
)
from lstoolkit.layers import layer_views, nearest_logo
from lstoolkit.leaks import Leak, leaks_in_html, source_links
from lstoolkit.output import write_atomically
from lstoolkit.sandbox import render_template, shown_path, template_environment, templates_dir
from lstoolkit.sections import AuthoredSection, parts_at
from lstoolkit.sessions import session_sheets

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
#: The only resources a handout may embed: the logo's and the diagram's types, as data.
EMBEDDED_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

#: How "the district" reads at each level, in the introductory session's points.
LEVEL_NOUNS = {
    "state": "department",
    "region": "region",
    "district": "district",
    "school": "school",
}


@dataclass(frozen=True)
class Handout:
    """One PDF: its file name, title, template and what the template needs."""

    name: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.pdf"


@dataclass(frozen=True)
class RenderedHandout:
    handout: Handout
    data: bytes
    cached: bool
    seconds: float
    path: Path | None = None  # where it was written, when it was
    leaks: tuple[Leak, ...] = ()  # what its reader should not see (the leak check, LS401)
    key: str = ""  # its name in the handout cache

    @property
    def size(self) -> int:
        return len(self.data)


def plan_handouts(adapted: Adapted) -> list[Handout]:
    """The handouts of an adapted toolkit, in the order the Handouts page lists them."""
    toolkit = adapted.toolkit
    _ = words(adapted.language)
    handouts = []
    # The introductory session: an attendee sheet per session (one page each), and the briefing
    # for those who lead the sessions (the Center's guidance, next steps, cautions).
    sheets = session_sheets(adapted)
    handouts += [
        Handout(sheet.name, sheet.title, "introductory-session.html.j2", {"sheet": sheet})
        for sheet in sheets
    ]
    if sheets:
        handouts.append(
            Handout(
                "facilitator-briefing",
                _("Introductory session: facilitator's briefing"),
                "facilitator-briefing.html.j2",
                {"sheets": sheets},
            )
        )
    for job in toolkit.items("jobs"):  # the posting, and apart from it the notes for its supervisor
        handouts.append(
            Handout(
                f"job-{job.id}",
                _("Job description: %(title)s", title=job.title),
                "job.html.j2",
                {"item": job},
            )
        )
        handouts.append(
            Handout(
                f"job-{job.id}-supervising",
                _("Supervising the position: %(title)s", title=job.title),
                "job-supervising.html.j2",
                {"item": job},
            )
        )
    handouts.append(Handout("mechanism-sheets", _("Mechanism sheets"), "mechanisms.html.j2"))
    if toolkit["templates"].get("action-plan"):
        handouts.append(
            Handout("action-plan-worksheet", _("Action plan worksheet"), "action-plan.html.j2")
        )
        if answers := plan_answers(adapted):  # the agency's own answers, printed as its plan
            handouts.append(
                Handout(
                    "action-plan", _("Action plan"), "action-plan.html.j2", {"answers": answers}
                )
            )
    handouts.append(Handout("design-document", _("Design document"), "design-document.html.j2"))
    if adapted.top is not None:
        handouts.append(Handout("at-a-glance", _("At a glance"), "at-a-glance.html.j2"))
    handouts.append(
        Handout("fidelity-report", _("Adaptation and fidelity report"), "fidelity-report.html.j2")
    )
    return handouts


def _show_gaps(value: Any) -> Any:
    """A text with a missing value's gap mark, escaped, with the gap as a labelled span."""
    if (
        isinstance(value, str) and GAP_OPEN in value
    ):  # a Markup is escaped already (a translated message)
        return Markup(gaps_as_html(str(value if isinstance(value, Markup) else escape(value))))
    return value


def handout_environment(override_dirs: Iterable[Path] = ()) -> Environment:
    """The sandbox for handout templates: overrides first, then the bundled ones."""
    directories = [(d / "handouts", f"{shown_path(d)}/handouts") for d in override_dirs]
    directories.append((templates_dir() / "handouts", "templates/handouts"))
    env = template_environment(
        directories,
        filters={"css_string": css_string, "punct": punct},
        finalize=_show_gaps,
        extensions=["jinja2.ext.i18n"],
    )
    env.tests["containing"] = lambda sequence, value: value in sequence
    env.install_gettext_translations(translations(SOURCE_LANGUAGE), newstyle=True)  # type: ignore[attr-defined]
    return env


def _in_language(env: Environment, language: str) -> Environment:
    """``env`` speaking ``language``: an overlay with its catalogue and its own template cache (a
    compiled template belongs to the environment that loaded it)."""
    if language == SOURCE_LANGUAGE:
        return env
    overlay = env.overlay(cache_size=100)
    overlay.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return overlay


#: Characters kept as they are in a CSS string; every other one is written as a hex escape.
_CSS_PLAIN = re.compile(r"[A-Za-z0-9 .,:;!?()'&@%+=/_-]")


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a <style> element.

    Escaped as the CSS syntax allows (a backslash, the code point in hex, a space): quotes,
    backslashes, line breaks of every kind, ``<`` and ``>``, control characters and anything
    else not plainly printable, so no value can end the string, the rule or the element.
    """

    def escape(char: str) -> str:
        if _CSS_PLAIN.fullmatch(char) or (ord(char) > 0x9F and char.isprintable()):
            return char
        return f"\\{ord(char) or 0xFFFD:x} "

    return Markup('"' + "".join(escape(c) for c in str(text)) + '"')


class HandoutRenderer:
    """Makes the HTML of each handout; PDF rendering happens in :func:`render_handouts`."""

    def __init__(
        self,
        adapted: Adapted,
        findings: tuple[Finding, ...],
        env: Environment,
        *,
        paper: str = "letter",
    ) -> None:
        if paper not in PAPER_SIZES:
            raise LstoolkitError(
                f"unknown paper size '{paper}'", hint=f"Use one of: {', '.join(PAPER_SIZES)}."
            )
        self.adapted = adapted
        self.findings = findings
        self.words = words(adapted.language)
        self.env = _in_language(env, adapted.language)
        self.paper = paper
        logo = nearest_logo(adapted.layers)  # the nearest layer's, as on the site
        self.logo = _data_uri(logo.media_type, logo.data) if logo else ""
        removed = removed_mechanisms(adapted)
        svg = mechanism_diagram(adapted.toolkit, adapted.prototype.toolkit, removed).encode("utf-8")
        self.diagram_text = diagram_description(adapted.toolkit, adapted.prototype.toolkit, removed)
        self.banner = version_banner(adapted, findings, self.words)
        self.diagram = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def html(self, handout: Handout) -> str:
        return render_template(self.env, handout.template, self.context(handout))

    def template_file(self, handout: Handout) -> str:
        """The template a handout is made from, as the user would name it (an override or ours)."""
        try:
            filename = self.env.get_template(handout.template).filename or handout.template
        except Exception:  # reported when the handout is rendered
            return handout.template
        return shown_path(Path(filename))

    def context(self, handout: Handout) -> dict[str, Any]:
        """What a handout template receives: plain data and helper functions only."""
        top = self.adapted.top
        agency = top.file if top else None
        adapted = self.adapted

        def title_of(address: str) -> str:  # a plain function: templates see no partial's .func
            return title_in(adapted, address)

        return {
            "handout": handout,
            "toolkit": self.adapted.toolkit,
            "agency": agency,
            "layers": layer_views(self.adapted.layers),
            "log": log_changes(self.adapted, self.findings),
            "findings": self.findings,
            "values": {
                k: str(v) for layer in self.adapted.layers for k, v in layer.file.values.items()
            },
            "level_wording": lambda text: level_wording(
                text, agency.agency.level if agency else "district"
            ),
            "paragraphs": _paragraphs,
            "logo": self.logo,
            "diagram": self.diagram,
            "diagram_description": self.diagram_text,
            "stylesheet": self.stylesheet(),
            "created": self.banner.published,
            "summarize": _summarize,
            "banner": self.banner,
            "parts": tuple(
                replace(p, title=self.words(p.title), question=self.words(p.question))
                for p in parts_at(
                    self.adapted.top.file.agency.level if self.adapted.top else "district"
                )
            ),
            "text_of": lambda address: text_of(self.adapted, address),
            "sections": self.adapted.sections,
            "long_date": self.words.date,
            "language": self.words.language,
            "lang_en": Markup(
                "" if self.words.english else ' lang="en"'
            ),  # the toolkit's text, untranslated
            # The Adaptations section says each change as the site's Adaptations page does.
            "change_in_words": lambda entry: change_in_words(entry, title_of),
            "finding_in_words": lambda finding: finding_in_words(
                finding,
                title_of,
                {layer.display: layer.file.agency.name for layer in self.adapted.layers},
            ),
            "renamed_terms": renamed_terms(self.adapted, self.findings),
            "title_of": title_of,
            "fidelity_codes": FIDELITY_CODES,
            "glance": glance,
            "in_full": lambda value: summarize_value(value, 100_000),
            **handout.context,
        }

    def stylesheet(self) -> str:
        css = (templates_dir() / "handouts" / "print.css").read_text(encoding="utf-8")
        return css.replace("size: letter;", f"size: {PAPER_SIZES[self.paper]};")


def render_all_handouts(
    adapted: Adapted,
    findings: tuple[Finding, ...],
    *,
    overrides: Iterable[Path],
    paper: str,
    progress: Callable[[RenderedHandout], None],
    extra: Sequence[Handout] = (),
) -> list[RenderedHandout]:
    """Every handout of ``adapted`` (and ``extra`` ones, e.g. the roll-up's summary), rendered or
    taken from the cache, in memory."""
    renderer = HandoutRenderer(adapted, findings, handout_environment(overrides), paper=paper)
    return render_handouts(renderer, [*plan_handouts(adapted), *extra], None, progress=progress)


def level_wording(text: str, level: str) -> str:
    """Speak of the agency's own level where the source speaks of 'the district'."""
    noun = LEVEL_NOUNS.get(level, "district")
    if noun == "district":
        return text
    return re.sub(
        r"\b([Dd])istrict\b", lambda m: noun.capitalize() if m.group(1) == "D" else noun, text
    )


def render_handouts(
    renderer: HandoutRenderer,
    handouts: Iterable[Handout],
    out_dir: Path | None,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[RenderedHandout], None] = lambda r: None,
) -> list[RenderedHandout]:
    """Each handout, from the cache or rendered in parallel; written to ``out_dir`` if given."""
    cache = _usable_directory(cache_dir or handout_cache_dir(), "the handout cache")
    if out_dir is not None:
        _usable_directory(out_dir, "the output directory")
    work = [(h, renderer.html(h)) for h in handouts]
    keys = {h.name: _cache_key(html) for h, html in work}
    allowed = source_links(renderer.adapted.toolkit)
    leaks = {h.name: tuple(leaks_in_html(html, allowed_links=allowed)) for h, html in work}
    results: list[RenderedHandout] = []
    missing = []
    for handout, html in work:
        cached = _read_cached(cache / f"{keys[handout.name]}.pdf")
        if cached is None:
            missing.append((handout, html))
            continue
        results.append(
            _publish(
                RenderedHandout(
                    handout, cached, True, 0.0, leaks=leaks[handout.name], key=keys[handout.name]
                ),
                out_dir,
            )
        )
        progress(results[-1])
    for handout, seconds, pdf, refused in _render_all(missing, jobs):
        if refused:
            raise LstoolkitError(
                f"the handout '{handout.name}' asks for '{refused[:200]}'; handouts use only their own "
                "files and the logo",
                Location(renderer.template_file(handout)),
                hint="Remove the web address or file path from the template.",
                code=FindingCode.UNSAFE_FILE,
            )
        write_atomically(cache / f"{keys[handout.name]}.pdf", pdf)
        results.append(
            _publish(
                RenderedHandout(
                    handout, pdf, False, seconds, leaks=leaks[handout.name], key=keys[handout.name]
                ),
                out_dir,
            )
        )
        progress(results[-1])
    order = [h.name for h, _ in work]
    return sorted(results, key=lambda r: order.index(r.handout.name))


def _usable_directory(path: Path, what: str) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as error:
        reason = (
            "it is a file"
            if path.is_file() or isinstance(error, FileExistsError)
            else error.strerror
        )
        raise LstoolkitError(
            f"cannot use {path} for {what}: {reason}",
            Location(str(path)),
            hint=f"Remove or rename it, or set {CACHE_VARIABLE} to another directory."
            if what == "the handout cache"
            else "Choose another directory with --out.",
        ) from None
    return path


def _read_cached(path: Path) -> bytes | None:
    """A cached PDF, or None. The cache is the user's own; still, only a PDF is served."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") else None


def _render_all(
    missing: list[tuple[Handout, str]], jobs: int | None
) -> Iterator[tuple[Handout, float, bytes, str]]:
    if not missing:
        return
    workers = min(len(missing), jobs or os.cpu_count() or 1)
    if workers == 1:
        for handout, html in missing:
            yield handout, *render_pdf(html, handout.name)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Longest first, so the largest PDF (the design document) does not start last.
        by_size = sorted(missing, key=lambda work: len(work[1]), reverse=True)
        futures = [(h, pool.submit(render_pdf, html, h.name)) for h, html in by_size]
        for handout, future in futures:
            yield handout, *future.result()


def render_pdf(html: str, name: str) -> tuple[float, bytes, str]:
    """Render one handout's HTML to tagged PDF/UA-1 bytes (runs in a worker process).

    Returns the seconds taken, the PDF, and the first address the handout asked for and was
    refused (then the PDF is empty).
    """
    started = time.perf_counter()
    weasyprint = import_weasyprint()
    fetcher = _local_fetcher(weasyprint)
    document = weasyprint.HTML(
        string=html, base_url=str(templates_dir() / "handouts"), url_fetcher=fetcher
    )
    from lstoolkit import pdftags  # with pikepdf, imported only where PDFs are made (as in forms)

    try:
        with pdftags.recording_origins() as origins:
            pdf = document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_forms=True,
                pdf_identifier=hashlib.sha256(html.encode("utf-8"))
                .hexdigest()[:32]
                .encode("ascii"),
            )
    except RefusedAddress as refused:
        return time.perf_counter() - started, b"", refused.url
    if fetcher.refused:  # refused where WeasyPrint goes on without the resource
        return time.perf_counter() - started, b"", fetcher.refused[0]
    from lstoolkit.forms import finish_forms, has_fields

    with pdftags.opened(pdf) as document:  # parsed once for the tags and to look for fields
        # WeasyPrint tags page by page: merge what page breaks split, index ids, place captions.
        if pdftags.repair_document(document, origins) is not None:
            pdf = pdftags.saved(document)
        fields = has_fields(document)
    # Form fields: named as a hierarchy, drawn by appearance streams (no /NeedAppearances). They
    # are finished on the saved file: one save of both would order some stream dictionaries
    # differently (the same PDF in other bytes).
    if fields:
        pdf = finish_forms(pdf)
    return time.perf_counter() - started, pdf, ""


class RefusedAddress(BaseException):
    """A handout asked for an address it may not use (a BaseException: WeasyPrint stops)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _local_fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that serves the bundled handout files and embedded images only."""
    own = (templates_dir() / "handouts").resolve()

    class LocalFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if _allowed(url, own):
                return super().fetch(url, headers)
            self.refused.append(url)
            raise RefusedAddress(url)

    fetcher = LocalFetcher(allowed_protocols=("data", "file"), allow_redirects=False)
    fetcher.refused = []
    return fetcher


def _allowed(url: str, own: Path) -> bool:
    scheme, _, rest = url.partition(":")
    if scheme.lower() == "data":
        media_type = rest.split(",", 1)[0].split(";", 1)[0].strip().lower()
        return media_type in EMBEDDED_TYPES
    if scheme.lower() == "file":
        from urllib.parse import unquote, urlsplit

        path = Path(unquote(urlsplit(url).path)).resolve()
        return path.is_relative_to(own)
    return False


def import_weasyprint() -> Any:
    """WeasyPrint, or an error that says which system packages to install."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except OSError as error:
        raise LstoolkitError(
            f"WeasyPrint cannot load its system libraries ({error})",
            hint=f"Install them: sudo apt-get install {SYSTEM_PACKAGES}",
        ) from None
    return weasyprint


def _cache_key(html: str) -> str:
    """Everything that decides a PDF's bytes: its HTML (with the stylesheet) and the versions."""
    from importlib.metadata import version

    from lstoolkit.pdftags import REPAIRS_VERSION

    versions = (
        f"lstoolkit {__version__}; weasyprint {version('weasyprint')}; pydyf {version('pydyf')}; "
        f"pikepdf {version('pikepdf')}; tag repairs {REPAIRS_VERSION}; forms {FORMS_VERSION}"
    )
    return hashlib.sha256((versions + "\n" + html).encode("utf-8")).hexdigest()


def _publish(done: RenderedHandout, out_dir: Path | None) -> RenderedHandout:
    if out_dir is None:
        return done
    target = out_dir / done.handout.filename
    if not target.is_file() or target.read_bytes() != done.data:
        write_atomically(target, done.data)
    return replace(done, path=target)


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")


def text_of(adapted: Adapted, address: str) -> str:
    """The title or text at ``address`` of the adapted toolkit (empty when removed)."""
    target = find(adapted.raw, address)
    value = target.value if target is not None else None
    return str(value.get("title") or value.get("text") or "") if isinstance(value, dict) else ""


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _summarize(value: Any) -> str:
    return summarize_value(value, 300)


#: How long a part's text may be on the at-a-glance summary, in characters: whole sentences of its
#: first paragraph up to this length (the first sentence always), so four parts fit two pages.
GLANCE_CHARACTERS = 450
#: Words whose period does not end a sentence ("Dr. Ruiz", "e.g. a team"); one letter is an initial.
_NOT_SENTENCE_ENDS = frozenset("dr dra mr mrs ms sr sra srta st prof no nos vs cf e.g i.e".split())
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


def sentences(text: str) -> list[str]:
    """``text`` cut into its sentences (never inside one: not after "Dr." or "e.g.", nor before a
    word in lower case)."""
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        before = text[start : end.start()].rsplit(maxsplit=1)
        word = before[-1].lstrip("(“\"'¿¡").lower() if before else ""
        following = text[end.end() : end.end() + 1]
        if following.islower() or word in _NOT_SENTENCE_ENDS or (len(word) == 1 and word.isalpha()):
            continue
        found.append(text[start : end.end()].strip())
        start = end.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


def whole_sentences(text: str, limit: int) -> str:
    """The first sentences of ``text`` that fit in ``limit`` characters; at least the first."""
    kept = ""
    for sentence in sentences(text):
        if kept and len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}" if kept else sentence
    return kept


class _Blocks(HTMLParser):
    """The top-level elements of an HTML fragment: (tag, the element's HTML, the HTML inside)."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = fragment
        self.lines = [0, *(i + 1 for i, c in enumerate(fragment) if c == "\n")]
        self.blocks: list[tuple[str, str, str]] = []
        self.depth = 0
        self.starts = (0, 0)  # where the open element starts, and where its content does
        self.feed(fragment)
        self.close()

    def position(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        if self.depth == 0:
            self.starts = (self.position(), self.position() + len(self.get_starttag_text() or ""))
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.position()
            outer_end = self.html.find(">", end) + 1
            self.blocks.append(
                (tag, self.html[self.starts[0] : outer_end], self.html[self.starts[1] : end])
            )


def glance(section: AuthoredSection, limit: int = GLANCE_CHARACTERS) -> Markup:
    """A part of the design at a glance: whole sentences of its section's first paragraph, up to
    ``limit`` characters, never cut inside one; and the list that paragraph introduces ("…
    recommends that every district:"), whole and still a list."""
    blocks = _Blocks(str(section.html)).blocks
    while blocks and blocks[0][0] not in ("p", "ul", "ol"):
        blocks = blocks[1:]  # a heading before the first paragraph
    if not blocks:
        return Markup("")
    tag, outer, inner = blocks[0]
    if tag != "p":
        return Markup(outer)  # the section starts with its list
    text = unescape(" ".join(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", inner)).split()))
    said = whole_sentences(text, limit)
    if said != text:
        return Markup(escape(said))
    shown = Markup(" ".join(inner.split()))  # the section's own HTML, whole
    if text.endswith(":") and len(blocks) > 1 and blocks[1][0] in ("ul", "ol"):
        shown += Markup(blocks[1][1])
    return shown
