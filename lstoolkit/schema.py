"""JSON Schema generated from the dataclasses of :mod:`lstoolkit.models`, and values built back.

The schema is the single description of a file's shape: the loader validates raw YAML against it
(so errors point at a line), editors use it for completion, and :func:`build` turns validated
data into frozen dataclasses.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from lstoolkit.models import COLLECTIONS, Pattern

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _type_schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *extras = get_args(hint)
        schema = _type_schema(base, defs)
        for extra in extras:
            if isinstance(extra, Pattern):
                schema["pattern"] = extra.regex
                if extra.max_length:
                    schema["maxLength"] = extra.max_length
        return schema
    if origin is Literal:
        return {"enum": list(get_args(hint))}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(get_args(hint)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(get_args(hint)[1], defs)}
    if hint is Any:
        return {}
    if hint is type(None):
        return {"type": "null"}
    if origin in (Union, types.UnionType):
        args = get_args(hint)
        choices = [arg for arg in args if arg is not type(None)]
        if len(choices) == 1 and get_origin(choices[0]) is Literal:
            # An optional choice is left out when not given: "must be one of", never "must be null".
            return _type_schema(choices[0], defs)
        return {"anyOf": [_type_schema(arg, defs) for arg in args]}
    if hint is str:
        return {"type": "string"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if isinstance(hint, type) and is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placeholder first: Entry refers to itself
            defs[name] = object_schema(hint, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def object_schema(cls: type[Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Schema of one dataclass: its fields, which are required, no other keys."""
    hints = get_type_hints(cls, include_extras=True)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in fields(cls):
        prop = _type_schema(hints[f.name], defs)
        if "doc" in f.metadata:
            prop = {"description": f.metadata["doc"], **prop}
        properties[f.name] = prop
        if f.default is MISSING and f.default_factory is MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if cls.__doc__:
        schema = {"description": cls.__doc__.strip().splitlines()[0], **schema}
    if required:
        schema["required"] = required
    return schema


@cache
def collection_file_schema(name: str) -> dict[str, Any]:
    """Schema of ``content/<name>.yml``: a title, an optional intro and the items."""
    defs: dict[str, Any] = {}
    item = _type_schema(COLLECTIONS[name], defs)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"lstoolkit content: {name}",
        "type": "object",
        "properties": {
            "title": {"type": "string", "description": "Title of the collection."},
            "intro": {"type": "string", "description": "Text before the items."},
            "items": {"type": "array", "items": item},
        },
        "required": ["title", "items"],
        "additionalProperties": False,
        "$defs": defs,
    }


def build(cls: type[Any], data: Any) -> Any:
    """Turn schema-valid data into an instance of ``cls`` (lists become tuples)."""
    values = {}
    for name, convert in _field_converters(cls):
        if name in data:
            value = data[name]
            values[name] = value if convert is None else convert(value)
    return cls(**values)


_FIELD_HINTS: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _field_hints(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    """The fields of ``cls`` with their resolved types (resolving them is slow: done once)."""
    if cls not in _FIELD_HINTS:
        hints = get_type_hints(cls)
        _FIELD_HINTS[cls] = tuple((f.name, hints[f.name]) for f in fields(cls))
    return _FIELD_HINTS[cls]


Converter = Callable[[Any], Any] | None
_FIELD_CONVERTERS: dict[type[Any], tuple[tuple[str, Converter], ...]] = {}


def _field_converters(cls: type[Any]) -> tuple[tuple[str, Converter], ...]:
    """The fields of ``cls``, each with what turns its raw value into the field's (None: kept as
    it is). Worked out once per class: building the toolkit's models is done on every adaptation."""
    found = _FIELD_CONVERTERS.get(cls)
    if found is None:
        found = _FIELD_CONVERTERS[cls] = tuple((name, _converter(hint)) for name, hint in _field_hints(cls))
    return found


def _converter(hint: Any) -> Converter:
    """What turns a raw value into a value of type ``hint``: a tuple for a list, a dataclass
    (recursively) for a mapping; None where the value is kept as it is."""
    if get_origin(hint) is tuple:
        (item_hint, _) = get_args(hint)
        item = _converter(item_hint)
        return tuple if item is None else lambda value: tuple(map(item, value))
    if get_origin(hint) in (Union, types.UnionType):
        dataclass_args = [a for a in get_args(hint) if isinstance(a, type) and is_dataclass(a)]
        if not dataclass_args:
            return None
        first = dataclass_args[0]
        return lambda value: build(first, value) if isinstance(value, dict) else value
    if isinstance(hint, type) and is_dataclass(hint):
        return lambda value: build(hint, value)
    return None

