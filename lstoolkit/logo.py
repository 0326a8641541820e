"""Checking an agency's logo before it is published.

The logo comes from an untrusted pull request. It is copied to the website (where a browser may
open it on its own, not only through ``<img>``) and embedded in PDFs by WeasyPrint. A PNG or JPEG
is inert once its first bytes prove its type. An SVG is a document: it can carry script, event
handlers, animations that rewrite links, style sheets and references to other files or URLs. So an
SVG logo is parsed with defusedxml (no DTD, no entities) and must be a plain drawing: elements in
the SVG namespace only, nothing that runs or animates, and references (``href``, ``url(...)``) only
to parts of itself. Anything else is refused with the reason, rather than cleaned up silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import (  # type: ignore[import-untyped]
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
)
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError

MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}

_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n", "PNG"),
    ".jpg": (b"\xff\xd8\xff", "JPEG"),
    ".jpeg": (b"\xff\xd8\xff", "JPEG"),
}
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"
#: Elements that run script, embed other documents or play media, and animations (which can
#: rewrite any attribute, an ``href`` included, after the file was checked). Lower case.
_FORBIDDEN = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "handler",
    "listener",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "discard",
}
_DECLARATION = re.compile(r"\ufeff?<\?xml\s[^?<>]*\?>")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")
_PI = re.compile(r"<\?\s*([^\s?>]*)")
_FRAGMENT = re.compile(r"#[\w.:-]+")
_URL = re.compile(r"url\(", re.IGNORECASE)
_SAFE_URL = re.compile(r"""url\(\s*(["']?)#[\w.:-]+\1\s*\)""", re.IGNORECASE)
#: CSS that loads or runs something other than through ``url()``.
_CSS_LOADERS = re.compile(
    r"@import|expression\s*\(|(?<![\w-])(?:-webkit-)?(?:image-set|image|cross-fade|src)\s*\(",
    re.IGNORECASE,
)
_SCHEMES = ("javascript:", "data:", "http")
_REFERS = "a logo may refer only to parts of itself"
_PLAIN_SVG = "Export the logo again as a plain SVG without scripts or links, or use a PNG."


def read_logo(path: Path, *, named_at: Location | None) -> bytes:
    """The logo's bytes, checked; raises LstoolkitError(code=FindingCode.UNSAFE_FILE, location=named_at) saying why it is refused."""

    def refuse(message: str, hint: str) -> LstoolkitError:
        return LstoolkitError(message, named_at, hint=hint, code=FindingCode.UNSAFE_FILE)

    name = repr(path.name)
    if path.is_symlink():
        raise refuse(f"the logo {name} is a symbolic link", "Put the image file itself there.")
    if not path.is_file():
        raise refuse(f"the logo {name} is not a file", "Name an image file in the project.")
    if path.suffix not in LOGO_TYPES:
        allowed = ", ".join(LOGO_TYPES)
        raise refuse(
            f"the logo {name} is not an SVG, PNG or JPEG file (by its extension)",
            f"Use an image whose name ends in one of {allowed}.",
        )
    try:
        size, data = path.stat().st_size, b""
        if 0 < size <= MAX_LOGO_BYTES:
            with path.open("rb") as file:  # bounded, in case the file grew since stat()
                data = file.read(MAX_LOGO_BYTES + 1)
            size = len(data)
    except OSError as error:
        raise refuse(f"cannot read the logo {name}: {error.strerror}", "Check the file.") from None
    if size == 0:
        raise refuse(f"the logo {name} is empty", "Export the logo again.")
    if size > MAX_LOGO_BYTES:
        raise refuse(
            f"the logo {name} is {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,}",
            "Export it smaller (an SVG, or a PNG a few hundred pixels wide).",
        )
    if path.suffix in _MAGIC:
        magic, kind = _MAGIC[path.suffix]
        if not data.startswith(magic):
            raise refuse(
                f"{name} is not a {kind} image (its first bytes say otherwise)",
                f"Save it as a {kind}, or give it the extension of its real type.",
            )
        return data
    problem = _svg_problem(data)
    if problem:
        raise refuse(problem, _PLAIN_SVG)
    return data


def _svg_problem(data: bytes) -> str:
    """Why the SVG document ``data`` is refused, or an empty string if it is a plain drawing."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"the SVG logo is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
    declaration = _DECLARATION.match(text)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower() != "utf-8":
            return f"the SVG logo declares the encoding {encoding.group(1)!r}, not UTF-8"
    instruction = _PI.search(text, declaration.end() if declaration else 0)
    if instruction:
        return f"the SVG logo has a processing instruction <?{instruction.group(1)} ...?>"
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except DTDForbidden:
        return "the SVG logo has a DOCTYPE declaration (DTDs and entities are not allowed)"
    except EntitiesForbidden:
        return "the SVG logo declares entities (not allowed)"
    except DefusedXmlException as error:
        return f"the SVG logo refers to another file ({type(error).__name__})"
    except ParseError as error:
        return f"the SVG logo is not well-formed XML: {error}"
    if root.tag == "svg":
        return f'the SVG logo\'s <svg> root element lacks xmlns="{_SVG[1:-1]}"'
    if root.tag != f"{_SVG}svg":
        return f"the SVG logo's root element is <{_local(root.tag)}>, not an SVG <svg> element"
    for element in root.iter():
        problem = _element_problem(element)
        if problem:
            return problem
    return ""


def _element_problem(element: Element) -> str:
    """Why one element of an SVG logo is refused, or an empty string."""
    tag = _local(element.tag)
    if tag.lower() in _FORBIDDEN:
        return f"the SVG logo has a <{tag}> element"
    if not element.tag.startswith(_SVG):
        return f"the SVG logo has a <{tag}> element that is not SVG"
    for key, value in element.attrib.items():
        attribute = f"xlink:{_local(key)}" if key.startswith(_XLINK) else _local(key)
        where = f"the SVG logo's <{tag}> {attribute} attribute"
        if _local(key).lower().startswith("on"):
            return f"the SVG logo's <{tag}> has an event handler attribute {attribute!r}"
        if _local(key).lower() in ("href", "src") and not _FRAGMENT.fullmatch(value.strip()):
            return f"the SVG logo's <{tag}> refers to {_shorten(value)}; {_REFERS}"
        problem = _css_problem(value, where)
        if problem:
            return problem
    if tag == "style":
        return _css_problem("".join(element.itertext()), "the SVG logo's <style> element")
    return ""


def _css_problem(text: str, where: str) -> str:
    """Why an attribute value or style sheet (described by ``where``) is refused, or ``""``."""
    for url in _URL.finditer(text):
        if not _SAFE_URL.match(text, url.start()):
            end = text.find(")", url.start()) + 1 or len(text)
            return f"{where} refers to {_shorten(text[url.start() : end])}; {_REFERS}"
    loader = _CSS_LOADERS.search(text)
    if loader:
        return f"{where} uses {_shorten(loader.group())}"
    if "\\" in text:
        return f"{where} has a backslash escape, which could hide a reference"
    squeezed = re.sub(r"[\x00-\x20]", "", text).lower()
    for scheme in _SCHEMES:
        if scheme in squeezed:
            return f"{where} mentions {scheme!r}; {_REFERS}"
    return ""


def _local(tag: str) -> str:
    """``svg`` from ``{http://www.w3.org/2000/svg}svg``."""
    return tag.rpartition("}")[2]


def _shorten(text: str, limit: int = 60) -> str:
    """``text`` quoted on one line, cut to about ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
