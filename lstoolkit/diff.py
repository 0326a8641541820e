"""Semantic diff of two resolved chains: what a new version of a design document changes.

Compares two :class:`~lstoolkit.adapt.Adapted` results, not two texts: items and entries added,
removed or reworded (word by word), terms and values, the adaptation log, and the fidelity
findings. A reviewer reads a summary first, then the changes grouped by item.

An old version is read from git: the agency's repository at a revision, rebuilt in a temporary
directory as the project was then, with its submodules at the commits that revision records and
a parent layer in a separate checkout at the revision asked for, else at the commit that
revision's ``agency.lock`` records for it, else as it is now (the output says which). Both sides
name files relative to the project root, so the directory the command runs in never changes the
result.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import check_adapted
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.escape import code, escape_markdown
from lstoolkit.findings import Finding
from lstoolkit.layers import PROTOTYPE, read_chain
from lstoolkit.layers import project_root as default_project_root
from lstoolkit.load import ContentTree
from lstoolkit.models import FieldRole, field_names
from lstoolkit.yamlfile import read_yaml

#: Reference lists that follow from other changes (pruned when their target goes): not news.
DERIVED_FIELDS = field_names(FieldRole.DERIVED)
#: The same words replaced in at least this many places are shown once, with the places.
COLLAPSE_AT = 3
#: Below this share of words kept, a text counts as rewritten: shown whole, old then new.
REWRITTEN_BELOW = 0.3


@dataclass(frozen=True)
class TextChange:
    address: str
    old: str
    new: str


@dataclass(frozen=True)
class Word:
    """One run of a word-level diff: text kept (``=``), deleted (``-``) or inserted (``+``)."""

    op: Literal["=", "-", "+"]
    text: str


@dataclass(frozen=True)
class EntryChange:
    """A field or entry of an item that is added, removed or reworded."""

    address: str
    kind: Literal["added", "removed", "reworded"]
    old: str
    new: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    """What changes in one item. ``replaced`` counts its rewordings that are only one of the
    :class:`Replacement` s (listed there, not in ``changes``)."""

    address: str
    kind: Literal["added", "removed", "changed"]
    title: str
    text: str = ""
    changes: tuple[EntryChange, ...] = ()
    replaced: int = 0


@dataclass(frozen=True)
class Replacement:
    """The same words replaced in several places (a renamed term, typically): shown once."""

    old: str
    new: str
    places: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    items_added: int
    items_removed: int
    items_changed: int
    findings_appeared: int
    findings_resolved: int
    log_added: int
    log_dropped: int
    consistent_before: int
    changes_before: int
    consistent_after: int
    changes_after: int


@dataclass(frozen=True)
class SemanticDiff:
    """Everything that differs between an old and a new resolved chain."""

    old_label: str
    new_label: str
    added: tuple[TextChange, ...] = ()
    removed: tuple[TextChange, ...] = ()
    changed: tuple[TextChange, ...] = ()
    terms: tuple[TextChange, ...] = ()
    values: tuple[TextChange, ...] = ()
    log_added: tuple[str, ...] = ()
    log_dropped: tuple[str, ...] = ()
    findings_new: tuple[str, ...] = ()
    findings_resolved: tuple[str, ...] = ()
    meta: tuple[TextChange, ...] = field(default=())
    agency: str = ""  # the agency file compared, relative to the project root ("" for two files)
    notes: tuple[str, ...] = ()  # how a side was read, when the reader should know
    items: tuple[ItemChange, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    changes_before: int = 0
    consistent_before: int = 0
    changes_after: int = 0
    consistent_after: int = 0

    @property
    def empty(self) -> bool:
        return not any(
            (self.added, self.removed, self.changed, self.terms, self.values, self.log_added,
             self.log_dropped, self.findings_new, self.findings_resolved, self.meta)
        )

    @property
    def summary(self) -> Summary:
        kinds = Counter(item.kind for item in self.items)
        return Summary(
            items_added=kinds["added"], items_removed=kinds["removed"], items_changed=kinds["changed"],
            findings_appeared=len(self.findings_new), findings_resolved=len(self.findings_resolved),
            log_added=len(self.log_added), log_dropped=len(self.log_dropped),
            consistent_before=self.consistent_before, changes_before=self.changes_before,
            consistent_after=self.consistent_after, changes_after=self.changes_after,
        )


def diff_adapted(
    old: Adapted, new: Adapted, old_findings: tuple[Finding, ...], new_findings: tuple[Finding, ...],
    *, old_label: str = "old", new_label: str = "new", agency: str = "", notes: tuple[str, ...] = (),
) -> SemanticDiff:
    """The semantic difference between two resolved chains (linear in their size)."""
    old_text, new_text = _texts(old), _texts(new)
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    added = [TextChange(a, "", _label(new_nodes[a])) for a in new_nodes if a not in old_nodes]
    removed = [TextChange(a, _label(old_nodes[a]), "") for a in old_nodes if a not in new_nodes]
    gone_or_new = {c.address for c in added} | {c.address for c in removed}
    changed = [
        TextChange(a, old_text[a], new_text[a])
        for a in new_text
        if a in old_text and old_text[a] != new_text[a] and not _inside(a, gone_or_new)
    ]
    old_log, new_log = _log(old), _log(new)
    old_found, new_found = _findings(old_findings), _findings(new_findings)
    added, removed = _outermost(added), _outermost(removed)
    items, replacements = _group(added, removed, changed, old_nodes, new_nodes)
    return SemanticDiff(
        old_label=old_label,
        new_label=new_label,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        terms=tuple(_mapping_changes(_terms(old), _terms(new))),
        values=tuple(_mapping_changes(_values(old), _values(new))),
        log_added=tuple(_missing_from(new_log, old_log)),
        log_dropped=tuple(_missing_from(old_log, new_log)),
        findings_new=tuple(_missing_from(new_found, old_found)),
        findings_resolved=tuple(_missing_from(old_found, new_found)),
        meta=tuple(_mapping_changes(_meta(old), _meta(new))),
        agency=agency,
        notes=notes,
        items=items,
        replacements=replacements,
        changes_before=len(old.changes),
        consistent_before=_consistent(old, old_findings),
        changes_after=len(new.changes),
        consistent_after=_consistent(new, new_findings),
    )


def _missing_from(lines: list[str], other: list[str]) -> Iterator[str]:
    present = set(other)
    return (line for line in lines if line not in present)


def _consistent(adapted: Adapted, findings: tuple[Finding, ...]) -> int:
    """Changes that caused no LS1xx finding: fidelity-consistent, as the adaptation log says."""
    inconsistent = {f.change for f in findings if f.change is not None and f.code.startswith("LS1")}
    return len(adapted.changes) - len(inconsistent)


def _items(adapted: Adapted) -> dict[str, list[dict[str, Any]]]:
    return {name: data["items"] for name, data in adapted.raw.items()}


def _nodes(adapted: Adapted) -> dict[str, Any]:
    """Items and entries (not fields), in file order."""
    return {n.address: n.value for n in iter_nodes(_items(adapted)) if n.kind != "field"}


def _texts(adapted: Adapted) -> dict[str, str]:
    """The wording at each address: text fields, entries (title and text) and item titles."""
    texts: dict[str, str] = {}
    for node in iter_nodes(_items(adapted)):
        if node.kind == "field" and node.address.rsplit("/", 1)[1] in DERIVED_FIELDS:
            continue
        if node.kind == "field" and isinstance(node.value, str):
            texts[node.address] = node.value
        elif node.kind == "field" and isinstance(node.value, list) and all(isinstance(v, str) for v in node.value):
            texts[node.address] = ", ".join(node.value)
        elif node.kind == "entry":
            texts[node.address] = _titled(node.value.get("title", ""), node.value.get("text", ""))
    return texts


def _titled(title: Any, text: Any) -> str:
    """A title and its text, kept apart ("Work groups: work groups to carry out...")."""
    head, body = str(title or "").strip(), str(text or "")
    if not head or not body:
        return head or body
    return f"{head}{' ' if head[-1] in '.:?!' else ': '}{body}"


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return _titled(value.get("title"), value.get("text")) or str(value.get("id", ""))
    return str(value)


def _inside(address: str, addresses: set[str]) -> bool:
    """Whether ``address`` is one of ``addresses`` or lies under one of them."""
    parts = address.split("/")
    return any("/".join(parts[:i]) in addresses for i in range(1, len(parts) + 1))


def _outermost(changes: list[TextChange]) -> list[TextChange]:
    """Drop entries inside an item or entry that is itself added or removed."""
    addresses = {c.address for c in changes}
    return [c for c in changes if not _inside(c.address.rpartition("/")[0], addresses)]


def _mapping_changes(old: dict[str, str], new: dict[str, str]) -> Iterator[TextChange]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            yield TextChange(key, old.get(key, ""), new.get(key, ""))


def _terms(adapted: Adapted) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in adapted.layers:
        merged.update({k: str(v) for k, v in layer.file.terms.items()})  # with a plural, if given
    return merged


def _values(adapted: Adapted) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in adapted.layers:
        merged.update({k: str(v) for k, v in layer.file.values.items()})
    return merged


def _meta(adapted: Adapted) -> dict[str, str]:
    top = adapted.top
    if top is None:
        return {}
    f = top.file
    adopted = f"{f.adopted.date} by {f.adopted.by}" if f.adopted else ""
    return {"version": f.version, "status": f.status, "adopted": adopted, "component_name": f.component_name}


def _log(adapted: Adapted) -> list[str]:
    lines = []
    for applied in adapted.changes:
        c = applied.change
        text = "" if c.kind == "remove" else f": {json.dumps(c.text, ensure_ascii=False, sort_keys=True)}"
        lines.append(f"{applied.agency}: {c.kind} {c.target}{text} (why: {c.why or '-'})")
    return lines


def _findings(findings: tuple[Finding, ...]) -> list[str]:
    return [f"{f.code} {f.message}{' (accepted)' if f.accepted else ''}" for f in findings]


# -- words --------------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
#: A word (with the punctuation inside it: 2026.1, Board's, 2026-06-10) or any other character,
#: with the space after it; or a paragraph break. Words are compared without their spaces, and
#: a word and its space are one token: a text of n words costs n tokens, not 2n.
_TOKEN = re.compile(r"\n\n|(?:\w+(?:[.,:'’/-]\w+)*|[^\w\s]) ?")


def normalise(text: str) -> str:
    """Paragraphs separated by one blank line, each on one line with single spaces (as pages
    show them): line breaks and spacing inside a paragraph are not changes of wording."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def word_diff(old: str, new: str) -> tuple[Word, ...]:
    """The words of ``old`` kept, deleted and inserted to make ``new``; a text mostly rewritten
    is one deletion and one insertion, which reads better than a patchwork."""
    a, b = _TOKEN.findall(normalise(old)), _TOKEN.findall(normalise(new))
    matcher = difflib.SequenceMatcher(None, [t.rstrip(" ") for t in a], [t.rstrip(" ") for t in b], autojunk=False)
    opcodes = matcher.get_opcodes()
    same = sum(_word_count(a[i1:i2]) for tag, i1, i2, _, _ in opcodes if tag == "equal")
    if same < REWRITTEN_BELOW * max(_word_count(a), _word_count(b)):
        opcodes = [("replace", 0, len(a), 0, len(b))]
    runs: list[Word] = []
    carried = ("", "")  # a space one side has after the words both keep: it goes with the change
    for tag, i1, i2, j1, j2 in opcodes:
        kept_old, kept_new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            carried = _kept(runs, a[i1:i2], b[j1:j2])
            continue
        deleted, inserted = carried[0] + kept_old, carried[1] + kept_new
        carried = ("", "")
        both = deleted.endswith(" ") and inserted.endswith(" ")  # "[-quarter-]{+month+} to"
        _append(runs, "-", deleted[:-1] if both else deleted)
        _append(runs, "+", inserted[:-1] if both else inserted)
        _append(runs, "=", " " if both else "")
    return tuple(runs)


def _kept(runs: list[Word], old: Sequence[str], new: Sequence[str]) -> tuple[str, str]:
    """Append the words both sides keep; a space only one side has between two of them ("< 1",
    "<1") is shown as a change of that word. Returns the space one side has after the last kept
    word: it goes with the change that follows."""
    for k, (a, b) in enumerate(zip(old, new, strict=True)):
        if k == len(old) - 1:
            common = b if a == b else b.rstrip(" ")
            _append(runs, "=", common)
            return a[len(common):], b[len(common):]
        if a == b:
            _append(runs, "=", b)
        else:
            _append(runs, "-", a)
            _append(runs, "+", b)
    return "", ""


def _word_count(tokens: Sequence[str]) -> int:
    return sum(1 for t in tokens if t[0].isalnum() or t[0] == "_")


def _append(runs: list[Word], op: Literal["=", "-", "+"], text: str) -> None:
    if not text:
        return
    if runs and runs[-1].op == op:
        runs[-1] = Word(op, runs[-1].text + text)
    else:
        runs.append(Word(op, text))


def hunks(words: Iterable[Word]) -> list[tuple[str, str]]:
    """Each place where words change, as (deleted, inserted)."""
    found: list[tuple[str, str]] = []
    deleted = inserted = ""
    for word in [*words, Word("=", "")]:
        if word.op == "-":
            deleted += word.text
        elif word.op == "+":
            inserted += word.text
        elif deleted or inserted:
            found.append((deleted.strip(), inserted.strip()))
            deleted = inserted = ""
    return found


# -- items --------------------------------------------------------------------------------------


def _item_of(address: str) -> str:
    return "/".join(address.split("/")[:2])


def _title(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("title") or value.get("name") or value.get("id") or "")
    return ""


def _group(
    added: list[TextChange], removed: list[TextChange], changed: list[TextChange],
    old_nodes: dict[str, Any], new_nodes: dict[str, Any],
) -> tuple[tuple[ItemChange, ...], tuple[Replacement, ...]]:
    """The changes grouped by item, in file order, and the replacements made in many places."""
    worded = {c.address: word_diff(c.old, c.new) for c in changed}
    only = {a: h[0] for a, words in worded.items() if len(h := sorted(set(hunks(words)))) == 1}
    counts = Counter(only.values())
    collapsed = {a: h for a, h in only.items() if counts[h] >= COLLAPSE_AT}
    places: dict[tuple[str, str], list[str]] = {}
    for address, hunk in collapsed.items():
        places.setdefault(hunk, []).append(address)
    replacements = tuple(Replacement(old, new, tuple(where)) for (old, new), where in places.items())

    whole: dict[str, ItemChange] = {}
    inside: dict[str, list[EntryChange]] = {}
    for c in added:
        if c.address.count("/") == 1:
            whole[c.address] = ItemChange(c.address, "added", _title(new_nodes[c.address]), c.new)
        else:
            inside.setdefault(_item_of(c.address), []).append(EntryChange(c.address, "added", "", c.new, (Word("+", normalise(c.new)),)))
    for c in removed:
        if c.address.count("/") == 1:
            whole[c.address] = ItemChange(c.address, "removed", _title(old_nodes[c.address]), c.old)
        else:
            inside.setdefault(_item_of(c.address), []).append(EntryChange(c.address, "removed", c.old, "", (Word("-", normalise(c.old)),)))
    replaced = Counter(_item_of(a) for a in collapsed)
    for c in changed:
        if c.address not in collapsed:
            inside.setdefault(_item_of(c.address), []).append(EntryChange(c.address, "reworded", c.old, c.new, worded[c.address]))
    for item in set(inside) | set(replaced):
        node = new_nodes.get(item, old_nodes.get(item))
        whole[item] = ItemChange(item, "changed", _title(node), changes=tuple(inside.get(item, ())), replaced=replaced[item])
    order = {a: i for i, a in enumerate([*new_nodes, *old_nodes])}
    items = sorted(whole.values(), key=lambda i: order.get(i.address, len(order)))
    return tuple(_entries_in_order(i, order) for i in items), replacements


def _entries_in_order(item: ItemChange, order: dict[str, int]) -> ItemChange:
    if len(item.changes) < 2:
        return item
    rank = {"reworded": 0, "added": 0, "removed": 1}  # removed entries after what is there now
    entries = sorted(item.changes, key=lambda e: (rank[e.kind], order.get(e.address, len(order))))
    return ItemChange(item.address, item.kind, item.title, item.text, tuple(entries), item.replaced)


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
        Line(label="Items", words=_plain(f"{s.items_added} added, {s.items_removed} removed, {s.items_changed} changed")),
        Line(label="Fidelity findings", words=_plain(f"{s.findings_appeared} appeared, {s.findings_resolved} resolved")),
        Line(label="Fidelity-consistent changes", words=_plain(
            f"{s.consistent_before} of {s.changes_before} before, {s.consistent_after} of {s.changes_after} after")),
        Line(label="Adaptation log", words=_plain(f"{_count(s.log_added, 'change')} added, {s.log_dropped} dropped")),
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
        ("Changes dropped from the adaptation log", [Line(words=_plain(x)) for x in diff.log_dropped]),
    ]


def _reworded(change: TextChange) -> Line:
    return Line(label=change.address, words=word_diff(change.old, change.new))


def _replacement(replacement: Replacement) -> Line:
    items = list(dict.fromkeys(_item_of(p) for p in replacement.places))
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
    return Line(kind="changed", label=item.address, words=_plain(item.title), children=tuple(children))


def _entry_line(item: str, entry: EntryChange) -> Line:
    where = entry.address.removeprefix(item + "/")
    if entry.kind == "reworded":
        return Line(label=where, words=trimmed(entry.words) if hunks(entry.words) else _plain("(spacing only)"))
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
        return json.dumps({**asdict(diff), "summary": asdict(diff.summary)}, indent=2, ensure_ascii=False) + "\n"
    return _markdown(diff) if fmt == "markdown" else _text(diff)


def diff_sections(diff: SemanticDiff) -> list[tuple[str, list[Markup]]]:
    """The sections of the comparison, each entry the Markdown of one list item (what follows
    its "- "), everything from an agency file escaped."""
    return [(title, [markdown_entry(line) for line in lines]) for title, lines in _sections(diff)]


# Text: git's word-diff notation.


def _text(diff: SemanticDiff) -> str:
    head = f"{diff.old_label} -> {diff.new_label}" + (": no differences" if diff.empty else "")
    lines = [head, *([f"agency file: {diff.agency}"] if diff.agency else []), *(f"note: {n}" for n in diff.notes)]
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
    words: Iterable[Word], mark: Callable[[str, str, bool], str], *, after_label: bool = False, breaks: str = "",
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
    paragraphs = _render_words(line.words, _markdown_run, after_label=bool(line.kind or line.label), breaks=" ¶ ")
    head = " ".join(p for p in (
        str(escape_markdown(line.kind)) if line.kind else "",
        f"**{escape_markdown(line.label)}**" if line.label else "",
    ) if p)
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


# -- the two sides ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: the chain resolved, its findings, and how it was read."""

    adapted: Adapted
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()


def diff_sides(old: Side, new: Side, *, old_label: str, new_label: str, agency: str = "") -> SemanticDiff:
    notes = tuple(dict.fromkeys((*old.notes, *new.notes)))
    return diff_adapted(old.adapted, new.adapted, old.findings, new.findings,
                        old_label=old_label, new_label=new_label, agency=agency, notes=notes)


def project_root(agency: Path, root: Path | None = None, base: Path | None = None) -> Path:
    """The project root of ``agency`` as :func:`~lstoolkit.layers.read_chain` finds it from
    ``base`` (default: the working directory)."""
    if root is not None:
        return root.resolve()
    return default_project_root(Path(os.path.abspath(agency)), (base or Path.cwd()).resolve()).resolve()


def relative_name(path: Path, project: Path) -> str:
    """``path`` as named from the project root, whatever the working directory."""
    return Path(os.path.relpath(os.path.realpath(path), project)).as_posix()


def working_side(tree: ContentTree, agency: Path, *, root: Path | None = None) -> Side:
    """The agency file's chain as it is on disk, its files named from the project root."""
    project = project_root(agency, root)
    adapted = adapt(tree, read_chain(agency, root=project, display_base=project))
    return Side(adapted, check_adapted(adapted))


def revision_side(
    tree: ContentTree, agency: Path, revision: str, *, root: Path | None = None,
    parent_revision: str | None = None, display_base: Path | None = None,
) -> Side:
    """The agency file's chain as it was at ``revision`` of its git repository. Files are named
    from ``display_base`` (default: the project root) as they would be in the working tree."""
    project = project_root(agency, root, display_base)
    given = Path(os.path.realpath(agency))
    repository = repository_root(given.parent)
    with snapshot(repository, revision, project, parent_revision) as files:
        top = files.path(given)
        if not top.is_file():
            raise LstoolkitError(
                f"{relative_name(given, project)} does not exist at {revision}", hint="Pass --agency with its path.",
            )
        files.read_lock(given)
        files.fill_chain(top)
        if files.parent_revision is not None:
            files.notes.append(f"--parent-rev {parent_revision} is not used: no parent layer is in a separate checkout")
        base = files.path(display_base) if display_base and files.holds(display_base) else files.path(project)
        adapted = adapt(tree, read_chain(top, root=files.path(project), display_base=base))
        return Side(adapted, check_adapted(adapted), tuple(f"{revision}: {n}" for n in files.notes))


def what_changed(
    tree: ContentTree, agency: Path, adapted: Adapted, findings: tuple[Finding, ...], revision: str,
    *, root: Path | None = None, display_base: Path | None = None,
) -> SemanticDiff:
    """This version against the one at ``revision`` (the site's "What changed" page). ``root``
    and ``display_base`` are those ``adapted`` was read with, so both sides name files alike."""
    before = revision_side(tree, agency, revision, root=root, display_base=display_base)
    return diff_sides(before, Side(adapted, findings), old_label=revision, new_label="this version",
                      agency=relative_name(agency, project_root(agency, root, display_base)))


# -- git revisions ------------------------------------------------------------------------------


def _git(repository: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(repository), *args], check=True, capture_output=True, text=True,
        ).stdout
    except FileNotFoundError:
        raise LstoolkitError("git is not installed", hint="Install git, or compare two files.") from None


def repository_root(path: Path) -> Path:
    result = subprocess.run(
        ["git", "-C", str(path if path.is_dir() else path.parent), "rev-parse", "--show-toplevel"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise LstoolkitError(f"{path} is not in a git repository", hint="Compare two agency files instead.")
    return Path(result.stdout.strip()).resolve()


def toplevel(directory: Path) -> Path | None:
    """The git working tree whose top is ``directory`` or holds it; None outside git."""
    if not directory.is_dir():
        return None
    try:
        return repository_root(directory)
    except LstoolkitError:
        return None


def head_commit(repository: Path) -> str | None:
    """The commit checked out in ``repository``; None before its first commit."""
    try:
        return _git(repository, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except subprocess.CalledProcessError:
        return None


def commit_of(repository: Path, revision: str) -> str:
    try:
        return _git(repository, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}").strip()
    except subprocess.CalledProcessError as error:
        raise LstoolkitError(
            f"'{revision}' is not a revision of {repository}: {error.stderr.strip()}",
            Location(str(repository)), hint="Name a commit, tag or branch, or two agency files.",
        ) from None


def export(repository: Path, commit: str, destination: Path) -> None:
    """The files of ``commit`` of ``repository``, written under ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lstoolkit-archive-") as tmp:
        archive = Path(tmp) / "tree.tar"
        try:
            _git(repository, "archive", "--format=tar", "-o", str(archive), commit)
        except subprocess.CalledProcessError as error:
            raise LstoolkitError(
                f"commit {commit[:12]} cannot be read from {repository}: {error.stderr.strip()}",
                Location(str(repository)), hint=f"Fetch it: git -C {repository} fetch",
            ) from None
        with tarfile.open(archive) as tar:
            tar.extractall(destination, filter=_data_or_skip)


def _data_or_skip(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Tar's "data" filter, skipping what it refuses (a link out of the tree) rather than
    failing: such a file was never readable as part of the project anyway."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def copy_working_tree(directory: Path, destination: Path) -> None:
    """The files of a working tree as they are now: tracked and untracked, not ignored ones (so
    not a built site); links copied as links, so they lead where they led."""
    listed = _git(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in dict.fromkeys(n for n in listed.split("\0") if n):
        source = directory / name
        if source.is_symlink() or source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)


@dataclass
class Region:
    """Part of a snapshot: a repository's files at a commit, or as they are now (commit None)."""

    directory: Path  # in the snapshot
    repository: Path  # on disk
    commit: str | None


class Snapshot:
    """A project as it was at a revision, rebuilt under a temporary directory: ``path`` maps a
    file of the project on disk to its place there."""

    def __init__(self, top: Path, base: Path, revision: str, parent_revision: str | None, project: Path) -> None:
        self.top, self.base, self.revision, self.project = top, base, revision, project
        self.parent_revision = parent_revision
        self.regions: list[Region] = []
        self.notes: list[str] = []
        self.locked: dict[Path, str] = {}  # separate checkout on disk -> commit agency.lock records

    def holds(self, real: Path) -> bool:
        return Path(os.path.realpath(real)).is_relative_to(self.base)

    def path(self, real: Path) -> Path:
        return self.top / Path(os.path.realpath(real)).relative_to(self.base)

    def shown(self, path: Path) -> str:
        """A directory of the snapshot as named from the project root."""
        return relative_name(self.base / path.relative_to(self.top), self.project) + "/"

    def add(self, repository: Path, commit: str | None) -> Region:
        region = Region(self.path(repository), repository, commit)
        if commit is None:
            copy_working_tree(repository, region.directory)
        else:
            export(repository, commit, region.directory)
        self.regions.append(region)
        return region

    def read_lock(self, agency: Path) -> None:
        """The commits of the parent layers' repositories that ``agency``'s lock records at this
        revision (``parents``), keyed by the repository each layer is in on disk now."""
        from lstoolkit.upgrade import lock_path, locked_parents

        lock = self.path(lock_path(agency))
        if not lock.is_file():
            return
        try:
            parents = locked_parents(read_yaml(lock, display=lock.name).data)
        except LstoolkitError:
            self.notes.append(f"{lock.name} cannot be read, so the parents' commits it may record are not used")
            return
        for name, commit in parents.items():
            repository = toplevel(Path(os.path.normpath(agency.parent / name)).parent)
            if repository is not None:
                self.locked.setdefault(repository, commit)

    def fill_chain(self, top: Path) -> None:
        """Bring in what the chain from ``top`` extends that the repository's own files do not
        hold: submodules and separate checkouts. Anything odd is left for read_chain to report."""
        current, seen = top, set()
        while current not in seen and current.is_file():
            seen.add(current)
            try:
                extends = read_yaml(current, display=current.name).data.get("extends", PROTOTYPE)
            except LstoolkitError:
                return
            if not isinstance(extends, str) or extends == PROTOTYPE or Path(extends).is_absolute():
                return
            parent = Path(os.path.normpath(current.parent / extends))
            if not parent.is_file() and parent.is_relative_to(self.top):
                self.provide(parent)
            current = parent

    def provide(self, missing: Path) -> None:
        """Bring in the repository that holds ``missing``, a file of the snapshot."""
        holder = max((r for r in self.regions if missing.is_relative_to(r.directory)),
                     key=lambda r: len(r.directory.parts), default=None)
        if holder is not None and holder.commit is not None:
            self._submodule(holder, missing)
            return
        real = self.base / missing.relative_to(self.top)
        repository = toplevel(real.parent)
        if repository is None:
            self._not_in_git(real)
        elif self.holds(repository) and not any(self.path(repository) == r.directory for r in self.regions):
            self._checkout(repository)

    def _submodule(self, holder: Region, missing: Path) -> None:
        assert holder.commit is not None
        inner = missing.relative_to(holder.directory)
        prefixes = [p.as_posix() for p in reversed(inner.parents) if p != Path(".")]
        listed = _git(holder.repository, "ls-tree", "-z", holder.commit, "--", *prefixes) if prefixes else ""
        links = [line.split("\t", 1) for line in listed.split("\0") if line.startswith("160000 commit ")]
        if not links:
            return  # not in a submodule: the file is missing, as read_chain will say
        meta, path = links[-1]
        commit, repository = meta.split()[2], holder.repository / path
        where = self.shown(holder.directory / path)
        if toplevel(repository) != repository.resolve():
            raise LstoolkitError(
                f"{where} is a submodule that is not checked out, so its commit {commit[:12]} "
                f"recorded at {self.revision} cannot be read",
                hint="Run 'git submodule update --init', then compare again.",
            )
        self.add(repository.resolve(), commit)
        self.notes.append(f"{where} is the submodule's commit {commit[:12]}, as recorded at {self.revision}")

    def _checkout(self, repository: Path) -> None:
        """A parent layer in a separate checkout (a sibling): at --parent-rev, else at the commit
        agency.lock records, else as it is."""
        where = self.shown(self.path(repository))
        if self.parent_revision is not None:
            commit = commit_of(repository, self.parent_revision)
            self.add(repository, commit)
            self.notes.append(f"{where} is a separate checkout, read at {self.parent_revision} ({commit[:12]}) as --parent-rev says")
            self.parent_revision = None  # one revision names one repository: the nearest parent's
            return
        locked = self.locked.get(repository)
        if locked is not None:
            try:
                commit = commit_of(repository, locked)
            except LstoolkitError:
                raise LstoolkitError(
                    f"agency.lock at {self.revision} records commit {locked[:12]} of {where}, which that checkout does not have",
                    Location(str(repository)), hint=f"Fetch it (git -C {repository} fetch), or pass --parent-rev REV.",
                ) from None
            self.add(repository, commit)
            self.notes.append(f"{where} is a separate checkout, read at {commit[:12]} as agency.lock records")
            return
        self.add(repository, None)
        self.notes.append(
            f"{where} is a separate checkout and agency.lock records no revision of it, so its working "
            "tree is used; pass --parent-rev REV to compare a revision of it"
        )

    def _not_in_git(self, real: Path) -> None:
        """A parent layer outside any repository: its directory as it is now."""
        directory = real.parent
        if not directory.is_dir() or any(r.repository.is_relative_to(directory) for r in self.regions):
            return
        shutil.copytree(directory, self.path(directory), symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".*", "site", "__pycache__"))
        self.regions.append(Region(self.path(directory), directory, None))
        self.notes.append(f"{self.shown(self.path(directory))} is not in a git repository, so its files as they are now are used")


@contextmanager
def snapshot(repository: Path, revision: str, project: Path, parent_revision: str | None) -> Iterator[Snapshot]:
    """The project at ``revision`` of ``repository``: the repository's files at that commit
    first; :meth:`Snapshot.fill_chain` brings in the rest a chain needs."""
    commit = commit_of(repository, revision)
    base = project if repository.is_relative_to(project) else repository
    with tempfile.TemporaryDirectory(prefix="lstoolkit-diff-") as tmp:
        files = Snapshot(Path(tmp).resolve() / "project", base, revision, parent_revision, project)
        files.add(repository, commit)
        yield files
