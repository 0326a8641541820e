"""JSON Schema generated from the dataclasses of :mod:`lstoolkit.models`, and values built back.

The schema is the single description of a file's shape: :func:`validate` checks raw YAML against
it with errors in words at their line (for the content and the agency files alike), editors use
it for completion, and :func:`build` turns validated data into frozen dataclasses.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from jsonschema import Draft202012Validator, ValidationError

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError, file_order, suggest
from lstoolkit.models import COLLECTIONS, Pattern
from lstoolkit.yamlfile import YamlDocument

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
        found = _FIELD_CONVERTERS[cls] = tuple(
            (name, _converter(hint)) for name, hint in _field_hints(cls)
        )
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


# -- validating a file against its schema, with located errors ---------------------------------

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping (key: value lines)",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}


def validate(
    document: YamlDocument, schema: dict[str, Any], *, at: tuple[str | int, ...] = ()
) -> list[LstoolkitError]:
    """Schema problems of ``document`` (or of its value at path ``at``), in file order."""
    validator = _validator(schema)
    value = document.data
    for step in at:
        value = value[step]
    problems = [
        problem
        for error in validator.iter_errors(value)
        for problem in _explain(error, document, at)
    ]
    problems.sort(key=file_order)
    return problems


#: Validators of the schemas used, by the schema's identity (the schemas are built once): a
#: validator resolves its references once, not on every file.
_VALIDATORS: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    known = _VALIDATORS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    validator = Draft202012Validator(schema)
    if (
        len(_VALIDATORS) < 64
    ):  # bounded: a schema made on the fly (for an item's errors) is new each time
        _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def _explain(
    error: ValidationError, document: YamlDocument, at: tuple[str | int, ...]
) -> Iterator[LstoolkitError]:
    path = at + tuple(error.absolute_path)
    where = _describe(path, document.data)
    # jsonschema types these as possibly unset; on a reported error they are always set.
    schema: Any = error.schema
    instance: Any = error.instance
    rule: Any = error.validator_value
    if error.validator == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                hint = suggest(key, allowed) or f"Valid keys: {', '.join(allowed)}."
                if (
                    instance[key] is None and " " in key.strip()
                ):  # {role: Principal, Washington School}
                    hint = 'A comma inside { } starts a new key: put the text in quotes, e.g. role: "Principal, Washington School".'
                yield _problem(
                    f"unknown key '{key}' in {where}",
                    document.locate(path + (key,), key=True),
                    hint,
                )
    elif error.validator == "required":
        for key in rule:
            if key not in instance:
                yield _problem(
                    f"{where} is missing the required key '{key}'",
                    _mapping_location(document, path),
                    _add_key_hint(key, schema.get("properties", {}).get(key, {})),
                )
    elif error.validator == "type":
        expected = rule
        words = " or ".join(
            _TYPE_WORDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
        )
        hint = _type_hint(expected, instance)
        yield _problem(
            f"{where} must be {words}, not {_kind(instance)}", document.locate(path), hint
        )
    elif error.validator == "pattern":
        message, hint = _pattern_problem(error, where)
        yield _problem(message, document.locate(path), hint)
    elif error.validator == "enum":
        options = [str(o) for o in rule]
        hint = suggest(str(instance), options) or f"Use one of: {', '.join(options)}."
        yield _problem(
            f"{where} is '{instance}', which is not one of: {', '.join(options)}",
            document.locate(path),
            hint,
        )
    elif error.validator == "anyOf":
        fitting, kinds = _branches(error)
        if fitting is not None:  # the value has the kind of one branch: say what it lacks there
            for inner in fitting:
                yield from _explain(inner, document, at)
        else:
            words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
            yield _problem(f"{where} must be {words}, not {_kind(instance)}", document.locate(path))
    elif error.validator == "maxLength":
        yield _problem(
            f"{where} is longer than {rule} characters", document.locate(path), "Shorten it."
        )
    else:
        yield _problem(f"{where}: {error.message}", document.locate(path))


def _branches(error: ValidationError) -> tuple[list[ValidationError] | None, list[str]]:
    """The errors of the one branch of an ``anyOf`` whose kind the value has (an ``adopted:``
    mapping without its ``by:`` is explained as the mapping it is, not as 'must be empty'), else
    None; and the kinds every branch expects, in order."""
    by_branch: dict[Any, list[ValidationError]] = {}
    for inner in error.context or ():
        by_branch.setdefault(inner.relative_schema_path[0], []).append(inner)
    kinds: list[str] = []
    fitting = []
    for inner_errors in by_branch.values():
        wrong_kind = [e for e in inner_errors if e.validator == "type" and not e.relative_path]
        if not wrong_kind:
            fitting.append(inner_errors)
        for e in wrong_kind:
            expected: Any = e.validator_value
            kinds += [expected] if isinstance(expected, str) else list(expected)
    return (fitting[0] if len(fitting) == 1 else None), list(dict.fromkeys(kinds))


def _add_key_hint(key: str, prop: Any) -> str:
    """The hint for a missing key: with the schema's example of its value when it gives one
    (Add 'by:': the body that adopted it, e.g. Board of Education.), else Add 'by:'."""
    about = str(prop.get("description", "")) if isinstance(prop, dict) else ""
    if "e.g." not in about:
        return f"Add '{key}:'."
    return f"Add '{key}:': {about[:1].lower()}{about[1:].rstrip('.')}."


def _mapping_location(document: YamlDocument, path: tuple[str | int, ...]) -> Location:
    """Where a mapping missing a key is: its key's line when the mapping starts on the lines
    under it (``adopted:`` then ``date: …``), else where it starts."""
    value = document.locate(path)
    key = document.keys.get(path)
    return key if key is not None and key.line != value.line else value


def _type_hint(expected: Any, instance: Any) -> str:
    if (
        expected == "string"
        and isinstance(instance, int | float)
        and not isinstance(instance, bool)
    ):
        return f'Quote it: "{instance}".'
    if expected == "string":
        return "Write it as one text; use '|-' for several paragraphs."
    return ""


def _pattern_problem(error: ValidationError, where: str) -> tuple[str, str]:
    value = str(error.instance)
    if "/" in str(error.validator_value):  # an address
        return (
            f"{where}: '{value}' is not an address",
            "Write <collection>/<id>[/<field>/<entry-id>].",
        )
    slug = "-".join("".join(c if c.isalnum() else " " for c in value.lower()).split())
    return (
        f"'{value}' is not a valid id",
        f"Use lowercase words joined by hyphens, e.g. '{slug}'.",
    )


def _problem(message: str, location: Location, hint: str = "") -> LstoolkitError:
    return LstoolkitError(message, location, hint=hint, code=FindingCode.SCHEMA)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "empty"
    return "text"


def _describe(path: tuple[str | int, ...], data: Any) -> str:
    """A readable name for the value at ``path``, using ids where the data has them."""
    words: list[str] = []
    node: Any = data
    for step in path:
        node = node[step] if isinstance(node, dict | list) else None  # type: ignore[index]
        if isinstance(step, int):
            item_id = node.get("id") if isinstance(node, dict) else None
            words.append(f"'{item_id}'" if isinstance(item_id, str) else f"#{step + 1}")
        elif step != "items":
            words.append(str(step))
    return " ".join(words) or "the file"


# -- integrity ----------------------------------------------------------------------------------
