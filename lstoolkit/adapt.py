"""Apply a chain of layers to the prototype: changes, then terms, per layer; level and values last.

Adaptation works on the raw, YAML-shaped content (plain dicts and lists addressed by
:mod:`lstoolkit.addresses`) and builds typed models once at the end. Every change is recorded
with the value it replaced, so the site, the handouts and the fidelity check can show and judge
it. A change whose address does not exist is an error (LS301), never silently skipped.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any

from lstoolkit.addresses import index_addresses, is_entry_list, nearest_address, slugify
from lstoolkit.errors import Location, LstoolkitError, suggest
from lstoolkit.layers import Change, Layer
from lstoolkit.load import ContentTree, build_toolkit, validate
from lstoolkit.models import COLLECTIONS, PLACEHOLDER, Toolkit, entry_fields
from lstoolkit.schema import collection_file_schema

ADDRESS_ERROR = "LS301"

#: Collections whose wording is a citation or a quotation: terms never rename it.
VERBATIM_COLLECTIONS = ("sources", "resources", "quotes", "values")
#: Keys whose values are ids, addresses or codes, never wording.
NON_PROSE_KEYS = frozenset(
    {"id", "source", "requires", "about", "lessons", "to", "levels", "fields", "url", "number",
     "group", "also_called", "citation"}
)

#: Fields that are lists of plain strings (addresses or names): 'add' appends one.
STRING_LISTS = frozenset({"requires", "about", "lessons", "also_called", "fields", "levels"})
#: Reference fields pruned when what they point at was removed (``requires`` is kept: the
#: fidelity check and the pages show what an element requires even when it is gone).
PRUNED_REFERENCES = ("about", "lessons")

Raw = dict[str, dict[str, Any]]


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

    @property
    def top(self) -> Layer | None:
        return self.layers[-1] if self.layers else None


def adapt(prototype: ContentTree, layers: Iterable[Layer]) -> Adapted:
    """Resolve ``layers`` (nearest the prototype first) over ``prototype``."""
    chain = tuple(layers)
    raw = copy.deepcopy(prototype.raw)
    applied: list[AppliedChange] = []
    protected: dict[str, str] = {}
    problems: list[LstoolkitError] = []
    prototype_index = prototype.index
    for layer in chain:
        essential = {**_required_addresses(raw), **protected}
        for i, change in enumerate(layer.file.changes):
            try:
                before, after = apply_change(raw, change, layer, i)
            except LstoolkitError as error:
                problems.append(error)
                continue
            node = prototype_index.get(change.target)
            applied.append(AppliedChange(
                layer=layer.display, agency=layer.file.agency.name, change=change,
                location=layer.locate("changes", i), before=before, after=after,
                prototype=copy.deepcopy(node.value) if node else None, essential=essential,
            ))
        problems += _check_names(layer, raw)
        protected.update({a: f"protected by {layer.display}" for a in layer.file.protect})
        rename_terms(raw, layer.file.terms)
    if problems:
        raise LstoolkitError.collect(problems)
    _prune_references(raw)
    level = chain[-1].file.agency.level if chain else None
    if level:
        _filter_level(raw, level)
    values = _merged_values(chain, raw) if chain else _prototype_values(raw)
    missing = _fill_values(raw, values)
    return Adapted(
        prototype=prototype, layers=chain, raw=raw, toolkit=build_toolkit(raw),
        changes=tuple(applied), missing_values=tuple(missing),
    )


# -- changes ------------------------------------------------------------------------------------


@dataclass
class _Target:
    """Where an address points inside raw content."""

    kind: str  # collection | item | field | entry
    collection: str
    container: Any  # list of items/entries, or the item mapping for a field
    key: int | str
    item: dict[str, Any] | None = None

    @property
    def value(self) -> Any:
        if isinstance(self.container, dict):
            return self.container.get(self.key)
        return self.container[self.key]


def find(raw: Raw, address: str) -> _Target | None:
    """The place ``address`` names in ``raw``, or None when it does not exist."""
    parts = address.split("/")
    name = parts[0]
    if name not in raw:
        return None
    items = raw[name]["items"]
    if len(parts) == 1:
        return _Target("collection", name, items, len(items))
    index = next((i for i, it in enumerate(items) if it["id"] == parts[1]), None)
    if index is None:
        return None
    item = items[index]
    if len(parts) == 2:
        return _Target("item", name, items, index, item)
    field_name = parts[2]
    if field_name == "id" or field_name not in {f.name for f in fields(COLLECTIONS[name])}:
        return None
    target = _Target("field", name, item, field_name, item)
    for entry_id in parts[3:]:
        entries = target.value if target.kind == "field" else target.value.get("children", [])
        position = next((j for j, e in enumerate(entries or []) if isinstance(e, dict) and e.get("id") == entry_id), None)
        if position is None:
            return None
        target = _Target("entry", name, entries, position, item)
    return target


def apply_change(raw: Raw, change: Change, layer: Layer, index: int) -> tuple[Any, Any]:
    """Apply one change in place; return copies of the value before and after it."""
    target = find(raw, change.target)
    where = layer.locate("changes", index, change.kind)
    if target is None:
        nearest = nearest_address(change.target, index_addresses(_items(raw)))
        raise LstoolkitError(
            f"'{change.target}' does not exist (in the prototype and the layers above this one)",
            where, hint=f"Did you mean '{nearest}'?" if nearest else "Run 'lstoolkit addresses'.",
            code=ADDRESS_ERROR,
        )
    before = copy.deepcopy(target.value) if target.kind != "collection" else None
    operation = {"remove": _remove, "add": _add, "replace": _replace}[change.kind]
    after = operation(raw, target, change, layer, index)
    return before, copy.deepcopy(after)


def _fail(message: str, layer: Layer, index: int, hint: str = "") -> LstoolkitError:
    return LstoolkitError(message, layer.locate("changes", index), hint=hint, code=ADDRESS_ERROR)


def _remove(raw: Raw, target: _Target, change: Change, layer: Layer, index: int) -> Any:
    if target.kind == "collection":
        raise _fail(f"a whole collection ('{change.target}') cannot be removed", layer, index, "Remove its items one by one.")
    if target.kind == "field":
        cls = COLLECTIONS[target.collection]
        required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
        if target.key in required:
            if not isinstance(target.value, str):
                raise _fail(f"'{change.target}' is required and cannot be removed", layer, index, "Replace it instead.")
            target.container[target.key] = ""
        else:
            target.container.pop(target.key, None)
        return None
    del target.container[target.key]
    return None


def _add(raw: Raw, target: _Target, change: Change, layer: Layer, index: int) -> Any:
    if target.kind == "collection":
        return _add_item(raw, target, change, layer, index)
    if target.kind == "item":
        fields_hint = ", ".join(entry_fields(COLLECTIONS[target.collection]))
        raise _fail(f"'add' needs a list, not the item '{change.target}'", layer, index, f"Name one of its lists: {fields_hint}.")
    if target.kind == "entry":
        siblings = target.value.setdefault("children", [])
    else:
        cls = COLLECTIONS[target.collection]
        if target.key in entry_fields(cls):
            siblings = target.container.setdefault(target.key, [])
        elif target.key == "relations":
            return _add_relation(raw, target, change, layer, index)
        elif target.key in STRING_LISTS:
            if not isinstance(change.text, str):
                raise _fail(f"'{change.target}' is a list of texts: 'text' must be one text", layer, index)
            target.container.setdefault(target.key, []).append(change.text)
            return change.text
        else:
            raise _fail(f"'{change.target}' is not a list", layer, index, "Use 'replace' to change a text.")
    entry = _new_entry(change, siblings, layer, index)
    siblings.append(entry)
    return entry


def _add_relation(raw: Raw, target: _Target, change: Change, layer: Layer, index: int) -> Any:
    relation = change.text
    if not (isinstance(relation, dict) and set(relation) == {"to", "text"} and all(isinstance(v, str) for v in relation.values())):
        raise _fail(
            "a relation takes 'text: {to: <address>, text: <how they relate>}'", layer, index,
            "For example: text: {to: mechanisms/steering-body, text: reports to}",
        )
    if find(raw, relation["to"]) is None:
        nearest = nearest_address(relation["to"], index_addresses(_items(raw)))
        raise _fail(f"'{relation['to']}' does not exist", layer, index, f"Did you mean '{nearest}'?" if nearest else "")
    target.container.setdefault(target.key, []).append(dict(relation))
    return relation


def _new_entry(change: Change, siblings: list[dict[str, Any]], layer: Layer, index: int) -> dict[str, Any]:
    if isinstance(change.text, dict):
        raise _fail("an added entry takes one 'text', not a mapping", layer, index, "Use 'title:' for its heading.")
    taken = {e["id"] for e in siblings}
    entry_id = change.id or _unique(slugify(change.text, words=6), taken)
    if entry_id in taken:
        raise _fail(f"the list already has an entry '{entry_id}'", layer, index, "Choose another 'id'.")
    entry: dict[str, Any] = {"id": entry_id, "text": change.text}
    if change.title:
        entry["title"] = change.title
    return entry


def _add_item(raw: Raw, target: _Target, change: Change, layer: Layer, index: int) -> Any:
    if not isinstance(change.text, dict):
        raise _fail(f"adding an item to '{change.target}' takes a mapping of its fields in 'text'", layer, index)
    item = {"source": {"doc": "local", "section": layer.file.agency.name}, **copy.deepcopy(change.text)}
    _validate_item(target.collection, item, layer, index)
    if any(existing["id"] == item["id"] for existing in target.container):
        raise _fail(f"'{change.target}' already has an item '{item['id']}'", layer, index, "Choose another id.")
    target.container.append(item)
    return item


def _replace(raw: Raw, target: _Target, change: Change, layer: Layer, index: int) -> Any:
    if target.kind == "collection":
        raise _fail("a whole collection cannot be replaced", layer, index)
    if target.kind == "item":
        if not isinstance(change.text, dict):
            raise _fail(f"replacing the item '{change.target}' takes a mapping of fields", layer, index, "Or replace one field: add '/<field>'.")
        if change.text.get("id", target.value["id"]) != target.value["id"]:
            raise _fail("'replace' cannot change an id", layer, index, "Remove the item and add a new one.")
        merged = {**target.value, **change.text}
        _validate_item(target.collection, merged, layer, index)
        target.container[target.key] = merged
        return merged
    if target.kind == "entry":
        entry = target.value
        update = change.text if isinstance(change.text, dict) else {"text": change.text}
        unknown = set(update) - {"text", "title"}
        if unknown:
            raise _fail(f"an entry has only 'text' and 'title', not {', '.join(sorted(unknown))}", layer, index)
        entry.update(update)
        return entry
    if not isinstance(change.text, str) or isinstance(target.value, list):
        raise _fail(f"'{change.target}' takes one text", layer, index, "To change a list, add or remove its entries.")
    target.container[target.key] = change.text
    return change.text


def _validate_item(collection: str, item: dict[str, Any], layer: Layer, index: int) -> None:
    schema = collection_file_schema(collection)
    item_schema = {"$ref": schema["properties"]["items"]["items"]["$ref"], "$defs": schema["$defs"]}
    scratch = copy.copy(layer.document)
    scratch.data = {"changes": {index: {"text": item}}}
    problems = validate(scratch, item_schema, at=("changes", index, "text"))
    if problems:
        raise LstoolkitError.collect(problems)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_names(layer: Layer, raw: Raw) -> list[LstoolkitError]:
    """Protected addresses and value names must exist: a typo would silently protect nothing."""
    declared = [value["id"] for value in raw["values"]["items"]]
    problems = []
    for name in layer.file.values:
        if name not in declared:
            problems.append(LstoolkitError(
                f"the content asks for no value named '{name}'", layer.locate("values", name, key=True),
                hint=suggest(name, declared) or f"Known values: {', '.join(declared)}.", code=ADDRESS_ERROR,
            ))
    for i, address in enumerate(layer.file.protect):
        if find(raw, address) is None:
            nearest = nearest_address(address, index_addresses(_items(raw)))
            problems.append(LstoolkitError(
                f"'protect' names '{address}', which does not exist", layer.locate("protect", i),
                hint=f"Did you mean '{nearest}'?" if nearest else "", code=ADDRESS_ERROR,
            ))
    return problems


def _prune_references(raw: Raw) -> None:
    """Drop references to what a layer removed, so no page links to a missing one."""
    def known(address: str) -> bool:
        return find(raw, address) is not None

    for data in raw.values():
        for item in data["items"]:
            for key in PRUNED_REFERENCES:
                if key in item:
                    item[key] = [a for a in item[key] if known(a)]
            if "relations" in item:
                item["relations"] = [r for r in item["relations"] if known(r["to"])]


def _required_addresses(raw: Raw) -> dict[str, str]:
    return {
        address: f"required by elements/{element['id']}"
        for element in raw["elements"]["items"]
        for address in element.get("requires", [])
    }


def _items(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {name: data["items"] for name, data in raw.items()}


# -- terms, level, values -----------------------------------------------------------------------


def rename_terms(raw: Raw, terms: Mapping[str, str]) -> None:
    """Rename whole words everywhere in the prose, longest term first, keeping case and plurals."""
    if not terms:
        return
    forms: dict[str, str] = {}
    for term, replacement in terms.items():
        forms[pluralize(term).lower()] = pluralize(replacement)
        forms[term.lower()] = replacement
    alternatives = sorted(forms, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in alternatives) + r")(?!\w)", re.I)

    def rename(text: str) -> str:
        return pattern.sub(lambda m: _match_case(m.group(0), forms[m.group(0).lower()]), text)

    _map_collections(raw, rename, skip=VERBATIM_COLLECTIONS)


def pluralize(noun_phrase: str) -> str:
    """English plural of a title's last word: Coach -> Coaches, Body -> Bodies, Team -> Teams."""
    if re.search(r"(s|x|z|ch|sh)$", noun_phrase, re.I):
        return noun_phrase + "es"
    if re.search(r"[^aeiou]y$", noun_phrase, re.I):
        return noun_phrase[:-1] + "ies"
    return noun_phrase + "s"


def _match_case(found: str, replacement: str) -> str:
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found.islower():
        return replacement.lower()
    if found[0].isupper() and found[1:].islower() and " " in found:
        return replacement[0].upper() + replacement[1:].lower()
    return replacement


def _map_collections(raw: Raw, function: Callable[[str], str], *, skip: Iterable[str]) -> None:
    """Apply ``function`` to the prose of every collection but ``skip``: titles, intros, items."""
    for name, data in raw.items():
        if name in skip:
            continue
        for key in ("title", "intro"):
            if isinstance(data.get(key), str):
                data[key] = function(data[key])
        for item in data["items"]:
            _map_prose(item, function)


def _map_prose(node: Any, function: Callable[[str], str]) -> Any:
    """Apply ``function`` to every prose string inside ``node``, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in NON_PROSE_KEYS:
                continue
            if isinstance(value, str):
                node[key] = function(value)
            else:
                _map_prose(value, function)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                node[i] = function(value)
            else:
                _map_prose(value, function)


def _filter_level(raw: Raw, level: str) -> None:
    """Keep the items and entries meant for ``level`` (or for every level)."""
    def keep(node: Any) -> bool:
        return not isinstance(node, dict) or not node.get("levels") or level in node["levels"]

    tasks = raw.get("tasks")
    if tasks:
        tasks["items"] = [item for item in tasks["items"] if keep(item)]
    for data in raw.values():
        for item in data["items"]:
            for key, value in item.items():
                if is_entry_list(value):
                    item[key] = _filter_entries(value, keep)


def _filter_entries(entries: list[dict[str, Any]], keep: Callable[[Any], bool]) -> list[dict[str, Any]]:
    kept = []
    for entry in entries:
        if keep(entry):
            if entry.get("children"):
                entry["children"] = _filter_entries(entry["children"], keep)
            kept.append(entry)
    return kept


def _prototype_values(raw: Raw) -> dict[str, str]:
    return {value["id"]: value["prototype"] for value in raw["values"]["items"]}


def _merged_values(chain: tuple[Layer, ...], raw: Raw) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in chain:
        merged.update({k: str(v) for k, v in layer.file.values.items()})
    return merged


def _fill_values(raw: Raw, values: Mapping[str, str]) -> list[str]:
    """Replace ``${name}`` everywhere; a value not given shows as ``[description]``."""
    descriptions = {value["id"]: value["description"] for value in raw["values"]["items"]}
    missing: list[str] = []

    def fill(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            if name not in missing:
                missing.append(name)
            return f"[{descriptions.get(name, name)}]"
        return PLACEHOLDER.sub(one, text) if "${" in text else text

    _map_collections(raw, fill, skip=("values",))
    return missing
