"""Semantic diff of two resolved chains: what a new version of a design document changes.

Compares two :class:`~lstoolkit.adapt.Adapted` results, not two texts: items and entries added,
removed or reworded (word by word), terms and values, the adaptation log, and the fidelity
findings. A reviewer reads a summary first, then the changes grouped by item.

An old version is read from git, rebuilt as the project was then (:mod:`lstoolkit.revisions`).
Both sides name files relative to the project root, so the directory the command runs in never
changes the result.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.check import check_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Finding
from lstoolkit.layers import project_root as default_project_root
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree
from lstoolkit.models import FieldRole, field_names
from lstoolkit.revisions import relative_name, repository_root, snapshot

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
            (
                self.added,
                self.removed,
                self.changed,
                self.terms,
                self.values,
                self.log_added,
                self.log_dropped,
                self.findings_new,
                self.findings_resolved,
                self.meta,
            )
        )

    @property
    def summary(self) -> Summary:
        kinds = Counter(item.kind for item in self.items)
        return Summary(
            items_added=kinds["added"],
            items_removed=kinds["removed"],
            items_changed=kinds["changed"],
            findings_appeared=len(self.findings_new),
            findings_resolved=len(self.findings_resolved),
            log_added=len(self.log_added),
            log_dropped=len(self.log_dropped),
            consistent_before=self.consistent_before,
            changes_before=self.changes_before,
            consistent_after=self.consistent_after,
            changes_after=self.changes_after,
        )


def diff_adapted(
    old: Adapted,
    new: Adapted,
    old_findings: tuple[Finding, ...],
    new_findings: tuple[Finding, ...],
    *,
    old_label: str = "old",
    new_label: str = "new",
    agency: str = "",
    notes: tuple[str, ...] = (),
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
        elif (
            node.kind == "field"
            and isinstance(node.value, list)
            and all(isinstance(v, str) for v in node.value)
        ):
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
    return {
        "version": f.version,
        "status": f.status,
        "adopted": adopted,
        "component_name": f.component_name,
    }


def _log(adapted: Adapted) -> list[str]:
    lines = []
    for applied in adapted.changes:
        c = applied.change
        text = (
            ""
            if c.kind == "remove"
            else f": {json.dumps(c.text, ensure_ascii=False, sort_keys=True)}"
        )
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
    matcher = difflib.SequenceMatcher(
        None, [t.rstrip(" ") for t in a], [t.rstrip(" ") for t in b], autojunk=False
    )
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
            return a[len(common) :], b[len(common) :]
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


def item_of(address: str) -> str:
    return "/".join(address.split("/")[:2])


def _title(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("title") or value.get("name") or value.get("id") or "")
    return ""


def _group(
    added: list[TextChange],
    removed: list[TextChange],
    changed: list[TextChange],
    old_nodes: dict[str, Any],
    new_nodes: dict[str, Any],
) -> tuple[tuple[ItemChange, ...], tuple[Replacement, ...]]:
    """The changes grouped by item, in file order, and the replacements made in many places."""
    worded = {c.address: word_diff(c.old, c.new) for c in changed}
    only = {a: h[0] for a, words in worded.items() if len(h := sorted(set(hunks(words)))) == 1}
    counts = Counter(only.values())
    collapsed = {a: h for a, h in only.items() if counts[h] >= COLLAPSE_AT}
    places: dict[tuple[str, str], list[str]] = {}
    for address, hunk in collapsed.items():
        places.setdefault(hunk, []).append(address)
    replacements = tuple(
        Replacement(old, new, tuple(where)) for (old, new), where in places.items()
    )

    whole: dict[str, ItemChange] = {}
    inside: dict[str, list[EntryChange]] = {}
    for c in added:
        if c.address.count("/") == 1:
            whole[c.address] = ItemChange(c.address, "added", _title(new_nodes[c.address]), c.new)
        else:
            inside.setdefault(item_of(c.address), []).append(
                EntryChange(c.address, "added", "", c.new, (Word("+", normalise(c.new)),))
            )
    for c in removed:
        if c.address.count("/") == 1:
            whole[c.address] = ItemChange(c.address, "removed", _title(old_nodes[c.address]), c.old)
        else:
            inside.setdefault(item_of(c.address), []).append(
                EntryChange(c.address, "removed", c.old, "", (Word("-", normalise(c.old)),))
            )
    replaced = Counter(item_of(a) for a in collapsed)
    for c in changed:
        if c.address not in collapsed:
            inside.setdefault(item_of(c.address), []).append(
                EntryChange(c.address, "reworded", c.old, c.new, worded[c.address])
            )
    for item in set(inside) | set(replaced):
        node = new_nodes.get(item, old_nodes.get(item))
        whole[item] = ItemChange(
            item,
            "changed",
            _title(node),
            changes=tuple(inside.get(item, ())),
            replaced=replaced[item],
        )
    order = {a: i for i, a in enumerate([*new_nodes, *old_nodes])}
    items = sorted(whole.values(), key=lambda i: order.get(i.address, len(order)))
    return tuple(_entries_in_order(i, order) for i in items), replacements


def _entries_in_order(item: ItemChange, order: dict[str, int]) -> ItemChange:
    if len(item.changes) < 2:
        return item
    rank = {"reworded": 0, "added": 0, "removed": 1}  # removed entries after what is there now
    entries = sorted(item.changes, key=lambda e: (rank[e.kind], order.get(e.address, len(order))))
    return ItemChange(item.address, item.kind, item.title, item.text, tuple(entries), item.replaced)


# -- the two sides ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: the chain resolved, its findings, and how it was read."""

    adapted: Adapted
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()


def diff_sides(
    old: Side, new: Side, *, old_label: str, new_label: str, agency: str = ""
) -> SemanticDiff:
    notes = tuple(dict.fromkeys((*old.notes, *new.notes)))
    return diff_adapted(
        old.adapted,
        new.adapted,
        old.findings,
        new.findings,
        old_label=old_label,
        new_label=new_label,
        agency=agency,
        notes=notes,
    )


def project_root(agency: Path, root: Path | None = None, base: Path | None = None) -> Path:
    """The project root of ``agency`` as :func:`~lstoolkit.layers.read_chain` finds it from
    ``base`` (default: the working directory)."""
    if root is not None:
        return root.resolve()
    return default_project_root(
        Path(os.path.abspath(agency)), (base or Path.cwd()).resolve()
    ).resolve()


def working_side(tree: ContentTree, agency: Path, *, root: Path | None = None) -> Side:
    """The agency file's chain as it is on disk, its files named from the project root."""
    project = project_root(agency, root)
    adapted = adapt(tree, read_chain(agency, root=project, display_base=project))
    return Side(adapted, check_adapted(adapted))


def revision_side(
    tree: ContentTree,
    agency: Path,
    revision: str,
    *,
    root: Path | None = None,
    parent_revision: str | None = None,
    display_base: Path | None = None,
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
                f"{relative_name(given, project)} does not exist at {revision}",
                hint="Pass --agency with its path.",
            )
        files.read_lock(given)
        files.fill_chain(top)
        if files.parent_revision is not None:
            files.notes.append(
                f"--parent-rev {parent_revision} is not used: no parent layer is in a separate checkout"
            )
        base = (
            files.path(display_base)
            if display_base and files.holds(display_base)
            else files.path(project)
        )
        adapted = adapt(tree, read_chain(top, root=files.path(project), display_base=base))
        return Side(adapted, check_adapted(adapted), tuple(f"{revision}: {n}" for n in files.notes))


def what_changed(
    tree: ContentTree,
    agency: Path,
    adapted: Adapted,
    findings: tuple[Finding, ...],
    revision: str,
    *,
    root: Path | None = None,
    display_base: Path | None = None,
) -> SemanticDiff:
    """This version against the one at ``revision`` (the site's "What changed" page). ``root``
    and ``display_base`` are those ``adapted`` was read with, so both sides name files alike."""
    before = revision_side(tree, agency, revision, root=root, display_base=display_base)
    return diff_sides(
        before,
        Side(adapted, findings),
        old_label=revision,
        new_label="this version",
        agency=relative_name(agency, project_root(agency, root, display_base)),
    )
