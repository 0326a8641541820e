"""The example sites (the state, the district as a draft and as adopted, the school) and their PDFs, read as their readers will: ``mkdocs build --strict``
passes (so the leak check, LS401, found nothing in any page or handout HTML), and the text taken
from each PDF shows no markup, template syntax, print reference or appendix of the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pypdf import PdfReader

from lstoolkit.leaks import leaks_in_text

SITES = Path(__file__).parent / "sites"
#: What a PDF's extracted text legitimately holds: citations, which name the source's appendices
#: ("Source: …, Appendix A. Center for Mental Health in Schools at UCLA."), and the dot leaders of
#: a contents list.
CITATION = re.compile(r"Source: .*?(?:UCLA|Schools|Partnership Schools)\.", re.DOTALL)
LEADERS = re.compile(r"\.{4,}")
#: The fidelity report is for reviewers: it names files and addresses on purpose.
FOR_REVIEWERS = {"fidelity-report.pdf"}


@pytest.fixture(scope="module", params=["state", "district", "district-adopted", "school"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp(request.param)
    config = load_config(
        str(SITES / request.param / "mkdocs.yml"), site_dir=str(site_dir), strict=True
    )
    build(config)  # strict: a leak in any page or handout aborts the build
    return site_dir


def test_every_pdf_reads_clean(example: Path) -> None:
    pdfs = sorted((example / "handouts").glob("*.pdf"))
    assert len(pdfs) >= 8
    for pdf in pdfs:
        if pdf.name in FOR_REVIEWERS:
            continue
        text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        text = LEADERS.sub(" ", CITATION.sub(" ", text))
        assert [(leak.rule, leak.excerpt) for leak in leaks_in_text(text)] == [], pdf.name


def test_the_pages_carry_the_readers_banner_and_no_provenance(example: Path) -> None:
    home = (example / "index.html").read_text(encoding="utf-8")
    assert "lstoolkit-banner" in home
    assert re.search(r"(Draft for review by the|Adopted by the) [A-Z]", home)
    assert "fidelity finding" not in home.split("<article", 1)[1].split("</article>", 1)[0]


def test_the_adopted_district_says_who_adopted_it_and_that_all_signed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The adopted version of the example district: its banner, cover and Adoption page carry the
    Board's decision and every member's sign-off; 'check --strict' has nothing to say against it."""
    site_dir = tmp_path_factory.mktemp("adopted")
    build(
        load_config(
            str(SITES / "district-adopted" / "mkdocs.yml"), site_dir=str(site_dir), strict=True
        )
    )
    decision = "Adopted by the Board of Education on 8 December 2026 (Resolution 2026-41)"
    assert decision in (site_dir / "index.html").read_text(encoding="utf-8")
    cover = PdfReader(site_dir / "handouts" / "design-document.pdf").pages[0].extract_text()
    assert decision in " ".join(cover.split())
    adoption = (site_dir / "design" / "adoption" / "index.html").read_text(encoding="utf-8")
    for signed in ("2 November 2026", "3 November 2026", "30 November 2026"):
        assert signed in adoption
    assert "not yet" not in adoption
    assert "All its members have signed it off." in adoption
    assert "All its members have signed it off." in " ".join(cover.split())
    # The adopted version is the same agency's file: it uses the draft's sessions, not gaps.
    sheets = sorted(p.name for p in (site_dir / "handouts").glob("introductory-session*.pdf"))
    assert sheets == [
        "introductory-session-district-kickoff.pdf",
        "introductory-session-washington-elementary.pdf",
    ]
