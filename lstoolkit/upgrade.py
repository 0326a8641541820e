"""``lstoolkit lock`` and ``lstoolkit upgrade-check``: learn what an upstream move means for a fork.

The lock file (``agency.lock``, beside ``agency.yml``) records, for each change of the layer, the
upstream text it adapted (what the layers above gave at its address) with its hash, and the
essential addresses and findings at that time. When the prototype or the parent layer changes,
``upgrade-check`` compares the upstream of today with the lock: changes whose target is gone,
replaced text whose upstream was edited since (with the upstream diff), new essential items or
protections, and new findings. A layer that no longer resolves is an error, located.

For each parent layer in another git repository (a sibling checkout or a submodule), the lock also
records that repository's commit (``parents``): ``lstoolkit diff`` reads a sibling parent at it
when it rebuilds an old revision. Locks without it still load.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstoolkit import __version__
from lstoolkit.adapt import Adapted, adapt
from lstoolkit.addresses import Node, find, index_addresses, nearest_address
from lstoolkit.check import check_adapted
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.layers import Change, Layer
from lstoolkit.load import ContentTree
from lstoolkit.output import write_atomically
from lstoolkit.revisions import head_commit, toplevel
from lstoolkit.yamlfile import read_yaml


def lock_path(agency: Path) -> Path:
    return agency.with_suffix(".lock")


def upstream_text(value: Any) -> str:
    """A stable text form of an upstream value (what a change adapted)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=True, width=100)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_lock(tree: ContentTree, layers: tuple[Layer, ...]) -> dict[str, Any]:
    """The lock of the last layer of ``layers`` against the layers above it."""
    *above, own = layers
    upstream = adapt(tree, above)
    changes = []
    for change in own.file.changes:
        target = find(upstream.raw, change.target)
        text = upstream_text(target.value if target and target.kind != "collection" else None)
        changes.append(
            {
                "kind": change.kind,
                "target": change.target,
                "upstream_sha256": digest(text),
                "upstream": text,
            }
        )
    adapted = adapt(tree, layers)
    parents = parent_commits(layers)
    return {
        "lstoolkit": __version__,
        "extends": own.file.extends,
        **({"parents": parents} if parents else {}),
        "changes": changes,
        "essential": sorted(_essential(upstream, above)),
        "findings": sorted(_finding_lines(adapted)),
    }


def parent_commits(layers: tuple[Layer, ...]) -> dict[str, str]:
    """The ``HEAD`` commit of each parent layer's repository that is not the last layer's own
    (a sibling checkout or a submodule), by the parent's path from the last layer's folder."""
    *above, own = layers
    home = toplevel(own.path.parent)
    commits: dict[str, str] = {}
    for layer in above:
        repository = toplevel(layer.path.parent)
        commit = head_commit(repository) if repository is not None and repository != home else None
        if commit is not None:
            commits[Path(os.path.relpath(layer.path, own.path.parent)).as_posix()] = commit
    return commits


def locked_parents(lock: Any) -> dict[str, str]:
    """The ``parents`` a lock records (none in a lock written before it recorded them)."""
    parents = lock.get("parents") if isinstance(lock, dict) else None
    if not isinstance(parents, dict):
        return {}
    return {str(name): commit for name, commit in parents.items() if isinstance(commit, str)}


def write_lock(tree: ContentTree, layers: tuple[Layer, ...]) -> Path:
    path = lock_path(layers[-1].path)
    header = "# Written by 'lstoolkit lock'. Commit it: 'lstoolkit upgrade-check' compares upstream with it.\n"
    text = header + yaml.safe_dump(
        build_lock(tree, layers), allow_unicode=True, sort_keys=False, width=100
    )
    write_atomically(path, text.encode("utf-8"))
    return path


@dataclass
class UpgradeReport:
    """What an upstream move means for this layer. ``errors`` and ``gone`` are located lines: the
    layer no longer resolves against upstream."""

    errors: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    upstream_changed: list[str] = field(default_factory=list)
    new_essential: list[str] = field(default_factory=list)
    new_findings: list[str] = field(default_factory=list)
    not_locked: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.errors
            or self.gone
            or self.upstream_changed
            or self.new_findings
            or self.not_locked
        )

    @property
    def resolves(self) -> bool:
        """Whether the layer still resolves against upstream (a change whose target is gone does not)."""
        return not (self.errors or self.gone)

    def format(self) -> str:
        sections = [
            ("Errors: this layer no longer resolves against upstream", self.errors),
            ("Changes whose target is gone upstream", self.gone),
            (
                "Changes whose upstream text was edited since they were locked",
                self.upstream_changed,
            ),
            ("New essential items or protections from upstream", self.new_essential),
            ("New fidelity findings", self.new_findings),
            (
                "Changes not in the lock file (run 'lstoolkit lock' after reviewing them)",
                self.not_locked,
            ),
        ]
        lines = [
            f"{title} ({len(items)}):\n" + "\n".join(f"  {i}" for i in items)
            for title, items in sections
            if items
        ]
        return (
            "\n\n".join(lines) + "\n"
            if lines
            else "Upstream has not moved in any way that concerns this layer.\n"
        )


def upgrade_check(tree: ContentTree, layers: tuple[Layer, ...]) -> UpgradeReport:
    *above, own = layers
    path = lock_path(own.path)
    if not path.is_file():
        raise LstoolkitError(
            f"{path.name} does not exist",
            Location(own.display),
            hint="Run 'lstoolkit lock' first, and commit the lock file.",
        )
    lock = read_yaml(path, display=str(path)).data
    upstream = adapt(tree, above)
    index = index_addresses({name: data["items"] for name, data in upstream.raw.items()})
    report = UpgradeReport()
    locked = {(c["kind"], c["target"]): c for c in lock.get("changes", [])}
    adapted, problems = _resolve(tree, layers)
    failing = {problem.location for problem in problems}
    gone_at: set[Location | None] = set()
    for i, change in enumerate(own.file.changes):
        entry = locked.get((change.kind, change.target))
        target = find(upstream.raw, change.target)
        where = own.locate("changes", i, change.kind)
        # (not a target an earlier change of this layer adds)
        if target is None and where in failing:
            gone_at.add(where)
            report.gone.append(
                f"{where}: {change.kind} {change.target}: {_gone_advice(change, above, index)}"
            )
            continue
        if entry is None:
            report.not_locked.append(f"{change.kind} {change.target}")
            continue
        now = upstream_text(target.value if target and target.kind != "collection" else None)
        if change.kind == "replace" and digest(now) != entry["upstream_sha256"]:
            report.upstream_changed.append(
                f"replace {change.target}:\n" + _indented_diff(entry["upstream"], now)
            )
    essential_then = set(lock.get("essential", []))
    report.new_essential = sorted(_essential(upstream, above) - essential_then)
    report.errors = [
        problem.format() for problem in problems if problem.location not in gone_at
    ]  # gone: said once
    findings_now = _finding_lines(adapted) if adapted else []
    report.new_findings = sorted(set(findings_now) - set(lock.get("findings", [])))
    return report


def _resolve(
    tree: ContentTree, layers: tuple[Layer, ...]
) -> tuple[Adapted | None, tuple[LstoolkitError, ...]]:
    """The layers resolved, or the problems that keep them from resolving."""
    try:
        return adapt(tree, layers), ()
    except LstoolkitError as error:
        return None, error.problems


def _gone_advice(change: Change, above: list[Layer], index: dict[str, Node]) -> str:
    """What to do about a change whose target upstream no longer has. A removal is done already;
    an address near in spelling may be another thing entirely, so it is offered only for an
    edit, to check."""
    parent = "the parent" if above else "the prototype"
    if change.kind == "remove":
        return f"{parent} no longer has it: delete this change"
    nearest = nearest_address(change.target, index)
    moved = (
        f" (the nearest address in spelling is '{nearest}': check that it is the same thing)"
        if nearest
        else ""
    )
    return f"{parent} no longer has it: delete this change, or point it at the new address if the text moved{moved}"


def _essential(upstream: Adapted, above: list[Layer]) -> set[str]:
    required = {a for e in upstream.raw["elements"]["items"] for a in e.get("requires", [])}
    return required | {a for layer in above for a in layer.file.protect}


def _finding_lines(adapted: Adapted) -> list[str]:
    return [f"{f.code} {f.message}" for f in check_adapted(adapted)]


def _indented_diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "locked upstream", "upstream now", lineterm="", n=1
    )
    return "\n".join("    " + line for line in lines)
