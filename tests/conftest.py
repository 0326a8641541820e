"""Fixtures shared by the suite and the browser suite."""

from __future__ import annotations

import pytest
from helpers_forks import LAYOUTS, Journey, run_journey
from helpers_handouts import Printed, example_district, print_handouts

import lstoolkit.cache
from lstoolkit.adapt import Adapted
from lstoolkit.handouts import plan_handouts


@pytest.fixture(autouse=True)
def empty_site_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test's builds in this process start with an empty site cache of their own, so a test
    sees its own build, not one of another test's. (Builds in child processes share the user's
    cache: they publish the same bytes either way, which the suite's comparisons then check.)"""
    where = tmp_path_factory.mktemp("site-cache")
    monkeypatch.setattr(lstoolkit.cache, "site_cache_dir", lambda: where)


@pytest.fixture(scope="session", params=LAYOUTS)
def fork_journey(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Journey:
    """A district's journey in each fork layout, run once for every test that reads it."""
    kind: str = request.param
    return run_journey(kind, tmp_path_factory.mktemp(f"journey-{kind}"))


@pytest.fixture(scope="session")
def district() -> Adapted:
    """The example district (examples/district/agency.yml), adapted."""
    return example_district()


@pytest.fixture(scope="session")
def district_handouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Every handout of the example district, rendered once for the test session: name -> (HTML,
    PDF). (Not from the ``district`` fixture, which a test module may define for itself.)"""
    out = tmp_path_factory.mktemp("district-handouts")
    return print_handouts(example_district(), plan_handouts(example_district()), out)
