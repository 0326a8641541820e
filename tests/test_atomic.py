"""A build that fails, midway or under --strict, leaves the previous site untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from lstoolkit.output import write_atomically

HOOK = """
pages = 0

def on_post_page(output, page, config):
    global pages
    pages += 1
    if pages == 5:
        raise RuntimeError("disk full")
    return output
"""


def project(tmp_path: Path, *, hook: bool = False, agency: str = "") -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "agency.yml").write_text(
        agency
        or "agency: {name: X, level: district}\nversion: '1'\nvalues: {facilitator_positions: 2}\n"
    )
    config = "site_name: Test\nplugins:\n  - search\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n"
    if hook:
        (tmp_path / "hooks.py").write_text(HOOK)
        config += "hooks:\n  - hooks.py\n"
    (tmp_path / "mkdocs.yml").write_text(config)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("the previous site")
    return tmp_path


def leftovers(root: Path) -> list[str]:
    return sorted(
        p.name
        for p in root.iterdir()
        if "lstoolkit-staging" in p.name or "lstoolkit-previous" in p.name
    )


def test_a_build_failing_midway_keeps_the_previous_site(tmp_path: Path) -> None:
    root = project(tmp_path, hook=True)
    with pytest.raises(RuntimeError, match="disk full"):
        build(load_config(str(root / "mkdocs.yml")))
    assert [p.name for p in (root / "site").iterdir()] == ["index.html"]
    assert (root / "site" / "index.html").read_text() == "the previous site"
    assert leftovers(root) == []


def test_a_build_failing_strict_keeps_the_previous_site(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        agency="agency: {name: X, level: district}\nversion: '1'\nvalues: {facilitator_positions: 2}\n"
        "changes:\n  - remove: elements/monitoring\n    why: x\n",
    )
    with pytest.raises(Abort, match="strict"):
        build(load_config(str(root / "mkdocs.yml"), strict=True))
    assert (root / "site" / "index.html").read_text() == "the previous site"
    assert leftovers(root) == []


def test_a_successful_build_replaces_the_site(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(load_config(str(root / "mkdocs.yml"), strict=True))
    assert "the previous site" not in (root / "site" / "index.html").read_text()
    assert (root / "site" / "search" / "search_index.json").exists()
    assert (root / "site" / "mechanisms" / "steering-body" / "index.html").exists()
    assert leftovers(root) == []


def test_write_atomically_leaves_no_temporary_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")

    def broken_replace(source: object, destination: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
