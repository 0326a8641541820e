"""Fixture sites built end to end with ``mkdocs build --strict``.

The generated Markdown of each fixture site is compared with the committed goldens in
tests/goldens/<site>/. After an intended change, regenerate them with ``make goldens``
(LSTOOLKIT_UPDATE_GOLDENS=1) and review the diff.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.render import ITEM_PAGES, SiteRenderer, page_environment

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
    assert "(prototype:" not in raw
    assert (
        '<small class="ls-toolkit-name">Called the Learning Supports Facilitator in the toolkit.</small>'
        in raw
    )


def test_a_renamed_item_says_its_toolkit_name_under_its_heading_before_the_agencys_text(
    built: tuple[str, Path, object],
) -> None:
    name, site_dir, _ = built
    page = html_of(site_dir, "mechanisms/steering-body.md").read_text(encoding="utf-8")
    if name == "prototype":
        assert "ls-toolkit-name" not in page
        return
    assert (
        '<h1 id="learning-supports-steering-committee">Learning Supports Steering Committee<a'
        in page
    )
    assert (
        page.index("</h1>")
        < page.index("Called the Steering Body in the toolkit.")
        < page.index('<div class="ls-authored"')
        < page.index("From the toolkit")
    )


def test_the_home_page_names_who_made_the_changes(built: tuple[str, Path, object]) -> None:
    name, site_dir, _ = built
    home = " ".join(page_text(site_dir / "index.html").parts)
    expected = {
        "prototype": "",
        "district": "lists every change made by Lincoln State Department of Education and then "
        "by SPS, and why.",
        "school": "lists every change made by Lincoln State Department of Education, Springfield "
        "Public Schools and then by Lincoln Elementary School, and why.",
    }[name]
    assert expected in " ".join(home.split())
    assert "layers before it" not in home


def test_table_cells_wrap_between_words_and_never_cut_one(built: tuple[str, Path, object]) -> None:
    """At 360 px the mechanisms' table read "Superintend|ent": columns of equal width, words cut
    anywhere. Columns now size to their words; only addresses and web addresses break anywhere."""
    _, site_dir, _ = built
    css = (site_dir / "assets" / "lstoolkit" / "lstoolkit.css").read_text(encoding="utf-8")

    def declarations(selector: str) -> dict[str, str]:
        block = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
        assert block is not None, selector
        return dict(
            (k.strip(), v.strip())
            for k, _, v in (d.partition(":") for d in block[1].split(";"))
            if k.strip()
        )

    table = ".md-typeset__table table:not([class])"
    cells = ".md-typeset table:not([class]) td,\n.md-typeset table:not([class]) th"
    assert declarations(table)["table-layout"] == "auto"
    assert declarations(cells) == {
        "overflow-wrap": "break-word",
        "word-break": "normal",
        "hyphens": "auto",
    }
    assert re.search(
        r"\.md-typeset table:not\(\[class\]\) a[,\s][^{]*\{\s*overflow-wrap: anywhere", css
    )


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


# -- the pages of the three example layers (state, district, school), as Markdown ----------------


@cache
def example_site(level: str) -> tuple[SiteRenderer, dict[str, str]]:
    """The renderer of examples/<level>/agency.yml and its pages (uri -> Markdown)."""
    path = ROOT / "examples" / level / "agency.yml"
    adapted = adapt(load_content(), read_chain(path, root=ROOT, display_base=ROOT))
    renderer = SiteRenderer(adapted, check_adapted(adapted), page_environment())
    return renderer, {page.uri: renderer.render(page) for page in renderer.pages()}


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
#: The task lists each example level does not publish (their `levels` leave it out).
UNPUBLISHED_TASK_LISTS = {
    "state": ["district-helps-schools", "start-up-with-schools"],
    "district": ["department-helps-districts"],
    "school": ["department-helps-districts", "district-helps-schools", "start-up-with-schools"],
}


@pytest.mark.parametrize("level", UNPUBLISHED_TASK_LISTS)
def test_no_page_links_or_points_to_an_unpublished_item(level: str) -> None:
    """A page links only pages the site publishes, and points a reader to no task list the
    level leaves out ("See the task list ‘…’"): only the record of a parent layer's changes
    (Adaptations) and the address reference name one, as plain text."""
    renderer, pages = example_site(level)
    prototype = load_content().toolkit
    hidden = [t for t in prototype.items("tasks") if t.levels and level not in t.levels]
    assert [t.id for t in hidden] == UNPUBLISHED_TASK_LISTS[level]
    for uri, text in pages.items():
        for target in MARKDOWN_LINK.findall(text):
            path = target.split("#")[0]
            if path.endswith(".md") and "://" not in path:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(uri), path))
                assert resolved in pages, f"{level}: {uri} links {target}, an unpublished page"
        if uri == "adaptations.md" or uri.startswith("reference/"):
            continue
        for t in hidden:
            for named in (f"‘{t.title}’", f"“{t.title}”", f"[{t.title}]"):
                assert named not in text, f"{level}: {uri} points to {named}, not on this site"
    # A link to a task list of another level reads as its name: it was not removed.
    for t in hidden:
        assert str(renderer.link("index.md", f"tasks/{t.id}")) == t.title
    if level != "state":  # the district removed the External Collaborators
        assert str(renderer.link("index.md", "mechanisms/external-collaborators")) == (
            "External Collaborators <em>(removed)</em>"
        )


def test_later_phases_say_so_and_link_the_outside_document() -> None:
    _, pages = example_site("district")
    page = pages["process/index.md"]
    assert page.count("Specific planning for phases 3 and 4 can be deferred") == 1
    for phase in ("replicating-and-sustaining", "creative-renewal"):
        section = page.split(f"{{ #{phase} }}")[1].split("<small")[0]
        assert section.strip() == (
            "The toolkit gives no further detail for this phase. For phases 3 and 4, the "
            "strategic-planning guide points to an outside document: [Sustaining and Scale-up: "
            "It&#x27;s About Systemic Change](../resources.md#sustaining-and-scale-up)."
        )
    assert "\n- I. [Introductory presentation" in page  # the steps as a list, one per line


def test_lists_render_as_lists(built: tuple[str, Path, object]) -> None:
    """An element's definition leads into its facets, and the Work Groups' meeting format into its
    two points: list items on the page, each sentence once."""
    _, site_dir, _ = built
    element = html_of(site_dir, "elements/operational-infrastructure.md").read_text("utf-8")
    assert re.search(
        r"there must be</p>\s*<ul>\s*<li[^>]*>an administrative leader \(e\.g\.", element
    )
    text = " ".join(page_text(html_of(site_dir, "elements/operational-infrastructure.md")).parts)
    assert text.count("The leader’s job description must be revised") == 1
    work_groups = html_of(site_dir, "mechanisms/work-groups.md").read_text("utf-8")
    assert re.search(
        r"The general format for any meeting involves:</p>\s*<ul>\s*<li>discussion of strengths"
        r"[^<]*</li>\s*<li>clarification of what will be accomplished",
        work_groups,
    )


def test_mou_is_one_table_of_its_next_steps() -> None:
    _, pages = example_site("district")
    page = pages["documents/mou.md"]
    rows = re.findall(r"^\| <span id=\"([a-z-]+)\"></span>\*\*([^*]+)\*\*: ", page, flags=re.M)
    assert rows == [
        ("administrative-leader-position", "Administrative leader position"),
        ("temporary-mechanisms", "Temporary mechanisms"),
        ("leadership-institute", "Leadership institute"),
        ("immediate-action-plan", "Immediate action plan"),
        ("action-planners", "Who will do the action planning"),
    ]
    assert "\n\n| Task | DECISION | RESPONSIBLE | DATE | \n|---|---|---|---|\n" in page
    assert "for<br>– establishing a critical mass of stakeholder support<br>– preparing" in page
    assert "\n## " not in page.split("| Task |")[1].split("## Notes")[0]  # no heading between
    # The action plan shows every depth under a task (the school stakeholders' four points).
    plan = pages["documents/action-plan.md"]
    assert "stakeholders:<br>&emsp;– the imperative for change<br>&emsp;– the state" in plan


@pytest.mark.parametrize(
    ("level", "step", "linked"),
    [
        (
            "district",
            "introductory-presentation",
            ["../documents/introductory-session.md", "../documents/mou.md"],
        ),
        (
            "district",
            "action-planning",
            ["../documents/design-document.md", "../mechanisms/index.md"],
        ),
        (
            "district",
            "strategic-implementation",
            [
                "../documents/action-plan.md",
                "../mechanisms/index.md",
                "../tasks/start-up-with-schools.md",
            ],
        ),
        (
            "state",
            "strategic-implementation",
            ["../documents/action-plan.md", "../mechanisms/index.md"],
        ),
        (
            "school",
            "strategic-implementation",
            ["../documents/action-plan.md", "../mechanisms/index.md"],
        ),
        (
            "district",
            "formative-evaluation",
            ["../documents/strategic-plan.md", "../documents/action-plan.md"],
        ),
    ],
)
def test_steps_link_their_templates_the_diagram_and_the_task_list(
    level: str, step: str, linked: list[str]
) -> None:
    _, pages = example_site(level)
    page = pages[f"process/{step}.md"]
    targets = MARKDOWN_LINK.findall(page)
    assert [t for t in linked if t not in targets] == []
    assert ("../tasks/start-up-with-schools.md" in targets) is (
        level == "district" and step == "strategic-implementation"
    )
    assert ("‘Start-up and Phase-in with Schools’" in page) is (
        level == "district" and step == "strategic-implementation"
    )


def test_citation_names_the_section_only_when_it_is_not_the_title() -> None:
    _, pages = example_site("district")
    partnerships = pages["jobs/district-partnership-facilitator.md"]
    assert (
        '<small class="ls-citation">Source: What Do DISTRICT Facilitators Do? National Network of '
        "Partnership Schools.</small>"
    ) in partnerships
    facilitator = pages["jobs/learning-supports-facilitator.md"]
    assert (
        "Source: Notes About the Learning Supports Facilitator Position, Introducing the New "
        "Position and Those Hired to Fill It; A Note About the Job Description"
    ) in facilitator
    assert "Position, Notes About the Learning Supports Facilitator Position" not in facilitator
