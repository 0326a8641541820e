"""Apply a chain of layers to the prototype: every layer's changes, then terms, level and values.

Adaptation works on the raw, YAML-shaped content (plain dicts and lists addressed by
:mod:`lstoolkit.addresses`) and builds typed models once at the end. Every change is recorded
with the value it replaced, so the site, the handouts and the fidelity check can show and judge
it. A change whose address does not exist is an error (LS301), never silently skipped.

The work grows linearly with the number of changes: a change records the value it replaced (now
detached from the content, so never copied) and its own new value; ids are looked up in an index
kept as changes apply, not by scanning lists. Terms are applied once, at the end, in one pass per
text (:mod:`lstoolkit.terms`), each text renamed by the layers at and below the one that wrote it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from lstoolkit.addresses import (
    IdIndex,
    Raw,
    Target,
    addresses_of,
    find,
    index_addresses,
    is_entry_list,
    nearest_address,
    slugify,
)
from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError, suggest
from lstoolkit.escape import gap
from lstoolkit.forms import plan_answers
from lstoolkit.i18n import ENGLISH, SOURCE_LANGUAGE, Words, words
from lstoolkit.layers import Change, Layer
from lstoolkit.load import ContentTree, build_toolkit
from lstoolkit.models import (
    COLLECTION_SPECS,
    COLLECTIONS,
    PLACEHOLDER,
    FieldRole,
    Toolkit,
    entry_fields,
    field_names,
    reference_fields,
    string_list_fields,
)
from lstoolkit.schema import collection_file_schema, validate
from lstoolkit.sections import (
    DESIGN_ADDRESSES,
    AuthoredSection,
    check_section_addresses,
    inherited_sections,
)
from lstoolkit.terms import Renaming, chain_renamings, layer_forms, rename_prose

#: A file with more problems than this reports the first ones: they are fixed in one pass anyway.
MAX_PROBLEMS = 100

#: Collections whose wording is a citation or a quotation: terms never rename it.
VERBATIM_COLLECTIONS = frozenset(name for name, spec in COLLECTION_SPECS.items() if spec.verbatim)
#: Keys whose values are never renamed: ids, addresses, codes and wording kept as the sources give it.
NON_PROSE_KEYS = field_names(
    FieldRole.VERBATIM, FieldRole.CODE, FieldRole.ADDRESS, FieldRole.DERIVED
)
#: Reference fields pruned when what they point at was removed (an ``Address`` is kept: the
#: fidelity check and the pages show what an element requires even when it is gone).
PRUNED_REFERENCES = field_names(FieldRole.DERIVED)


@dataclass(frozen=True)
class AppliedChange:
    """A change as applied: where it came from, the value before and after it."""

    layer: str
    agency: str
    change: Change
    location: Location
    before: Any
    after: Any
    prototype: Any
    essential: Mapping[str, str]  # address -> why it is essential, as the layer found it


@dataclass(frozen=True)
class Adapted:
    """The resolved toolkit of a chain of layers, with everything needed to explain it."""

    prototype: ContentTree
    layers: tuple[Layer, ...]
    raw: Raw
    toolkit: Toolkit
    changes: tuple[AppliedChange, ...]
    missing_values: tuple[str, ...]
    sections: Mapping[str, AuthoredSection] = field(default_factory=dict)

    @property
    def top(self) -> Layer | None:
        return self.layers[-1] if self.layers else None

    @property
    def language(self) -> str:
        """The handouts' language: the nearest layer's 'language', else English."""
        return next(
            (layer.file.language for layer in reversed(self.layers) if layer.file.language),
            SOURCE_LANGUAGE,
        )


def adapt(prototype: ContentTree, layers: Iterable[Layer]) -> Adapted:
    """Resolve ``layers`` (nearest the prototype first) over ``prototype``."""
    chain = tuple(layers)
    work = _Work(_copied(prototype.raw))
    applied: list[AppliedChange] = []
    protected: dict[str, str] = {}
    problems: list[LstoolkitError] = []
    for position, layer in enumerate(chain, start=1):
        essential = {**_required_addresses(work.raw), **protected}
        for i, change in enumerate(layer.file.changes):
            if len(problems) >= MAX_PROBLEMS:
                break
            try:
                before, after = apply_change(work, change, layer, i, position)
            except LstoolkitError as error:
                problems.extend(error.problems)
                continue
            node = prototype.index.get(change.target)
            applied.append(
                AppliedChange(
                    layer=layer.display,
                    agency=layer.file.agency.name,
                    change=change,
                    location=layer.locate("changes", i),
                    before=before,
                    after=after,
                    prototype=node.value if node else None,
                    essential=essential,
                )
            )
        problems += _check_names(layer, work)
        protected.update({a: f"protected by {layer.display}" for a in layer.file.protect})
    if problems:
        raise LstoolkitError.collect(problems[:MAX_PROBLEMS])
    renamings = chain_renamings(
        layer_forms(
            layer.file.terms, {t: layer.locate("terms", t, key=True) for t in layer.file.terms}
        )
        for layer in chain
    )
    values = _merged_values(chain) if chain else _prototype_values(work.raw)
    level = chain[-1].file.agency.level if chain else None
    language = next(
        (layer.file.language for layer in reversed(chain) if layer.file.language), SOURCE_LANGUAGE
    )
    raw, missing = _finish(work, renamings, level=level, values=values, words=words(language))
    adapted = Adapted(
        prototype=prototype,
        layers=chain,
        raw=raw,
        toolkit=build_toolkit(raw),
        changes=tuple(applied),
        missing_values=tuple(missing),
        sections=_sections(chain, prototype, raw),
    )
    plan_answers(adapted)  # a plan: key that names no task of the agency's plan is an error (LS301)
    return adapted


#: What raw content holds besides mappings and lists: values that cannot change.
_IMMUTABLE = (str, int, float, bool, type(None), bytes)


def _copied(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of raw content, as :func:`copy.deepcopy` makes it (a mapping or list met twice
    is copied once), in half its time: mappings and lists are copied, values that cannot change
    are kept, anything else is left to :func:`copy.deepcopy`."""
    if memo is None:
        memo = {}
    kind = type(value)
    if kind is dict or kind is list:
        found = memo.get(id(value))
        if found is not None:
            return found
        if kind is dict:
            mapping: dict[Any, Any] = {}
            memo[id(value)] = mapping
            for key, item in value.items():
                mapping[key] = item if type(item) in _IMMUTABLE else _copied(item, memo)
            return mapping
        items: list[Any] = []
        memo[id(value)] = items
        items.extend(item if type(item) in _IMMUTABLE else _copied(item, memo) for item in value)
        return items
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value, memo)


def _sections(
    chain: tuple[Layer, ...], prototype: ContentTree, raw: Raw
) -> dict[str, AuthoredSection]:
    """The sections of the chain, nearest layer first; every one attaches to a design part or to
    an address of the prototype or a layer. A section whose item a later layer removed goes with it."""
    if not any(layer.sections for layer in chain):
        return {}
    present = addresses_of({name: data["items"] for name, data in raw.items()})
    known = {**prototype.index, **present}
    for layer in chain:
        check_section_addresses(
            layer.sections,
            known,
            {address: layer.locate("sections", address, key=True) for address in layer.sections},
        )
    merged = inherited_sections((layer.file.agency.name, layer.sections) for layer in chain)
    return {a: s for a, s in merged.items() if a in DESIGN_ADDRESSES or a in present}


# -- the content while changes apply ------------------------------------------------------------


class _Origins:
    """Which layer wrote a text: the objects (items, entries, relations) and the fields a change
    put in place. Text not marked is the prototype's (origin 0)."""

    def __init__(self) -> None:
        self._objects: dict[int, tuple[Any, int]] = {}
        self._fields: dict[tuple[int, str], tuple[Any, int]] = {}

    def mark(self, node: Any, layer: int) -> None:
        self._objects[id(node)] = (node, layer)

    def mark_fields(self, node: dict[str, Any], keys: Iterable[str], layer: int) -> None:
        for key in keys:
            self._fields[(id(node), key)] = (node, layer)

    def carry(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """``new`` replaces ``old``: it keeps the origins ``old`` had."""
        if id(old) in self._objects:
            self.mark(new, self._objects[id(old)][1])
        for key in old:
            if (id(old), key) in self._fields:
                self._fields[(id(new), key)] = (new, self._fields[(id(old), key)][1])

    def of(self, node: Any, default: int) -> int:
        found = self._objects.get(id(node))
        return found[1] if found is not None and found[0] is node else default

    def of_field(self, node: Any, key: str, default: int) -> int:
        found = self._fields.get((id(node), key))
        return found[1] if found is not None and found[0] is node else default


@dataclass
class _Work:
    """The raw content being changed, with its id index and the origin of its texts."""

    raw: Raw
    ids: IdIndex = field(default_factory=IdIndex)
    origins: _Origins = field(default_factory=_Origins)

    def nearest(self, address: str) -> str:
        return nearest_address(address, index_addresses(_items(self.raw)))


# -- changes ------------------------------------------------------------------------------------


def apply_change(
    work: _Work, change: Change, layer: Layer, index: int, position: int
) -> tuple[Any, Any]:
    """Apply one change in place; return the value it replaced and the value it put in place."""
    target = find(work.raw, change.target, work.ids)
    if target is None:
        nearest = work.nearest(change.target)
        raise LstoolkitError(
            f"'{change.target}' does not exist (in the prototype and the layers above this one)",
            layer.locate("changes", index, change.kind),
            hint=f"Did you mean '{nearest}'?" if nearest else "Run 'lstoolkit addresses'.",
            code=FindingCode.NO_SUCH_ADDRESS,
        )
    before = target.value if target.kind != "collection" else None
    operation = {"remove": _remove, "add": _add, "replace": _replace}[change.kind]
    after = operation(work, target, _Author(change, layer, index, position))
    return (None if change.kind == "add" else before), after


@dataclass(frozen=True)
class _Author:
    """A change and where it comes from, for the operations and their errors."""

    change: Change
    layer: Layer
    index: int
    position: int  # of the layer in the chain, 1 nearest the prototype

    def fail(
        self, message: str, hint: str = "", code: FindingCode = FindingCode.NO_SUCH_ADDRESS
    ) -> LstoolkitError:
        return LstoolkitError(
            message, self.layer.locate("changes", self.index), hint=hint, code=code
        )


def _remove(work: _Work, target: Target, author: _Author) -> Any:
    change = author.change
    if target.kind == "collection":
        raise author.fail(
            f"a whole collection ('{change.target}') cannot be removed",
            "Remove its items one by one.",
        )
    if target.kind == "field":
        cls = COLLECTIONS[target.collection]
        required = {
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        }
        if target.key in required:
            if not isinstance(target.value, str):
                raise author.fail(
                    f"'{change.target}' is required and cannot be removed", "Replace it instead."
                )
            target.container[target.key] = ""
        else:
            target.container.pop(target.key, None)
        return None
    del target.container[target.key]
    work.ids.removed(target.container)
    return None


def _add(work: _Work, target: Target, author: _Author) -> Any:
    change = author.change
    if target.kind == "collection":
        return _add_item(work, target, author)
    if target.kind == "item":
        fields_hint = ", ".join(entry_fields(COLLECTIONS[target.collection]))
        raise author.fail(
            f"'add' needs a list, not the item '{change.target}'",
            f"Name one of its lists: {fields_hint}.",
        )
    if target.kind == "entry":
        siblings = target.value.setdefault("children", [])
    else:
        cls = COLLECTIONS[target.collection]
        if target.key in entry_fields(cls):
            siblings = target.container.setdefault(target.key, [])
        elif target.key == "relations":
            return _add_relation(work, target, author)
        elif target.key in string_list_fields(cls):
            if not isinstance(change.text, str):
                raise author.fail(f"'{change.target}' is a list of texts: 'text' must be one text")
            if (
                target.key in reference_fields(cls)
                and find(work.raw, change.text, work.ids) is None
            ):
                # an address that does not exist would be pruned without a word: refuse it
                nearest = work.nearest(change.text)
                raise author.fail(
                    f"'{change.text}' does not exist",
                    f"Did you mean '{nearest}'?" if nearest else "",
                )
            target.container.setdefault(target.key, []).append(change.text)
            return change.text
        else:
            raise author.fail(f"'{change.target}' is not a list", "Use 'replace' to change a text.")
    entry = _new_entry(work, siblings, author)
    siblings.append(entry)
    work.ids.appended(siblings)
    work.origins.mark(entry, author.position)
    return dict(entry)


def _add_relation(work: _Work, target: Target, author: _Author) -> Any:
    relation = author.change.text
    if not (
        isinstance(relation, dict)
        and set(relation) == {"to", "text"}
        and all(isinstance(v, str) for v in relation.values())
    ):
        raise author.fail(
            "a relation takes 'text: {to: <address>, text: <how they relate>}'",
            "For example: text: {to: mechanisms/steering-body, text: reports to}",
        )
    if find(work.raw, relation["to"], work.ids) is None:
        nearest = work.nearest(relation["to"])
        raise author.fail(
            f"'{relation['to']}' does not exist", f"Did you mean '{nearest}'?" if nearest else ""
        )
    added = dict(relation)
    target.container.setdefault(target.key, []).append(added)
    work.origins.mark(added, author.position)
    return dict(relation)


def _new_entry(work: _Work, siblings: list[dict[str, Any]], author: _Author) -> dict[str, Any]:
    change = author.change
    if isinstance(change.text, dict):
        raise author.fail(
            "an added entry takes one 'text', not a mapping", "Use 'title:' for its heading."
        )
    taken = work.ids.of(siblings)
    entry_id = change.id or _unique(slugify(change.text, words=6), taken)
    if entry_id in taken:
        raise author.fail(f"the list already has an entry '{entry_id}'", "Choose another 'id'.")
    entry: dict[str, Any] = {"id": entry_id, "text": change.text}
    if change.title:
        entry["title"] = change.title
    return entry


def _add_item(work: _Work, target: Target, author: _Author) -> Any:
    change = author.change
    if not isinstance(change.text, dict):
        raise author.fail(
            f"adding an item to '{change.target}' takes a mapping of its fields in 'text'"
        )
    _refuse_source(author)
    item = {
        "source": {"doc": "local", "section": author.layer.file.agency.name},
        **copy.deepcopy(change.text),
    }
    _validate_item(target.collection, item, author)
    if item["id"] in work.ids.of(target.container):
        raise author.fail(
            f"'{change.target}' already has an item '{item['id']}'", "Choose another id."
        )
    target.container.append(item)
    work.ids.appended(target.container)
    work.origins.mark(item, author.position)
    return copy.deepcopy(item)


def _refuse_source(author: _Author) -> None:
    """Text an agency writes is cited as the agency's, never as one of the prototype's sources."""
    if isinstance(author.change.text, dict) and "source" in author.change.text:
        raise LstoolkitError(
            "an added or replaced item cannot set 'source': what an agency writes is cited as its own",
            author.layer.locate("changes", author.index, "text", "source", key=True),
            hint="Remove 'source:'; the site cites the agency for this item.",
            code=FindingCode.SCHEMA,
        )


def _replace(work: _Work, target: Target, author: _Author) -> Any:
    change = author.change
    if target.kind == "collection":
        raise author.fail("a whole collection cannot be replaced")
    if target.kind == "item":
        if not isinstance(change.text, dict):
            raise author.fail(
                f"replacing the item '{change.target}' takes a mapping of fields",
                "Or replace one field: add '/<field>'.",
            )
        if change.text.get("id", target.value["id"]) != target.value["id"]:
            raise author.fail("'replace' cannot change an id", "Remove the item and add a new one.")
        _refuse_source(author)
        merged = {**target.value, **copy.deepcopy(change.text)}
        _validate_item(target.collection, merged, author)
        return _put(work, target, merged, change.text, author.position)
    if target.kind == "entry":
        update = change.text if isinstance(change.text, dict) else {"text": change.text}
        unknown = set(update) - {"text", "title"}
        if unknown:
            raise author.fail(
                f"an entry has only 'text' and 'title', not {', '.join(sorted(unknown))}"
            )
        return _put(work, target, {**target.value, **update}, update, author.position)
    if not isinstance(change.text, str) or isinstance(target.value, list):
        raise author.fail(
            f"'{change.target}' takes one text", "To change a list, add or remove its entries."
        )
    allowed = _allowed_words(target.collection, str(target.key))
    if allowed and change.text not in allowed:
        raise author.fail(
            f"'{change.target}' is one of {', '.join(allowed)}, not '{change.text}'",
            f"Write 'text: {allowed[0]}' or 'text: {allowed[-1]}'.",
            code=FindingCode.SCHEMA,
        )
    target.container[target.key] = change.text
    work.origins.mark_fields(target.container, [str(target.key)], author.position)
    return change.text


def _put(
    work: _Work, target: Target, new: dict[str, Any], written: Iterable[str], position: int
) -> dict[str, Any]:
    """Put ``new`` where ``target`` is (the old value stays as it was, for the record)."""
    old = target.value
    target.container[target.key] = new
    work.origins.carry(old, new)
    work.origins.mark_fields(new, written, position)
    return dict(new)


@cache
def _allowed_words(collection: str, field_name: str) -> tuple[str, ...]:
    """The values a field of fixed words (a mechanism's kind) may take; empty for free text."""
    schema = collection_file_schema(collection)
    item = schema["$defs"][schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]
    return tuple(item.get("properties", {}).get(field_name, {}).get("enum", ()))


@cache
def _item_validator(collection: str) -> Draft202012Validator:
    schema = collection_file_schema(collection)
    return Draft202012Validator(
        {"$ref": schema["properties"]["items"]["items"]["$ref"], "$defs": schema["$defs"]}
    )


def _validate_item(collection: str, item: dict[str, Any], author: _Author) -> None:
    validator = _item_validator(collection)
    if validator.is_valid(item):
        return
    scratch = copy.copy(author.layer.document)
    scratch.data = {"changes": {author.index: {"text": item}}}
    problems = validate(scratch, dict(validator.schema), at=("changes", author.index, "text"))  # type: ignore[arg-type]
    if problems:
        raise LstoolkitError.collect(problems)


def _unique(base: str, taken: Mapping[str, Any]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_names(layer: Layer, work: _Work) -> list[LstoolkitError]:
    """Protected addresses and value names must exist: a typo would silently protect nothing.
    A value the content declares a number is written in digits (or keeps the source's wording)."""
    kinds = {value["id"]: value.get("type", "text") for value in work.raw["values"]["items"]}
    wording = {value["id"]: value["prototype"] for value in work.raw["values"]["items"]}
    declared = list(kinds)
    problems = []
    for name, given in layer.file.values.items():
        if name not in declared:
            problems.append(
                LstoolkitError(
                    f"the content asks for no value named '{name}'",
                    layer.locate("values", name, key=True),
                    hint=suggest(name, declared) or f"Known values: {', '.join(declared)}.",
                    code=FindingCode.NO_SUCH_ADDRESS,
                )
            )
        elif kinds[name] == "number" and not _is_number(given) and given != wording[name]:
            problems.append(
                LstoolkitError(
                    f"the value '{name}' is a number, not '{given}'",
                    layer.locate("values", name),
                    hint=f"Write it in digits, e.g. '{name}: 12'.",
                    code=FindingCode.SCHEMA,
                )
            )
    for i, address in enumerate(layer.file.protect):
        if find(work.raw, address, work.ids) is None:
            nearest = work.nearest(address)
            problems.append(
                LstoolkitError(
                    f"'protect' names '{address}', which does not exist",
                    layer.locate("protect", i),
                    hint=f"Did you mean '{nearest}'?" if nearest else "",
                    code=FindingCode.NO_SUCH_ADDRESS,
                )
            )
    return problems


def _is_number(value: str | int) -> bool:
    """A whole number, or text of digits only (a quoted number)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or re.fullmatch(r"[0-9]+", value.strip()) is not None


def _required_addresses(raw: Raw) -> dict[str, str]:
    return {
        address: f"required by elements/{element['id']}"
        for element in raw["elements"]["items"]
        for address in element.get("requires", [])
    }


def _items(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {name: data["items"] for name, data in raw.items()}


# -- terms, level, values: one pass that builds the result ---------------------------------------


def _finish(
    work: _Work,
    renamings: list[Renaming],
    *,
    level: str | None,
    values: Mapping[str, str] | None,
    words: Words = ENGLISH,
) -> tuple[Raw, list[str]]:
    """The adapted content: references to removed things pruned, entries of other levels left
    out, each text renamed by the terms of its origin and its ``${values}`` filled in (unless
    ``values`` is None)."""
    known = addresses_of(_items(work.raw))
    fill = _filler(work.raw, values, words) if values is not None else _Filler({}, None)
    origins = work.origins

    def keep(node: Any) -> bool:
        return (
            not level
            or not isinstance(node, dict)
            or not node.get("levels")
            or level in node["levels"]
        )

    def build(node: Any, origin: int, text: Callable[[str, int], str]) -> Any:
        if isinstance(node, str):
            return text(node, origin)
        if isinstance(node, list):
            kept = [entry for entry in node if keep(entry)] if is_entry_list(node) else node
            return [build(value, origin, text) for value in kept]
        if not isinstance(node, dict):
            return node
        origin = origins.of(node, origin)
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key in PRUNED_REFERENCES:
                result[key] = [address for address in value if address in known]
            elif key == "relations":
                result[key] = [build(r, origin, text) for r in value if r["to"] in known]
            elif key in NON_PROSE_KEYS:
                result[key] = value
            else:
                result[key] = build(value, origins.of_field(node, key, origin), text)
        return result

    raw: Raw = {}
    for name, data in work.raw.items():
        text = _text_function(name, renamings, fill)
        items = data["items"] if name != "tasks" else [item for item in data["items"] if keep(item)]
        raw[name] = {
            **{
                key: text(value, 0)
                for key, value in data.items()
                if key in ("title", "intro") and isinstance(value, str)
            },
            **{key: value for key, value in data.items() if key not in ("title", "intro", "items")},
            "items": [build(item, 0, text) for item in items],
        }
        raw[name] = {
            key: raw[name][key] for key in data if key in raw[name]
        }  # the file's key order
    return raw, fill.missing


def _text_function(
    name: str, renamings: list[Renaming], fill: _Filler
) -> Callable[[str, int], str]:
    if name == "values":
        return lambda text, origin: text
    if name in VERBATIM_COLLECTIONS:
        return lambda text, origin: fill(text)
    return lambda text, origin: fill(rename_prose(text, renamings[origin]))


class _Filler:
    """Replaces ``${name}`` by its value as it reads in a sentence; a value no layer gives shows
    as a labelled gap (see :mod:`lstoolkit.escape`), never as a bracket."""

    def __init__(
        self,
        definitions: Mapping[str, Mapping[str, Any]],
        values: Mapping[str, str] | None,
        words: Words = ENGLISH,
    ) -> None:
        self.definitions = definitions
        self.values = values or {}
        self.words = words
        self.missing: list[str] = []
        self.active = values is not None

    def __call__(self, text: str) -> str:
        return PLACEHOLDER.sub(self._one, text) if self.active and "${" in text else text

    def _one(self, match: re.Match[str]) -> str:
        name = match.group(1)
        definition = self.definitions.get(name, {})
        if name in self.values:
            return value_phrase(definition, self.values[name], self.words)
        if name not in self.missing:
            self.missing.append(name)
        return gap(definition.get("gap") or f"{definition.get('description', name)}, to be decided")


def value_phrase(definition: Mapping[str, Any], value: str, words: Words = ENGLISH) -> str:
    """How a value reads in a sentence: a number with a unit as 'twelve positions' or
    '12 positions' (as the value's definition says), anything else as given. In another language,
    digits and the unit from its catalogue ('12 puestos')."""
    unit = definition.get("unit")
    if definition.get("type") != "number" or not unit or not value.isdigit():
        return value
    number = int(value)
    units = definition.get("units") or unit + "s"
    if not words.english:  # the catalogue has the units the values use ("%(num)s position")
        return words.plural(f"%(num)s {unit}", f"%(num)s {units}", number)
    counted = unit if number == 1 else units
    shown = (
        number_in_words(number) if definition.get("reads", "words") == "words" else f"{number:,}"
    )
    return f"{shown} {counted}"


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_in_words(number: int) -> str:
    """English words for 0-100, digits beyond (house style: spell out one through one hundred)."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    return "one hundred" if number == 100 else f"{number:,}"


def _filler(raw: Raw, values: Mapping[str, str], words: Words = ENGLISH) -> _Filler:
    return _Filler({value["id"]: value for value in raw["values"]["items"]}, values, words)


def _prototype_values(raw: Raw) -> dict[str, str]:
    return {value["id"]: value["prototype"] for value in raw["values"]["items"]}


def _merged_values(chain: tuple[Layer, ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in chain:
        merged.update({k: str(v) for k, v in layer.file.values.items()})
    return merged


def rename_terms(raw: Raw, terms: Mapping[str, str]) -> Raw:
    """``raw`` with one layer's ``terms`` renamed in its prose (quotations and citations spared)."""
    renaming = Renaming(layer_forms(terms))
    renamed, _ = _finish(_Work(raw), [renaming, renaming], level=None, values=None)
    return renamed
