"""What a process remembers between chains (a state's roll-up resolves its file once per
district) must never change a result: a parent layer or a section is remembered by its bytes, is
never changed by an adaptation, and the fast paths give what the slow ones gave."""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstoolkit.adapt import _copied, adapt
from lstoolkit.addresses import addresses_of, index_addresses
from lstoolkit.check import check_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.terms import Renaming, fold, layer_forms

STATE = """\
extends: prototype
agency: {name: Lincoln State, level: state}
version: "1"
sections:
  design/imperative: imperative.md
terms:
  Steering Body: Steering Committee
protect:
  - mechanisms/leadership-council
changes:
  - add: mechanisms/implementation-team/functions
    id: coaches-districts
    text: coaches districts through the regional centers
    why: The regions coach.
"""
DISTRICT = """\
extends: ../state.yml
agency: {{name: {name}, level: district}}
version: "1"
changes:
  - add: mechanisms/implementation-team/functions
    id: reports-to-board
    text: reports to the Board
    why: The Board asked.
  - remove: mechanisms/leadership-council
    why: One high school.
    accept: [LS102]
"""


def project(root: Path) -> tuple[Path, Path]:
    (root / "state.yml").write_text(STATE, encoding="utf-8")
    (root / "imperative.md").write_text(
        "Why **Lincoln** needs learning supports.\n", encoding="utf-8"
    )
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "agency.yml").write_text(
            DISTRICT.format(name=f"District {name.upper()}"), encoding="utf-8"
        )
    return root / "a" / "agency.yml", root / "b" / "agency.yml"


def test_a_parent_layer_is_shared_and_never_changed_by_adapting(tmp_path: Path) -> None:
    first, second = project(tmp_path)
    tree = load_content()
    chain = read_chain(first, root=tmp_path, display_base=tmp_path)
    state = chain[0]
    data, file = copy.deepcopy(state.document.data), state.file
    adapted = adapt(tree, chain)
    check_adapted(adapted)
    again = read_chain(second, root=tmp_path, display_base=tmp_path)
    assert again[0].document is state.document  # parsed once
    assert (
        again[0].sections["design/imperative"] is state.sections["design/imperative"]
    )  # converted once
    assert state.document.data == data and state.file == file
    second_adapted = adapt(tree, again)
    assert [c.after for c in second_adapted.changes] == [c.after for c in adapted.changes]
    assert second_adapted.raw == adapted.raw


def test_a_parent_changed_on_disk_is_read_again_even_with_the_same_size_and_time(
    tmp_path: Path,
) -> None:
    first, _ = project(tmp_path)
    state, section = tmp_path / "state.yml", tmp_path / "imperative.md"
    before = read_chain(first, root=tmp_path, display_base=tmp_path)
    times = (state.stat().st_atime_ns, state.stat().st_mtime_ns)
    state.write_text(STATE.replace("Steering Committee", "Learning Committee"), encoding="utf-8")
    os.utime(state, ns=times)
    section_times = (section.stat().st_atime_ns, section.stat().st_mtime_ns)
    section.write_text("Why **Lincolm** needs learning supports.\n", encoding="utf-8")
    os.utime(section, ns=section_times)
    after = read_chain(first, root=tmp_path, display_base=tmp_path)
    assert before[0].file.terms == {"Steering Body": "Steering Committee"}
    assert after[0].file.terms == {"Steering Body": "Learning Committee"}
    assert "Lincolm" in after[0].sections["design/imperative"].markdown


def test_an_error_in_a_parent_is_raised_every_time(tmp_path: Path) -> None:
    first, second = project(tmp_path)
    (tmp_path / "state.yml").write_text(
        STATE.replace("level: state", "level: nation"), encoding="utf-8"
    )
    messages = []
    for district in (first, second, first):
        with pytest.raises(LstoolkitError) as error:
            read_chain(district, root=tmp_path, display_base=tmp_path)
        messages.append(error.value.problems[0].format())
    assert messages[0] == messages[1] == messages[2] and "LS302" in messages[0]


def test_addresses_are_those_of_the_index_in_its_order() -> None:
    content = {name: data["items"] for name, data in load_content().raw.items()}
    assert list(addresses_of(content)) == list(index_addresses(content))


def test_the_copy_of_raw_content_is_a_deep_copy() -> None:
    shared = {"id": "x", "text": "shared"}
    raw: dict[str, dict[str, Any]] = {
        "a": {"items": [shared, {"id": "y", "children": [shared]}], "n": 1, "t": (1, [2])}
    }
    copied = _copied(raw)
    assert copied == copy.deepcopy(raw)
    assert (
        copied["a"]["items"][0] is copied["a"]["items"][1]["children"][0] is not shared
    )  # met twice, copied once
    assert copied["a"]["t"][1] is not raw["a"]["t"][1]
    tree = load_content()
    assert _copied(tree.raw) == tree.raw


def slow_renaming(renaming: Renaming, text: str) -> str:
    """The renaming without its search for a first word (every word looked up)."""
    plain = Renaming(renaming.forms)
    plain._any_first_word = re.compile("")  # matches anywhere: the word-by-word loop decides
    return plain(text)


WORDS = st.sampled_from(
    ["coach", "Coach", "COACHES", "body", "Steering", "İstanbul", "team", "-", " ", ".", "x1", "ß"]
)


@settings(max_examples=300, deadline=None)
@given(
    terms=st.dictionaries(
        st.lists(WORDS, min_size=1, max_size=3).map(" ".join),
        st.text(min_size=1, max_size=12),
        max_size=4,
    ),
    text=st.lists(WORDS, max_size=12).map("".join),
)
def test_the_search_for_a_first_word_changes_no_renaming(terms: dict[str, str], text: str) -> None:
    renaming = Renaming(layer_forms(terms))
    assert renaming(text) == slow_renaming(renaming, text)
    assert renaming(fold(text)) == slow_renaming(renaming, fold(text))
