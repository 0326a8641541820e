"""The example district as each builder publishes it (MkDocs and ProperDocs with the plugin,
Zensical from ``lstoolkit build-docs``), in a real Chromium: the home and mechanisms pages pass
axe (WCAG 2.0/2.1 A and AA), show the banner, and request nothing from any other host."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers_builders import BUILDERS, build_with
from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()
PAGES = ("", "mechanisms/")


@pytest.fixture(scope="module", params=BUILDERS)
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    serve: Callable[[Path], str],
) -> tuple[str, str]:
    """One builder's site, served: its name and base URL."""
    builder: str = request.param
    site = build_with(builder, tmp_path_factory.mktemp(f"{builder}-browser"))
    return builder, serve(site)


def test_home_and_mechanisms_pass_axe_with_no_third_party_request(
    built: tuple[str, str], page: Page
) -> None:
    builder, base = built
    host = urlsplit(base).netloc
    requests: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    failures: list[str] = []
    for path in PAGES:
        response = page.goto(base + path, wait_until="networkidle")
        assert response is not None and response.ok, f"{builder}: /{path}"
        for violation in AXE.run(page, options=WCAG).response["violations"]:
            failures.append(
                f"{builder} /{path}: {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
            )
        banner = page.locator(".md-banner")
        assert "Draft for review by the Board of Education" in banner.inner_text(), (
            f"{builder}: /{path} has no banner"
        )
    assert failures == []
    elsewhere = {
        u for u in requests if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != host
    }
    assert elsewhere == set(), builder
    assert any(u.endswith("assets/lstoolkit/mechanisms.svg") for u in requests), (
        f"{builder}: the diagram was not loaded"
    )
