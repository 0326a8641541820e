"""The MkDocs plugin: a thin caller of :mod:`lstoolkit.assemble`, for MkDocs and ProperDocs.

``on_config`` loads, adapts and checks, and gives the configuration what the pages need (the
navigation, the assets, the banner's theme layer); ``on_files`` adds the generated pages,
handouts and assets; ``on_post_page`` runs the leak check on each built page. The same stage
feeds ``lstoolkit build-docs`` (:mod:`lstoolkit.export`) for builders without plugins.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

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

from lstoolkit.assemble import (
    MARKDOWN_EXTENSIONS,
    Preparation,
    SiteLayout,
    SiteOptions,
    banner_left_out,
    handouts_wanted,
    leak_message,
    prepare_or_reuse,
    theme_layer,
)
from lstoolkit.errors import LstoolkitError
from lstoolkit.output import discard, staging_dir, swap_in
from lstoolkit.overrides import unsafe_or_template_files

if TYPE_CHECKING:
    from lstoolkit.render import SiteRenderer

log = get_plugin_logger(__name__)


def flag(value: object) -> bool | None:
    """YAML's ``true``/``false`` (and its yes/no, on/off), or the strings ``"true"``/``"false"``;
    None for anything else (never 1 or 0, which equal True and False)."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value if isinstance(value, bool) else None


class Flag(c.Type[bool]):
    """A boolean option, written either way (:func:`flag`)."""

    def __init__(self, *, default: bool) -> None:
        super().__init__(bool, default=default)

    def run_validation(self, value: object) -> bool:
        if (given := flag(value)) is None:
            raise ValidationError(f"Expected true or false, but received: {value!r}")
        return given


class Handouts(c.Choice[bool | Literal["auto"]]):
    """``auto``, or a boolean written either way (:func:`flag`)."""

    def __init__(self) -> None:
        super().__init__(("auto", True, False), default="auto")

    def run_validation(self, value: object) -> bool | Literal["auto"]:
        if value == "auto":
            return "auto"
        if (given := flag(value)) is None:
            raise ValidationError(f"Expected auto, true or false, but received: {value!r}")
        return given


class LstoolkitConfig(base.Config):
    enabled = Flag(default=True)
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
    cache = Flag(default=True)
    """Keep the prepared site in the user's cache directory and use it again while nothing it is
    made from changes (not for sites with compare_with or rollup)."""


class LstoolkitPlugin(BasePlugin[LstoolkitConfig]):
    preparation: Preparation | None = None  # of the build running, or the last
    command: str | None = None  # None when MkDocs is driven through its Python API
    dirty = False
    staging: Path | None = None
    target: Path | None = None
    custom_dir: Path | None = None
    epoch_set = ""  # the SOURCE_DATE_EPOCH this plugin put in the environment for the build running

    @property
    def renderer(self) -> SiteRenderer | None:
        """The renderer of the site prepared in this build (None when it came from the cache)."""
        site = self.preparation.site if self.preparation else None
        return site.renderer if site else None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self.base_dir = base_dir = config_dir(config)
        self.custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        options = site_options(self.config, config)
        layout = SiteLayout(
            base_dir, self.custom_dir, Path(config.docs_dir), has_nav=config.nav is not None
        )
        try:
            self.preparation = preparation = prepare_or_reuse(
                options,
                layout,
                use_cache=self.config.cache,
                handouts=self._handouts_wanted(),
                log=log,
            )
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit:\n{error}") from None
        prepared = preparation.prepared
        # MkDocs reads the sitemap's dates from the environment only: set it for this build and
        # take it back when the build ends, so that the next build in this process (serve, tests)
        # gets its own. A value the user set is left alone.
        self._forget_epoch()
        if prepared.epoch is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = self.epoch_set = str(prepared.epoch)
        settings = prepared.settings
        config.extra["lstoolkit"] = settings.banner
        config.copyright = config.copyright or settings.footer
        config.watch.extend(str(p) for p in prepared.watch if str(p) not in config.watch)
        _add_theme_layer(config, self.custom_dir, base_dir)
        if settings.nav is not None:
            config.nav = settings.nav
            # Pages left out of the navigation on purpose: tell MkDocs, so --strict does not
            # count them as omitted.
            if settings.not_in_nav:
                existing = (
                    [str(p.pattern) for p in config.not_in_nav.patterns if p.pattern]
                    if config.not_in_nav
                    else []
                )
                config.not_in_nav = GitIgnoreSpec.from_lines([*existing, *settings.not_in_nav])
        _enable_markdown_extensions(config)
        _version_selector_only_under_mike(config, self.command)
        config.extra_css.extend(settings.extra_css)
        config.extra_javascript.extend(settings.extra_javascript)
        # Build beside the site and swap it in when done; not for previews, nor when mike only
        # reads the configuration to learn where the site is.
        if self.command not in ("serve", "mike") and not self.dirty:
            self.target = Path(config.site_dir)
            self.staging = staging_dir(self.target)
            config.site_dir = str(self.staging)
        if settings.logo:
            config.theme["logo"] = config.theme["favicon"] = settings.logo
        return config

    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.preparation is None:
            return files
        try:
            for file in source_files_left_out(
                files,
                self.preparation.prepared.section_files,
                custom_dir=self.custom_dir,
                docs_dir=Path(config.docs_dir),
                project=self.base_dir,
            ):
                files.remove(file)
            generated = self.preparation.files(
                own={f.src_uri for f in files},
                handouts=self._handouts_wanted(),
                paper=self.config.paper,
                log=log,
                site_name=self._site_name(config),
            )
        except LstoolkitError as error:
            raise PluginError(f"lstoolkit:\n{error}") from None
        for made in generated:
            files.append(File.generated(config, made.uri, content=made.content))
        return files

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """The leak check (LS401) on each built page, as its reader will see it."""
        if self.preparation is not None:
            for leak in self.preparation.leaks_in(output):
                log.warning(leak_message(leak, f"{self._site_name(config)}/{page.file.dest_uri}"))
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._forget_epoch()
        if self.preparation is not None:
            self.preparation.keep()
        if self.staging is None or self.target is None:
            return
        if config.strict and _warnings_counted():
            discard(self.staging)  # MkDocs aborts this build right after this event
        else:
            swap_in(self.staging, self.target)
        config.site_dir = str(self.target)
        self.staging = None

    def on_build_error(self, *, error: Exception) -> None:
        self._forget_epoch()
        if self.staging is not None:
            discard(self.staging)
            self.staging = None

    def _forget_epoch(self) -> None:
        """Take back the SOURCE_DATE_EPOCH this plugin set, unless someone changed it since."""
        if self.epoch_set and os.environ.get("SOURCE_DATE_EPOCH") == self.epoch_set:
            del os.environ["SOURCE_DATE_EPOCH"]
        self.epoch_set = ""

    def _site_name(self, config: MkDocsConfig) -> str:
        """The site directory as the user named it (not the staging directory built into)."""
        return (self.target or Path(config.site_dir)).name

    def _handouts_wanted(self) -> bool:
        return handouts_wanted(self.config.handouts, preview=self.command == "serve")


def config_dir(config: MkDocsConfig) -> Path:
    """The directory of mkdocs.yml, which the options' paths are relative to."""
    return Path(config.config_file_path or ".").resolve().parent


def site_options(options: LstoolkitConfig, config: MkDocsConfig) -> SiteOptions:
    """The plugin's options with their paths under the configuration's directory. MkDocs made
    them absolute; they are kept as written below it, so that messages show them as in mkdocs.yml."""
    base_dir = config_dir(config)
    written_from = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))

    def resolve(value: str | None) -> Path | None:
        return base_dir / os.path.relpath(value, written_from) if value else None

    return SiteOptions(
        agency=resolve(options.agency),
        content=resolve(options.content),
        root=resolve(options.root),
        paper=options.paper,
        compare_with=options.compare_with,
        rollup=options.rollup,
    )


def source_files_left_out(
    files: Files,
    section_files: frozenset[Path],
    *,
    custom_dir: Path | None,
    docs_dir: Path,
    project: Path,
) -> list[File]:
    """The files of docs_dir and the theme not to publish: override templates, and the sections
    (a section in docs/ is part of its page, not a page of its own). Raises on a file linked in
    from outside its directory."""
    dropped = unsafe_or_template_files(
        files, custom_dir=custom_dir, docs_dir=docs_dir, project=project
    )
    sections = [
        f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve() in section_files
    ]
    return [*dropped, *(f for f in sections if f not in dropped)]


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
    if isinstance(version, dict) and version.get("provider") == "mike" and not under_mike(command):
        config.extra["version"] = {
            key: value for key, value in version.items() if key != "provider"
        } or None


def under_mike(command: str | None = None) -> bool:
    """Whether mike runs this build (it sets MIKE_DOCS_VERSION for the builder it starts)."""
    return command == "mike" or bool(os.environ.get("MIKE_DOCS_VERSION"))


def _add_theme_layer(config: MkDocsConfig, custom_dir: Path | None, base_dir: Path) -> None:
    """Put lstoolkit's theme directory (the version banner) in Material's search path, after the
    site's custom_dir, whose templates win, and before Material's own."""
    if config.theme.name != "material":
        return
    layer = str(theme_layer())
    if layer not in config.theme.dirs:
        config.theme.dirs.insert(1 if custom_dir else 0, layer)
    problem = banner_left_out(custom_dir, base_dir)
    if problem:
        log.warning(problem)


def _warnings_counted() -> bool:
    """Whether the builder has counted warnings in this build (so --strict will abort it): MkDocs
    counts them on its 'mkdocs' logger, ProperDocs on its 'properdocs' logger."""
    handlers = [*logging.getLogger("mkdocs").handlers, *logging.getLogger("properdocs").handlers]
    return any(isinstance(h, CountHandler) and h.get_counts() for h in handlers)
