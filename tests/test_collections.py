"""Collections and field roles, each declared once in lstoolkit.models and read by every stage."""

from __future__ import annotations

import copy
import shutil
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_overloads, get_type_hints

import pytest
from test_site import SITES, build_site

from lstoolkit import models
from lstoolkit.adapt import NON_PROSE_KEYS, PRUNED_REFERENCES, rename_terms
from lstoolkit.errors import LstoolkitError
from lstoolkit.load import load_content, prototype_content_dir
from lstoolkit.models import (
    ADDRESS_PATTERN,
    COLLECTION_SPECS,
    COLLECTIONS,
    SITE_SECTIONS,
    Address,
    Code,
    DerivedAddress,
    FieldRole,
    Pattern,
    Toolkit,
    Verbatim,
    content_classes,
    derived_fields,
    field_roles,
    fields_with,
    record_classes,
    reference_fields,
    string_list_fields,
)
from lstoolkit.render import ITEM_PAGES
from lstoolkit.sandbox import templates_dir

MINIMAL = Path(__file__).parent / "data" / "minimal-content"


# -- field roles ---------------------------------------------------------------------------------


def test_every_field_of_every_content_class_has_one_role() -> None:
    for cls in content_classes():
        roles = field_roles(cls)
        assert list(roles) == [f.name for f in fields(cls)], cls.__name__
        assert all(isinstance(role, FieldRole) for role in roles.values()), cls.__name__


def test_a_field_with_two_roles_is_refused() -> None:
    @dataclass(frozen=True)
    class Confused:
        see: Annotated[Address, FieldRole.CODE]

    with pytest.raises(TypeError, match=r"Confused.see has more than one role: ADDRESS, CODE"):
        field_roles(Confused)


def test_a_field_of_a_type_without_a_role_is_refused() -> None:
    @dataclass(frozen=True)
    class Measured:
        share: float

    with pytest.raises(TypeError, match=r"Measured.share: no role follows"):
        field_roles(Measured)


def test_a_new_address_field_is_a_reference_and_never_prose() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Note:
        text: str = ""
        see: Address = ""
        see_also: tuple[Address, ...] = ()
        follows: tuple[DerivedAddress, ...] = ()
        link: Code = ""
        quoted: Verbatim = ""

    assert reference_fields(Note) == ("see", "see_also", "follows")
    assert derived_fields(Note) == ("follows",)
    assert fields_with(Note, FieldRole.PROSE) == ("text",)
    assert string_list_fields(Note) == ("see_also", "follows")


def test_every_address_typed_field_is_checked() -> None:
    """A field typed with the address pattern is a reference (and so checked and never renamed)."""
    for cls in content_classes():
        hints = get_type_hints(cls, include_extras=True)
        typed = tuple(name for name in hints if Pattern(ADDRESS_PATTERN) in _markers(hints[name]))
        assert typed == reference_fields(cls), cls.__name__


def _markers(hint: Any) -> tuple[Any, ...]:
    if get_origin(hint) is tuple:
        return _markers(get_args(hint)[0])
    return tuple(getattr(hint, "__metadata__", ()))


def test_a_key_is_treated_alike_in_every_class() -> None:
    """Adaptation matches raw keys by name, at any depth: a name must not be renamed in one class
    and kept, or pruned, in another."""
    treatment = {
        FieldRole.PROSE: "renamed",
        FieldRole.RECORDS: "records",
        FieldRole.DERIVED: "pruned",
    }
    seen: dict[str, set[str]] = defaultdict(set)
    for cls in content_classes():
        for name, role in field_roles(cls).items():
            seen[name].add(treatment.get(role, "kept"))
    assert {name: how for name, how in seen.items() if len(how) > 1} == {}


def test_roles_decide_what_adaptation_renames_and_prunes() -> None:
    assert {
        "id",
        "requires",
        "about",
        "lessons",
        "templates",
        "to",
        "url",
        "kind",
        "levels",
    } <= NON_PROSE_KEYS
    assert not {"title", "text", "description", "children", "source"} & NON_PROSE_KEYS
    assert "requires" not in PRUNED_REFERENCES and {"about", "lessons"} <= PRUNED_REFERENCES


def test_terms_rename_prose_and_nothing_else() -> None:
    raw = load_content().raw
    terms = {
        "Learning Supports": "Student Supports",
        "Team": "Crew",
        "Steering Body": "Guiding Group",
    }
    renamed = rename_terms(copy.deepcopy(raw), terms)
    for name, spec in COLLECTION_SPECS.items():
        if spec.verbatim:
            assert renamed[name] == raw[name], name
        for before, after in zip(raw[name]["items"], renamed[name]["items"], strict=True):
            _assert_kept(before, after, spec.item, f"{name}/{before['id']}")
    assert renamed != raw


def _assert_kept(before: dict[str, Any], after: dict[str, Any], cls: type[Any], where: str) -> None:
    """Every field of ``before`` that is not prose is in ``after`` as it was, in records too."""
    for key, value in before.items():
        role = field_roles(cls)[key]
        if role is FieldRole.RECORDS:
            olds, news = (value, after[key]) if isinstance(value, list) else ([value], [after[key]])
            for old, new in zip(olds, news, strict=True):
                _assert_kept(old, new, record_classes(cls)[key], f"{where}/{key}")
        elif role is not FieldRole.PROSE:
            assert after[key] == value, f"{where}/{key}"


# -- collections ---------------------------------------------------------------------------------


def test_collections_are_the_specs() -> None:
    assert COLLECTIONS == {name: spec.item for name, spec in COLLECTION_SPECS.items()}
    assert all(spec.name == name for name, spec in COLLECTION_SPECS.items())
    assert ITEM_PAGES == {name: spec.page for name, spec in COLLECTION_SPECS.items()}


def test_each_collection_is_typed_by_its_name() -> None:
    """Toolkit.items("jobs") is a tuple of Job: every overload names a collection and its class.
    A collection added without overloads is typed Any, so it still takes one spec to add."""
    toolkit_items = {}
    for overload in get_overloads(Toolkit.items):
        hints = get_type_hints(overload, globalns=vars(models))
        (name,) = get_args(hints["name"]) or (None,)
        if name is not None:
            toolkit_items[name] = get_args(hints["return"])[0]
    assert toolkit_items.items() <= COLLECTIONS.items()
    assert toolkit_items.keys() >= {"elements", "mechanisms", "jobs", "templates", "cautions"}
    typed_collections = {}
    for overload in get_overloads(Toolkit.__getitem__):
        hints = get_type_hints(overload, globalns=vars(models))
        (name,) = get_args(hints["name"]) or (None,)
        if name is not None:
            typed_collections[name] = get_args(hints["return"])[0]
    assert typed_collections == toolkit_items


def test_every_collection_is_published() -> None:
    """A collection with pages of its own is in exactly one section of the site, and its templates
    exist; one without is published on another collection's page."""
    in_sections = [name for section in SITE_SECTIONS for name in section.collections]
    assert len(in_sections) == len(set(in_sections)) and set(in_sections) <= set(COLLECTION_SPECS)
    own_pages = {spec.list_page for spec in COLLECTION_SPECS.values() if spec.list_page} | {
        "reference/addresses.md"
    }
    pages = templates_dir() / "pages"
    for name, spec in COLLECTION_SPECS.items():
        if spec.list_page or spec.item_template:
            assert name in in_sections, name
            assert not spec.list_page or (pages / f"{name}.md.j2").is_file(), name
            assert not spec.item_template or (pages / spec.item_template).is_file(), name
        else:
            assert spec.page.partition("#")[0] in own_pages, name


def test_a_tree_without_a_collection_file_has_it_empty(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "quotes.yml").unlink()
    (content / "roles.yml").unlink()
    toolkit = load_content(content).toolkit
    assert (
        toolkit["quotes"].items == ()
        and toolkit["quotes"].title == COLLECTION_SPECS["quotes"].title
    )
    assert toolkit["roles"].title == "Coaches and mentors"
    assert [c.name for c in toolkit.collections] == list(COLLECTION_SPECS)


def test_a_folder_without_content_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LstoolkitError, match="none of the content files is in this folder"):
        load_content(tmp_path)


def test_a_dangling_address_in_a_record_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    mechanisms = content / "mechanisms.yml"
    mechanisms.write_text(
        mechanisms.read_text(encoding="utf-8").replace(
            "to: elements/infrastructure", "to: elements/infra"
        )
    )
    monkeypatch.chdir(content)
    with pytest.raises(LstoolkitError) as raised:
        load_content(content)
    assert [problem.format() for problem in raised.value.problems] == [
        "mechanisms.yml:14:14: LS301 'elements/infra' does not exist. Did you mean 'elements/infrastructure'?"
    ]


def test_a_site_builds_without_a_collection_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(prototype_content_dir(), content)
    (content / "quotes.yml").unlink()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {SITES / 'common.yml'}\nsite_name: X\n"
        f"theme: {{name: material, font: false, custom_dir: {SITES.parent.parent / 'overrides'}}}\n"
        f"plugins:\n  - lstoolkit: {{content: {content}, handouts: 'false'}}\n",
        encoding="utf-8",
    )
    build_site(tmp_path / "mkdocs.yml", tmp_path / "site")  # --strict
    resources = (tmp_path / "site" / "resources" / "index.html").read_text(encoding="utf-8")
    assert "quote-" not in resources
