"""The draft -> adopted life cycle as a reader meets it: /latest/, /draft/ and the version selector
of a site published with 'lstoolkit publish', served from the branch mike commits to."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from helpers_publish import banner, selector
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent
STEPS = [("2026.1", "draft"), ("2026.1", "adopted"), ("2026.2", "draft"), ("2026.2", "adopted")]
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Coach",
    "GIT_AUTHOR_EMAIL": "coach@example.org",
    "GIT_COMMITTER_NAME": "Coach",
    "GIT_COMMITTER_EMAIL": "coach@example.org",
}
ENV.pop("SOURCE_DATE_EPOCH", None)


#: The example district's work-group member who has not signed off yet, and signed.
UNSIGNED = 'Springfield Education Association"}'
SIGNED = 'Springfield Education Association", date: 2026-05-30}'


def _run(*args: str, cwd: Path) -> str:
    result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The branch after each step of the life cycle, checked out in its own directory. The site
    has no custom_dir: the banner comes from lstoolkit's own theme directory."""
    where = tmp_path_factory.mktemp("life-cycle")
    project = where / "project"
    shutil.copytree(ROOT / "examples", project / "examples")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    del config["theme"]["custom_dir"]
    config["plugins"][1]["lstoolkit"]["handouts"] = False
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    _run("git", "init", "-q", "-b", "main", cwd=project)
    _run(
        "git", "config", "user.name", "Coach", cwd=project
    )  # mike reads the identity from git's config
    _run("git", "config", "user.email", "coach@example.org", cwd=project)
    district = project / "examples" / "district" / "agency.yml"
    original = district.read_text(encoding="utf-8")
    states: dict[tuple[str, str], Path] = {}
    for version, status in STEPS:
        text = re.sub(r"(?m)^version: .*$", f'version: "{version}"', original)
        if status == "adopted":
            text = text.replace(UNSIGNED, SIGNED).replace(
                "status: draft\n",
                "status: adopted\nadopted: {date: 2026-06-10, by: Board of Education, resolution: Resolution 2026-41}\n",
            )
        district.write_text(text, encoding="utf-8")
        _run("git", "add", "-A", cwd=project)
        _run("git", "commit", "-q", "--allow-empty", "-m", f"{version} {status}", cwd=project)
        _run(
            sys.executable,
            "-m",
            "lstoolkit.cli",
            "publish",
            "examples/district/agency.yml",
            cwd=project,
        )
        states[version, status] = where / f"{version}-{status}"
        _run(
            "git",
            "worktree",
            "add",
            "-q",
            "--detach",
            str(states[version, status]),
            "gh-pages",
            cwd=project,
        )
    return states


def test_an_adopted_draft_is_listed_and_draft_is_gone(
    published: dict[tuple[str, str], Path], serve: Callable[[Path], str], page: Page
) -> None:
    base = serve(published["2026.1", "adopted"])
    assert selector(page, base + "latest/") == ["2026.1 (adopted 2026-06-10)"]
    status, text = banner(page, base + "latest/")
    assert status == 200 and text.startswith(
        "Adopted by the Board of Education on 10 June 2026 (Resolution 2026-41) · version 2026.1"
    )
    assert banner(page, base + "draft/")[0] == 404


def test_draft_serves_the_newest_draft_which_the_selector_does_not_list(
    published: dict[tuple[str, str], Path], serve: Callable[[Path], str], page: Page
) -> None:
    base = serve(published["2026.2", "draft"])
    assert selector(page, base + "latest/") == ["2026.1 (adopted 2026-06-10)"]
    status, text = banner(page, base + "draft/")
    assert status == 200 and text.startswith(
        "Draft for review by the Board of Education · version 2026.2"
    )


def test_once_every_draft_is_adopted_the_selector_lists_both_and_draft_is_gone(
    published: dict[tuple[str, str], Path], serve: Callable[[Path], str], page: Page
) -> None:
    base = serve(published["2026.2", "adopted"])
    assert selector(page, base + "latest/") == [
        "2026.2 (adopted 2026-06-10)",
        "2026.1 (adopted 2026-06-10)",
    ]
    status, text = banner(page, base + "latest/")
    assert status == 200 and text.startswith("Adopted by the Board of Education on 10 June 2026")
    assert "version 2026.2" in banner(page, base)[1]  # the root redirects to /latest/
    assert banner(page, base + "draft/")[0] == 404
