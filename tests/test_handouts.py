"""PDF handouts: personalised text, tagged structure, forms, determinism and the cache."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from helpers_handouts import EXAMPLES, Printed, district_handout_names, written
from helpers_pdf import flat_pdf_text, plain, read_tags, struct_elements
from pypdf import PdfReader

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.forms import plan_sections
from lstoolkit.handouts import (
    HandoutRenderer,
    glance,
    handout_environment,
    plan_handouts,
    render_handouts,
    sentences,
    whole_sentences,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.models import Template


@pytest.fixture(scope="module")
def rendered(district_handouts: dict[str, Printed]) -> dict[str, Path]:
    """The example district's handouts (rendered once for the session): name -> PDF."""
    return {name: printed.pdf for name, printed in district_handouts.items()}


def test_every_handout_is_there(rendered: dict[str, Path]) -> None:
    """The example district's handouts: two session sheets, as its agency.yml lists two sessions,
    and the printed action plan, as it gives plan answers."""
    assert sorted(rendered) == sorted(
        [
            "introductory-session-district-kickoff",
            "introductory-session-washington-elementary",
            "facilitator-briefing",
            "job-learning-supports-facilitator",
            "job-learning-supports-facilitator-supervising",
            "job-administrative-leader",
            "job-administrative-leader-supervising",
            "job-district-partnership-facilitator",
            "job-district-partnership-facilitator-supervising",
            "mechanism-sheets",
            "action-plan-worksheet",
            "action-plan",
            "design-document",
            "at-a-glance",
            "fidelity-report",
        ]
    )


def test_introductory_session_is_personalised(rendered: dict[str, Path]) -> None:
    text = flat_pdf_text(rendered["introductory-session-district-kickoff"])
    assert "Springfield Public Schools" in text
    assert "Dr. Ana Ruiz" in text and "Marcus Lee" in text
    assert "(twelve positions)" in text
    assert "The district is determined to move away" in text
    assert "DRAFT" in text


def test_job_description_has_adapted_duties_and_cautions(rendered: dict[str, Path]) -> None:
    text = flat_pdf_text(rendered["job-learning-supports-facilitator"])
    assert text.count("Learning Supports Coach") >= 2
    assert "serves two elementary schools" in text
    assert (
        "co-opt" not in text.lower()
    )  # the posting is for applicants; cautions are for the supervisor
    supervising = flat_pdf_text(rendered["job-learning-supports-facilitator-supervising"])
    assert "Co-opting" in supervising or "co-opt" in supervising


def test_removed_mechanism_has_no_sheet(rendered: dict[str, Path]) -> None:
    text = flat_pdf_text(rendered["mechanism-sheets"])
    assert "External Collaborators" not in text
    assert "Learning Supports Steering Committee" in text
    pages = len(PdfReader(rendered["mechanism-sheets"]).pages)
    assert pages >= 9


def test_fidelity_report_lists_changes_and_findings(rendered: dict[str, Path]) -> None:
    text = flat_pdf_text(rendered["fidelity-report"])
    assert "LS102" in text and "accepted" in text
    assert "No university partner in year one" in text


#: Every handout of the example district, as plan_handouts plans them.
HANDOUTS = district_handout_names()


@pytest.mark.parametrize("name", HANDOUTS)
def test_tagged_pdf_ua(rendered: dict[str, Path], name: str) -> None:
    with pikepdf.open(rendered[name]) as pdf:
        root = pdf.Root
        # pikepdf reads a PDF boolean as a bool, which its stubs type as Object
        marked: object = root.MarkInfo.Marked
        assert marked is True
        assert len(root.StructTreeRoot.K) > 0
        assert str(root.Lang) == "en"
        assert str(pdf.docinfo.Title).endswith("– Springfield Public Schools")
        display_title: object = root.ViewerPreferences.DisplayDocTitle
        assert display_title is True
        assert b"pdfuaid" in bytes(root.Metadata.read_bytes())
        figures = struct_elements(root.StructTreeRoot, "/Figure")
        assert figures, "the agency logo, at least, is a figure"
        assert all(str(f.get("/Alt", "")) for f in figures)


def test_the_diagram_is_a_described_figure(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["design-document"]) as pdf:
        alts = [str(n.get("/Alt", "")) for n in struct_elements(pdf.Root.StructTreeRoot, "/Figure")]
        assert "The system change mechanisms, described in the paragraph after the figure." in alts
    text = flat_pdf_text(rendered["design-document"])
    # The description is printed once, under the figure, for every reader; the caption is short.
    assert text.count("Solid arrows show the line of the work.") == 1
    assert (
        "Figure 1. The system change mechanisms, after the prototype of the strategic-planning guide."
        in text
    )


def test_worksheet_has_a_form_field_per_task_and_column(
    rendered: dict[str, Path], district: Adapted
) -> None:
    plan = district.toolkit["templates"].get("action-plan")
    assert isinstance(plan, Template)
    tasks = sum(len(section.children) for section in plan_sections(district.toolkit, "district"))
    with pikepdf.open(rendered["action-plan-worksheet"]) as pdf:
        names = {f.fully_qualified_name for f in pdf.acroform.fields}
        assert len(names) == tasks * len(plan.fields)
        assert "start-up-with-schools.district-implementation-team.who" in names


def test_two_renders_are_byte_identical_and_the_cache_renders_nothing(
    district: Adapted, tmp_path: Path
) -> None:
    renderer = HandoutRenderer(district, check_adapted(district), handout_environment())
    only = [
        h
        for h in plan_handouts(district)
        if h.name in ("fidelity-report", "job-administrative-leader")
    ]
    first = render_handouts(renderer, only, tmp_path / "a", cache_dir=tmp_path / "cache-a", jobs=1)
    second = render_handouts(renderer, only, tmp_path / "b", cache_dir=tmp_path / "cache-b", jobs=2)
    assert [written(r).read_bytes() for r in first] == [written(r).read_bytes() for r in second]
    assert not any(r.cached for r in first + second)
    again = render_handouts(renderer, only, tmp_path / "a", cache_dir=tmp_path / "cache-a")
    assert all(r.cached for r in again)


def test_a4_and_adopted_versions(tmp_path: Path) -> None:
    state = adapt(load_content(), read_chain(EXAMPLES / "state" / "agency.yml"))
    renderer = HandoutRenderer(state, check_adapted(state), handout_environment(), paper="a4")
    only = [h for h in plan_handouts(state) if h.name == "introductory-session"]
    [done] = render_handouts(renderer, only, tmp_path / "out", cache_dir=tmp_path / "cache")
    reader = PdfReader(written(done))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    text = flat_pdf_text(written(done))
    assert "DRAFT" not in text
    assert "Adopted by the State Board of Education on 14 May 2026 (Resolution 2026-18)" in text
    assert "The department is determined to move away" in text
    metadata = PdfReader(written(done)).metadata
    assert metadata is not None and metadata.get("/CreationDate", "").startswith("D:20260514")


def test_agency_strings_are_text_in_pdfs(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "state" / "agency.yml", tmp_path / "state.yml")
    shutil.copytree(EXAMPLES / "state" / "sections", tmp_path / "sections")
    hostile = '"} @page { size: 1in } {{ 7*7 }} \\"'
    (tmp_path / "agency.yml").write_text(
        "extends: state.yml\n"
        f"agency: {{name: '{hostile}', short_name: '{hostile}', level: district}}\nversion: '1'\n"
        "changes:\n  - add: mechanisms/steering-body/functions\n    text: '<script>alert(1)</script>'\n"
        "    why: '</style><style>@page { size: 1in }</style>'\n",
        encoding="utf-8",
    )
    adapted = adapt(load_content(), read_chain(tmp_path / "agency.yml", root=tmp_path))
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    only = [h for h in plan_handouts(adapted) if h.name == "fidelity-report"]
    [done] = render_handouts(renderer, only, tmp_path / "out", cache_dir=tmp_path / "cache")
    text = flat_pdf_text(written(done))
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and "</style><style>" in text
    page = PdfReader(io.BytesIO(written(done).read_bytes())).pages[0]
    assert round(float(page.mediabox.width)) == 612


def test_a_school_without_a_logo_prints_its_districts(tmp_path: Path) -> None:
    school = adapt(load_content(), read_chain(EXAMPLES / "school" / "agency.yml"))
    renderer = HandoutRenderer(school, check_adapted(school), handout_environment())
    only = [h for h in plan_handouts(school) if h.name == "fidelity-report"]
    [done] = render_handouts(renderer, only, tmp_path / "out", cache_dir=tmp_path / "cache")
    with pikepdf.open(written(done)) as pdf:
        alts = [str(n.get("/Alt", "")) for n in struct_elements(pdf.Root.StructTreeRoot, "/Figure")]
    assert "Logo of Lincoln Elementary School" in alts


# -- the design document and the summary at a glance, as a board member or a parent reads them --


def test_the_adaptations_say_each_change_in_the_readers_words(
    district_handouts: dict[str, Printed],
) -> None:
    """The design document's Adaptations say what the site's Adaptations page says: the change in
    words with its new wording, why, who decided and when, then its address in small print; the
    renamed terms; the reviewer's provenance in the PDF's metadata only."""
    printed = district_handouts["design-document"]
    text = flat_pdf_text(printed.pdf)
    said = text[text.rindex("This design document is adapted from the prototype toolkit") :]
    assert (
        "Lincoln State Department of Education adapted it first, then Springfield Public Schools "
        "adapted it in turn." in said
    )
    assert (
        "Learning Supports Facilitator Learning Supports Coach Springfield Public Schools" in said
    )
    assert (
        "In this document, Learning Supports Coach names the position the toolkit calls Learning "
        "Supports Facilitator. The toolkit's Coach is another role." in said
    )
    headline = "Added to the functions of the mechanism “Learning Supports Steering Committee”"
    assert (
        f"{headline} reports each quarter to the Board's Student Success Committee "
        "Why: The Board asked for regular reports. Decided by Board of Education (Springfield "
        "Public Schools), in response to events. mechanisms/steering-body/functions" in said
    )
    assert (
        "Departs from an essential element It removes “Learning Supports Leadership Council”, "
        "which Lincoln State Department of Education asks every layer after it to keep. The "
        "change was reviewed and the finding accepted." in said
    )
    assert "Springfield Public Schools: add " not in said and "fidelity-inconsistent" not in said
    assert '<p class="address">mechanisms/steering-body/functions</p>' in printed.html
    assert "prototype 0.1.0 →" not in text
    metadata = PdfReader(printed.pdf).metadata
    assert metadata is not None and str(metadata.get("/Subject", "")).startswith(
        "prototype 0.1.0 → Lincoln State Department of Education → Springfield Public Schools"
    )


def test_the_toolkit_box_of_the_infrastructure_prints_the_list(
    district_handouts: dict[str, Printed],
) -> None:
    """'…there must be' and what there must be, as a list (the element's facets), not run on."""
    html = district_handouts["design-document"].html
    box = html[html.index('id="part-infrastructure"') :]
    box = " ".join(box[box.index('<aside class="toolkit">') : box.index("</aside>")].split())
    assert (
        "in keeping with the design and strategic plan, there must be</p> <ul> "
        "<li>an administrative leader (e.g., assoc. superintendent, assistant principal)</li> "
        "<li>a learning supports leadership team (e.g., a resource-oriented, system development "
        "team)</li> <li>work groups to carry out specific tasks.</li>" in box
    )


def test_the_first_page_shows_the_banner_once(district_handouts: dict[str, Printed]) -> None:
    banner = "Draft for review by the Board of Education · version 2026.1 · 25 November 2026"
    for name in ("design-document", "at-a-glance"):
        first_page = PdfReader(district_handouts[name].pdf).pages[0].extract_text()
        assert " ".join(first_page.split()).count(banner) == 1, name


def test_the_cover_counts_who_signed_it_off(district_handouts: dict[str, Printed]) -> None:
    """Tom Alvarez has not signed it off: the cover says two of three members have."""
    text = flat_pdf_text(district_handouts["design-document"].pdf)
    assert (
        "The Design Document Work Group drafted this design document. 2 of its 3 members have "
        "signed it off." in text
    )
    assert "Signed off by the members" not in text


def test_sentences_are_never_cut() -> None:
    text = "Dr. Ana Ruiz leads it, e.g. with a team. Then J. Smith joins. ¿Qué? Next… and so on."
    assert sentences(text) == [
        "Dr. Ana Ruiz leads it, e.g. with a team.",
        "Then J. Smith joins.",
        "¿Qué?",
        "Next… and so on.",
    ]
    assert (
        whole_sentences(text, 61) == "Dr. Ana Ruiz leads it, e.g. with a team. Then J. Smith joins."
    )
    assert whole_sentences(text, 10) == "Dr. Ana Ruiz leads it, e.g. with a team."


def test_a_part_at_a_glance_is_whole_sentences_and_keeps_its_list() -> None:
    sections = adapt(load_content(), read_chain(EXAMPLES / "district" / "agency.yml")).sections
    imperative = sections["design/imperative"]
    assert str(glance(imperative)).endswith("Too many students still fall through the gaps.")
    assert str(glance(imperative, 300)).endswith("grew up one grant and one crisis at a time.")
    policy = str(glance(sections["design/policy"]))
    assert policy.startswith("The State Board of Education recommends that every district:<ol>")
    assert policy.count("<li>") == 4 and policy.endswith("</ol>")
    assert "Districts adopt these recommendations" not in policy


def test_the_summary_at_a_glance_fits_two_pages_in_whole_sentences(
    district_handouts: dict[str, Printed], tmp_path: Path
) -> None:
    printed = district_handouts["at-a-glance"]
    text = flat_pdf_text(printed.pdf)
    assert len(PdfReader(printed.pdf).pages) == 2
    assert "…" not in text
    assert "no one is responsible for how they fit together. Too many students still fall" in text
    parts = printed.html[printed.html.index('<ol class="parts">') :]
    assert "recommends that every district:<ol>\n<li><strong>make learning supports" in parts

    state = adapt(load_content(), read_chain(EXAMPLES / "state" / "agency.yml"))
    renderer = HandoutRenderer(state, check_adapted(state), handout_environment())
    only = [h for h in plan_handouts(state) if h.name == "at-a-glance"]
    [done] = render_handouts(renderer, only, tmp_path / "out", cache_dir=tmp_path / "cache")
    assert len(PdfReader(written(done)).pages) == 2
    assert (
        "What is changing, and for whom Lincoln State Department of Education is developing a "
        "unified and comprehensive system of learning supports. It is for every district and "
        "school in the state: their students and families, their teachers, and the staff who "
        "support students." in flat_pdf_text(written(done))
    )


# -- the handouts say what the site's pages say ----------------------------------------------------


def test_the_phases_print_their_intro_and_what_phases_3_and_4_point_to(
    district_handouts: dict[str, Printed],
) -> None:
    """As the site's Phases page: the phases' intro with what it says of phases 3 and 4, and for
    each of them the line that the toolkit has no more, naming the outside document."""
    text = flat_pdf_text(district_handouts["design-document"].pdf)
    assert (
        "Pursuing Initial Implementation. Phases 3 and 4 of systemic change involve, "
        "respectively, Sustaining and Evolving to Enhance Outcomes and Generating Creative "
        "Renewal and Replication to Scale. Specific planning for phases 3 and 4 can be deferred until "
        "initial implementation is proceeding satisfactorily. However, awareness of and "
        "commitment to these matters is essential throughout in order to avoid working in ways "
        "that will be counterproductive to accomplishing these phases. "
        "5.1 Phase 1: Introduction and Creating Readiness" in text
    )
    no_more = (
        "The toolkit gives no further detail for this phase. For phases 3 and 4, the "
        "strategic-planning guide points to an outside document: Sustaining and Scale-up: It's "
        "About Systemic Change."
    )
    assert f"Evolving to Enhance Outcomes {no_more} 5.4 Phase 4: Generating" in text
    assert f"Creative Renewal and Replication to Scale {no_more}" in text


def test_a_step_prints_its_notes_of_the_agencys_level(
    district_handouts: dict[str, Printed],
) -> None:
    """Step III's pointer to the task list 'Start-up and Phase-in with Schools', which a district
    publishes, is among its notes; a school's design document, like its site, leaves it out."""
    text = flat_pdf_text(district_handouts["design-document"].pdf)
    assert (
        "from LEAs to schools. Notes See the task list ‘Start-up and Phase-in with Schools’ for a "
        "sense of the phase-in and start-up activity that the implementation plan needs to address "
        "at the LEA and school levels. 5.8 Step IV:" in text
    )
    school = adapt(load_content(), read_chain(EXAMPLES / "school" / "agency.yml"))
    renderer = HandoutRenderer(school, check_adapted(school), handout_environment())
    [design] = [h for h in plan_handouts(school) if h.name == "design-document"]
    html = renderer.html(design)
    assert "<h4>Notes</h4>" not in html and "for a sense of the phase-in" not in html


def test_the_mou_is_one_table_as_its_note_says(district_handouts: dict[str, Printed]) -> None:
    """The MOU's next steps, as on the site: one table, a row per step led by its short heading,
    with a column for the decision, who is responsible and the date."""
    tagged = read_tags(district_handouts["design-document"].pdf)
    [table] = [
        t for t in tagged.elements("/Table") if "Leadershipinstitute" in plain(tagged.text(t))
    ]
    rows = [plain(tagged.text(r)) for r in table.walk() if r.tag == "/TR"]
    assert rows == [
        plain(row)
        for row in (
            "Task DECISION RESPONSIBLE DATE",
            "Administrative leader position: Immediate need to designate a dedicated administrative "
            "leader position for the transformation and ongoing work",
            "Temporary mechanisms: Need to establish a temporary set of task-dedicated mechanisms "
            "for the transformation (e.g., steering group, planning team and related work groups, "
            "implementation team)",
            "Leadership institute: Set a date for a full day leadership institute for all who will "
            "be staffing the mechanisms",
            "Immediate action plan: Need to develop an immediate action plan for these next steps "
            "and for • establishing a critical mass of stakeholder support • preparing a Design "
            "Document • developing a Strategic Plan",
            "Who will do the action planning: Immediate need to identify who will do the action "
            "planning",
        )
    ]


@pytest.mark.parametrize("name", ["design-document", "mechanism-sheets"])
def test_the_work_groups_process_points_are_a_list(
    district_handouts: dict[str, Printed], name: str
) -> None:
    """'The general format for any meeting involves:' and its two points, as a list (as on the
    site's Work Groups page), not as two paragraphs."""
    tagged = read_tags(district_handouts[name].pdf)
    lists = [
        [plain(tagged.text(item)) for item in found.kids]
        for found in tagged.elements("/L")
        if plain("discussion of strengths") in plain(tagged.text(found))
    ]
    assert [
        plain("• discussion of strengths and weakness of draft sections and ideas for revision"),
        plain("• clarification of what will be accomplished before the next meeting"),
    ] in lists


def test_a_citation_does_not_repeat_its_sources_title(
    district_handouts: dict[str, Printed],
) -> None:
    """The job's source is the facilitator notes, whose first section has the notes' own title:
    it is named once, as the site's citation does."""
    text = flat_pdf_text(district_handouts["job-learning-supports-facilitator"].pdf)
    assert (
        "Source: Notes About the Learning Supports Facilitator Position, Introducing the New "
        "Position and Those Hired to Fill It; A Note About the Job Description for a Learning "
        "Support Facilitator; Some Cautions. Center for Mental Health in Schools at UCLA." in text
    )


def test_the_design_parts_speak_of_the_agencys_level(tmp_path: Path) -> None:
    """A state's unwritten part says why the state needs the system, not the district."""
    (tmp_path / "agency.yml").write_text(
        'agency: {name: Lincoln State Department of Education, level: state}\nversion: "2026.1"\n',
        encoding="utf-8",
    )
    state = adapt(load_content(), read_chain(tmp_path / "agency.yml"))
    renderer = HandoutRenderer(state, check_adapted(state), handout_environment())
    (document,) = [h for h in plan_handouts(state) if h.name == "design-document"]
    html = renderer.html(document)
    assert "why the state needs a unified and comprehensive system" in html
    assert "why the district needs" not in html.lower()
