"""The site cache (lstoolkit.cache): a build with nothing changed takes the prepared site from
the cache and publishes the same bytes; a change to anything the site is made from prepares it
again; an entry that is damaged, tampered with or cannot be written never fails a build."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import lstoolkit.assemble
import lstoolkit.cache
import lstoolkit.dates
from lstoolkit.assemble import SiteOptions, cacheable
from lstoolkit.cache import Input, Prepared, _fingerprint
from lstoolkit.models import COLLECTION_SPECS
from lstoolkit.plugin import LstoolkitPlugin

CONFIG = """\
site_name: Riverbend
theme:
  name: material
  custom_dir: overrides
plugins:
  - lstoolkit:
      agency: agency.yml
      handouts: false
"""
AGENCY = """\
extends: prototype
agency:
  name: Riverbend Unified
  level: district
  logo: logo.svg
version: "1"
sections:
  design/imperative: imperative.md
terms:
  Steering Body: Steering Committee
"""
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
LAST_HOUR = time.time() - 3600
CACHEABLE = cacheable  # before the suite's fixture replaces it


def settle(project: Path) -> None:
    """Date every file of the project an hour back: the cache keeps no build whose inputs
    changed in the two seconds before it started (they may have changed while read)."""
    for path in project.rglob("*"):
        os.utime(path, (LAST_HOUR, LAST_HOUR), follow_symlinks=False)


@pytest.fixture(autouse=True)
def empty_site_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache on (the suite turns it off, see conftest.py), empty for each test."""
    monkeypatch.setattr(lstoolkit.assemble, "cacheable", CACHEABLE)
    monkeypatch.setattr(lstoolkit.cache, "site_cache_dir", lambda: tmp_path / "site-cache")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "riverbend"
    (root / "docs").mkdir(parents=True)
    (root / "overrides").mkdir()
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (root / "agency.yml").write_text(AGENCY, encoding="utf-8")
    (root / "imperative.md").write_text("Riverbend needs learning supports.\n", encoding="utf-8")
    (root / "logo.svg").write_text(LOGO, encoding="utf-8")
    (root / "docs" / "contact.md").write_text("# Contact\n\nCall the office.\n", encoding="utf-8")
    settle(root)
    return root


@dataclass(frozen=True)
class Built:
    """What the plugin knew after a build (MkDocs may use one plugin object for several)."""

    reused: bool
    renderer: object
    prepared: Prepared


def run_build(project: Path, site: str = "site") -> Built:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / site))
    build(config)
    plugin = config.plugins["lstoolkit"]
    assert isinstance(plugin, LstoolkitPlugin) and plugin.preparation is not None
    preparation = plugin.preparation
    return Built(preparation.reused, plugin.renderer, preparation.prepared)


def published(project: Path, site: str = "site") -> dict[str, bytes]:
    root = project / site
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "sitemap.xml.gz"
    }


def entries() -> list[Path]:
    return sorted(lstoolkit.cache.site_cache_dir().glob("*.json"))


def test_a_build_with_nothing_changed_is_taken_from_the_cache_and_publishes_the_same_bytes(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = run_build(project, "first")
    first_messages = [r.getMessage() for r in caplog.records if "lstoolkit" in r.name]
    caplog.clear()
    second = run_build(project, "second")
    second_messages = [r.getMessage() for r in caplog.records if "lstoolkit" in r.name]
    assert not first.reused and first.renderer is not None
    assert second.reused and second.renderer is None
    assert len(entries()) == 1
    assert published(project, "first") == published(project, "second")
    assert "Steering Committee" in (project / "second" / "index.html").read_text()
    # Said once, then the findings logged again word for word: --strict fails the same way.
    assert "nothing the site is made from has changed" in second_messages[0]
    assert second_messages[1:] == first_messages
    assert any("LS" in message for message in first_messages)


def edit_agency(p: Path) -> None:
    text = AGENCY.replace("Steering Committee", "Guiding Council")
    (p / "agency.yml").write_text(text, encoding="utf-8")


def edit_section(p: Path) -> None:
    (p / "imperative.md").write_text("Riverbend's students need more.\n", encoding="utf-8")


def edit_logo(p: Path) -> None:
    (p / "logo.svg").write_text(LOGO.replace("10", "12"), encoding="utf-8")


def add_override(p: Path) -> None:
    (p / "overrides" / "lstoolkit").mkdir()
    (p / "overrides" / "lstoolkit" / "home.md.j2").write_text(
        "# Our own home page\n", encoding="utf-8"
    )


def add_page(p: Path) -> None:
    (p / "docs" / "calendar.md").write_text("# Calendar\n\nMeetings.\n", encoding="utf-8")


def relink_agency(p: Path) -> None:
    text = AGENCY.replace("Riverbend Unified", "Riverbend Joint Unified")
    (p / "other.yml").write_text(text, encoding="utf-8")
    (p / "agency.yml").unlink()
    (p / "agency.yml").symlink_to("other.yml")


#: A change to an input, and what the site publishes only after it (one of, split at "|").
CHANGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "the customization file": (edit_agency, "Guiding Council"),
    "a section": (
        edit_section,
        "Riverbend&rsquo;s students need more|Riverbend's students need more",
    ),
    "the logo": (edit_logo, 'width="12"'),
    "an override template added": (add_override, "Our own home page"),
    "a page of the agency's added": (add_page, "calendar/"),
    "the customization file now a link to another": (relink_agency, "Riverbend Joint Unified"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_what_the_site_is_made_from_prepares_it_again(
    project: Path, change: str
) -> None:
    make_change, now_published = CHANGES[change]
    run_build(project, "before")
    make_change(project)
    settle(project)
    after = run_build(project, "after")
    assert not after.reused
    pages = b"".join(published(project, "after").values()).decode(errors="replace")
    assert any(expected in pages for expected in now_published.split("|"))
    assert not any(
        expected in b"".join(published(project, "before").values()).decode(errors="replace")
        for expected in now_published.split("|")
    )
    assert run_build(project, "again").reused  # and the new entry is used from then on
    assert published(project, "again") == published(project, "after")


def test_a_content_tree_is_recorded_file_by_file_a_new_collection_file_included(
    project: Path,
) -> None:
    content = project / "content"
    content.mkdir()
    prototype = Path(lstoolkit.__file__).resolve().parent.parent / "content"
    for name in COLLECTION_SPECS:
        if name != "quotes":  # a collection a tree may leave out: nothing refers to it
            (content / f"{name}.yml").write_bytes((prototype / f"{name}.yml").read_bytes())
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("      handouts: false", "      handouts: false\n      content: content"),
        encoding="utf-8",
    )
    settle(project)
    run_build(project, "before")
    assert run_build(project, "before").reused
    (content / "quotes.yml").write_bytes((prototype / "quotes.yml").read_bytes())
    settle(project)
    assert not run_build(project, "after").reused
    assert run_build(project, "after").reused
    cautions = (content / "cautions.yml").read_text(encoding="utf-8")
    (content / "cautions.yml").write_text(cautions + "\n", encoding="utf-8")
    settle(project)
    assert not run_build(project, "after").reused


def test_an_input_changed_just_before_the_build_is_not_kept(project: Path) -> None:
    (project / "agency.yml").touch()  # as an editor saving while mkdocs serve rebuilds
    run_build(project)
    assert entries() == []
    assert not run_build(project).reused


def test_a_new_commit_dating_the_version_prepares_it_again(project: Path) -> None:
    def git(*args: str, date: str) -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )

    git("init", "-q", date="2026-01-05T12:00:00Z")
    git("add", ".", date="2026-01-05T12:00:00Z")
    git("commit", "-q", "-m", "first", date="2026-01-05T12:00:00Z")
    assert "5 January 2026" in (run_build(project, "before").prepared.settings.footer)
    # The same files, committed again on another day (the date of a version is its last commit).
    git("commit", "-q", "--amend", "--no-edit", "--reset-author", date="2026-03-09T12:00:00Z")
    lstoolkit.dates.last_commit.cache_clear()
    after = run_build(project, "after")
    assert not after.reused
    assert "9 March 2026" in after.prepared.settings.footer


@pytest.mark.parametrize(
    "damage",
    [
        "not json",
        "a list",
        "another format",
        "a page that is not text",
        "an unknown leak rule",
        "a message at another level",
        "a navigation nested beyond reason",
    ],
)
def test_a_damaged_or_tampered_entry_is_not_used(project: Path, damage: str) -> None:
    run_build(project, "before")
    [path] = entries()
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "not json":
        path.write_text("{", encoding="utf-8")
    else:
        if damage == "a list":
            data = [data]
        elif damage == "another format":
            data["format"] = 0
        elif damage == "a page that is not text":
            data["files"][0]["text"] = ["<script>"]
        elif damage == "an unknown leak rule":
            digest = next(iter(data["leaks"]))
            data["leaks"][digest] = [["run-this", "x", 1]]
        elif damage == "a message at another level":
            data["messages"].append(["error", "x"])
        elif damage == "a navigation nested beyond reason":
            data["settings"]["nav"] = "NESTED"
        text = json.dumps(data).replace('"NESTED"', "[" * 100_000 + "]" * 100_000)
        path.write_text(text, encoding="utf-8")
    after = run_build(project, "after")
    assert not after.reused
    assert published(project, "after") == published(project, "before")
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == lstoolkit.cache.FORMAT


def test_a_leak_found_in_a_page_is_reported_again_from_the_cache(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (project / "docs" / "contact.md").write_text(
        "# Contact\n\nSee page 4 of the handbook.\n", encoding="utf-8"
    )
    settle(project)
    run_build(project, "before")
    caplog.clear()
    assert run_build(project, "after").reused
    leaks = [r.getMessage() for r in caplog.records if "print-reference" in r.getMessage()]
    assert leaks and all("lstoolkit: after/contact/index.html:" in m for m in leaks)


def test_the_cache_is_not_used_when_the_site_reads_what_it_does_not_record(
    project: Path,
) -> None:
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("handouts: false", "handouts: false\n      cache: false"), encoding="utf-8"
    )
    settle(project)
    run_build(project)
    assert not run_build(project).reused and entries() == []
    agency = SiteOptions(agency=project / "agency.yml")
    assert cacheable(agency)
    assert not cacheable(replace(agency, compare_with="v1"))  # another revision's files in git
    assert not cacheable(replace(agency, rollup="districts"))  # the districts' checkouts


def test_a_cache_that_cannot_be_written_costs_time_not_the_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = project.parent / "blocked"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(lstoolkit.cache, "site_cache_dir", lambda: blocked / "sites")
    run_build(project, "before")
    after = run_build(project, "after")
    assert not after.reused
    assert published(project, "after") == published(project, "before")


def test_lstoolkits_own_files_are_recorded_by_size_and_time(tmp_path: Path) -> None:
    (tmp_path / "pages.md.j2").write_text("one", encoding="utf-8")
    first = _fingerprint([tmp_path])
    assert _fingerprint([tmp_path]) == first
    (tmp_path / "pages.md.j2").write_text("two", encoding="utf-8")
    os.utime(tmp_path / "pages.md.j2", ns=(1, 1))
    assert _fingerprint([tmp_path]) != first
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"")
    second = _fingerprint([tmp_path])
    assert second == _fingerprint([tmp_path])
    (tmp_path / "new.py").write_text("", encoding="utf-8")
    assert _fingerprint([tmp_path]) != second


def test_an_input_records_where_its_path_leads_and_its_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("a", encoding="utf-8")
    (tmp_path / "b.yml").write_text("a", encoding="utf-8")
    (tmp_path / "link.yml").symlink_to("a.yml")
    recorded = Input.now(tmp_path / "link.yml")
    assert recorded.leads_to == str(tmp_path / "a.yml")
    (tmp_path / "link.yml").unlink()
    (tmp_path / "link.yml").symlink_to("b.yml")
    assert Input.now(tmp_path / "link.yml") != recorded  # same bytes, another file
    assert Input.now(tmp_path / "absent.yml").digest is None
    assert Input.now(tmp_path).digest is None  # a folder where a file was: no traceback


def test_an_input_that_can_no_longer_be_read_prepares_the_site_and_says_why(
    project: Path,
) -> None:
    run_build(project, "before")
    (project / "imperative.md").unlink()
    (project / "imperative.md").mkdir()
    settle(project)
    with pytest.raises(Abort):
        run_build(project, "after")


def test_only_the_sites_built_most_recently_are_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lstoolkit.cache, "KEPT_SITES", 2)
    where = lstoolkit.cache.site_cache_dir()
    where.mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(["old.json", "older.json"]):
        (where / name).write_text("{}", encoding="utf-8")
        os.utime(where / name, (LAST_HOUR - n, LAST_HOUR - n))
    run_build(project)
    kept = {p.name for p in entries()}
    assert len(kept) == 2 and "old.json" in kept and "older.json" not in kept


def test_a_build_with_handouts_takes_them_from_the_handout_cache_as_they_were(
    project: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LSTOOLKIT_CACHE_DIR", str(project.parent / "cache"))  # PDFs of its own
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("handouts: false", "handouts: true"), encoding="utf-8"
    )
    settle(project)
    run_build(project, "before")
    caplog.clear()
    caplog.set_level(logging.INFO)
    assert run_build(project, "after").reused
    assert published(project, "after") == published(project, "before")
    pdfs = sorted(p.name for p in (project / "after" / "handouts").glob("*.pdf"))
    assert "at-a-glance.pdf" in pdfs
    said = [r.getMessage() for r in caplog.records]
    for name in pdfs:
        assert any(f"handout {name} (" in m and m.endswith("KB): unchanged") for m in said)
    # A PDF no longer in the handout cache, or another one under its name: prepared again.
    [entry] = entries()
    key = json.loads(entry.read_text(encoding="utf-8"))["files"][0]["handout"]
    pdf = lstoolkit.cache.handout_cache_dir() / f"{key}.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    assert not run_build(project, "again").reused
    pdf.unlink()
    assert not run_build(project, "again").reused
    assert published(project, "again") == published(project, "before")  # rendered again
