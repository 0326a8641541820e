"""``lstoolkit rollup``: a state's view of how each of its districts adapted the state's design.

A state collects its districts' customization files in one folder (a checkout or a git submodule
per district), and the roll-up resolves each district's chain, in parallel processes, into one
:class:`DistrictReport`: who the district is, where its design document stands, what its own
layer changes, the findings those changes cause, and what became of each essential element. A
district whose chain cannot be resolved is reported with its first located error; it never stops
the roll-up. Reports come back in the order the files were given, whatever finishes first.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import LoggedChange, check_adapted, log_changes
from lstoolkit.codes import FindingCode
from lstoolkit.diff import revision_side
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import Finding
from lstoolkit.in_words import (
    PLANNED_IN_WORDS,
    WHEN_IN_WORDS,
    change_in_words,
    finding_in_words,
    title_in,
)
from lstoolkit.layers import Layer, read_chain
from lstoolkit.load import ContentTree, load_content
from lstoolkit.models import about
from lstoolkit.output import write_atomically
from lstoolkit.revisions import commit_of, toplevel
from lstoolkit.schema import JSON_SCHEMA_DIALECT, build, object_schema, validate
from lstoolkit.yamlfile import read_yaml

#: An essential element's fate in one district's layer, and its symbol in the table.
SYMBOLS = {"kept": "=", "adapted": "~", "emptied": "!", "removed": "x"}
LEGEND = "elements: = kept, ~ adapted, ! emptied, x removed"
#: Findings that say a district removed or emptied an essential element.
ELEMENT_CODES = (FindingCode.ESSENTIAL_ELEMENT_REMOVED, FindingCode.ESSENTIAL_ELEMENT_EMPTIED)
#: The name of the file that makes a folder a district's checkout.
AGENCY_FILE = "agency.yml"
#: How much of a ``*.yml`` file is read to see whether it is a customization file.
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class StateRef:
    """The state as the districts should extend it: its file, its name and current version."""

    path: Path
    name: str
    version: str


@dataclass(frozen=True)
class LoggedEntry:
    """One change of a district's own layer, as a reader would say it."""

    headline: str
    wording: str
    why: str
    when: str
    planned: str
    decided_by: str
    consistent: bool
    location: str


@dataclass(frozen=True)
class FindingEntry:
    """One finding of a district's own layer: in words, with its code and where it comes from."""

    code: str
    words: str
    accepted: bool
    location: str


@dataclass(frozen=True)
class DistrictReport:
    """One district as the state sees it: its own layer only, never the state's changes."""

    file: str
    name: str = ""
    short_name: str = ""
    level: str = ""
    region: str = ""
    version: str = ""
    status: str = ""
    adopted_on: str = ""
    revision: str = ""  # the commit read, when the manifest names one
    parent: str = ""  # the layer it extends directly: name and version
    state_version: str = ""  # the version of the state's design its chain extends
    state_current: bool = False  # whether that is the state's current version
    changes: Mapping[str, int] = field(default_factory=dict)  # remove/add/replace -> count
    findings: Mapping[str, int] = field(default_factory=dict)  # code -> count, not accepted
    accepted: Mapping[str, int] = field(default_factory=dict)  # code -> count, accepted
    consistent: int = 0  # this layer's fidelity-consistent changes
    fidelity_consistent: float | None = None  # consistent / this layer's changes
    elements: Mapping[str, str] = field(
        default_factory=dict
    )  # element id -> kept/adapted/emptied/removed
    log: tuple[LoggedEntry, ...] = ()
    notes: tuple[FindingEntry, ...] = ()
    error: str = ""

    @property
    def broken(self) -> bool:
        return bool(self.error)

    @property
    def extends_state(self) -> bool:
        return bool(self.state_version)

    @property
    def out_of_date(self) -> bool:
        """Extends an earlier version of the state's design than the current one."""
        return self.extends_state and not self.state_current

    @property
    def change_count(self) -> int:
        return sum(self.changes.values())

    @property
    def touches_essential(self) -> bool:
        """Whether the district removed or emptied an essential element (accepted or not)."""
        return any(status in ("removed", "emptied") for status in self.elements.values())

    @property
    def fails_strict(self) -> bool:
        """Broken, or removed or emptied an essential element without accepting the finding."""
        return self.broken or any(code in self.findings for code in ELEMENT_CODES)

    @property
    def slug(self) -> str:
        """A name for the district's page: its folder (``districts/riverton/agency.yml``), else
        its file's name without ``.yml``."""
        path = Path(self.file)
        name = path.parent.name if path.name == AGENCY_FILE else path.stem
        return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "district"


@dataclass(frozen=True, kw_only=True)
class ManifestEntry:
    """One district of the roll-up."""

    path: str = field(
        metadata=about(
            "The district's folder (holding agency.yml) or file, relative to the manifest."
        )
    )
    revision: str = field(
        default="",
        metadata=about(
            "A commit, tag or branch of the district's repository to read instead of its working tree."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """The districts a state rolls up, with the revision of each it has reviewed."""

    districts: tuple[ManifestEntry, ...] = field(metadata=about("One entry per district."))


@dataclass(frozen=True)
class DistrictSource:
    """A district's file, and the revision of its repository to read (empty: as it is on disk)."""

    file: Path
    revision: str = ""


# -- finding the files ------------------------------------------------------------------------


def find_district_files(folder: Path, *, state_file: Path | None = None) -> list[Path]:
    """Every customization file under ``folder``, sorted: an ``agency.yml`` (then nothing deeper
    in that folder, whose schools belong to the district), else any ``*.yml`` that ``extends``
    a parent. Hidden folders (``.git``) and the state's own file are skipped."""
    skip = state_file.resolve() if state_file is not None else None
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        here = Path(directory)
        if AGENCY_FILE in files and (here / AGENCY_FILE).resolve() != skip:
            found.append(here / AGENCY_FILE)
            subdirectories[:] = []
            continue
        found += [
            here / name
            for name in files
            if name.endswith(".yml")
            and (here / name).resolve() != skip
            and _extends_a_parent(here / name)
        ]
    return sorted(found)


def _extends_a_parent(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(line.startswith("extends:") for line in head.splitlines())


def read_manifest(path: Path) -> list[DistrictSource]:
    """The districts a manifest lists, in its order; each path must exist (a located error)."""
    document = read_yaml(path)
    problems = validate(document, manifest_schema())
    if problems:
        raise LstoolkitError.collect(problems)
    manifest: Manifest = build(Manifest, document.data)
    sources = []
    for i, entry in enumerate(manifest.districts):
        given = path.parent / entry.path
        file = given / AGENCY_FILE if given.is_dir() else given
        if not file.is_file():
            raise LstoolkitError(
                f"'{entry.path}' is neither a district's folder with an {AGENCY_FILE} nor a file",
                document.locate(("districts", i, "path")),
                hint="Give the path of the district's checkout, relative to the manifest; check out its submodule "
                "(git submodule update --init) if it is empty.",
            )
        sources.append(DistrictSource(file, entry.revision))
    return sources


@cache
def manifest_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    return {"$schema": JSON_SCHEMA_DIALECT, **object_schema(Manifest, defs), "$defs": defs}


def district_sources(where: Path, *, state_file: Path | None = None) -> list[DistrictSource]:
    """The districts of a folder (every customization file under it) or of a manifest file."""
    if where.is_file():
        return read_manifest(where)
    return [DistrictSource(file) for file in find_district_files(where, state_file=state_file)]


# -- resolving the districts ------------------------------------------------------------------

_TREE: ContentTree | None = None


def _load_worker(content_dir: Path | None) -> None:
    """Load the content once per worker process."""
    global _TREE
    _TREE = load_content(content_dir)


def _report_in_worker(
    source: DistrictSource, state: StateRef, root: Path, base: Path
) -> DistrictReport:
    assert _TREE is not None, "the worker's content is loaded by its initializer"
    return district_report(_TREE, source, state, root=root, display_base=base)


def read_state(state_file: Path, root: Path) -> StateRef:
    """The state's file read once: a broken state is one error, not one per district."""
    if not state_file.is_file():
        raise LstoolkitError(
            f"the state's customization file '{state_file}' "
            + ("is a folder" if state_file.is_dir() else "does not exist"),
            hint="Give the state's agency.yml, e.g. lstoolkit rollup state/agency.yml.",
        )
    top = read_chain(state_file, root=root)[-1]
    return StateRef(state_file.resolve(), top.file.agency.name, top.file.version)


def rollup(
    state_file: Path,
    districts: Sequence[Path | DistrictSource],
    *,
    jobs: int | None = None,
    root: Path | None = None,
    content_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    display_base: Path | None = None,
) -> list[DistrictReport]:
    """One report per district, in the order given. Chains resolve in parallel processes
    (``jobs``, default one per core); ``root`` (default: the common folder of the state file and
    the districts) is the project root their ``extends`` must stay inside."""
    sources = [d if isinstance(d, DistrictSource) else DistrictSource(d) for d in districts]
    project = root or common_root([state_file, *(s.file for s in sources)])
    base = display_base or Path.cwd()
    state = read_state(state_file, project)
    workers = min(len(sources), jobs or os.cpu_count() or 1)
    if workers <= 1:
        tree = load_content(content_dir)
        reports = []
        for done, source in enumerate(sources, start=1):
            reports.append(district_report(tree, source, state, root=project, display_base=base))
            if progress:
                progress(done, len(sources))
        return reports
    slots: list[DistrictReport | None] = [None] * len(sources)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_load_worker, initargs=(content_dir,)
    ) as pool:
        futures = {
            pool.submit(_report_in_worker, source, state, project, base): i
            for i, source in enumerate(sources)
        }
        for done, future in enumerate(as_completed(futures), start=1):
            slots[futures[future]] = future.result()
            if progress:
                progress(done, len(sources))
    return [report for report in slots if report is not None]


def common_root(paths: Sequence[Path]) -> Path:
    """The deepest folder holding every one of ``paths`` (so ``extends: ../../agency.yml`` from a
    district's submodule stays inside the project)."""
    return Path(os.path.commonpath([str(path.resolve().parent) for path in paths]))


def district_report(
    tree: ContentTree,
    source: DistrictSource | Path,
    state: StateRef,
    *,
    root: Path,
    display_base: Path | None = None,
) -> DistrictReport:
    """Resolve one district's chain (at its revision, if the manifest names one) into its report;
    an error becomes the report's ``error``."""
    if isinstance(source, Path):
        source = DistrictSource(source)
    file = source.file
    absolute = Path(os.path.abspath(file))
    inside = display_base is not None and absolute.is_relative_to(os.path.abspath(display_base))
    shown = os.path.relpath(absolute, display_base) if inside else str(file)  # as given, outside it
    revision = ""
    try:
        if source.revision:
            repository = toplevel(file.resolve().parent)
            if repository is None:
                raise LstoolkitError(
                    f"the manifest names revision '{source.revision}', but {shown} is not in a git repository",
                    hint="Remove the revision, or make the district's folder a checkout of its repository.",
                )
            revision = commit_of(repository, source.revision)
            side = revision_side(tree, file, revision, root=root, display_base=display_base)
            adapted, findings = side.adapted, side.findings
        else:
            adapted = adapt(tree, read_chain(file, root=root, display_base=display_base))
            findings = check_adapted(adapted)
    except LstoolkitError as error:
        return DistrictReport(file=shown, revision=revision, error=error.problems[0].format())
    return _report(shown, adapted, findings, state, revision)


def _report(
    file: str, adapted: Adapted, findings: tuple[Finding, ...], state: StateRef, revision: str = ""
) -> DistrictReport:
    top = adapted.layers[-1]
    own = [i for i, applied in enumerate(adapted.changes) if applied.layer == top.display]
    own_displays = {top.display, *(section.display for section in top.sections.values())}
    mine = [f for f in findings if _belongs(f, own, own_displays)]
    logged = log_changes(adapted, findings)
    adoption = top.file.adopted
    parent = adapted.layers[-2].file if len(adapted.layers) > 1 else None
    state_layer = next(
        (layer for layer in reversed(adapted.layers[:-1]) if _is_state(layer, state)), None
    )
    title = partial(title_in, adapted)
    agencies = {layer.display: layer.file.agency.name for layer in adapted.layers}
    return DistrictReport(
        file=file,
        name=top.file.agency.name,
        short_name=top.file.agency.short_name,
        level=top.file.agency.level,
        region=top.file.agency.region
        or next(
            (
                layer.file.agency.name
                for layer in reversed(adapted.layers[:-1])
                if layer.file.agency.level == "region"
            ),
            "",
        ),
        version=top.file.version,
        status=top.file.status,
        adopted_on=adoption.date if adoption and top.file.status == "adopted" else "",
        revision=revision,
        parent=f"{parent.agency.name} {parent.version}" if parent else "the prototype",
        state_version=state_layer.file.version if state_layer else "",
        state_current=state_layer is not None and state_layer.file.version == state.version,
        changes=dict(Counter(adapted.changes[i].change.kind for i in own)),
        findings=dict(sorted(Counter(f.code for f in mine if not f.accepted).items())),
        accepted=dict(sorted(Counter(f.code for f in mine if f.accepted).items())),
        consistent=sum(logged[i].consistent for i in own),
        fidelity_consistent=round(sum(logged[i].consistent for i in own) / len(own), 4)
        if own
        else None,
        elements=_element_statuses(adapted, own, mine),
        log=tuple(_logged_entry(logged[i], title) for i in own),
        notes=tuple(
            FindingEntry(
                f.code, finding_in_words(f, title, agencies), f.accepted, str(f.location or "")
            )
            for f in mine
        ),
    )


def _is_state(layer: Layer, state: StateRef) -> bool:
    """The state's layer: its file, or a copy of it (a submodule pinned at an earlier commit)."""
    return layer.path.resolve() == state.path or (
        layer.file.agency.level == "state" and layer.file.agency.name == state.name
    )


def _logged_entry(entry: LoggedChange, title: Callable[[str], str]) -> LoggedEntry:
    said = change_in_words(entry, title)
    change = entry.applied.change
    return LoggedEntry(
        headline=said.headline,
        wording=said.wording,
        why=" ".join(change.why.split()),
        when=WHEN_IN_WORDS.get(change.when or "", ""),
        planned=PLANNED_IN_WORDS.get(change.planned or "", ""),
        decided_by=change.decided_by,
        consistent=entry.consistent,
        location=str(entry.applied.location),
    )


def _belongs(finding: Finding, own: list[int], displays: set[str]) -> bool:
    """Whether this layer caused the finding: one of its changes, else its file or sections."""
    if finding.change is not None:
        return finding.change in own
    return finding.location is not None and finding.location.path in displays


def _element_statuses(adapted: Adapted, own: list[int], findings: list[Finding]) -> dict[str, str]:
    """Each essential element of the prototype, in its order: removed (LS101), emptied (LS103),
    adapted (a change of this layer under it), else kept."""
    statuses = {}
    for element in adapted.prototype.raw["elements"]["items"]:
        address = f"elements/{element['id']}"
        codes = {f.code for f in findings if f.address == address}
        touched = any(
            (target := adapted.changes[i].change.target) == address
            or target.startswith(address + "/")
            for i in own
        )
        statuses[element["id"]] = (
            "removed"
            if FindingCode.ESSENTIAL_ELEMENT_REMOVED in codes
            else "emptied"
            if FindingCode.ESSENTIAL_ELEMENT_EMPTIED in codes
            else "adapted"
            if touched
            else "kept"
        )
    return statuses


# -- output -----------------------------------------------------------------------------------


def describe_changes(report: DistrictReport) -> str:
    """``2 removed, 3 added, 1 replaced``; ``none`` for a layer without changes."""
    words = (("remove", "removed"), ("add", "added"), ("replace", "replaced"))
    parts = [f"{report.changes[kind]} {word}" for kind, word in words if report.changes.get(kind)]
    return ", ".join(parts) or "none"


def describe_findings(report: DistrictReport) -> str:
    """``LS102 (accepted), LS207``, with ``x2`` for a code found more than once; empty for none."""
    parts = []
    for code in sorted({*report.findings, *report.accepted}):
        for counts, suffix in ((report.findings, ""), (report.accepted, " (accepted)")):
            if counts.get(code):
                times = f" x{counts[code]}" if counts[code] > 1 else ""
                parts.append(f"{code}{times}{suffix}")
    return ", ".join(parts)


def _element_ids(reports: Sequence[DistrictReport]) -> list[str]:
    return list(dict.fromkeys(element for report in reports for element in report.elements))


def summary(reports: Sequence[DistrictReport]) -> dict[str, int]:
    """Counts for the last line of the table and the JSON."""
    return {
        "districts": len(reports),
        "adopted": sum(r.status == "adopted" for r in reports),
        "draft": sum(r.status == "draft" for r in reports),
        "broken": sum(r.broken for r in reports),
        "removed_or_emptied_essential": sum(r.touches_essential for r in reports),
        "not_extending_state": sum(not r.broken and not r.extends_state for r in reports),
        "extending_earlier_version": sum(r.out_of_date for r in reports),
    }


def summary_line(reports: Sequence[DistrictReport]) -> str:
    counts = summary(reports)
    n = counts["districts"]
    line = (
        f"{n} district{'s' if n != 1 else ''}: {counts['adopted']} adopted, {counts['draft']} draft, "
        f"{counts['broken']} broken; {counts['removed_or_emptied_essential']} removed or emptied an essential element"
    )
    if counts["extending_earlier_version"]:
        earlier = counts["extending_earlier_version"]
        line += f"; {earlier} extend{'s' if earlier == 1 else ''} an earlier version of the state's design"
    if counts["not_extending_state"]:
        line += f"; {counts['not_extending_state']} do not extend the state's file"
    return line


def state_design(report: DistrictReport) -> str:
    """The version of the state's design a district extends: ``2026.1``, ``2025.1 (earlier)``,
    ``none``."""
    if not report.extends_state:
        return "none"
    return report.state_version + ("" if report.state_current else " (earlier)")


def as_table(reports: Sequence[DistrictReport]) -> str:
    """Aligned plain-text columns, the legend, the errors of broken districts, a summary line."""
    ids = _element_ids(reports)
    regions = any(r.region for r in reports)
    header = [
        "district",
        *(["region"] if regions else []),
        "level",
        "version",
        "status",
        "adopted",
        "state design",
        "changes",
        "findings",
        "consistent",
        "elements",
    ]
    rows = [header]
    for r in reports:
        if r.broken:
            rows.append([r.file, *(["-"] if regions else []), "-", "-", "broken", *["-"] * 6])
            continue
        own = r.change_count
        rows.append(
            [
                r.name,
                *([r.region or "-"] if regions else []),
                r.level,
                r.version,
                r.status,
                r.adopted_on or "-",
                state_design(r),
                describe_changes(r),
                describe_findings(r) or "-",
                f"{r.consistent}/{own}" if own else "-",
                "".join(SYMBOLS[r.elements[i]] if i in r.elements else " " for i in ids),
            ]
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(f"{LEGEND} ({', '.join(ids)})" if ids else LEGEND)
    broken = [r for r in reports if r.broken]
    if broken:
        lines.append("cannot be resolved:")
        lines += [f"  {r.error}" for r in broken]
    lines.append(summary_line(reports))
    return "\n".join(lines) + "\n"


def as_json(reports: Sequence[DistrictReport]) -> str:
    """The reports and the summary, indented and with sorted keys (stable for diffs)."""
    districts = [{**asdict(r), "extends_state": r.extends_state, "slug": r.slug} for r in reports]
    data = {"districts": districts, "summary": summary(reports)}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_csv(reports: Sequence[DistrictReport]) -> str:
    """One row per district; one column per essential element."""
    ids = _element_ids(reports)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "file",
            "revision",
            "name",
            "region",
            "level",
            "version",
            "status",
            "adopted_on",
            "parent",
            "state_version",
            "state_current",
            "removed",
            "added",
            "replaced",
            "findings",
            "consistent",
            "changes",
            "fidelity_consistent",
            "error",
            *ids,
        ]
    )
    for r in reports:
        known = not r.broken and r.extends_state
        writer.writerow(
            [
                r.file,
                r.revision,
                r.name,
                r.region,
                r.level,
                r.version,
                r.status,
                r.adopted_on,
                r.parent,
                r.state_version,
                str(r.state_current).lower() if known else "",
                *(
                    ("", "", "")
                    if r.broken
                    else (r.changes.get(k, 0) for k in ("remove", "add", "replace"))
                ),
                describe_findings(r),
                "" if r.broken else r.consistent,
                "" if r.broken else r.change_count,
                "" if r.fidelity_consistent is None else r.fidelity_consistent,
                r.error,
                *(r.elements.get(i, "") for i in ids),
            ]
        )
    return out.getvalue()


FORMATS: dict[str, Callable[[Sequence[DistrictReport]], str]] = {
    "text": as_table,
    "json": as_json,
    "csv": as_csv,
}


# -- command line -----------------------------------------------------------------------------


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``lstoolkit rollup`` on the CLI's subcommands."""
    rollup_parser = commands.add_parser(
        "rollup",
        parents=[common],
        help="a state's view of its districts: how each adapted the state's design",
    )
    rollup_parser.add_argument(
        "state", type=Path, help="the state's customization file (agency.yml)"
    )
    rollup_parser.add_argument(
        "--districts",
        type=Path,
        default=None,
        metavar="FOLDER|MANIFEST",
        help="folder with one checkout or submodule per district, or a manifest file listing them "
        "(default: <state dir>/districts)",
    )
    rollup_parser.add_argument("--format", choices=list(FORMATS), default="text")
    rollup_parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write to FILE instead of stdout"
    )
    rollup_parser.add_argument(
        "--jobs", type=int, default=None, help="parallel processes (default: one per core)"
    )
    rollup_parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root every 'extends' must stay inside (default: the folder holding the state and its districts)",
    )
    rollup_parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a district is broken, or removed or emptied an essential element without accepting it",
    )
    rollup_parser.set_defaults(command=run_rollup)


def run_rollup(args: argparse.Namespace) -> int:
    state: Path = args.state
    if not state.is_file():
        read_state(state, Path.cwd())  # the error: a folder, or no such file
    where: Path = args.districts or state.parent / "districts"
    if not where.exists():
        raise LstoolkitError(
            f"the districts folder or manifest '{where}' does not exist",
            hint="Give --districts with the folder holding one checkout or submodule per district, "
            "or a manifest listing them (see docs/rollup.md).",
        )
    sources = district_sources(where, state_file=state)
    show = _progress if sys.stderr.isatty() else None
    reports = rollup(
        state,
        sources,
        jobs=args.jobs,
        root=args.root,
        content_dir=getattr(args, "content", None),
        progress=show,
    )
    output = FORMATS[args.format](reports)
    if args.out is None:
        sys.stdout.write(output)
    else:
        write_atomically(args.out, output.encode("utf-8"))
        print(f"{summary_line(reports)}; written to {args.out}")
    return 1 if args.strict and any(r.fails_strict for r in reports) else 0


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else ""
    print(f"\rrollup: {done}/{total} districts", end=end, file=sys.stderr, flush=True)
