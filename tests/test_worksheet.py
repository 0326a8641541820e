"""The action plan's worksheet and printed plan (lstoolkit/forms.py, action-plan.html.j2).

Landscape pages; only the sections of the agency's level; one row per task, never split across
pages; multi-line fields at least two inches wide, named section.task.column as a hierarchy of
fields, each with a tooltip and an appearance stream (no /NeedAppearances); the printed plan
with the agency's answers and no fields; an unknown task in ``plan:`` is a located LS301 error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from helpers_handouts import EXAMPLES, Printed, print_handouts
from helpers_pdf import flat_pdf_text, struct_elements

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.forms import field_name, finish_forms, plan_answers, plan_sections, task_address
from lstoolkit.handouts import (
    HandoutRenderer,
    handout_environment,
    plan_handouts,
    render_handouts,
    render_pdf,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.models import Template, Toolkit

LEVELS = ("state", "district", "school")
INCH = 72
#: The sections that are the state department's own to plan.
STATE_SECTIONS = {
    "Building the capacity of the department planning team",
    "Plan for changes within the DEPARTMENT and with REGIONAL UNITS",
}
MULTILINE = 1 << 12  # /Ff bit 13


@pytest.fixture(scope="module")
def adapted(district: Adapted) -> dict[str, Adapted]:
    return {
        level: district
        if level == "district"
        else adapt(load_content(), read_chain(EXAMPLES / level / "agency.yml"))
        for level in LEVELS
    }


@pytest.fixture(scope="module")
def rendered(
    adapted: dict[str, Adapted],
    district_handouts: dict[str, Printed],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Printed]:
    """Each level's worksheet, the district's printed plan and the district's worksheet on A4:
    name -> (HTML, PDF). The district's on letter paper are those rendered for the session."""
    out = tmp_path_factory.mktemp("worksheet")
    done = {
        f"district:{name}": district_handouts[name]
        for name in ("action-plan-worksheet", "action-plan")
    }
    for level, paper in (("state", "letter"), ("school", "letter"), ("district", "a4")):
        worksheet = [h for h in plan_handouts(adapted[level]) if h.name == "action-plan-worksheet"]
        printed = print_handouts(
            adapted[level], worksheet, out / f"{level}-{paper}", paper=paper, jobs=1
        )
        key = level if paper == "letter" else f"{level}-{paper}"
        done |= {f"{key}:{name}": files for name, files in printed.items()}
    return done


def _pages_of(node: pikepdf.Object, page: pikepdf.Object | None = None) -> set[tuple[int, int]]:
    """The pages the content of a structure element is on (marked content and annotations)."""
    page = node.get("/Pg", page)
    found: set[tuple[int, int]] = set()
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
        if isinstance(kid, int):
            assert page is not None
            found.add(page.objgen)
        elif kid.get("/Type") in ("/MCR", "/OBJR"):
            on = kid.get("/Pg", page)
            assert on is not None
            found.add(on.objgen)
        else:
            found |= _pages_of(kid, page)
    return found


def _widgets(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            assert isinstance(annotation, pikepdf.Dictionary)
            if annotation.get("/Subtype") == "/Widget":
                found.append(annotation)
    return found


def _plan(toolkit: Toolkit) -> Template:
    """The action plan's template."""
    plan = toolkit["templates"].get("action-plan")
    assert isinstance(plan, Template)
    return plan


# -- pages and sections ----------------------------------------------------------------------


def test_the_worksheet_and_the_plan_are_landscape(rendered: dict[str, Printed]) -> None:
    for key, (_, path) in rendered.items():
        with pikepdf.open(path) as pdf:
            boxes = [[float(v) for v in page.mediabox] for page in pdf.pages]
            assert all(int(page.obj.get("/Rotate", 0)) == 0 for page in pdf.pages), key
        assert all(box[2] - box[0] > box[3] - box[1] for box in boxes), key
    with pikepdf.open(rendered["district-a4:action-plan-worksheet"][1]) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [
            0,
            0,
            842,
            595,
        ]  # A4, on its side
    with pikepdf.open(rendered["district:action-plan-worksheet"][1]) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 792, 612]  # US Letter


def test_other_handouts_stay_portrait(adapted: dict[str, Adapted], tmp_path: Path) -> None:
    district = adapted["district"]
    renderer = HandoutRenderer(district, check_adapted(district), handout_environment())
    [other] = [h for h in plan_handouts(district) if h.name == "fidelity-report"]
    [result] = render_handouts(renderer, [other], tmp_path / "pdf", cache_dir=tmp_path / "cache")
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert all(float(p.mediabox[2]) < float(p.mediabox[3]) for p in pdf.pages)


@pytest.mark.parametrize("level", LEVELS)
def test_only_the_sections_of_the_agencys_level(
    level: str, rendered: dict[str, Printed], adapted: dict[str, Adapted]
) -> None:
    html, path = rendered[f"{level}:action-plan-worksheet"]
    toolkit = adapted[level].toolkit
    expected = [s.title for s in plan_sections(toolkit, level)]
    text = flat_pdf_text(path)
    shown = [s.title for s in _plan(toolkit).sections if f"<h2>{s.title}</h2>" in html]
    assert shown == expected
    with pikepdf.open(path) as pdf:
        assert len(struct_elements(pdf.Root.StructTreeRoot, "/Table")) == len(expected)
    if level == "state":
        assert STATE_SECTIONS <= set(shown)
        assert "Left out" not in text
    else:
        assert not STATE_SECTIONS & set(shown), (
            "a district or school plans no state department section"
        )
        assert "Left out of a " + level in text
        assert "Plan for Start-up and Phase-in with SCHOOLS" in shown
    assert ("Plan for Start-up and Phase-in with DISTRICTS" in shown) == (level != "school")
    # the footnotes of the state's tasks go with them
    assert ("*Plan as part of scheduled department professional development" in text) == (
        level == "state"
    )


# -- rows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "state:action-plan-worksheet",
        "district:action-plan-worksheet",
        "district-a4:action-plan-worksheet",
        "district:action-plan",
    ],
)
def test_each_task_is_one_row_on_one_page(
    name: str, rendered: dict[str, Printed], adapted: dict[str, Adapted]
) -> None:
    level = name.split(":")[0].split("-")[0]
    sections = plan_sections(adapted[level].toolkit, level)
    with pikepdf.open(rendered[name][1]) as pdf:
        tables = struct_elements(pdf.Root.StructTreeRoot, "/Table")
        assert len(tables) == len(sections)
        spread = 0
        for table, section in zip(tables, sections, strict=True):
            [body] = [k for k in table.K if k.get("/S") == "/TBody"]
            rows = [k for k in body.K if k.get("/S") == "/TR"]
            assert len(rows) == len(section.children), section.id
            for row, task in zip(rows, section.children, strict=True):
                assert len(_pages_of(row)) == 1, f"the task {task.id} is split across pages"
            spread += len({page for row in rows for page in _pages_of(row)}) > 1
        assert spread, "no table crosses a page: the test would not see a split row"


# -- fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_fields_are_named_section_task_column(
    level: str, rendered: dict[str, Printed], adapted: dict[str, Adapted]
) -> None:
    plan = _plan(adapted[level].toolkit)
    expected = [
        field_name(s.id, t.id, f)
        for s in plan_sections(adapted[level].toolkit, level)
        for t in s.children
        for f in plan.fields
    ]
    with pikepdf.open(rendered[f"{level}:action-plan-worksheet"][1]) as pdf:
        names = [f.fully_qualified_name for f in pdf.acroform.fields]
        assert names == expected
        assert len(set(names)) == len(names)
        widgets = _widgets(pdf)
        assert len(widgets) == len(expected)
        for widget in widgets:
            assert "." not in str(widget.T), "a partial name with a period"
            column = str(widget.T)
            tooltip = str(widget.get("/TU", ""))
            assert tooltip.startswith(f"{column.upper()} for the task “"), tooltip
        roots = [str(f.T) for f in pdf.Root.AcroForm.Fields]
        assert roots == [s.id for s in plan_sections(adapted[level].toolkit, level)]


def test_a_tooltip_names_the_task_and_its_section(rendered: dict[str, Printed]) -> None:
    with pikepdf.open(rendered["district:action-plan-worksheet"][1]) as pdf:
        [field] = [
            f
            for f in pdf.acroform.fields
            if f.fully_qualified_name == "start-up-with-schools.school-introductory-tasks.when"
        ]
        assert str(field.obj.TU) == (
            "WHEN for the task “The District's Implementation Team will need to have a plan of action for "
            "carrying out the following introductory tasks”, in Plan for Start-up and Phase-in with SCHOOLS"
        )


@pytest.mark.parametrize("level", LEVELS)
def test_every_field_has_an_appearance_and_none_needs_one(
    level: str, rendered: dict[str, Printed]
) -> None:
    with pikepdf.open(rendered[f"{level}:action-plan-worksheet"][1]) as pdf:
        acroform = pdf.Root.AcroForm
        assert not bool(acroform.get("/NeedAppearances", False))
        for widget in _widgets(pdf):
            appearance = widget.AP.N
            assert isinstance(appearance, pikepdf.Stream)
            assert appearance.read_bytes().startswith(b"/Tx BMC")
            # every resource the appearance names is in its own resources
            for state in pikepdf.parse_content_stream(appearance):
                if str(state.operator) == "gs":
                    assert state.operands[0] in appearance.Resources.ExtGState
                if str(state.operator) == "Tf":
                    assert state.operands[0] in appearance.Resources.Font


@pytest.mark.parametrize("level", LEVELS)
def test_fields_are_multiline_and_two_inches_wide(level: str, rendered: dict[str, Printed]) -> None:
    with pikepdf.open(rendered[f"{level}:action-plan-worksheet"][1]) as pdf:
        for widget in _widgets(pdf):
            assert widget.FT == "/Tx"
            assert int(widget.get("/Ff", 0)) & MULTILINE, f"{widget.T} is a single-line field"
            left, bottom, right, top = (float(v) for v in widget.Rect)
            assert right - left >= 2 * INCH, f"{widget.T} is {(right - left) / INCH:.2f} in wide"
            assert top - bottom >= 0.75 * INCH, f"{widget.T} is {(top - bottom) / INCH:.2f} in high"


def test_the_worksheet_is_tagged_pdf_ua(rendered: dict[str, Printed]) -> None:
    for key in ("district:action-plan-worksheet", "district:action-plan"):
        with pikepdf.open(rendered[key][1]) as pdf:
            marked: object = (
                pdf.Root.MarkInfo.Marked
            )  # a bool, which pikepdf's stubs type as Object
            assert marked is True
            assert b"pdfuaid" in pdf.Root.Metadata.read_bytes()
            assert str(pdf.Root.Lang) == "en"
            forms = struct_elements(pdf.Root.StructTreeRoot, "/Form")
            # each field is one Form element pointing at its widget
            assert len(forms) == len(_widgets(pdf))
            for form in forms:
                [kid] = form.K if isinstance(form.K, pikepdf.Array) else [form.K]
                assert kid.Type == "/OBJR" and kid.Obj.Subtype == "/Widget"


# -- the printed plan ------------------------------------------------------------------------


def test_the_printed_plan_prints_the_answers_and_has_no_fields(
    rendered: dict[str, Printed], adapted: dict[str, Adapted]
) -> None:
    path = rendered["district:action-plan"][1]
    text = flat_pdf_text(path)
    answers = plan_answers(adapted["district"])
    assert len(answers) == 3
    for answer in answers.values():
        for value in (answer.who, answer.how, answer.when):
            for paragraph in str(value).split("\n\n"):
                assert " ".join(paragraph.split()) in text
    assert "The plan of Springfield Public Schools" in text
    assert "Not planned yet" in text
    with pikepdf.open(path) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert _widgets(pdf) == []
    assert "<textarea" not in rendered["district:action-plan"][0]


def test_plan_handouts_lists_the_printed_plan_only_with_answers(
    adapted: dict[str, Adapted],
) -> None:
    names = {level: [h.name for h in plan_handouts(adapted[level])] for level in LEVELS}
    assert "action-plan" in names["district"] and "action-plan-worksheet" in names["district"]
    assert "action-plan" not in names["state"] and "action-plan-worksheet" in names["state"]
    [printed] = [h for h in plan_handouts(adapted["district"]) if h.name == "action-plan"]
    assert printed.template == "action-plan.html.j2"
    assert printed.context["answers"] == plan_answers(adapted["district"])


def test_two_renders_are_byte_identical(rendered: dict[str, Printed]) -> None:
    for key in ("district:action-plan-worksheet", "district:action-plan"):
        html, path = rendered[key]
        _, again, refused = render_pdf(html, key)
        assert not refused
        assert again == path.read_bytes(), key
    data = rendered["district:action-plan-worksheet"][1].read_bytes()
    assert finish_forms(data) == data  # the fields are finished once and for all
    plain = rendered["district:action-plan"][1].read_bytes()
    assert finish_forms(plain) is plain  # no fields: not even saved again


# -- the agency's answers --------------------------------------------------------------------


def _agency(tmp_path: Path, plan: str, level: str = "district") -> Adapted:
    path = tmp_path / "agency.yml"
    path.write_text(
        f'extends: prototype\nagency: {{name: Test District, level: {level}}}\nversion: "1"\nplan:\n{plan}',
        encoding="utf-8",
    )
    return adapt(load_content(), read_chain(path))


def test_answers_are_keyed_by_task_address_or_id(tmp_path: Path) -> None:
    adapted = _agency(
        tmp_path,
        (
            "  school-introductory-tasks: {who: Principals, when: 2027}\n"
            "  templates/action-plan/sections/start-up-with-districts/district-steering-team-guide: {how: A guide}\n"
        ),
    )
    answers = plan_answers(adapted)
    assert list(answers) == [  # in the plan's order
        task_address("start-up-with-districts", "district-steering-team-guide"),
        task_address("start-up-with-schools", "school-introductory-tasks"),
    ]
    assert answers[task_address("start-up-with-schools", "school-introductory-tasks")].when == 2027


def test_an_unknown_task_is_a_located_error(tmp_path: Path) -> None:
    plan = (
        "  district-implementaton-team: {who: A}\n"
        "  school-guidance: {who: B}\n"
        "  submit-recommendations: {who: C}\n"
        "  templates/action-plan/sections/start-up-with-school/school-introductory-tasks: {who: D}\n"
        "  school-introductory-tasks: {who: E}\n"
        "  templates/action-plan/sections/start-up-with-schools/school-introductory-tasks: {who: F}\n"
    )
    with pytest.raises(LstoolkitError) as caught:
        _agency(tmp_path, plan)  # adapting checks the plan, so 'lstoolkit check' reports it too
    problems = caught.value.problems
    assert [p.code for p in problems] == ["LS301"] * 5
    lines = [p.location.line for p in problems if p.location]
    assert lines == [5, 6, 7, 8, 10], "each problem at its key's line"
    assert all(
        p.location and p.location.path.endswith("agency.yml") and p.location.column == 3
        for p in problems
    )
    typo, part, elsewhere, address, twice = problems
    assert typo.hint == "Did you mean 'district-implementation-team'?"
    assert (
        "is part of the task 'templates/action-plan/sections/start-up-with-schools/district-implementation-team'"
        in part.message
    )
    assert (
        "not in a district's plan" in elsewhere.message
        and "start-up-with-districts" in elsewhere.hint
    )
    assert (
        address.hint
        == "Did you mean 'templates/action-plan/sections/start-up-with-schools/school-introductory-tasks'?"
    )
    assert "given twice" in twice.message


def test_a_state_plans_the_department_and_a_school_only_its_schools(tmp_path: Path) -> None:
    assert plan_answers(
        _agency(tmp_path, "  submit-recommendations: {who: Deputy}\n", level="state")
    )
    with pytest.raises(LstoolkitError, match="not in a school's plan"):
        plan_answers(
            _agency(tmp_path, "  district-steering-team-guide: {who: X}\n", level="school")
        )


def test_a_removed_task_says_so(tmp_path: Path) -> None:
    path = tmp_path / "agency.yml"
    path.write_text(
        'extends: prototype\nagency: {name: Test District, level: district}\nversion: "1"\n'
        "changes:\n  - remove: templates/action-plan/sections/start-up-with-schools/school-implementation-guide\n"
        "    why: Not this year.\n"
        "plan:\n  templates/action-plan/sections/start-up-with-schools/school-implementation-guide: {who: X}\n",
        encoding="utf-8",
    )
    with pytest.raises(LstoolkitError, match="was removed from the action plan"):
        plan_answers(adapt(load_content(), read_chain(path)))


def test_an_answer_has_who_how_and_when_only(tmp_path: Path) -> None:
    with pytest.raises(LstoolkitError) as caught:
        _agency(tmp_path, "  school-introductory-tasks: {whom: Principals}\n")
    [problem] = caught.value.problems
    assert problem.code == "LS302" and problem.location is not None and problem.location.line == 5


def test_answers_are_not_inherited(adapted: dict[str, Adapted]) -> None:
    assert adapted["district"].top is not None and adapted["district"].top.file.plan
    assert plan_answers(adapted["school"]) == {}  # the school extends the district
