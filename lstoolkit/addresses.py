"""Stable addresses of items, fields and entries, over the raw (YAML-shaped) content.

``<collection>/<id>`` is an item, ``<collection>/<id>/<field>`` one of its fields, and
``<collection>/<id>/<field>/<entry-id>[/<child-id>...]`` an entry of a list field. Entries are
the mappings with an ``id`` inside list fields; other lists (``levels``, ``requires``) are plain
values of their field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Literal

from lstoolkit.models import COLLECTIONS

#: Raw content: collection name -> the list of item mappings of its file.
RawItems = Mapping[str, list[dict[str, Any]]]
#: Raw content as read: collection name -> its file's data (title, intro, items).
Raw = dict[str, dict[str, Any]]

NodeKind = Literal["item", "field", "entry"]


@dataclass(frozen=True)
class Node:
    """One addressable thing, with its path inside its collection file's data."""

    address: str
    kind: NodeKind
    path: tuple[str | int, ...]
    value: Any


def is_entry_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "id" in v for v in value)
    )


def iter_nodes(content: RawItems) -> Iterator[Node]:
    """Every item, field and entry of the content, in file order."""
    for name, items in content.items():
        for i, item in enumerate(items):
            item_address = f"{name}/{item['id']}"
            yield Node(item_address, "item", ("items", i), item)
            for key, value in item.items():
                if key == "id":
                    continue
                path = ("items", i, key)
                yield Node(f"{item_address}/{key}", "field", path, value)
                if is_entry_list(value):
                    yield from _iter_entries(value, f"{item_address}/{key}", path)


def _iter_entries(
    entries: list[dict[str, Any]], prefix: str, path: tuple[str | int, ...]
) -> Iterator[Node]:
    for j, entry in enumerate(entries):
        address = f"{prefix}/{entry['id']}"
        entry_path = path + (j,)
        yield Node(address, "entry", entry_path, entry)
        if is_entry_list(entry.get("children")):
            yield from _iter_entries(entry["children"], address, entry_path + ("children",))


def addresses_of(content: RawItems) -> dict[str, None]:
    """The addresses of :func:`index_addresses`, in the same order, without their nodes (for
    telling which exist: much faster)."""
    found: list[str] = []
    add = found.append

    def entries(values: list[dict[str, Any]], prefix: str) -> None:
        for entry in values:
            address = f"{prefix}/{entry['id']}"
            add(address)
            if is_entry_list(entry.get("children")):
                entries(entry["children"], address)

    for name, items in content.items():
        for item in items:
            item_address = f"{name}/{item['id']}"
            add(item_address)
            for key, value in item.items():
                if key == "id":
                    continue
                add(f"{item_address}/{key}")
                if is_entry_list(value):
                    entries(value, f"{item_address}/{key}")
    return dict.fromkeys(found)


def index_addresses(content: RawItems) -> dict[str, Node]:
    """Address -> node. The first node wins where ids repeat (duplicates are reported elsewhere)."""
    index: dict[str, Node] = {}
    for node in iter_nodes(content):
        index.setdefault(node.address, node)
    return index


def nearest_address(address: str, known: Mapping[str, Any]) -> str:
    """The known address most like ``address``, preferring ones in the same collection."""
    head = address.split("/", 1)[0]
    same = [a for a in known if a.split("/", 1)[0] == head] or list(known)
    matches = difflib.get_close_matches(address, same, n=1, cutoff=0.5)
    return matches[0] if matches else ""


def slugify(text: str, *, words: int = 0) -> str:
    """An id made of the first ``words`` words of ``text`` (all when 0)."""
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    slug = "-".join(tokens[:words] if words else tokens)
    return slug[:60].rstrip("-") or "entry"


class IdIndex:
    """Id -> position in each list of items or entries, kept up to date as changes apply, so that
    finding or adding one among thousands is not a scan of the list."""

    def __init__(self) -> None:
        self._lists: dict[int, tuple[list[Any], dict[str, int]]] = {}

    def of(self, entries: list[Any]) -> dict[str, int]:
        known = self._lists.get(id(entries))
        if known is not None and known[0] is entries:
            return known[1]
        positions: dict[str, int] = {}
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                positions.setdefault(entry["id"], i)
        self._lists[id(entries)] = (entries, positions)  # the list is kept: its id is not reused
        return positions

    def appended(self, entries: list[Any]) -> None:
        self.of(entries).setdefault(entries[-1]["id"], len(entries) - 1)

    def removed(self, entries: list[Any]) -> None:
        self._lists.pop(id(entries), None)


# -- finding an address in raw content -------------------------------------------------------------------------


@dataclass
class Target:
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


@cache
def _field_names(collection: str) -> frozenset[str]:
    return frozenset(f.name for f in fields(COLLECTIONS[collection]))


def find(raw: Raw, address: str, ids: IdIndex | None = None) -> Target | None:
    """The place ``address`` names in ``raw``, or None when it does not exist."""
    parts = address.split("/")
    name = parts[0]
    if name not in raw:
        return None
    items = raw[name]["items"]
    if len(parts) == 1:
        return Target("collection", name, items, len(items))
    index = _position(items, parts[1], ids)
    if index is None:
        return None
    item = items[index]
    if len(parts) == 2:
        return Target("item", name, items, index, item)
    field_name = parts[2]
    if field_name == "id" or field_name not in _field_names(name):
        return None
    target = Target("field", name, item, field_name, item)
    for entry_id in parts[3:]:
        entries = target.value if target.kind == "field" else target.value.get("children", [])
        position = _position(entries, entry_id, ids) if isinstance(entries, list) else None
        if position is None:
            return None
        target = Target("entry", name, entries, position, item)
    return target


def _position(entries: list[Any], entry_id: str, ids: IdIndex | None) -> int | None:
    if ids is not None:
        return ids.of(entries).get(entry_id)
    return next(
        (j for j, e in enumerate(entries) if isinstance(e, dict) and e.get("id") == entry_id), None
    )
