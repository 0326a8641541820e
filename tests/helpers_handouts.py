"""The example district's handouts for the handout tests: the district, which handouts it has (as
plan_handouts plans them), rendering to files, and reading a handout's HTML. tests/conftest.py
renders them once per test session (the ``district_handouts`` fixture)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.handouts import (
    Handout,
    HandoutRenderer,
    RenderedHandout,
    handout_environment,
    plan_handouts,
    render_handouts,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content

EXAMPLES = Path(__file__).parent.parent / "examples"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class Printed(NamedTuple):
    """A rendered handout: the HTML it is made from and the PDF file written from it."""

    html: str
    pdf: Path


@cache
def example_district() -> Adapted:
    """The example district (examples/district/agency.yml), adapted once."""
    return adapt(load_content(), read_chain(EXAMPLES / "district" / "agency.yml"))


def district_handout_names() -> list[str]:
    """The names of the example district's handouts, as plan_handouts plans them."""
    return [h.name for h in plan_handouts(example_district())]


def written(rendered: RenderedHandout) -> Path:
    """Where ``rendered`` was written (render_handouts writes each handout it is given a folder for)."""
    assert rendered.path is not None, rendered.handout.name
    return rendered.path


def print_handouts(
    adapted: Adapted,
    handouts: Iterable[Handout],
    out: Path,
    *,
    paper: str = "letter",
    jobs: int | None = None,
) -> dict[str, Printed]:
    """``handouts`` of ``adapted`` rendered to ``out``/pdf, with their own cache in ``out``/cache:
    name -> (HTML, PDF)."""
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment(), paper=paper)
    done = render_handouts(renderer, handouts, out / "pdf", cache_dir=out / "cache", jobs=jobs)
    return {r.handout.name: Printed(renderer.html(r.handout), written(r)) for r in done}


class _Html(HTMLParser):
    """Counts elements, collects headings' texts and paragraphs that are only bold text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.headings: list[str] = []
        self.bold_paragraphs: list[str] = []
        self._heading: list[str] | None = None
        self._paragraph: list[tuple[bool, str]] | None = None
        self._strong = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag in HEADINGS:
            self._heading = []
        elif tag == "p":
            self._paragraph = []
        elif tag in ("strong", "b"):
            self._strong += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        elif tag == "p" and self._paragraph is not None:
            bold = "".join(text for strong, text in self._paragraph if strong)
            plain = "".join(text for strong, text in self._paragraph if not strong)
            if bold.strip() and not re.sub(r"[\s.:;,]", "", plain):
                self.bold_paragraphs.append(bold)
            self._paragraph = None
        elif tag in ("strong", "b"):
            self._strong -= 1

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self._paragraph is not None:
            self._paragraph.append((self._strong > 0, data))


def read_html(html: str) -> _Html:
    """A handout's HTML read: its elements counted, its headings and bold-only paragraphs."""
    parser = _Html()
    parser.feed(html)
    return parser
