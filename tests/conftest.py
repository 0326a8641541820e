"""Fixtures shared by the suite and the browser suite."""

from __future__ import annotations

import pytest
from helpers_forks import LAYOUTS, Journey, run_journey


@pytest.fixture(scope="session", params=LAYOUTS)
def fork_journey(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Journey:
    """A district's journey in each fork layout, run once for every test that reads it."""
    kind: str = request.param
    return run_journey(kind, tmp_path_factory.mktemp(f"journey-{kind}"))
