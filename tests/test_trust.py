"""Untrusted input: agency files, logos and override templates, as a pull request sends them.

An agency's repository is built in CI with credentials, often from a contributor's pull request,
so everything the agency controls is hostile until checked: its customization files, its logo
and its override templates. lstoolkit

- refuses what it cannot make safe with a located error (``file:line:col: CODE ...``, exit 1, no
  traceback) from ``lstoolkit check`` and from the site build, which stops and keeps the
  previous site;
- renders handouts without fetching anything: no web address, no file outside its own;
- never follows a link (symlink) out of the project, never publishes an override template;
- keeps no cache inside the project, where a pull request could plant one.

A canary file beside the project holds a random token that must reach no page and no PDF.

Single-file cases that give one error are in ``cases/bad/`` (run by ``test_bad_inputs.py``);
their ``expect: column`` is checked here. This module has the cases that need generated files, a
local web server, the canary, several builds, or that accept one of several codes.
"""

from __future__ import annotations

import io
import os
import pickle
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import bc_magic
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pypdf import PdfReader

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT.resolve() / "templates"
CASES = sorted((Path(__file__).parent / "cases" / "bad").glob("*.yml"))
HEAD = "agency: {name: Springfield, level: district}\nversion: '1'\n"
#: An agency whose logo is on line 4.
LOGO_HEAD = "agency:\n  name: Springfield\n  level: district\n  logo: {logo}\nversion: '1'\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>\n'
PREVIOUS_SITE = "the previous site\n"
#: The handouts of a project without sessions or plan answers.
HANDOUTS = [
    "introductory-session",
    "facilitator-briefing",
    "job-learning-supports-facilitator",
    "job-learning-supports-facilitator-supervising",
    "job-administrative-leader",
    "job-administrative-leader-supervising",
    "job-district-partnership-facilitator",
    "job-district-partnership-facilitator-supervising",
    "mechanism-sheets",
    "action-plan-worksheet",
    "design-document",
    "fidelity-report",
    "at-a-glance",
]


# -- running lstoolkit and MkDocs as CI does ------------------------------------------------------


@pytest.fixture(autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache directory (platformdirs reads XDG_CACHE_HOME), here and in subprocesses."""
    cache = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return cache


def run(project: Path, *args: str, timeout: float = 120) -> tuple[int, str]:
    """Exit status and output (stdout, then stderr) of ``python *args`` in ``project``."""
    try:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} did not finish in {timeout:.0f} s")
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def check(project: Path, file: str = "agency.yml", timeout: float = 120) -> tuple[int, str]:
    return run(project, "-m", "lstoolkit.cli", "check", file, timeout=timeout)


def mkdocs_build(project: Path, timeout: float = 300) -> tuple[int, str]:
    return run(project, "-m", "mkdocs", "build", timeout=timeout)


def handouts(project: Path, *only: str) -> tuple[int, str]:
    selected = [arg for name in only for arg in ("--only", name)]
    return run(project, "-m", "lstoolkit.cli", "handouts", "agency.yml", *selected, "--out", "out")


def make_project(
    where: Path,
    agency: str = HEAD,
    *,
    files: dict[str, str | bytes] | None = None,
    with_handouts: bool = False,
    overrides: bool = False,
) -> Path:
    """A project as an agency's repository has it, with a previous site that a failed build keeps."""
    project = where / "project"
    (project / "docs").mkdir(parents=True)
    (project / "agency.yml").write_text(agency, encoding="utf-8")
    for name, content in (files or {}).items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    theme = (
        "{name: material, font: false, custom_dir: overrides}"
        if overrides
        else "{name: material, font: false}"
    )
    if overrides:
        (project / "overrides" / "lstoolkit").mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(
        f"site_name: Test\ntheme: {theme}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n"
        f"plugins:\n  - lstoolkit: {{agency: agency.yml, handouts: '{str(with_handouts).lower()}'}}\n",
        encoding="utf-8",
    )
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text(PREVIOUS_SITE, encoding="utf-8")
    return project


def refused(output: str, codes: Iterable[str], *where: str) -> None:
    """The output reports one of ``codes``, and every line that does starts with one of ``where``
    (``file:line:`` or ``file:line:col:``)."""
    codes = tuple(codes)
    lines = [
        line.strip().removeprefix("error: ")
        for line in output.splitlines()
        if any(c in line for c in codes)
    ]
    assert lines, f"no {' or '.join(codes)} in:\n{output}"
    for line in lines:
        assert line.startswith(where), f"not located at {' or '.join(where)}: {line}\n{output}"


def previous_site_kept(project: Path) -> bool:
    site = project / "site"
    return [p.name for p in site.iterdir()] == ["index.html"] and (
        site / "index.html"
    ).read_text() == PREVIOUS_SITE


def pdf_text(data: bytes) -> str:
    return "".join(
        "".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


# -- the canary outside the project, and a web server that counts requests ------------------------


@dataclass(frozen=True)
class Canary:
    """Files beside the project, each with a random token that no output may contain."""

    directory: Path
    token: str = field(default_factory=lambda: "CANARY" + secrets.token_hex(8).upper())

    @property
    def svg(self) -> Path:  # an image: rendered, its token would be text in the PDF
        return self.directory / "canary.svg"

    @property
    def css(self) -> Path:  # a stylesheet: applied, it would print its token
        return self.directory / "canary.css"

    @property
    def template(self) -> Path:  # a template that prints its token
        return self.directory / "canary.j2"

    def leaks(self, *roots: Path) -> list[str]:
        """Files under ``roots`` that contain the token (PDFs: also in their extracted text)."""
        found = []
        for root in roots:
            for path in sorted(root.rglob("*")):
                if path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                if self.token.encode() in data or (
                    data.startswith(b"%PDF") and self.token in pdf_text(data)
                ):
                    found.append(str(path))
        return found


@pytest.fixture()
def canary(tmp_path: Path) -> Canary:
    canary = Canary(tmp_path / "outside")
    canary.directory.mkdir()
    canary.svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text x="5" y="30" font-size="20">{canary.token}</text></svg>\n',
        encoding="utf-8",
    )
    canary.css.write_text(f'body::before {{ content: "{canary.token}"; }}\n', encoding="utf-8")
    canary.template.write_text(f"# {canary.token}\n", encoding="utf-8")
    return canary


@dataclass
class Server:
    url: str
    requests: list[str]


@pytest.fixture()
def server() -> Iterator[Server]:
    """A web server on 127.0.0.1 that answers every request with nothing, and counts them."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", requests)
    httpd.shutdown()
    httpd.server_close()


# -- A, B, C, D: the corpus's columns -------------------------------------------------------------


def _cases_with_a_column() -> list[Path]:
    cases = []
    for path in CASES:
        expect = yaml.safe_load(path.read_text(encoding="utf-8"))["expect"]
        if isinstance(expect, dict) and "column" in expect:
            cases.append(path)
    return cases


COLUMN_CASES = _cases_with_a_column()


@pytest.mark.parametrize("case_file", COLUMN_CASES, ids=[c.stem for c in COLUMN_CASES])
def test_a_corpus_case_is_located_at_its_value(case_file: Path, tmp_path: Path) -> None:
    """test_bad_inputs.py checks the line of each case; here, the column of those that give one."""
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    project = tmp_path / "project"
    project.mkdir()
    for name, text in case.get("files", {}).items():
        (project / name).write_text(text, encoding="utf-8")
    for name, hexdata in case.get("files_hex", {}).items():
        (project / name).write_bytes(bytes.fromhex(hexdata))
    expect = case["expect"]
    status, output = check(project)
    assert status == 1, output
    refused(output, [expect["code"]], f"{expect['file']}:{expect['line']}:{expect['column']}:")


# -- A, B, C, D: refused, with one of several codes, from the CLI and from the site build ---------


def adopted(date: str) -> str:
    return (
        HEAD
        + f"status: adopted\nadopted: {{date: {date}, by: Board, resolution: R-1}}\nsign_off: [{{name: Ana Ruiz, date: 2026-05-01}}]\n"
    )


REPLACE = (
    "changes:\n  - replace: mechanisms/planning-team/process\n    text: {text}\n    why: {why}\n"
)
YAML_OR_SCHEMA = ("LS300", "LS302")


def _many_changes(count: int) -> str:
    change = (
        "  - replace: mechanisms/planning-team/process\n    text: Weekly.\n    why: Calendar.\n"
    )
    return HEAD + "changes:\n" + change * count


def _many_terms(count: int) -> str:
    return HEAD + "terms:\n" + "".join(f"  Term{i:05d}: Team\n" for i in range(count))


#: id -> (agency file, codes any of which may refuse it, where: ``file:line:[col:]`` prefixes).
REFUSED: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # C: dates that do not exist or are not dates.
    "date-february-30": (adopted("2026-02-30"), YAML_OR_SCHEMA, ("agency.yml:4:",)),
    "date-month-13": (adopted("2026-13-01"), YAML_OR_SCHEMA, ("agency.yml:4:",)),
    "date-month-13-quoted": (adopted('"2026-13-01"'), YAML_OR_SCHEMA, ("agency.yml:4:",)),
    "date-in-words": (adopted('"next spring"'), YAML_OR_SCHEMA, ("agency.yml:4:",)),
    "date-month-day-year": (adopted('"September 1 2026"'), YAML_OR_SCHEMA, ("agency.yml:4:",)),
    # C: a number too large to convert (Python refuses more than 4,300 digits).
    "value-of-5000-digits": (
        HEAD + "values: {facilitator_positions: " + "9" * 5000 + "}\n",
        ("LS300", "LS302", "LS307"),
        ("agency.yml:3:",),
    ),
    # B: a trailing newline in the version (also refused as a version mike cannot publish).
    "newline-in-version": (
        'agency: {name: Springfield, level: district}\nversion: "2026.1\\n"\n',
        ("LS302",),
        ("agency.yml:2:10:",),
    ),
    # B: control characters YAML itself refuses, raw in the file.
    "raw-control-character": (
        HEAD + 'component_name: "Learning\x01Supports"\n',
        YAML_OR_SCHEMA,
        ("agency.yml:3:",),
    ),
    "raw-escape-character": (
        HEAD + "component_name: Learning \x1b[2J Supports\n",
        YAML_OR_SCHEMA,
        ("agency.yml:3:",),
    ),
    # C: added items cite the agency, never one of the prototype's sources.
    "added-item-with-a-source": (
        HEAD
        + "changes:\n  - add: mechanisms\n    text:\n      id: local-team\n      title: Local Team\n"
        "      source: {doc: coaching-guide, section: Appendix A}\n    why: x\n",
        ("LS301", "LS302"),
        ("agency.yml:8:", "agency.yml:5:", "agency.yml:4:"),
    ),
    # D: limits.
    "too-many-changes": (
        _many_changes(10_001),
        ("LS307",),
        ("agency.yml:3:", f"agency.yml:{4 + 3 * 10_000}:"),
    ),
    "too-many-terms": (
        _many_terms(10_001),
        ("LS307",),
        ("agency.yml:3:", f"agency.yml:{4 + 10_000}:"),
    ),
    "text-of-20001-characters": (
        HEAD + REPLACE.format(text="x" * 20_001, why="x"),
        ("LS307",),
        ("agency.yml:5:11:",),
    ),
    "why-of-20001-characters": (
        HEAD + REPLACE.format(text="x", why="y" * 20_001),
        ("LS307",),
        ("agency.yml:6:10:",),
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_a_located_error(name: str, tmp_path: Path) -> None:
    agency, codes, where = REFUSED[name]
    project = make_project(tmp_path, agency)
    status, output = check(project, timeout=60)
    assert status == 1, output
    refused(output, codes, *where)

    status, output = mkdocs_build(project, timeout=60)
    assert status == 1, output
    refused(output, codes, *where)
    assert previous_site_kept(project)


# -- C: terms whose case folding differs from their lower case ------------------------------------


@pytest.mark.parametrize(
    "terms",
    ['{"ſtaff": "Team"}', '{"Coordınator": "Lead"}', '{"ſtaff": "Team", "Coordınator": "Lead"}'],
    ids=["long-s", "dotless-i", "both"],
)
def test_terms_with_long_s_or_dotless_i_are_valid_or_refused_never_a_crash(
    terms: str, tmp_path: Path
) -> None:
    """'ſ' matches 's' and 'ı' matches 'i' case-insensitively, but neither lowercases to them."""
    project = make_project(tmp_path, HEAD + f"terms: {terms}\n")
    status, output = check(project)  # run() asserts there is no traceback
    if status == 0:
        status, output = mkdocs_build(project)
        assert status == 0, output
        return
    assert status == 1, output
    refused(output, ("LS302", "LS307"), "agency.yml:3:")
    status, output = mkdocs_build(project)
    assert status == 1, output
    refused(output, ("LS302", "LS307"), "agency.yml:3:")


# -- D: terms that compound across layers ---------------------------------------------------------


def test_terms_that_compound_across_layers_stay_bounded(tmp_path: Path) -> None:
    """Each layer renames 'Coach' to eight of them: 512 per 'Coach' after three layers."""
    project = tmp_path / "project"
    coach = " ".join(["Coach"] * 8)
    parents = {"state": None, "district": "state", "school": "district"}
    for layer, parent in parents.items():
        (project / layer).mkdir(parents=True)
        extends = f"extends: ../{parent}/agency.yml\n" if parent else ""
        (project / layer / "agency.yml").write_text(
            f"{extends}agency: {{name: {layer.title()}, level: {layer}}}\nversion: '1'\nterms: {{Coach: \"{coach}\"}}\n",
            encoding="utf-8",
        )
    started = time.monotonic()
    status, output = check(project, "school/agency.yml", timeout=60)
    assert time.monotonic() - started < 20, "lstoolkit check took more than 20 s"
    if status == 1:  # refused: the term's replacement grows to N characters across layers
        refused(
            output, ("LS307",), "state/agency.yml:", "district/agency.yml:", "school/agency.yml:"
        )
        return
    assert status == 0, output
    (project / "docs").mkdir()
    (project / "mkdocs.yml").write_text(
        "site_name: Test\nplugins:\n  - lstoolkit: {agency: school/agency.yml, handouts: 'true'}\n",
        encoding="utf-8",
    )
    status, output = mkdocs_build(project, timeout=120)
    assert status == 0, output
    size = sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file())
    assert size < 50 * 1024 * 1024, f"the site is {size:,} bytes"


# -- E: logos that reach out ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http", "file"])
def test_a_logo_that_links_to_an_address_or_a_file_is_refused(
    kind: str, tmp_path: Path, server: Server, canary: Canary, user_cache: Path
) -> None:
    image = (
        f'<image href="{server.url}x.png" width="10" height="10"/>'
        if kind == "http"
        else f'<image xlink:href="file://{canary.svg}" width="10" height="10"/>'
    )
    project = make_project(
        tmp_path,
        LOGO_HEAD.format(logo="logo.svg"),
        files={"logo.svg": SVG.format(image)},
        with_handouts=True,
    )
    status, output = check(project)
    assert status == 1, output
    refused(output, ("LS306",), "agency.yml:4:")

    status, output = handouts(project, "design-document")
    assert status == 1, output
    refused(output, ("LS306",), "agency.yml:4:")

    status, output = mkdocs_build(project)
    assert status == 1, output
    refused(output, ("LS306",), "agency.yml:4:")
    assert previous_site_kept(project)
    assert server.requests == []
    assert canary.leaks(project, user_cache) == []


# -- F: override templates ------------------------------------------------------------------------


def _bundled(template: str) -> str:
    return (TEMPLATES / template).read_text(encoding="utf-8")


def _template_refused(output: str, name: str) -> None:
    lines = [line for line in output.splitlines() if "LS306" in line]
    assert lines and all(name in line for line in lines), output


def test_a_page_template_linked_out_of_the_project_is_refused(
    tmp_path: Path, canary: Canary, user_cache: Path
) -> None:
    project = make_project(tmp_path, overrides=True)
    (project / "overrides" / "lstoolkit" / "home.md.j2").symlink_to(canary.template)
    status, output = mkdocs_build(project)
    assert status == 1, output
    _template_refused(output, "home.md.j2")
    assert previous_site_kept(project)
    assert canary.leaks(project, user_cache) == []


def test_a_handout_template_linked_out_of_the_project_is_refused(
    tmp_path: Path, canary: Canary, user_cache: Path
) -> None:
    project = make_project(tmp_path, overrides=True, with_handouts=True)
    (project / "overrides" / "lstoolkit" / "handouts").mkdir()
    canary.template.write_text(
        _bundled("handouts/design-document.html.j2").replace(
            '<h1>{{ _("Design document") }}</h1>',
            f'<h1>{{{{ _("Design document") }}}}</h1><p>{canary.token}</p>',
        ),
        encoding="utf-8",
    )
    (project / "overrides" / "lstoolkit" / "handouts" / "design-document.html.j2").symlink_to(
        canary.template
    )

    status, output = handouts(project, "design-document")
    assert status == 1, output
    _template_refused(output, "design-document")

    status, output = mkdocs_build(project)
    assert status == 1, output
    _template_refused(output, "design-document")
    assert previous_site_kept(project)
    assert canary.leaks(project, user_cache) == []


def test_override_templates_are_not_published(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        overrides=True,
        files={
            "overrides/lstoolkit/home.md.j2": _bundled("pages/home.md.j2"),
            "overrides/lstoolkit/handouts/design-document.html.j2": _bundled(
                "handouts/design-document.html.j2"
            ),
        },
    )
    status, output = mkdocs_build(project)
    assert status == 0, output
    site = project / "site"
    assert not (site / "lstoolkit").exists(), sorted(
        p.name for p in (site / "lstoolkit").rglob("*")
    )
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*.j2")) == []


# -- G: no cache inside the project ---------------------------------------------------------------


class _MakeDirectory:
    """Unpickled, makes a directory: the proof that a planted pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str, int, bool]]:
        return os.makedirs, (self.path, 0o777, True)


def _jinja_cache_names(cache_dir: Path, *directories: Path) -> set[str]:
    """The names Jinja's FileSystemBytecodeCache gives the compiled templates of ``directories``."""
    cache = FileSystemBytecodeCache(str(cache_dir))
    return {
        f"__jinja2_{cache.get_cache_key(str(t.relative_to(d)), os.path.normpath(t))}.cache"
        for d in directories
        for t in d.rglob("*.j2")
    }


def test_a_build_keeps_no_cache_in_the_project(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        with_handouts=True,
        overrides=True,
        files={
            "overrides/lstoolkit/home.md.j2": _bundled("pages/home.md.j2"),
        },
    )
    status, output = mkdocs_build(project)
    assert status == 0, output
    status, output = handouts(project, "fidelity-report")
    assert status == 0, output
    assert sorted(p.name for p in project.iterdir()) == [
        "agency.yml",
        "docs",
        "mkdocs.yml",
        "out",
        "overrides",
        "site",
    ]


def test_a_template_cache_planted_in_the_project_is_never_loaded(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        overrides=True,
        files={"overrides/lstoolkit/home.md.j2": _bundled("pages/home.md.j2")},
    )
    status, output = mkdocs_build(project)
    assert status == 0, output
    planted = project / ".lstoolkit-cache" / "templates"
    names = {p.name for p in planted.iterdir()} if planted.is_dir() else set()
    planted.mkdir(parents=True, exist_ok=True)
    names |= _jinja_cache_names(
        planted,
        TEMPLATES / "pages",
        TEMPLATES / "handouts",
        project.resolve() / "overrides" / "lstoolkit",
    )
    marker = tmp_path / "unpickled"
    for name in names:
        (planted / name).write_bytes(bc_magic + pickle.dumps(_MakeDirectory(marker)))

    status, output = mkdocs_build(project)
    assert not marker.exists(), "a pickle planted in .lstoolkit-cache/templates was loaded"
    assert status == 0, output


@pytest.mark.slow  # two builds with every handout
def test_a_handout_planted_in_the_project_is_never_published(tmp_path: Path) -> None:
    import weasyprint  # type: ignore[import-untyped]

    project = make_project(tmp_path, with_handouts=True)
    status, output = mkdocs_build(project)
    assert status == 0, output
    cache = project / ".lstoolkit-cache" / "handouts"
    names = {p.relative_to(cache) for p in cache.rglob("*.pdf")} if cache.is_dir() else set()
    names |= {Path(directory, f"{name}.pdf") for directory in (".", "out") for name in HANDOUTS}
    planted = weasyprint.HTML(string="<p>PLANTED</p>").write_pdf()
    assert "PLANTED" in pdf_text(planted)
    for name in names:
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(planted)

    status, output = mkdocs_build(project)
    assert status == 0, output
    published = sorted((project / "site" / "handouts").glob("*.pdf"))
    assert len(published) == len(HANDOUTS)
    assert [p.name for p in published if "PLANTED" in pdf_text(p.read_bytes())] == []


def test_an_override_template_removed_between_builds_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sandboxed build, then a plain one: a shared bytecode cache broke the second."""
    project = make_project(
        tmp_path,
        overrides=True,
        files={"overrides/lstoolkit/home.md.j2": _bundled("pages/home.md.j2")},
    )
    monkeypatch.chdir(project)
    build(load_config(str(project / "mkdocs.yml")))
    (project / "overrides" / "lstoolkit" / "home.md.j2").unlink()
    build(load_config(str(project / "mkdocs.yml")))
    assert "Springfield" in (project / "site" / "index.html").read_text(encoding="utf-8")


# -- H, I: the handout renderer fetches nothing ---------------------------------------------------

#: What an override handout template asks for: {server} and {canary_svg}/{canary_css} filled in.
FETCHES = {
    "image-over-http": '<img src="{server}img.png" alt="">',
    "stylesheet-over-http": '<link rel="stylesheet" href="{server}a.css">',
    "css-import-over-http": "<style>@import url({server}b.css);</style>",
    "image-from-a-file": '<img src="file://{canary_svg}" alt="">',
    "stylesheet-from-a-file": '<link rel="stylesheet" href="file://{canary_css}">',
}


@pytest.mark.parametrize("fetch", FETCHES)
def test_a_handout_that_asks_for_an_address_or_a_file_is_refused(
    fetch: str, tmp_path: Path, server: Server, canary: Canary, user_cache: Path
) -> None:
    tag = FETCHES[fetch].format(server=server.url, canary_svg=canary.svg, canary_css=canary.css)
    template = _bundled("handouts/design-document.html.j2").replace(
        '<h1>{{ _("Design document") }}</h1>', f'<h1>{{{{ _("Design document") }}}}</h1>\n{tag}', 1
    )
    assert tag in template
    project = make_project(
        tmp_path,
        with_handouts=True,
        overrides=True,
        files={
            "overrides/lstoolkit/handouts/design-document.html.j2": template,
        },
    )
    status, output = handouts(project, "design-document")
    assert status == 1, output
    _template_refused(output, "design-document")
    assert server.requests == []

    status, output = mkdocs_build(project)
    assert status == 1, output
    _template_refused(output, "design-document")
    assert previous_site_kept(project)
    assert server.requests == []
    assert canary.leaks(project, user_cache) == []


def test_a_short_name_that_would_break_out_of_the_footer_fetches_nothing(
    tmp_path: Path, server: Server
) -> None:
    """The short name is printed in a CSS string (the PDF footer); a newline is allowed in YAML."""
    agency = (
        "agency:\n  name: Springfield\n"
        f'  short_name: "X\\"\\n}}body{{background:url({server.url}c)}}"\n'
        "  level: district\nversion: '1'\n"
    )
    project = make_project(tmp_path, agency)
    status, output = check(project)
    if status == 1:  # refused: a newline in a one-line field
        refused(output, ("LS302",), "agency.yml:3:15:")
        return
    assert status == 0, output
    status, output = handouts(project, "fidelity-report")
    assert status == 0, output
    assert server.requests == []
    assert "Fidelityfindings" in pdf_text((project / "out" / "fidelity-report.pdf").read_bytes())


def test_the_canary_is_readable_so_the_leak_checks_mean_something(
    tmp_path: Path, canary: Canary
) -> None:
    """The leak checks look for the token in text: a PDF that renders the canary SVG has it."""
    import weasyprint

    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "probe.pdf").write_bytes(
        weasyprint.HTML(string=f'<img src="{canary.svg.as_uri()}" alt="">').write_pdf()
    )
    assert canary.leaks(probe) == [str(probe / "probe.pdf")]


# -- the command line and the odd paths ---------------------------------------------------------


def test_a_top_level_agency_file_linked_out_of_the_project_is_refused(
    tmp_path: Path, canary: Canary
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()  # the project root
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(HEAD, encoding="utf-8")
    (project / "agency.yml").symlink_to(outside)
    status, output = check(project)
    assert (
        status == 1
        and "agency.yml: LS303 'agency.yml' is a link to a file outside the project" in output
    )


def test_a_cache_or_output_path_that_is_a_file_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "agency.yml").write_text(HEAD, encoding="utf-8")
    (project / "taken").write_text("a file", encoding="utf-8")
    status, output = run(
        project,
        "-m",
        "lstoolkit.cli",
        "handouts",
        "agency.yml",
        "--only",
        "fidelity-report",
        "--out",
        "taken",
    )
    assert (
        status == 1
        and "error: taken: cannot use taken for the output directory: it is a file" in output
    )
    monkeypatch.setenv("LSTOOLKIT_CACHE_DIR", str(project / "taken"))
    status, output = run(
        project,
        "-m",
        "lstoolkit.cli",
        "handouts",
        "agency.yml",
        "--only",
        "fidelity-report",
        "--out",
        "out",
    )
    assert status == 1 and "for the handout cache" in output and "LSTOOLKIT_CACHE_DIR" in output
    assert not (project / "out").exists()


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    result = subprocess.run(
        f"'{sys.executable}' -m lstoolkit.cli addresses | head -1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.count("\n") == 1 and result.stderr == "", result.stderr


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lstoolkit.errors import LstoolkitError
    from lstoolkit.yamlfile import read_yaml

    huge = tmp_path / "agency.yml"
    with huge.open("wb") as stream:
        stream.truncate(1024**3)  # a sparse gigabyte
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: pytest.fail("the file was opened"))
    with pytest.raises(LstoolkitError, match="1,073,741,824 bytes"):
        read_yaml(huge)


@pytest.mark.parametrize(
    "value",
    [
        '"}\\n body { display: none }',
        'a\\\\"b',
        "x\r}{",
        "\x0c",
        "</style><script>",
        "\u2028",
        "\x00",
    ],
)
def test_css_strings_stay_one_string(value: str) -> None:
    from lstoolkit.handouts import css_string

    quoted = str(css_string(value))
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    assert not any(c in inner for c in '"\n\r\x0c<>\x00\u2028'), quoted
    assert all(part[:1] in "0123456789abcdef" for part in inner.split("\\")[1:]), (
        quoted
    )  # hex escapes only
