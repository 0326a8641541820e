"""The MkDocs plugin: load, adapt and check in ``on_config``; add the pages in ``on_files``.

Everything of substance happens in plain modules (:mod:`lstoolkit.load`, :mod:`~lstoolkit.adapt`,
:mod:`~lstoolkit.check`, :mod:`~lstoolkit.render`); this class only wires them to MkDocs events.
"""

from __future__ import annotations

import html
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from pathspec import GitIgnoreSpec

from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.codes import FindingCode
from lstoolkit.dashboard import (
    RollupView,
    rollup_navigation,
    rollup_pages,
    rollup_view,
    summary_handout,
)
from lstoolkit.diff import what_changed
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Severity
from lstoolkit.handouts import RenderedHandout, render_all_handouts
from lstoolkit.layers import Layer, Logo, nearest_logo, read_chain, section_files
from lstoolkit.leaks import Leak, describe, leaks_in_html
from lstoolkit.load import load_content
from lstoolkit.output import discard, staging_dir, swap_in
from lstoolkit.overrides import check_overrides, unsafe_or_template_files
from lstoolkit.render import (
    NAV_SECTION_LIMIT,
    SiteRenderer,
    page_environment,
    pages_left_out_of_navigation,
    site_navigation,
    source_links,
    templates_dir,
)
from lstoolkit.rollup import district_sources, rollup, summary_line
from lstoolkit.versions import Banner, long_date, source_date_epoch, version_banner

log = get_plugin_logger(__name__)

ASSETS = "assets/lstoolkit"
BANNER_PARTIAL = "partials/lstoolkit-banner.html"


class Handouts(c.Choice[bool | Literal["auto"]]):
    """``auto``, or a boolean: YAML's ``true``/``false``, or the strings ``"true"``/``"false"``."""

    def __init__(self) -> None:
        super().__init__(("auto", True, False), default="auto")

    def run_validation(self, value: object) -> bool | Literal["auto"]:
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if value == "auto" or isinstance(value, bool):  # never 1 or 0, which equal True and False
            return "auto" if value == "auto" else bool(value)
        raise ValidationError(f"Expected auto, true or false, but received: {value!r}")


class LstoolkitConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it."""
    agency = c.Optional(c.File(exists=True))
    """Customization file, relative to mkdocs.yml; unset publishes the prototype itself."""
    content = c.Optional(c.Dir(exists=True))
    """Content tree to use instead of the bundled prototype, relative to mkdocs.yml."""
    root = c.Optional(c.Dir(exists=True))
    """Project root that 'extends' and 'logo' must stay inside, relative to mkdocs.yml
    (default: the git repository)."""
    handouts = Handouts()
    """PDF handouts: true, false, or auto, which renders them in 'mkdocs build' and not in
    'mkdocs serve' (unless the environment variable LSTOOLKIT_HANDOUTS=1 is set)."""
    paper = c.Choice(("letter", "a4"), default="letter")
    """Paper size of the handouts."""
    compare_with = c.Optional(c.Type(str))
    """A git revision (e.g. the tag of the previous version): adds a 'What changed' page."""
    rollup = c.Optional(c.Type(str))
    """The state's districts, relative to mkdocs.yml: a folder of their checkouts, or a manifest
    listing them. Adds a dashboard of the districts, a page for each, and a summary PDF."""


class LstoolkitPlugin(BasePlugin[LstoolkitConfig]):
    renderer: SiteRenderer | None = None
    logo: Logo | None = None
    command: str | None = None  # None when MkDocs is driven through its Python API
    dirty = False
    staging: Path | None = None
    target: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        base_dir = Path(config.config_file_path or ".").resolve().parent
        # MkDocs made the path options absolute against the configuration's directory; keep them
        # as written below it, so that messages show them as in mkdocs.yml.
        config_dir = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        resolve = lambda value: base_dir / os.path.relpath(value, config_dir) if value else None  # noqa: E731
        try:
            tree = load_content(resolve(self.config.content))
            agency = resolve(self.config.agency)
            layers: tuple[Layer, ...] = (
                read_chain(agency, root=resolve(self.config.root), display_base=base_dir) if agency else ()
            )
            adapted = adapt(tree, layers)
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit:\n{error}") from None
        findings = check_adapted(adapted)
        epoch = source_date_epoch(layers)
        if epoch is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # MkDocs' sitemap dates: reproducible
        banner = version_banner(adapted, findings)
        config.extra["lstoolkit"] = banner.as_dict()
        if not config.copyright:
            config.copyright = footer(banner)
        for finding in findings:
            emit = log.warning if finding.severity is Severity.WARNING else log.info
            emit(f"{finding.location}: {finding.code} {finding.message}")
        self.section_files = set(section_files(layers))
        config.watch.extend(str(p) for p in [*(layer.path for layer in layers), *sorted(self.section_files)] if str(p) not in config.watch)
        self.custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        _add_theme_layer(config, self.custom_dir, base_dir)
        self.overrides = [self.custom_dir / "lstoolkit"] if self.custom_dir else []
        self.base_dir = base_dir
        try:
            check_overrides(self.overrides, project=base_dir)
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit:\n{error}") from None
        self.allowed_links = source_links(adapted.toolkit)
        environment = page_environment(self.overrides)
        self.renderer = SiteRenderer(adapted, findings, environment)
        if self.config.compare_with and agency:
            try:
                self.renderer.changes = what_changed(
                    tree, agency, adapted, findings, self.config.compare_with,
                    root=resolve(self.config.root), display_base=base_dir,
                )
            except LstoolkitError as error:
                raise PluginError(f"lstoolkit: compare_with: {error}") from None
        self.rollup_view = None
        if self.config.rollup:
            districts = base_dir / self.config.rollup  # a plain string, relative to mkdocs.yml
            self.rollup_view = self._roll_up(agency, districts, resolve, base_dir)
            config.watch.append(str(districts))
            config.extra_javascript.append(f"{ASSETS}/districts.js")
        if config.nav is None:
            config.nav = site_navigation(self.renderer, _own_pages(Path(config.docs_dir), self.section_files))
            left_out = pages_left_out_of_navigation(config.nav, (p.uri for p in self.renderer.pages()))
            if left_out:  # intended: tell MkDocs, so --strict does not count them as omitted
                existing = [str(p.pattern) for p in config.not_in_nav.patterns if p.pattern] if config.not_in_nav else []
                config.not_in_nav = GitIgnoreSpec.from_lines([*existing, *("/" + uri for uri in left_out)])
        _enable_markdown_extensions(config)
        _version_selector_only_under_mike(config, self.command)
        config.extra_css.append(f"{ASSETS}/lstoolkit.css")
        config.extra_javascript.append(f"{ASSETS}/a11y.js")
        # Build beside the site and swap it in when done; not for previews, nor when mike only
        # reads the configuration to learn where the site is.
        if self.command not in ("serve", "mike") and not self.dirty:
            self.target = Path(config.site_dir)
            self.staging = staging_dir(self.target)
            config.site_dir = str(self.staging)
        self.logo = nearest_logo(layers)
        if self.logo:
            config.theme["logo"] = config.theme["favicon"] = f"{ASSETS}/logo{self.logo.suffix}"
        return config

    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.renderer is None:
            return files
        try:
            for file in unsafe_or_template_files(files, custom_dir=self.custom_dir, docs_dir=Path(config.docs_dir), project=self.base_dir):
                files.remove(file)
            for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve() in self.section_files]:
                files.remove(file)  # a section in docs/ is part of its page, not a page of its own
            if self._handouts_wanted():  # before the pages, which link each PDF with its size
                done = render_all_handouts(
                    self.renderer.adapted, self.renderer.findings, overrides=self.overrides,
                    paper=self.config.paper, progress=_log_handout,
                    extra=[summary_handout(self.rollup_view)] if self.rollup_view and self.rollup_view.rows else [],
                )
                self.renderer.handouts = {r.handout.name: r for r in done}
                for r in done:
                    for leak in r.leaks:
                        log.warning(leak_message(leak, f"{self._site_name(config)}/handouts/{r.handout.filename} (its HTML)"))
                for r in done:
                    files.append(File.generated(config, f"handouts/{r.handout.filename}", content=r.data))
            for page in self.renderer.pages():
                if files.get_file_from_path(page.uri) is None:  # the agency's own page wins
                    files.append(File.generated(config, page.uri, content=self.renderer.render(page)))
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit:\n{error}") from None
        files.append(File.generated(config, f"{ASSETS}/mechanisms.svg", content=self.renderer.diagram()))
        files.append(File.generated(config, f"{ASSETS}/mechanisms-narrow.svg", content=self.renderer.diagram("narrow")))
        css = (templates_dir() / "site" / "lstoolkit.css").read_text(encoding="utf-8")
        files.append(File.generated(config, f"{ASSETS}/lstoolkit.css", content=css))
        script = (templates_dir() / "site" / "a11y.js").read_text(encoding="utf-8")
        files.append(File.generated(config, f"{ASSETS}/a11y.js", content=script))
        if self.rollup_view is not None:
            script = (templates_dir() / "site" / "districts.js").read_text(encoding="utf-8")
            files.append(File.generated(config, f"{ASSETS}/districts.js", content=script))
        if self.logo:
            uri = f"{ASSETS}/logo{self.logo.suffix}"
            files.append(File.generated(config, uri, content=self.logo.data))
        return files


    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """The leak check (LS401) on each built page, as its reader will see it."""
        if self.renderer is not None:
            for leak in leaks_in_html(output, allowed_links=self.allowed_links):
                log.warning(leak_message(leak, f"{self._site_name(config)}/{page.file.dest_uri}"))
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.staging is None or self.target is None:
            return
        if config.strict and _warnings_counted():
            discard(self.staging)  # MkDocs aborts this build right after this event
        else:
            swap_in(self.staging, self.target)
        config.site_dir = str(self.target)
        self.staging = None

    def on_build_error(self, *, error: Exception) -> None:
        if self.staging is not None:
            discard(self.staging)
            self.staging = None

    def _roll_up(
        self, agency: Path | None, where: Path, resolve: Callable[[str | None], Path | None], base_dir: Path
    ) -> RollupView:
        """Resolve the state's districts and add their pages (the ``rollup`` option)."""
        assert self.renderer is not None
        if agency is None:
            raise PluginError("lstoolkit: rollup: set 'agency' to the state's customization file; the districts extend it")
        if not where.exists():
            raise PluginError(
                f"lstoolkit: rollup: '{self.config.rollup}' does not exist. Give the folder holding one checkout "
                "per district, or a manifest listing them, relative to mkdocs.yml."
            )
        started = time.perf_counter()
        try:
            sources = district_sources(where, state_file=agency)
            reports = rollup(
                agency, sources, root=resolve(self.config.root), content_dir=resolve(self.config.content),
                display_base=base_dir,
            )
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit: rollup:\n{error}") from None
        for report in reports:
            if report.broken:  # shown on the dashboard; the state's own build does not fail
                log.info(f"rollup: a district cannot be read: {report.error}")
        log.info(f"rollup: {summary_line(reports)} ({time.perf_counter() - started:.1f} s)")
        view = rollup_view(reports, self.renderer.adapted)
        self.renderer.extra_pages = rollup_pages(view)
        self.renderer.extra_navigation = [rollup_navigation(view, NAV_SECTION_LIMIT)]
        return view

    def _site_name(self, config: MkDocsConfig) -> str:
        """The site directory as the user named it (not the staging directory built into)."""
        return (self.target or Path(config.site_dir)).name

    def _handouts_wanted(self) -> bool:
        if self.config.handouts == "auto":
            return self.command != "serve" or os.environ.get("LSTOOLKIT_HANDOUTS") == "1"
        return self.config.handouts is True


#: The Markdown extensions the generated pages are written for (attribute lists give anchors,
#: admonitions and details the notes and the collapsible "From the toolkit" blocks).
MARKDOWN_EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition", "pymdownx.details", "toc")


def _enable_markdown_extensions(config: MkDocsConfig) -> None:
    """Add the extensions the pages need to a site whose mkdocs.yml does not list them, so no
    page shows their syntax as text."""
    for name in MARKDOWN_EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)


def _version_selector_only_under_mike(config: MkDocsConfig, command: str | None) -> None:
    """The theme's version selector fetches ``versions.json``, which only mike writes: a site
    built or served without mike would request a missing file on every page."""
    version = config.extra.get("version")
    under_mike = command == "mike" or bool(os.environ.get("MIKE_DOCS_VERSION"))
    if isinstance(version, dict) and version.get("provider") == "mike" and not under_mike:
        config.extra["version"] = {key: value for key, value in version.items() if key != "provider"} or None


def leak_message(leak: Leak, where: str) -> str:
    return describe(leak, where, code=FindingCode.READER_LEAK)


def footer(banner: Banner) -> str:
    """The footer every page carries (MkDocs prints it as HTML: the names are escaped): who
    publishes, when, and the credit the Center asks for."""
    who = f"{html.escape(banner.agency)}. " if banner.agency else ""
    when = f"Published {html.escape(long_date(banner.published))}. " if banner.published else ""
    return (
        f"{who}{when}Adapted from the prototype toolkit of the Center for Mental Health in Schools at UCLA, "
        "reproduced with its permission."
    )


def _add_theme_layer(config: MkDocsConfig, custom_dir: Path | None, base_dir: Path) -> None:
    """Put lstoolkit's theme directory (the version banner) in Material's search path, after the
    site's custom_dir, whose templates win, and before Material's own."""
    if config.theme.name != "material":
        return
    layer = str(templates_dir() / "theme")
    if layer not in config.theme.dirs:
        config.theme.dirs.insert(1 if custom_dir else 0, layer)
    own_main = custom_dir / "main.html" if custom_dir else None
    if own_main and own_main.is_file() and BANNER_PARTIAL not in own_main.read_text(encoding="utf-8", errors="replace"):
        log.warning(
            f"{os.path.relpath(own_main, base_dir)} replaces lstoolkit's main.html, so pages show no version banner: add "
            f'{{% block announce %}}{{% include "{BANNER_PARTIAL}" %}}{{% endblock %}} to it'
        )


def _warnings_counted() -> bool:
    """Whether MkDocs has counted warnings in this build (so --strict will abort it)."""
    handlers = logging.getLogger("mkdocs").handlers
    return any(isinstance(h, CountHandler) and h.get_counts() for h in handlers)


def _log_handout(done: RenderedHandout) -> None:
    how = "unchanged" if done.cached else f"rendered in {done.seconds:.1f} s"
    log.info(f"handout {done.handout.filename} ({done.size / 1024:.0f} KB): {how}")


def _own_pages(docs_dir: Path, sections: set[Path]) -> list[str]:
    """The agency's own Markdown pages (not its sections), appended to the generated navigation."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")
        if p.name != "index.md" and p.resolve() not in sections
    )
