"""Introductory sessions: one attendee sheet per session of agency.yml (one page, in the agency's
voice, with the date, time, place, agenda, presenters with their roles and the new position by its
adapted title), a facilitator's briefing with the Center's guidance, a located finding (LS208) and a
visible gap for each missing detail, and a located error for a date or time that is not one."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from helpers_handouts import Printed, print_handouts
from helpers_pdf import flat_pdf_text, pdf_text, struct_elements
from pypdf import PdfReader

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.handouts import HandoutRenderer, handout_environment, plan_handouts
from lstoolkit.layers import read_chain
from lstoolkit.leaks import leaks_in_text
from lstoolkit.load import load_content
from lstoolkit.sessions import session_sheets

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
KICKOFF, WASHINGTON = (
    "introductory-session-district-kickoff",
    "introductory-session-washington-elementary",
)
#: What the attendee sheet leaves to the briefing: instructions to the leader, not the agency's voice.
GUIDANCE = (
    "it is important to have district leadership",
    "Points that need to be emphasized",
    "Our experiences indicate that from the onset",
    "Examples of next steps",
    "Newcomer assimilation",
    "Addressing Lessons Learned: Introductory presentation",
)
AGENCY = "agency: {name: Springfield, level: district, contact: office@springfield.example.org}\nversion: '1'\n"


def without_citation(text: str) -> str:
    """The sheet's text without its source line (citations keep the source's own title)."""
    return re.sub(r"Source: .*?UCLA\.", " ", text)


def render(adapted: Adapted, names: list[str], where: Path) -> dict[str, Path]:
    wanted = [h for h in plan_handouts(adapted) if h.name in names]
    assert sorted(h.name for h in wanted) == sorted(names)
    return {name: printed.pdf for name, printed in print_handouts(adapted, wanted, where).items()}


def html_of(adapted: Adapted, name: str) -> str:
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    [handout] = [h for h in plan_handouts(adapted) if h.name == name]
    return renderer.html(handout)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


@pytest.fixture(scope="module")
def school() -> Adapted:
    return adapt(load_content(), read_chain(EXAMPLES / "school" / "agency.yml"))


@pytest.fixture(scope="module")
def pdfs(
    district_handouts: dict[str, Printed], school: Adapted, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The example district's sheets and briefing (rendered once for the session), and the
    school's as ``school/<name>``."""
    rendered = {
        name: district_handouts[name].pdf for name in (KICKOFF, WASHINGTON, "facilitator-briefing")
    }
    where = tmp_path_factory.mktemp("sessions")
    school_pdfs = render(school, ["introductory-session", "facilitator-briefing"], where / "school")
    return {**rendered, **{f"school/{name}": path for name, path in school_pdfs.items()}}


# -- the handouts ---------------------------------------------------------------------------------


def test_one_sheet_per_session_then_the_briefing(district: Adapted) -> None:
    names = [h.name for h in plan_handouts(district)]
    assert names[:3] == [KICKOFF, WASHINGTON, "facilitator-briefing"]
    assert (
        "introductory-session" not in names
    )  # the district gives its sessions: no sheet with gaps
    titles = {h.name: h.title for h in plan_handouts(district)}
    assert titles[KICKOFF] == (
        "Introductory session: principals and student and learning supports staff of the elementary schools, 12 January 2027"
    )


@pytest.mark.parametrize("name", [KICKOFF, WASHINGTON])
def test_each_attendee_sheet_is_one_page(pdfs: dict[str, Path], name: str) -> None:
    assert len(PdfReader(pdfs[name]).pages) == 1


def test_the_attendee_sheet_gives_the_sessions_details(pdfs: dict[str, Path]) -> None:
    text = flat_pdf_text(pdfs[KICKOFF])
    assert (
        "Springfield Public Schools invites principals and student and learning supports staff"
        in text
    )
    assert (
        "the Learning Supports Coach (twelve positions)" in text
    )  # the adapted title and the number
    assert "Learning Supports Facilitator" not in without_citation(text)
    assert "Tuesday, 12 January 2027, 3:30 to 5:00 pm" in text
    assert "Springfield High School auditorium, 400 Main Street" in text
    assert (
        "Dr. Ana Ruiz, Superintendent" in text
        and "Marcus Lee, Director of Student Supports" in text
    )
    assert "learningsupports@sps.example.org" in text  # the agency's contact, by default
    # The toolkit's agenda, and the seven points in the agency's words, with its next steps.
    assert (
        "Agenda" in text
        and "The new position: the Learning Supports Coach, and those hired to fill it" in text
    )
    assert "The district is determined to move away" in text
    assert "Next steps the district will be taking in moving forward." in text
    assert "August 2027: Twelve Learning Supports Coaches start" in text
    assert "DRAFT" in text


def test_a_sessions_own_title_agenda_and_contact(pdfs: dict[str, Path]) -> None:
    text = flat_pdf_text(pdfs[WASHINGTON])
    assert "Meet the Learning Supports Coach of Washington Elementary School" in text
    assert "Tuesday, 17 August 2027, 2:00 to 3:00 pm" in text
    assert "Keisha Brown, Principal, Washington Elementary School" in text
    assert (
        "Meet your Learning Supports Coach" in text
        and "What changes at Washington this year" in text
    )
    assert "Welcome and introductions" not in text  # its agenda replaces the toolkit's
    assert "kbrown@sps.example.org" in text and "learningsupports@sps.example.org" not in text


def test_the_sheet_speaks_for_the_agency_and_the_briefing_guides_the_leader(
    pdfs: dict[str, Path],
) -> None:
    sheet, briefing = flat_pdf_text(pdfs[KICKOFF]), flat_pdf_text(pdfs["facilitator-briefing"])
    for guidance in GUIDANCE:
        assert guidance not in sheet, guidance
        assert guidance in briefing, guidance
    # The briefing lists every session, and says how many positions and by what title.
    assert "Tuesday, 12 January 2027" in briefing and "Tuesday, 17 August 2027" in briefing
    assert "Keisha Brown (Principal, Washington Elementary School)" in briefing
    assert "Learning Supports Coach (twelve positions)" in briefing


def test_the_school_version_says_principal_not_superintendent(pdfs: dict[str, Path]) -> None:
    sheet = flat_pdf_text(pdfs["school/introductory-session"])
    assert "superintendent" not in sheet.lower()
    assert "The school is determined to move away" in sheet
    assert (
        "Lincoln Elementary School invites you to an introductory session. The school's leadership"
        in sheet
    )
    briefing = flat_pdf_text(pdfs["school/facilitator-briefing"])
    assert "superintendent" not in briefing.lower()
    assert (
        "school leadership (e.g., the principal and the director of student supports)" in briefing
    )


@pytest.mark.parametrize("name", [KICKOFF, "facilitator-briefing", "school/introductory-session"])
def test_tagged_pdf_ua(pdfs: dict[str, Path], name: str) -> None:
    with pikepdf.open(pdfs[name]) as pdf:
        root = pdf.Root
        marked: object = root.MarkInfo.Marked  # a bool, which pikepdf's stubs type as Object
        assert marked is True and str(root.Lang) == "en"
        assert b"pdfuaid" in bytes(root.Metadata.read_bytes())
        assert str(pdf.docinfo.Title).startswith("Introductory session")
        tags = [str(element.S) for element in struct_elements(root.StructTreeRoot)]
    assert "/H1" in tags and "/L" in tags and "/P" in tags
    if name == "facilitator-briefing":
        assert "/TH" in tags  # the sessions' table
    headings = [t for t in tags if re.fullmatch(r"/H[1-6]", t)]
    assert headings[0] == "/H1" and all(
        int(b[2]) - int(a[2]) <= 1 for a, b in itertools.pairwise(headings)
    )


# -- missing details: a finding at the line, and a gap on the sheet --------------------------------


def test_a_missing_detail_is_a_located_finding_and_a_visible_gap(tmp_path: Path) -> None:
    text = AGENCY + (
        "sessions:\n"
        "  - id: lincoln\n"
        "    date: 2027-01-12\n"
        "    start: 15:30\n"
        "    end: 17:00\n"
        "    presenters:\n"
        "      - {name: Dr. Ana Ruiz, role: Superintendent}\n"
        "      - {name: Marcus Lee}\n"
    )
    adapted = adapt(load_content(), read_chain(write(tmp_path / "agency.yml", text), root=tmp_path))
    found = [
        (f.location.line, f.message)
        for f in check_adapted(adapted)
        if f.code == "LS208" and f.location
    ]
    assert found == [
        (
            line_of(text, "- id: lincoln"),
            "session 'lincoln' has no place: its attendee sheet shows a gap",
        ),
        (
            line_of(text, "{name: Marcus Lee}"),
            "presenter 'Marcus Lee' of session 'lincoln' has no role: the sheet shows a gap",
        ),
    ]
    html = html_of(adapted, "introductory-session-lincoln")
    assert '<span class="ls-gap">place to be decided</span>' in html
    assert 'Marcus Lee, <span class="ls-gap">role to be given</span>' in html
    assert "Dr. Ana Ruiz, Superintendent" in html


def test_without_sessions_one_sheet_with_gaps_and_one_finding(tmp_path: Path) -> None:
    adapted = adapt(
        load_content(), read_chain(write(tmp_path / "agency.yml", AGENCY), root=tmp_path)
    )
    assert [h.name for h in plan_handouts(adapted)][:2] == [
        "introductory-session",
        "facilitator-briefing",
    ]
    [finding] = [f for f in check_adapted(adapted) if f.code == "LS208"]
    assert (
        finding.location is not None and finding.location.line == 1
    )  # the top of the file: no 'sessions:' to point at
    assert "no introductory sessions" in finding.message and finding.severity == "info"
    html = html_of(adapted, "introductory-session")
    for label in (
        "date and time to be decided",
        "place to be decided",
        "presenters, with their roles, to be named",
    ):
        assert f'<span class="ls-gap">{label}</span>' in html, label
    assert "office@springfield.example.org" in html
    # As read from the PDFs, the gaps leave no stray punctuation ("to be decided ,").
    pdfs = render(adapted, ["introductory-session", "facilitator-briefing"], tmp_path)
    for name, path in pdfs.items():
        text = pdf_text(path)
        assert [
            leak.rule
            for leak in leaks_in_text(re.sub(r"Source: .*?UCLA\.", " ", text, flags=re.DOTALL))
        ] == [], name
    assert len(PdfReader(pdfs["introductory-session"]).pages) == 1


def test_a_date_without_times_and_times_without_a_date(tmp_path: Path) -> None:
    text = AGENCY + "sessions:\n  - {id: a, date: 2027-01-12}\n  - {id: b, start: 15:30}\n"
    adapted = adapt(load_content(), read_chain(write(tmp_path / "agency.yml", text), root=tmp_path))
    a, b = session_sheets(adapted)
    assert a.when == "Tuesday, 12 January 2027, \ue000time to be decided\ue001"
    assert (
        b.when == "\ue000date to be decided\ue001 (3:30 pm to \ue000end time to be decided\ue001)"
    )
    missing = [f.message for f in check_adapted(adapted) if f.code == "LS208"]
    assert "session 'a' has no start time: its attendee sheet shows a gap" in missing
    assert "session 'b' has no date: its attendee sheet shows a gap" in missing
    assert "session 'b' has no start time: its attendee sheet shows a gap" not in missing


def test_a_layers_sessions_replace_its_parents(school: Adapted, district: Adapted) -> None:
    assert [s.name for s in session_sheets(district)] == [KICKOFF, WASHINGTON]
    # The school extends the district but gives no sessions: the district's are not the school's.
    assert [s.name for s in session_sheets(school)] == ["introductory-session"]
    assert [f.code for f in check_adapted(school) if f.code == "LS208"] == ["LS208"]
    assert not [f for f in check_adapted(district) if f.code == "LS208"]


def test_no_sheet_when_the_introductory_session_is_removed(tmp_path: Path) -> None:
    text = AGENCY + "changes:\n  - remove: templates/introductory-session\n    why: Not used.\n"
    adapted = adapt(load_content(), read_chain(write(tmp_path / "agency.yml", text), root=tmp_path))
    names = [h.name for h in plan_handouts(adapted)]
    assert not [
        n for n in names if n.startswith("introductory-session") or n == "facilitator-briefing"
    ]
    assert not [f for f in check_adapted(adapted) if f.code == "LS208"]


# -- dates and times as a hurried person types them ------------------------------------------------


def test_times_are_read_as_typed(tmp_path: Path) -> None:
    """YAML reads an unquoted 15:30 as the number 930; the sheet shows what was typed."""
    text = (
        AGENCY
        + "sessions:\n  - {id: a, date: 2027-01-12, start: 9:05, end: 12:00, place: Library}\n"
    )
    [layer] = read_chain(write(tmp_path / "agency.yml", text), root=tmp_path)
    assert (layer.file.sessions[0].start, layer.file.sessions[0].end) == ("9:05", "12:00")
    [sheet] = session_sheets(adapt(load_content(), (layer,)))
    assert (sheet.date, sheet.time) == ("Tuesday, 12 January 2027", "9:05 am to 12:00 pm")


BAD = {
    "date: next Tuesday": (
        "the date of session 'a', 'next Tuesday', is not a date Write the day as YYYY-MM-DD, e.g. 2027-01-12."
    ),
    "date: 12/01/2027": "the date of session 'a', '12/01/2027', is not a date",
    "date: 2027-13-01": "'2027-13-01' is not a real date (month must be in 1..12); write YYYY-MM-DD",  # YAML's own (LS300)
    "start: 3pm": "the start time of session 'a', '3pm', is not a time Write it as HH:MM on the 24-hour clock, e.g. start: 15:00.",
    "start: 3:30 p.m.": "e.g. start: 15:30.",
    "end: 1700": "the end time of session 'a', '1700', is not a time Write it as HH:MM on the 24-hour clock, e.g. end: 17:00.",
    "start: 15.30": "the start time of session 'a', '15.30', is not a time",
    "end: 25:00": "the end time of session 'a', '25:00', is not a time",
    "start: 15:30\n    end: 15:00": "session 'a' ends at 15:00, not after it starts at 15:30",
}


@pytest.mark.parametrize("line", list(BAD))
def test_a_date_or_time_that_is_not_one_is_a_located_error(tmp_path: Path, line: str) -> None:
    text = AGENCY + "sessions:\n  - id: a\n    place: Library\n    " + line + "\n"
    path = write(tmp_path / "agency.yml", text)
    with pytest.raises(LstoolkitError) as raised:
        read_chain(path, root=tmp_path)
    [problem] = raised.value.problems
    shown = f"{problem.message} {problem.hint}"
    assert BAD[line] in shown
    assert problem.code == ("LS300" if "real date" in BAD[line] else "LS302")
    assert problem.location is not None and problem.location.line == line_of(
        text, line.split("\n")[-1]
    )


def test_the_cli_prints_one_line_with_the_file_line_and_fix(tmp_path: Path) -> None:
    write(
        tmp_path / "agency.yml",
        AGENCY + "sessions:\n  - id: a\n    date: next Tuesday\n    start: 3pm\n",
    )
    result = subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "check", "agency.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "agency.yml:5:11: LS302 the date of session 'a', 'next Tuesday', is not a date. Write the day as YYYY-MM-DD, e.g. 2027-01-12.",
        "agency.yml:6:12: LS302 the start time of session 'a', '3pm', is not a time. Write it as HH:MM on the 24-hour clock, e.g. start: 15:00.",
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_two_sessions_with_one_id_are_refused(tmp_path: Path) -> None:
    text = AGENCY + "sessions:\n  - {id: a, place: Library}\n  - {id: a, place: Gym}\n"
    with pytest.raises(LstoolkitError) as raised:
        read_chain(write(tmp_path / "agency.yml", text), root=tmp_path)
    [problem] = raised.value.problems
    assert (problem.code, problem.location.line if problem.location else 0) == ("LS304", 5)
    assert "two sessions have the id 'a'" in problem.message


def test_a_session_text_is_one_line(tmp_path: Path) -> None:
    text = AGENCY + "sessions:\n  - id: a\n    place: |\n      Library\n      Room 2\n"
    with pytest.raises(LstoolkitError) as raised:
        read_chain(write(tmp_path / "agency.yml", text), root=tmp_path)
    [problem] = raised.value.problems
    assert problem.message == "the place of session 'a' must be one line"
