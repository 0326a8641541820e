"""Assemble a site: the adapted toolkit, the files it publishes, and what its configuration needs.

The stage between the plain modules (load, adapt, check, render, handouts) and a site builder.
The MkDocs plugin (:mod:`lstoolkit.plugin`, for MkDocs and ProperDocs) and ``lstoolkit
build-docs`` (:mod:`lstoolkit.export`, for Zensical) both call it, so every builder publishes the
same pages. Nothing here imports a builder: messages go to a ``log`` with ``warning`` and
``info`` methods, errors are :class:`~lstoolkit.errors.LstoolkitError`.

The pipeline's modules are imported by the functions that use them: a build that takes its
prepared site from the cache (:mod:`lstoolkit.cache`) never imports them.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lstoolkit.codes import FindingCode
from lstoolkit.errors import LstoolkitError
from lstoolkit.sandbox import templates_dir

if TYPE_CHECKING:
    from lstoolkit.banner import Banner
    from lstoolkit.cache import Prepared, SiteCache, SiteEntry
    from lstoolkit.dashboard import RollupView
    from lstoolkit.handouts import RenderedHandout
    from lstoolkit.layers import Layer, Logo
    from lstoolkit.leaks import Leak
    from lstoolkit.render import SiteRenderer

#: Where the generated assets go, under the docs directory.
ASSETS = "assets/lstoolkit"
#: The theme partial that draws the version banner (templates/theme/).
BANNER_PARTIAL = "partials/lstoolkit-banner.html"
#: The Markdown extensions the generated pages are written for (attribute lists give anchors,
#: admonitions and details the notes and the collapsible "From the toolkit" blocks).
MARKDOWN_EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition", "pymdownx.details", "toc")


class Log(Protocol):
    """Where messages go: MkDocs' plugin logger, or the command line."""

    def warning(self, msg: str, /) -> Any: ...

    def info(self, msg: str, /) -> Any: ...


@dataclass(frozen=True)
class SiteOptions:
    """The plugin's options, paths resolved (see the option docs in lstoolkit.plugin)."""

    agency: Path | None = None
    content: Path | None = None
    root: Path | None = None
    paper: str = "letter"
    compare_with: str | None = None
    rollup: str | None = None  # as written: relative to the configuration's directory


@dataclass(frozen=True)
class Site:
    """An adapted toolkit ready to publish: its renderer and what the builder needs to know."""

    renderer: SiteRenderer
    layers: tuple[Layer, ...]
    banner: Banner
    section_files: frozenset[Path]
    overrides: tuple[Path, ...]
    allowed_links: frozenset[str]
    rollup_view: RollupView | None
    logo: Logo | None
    watch: tuple[Path, ...]


@dataclass(frozen=True)
class Settings:
    """What the site's configuration gets from lstoolkit, whatever builder reads it."""

    banner: dict[str, str]  # extra.lstoolkit, read by the banner partial
    footer: str  # the copyright line, unless the site has its own
    nav: list[Any] | None  # None when the site has a nav of its own
    not_in_nav: tuple[str, ...]  # generated pages reached from their section's index only
    extra_css: tuple[str, ...]
    extra_javascript: tuple[str, ...]
    logo: str | None  # theme.logo and theme.favicon


@dataclass(frozen=True)
class Generated:
    """A file the site publishes that no one wrote: a page, a handout, an asset."""

    uri: str
    content: bytes | str
    handout_key: str = ""  # a handout's name in the handout cache
    leaks: tuple[Leak, ...] = ()  # a handout's leak check (of its HTML)


def prepare_site(
    options: SiteOptions, *, base_dir: Path, custom_dir: Path | None, log: Log
) -> Site:
    """Load, adapt and check; log the findings; set up the renderer (with the What changed page
    and the roll-up when asked). ``base_dir``: the configuration's directory."""
    from lstoolkit.adapt import adapt
    from lstoolkit.banner import version_banner
    from lstoolkit.check import check_adapted
    from lstoolkit.findings import Severity
    from lstoolkit.layers import nearest_logo, read_chain, section_files
    from lstoolkit.leaks import source_links
    from lstoolkit.load import load_content
    from lstoolkit.overrides import check_overrides
    from lstoolkit.render import SiteRenderer, page_environment

    tree = load_content(options.content)
    layers = (
        read_chain(options.agency, root=options.root, display_base=base_dir)
        if options.agency
        else ()
    )
    adapted = adapt(tree, layers)
    findings = check_adapted(adapted)
    for finding in findings:
        emit = log.warning if finding.severity is Severity.WARNING else log.info
        emit(f"{finding.location}: {finding.code} {finding.message}")
    overrides = (custom_dir / "lstoolkit",) if custom_dir else ()
    check_overrides(overrides, project=base_dir)
    renderer = SiteRenderer(adapted, findings, page_environment(overrides))
    if options.compare_with and options.agency:
        # Only for a 'What changed' page: the comparison and git reading cost imports otherwise.
        from lstoolkit.diff import what_changed

        try:
            renderer.changes = what_changed(
                tree,
                options.agency,
                adapted,
                findings,
                options.compare_with,
                root=options.root,
                display_base=base_dir,
            )
        except LstoolkitError as error:
            raise LstoolkitError(f"compare_with: {error}") from None
    sections = frozenset(section_files(layers))
    watch = [*(layer.path for layer in layers), *sorted(sections)]
    view = None
    if options.rollup:
        districts = base_dir / options.rollup
        view = roll_up(renderer, options, districts, base_dir=base_dir, log=log)
        watch.append(districts)
    return Site(
        renderer=renderer,
        layers=layers,
        banner=version_banner(adapted, findings),
        section_files=sections,
        overrides=overrides,
        allowed_links=source_links(adapted.toolkit),
        rollup_view=view,
        logo=nearest_logo(layers),
        watch=tuple(watch),
    )


@dataclass(frozen=True)
class SiteLayout:
    """Where a site's files are, and whether it has a navigation of its own."""

    base_dir: Path  # the configuration's directory
    custom_dir: Path | None  # the theme's overrides
    docs_dir: Path
    has_nav: bool


def prepare(options: SiteOptions, layout: SiteLayout, *, log: Log) -> tuple[Site, Prepared]:
    """The site prepared (:func:`prepare_site`), and what the build takes from it before its
    files: the messages logged, the build date, the configuration's settings."""
    from lstoolkit.cache import Prepared
    from lstoolkit.dates import source_date_epoch

    recorder = _Recorder(log)
    site = prepare_site(
        options, base_dir=layout.base_dir, custom_dir=layout.custom_dir, log=recorder
    )
    settings = site_settings(site, docs_dir=layout.docs_dir, has_nav=layout.has_nav)
    prepared = Prepared(
        messages=tuple(recorder.messages),
        epoch=source_date_epoch(site.layers),
        settings=settings,
        section_files=site.section_files,
        allowed_links=site.allowed_links,
        watch=site.watch,
    )
    return site, prepared


@dataclass
class Preparation:
    """A site prepared for one build: now (``site``), or taken from the cache (``site`` None),
    with the cache entry it uses or will write (None without the cache)."""

    prepared: Prepared
    site: Site | None
    cache: SiteCache | None = None
    entry: SiteEntry | None = None

    @property
    def reused(self) -> bool:
        return self.site is None

    def files(
        self, *, own: Container[str], handouts: bool, paper: str, log: Log, site_name: str
    ) -> Sequence[Generated]:
        """The files the site adds (:func:`generated_files`), or those of the cached build."""
        if self.site is None:
            assert self.entry is not None
            pdfs = [made for made in self.entry.files if made.handout_key]
            for made in pdfs:
                log.info(handout_line(made.uri.rpartition("/")[2], len(made.content), "unchanged"))
            for made in pdfs:
                log_handout_leaks(made, site_name, log)
            return self.entry.files
        files = generated_files(
            self.site, own=own, handouts=handouts, paper=paper, log=log, site_name=site_name
        )
        if self.entry is not None:
            self.entry.files = tuple(files)
        return files

    def leaks_in(self, html: str) -> list[Leak]:
        """The leak check of a built page; a page built as in the cached build is not read again."""
        from lstoolkit.cache import page_digest

        allowed = self.prepared.allowed_links
        if self.cache is None:
            return leak_check(html, allowed)
        digest = page_digest(html, allowed)
        known = self.entry.leaks if self.reused and self.entry else {}
        leaks = known[digest] if digest in known else leak_check(html, allowed)
        self.cache.pages_checked[digest] = leaks
        return leaks

    def keep(self) -> None:
        """Write the entry for the next build: when the site was prepared now, or when a page's
        leak check had to be run again."""
        if self.cache is None or self.entry is None:
            return
        if not self.reused or self.cache.pages_checked != self.entry.leaks:
            self.cache.save(self.entry)


def leak_check(html: str, allowed_links: frozenset[str]) -> list[Leak]:
    from lstoolkit.leaks import leaks_in_html

    return leaks_in_html(html, allowed_links=allowed_links)


def prepare_or_reuse(
    options: SiteOptions, layout: SiteLayout, *, use_cache: bool, handouts: bool, log: Log
) -> Preparation:
    """The site from the cache when nothing it is made from changed (its findings logged again),
    else prepared now (and its entry begun, unless ``use_cache`` is false or it cannot be kept)."""
    from lstoolkit.overrides import check_overrides

    cache = (
        site_cache(options, layout, handouts=handouts) if use_cache and cacheable(options) else None
    )
    entry = cache.load() if cache else None
    if cache is not None and entry is not None:
        log.info(
            "nothing the site is made from has changed since its last build: it comes from the "
            f"cache ({cache.path.parent}; 'cache: false' prepares it every time)"
        )
        replay(entry.prepared.messages, log)
        overrides = (layout.custom_dir / "lstoolkit",) if layout.custom_dir else ()
        check_overrides(overrides, project=layout.base_dir)  # links are not in the record
        return Preparation(entry.prepared, None, cache, entry)
    started = time.time_ns()
    site, prepared = prepare(options, layout, log=log)
    if cache is not None:
        entry = new_entry(site, prepared, options, cache.context, started=started)
    return Preparation(prepared, site, cache, entry)


def cacheable(options: SiteOptions) -> bool:
    """Whether a site's preparation can be kept in the cache: not when it reads what the cache
    does not record (another revision's files in git, the districts' checkouts)."""
    return not (options.compare_with or options.rollup)


def site_cache(options: SiteOptions, layout: SiteLayout, *, handouts: bool) -> SiteCache:
    """The cache entry of a site: named by its configuration, valid for what it reads."""
    from lstoolkit.cache import SiteCache, site_context

    package = Path(__file__).resolve().parent
    data = templates_dir().parent  # the package's data when installed, else the source tree
    bundled = [] if data.is_relative_to(package) else [data / "templates", data / "content"]
    identity = {
        "options": {k: str(v) for k, v in sorted(vars(options).items())},
        "base_dir": str(layout.base_dir),
        "custom_dir": str(layout.custom_dir),
        "docs_dir": str(layout.docs_dir),
    }
    context = site_context(
        docs_dir=layout.docs_dir,
        has_nav=layout.has_nav,
        overrides=layout.custom_dir / "lstoolkit" if layout.custom_dir else None,
        packages=[package, *bundled],
        handouts=handouts,
    )
    return SiteCache(identity, context)


def new_entry(
    site: Site, prepared: Prepared, options: SiteOptions, context: dict[str, Any], *, started: int
) -> SiteEntry | None:
    """The cache entry of a site just prepared (its files come when they are generated); None
    when a file it was made from changed while it was read (``started``: time.time_ns() before
    reading), whose bytes then may not be the ones used."""
    from lstoolkit.cache import Input, SiteEntry
    from lstoolkit.dates import dated_by
    from lstoolkit.layers import chain_files
    from lstoolkit.models import COLLECTION_SPECS

    paths = chain_files(site.layers, options.agency) if options.agency else []
    if options.content:
        paths += [options.content / f"{name}.yml" for name in COLLECTION_SPECS]
    for directory in site.overrides:
        paths += sorted(p for p in directory.rglob("*") if not p.is_dir())
    settled = started - 2 * 10**9  # file systems that keep times to the second or two
    for path in paths:
        try:
            if path.stat().st_mtime_ns >= settled:
                return None
        except FileNotFoundError:
            pass
    return SiteEntry(
        context=context,
        inputs=tuple(Input.now(path) for path in paths),
        commit_query=dated_by(site.layers)[1],
        prepared=prepared,
        files=(),
    )


class _Recorder:
    """A log that keeps what it is given, to be given again by a build that reuses it."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.messages: list[tuple[str, str]] = []

    def warning(self, msg: str, /) -> None:
        self.messages.append(("warning", msg))
        self.log.warning(msg)

    def info(self, msg: str, /) -> None:
        self.messages.append(("info", msg))
        self.log.info(msg)


def replay(messages: Iterable[tuple[str, str]], log: Log) -> None:
    for level, text in messages:
        (log.warning if level == "warning" else log.info)(text)


def roll_up(
    renderer: SiteRenderer, options: SiteOptions, where: Path, *, base_dir: Path, log: Log
) -> RollupView:
    """Resolve the state's districts and add their pages (the ``rollup`` option)."""
    # A state's site only: a district's build never imports the roll-up and its dashboard.
    from lstoolkit.dashboard import rollup_navigation, rollup_pages, rollup_view
    from lstoolkit.render import NAV_SECTION_LIMIT
    from lstoolkit.rollup import district_sources, rollup, summary_line

    if options.agency is None:
        raise LstoolkitError(
            "rollup: set 'agency' to the state's customization file; the districts extend it"
        )
    if not where.exists():
        raise LstoolkitError(
            f"rollup: '{options.rollup}' does not exist",
            hint="Give the folder holding one checkout per district, or a manifest listing them, relative to mkdocs.yml.",
        )
    started = time.perf_counter()
    try:
        sources = district_sources(where, state_file=options.agency)
        reports = rollup(
            options.agency,
            sources,
            root=options.root,
            content_dir=options.content,
            display_base=base_dir,
        )
    except LstoolkitError as error:
        raise LstoolkitError(f"rollup:\n{error}") from None
    for report in reports:
        if report.broken:  # shown on the dashboard; the state's own build does not fail
            log.info(f"rollup: a district cannot be read: {report.error}")
    log.info(f"rollup: {summary_line(reports)} ({time.perf_counter() - started:.1f} s)")
    view = rollup_view(reports, renderer.adapted)
    renderer.extra_pages = rollup_pages(view)
    renderer.extra_navigation = [rollup_navigation(view, NAV_SECTION_LIMIT)]
    return view


def site_settings(site: Site, *, docs_dir: Path, has_nav: bool) -> Settings:
    """The navigation (unless the site has its own), assets, logo, banner and footer."""
    from lstoolkit.render import pages_left_out_of_navigation, site_navigation

    nav = (
        None if has_nav else site_navigation(site.renderer, own_pages(docs_dir, site.section_files))
    )
    left_out = (
        pages_left_out_of_navigation(nav, (p.uri for p in site.renderer.pages())) if nav else []
    )
    scripts = ([f"{ASSETS}/districts.js"] if site.rollup_view is not None else []) + [
        f"{ASSETS}/a11y.js"
    ]
    return Settings(
        banner=site.banner.as_dict(),
        footer=footer(site.banner),
        nav=nav,
        not_in_nav=tuple("/" + uri for uri in left_out),
        extra_css=(f"{ASSETS}/lstoolkit.css",),
        extra_javascript=tuple(scripts),
        logo=f"{ASSETS}/logo{site.logo.suffix}" if site.logo else None,
    )


def generated_files(
    site: Site, *, own: Container[str], handouts: bool, paper: str, log: Log, site_name: str
) -> list[Generated]:
    """Every file lstoolkit adds to the site: the handouts (first: pages link each PDF with its
    size), the pages whose path is not in ``own`` (the agency's own page wins), the assets.
    ``site_name`` names the site directory in messages."""
    renderer = site.renderer
    files: list[Generated] = []
    if handouts:
        # Only when PDFs are wanted: the handouts bring their process pool and PDF stages.
        from lstoolkit.dashboard import summary_handout
        from lstoolkit.handouts import render_all_handouts

        view = site.rollup_view
        done = render_all_handouts(
            renderer.adapted,
            renderer.findings,
            overrides=site.overrides,
            paper=paper,
            progress=lambda r: log_handout(r, log),
            extra=[summary_handout(view)] if view and view.rows else [],
        )
        renderer.handouts = {r.handout.name: r for r in done}
        pdfs = [
            Generated(f"handouts/{r.handout.filename}", r.data, handout_key=r.key, leaks=r.leaks)
            for r in done
        ]
        for made in pdfs:
            log_handout_leaks(made, site_name, log)
        files += pdfs
    files += [
        Generated(page.uri, renderer.render(page))
        for page in renderer.pages()
        if page.uri not in own
    ]
    files.append(Generated(f"{ASSETS}/mechanisms.svg", renderer.diagram()))
    files.append(Generated(f"{ASSETS}/mechanisms-narrow.svg", renderer.diagram("narrow")))
    for name in (
        "lstoolkit.css",
        "a11y.js",
        *(["districts.js"] if site.rollup_view is not None else []),
    ):
        files.append(
            Generated(
                f"{ASSETS}/{name}", (templates_dir() / "site" / name).read_text(encoding="utf-8")
            )
        )
    if site.logo:
        files.append(Generated(f"{ASSETS}/logo{site.logo.suffix}", site.logo.data))
    return files


def handouts_wanted(option: bool | str, *, preview: bool) -> bool:
    """The ``handouts`` option: ``auto`` renders them in a build, not in a live preview (unless
    the environment variable LSTOOLKIT_HANDOUTS=1 is set)."""
    if option == "auto":
        return not preview or os.environ.get("LSTOOLKIT_HANDOUTS") == "1"
    return option is True


def theme_layer() -> Path:
    """lstoolkit's theme directory: the version banner, in ``main.html``'s announce block."""
    return templates_dir() / "theme"


def banner_left_out(custom_dir: Path | None, base_dir: Path) -> str | None:
    """A warning when the site's own ``main.html`` replaces lstoolkit's and leaves the banner out."""
    own_main = custom_dir / "main.html" if custom_dir else None
    if (
        own_main
        and own_main.is_file()
        and BANNER_PARTIAL not in own_main.read_text(encoding="utf-8", errors="replace")
    ):
        return (
            f"{os.path.relpath(own_main, base_dir)} replaces lstoolkit's main.html, so pages show no version banner: add "
            f'{{% block announce %}}{{% include "{BANNER_PARTIAL}" %}}{{% endblock %}} to it'
        )
    return None


def leak_message(leak: Leak, where: str) -> str:
    from lstoolkit.leaks import describe

    return describe(leak, where, code=FindingCode.READER_LEAK)


def footer(banner: Banner) -> str:
    """The footer every page carries (printed as HTML: the names are escaped): who publishes,
    when, and the credit the Center asks for."""
    from lstoolkit.banner import long_date

    who = f"{html.escape(banner.agency)}. " if banner.agency else ""
    when = f"Published {html.escape(long_date(banner.published))}. " if banner.published else ""
    return (
        f"{who}{when}Adapted from the prototype toolkit of the Center for Mental Health in Schools at UCLA, "
        "reproduced with its permission."
    )


def log_handout(done: RenderedHandout, log: Log) -> None:
    how = "unchanged" if done.cached else f"rendered in {done.seconds:.1f} s"
    log.info(handout_line(done.handout.filename, done.size, how))


def handout_line(filename: str, size: int, how: str) -> str:
    return f"handout {filename} ({size / 1024:.0f} KB): {how}"


def log_handout_leaks(handout: Generated, site_name: str, log: Log) -> None:
    for leak in handout.leaks:
        log.warning(leak_message(leak, f"{site_name}/{handout.uri} (its HTML)"))


def own_pages(docs_dir: Path, sections: Container[Path]) -> list[str]:
    """The agency's own Markdown pages (not its sections), appended to the generated navigation."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        p.relative_to(docs_dir).as_posix()
        for p in docs_dir.rglob("*.md")
        if p.name != "index.md" and p.resolve() not in sections
    )
