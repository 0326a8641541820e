"""Reading a published site in the browser: the version selector and the version banner
(tests/browser/test_publish_browser.py, tests/browser/test_fork_journey_browser.py).

Here, not in a test module, so that both import it by one name: pytest puts tests/ and
tests/browser/ on the path, and mypy (mypy_path = tests) sees tests/ only."""

from __future__ import annotations

from playwright.sync_api import Page


def selector(page: Page, url: str) -> list[str]:
    """The titles the version selector lists on the page at ``url``."""
    page.goto(url)
    links = page.locator(".md-version__list .md-version__link")
    page.locator(".md-version").first.wait_for(state="attached", timeout=15_000)
    return [" ".join(t.split()) for t in links.all_text_contents()]


def banner(page: Page, url: str) -> tuple[int, str]:
    """The HTTP status of ``url`` and the text of the version banner it shows."""
    response = page.goto(url)
    assert response is not None, f"{url}: no response"
    found = page.locator(".lstoolkit-banner")
    return response.status, " ".join(found.inner_text().split()) if found.count() else ""
