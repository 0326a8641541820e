"""The site builds with MkDocs, ProperDocs and Zensical alike; ``lstoolkit build-docs``.

MkDocs and ProperDocs run the plugin; Zensical builds the output of ``lstoolkit build-docs``.
All three must publish the same pages with the same main text. Then build-docs itself: it never
writes over files it did not write, a failed run leaves the previous output as it was, two runs
give the same bytes, and the agency's own pages are kept.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers_builders import BIN, BUILDERS, build_with, html_pages, main_text
from mkdocs.utils import CountHandler

from lstoolkit.cli import main
from lstoolkit.export import MANIFEST


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {builder: build_with(builder, tmp_path_factory.mktemp(builder)) for builder in BUILDERS}


def test_the_three_builders_publish_the_same_pages_and_text(sites: dict[str, Path]) -> None:
    pages = {builder: html_pages(site) for builder, site in sites.items()}
    assert len(pages["mkdocs"]) > 50
    assert {"index.html", "mechanisms/index.html", "contact/index.html", "404.html"} <= set(
        pages["mkdocs"]
    )
    for builder in ("properdocs", "zensical"):
        assert set(pages[builder]) == set(pages["mkdocs"]), builder
        differing = [
            uri
            for uri, page in pages["mkdocs"].items()
            if main_text(page) != main_text(pages[builder][uri])
        ]
        assert differing == [], f"{builder}: the main text differs on {differing}"


def test_each_builder_shows_the_banner_and_publishes_the_handouts(sites: dict[str, Path]) -> None:
    handouts = {
        builder: sorted(p.name for p in (site / "handouts").glob("*.pdf"))
        for builder, site in sites.items()
    }
    assert len(handouts["mkdocs"]) > 5
    for builder, site in sites.items():
        home = (site / "index.html").read_text(encoding="utf-8")
        assert (
            'class="md-banner"' in home and "Draft for review by the Board of Education" in home
        ), builder
        assert "assets/lstoolkit/lstoolkit.css" in home, builder
        assert handouts[builder] == handouts["mkdocs"], builder


# -- lstoolkit build-docs ------------------------------------------------------------------------

AGENCY = "agency: {name: Springfield, level: district}\nversion: '1'\nvalues: {facilitator_positions: 2}\n"
WARNING = "changes:\n  - remove: elements/monitoring\n    why: x\n"


def project(root: Path, *, agency: str = AGENCY) -> Path:
    """A small site: agency.yml, one page of the agency's own, a theme override and an override
    template (which is read by lstoolkit, never published)."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "contact.md").write_text("# Contact\n\nCall the district office.\n")
    (root / "overrides" / "lstoolkit").mkdir(parents=True)
    (root / "overrides" / "partials").mkdir()
    (root / "overrides" / "partials" / "copyright.html").write_text("<p>Our own footer</p>\n")
    (root / "overrides" / "lstoolkit" / "README.md").write_text("page template overrides go here\n")
    (root / "agency.yml").write_text(agency)
    (root / "mkdocs.yml").write_text(
        "site_name: Test\ntheme: {name: material, custom_dir: overrides, font: false}\n"
        "plugins:\n  - search\n  - lstoolkit: {agency: agency.yml, handouts: false}\n"
    )
    return root


def build_docs(root: Path, *args: str) -> int:
    """``lstoolkit build-docs`` run in ``root``."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        return main(["build-docs", "--quiet", *args])
    finally:
        os.chdir(cwd)


def contents(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_build_docs_writes_a_tree_any_builder_reads(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert build_docs(root) == 0
    out = root / "generated"
    files = contents(out)
    assert {
        "mkdocs.yml",
        "docs/index.md",
        "docs/mechanisms/steering-body.md",
        "docs/contact.md",
        "docs/assets/lstoolkit/lstoolkit.css",
        "overrides/main.html",
        "overrides/partials/lstoolkit-banner.html",
        "overrides/partials/copyright.html",
        MANIFEST,
    } <= set(files)
    assert not any(path.startswith("overrides/lstoolkit") for path in files)
    config = files["mkdocs.yml"].decode()
    assert "plugins" not in config and "docs_dir: docs\n" in config and "site_dir: site\n" in config
    assert "custom_dir: overrides" in config and "variant: classic" in config
    assert "- assets/lstoolkit/lstoolkit.css" in config and "- assets/lstoolkit/a11y.js" in config
    assert "- Contact: contact.md" in config  # the agency's own page, last in the navigation
    manifest = json.loads(files[MANIFEST])["files"]
    assert sorted(manifest) == sorted(set(files) - {MANIFEST})


def test_the_agencys_own_page_wins_over_a_generated_one(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "docs" / "index.md").write_text("# Our own home page\n")
    assert build_docs(root) == 0
    assert (root / "generated" / "docs" / "index.md").read_text() == "# Our own home page\n"


def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert build_docs(root, "--out", "one") == 0
    assert build_docs(root, "--out", "two") == 0
    assert contents(root / "one") == contents(root / "two")


def test_it_refuses_a_directory_holding_files_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    (root / "mine").mkdir()
    (root / "mine" / "notes.md").write_text("my notes")
    assert build_docs(root, "--out", "mine") == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: mine/notes.md: mine holds a file that lstoolkit build-docs did not write"
    )
    assert len(err.splitlines()) == 1
    assert sorted(p.name for p in (root / "mine").iterdir()) == ["notes.md"]
    # Nor a file added to its output later; nor the site's own folder.
    assert build_docs(root) == 0
    (root / "generated" / "docs" / "draft.md").write_text("# Mine")
    assert build_docs(root) == 1
    assert "generated/docs/draft.md" in capsys.readouterr().err
    assert build_docs(root, "--out", ".") == 1
    assert "the site's own directory" in capsys.readouterr().err


def test_it_keeps_what_a_builder_wrote_and_removes_what_is_gone(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "docs" / "old.md").write_text("# Old\n")
    assert build_docs(root) == 0
    out = root / "generated"
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("built")
    (out / ".cache").mkdir()
    (out / ".cache" / "entry").write_text("cached")
    (root / "docs" / "old.md").unlink()
    assert build_docs(root) == 0
    assert not (out / "docs" / "old.md").exists()
    assert (out / "site" / "index.html").read_text() == "built"
    assert (out / ".cache" / "entry").read_text() == "cached"


def test_a_failed_run_leaves_the_previous_output_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert build_docs(root) == 0
    before = contents(root / "generated")
    (root / "agency.yml").write_text(
        AGENCY + "changes:\n  - remove: mechanisms/steering-bodies\n    why: x\n"
    )
    assert build_docs(root) == 1
    assert (
        "agency.yml:5:13: LS301 'mechanisms/steering-bodies' does not exist"
        in capsys.readouterr().err
    )
    assert contents(root / "generated") == before


def test_strict_writes_nothing_when_there_are_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, agency=AGENCY + WARNING)
    assert build_docs(root, "--strict") == 1
    err = capsys.readouterr().err
    assert (
        "warning: agency.yml:" in err
        and "in strict mode, so nothing was written to generated" in err
    )
    assert not (root / "generated").exists()
    assert build_docs(root) == 0  # without --strict: written, with the warning shown


def test_clear_errors_for_a_missing_or_unsuitable_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert build_docs(root, "--config-file", "nowhere.yml") == 1
    assert capsys.readouterr().err == (
        "error: nowhere.yml does not exist. Give the site's configuration with --config-file, e.g. --config-file mkdocs.yml.\n"
    )
    (root / "plain.yml").write_text("site_name: Plain\n")
    assert build_docs(root, "--config-file", "plain.yml") == 1
    assert capsys.readouterr().err.startswith(
        "error: plain.yml: does not list the lstoolkit plugin"
    )
    assert build_docs(root, "--out", "docs/generated") == 1
    assert "inside the site's docs_dir (docs), which it copies" in capsys.readouterr().err
    assert build_docs(root, "--out", "overrides/generated") == 1
    assert "inside the site's theme.custom_dir (overrides)" in capsys.readouterr().err
    (root / "bad.yml").write_text("site_name: Bad\nplugins:\n  - lstoolkit: {agency: nope.yml}\n")
    assert build_docs(root, "--config-file", "bad.yml") == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: bad.yml: Config value 'plugins': Plugin 'lstoolkit' option 'agency': The path "
    )
    assert len(err.splitlines()) == 1 and not (root / "generated").exists()


def test_a_huge_addresses_page_is_left_out_of_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zensical's search index refuses a page of ~7,000 addresses and fails the build."""
    from lstoolkit.adapt import adapt
    from lstoolkit.check import check_adapted
    from lstoolkit.load import load_content
    from lstoolkit.render import SiteRenderer, page_environment

    adapted = adapt(load_content(), ())
    renderer = SiteRenderer(adapted, check_adapted(adapted), page_environment())
    page = next(p for p in renderer.pages() if p.uri == "reference/addresses.md")
    assert renderer.render(page).startswith("# Addresses\n")
    monkeypatch.setattr(
        renderer, "addresses", lambda: [(f"mechanisms/m{i}", "text") for i in range(3001)]
    )
    assert renderer.render(page).startswith("---\nsearch:\n  exclude: true\n---\n# Addresses\n")


def test_watch_writes_again_when_the_agency_file_changes(tmp_path: Path) -> None:
    root = project(tmp_path)
    process = subprocess.Popen(
        [str(BIN / "lstoolkit"), "build-docs", "--watch", "--quiet"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        first, second = lines.get(timeout=60), lines.get(timeout=10)
        assert first.startswith("build-docs: generated/ holds") and second.startswith("Watching"), (
            first,
            second,
        )
        time.sleep(1.1)  # a modification time the snapshot can tell apart
        (root / "agency.yml").write_text(AGENCY.replace("name: Springfield", "name: Shelbyville"))
        again = lines.get(timeout=30)
        assert again.startswith("build-docs: generated/ holds") and " 0 removed" in again, again
        assert "Shelbyville" in (root / "generated" / "mkdocs.yml").read_text()
        (root / "agency.yml").write_text(
            "agency: {name: [\n"
        )  # an error: printed, and the watch goes on
        assert lines.get(timeout=30).startswith("error: agency.yml:")
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_without_zensical_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.chdir(root)
    assert main(["serve"]) == 1
    assert capsys.readouterr().err.startswith(
        "error: Zensical is not installed. Install it with: pip install zensical"
    )
    assert not (root / "generated").exists()


# -- ProperDocs with the plugin ------------------------------------------------------------------


def test_warnings_counted_on_properdocs_logger_fail_a_strict_build() -> None:
    from lstoolkit.plugin import _warnings_counted

    handler = CountHandler()
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("properdocs")
    logger.addHandler(handler)
    try:
        assert not _warnings_counted()
        logger.warning("a warning")
        assert _warnings_counted()
    finally:
        logger.removeHandler(handler)


def test_a_failed_strict_properdocs_build_keeps_the_previous_site(tmp_path: Path) -> None:
    root = project(tmp_path, agency=AGENCY + WARNING)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the previous site")
    result = subprocess.run(
        [str(BIN / "properdocs"), "build", "--strict", "--config-file", "mkdocs.yml"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert (
        "LS101" in result.stderr
        and "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr
    )
    assert (root / "site" / "index.html").read_text() == "the previous site"
    assert sorted(p.name for p in root.iterdir() if "lstoolkit-" in p.name) == []


# -- versions with Zensical: lstoolkit publish --zensical -------------------------------------------


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_publish_with_zensical_deploys_each_version_with_mike(tmp_path: Path) -> None:
    from helpers_builders import district_config

    project = tmp_path / "project"
    district_config(project)
    (project / "agency.yml").write_text(
        "extends: prototype\nagency: {name: Springfield, level: district}\nversion: '2026.1'\nstatus: draft\n"
        "values: {facilitator_positions: 2}\n"
    )
    config = (
        (project / "mkdocs.yml")
        .read_text()
        .replace(
            str(Path(__file__).parent.parent / "examples" / "district" / "agency.yml"), "agency.yml"
        )
    )
    (project / "mkdocs.yml").write_text(
        config.replace("agency: agency.yml", "agency: agency.yml\n    handouts: false")
    )
    git("init", "-q", "-b", "main", cwd=project)

    def commit(message: str) -> None:
        git(
            "-c",
            "user.email=a@example.org",
            "-c",
            "user.name=A",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            cwd=project,
        )

    commit("start")
    env = {k: v for k, v in os.environ.items() if k != "MIKE_DOCS_VERSION"}

    def publish() -> subprocess.CompletedProcess[str]:
        git("add", "-A", cwd=project)
        commit("v")
        return subprocess.run(
            [str(BIN / "lstoolkit"), "publish", "--zensical", "agency.yml"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    step = publish()
    assert step.returncode == 0, step.stdout + step.stderr
    adopted = (
        (project / "agency.yml")
        .read_text()
        .replace(
            "status: draft\n",
            "status: adopted\nadopted: {date: 2026-06-10, by: Board of Education, resolution: Resolution 2026-41}\n"
            "sign_off:\n  - {name: Marcus Lee, role: Director, date: 2026-04-30}\n",
        )
    )
    (project / "agency.yml").write_text(adopted)
    step = publish()
    assert step.returncode == 0, step.stdout + step.stderr
    versions = json.loads(git("show", "gh-pages:versions.json", cwd=project))
    assert versions == [
        {
            "version": "2026.1",
            "title": "2026.1 (adopted 2026-06-10)",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        }
    ]
    page = git("show", "gh-pages:2026.1/index.html", cwd=project)
    assert '<meta name="generator" content="zensical-' in page and '"provider":"mike"' in page
    assert "Adopted by the Board of Education on 10 June 2026" in page
    assert "with Zensical and mike" in git("log", "--format=%s", "gh-pages", cwd=project)
    assert "latest" in git(
        "show", "gh-pages:index.html", cwd=project
    )  # the site's root leads to latest


def test_serve_previews_with_zensical_and_stops_its_server(tmp_path: Path) -> None:
    import socket
    import urllib.request

    root = project(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(BIN / "lstoolkit"), "serve", "--quiet", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page, deadline = "", time.monotonic() + 60
        while not page and time.monotonic() < deadline:
            try:
                page = (
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/mechanisms/", timeout=5)
                    .read()
                    .decode()
                )
            except OSError:
                time.sleep(0.5)
        assert "Draft, not yet adopted" in page and "assets/lstoolkit/mechanisms.svg" in page
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
    with socket.socket() as again, pytest.raises(OSError):
        again.connect(("127.0.0.1", port))  # Zensical's server stopped with it
