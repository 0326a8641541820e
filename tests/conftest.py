"""Fixtures shared by the suite and the browser suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers_forks import LAYOUTS, Journey, run_journey
from helpers_handouts import Printed, example_district, print_handouts

import lstoolkit.assemble
from lstoolkit.adapt import Adapted
from lstoolkit.handouts import plan_handouts


@pytest.fixture(scope="session", autouse=True)
def sites_prepared_every_time() -> Iterator[None]:
    """The suite's builds in this process prepare their site every time, as a first build does:
    tests read what was prepared (the renderer), and one test's build must not be another's.
    tests/test_site_cache.py turns the cache back on. (Builds in child processes use the user's
    cache: they publish the same bytes either way, which the suite's comparisons then check.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lstoolkit.assemble, "cacheable", lambda options: False)
        yield


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
