"""Escaping for generated Markdown: every value from content or an agency file is shown as text.

Values are HTML-escaped (no raw HTML, no script) and their Markdown syntax is backslash-escaped
(no links, no emphasis, no headings or lists opened by a value), so what an agency writes is
never interpreted.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markupsafe import Markup

#: Inline Markdown syntax (links, emphasis, code, attribute lists, table cells).
#: A value no layer gives is marked in the adapted text by two private-use characters (refused in
#: every input) and shown as a labelled gap: on pages and in PDFs a highlighted span, in plain
#: text the label in corner brackets.
GAP_OPEN, GAP_CLOSE = "\ue000", "\ue001"
GAP_HTML = ('<span class="ls-gap">', "</span>")


def gap(label: str) -> str:
    """The marked gap for a missing value, labelled for the reader."""
    return f"{GAP_OPEN}{label}{GAP_CLOSE}"


def gaps_as_html(escaped: str) -> str:
    """Escaped text with its gap marks as HTML spans."""
    if GAP_OPEN not in escaped:
        return escaped
    return escaped.replace(GAP_OPEN, GAP_HTML[0]).replace(GAP_CLOSE, GAP_HTML[1])


def gaps_as_text(text: str) -> str:
    """Plain text with its gap marks as visible corner brackets (logs, diffs, tables)."""
    return text.replace(GAP_OPEN, "⌜").replace(GAP_CLOSE, "⌟") if GAP_OPEN in text else text


_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]|])")
#: Syntax that only counts at the start of a line: headings, lists, quotes, numbered lists.
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+(?=[.)]))")


def escape_markdown(text: str) -> Markup:
    """``text`` as literal Markdown: HTML-escaped, Markdown syntax backslash-escaped."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", html.escape(text))
    return Markup(gaps_as_html(_LINE_START.sub(_escape_line_start, escaped)))


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


def weblink(url: str, text: str | None = None) -> Markup:
    """A link for http, https and mailto addresses, reading ``text`` (default: the address; a
    title reads better aloud than an address); any other scheme is shown as text."""
    if not _WEB.match(url):
        return escape_markdown(text or url)
    kind = " (PDF)" if text and url.lower().endswith(".pdf") else ""
    return Markup('<a href="{}">{}</a>{}').format(url, escape_markdown(text or url), kind)


_EMAIL = re.compile(r"^[^\s@<>\"'()\[\]]+@[^\s@<>\"'()\[\]]+\.[A-Za-z]{2,}$")


def contact(value: str) -> Markup:
    """An agency's contact: an e-mail address as a mail link, a web address as a link, anything
    else as text."""
    if _EMAIL.match(value):
        return Markup('<a href="mailto:{}">{}</a>').format(value, escape_markdown(value))
    return weblink(value)


def punct(text: str, mark: str) -> str:
    """``mark`` to follow ``text``, or nothing when the text already ends a sentence or a
    clause ('What Is a Team?' takes no period and no colon after it)."""
    return "" if str(text).rstrip().endswith((".", "?", "!", ":", "…")) else mark


def oneline(text: str) -> Markup:
    """One Markdown line: paragraphs joined by line breaks, each escaped."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("<br><br>").join(escape_markdown(p) for p in parts)


def paragraphs(text: str) -> Markup:
    """Markdown paragraphs, each on one line, escaped."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("\n\n").join(escape_markdown(p) for p in parts)


def summarize_value(value: Any, limit: int = 160) -> str:
    """A one-line summary of a raw value, for tables."""
    if value is None:
        return ""
    if isinstance(value, dict):
        value = value.get("title") or value.get("text") or value.get("id") or ""
    elif isinstance(value, list):
        value = "; ".join(summarize_value(v, limit) for v in value)
    text = gaps_as_text(" ".join(str(value).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
