"""Fixture sites built end to end with ``mkdocs build --strict``.

The generated Markdown of each fixture site is compared with the committed goldens in
tests/goldens/<site>/. After an intended change, regenerate them with ``make goldens``
(LSTOOLKIT_UPDATE_GOLDENS=1) and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from lstoolkit.render import ITEM_PAGES

SITES = Path(__file__).parent / "sites"
ROOT = Path(__file__).parent.parent
GOLDENS = Path(__file__).parent / "goldens"
UPDATE = os.environ.get("LSTOOLKIT_UPDATE_GOLDENS") == "1"


def build_site(config_file: Path, site_dir: Path, *, strict: bool = True) -> object:
    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
    build(config)
    return config


def generated_markdown(config: object) -> dict[str, str]:
    """The generated pages, with PDF sizes normalised (they change with WeasyPrint's version)."""
    plugin = config.plugins["lstoolkit"]  # type: ignore[attr-defined]
    pages = {page.uri: plugin.renderer.render(page) for page in plugin.renderer.pages()}
    return {uri: re.sub(r"\(PDF, \d+ KB\)", "(PDF, N KB)", text) for uri, text in pages.items()}


@pytest.fixture(scope="module", params=["prototype", "district", "school"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, object]:
    name = request.param
    site_dir = tmp_path_factory.mktemp(name)
    config = build_site(SITES / name / "mkdocs.yml", site_dir)
    return name, site_dir, config


def test_generated_pages_match_goldens(built: tuple[str, Path, object]) -> None:
    name, _, config = built
    pages = generated_markdown(config)
    golden_dir = GOLDENS / name
    if UPDATE:
        shutil.rmtree(golden_dir, ignore_errors=True)
        for uri, text in pages.items():
            (golden_dir / uri).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / uri).write_text(text, encoding="utf-8")
    committed = {
        p.relative_to(golden_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in golden_dir.rglob("*.md")
    }
    assert sorted(pages) == sorted(committed)
    for uri, text in pages.items():
        assert text == committed[uri], (
            f"{name}/{uri} differs from its golden; run make goldens and review"
        )


class _Text(HTMLParser):
    """Visible text of a page's article, without citations, code and the prototype names."""

    SKIP = {"small", "code", "script", "style"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skipping = 0
        self.parts: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "article":
            self.depth += 1
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping:
            self.parts.append(data)


def page_text(html_file: Path) -> _Text:
    parser = _Text()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser


def html_of(site_dir: Path, uri: str) -> Path:
    path = uri.removesuffix(".md")
    path = path.removesuffix("index").rstrip("/")
    return site_dir / path / "index.html" if path else site_dir / "index.html"


VERBATIM_PAGES = ("resources", "reference", "adaptations")


def test_district_terms_replace_prototype_terms_everywhere(built: tuple[str, Path, object]) -> None:
    name, site_dir, _ = built
    if name == "prototype":
        pytest.skip("the prototype renames nothing")
    checked = 0
    for html_file in site_dir.rglob("index.html"):
        relative = html_file.relative_to(site_dir).as_posix()
        if relative.startswith(VERBATIM_PAGES) or relative.startswith("search"):
            continue
        text = " ".join(page_text(html_file).parts)
        assert not re.search(r"learning supports facilitator", text, re.I), relative
        assert not re.search(r"\bsteering body\b", text, re.I), relative
        checked += 1
    assert checked > 30
    job = " ".join(page_text(html_of(site_dir, "jobs/learning-supports-facilitator.md")).parts)
    assert "Learning Supports Coach" in job
    raw = html_of(site_dir, "jobs/learning-supports-facilitator.md").read_text(encoding="utf-8")
    assert "(prototype: Learning Supports Facilitator)" in raw


def test_every_item_is_published_with_its_anchor(built: tuple[str, Path, object]) -> None:
    _, site_dir, config = built
    toolkit = config.plugins["lstoolkit"].renderer.toolkit  # type: ignore[attr-defined]
    for collection in toolkit.collections:
        if collection.name == "values":
            continue
        for item in collection.items:
            target = ITEM_PAGES[collection.name].format(id=item.id)
            path, _, anchor = target.partition("#")
            html_file = html_of(site_dir, path)
            assert html_file.exists(), f"{collection.name}/{item.id}: {html_file}"
            if anchor:
                assert anchor in page_text(html_file).ids, f"{collection.name}/{item.id}"


def test_navigation_reaches_every_generated_page(built: tuple[str, Path, object]) -> None:
    _, site_dir, config = built

    def flatten(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, dict):
            return [u for v in nav.values() for u in flatten(v)]
        if isinstance(nav, list):
            return [u for v in nav for u in flatten(v)]
        return []

    in_nav = set(flatten(config["nav"]))  # type: ignore[index]
    pages = {p.uri for p in config.plugins["lstoolkit"].renderer.pages()}  # type: ignore[attr-defined]
    assert pages <= in_nav


def test_no_request_to_a_third_party_host(built: tuple[str, Path, object]) -> None:
    _, site_dir, _ = built
    resource = re.compile(
        r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=["']([^"']+)""", re.I
    )
    css_import = re.compile(r"""url\(["']?(https?:)?//""")
    for html_file in site_dir.rglob("*.html"):
        for url in resource.findall(html_file.read_text(encoding="utf-8")):
            assert not re.match(r"^(https?:)?//", url), f"{html_file}: {url}"
    for css in site_dir.rglob("*.css"):
        assert not css_import.search(css.read_text(encoding="utf-8")), css


def test_diagram_follows_the_adaptation(built: tuple[str, Path, object]) -> None:
    name, site_dir, _ = built
    svg = (site_dir / "assets" / "lstoolkit" / "mechanisms.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<title" in svg and "<desc" in svg and "<script" not in svg
    # The district removed the external collaborators: still drawn, greyed, with who removed them.
    assert "External Collaborators" in svg
    assert ("removed by Springfield Public Schools" in svg) is (name != "prototype")
    assert ("Learning Supports Steering Committee" in svg) is (name != "prototype")
    narrow = (site_dir / "assets" / "lstoolkit" / "mechanisms-narrow.svg").read_text(
        encoding="utf-8"
    )
    assert 'viewBox="0 0 340 ' in narrow


def test_fidelity_warning_fails_strict_and_shows_on_adaptations_page(tmp_path: Path) -> None:
    project = tmp_path / "site"
    (project / "docs").mkdir(parents=True)
    (project / "agency.yml").write_text(
        "agency: {name: Springfield, level: district}\nversion: '1'\nvalues: {facilitator_positions: 3}\n"
        "changes:\n  - remove: elements/capacity-building\n    why: Covered elsewhere.\n",
        encoding="utf-8",
    )
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {SITES / 'common.yml'}\nsite_name: Springfield\n"
        f"theme: {{name: material, custom_dir: {Path(__file__).parent.parent / 'overrides'}, font: false}}\n"
        "plugins:\n  - search\n  - lstoolkit: {agency: agency.yml}\n",
        encoding="utf-8",
    )
    with pytest.raises(Abort, match="1 warnings"):
        build_site(project / "mkdocs.yml", tmp_path / "strict")
    build_site(project / "mkdocs.yml", tmp_path / "lenient", strict=False)
    adaptations = html_of(tmp_path / "lenient", "adaptations.md").read_text(encoding="utf-8")
    assert "LS101" in adaptations and "elements/capacity-building" in adaptations
    assert "Covered elsewhere." in adaptations
    assert not (tmp_path / "lenient" / "elements" / "capacity-building").exists()


def test_error_in_agency_file_stops_the_build_with_its_location(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "agency.yml").write_text(
        "agency: {name: X, level: district}\nversion: '1'\nchanges:\n  - remove: mechanisms/nope\n    why: x\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: X\nplugins:\n  - lstoolkit: {agency: agency.yml}\n"
    )
    with pytest.raises(Abort, match="BuildError"):
        build_site(tmp_path / "mkdocs.yml", tmp_path / "out")
    assert "agency.yml:4:13: LS301 'mechanisms/nope' does not exist" in caplog.text
    assert "Traceback" not in caplog.text
    assert not (tmp_path / "out").exists()


def test_agency_files_are_watched_by_serve(built: tuple[str, Path, object]) -> None:
    name, _, config = built
    watched = [Path(p).name for p in config["watch"]]  # type: ignore[index]
    expected = {"prototype": 0, "district": 2, "school": 3}[name]
    assert watched.count("agency.yml") == expected


def test_long_sections_keep_their_pages_out_of_the_navigation(tmp_path: Path) -> None:
    """A section longer than the limit lists only its index, so the site grows linearly."""
    from lstoolkit.render import NAV_SECTION_LIMIT

    (tmp_path / "docs").mkdir()
    schools = "".join(
        f"  - add: mechanisms\n    text: {{id: team-{i}, title: Team {i}}}\n    why: x\n"
        for i in range(NAV_SECTION_LIMIT)
    )
    (tmp_path / "agency.yml").write_text(
        f"agency: {{name: X, level: district}}\nversion: '1'\nvalues: {{facilitator_positions: 2}}\nchanges:\n{schools}"
    )
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {SITES / 'common.yml'}\nsite_name: X\ntheme: {{name: material, font: false, custom_dir: {ROOT / 'overrides'}, features: [navigation.prune]}}\n"
        "plugins:\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n"
    )
    config = build_site(
        tmp_path / "mkdocs.yml", tmp_path / "site"
    )  # --strict: no omitted-page warning
    assert {"Mechanisms": ["mechanisms/index.md"]} in config["nav"]  # type: ignore[index]
    page = (tmp_path / "site" / "mechanisms" / "team-1" / "index.html").read_text()
    assert "Team 1" in page and page.count("team-2/") == 0
    index = (tmp_path / "site" / "mechanisms" / "index.html").read_text()
    assert "team-59/" in index
