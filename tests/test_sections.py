"""The design document is the agency's own: authored sections, sign-off and adoption, the reader's
banner, values read as words, and the leak check, from the agency file to the built site."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from lstoolkit.adapt import adapt, number_in_words, value_phrase
from lstoolkit.check import check_adapted
from lstoolkit.codes import CODES, FindingCode
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.findings import Finding
from lstoolkit.in_words import FIDELITY_CODES, finding_in_words
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.render import SiteRenderer, page_environment, site_navigation
from lstoolkit.sections import DESIGN_PARTS, markdown_to_html, parts_at

ROOT = Path(__file__).parent.parent
SITES = Path(__file__).parent / "sites"
TREE = load_content()
HEAD = "agency: {name: Springfield Public Schools, short_name: SPS, level: district, contact: ls@sps.example.org}\nversion: '2026.1'\n"
ALL_PARTS = "".join(f"  {part.address}: s/{part.key}.md\n" for part in DESIGN_PARTS)


def project(tmp_path: Path, agency: str, files: dict[str, str] | None = None) -> Path:
    for name, text in {"agency.yml": agency, **(files or {})}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "agency.yml"


def parts_files(text: str = "Our own words.") -> dict[str, str]:
    return {f"s/{part.key}.md": f"{text} ({part.title})\n" for part in DESIGN_PARTS}


def check(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "check", path.name, *args],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )


# -- Markdown in, safe HTML out ------------------------------------------------------------------


def test_markdown_becomes_html_with_headings_under_the_page_and_raw_html_as_text() -> None:
    html = markdown_to_html(
        "# Why\n\nWe **must** act.\n\n- one\n- two\n\n<script>alert(1)</script>\n"
    )
    assert "<h2>Why</h2>" in html and "<h4>Why</h4>" in markdown_to_html("# Why\n", under=3)
    # An author who starts at '##' gets the same levels: none is skipped.
    assert (
        "<h2>Why</h2>" in markdown_to_html("## Why\n\n### How\n")
        and "<h3>How</h3>" in markdown_to_html("## Why\n\n### How\n")
        and "<strong>must</strong>" in html
        and "<li>one</li>" in html
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("Intro.\n\n![chart](chart.png)\n", "images are not allowed in a section", 3),
        ("See [the plan](../plan.pdf).\n", "the link '../plan.pdf' is not a web page", 1),
        ("See [x](javascript:alert(1)).\n", "is not a web page", 1),
    ],
)
def test_images_and_links_to_files_are_refused_with_their_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    agency = project(
        tmp_path,
        HEAD + "sections:\n  design/imperative: s/imperative.md\n",
        {"s/imperative.md": text},
    )
    with pytest.raises(LstoolkitError) as raised:
        read_chain(agency)
    assert message in str(raised.value)
    assert str(raised.value.problems[0].location).endswith(f"s/imperative.md:{line}")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"Fine line.\nBad \x07 bell.\n",
            "s/imperative.md:2:5: LS306 the section contains the control character U+0007",
        ),
        (b"caf\xe9\n", "s/imperative.md:1: LS306 the file is not UTF-8 (byte 0xe9)"),
        (b"x" * 200_001, "LS307 's/imperative.md' is 200,001 bytes"),
    ],
)
def test_unreadable_sections_are_located(tmp_path: Path, data: bytes, expected: str) -> None:
    agency = project(tmp_path, HEAD + "sections:\n  design/imperative: s/imperative.md\n")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "imperative.md").write_bytes(data)
    result = check(agency)
    assert result.returncode == 1 and expected in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_section_file_that_does_not_exist_or_leaves_the_project_is_refused(
    tmp_path: Path,
) -> None:
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    agency = project(
        inner,
        HEAD + "sections:\n  design/imperative: s/missing.md\n  design/policy: ../outside.md\n",
    )
    (tmp_path / "outside.md").write_text("x")
    result = check(agency)
    assert result.returncode == 1
    assert "agency.yml:4:22: LS303 'sections: s/missing.md' does not exist" in result.stdout
    assert (
        "agency.yml:5:18: LS303 'sections: ../outside.md' leads outside the project"
        in result.stdout
    )


def test_a_section_for_an_address_that_does_not_exist_suggests_the_nearest(tmp_path: Path) -> None:
    agency = project(
        tmp_path,
        HEAD + "sections:\n  design/imperatives: s/a.md\n  mechanisms/steering-bodies: s/a.md\n",
        {"s/a.md": "x\n"},
    )
    result = check(agency)
    assert result.returncode == 1
    assert (
        "agency.yml:4:3: LS301 the section 'design/imperatives' attaches to nothing: no such part or address. Did you mean 'design/imperative'?"
        in result.stdout
    )
    assert (
        "agency.yml:5:3: LS301 the section 'mechanisms/steering-bodies' attaches to nothing"
        in result.stdout
    )
    assert "Did you mean 'mechanisms/steering-body'?" in result.stdout


# -- layers, findings, adoption ------------------------------------------------------------------


def test_a_district_inherits_its_states_sections_until_it_writes_its_own(tmp_path: Path) -> None:
    state = "agency: {name: Lincoln State, level: state}\nversion: '1'\nsections:\n  design/policy: st/policy.md\n  design/imperative: st/imp.md\n  mechanisms/leadership-council: st/council.md\n"
    district = HEAD.replace("version", "extends: state.yml\nversion") + (
        "sections:\n  design/imperative: d/imp.md\nchanges:\n  - remove: mechanisms/leadership-council\n    why: Later.\n    accept: [LS102]\n"
    )
    files = {
        "state.yml": state,
        "st/policy.md": "State policy.\n",
        "st/imp.md": "State imperative.\n",
        "st/council.md": "Council.\n",
        "d/imp.md": "Our imperative.\n",
    }
    adapted = adapt(TREE, read_chain(project(tmp_path, district, files)))
    assert adapted.sections["design/policy"].agency == "Lincoln State"
    assert "State policy." in adapted.sections["design/policy"].html
    assert adapted.sections["design/imperative"].agency == "Springfield Public Schools"
    assert "Our imperative." in adapted.sections["design/imperative"].html
    assert "mechanisms/leadership-council" not in adapted.sections  # removed with its item


def test_a_draft_notes_its_unwritten_parts_once_and_an_adopted_design_warns_for_each(
    tmp_path: Path,
) -> None:
    draft = project(
        tmp_path / "draft",
        HEAD + "sections:\n  design/imperative: s/imperative.md\n",
        {"s/imperative.md": "Why.\n"},
    )
    findings = check_adapted(adapt(TREE, read_chain(draft)))
    notes = [f for f in findings if f.code == "LS205"]
    assert len(notes) == 1 and str(notes[0].severity) == "info"
    assert (
        "'design/intervention-framework', 'design/infrastructure', 'design/policy' are not written yet"
        in notes[0].message
    )
    assert check(draft, "--strict").returncode == 0

    adopted = HEAD + (
        "status: adopted\nadopted: {date: 2026-12-08, by: Board of Education, resolution: Resolution 2026-41}\n"
        "sign_off: [{name: Marcus Lee, date: 2026-11-02}]\nsections:\n  design/imperative: s/imperative.md\n"
    )
    path = project(tmp_path / "adopted", adopted, {"s/imperative.md": "Why.\n"})
    warnings = [f for f in check_adapted(adapt(TREE, read_chain(path))) if f.code == "LS206"]
    assert [f.address for f in warnings] == [
        "design/intervention-framework",
        "design/infrastructure",
        "design/policy",
    ]
    result = check(path, "--strict")
    assert result.returncode == 1
    assert (
        "agency.yml:3:9: LS206 the design document is adopted but its part 'design/policy' (Policy recommendations) is not written"
        in result.stdout
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            "adopted: {date: 2026-12-08, by: Board}\nsign_off: [{name: A, date: 2026-11-02}]\n",
            "agency.yml:4:10: LS302 an adopted design document needs the resolution or minute number that adopted it",
        ),
        (
            "adopted: {date: 2026-12-08, by: Board, resolution: R-1}\n",
            "agency.yml:4:10: LS302 an adopted design document needs the work group's sign-off",
        ),
        (
            "adopted: {date: 2026-12-08, by: Board, resolution: R-1}\nsign_off:\n  - {name: A, date: 2026-11-02}\n  - {name: Tom Alvarez}\n",
            "agency.yml:7:5: LS302 Tom Alvarez has no sign-off date",
        ),
        (
            "adopted: {date: 2026-12-08, by: Board, resolution: R-1}\nsign_off: [{name: A, date: 2 November}]\n",
            "agency.yml:5:28: LS302 sign_off #1 date '2 November' is not a date",
        ),
        (
            "adopted: {date: 2026-12-08, by: Board, resolution: R-1}\nsign_off: [{name: A, role: Principal, Washington School, date: 2026-11-02}]\n",
            "A comma inside { } starts a new key: put the text in quotes",
        ),
    ],
)
def test_an_adopted_design_needs_its_resolution_and_everyones_sign_off(
    tmp_path: Path, record: str, expected: str
) -> None:
    path = project(
        tmp_path, HEAD + "status: adopted\n" + record + "sections:\n" + ALL_PARTS, parts_files()
    )
    result = check(path)
    assert result.returncode == 1 and expected in result.stdout, result.stdout


def test_values_read_as_words_in_a_sentence() -> None:
    positions = {"type": "number", "unit": "position", "units": "positions"}
    assert value_phrase(positions, "12") == "twelve positions"
    assert value_phrase(positions, "1") == "one position"
    assert value_phrase({**positions, "reads": "digits"}, "12") == "12 positions"
    assert value_phrase(positions, "240") == "240 positions"
    assert value_phrase({"type": "text"}, "Dr. Ana Ruiz") == "Dr. Ana Ruiz"
    assert [number_in_words(n) for n in (0, 21, 40, 99, 100)] == [
        "zero",
        "twenty-one",
        "forty",
        "ninety-nine",
        "one hundred",
    ]


# -- the built site ------------------------------------------------------------------------------


def site(tmp_path: Path, agency: str, files: dict[str, str], *, strict: bool = True) -> Path:
    project(tmp_path, agency, {"docs/contact.md": "# Contact\n\nCall us.\n", **files})
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {SITES / 'common.yml'}\nsite_name: SPS\n"
        f"theme: {{name: material, custom_dir: {ROOT / 'overrides'}, font: false}}\n"
        "plugins:\n  - search\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n",
        encoding="utf-8",
    )
    config = load_config(
        str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=strict
    )
    build(config)
    return tmp_path / "site"


def read(site_dir: Path, page: str, *, article: bool = False) -> str:
    html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article") :] if article else html


DISTRICT = HEAD + (
    "deciding_body: Board of Education\nwork_group: Design Work Group\n"
    "sign_off:\n  - {name: Marcus Lee, role: Director of Student Supports, date: 2026-11-02}\n  - {name: Keisha Brown}\n"
    "published: 2026-11-25\n"
    "terms:\n  Learning Supports Facilitator: Learning Supports Coach\n"
    "values: {facilitator_positions: 12}\n"
    "sections:\n" + ALL_PARTS + "  mechanisms/steering-body: docs/steering.md\n"
    "changes:\n  - remove: mechanisms/external-collaborators\n    why: No partner this year.\n    decided_by: Cabinet\n"
)


@pytest.fixture(scope="module")
def district_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        **parts_files("Springfield writes this."),
        "docs/steering.md": "Our committee has **fifteen** members.\n",
    }
    return site(tmp_path_factory.mktemp("district"), DISTRICT, files)


def test_the_agencys_text_leads_each_part_and_the_toolkit_follows_collapsed(
    district_site: Path,
) -> None:
    page = read(district_site, "design/policy", article=True)
    ours, toolkit = (
        page.index("Springfield writes this. (Policy recommendations)"),
        page.index("From the toolkit"),
    )
    assert ours < toolkit
    assert '<details class="toolkit">' in page  # collapsed: the agency has written


def test_an_item_page_leads_with_its_section_and_the_section_file_is_not_a_page(
    district_site: Path,
) -> None:
    page = read(district_site, "mechanisms/steering-body", article=True)
    assert (
        page.index("<strong>fifteen</strong>")
        < page.index("From the toolkit")
        < page.index("Functions")
    )
    assert not (district_site / "steering" / "index.html").exists()


def test_readers_see_a_plain_banner_a_footer_and_the_adoption_record(district_site: Path) -> None:
    home = read(district_site, "")
    assert "Draft for review by the Board of Education · version 2026.1 · 25 November 2026" in home
    assert (
        "Springfield Public Schools. Published 25 November 2026. Adapted from the prototype toolkit of the Center for Mental Health in Schools at UCLA"
        in home
    )
    assert "fidelity finding" not in home and "prototype 0.1.0 →" not in home
    adoption = read(district_site, "design/adoption")
    assert "Marcus Lee" in adoption and "2 November 2026" in adoption and "not yet" in adoption


def test_the_adoption_page_counts_who_signed_it_off(district_site: Path) -> None:
    """Keisha Brown has not signed it off: the page does not say the work group has."""
    adoption = read(district_site, "design/adoption", article=True)
    assert (
        "The Design Work Group drafted this design document. 1 of its 2 members has signed it off."
        in adoption
    )
    assert "signed it off before it went" not in adoption


def test_the_page_at_a_glance_says_for_whom_without_a_summary(district_site: Path) -> None:
    page = read(district_site, "design/at-a-glance", article=True)
    assert "What is changing, and for whom" in page
    assert (
        "It is for every school in the district: its students and families, its teachers, and the "
        "staff who support students." in page
    )


def test_the_adaptations_page_says_every_change_in_the_readers_words_with_the_terms(
    district_site: Path,
) -> None:
    page = read(district_site, "adaptations")
    assert "Removed the mechanism “External Collaborators”" in page
    assert page.index("Removed the mechanism") < page.index("mechanisms/external-collaborators")
    assert (
        "<td>Learning Supports Facilitator</td>" in page
        and "<td>Learning Supports Coach</td>" in page
    )
    assert "prototype 0.1.0 → Springfield Public Schools; 1 adaptation" in page


def test_reference_pages_are_for_editors_at_the_end_of_the_navigation(district_site: Path) -> None:
    home = read(district_site, "")
    assert (
        home.index("Design document") < home.index("Essential elements") < home.index("For editors")
    )
    assert home.index("For editors") < home.index("Finding codes")


def test_a_missing_value_is_a_labelled_gap_never_a_bracket(tmp_path: Path) -> None:
    site_dir = site(tmp_path, HEAD + "sections:\n" + ALL_PARTS, parts_files())
    page = read(site_dir, "jobs/learning-supports-facilitator")
    assert '<span class="ls-gap">' in page
    assert "[Number of" not in page


def test_a_leak_in_a_section_fails_strict_once_located_in_its_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = parts_files()
    files["s/policy.md"] = "As shown on the previous page, see Appendix B.\n"
    with pytest.raises(Abort, match="2 warnings"):
        site(tmp_path, HEAD + "sections:\n" + ALL_PARTS, files)
    assert "s/policy.md:1: LS401 print-reference: " in caplog.text
    assert "s/policy.md:1: LS401 appendix-reference: " in caplog.text
    assert "site/design/policy/index.html" not in caplog.text  # reported once, at its source


def test_a_leak_from_an_override_template_fails_strict_at_the_built_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "overrides" / "lstoolkit").mkdir(parents=True)
    (tmp_path / "overrides" / "lstoolkit" / "cautions.md.j2").write_text(
        "# Cautions\n\nThe cautions are on the next page.\n", encoding="utf-8"
    )
    project(
        tmp_path,
        HEAD + "sections:\n" + ALL_PARTS,
        {**parts_files(), "docs/contact.md": "# Contact\n"},
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: SPS\ntheme: {name: material, custom_dir: overrides, font: false}\n"
        "markdown_extensions: []\nplugins:\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n",
        encoding="utf-8",
    )
    with pytest.raises(Abort):
        build(
            load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
        )
    assert "site/cautions/index.html:" in caplog.text and "LS401 print-reference: " in caplog.text


def test_check_finds_a_leak_in_a_section_at_its_line_before_any_build(tmp_path: Path) -> None:
    files = parts_files()
    files["s/policy.md"] = "# Policy\n\nWe **recommend** the changes listed on the previous page.\n"
    path = project(tmp_path, HEAD + "sections:\n" + ALL_PARTS, files)
    result = check(path, "--strict")
    assert result.returncode == 1
    assert "s/policy.md:3: LS401 print-reference: " in result.stdout


# -- what readers read: findings in words, renamed items, the navigation, the agency's level -----

#: Titles a fake adapted toolkit gives the addresses of the codes' documented examples.
TITLES = {
    "roles/coach": "Coach",
    "mechanisms/leadership-council": "Learning Supports Leadership Council",
    "mechanisms/leadership-team": "Learning Supports Leadership Team",
    "mechanisms/steering-body": "Steering Body",
    "elements/operational-infrastructure": "Operational infrastructure",
    "elements/capacity-building": "Capacity building",
    "elements/monitoring": "Monitoring",
}
EXAMPLE_ADDRESS = re.compile(r"\b((?:elements|mechanisms|roles|jobs)/[a-z0-9-]+(?:/[a-z0-9-]+)*)")


def example_finding(code: FindingCode, example: str) -> Finding:
    """The finding of a code's documented example ('agency.yml:5:3: LS207 …')."""
    message = re.sub(r"^\S+?(?::\d+)*: LS\d{3} ", "", example)
    address = EXAMPLE_ADDRESS.search(message)
    return Finding(code, message, Location("agency.yml", 5, 3), address[1] if address else "", 0)


def in_words(finding: Finding) -> str:
    return finding_in_words(
        finding,
        lambda address: TITLES.get(address, address),
        {"../state/agency.yml": "Lincoln State Department of Education"},
    )


@pytest.mark.parametrize("code", FIDELITY_CODES)
def test_every_fidelity_finding_has_a_readers_sentence(code: FindingCode) -> None:
    """The Adaptations page says each fidelity finding in words: never the machine's message,
    an address, a file or a code (those stay in small print)."""
    assert CODES[code].examples
    for example in CODES[code].examples:
        finding = example_finding(code, example)
        said = in_words(finding)
        assert said != finding.message and finding.message not in said, example
        assert not EXAMPLE_ADDRESS.search(said) and "agency.yml" not in said, said
        assert not re.search(r"\bLS\d{3}\b", said) and "'" not in said.replace("toolkit's", ""), (
            said
        )
        assert said[0].isupper() and said.endswith("."), said


def test_the_two_findings_of_the_example_district_in_words() -> None:
    [renamed] = CODES[FindingCode.TERM_NAMES_ANOTHER_ROLE].examples
    assert in_words(example_finding(FindingCode.TERM_NAMES_ANOTHER_ROLE, renamed)) == (
        "It calls the toolkit's Learning Supports Facilitator “Learning Supports Coach”; readers "
        "may take it for the role “Coach”, which is a different role in the toolkit."
    )
    protected, required = CODES[FindingCode.ESSENTIAL_ITEM_REMOVED].examples
    assert in_words(example_finding(FindingCode.ESSENTIAL_ITEM_REMOVED, protected)) == (
        "It removes “Learning Supports Leadership Council”, which Lincoln State Department of "
        "Education asks every layer after it to keep."
    )
    assert in_words(example_finding(FindingCode.ESSENTIAL_ITEM_REMOVED, required)) == (
        "It removes “Learning Supports Leadership Team”, which the essential element "
        "“Operational infrastructure” requires."
    )


def test_the_fidelity_section_says_each_finding_once_in_words(district_site: Path) -> None:
    page = read(district_site, "adaptations", article=True)
    fidelity = html.unescape(
        re.sub(r"<[^>]+>", "", page.split('id="fidelity"', 1)[1].split("<h2", 1)[0])
    )
    sentence = (
        "It calls the toolkit's Learning Supports Facilitator “Learning Supports Coach”; readers "
        "may take it for the role “Coach”, which is a different role in the toolkit."
    )
    assert fidelity.count(sentence) == 1
    assert "is renamed" not in fidelity and "(roles/coach)" not in fidelity
    assert "LS207, agency.yml:" in " ".join(fidelity.split())  # the code and the file, small


def test_a_renamed_job_is_headed_by_its_own_name_and_told_apart_from_the_coaches(
    district_site: Path,
) -> None:
    job = read(district_site, "jobs/learning-supports-facilitator", article=True)
    assert '<h1 id="learning-supports-coach">Learning Supports Coach<a' in job
    assert (
        '<p><small class="ls-toolkit-name">Called the Learning Supports Facilitator in the '
        "toolkit.</small></p>" in job
    )
    assert "prototype:" not in job
    assert (
        "<p>In Springfield Public Schools, the Learning Supports Coach is not the toolkit's "
        '<a href="../coaches-and-mentors/#coach">Coach</a>, which is a different role.</p>' in job
    )
    coaches = read(district_site, "jobs/coaches-and-mentors", article=True)
    coach = coaches.split('<h2 id="coach"', 1)[1].split("<h2", 1)[0]
    assert (
        '<p>In Springfield Public Schools, the <a href="../learning-supports-facilitator/">'
        "Learning Supports Coach</a> is a different role, not this one.</p>" in coach
    )
    mentor = coaches.split('<h2 id="mentor"', 1)[1]
    assert "Learning Supports Coach" not in mentor


def test_the_agencys_own_pages_come_before_the_pages_for_editors(district_site: Path) -> None:
    home = read(district_site, "")
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', home)
    assert labels.index("Accessibility") < labels.index("Contact") < labels.index("For editors")
    adapted = adapt(TREE, read_chain(ROOT / "examples" / "district" / "agency.yml", root=ROOT))
    renderer = SiteRenderer(adapted, check_adapted(adapted), page_environment())
    nav = site_navigation(renderer, ["contact.md", "our-school.md"])
    assert [next(iter(entry)) for entry in nav][-4:] == [
        "About this document",
        "Contact",
        "Our school",
        "For editors",
    ]


@pytest.mark.parametrize("level", ["state", "region", "district", "school"])
def test_the_imperative_asks_why_the_agencys_own_level_needs_the_system(level: str) -> None:
    imperative, *others = parts_at(level)
    assert imperative.question == (
        f"Why the {level} needs a unified and comprehensive system of learning supports."
    )
    assert others == list(DESIGN_PARTS[1:])
