"""Command line: argument parsing and the one error boundary.

Each subcommand is a plain function of parsed arguments returning an exit status. An
:class:`~lstoolkit.errors.LstoolkitError` anywhere becomes ``error: ...`` lines on stderr and
exit status 1; ``--debug`` re-raises it with its traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from lstoolkit import __version__
from lstoolkit.addresses import iter_nodes
from lstoolkit.errors import LstoolkitError
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
    parser.set_defaults(command=lambda args: parser.print_help() or 0, debug=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser("check", parents=[common], help="load and check the content")
    check.set_defaults(command=run_check)

    addresses = commands.add_parser(
        "addresses", parents=[common], help="print every address with its text"
    )
    addresses.set_defaults(command=run_addresses)

    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of a content file"
    )
    schema.add_argument("collection", choices=list(COLLECTIONS))
    schema.set_defaults(command=run_schema)
    return parser


def run_check(args: argparse.Namespace) -> int:
    tree = load_content(args.content)
    print(summarize(tree))
    return 0


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
    tree = load_content(args.content)
    for node in iter_nodes(_items(tree)):
        print(f"{node.address}\t{_one_line(node.value)}")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(collection_file_schema(args.collection), indent=2))
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
