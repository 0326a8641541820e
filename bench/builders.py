"""The site built by each builder, for the ``builders`` step of bench/run.py: MkDocs and
ProperDocs with the plugin, Zensical from ``lstoolkit build-docs``; the example district and a
site of about 2,000 pages, side by side in one run."""

from __future__ import annotations

import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

BIN = Path(sys.executable).parent
#: One run of a console script in a fresh process: wall seconds, CPU seconds, peak memory (MB).
Runner = Callable[[Path, Sequence[str], Path], tuple[float, float, float]]
Row = tuple[str, str, str, str, str]
LABELS = {
    "mkdocs": "Builder: MkDocs, with the plugin",
    "properdocs": "Builder: ProperDocs, with the plugin",
    "zensical": "Builder: Zensical, from lstoolkit build-docs",
}


def build(
    builder: str, config: Path, run: Runner, *, fresh: bool = True
) -> tuple[float, float, Path]:
    """One build of ``config``'s site: seconds, peak MB, the site's folder. Zensical's time is
    build-docs and the build together; ``fresh`` starts it without its cache."""
    work = config.parent
    if builder != "zensical":
        site = work / f"site-{builder}"
        seconds, _, peak = run(
            BIN / builder,
            ("build", "--quiet", "--config-file", str(config), "--site-dir", str(site)),
            work,
        )
        return seconds, peak, site
    out = work / "generated"
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    first, _, peak_first = run(
        BIN / "lstoolkit",
        ("build-docs", "--quiet", "--config-file", str(config), "--out", str(out)),
        work,
    )
    second, _, peak_second = run(
        BIN / "zensical",
        ("build", "--config-file", str(out / "mkdocs.yml"), *(["--clean"] if fresh else [])),
        work,
    )
    return first + second, max(peak_first, peak_second), out / "site"


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def bench_builders(district: Path, big: Path, run: Runner, *, runs: int) -> list[Row]:
    """Each builder on the example district and on the big site, ``runs`` runs each in rounds
    (then Zensical once more, with its cache); fails when a builder's pages differ from MkDocs'."""
    small: dict[str, list[tuple[float, float]]] = {name: [] for name in LABELS}
    expected: set[str] = set()
    for _ in range(runs):
        for name in LABELS:
            seconds, peak, site = build(name, district, run)
            small[name].append((seconds, peak))
    large: dict[str, list[tuple[float, float]]] = {name: [] for name in LABELS}
    for _ in range(runs):
        for name in LABELS:
            seconds, peak, site = build(name, big, run)
            large[name].append((seconds, peak))
            if name == "mkdocs":
                expected = pages(site)
            elif pages(site) != expected:
                sys.exit(
                    f"bench: {name} built other pages than MkDocs: {sorted(pages(site) ^ expected)[:5]}"
                )
    again = build("zensical", big, run, fresh=False)[0]
    base_small = statistics.median(s for s, _ in small["mkdocs"])
    base_large = statistics.median(s for s, _ in large["mkdocs"])
    rows: list[Row] = []
    for name, label in LABELS.items():
        times, big_times = [s for s, _ in small[name]], [s for s, _ in large[name]]
        cached = f"; again with its cache {again:.1f} s" if name == "zensical" else ""
        rows.append(
            (
                label,
                f"example district {_spread(times)}, peak {max(p for _, p in small[name]):.0f} MB ({_version(name)})",
                f"{len(expected):,} pages: {_spread(big_times)}, peak {max(p for _, p in large[name]):.0f} MB{cached}",
                f"{statistics.median(times) / base_small:.2f} / {statistics.median(big_times) / base_large:.2f}",
                "same pages as MkDocs",
            )
        )
    return rows


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"


def _version(name: str) -> str:
    return f"{name} {version(name)}"


NOTE = """\
- **Builders**: the example district (no handouts) and the prototype with mechanisms added until
  the site has about 2,000 pages (as in the scale rows), each build in a fresh process: `mkdocs
  build` and `properdocs build` with the plugin; for Zensical, `lstoolkit build-docs` into an
  empty directory and then `zensical build --clean` (without its cache), the two times added, the
  peak being the larger of the two processes'; medians of 3 runs in rounds. The ratio is to
  MkDocs' time: example district / 2,000 pages. Each builder's set of pages is checked to be
  MkDocs'. Zensical keeps a cache beside the configuration (`generated/.cache/`): a build with
  nothing changed takes the time given as 'again with its cache'. Its search index refuses a page
  of about 7,000 addresses or more, so the addresses page of a toolkit of more than 3,000 is left
  out of the search index."""
