"""What lstoolkit keeps between builds: the rendered PDFs (:mod:`lstoolkit.handouts`) and each
site's prepared pages.

Preparing a site (reading, adapting and checking the toolkit, rendering its pages) is most of
what lstoolkit adds to a build, and a rebuild, a live preview or another build of the same
version gets the same result as last time. So each site keeps its last result here, one entry per
site, with a record of everything it was made from:

- the customization files of the chain, their sections and logos, and the content tree, byte for
  byte (by their SHA-256), each where its path leads;
- the override templates (which files, and their bytes);
- the agency's own pages (which files: they change the navigation), whether the site has its own
  navigation, the directory the build runs in;
- lstoolkit's own files (by size and modification time), and the versions of Python and of the
  libraries that render;
- the git commit that dates a version not yet adopted;
- with handouts, each PDF's name in the handout cache and a hash of its bytes, and the versions
  of what renders them.

A build takes the entry only when all of these are the same; else it prepares the site again and
replaces the entry. The entry also keeps the leak check of each built page, by the page's hash.

Entries are JSON, read as data and checked before use: never unpickled, never run. They live in
the user's cache directory, never in the project, whose files come from pull requests. A site
that compares with a git revision or rolls up districts is prepared every time: what it reads
(another revision's files, the districts' checkouts) is not recorded here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lstoolkit.output import write_atomically

if TYPE_CHECKING:
    from lstoolkit.assemble import Generated, Settings
    from lstoolkit.leaks import Leak

#: The environment variable that moves the cache (default: the user's cache directory).
CACHE_VARIABLE = "LSTOOLKIT_CACHE_DIR"
#: The layout of a site entry; an entry of another layout is not read.
FORMAT = 1
#: How many sites' entries are kept: those built most recently.
KEPT_SITES = 50


def cache_root() -> Path:
    """Where lstoolkit keeps things between builds: ``$LSTOOLKIT_CACHE_DIR``, else the user's
    cache directory (``~/.cache/lstoolkit`` on Linux); never inside the project."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("lstoolkit")


def site_cache_dir() -> Path:
    return cache_root() / "sites"


def handout_cache_dir() -> Path:
    """The rendered PDFs, by the hash of what decides their bytes (:mod:`lstoolkit.handouts`)."""
    return cache_root() / "handouts"


@dataclass(frozen=True)
class Input:
    """A file a site was made from: where its path led, and a hash of its bytes (None: absent)."""

    path: str
    leads_to: str
    digest: str | None

    @classmethod
    def now(cls, path: Path) -> Input:
        try:
            digest: str | None = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:  # absent, or unreadable: the build that prepares it says why
            digest = None
        return cls(str(path), os.path.realpath(path), digest)


@dataclass(frozen=True)
class Prepared:
    """What a build takes from lstoolkit before its files: the same whether the site was prepared
    now or taken from the cache."""

    messages: tuple[tuple[str, str], ...]  # ("warning" or "info", text), as logged
    epoch: int | None  # SOURCE_DATE_EPOCH
    settings: Settings
    section_files: frozenset[Path]
    allowed_links: frozenset[str]  # for the leak check
    watch: tuple[Path, ...]


@dataclass
class SiteEntry:
    """One site's entry: what it was made from, and what it gave."""

    context: dict[str, Any]
    inputs: tuple[Input, ...]
    commit_query: tuple[str, tuple[str, ...]] | None  # what dates it, when a commit does
    prepared: Prepared
    files: tuple[Generated, ...]
    leaks: dict[str, list[Leak]] = field(default_factory=dict)  # by page_digest()


class SiteCache:
    """The entry of one site (named by its configuration: the plugin's options and folders)."""

    def __init__(self, identity: Mapping[str, Any], context: Mapping[str, Any]) -> None:
        key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
        self.path = site_cache_dir() / f"{key[:32]}.json"
        self.context = dict(context)
        self.pages_checked: dict[str, list[Leak]] = {}  # this build's leak checks

    def load(self) -> SiteEntry | None:
        """The entry, if it is whole and everything it was made from is unchanged."""
        try:
            entry = _entry_from_json(json.loads(self.path.read_bytes()))
        except (OSError, ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None
        if entry is None or entry.context != self.context or not _unchanged(entry):
            return None
        try:
            os.utime(self.path)  # built most recently: kept the longest
        except OSError:
            pass
        return entry

    def save(self, entry: SiteEntry) -> None:
        """Write the entry (atomically), with this build's leak checks in place of the last."""
        entry.leaks = dict(self.pages_checked)
        try:
            write_atomically(self.path, json.dumps(_entry_to_json(entry)).encode())
            _keep_recent(self.path.parent, KEPT_SITES)
        except OSError:
            pass  # a cache that cannot be written costs time, never the build


def _keep_recent(directory: Path, count: int) -> None:
    """Delete all but the ``count`` entries built most recently."""
    entries = []
    for path in directory.glob("*.json"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:  # deleted meanwhile by another build
            continue
    for _, path in sorted(entries, reverse=True)[count:]:
        path.unlink(missing_ok=True)


def site_context(
    *,
    docs_dir: Path,
    has_nav: bool,
    overrides: Path | None,
    packages: Iterable[Path],
    handouts: bool,
) -> dict[str, Any]:
    """What every build of a site reads besides the recorded files (see the module's docs)."""
    from importlib.metadata import version

    import jinja2
    import markdown
    import yaml

    return {
        # The handouts, and what renders them (their PDFs are kept by a hash of their HTML).
        "handouts": [version(name) for name in ("weasyprint", "pydyf", "pikepdf")]
        if handouts
        else None,
        "format": FORMAT,
        "python": sys.version,
        "libraries": [jinja2.__version__, markdown.__version__, yaml.__version__],
        "lstoolkit": _fingerprint(packages),
        "own_pages": _listing(docs_dir, "*.md"),
        "has_nav": has_nav,
        "overrides": _listing(overrides, "*") if overrides else [],
        "cwd": os.getcwd(),  # some messages name files from it
    }


def page_digest(html: str, allowed_links: Iterable[str]) -> str:
    """What a page's leak check depends on: its HTML and the links it may make."""
    digest = hashlib.sha256(html.encode())
    digest.update("\n".join(sorted(allowed_links)).encode())
    return digest.hexdigest()


def _fingerprint(directories: Iterable[Path]) -> str:
    """lstoolkit's own files (code, templates, bundled content, catalogues), by size and time."""
    digest = hashlib.sha256()
    for directory in directories:
        for root, dirs, names in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _listing(directory: Path, pattern: str) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob(pattern)
        if pattern != "*" or not p.is_dir()
    )


def _unchanged(entry: SiteEntry) -> bool:
    if any(Input.now(Path(recorded.path)) != recorded for recorded in entry.inputs):
        return False
    if entry.commit_query is not None:
        from lstoolkit.dates import last_commit

        return last_commit(*entry.commit_query) == entry.prepared.epoch
    return True


# -- JSON: written from the dataclasses, read back with every field's type checked -------------


def _entry_to_json(entry: SiteEntry) -> dict[str, Any]:
    prepared, settings = entry.prepared, entry.prepared.settings
    return {
        "format": FORMAT,
        "context": entry.context,
        "inputs": [[i.path, i.leads_to, i.digest] for i in entry.inputs],
        "commit_query": list(entry.commit_query) if entry.commit_query else None,
        "messages": [list(m) for m in prepared.messages],
        "epoch": prepared.epoch,
        "settings": {
            "banner": settings.banner,
            "footer": settings.footer,
            "nav": settings.nav,
            "not_in_nav": list(settings.not_in_nav),
            "extra_css": list(settings.extra_css),
            "extra_javascript": list(settings.extra_javascript),
            "logo": settings.logo,
        },
        "section_files": sorted(str(p) for p in prepared.section_files),
        "allowed_links": sorted(prepared.allowed_links),
        "watch": [str(p) for p in prepared.watch],
        "files": [_file_to_json(f) for f in entry.files],
        "leaks": {
            digest: [_leak_to_json(leak) for leak in leaks] for digest, leaks in entry.leaks.items()
        },
    }


def _entry_from_json(data: Any) -> SiteEntry | None:
    from lstoolkit.assemble import Settings

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    s = _typed(data["settings"], dict)
    settings = Settings(
        banner={_typed(k, str): _typed(v, str) for k, v in _typed(s["banner"], dict).items()},
        footer=_typed(s["footer"], str),
        nav=_nav(s["nav"]),
        not_in_nav=_strings(s["not_in_nav"]),
        extra_css=_strings(s["extra_css"]),
        extra_javascript=_strings(s["extra_javascript"]),
        logo=None if s["logo"] is None else _typed(s["logo"], str),
    )
    query = data["commit_query"]
    epoch = data["epoch"]
    prepared = Prepared(
        messages=tuple(
            (_choice(level, ("warning", "info")), _typed(text, str))
            for level, text in _typed(data["messages"], list)
        ),
        epoch=None if epoch is None else _typed(epoch, int),
        settings=settings,
        section_files=frozenset(Path(p) for p in _strings(data["section_files"])),
        allowed_links=frozenset(_strings(data["allowed_links"])),
        watch=tuple(Path(p) for p in _strings(data["watch"])),
    )
    files = [_file(f) for f in _typed(data["files"], list)]
    return SiteEntry(
        context=_typed(data["context"], dict),
        inputs=tuple(
            Input(_typed(p, str), _typed(t, str), None if d is None else _typed(d, str))
            for p, t, d in _typed(data["inputs"], list)
        ),
        commit_query=None if query is None else (_typed(query[0], str), _strings(query[1])),
        prepared=prepared,
        files=tuple(files),
        leaks={
            _typed(digest, str): [_leak(leak) for leak in _typed(leaks, list)]
            for digest, leaks in _typed(data["leaks"], dict).items()
        },
    )


def _file_to_json(made: Generated) -> dict[str, Any]:
    if made.handout_key:  # the PDF stays in the handout cache; the entry names it
        assert isinstance(made.content, bytes)
        return {
            "uri": made.uri,
            "handout": made.handout_key,
            "sha256": hashlib.sha256(made.content).hexdigest(),
            "leaks": [_leak_to_json(leak) for leak in made.leaks],
        }
    if isinstance(made.content, str):
        return {"uri": made.uri, "text": made.content}
    return {"uri": made.uri, "base64": base64.b64encode(made.content).decode()}


def _file(value: Any) -> Generated:
    """A file of the entry; a handout is read from the handout cache, and must be the PDF the
    entry was made with."""
    from lstoolkit.assemble import Generated

    made = _typed(value, dict)
    uri = _typed(made["uri"], str)
    if "text" in made:
        return Generated(uri, _typed(made["text"], str))
    if "base64" in made:
        return Generated(uri, base64.b64decode(_typed(made["base64"], str), validate=True))
    key = _typed(made["handout"], str)
    if not key.isalnum():
        raise ValueError("a handout's key is a hash")
    data = (handout_cache_dir() / f"{key}.pdf").read_bytes()  # OSError: not kept any more
    if hashlib.sha256(data).hexdigest() != _typed(made["sha256"], str):
        raise ValueError("another PDF")
    leaks = tuple(_leak(leak) for leak in _typed(made["leaks"], list))
    return Generated(uri, data, handout_key=key, leaks=leaks)


def _leak_to_json(leak: Leak) -> list[Any]:
    return [leak.rule, leak.excerpt, leak.line]


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}")
    return value


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"expected one of {choices}")
    return str(value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(_typed(v, str) for v in _typed(value, list))


def _nav(value: Any) -> Any:
    """A navigation as MkDocs takes it: lists of titles mapped to paths or to lists."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_nav(v) for v in value]
    return {_typed(k, str): _nav(v) for k, v in _typed(value, dict).items()}


def _leak(value: Any) -> Leak:
    from lstoolkit.leaks import RULES, Leak

    rule, excerpt, line = _typed(value, list)
    _choice(rule, tuple(r.name for r in RULES))
    return Leak(rule, _typed(excerpt, str), _typed(line, int))
