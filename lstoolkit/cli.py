"""Command line: argument parsing and the one error boundary.

Subcommands import what only they need (site rendering, PDFs, git, mike) when they run, so that
``lstoolkit check``, the command run most often, starts fast.

Each subcommand is a plain function of parsed arguments returning an exit status. An
:class:`~lstoolkit.errors.LstoolkitError` anywhere becomes ``error: ...`` lines on stderr and
exit status 1; ``--debug`` re-raises it with its traceback instead.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lstoolkit import __version__, rollup
from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import Node, iter_nodes
from lstoolkit.check import check_adapted, log_changes
from lstoolkit.errors import LstoolkitError, suggest
from lstoolkit.findings import Finding, codes_reference, fails, format_findings, troubleshooting
from lstoolkit.layers import Layer, agency_schema, read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.models import COLLECTIONS
from lstoolkit.schema import collection_file_schema

if TYPE_CHECKING:
    from lstoolkit.diff import Side

#: The agency file every command uses when none is given and the current directory holds one.
DEFAULT_AGENCY = Path("agency.yml")
AGENCY_HELP = "./agency.yml when there is one, else the prototype alone"
CONTENT_ONLY_HELP = (
    "the content alone (the bundled prototype, or --content), even when ./agency.yml exists"
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.command(args)
    except LstoolkitError as error:
        if args.debug:
            raise
        for problem in error.problems:
            print(f"error: {problem.format()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (lstoolkit addresses | head): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return status


def _global_options(*, given_after_command: bool) -> argparse.ArgumentParser:
    """``--debug`` and ``--content``, accepted before the command and after it. After it they
    have no default, so that an option given before the command is not reset."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if given_after_command else False,
        help="show tracebacks on errors",
    )
    options.add_argument(
        "--content",
        type=Path,
        default=argparse.SUPPRESS if given_after_command else None,
        metavar="DIR",
        help="content tree to use instead of the bundled prototype",
    )
    return options


def _parser() -> argparse.ArgumentParser:
    common = _global_options(given_after_command=True)
    parser = argparse.ArgumentParser(
        prog="lstoolkit",
        description="Adapt, check and publish a Learning Supports toolkit.",
        parents=[_global_options(given_after_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"lstoolkit {__version__}")
    parser.set_defaults(command=lambda args: _print_help(parser), debug=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        parents=[common],
        help="check the content, or resolve an agency file's chain and report fidelity findings",
    )
    check.add_argument(
        "file", nargs="?", type=Path, help=f"customization file (default: {AGENCY_HELP})"
    )
    check.add_argument("--content-only", action="store_true", help=CONTENT_ONLY_HELP)
    check.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root that 'extends' and 'logo' must stay inside "
        "(default: the enclosing git repository, else the current directory if it holds the file)",
    )
    check.set_defaults(command=run_check)

    addresses = commands.add_parser(
        "addresses",
        parents=[common],
        help="print every address with its text, after an agency file's chain when there is one",
    )
    addresses.add_argument(
        "what",
        nargs="*",
        metavar="FILE|PREFIX",
        help=f"an agency file (default: {AGENCY_HELP}) and address prefixes to list, "
        "e.g. values or mechanisms/steering-body",
    )
    addresses.add_argument(
        "--agency", type=Path, default=None, metavar="FILE", help="the agency file"
    )
    addresses.add_argument("--content-only", action="store_true", help=CONTENT_ONLY_HELP)
    addresses.add_argument(
        "--root", type=Path, default=None, help="project root (see 'check --root')"
    )
    addresses.set_defaults(command=run_addresses)

    handouts = commands.add_parser(
        "handouts", parents=[common], help="render the PDF handouts without building the site"
    )
    handouts.add_argument(
        "file", nargs="?", type=Path, help=f"customization file (default: {AGENCY_HELP})"
    )
    handouts.add_argument("--content-only", action="store_true", help=CONTENT_ONLY_HELP)
    handouts.add_argument(
        "--only", action="append", metavar="NAME", help="render only this handout (repeatable)"
    )
    handouts.add_argument(
        "--out", type=Path, default=Path("handouts"), metavar="DIR", help="output directory"
    )
    handouts.add_argument("--paper", choices=["letter", "a4"], default="letter")
    handouts.add_argument(
        "--jobs", type=int, default=None, help="parallel renderers (default: one per core)"
    )
    handouts.add_argument(
        "--root", type=Path, default=None, help="project root (see 'check --root')"
    )
    handouts.set_defaults(command=run_handouts)

    diff = commands.add_parser(
        "diff",
        parents=[common],
        help="what changes between two versions: two git revisions, or two agency files",
    )
    diff.add_argument("old", help="a git revision (tag, branch, commit) or an agency file")
    diff.add_argument(
        "new",
        nargs="?",
        default=None,
        help="a revision or an agency file (default: the working tree)",
    )
    diff.add_argument(
        "--agency",
        type=Path,
        default=Path("agency.yml"),
        help="the agency file, for revisions (default: ./agency.yml)",
    )
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    diff.add_argument(
        "--exit-code", action="store_true", help="exit 1 when they differ, as git diff does"
    )
    diff.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root (see 'check --root'), e.g. .. for a parent layer in a sibling checkout",
    )
    diff.add_argument(
        "--parent-rev",
        action="append",
        default=[],
        metavar="REV",
        help="the revision of a parent layer in a separate (sibling) checkout, for OLD; give it again for NEW "
        "(default: the commit agency.lock records for it at that revision, else that checkout's working tree)",
    )
    diff.set_defaults(command=run_diff)

    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="deploy this version of the site with mike (adopted: shown, as latest; draft: hidden, as draft "
        "until adopted or superseded)",
    )
    publish.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=Path("agency.yml"),
        help="the agency file (default: agency.yml)",
    )
    publish.add_argument(
        "--config-file", default="mkdocs.yml", help="the site's MkDocs configuration"
    )
    publish.add_argument(
        "--branch", default="gh-pages", help="branch mike commits to (default: gh-pages)"
    )
    publish.add_argument("--push", action="store_true", help="push the branch after deploying")
    publish.add_argument(
        "--root", type=Path, default=None, help="project root (see 'check --root')"
    )
    publish.add_argument(
        "--zensical",
        action="store_true",
        help="build the version with Zensical from build-docs output (default: mike runs ProperDocs when installed, else MkDocs)",
    )
    publish.set_defaults(command=run_publish)

    build_docs = commands.add_parser(
        "build-docs",
        parents=[common],
        help="write the site's pages, handouts, assets and a configuration without plugins into a directory, "
        "for Zensical (see docs/builders.md)",
    )
    _build_docs_options(build_docs)
    build_docs.add_argument(
        "--strict", action="store_true", help="write nothing and exit 1 when there are warnings"
    )
    build_docs.add_argument(
        "--watch",
        action="store_true",
        help="write again whenever an input changes, as for a live preview",
    )
    build_docs.set_defaults(command=run_build_docs)

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="live preview with Zensical: build-docs --watch, and Zensical's server on the output",
    )
    _build_docs_options(serve)
    serve.add_argument(
        "-a",
        "--dev-addr",
        default=None,
        metavar="IP:PORT",
        help="address of the server (default: Zensical's, localhost:8000)",
    )
    serve.set_defaults(command=run_serve)

    new = commands.add_parser(
        "new", parents=[common], help="start a repository for a state, district or school"
    )
    new.add_argument("directory", type=Path)
    new.add_argument("--level", choices=["state", "region", "district", "school"], required=True)
    new.add_argument(
        "--name",
        required=True,
        help='the agency\'s name, one line of at most 200 characters, e.g. "Springfield Public Schools"',
    )
    new.add_argument(
        "--extends",
        default="prototype",
        help="'prototype' (default) or the parent layer's agency.yml",
    )
    new.set_defaults(command=run_new)

    lock = commands.add_parser(
        "lock",
        parents=[common],
        help="record the upstream text each change adapts, and the parent repositories' commits (agency.lock)",
    )
    lock.add_argument(
        "file", nargs="?", type=Path, help="customization file (default: ./agency.yml)"
    )
    lock.add_argument("--root", type=Path, default=None, help="project root (see 'check --root')")
    lock.set_defaults(command=run_lock)

    upgrade = commands.add_parser(
        "upgrade-check",
        parents=[common],
        help="what moved upstream since 'lstoolkit lock', for this layer's changes",
    )
    upgrade.add_argument(
        "file", nargs="?", type=Path, help="customization file (default: ./agency.yml)"
    )
    upgrade.add_argument(
        "--root", type=Path, default=None, help="project root (see 'check --root')"
    )
    upgrade.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any change needs attention (a layer that no longer resolves always exits 1)",
    )
    upgrade.set_defaults(command=run_upgrade_check)

    codes = commands.add_parser("codes", parents=[common], help="print the finding-code reference")
    codes.add_argument(
        "--troubleshooting", action="store_true", help="print the troubleshooting page instead"
    )
    codes.set_defaults(command=run_codes)

    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of a content file"
    )
    schema.add_argument("collection", choices=["agency", *COLLECTIONS])
    schema.set_defaults(command=run_schema)
    rollup.add_command(commands, common)
    return parser


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def agency_file(given: Path | None, *, content_only: bool = False) -> Path | None:
    """The agency file a command works on: the one given, else ./agency.yml when the current
    directory holds one, else None (the content alone). ``content_only`` ignores ./agency.yml."""
    if given is not None:
        if content_only:
            raise LstoolkitError(f"give {given} or --content-only, not both")
        return given
    if content_only or not DEFAULT_AGENCY.is_file():
        return None
    return DEFAULT_AGENCY


def required_agency_file(given: Path | None) -> Path:
    """The agency file given, else ./agency.yml; an error when there is neither."""
    found = agency_file(given)
    if found is None:
        raise LstoolkitError(
            f"no agency file given, and there is no {DEFAULT_AGENCY} in this directory",
            hint=f"Name the file (e.g. districts/springfield/{DEFAULT_AGENCY}), or run the command in its folder.",
        )
    return found


def content_dir(args: argparse.Namespace) -> Path | None:
    """The ``--content`` directory, checked to exist; None for the bundled prototype."""
    directory: Path | None = args.content
    if directory is not None and not directory.is_dir():
        what = "is not a directory" if directory.exists() else "does not exist"
        raise LstoolkitError(
            f"--content {directory}: the directory {what}",
            hint="Give the folder that holds sources.yml, elements.yml and the other content files, "
            "or leave out --content to use the bundled prototype.",
        )
    return directory


def run_check(args: argparse.Namespace) -> int:
    path = agency_file(args.file, content_only=args.content_only)
    directory = content_dir(args)
    tree = load_content(directory, verify=path is None or directory is not None)
    if path is None:
        print(summarize(tree, content_label(directory)))
        return 0
    try:
        adapted = adapt(tree, read_chain(path, root=args.root))
        findings = check_adapted(adapted)
        summary = f"{path}, resolved as {summarize_adaptation(adapted, findings)}"
    except LstoolkitError as error:
        findings = tuple(Finding.from_error(problem) for problem in error.problems)
        summary = f"{path}: cannot be resolved"
    output = format_findings(findings, args.format)
    if output:
        print(output)
    if args.format != "json":
        print(summary)
    return 1 if fails(findings, strict=args.strict) else 0


def run_handouts(args: argparse.Namespace) -> int:
    from lstoolkit.handouts import (
        HandoutRenderer,
        RenderedHandout,
        handout_environment,
        plan_handouts,
        render_handouts,
    )
    from lstoolkit.overrides import check_overrides

    path = agency_file(args.file, content_only=args.content_only)
    tree = load_content(content_dir(args))
    adapted = adapt(tree, read_chain(path, root=args.root) if path else ())
    findings = check_adapted(adapted)
    planned = plan_handouts(adapted)
    if args.only:
        unknown = sorted(set(args.only) - {h.name for h in planned})
        if unknown:
            names = ", ".join(h.name for h in planned)
            raise LstoolkitError(
                f"no handout named {', '.join(unknown)}", hint=f"Handouts: {names}."
            )
        planned = [h for h in planned if h.name in args.only]
    overrides = [Path("overrides") / "lstoolkit"]
    check_overrides(overrides, project=Path.cwd())
    renderer = HandoutRenderer(adapted, findings, handout_environment(overrides), paper=args.paper)

    def progress(done: RenderedHandout) -> None:
        how = "unchanged, from cache" if done.cached else f"rendered in {done.seconds:.1f} s"
        print(f"{done.path} ({done.size / 1024:.0f} KB): {how}", flush=True)

    results = render_handouts(renderer, planned, args.out, jobs=args.jobs, progress=progress)
    rendered = sum(not r.cached for r in results)
    print(
        f"{len(results)} handout{'s' if len(results) != 1 else ''} of {path or content_label(args.content)} written to the folder "
        f"{folder(args.out)}: {rendered} rendered, {len(results) - rendered} from cache"
    )
    return 0


def folder(path: Path) -> str:
    """A directory as the user reads it: with a trailing slash."""
    return os.path.join(path, "")


def run_diff(args: argparse.Namespace) -> int:
    from lstoolkit.diff import diff_sides, project_root
    from lstoolkit.diff_formats import format_diff
    from lstoolkit.revisions import relative_name

    tree = load_content(args.content)
    old_path, new_path = Path(args.old), Path(args.new) if args.new else None
    if old_path.is_file() and (new_path is None or new_path.is_file()):
        if new_path is None:
            raise LstoolkitError(
                "give two agency files, or revisions",
                hint="For example: lstoolkit diff OLD.yml NEW.yml",
            )
        old, new = resolve_file(tree, old_path, args.root), resolve_file(tree, new_path, args.root)
        labels, agency = (str(old_path), str(new_path)), ""
    else:
        if len(args.parent_rev) > 2:
            raise LstoolkitError(
                "--parent-rev is given more than twice", hint="Give one for OLD and one for NEW."
            )
        if not args.agency.is_file() and args.new is None:
            raise LstoolkitError(
                f"{args.agency} does not exist",
                hint="Run it in the agency's folder, or pass --agency with its path.",
            )
        parents = [*args.parent_rev, None, None]
        old = resolve_revision(tree, args.agency, args.old, args.root, parents[0])
        new = (
            resolve_revision(tree, args.agency, args.new, args.root, parents[1])
            if args.new
            else resolve_file(tree, args.agency, args.root)
        )
        labels, agency = (
            (args.old, args.new or "working tree"),
            relative_name(args.agency, project_root(args.agency, args.root)),
        )
    difference = diff_sides(old, new, old_label=labels[0], new_label=labels[1], agency=agency)
    print(format_diff(difference, args.format), end="")
    return 1 if args.exit_code and not difference.empty else 0


def resolve_file(tree: ContentTree, path: Path, root: Path | None = None) -> Side:
    """An agency file's chain as it is on disk."""
    from lstoolkit.diff import working_side

    return working_side(tree, path, root=root)


def resolve_revision(
    tree: ContentTree,
    agency: Path,
    revision: str,
    root: Path | None = None,
    parent_revision: str | None = None,
) -> Side:
    """An agency file's chain as it was at a revision of its repository (see lstoolkit.diff)."""
    from lstoolkit.diff import revision_side

    return revision_side(tree, agency, revision, root=root, parent_revision=parent_revision)


def run_publish(args: argparse.Namespace) -> int:
    from lstoolkit.versions import publish

    layers = read_chain(args.file, root=args.root)
    config = Path(args.config_file)
    if not config.is_file():
        raise LstoolkitError(
            f"{config} does not exist", hint="Pass --config-file with the site's mkdocs.yml."
        )
    deploy = None
    if args.zensical:
        from lstoolkit.builders import deploy_with_zensical, zensical_executable

        zensical_executable()  # before anything is deployed: is it installed?
        deploy = functools.partial(deploy_with_zensical, cwd=Path.cwd(), log=_Messages(quiet=True))
    publish(
        layers[-1],
        config_file=str(config),
        branch=args.branch,
        push=args.push,
        cwd=Path.cwd(),
        deploy=deploy,
    )
    return 0


def _build_docs_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        metavar="FILE",
        help="the site's configuration, with the lstoolkit plugin (default: mkdocs.yml)",
    )
    command.add_argument(
        "--out",
        type=Path,
        default=Path("generated"),
        metavar="DIR",
        help="output directory (default: generated)",
    )
    command.add_argument(
        "-q", "--quiet", action="store_true", help="print warnings and errors only"
    )


class _Messages:
    """The plugin's messages on the command line: warnings (counted) on stderr, the rest on stdout."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.warnings = 0

    def warning(self, msg: str, /) -> None:
        self.warnings += 1
        print(f"warning: {msg}", file=sys.stderr, flush=True)

    def info(self, msg: str, /) -> None:
        if not self.quiet:
            print(msg, flush=True)


def run_build_docs(args: argparse.Namespace) -> int:
    from lstoolkit.export import watch

    if not args.watch:
        _build_docs_once(args, strict=args.strict)
        print(
            f"Build the site: zensical build -f {os.path.join(args.out, 'mkdocs.yml')} (or mkdocs, or properdocs)"
        )
        return 0
    preview = _Preview(args)
    preview.rebuild()
    print("Watching the inputs; Ctrl-C stops", flush=True)
    watch(lambda: preview.inputs, preview.rebuild)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import subprocess

    from lstoolkit.builders import zensical_executable
    from lstoolkit.export import watch

    zensical = zensical_executable()
    preview = _Preview(args)
    preview.inputs = _build_docs_once(args, strict=False, preview=True)
    address = ["--dev-addr", args.dev_addr] if args.dev_addr else []
    server = subprocess.Popen(
        [zensical, "serve", "--config-file", str(args.out / "mkdocs.yml"), *address]
    )
    stopped = signal.signal(signal.SIGTERM, _interrupt)  # stop the server too when this is stopped
    try:
        watch(lambda: preview.inputs, preview.rebuild, stop=lambda: server.poll() is not None)
    finally:
        signal.signal(signal.SIGTERM, stopped)
        if server.poll() is None:
            server.terminate()
        server.wait()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _build_docs_once(
    args: argparse.Namespace, *, strict: bool, preview: bool = False
) -> list[Path]:
    """One build-docs run and its summary line; returns the inputs to watch."""
    import time

    from lstoolkit.export import build_docs

    started = time.perf_counter()
    messages = _Messages(quiet=args.quiet)
    tree, written = build_docs(
        args.config_file, args.out, log=messages, preview=preview, strict=strict
    )
    warned = f"; {_count(messages.warnings, 'warning')}" if messages.warnings else ""
    print(
        f"build-docs: {folder(args.out)} holds {_count(tree.pages, 'page')} and {_count(tree.handouts, 'handout')}: "
        f"{_count(written.changed, 'file')} written, {written.removed} removed, {written.unchanged} unchanged, "
        f"in {time.perf_counter() - started:.1f} s{warned}",
        flush=True,
    )
    return list(tree.watch)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _Preview:
    """build-docs for a live preview: an error is printed and the watch goes on, over the
    inputs of the last run that succeeded."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.inputs: list[Path] = [args.config_file]

    def rebuild(self) -> None:
        try:
            self.inputs = _build_docs_once(self.args, strict=False, preview=True)
        except LstoolkitError as error:
            for problem in error.problems:
                print(f"error: {problem.format()}", file=sys.stderr, flush=True)


def summarize_adaptation(adapted: Adapted, findings: tuple[Finding, ...]) -> str:
    """The chain, its changes and their classification, the findings by severity."""
    logged = log_changes(adapted, findings)
    inconsistent = sum(not entry.consistent for entry in logged)
    by_severity = Counter(f.severity.value for f in findings)
    counts = ", ".join(
        f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
    )
    return (
        f"{_chain(adapted.layers)}: {len(logged)} changes ({len(logged) - inconsistent} fidelity-consistent, "
        f"{inconsistent} inconsistent); {counts}"
    )


def content_label(directory: Path | None) -> str:
    """The content a command used, as the user named it."""
    return "the bundled prototype" if directory is None else str(directory)


def summarize(tree: ContentTree, label: str = "") -> str:
    """One line: what the content holds (``label``: which content it is)."""
    toolkit = tree.toolkit
    functions = sum(len(m.functions) for m in toolkit.items("mechanisms"))
    counts = [
        f"{len(toolkit.items('elements'))} elements",
        f"{len(toolkit.items('mechanisms'))} mechanisms",
        f"{functions} functions",
        f"{len(toolkit.items('jobs'))} jobs",
        f"{len(toolkit.items('templates'))} templates",
        f"{len(toolkit.items('cautions'))} cautions",
        f"{sum(1 for _ in iter_nodes(_items(tree)))} addresses",
    ]
    return f"content OK{f' ({label})' if label else ''}: " + ", ".join(counts)


def run_addresses(args: argparse.Namespace) -> int:
    given, prefixes = _file_and_prefixes(args.what, args.agency)
    path = agency_file(given, content_only=args.content_only)
    tree = load_content(content_dir(args), verify=path is None)
    if path is None:
        nodes = list(iter_nodes(_items(tree)))
    else:
        layers = read_chain(path, root=args.root)
        nodes = list(iter_nodes(_items(adapt(tree, layers))))
        print(f"addresses after {_chain(layers)}", file=sys.stderr)
    for node in _under(nodes, prefixes):
        print(f"{node.address}\t{_one_line(node.value)}")
    return 0


def _file_and_prefixes(what: list[str], agency: Path | None) -> tuple[Path | None, list[str]]:
    """``lstoolkit addresses [FILE] [PREFIX...]``: a YAML file is the agency file, the rest are
    address prefixes (addresses have no dots)."""
    files = [Path(w) for w in what if w.lower().endswith((".yml", ".yaml"))]
    if agency is not None:
        files.insert(0, agency)
    if len(files) > 1:
        raise LstoolkitError(
            f"give one agency file, not {len(files)} ({', '.join(map(str, files))})",
            hint="Address prefixes have no dots, e.g. values or mechanisms/steering-body.",
        )
    prefixes = [w.strip("/") for w in what if not w.lower().endswith((".yml", ".yaml"))]
    return (files[0] if files else None), prefixes


def _under(nodes: list[Node], prefixes: list[str]) -> list[Node]:
    """The nodes at or under one of ``prefixes`` (all when none); an unknown prefix is an error."""
    if not prefixes:
        return nodes
    for prefix in prefixes:
        if not any(_is_under(node.address, prefix) for node in nodes):
            known = {
                "/".join(node.address.split("/")[:depth]) for node in nodes for depth in (1, 2, 3)
            }
            raise LstoolkitError(
                f"no address is '{prefix}' or starts with '{prefix}/'",
                hint=suggest(prefix, known) or "List them all with 'lstoolkit addresses'.",
            )
    return [node for node in nodes if any(_is_under(node.address, prefix) for prefix in prefixes)]


def _is_under(address: str, prefix: str) -> bool:
    return address == prefix or address.startswith(prefix + "/")


def _chain(layers: tuple[Layer, ...]) -> str:
    return " -> ".join(["prototype", *(layer.display for layer in layers)])


def run_new(args: argparse.Namespace) -> int:
    from lstoolkit.scaffold import create_project, next_steps

    create_project(args.directory, level=args.level, name=args.name, extends=args.extends)
    print(next_steps(args.directory, args.extends))
    return 0


def run_lock(args: argparse.Namespace) -> int:
    from lstoolkit.upgrade import write_lock

    agency = required_agency_file(args.file)
    path = write_lock(load_content(content_dir(args)), read_chain(agency, root=args.root))
    print(f"wrote {path}")
    return 0


def run_upgrade_check(args: argparse.Namespace) -> int:
    from lstoolkit.upgrade import lock_path, upgrade_check

    agency = required_agency_file(args.file)
    if args.file is None:
        print(f"{agency}, against {lock_path(agency)}:")
    report = upgrade_check(load_content(content_dir(args)), read_chain(agency, root=args.root))
    print(report.format(), end="")
    return 1 if not report.resolves or (args.strict and report.needs_attention) else 0


def run_codes(args: argparse.Namespace) -> int:
    print(troubleshooting() if args.troubleshooting else codes_reference(), end="")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    schema = (
        agency_schema() if args.collection == "agency" else collection_file_schema(args.collection)
    )
    print(json.dumps(schema, indent=2))
    return 0


def _items(tree: ContentTree | Adapted) -> dict[str, list[dict[str, object]]]:
    return {name: data["items"] for name, data in tree.raw.items()}


def _one_line(value: object, limit: int = 100) -> str:
    if isinstance(value, dict):
        value = value.get("title") or value.get("text") or value.get("description") or ""
    elif isinstance(value, list):
        value = ", ".join(str(v.get("id", "")) if isinstance(v, dict) else str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
