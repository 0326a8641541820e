"""Command line: argument parsing and the one error boundary.

Subcommands import what only they need (site rendering, PDFs, git, mike) when they run, so that
``lstoolkit check``, the command run most often, starts fast.

Each subcommand is a plain function of parsed arguments returning an exit status. An
:class:`~lstoolkit.errors.LstoolkitError` anywhere becomes ``error: ...`` lines on stderr and
exit status 1; ``--debug`` re-raises it with its traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from lstoolkit import __version__
from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import check_adapted, log_changes
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Finding, codes_reference, fails, format_findings, troubleshooting
from lstoolkit.layers import agency_schema, read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.models import COLLECTIONS
from lstoolkit.schema import collection_file_schema


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


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    common.add_argument(
        "--content", type=Path, default=None, metavar="DIR",
        help="content tree to use instead of the bundled prototype",
    )
    parser = argparse.ArgumentParser(
        prog="lstoolkit",
        description="Adapt, check and publish a Learning Supports toolkit.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"lstoolkit {__version__}")
    parser.set_defaults(command=lambda args: _print_help(parser), debug=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=[common],
        help="check the content, or resolve an agency file's chain and report fidelity findings",
    )
    check.add_argument("file", nargs="?", type=Path, help="customization file, e.g. agency.yml")
    check.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument(
        "--root", type=Path, default=None,
        help="project root that 'extends' and 'logo' must stay inside "
        "(default: the enclosing git repository, else the current directory if it holds the file)",
    )
    check.set_defaults(command=run_check)

    addresses = commands.add_parser(
        "addresses", parents=[common], help="print every address with its text"
    )
    addresses.set_defaults(command=run_addresses)

    handouts = commands.add_parser(
        "handouts", parents=[common], help="render the PDF handouts without building the site"
    )
    handouts.add_argument("file", nargs="?", type=Path, help="customization file (default: the prototype)")
    handouts.add_argument("--only", action="append", metavar="NAME", help="render only this handout (repeatable)")
    handouts.add_argument("--out", type=Path, default=Path("handouts"), metavar="DIR", help="output directory")
    handouts.add_argument("--paper", choices=["letter", "a4"], default="letter")
    handouts.add_argument("--jobs", type=int, default=None, help="parallel renderers (default: one per core)")
    handouts.add_argument("--root", type=Path, default=None, help="project root (see 'check --root')")
    handouts.set_defaults(command=run_handouts)

    diff = commands.add_parser(
        "diff", parents=[common],
        help="what changes between two versions: two git revisions, or two agency files",
    )
    diff.add_argument("old", help="a git revision (tag, branch, commit) or an agency file")
    diff.add_argument("new", nargs="?", default=None, help="a revision or an agency file (default: the working tree)")
    diff.add_argument("--agency", type=Path, default=Path("agency.yml"), help="the agency file, for revisions (default: agency.yml)")
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    diff.add_argument("--exit-code", action="store_true", help="exit 1 when they differ, as git diff does")
    diff.set_defaults(command=run_diff)

    publish = commands.add_parser(
        "publish", parents=[common],
        help="deploy this version of the site with mike (adopted: as latest; draft: hidden, as draft)",
    )
    publish.add_argument("file", nargs="?", type=Path, default=Path("agency.yml"), help="the agency file (default: agency.yml)")
    publish.add_argument("--config-file", default="mkdocs.yml", help="the site's MkDocs configuration")
    publish.add_argument("--branch", default="gh-pages", help="branch mike commits to (default: gh-pages)")
    publish.add_argument("--push", action="store_true", help="push the branch after deploying")
    publish.add_argument("--root", type=Path, default=None, help="project root (see 'check --root')")
    publish.set_defaults(command=run_publish)

    new = commands.add_parser("new", parents=[common], help="start a repository for a state, district or school")
    new.add_argument("directory", type=Path)
    new.add_argument("--level", choices=["state", "region", "district", "school"], required=True)
    new.add_argument("--name", required=True, help='the agency\'s name, one line of at most 200 characters, e.g. "Springfield Public Schools"')
    new.add_argument("--extends", default="prototype", help="'prototype' (default) or the parent layer's agency.yml")
    new.set_defaults(command=run_new)

    lock = commands.add_parser("lock", parents=[common], help="record the upstream text each change adapts (agency.lock)")
    lock.add_argument("file", nargs="?", type=Path, default=Path("agency.yml"))
    lock.add_argument("--root", type=Path, default=None, help="project root (see 'check --root')")
    lock.set_defaults(command=run_lock)

    upgrade = commands.add_parser(
        "upgrade-check", parents=[common], help="what moved upstream since 'lstoolkit lock', for this layer's changes"
    )
    upgrade.add_argument("file", nargs="?", type=Path, default=Path("agency.yml"))
    upgrade.add_argument("--root", type=Path, default=None, help="project root (see 'check --root')")
    upgrade.add_argument("--strict", action="store_true", help="exit 1 when any change needs attention")
    upgrade.set_defaults(command=run_upgrade_check)

    codes = commands.add_parser("codes", parents=[common], help="print the finding-code reference")
    codes.add_argument("--troubleshooting", action="store_true", help="print the troubleshooting page instead")
    codes.set_defaults(command=run_codes)

    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of a content file"
    )
    schema.add_argument("collection", choices=["agency", *COLLECTIONS])
    schema.set_defaults(command=run_schema)
    return parser


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def run_check(args: argparse.Namespace) -> int:
    tree = load_content(args.content, verify=args.file is None or args.content is not None)
    if args.file is None:
        print(summarize(tree))
        return 0
    try:
        adapted = adapt(tree, read_chain(args.file, root=args.root))
        findings = check_adapted(adapted)
        summary = summarize_adaptation(adapted, findings)
    except LstoolkitError as error:
        findings = tuple(Finding.from_error(problem) for problem in error.problems)
        summary = f"{args.file}: cannot be resolved"
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

    tree = load_content(args.content)
    adapted = adapt(tree, read_chain(args.file, root=args.root) if args.file else ())
    findings = check_adapted(adapted)
    planned = plan_handouts(adapted)
    if args.only:
        unknown = sorted(set(args.only) - {h.name for h in planned})
        if unknown:
            names = ", ".join(h.name for h in planned)
            raise LstoolkitError(f"no handout named {', '.join(unknown)}", hint=f"Handouts: {names}.")
        planned = [h for h in planned if h.name in args.only]
    overrides = [Path("overrides") / "lstoolkit"]
    check_overrides(overrides, project=Path.cwd())
    renderer = HandoutRenderer(adapted, findings, handout_environment(overrides), paper=args.paper)

    def progress(done: RenderedHandout) -> None:
        how = "unchanged, from cache" if done.cached else f"rendered in {done.seconds:.1f} s"
        print(f"{done.path} ({done.size / 1024:.0f} KB): {how}", flush=True)

    results = render_handouts(renderer, planned, args.out, jobs=args.jobs, progress=progress)
    rendered = sum(not r.cached for r in results)
    print(f"{len(results)} handouts in {args.out}: {rendered} rendered, {len(results) - rendered} from cache")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from lstoolkit.diff import diff_adapted, format_diff

    tree = load_content(args.content)
    old_path, new_path = Path(args.old), Path(args.new) if args.new else None
    if old_path.is_file() and (new_path is None or new_path.is_file()):
        if new_path is None:
            raise LstoolkitError("give two agency files, or revisions", hint="lstoolkit diff OLD.yml NEW.yml")
        old, new = resolve_file(tree, old_path), resolve_file(tree, new_path)
        labels = (str(old_path), str(new_path))
    else:
        old = resolve_revision(tree, args.agency, args.old)
        new = resolve_revision(tree, args.agency, args.new) if args.new else resolve_file(tree, args.agency)
        labels = (args.old, args.new or "working tree")
    difference = diff_adapted(old[0], new[0], old[1], new[1], old_label=labels[0], new_label=labels[1])
    print(format_diff(difference, args.format), end="")
    return 1 if args.exit_code and not difference.empty else 0


def resolve_file(tree: ContentTree, path: Path) -> tuple[Adapted, tuple[Finding, ...]]:
    adapted = adapt(tree, read_chain(path))
    return adapted, check_adapted(adapted)


def resolve_revision(tree: ContentTree, agency: Path, revision: str) -> tuple[Adapted, tuple[Finding, ...]]:
    from lstoolkit.diff import resolve_at_revision

    adapted = resolve_at_revision(tree, agency, revision)
    return adapted, check_adapted(adapted)


def run_publish(args: argparse.Namespace) -> int:
    from lstoolkit.versions import publish_commands, run_mike

    layers = read_chain(args.file, root=args.root)
    config = Path(args.config_file)
    if not config.is_file():
        raise LstoolkitError(f"{config} does not exist", hint="Pass --config-file with the site's mkdocs.yml.")
    for arguments in publish_commands(layers[-1], config_file=str(config), branch=args.branch, push=args.push):
        run_mike(arguments, cwd=Path.cwd())
    return 0


def summarize_adaptation(adapted: Adapted, findings: tuple[Finding, ...]) -> str:
    """One line: the chain, its changes and their classification, the findings by severity."""
    logged = log_changes(adapted, findings)
    inconsistent = sum(not entry.consistent for entry in logged)
    by_severity = Counter(f.severity.value for f in findings)
    counts = ", ".join(
        f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
    )
    chain = " -> ".join(["prototype", *(layer.display for layer in adapted.layers)])
    return (
        f"{chain}: {len(logged)} changes ({len(logged) - inconsistent} fidelity-consistent, "
        f"{inconsistent} inconsistent); {counts}"
    )


def summarize(tree: ContentTree) -> str:
    """One line: what the content holds."""
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
    return "content OK: " + ", ".join(counts)


def run_addresses(args: argparse.Namespace) -> int:
    tree = load_content(args.content, verify=True)
    for node in iter_nodes(_items(tree)):
        print(f"{node.address}\t{_one_line(node.value)}")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from lstoolkit.scaffold import create_project

    create_project(args.directory, level=args.level, name=args.name, extends=args.extends)
    print(f"Next: cd {args.directory} && lstoolkit check agency.yml && mkdocs build --strict")
    return 0


def run_lock(args: argparse.Namespace) -> int:
    from lstoolkit.upgrade import write_lock

    path = write_lock(load_content(args.content), read_chain(args.file, root=args.root))
    print(f"wrote {path}")
    return 0


def run_upgrade_check(args: argparse.Namespace) -> int:
    from lstoolkit.upgrade import upgrade_check

    report = upgrade_check(load_content(args.content), read_chain(args.file, root=args.root))
    print(report.format(), end="")
    return 1 if args.strict and report.needs_attention else 0


def run_codes(args: argparse.Namespace) -> int:
    print(troubleshooting() if args.troubleshooting else codes_reference(), end="")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    schema = agency_schema() if args.collection == "agency" else collection_file_schema(args.collection)
    print(json.dumps(schema, indent=2))
    return 0


def _items(tree: ContentTree) -> dict[str, list[dict[str, object]]]:
    return {name: data["items"] for name, data in tree.raw.items()}


def _one_line(value: object, limit: int = 100) -> str:
    if isinstance(value, dict):
        value = value.get("title") or value.get("text") or ""
    elif isinstance(value, list):
        value = ", ".join(str(v.get("id", "")) if isinstance(v, dict) else str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
