"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases without
bound and forgets line numbers. Here a document is composed into nodes with the safe loader and
built into plain data by hand, so that duplicate keys and aliases are refused with their
location, and every mapping key and value keeps its line and column for later error messages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstoolkit.errors import Location, LstoolkitError

#: Larger files are refused before parsing: a customization or content file is a few kilobytes.
MAX_FILE_BYTES = 2 * 1024 * 1024

YAML_ERROR = "LS300"
#: Whole numbers beyond this are refused: no count or amount in a design document comes near it,
#: and Python refuses to print integers of over 4,300 digits.
MAX_INTEGER = 10**15

PathKey = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Plain data from a YAML file, with the location of each value and each mapping key."""

    path: Path
    display: str
    data: Any
    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """Location of the value (or the key) at ``path``, else of its nearest ancestor."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return Location(self.display)


#: libyaml's parser when PyYAML has it (ten times faster), else the pure-Python one. Either way the
#: node graph is walked by hand: an alias shows up as a node met twice, and is refused.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ALIAS = "aliases (*name) are not allowed; write the value out in full"


def read_yaml(path: Path, *, display: str | None = None) -> YamlDocument:
    """Read one YAML document. Raises :class:`LstoolkitError` with a location on any problem."""
    shown = display or str(path)
    raw = _read_bounded(path, shown)
    text = _decode(raw, shown)
    document = YamlDocument(path=path, display=shown, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LstoolkitError(
                "the file is empty", Location(shown, 1, 1), hint="Add its content.", code=YAML_ERROR
            )
        document.data = _build(node, loader, (), document, set(), node.start_mark)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        message = " ".join(part for part in (error.context, error.problem) if part)
        at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
        if at_tab and "'\\t'" not in message:
            message += " (a tab)"
        raise LstoolkitError(
            f"invalid YAML: {message}", location,
            hint="Indent with spaces, not tabs." if at_tab else _yaml_hint(message), code=YAML_ERROR,
        ) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow; no mark, an offset
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise LstoolkitError(
            f"invalid YAML: the file contains the control character U+{error.character:04X}"
            if isinstance(error.character, int) else f"invalid YAML: {error.reason}",
            Location(shown, line, column),
            hint="Delete it (it is invisible in most editors; retype the line).", code=YAML_ERROR,
        ) from None
    except yaml.YAMLError as error:
        raise LstoolkitError(f"invalid YAML: {error}", Location(shown), code=YAML_ERROR) from None
    finally:
        loader.dispose()
    return document


def _read_bounded(path: Path, shown: str) -> bytes:
    """The file's bytes; its size is checked before anything is read (and again while reading,
    for a file that grows or is not a regular file)."""
    try:
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:
            with path.open("rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
            size = len(raw)
    except OSError as error:
        raise LstoolkitError(
            f"cannot read the file: {error.strerror}", Location(shown), code=YAML_ERROR
        ) from None
    if size > MAX_FILE_BYTES:
        raise LstoolkitError(
            f"the file is {size:,} bytes; files larger than {MAX_FILE_BYTES:,} bytes are refused",
            Location(shown),
            hint="Split it, or check that it is the right file.",
            code=YAML_ERROR,
        )
    return raw


def _decode(raw: bytes, shown: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LstoolkitError(
            f"the file is not UTF-8 (byte 0x{raw[error.start]:02x})",
            Location(shown, line),
            hint="Save it as UTF-8.",
            code=YAML_ERROR,
        ) from None
    return text.removeprefix("\ufeff")


def _yaml_hint(message: str) -> str:
    if "could not determine a constructor" in message:
        return "Tags such as !!python/object are not allowed; write plain values."
    if "found unexpected end of stream" in message or "found unexpected" in message:
        return "Check for an unclosed quote or bracket on this line or the one before."
    return ""


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(
    node: yaml.Node, loader: Any, path: PathKey, document: YamlDocument, seen: set[int], used_at: Any
) -> Any:
    if id(node) in seen:
        raise yaml.MarkedYAMLError(problem=_ALIAS, problem_mark=used_at)
    seen.add(id(node))
    document.values[path] = _location(node, document)
    if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.MarkedYAMLError(
            problem=f"could not determine a constructor for the tag '{node.tag}'",
            problem_mark=node.start_mark,
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key '{key}' (the mapping already has it)",
                    problem_mark=key_node.start_mark,
                )
            document.keys[path + (key,)] = _location(key_node, document)
            result[key] = _build(value_node, loader, path + (key,), document, seen, key_node.start_mark)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, loader, path + (i,), document, seen, node.start_mark)
            for i, child in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError as error:  # a date that does not exist, a number too long to read
        raise yaml.MarkedYAMLError(problem=_scalar_problem(node, error), problem_mark=node.start_mark) from None
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise yaml.MarkedYAMLError(
            problem=f"the number has {len(str(abs(value)))} digits; numbers up to {MAX_INTEGER:,} are allowed"
            " (quote it to keep it as text)",
            problem_mark=node.start_mark,
        )
    return value


def _scalar_problem(node: yaml.Node, error: ValueError) -> str:
    if node.tag.endswith(":timestamp"):
        return f"'{node.value}' is not a real date ({error}); write YYYY-MM-DD"
    if node.tag.endswith(":int"):
        return f"the number has {len(str(node.value))} digits, too many to read (quote it to keep it as text)"
    return f"'{str(node.value)[:40]}' cannot be read ({error})"


def _location(node: yaml.Node, document: YamlDocument) -> Location:
    return Location(document.display, node.start_mark.line + 1, node.start_mark.column + 1)
