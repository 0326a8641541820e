"""Benchmarks: lstoolkit against its baselines, side by side in one run.

    make bench            # or: .venv/bin/python bench/run.py [--quick] [--only growth ...]

Prints a Markdown table and writes it to docs/benchmarks.md. The machine is shared and noisy, so
every figure is a median over several runs, with min and max, and each target is a ratio to a
baseline measured in the same run. Not part of the test suite. With --only, only those steps run
and their rows replace the same rows of docs/benchmarks.md; the notes there are kept.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import builders, districts, scale  # noqa: E402
from lstoolkit.adapt import adapt  # noqa: E402
from lstoolkit.check import check_adapted  # noqa: E402
from lstoolkit.handouts import (  # noqa: E402
    HandoutRenderer,
    handout_environment,
    plan_handouts,
    render_handouts,
    render_pdf,
)
from lstoolkit.layers import read_chain  # noqa: E402
from lstoolkit.load import load_content, prototype_content_dir  # noqa: E402
from lstoolkit.sandbox import templates_dir  # noqa: E402

PYTHON = sys.executable
LSTOOLKIT = Path(PYTHON).with_name("lstoolkit")
MKDOCS = Path(PYTHON).with_name("mkdocs")
BUILD_ONE = ROOT / "bench" / "build_one.py"
ROLLUP_ONE = ROOT / "bench" / "rollup_one.py"
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
        [PYTHON, str(BUILD_ONE), str(config), str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    if result.returncode != 0:
        sys.exit(
            f"bench: the build of {config} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def alternate(
    a: Callable[[], float], b: Callable[[], float], runs: int
) -> tuple[list[float], list[float]]:
    """Run a and b alternately, so that drifts of a shared machine hit both."""
    first, second = [], []
    for _ in range(runs):
        first.append(a())
        second.append(b())
    return first, second


# -- 1. plugin overhead and 4. live preview -----------------------------------------------------


def export_static(work: Path) -> Path:
    """The baseline of the overhead and live preview rows: the example district's site as
    ``lstoolkit build-docs`` writes it (handouts off, as in the plugin build it is compared with),
    to be built by plain MkDocs. It has the plugin build's configuration without the plugin: the
    Material theme over the same theme directory (the site's custom_dir over lstoolkit's banner
    layer), the same Markdown extensions, extra CSS and JavaScript, navigation, banner, footer
    and logo; and the same files: the generated pages and assets (diagrams, stylesheet, scripts,
    logo) and the district's own page. Its pages are the plugin build's, byte for byte
    (:func:`same_pages`), so the ratio is what the plugin adds: its imports, reading, adapting and
    checking the toolkit, generating the pages, and the leak check of each built page."""
    from lstoolkit.export import build_docs

    out = work / "static"
    if not (out / "mkdocs.yml").is_file():
        build_docs(site_config(work, handouts="false"), out, log=_Quiet())
    return out / "mkdocs.yml"


class _Quiet:
    """build-docs' log: the example district's findings are not the benchmark's business."""

    def warning(self, msg: str, /) -> None:
        pass

    def info(self, msg: str, /) -> None:
        pass


def site_config(work: Path, **options: Any) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(ROOT / "examples" / "district" / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = {
        "agency": str(ROOT / "examples" / "district" / "agency.yml"),
        "cache": False,  # every build prepares the site, unless a row says otherwise
        **options,
    }
    path = work / f"mkdocs-{len(list(work.glob('mkdocs-*.yml')))}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def mkdocs_process(config: Path, site: Path, env: dict[str, str]) -> tuple[float, float]:
    """``python -m mkdocs build`` in a fresh process, timed from outside: the wall time a user
    waits for, start-up included, and the process's CPU time."""
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config)]
        + ["--site-dir", str(site)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = os.times()
    if result.returncode != 0:
        sys.exit(f"bench: mkdocs build -f {config} failed:\n{result.stderr[-2000:]}")
    return seconds, after.children_user + after.children_system - (
        before.children_user + before.children_system
    )


def same_pages(ours: Path, plain: Path) -> None:
    """Stop unless the two sites have the same files with the same bytes: every page, asset and
    theme file (the search index lists the same pages, in another order)."""
    files = {p.relative_to(ours) for p in ours.rglob("*") if p.is_file()}
    if files != {p.relative_to(plain) for p in plain.rglob("*") if p.is_file()}:
        sys.exit(f"bench: {ours} and {plain} do not have the same files")
    for name in sorted(files - {Path("search/search_index.json")}):
        if (ours / name).read_bytes() != (plain / name).read_bytes():
            sys.exit(f"bench: {name} differs between {ours} and {plain}")


def bench_overhead(work: Path, runs: int) -> list[Row]:
    """The example district built with the plugin against its pages built without it
    (:func:`export_static`), handouts off on both sides: with the site cache (nothing changed
    since the last build), and without it (every build prepares the site, as the first does).
    Each build is a fresh ``python -m mkdocs build``, the three alternating, after one untimed
    build of each (which fills the cache). All run with Python's bytecode cache, as an installed
    package does: it is kept in the run's temporary directory (whatever PYTHONDONTWRITEBYTECODE
    says), and the untimed builds fill it."""
    configs = {
        "cached": site_config(work, handouts="false", cache=True),
        "prepared": site_config(work, handouts="false"),
        "plain": export_static(work),
    }
    env = {
        **os.environ,
        "PYTHONPYCACHEPREFIX": str(work / "bytecode"),
        "LSTOOLKIT_CACHE_DIR": str(work / "cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name, config in configs.items():
        mkdocs_process(config, work / f"out-{name}", env)
    for name in ("cached", "prepared"):
        same_pages(work / f"out-{name}", work / "out-plain")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
    for _ in range(runs):
        for name, config in configs.items():
            times[name].append(mkdocs_process(config, work / f"out-{name}", env))
    plain = times["plain"]
    rows = []
    for name, title, target in (
        ("cached", "nothing changed (from the cache)", "≤ 1.10"),
        ("prepared", "prepared again (a first build, or an input changed)", ""),
    ):
        ours = times[name]
        ratio = statistics.median(t for t, _ in ours) / statistics.median(t for t, _ in plain)
        cpu = statistics.median(c for _, c in ours) / statistics.median(c for _, c in plain)
        rows.append(
            (
                f"Plugin overhead: site build, whole process, {title}",
                f"{spread([t for t, _ in ours])}, CPU {statistics.median(c for _, c in ours):.2f} s",
                f"{spread([t for t, _ in plain])}, CPU {statistics.median(c for _, c in plain):.2f} s",
                f"{ratio:.2f} (CPU {cpu:.2f})",
                target,
            )
        )
    return rows


OVERHEAD_NOTE = """\
- **Plugin overhead**: the example district built with the plugin against the same site built by
  plain MkDocs, handouts off on both sides. The baseline is what `lstoolkit build-docs` writes for
  that site: its configuration without the plugin (the Material theme over the same theme
  directory, the site's custom_dir over lstoolkit's banner layer; the same Markdown extensions,
  extra CSS and JavaScript, navigation, banner, footer and logo) and its files (the generated
  pages and assets, the district's own page). Both builds write the same files, byte for byte
  but the search index's order, which the bench checks before timing. Each build is a fresh
  `python -m mkdocs build`, timed from outside (start-up included), the three builds (cached,
  prepared, plain) alternating after one untimed build of each, all with Python's bytecode cache
  (as installed). "Nothing changed" takes the prepared site from the site cache (docs/site.md, Rebuilds):
  the plugin then adds its imports, the check that nothing changed (hashing the inputs) and the
  pages' leak checks, known by their hashes. "Prepared again" (`cache: false`) is every build
  before the cache: reading, adapting and checking the toolkit, generating the pages, and the
  leak check of each built page. The other rows build with `cache: false`, except the rebuild
  with unchanged inputs and the live preview, which run as a user's do."""


def bench_live_preview(work: Path, runs: int) -> list[Row]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    agency = work / "preview" / "examples"
    shutil.copytree(ROOT / "examples", agency)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(agency / "district" / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = {
        "agency": str(agency / "district" / "agency.yml"),
        "handouts": "false",
        "root": str(agency),
        "cache": True,  # as mkdocs serve uses it
    }
    ours_file = work / "preview" / "mkdocs.yml"
    ours_file.write_text(yaml.safe_dump(config, sort_keys=False))
    static_file = export_static(work)
    district = agency / "district" / "agency.yml"
    original = district.read_text()

    page = agency / "district" / "docs" / "contact.md"
    page_text = page.read_text()

    def ours() -> float:
        district.write_text(
            original.replace(
                "facilitator_positions: 12", f"facilitator_positions: {time.time_ns() % 90 + 10}"
            )
        )
        return preview_build()

    def ours_page() -> float:
        page.write_text(f"{page_text}\nUpdated at {time.time_ns()}.\n")
        return preview_build()

    def preview_build() -> float:
        start = time.perf_counter()
        cfg = load_config(str(ours_file), site_dir=str(work / "preview-site"))
        cfg.plugins.on_startup(command="serve", dirty=False)  # as mkdocs serve: no PDFs, no staging
        build(cfg)
        return time.perf_counter() - start

    def plain() -> float:
        start = time.perf_counter()
        build(load_config(str(static_file), site_dir=str(work / "preview-plain")))
        return time.perf_counter() - start

    rows = []
    users_cache = os.environ.get("LSTOOLKIT_CACHE_DIR")
    os.environ["LSTOOLKIT_CACHE_DIR"] = str(work / "preview-cache")  # the bench's own cache
    ours_times, plain_times = alternate(ours, plain, runs)
    rows.append(
        (
            "Live preview: rebuild after saving agency.yml",
            spread(ours_times),
            spread(plain_times),
            f"{statistics.median(ours_times) / statistics.median(plain_times):.2f}",
            "≤ 1.5, no PDF",
        )
    )
    # Saving one of the agency's own pages: the toolkit is unchanged, so the site comes from the
    # cache (once the customization file has been left alone for two seconds: one untimed build).
    district.write_text(original)
    os.utime(district, (time.time() - 60, time.time() - 60))
    preview_build()
    ours_times, plain_times = alternate(ours_page, plain, runs)
    rows.append(
        (
            "Live preview: rebuild after saving a page of the agency's (from the cache)",
            spread(ours_times),
            spread(plain_times),
            f"{statistics.median(ours_times) / statistics.median(plain_times):.2f}",
            "≤ 1.10, no PDF",
        )
    )
    if users_cache is None:
        del os.environ["LSTOOLKIT_CACHE_DIR"]
    else:
        os.environ["LSTOOLKIT_CACHE_DIR"] = users_cache
    return rows


# -- 2. handouts --------------------------------------------------------------------------------


def bench_handouts(work: Path, runs: int) -> list[Row]:
    """Each handout against bare WeasyPrint on the same HTML with the same options (PDF/UA-1,
    forms, identifier, base URL, URL fetcher): the ratio is the cost of our own work on the PDF
    (the tag repairs, the form fields' appearance streams)."""
    tree = load_content()
    adapted = adapt(tree, read_chain(ROOT / "examples" / "district" / "agency.yml"))
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    handouts = plan_handouts(adapted)
    rows: list[Row] = []
    for handout in handouts:
        html = renderer.html(handout)
        # One run of each, not measured, loads what the handout uses; a short handout is run
        # more often, against the noise of a shared machine.
        render_pdf(html, handout.name)
        once = _timed_once(lambda html=html: bare_weasyprint(html))
        ours, plain = alternate(
            lambda html=html, name=handout.name: render_pdf(html, name)[0],
            lambda html=html: _timed_once(lambda: bare_weasyprint(html)),
            max(runs, min(21, int(3.0 / once))),
        )
        ratio = statistics.median(ours) / statistics.median(plain)
        rows.append(
            (f"Handout {handout.filename}", spread(ours), spread(plain), f"{ratio:.2f}", "≤ 1.2")
        )
    serial = _timed_once(
        lambda: render_handouts(renderer, handouts, work / "h1", cache_dir=work / "c1", jobs=1)
    )
    cores = os.cpu_count() or 1
    parallel = _timed_once(
        lambda: render_handouts(renderer, handouts, work / "h2", cache_dir=work / "c2", jobs=cores)
    )
    rows.append(
        (
            f"All {len(handouts)} handouts, parallel ({cores} cores) vs serial",
            f"{parallel:.2f} s",
            f"{serial:.2f} s",
            f"{serial / parallel:.2f}× faster",
            f"close to {cores}×",
        )
    )
    # With the site cache, as a user's rebuilds run; the site alone is measured the same way.
    config = site_config(work, handouts="true", cache=True)
    first = build_process(config, work / "rebuild-site")
    again = build_process(config, work / "rebuild-site")
    alone_config = site_config(work, handouts="false", cache=True)
    build_process(alone_config, work / "rebuild-plain")
    alone = build_process(alone_config, work / "rebuild-plain")
    rows.append(
        (
            "Rebuild with unchanged inputs (PDFs rendered: first / again)",
            f"{again['seconds']:.2f} s ({again['rendered']} PDFs rendered; first build {first['rendered']})",
            f"{alone['seconds']:.2f} s (site alone)",
            f"{again['seconds'] / alone['seconds']:.2f}",
            "0 PDFs, ≈ 1",
        )
    )
    return rows


def bare_weasyprint(html: str) -> bytes:
    """``html`` written by WeasyPrint alone, with the options :func:`render_pdf` passes it (the
    same PDF/UA-1 variant, forms, identifier, base URL, and a URL fetcher limited as ours), and
    none of our work on the result."""
    import hashlib

    import weasyprint

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data", "file"), allow_redirects=False)
    document = weasyprint.HTML(
        string=html, base_url=str(templates_dir() / "handouts"), url_fetcher=fetcher
    )
    return document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_forms=True,
        pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii"),
    )


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
    (root / "layer-0.yml").write_text(
        "agency: {name: District, level: district}\nversion: '1'\nvalues: {facilitator_positions: 3}\n"
    )
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
    template = {
        k: v
        for k, v in mechanisms["items"][2].items()
        if k in ("id", "title", "description", "source")
    }
    template["functions"] = mechanisms["items"][2]["functions"][:3]  # a page of some substance, and
    for i in range(max(0, pages - 60)):  # the file stays under the 2 MiB limit of a content file
        extra = copy.deepcopy(template)  # no shared objects: YAML would write them as aliases
        extra.update(id=f"extra-{i}", title=f"Extra mechanism {i}")
        mechanisms["items"].append(extra)
    (content / "mechanisms.yml").write_text(
        yaml.safe_dump(mechanisms, sort_keys=False, allow_unicode=True)
    )
    (root / "docs").mkdir()
    return _scale_config(root, {"content": "content", "handouts": "false"})


def _scale_config(root: Path, options: dict[str, str]) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.pop("docs_dir")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"] = {**options, "cache": False}
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
        rows.append(
            (
                f"Scale: {label}",
                f"{result['seconds']:.1f} s, {result['pages']} pages, {ms:.1f} ms/page",
                f"peak {result['peak_mb']:.0f} MB, output {result['output_mb']:.1f} MB",
                "",
                "< 1 GB",
            )
        )
    for kind in ("chain", "content"):
        if kind in per_page:
            ratio = per_page[kind] / per_page[kind + "-first"]
            rows.append(
                (f"Scale ({kind}): ms/page, largest / smallest", "", "", f"{ratio:.2f}", "≤ 1.2")
            )
    return rows


# -- 5. check -----------------------------------------------------------------------------------


def bench_leaks(work: Path, runs: int) -> list[Row]:
    """The leak check (LS401) over every page of the example site, against parsing the same HTML
    with the standard library's parser alone."""
    from html.parser import HTMLParser

    from lstoolkit.leaks import leaks_in_html

    site = work / "leaks-site"
    subprocess.run(
        [str(MKDOCS), "build", "-q", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env={**os.environ, "LSTOOLKIT_HANDOUTS": "0"},
    )
    pages = [p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))]

    def check() -> None:
        for page in pages:
            leaks_in_html(page)

    def parse() -> None:
        for page in pages:
            HTMLParser().feed(page)

    ours, base = timed(check, runs), timed(parse, runs)
    ratio = statistics.median(ours) / statistics.median(base)
    size = sum(len(p) for p in pages) / 1e6
    return [
        (
            f"leak check, {len(pages)} pages of the example site ({size:.1f} MB)",
            spread(ours),
            spread(base) + " (html.parser alone)",
            f"{ratio:.2f}x",
            "< 0.5 s",
        )
    ]


def bench_check(runs: int) -> list[Row]:
    command = [str(LSTOOLKIT), "check", "examples/school/agency.yml"]
    times = timed(lambda: subprocess.run(command, cwd=ROOT, capture_output=True, check=True), runs)
    baseline = timed(
        lambda: subprocess.run([PYTHON, "-c", "pass"], capture_output=True, check=True), runs
    )
    return [
        (
            "lstoolkit check, three-layer chain, whole process",
            spread(times),
            spread(baseline) + " (python -c pass)",
            "",
            "< 0.5 s",
        )
    ]


# -- 6. growth with changes and terms ------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Runs of one command, each in a fresh process: wall and CPU seconds, peak resident memory."""

    seconds: list[float]
    cpu: list[float]
    peak_mb: list[float]

    @property
    def time(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_time(self) -> float:
        return statistics.median(self.cpu)

    @property
    def memory(self) -> float:
        return statistics.median(self.peak_mb)

    def __str__(self) -> str:
        return f"{spread(self.seconds)}, CPU {self.cpu_time:.2f} s, peak {self.memory:.0f} MB"


#: Runs a console script (lstoolkit, mkdocs) in this process, as its launcher would, then writes
#: the process's CPU seconds and peak resident memory (KiB) to the file named first. The peak is
#: VmHWM, the high-water mark of this program's own memory: ru_maxrss would also count the parent's
#: (fork copies it, exec keeps the mark), here the benchmark's own 40 MB.
IN_PROCESS = """\
import json, resource, runpy, sys
report, sys.argv = sys.argv[1], sys.argv[2:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as file:
        json.dump({"cpu": usage.ru_utime + usage.ru_stime, "peak_kib": peak}, file)
"""


@dataclass(frozen=True)
class Command:
    """A console script of the venv with its arguments, run in ``cwd``; ``accept`` judges a run
    by its exit status and output."""

    script: Path
    args: tuple[str, ...]
    cwd: Path
    accept: Callable[[int, str], bool]

    def run(self) -> tuple[float, float, float]:
        """One run in a fresh process: wall seconds, CPU seconds, peak resident memory in MB."""
        report = self.cwd / ".usage.json"
        start = time.perf_counter()
        result = subprocess.run(
            [PYTHON, "-c", IN_PROCESS, str(report), str(self.script), *self.args],
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if not self.accept(result.returncode, result.stdout):
            sys.exit(
                f"bench: {self.script.name} {' '.join(self.args)} in {self.cwd} failed "
                f"(exit {result.returncode}):\n{result.stdout[-3000:]}"
            )
        usage = json.loads(report.read_text())
        return seconds, usage["cpu"], usage["peak_kib"] / 1024


def check_passes(status: int, output: str) -> bool:
    """Exit 0, or 1 for fidelity findings only: no error (LS300-LS307) at all."""
    return status in (0, 1) and " LS30" not in output


def build_passes(status: int, output: str) -> bool:
    return status == 0


def sample_rounds(
    commands: dict[str, Command], runs: int, *, slow: float = 20.0
) -> dict[str, Sample]:
    """``runs`` runs of each command, in rounds, so that a drift of the shared machine hits them
    all alike; a command whose first run takes longer than ``slow`` seconds runs once."""
    measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if not measured[name] or measured[name][0][0] <= slow:
                measured[name].append(command.run())
    return {
        name: Sample(*map(list, zip(*runs_of, strict=True))) for name, runs_of in measured.items()
    }


def growth_project(root: Path, agency: dict[str, Any]) -> Path:
    """A small site: agency.yml, an empty docs/ and the repository's mkdocs.yml with the plugin."""
    scale.write(root / "agency.yml", agency)
    (root / "docs").mkdir()
    return _scale_config(root, {"agency": "agency.yml", "handouts": "false"}).parent


def growth_ratio(big: Sample, small: Sample, base: Sample) -> str:
    """How much more the larger size costs than the smaller, above the fixed cost of size 0; 'n/a'
    with both extra costs when the smaller size's is within the noise of size 0."""

    def above(name: str, measure: Callable[[Sample], float], noise: float, unit: str) -> str:
        extra_small, extra_big = measure(small) - measure(base), measure(big) - measure(base)
        if extra_small <= noise:
            digits = 0 if unit == "MB" else 2
            return f"{name} n/a ({extra_small:+.{digits}f}, {extra_big:+.{digits}f} {unit})"
        return f"{name} {extra_big / extra_small:.1f}×"

    return "growth: " + ", ".join(
        (
            above("time", lambda s: s.time, 0.05 * base.time, "s"),
            above("memory", lambda s: s.memory, 2.0, "MB"),
            above("CPU time", lambda s: s.cpu_time, 0.05 * base.cpu_time, "s"),
        )
    )


def bench_growth(work: Path, runs: int, sizes: tuple[int, int]) -> list[Row]:
    """``lstoolkit check`` and the site build at two sizes of changes and of terms, against the
    same district with neither; and a chain whose terms compound."""
    prototype = scale.read_prototype(LSTOOLKIT)
    small, big = sizes
    projects = {"0": growth_project(work / "growth-0", scale.district())}
    for kind, generate in (("changes", scale.with_changes), ("terms", scale.with_terms)):
        for size in sizes:
            projects[f"{size:,} {kind}"] = growth_project(
                work / f"growth-{kind}-{size}", generate(prototype, size)
            )
    chain = scale.compounding_chain(work / "growth-chain")
    checks = {
        name: Command(LSTOOLKIT, ("check", "agency.yml"), root, check_passes)
        for name, root in projects.items()
    }
    checks["chain"] = Command(LSTOOLKIT, ("check", chain.name), chain.parent, check_passes)
    builds = {
        name: Command(MKDOCS, ("build", "--quiet", "--site-dir", "site"), root, build_passes)
        for name, root in projects.items()
    }

    rows: list[Row] = []
    for command, samples in (
        ("check", sample_rounds(checks, runs)),
        ("build", sample_rounds(builds, runs)),
    ):
        base = samples["0"]
        for kind in ("changes", "terms"):
            first, second = samples[f"{small:,} {kind}"], samples[f"{big:,} {kind}"]
            baseline = f"0 {kind}: {base}"
            rows.append((f"{command}, {small:,} {kind}", str(first), baseline, "", ""))
            rows.append(
                (
                    f"{command}, {big:,} {kind}",
                    str(second),
                    baseline,
                    growth_ratio(second, first, base),
                    f"linear: ≤ ~{big // small}× (above the 0 run)",
                )
            )
        if command == "check":
            compounding = samples["chain"]
            rows.append(
                (
                    "check, 3-layer chain with compounding terms (Coach: Coach Coach at each layer)",
                    str(compounding),
                    f"0 changes: {base}",
                    f"{compounding.time / base.time:.2f}",
                    "< 0.5 s, ≈ 1 (no growth per layer)",
                )
            )
    return rows


GROWTH_NOTE = """\
- **Growth with changes and terms**: each figure is one command in a fresh process (`lstoolkit
  check agency.yml`, or `mkdocs build` of a site with only the plugin's pages and no handouts):
  wall time, CPU time and the program's peak resident memory (VmHWM), median of 3 runs in rounds
  (a command slower than 20 s runs once). Growth is (value at the larger size − value at 0) /
  (value at the smaller size − value at 0): start-up, imports and the prototype's own pages are a
  fixed cost, and linear growth is then the ratio of the sizes, 10×; n/a where the smaller size
  costs no more than the noise (5% of the time, 2 MB). On a shared machine CPU time is the
  steadier measure. The files (bench/scale.py): a district with N changes, of every 20
  twelve adding an entry to a mechanism's functions, a job's duties, an element's facets or a task
  list, two replacing an entry's text, one adding a caution, two adding a point to an added
  caution and three adding a child to an added entry, each with a `why:`; or with N terms,
  `WordK: Local term K` but for the district's two real terms and, one in 50, a capitalized word
  or name of the prototype's text. The 3-layer chain renames 'Coach' to 'Coach Coach' at the
  state, the district and the school."""


# -- 7. roll-up of a state's districts -----------------------------------------------------------


def rollup_process(state: Path, folder: Path) -> dict[str, Any]:
    """One roll-up in its own process (bench/rollup_one.py): seconds, peak memory, reports."""
    result = subprocess.run(
        [PYTHON, str(ROLLUP_ONE), str(state), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(
            f"bench: the roll-up of {folder} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_rollup(work: Path, sizes: Sequence[int], runs: int, *, slow: float = 20.0) -> list[Row]:
    """``lstoolkit.rollup.rollup`` with its default jobs over generated districts
    (bench/districts.py), ``runs`` times each in a fresh process (once when slower than ``slow``)."""
    rows: list[Row] = []
    per_district: dict[int, float] = {}
    for size in sizes:
        state, folder = districts.generate(work / f"rollup-{size}", size)
        results = [rollup_process(state, folder)]
        while len(results) < runs and results[0]["seconds"] <= slow:
            results.append(rollup_process(state, folder))
        times = [r["seconds"] for r in results]
        peak = max(results, key=lambda r: r["peak_mb"])
        per_district[size] = statistics.median(times) / size
        workers = (
            f" + {peak['workers']} workers × {peak['worker_mb']:.0f}" if peak["workers"] else ""
        )
        cpu = statistics.median(r["cpu"] for r in results)
        rows.append(
            (
                f"Roll-up: {size:,} districts",
                f"{spread(times)}, {1000 * per_district[size]:.1f} ms/district, CPU {cpu:.2f} s",
                f"peak ≤ {peak['peak_mb']:.0f} MB (main {peak['own_mb']:.0f}{workers}); {results[0]['broken']} broken",
                "",
                "1,000 < 30 s, < 1 GB" if size == max(sizes) else "",
            )
        )
    small, big = sorted(per_district)[-2:] if len(per_district) > 1 else (0, 0)
    if small:
        ratio = per_district[big] / per_district[small]
        rows.append(
            (
                f"Roll-up: s/district, {big:,} / {small:,} districts",
                "",
                "",
                f"{ratio:.2f}",
                "≤ 1.2 (linear)",
            )
        )
    return rows


ROLLUP_NOTE = """\
- **Roll-up**: `lstoolkit.rollup.rollup` over a state and N generated districts
  (bench/districts.py: the example state and districts varied like examples/state/districts/,
  about a third adopted, one in 50 broken by a typo in an address, one in 10 removing an
  essential element, one in 10 removing the state's protected council with `accept: [LS102]`),
  default jobs (one process per core), in a fresh process per run; the time is the call alone,
  without the start of the process and the search for the files; the CPU time is the process's
  and its workers' together, imports included. Peak memory: the process's
  high-water mark plus the largest worker's times the number of workers (an upper bound: forked
  workers share pages with the main process). Each district used to re-read and re-convert the
  state's file and its sections: 1,000 districts took 17 s (CPU 34 s, 35 ms per district); with
  parent layers and sections remembered by their bytes, the terms' words found in one search per
  text, and the prototype copied and the models built without generic deep copies and type
  look-ups, 8 s (CPU 16 s)."""


# -- 8. the three builders ----------------------------------------------------------------------


def bench_builders(work: Path, runs: int, *, pages: int) -> list[Row]:
    """MkDocs, ProperDocs and Zensical on the example district and on a site of ``pages`` pages
    (bench/builders.py)."""
    (work / "builders").mkdir()
    district = site_config(work / "builders", handouts="false")
    big = content_project(work / "builders", pages)

    def run(script: Path, args: Sequence[str], cwd: Path) -> tuple[float, float, float]:
        return Command(script, tuple(args), cwd, build_passes).run()

    return builders.bench_builders(district, big, run, runs=runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs and smaller sizes (a smoke run)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        metavar="STEP",
        help=f"run only this step (repeatable): {', '.join(STEPS)}; its rows replace the same rows of --out",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    sizes = [("chain", 10), ("chain", 100)] + ([] if args.quick else [("chain", 1000)])
    sizes += [("content", 200)] + ([] if args.quick else [("content", 2000)])
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="lstoolkit-bench-") as tmp:
        work = Path(tmp)
        steps: dict[str, Callable[[], list[Row]]] = {
            "check": lambda: bench_check(runs * 2),
            "overhead": lambda: bench_overhead(work, runs * 2),
            "preview": lambda: bench_live_preview(work, runs),
            "handouts": lambda: bench_handouts(work, 3),
            "scale": lambda: bench_scale(work, sizes),
            "growth": lambda: bench_growth(
                work, 3, (100, 1_000) if args.quick else (1_000, 10_000)
            ),
            "leaks": lambda: bench_leaks(work, runs),
            "rollup": lambda: bench_rollup(work, (10, 100) if args.quick else (10, 100, 1_000), 3),
            "builders": lambda: bench_builders(work, 3, pages=200 if args.quick else 2000),
        }
        for name in args.only or STEPS:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            rows += steps[name]()
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if args.only:
        rows = merge_rows(previous, rows)
    table = report(
        rows,
        quick=args.quick,
        only=args.only,
        notes=merge_notes(previous, [OVERHEAD_NOTE, GROWTH_NOTE, ROLLUP_NOTE, builders.NOTE]),
        previous=previous,
    )
    print(table)
    args.out.write_text(table, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


STEPS = (
    "check",
    "overhead",
    "preview",
    "handouts",
    "scale",
    "growth",
    "leaks",
    "rollup",
    "builders",
)
NOTES = "## Notes"


def merge_rows(previous: str, rows: list[Row]) -> list[Row]:
    """The rows of the previous table, each replaced by the new row of the same name; new rows
    that it did not have come last."""
    new = {row[0]: row for row in rows}
    merged: list[Row] = []
    for line in previous.split(NOTES, 1)[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 5 and cells[0] != "benchmark":
            merged.append(new.pop(cells[0], (cells[0], cells[1], cells[2], cells[3], cells[4])))
    return merged + list(new.values())


def merge_command(previous: str, command: str, only: list[str]) -> str:
    """The command line of the previous file (rows that earlier runs with --only re-measured
    stay named), with the rows of this run added."""
    earlier = re.search(r"^- Command: (`make bench`.*)$", previous, re.MULTILINE)
    command = earlier.group(1) if earlier else command
    run = f"`bench/run.py {' '.join('--only ' + o for o in only)}`"
    if run in command:
        return command
    if "; the rows of " in command:
        return f"{command}, those of {', '.join(only)} with {run}"
    return f"{command}; the rows of {', '.join(only)} re-measured with {run}"


def merge_notes(previous: str, generated: list[str]) -> list[str]:
    """The notes of the previous file, written by hand and kept as they are, with the generated
    ones brought up to date in their place (or added at the end)."""
    heads = {note.split(":", 1)[0]: note for note in generated}
    kept = re.split(r"\n(?=- )", previous.split(NOTES, 1)[1].strip()) if NOTES in previous else []
    notes = [heads.pop(note.split(":", 1)[0], note.rstrip()) for note in kept if note.strip()]
    return notes + list(heads.values())


def report(
    rows: list[Row],
    *,
    quick: bool,
    only: list[str] | None = None,
    notes: Sequence[str] = (),
    previous: str = "",
) -> str:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    versions = ", ".join(
        f"{p} {version(p)}" for p in ("lstoolkit", "mkdocs", "mkdocs-material", "weasyprint")
    )
    command = f"`make bench`{' (with --quick)' if quick else ''}"
    if only:
        command = merge_command(previous, command, only)
    lines = [
        "# Benchmarks",
        "",
        f"- Command: {command}",
        f"- Machine: {machine}",
        f"- Versions: {versions}",
        "- Medians over several runs (min, max, n); each ratio is lstoolkit over its baseline, measured in the same run.",
        "",
        "| benchmark | lstoolkit | baseline | ratio | target |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        *([NOTES, "", *notes, ""] if notes else []),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
