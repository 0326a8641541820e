"""Benchmarks: lstoolkit against its baselines, side by side in one run.

    make bench            # or: .venv/bin/python bench/run.py [--quick]

Prints a Markdown table and writes it to docs/benchmarks.md. The machine is shared and noisy, so
every figure is a median over several runs, with min and max, and each target is a ratio to a
baseline measured in the same run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstoolkit.adapt import adapt  # noqa: E402
from lstoolkit.check import check_adapted  # noqa: E402
from lstoolkit.handouts import HandoutRenderer, handout_environment, plan_handouts, render_handouts, render_pdf  # noqa: E402
from lstoolkit.layers import read_chain  # noqa: E402
from lstoolkit.load import load_content, prototype_content_dir  # noqa: E402
from lstoolkit.render import SiteRenderer, page_environment, site_navigation  # noqa: E402

PYTHON = sys.executable
BUILD_ONE = ROOT / "bench" / "build_one.py"
Row = tuple[str, str, str, str, str]


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"


def build_process(config: Path, site: Path, **env: str) -> dict[str, Any]:
    """One MkDocs build in its own process: wall time, peak memory, pages, output size."""
    result = subprocess.run(
        [PYTHON, str(BUILD_ONE), str(config), str(site)], capture_output=True, text=True,
        env={**os.environ, **env}, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"bench: the build of {config} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def alternate(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[list[float], list[float]]:
    """Run a and b alternately, so that drifts of a shared machine hit both."""
    first, second = [], []
    for _ in range(runs):
        first.append(a())
        second.append(b())
    return first, second


# -- 1. plugin overhead and 4. live preview -----------------------------------------------------


def export_static(work: Path) -> Path:
    """The example district's generated pages written out as static Markdown, with a plain config."""
    tree = load_content()
    adapted = adapt(tree, read_chain(ROOT / "examples" / "district" / "agency.yml"))
    renderer = SiteRenderer(adapted, check_adapted(adapted), page_environment([ROOT / "overrides" / "lstoolkit"]))
    docs = work / "static" / "docs"
    for page in renderer.pages():
        (docs / page.uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.uri).write_text(renderer.render(page), encoding="utf-8")
    (docs / "assets" / "lstoolkit").mkdir(parents=True, exist_ok=True)
    (docs / "assets" / "lstoolkit" / "mechanisms.svg").write_text(renderer.diagram(), encoding="utf-8")
    shutil.copy(ROOT / "templates" / "site" / "lstoolkit.css", docs / "assets" / "lstoolkit" / "lstoolkit.css")
    shutil.copy(ROOT / "examples" / "district" / "docs" / "contact.md", docs / "contact.md")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = "docs"
    config["plugins"] = ["search"]
    config["nav"] = site_navigation(renderer, ["contact.md"])
    config["extra_css"] = ["assets/lstoolkit/lstoolkit.css"]
    config["theme"].pop("custom_dir")
    config_file = work / "static" / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


def site_config(work: Path, **options: Any) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(ROOT / "examples" / "district" / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = {"agency": str(ROOT / "examples" / "district" / "agency.yml"), **options}
    path = work / f"mkdocs-{len(list(work.glob('mkdocs-*.yml')))}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def bench_overhead(work: Path, runs: int) -> list[Row]:
    ours_config = site_config(work, handouts="false")
    static_config = export_static(work)
    ours, plain = alternate(
        lambda: build_process(ours_config, work / "out-ours")["seconds"],
        lambda: build_process(static_config, work / "out-plain")["seconds"],
        runs,
    )
    ratio = statistics.median(ours) / statistics.median(plain)
    return [
        ("Plugin overhead: site build, whole process", spread(ours), spread(plain), f"{ratio:.2f}", "≤ 1.10"),
    ]


def bench_live_preview(work: Path, runs: int) -> list[Row]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    agency = work / "preview" / "examples"
    shutil.copytree(ROOT / "examples", agency)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(agency / "district" / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = {"agency": str(agency / "district" / "agency.yml"), "handouts": "false", "root": str(agency)}
    ours_file = work / "preview" / "mkdocs.yml"
    ours_file.write_text(yaml.safe_dump(config, sort_keys=False))
    static_file = work / "static" / "mkdocs.yml"
    district = agency / "district" / "agency.yml"
    original = district.read_text()

    def ours() -> float:
        district.write_text(original.replace("facilitator_positions: 12", f"facilitator_positions: {time.time_ns() % 90 + 10}"))
        start = time.perf_counter()
        cfg = load_config(str(ours_file), site_dir=str(work / "preview-site"))
        cfg.plugins.on_startup(command="serve", dirty=False)  # as mkdocs serve: no PDFs, no staging
        build(cfg)
        return time.perf_counter() - start

    def plain() -> float:
        start = time.perf_counter()
        build(load_config(str(static_file), site_dir=str(work / "preview-plain")))
        return time.perf_counter() - start

    ours_times, plain_times = alternate(ours, plain, runs)
    ratio = statistics.median(ours_times) / statistics.median(plain_times)
    return [("Live preview: rebuild after saving agency.yml", spread(ours_times), spread(plain_times), f"{ratio:.2f}", "≤ 1.5, no PDF")]


# -- 2. handouts --------------------------------------------------------------------------------


def bench_handouts(work: Path, runs: int) -> list[Row]:
    import weasyprint

    tree = load_content()
    adapted = adapt(tree, read_chain(ROOT / "examples" / "district" / "agency.yml"))
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    handouts = plan_handouts(adapted)
    rows: list[Row] = []
    for handout in handouts:
        html = renderer.html(handout)
        bare = html.replace(renderer.stylesheet(), 'html { font-family: "DejaVu Sans", sans-serif; }')
        ours, plain = alternate(
            lambda: render_pdf(html, handout.name)[0],
            lambda: _timed_once(lambda: weasyprint.HTML(string=bare).write_pdf()),
            runs,
        )
        ratio = statistics.median(ours) / statistics.median(plain)
        rows.append((f"Handout {handout.filename}", spread(ours), spread(plain), f"{ratio:.2f}", "≤ 1.2"))
    serial = _timed_once(lambda: render_handouts(renderer, handouts, work / "h1", cache_dir=work / "c1", jobs=1))
    cores = os.cpu_count() or 1
    parallel = _timed_once(lambda: render_handouts(renderer, handouts, work / "h2", cache_dir=work / "c2", jobs=cores))
    rows.append((f"All {len(handouts)} handouts, parallel ({cores} cores) vs serial", f"{parallel:.2f} s", f"{serial:.2f} s",
                 f"{serial / parallel:.2f}× faster", f"close to {cores}×"))
    config = site_config(work, handouts="true")
    first = build_process(config, work / "rebuild-site")
    again = build_process(config, work / "rebuild-site")
    alone = build_process(site_config(work, handouts="false"), work / "rebuild-plain")
    rows.append(("Rebuild with unchanged inputs (PDFs rendered: first / again)",
                 f"{again['seconds']:.2f} s ({again['rendered']} PDFs rendered; first build {first['rendered']})",
                 f"{alone['seconds']:.2f} s (site alone)", f"{again['seconds'] / alone['seconds']:.2f}", "0 PDFs, ≈ 1"))
    return rows


def _timed_once(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- 3. scale -----------------------------------------------------------------------------------


def chain_project(work: Path, layers: int) -> Path:
    """A district and a chain of ``layers`` school layers, each adding a mechanism (a page)."""
    root = work / f"chain-{layers}"
    root.mkdir()
    (root / "docs").mkdir()
    (root / "layer-0.yml").write_text("agency: {name: District, level: district}\nversion: '1'\nvalues: {facilitator_positions: 3}\n")
    for i in range(1, layers + 1):
        (root / f"layer-{i}.yml").write_text(
            f"extends: layer-{i - 1}.yml\nagency: {{name: School {i}, level: school}}\nversion: '1'\nchanges:\n"
            f"  - add: mechanisms\n    text: {{id: school-team-{i}, title: School {i} team, description: The team of school {i}.}}\n"
            f"    why: Each school has its own team.\n"
        )
    return _scale_config(root, {"agency": f"layer-{layers}.yml", "handouts": "false"})


def content_project(work: Path, pages: int) -> Path:
    """The prototype content with mechanisms added until the site has about ``pages`` pages."""
    root = work / f"content-{pages}"
    content = root / "content"
    shutil.copytree(prototype_content_dir(), content)
    mechanisms = yaml.safe_load((content / "mechanisms.yml").read_text())
    template = {k: v for k, v in mechanisms["items"][2].items() if k in ("id", "title", "description", "source")}
    template["functions"] = mechanisms["items"][2]["functions"][:3]  # a page of some substance, and
    for i in range(max(0, pages - 60)):  # the file stays under the 2 MiB limit of a content file
        extra = copy.deepcopy(template)  # no shared objects: YAML would write them as aliases
        extra.update(id=f"extra-{i}", title=f"Extra mechanism {i}")
        mechanisms["items"].append(extra)
    (content / "mechanisms.yml").write_text(yaml.safe_dump(mechanisms, sort_keys=False, allow_unicode=True))
    (root / "docs").mkdir()
    return _scale_config(root, {"content": "content", "handouts": "false"})


def _scale_config(root: Path, options: dict[str, str]) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.pop("docs_dir")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = options
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def bench_scale(work: Path, sizes: list[tuple[str, int]]) -> list[Row]:
    rows: list[Row] = []
    per_page: dict[str, float] = {}
    for kind, size in sizes:
        config = chain_project(work, size) if kind == "chain" else content_project(work, size)
        result = build_process(config, config.parent / "site")
        ms = 1000 * result["seconds"] / result["pages"]
        per_page.setdefault(kind + "-first", ms)
        per_page[kind] = ms
        label = f"{size} school layers" if kind == "chain" else f"content for {size} pages"
        rows.append((
            f"Scale: {label}", f"{result['seconds']:.1f} s, {result['pages']} pages, {ms:.1f} ms/page",
            f"peak {result['peak_mb']:.0f} MB, output {result['output_mb']:.1f} MB", "", "< 1 GB",
        ))
    for kind in ("chain", "content"):
        if kind in per_page:
            ratio = per_page[kind] / per_page[kind + "-first"]
            rows.append((f"Scale ({kind}): ms/page, largest / smallest", "", "", f"{ratio:.2f}", "≤ 1.2"))
    return rows


# -- 5. check -----------------------------------------------------------------------------------


def bench_check(runs: int) -> list[Row]:
    command = [str(Path(PYTHON).with_name("lstoolkit")), "check", "examples/school/agency.yml"]
    times = timed(lambda: subprocess.run(command, cwd=ROOT, capture_output=True, check=True), runs)
    baseline = timed(lambda: subprocess.run([PYTHON, "-c", "pass"], capture_output=True, check=True), runs)
    return [("lstoolkit check, three-layer chain, whole process", spread(times), spread(baseline) + " (python -c pass)", "", "< 0.5 s")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    sizes = [("chain", 10), ("chain", 100)] + ([] if args.quick else [("chain", 1000)])
    sizes += [("content", 200)] + ([] if args.quick else [("content", 2000)])
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="lstoolkit-bench-") as tmp:
        work = Path(tmp)
        for name, step in [
            ("check", lambda: bench_check(runs * 2)),
            ("plugin overhead", lambda: bench_overhead(work, runs)),
            ("live preview", lambda: bench_live_preview(work, runs)),
            ("handouts", lambda: bench_handouts(work, 3)),
            ("scale", lambda: bench_scale(work, sizes)),
        ]:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            rows += step()
    table = report(rows, quick=args.quick)
    print(table)
    args.out.write_text(table, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


def report(rows: list[Row], *, quick: bool) -> str:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    versions = ", ".join(f"{p} {version(p)}" for p in ("lstoolkit", "mkdocs", "mkdocs-material", "weasyprint"))
    lines = [
        "# Benchmarks",
        "",
        f"- Command: `make bench`{' (with --quick)' if quick else ''}",
        f"- Machine: {machine}",
        f"- Versions: {versions}",
        "- Medians over several runs (min, max, n); each ratio is lstoolkit over its baseline, measured in the same run.",
        "",
        "| benchmark | lstoolkit | baseline | ratio | target |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
