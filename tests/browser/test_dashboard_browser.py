"""The state's dashboard of its districts in a real Chromium: axe (WCAG 2.0/2.1 A and AA) at
desktop and phone widths, no page-wide sideways scroll at 320 px, no request to another host,
and the filters used with the keyboard alone, their result announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()
PAGES = ["districts/", "districts/oakdale/", "districts/maple-grove/", "districts/westbrook/"]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], str]) -> str:
    site = tmp_path_factory.mktemp("state-site")
    build(
        load_config(
            str(ROOT / "tests" / "sites" / "state" / "mkdocs.yml"), site_dir=str(site), strict=True
        )
    )
    return serve(site)


@pytest.mark.parametrize("width", [1280, 320])
def test_dashboard_and_district_pages_pass_axe(base: str, browser: Browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    failures = []
    for path in PAGES:
        page.goto(base + path, wait_until="networkidle")
        for violation in AXE.run(page, options=WCAG).response["violations"]:
            failures.append(f"/{path} at {width}px: {violation['id']}: {violation['help']}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"/{path} at {width}px: the page scrolls sideways by {overflow}px")
    context.close()
    assert failures == []
    host = urlsplit(base).netloc
    assert {
        u for u in requests if urlsplit(u).netloc != host and not u.startswith(("data:", "blob:"))
    } == set()


def visible_districts(page: Page) -> list[str]:
    names = page.evaluate(
        "() => [...document.querySelectorAll('.ls-districts tbody tr')].filter(r => !r.hidden)"
        ".map(r => r.cells[0].textContent.trim())"
    )
    assert isinstance(names, list), names
    return names


def tab_to(page: Page, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reached with the Tab key")


def test_filters_work_with_the_keyboard_and_announce_the_result(base: str, page: Page) -> None:
    page.goto(base + "districts/", wait_until="networkidle")
    assert len(visible_districts(page)) == 6
    status = page.locator(".ls-filter__status")
    assert (
        status.get_attribute("role") == "status"
        and status.inner_text() == "Showing 6 of 6 districts."
    )
    label = page.evaluate("() => document.querySelector('label[for=ls-filter-region]').textContent")
    assert label == "Region"
    tab_to(page, "ls-filter-region")
    page.keyboard.press("ArrowDown")  # "All" -> "Central"
    assert visible_districts(page) == ["Oakdale Public Schools"]
    assert status.inner_text() == "Showing 1 of 6 districts."
    page.keyboard.press("ArrowDown")  # -> "Coastal"
    assert visible_districts(page) == ["Harbor City School District", "Westbrook School District"]
    tab_to(page, "ls-filter-status")
    page.keyboard.press("ArrowDown")  # -> "adopted"
    assert visible_districts(page) == ["Westbrook School District"]
    assert status.inner_text() == "Showing 1 of 6 districts."


def test_every_district_is_reached_from_the_dashboard(base: str, page: Page) -> None:
    page.goto(base + "districts/")
    links = page.locator(".ls-districts tbody a").evaluate_all("els => els.map(e => e.href)")
    assert len(links) == 6
    for href in links:
        response = page.request.get(href)
        assert response.ok, href
