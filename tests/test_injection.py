"""Agency strings are data: shown as text in pages, never HTML, links, Markdown or templates;
and an agency's own templates run in a sandbox."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

HOSTILE = {
    "name": "Springfield & Sons [home](javascript:alert('name')) {{ 7*7 }}",
    "component": "Component `code` **bold** {% raw %}",
    "text": "[click me](javascript:alert('link')) and [data](data:text/html;base64,PHNjcmlwdD4=) {{ 7*7 }} {% if true %}jinja{% endif %}",
    "block": "<div onclick=alert('div')>block</div>",
    "heading": "# not a heading\n\n- not a list",
}
AGENCY = f"""
agency: {{name: "{HOSTILE["name"]}", level: district}}
version: '1'
component_name: "{HOSTILE["component"]}"
values: {{facilitator_positions: 12}}
terms:
  Steering Body: "Steering _Body_ Committee"
changes:
  - add: mechanisms/steering-body/functions
    text: "{HOSTILE["text"]}"
    why: "{HOSTILE["block"]}"
  - replace: mechanisms/planning-team/process
    text: |
      {HOSTILE["heading"].replace(chr(10), chr(10) + "      ")}
    why: test
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "docs").mkdir()
    (root / "agency.yml").write_text(AGENCY, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Test\nplugins:\n  - lstoolkit: {agency: agency.yml, handouts: 'false'}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details]\n",
        encoding="utf-8",
    )
    build(load_config(str(root / "mkdocs.yml")))
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_no_markup_from_agency_strings_anywhere(site: Path) -> None:
    for html_file in site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert "alert(" not in re.sub(
            r"&#x27;|&#39;", "'", "".join(re.findall(r"<[^>]*alert\([^>]*>", html))
        ), html_file
        assert not re.search(r"<script>alert", html), html_file
        assert not re.search(r"<img src=\"?x", html), html_file
        assert 'href="javascript:' not in html and 'href="data:' not in html, html_file
        assert "<em>Body</em>" not in html and "<strong>bold</strong>" not in html, html_file


def test_agency_strings_show_as_text(site: Path) -> None:
    home = page(site, "").replace("&#x27;", "'")
    assert "Springfield &amp; Sons [home](javascript:alert('name')) {{ 7*7 }}" in home
    body = page(site, "mechanisms/steering-body")
    assert "{{ 7*7 }}" in body and "{% if true %}jinja{% endif %}" in body
    assert "[click me](javascript:alert(" in body.replace("&#x27;", "'")
    assert "Steering _Body_ Committee" in body
    planning = page(site, "mechanisms/planning-team")
    assert "# not a heading" in planning
    assert "<h1>not a heading" not in planning
    adaptations = page(site, "adaptations")
    assert "&lt;div onclick=alert(" in adaptations
    assert "(twelve positions)" in page(site, "documents/introductory-session")


def test_override_templates_run_in_a_sandbox(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "overrides" / "lstoolkit").mkdir(parents=True)
    (tmp_path / "overrides" / "lstoolkit" / "home.md.j2").write_text(
        "# Home\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\ntheme: {name: mkdocs, custom_dir: overrides}\n"
        "plugins:\n  - lstoolkit: {handouts: 'false'}\n",
        encoding="utf-8",
    )
    caplog.set_level(logging.ERROR)
    with pytest.raises(Abort):
        build(load_config(str(tmp_path / "mkdocs.yml")))
    assert "LS305 template error" in caplog.text
    assert "unsafe" in caplog.text.lower()
    assert not (tmp_path / "site").exists()
