"""Property tests over the real content: adaptation never crashes, and keeps its promises."""

from __future__ import annotations

import itertools
import re
import shutil
import string
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import check_adapted
from lstoolkit.diff import diff_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.terms import Renaming, chain_renamings, fold, layer_forms, match_case, pluralize

TREE: ContentTree = load_content()
NODES = list(iter_nodes({name: data["items"] for name, data in TREE.raw.items()}))
ITEMS = [n.address for n in NODES if n.kind == "item"]
ENTRIES = [n.address for n in NODES if n.kind == "entry"]
TEXT_FIELDS = [
    n.address
    for n in NODES
    if n.kind == "field" and isinstance(n.value, str) and not n.address.endswith("/url")
]
LISTS = [
    n.address
    for n in NODES
    if n.kind == "field" and isinstance(n.value, list) and n.value and isinstance(n.value[0], dict)
]
ELEMENTS = [a for a in ITEMS if a.startswith("elements/")]
STATE = Path(__file__).parent.parent / "examples" / "state" / "agency.yml"
COUNTER = itertools.count()

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)
why = st.one_of(st.just(""), words)
change = st.one_of(
    st.builds(
        lambda a, w: {"remove": a, "why": w}, st.sampled_from(ITEMS + ENTRIES + TEXT_FIELDS), why
    ),
    st.builds(
        lambda a, t, w: {"add": a, "text": t, "why": w},
        st.sampled_from(LISTS + ENTRIES),
        words,
        why,
    ),
    st.builds(
        lambda a, t, w: {"replace": a, "text": t, "why": w},
        st.sampled_from(TEXT_FIELDS + ENTRIES),
        words,
        why,
    ),
    st.builds(lambda a, w: {"remove": a, "why": w}, words.map(lambda s: "mechanisms/" + s), why),
)
changes = st.lists(change, max_size=6)


def layer_file(directory: Path, data: dict[str, Any], name: str = "") -> Path:
    path = directory / (name or f"agency-{next(COUNTER)}.yml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def agency(
    changes_: list[dict[str, str]], *, level: str = "district", extends: str = "prototype"
) -> dict[str, Any]:
    return {
        "extends": extends,
        "agency": {"name": "Springfield", "level": level},
        "version": "1",
        "values": {"facilitator_positions": 3},
        "changes": changes_,
    }


def resolve(path: Path, root: Path) -> Adapted:
    return adapt(TREE, read_chain(path, root=root))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def check_never_crashes(workdir: Path, changes_: list[dict[str, str]]) -> None:
    path = layer_file(workdir, agency(changes_))
    try:
        check_adapted(resolve(path, workdir))
    except LstoolkitError as error:
        for problem in error.problems:
            assert problem.location is not None and problem.location.line > 0, problem.format()
            assert problem.code in {"LS301", "LS302"}, problem.format()


FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(changes)
def test_random_changes_resolve_or_fail_with_a_location(
    workdir: Path, changes_: list[dict[str, str]]
) -> None:
    check_never_crashes(workdir, changes_)


@pytest.mark.slow
@settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes)
def test_fuzz_10000_change_lists(workdir: Path, changes_: list[dict[str, str]]) -> None:
    check_never_crashes(workdir, changes_)


@FAST
@given(st.sampled_from(["state", "region", "district", "school"]))
def test_no_changes_change_nothing_but_the_level(workdir: Path, level: str) -> None:
    adapted = resolve(layer_file(workdir, agency([], level=level)), workdir)
    for name in ("elements", "mechanisms", "jobs", "cautions"):
        assert [i.id for i in adapted.toolkit.items(name)] == [
            i.id for i in TREE.toolkit.items(name)
        ]
    assert adapted.changes == ()
    # only: values not set, the design not written yet, no introductory sessions given
    assert [f.code for f in check_adapted(adapted)] == ["LS203", "LS205", "LS208"]


@FAST
@given(st.sampled_from(ELEMENTS), changes)
def test_removing_an_essential_element_is_always_ls101(
    workdir: Path, element: str, others: list[dict[str, str]]
) -> None:
    valid = [
        c
        for c in others
        if not c.get("remove", "").startswith("mechanisms/") or c["remove"] in ITEMS
    ]
    chosen = [*valid, {"remove": element, "why": "test"}]
    try:
        findings = check_adapted(resolve(layer_file(workdir, agency(chosen)), workdir))
    except LstoolkitError as error:
        # another change targets something gone: located at that change, never at the removal
        event("the other changes do not resolve")
        last = len(chosen)  # the removal's line is after the others'
        assert all(p.location is not None and p.code in {"LS301", "LS302"} for p in error.problems)
        assert not any(f"changes #{last}" in p.message for p in error.problems), error.problems
        findings = check_adapted(resolve(layer_file(workdir, agency(chosen[-1:])), workdir))
    assert any(f.code == "LS101" and f.address == element for f in findings)


@FAST
@given(changes)
@example([])  # the layer that changes nothing resolves, whatever is generated
@example([{"remove": "mechanisms/steering-body", "why": "x"}])
def test_a_layer_diffed_against_its_parent_reports_exactly_its_changes(
    workdir: Path, changes_: list[dict[str, str]]
) -> None:
    shutil.copytree(
        STATE.parent / "sections", workdir / "sections", dirs_exist_ok=True
    )  # the state's own text
    state = yaml.safe_load(STATE.read_text())
    state["agency"].pop("logo", None)
    parent = layer_file(workdir, state | {"extends": "prototype"}, name="state.yml")
    child = layer_file(workdir, agency(changes_, extends="state.yml"))
    before = resolve(parent, workdir)
    try:
        after = resolve(child, workdir)
    except LstoolkitError as error:
        # a change that does not resolve against the state is located, as the check reports it
        event("the changes do not resolve against the state")
        assert all(
            p.location is not None and p.location.line > 0 and p.code in {"LS301", "LS302"}
            for p in error.problems
        )
        return
    event("the changes resolve")
    difference = diff_adapted(before, after, check_adapted(before), check_adapted(after))
    assert len(difference.log_added) == len(changes_)
    assert difference.log_dropped == ()


# -- terms: random terms, one-pass renaming, composition --------------------------------------


def words_of(alphabet: st.SearchStrategy[str], min_size: int = 1) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=min_size, max_size=8)


ASCII_WORD = words_of(st.sampled_from(string.ascii_letters + string.digits))
UNICODE_WORD = words_of(st.one_of(st.characters(categories=("L", "N")), st.sampled_from("ſıİßéÉ_")))
SEPARATORS = st.sampled_from([" ", " ", "-", "'", "/", ", ", "\u0301", "\t"])


def phrases(word: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Terms as rules.py allows them: words joined by separators (begins and ends with a word)."""
    return (
        st.tuples(word, st.lists(st.tuples(SEPARATORS, word), max_size=3))
        .map(lambda first_rest: first_rest[0] + "".join(s + w for s, w in first_rest[1]))
        .filter(lambda term: len(term) <= 100)
    )


PROTOTYPE_TERMS = [
    "Learning Supports Facilitator",
    "Learning Supports Leadership",
    "Learning Supports Component",
    "Steering Body",
    "Coach",
    "Coaches",
    "coaching",
    "Facilitator",
    "facilitators",
    "district",
    "Team",
    "school",
    "facilitator_positions",
]
ODD_TERMS = [
    "ſ",
    "ı",
    "İ",
    "ß",
    "e\u0301",
    "Coach\u0301",
    "🙂",
    "<b>",
    "a>b",
    "Coach\nTeam",
    "\x00",
    "\x1b",
    "\x85",
    " Coach",
    "Coach ",
    "",
    "-",
    "a\tb",
    "a\u2028b",
    "${facilitator_positions}",
    "Ｃｏａｃｈ",
]
term_text = st.one_of(
    st.sampled_from(PROTOTYPE_TERMS),
    st.text(max_size=30),
    st.sampled_from(ODD_TERMS),
    st.lists(
        st.one_of(st.sampled_from(PROTOTYPE_TERMS + ODD_TERMS), st.text(max_size=8)),
        min_size=2,
        max_size=4,
    ).map(" ".join),
)
TERM_RULES = re.compile(r"\w(.*\w)?", re.DOTALL)
LOCATED_CODES = {f"LS30{n}" for n in range(8)}


def follows_the_rules(term: str) -> bool:
    """What rules.py says a term (or its replacement) may be, written out."""
    return (
        bool(TERM_RULES.fullmatch(term))
        and len(term) <= 100
        and "<" not in term
        and ">" not in term
        and "\n" not in term
        and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Co") and c != "\t" for c in term)
    )


random_terms = st.one_of(
    st.dictionaries(term_text, term_text, max_size=8),
    st.dictionaries(
        st.one_of(st.sampled_from(PROTOTYPE_TERMS), phrases(UNICODE_WORD)),
        st.one_of(st.sampled_from(PROTOTYPE_TERMS), phrases(UNICODE_WORD)),
        max_size=8,
    ),
)


def check_terms_resolve_or_fail_with_a_location(workdir: Path, terms: dict[str, str]) -> None:
    path = layer_file(workdir, agency([]) | {"terms": terms})
    # the terms as the file holds them: YAML folds a raw line break (U+0085 too) into a space
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"] or {}
    valid = all(follows_the_rules(text) for pair in terms.items() for text in pair)
    event("valid terms" if valid else "terms that break the rules")
    try:
        adapted = resolve(path, workdir)
    except LstoolkitError as error:
        assert not valid, f"valid terms refused: {terms!r}\n{error}"
        for problem in error.problems:
            assert problem.location is not None, problem.format()
            assert Path(problem.location.path).name == path.name, problem.format()
            assert problem.location.line > 0, problem.format()
            assert problem.code in LOCATED_CODES, problem.format()
    else:
        assert valid, f"terms that break the rules accepted: {terms!r}"
        assert adapted.layers[-1].file.terms == terms
        check_adapted(adapted)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(random_terms)
def test_random_terms_resolve_or_fail_with_a_location(workdir: Path, terms: dict[str, str]) -> None:
    check_terms_resolve_or_fail_with_a_location(workdir, terms)


@pytest.mark.slow
@settings(
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(random_terms)
@example({"Ab\x85cd": "Xy"})  # a raw NEL in a quoted scalar is a line break: read as 'Ab cd'
def test_fuzz_3000_term_mappings(workdir: Path, terms: dict[str, str]) -> None:
    check_terms_resolve_or_fail_with_a_location(workdir, terms)


def term_maps(word: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(phrases(word), phrases(word), min_size=1, max_size=6)


CASES: list[Callable[[str], str]] = [str, str.lower, str.upper, str.title, str.capitalize]
TEXT_SEPARATORS = st.sampled_from([" ", " ", ", ", ". ", "\n", "-", "_", "", "(", ")"])


@st.composite
def texts_from(draw: st.DrawFn, pieces: list[str], filler: st.SearchStrategy[str]) -> str:
    """Text made of the given pieces (in any case, as plurals) and filler, with separators."""
    piece = (
        st.one_of(
            st.tuples(st.sampled_from(pieces), st.sampled_from(CASES), st.booleans()).map(
                lambda p: p[1](pluralize(p[0]) if p[2] else p[0])
            ),
            filler,
        )
        if pieces
        else filler
    )
    tokens = draw(st.lists(st.tuples(piece, TEXT_SEPARATORS), max_size=12))
    return "".join(t + s for t, s in tokens)


def forms_of(terms: dict[str, str]) -> dict[str, str]:
    """The folded terms and their plurals -> their replacements; a later term wins over an earlier one."""
    forms: dict[str, str] = {}
    for term, replacement in terms.items():
        forms[fold(pluralize(term))] = pluralize(replacement)
        forms[fold(term)] = replacement
    return forms


def reference_renaming(terms: dict[str, str], text: str) -> str:
    """Whole-word, case-insensitive, longest first, left to right, each replacement in the case of
    what it replaces: a regular expression over the folded text."""
    forms = forms_of(terms)
    alternation = "|".join(re.escape(key) for key in sorted(forms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    parts, last = [], 0
    for found in pattern.finditer(fold(text)):
        parts += [
            text[last : found.start()],
            match_case(text[found.start() : found.end()], forms[found.group()]),
        ]
        last = found.end()
    return "".join(parts) + text[last:]


def longest_replacement(terms: dict[str, str]) -> int:
    """The longest a replacement can be once in the case of what it replaces (ß -> SS)."""

    def cased(text: str) -> list[str]:
        return [text, text.upper(), text.lower(), text[0].upper() + text[1:].lower()]

    return max(len(c) for v in terms.values() for form in (v, pluralize(v)) for c in cased(form))


@st.composite
def terms_and_texts(
    draw: st.DrawFn, word: st.SearchStrategy[str]
) -> tuple[dict[str, str], str, str]:
    terms = draw(term_maps(word))
    pieces = [*terms, *terms.values()]
    text = draw(texts_from(pieces, word))
    key_words = {w for key in forms_of(terms) for w in re.findall(r"\w+", key)}
    filler = draw(texts_from([], word))
    other = "".join(piece for piece in re.split(r"(\w+)", filler) if fold(piece) not in key_words)
    return terms, text, other


def check_one_pass_and_linear(terms: dict[str, str], text: str, other: str) -> str:
    renamed = Renaming(layer_forms(terms))(text)
    event("renamed" if renamed != text else "unchanged")
    shortest_key = min(len(key) for key in terms)
    assert len(renamed) <= len(text) * longest_replacement(terms) / shortest_key + len(text)
    assert Renaming(layer_forms(terms))(other) == other
    return renamed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms_and_texts(UNICODE_WORD), terms_and_texts(ASCII_WORD))
def test_renaming_is_one_pass_and_linear(
    any_script: tuple[dict[str, str], str, str], ascii_only: tuple[dict[str, str], str, str]
) -> None:
    check_one_pass_and_linear(*any_script)
    terms, text, _ = ascii_only
    assert check_one_pass_and_linear(*ascii_only) == reference_renaming(terms, text)


#: Words of two or more letters that are no plural of one another (none ends in 's').
COMPOSE_WORD = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6).filter(
    lambda w: not w.endswith("s")
)
VALUE_CASES: list[Callable[[str], str]] = [str, str.upper, str.title, str.capitalize]


@st.composite
def two_layers(
    draw: st.DrawFn, text_cases: list[Callable[[str], str]]
) -> tuple[dict[str, str], dict[str, str], str]:
    """Terms A (nearest the prototype) and B, and a text, in the documented exact case: no B term
    spans a word A renamed and its neighbours, or overlaps an A term in the text. Words that a B
    phrase (a term of several words) uses are in no A term and no A replacement; B's single words
    may be anywhere, including in A's terms and replacements."""
    vocabulary = draw(st.lists(COMPOSE_WORD, min_size=3, max_size=8, unique=True))
    cut = draw(st.integers(1, len(vocabulary) - 1))
    a_words, b_phrase_words = vocabulary[:cut], vocabulary[cut:]

    def phrase(pool: list[str], fewest: int = 1) -> st.SearchStrategy[str]:
        return st.tuples(
            st.lists(st.sampled_from(pool), min_size=fewest, max_size=3),
            st.sampled_from(VALUE_CASES),
        ).map(lambda words_case: words_case[1](" ".join(words_case[0])))

    a = draw(st.dictionaries(phrase(a_words), phrase(a_words), max_size=4))
    b_key = st.one_of(st.sampled_from(vocabulary), phrase(b_phrase_words, fewest=2))
    b = draw(st.dictionaries(b_key, phrase(vocabulary), max_size=4))
    pieces = [*a, *a.values(), *b, *vocabulary]
    token = st.tuples(st.sampled_from(pieces), st.booleans()).map(
        lambda p: pluralize(p[0]) if p[1] else p[0]
    )
    words = draw(
        st.lists(st.tuples(token, st.sampled_from(text_cases), TEXT_SEPARATORS), max_size=10)
    )
    return a, b, "".join(case(w) + s for w, case, s in words)


def check_composed_equals_layer_by_layer(a: dict[str, str], b: dict[str, str], text: str) -> None:
    composed = chain_renamings([layer_forms(a), layer_forms(b)])[0](text)
    layer_by_layer = Renaming(layer_forms(b))(Renaming(layer_forms(a))(text))
    event("renamed" if composed != text else "unchanged")
    assert composed == layer_by_layer


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_layers([str.lower, str.upper]))
def test_composed_terms_equal_layer_by_layer_renaming_in_lower_and_upper_case(
    layers: tuple[dict[str, str], dict[str, str], str],
) -> None:
    check_composed_equals_layer_by_layer(*layers)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_layers([str.lower, str.upper, str.title, str.capitalize]))
@example(({"aa aa": "aa"}, {"aa": "aa"}, "Aa aa "))  # case is matched before the next layer renames
@example(({"Coach": "T"}, {"T": "Mentor"}, "COACH"))
@example(({"Steering Body": "council"}, {"council": "board"}, "Steering body meets."))
def test_composed_terms_equal_layer_by_layer_renaming(
    layers: tuple[dict[str, str], dict[str, str], str],
) -> None:
    check_composed_equals_layer_by_layer(*layers)
