"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases without
bound and forgets line numbers. Here a document is composed into nodes with the safe loader and
built into plain data by hand, so that duplicate keys and aliases are refused with their
location, and every mapping key and value keeps its line and column for later error messages.
The parser errors people make most often (a colon inside a text, a line indented wrongly, a
missing colon) are told in plain words, at the line of the mistake.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError

#: Larger files are refused before parsing: a customization or content file is a few kilobytes.
MAX_FILE_BYTES = 2 * 1024 * 1024

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
    return parse_yaml(read_bounded(path, shown), path=path, display=shown)


def read_yaml_unlocated(path: Path, *, display: str) -> YamlDocument:
    """A content file that is not checked (the bundled prototype), read without the location of
    each value: only a check places a problem in it. The data is :func:`read_yaml`'s, which reads
    any file holding more than plain mappings, lists, text, numbers and booleans (an alias, a
    tag, a date, a repeated key), and raises what it finds. The bundled content reads in 15 ms
    instead of 25 ms."""
    try:
        raw = path.read_bytes()
        if len(raw) <= MAX_FILE_BYTES:
            loader = yaml.CSafeLoader(raw.decode("utf-8").removeprefix("\ufeff"))
            try:
                return YamlDocument(path, display, _plain(loader.get_single_node(), loader, set()))
            finally:
                loader.dispose()
    except Exception:  # anything but plain data: read_yaml says what it is
        pass
    return read_yaml(path, display=display)


_PLAIN_TYPES = (str, int, float, bool, type(None))


def _plain(node: yaml.Node | None, loader: yaml.CSafeLoader, seen: set[int]) -> Any:
    """The data of a node holding plain data only; raises on anything else."""
    if node is None:
        raise ValueError("an empty file")
    if id(node) in seen:
        raise ValueError("an alias")
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode) and node.tag == "tag:yaml.org,2002:map":
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str) or key in result:
                raise ValueError("a key that is not text, or a repeated one")
            result[key] = _plain(value_node, loader, seen)
        return result
    if isinstance(node, yaml.SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
        return [_plain(child, loader, seen) for child in node.value]
    if not isinstance(node, yaml.ScalarNode):
        raise ValueError("a tagged collection")
    value = loader.construct_object(node, deep=True)
    if not isinstance(value, _PLAIN_TYPES) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER
    ):
        raise ValueError("a value that is not plain")
    return value


def parse_yaml(raw: bytes, *, path: Path, display: str) -> YamlDocument:
    """The YAML document of a file's bytes (as :func:`read_bounded` gives them)."""
    shown = display
    text = _decode(raw, shown)
    document = YamlDocument(path=path, display=shown, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LstoolkitError(
                "the file is empty",
                Location(shown, 1, 1),
                hint="Add its content.",
                code=FindingCode.NOT_YAML,
            )
        document.data = _build(node, loader, (), document, set(), node.start_mark)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text, shown) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow; no mark, an offset
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise LstoolkitError(
            f"invalid YAML: the file contains the control character U+{error.character:04X}"
            if isinstance(error.character, int)
            else f"invalid YAML: {error.reason}",
            Location(shown, line, column),
            hint="Delete it (it is invisible in most editors; retype the line).",
            code=FindingCode.NOT_YAML,
        ) from None
    except yaml.YAMLError as error:
        raise LstoolkitError(
            f"invalid YAML: {error}", Location(shown), code=FindingCode.NOT_YAML
        ) from None
    finally:
        loader.dispose()
    return document


def read_bounded(path: Path, shown: str) -> bytes:
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
            f"cannot read the file: {error.strerror}", Location(shown), code=FindingCode.NOT_YAML
        ) from None
    if size > MAX_FILE_BYTES:
        raise LstoolkitError(
            f"the file is {size:,} bytes; files larger than {MAX_FILE_BYTES:,} bytes are refused",
            Location(shown),
            hint="Split it, or check that it is the right file.",
            code=FindingCode.NOT_YAML,
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
            code=FindingCode.NOT_YAML,
        ) from None
    return text.removeprefix("\ufeff")


def _syntax_error(error: yaml.MarkedYAMLError, text: str, shown: str) -> LstoolkitError:
    mark = error.problem_mark or error.context_mark
    location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
    message = " ".join(part for part in (error.context, error.problem) if part)
    at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    if at_tab and "'\\t'" not in message:
        message += " (a tab)"
    mistake = None if at_tab else _common_mistake(error, text.splitlines())
    if mistake is not None:
        return LstoolkitError(
            f"invalid YAML: {mistake.message}",
            Location(shown, mistake.line, mistake.column),
            hint=mistake.hint,
            code=FindingCode.NOT_YAML,
        )
    return LstoolkitError(
        f"invalid YAML: {message}",
        location,
        hint="Indent with spaces, not tabs." if at_tab else _yaml_hint(message),
        code=FindingCode.NOT_YAML,
    )


@dataclass(frozen=True)
class _Mistake:
    """A common mistake in plain words, at its line and column (1-based)."""

    message: str
    hint: str
    line: int
    column: int


_INDENTATION = (
    "Check the indentation: list items under 'changes:' start with two spaces and a dash; "
    "the keys of one change line up."
)
#: What PyYAML and libyaml say about a line indented wrongly.
_INDENTATION_PROBLEMS = (
    "did not find expected key",
    "expected <block end>",
    "did not find expected '-' indicator",
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _common_mistake(error: yaml.MarkedYAMLError, lines: list[str]) -> _Mistake | None:
    """The mistake behind the parser's error, when it is one of the common ones."""
    problem, mark = error.problem or "", error.problem_mark
    if mark is None or mark.line >= len(lines):
        return None
    if "mapping values are not allowed" in problem:
        return _colon_mistake(lines, mark.line, mark.column)
    if "could not find expected ':'" in problem:
        previous = _previous_line(lines, mark.line)
        return _missing_colon(lines, previous) if previous is not None else None
    if any(p in problem for p in _INDENTATION_PROBLEMS):
        return (
            _empty_before(lines, mark.line)
            or _key_commented_out(lines, mark.line)
            or _Mistake(
                "this line is not indented like the lines around it",
                _INDENTATION,
                mark.line + 1,
                _indent(lines[mark.line]) + 1,
            )
        )
    return None


def _colon_mistake(lines: list[str], number: int, column: int) -> _Mistake | None:
    """A colon where YAML allows no key: inside a text, under a line with no colon, or on a line
    indented too far (``number`` and ``column`` 0-based)."""
    line = lines[number]
    start = len(line) - len(_content(line))
    before = line[start:column]
    key, _, value = before.partition(": ")
    if _starts_quoted(key) or _starts_quoted(value):  # the parser's own words are better here
        return None
    if ": " in before:
        return _Mistake(
            "a colon followed by a space inside a text starts a new key",
            _quote_hint(line, start),
            number + 1,
            column + 1,
        )
    if not _KEY.fullmatch(before):  # a text going on from the line above
        return _Mistake(
            "a colon followed by a space inside a text starts a new key",
            "Put the text in quotes, from its first line to its last.",
            number + 1,
            column + 1,
        )
    previous = _previous_line(lines, number)
    if previous is not None and ":" not in _without_comment(lines[previous]):
        return _missing_colon(lines, previous)
    return _Mistake(
        "this line is indented further than the key before it", _INDENTATION, number + 1, start + 1
    )


def _starts_quoted(text: str) -> bool:
    """Whether ``text`` starts a quoted text or a bracketed list or mapping."""
    return text[:1] in ("{", "[", '"', "'")


def _missing_colon(lines: list[str], number: int) -> _Mistake:
    line = lines[number]
    key, _, rest = _without_comment(_content(line)).strip().partition(" ")
    fixed = f"{key}: {rest.strip()}" if rest.strip() else f"{key}:"
    return _Mistake(
        "missing ':' after the key?",
        f"Put a colon and a space after the key: {fixed}",
        number + 1,
        len(line) - len(_content(line)) + 1,
    )


def _empty_before(lines: list[str], number: int) -> _Mistake | None:
    """Lines under a key written with an empty '{}' or '[]', which closes it (as when examples
    under it are uncommented)."""
    previous = _previous_line(lines, number)
    if previous is None or _indent(lines[number]) <= _indent(lines[previous]):
        return None
    line = _without_comment(lines[previous]).rstrip()
    if not line.endswith(("{}", "[]")):
        return None
    empty = line[-2:]
    return _Mistake(
        f"'{empty}' after the key means it is empty, so the lines under it cannot belong to it",
        f"Delete the '{empty}' when you write entries under the key.",
        previous + 1,
        len(line) - 1,
    )


_COMMENTED_KEY = re.compile(r"( *)# ?([A-Za-z_][A-Za-z0-9_-]*):\s*(#.*)?")


def _key_commented_out(lines: list[str], number: int) -> _Mistake | None:
    """Lines uncommented under a key whose own line is still a comment."""
    above = lines[number - 1] if number > 0 else ""
    found = _COMMENTED_KEY.fullmatch(above)
    if found is None or _indent(lines[number]) <= len(found.group(1)):
        return None
    return _Mistake(
        f"the key '{found.group(2)}:' on this line is still a comment, so the lines under it belong to no key",
        "Delete the '# ' at the start of the key's line too.",
        number,
        len(found.group(1)) + 1,
    )


def _quote_hint(line: str, start: int) -> str:
    key, _, value = line[start:].partition(": ")
    value = _without_comment(value).strip()
    if len(value) > 60:
        return f"Put the text after '{key}:' in quotes: {key}: \"...\""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"Put the text in quotes: {key}: {quoted}"


def _previous_line(lines: list[str], number: int) -> int | None:
    """The nearest line above ``number`` (0-based) that is neither blank nor a comment."""
    for previous in range(number - 1, -1, -1):
        if lines[previous].strip() and not lines[previous].lstrip().startswith("#"):
            return previous
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> str:
    """The line without its indentation and list dashes."""
    stripped = line.lstrip(" ")
    while stripped.startswith("- "):
        stripped = stripped[2:].lstrip(" ")
    return stripped


def _without_comment(line: str) -> str:
    return re.split(r"(?:^|\s)#", line, maxsplit=1)[0]


def _yaml_hint(message: str) -> str:
    if "could not determine a constructor" in message:
        return "Tags such as !!python/object are not allowed; write plain values."
    if "found unexpected end of stream" in message or "found unexpected" in message:
        return "Check for an unclosed quote or bracket on this line or the one before."
    return ""


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(
    node: yaml.Node,
    loader: Any,
    path: PathKey,
    document: YamlDocument,
    seen: set[int],
    used_at: Any,
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
            result[key] = _build(
                value_node, loader, path + (key,), document, seen, key_node.start_mark
            )
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, loader, path + (i,), document, seen, node.start_mark)
            for i, child in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError as error:  # a date that does not exist, a number too long to read
        raise yaml.MarkedYAMLError(
            problem=_scalar_problem(node, error), problem_mark=node.start_mark
        ) from None
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
