"""The state's roll-up in its site (the plugin's ``rollup:`` option): the dashboard, a page per
district and the board's summary PDF, from the example state's six districts.

The Markdown of the dashboard and of two district pages is compared with goldens (regenerate
with ``LSTOOLKIT_UPDATE_GOLDENS=1``) so a reviewer reads what changed as a board member would.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from pypdf import PdfReader

from lstoolkit import rollup
from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.dashboard import rollup_pages, rollup_view
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.render import SiteRenderer, page_environment

ROOT = Path(__file__).parent.parent
STATE = ROOT / "examples" / "state" / "agency.yml"
DISTRICTS = ROOT / "examples" / "state" / "districts"
GOLDENS = Path(__file__).parent / "goldens" / "rollup"
UPDATE = os.environ.get("LSTOOLKIT_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="module")
def renderer() -> SiteRenderer:
    adapted = adapt(load_content(), read_chain(STATE, root=ROOT, display_base=ROOT))
    reports = rollup.rollup(
        STATE, rollup.find_district_files(DISTRICTS), jobs=2, root=ROOT, display_base=ROOT
    )
    site = SiteRenderer(adapted, check_adapted(adapted), page_environment())
    site.extra_pages = rollup_pages(rollup_view(reports, adapted))
    return site


@pytest.fixture(scope="module")
def state_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("state-site")
    build(
        load_config(
            str(ROOT / "tests" / "sites" / "state" / "mkdocs.yml"), site_dir=str(site), strict=True
        )
    )
    return site


def markdown_of(renderer: SiteRenderer, uri: str) -> str:
    [page] = [p for p in renderer.extra_pages if p.uri == uri]
    return renderer.render(page)


@pytest.mark.parametrize(
    "uri", ["districts/index.md", "districts/oakdale.md", "districts/maple-grove.md"]
)
def test_pages_match_their_goldens(renderer: SiteRenderer, uri: str) -> None:
    text = markdown_of(renderer, uri)
    golden = GOLDENS / uri.replace("/", "-")
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_dashboard_says_what_needs_attention_in_words(renderer: SiteRenderer) -> None:
    text = markdown_of(renderer, "districts/index.md")
    attention = html.unescape(text.split("## Needs attention", 1)[1].split("\n## ", 1)[0])
    assert [line.split("](", 1)[0].lstrip("- [") for line in attention.strip().splitlines()] == [
        "maple-grove",
        "Oakdale Public Schools",
        "Westbrook School District",
    ]
    assert "removed the essential element “Capacity building”" in attention
    assert "builds on version 2025.2 of the state's design, not 2026.1" in attention
    assert (
        "Harbor City" not in attention
    )  # its removal of a protected item was reviewed and accepted


def test_each_cell_of_the_matrix_has_a_symbol_and_a_word(renderer: SiteRenderer) -> None:
    text = markdown_of(renderer, "districts/index.md")
    rows = {
        line.split("](", 1)[0].lstrip("| ["): line
        for line in text.splitlines()
        if line.startswith("| [")
    }
    assert len(rows) == 6
    oakdale = rows["Oakdale Public Schools"].split(" | ")
    assert oakdale[2:4] == [
        "draft",
        "2026\\.1",
    ]  # a number at the start of a cell is escaped, not a list
    assert re.findall(r'ls-element--(\w+)">([^<]+)<', rows["Oakdale Public Schools"]) == [
        ("kept", "✓ kept"),
        ("kept", "✓ kept"),
        ("kept", "✓ kept"),
        ("removed", "x removed"),
        ("kept", "✓ kept"),
    ]
    assert "2025\\.2 (earlier)" in rows["Westbrook School District"]
    assert "cannot be read" in rows["maple-grove"] and "ls-element" not in rows["maple-grove"]


def test_two_districts_in_folders_of_the_same_name_get_two_pages(tmp_path: Path) -> None:
    for region in ("north", "south"):
        shutil.copytree(
            DISTRICTS / "riverton", tmp_path / "state" / "districts" / region / "riverton"
        )
    shutil.copytree(
        ROOT / "examples" / "state",
        tmp_path / "state",
        ignore=shutil.ignore_patterns("districts"),
        dirs_exist_ok=True,
    )
    for district in (tmp_path / "state" / "districts").glob("*/riverton/agency.yml"):
        district.write_text(
            district.read_text(encoding="utf-8").replace("../../agency.yml", "../../../agency.yml"),
            encoding="utf-8",
        )
    state = tmp_path / "state" / "agency.yml"
    reports = rollup.rollup(state, rollup.find_district_files(state.parent / "districts"), jobs=1)
    adapted = adapt(load_content(), read_chain(state))
    assert [row.page for row in rollup_view(reports, adapted).rows] == [
        "districts/riverton.md",
        "districts/riverton-2.md",
    ]


def test_the_state_site_has_the_dashboard_a_page_per_district_and_the_summary(
    state_site: Path,
) -> None:
    pages = sorted(p.parent.name for p in (state_site / "districts").glob("*/index.html"))
    assert pages == [
        "cedar-falls",
        "harbor-city",
        "maple-grove",
        "oakdale",
        "riverton",
        "westbrook",
    ]
    dashboard = (state_site / "districts" / "index.html").read_text(encoding="utf-8")
    assert (
        dashboard.count('role="img"') == 2
        and "<script" not in dashboard.split("<article", 1)[1].split("</article>")[0]
    )
    assert 'assets/lstoolkit/districts.js"' in dashboard
    assert (state_site / "assets" / "lstoolkit" / "districts.js").is_file()
    home = (state_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="districts/"[^>]*>\s*Districts', home) or 'href="districts/"' in home
    oakdale = (state_site / "districts" / "oakdale" / "index.html").read_text(encoding="utf-8")
    assert "It removes one of the five essential elements" in oakdale
    assert "Professional development is planned by the curriculum office" in oakdale
    broken = (state_site / "districts" / "maple-grove" / "index.html").read_text(encoding="utf-8")
    assert "Did you mean" in broken and "agency.yml:17:14" in broken


def test_a_district_page_names_its_file_from_the_states_folder(state_site: Path) -> None:
    """The site is built from tests/sites/state, the districts are in examples/state/districts:
    a district's page names its file as the state's repository does, never where it was built."""
    for slug in ("oakdale", "maple-grove"):
        page = (state_site / "districts" / slug / "index.html").read_text(encoding="utf-8")
        article = page.split("<article", 1)[1].split("</article>", 1)[0]
        assert f"<strong>File:</strong> <code>districts/{slug}/agency.yml</code>" in article
        assert str(ROOT) not in article and "../examples" not in article
    oakdale = (state_site / "districts" / "oakdale" / "index.html").read_text(encoding="utf-8")
    assert "LS101, <code>districts/oakdale/agency.yml:18:5</code>" in oakdale
    broken = (state_site / "districts" / "maple-grove" / "index.html").read_text(encoding="utf-8")
    assert "<code>districts/maple-grove/agency.yml:17:14: LS301 " in broken


def test_the_state_site_speaks_of_the_state(state_site: Path) -> None:
    home = html.unescape(re.sub(r"<[^>]+>", "", (state_site / "index.html").read_text("utf-8")))
    home = " ".join(home.split())
    assert (
        "The imperative: Why the state needs a unified and comprehensive system of learning "
        "supports." in home
    )
    assert "the district needs" not in home and "layers before it" not in home
    assert "the adaptations page lists every change made by LSDE, and why." in home
    glance = (state_site / "design" / "at-a-glance" / "index.html").read_text("utf-8")
    assert "why the state needs a unified" in glance and "the district needs" not in glance


def test_the_summary_pdf_is_tagged_and_lists_every_district(state_site: Path) -> None:
    path = state_site / "handouts" / "districts-summary.pdf"
    text = " ".join(
        " ".join(
            (page.extract_text() or "") for page in PdfReader(io.BytesIO(path.read_bytes())).pages
        ).split()
    )
    for name in ("Cedar Falls", "Harbor City", "maple-grove", "Oakdale", "Riverton", "Westbrook"):
        assert name in text
    assert "x removed" in text and "2025.2 (earlier)" in text
    with pikepdf.open(path) as pdf:
        marked: object = pdf.Root.MarkInfo.Marked  # a bool, which pikepdf's stubs type as Object
        assert marked is True and str(pdf.Root.Lang) == "en"
        assert b"pdfuaid" in bytes(pdf.Root.Metadata.read_bytes())


def test_rollup_needs_the_state_and_an_existing_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "examples" / "state", site / "state")
    (site / "docs").mkdir()
    base = "site_name: S\ntheme: {name: material, font: false}\nplugins:\n  - lstoolkit:\n      handouts: false\n"
    for options, message in [
        ("      rollup: state/districts\n", "set 'agency' to the state's customization file"),
        (
            "      agency: state/agency.yml\n      rollup: state/nowhere\n",
            "'state/nowhere' does not exist",
        ),
    ]:
        (site / "mkdocs.yml").write_text(base + options, encoding="utf-8")
        caplog.clear()
        with pytest.raises(Abort):
            build(load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "out")))
        assert message in caplog.text
    assert not (tmp_path / "out").exists()
