"""The logo check: hostile SVGs and mislabelled images are refused with a located LS306 error;
plain logos are returned byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.logo import MAX_LOGO_BYTES, read_logo

ROOT = Path(__file__).parent.parent
AT = Location("agency.yml", 8, 9)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def write(where: Path, name: str, data: bytes | str) -> Path:
    path = where / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(path: Path) -> LstoolkitError:
    with pytest.raises(LstoolkitError) as caught:
        read_logo(path, named_at=AT)
    error = caught.value
    assert error.code == FindingCode.UNSAFE_FILE and FindingCode.UNSAFE_FILE.value == "LS306"
    assert error.location == AT
    assert error.hint
    assert "\n" not in error.message
    return error


HOSTILE = {
    "script": (SVG.format("<script>alert(1)</script>"), "<script>"),
    "onload": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
    "onclick-upper": (SVG.format('<rect width="1" height="1" ONCLICK="alert(1)"/>'), "ONCLICK"),
    "image-http": (SVG.format('<image href="http://127.0.0.1/x.png"/>'), "http://127.0.0.1/x.png"),
    "image-file": (
        SVG.format('<image xlink:href="file:///etc/hostname"/>'),
        "file:///etc/hostname",
    ),
    "use-other-file": (SVG.format('<use href="other.svg#a"/>'), "other.svg#a"),
    "foreign-object": (
        SVG.format(
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'
        ),
        "<foreignObject>",
    ),
    "style-url": (SVG.format('<rect style="fill:url(http://x/)"/>'), "url(http://x/)"),
    "style-import": (SVG.format("<style>@import url(x.css)</style>"), "url(x.css)"),
    "javascript-link": (SVG.format('<a href="javascript:alert(1)"><rect/></a>'), "javascript:"),
    "set-href": (
        SVG.format('<a href="#a"><set attributeName="href" to="javascript:alert(1)"/></a>'),
        "<set>",
    ),
    "billion-laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "lol">\n<!ENTITY b "&a;&a;&a;&a;&a;">\n]>\n'
        + SVG.format("<text>&b;</text>"),
        "DOCTYPE",
    ),
    "external-entity": (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("<text>&x;</text>"),
        "DOCTYPE",
    ),
    "stylesheet-pi": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet href="http://x/a.css"?>\n'
        + SVG.format(""),
        "processing instruction",
    ),
    "xhtml-root": ('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "root element"),
    "not-utf8": (SVG.format("<title>caf\xe9</title>").encode("latin-1"), "UTF-8"),
    "not-xml": ("this is not a picture", "not well-formed"),
}


@pytest.mark.parametrize(("svg", "reason"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_svg_is_refused(tmp_path: Path, svg: str | bytes, reason: str) -> None:
    error = refused(write(tmp_path, "logo.svg", svg))
    assert reason in error.message


def test_style_import_is_refused_even_without_url(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "logo.svg", SVG.format('<style>@import "x.css";</style>')))
    assert "@import" in error.message


PLAIN = {
    "gradient": SVG.format(
        '<title>Springfield</title><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
        '</linearGradient><rect id="a" width="4" height="4"/></defs>'
        '<rect width="10" height="10" fill="url(#g)"/><use href="#a"/><use xlink:href="#a" x="5"/>'
    ),
    "style": '<?xml version="1.0" encoding="UTF-8"?>\n'
    + SVG.format('<style>.a{fill:url(#g)} .b{fill:url( \'#g\' )}</style><circle class="a" r="2"/>'),
}


@pytest.mark.parametrize("svg", PLAIN.values(), ids=PLAIN.keys())
def test_plain_svg_is_returned_unchanged(tmp_path: Path, svg: str) -> None:
    path = write(tmp_path, "logo.svg", svg)
    assert read_logo(path, named_at=AT) == svg.encode()


@pytest.mark.parametrize(
    ("name", "data"), [("logo.png", PNG), ("logo.jpg", JPEG), ("logo.jpeg", JPEG)]
)
def test_png_and_jpeg_are_accepted(tmp_path: Path, name: str, data: bytes) -> None:
    assert read_logo(write(tmp_path, name, data), named_at=None) == data


def test_svg_named_png_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "x.png", SVG.format("")))
    assert error.message == "'x.png' is not a PNG image (its first bytes say otherwise)"


def test_gif_is_refused_by_extension(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "logo.gif", b"GIF89a" + b"\x00" * 32))
    assert "extension" in error.message
    assert ".svg" in error.hint and ".png" in error.hint


def test_too_large_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "logo.png"
    with open(path, "wb") as f:
        f.truncate(MAX_LOGO_BYTES + 1)

    def no_reading(*args: object, **kwargs: object) -> bytes:
        pytest.fail("the logo was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    error = refused(path)
    assert f"{MAX_LOGO_BYTES + 1:,} bytes" in error.message


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert "empty" in refused(write(tmp_path, "logo.svg", b"")).message


def test_symlink_to_a_valid_logo_is_refused(tmp_path: Path) -> None:
    target = write(tmp_path, "real.png", PNG)
    link = tmp_path / "logo.png"
    link.symlink_to(target)
    assert "symbolic link" in refused(link).message


def test_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").mkdir()
    assert "not a file" in refused(tmp_path / "logo.svg").message


def shipped_logos() -> list[Path]:
    logos = []
    for agency in sorted(ROOT.glob("examples/*/agency.yml")):
        for match in re.finditer(r"^\s*logo:\s*(\S+)", agency.read_text(encoding="utf-8"), re.M):
            logos.append(agency.parent / match.group(1).strip("'\""))
    return logos


def test_the_examples_ship_at_least_one_logo() -> None:
    assert shipped_logos()


@pytest.mark.parametrize("logo", shipped_logos(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_example_logo_is_accepted(logo: Path) -> None:
    assert read_logo(logo, named_at=AT) == logo.read_bytes()
