"""A semantic diff written out: as text for a terminal, Markdown for a pull request or the site's
"What changed" page, and JSON (the model as it is). The diff itself is :mod:`lstoolkit.diff`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from markupsafe import Markup

from lstoolkit.diff import (
    EntryChange,
    ItemChange,
    Replacement,
    SemanticDiff,
    TextChange,
    Word,
    hunks,
    item_of,
    normalise,
    word_diff,
)
from lstoolkit.escape import code, escape_markdown

# -- output -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One entry of a section, in words, for every output format."""

    kind: str = ""  # "added", "removed", "changed" (shown plain)
    label: str = ""  # an address or a name (shown strong in Markdown)
    words: tuple[Word, ...] = ()
    children: tuple[Line, ...] = ()


def _plain(text: str) -> tuple[Word, ...]:
    text = normalise(text)  # a 'why' may hold line breaks: paragraphs, as in any other text
    return (Word("=", text),) if text else ()


def _sections(diff: SemanticDiff) -> list[tuple[str, list[Line]]]:
    """The reviewer's order: the summary, what a board decides on, then item by item."""
    s = diff.summary
    summary = [
        Line(
            label="Items",
            words=_plain(
                f"{s.items_added} added, {s.items_removed} removed, {s.items_changed} changed"
            ),
        ),
        Line(
            label="Fidelity findings",
            words=_plain(f"{s.findings_appeared} appeared, {s.findings_resolved} resolved"),
        ),
        Line(
            label="Fidelity-consistent changes",
            words=_plain(
                f"{s.consistent_before} of {s.changes_before} before, {s.consistent_after} of {s.changes_after} after"
            ),
        ),
        Line(
            label="Adaptation log",
            words=_plain(f"{_count(s.log_added, 'change')} added, {s.log_dropped} dropped"),
        ),
    ]
    return [
        ("Summary", summary),
        ("Version and status", [_reworded(c) for c in diff.meta]),
        ("Fidelity findings that appeared", [Line(words=_plain(f)) for f in diff.findings_new]),
        ("Fidelity findings resolved", [Line(words=_plain(f)) for f in diff.findings_resolved]),
        ("Terms", [_reworded(c) for c in diff.terms]),
        ("Values", [_reworded(c) for c in diff.values]),
        ("Same words replaced in several places", [_replacement(r) for r in diff.replacements]),
        ("Items", [_item_line(i) for i in diff.items if i.kind != "changed" or i.changes]),
        ("Changes added to the adaptation log", [Line(words=_plain(x)) for x in diff.log_added]),
        (
            "Changes dropped from the adaptation log",
            [Line(words=_plain(x)) for x in diff.log_dropped],
        ),
    ]


def _reworded(change: TextChange) -> Line:
    return Line(label=change.address, words=word_diff(change.old, change.new))


def _replacement(replacement: Replacement) -> Line:
    items = list(dict.fromkeys(item_of(p) for p in replacement.places))
    words = [Word("-", replacement.old)] if replacement.old else []
    words += [Word("+", replacement.new)] if replacement.new else []
    where = f" in {_count(len(replacement.places), 'place')}, in {_count(len(items), 'item')}: {', '.join(items)}"
    return Line(words=(*words, Word("=", where)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _item_line(item: ItemChange) -> Line:
    if item.kind != "changed":
        return Line(kind=item.kind, label=item.address, words=_plain(normalise(item.text)))
    children = [_entry_line(item.address, e) for e in item.changes]
    if item.replaced:
        more = f"and the same words replaced in {_count(item.replaced, 'place')}, listed above"
        children.append(Line(words=_plain(more)))
    return Line(
        kind="changed", label=item.address, words=_plain(item.title), children=tuple(children)
    )


def _entry_line(item: str, entry: EntryChange) -> Line:
    where = entry.address.removeprefix(item + "/")
    if entry.kind == "reworded":
        return Line(
            label=where,
            words=trimmed(entry.words) if hunks(entry.words) else _plain("(spacing only)"),
        )
    return Line(kind=entry.kind, label=where, words=_plain(normalise(entry.new or entry.old)))


#: Words of unchanged text shown on each side of a change; the rest is left out ("…").
CONTEXT_WORDS = 8
_WORD_OR_SPACE = re.compile(r"\S+|\s+")


def trimmed(words: tuple[Word, ...], context: int = CONTEXT_WORDS) -> tuple[Word, ...]:
    """The word diff with long unchanged stretches shortened to ``context`` words next to each
    change, so a reviewer reads the changed words, not whole paragraphs again."""
    out: list[Word] = []
    for i, word in enumerate(words):
        if word.op != "=":
            out.append(word)
            continue
        tokens = _WORD_OR_SPACE.findall(word.text)
        count = sum(1 for t in tokens if not t.isspace())
        before, after = i > 0, i < len(words) - 1  # a change before it, after it
        keep = context * (before + after)
        if count <= keep + 2:
            out.append(word)
            continue
        head = "".join(_first_words(tokens, context)).strip() if before else ""
        tail = "".join(reversed(_first_words(tokens[::-1], context))).strip() if after else ""
        lead = " " if tokens[0].isspace() and before else ""
        trail = " " if tokens[-1].isspace() and after else ""
        middle = " … " if head and tail else ("… " if tail else " …")
        out.append(Word("=", lead + head + middle + tail + trail))
    return tuple(out)


def _first_words(tokens: list[str], n: int) -> list[str]:
    """The tokens up to the ``n``-th word."""
    kept: list[str] = []
    for token in tokens:
        kept.append(token)
        n -= not token.isspace()
        if n == 0:
            break
    return kept


def format_diff(diff: SemanticDiff, fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps(
                {**asdict(diff), "summary": asdict(diff.summary)}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    return _markdown(diff) if fmt == "markdown" else _text(diff)


def diff_sections(diff: SemanticDiff) -> list[tuple[str, list[Markup]]]:
    """The sections of the comparison, each entry the Markdown of one list item (what follows
    its "- "), everything from an agency file escaped."""
    return [(title, [markdown_entry(line) for line in lines]) for title, lines in _sections(diff)]


# Text: git's word-diff notation.


def _text(diff: SemanticDiff) -> str:
    head = f"{diff.old_label} -> {diff.new_label}" + (": no differences" if diff.empty else "")
    lines = [
        head,
        *([f"agency file: {diff.agency}"] if diff.agency else []),
        *(f"note: {n}" for n in diff.notes),
    ]
    if diff.empty:
        return "\n".join(lines) + "\n"
    for title, entries in _sections(diff):
        if entries:
            lines.append(f"\n{title}:" if title == "Summary" else f"\n{title} ({len(entries)}):")
            lines += [text for line in entries for text in _text_line(line, 1)]
    return "\n".join(lines) + "\n"


def _text_line(line: Line, depth: int) -> list[str]:
    indent = "  " * depth
    paragraphs = _render_words(line.words, _text_run)
    head = " ".join(p for p in (line.kind, line.label) if p)
    first = ": ".join(p for p in (head, paragraphs[0] if paragraphs else "") if p)
    out = [indent + first, *(indent + "    " + p for p in paragraphs[1:])]
    return out + [text for child in line.children for text in _text_line(child, depth + 2)]


def _text_run(op: str, text: str, at_start: bool) -> str:
    return text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"


def _render_words(
    words: Iterable[Word],
    mark: Callable[[str, str, bool], str],
    *,
    after_label: bool = False,
    breaks: str = "",
) -> list[str]:
    """The paragraphs of a word diff, each run marked by ``mark(op, text, at_start)`` (whether
    it begins a line: the first paragraph does not when it follows a label). A paragraph break
    that only one side has is shown as ``breaks`` when given, else the run is closed at the end
    of each paragraph and reopened."""
    paragraphs = [""]
    for word in words:
        text = word.text.replace("\n\n", breaks) if breaks and word.op != "=" else word.text
        for i, piece in enumerate(text.split("\n\n")):
            if i:
                paragraphs.append("")
            if piece:
                at_start = not paragraphs[-1] and not (after_label and len(paragraphs) == 1)
                paragraphs[-1] += mark(word.op, piece, at_start)
    return [p for p in paragraphs if p]


# Markdown: <del> and <ins>, which python-markdown and GitHub both render.

#: Characters that open a block in extensions a site may enable (admonitions, details, fences,
#: definitions) when they begin a paragraph: written as character references there.
_BLOCK_OPENERS = "!?~:"


def markdown_entry(line: Line, depth: int = 0) -> Markup:
    """``line`` as the body of a Markdown list item at ``depth`` (0: top level): continuation
    paragraphs and the nested list of its children indented to stay inside the item."""
    indent = "    " * (depth + 1)
    # A deleted or inserted paragraph break is a mark: a real one would leave the other side's
    # words in a paragraph they do not have.
    paragraphs = _render_words(
        line.words, _markdown_run, after_label=bool(line.kind or line.label), breaks=" ¶ "
    )
    head = " ".join(
        p
        for p in (
            str(escape_markdown(line.kind)) if line.kind else "",
            f"**{escape_markdown(line.label)}**" if line.label else "",
        )
        if p
    )
    first = ": ".join(p for p in (head, paragraphs[0] if paragraphs else "") if p)
    blocks = [_block_start(first), *(indent + _block_start(p) for p in paragraphs[1:])]
    children = [indent + "- " + markdown_entry(child, depth + 1) for child in line.children]
    loose = len(blocks) > 1 or any("\n\n" in child for child in children)
    body = "\n\n".join(blocks)
    if children:
        body += ("\n\n" if loose else "\n") + ("\n\n" if loose else "\n").join(children)
    return Markup(body)


def _markdown_run(op: str, text: str, at_start: bool) -> str:
    # Block syntax ("12.", "- ", "#") counts only where a paragraph begins: escaped there only.
    escaped = str(escape_markdown(text)) if at_start else str(escape_markdown("." + text))[1:]
    tag = "del" if op == "-" else "ins"
    return escaped if op == "=" else f"<{tag}>{escaped}</{tag}>"


def _block_start(text: str) -> str:
    return f"&#{ord(text[0])};{text[1:]}" if text and text[0] in _BLOCK_OPENERS else text


def _markdown(diff: SemanticDiff) -> str:
    old, new = (str(escape_markdown(label)) for label in (diff.old_label, diff.new_label))
    lines = [f"### What changes from {old} to {new}", ""]
    if diff.agency:
        lines += [f"Agency file: {code(diff.agency)}", ""]
    lines += [line for note in diff.notes for line in (f"Note: {escape_markdown(note)}", "")]
    if diff.empty:
        return "\n".join(lines + ["No differences.", ""])
    for title, entries in diff_sections(diff):
        if entries:
            lines += [f"**{title}**" + ("" if title == "Summary" else f" ({len(entries)})"), ""]
            separator = "\n\n" if any("\n\n" in e for e in entries) else "\n"
            lines += [separator.join("- " + e for e in entries), ""]
    return "\n".join(lines)
