"""What an agency file may say, beyond its shape: text that stays text, real dates, usable
versions, and bounded sizes.

The JSON Schema checks the shape of a customization file; these rules check what the schema
cannot, each problem located at its value. They exist because an agency file comes from many
hands and its strings reach sinks that would otherwise interpret them:

- a control character breaks a CSS string, an SVG or a terminal; only newline and tab are text;
- a newline in a one-line field (a name, an id, a term) opens a new YAML key or Markdown block;
- ``<`` and ``>`` cannot be made safe in page titles: the theme prints ``page.title | striptags``,
  which turns an escaped ``&lt;script&gt;`` back into markup;
- a version becomes a directory and a URL (mike), so it is one path segment;
- counts and lengths are bounded, so a small file cannot make a build run for hours.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from lstoolkit.codes import FindingCode
from lstoolkit.errors import LstoolkitError
from lstoolkit.yamlfile import PathKey, YamlDocument

#: Documented limits (docs/security.md): each is far above what a design document needs.
MAX_CHANGES = 10_000
MAX_TERMS = 10_000
MAX_TERM_LENGTH = 100
MAX_TEXT_LENGTH = 20_000

#: Versions name a directory and a URL of the published site (mike); these names are aliases.
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,39}")
RESERVED_VERSIONS = frozenset({"latest", "draft", "stable", "versions"})
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Top-level fields whose values (or, for mappings, keys and values) are one line.
ONE_LINE = frozenset(
    {
        "extends",
        "agency",
        "version",
        "status",
        "adopted",
        "component_name",
        "terms",
        "values",
        "protect",
        "published",
        "deciding_body",
        "work_group",
        "sign_off",
        "sections",
        "milestones",
    }
)
#: Keys that hold one line wherever they appear inside a change (its own keys, and the fields
#: of an item or entry it adds or replaces).
ONE_LINE_KEYS = frozenset(
    {
        "remove",
        "add",
        "replace",
        "id",
        "title",
        "when",
        "planned",
        "decided_by",
        "accept",
        "doc",
        "to",
    }
)
#: Where '<' and '>' are refused: everything that can become a page, navigation or document title.
TITLE_FIELDS = frozenset(
    {
        "agency",
        "component_name",
        "adopted",
        "terms",
        "values",
        "deciding_body",
        "work_group",
        "sign_off",
    }
)

_WORD_EDGES = re.compile(r"^\w(.*\w)?$", re.DOTALL)


def check_agency_text(document: YamlDocument) -> list[LstoolkitError]:
    """Every rule above, for one schema-valid customization file, in file order."""
    data = document.data
    problems = [*_check_limits(document), *_check_strings(document)]
    problems += _check_terms(document)
    problems += _check_version(document)
    problems += _check_dates(document)
    for i, change in enumerate(data.get("changes", [])):
        problems += _check_change_titles(document, i, change)
    return sorted(problems, key=_file_order)


def _file_order(problem: LstoolkitError) -> tuple[int, int]:
    return (problem.location.line, problem.location.column) if problem.location else (0, 0)


def _check_strings(document: YamlDocument) -> Iterator[LstoolkitError]:
    for path, text, is_key in _strings(document.data, ()):
        where = document.locate(path, key=is_key)
        control = next((c for c in text if _is_control(c)), None)
        if control is not None:
            yield LstoolkitError(
                f"{_name(path)} contains the {'private-use' if unicodedata.category(control) == 'Co' else 'control'} character U+{ord(control):04X}",
                where,
                hint="Delete it (it is invisible in most editors; retype the line).",
                code=FindingCode.SCHEMA,
            )
        elif "\n" in text.rstrip("\n") or (text.endswith("\n") and _one_line(path)):
            if _one_line(path):
                yield LstoolkitError(
                    f"{_name(path)} must be one line",
                    where,
                    hint="Remove the line break (write it on one line, without '|').",
                    code=FindingCode.SCHEMA,
                )
        if len(text) > MAX_TEXT_LENGTH:
            yield LstoolkitError(
                f"{_name(path)} is {len(text):,} characters long; at most {MAX_TEXT_LENGTH:,} are allowed",
                where,
                hint="Split the text over several changes, or shorten it.",
                code=FindingCode.LIMIT_EXCEEDED,
            )


def _is_control(char: str) -> bool:
    """Control characters, the Unicode line and paragraph separators (line breaks to YAML,
    invisible in editors) and private-use characters (lstoolkit marks gaps with two of them);
    newline and tab are text."""
    return char not in "\n\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp", "Co")


def _one_line(path: PathKey) -> bool:
    """Whether the string at ``path`` is one line: a top-level field of :data:`ONE_LINE`, a key
    of a change in :data:`ONE_LINE_KEYS` (and its list items), or such a key inside its text."""
    if not path:
        return False
    if path[0] in ONE_LINE:
        return True
    change_key = path[2] if len(path) > 2 else None
    return path[0] == "changes" and (change_key in ONE_LINE_KEYS or path[-1] in ONE_LINE_KEYS)


def _check_change_titles(
    document: YamlDocument, index: int, change: dict[str, Any]
) -> Iterator[LstoolkitError]:
    """'<' and '>' in a change's titles: its 'title', 'title' keys inside its text, and the text
    of a change whose target is a title field."""
    target = change.get("replace") or change.get("add") or ""
    parts = str(target).split("/")
    if len(parts) == 3 and parts[2] == "title" and isinstance(change.get("text"), str):
        yield from _angle_brackets(document, ("changes", index, "text"), change["text"])
    if isinstance(change.get("title"), str):
        yield from _angle_brackets(document, ("changes", index, "title"), change["title"])
    for path, text, is_key in _strings(change.get("text"), ("changes", index, "text")):
        if not is_key and path[-1] == "title":
            yield from _angle_brackets(document, path, text)


def _angle_brackets(
    document: YamlDocument, path: PathKey, text: str, *, key: bool = False
) -> Iterator[LstoolkitError]:
    if "<" in text or ">" in text:
        yield LstoolkitError(
            f"{_name(path)} contains '<' or '>', which names, terms and titles may not",
            document.locate(path, key=key),
            hint="Write 'less than' or 'greater than', or use the quotation marks ‹ ›.",
            code=FindingCode.SCHEMA,
        )


def _check_terms(document: YamlDocument) -> Iterator[LstoolkitError]:
    data = document.data
    for path, text, is_key in _strings({k: data[k] for k in TITLE_FIELDS if k in data}, ()):
        if path[0] != "agency" or path[-1] in ("name", "short_name") or is_key:
            yield from _angle_brackets(document, path, text, key=is_key)
    for term, replacement in data.get("terms", {}).items():
        where = document.locate(("terms", term), key=True)
        texts = [("term", term, where)]
        if isinstance(replacement, dict):
            texts += [
                (
                    f"{'replacement' if key == 'text' else 'plural'} of '{term}',",
                    replacement[key],
                    document.locate(("terms", term, key)),
                )
                for key in ("text", "plural")
            ]
        else:
            texts.append(("replacement", replacement, document.locate(("terms", term))))
        for what, text, at in texts:
            if not _WORD_EDGES.match(text.strip()) or text != text.strip():
                yield LstoolkitError(
                    f"the {what} '{text}' must begin and end with a letter or digit",
                    at,
                    hint="Terms rename whole words, e.g. 'Learning Supports Facilitator: Learning Supports Coach'.",
                    code=FindingCode.SCHEMA,
                )
            elif len(text) > MAX_TERM_LENGTH:
                yield LstoolkitError(
                    f"the {what} '{text[:30]}…' is {len(text)} characters long; at most {MAX_TERM_LENGTH} are allowed",
                    at,
                    hint="Terms are names: shorten it.",
                    code=FindingCode.LIMIT_EXCEEDED,
                )


def _check_version(document: YamlDocument) -> Iterator[LstoolkitError]:
    version = document.data.get("version")
    if not isinstance(version, str):
        return
    if not VERSION_PATTERN.fullmatch(version) or version.lower() in RESERVED_VERSIONS:
        yield LstoolkitError(
            f"version '{version}' cannot name a published version",
            document.locate(("version",)),
            hint='Use letters, digits, dots and hyphens, starting with a letter or digit, e.g. "2026.1"'
            + (
                f" ('{version}' is the name of an alias)."
                if version.lower() in RESERVED_VERSIONS
                else "."
            ),
            code=FindingCode.SCHEMA,
        )


def _check_dates(document: YamlDocument) -> Iterator[LstoolkitError]:
    """Every field that holds a day: the adoption, the publication, each sign-off."""
    data = document.data
    fields: list[PathKey] = [("adopted", "date"), ("published",)]
    fields += [("sign_off", i, "date") for i in range(len(data.get("sign_off") or ()))]
    for path in fields:
        node: Any = data
        for step in path:
            node = (
                node.get(step)
                if isinstance(node, dict)
                else node[step]
                if isinstance(node, list) and isinstance(step, int) and step < len(node)
                else None
            )
        if not isinstance(node, str) or not node:
            continue
        if DATE_PATTERN.fullmatch(node):
            try:
                datetime.date.fromisoformat(node)
                continue
            except ValueError:
                pass
        yield LstoolkitError(
            f"{_name(path)} '{node}' is not a date",
            document.locate(path),
            hint="Write the day as YYYY-MM-DD, e.g. 2026-06-10.",
            code=FindingCode.SCHEMA,
        )


def _check_limits(document: YamlDocument) -> Iterator[LstoolkitError]:
    for key, limit in (("changes", MAX_CHANGES), ("terms", MAX_TERMS)):
        count = len(document.data.get(key) or ())
        if count > limit:
            yield LstoolkitError(
                f"the file has {count:,} {key}; at most {limit:,} are allowed",
                document.locate((key,), key=True),
                hint="Split the adaptation over layers (extends), or check that the file is the right one.",
                code=FindingCode.LIMIT_EXCEEDED,
            )


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str, bool]]:
    """Every string in ``node`` with its path, keys included (flagged)."""
    if isinstance(node, str):
        yield path, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), key, True
            yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))


def _name(path: PathKey) -> str:
    words = [f"#{step + 1}" if isinstance(step, int) else str(step) for step in path]
    return " ".join(words) or "the file"
