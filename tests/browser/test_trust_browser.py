"""An agency file that keeps to the rules but tries its luck, in a real Chromium.

'<' and '>' are refused in names, terms and titles; what stays allowed is everything that looks
like markup once unescaped: entity lookalikes (``&lt;script&gt;``), quotes, ampersands, Jinja and
Markdown syntax. Two builds of the same pages, one clean and one with these strings, are served;
on every page of the second no dialog opens, no error is logged, no script runs but the theme's
(the scripts are those of the clean build), no element has an event handler, and the strings show
as written. The search results and the logo, opened directly, are checked too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Browser, Dialog

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent
LURE = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
#: Field -> (clean string, hostile string). Terms begin and end with a letter, within 100 characters.
STRINGS = {
    "name": (
        "Springfield Schools",
        f"Springfield {LURE} \"Q\" 'S' &amp; {{{{ 7*7 }}}} `x` Schools",
    ),
    "short_name": ("SPS", 'SPS &amp; "Q"'),
    "component": (
        "Learning Supports Component",
        "Component &#60;script&#62;alert(2)&#60;/script&#62; `y`",
    ),
    "term": ("Steering Group", f"Steering {LURE} &amp; 'S' {{{{ 7*7 }}}} `z` Body"),
    "value": ("12", "13"),  # a number: the content declares it so, and text is refused
    "item": ("Local Team", "A & B \"quoted\" 'single'"),
    "item_title": ("Planning Team", "Planning &lt;/title&gt;&lt;svg onload=alert(4)&gt; Team"),
    "entry_title": ("Reports", "Reports &lt;iframe src=javascript:alert(5)&gt;"),
    "text": (
        "reports to the board",
        "[x](javascript:alert(6)) &lt;script&gt;alert(7)&lt;/script&gt; ${facilitator_positions}",
    ),
    "why": ("The board asked.", "&lt;b onmouseover=alert(8)&gt;why&lt;/b&gt; {% raw %}"),
}
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A &amp; B "Q"</title><rect width="10" height="10" fill="#036"/></svg>\n'


def agency(which: int) -> dict[str, Any]:
    s = {field: pair[which] for field, pair in STRINGS.items()}
    return {
        "agency": {
            "name": s["name"],
            "short_name": s["short_name"],
            "level": "district",
            "logo": "logo.svg",
        },
        "version": "1",
        "component_name": s["component"],
        "terms": {"Steering Body": s["term"]},
        "values": {"facilitator_positions": s["value"]},
        "changes": [
            {
                "add": "mechanisms",
                "text": {"id": "local-team", "title": s["item"], "description": s["text"]},
                "why": s["why"],
            },
            {
                "replace": "mechanisms/planning-team",
                "text": {"title": s["item_title"]},
                "why": s["why"],
            },
            {
                "add": "mechanisms/steering-body/functions",
                "id": "reports",
                "title": s["entry_title"],
                "text": s["text"],
                "why": s["why"],
            },
        ],
    }


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The clean build and the hostile one, of the same pages."""
    built = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        for which in (0, 1):
            project = tmp_path_factory.mktemp(("clean", "hostile")[which])
            (project / "docs").mkdir()
            (project / "logo.svg").write_text(LOGO, encoding="utf-8")
            (project / "agency.yml").write_text(
                yaml.safe_dump(agency(which), sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
            (project / "mkdocs.yml").write_text(
                f"site_name: Test\ntheme: {{name: material, font: false, custom_dir: {ROOT / 'overrides'}}}\n"
                "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n"
                "plugins: [search, {lstoolkit: {agency: agency.yml, handouts: 'false'}}]\n",
                encoding="utf-8",
            )
            patch.chdir(project)
            build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
            built.append(project / "site")
    yield built[0], built[1]


def pages_of(site: Path) -> list[str]:
    return sorted(
        str(p.parent.relative_to(site)).replace(".", "")
        for p in site.rglob("index.html")
        if "search" not in p.parts
    )


FACTS = """() => ({
  title: document.title,
  h1: (document.querySelector('article h1') || {}).innerText || '',
  scripts: [...document.querySelectorAll('script')].map(s => s.getAttribute('src') || 'inline ' + (s.type || '') + ': ' + s.textContent),
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + '[' + a.name + ']')),
  scriptUrls: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i], iframe, object, embed').length,
})"""

SEARCH_READY = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta && !/initializing/i.test(meta.textContent);
}"""


class Watch:
    """A page that records every dialog (and dismisses it), console error and uncaught error."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dismiss)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dismiss(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str) -> dict[str, Any]:
        self.page.goto(url)
        self.page.mouse.move(200, 300)
        self.page.wait_for_timeout(50)
        facts: dict[str, Any] = self.page.evaluate(FACTS)
        return facts


@pytest.fixture()
def watch(browser: Browser) -> Iterator[Watch]:
    watch = Watch(browser)
    yield watch
    watch.context.close()


def test_every_page_runs_only_the_themes_scripts(
    sites: tuple[Path, Path], serve: Callable[[Path], str], browser: Browser, watch: Watch
) -> None:
    clean, hostile = sites
    assert pages_of(clean) == pages_of(hostile)
    clean_base, hostile_base = serve(clean), serve(hostile)
    reference = Watch(browser)
    failures = []
    for path in pages_of(hostile):
        suffix = path + "/" if path else ""
        expected = reference.visit(clean_base + suffix)
        found = watch.visit(hostile_base + suffix)
        for key in ("scripts", "handlers", "scriptUrls"):
            if found[key] != expected[key]:
                failures.append(f"/{path}: {key}: {found[key]!r} (clean build: {expected[key]!r})")
    reference.context.close()
    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == reference.errors, watch.errors
    assert failures == []


def test_the_strings_show_as_written(
    sites: tuple[Path, Path], serve: Callable[[Path], str], watch: Watch
) -> None:
    base = serve(sites[1])
    home = watch.visit(base)
    assert STRINGS["name"][1] in home["h1"] and STRINGS["component"][1] in home["h1"]
    body = watch.visit(base + "mechanisms/steering-body/")
    assert STRINGS["term"][1] in body["h1"]
    assert "&lt;script&gt;" in body["title"] or "<script>" in body["title"], body["title"]
    text = watch.page.locator("article").inner_text()
    assert STRINGS["entry_title"][1] in text and "[x](javascript:alert(6))" in text
    added = watch.visit(base + "mechanisms/local-team/")
    assert STRINGS["item"][1] in added["h1"] and STRINGS["item"][1] in added["title"]
    renamed = watch.visit(base + "mechanisms/planning-team/")
    assert STRINGS["item_title"][1] in renamed["h1"]
    assert "&lt;/title&gt;" in renamed["title"] or "</title>" in renamed["title"], renamed["title"]
    assert watch.dialogs == [] and watch.errors == [], (watch.dialogs, watch.errors)


def test_search_results_show_the_strings_as_text(
    sites: tuple[Path, Path], serve: Callable[[Path], str], watch: Watch
) -> None:
    watch.page.goto(serve(sites[1]))
    watch.page.locator(".md-search__input").click()
    watch.page.wait_for_function(SEARCH_READY, timeout=90_000)
    watch.page.locator(".md-search__input").press_sequentially("steering")
    watch.page.locator(".md-search-result__link").first.wait_for(timeout=90_000)
    watch.page.mouse.move(300, 200)
    watch.page.wait_for_timeout(200)
    facts = watch.page.evaluate(FACTS)
    results = watch.page.locator(".md-search-result")
    assert (
        results.locator("script, iframe, object, embed, [onerror], [onload], [onmouseover]").count()
        == 0
    )
    assert facts["handlers"] == [] and facts["scriptUrls"] == 0
    assert watch.dialogs == [] and watch.errors == [], (watch.dialogs, watch.errors)


def test_the_logo_opened_directly_runs_nothing(
    sites: tuple[Path, Path], serve: Callable[[Path], str], watch: Watch
) -> None:
    logo = sites[1] / "assets" / "lstoolkit" / "logo.svg"
    if not logo.exists():
        pytest.skip("the site has no logo.svg")
    watch.page.goto(serve(sites[1]) + "assets/lstoolkit/logo.svg")
    assert (
        watch.page.evaluate(
            "() => document.querySelectorAll('script, foreignObject, [onload]').length"
        )
        == 0
    )
    errors = [
        e for e in watch.errors if not e.startswith("Failed to load resource")
    ]  # /favicon.ico
    assert watch.dialogs == [] and errors == [], (watch.dialogs, errors)
