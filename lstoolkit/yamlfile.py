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


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed; write the value out in full",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def read_yaml(path: Path, *, display: str | None = None) -> YamlDocument:
    """Read one YAML document. Raises :class:`LstoolkitError` with a location on any problem."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LstoolkitError(
            f"cannot read the file: {error.strerror}", Location(shown), code=YAML_ERROR
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise LstoolkitError(
            f"the file is {len(raw):,} bytes; files larger than {MAX_FILE_BYTES:,} bytes are refused",
            Location(shown),
            hint="Split it, or check that it is the right file.",
            code=YAML_ERROR,
        )
    text = _decode(raw, shown)
    document = YamlDocument(path=path, display=shown, data=None)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LstoolkitError(
                "the file is empty", Location(shown, 1, 1), hint="Add its content.", code=YAML_ERROR
            )
        document.data = _build(node, loader, (), document)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise LstoolkitError(
            f"invalid YAML: {message}", location, hint=_yaml_hint(message), code=YAML_ERROR
        ) from None
    except yaml.YAMLError as error:
        raise LstoolkitError(f"invalid YAML: {error}", Location(shown), code=YAML_ERROR) from None
    finally:
        loader.dispose()
    return document


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
    if "'\\t'" in message:
        return "Indent with spaces, not tabs."
    if "could not determine a constructor" in message:
        return "Tags such as !!python/object are not allowed; write plain values."
    if "found unexpected end of stream" in message or "found unexpected" in message:
        return "Check for an unclosed quote or bracket on this line or the one before."
    return ""


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(node: yaml.Node, loader: _StrictLoader, path: PathKey, document: YamlDocument) -> Any:
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
            result[key] = _build(value_node, loader, path + (key,), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, loader, path + (i,), document) for i, child in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _location(node: yaml.Node, document: YamlDocument) -> Location:
    return Location(document.display, node.start_mark.line + 1, node.start_mark.column + 1)
