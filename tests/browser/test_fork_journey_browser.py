"""The fork journey (tests/test_fork_journey.py) as a reader meets it, in both layouts: the branch
'lstoolkit publish' committed to, exported after each step and served, opened in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_forks import Journey
from helpers_publish import banner, selector
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_draft_serves_the_draft_before_anything_is_adopted(
    fork_journey: Journey, serve: Callable[[Path], str], page: Page
) -> None:
    base = serve(fork_journey.branches["draft"])
    status, text = banner(page, base + "draft/")
    assert status == 200 and text.startswith("Draft, not yet adopted · version 2027.1")
    assert banner(page, base + "latest/")[0] == 404


def test_latest_lists_the_adopted_version_and_draft_is_gone(
    fork_journey: Journey, serve: Callable[[Path], str], page: Page
) -> None:
    base = serve(fork_journey.branches["adopted"])
    assert selector(page, base + "latest/") == ["2027.1 (adopted 2027-06-10)"]
    status, text = banner(page, base + "latest/")
    assert status == 200 and text.startswith(
        "Adopted by the Board of Education on 10 June 2027 (Resolution 2027-12) · version 2027.1"
    )
    assert "version 2027.1" in banner(page, base)[1]  # the root redirects to /latest/
    assert banner(page, base + "draft/")[0] == 404
