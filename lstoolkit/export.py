"""``lstoolkit build-docs``: the whole site as a plain docs tree, for a builder without plugins.

Zensical reads ``mkdocs.yml`` but runs no plugins. This writes what the plugin adds during a
build (the generated pages, the handouts, the assets, the navigation, the banner's theme layer)
together with the agency's own pages into a directory that any of the three builders builds:

    OUT/mkdocs.yml                    the generated configuration (no plugins)
    OUT/docs/                         the agency's own files, the generated pages, handouts, assets
    OUT/overrides/                    the theme: lstoolkit's layer, the site's custom_dir over it
    OUT/.lstoolkit-build-docs.json    the manifest: every file written, with its SHA-256

The pages come from the plugin's own stage (:mod:`lstoolkit.assemble`). Everything is made in
memory first: a build that fails writes nothing. Then only the files whose bytes changed are
replaced, each whole, and files of the previous build that are gone are removed, so a builder
watching OUT rebuilds only what changed. The output depends on the inputs alone: the same
inputs give the same bytes. OUT is only written when it is new, empty, or holds nothing but
what build-docs wrote (its manifest) and what a builder writes there (``site/``, ``.cache/``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lstoolkit.assemble import (
    MARKDOWN_EXTENSIONS,
    Log,
    Settings,
    Site,
    banner_left_out,
    generated_files,
    handouts_wanted,
    prepare_site,
    site_settings,
    theme_layer,
)
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.output import write_atomically
from lstoolkit.overrides import check_overrides

MANIFEST = ".lstoolkit-build-docs.json"
CONFIG = "mkdocs.yml"
DOCS = "docs"
THEME = "overrides"
#: What builders write into OUT: the site (the generated configuration's site_dir) and
#: Zensical's cache, which it keeps beside the configuration.
BUILDER_OUTPUT = ("site", ".cache")
#: Settings of mkdocs.yml carried into the generated configuration; the others (plugins, hooks,
#: watch, exclude_docs, ...) mean nothing to a build of the generated tree.
CARRIED = (
    "site_name",
    "site_url",
    "site_description",
    "site_author",
    "docs_dir",
    "site_dir",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "edit_uri_template",
    "use_directory_urls",
    "dev_addr",
    "remote_branch",
    "remote_name",
    "theme",
    "nav",
    "not_in_nav",
    "extra_css",
    "extra_javascript",
    "extra_templates",
    "markdown_extensions",
    "extra",
    "validation",
    "strict",
)


@dataclass(frozen=True)
class Tree:
    """A built docs tree in memory: file path under OUT -> bytes; and the inputs to watch."""

    files: Mapping[str, bytes]
    watch: tuple[Path, ...]
    pages: int
    handouts: int


@dataclass(frozen=True)
class Written:
    """What a run of build-docs changed in OUT."""

    changed: int
    removed: int
    unchanged: int


def build_docs(
    config_file: Path, out: Path, *, log: Log, preview: bool = False, strict: bool = False
) -> tuple[Tree, Written]:
    """Build the tree of ``config_file``'s site and write it to ``out``. ``preview``: as for a
    live preview (``handouts: auto`` then renders no PDF). ``strict``: a warning is an error,
    and nothing is written."""
    check_out_dir(out, config_file)
    counted = _Counted(log)
    tree = docs_tree(config_file, out=out, log=counted, preview=preview)
    if strict and counted.warnings:
        raise LstoolkitError(
            f"{counted.warnings} warning{'s' if counted.warnings != 1 else ''} in strict mode, so nothing was written to {out}",
            hint="Fix what the warnings say, or accept a fidelity finding in agency.yml (accept: [LS...]).",
        )
    return tree, write_tree(tree.files, out)


class _Counted:
    """A log that counts its warnings."""

    def __init__(self, log: Log) -> None:
        self.log, self.warnings = log, 0

    def warning(self, msg: str, /) -> None:
        self.warnings += 1
        self.log.warning(msg)

    def info(self, msg: str, /) -> None:
        self.log.info(msg)


def docs_tree(config_file: Path, *, out: Path, log: Log, preview: bool = False) -> Tree:
    """Every file of the tree, in memory: nothing is written."""
    from lstoolkit.plugin import site_options, under_mike

    config, plugin = load_site_config(config_file, log=log)
    base_dir = config_file.resolve().parent
    docs_dir = Path(config.docs_dir)
    custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    for setting, directory in (("docs_dir", docs_dir), ("theme.custom_dir", custom_dir)):
        if directory is not None and out.resolve().is_relative_to(directory.resolve()):
            raise LstoolkitError(
                f"--out {out} is inside the site's {setting} ({os.path.relpath(directory, base_dir)}), which it copies",
                hint="Give a directory outside it, e.g. --out generated.",
            )
    options = site_options(plugin.config, config)
    site = prepare_site(options, base_dir=base_dir, custom_dir=custom_dir, log=log)
    own = own_files(config, site, custom_dir=custom_dir, project=base_dir)
    generated = generated_files(
        site,
        own=own,
        handouts=handouts_wanted(plugin.config.handouts, preview=preview),
        paper=plugin.config.paper,
        log=log,
        site_name=f"{os.path.relpath(out, base_dir)}/site",
    )
    theme = theme_files(
        custom_dir, material=config.theme.name == "material", project=base_dir, log=log
    )
    raw = read_raw_config(config_file, config)
    for name in _plugins_left_out(raw):
        log.warning(
            f"{config_file}: the plugin '{name}' does not run in a build of {out}; only lstoolkit's pages are there"
        )
    settings = site_settings(site, docs_dir=docs_dir, has_nav=raw.get("nav") is not None)
    text = generated_config(raw, settings, theme=bool(theme), mike=under_mike())
    files = {
        CONFIG: f"# Written by lstoolkit build-docs from the site's {config_file.name}: edit that, not this.\n{text}".encode(),
        **{f"{DOCS}/{uri}": data for uri, data in own.items()},
        **{
            f"{DOCS}/{g.uri}": g.content.encode("utf-8")
            if isinstance(g.content, str)
            else g.content
            for g in generated
        },
        **{f"{THEME}/{path}": data for path, data in theme.items()},
    }
    inputs = [
        config_file,
        docs_dir,
        *site.watch,
        *([custom_dir] if custom_dir else []),
        *([options.content] if options.content else []),
    ]
    return Tree(
        files=dict(sorted(files.items())),
        watch=tuple(dict.fromkeys(inputs)),
        pages=sum(1 for uri in [*own, *(g.uri for g in generated)] if uri.endswith(".md")),
        handouts=sum(1 for g in generated if g.uri.startswith("handouts/")),
    )


def own_files(
    config: Any, site: Site, *, custom_dir: Path | None, project: Path
) -> dict[str, bytes]:
    """The files of docs_dir that 'mkdocs build' publishes, by path: not the sections (part of
    their pages), nor excluded files or drafts."""
    from mkdocs.structure.files import get_files

    from lstoolkit.plugin import source_files_left_out

    files = get_files(config)
    for file in source_files_left_out(
        files,
        site.section_files,
        custom_dir=custom_dir,
        docs_dir=Path(config.docs_dir),
        project=project,
    ):
        files.remove(file)
    return {
        f.src_uri: Path(f.abs_src_path).read_bytes()
        for f in files
        if f.abs_src_path and not _excluded(f)
    }


def load_site_config(config_file: Path, *, log: Log) -> tuple[Any, Any]:
    """The site's validated MkDocs configuration and its lstoolkit plugin. MkDocs' own messages
    about the file come out as lstoolkit's: its warnings in ``log``, its errors raised."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from lstoolkit.plugin import LstoolkitPlugin

    if not config_file.is_file():
        raise LstoolkitError(
            f"{config_file} does not exist",
            hint="Give the site's configuration with --config-file, e.g. --config-file mkdocs.yml.",
        )
    hint = "Fix mkdocs.yml; 'mkdocs build' shows the same problem."
    messages = _Collected()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(messages)
    propagate, logger.propagate = logger.propagate, False
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, Abort) as error:
        errors = [r.getMessage() for r in messages.records if r.levelno >= logging.ERROR] or [
            str(error)
        ]
        raise LstoolkitError.collect(
            [
                LstoolkitError(" ".join(message.split()), Location(str(config_file)), hint=hint)
                for message in errors
            ]
        ) from None
    finally:
        logger.removeHandler(messages)
        logger.propagate = propagate
    for record in messages.records:
        if record.levelno == logging.WARNING:
            log.warning(f"{config_file}: {record.getMessage()}")
    plugin = next((p for p in config.plugins.values() if isinstance(p, LstoolkitPlugin)), None)
    if plugin is None or not plugin.config.enabled:
        why = (
            "does not list the lstoolkit plugin"
            if plugin is None
            else "turns the lstoolkit plugin off (enabled: false)"
        )
        raise LstoolkitError(
            f"{why}, so there are no pages to write",
            Location(str(config_file)),
            hint="Add '- lstoolkit: {agency: agency.yml}' under plugins:.",
        )
    return config, plugin


def read_raw_config(config_file: Path, config: Any) -> dict[str, Any]:
    """mkdocs.yml as written (with its INHERIT merged and !ENV values read), for the settings
    carried into the generated configuration as the site wrote them."""
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with config_file.open("rb") as source:
        raw: dict[str, Any] = yaml_load(source, loader=get_yaml_loader(config=config))
    return raw


def _excluded(file: Any) -> bool:
    """Whether 'mkdocs build' leaves a file of docs_dir out (exclude_docs, draft_docs)."""
    return bool(file.inclusion.is_excluded())


class _Collected(logging.Handler):
    """MkDocs' messages while it reads the configuration."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def theme_files(
    custom_dir: Path | None, *, material: bool, project: Path, log: Log
) -> dict[str, bytes]:
    """The one theme directory a builder reads: lstoolkit's layer (the banner; only with the
    material theme), then the site's custom_dir over it, without its lstoolkit/ (page and
    handout templates, read by lstoolkit only)."""
    layers = ([theme_layer()] if material else []) + (
        [custom_dir] if custom_dir and custom_dir.is_dir() else []
    )
    if custom_dir:
        check_overrides([custom_dir], project=project)
        problem = banner_left_out(custom_dir, project) if material else None
        if problem:
            log.warning(problem)
    files: dict[str, bytes] = {}
    for layer in layers:
        for path in _walk_files(layer):
            relative = path.relative_to(layer).as_posix()
            if layer == custom_dir and relative.split("/")[0] == "lstoolkit":
                continue
            files[relative] = path.read_bytes()
    return files


def generated_config(raw: Mapping[str, Any], settings: Settings, *, theme: bool, mike: bool) -> str:
    """The site's mkdocs.yml as a builder of the tree reads it: the settings that mean something
    there, with what the plugin would add (navigation, assets, banner, footer, logo) and no
    plugins."""
    written = {
        **raw,
        "docs_dir": DOCS,
        "site_dir": BUILDER_OUTPUT[0],
        "copyright": raw.get("copyright") or settings.footer,
    }
    if settings.nav is not None:
        written["nav"] = settings.nav
    config = {key: copy.deepcopy(written[key]) for key in CARRIED if key in written}
    lines = [*str(config.get("not_in_nav") or "").splitlines(), *settings.not_in_nav]
    if lines:
        config["not_in_nav"] = "\n".join(lines) + "\n"
    config["extra_css"] = [*(config.get("extra_css") or []), *settings.extra_css]
    config["extra_javascript"] = [
        *(config.get("extra_javascript") or []),
        *settings.extra_javascript,
    ]
    config["markdown_extensions"] = _with_extensions(config.get("markdown_extensions") or [])
    config["theme"] = _theme(config.get("theme"), settings, custom_dir=theme)
    config["extra"] = _extra(config.get("extra") or {}, settings, mike=mike)
    try:
        return yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
    except yaml.YAMLError as error:
        raise LstoolkitError(
            f"a setting of mkdocs.yml cannot be written out: {error}",
            hint="Write the setting as plain YAML.",
        ) from None


def _theme(written: Any, settings: Settings, *, custom_dir: bool) -> dict[str, Any]:
    theme: dict[str, Any] = (
        {"name": written} if isinstance(written, str) else dict(written or {"name": "material"})
    )
    theme.pop("custom_dir", None)
    if custom_dir:
        theme["custom_dir"] = THEME
    theme.setdefault(
        "variant", "classic"
    )  # Zensical's look of Material for MkDocs (MkDocs ignores it)
    if settings.logo:
        theme["logo"] = theme["favicon"] = settings.logo
    return theme


def _extra(extra: Mapping[str, Any], settings: Settings, *, mike: bool) -> dict[str, Any]:
    """extra, with the banner's data; the version selector only for a build under mike, which
    writes the versions.json it reads."""
    result = {**extra, "lstoolkit": settings.banner}
    version = result.get("version")
    if isinstance(version, dict) and version.get("provider") == "mike" and not mike:
        rest = {key: value for key, value in version.items() if key != "provider"}
        if rest:
            result["version"] = rest
        else:
            del result["version"]
    return result


def _with_extensions(extensions: Any) -> list[Any]:
    """The site's Markdown extensions, and those the pages need that it does not list."""
    listed = (
        [{k: v} for k, v in extensions.items()]
        if isinstance(extensions, Mapping)
        else list(extensions)
    )
    names = {e if isinstance(e, str) else next(iter(e)) for e in listed}
    return listed + [name for name in MARKDOWN_EXTENSIONS if name not in names]


def _plugins_left_out(raw: Mapping[str, Any]) -> list[str]:
    """The site's plugins other than lstoolkit and search (every builder has a search)."""
    plugins = raw.get("plugins") or []
    names = (
        list(plugins)
        if isinstance(plugins, Mapping)
        else [p if isinstance(p, str) else next(iter(p)) for p in plugins]
    )
    return [name for name in names if name not in ("lstoolkit", "search")]


class _Dumper(yaml.SafeDumper):
    """Plain YAML, and Python names (e.g. a Markdown extension's function) as
    ``!!python/name:``, which MkDocs and Zensical both read."""


def _represent_name(dumper: yaml.SafeDumper, value: Any) -> yaml.Node:
    return dumper.represent_scalar(
        f"tag:yaml.org,2002:python/name:{value.__module__}.{value.__qualname__}", ""
    )


for _kind in (types.FunctionType, types.BuiltinFunctionType, type):
    _Dumper.add_representer(_kind, _represent_name)


# -- the output directory -------------------------------------------------------------------------


def check_out_dir(out: Path, config_file: Path) -> None:
    """Refuse an output directory holding files build-docs did not write."""
    if out.exists() and not out.is_dir():
        raise LstoolkitError(
            f"{out} is a file, not a directory", hint="Give a new or empty directory with --out."
        )
    if out.resolve() == config_file.resolve().parent:
        raise LstoolkitError(
            f"--out {out} is the site's own directory",
            hint="Give a directory of its own, e.g. --out generated.",
        )
    written = set(read_manifest(out))
    for path in _files_under(out):
        if path not in written:
            raise LstoolkitError(
                f"{out} holds a file that lstoolkit build-docs did not write, so it writes nothing there",
                Location(str(out / path)),
                hint=f"Give a new or empty directory with --out, or move the file out of {out}.",
            )


def read_manifest(out: Path) -> dict[str, str]:
    """The files a previous run wrote into ``out``, with their SHA-256; empty when none."""
    path = out / MANIFEST
    if not path.is_file():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {str(name): str(digest) for name, digest in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise LstoolkitError(
            "the manifest of lstoolkit build-docs cannot be read",
            Location(str(path)),
            hint=f"Delete {out} and run build-docs again.",
        ) from None


def write_tree(files: Mapping[str, bytes], out: Path) -> Written:
    """Make ``out`` hold ``files``: the files whose bytes changed are replaced, each whole, and
    files of the previous run that are gone are removed. The manifest names every file that may
    be there at each moment, so an interrupted run does not make the next one refuse ``out``."""
    previous = read_manifest(out)
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    _write_manifest(out, {**previous, **digests})
    removed = 0
    for path in sorted(set(previous) - set(files)):
        target = out / path
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed += 1
        _remove_empty_parents(target.parent, out)
    changed = 0
    for path, data in files.items():
        target = out / path
        if (
            previous.get(path) != digests[path]
            or not target.is_file()
            or target.read_bytes() != data
        ):
            write_atomically(target, data)
            changed += 1
    _write_manifest(out, digests)
    return Written(changed=changed, removed=removed, unchanged=len(files) - changed)


def _write_manifest(out: Path, digests: Mapping[str, str]) -> None:
    text = json.dumps(
        {"generator": "lstoolkit build-docs", "files": dict(sorted(digests.items()))}, indent=1
    )
    data = (text + "\n").encode()
    manifest = out / MANIFEST
    if not manifest.is_file() or manifest.read_bytes() != data:
        write_atomically(manifest, data)


def _files_under(out: Path) -> Iterator[str]:
    """Every file under ``out`` (links included, not followed), but the builders' output."""
    if not out.is_dir():
        return
    for root, dirs, names in os.walk(out):
        here = Path(root).relative_to(out)
        if here == Path("."):
            dirs[:] = [d for d in dirs if d not in BUILDER_OUTPUT]
            names = [n for n in names if n != MANIFEST]
        dirs.sort()
        for name in [*sorted(names), *(d for d in dirs if (Path(root) / d).is_symlink())]:
            yield (here / name).as_posix()


def _walk_files(directory: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(directory):  # links to directories are not followed
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            yield Path(root) / name


def _remove_empty_parents(directory: Path, out: Path) -> None:
    while directory != out and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


# -- watching the inputs ----------------------------------------------------------------------------


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Each input file's modification time and size (directories walked, hidden names skipped)."""
    seen: dict[str, tuple[int, int]] = {}
    for path in paths:
        for candidate in _input_files(path):
            try:
                status = candidate.stat()
            except OSError:
                continue
            seen[str(candidate)] = (status.st_mtime_ns, status.st_size)
    return seen


def _input_files(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (Path(root) / name for name in sorted(names) if not name.startswith("."))


def watch(
    paths: Callable[[], Iterable[Path]],
    rebuild: Callable[[], None],
    *,
    interval: float = 1.0,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Call ``rebuild`` whenever a file under ``paths()`` changes (polling every ``interval``
    seconds), until ``stop()`` is true or Ctrl-C."""
    before = snapshot(paths())
    try:
        while not stop():
            time.sleep(interval)
            now = snapshot(paths())
            if now != before:
                before = now  # a change saved while it rebuilds is seen at the next look
                rebuild()
    except KeyboardInterrupt:
        pass
