"""The bundled prototype content against its source documents.

Expected items are counted and read from the source texts in data/sources/ (conversions of the
Center's documents), not from content/, so a function, point or caution missing from the content,
or reworded, fails here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lstoolkit.load import load_content
from lstoolkit.models import PLACEHOLDER, FieldRole, Toolkit, field_roles

SOURCES = Path(__file__).parent / "data" / "sources"


@cache
def source(name: str) -> str:
    return (SOURCES / f"{name}.txt").read_text(encoding="utf-8")


#: The sources' references to their own printed pages, appendices and exhibits, and how the toolkit
#: words them for a web page and a handout (docs/content-format.md, "Text for a web page"). Wording
#: read from a source is rewritten with these before it is looked up in the content.
PRINT_REWORDING = (
    (r"to facilitate the above functions", "to facilitate their functions"),
    (r"\(see\s+Appendix\s+A\)", "(see the essential elements)"),
    (
        r"See Appendix A for list of (Planning|Implementation) Team Functions",
        r"See the mechanisms for the list of \1 Team Functions",
    ),
)


@cache
def web_source(name: str) -> str:
    """The source text as the toolkit words it for the web (see PRINT_REWORDING)."""
    text = source(name)
    for pattern, replacement in PRINT_REWORDING:
        text = re.sub(pattern, replacement, text)

    def exhibit(
        match: re.Match[str],
    ) -> str:  # "(See Exhibit on next page.)": the exhibit that follows
        following = re.search(r"^### (.+)$", text[match.end() :], flags=re.M)
        assert following is not None
        return f"(See the task list ‘{following.group(1).strip()}’.)"

    return re.sub(r"\(See Exhibit on next page\.\)", exhibit, text)


@cache
def toolkit() -> Toolkit:
    return load_content(verify=True).toolkit


def normalize(text: str) -> str:
    """Compare wording, not layout: quotes, markers, emphasis, case and spacing are folded."""
    folded: dict[str, str | int | None] = {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
    }
    text = text.translate(str.maketrans(folded))
    text = re.sub(r"[*\\]", "", text)
    text = re.sub(r"[\uf0a8\uf020•>]|(?<!\w)\([a-z0-9]\)\s", " ", text)
    return " ".join(text.lower().split())


def texts(value: Any) -> Iterator[str]:
    """Every string inside a model value, with placeholders shown as the prototype's wording."""
    prototype = {v.id: v.prototype for v in toolkit().items("values")}
    if isinstance(value, str):
        yield PLACEHOLDER.sub(lambda m: prototype[m.group(1)], value)
    elif isinstance(value, tuple):
        for v in value:
            yield from texts(v)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if is_wording(value, f.name):
                yield from texts(getattr(value, f.name))


#: Roles of the fields that hold no wording: ids, literals, numbers, web addresses, addresses.
NOT_WORDING = frozenset({FieldRole.CODE, FieldRole.ADDRESS, FieldRole.DERIVED})


def is_wording(value: Any, name: str) -> bool:
    """Whether the field ``name`` of the model ``value`` holds wording (or records that may)."""
    return field_roles(type(value))[name] not in NOT_WORDING


def corpus(*values: Any) -> str:
    """All wording of ``values`` as one normalized text (entries joined, as a reader reads them)."""
    return normalize(" ".join(t for v in values for t in texts(v)))


def item(collection: str, item_id: str) -> Any:
    found = toolkit()[collection].get(item_id)
    assert found is not None, f"{collection}/{item_id} is missing"
    return found


def region(name: str, start: str, end: str) -> str:
    text = web_source(name)
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def bullets(text: str) -> list[str]:
    """Bullets of a region ('-' and '>' nesting markers), continuation lines joined."""
    items: list[str] = []
    previous_blank = True
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+|-?\s*>+\s*)(.*)$", line)
        if match:
            items.append(match.group(1))
        elif items and line.strip() and not previous_blank and not line.startswith(("#", "*")):
            items[-1] += " " + line.strip()
        previous_blank = not line.strip()
    cleaned = [re.sub(r"^(>+\s*|\(\w\)\s*|\w\)\s*)+", "", b).strip() for b in items]
    return [b for b in cleaned if b]


def assert_all_in(expected: list[str], haystack: str) -> None:
    missing = [e for e in expected if normalize(e) not in haystack]
    assert not missing, f"{len(missing)} of {len(expected)} missing, e.g. {missing[:3]}"


# -- the fixed ids and the counts the issue names ---------------------------------------------

FIXED_IDS = {
    "elements": [
        "three-component-policy",
        "intervention-framework",
        "operational-infrastructure",
        "capacity-building",
        "monitoring",
    ],
    "mechanisms": [
        "superintendent-and-governing-body",
        "transformation-leader",
        "steering-body",
        "planning-team",
        "implementation-team",
        "work-groups",
        "external-change-agents",
        "external-collaborators",
        "administrative-lead",
        "leadership-team",
        "leadership-council",
    ],
    "jobs": [
        "learning-supports-facilitator",
        "administrative-leader",
        "district-partnership-facilitator",
    ],
    "templates": [
        "introductory-session",
        "design-document",
        "strategic-plan",
        "action-plan",
        "mou",
    ],
}


@pytest.mark.parametrize("collection", FIXED_IDS)
def test_fixed_ids_exist(collection: str) -> None:
    ids = [i.id for i in toolkit().items(collection)]
    assert set(FIXED_IDS[collection]) <= set(ids)


def test_counts() -> None:
    assert len(toolkit().items("elements")) == 5
    assert len(toolkit().items("mechanisms")) == 11
    assert len(toolkit().items("jobs")) == 3
    assert sum(len(m.functions) for m in toolkit().items("mechanisms")) >= 69


def test_every_item_cites_a_source_document() -> None:
    sources = {s.id for s in toolkit().items("sources")}
    for collection in toolkit().collections:
        for it in collection.items:
            if hasattr(it, "source"):
                assert it.source.doc in sources, f"{collection.name}/{it.id}"


# -- mechanisms ---------------------------------------------------------------------------------

MECHANISM_HEADINGS = {
    "Superintendent and Governing Body": "superintendent-and-governing-body",
    "**Transformation Leader**": "transformation-leader",
    "**Steering Body**": "steering-body",
    "**Planning Team**": "planning-team",
    "**Implementation Team**": "implementation-team",
    "**External Change Agents**": "external-change-agents",
    "**External Collaborators**": "external-collaborators",
}


def coaching_guide_functions() -> dict[str, list[str]]:
    """Function bullets of the coaching guide's Appendix A, by mechanism."""
    text = region(
        "coaching-guide", "## Functions of the Systemic Change Mechanisms", "## Appendix B"
    )
    found: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        for heading, mechanism in MECHANISM_HEADINGS.items():
            if heading in line:
                current = mechanism
        if current and re.match(r"^- \S", line):
            found.setdefault(current, []).append(line[2:])
    return found


def test_coaching_guide_has_59_functions_all_in_content() -> None:
    functions = coaching_guide_functions()
    assert sum(len(f) for f in functions.values()) == 59
    for mechanism, expected in functions.items():
        mech = item("mechanisms", mechanism)
        assert len(mech.functions) == len(expected), mechanism
        assert_all_in(expected, corpus(mech.functions))


def test_leadership_team_functions_and_members() -> None:
    brief = source("leadership-team-brief")
    functions = region("leadership-team-brief", "Examples of functions are:", "In mapping")
    expected = [" ".join(f.split()) for f in functions.split("\uf0a8")[1:]]
    members = region("leadership-team-brief", "This might include", "It is important to integrate")
    expected_members = [" ".join(m.split()) for m in members.split("•")[1:]]
    team = item("mechanisms", "leadership-team")
    assert len(expected) == 10 and len(team.functions) == 10
    assert_all_in(expected, corpus(team.functions))
    assert len(expected_members) == 10
    assert_all_in(expected_members, corpus(team.composition))
    assert "integrate this team with the infrastructure" in brief.replace("\n", " ")
    assert "integrate this team with the infrastructure" in corpus(team)


def test_steering_and_planning_composition_and_process() -> None:
    guide = source("coaching-guide")
    for mechanism in ("steering-body", "planning-team", "implementation-team"):
        mech = item("mechanisms", mechanism)
        assert mech.composition and mech.process, mechanism
    for paragraph in re.findall(r"\*\*(?:Composition|Process)\.\*\* (.+)", guide):
        assert_all_in(
            _sentences(paragraph),
            corpus(*(item("mechanisms", m) for m in MECHANISM_HEADINGS.values())),
        )


# -- elements -----------------------------------------------------------------------------------


def test_five_essential_elements_in_order() -> None:
    appendix = region(
        "strategic-planning-guide",
        "Five Essential Elements of a Unified and Comprehensive \nSystem",
        "Appendix B\n",
    )
    titles = re.findall(r"^\s*\((\d)\) (.+)$", appendix, flags=re.M)
    assert [int(n) for n, _ in titles] == [1, 2, 3, 4, 5]
    elements = toolkit().items("elements")
    assert [e.number for e in elements] == [1, 2, 3, 4, 5]
    for (_, title), element in zip(titles, elements, strict=True):
        assert normalize(title).startswith(normalize(element.title)) or normalize(
            element.title
        ) in normalize(appendix)
    infrastructure = item("elements", "operational-infrastructure")
    assert {
        "mechanisms/administrative-lead",
        "mechanisms/leadership-team",
        "mechanisms/work-groups",
    } <= set(infrastructure.requires)


def test_essential_elements_warning_is_quoted() -> None:
    assert "care must be taken not to eliminate elements that are essential" in corpus(
        toolkit()["elements"].intro
    )
    assert "adopt the terminology and not the substance" in corpus(toolkit()["elements"].intro)


# -- introductory session and jobs --------------------------------------------------------------


def test_introductory_session_seven_points_and_next_steps() -> None:
    notes = source("facilitator-notes")
    points = re.findall(r"^- \((\d)\) (.+)$", notes, flags=re.M)
    next_steps = [
        s for s in bullets(region("facilitator-notes", "Examples of next steps", "Our experiences"))
    ]
    session = item("templates", "introductory-session")
    assert [int(n) for n, _ in points] == list(range(1, 8))
    assert_all_in([p for _, p in points], corpus(session))
    assert len(next_steps) == 4
    assert_all_in(next_steps, corpus(session))


def test_fourth_point_asks_for_the_number_of_positions() -> None:
    session = item("templates", "introductory-session")
    raw = " ".join(t for t in _raw_texts(session) if "new staff position" in t)
    assert "${facilitator_positions}" in raw


def _raw_texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _raw_texts(v)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _raw_texts(getattr(value, f.name))


def test_district_facilitator_twelve_activities() -> None:
    expected = bullets(source("district-facilitators"))
    job = item("jobs", "district-partnership-facilitator")
    assert len(expected) == 12
    assert len(job.duties) == 10 and len(job.district_duties) == 2
    assert_all_in(expected, corpus(job.duties, job.district_duties))


def test_facilitator_title_guidance() -> None:
    job = item("jobs", "learning-supports-facilitator")
    assert "better than" in corpus(job.title_guidance) and "coordinator" in corpus(
        job.title_guidance
    )


# -- cautions -----------------------------------------------------------------------------------

FACILITATOR_CAUTIONS = {
    "newcomer-assimilation": "Newcomer assimilation.",
    "oldtimer-involvement": "Oldtimer involvement.",
    "team-building": "Team building.",
    "keeping-focus-on-system-development": "Keeping the focus on system development.",
    "co-opting-the-position": "Another frequent temptation",
}


@pytest.mark.parametrize("caution_id", FACILITATOR_CAUTIONS)
def test_facilitator_cautions(caution_id: str) -> None:
    label = FACILITATOR_CAUTIONS[caution_id]
    paragraph = next(p for p in source("facilitator-notes").split("\n\n") if p.startswith(label))
    caution = item("cautions", caution_id)
    assert "jobs/learning-supports-facilitator" in caution.about
    body = paragraph.removeprefix(label) if label.endswith(".") else paragraph
    assert_all_in(_sentences(body), corpus(caution))


def _sentences(text: str, min_words: int = 5) -> list[str]:
    flat = " ".join(text.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", flat)
    return [p.rstrip(" .") for p in parts if len(p.split()) >= min_words]


def lessons_learned_blocks() -> list[str]:
    text = web_source("strategic-planning-guide")
    stops = (
        "http",
        "#####",
        "The nonplanner",
        "There’s never time",
        "What are the basic",
        "Appendices",
        "Exhibit",
        "IV. Formative",
    )
    blocks = []
    for chunk in text.split("Addressing Lessons Learned")[1:]:
        lines = []
        for line in chunk.splitlines():
            if line.strip().startswith(stops):
                break
            lines.append(line.strip().lstrip("•>").strip())
        blocks.append(" ".join(lines))
    return blocks


def test_every_lessons_learned_block_is_a_caution() -> None:
    blocks = lessons_learned_blocks()
    lessons = [c for c in toolkit().items("cautions") if c.group == "lessons-learned"]
    assert len(blocks) == 6
    assert len(lessons) == len(blocks)
    for block, caution in zip(blocks, lessons, strict=True):
        assert_all_in(_sentences(block), corpus(caution))


def test_coaching_notes_of_caution() -> None:
    guide = source("coaching-guide")
    notes = region("coaching-guide", "*A couple notes of caution:*", "## Concluding Comment")
    coaching = [c for c in toolkit().items("cautions") if c.group == "coaching"]
    assert coaching and "notes of caution" in guide
    assert_all_in(_sentences(notes.replace("*A couple notes of caution:*", "")), corpus(*coaching))


def test_every_step_links_its_lessons() -> None:
    for step in toolkit().items("steps"):
        assert step.lessons, step.id
        for address in step.lessons:
            assert address.startswith("cautions/")


# -- phases, steps, tasks -----------------------------------------------------------------------


def test_four_phases_and_four_steps() -> None:
    phases = re.findall(
        r"^(First|Second|Third|Fourth) Phase – (.+)$",
        source("strategic-planning-guide"),
        flags=re.M,
    )
    assert len(phases) == 4
    assert [p.number for p in toolkit().items("phases")] == [1, 2, 3, 4]
    for (_, title), phase in zip(phases, toolkit().items("phases"), strict=True):
        assert normalize(title.split(":")[0]) in normalize(phase.title)
    assert [s.number for s in toolkit().items("steps")] == ["I", "II", "III", "IV"]


def test_first_phases_major_steps() -> None:
    appendix = region(
        "strategic-planning-guide",
        "Illustrative Examples of Major Steps During the First Phases of \nEstablishing",
        "Appendix D",
    )
    expected = _sentences(re.sub(r"\s*\n\s*-\s", ". ", appendix.replace("•", ". ")), min_words=6)
    assert_all_in(
        [e for e in expected if "Phase:" not in e],
        corpus(
            item("phases", "introduction-and-readiness"), item("phases", "start-up-and-phase-in")
        ),
    )


@pytest.mark.parametrize(
    ("task_list", "start", "end"),
    [
        ("coach-tasks", "Coaches and Mentors can prepare leaders to", "## Appendix C"),
        ("department-helps-districts", "### Tasks the Department Needs", "\\*Plan as part"),
        ("district-helps-schools", "### Tasks the District Needs", "\\*Plan as part"),
    ],
)
def test_task_lists(task_list: str, start: str, end: str) -> None:
    expected = bullets(region("coaching-guide", start, end))
    tasks = item("tasks", task_list)
    assert len(expected) > 20
    assert_all_in(expected, corpus(tasks.tasks))


def test_action_plan_tasks_with_who_how_when() -> None:
    appendix = region("coaching-guide", "For each of the following, clarify", "## Exhibit")
    schools = region(
        "coaching-guide",
        "#### **(4) Plan for Start-up and Phase-in with SCHOOLS**",
        "***AND, of course",
    )
    plan = item("templates", "action-plan")
    assert [f.lower() for f in plan.fields] == ["who", "how", "when"]
    assert len(plan.sections) == 4
    expected = [b for b in bullets(appendix + schools) if not b.startswith("See Appendix")]
    assert_all_in(expected, corpus(plan))


def test_resources_carry_urls_from_the_sources() -> None:
    urls = set()
    for name in ("facilitator-notes", "strategic-planning-guide", "leadership-team-brief"):
        text = re.sub(r"(https?://\S+)\n(-\S+)", r"\1\2", source(name))  # URLs broken across lines
        urls |= {u.rstrip(".)>") for u in re.findall(r"https?://[^\s<>)]+", text)}
    known = {r.url.rstrip("/") for r in toolkit().items("resources")}
    missing = sorted(u for u in urls if u.rstrip("/") not in known)
    assert not missing, missing


# -- text for a web page and a handout ----------------------------------------------------------
# The content is read on a web page and in PDF handouts, not in the printed sources: no reference
# to a printed page or to an appendix or exhibit of a source, no web address in running text (it
# belongs in a resource's url), no punctuation left over from the conversion of the PDFs.

#: Wording exempt from these rules: the citation fields the brief exempts.
CITATION_FIELDS = {"citation", "source"}


def prose() -> Iterator[tuple[str, str]]:
    """(where, text) for every string a reader reads: collection titles and intros, every field of
    every item and entry, except ids, addresses, literals, `url`, `citation` and `source.section`."""
    for collection in toolkit().collections:
        yield f"{collection.name} (title)", collection.title
        yield f"{collection.name} (intro)", collection.intro
        for it in collection.items:
            yield from _prose_of(it, f"{collection.name}/{it.id}")


def _prose_of(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, tuple):
        for v in value:
            yield from _prose_of(v, f"{where}/{v.id}" if hasattr(v, "id") else where)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if is_wording(value, f.name) and f.name not in CITATION_FIELDS:
                yield from _prose_of(
                    getattr(value, f.name), f"{where}/{f.name}" if f.name != "text" else where
                )


def every_string() -> Iterator[tuple[str, str, str]]:
    """(where, field name, text) for every string of the content, citations and urls included."""

    def walk(value: Any, where: str, name: str) -> Iterator[tuple[str, str, str]]:
        if isinstance(value, str):
            yield where, name, value
        elif isinstance(value, tuple):
            for v in value:
                yield from walk(v, f"{where}/{v.id}" if hasattr(v, "id") else where, name)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                yield from walk(getattr(value, f.name), where, f.name)

    for collection in toolkit().collections:
        yield collection.name, "intro", collection.intro
        for it in collection.items:
            yield from walk(it, f"{collection.name}/{it.id}", "")


APPENDIX_REFERENCE = re.compile(
    r"(?i:\b(?:appendix|appendices)\b)"
    r"|(?i:\bexhibits?)\s+(?:[A-Z]|[IVX]{1,5}|\d{1,3})(?!\w)"
    r"|(?i:\bsee\s+(?:the\s+)?exhibits?\b)"
)
PRINT_REFERENCE = re.compile(
    r"\b(?:previous|next|preceding|following|facing)\s+pages?\b|\bthe\s+above\b|\babove\s+(?:mechanisms|functions|discussion)\b"
    r"|\bbelow\b|\bof\s+this\s+plan\b",
    re.IGNORECASE,
)
URL = re.compile(
    r"https?://|\bwww\.|\b[\w-]+(?:\.[\w-]+)+\.(?:edu|org|com|gov|net)/|\.(?:html?|pdf)\b",
    re.IGNORECASE,
)
STRAY_PUNCTUATION = re.compile(r"\.:|\.\s+\.|\s\.|\.\.|\s,")


def _hits(pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{where}: …{text[max(0, m.start() - 30) : m.end() + 30]}…"
        for where, text in prose()
        for m in pattern.finditer(text)
    ]


def test_no_appendix_or_exhibit_of_a_source_in_the_text() -> None:
    assert not _hits(APPENDIX_REFERENCE)


def test_no_reference_to_a_printed_page() -> None:
    assert not _hits(PRINT_REFERENCE)


def test_urls_only_in_url_fields() -> None:
    found = [
        f"{where}/{name}: {text[:80]}"
        for where, name, text in every_string()
        if name != "url" and URL.search(text)
    ]
    assert not found


def test_no_stray_punctuation() -> None:
    assert not _hits(STRAY_PUNCTUATION)


def test_ellipses_are_one_character() -> None:
    assert "…" in item("quotes", "what-is-strategy").text
    assert not [where for where, text in prose() if "..." in text or ". . ." in text]


def test_relations_read_as_lead_ins() -> None:
    """A relation is shown as '<text>: <the related mechanism>', so its text ends in neither '.' nor ':'."""
    for mech in toolkit().items("mechanisms"):
        for relation in mech.relations:
            assert not relation.text.rstrip().endswith((".", ":")), (
                f"mechanisms/{mech.id}: {relation.text}"
            )


def _entries(entries: tuple[Any, ...]) -> Iterator[Any]:
    for e in entries:
        yield e
        yield from _entries(e.children)


def _all_entries() -> Iterator[tuple[str, Any]]:
    from lstoolkit.models import entry_fields

    for collection in toolkit().collections:
        for it in collection.items:
            for name in entry_fields(type(it)):
                for e in _entries(getattr(it, name)):
                    yield f"{collection.name}/{it.id}/{name}/{e.id}", e


def test_no_doubled_run_in_headings() -> None:
    """An entry is shown as '**title**: text'; the text must not repeat the title, nor the title end in '.' or ':'."""
    for where, e in _all_entries():
        if e.title and e.text:
            assert not _repeats(e.title, e.text), where
            assert not e.title.rstrip().endswith((".", ":")), where
    for collection in toolkit().collections:
        for it in collection.items:
            for name in ("description", "definition", "purpose", "text"):
                text = getattr(it, name, "")
                if getattr(it, "title", "") and text:
                    assert not _repeats(it.title, text), f"{collection.name}/{it.id}/{name}"


def _repeats(title: str, text: str) -> bool:
    """Whether ``text`` starts with the words of ``title`` (footnote marks such as '*' are no words)."""
    words = normalize(title)
    return bool(words) and re.match(re.escape(words) + r"\b", normalize(text)) is not None


# -- faithful structure -------------------------------------------------------------------------


def _mechanism_named(name: str) -> str:
    wanted = normalize(name)
    for mech in toolkit().items("mechanisms"):
        if wanted in {normalize(n) for n in (mech.title, *mech.also_called)}:
            return str(mech.id)
    raise AssertionError(f"no mechanism is called {name!r}")


def infrastructure_named_by_the_sources() -> set[str]:
    """The operational infrastructure as the sources name it: the box of the mechanism diagram (the
    strategic-planning guide's Appendix B), the Implementation Team's first task (coaching guide) and
    the leadership-team brief's note on reworking the operational infrastructure."""
    names = re.findall(
        r"^>(.+)$", region("strategic-planning-guide", "(including mentors,", "http"), flags=re.M
    )
    task = re.search(
        r"establishing operational infrastructure for [^(]+\(e\.g\., ([^)]+)\)",
        source("coaching-guide"),
    )
    assert task is not None
    names += task.group(1).split(", ")
    brief = " ".join(source("leadership-team-brief").split())
    note = re.search(r"reworking the operational infrastructure to include (.+?) to garner", brief)
    assert note is not None
    names += re.findall(r"Learning Supports? Leadership (?:Team|Council)", note.group(1))
    assert len(names) >= 8
    return {_mechanism_named(n.strip()) for n in names}


def test_mechanisms_have_a_kind_and_the_infrastructure_is_the_sources_set() -> None:
    mechanisms = toolkit().items("mechanisms")
    assert all(m.kind in ("change", "infrastructure") for m in mechanisms)
    infrastructure = {m.id for m in mechanisms if m.kind == "infrastructure"}
    assert infrastructure == infrastructure_named_by_the_sources()
    assert infrastructure == {
        "administrative-lead",
        "leadership-team",
        "work-groups",
        "leadership-council",
    }
    for (
        heading_mechanism
    ) in MECHANISM_HEADINGS.values():  # the coaching guide's systemic change mechanisms
        assert item("mechanisms", heading_mechanism).kind == "change"


def test_mechanisms_intro_keeps_temporary_for_the_change_mechanisms() -> None:
    intro = normalize(toolkit()["mechanisms"].intro)
    assert (
        normalize(
            "Mechanisms specifically established to facilitate systemic change are temporary ones"
        )
        in intro
    )
    assert "operational infrastructure" in intro


def test_leadership_team_members_have_their_lead_in() -> None:
    team = item("mechanisms", "leadership-team")
    assert team.composition_intro.endswith("This might include the following:")
    assert "might include" not in team.description
    lead_in = region(
        "leadership-team-brief", "Who’s on Such a Team?", "• Administrative"
    ).removeprefix("Who’s on Such a Team?")
    assert_all_in(_sentences(lead_in), normalize(team.composition_intro))


FIRST_PERSON_OBSERVATION = re.compile(r"\bwe\s+(?:find|have\s+found|try)\b", re.IGNORECASE)


def test_job_duties_are_duties() -> None:
    for job in toolkit().items("jobs"):
        for e in _entries((*job.duties, *job.district_duties)):
            assert not FIRST_PERSON_OBSERVATION.search(e.text), f"jobs/{job.id}/duties/{e.id}"
            assert "caution" not in e.text.lower(), f"jobs/{job.id}/duties/{e.id}"
            assert not re.match(r"(?i)(the need is for|it is crucial)\b", e.text), (
                f"jobs/{job.id}/duties/{e.id}"
            )
        for e in _entries((*job.what_it_is_not, *job.duties)):
            assert "better than" not in e.text, (
                f"jobs/{job.id}: the argument about the title belongs in title_guidance"
            )


def test_facilitator_sentences_moved_not_lost() -> None:
    """The observations and cautions once cut into the facilitator's duties, notes and 'what it is
    not' are read whole by those who supervise the position (its 'supervising' entries and the
    cautions about the job), and not in the posting's fields."""
    job = item("jobs", "learning-supports-facilitator")
    cautions = [c for c in toolkit().items("cautions") if f"jobs/{job.id}" in c.about]
    supervising = corpus(job.supervising, *cautions)
    posting = corpus(
        job.purpose,
        job.summary,
        job.what_it_is,
        job.what_it_is_not,
        job.duties,
        job.district_duties,
    )
    for sentence in (
        "We find that the facilitator and school-based student and learning supports staff need time and capacity building",
        "The need is for administrators as well as the facilitators to learn how to introduce the position",
        "It is crucial to concentrate on creating allies",
        "First meetings involve sharing experiences and further clarifying how best to accomplish the goal",
        "Another early task is updating existing mapping of resources",
        "It is essential, as requests come in for such services, that the facilitator and the development team focus",
        "it is tempting at schools to try to convert it back into a traditional job",
        "the need for direct service providers is so great that folks simply want to use this new staff member",
        "Another frequent temptation is to co-opt the new Learning Supports Facilitator",
        "it is important to have district leadership (e.g., the superintendent and the director of student supports) kick off the work",
    ):
        assert normalize(sentence) in supervising, sentence
        assert normalize(sentence) not in posting, sentence
    assert "learning support facilitator is better than" in corpus(job.title_guidance)
    assert "better than" not in posting


def test_templates_say_how_they_depart_from_the_source_layout() -> None:
    assert item("templates", "mou").derived
    for template in toolkit().items("templates"):
        if template.fields:  # a table the sources do not draw
            assert template.derived, template.id


def test_later_phases_have_the_sources_words_once() -> None:
    """What the sources say of phases 3 and 4 together is said once, in the phases' intro, not
    repeated under each phase: the sources give those phases nothing of their own but a title."""
    guide = normalize(source("strategic-planning-guide"))
    intro = normalize(toolkit()["phases"].intro)
    for sentence in (
        "Phases 3 and 4 of systemic change involve, respectively, Sustaining and Evolving to Enhance Outcomes and Generating Creative Renewal and Replication to Scale",
        "Specific planning for phases 3 and 4 can be deferred until initial implementation is proceeding satisfactorily",
        "However, awareness of and commitment to these matters is essential throughout",
    ):
        assert normalize(sentence) in guide, sentence
        said = [intro, *(corpus(p) for p in toolkit().items("phases"))]
        assert [text.count(normalize(sentence)) for text in said] == [1, 0, 0, 0, 0], sentence
    for phase_id in ("replicating-and-sustaining", "creative-renewal"):
        phase = item("phases", phase_id)
        assert not phase.description and not phase.examples, phase_id
    outside = item("resources", "sustaining-and-scale-up")
    assert outside.title == "Sustaining and Scale-up: It's About Systemic Change"
    assert outside.url == "http://smhp.psych.ucla.edu/pdfdocs/newsletter/Fall04.pdf"


def test_each_sentence_of_an_element_is_said_once() -> None:
    """An element's definition, facets and notes never repeat each other: no sentence twice, and
    no entry whose words are already in the definition."""
    for element in toolkit().items("elements"):
        said = [s.lower() for t in texts(element) for s in _sentences(t)]
        assert len(said) == len(set(said)), (
            f"elements/{element.id}: {[s for s in said if said.count(s) > 1][:2]}"
        )
        definition = normalize(element.definition)
        for e in _entries((*element.facets, *element.notes)):
            assert not e.text or normalize(e.text) not in definition, (
                f"elements/{element.id}/{e.id}"
            )
