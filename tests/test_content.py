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
from lstoolkit.models import PLACEHOLDER, Toolkit

SOURCES = Path(__file__).parent / "data" / "sources"


@cache
def source(name: str) -> str:
    return (SOURCES / f"{name}.txt").read_text(encoding="utf-8")


@cache
def toolkit() -> Toolkit:
    return load_content(verify=True).toolkit


def normalize(text: str) -> str:
    """Compare wording, not layout: quotes, markers, emphasis, case and spacing are folded."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
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
            if f.name not in NOT_WORDING:
                yield from texts(getattr(value, f.name))


NOT_WORDING = {"id", "source", "levels", "requires", "about", "lessons", "to", "url"}


def corpus(*values: Any) -> str:
    """All wording of ``values`` as one normalized text (entries joined, as a reader reads them)."""
    return normalize(" ".join(t for v in values for t in texts(v)))


def item(collection: str, item_id: str) -> Any:
    found = toolkit()[collection].get(item_id)
    assert found is not None, f"{collection}/{item_id} is missing"
    return found


def region(name: str, start: str, end: str) -> str:
    text = source(name)
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
        "three-component-policy", "intervention-framework", "operational-infrastructure",
        "capacity-building", "monitoring",
    ],
    "mechanisms": [
        "superintendent-and-governing-body", "transformation-leader", "steering-body",
        "planning-team", "implementation-team", "work-groups", "external-change-agents",
        "external-collaborators", "administrative-lead", "leadership-team", "leadership-council",
    ],
    "jobs": ["learning-supports-facilitator", "administrative-leader", "district-partnership-facilitator"],
    "templates": ["introductory-session", "design-document", "strategic-plan", "action-plan", "mou"],
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
    text = region("coaching-guide", "## Functions of the Systemic Change Mechanisms", "## Appendix B")
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
        assert_all_in(_sentences(paragraph), corpus(*(item("mechanisms", m) for m in MECHANISM_HEADINGS.values())))


# -- elements -----------------------------------------------------------------------------------


def test_five_essential_elements_in_order() -> None:
    appendix = region("strategic-planning-guide", "Five Essential Elements of a Unified and Comprehensive \nSystem", "Appendix B\n")
    titles = re.findall(r"^\s*\((\d)\) (.+)$", appendix, flags=re.M)
    assert [int(n) for n, _ in titles] == [1, 2, 3, 4, 5]
    elements = toolkit().items("elements")
    assert [e.number for e in elements] == [1, 2, 3, 4, 5]
    for (_, title), element in zip(titles, elements, strict=True):
        assert normalize(title).startswith(normalize(element.title)) or normalize(element.title) in normalize(appendix)
    infrastructure = item("elements", "operational-infrastructure")
    assert {"mechanisms/administrative-lead", "mechanisms/leadership-team", "mechanisms/work-groups"} <= set(infrastructure.requires)


def test_essential_elements_warning_is_quoted() -> None:
    assert "care must be taken not to eliminate elements that are essential" in corpus(toolkit()["elements"].intro)
    assert "adopt the terminology and not the substance" in corpus(toolkit()["elements"].intro)


# -- introductory session and jobs --------------------------------------------------------------


def test_introductory_session_seven_points_and_next_steps() -> None:
    notes = source("facilitator-notes")
    points = re.findall(r"^- \((\d)\) (.+)$", notes, flags=re.M)
    next_steps = [s for s in bullets(region("facilitator-notes", "Examples of next steps", "Our experiences")) ]
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
    assert "better than" in corpus(job.title_guidance) and "coordinator" in corpus(job.title_guidance)


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
    text = source("strategic-planning-guide")
    stops = ("http", "#####", "The nonplanner", "There’s never time", "What are the basic", "Appendices", "Exhibit", "IV. Formative")
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
    phases = re.findall(r"^(First|Second|Third|Fourth) Phase – (.+)$", source("strategic-planning-guide"), flags=re.M)
    assert len(phases) == 4
    assert [p.number for p in toolkit().items("phases")] == [1, 2, 3, 4]
    for (_, title), phase in zip(phases, toolkit().items("phases"), strict=True):
        assert normalize(title.split(":")[0]) in normalize(phase.title)
    assert [s.number for s in toolkit().items("steps")] == ["I", "II", "III", "IV"]


def test_first_phases_major_steps() -> None:
    appendix = region("strategic-planning-guide", "Illustrative Examples of Major Steps During the First Phases of \nEstablishing", "Appendix D")
    expected = _sentences(re.sub(r"\s*\n\s*-\s", ". ", appendix.replace("•", ". ")), min_words=6)
    assert_all_in([e for e in expected if "Phase:" not in e], corpus(item("phases", "introduction-and-readiness"), item("phases", "start-up-and-phase-in")))


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
    schools = region("coaching-guide", "#### **(4) Plan for Start-up and Phase-in with SCHOOLS**", "***AND, of course")
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
