"""Semantic diff of two resolved chains: what a new version of a design document changes.

Compares two :class:`~lstoolkit.adapt.Adapted` results, not two texts: items and entries added,
removed or reworded, terms and values, the adaptation log, and the fidelity findings.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import iter_nodes
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.escape import escape_markdown
from lstoolkit.findings import Finding
from lstoolkit.layers import read_chain
from lstoolkit.load import ContentTree

#: Reference lists that follow from other changes (pruned when their target goes): not news.
DERIVED_FIELDS = frozenset({"about", "lessons"})


@dataclass(frozen=True)
class TextChange:
    address: str
    old: str
    new: str


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

    @property
    def empty(self) -> bool:
        return not any(
            (self.added, self.removed, self.changed, self.terms, self.values, self.log_added,
             self.log_dropped, self.findings_new, self.findings_resolved, self.meta)
        )


def diff_adapted(
    old: Adapted, new: Adapted, old_findings: tuple[Finding, ...], new_findings: tuple[Finding, ...],
    *, old_label: str = "old", new_label: str = "new",
) -> SemanticDiff:
    """The semantic difference between two resolved chains."""
    old_text, new_text = _texts(old), _texts(new)
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    added = [TextChange(a, "", _label(new_nodes[a])) for a in new_nodes if a not in old_nodes]
    removed = [TextChange(a, _label(old_nodes[a]), "") for a in old_nodes if a not in new_nodes]
    changed = [
        TextChange(a, old_text[a], new_text[a])
        for a in new_text
        if a in old_text and old_text[a] != new_text[a] and not _under(a, added, removed)
    ]
    return SemanticDiff(
        old_label=old_label,
        new_label=new_label,
        added=tuple(_outermost(added)),
        removed=tuple(_outermost(removed)),
        changed=tuple(changed),
        terms=tuple(_mapping_changes(_terms(old), _terms(new))),
        values=tuple(_mapping_changes(_values(old), _values(new))),
        log_added=tuple(x for x in _log(new) if x not in _log(old)),
        log_dropped=tuple(x for x in _log(old) if x not in _log(new)),
        findings_new=tuple(x for x in _findings(new_findings) if x not in _findings(old_findings)),
        findings_resolved=tuple(x for x in _findings(old_findings) if x not in _findings(new_findings)),
        meta=tuple(_mapping_changes(_meta(old), _meta(new))),
    )


def _items(adapted: Adapted) -> dict[str, list[dict[str, Any]]]:
    return {name: data["items"] for name, data in adapted.raw.items()}


def _nodes(adapted: Adapted) -> dict[str, Any]:
    """Items and entries (not fields), in file order."""
    return {n.address: n.value for n in iter_nodes(_items(adapted)) if n.kind != "field"}


def _texts(adapted: Adapted) -> dict[str, str]:
    """The wording at each address: text fields, entries (text and title) and item titles."""
    texts: dict[str, str] = {}
    for node in iter_nodes(_items(adapted)):
        if node.kind == "field" and node.address.rsplit("/", 1)[1] in DERIVED_FIELDS:
            continue
        if node.kind == "field" and isinstance(node.value, str):
            texts[node.address] = node.value
        elif node.kind == "field" and isinstance(node.value, list) and all(isinstance(v, str) for v in node.value):
            texts[node.address] = ", ".join(node.value)
        elif node.kind == "entry":
            entry = node.value
            texts[node.address] = " ".join(p for p in (entry.get("title", ""), entry.get("text", "")) if p)
    return texts


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(value.get(k, "")) for k in ("title", "text") if value.get(k)) or str(value.get("id", ""))
    return str(value)


def _under(address: str, *groups: list[TextChange]) -> bool:
    return any(address.startswith(c.address + "/") or address == c.address for g in groups for c in g)


def _outermost(changes: list[TextChange]) -> list[TextChange]:
    """Drop entries inside an item that is itself added or removed."""
    kept: list[TextChange] = []
    for change in changes:
        if not any(change.address.startswith(k.address + "/") for k in kept):
            kept.append(change)
    return kept


def _mapping_changes(old: dict[str, str], new: dict[str, str]) -> Iterator[TextChange]:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            yield TextChange(key, old.get(key, ""), new.get(key, ""))


def _terms(adapted: Adapted) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in adapted.layers:
        merged.update({term: str(forms) for term, forms in layer.file.terms.items()})
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


# -- output -------------------------------------------------------------------------------------


def format_diff(diff: SemanticDiff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(asdict(diff), indent=2, ensure_ascii=False)
    return _markdown(diff) if fmt == "markdown" else _text(diff)


def diff_sections(diff: SemanticDiff) -> list[tuple[str, list[str]]]:
    def changes(items: tuple[TextChange, ...], show: str) -> list[str]:
        if show == "added":
            return [f"{c.address}: {c.new}" for c in items]
        if show == "removed":
            return [f"{c.address}: {c.old}" for c in items]
        return [f"{c.address}:\n    was: {c.old or '(none)'}\n    now: {c.new or '(none)'}" for c in items]

    return [
        ("Version and status", changes(diff.meta, "changed")),
        ("Fidelity findings that appeared", list(diff.findings_new)),
        ("Fidelity findings resolved", list(diff.findings_resolved)),
        ("Changes added to the adaptation log", list(diff.log_added)),
        ("Changes dropped from the adaptation log", list(diff.log_dropped)),
        ("Terms", changes(diff.terms, "changed")),
        ("Values", changes(diff.values, "changed")),
        ("Added", changes(diff.added, "added")),
        ("Removed", changes(diff.removed, "removed")),
        ("Reworded", changes(diff.changed, "changed")),
    ]


def _text(diff: SemanticDiff) -> str:
    lines = [f"{diff.old_label} -> {diff.new_label}"]
    if diff.empty:
        return lines[0] + ": no differences\n"
    for title, entries in diff_sections(diff):
        if entries:
            lines.append(f"\n{title} ({len(entries)}):")
            lines += [f"  {e}" for e in entries]
    return "\n".join(lines) + "\n"


def _markdown(diff: SemanticDiff) -> str:
    old, new = (str(escape_markdown(label)) for label in (diff.old_label, diff.new_label))
    lines = [f"### What changes from {old} to {new}", ""]
    if diff.empty:
        return "\n".join(lines + ["No differences.", ""])
    for title, entries in diff_sections(diff):
        if entries:
            lines += [f"**{title}** ({len(entries)})", ""]
            lines += ["- " + str(escape_markdown(e)).replace("\n    ", "<br>") for e in entries]
            lines.append("")
    return "\n".join(lines)


# -- git revisions ------------------------------------------------------------------------------


@contextmanager
def checkout(revision: str, repository: Path) -> Iterator[Path]:
    """The files of ``revision`` of the git repository at ``repository``, in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="lstoolkit-diff-") as tmp:
        archive = Path(tmp) / "tree.tar"
        try:
            subprocess.run(
                ["git", "-C", str(repository), "archive", "--format=tar", "-o", str(archive), revision],
                check=True, capture_output=True, text=True,
            )
        except FileNotFoundError:
            raise LstoolkitError("git is not installed", hint="Install git, or compare two files.") from None
        except subprocess.CalledProcessError as error:
            raise LstoolkitError(
                f"'{revision}' is not a revision of {repository}: {error.stderr.strip()}",
                Location(str(repository)), hint="Name a commit, tag or branch, or two agency files.",
            ) from None
        tree = Path(tmp) / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        yield tree


def repository_root(path: Path) -> Path:
    result = subprocess.run(
        ["git", "-C", str(path if path.is_dir() else path.parent), "rev-parse", "--show-toplevel"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise LstoolkitError(f"{path} is not in a git repository", hint="Compare two agency files instead.")
    return Path(result.stdout.strip())


def resolve_at_revision(tree: ContentTree, agency: Path, revision: str) -> Adapted:
    """The agency file's chain resolved as it was at ``revision`` of its git repository."""
    root = repository_root(agency.resolve())
    relative = agency.resolve().relative_to(root)
    with checkout(revision, root) as files:
        if not (files / relative).is_file():
            raise LstoolkitError(f"{relative} does not exist at {revision}", hint="Pass --agency with its path.")
        return adapt(tree, read_chain(files / relative, root=files, display_base=files))


def what_changed(
    tree: ContentTree, agency: Path, adapted: Adapted, findings: tuple[Finding, ...], revision: str
) -> SemanticDiff:
    """This version against the one at ``revision`` (the site's "What changed" page)."""
    from lstoolkit.check import check_adapted

    before = resolve_at_revision(tree, agency, revision)
    return diff_adapted(before, adapted, check_adapted(before), findings, old_label=revision, new_label="this version")
