"""Job descriptions as HR posts them, and what is not part of the posting.

A posting (``job-<id>.pdf``, ``templates/handouts/job.html.j2``) reads: the title adapted through
the agency's terms; reports to, FTE, number of positions, classification and salary schedule (the
agency's values, or a labelled gap); summary; essential duties; qualifications; working
conditions; evaluation. The cautions for those who introduce and supervise the position, and the
job's ``supervising`` entries, are on a page of their own (``job-<id>-supervising.pdf``,
``job-supervising.html.j2``); the argument for the title is a note for the agency on the job's
web page. A duty is a duty: never an observation or a caution.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from helpers_handouts import HEADINGS, Printed, print_handouts, read_html
from helpers_pdf import assert_consistent, pdf_text, plain, read_tags
from markupsafe import escape

from lstoolkit.adapt import Adapted, adapt, value_phrase
from lstoolkit.check import check_adapted
from lstoolkit.escape import GAP_OPEN
from lstoolkit.handouts import (
    Handout,
    HandoutRenderer,
    handout_environment,
    plan_handouts,
    render_handouts,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.models import PLACEHOLDER, Entry, Job, Toolkit
from lstoolkit.render import Page, SiteRenderer, page_environment

JOBS = (
    "learning-supports-facilitator",
    "administrative-leader",
    "district-partnership-facilitator",
)
#: The posting's facts (row headers of its first table), then its sections (h2), in this order.
FACTS = ("Reports to", "FTE", "Number of positions", "Classification and salary schedule")
SECTIONS = ("Summary", "Essential duties", "Qualifications", "Working conditions", "Evaluation")
#: Each job's values on its posting, by fact or section.
POSTING_VALUES = {
    "learning-supports-facilitator": "facilitator",
    "administrative-leader": "administrative_leader",
    "district-partnership-facilitator": "partnership_facilitator",
}
FIELD_VALUES = {
    "reports_to": "reports_to",
    "fte": "fte",
    "positions": "positions",
    "classification": "salary_schedule",
    "qualifications": "qualifications",
    "working_conditions": "working_conditions",
    "evaluation": "evaluation",
}
#: How an observation, a caution or a note to the reader starts; a duty never does.
OBSERVATION_START = re.compile(
    r"(?i)^\W*(we\b|it is (important|essential|crucial|tempting)\b|note\b|the need is\b|our experiences?\b|"
    r"another frequent temptation\b|because the position\b|for example\b|first meetings involve\b|another early task is\b)"
)
#: How a narrative sentence about the work starts ("Usually, the administrative leader
#: establishes …", "While the design document is being readied …"); a duty never does.
NARRATIVE_START = re.compile(
    r"(?i)^\W*(usually|typically|often|generally|while|at the same time)\b"
)
#: Someone as the subject of the sentence, after any leading clauses: "the administrative leader
#: establishes …", "a learning supports leadership team clarifies …". A duty says what the holder
#: does; it never tells what someone (the holder or a team) does.
SOMEONE_DOES = re.compile(
    r"(?i)^(?:[^,]*,\s*)*?(?:the|an?)\s+(?:[\w’'-]+\s+){0,4}?(?:leader|team|facilitator|group|staff)\b"
    r"(?:\s+for\s+[^,]+?)?\s+(?!will\b)\w+s\b"
)


#: The citation at the foot of a handout, which names the source document by its own title.
CITATION = re.compile(r"Source: .*?UCLA\.")


def job_of(toolkit: Toolkit, job_id: str) -> Job:
    """The job ``job_id`` of ``toolkit``, which must have it."""
    job = toolkit["jobs"].get(job_id)
    assert isinstance(job, Job), job_id
    return job


def supervising_handout(adapted: Adapted, job: Job) -> Handout:
    """The supervising page of ``job``: as planned, or as plan_handouts is asked to plan it."""
    planned = {h.name: h for h in plan_handouts(adapted)}
    return planned.get(f"job-{job.id}-supervising") or Handout(
        f"job-{job.id}-supervising",
        f"Supervising the position: {job.title}",
        "job-supervising.html.j2",
        {"item": job},
    )


def cautions_about(adapted: Adapted, job: Job) -> list[Any]:
    return [c for c in adapted.toolkit.items("cautions") if f"jobs/{job.id}" in c.about]


def entries(items: tuple[Entry, ...]) -> list[Entry]:
    found: list[Entry] = []
    for e in items:
        found += [e, *entries(e.children)]
    return found


def words(text: str) -> str:
    """Text compared as words: quotes and spacing folded, gap marks dropped."""
    fold: dict[str, str | int | None] = {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        GAP_OPEN: " ",
        "\ue001": " ",
    }
    text = text.translate(str.maketrans(fold))
    return " ".join(text.split())


def sentences(text: str, min_words: int = 6) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", words(text))
    return [p.rstrip(" .") for p in parts if len(p.split()) >= min_words]


@pytest.fixture(scope="module")
def rendered(district: Adapted, district_handouts: dict[str, Printed]) -> dict[str, Printed]:
    """The example district's postings and supervising pages (rendered once for the session):
    name -> (HTML, PDF)."""
    names = [
        f"job-{job.id}{page}"
        for job in district.toolkit.items("jobs")
        for page in ("", "-supervising")
    ]
    return {name: district_handouts[name] for name in names}


# -- the content -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prototype() -> Adapted:
    return adapt(load_content(), ())


@pytest.mark.parametrize("job_id", JOBS)
def test_no_duty_is_an_observation_or_a_caution(
    prototype: Adapted, district: Adapted, job_id: str
) -> None:
    for adapted in (prototype, district):
        job = job_of(adapted.toolkit, job_id)
        caution_sentences = {
            s.lower()
            for c in cautions_about(adapted, job)
            for t in (c.text, *(p.text for p in entries(c.points)))
            for s in sentences(t)
        }
        supervising = {words(e.text).lower().rstrip(" .") for e in entries(job.supervising)}
        for duty in entries((*job.duties, *job.district_duties)):
            text = words(duty.text)
            where = f"jobs/{job_id}/duties/{duty.id}: {text[:60]}"
            assert not OBSERVATION_START.match(text), f"an observation under duties: {where}"
            assert not NARRATIVE_START.match(text), f"a narrative sentence under duties: {where}"
            assert not SOMEONE_DOES.search(text), (
                f"a sentence about what someone does under duties: {where}"
            )
            assert not re.search(r"(?i)\b(we|us|our)\b", text), (
                f"the sources' 'we' under duties: {where}"
            )
            assert "caution" not in text.lower(), where
            assert text.lower().rstrip(" .") not in supervising, (
                f"a supervising note under duties: {where}"
            )
            for sentence in sentences(text):
                assert sentence.lower() not in caution_sentences, (
                    f"a caution's sentence under duties: {where}"
                )


@pytest.mark.parametrize("job_id", JOBS)
def test_posting_fields_ask_the_agency_where_the_sources_say_nothing(job_id: str) -> None:
    """Reports to, FTE, positions, classification, qualifications, working conditions and evaluation
    are the agency's values (each declared, with a description and the prototype's wording), not
    text the toolkit invents."""
    content = load_content().toolkit
    job = job_of(content, job_id)
    declared = {v.id: v for v in content.items("values")}
    for name, suffix in FIELD_VALUES.items():
        value = f"{POSTING_VALUES[job_id]}_{suffix}"
        assert getattr(job, name) == f"${{{value}}}", f"jobs/{job_id}/{name}"
        assert value in declared and declared[value].description and declared[value].prototype, (
            value
        )
        assert declared[value].gap, f"{value}: a reader sees a labelled gap while it is missing"


def test_every_posting_value_is_asked_for() -> None:
    """A job's value that no text asks for would never be seen (nor reported, LS203)."""
    content = load_content()
    used = set(PLACEHOLDER.findall(str(content.raw["jobs"])))
    declared = {
        v.id
        for v in content.toolkit.items("values")
        if v.id.startswith(tuple(POSTING_VALUES.values()))
    }
    assert len(declared) >= 3 * len(FIELD_VALUES) - 1
    assert declared <= used


def test_moved_sentences_stay_in_the_toolkit(prototype: Adapted) -> None:
    """What left the duties and notes of the administrative leader and the partnership facilitator
    is still read, where it belongs."""
    leader = job_of(prototype.toolkit, "administrative-leader")
    partnerships = job_of(prototype.toolkit, "district-partnership-facilitator")
    steps = words(str(prototype.raw["steps"])) + words(str(prototype.raw["mechanisms"]))
    assert "designate that the steering group, along with the administrative leader" in steps
    assert (
        "Ensure that the administrative leader and the Learning Supports Leadership Team use the formative evaluation"
        in steps
    )
    assert any(
        "External Mentors provide professional preparation" in e.text for e in leader.supervising
    )
    assert any(
        "Immediate need to designate a dedicated administrative leader position" in words(e.text)
        for e in leader.notes
    )
    assert "not just be tacked on" in words(leader.title_guidance)
    # The duties keep what the leader does; the sentences they were cut from stay whole.
    for sentence in (
        "Usually, the administrative leader establishes a work group to plan and implement a strategic way to personalize a design document.",
        "While the design document is being readied for circulation, the administrative leader establishes a work group",
        "The administrative leader for transforming student and learning supports into a unified and comprehensive system establishes a work group to draft the strategic plan.",
        "At the same time, to facilitate the planning, the leader establishes one or more additional work groups",
    ):
        assert sentence in steps, sentence
    assert [
        e.id
        for e in leader.what_it_is
        if e.text.startswith(
            "Along with the administrative leader, a learning supports leadership team clarifies"
        )
    ] == ["works-with-leadership-team"]
    assert any(
        "No one is expected to conduct all 50 activities" in words(e.text)
        for e in partnerships.supervising
    )


# -- the posting --------------------------------------------------------------------------------


@pytest.mark.parametrize("job_id", JOBS)
def test_posting_shows_each_hr_heading_in_order(rendered: dict[str, Printed], job_id: str) -> None:
    html, pdf = rendered[f"job-{job_id}"]
    parsed = read_html(html)
    assert [h for h in parsed.headings if h in SECTIONS] == list(SECTIONS)
    assert set(parsed.headings[1:]) <= {
        *SECTIONS,
        "What the position is",
        "What the position is not",
        "At the district level",
    }
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == list(FACTS)
    # In the PDF: each heading at the start of a line, after the one before it.
    text, at = pdf_text(pdf), 0
    for heading in (*FACTS, *SECTIONS):
        found = re.compile(rf"^{re.escape(heading.split()[0])}\b.*$", re.M).search(text, at)
        assert found is not None, f"'{heading}' missing, or out of order, in job-{job_id}.pdf"
        at = found.end()
    # In the tags a screen reader follows: the same headings, as headings, in the same order.
    tags = read_tags(pdf)
    tagged = [plain(tags.text(h)) for h in tags.elements(*(f"/{h.upper()}" for h in HEADINGS))]
    assert [h for h in tagged if h in {plain(s) for s in SECTIONS}] == [plain(s) for s in SECTIONS]
    assert [plain(tags.text(th)) for th in tags.elements("/TH")] == [plain(f) for f in FACTS]
    assert_consistent(tags)


@pytest.mark.parametrize("job_id", JOBS)
def test_posting_has_the_adapted_title_and_the_values_or_labelled_gaps(
    district: Adapted, rendered: dict[str, Printed], job_id: str
) -> None:
    job = job_of(district.toolkit, job_id)
    html, pdf = rendered[f"job-{job_id}"]
    text = CITATION.sub(" ", words(pdf_text(pdf)))  # the citation names the source's own title
    assert f"<h1>{job.title}</h1>" in html and f"<title>Job description: {job.title}" in html
    if job_id == "learning-supports-facilitator":
        assert (
            job.title == "Learning Supports Coach" and "Learning Supports Facilitator" not in text
        )
    given = {k: str(v) for layer in district.layers for k, v in layer.file.values.items()}
    declared = {v.id: v for v in district.toolkit.items("values")}
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', html))
    sections = dict(re.findall(r"<h2>([^<]+)</h2>\s*<p>(.*?)</p>", html))
    shown = {
        "reports_to": cells["Reports to"],
        "fte": cells["FTE"],
        "positions": cells["Number of positions"],
        "classification": cells["Classification and salary schedule"],
        "qualifications": sections["Qualifications"],
        "working_conditions": sections["Working conditions"],
        "evaluation": sections["Evaluation"],
    }
    for field, suffix in FIELD_VALUES.items():
        name = f"{POSTING_VALUES[job_id]}_{suffix}"
        if name in given:  # the agency's value, as it reads in a sentence
            assert shown[field] == escape(value_phrase(asdict(declared[name]), given[name])), field
            assert words(value_phrase(asdict(declared[name]), given[name])) in text
        else:  # a highlighted span that says what is missing
            assert shown[field] == f'<span class="ls-gap">{declared[name].gap}</span>', field
            assert declared[name].gap in text, field


@pytest.mark.parametrize("job_id", JOBS)
def test_posting_holds_no_supervising_text(
    district: Adapted, rendered: dict[str, Printed], job_id: str
) -> None:
    job = job_of(district.toolkit, job_id)
    html, pdf = rendered[f"job-{job_id}"]
    text = words(pdf_text(pdf)).lower()
    for caution in cautions_about(district, job):
        assert words(caution.title).lower() not in text, (
            f"the caution '{caution.title}' is on the posting"
        )
        for sentence in sentences(caution.text) + [
            s for p in entries(caution.points) for s in sentences(p.text)
        ]:
            assert sentence.lower() not in text, (
                f"the caution '{caution.title}' is on the posting: {sentence[:60]}"
            )
    for note in entries(job.supervising):
        for sentence in sentences(note.text) or [words(note.text)]:
            assert sentence.lower() not in text, f"supervising/{note.id} is on the posting"
    for sentence in sentences(job.title_guidance):
        assert sentence.lower() not in text, "the guidance for the agency is on the posting"
    assert "better than" not in text


# -- the supervising page -------------------------------------------------------------------------


@pytest.mark.parametrize("job_id", JOBS)
def test_supervising_page_holds_the_cautions_and_notes(
    district: Adapted, rendered: dict[str, Printed], job_id: str
) -> None:
    job = job_of(district.toolkit, job_id)
    html, pdf = rendered[f"job-{job_id}-supervising"]
    text = words(pdf_text(pdf)).lower()
    assert f"supervising the position: {words(job.title).lower()}" in text
    assert "not part of the job posting" in text
    assert job.supervising or cautions_about(district, job)
    for note in entries(job.supervising):
        assert all(s.lower() in text for s in sentences(note.text) or [words(note.text)]), note.id
    for caution in cautions_about(district, job):
        assert words(caution.title).lower() in text
        for sentence in sentences(caution.text) + [
            s for p in entries(caution.points) for s in sentences(p.text)
        ]:
            assert sentence.lower() in text, f"{caution.id}: {sentence[:60]}"
    # Tagged as the other handouts: headings as headings, the tree consistent with the content.
    tags = read_tags(pdf)
    tagged = [plain(tags.text(h)) for h in tags.elements(*(f"/{h.upper()}" for h in HEADINGS))]
    assert tagged == [plain(h) for h in read_html(html).headings]
    assert_consistent(tags)


def test_supervising_page_is_deterministic_and_cached(district: Adapted, tmp_path: Path) -> None:
    renderer = HandoutRenderer(district, check_adapted(district), handout_environment())
    job = job_of(district.toolkit, "administrative-leader")
    handout = supervising_handout(district, job)
    first = render_handouts(
        renderer, [handout], tmp_path / "a", cache_dir=tmp_path / "cache-a", jobs=1
    )
    second = render_handouts(
        renderer, [handout], tmp_path / "b", cache_dir=tmp_path / "cache-b", jobs=1
    )
    again = render_handouts(
        renderer, [handout], tmp_path / "c", cache_dir=tmp_path / "cache-a", jobs=1
    )
    assert first[0].data == second[0].data and not first[0].cached
    assert again[0].cached and again[0].data == first[0].data


def test_plan_handouts_plans_a_supervising_page_per_job(district: Adapted) -> None:
    planned = [h.name for h in plan_handouts(district)]
    if not any(name.endswith("-supervising") for name in planned):
        pytest.skip("plan_handouts does not plan the supervising pages yet (lstoolkit/handouts.py)")
    for job in district.toolkit.items("jobs"):
        assert planned.index(f"job-{job.id}") + 1 == planned.index(f"job-{job.id}-supervising")


# -- the web page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("job_id", JOBS)
def test_web_page_has_the_postings_structure_then_the_rest(district: Adapted, job_id: str) -> None:
    renderer = SiteRenderer(district, check_adapted(district), page_environment())
    job = job_of(district.toolkit, job_id)
    page = renderer.render(Page(f"jobs/{job_id}.md", "job.md.j2", {"item": job}, f"jobs/{job_id}"))
    headings = re.findall(r"^## (.+)$", page, flags=re.M)
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    assert headings[: len(SECTIONS)] == list(SECTIONS)
    assert re.findall(r"^- \*\*([^*]+)\*\*: ", page.split("## Summary")[0], flags=re.M) == list(
        FACTS
    )
    posting, _, rest = page.partition("## Supervising the position")
    assert rest, "no supervising section"
    for caution in cautions_about(district, job):
        assert f"cautions.md#{caution.id}" in rest and f"cautions.md#{caution.id}" not in posting
    for note in entries(job.supervising):
        assert f"{{: #{note.id} }}" in rest and f"{{: #{note.id} }}" not in posting
    if job.title_guidance:
        assert "## For the agency" in rest and "better than" not in posting


# -- a value the agency has not given ----------------------------------------------------------------


AGENCY = """\
extends: prototype
agency: {name: Springfield, level: district}
version: "1"
terms:
  Learning Supports Facilitator: Learning Supports Coach
values:
  facilitator_positions: 12
  facilitator_reports_to: Director of Student Supports
  facilitator_fte: 1.0 FTE, 190 days
  facilitator_salary_schedule: Certificated salary schedule, grade 24
  facilitator_qualifications: A valid pupil personnel services credential.
  facilitator_working_conditions: Serves two elementary schools; travel between them.
"""


@pytest.fixture(scope="module")
def without_evaluation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Adapted]:
    folder = tmp_path_factory.mktemp("agency")
    (folder / "agency.yml").write_text(AGENCY, encoding="utf-8")
    return folder / "agency.yml", adapt(load_content(), read_chain(folder / "agency.yml"))


def test_a_missing_value_is_ls203_at_the_agency_file(
    without_evaluation: tuple[Path, Adapted],
) -> None:
    path, adapted = without_evaluation
    missing = [f for f in check_adapted(adapted) if f.code == "LS203"]
    evaluation = [f for f in missing if "'facilitator_evaluation'" in f.message]
    assert evaluation, "no LS203 for the missing evaluation"
    for given in (
        "facilitator_reports_to",
        "facilitator_fte",
        "facilitator_salary_schedule",
        "facilitator_positions",
    ):
        assert not any(f"'{given}'" in f.message for f in missing), given
    location = evaluation[0].location
    assert location is not None and Path(location.path).resolve() == path.resolve()
    assert location.line == AGENCY.splitlines().index("values:") + 1


def test_a_missing_value_is_a_labelled_gap_on_the_posting(
    without_evaluation: tuple[Path, Adapted], tmp_path: Path
) -> None:
    _, adapted = without_evaluation
    job = job_of(adapted.toolkit, "learning-supports-facilitator")
    posting = Handout(
        f"job-{job.id}", f"Job description: {job.title}", "job.html.j2", {"item": job}
    )
    html, pdf = print_handouts(adapted, [posting], tmp_path)[posting.name]
    assert re.search(r'<th scope="row">Reports to</th><td>Director of Student Supports</td>', html)
    assert re.search(r'<th scope="row">FTE</th><td>1.0 FTE, 190 days</td>', html)
    assert re.search(
        r'<h2>Evaluation</h2>\s*<p><span class="ls-gap">evaluation to be decided</span></p>', html
    )
    assert html.count('class="ls-gap"') == 1
    text = words(pdf_text(pdf))
    assert "Certificated salary schedule, grade 24" in text and "evaluation to be decided" in text
