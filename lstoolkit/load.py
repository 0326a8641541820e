"""Load the content tree: strict YAML, schema validation, integrity checks, typed models.

Every problem found in a tree is collected and raised together as one
:class:`~lstoolkit.errors.LstoolkitError`, each with its file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from lstoolkit.addresses import RawItems, index_addresses, is_entry_list, nearest_address
from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError, file_order, suggest
from lstoolkit.models import (
    COLLECTION_SPECS,
    COLLECTIONS,
    PLACEHOLDER,
    Collection,
    CollectionSpec,
    Toolkit,
    record_classes,
    reference_fields,
)
from lstoolkit.schema import build, collection_file_schema, validate
from lstoolkit.yamlfile import YamlDocument, read_yaml, read_yaml_unlocated


def prototype_content_dir() -> Path:
    """The bundled prototype content: inside the wheel, or the source tree when run from it."""
    package = Path(__file__).resolve().parent
    installed = package / "data" / "content"
    return installed if installed.is_dir() else package.parent / "content"


@dataclass(frozen=True)
class ContentTree:
    """A loaded content tree: the raw data (for adaptation), its documents, and the models."""

    raw: dict[str, dict[str, Any]]
    documents: dict[str, YamlDocument]

    @cached_property
    def toolkit(self) -> Toolkit:
        return build_toolkit(self.raw)

    @cached_property
    def index(self) -> dict[str, Any]:
        """Address -> node of the unadapted content (computed once: adaptation reads it often)."""
        return index_addresses({name: data["items"] for name, data in self.raw.items()})


def load_content(content_dir: Path | None = None, *, verify: bool | None = None) -> ContentTree:
    """Read every collection file of ``content_dir`` (default: the bundled prototype). A tree
    without a collection's file has that collection empty, under its default title; a tree with
    none of them is a mistake.

    Files are checked against their schema and for integrity when ``verify`` is true, which is
    the default for any content but the bundled prototype: that one is checked by the test suite
    before release (and by ``lstoolkit check``), not again on every run.
    """
    directory = content_dir or prototype_content_dir()
    verify = content_dir is not None if verify is None else verify
    problems: list[LstoolkitError] = []
    documents: dict[str, YamlDocument] = {}
    if not any((directory / f"{name}.yml").exists() for name in COLLECTION_SPECS):
        raise _no_content(directory)
    for name, spec in COLLECTION_SPECS.items():
        path = directory / f"{name}.yml"
        if not path.exists():
            documents[name] = _empty_collection(spec, path)
            continue
        try:
            document = (read_yaml if verify else read_yaml_unlocated)(path, display=_display(path))
        except LstoolkitError as error:
            problems.append(error)
            continue
        found = validate(document, collection_file_schema(name)) if verify else []
        problems.extend(found)
        if not found:
            documents[name] = document
    if verify and not problems:
        problems.extend(check_integrity(documents))
    if problems:
        raise LstoolkitError.collect(problems)
    return ContentTree(
        raw={name: document.data for name, document in documents.items()}, documents=documents
    )


def _empty_collection(spec: CollectionSpec, path: Path) -> YamlDocument:
    """The document of a collection file the tree leaves out: the default title, no items."""
    return YamlDocument(path=path, display=_display(path), data={"title": spec.title, "items": []})


def _no_content(directory: Path) -> LstoolkitError:
    return LstoolkitError(
        "none of the content files is in this folder",
        Location(_display(directory)),
        hint="Give the folder that holds sources.yml, elements.yml and the other content files.",
        code=FindingCode.NOT_YAML,
    )


def build_toolkit(raw: dict[str, dict[str, Any]]) -> Toolkit:
    """Typed models from schema-valid raw content."""
    return Toolkit(
        tuple(
            Collection(
                name=name,
                title=data["title"],
                intro=data.get("intro", ""),
                items=tuple(build(COLLECTIONS[name], item) for item in data["items"]),
            )
            for name, data in raw.items()
        )
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- schema validation --------------------------------------------------------------------------


def check_integrity(documents: dict[str, YamlDocument]) -> list[LstoolkitError]:
    """Duplicate ids, dangling references, undeclared placeholders, empty entries."""
    content: RawItems = {name: document.data["items"] for name, document in documents.items()}
    index = index_addresses(content)
    declared = {value["id"] for value in content.get("values", [])}
    problems: list[LstoolkitError] = []
    for name, items in content.items():
        document = documents[name]
        problems += _duplicate_ids(items, ("items",), document, what=f"item of {name}")
        for i, item in enumerate(items):
            problems += _check_item(
                item, ("items", i), document, index, declared, COLLECTIONS[name]
            )
        for key in ("title", "intro"):
            problems += _placeholders(document.data.get(key), (key,), document, declared)
    return sorted(problems, key=file_order)


def _check_item(
    item: dict[str, Any],
    path: tuple[str | int, ...],
    document: YamlDocument,
    index: dict[str, Any],
    declared: set[str],
    cls: type[Any],
) -> Iterator[LstoolkitError]:
    references = reference_fields(cls)
    records = _records_with_references(cls)
    for key, value in item.items():
        field_path = path + (key,)
        if key in references:
            for address, address_path in _addresses(value, field_path):
                yield from _reference(address, address_path, document, index)
        elif key in records:
            for k, record in enumerate(value if isinstance(value, list) else [value]):
                record_path = field_path + (k,) if isinstance(value, list) else field_path
                for name in records[key]:
                    for address, address_path in _addresses(
                        record.get(name, ()), record_path + (name,)
                    ):
                        yield from _reference(address, address_path, document, index)
        elif key == "source" and f"sources/{value['doc']}" not in index:
            yield from _reference(f"sources/{value['doc']}", field_path + ("doc",), document, index)
        elif is_entry_list(value):
            yield from _duplicate_ids(_flatten(value), field_path, document, what=f"entry of {key}")
            yield from _check_entries(value, field_path, document, declared)
        else:
            yield from _placeholders(value, field_path, document, declared)


def _records_with_references(cls: type[Any]) -> dict[str, tuple[str, ...]]:
    """Field of ``cls`` -> the address fields of the records it holds (a relation's ``to``)."""
    return {
        name: reference_fields(record)
        for name, record in record_classes(cls).items()
        if reference_fields(record)
    }


def _addresses(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Each address of an address field (one address, or a list of them) with its path."""
    if isinstance(value, str):
        yield value, path
    else:
        for k, address in enumerate(value):
            yield address, path + (k,)


def _check_entries(
    entries: list[dict[str, Any]],
    path: tuple[str | int, ...],
    document: YamlDocument,
    declared: set[str],
) -> Iterator[LstoolkitError]:
    for j, entry in enumerate(entries):
        entry_path = path + (j,)
        if not entry.get("text") and not entry.get("title"):
            yield LstoolkitError(
                f"entry '{entry['id']}' has neither text nor title",
                document.locate(entry_path),
                hint="Add 'text:' or remove the entry.",
                code=FindingCode.SCHEMA,
            )
        for key in ("text", "title"):
            yield from _placeholders(entry.get(key), entry_path + (key,), document, declared)
        yield from _check_entries(
            entry.get("children", []), entry_path + ("children",), document, declared
        )


def _flatten(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for entry in entries:
        flat.append(entry)
        flat.extend(_flatten(entry.get("children", [])))
    return flat


def _duplicate_ids(
    items: list[dict[str, Any]], path: tuple[str | int, ...], document: YamlDocument, *, what: str
) -> Iterator[LstoolkitError]:
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            location = _find_id(document, path, item)
            yield LstoolkitError(
                f"duplicate id '{item['id']}' ({what})",
                location,
                hint="Ids must be unique: rename one of them.",
                code=FindingCode.DUPLICATE_ID,
            )
        seen.add(item["id"])


def _find_id(document: YamlDocument, path: tuple[str | int, ...], item: dict[str, Any]) -> Location:
    """Location of ``item``'s id: search the document's paths for the mapping itself."""
    for key_path, location in document.keys.items():
        if (
            key_path[-1] == "id"
            and key_path[: len(path)] == path
            and _at(document.data, key_path[:-1]) is item
        ):
            return location
    return document.locate(path)


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _reference(
    address: str, path: tuple[str | int, ...], document: YamlDocument, index: dict[str, Any]
) -> Iterator[LstoolkitError]:
    if address not in index:
        nearest = nearest_address(address, index)
        yield LstoolkitError(
            f"'{address}' does not exist",
            document.locate(path),
            hint=f"Did you mean '{nearest}'?"
            if nearest
            else "Run 'lstoolkit addresses' to list them.",
            code=FindingCode.NO_SUCH_ADDRESS,
        )


def _placeholders(
    value: Any, path: tuple[str | int, ...], document: YamlDocument, declared: set[str]
) -> Iterator[LstoolkitError]:
    if not isinstance(value, str):
        return
    for name in PLACEHOLDER.findall(value):
        if name not in declared:
            yield LstoolkitError(
                f"placeholder '${{{name}}}' is not declared",
                document.locate(path),
                hint=suggest(name, declared) or "Declare it in values.yml.",
                code=FindingCode.NO_SUCH_ADDRESS,
            )
