"""The theme layer shipped in the package: the version banner on every site, whatever its
custom_dir holds, and the site's own templates still winning over lstoolkit's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config

from lstoolkit.sandbox import templates_dir

ROOT = Path(__file__).parent.parent
OWN_MAIN = '{% extends "base.html" %}\n{% block extrahead %}<meta name="own-main" content="yes">{% endblock %}\n'
KEEPS_BANNER = (
    OWN_MAIN + '{% block announce %}{% include "partials/lstoolkit-banner.html" %}{% endblock %}\n'
)


def site(where: Path, files: dict[str, str], *, theme: str = "material") -> Path:
    """A site of the prototype, without handouts, with these files (e.g. in overrides/)."""
    (where / "docs").mkdir(parents=True)
    for name, text in files.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(text, encoding="utf-8")
    custom = (
        ", custom_dir: overrides" if any(name.startswith("overrides/") for name in files) else ""
    )
    (where / "mkdocs.yml").write_text(
        f"site_name: Test\ntheme: {{name: {theme}, font: false{custom}}}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n"
        "plugins: [{lstoolkit: {handouts: false}}]\n",
        encoding="utf-8",
    )
    return where


def build(project: Path) -> subprocess.CompletedProcess[str]:
    """mkdocs build --strict, not -q: quiet drops the warnings that --strict counts."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def page(project: Path, path: str = "index.html") -> str:
    return (project / "site" / path).read_text(encoding="utf-8")


def test_a_site_without_overrides_shows_the_banner_from_the_package(tmp_path: Path) -> None:
    project = site(tmp_path, {})
    result = build(project)
    assert result.returncode == 0, result.stderr
    for path in ("index.html", "mechanisms/index.html", "404.html"):
        html = page(project, path)
        assert '<aside class="md-banner">' in html and '<p class="lstoolkit-banner">' in html, path
        assert "Prototype toolkit, version" in html


def test_the_theme_layer_lies_between_the_custom_dir_and_material(tmp_path: Path) -> None:
    project = site(tmp_path, {"overrides/lstoolkit/README.md": "x"})
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    dirs = [Path(d) for d in config.theme.dirs]
    assert dirs[:2] == [project / "overrides", templates_dir() / "theme"]
    assert dirs[2].parts[-2:] == ("material", "templates")
    assert (templates_dir() / "theme" / "main.html").is_file()


def test_a_sites_own_main_html_wins_and_keeps_the_banner_with_the_block(tmp_path: Path) -> None:
    project = site(tmp_path, {"overrides/main.html": KEEPS_BANNER})
    result = build(project)
    assert result.returncode == 0, result.stderr
    html = page(project)
    assert '<meta name="own-main" content="yes">' in html and '<p class="lstoolkit-banner">' in html


def test_a_sites_own_main_html_without_the_banner_is_warned_about(tmp_path: Path) -> None:
    project = site(tmp_path, {"overrides/main.html": OWN_MAIN})
    result = build(project)
    assert result.returncode == 1
    assert (
        "WARNING -  lstoolkit: overrides/main.html replaces lstoolkit's main.html, so pages show no version banner"
        in result.stderr
    )
    assert '{% include "partials/lstoolkit-banner.html" %}' in result.stderr


def test_the_banner_itself_can_be_replaced(tmp_path: Path) -> None:
    mine = '<p class="own-banner">Version {{ config.extra.lstoolkit.version }}, ours</p>'
    project = site(tmp_path, {"overrides/partials/lstoolkit-banner.html": mine})
    result = build(project)
    assert result.returncode == 0, result.stderr
    html = page(project)
    assert (
        '<p class="own-banner">Version 0.1.0, ours</p>' in html and "lstoolkit-banner" not in html
    )


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_other_themes_are_left_alone(theme: str, tmp_path: Path) -> None:
    project = site(tmp_path, {}, theme=theme)
    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert str(templates_dir() / "theme") not in config.theme.dirs
