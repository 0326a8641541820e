"""The example district built with each of the three builders, for tests/test_builders.py and the
browser suite: MkDocs and ProperDocs with the plugin, Zensical from ``lstoolkit build-docs``."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
BUILDERS = ("mkdocs", "properdocs", "zensical")


def district_config(directory: Path) -> Path:
    """The repository's mkdocs.yml, written to ``directory`` with its paths made absolute, so
    that no build writes into the repository."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / "examples" / "district" / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"][1]["lstoolkit"]["agency"] = str(ROOT / "examples" / "district" / "agency.yml")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def build_with(builder: str, work: Path) -> Path:
    """The example district's site built by ``builder`` under ``work``, with --strict; its folder."""
    config = district_config(work)
    site = work / "site"
    if builder == "zensical":
        run(
            [
                str(BIN / "lstoolkit"),
                "build-docs",
                "--strict",
                "--config-file",
                str(config),
                "--out",
                "generated",
            ],
            work,
        )
        run(
            [str(BIN / "zensical"), "build", "--strict", "--config-file", "generated/mkdocs.yml"],
            work,
        )
        return work / "generated" / "site"
    run(
        [
            str(BIN / builder),
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site),
        ],
        work,
    )
    return site


def html_pages(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}


class _ArticleText(HTMLParser):
    """The text of a page's <article> (its main content), without the markup."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or (self.depth and tag not in self.VOID):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def main_text(page: Path) -> str:
    """The page's main text, whitespace normalised."""
    parser = _ArticleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())
