"""Leak check: syntax, print wording and bare addresses that must never reach a reader.

Reads what a reader sees (a built page's HTML, the HTML given to WeasyPrint for a handout, or
text taken from a PDF) and reports Markdown or template syntax shown as text, doubled
punctuation, references to printed pages and to a source's appendices, and bare or insecure
web addresses. The HTML is parsed with the standard library; the visible text of each block (a
paragraph, list item, table cell, heading…) is joined across inline elements, so a leak split
by markup (``stakeholders. <em>.</em>``) is still found.

Never checked: code (``code``, ``pre``, ``kbd``, ``samp``), scripts, styles, SVG and MathML,
hidden elements, citations (``<cite>``, ``class="ls-citation"``), anything marked
``data-leak-check="skip"``, and on a site page everything outside its ``<article>`` (MkDocs
Material's navigation, header and footer). A handout has no ``<article>``: all of its
``<body>`` is what the reader gets, masthead included.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Literal


@dataclass(frozen=True)
class Leak:
    """One leak: its rule, the text around it (whitespace collapsed), its 1-based line."""

    rule: str
    excerpt: str
    line: int


#: Ends each block of visible text. The rules' patterns never cross it: none matches NUL,
#: and a line-start pattern (``\n-``) finds the start of every block after its newline.
_END = "\n\x00\n"


@dataclass(frozen=True)
class VisibleText:
    """The visible text of a document, block after block, and where each piece came from."""

    text: str
    starts: tuple[int, ...]  # offset in ``text`` of each piece…
    lines: tuple[int, ...]  # …and the line in the HTML where it starts
    links: tuple[tuple[int, int], ...] = ()  # spans of ``text`` that are the text of a link

    def line_at(self, offset: int) -> int:
        i = max(bisect_right(self.starts, offset) - 1, 0)
        return self.lines[i] + self.text.count("\n", self.starts[i], offset)

    def in_link(self, offset: int) -> bool:
        i = bisect_right(self.links, (offset, len(self.text))) - 1
        return i >= 0 and self.links[i][0] <= offset < self.links[i][1]


def _always(text: VisibleText, match: re.Match[str]) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """A named check: ``pattern`` finds candidates and ``keep`` drops the harmless ones.

    A ``text`` rule reads the visible text; a ``link`` rule reads each link's ``href``.
    Patterns start with a literal character where they can: Python's ``re`` then skips ahead
    to it instead of trying the whole pattern at every position.
    """

    name: str
    description: str  # completes "'<excerpt>' …"
    fix: str
    pattern: re.Pattern[str]
    keep: Callable[[VisibleText, re.Match[str]], bool] = _always
    reads: Literal["text", "link"] = "text"


def _starts_word(text: VisibleText, match: re.Match[str]) -> bool:
    start = match.start()
    return start == 0 or not text.text[start - 1].isalnum()


def _not_in_link(text: VisibleText, match: re.Match[str]) -> bool:
    return not text.in_link(match.start())


# Doubled punctuation ------------------------------------------------------------------------

_MARKS = ".,:;?!…"
_SPACE = " \t\n\r\f\v\u00a0\u2009\u202f"
#: Two or more marks in a row (spaces allowed between them), or a space before a period or comma.
_PUNCTUATION = re.compile(rf"[{_MARKS}](?:\s*[{_MARKS}])+|[{_SPACE}]+[.,](?:\s*[{_MARKS}])*")
#: An ellipsis ending a run of marks: it may follow a mark ("CA:…", "e.g., …": the text was cut
#: short) and end a sentence ("wait…?", ". . . .").
_ELLIPSIS = re.compile(r"(?:…|\.\.\.|\. \. \.)\s*[.,:;?!]?$")
#: Words whose period may be followed by a comma, colon, semicolon, ? or ! ("e.g.,", "etc.:").
_ABBREVIATIONS = frozenset(
    """etc vs cf al approx inc ltd co corp jr sr dr mr mrs ms prof st no nos vol vols ed eds p pp
    fig figs dept est min max misc assn assoc govt univ jan feb mar apr jun jul aug sep sept oct
    nov dec mon tue wed thu fri sat sun""".split()
)
_DOTTED = re.compile(r"[A-Za-z]{1,3}(?:\.[A-Za-z]{1,3})+|[A-Za-z]")  # e.g, i.e, U.S, Ph.D, J


def _word_before(text: str, offset: int) -> str:
    start = max(text.rfind(c, max(offset - 80, 0), offset) for c in " \t\n\u00a0")
    return text[start + 1 : offset].lstrip("([{“‘\"'")


def _in_path(text: str, start: int, end: int) -> bool:
    """Whether the marks belong to a file path or address ('../state/agency.yml')."""
    left = max(text.rfind(c, 0, start) for c in " \t\n\u00a0(") + 1
    right = min(
        (i for i in (text.find(c, end) for c in " \t\n\u00a0)") if i >= 0), default=len(text)
    )
    token = text[left:right]
    return "/" in token and not token.endswith((".", ",")) or token.startswith(("../", "./"))


def _bad_punctuation(visible: VisibleText, match: re.Match[str]) -> bool:
    text, run = visible.text, match.group()
    marks = run.lstrip()
    spaced = marks != run
    if _in_path(text, match.start() + len(run) - len(marks), match.end()):
        return False
    if ellipsis := _ELLIPSIS.search(marks):
        marks = marks[: ellipsis.start()].rstrip()
        if not marks or (len(marks) == 1 and not spaced):
            return False
    if set(marks) <= {"?", "!"}:
        return False  # "?!" and "!!" are emphasis, not a slip
    if spaced:  # a space before a period or comma
        before = text[match.start() - 1] if match.start() else "\x00"
        word = _word_before(text, match.start())
        after = text[match.end() : match.end() + 1]
        # Not at the start of a block, not ".yml" or ".5", not "http://x.org/a.pdf ." (the
        # address is reported; the space kept the period out of it).
        return before != "\x00" and not (len(marks) == 1 and after.isalnum()) and "://" not in word
    if marks[0] == "." and len(marks) == 2 and marks[1] in ",:;?!":
        word = _word_before(text, match.start())
        return not (word.lower() in _ABBREVIATIONS or _DOTTED.fullmatch(word))
    return True


# Rules --------------------------------------------------------------------------------------


def _capitalized(*words: str) -> list[str]:
    """Each word as written and capitalized: branches that start with a literal are fast."""
    return [w for word in words for w in dict.fromkeys((word, word[0].upper() + word[1:]))]


_PRINTED = "|".join(
    [
        rf"{w}\s+pages?\b"
        for w in _capitalized(
            "previous", "next", "preceding", "following", "facing", "opposite", "prior"
        )
    ]
    + [r"overleaf\b", r"Overleaf\b", r"the\s+above\b", r"The\s+above\b"]
    + [
        rf"{w}\s+(?:above|below)\b"
        for w in _capitalized("see")
        + [
            "shown",
            "noted",
            "described",
            "discussed",
            "illustrated",
            "listed",
            "outlined",
            "mentioned",
            "indicated",
        ]
    ]
    + [r"Below\s+(?:are|is)\b"]
    + [rf"{w}\s+pages?\s+\d" for w in _capitalized("see", "on")]
)
_DESIGNATOR = r"\s+(?:[A-Z]|[IVX]{1,5}|[0-9]{1,3})(?!\w)"  # A, II, 3
_APPENDIX = "|".join(
    [rf"{w}{_DESIGNATOR}" for w in ("Appendix", "Appendices", "Exhibits?", "Attachments?", "Annex")]
    + [rf"{w}\s+(?:the\s+)?(?:[Aa]ppendi|[Ee]xhibit|[Aa]ttachment)" for w in _capitalized("see")]
)
#: HTML's elements: "<em>" shown as text is a leak, "x <y and z> w" is not.
_HTML_TAGS = "|".join(
    """a abbr address area article aside audio b bdi bdo big blockquote body br button canvas
    caption center cite code col colgroup data datalist dd del details dfn dialog div dl dt em
    embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr
    html i iframe img input ins kbd label legend li link main map mark menu meta meter nav
    noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp script
    section select small source span strike strong style sub summary sup svg table tbody td
    template textarea tfoot th thead time title tr track tt u ul var video wbr""".split()
)
_NO_FIX = "fix the template or the content"

RULES: tuple[Rule, ...] = (
    Rule(
        "attribute-list",
        "shows Markdown attribute-list syntax as text",
        _NO_FIX + " (an attribute list must end the line of the element it names)",
        re.compile(r"\{:[^{}\n]*\}|\{[ \t]*[#.][A-Za-z_][\w-]*(?:[ \t]+[^{}\n]*)?\}"),
    ),
    Rule(
        "table-markup",
        "shows table syntax as text",
        _NO_FIX + " (a Markdown table needs a blank line before it)",
        # A row of two or more cells, or a separator row without its outer pipes.
        re.compile(r"\|(?:[^|\n]*\|){2,}|[:-]-{2,}:?[ \t]*\|[ \t]*:?-{3,}"),
    ),
    Rule(
        "template-syntax",
        "shows template syntax as text",
        _NO_FIX + " (a placeholder or template tag was not replaced)",
        re.compile(
            r"\{\{[^\n]{0,100}?\}\}|\{%[^\n]{0,100}?%\}|\{#[^\n]{0,100}?#\}|\$\{[^}\n]{0,100}\}"
            r"|\{\{|\}\}|\{%|%\}|\{#|\$\{|\[\[|\]\]"
        ),
    ),
    Rule(
        "visible-markup",
        "shows HTML or Markdown markup as text",
        _NO_FIX + " (the markup was escaped, or not converted)",
        re.compile(
            rf"<(?i:/?(?:{_HTML_TAGS})\b[^<>\n]*)>"  # a tag, as in "<br>" or "</em>"
            r"|\*\*(?=\S)[^*\n]+?(?<=\S)\*\*"  # **bold**
            r"|__(?=[^_\s])[^_\n]+?(?<=\S)__(?!\w)"  # __bold__
            r"|!\[[^\[\]\n]+\]\([^()\s]+\)|\[[^\[\]\n]+\]\([^()\s]+\)"  # ![alt](src), [text](url)
            r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"  # "&amp;" as text
            r"|\n[ \t]*[-*+][ \t]+(?=\S)"  # a list item's marker at the start of a line
            r"|\n[ \t]*(?:#{2,6}[ \t]+\S|#[ \t]+[A-Z])"  # a heading's hashes
        ),
        lambda text, match: not match.group().startswith("__") or _starts_word(text, match),
    ),
    Rule(
        "doubled-punctuation",
        "has doubled punctuation or a space before a period or comma",
        _NO_FIX,
        _PUNCTUATION,
        _bad_punctuation,
    ),
    Rule(
        "print-reference",
        "refers to a printed page",
        "reword it for a reader of this page (name or link what is meant)",
        re.compile(_PRINTED),
        _starts_word,
    ),
    Rule(
        "appendix-reference",
        "refers to an appendix or exhibit of the source document",
        "name or link the page that holds it, or move it into the citation",
        re.compile(_APPENDIX),
        _starts_word,
    ),
    Rule(
        "bare-url",
        "shows a web address as text",
        "make it a link with descriptive text",
        re.compile(r"https?://[^\s<>\"“”]*[^\s<>\"“”.,;:!?)\]’”']"),
        lambda text, match: _starts_word(text, match) and _not_in_link(text, match),
    ),
    Rule(
        "insecure-link",
        "links to an insecure http:// address",
        "link to the https:// address, or add it to the allowed links",
        re.compile(r"\s*http://", re.IGNORECASE),
        reads="link",
    ),
)
_BY_NAME = {rule.name: rule for rule in RULES}
_TEXT_RULES = tuple((i, r) for i, r in enumerate(RULES) if r.reads == "text")
_LINK_RULES = tuple((i, r) for i, r in enumerate(RULES) if r.reads == "link")


# HTML ---------------------------------------------------------------------------------------

#: Elements that start and end a block of text; the inline elements between them are joined.
_BLOCKS = frozenset(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol option p
    pre section summary table tbody td tfoot th thead tr ul""".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_EXEMPT = frozenset("code pre kbd samp script style svg math cite template head title".split())
_EXEMPT_CLASSES = frozenset({"ls-citation"})
#: An open element that the start of one of these elements closes, as browsers do.
_CLOSED_BY = {
    "p": _BLOCKS,
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "td": frozenset({"td", "th", "tr"}),
    "th": frozenset({"td", "th", "tr"}),
    "tr": frozenset({"tr"}),
    "option": frozenset({"option"}),
}
_PLACEHOLDER = "\ufffc"  # stands for skipped inline content, so "<code>x</code>." is not " ."
_ARTICLE = re.compile(r"<article[\s>]", re.IGNORECASE)
_ARTICLE_END = re.compile(r"</article\s*>", re.IGNORECASE)


class _Collector(HTMLParser):
    """Collects the visible text, block by block, and the ``href`` of each link."""

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self._line_base = first_line - 1  # (HTMLParser has an attribute named 'offset')
        self.stack: list[tuple[str, bool]] = []  # (tag, whether it starts a skipped region)
        self.skipped = 0
        self.in_link = 0
        self.hrefs: list[tuple[str, int, int]] = []  # (href, line, offset in the text)
        self.alts: list[tuple[str, int]] = []  # images' text alternatives, and their lines
        self.done: list[str] = []  # the finished blocks, each ending with _END
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.links: list[tuple[int, int]] = []
        self.length = 0  # of the finished blocks
        self.block: list[str] = []
        self.block_length = 0
        self.block_pieces = 0  # how many of starts, lines and links belong to the open block
        self.block_links = 0

    def line(self) -> int:
        return self.getpos()[0] + self._line_base

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while self.stack and tag in _CLOSED_BY.get(self.stack[-1][0], ()):
            self._pop()
        if tag in _BLOCKS:
            self.end_block()
        skip = not self.skipped and _skips(tag, attrs)
        if not self.skipped and not skip:
            if tag == "a" and (href := dict(attrs).get("href")):
                self.hrefs.append((href, self.line(), self.length + self.block_length))
            elif tag == "img" and (alt := dict(attrs).get("alt")) and alt.strip():
                self.alts.append((alt, self.line()))
        if tag in _VOID:
            if tag == "br" and not self.skipped:
                self.add("\n")
            return
        if skip:
            self.skipped += 1
            if tag not in _BLOCKS:
                self.add(_PLACEHOLDER)
        if tag == "a":
            self.in_link += 1
        self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:  # <div/>: opened and closed at once
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for open_tag, _ in reversed(self.stack):
            if open_tag == tag:
                while self._pop() != tag:
                    pass
                break
        if tag in _BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self.add(data)

    def _pop(self) -> str:
        tag, skip = self.stack.pop()
        self.skipped -= skip
        self.in_link -= tag == "a"
        return tag

    def add(self, text: str) -> None:
        start = self.length + self.block_length
        if self.in_link:
            if self.block_links and self.links[-1][1] == start:
                self.links[-1] = (self.links[-1][0], start + len(text))
            else:
                self.links.append((start, start + len(text)))
                self.block_links += 1
        self.block.append(text)
        self.starts.append(start)
        self.lines.append(self.line())
        self.block_pieces += 1
        self.block_length += len(text)

    def end_block(self) -> None:
        if not self.block:
            return
        text = "".join(self.block)
        if text.strip(_PLACEHOLDER + _SPACE):
            self.done.append(text + _END)
            self.length += len(text) + len(_END)
        else:  # nothing to read: forget it
            del self.starts[len(self.starts) - self.block_pieces :]
            del self.lines[len(self.lines) - self.block_pieces :]
            del self.links[len(self.links) - self.block_links :]
        self.block, self.block_length, self.block_pieces, self.block_links = [], 0, 0, 0

    def visible(self) -> VisibleText:
        self.end_block()
        for alt, line in self.alts:  # read aloud to some readers: each is a block of its own
            self.block, self.block_length, self.block_pieces = [alt], len(alt), 1
            self.starts.append(self.length)
            self.lines.append(line)
            self.end_block()
        shift = len(_END)  # the text starts with one, so every block follows a newline
        return VisibleText(
            _END + "".join(self.done),
            tuple(start + shift for start in self.starts),
            tuple(self.lines),
            tuple((start + shift, end + shift) for start, end in self.links),
        )


def _skips(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag in _EXEMPT:
        return True
    for name, value in attrs:
        if name == "class" and value and not _EXEMPT_CLASSES.isdisjoint(value.split()):
            return True
        if (name == "data-leak-check" and value == "skip") or name == "hidden":
            return True
        if name == "aria-hidden" and value == "true":
            return True
    return False


def _reader_part(html: str) -> tuple[str, int]:
    """The part of ``html`` that is read, and its first line: a site page's <article>."""
    start = _ARTICLE.search(html)
    if start is None:
        return html, 1
    ends = [m.end() for m in _ARTICLE_END.finditer(html, start.start())]
    end = ends[-1] if ends else len(html)
    return html[start.start() : end], html.count("\n", 0, start.start()) + 1


# Matching -----------------------------------------------------------------------------------

_Keyed = tuple[tuple[int, int, int], Leak]  # (line, offset, rule number), leak


def _excerpt(text: str, start: int, end: int, width: int = 60) -> str:
    """About ``width`` characters around ``text[start:end]``, within its block."""
    margin = max(width - (end - start), 0) // 2
    left = max(start - margin, text.rfind("\x00", 0, start) + 1)
    stop = text.find("\x00", end)
    right = min(end + margin, stop if stop >= 0 else len(text))
    shown = " ".join(text[left:right].split()).replace(_PLACEHOLDER, "…")
    return shown if len(shown) <= width + 20 else shown[: width + 19] + "…"


def _text_leaks(visible: VisibleText) -> list[_Keyed]:
    text = visible.text
    found: dict[int, tuple[int, int, Rule]] = {}  # start -> (end, rule number, rule)
    for number, rule in _TEXT_RULES:
        run: tuple[int, int] | None = None  # this rule's last kept match, and those it absorbed
        for match in rule.pattern.finditer(text):
            if not rule.keep(visible, match):
                continue
            end = match.end()
            start = end - len(match.group().lstrip())  # the leak, not the space before it
            if run and not text[run[1] : start].strip(_SPACE):
                found[run[0]] = (end, number, rule)  # the next row, line or tag: the same leak
                run = (run[0], end)
            elif start not in found:  # else an earlier rule has reported this spot
                found[start] = (end, number, rule)
                run = (start, end)
    keyed = []
    for start, (end, number, rule) in found.items():
        line = visible.line_at(start)
        keyed.append(((line, start, number), Leak(rule.name, _excerpt(text, start, end), line)))
    return keyed


def _allowed(href: str, allowed: frozenset[str]) -> bool:
    return href in allowed or any(a.endswith("/") and href.startswith(a) for a in allowed)


def leaks_in_html(html: str, *, allowed_links: Iterable[str] = ()) -> list[Leak]:
    """The leaks in a site page's or a handout's HTML, in the order a reader meets them.

    ``allowed_links``: ``http://`` addresses that may be linked to; one that ends in ``/``
    allows every address that starts with it.
    """
    part, first_line = _reader_part(html)
    collector = _Collector(first_line)
    collector.feed(part)
    collector.close()
    visible = collector.visible()
    keyed = _text_leaks(visible)
    allowed = frozenset(allowed_links)
    for href, line, offset in collector.hrefs:
        for number, rule in _LINK_RULES:
            if rule.pattern.match(href) and not _allowed(href.strip(), allowed):
                leak = Leak(rule.name, _excerpt(href, 0, len(href)), line)
                keyed.append(((line, offset + len(_END), number), leak))
    return [leak for _, leak in sorted(keyed, key=lambda k: k[0])]


def leaks_in_text(text: str) -> list[Leak]:
    """The leaks in plain text, such as text taken from a PDF; every web address is bare."""
    visible = VisibleText(_END + text.replace("\x00", " ") + _END, (len(_END),), (1,))
    return [leak for _, leak in sorted(_text_leaks(visible), key=lambda k: k[0])]


def explain(leak: Leak) -> str:
    """What is wrong and how to fix it, without the place: ``rule: 'excerpt' what: fix``."""
    rule = _BY_NAME[leak.rule]
    return f"{leak.rule}: {leak.excerpt!r} {rule.description}: {rule.fix}"


def describe(leak: Leak, where: str, code: str = "") -> str:
    """One line for a person: ``where:line: [code ]rule: 'excerpt' what is wrong: how to fix it``."""
    rule = _BY_NAME[leak.rule]
    prefix = f"{code} " if code else ""
    return (
        f"{where}:{leak.line}: {prefix}{leak.rule}: {leak.excerpt!r} {rule.description}: {rule.fix}"
    )


def source_links(toolkit: Any) -> frozenset[str]:
    """The web addresses of the toolkit's sources and resources: where the Center published them,
    some only over http. Links to them are citations, not leaks."""
    return frozenset(
        item.url
        for name in ("sources", "resources")
        for item in toolkit.items(name)
        if getattr(item, "url", "")
    )
