"""The plugin's options as MkDocs validates them: typed values, paths relative to mkdocs.yml,
and errors that name the option."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from lstoolkit.plugin import LstoolkitConfig, LstoolkitPlugin


def options(where: Path, text: str) -> LstoolkitConfig:
    """The validated options of ``- lstoolkit: {text}`` in a site at ``where``."""
    (where / "docs").mkdir(exist_ok=True)
    (where / "mkdocs.yml").write_text(
        f"site_name: Test\nplugins:\n  - lstoolkit: {text}\n", encoding="utf-8"
    )
    plugin = load_config(str(where / "mkdocs.yml")).plugins["lstoolkit"]
    assert isinstance(plugin, LstoolkitPlugin)
    return plugin.config


def refused(where: Path, text: str, caplog: pytest.LogCaptureFixture) -> str:
    """The error MkDocs logs for these options."""
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        options(where, text)
    return caplog.text


@pytest.mark.parametrize(
    ("given", "value"),
    [
        ("true", True),
        ("false", False),
        ("yes", True),
        ("'true'", True),
        ("'false'", False),
        ("auto", "auto"),
        ("'auto'", "auto"),
        ("True", True),
    ],
)
def test_handouts_is_auto_or_a_boolean_written_either_way(
    given: str, value: object, tmp_path: Path
) -> None:
    assert options(tmp_path, f"{{handouts: {given}}}").handouts == value
    assert options(tmp_path, "{}").handouts == "auto"


@pytest.mark.parametrize("given", ["1", "0", "'yes'", "maybe", "[true]"])
def test_other_handouts_values_are_refused_by_name(
    given: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert "Plugin 'lstoolkit' option 'handouts': Expected auto, true or false" in refused(
        tmp_path, f"{{handouts: {given}}}", caplog
    )


@pytest.mark.parametrize("name", ["cache", "enabled"])
def test_on_and_off_options_take_a_boolean_written_either_way(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for given, value in [("true", True), ("off", False), ("'false'", False), ("'True'", True)]:
        assert getattr(options(tmp_path, f"{{{name}: {given}}}"), name) is value
    assert getattr(options(tmp_path, "{}"), name) is True
    for given in ["1", "maybe", "'yes'", "[false]"]:
        caplog.clear()
        assert f"Plugin 'lstoolkit' option '{name}': Expected true or false" in refused(
            tmp_path, f"{{{name}: {given}}}", caplog
        )


@pytest.mark.parametrize(
    ("handouts", "command", "wanted"),
    [
        (True, "serve", True),
        ("true", "build", True),
        (False, "build", False),
        ("false", "serve", False),
        ("auto", "build", True),
        ("auto", "serve", False),
    ],
)
def test_handouts_wanted(
    handouts: object, command: str, wanted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LSTOOLKIT_HANDOUTS", raising=False)
    plugin = LstoolkitPlugin()
    plugin.load_config({"handouts": handouts})
    plugin.on_startup(command=command, dirty=False)
    assert plugin._handouts_wanted() is wanted


def test_paths_are_relative_to_mkdocs_yml_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "agency.yml").write_text(
        "agency: {name: X, level: district}\nversion: '1'\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    found = options(site, "{agency: agency.yml, content: content, root: ..}")
    assert (found.agency, found.content, found.root) == (
        str(site / "agency.yml"),
        str(site / "content"),
        str(tmp_path),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{agency: missing.yml}",
            "option 'agency': The path '{site}/missing.yml' isn't an existing file.",
        ),
        ("{agency: docs}", "option 'agency': The path '{site}/docs' isn't an existing file."),
        (
            "{content: nowhere}",
            "option 'content': The path '{site}/nowhere' isn't an existing directory.",
        ),
        (
            "{root: mkdocs.yml}",
            "option 'root': The path '{site}/mkdocs.yml' isn't an existing directory.",
        ),
    ],
)
def test_missing_paths_are_refused_by_name(
    text: str, message: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert message.format(site=tmp_path) in refused(tmp_path, text, caplog)


def test_an_agency_file_below_mkdocs_yml_shows_as_written(tmp_path: Path) -> None:
    """Messages name the agency file relative to mkdocs.yml, as the option was written."""
    import subprocess
    import sys

    (tmp_path / "docs").mkdir()
    (tmp_path / "district").mkdir()
    (tmp_path / "district" / "agency.yml").write_text(
        "agency: {name: X, level: district}\nversion: '1'\nchanges:\n  - remove: mechanisms/nope\n    why: x\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ntheme: {name: material, font: false}\nplugins: [{lstoolkit: {agency: district/agency.yml, handouts: false}}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml")],
        cwd=tmp_path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "district/agency.yml:4:" in result.stderr and "mechanisms/nope" in result.stderr, (
        result.stderr
    )


ADOPTED = """\
extends: prototype
agency: {{name: Lincoln, level: district}}
version: "1"
status: adopted
adopted: {{date: {day}, by: Board of Education, resolution: R-1}}
sign_off: [{{name: Ana Ruiz, role: Chair, date: {day}}}]
"""


def test_each_build_in_a_process_dates_its_sitemap_by_its_own_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name, day in (("one", "2026-03-02"), ("two", "2027-07-09")):
        site = tmp_path / name
        (site / "docs").mkdir(parents=True)
        (site / "agency.yml").write_text(ADOPTED.format(day=day), encoding="utf-8")
        (site / "mkdocs.yml").write_text(
            "site_name: Test\nsite_url: https://example.org/\ntheme: {name: material}\n"
            "plugins:\n  - lstoolkit: {agency: agency.yml, handouts: false}\n",
            encoding="utf-8",
        )
        build(load_config(str(site / "mkdocs.yml")))
        sitemap = (site / "site" / "sitemap.xml").read_text(encoding="utf-8")
        assert f"<lastmod>{day}</lastmod>" in sitemap, sitemap[:400]
        # the build took back the date it set: the next build in this process sets its own
        assert "SOURCE_DATE_EPOCH" not in os.environ


#: Modules only some builds need: the handouts (with WeasyPrint and pikepdf), a state's roll-up
#: and its dashboard, and the comparison with an earlier version.
ON_DEMAND = (
    "lstoolkit.handouts",
    "lstoolkit.rollup",
    "lstoolkit.dashboard",
    "lstoolkit.diff",
    "lstoolkit.diff_formats",
    "weasyprint",
    "pikepdf",
)
IMPORTED_BY_A_BUILD = """\
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1]))
wanted = sys.argv[2:]
print(" ".join(sorted(n for n in sys.modules if n in wanted or n.startswith(tuple(w + "." for w in wanted)))))
"""


def test_a_build_without_handouts_imports_only_what_it_uses(tmp_path: Path) -> None:
    """A district's site without PDFs, roll-up or comparison does not pay for their imports."""
    import subprocess
    import sys

    (tmp_path / "docs").mkdir()
    (tmp_path / "agency.yml").write_text(ADOPTED.format(day="2026-03-02"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\ntheme: {name: material, font: false}\n"
        "plugins:\n  - lstoolkit: {agency: agency.yml, handouts: false}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY_A_BUILD, str(tmp_path / "mkdocs.yml"), *ON_DEMAND],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [], result.stdout
    assert (tmp_path / "site" / "index.html").is_file()
