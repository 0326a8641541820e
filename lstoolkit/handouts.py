"""PDF handouts: rendered from the adapted model through print templates with WeasyPrint.

Each handout is an HTML document made from ``templates/handouts/`` (overridable from
``<custom_dir>/lstoolkit/handouts/``) and a lean print stylesheet, rendered to tagged PDF/UA-1.
Rendering is cached by a hash of everything that goes into a PDF, so a rebuild with unchanged
inputs renders nothing, and the PDFs that must be rendered are rendered in parallel, one process
per core. WeasyPrint is imported only in the processes that render.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from lstoolkit import __version__
from lstoolkit.adapt import Adapted
from lstoolkit.check import log_changes
from lstoolkit.diagram import diagram_description, mechanism_diagram
from lstoolkit.errors import LstoolkitError, template_error
from lstoolkit.findings import Finding
from lstoolkit.layers import logo_path
from lstoolkit.output import write_atomically
from lstoolkit.render import summarize_value, templates_dir
from lstoolkit.versions import version_banner

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
#: Where rendered PDFs are kept by the hash of their inputs (relative to the project).
CACHE_DIR = ".lstoolkit-cache"
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

#: How "the district" reads at each level, in the introductory session's points.
LEVEL_NOUNS = {"state": "department", "region": "region", "district": "district", "school": "school"}


@dataclass(frozen=True)
class Handout:
    """One PDF: its file name, title, template and what the template needs."""

    name: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.pdf"


@dataclass(frozen=True)
class RenderedHandout:
    handout: Handout
    path: Path
    size: int
    cached: bool
    seconds: float


def plan_handouts(adapted: Adapted) -> list[Handout]:
    """The handouts of an adapted toolkit, in the order the Handouts page lists them."""
    toolkit = adapted.toolkit
    handouts = []
    if toolkit["templates"].get("introductory-session"):
        handouts.append(Handout("introductory-session", "Introductory session", "introductory-session.html.j2"))
    handouts += [
        Handout(f"job-{job.id}", f"Job description: {job.title}", "job.html.j2", {"item": job})
        for job in toolkit.items("jobs")
    ]
    handouts.append(Handout("mechanism-sheets", "Mechanism sheets", "mechanisms.html.j2"))
    if toolkit["templates"].get("action-plan"):
        handouts.append(Handout("action-plan-worksheet", "Action plan worksheet", "action-plan.html.j2"))
    handouts.append(Handout("design-document", "Design document", "design-document.html.j2"))
    handouts.append(Handout("fidelity-report", "Adaptation and fidelity report", "fidelity-report.html.j2"))
    return handouts


def handout_environment(override_dirs: Iterable[Path] = ()) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(str(d / "handouts")) for d in override_dirs if (d / "handouts").is_dir()]
    loaders.append(FileSystemLoader(str(templates_dir() / "handouts")))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    env.tests["containing"] = lambda sequence, value: value in sequence
    return env


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a <style> element."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return Markup('"' + escaped.replace("<", "\\3C ").replace(">", "\\3E ") + '"')


class HandoutRenderer:
    """Makes the HTML of each handout; PDF rendering happens in :func:`render_handouts`."""

    def __init__(
        self, adapted: Adapted, findings: tuple[Finding, ...], env: SandboxedEnvironment, *, paper: str = "letter"
    ) -> None:
        if paper not in PAPER_SIZES:
            raise LstoolkitError(f"unknown paper size '{paper}'", hint=f"Use one of: {', '.join(PAPER_SIZES)}.")
        self.adapted = adapted
        self.findings = findings
        self.env = env
        self.paper = paper
        logo = logo_path(adapted.layers)  # the nearest layer's, as on the site
        self.logo = _data_uri(logo) if logo else ""
        svg = mechanism_diagram(adapted.toolkit).encode("utf-8")
        self.diagram = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def html(self, handout: Handout) -> str:
        top = self.adapted.top
        agency = top.file if top else None
        context = {
            "handout": handout,
            "toolkit": self.adapted.toolkit,
            "agency": agency,
            "layers": self.adapted.layers,
            "log": log_changes(self.adapted, self.findings),
            "findings": self.findings,
            "values": {k: str(v) for layer in self.adapted.layers for k, v in layer.file.values.items()},
            "level_wording": lambda text: level_wording(text, agency.agency.level if agency else "district"),
            "paragraphs": _paragraphs,
            "logo": self.logo,
            "diagram": self.diagram,
            "diagram_description": diagram_description(self.adapted.toolkit),
            "stylesheet": self.stylesheet(),
            "created": _version_date(agency),
            "summarize": _summarize,
            "banner": version_banner(self.adapted, self.findings),
            **handout.context,
        }
        try:
            return self.env.get_template(handout.template).render(context)
        except TemplateError as error:
            raise template_error(error, handout.template) from None

    def stylesheet(self) -> str:
        css = (templates_dir() / "handouts" / "print.css").read_text(encoding="utf-8")
        return css.replace("size: letter;", f"size: {PAPER_SIZES[self.paper]};")


def render_all_handouts(
    adapted: Adapted,
    findings: tuple[Finding, ...],
    *,
    overrides: Iterable[Path],
    paper: str,
    cache: Path,
    progress: Callable[[RenderedHandout], None],
) -> list[RenderedHandout]:
    """Every handout of ``adapted``, rendered (or taken from the cache) into ``cache/out``."""
    renderer = HandoutRenderer(adapted, findings, handout_environment(overrides), paper=paper)
    return render_handouts(renderer, plan_handouts(adapted), cache / "out", cache_dir=cache, progress=progress)


def level_wording(text: str, level: str) -> str:
    """Speak of the agency's own level where the source speaks of 'the district'."""
    noun = LEVEL_NOUNS.get(level, "district")
    if noun == "district":
        return text
    return re.sub(r"\b([Dd])istrict\b", lambda m: (noun.capitalize() if m.group(1) == "D" else noun), text)


def render_handouts(
    renderer: HandoutRenderer,
    handouts: Iterable[Handout],
    out_dir: Path,
    *,
    cache_dir: Path,
    jobs: int | None = None,
    progress: Callable[[RenderedHandout], None] = lambda r: None,
) -> list[RenderedHandout]:
    """Write each handout to ``out_dir``; reuse cached PDFs; render the others in parallel."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = [(h, renderer.html(h)) for h in handouts]
    keys = {h.name: _cache_key(html) for h, html in work}
    missing = [(h, html) for h, html in work if not (cache_dir / f"{keys[h.name]}.pdf").exists()]
    results: list[RenderedHandout] = []
    for handout, html in work:
        if (handout, html) not in missing:
            results.append(_publish(handout, cache_dir / f"{keys[handout.name]}.pdf", out_dir, True, 0.0))
            progress(results[-1])
    for handout, seconds, pdf in _render_all(missing, jobs):
        cached = cache_dir / f"{keys[handout.name]}.pdf"
        write_atomically(cached, pdf)
        results.append(_publish(handout, cached, out_dir, False, seconds))
        progress(results[-1])
    order = [h.name for h, _ in work]
    return sorted(results, key=lambda r: order.index(r.handout.name))


def _render_all(missing: list[tuple[Handout, str]], jobs: int | None) -> Iterator[tuple[Handout, float, bytes]]:
    if not missing:
        return
    workers = min(len(missing), jobs or os.cpu_count() or 1)
    if workers == 1:
        for handout, html in missing:
            seconds, pdf = render_pdf(html, handout.name)
            yield handout, seconds, pdf
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Longest first, so the largest PDF (the design document) does not start last.
        by_size = sorted(missing, key=lambda work: len(work[1]), reverse=True)
        futures = [(h, pool.submit(render_pdf, html, h.name)) for h, html in by_size]
        for handout, future in futures:
            seconds, pdf = future.result()
            yield handout, seconds, pdf


def render_pdf(html: str, name: str) -> tuple[float, bytes]:
    """Render one handout's HTML to tagged PDF/UA-1 bytes (runs in a worker process)."""
    started = time.perf_counter()
    weasyprint = import_weasyprint()
    document = weasyprint.HTML(string=html, base_url=str(templates_dir() / "handouts"))
    pdf = document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_forms=True,
        pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii"),
    )
    return time.perf_counter() - started, pdf


def import_weasyprint() -> Any:
    """WeasyPrint, or an error that says which system packages to install."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except OSError as error:
        raise LstoolkitError(
            f"WeasyPrint cannot load its system libraries ({error})",
            hint=f"Install them: sudo apt-get install {SYSTEM_PACKAGES}",
        ) from None
    return weasyprint


def _cache_key(html: str) -> str:
    """Everything that decides a PDF's bytes: its HTML (with the stylesheet) and the versions."""
    from importlib.metadata import version

    versions = f"lstoolkit {__version__}; weasyprint {version('weasyprint')}; pydyf {version('pydyf')}"
    return hashlib.sha256((versions + "\n" + html).encode("utf-8")).hexdigest()


def _publish(handout: Handout, cached: Path, out_dir: Path, was_cached: bool, seconds: float) -> RenderedHandout:
    target = out_dir / handout.filename
    data = cached.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        write_atomically(target, data)
    return RenderedHandout(handout, target, len(data), was_cached, seconds)


def _data_uri(path: Path) -> str:
    kind = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    mime = kind.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _version_date(agency: Any) -> str:
    """The date a PDF carries: the adoption date of an adopted version, else none."""
    if agency is not None and agency.status == "adopted" and agency.adopted:
        return str(agency.adopted.date)
    return ""


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _summarize(value: Any) -> str:
    return summarize_value(value, 300)
