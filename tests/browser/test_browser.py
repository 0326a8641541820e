"""The example district's site as the public uses it: in a real Chromium, served on 127.0.0.1.

Every page: axe-core (WCAG 2.0/2.1 A and AA) with no violation, a language, a unique title, one
h1, no skipped heading level, header cells in tables, no horizontal scroll at 320 px, and no
request to any other host. Then search, navigation, PDF downloads, the version selector over a
mike deployment, and hostile agency strings.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Browser, Dialog, Page
from pypdf import PdfReader

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()


def pages_of(site: Path) -> list[str]:
    return sorted(
        str(p.parent.relative_to(site)).replace(".", "")
        for p in site.rglob("index.html")
        if "search" not in p.parts
    )


def url_of(base: str, page: str) -> str:
    return base + (page + "/" if page else "")


@pytest.fixture(scope="module")
def base(district_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(district_site)


def test_every_page_passes_axe_and_the_structure_checks(
    district_site: Path, base: str, page: Page
) -> None:
    host = urlsplit(base).netloc
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    titles: dict[str, str] = {}
    failures: list[str] = []
    for path in pages_of(district_site):
        page.goto(url_of(base, path), wait_until="networkidle")
        results = AXE.run(page, options=WCAG)
        for violation in results.response["violations"]:
            failures.append(
                f"/{path}: {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
            )
        facts = page.evaluate(STRUCTURE)
        if not facts["lang"]:
            failures.append(f"/{path}: no <html lang>")
        if facts["h1"] != 1:
            failures.append(f"/{path}: {facts['h1']} h1 elements")
        if facts["skipped"]:
            failures.append(f"/{path}: heading levels skipped: {facts['skipped']}")
        if facts["tablesWithoutTh"]:
            failures.append(f"/{path}: {facts['tablesWithoutTh']} tables without header cells")
        titles.setdefault(facts["title"], path)
        if titles[facts["title"]] != path:
            failures.append(f"/{path}: same title as /{titles[facts['title']]}: {facts['title']}")
    assert failures == []
    assert all(
        urlsplit(u).netloc == host for u in requests if not u.startswith(("data:", "blob:"))
    ), {u for u in requests if urlsplit(u).netloc != host}


STRUCTURE = """() => {
  const main = document.querySelector('article') || document.body;
  const levels = [...main.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => Number(h.tagName[1]));
  const skipped = [];
  for (let i = 1; i < levels.length; i++) if (levels[i] > levels[i-1] + 1) skipped.push(levels[i-1] + '->' + levels[i]);
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll('h1').length,
    skipped,
    tablesWithoutTh: [...document.querySelectorAll('article table')].filter(t => !t.querySelector('th')).length,
  };
}"""


def test_no_horizontal_scroll_at_320_px(district_site: Path, base: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = []
    for path in pages_of(district_site):
        page.goto(url_of(base, path))
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            wide.append(f"/{path}: {overflow}px")
    context.close()
    assert wide == []


def test_skip_link_moves_focus_to_the_content(base: str, page: Page) -> None:
    page.goto(base)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert focused[0].lower().startswith("skip to content")
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("() => location.hash") == focused[1]
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('.md-content')")
    assert inside


def test_search_finds_the_renamed_steering_body(base: str, page: Page) -> None:
    page.goto(base)
    page.locator(".md-search__input").click()
    # The index is built in a web worker; on a busy machine that takes a while.
    page.wait_for_function(SEARCH_READY, timeout=90_000)
    page.locator(".md-search__input").press_sequentially("steering committee")
    result = page.locator(".md-search-result__link").first
    result.wait_for(timeout=90_000)
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    target = next(link for link in links if "mechanisms/steering-body" in link)
    page.goto(target)
    assert "Learning Supports Steering Committee" in page.locator("h1").inner_text()


SEARCH_READY = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta && !/initializing/i.test(meta.textContent);
}"""


def test_navigation_reaches_every_generated_page(
    district_site: Path, base: str, page: Page
) -> None:
    page.goto(base)
    hrefs = page.locator("nav.md-nav--primary a.md-nav__link[href]").evaluate_all(
        "els => els.map(e => e.href)"
    )
    reached = {urlsplit(h).path.strip("/") for h in hrefs}
    for path in pages_of(district_site):
        if path in ("", "404"):
            continue
        assert path in reached, path


def test_pdf_links_download_files_that_open(district_site: Path, base: str, page: Page) -> None:
    page.goto(base + "handouts/")
    links = page.locator("article a[href$='.pdf']").evaluate_all(
        "els => els.map(e => [e.href, e.textContent])"
    )
    published = sorted(p.name for p in (district_site / "handouts").glob("*.pdf"))
    assert sorted(href.rsplit("/", 1)[1] for href, _ in links) == published  # every handout, once
    assert (
        len(published) == 15
    )  # two session sheets, the briefing, 3 postings and their supervising notes, ...
    for href, text in links:
        assert "(PDF, " in text and " KB)" in text
        response = page.request.get(href)
        assert response.ok and response.body().startswith(b"%PDF-")
        assert len(PdfReader(io.BytesIO(response.body())).pages) >= 1


def test_version_selector_lists_two_mike_versions(
    tmp_path: Path, serve: Callable[[Path], str], page: Page
) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples", project / "examples")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["plugins"][1]["lstoolkit"]["handouts"] = "false"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Coach",
        "GIT_AUTHOR_EMAIL": "coach@example.org",
        "GIT_COMMITTER_NAME": "Coach",
        "GIT_COMMITTER_EMAIL": "coach@example.org",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }

    def run(*args: str) -> None:
        subprocess.run(args, cwd=project, env=env, check=True, capture_output=True)

    run("git", "init", "-q", "-b", "main")
    run("git", "config", "user.name", "Coach")  # mike reads the identity from git's config
    run("git", "config", "user.email", "coach@example.org")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "2026.1")
    mike = str(Path(sys.executable).with_name("mike"))
    run(mike, "deploy", "--branch", "pages", "2026.1")
    run(mike, "deploy", "--branch", "pages", "--update-aliases", "2027.1", "latest")
    exported = tmp_path / "served"
    run("git", "worktree", "add", str(exported), "pages")
    base = serve(exported)
    page.goto(base + "2027.1/")
    selector = page.locator(".md-version__list .md-version__link")
    selector.first.wait_for(state="attached", timeout=15000)
    versions = [t.strip() for t in selector.all_text_contents()]
    assert any("2026.1" in v for v in versions) and any("2027.1" in v for v in versions)


def test_hostile_agency_strings_show_as_text_and_run_nothing(
    tmp_path: Path, serve: Callable[[Path], str], page: Page
) -> None:
    """Markup is refused in names and titles (LS302) and shown as text in prose: on the page, in
    the page title, and in search results, which render the search index as HTML."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "agency.yml").write_text(
        "agency: {name: \"Springfield &lt;script&gt;alert('x')&lt;/script&gt; & Co\", level: district}\n"
        "version: '1'\nvalues: {facilitator_positions: 3}\n"
        'terms: {Steering Body: "Steering &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; Body"}\n'
        "changes:\n  - add: mechanisms/steering-body/functions\n"
        "    text: \"zebrafish [click](javascript:alert('z')) {{ 7*7 }} <b onmouseover=alert(1)>b</b> <img src=x onerror=alert('y')>\"\n"
        "    why: test\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: Test\ntheme: {{name: material, font: false, custom_dir: {ROOT / 'overrides'}}}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n"
        "plugins: [search, {lstoolkit: {agency: agency.yml, handouts: 'false'}}]\n"
    )
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    base = serve(tmp_path / "site")
    dialogs: list[str] = []
    errors: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in ("", "mechanisms/steering-body/", "adaptations/"):
        page.goto(base + path)
        page.mouse.move(200, 300)
        page.wait_for_timeout(100)
    body = page.locator("article").inner_text()
    page.goto(base + "mechanisms/steering-body/")
    text = page.locator("article").inner_text()
    assert (
        "[click](javascript:alert('z')) {{ 7*7 }} <b onmouseover=alert(1)>b</b> <img src=x onerror=alert('y')>"
        in text
    )
    assert page.locator("article a[href^='javascript:']").count() == 0
    assert "</title><script>alert(1)</script>" in page.title()
    assert (
        page.locator("script:not([src])").evaluate_all(
            "els => els.filter(e => e.textContent.includes('alert')).length"
        )
        == 0
    )
    page.goto(base)
    page.locator(".md-search__input").click()
    page.wait_for_function(SEARCH_READY, timeout=90_000)
    page.locator(".md-search__input").press_sequentially("zebrafish")
    page.locator(".md-search-result__link").first.wait_for(timeout=90_000)
    page.locator(".md-search-result__link").first.hover()
    page.wait_for_timeout(300)
    assert page.locator(".md-search-result img, .md-search-result b[onmouseover]").count() == 0
    assert dialogs == [] and errors == [], (dialogs, errors)
    assert body


def test_a_template_that_breaks_accessibility_is_caught(
    tmp_path: Path, serve: Callable[[Path], str], page: Page
) -> None:
    """The axe check fails on a deliberately broken template (an image without alternative text)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "overrides" / "lstoolkit").mkdir(parents=True)
    home = (ROOT / "templates" / "pages" / "home.md.j2").read_text()
    (tmp_path / "overrides" / "lstoolkit" / "home.md.j2").write_text(
        home + '\n<img src="assets/lstoolkit/mechanisms.svg">\n'
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\ntheme: {name: material, font: false, custom_dir: overrides}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n"
        "plugins: [search, {lstoolkit: {handouts: 'false'}}]\n"
    )
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    page.goto(serve(tmp_path / "site"))
    violations = AXE.run(page, options=WCAG).response["violations"]
    assert "image-alt" in {v["id"] for v in violations}
