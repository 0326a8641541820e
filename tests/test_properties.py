"""Property tests over the real content: adaptation never crashes, and keeps its promises."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import check_adapted
from lstoolkit.diff import diff_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree, load_content

TREE: ContentTree = load_content()
NODES = list(iter_nodes({name: data["items"] for name, data in TREE.raw.items()}))
ITEMS = [n.address for n in NODES if n.kind == "item"]
ENTRIES = [n.address for n in NODES if n.kind == "entry"]
TEXT_FIELDS = [n.address for n in NODES if n.kind == "field" and isinstance(n.value, str) and not n.address.endswith("/url")]
LISTS = [n.address for n in NODES if n.kind == "field" and isinstance(n.value, list) and n.value and isinstance(n.value[0], dict)]
ELEMENTS = [a for a in ITEMS if a.startswith("elements/")]
STATE = Path(__file__).parent.parent / "examples" / "state" / "agency.yml"
COUNTER = itertools.count()

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
why = st.one_of(st.just(""), words)
change = st.one_of(
    st.builds(lambda a, w: {"remove": a, "why": w}, st.sampled_from(ITEMS + ENTRIES + TEXT_FIELDS), why),
    st.builds(lambda a, t, w: {"add": a, "text": t, "why": w}, st.sampled_from(LISTS + ENTRIES), words, why),
    st.builds(lambda a, t, w: {"replace": a, "text": t, "why": w}, st.sampled_from(TEXT_FIELDS + ENTRIES), words, why),
    st.builds(lambda a, w: {"remove": a, "why": w}, words.map(lambda s: "mechanisms/" + s), why),
)
changes = st.lists(change, max_size=6)


def layer_file(directory: Path, data: dict, name: str = "") -> Path:
    path = directory / (name or f"agency-{next(COUNTER)}.yml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def agency(changes_: list[dict], *, level: str = "district", extends: str = "prototype") -> dict:
    return {"extends": extends, "agency": {"name": "Springfield", "level": level}, "version": "1",
            "values": {"facilitator_positions": 3}, "changes": changes_}


def resolve(path: Path, root: Path) -> Adapted:
    return adapt(TREE, read_chain(path, root=root))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def check_never_crashes(workdir: Path, changes_: list[dict]) -> None:
    path = layer_file(workdir, agency(changes_))
    try:
        check_adapted(resolve(path, workdir))
    except LstoolkitError as error:
        for problem in error.problems:
            assert problem.location is not None and problem.location.line > 0, problem.format()
            assert problem.code in {"LS301", "LS302"}, problem.format()


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FAST
@given(changes)
def test_random_changes_resolve_or_fail_with_a_location(workdir: Path, changes_: list[dict]) -> None:
    check_never_crashes(workdir, changes_)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes)
def test_fuzz_10000_change_lists(workdir: Path, changes_: list[dict]) -> None:
    check_never_crashes(workdir, changes_)


@FAST
@given(st.sampled_from(["state", "region", "district", "school"]))
def test_no_changes_change_nothing_but_the_level(workdir: Path, level: str) -> None:
    adapted = resolve(layer_file(workdir, agency([], level=level)), workdir)
    for name in ("elements", "mechanisms", "jobs", "cautions"):
        assert [i.id for i in adapted.toolkit.items(name)] == [i.id for i in TREE.toolkit.items(name)]
    assert adapted.changes == ()
    assert check_adapted(adapted) == ()


@FAST
@given(st.sampled_from(ELEMENTS), changes)
def test_removing_an_essential_element_is_always_ls101(workdir: Path, element: str, others: list[dict]) -> None:
    valid = [c for c in others if not c.get("remove", "").startswith("mechanisms/") or c["remove"] in ITEMS]
    chosen = [*valid, {"remove": element, "why": "test"}]
    try:
        findings = check_adapted(resolve(layer_file(workdir, agency(chosen)), workdir))
    except LstoolkitError:
        return  # another change targets something gone: reported with its location above
    assert any(f.code == "LS101" and f.address == element for f in findings)


@FAST
@given(changes)
def test_a_layer_diffed_against_its_parent_reports_exactly_its_changes(workdir: Path, changes_: list[dict]) -> None:
    parent = layer_file(workdir, yaml.safe_load(STATE.read_text()) | {"extends": "prototype"}, name="state.yml")
    child = layer_file(workdir, agency(changes_, extends="state.yml"))
    try:
        before, after = resolve(parent, workdir), resolve(child, workdir)
    except LstoolkitError:
        return
    difference = diff_adapted(before, after, check_adapted(before), check_adapted(after))
    assert len(difference.log_added) == len(changes_)
    assert difference.log_dropped == ()
