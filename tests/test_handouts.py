"""PDF handouts: personalised text, tagged structure, forms, determinism and the cache."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.forms import plan_sections
from lstoolkit.handouts import (
    HandoutRenderer,
    RenderedHandout,
    handout_environment,
    plan_handouts,
    render_handouts,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.models import Template

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def district() -> Adapted:
    return adapt(load_content(), read_chain(EXAMPLES / "district" / "agency.yml"))


@pytest.fixture(scope="module")
def rendered(district: Adapted, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("handouts")
    renderer = HandoutRenderer(district, check_adapted(district), handout_environment())
    done = render_handouts(renderer, plan_handouts(district), out / "pdf", cache_dir=out / "cache")
    return {r.handout.name: written(r) for r in done}


def written(rendered: RenderedHandout) -> Path:
    """Where ``rendered`` was written (render_handouts writes each handout it is given a folder for)."""
    assert rendered.path is not None, rendered.handout.name
    return rendered.path


def text_of(path: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def test_every_handout_is_there(rendered: dict[str, Path]) -> None:
    assert sorted(rendered) == sorted(DISTRICT_HANDOUTS)


def test_introductory_session_is_personalised(rendered: dict[str, Path]) -> None:
    text = " ".join(text_of(rendered["introductory-session-district-kickoff"]).split())
    assert "Springfield Public Schools" in text
    assert "Dr. Ana Ruiz" in text and "Marcus Lee" in text
    assert "(twelve positions)" in text
    assert "The district is determined to move away" in text
    assert "DRAFT" in text


def test_job_description_has_adapted_duties_and_cautions(rendered: dict[str, Path]) -> None:
    text = " ".join(text_of(rendered["job-learning-supports-facilitator"]).split())
    assert text.count("Learning Supports Coach") >= 2
    assert "serves two elementary schools" in text
    assert (
        "co-opt" not in text.lower()
    )  # the posting is for applicants; cautions are for the supervisor
    supervising = " ".join(
        text_of(rendered["job-learning-supports-facilitator-supervising"]).split()
    )
    assert "Co-opting" in supervising or "co-opt" in supervising


def test_removed_mechanism_has_no_sheet(rendered: dict[str, Path]) -> None:
    text = " ".join(text_of(rendered["mechanism-sheets"]).split())
    assert "External Collaborators" not in text
    assert "Learning Supports Steering Committee" in text
    pages = len(PdfReader(rendered["mechanism-sheets"]).pages)
    assert pages >= 9


def test_fidelity_report_lists_changes_and_findings(rendered: dict[str, Path]) -> None:
    text = " ".join(text_of(rendered["fidelity-report"]).split())
    assert "LS102" in text and "accepted" in text
    assert "No university partner in year one" in text


#: The example district's handouts: two session sheets, as its agency.yml lists two sessions,
#: and the printed action plan, as it gives plan answers.
DISTRICT_HANDOUTS = [
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
HANDOUTS = [h for h in DISTRICT_HANDOUTS if h != "at-a-glance"]


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
        figures = [
            node for node in _struct_elements(root.StructTreeRoot) if node.get("/S") == "/Figure"
        ]
        assert figures, "the agency logo, at least, is a figure"
        assert all(str(f.get("/Alt", "")) for f in figures)


def test_the_diagram_is_a_described_figure(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["design-document"]) as pdf:
        alts = [
            str(n.get("/Alt", ""))
            for n in _struct_elements(pdf.Root.StructTreeRoot)
            if n.get("/S") == "/Figure"
        ]
        assert "The system change mechanisms, described in the paragraph after the figure." in alts
    text = " ".join(text_of(rendered["design-document"]).split())
    # The description is printed once, under the figure, for every reader; the caption is short.
    assert text.count("Solid arrows show the line of the work.") == 1
    assert (
        "Figure 1. The system change mechanisms, after the prototype of the strategic-planning guide."
        in text
    )


def _struct_elements(node: object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            found.append(kid)
            found += _struct_elements(kid)
    return found


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
    text = " ".join(text_of(written(done)).split())
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
    text = " ".join(text_of(written(done)).split())
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and "</style><style>" in text
    page = PdfReader(io.BytesIO(written(done).read_bytes())).pages[0]
    assert round(float(page.mediabox.width)) == 612


def test_a_school_without_a_logo_prints_its_districts(tmp_path: Path) -> None:
    school = adapt(load_content(), read_chain(EXAMPLES / "school" / "agency.yml"))
    renderer = HandoutRenderer(school, check_adapted(school), handout_environment())
    only = [h for h in plan_handouts(school) if h.name == "fidelity-report"]
    [done] = render_handouts(renderer, only, tmp_path / "out", cache_dir=tmp_path / "cache")
    with pikepdf.open(written(done)) as pdf:
        alts = [
            str(n.get("/Alt", ""))
            for n in _struct_elements(pdf.Root.StructTreeRoot)
            if n.get("/S") == "/Figure"
        ]
    assert "Logo of Lincoln Elementary School" in alts
