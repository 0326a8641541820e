"""Reading PDFs in the tests: the text a font's codes stand for."""

from __future__ import annotations

import re

import pikepdf


def to_unicode(font: pikepdf.Object) -> dict[int, str]:
    """Character code -> text, from the font's /ToUnicode map (bfchar and bfrange)."""
    cmap: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            cmap[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, text in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                cmap[code] = chr(int(text, 16) + offset)
    return cmap
