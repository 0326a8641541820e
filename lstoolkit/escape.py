"""Escaping for generated Markdown: every value from content or an agency file is shown as text.

Values are HTML-escaped (no raw HTML, no script) and their Markdown syntax is backslash-escaped
(no links, no emphasis, no headings or lists opened by a value), so what an agency writes is
never interpreted.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

#: Inline Markdown syntax (links, emphasis, code, attribute lists, table cells).
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]|])")
#: Syntax that only counts at the start of a line: headings, lists, quotes, numbered lists.
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+(?=[.)]))")



def escape_markdown(text: str) -> Markup:
    """``text`` as literal Markdown: HTML-escaped, Markdown syntax backslash-escaped."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", html.escape(text))
    return Markup(_LINE_START.sub(_escape_line_start, escaped))


def _escape_line_start(match: re.Match[str]) -> str:
    indent, syntax = match.group(1), match.group(2)
    # "12." becomes "12\." (a number, not a list); "#", "-", "+" get a backslash in front.
    return indent + (syntax + "\\" if syntax[0].isdigit() else "\\" + syntax)


_ANCHOR = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_WEB = re.compile(r"^(https?://|mailto:)[^\s<>\"']+$")


def anchor(value: str) -> Markup:
    """An id used as an HTML anchor; ids are validated, so anything else is a bug."""
    if not _ANCHOR.match(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)


def code(value: str) -> Markup:
    """Inline code that shows ``value`` literally."""
    return Markup("<code>{}</code>").format(escape_markdown(value))


def weblink(url: str) -> Markup:
    """A link for http, https and mailto addresses; any other scheme is shown as text."""
    if not _WEB.match(url):
        return escape_markdown(url)
    return Markup('<a href="{}">{}</a>').format(url, escape_markdown(url))


def oneline(text: str) -> Markup:
    """One Markdown line: paragraphs joined by line breaks, each escaped."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("<br><br>").join(escape_markdown(p) for p in parts)


def paragraphs(text: str) -> Markup:
    """Markdown paragraphs, each on one line, escaped."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("\n\n").join(escape_markdown(p) for p in parts)


