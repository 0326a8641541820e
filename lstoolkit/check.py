"""The fidelity check: findings about an adapted toolkit, and each change's classification.

"While reasonable adaptation is wise, care must be taken not to eliminate elements that are
essential"; beware of places that "adopt the terminology and not the substance". Removals of
essential elements (LS101) and of what they require or a parent protects (LS102) are judged per
change; an element emptied (LS103) is judged on the result and laid at the change that emptied it.
A change that accepts a finding it does not cause is reported (LS204): the record would say a
finding was reviewed that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from lstoolkit.adapt import Adapted, AppliedChange
from lstoolkit.addresses import find
from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location
from lstoolkit.findings import Finding
from lstoolkit.layers import term_text
from lstoolkit.leaks import explain, leaks_in_html, leaks_in_text
from lstoolkit.sections import DESIGN_PARTS
from lstoolkit.sessions import session_sheets


@dataclass(frozen=True)
class LoggedChange:
    """A change of the adaptation log with its fidelity classification."""

    applied: AppliedChange
    consistent: bool
    findings: tuple[Finding, ...]


def check_adapted(adapted: Adapted) -> tuple[Finding, ...]:
    """Every finding about ``adapted``, in chain order."""
    findings: list[Finding] = []
    for index, applied in enumerate(adapted.changes):
        findings += _removal_findings(index, applied)
        if not applied.change.why.strip():
            findings.append(
                Finding(
                    FindingCode.CHANGE_WITHOUT_REASON,
                    f"this change to '{applied.change.target}' has no 'why'",
                    applied.location,
                    applied.change.target,
                    index,
                )
            )
    findings += _emptied_elements(adapted)
    findings += _discouraged_titles(adapted)
    findings += _names_taken(adapted)
    findings += _missing_values(adapted)
    findings += _unwritten_sections(adapted)
    findings += [
        Finding(FindingCode.SESSION_DETAIL_MISSING, message, where)
        for sheet in session_sheets(adapted)
        for message, where in sheet.missing
    ]
    findings += _section_leaks(adapted)
    findings += _accepts_not_caused(adapted, findings)
    return tuple(_mark_accepted(adapted, f) for f in findings)


def _unwritten_sections(adapted: Adapted) -> Iterator[Finding]:
    """The design document's parts no layer has written: a draft may have them (one note), an
    adopted design may not (one warning each)."""
    top = adapted.top
    if top is None:
        return
    missing = [part for part in DESIGN_PARTS if part.address not in adapted.sections]
    if top.file.status == "adopted":
        for part in missing:
            yield Finding(
                FindingCode.ADOPTED_WITH_UNWRITTEN_SECTIONS,
                f"the design document is adopted but its part '{part.address}' ({part.title}) is not written",
                top.locate("status"),
                part.address,
            )
    elif missing:
        names = ", ".join(f"'{part.address}'" for part in missing)
        yield Finding(
            FindingCode.SECTION_NOT_WRITTEN,
            f"the design document's part{'s' if len(missing) > 1 else ''} {names} {'are' if len(missing) > 1 else 'is'} not written yet",
            _top_location(adapted, "sections") if top.file.sections else top.locate(),
            missing[0].address,
        )


def _section_leaks(adapted: Adapted) -> Iterator[Finding]:
    """The leak check (LS401) on each section a layer of this chain wrote, located in its file:
    'as shown on the previous page' is caught by 'lstoolkit check', before any build."""
    for address, section in adapted.sections.items():
        lines = section.markdown.split("\n")
        for leak in leaks_in_html(f"<body>{section.html}</body>"):
            line = next(
                (
                    i
                    for i, text in enumerate(lines, start=1)
                    if any(
                        found.rule == leak.rule
                        for found in leaks_in_text(text.replace("**", "").replace("__", ""))
                    )
                ),
                0,
            )
            yield Finding(
                FindingCode.READER_LEAK, explain(leak), Location(section.display, line), address
            )


def _accepts_not_caused(adapted: Adapted, findings: list[Finding]) -> Iterator[Finding]:
    caused = {(f.change, f.code) for f in findings if f.change is not None}
    layers = {
        (layer.display, layer.locate("changes", i)): (layer, i)
        for layer in adapted.layers
        for i in range(len(layer.file.changes))
    }
    for index, applied in enumerate(adapted.changes):
        layer, i = layers[applied.layer, applied.location]
        for k, code in enumerate(applied.change.accept):
            if (index, code) not in caused:
                yield Finding(
                    FindingCode.ACCEPTED_NOT_CAUSED,
                    f"this change to '{applied.change.target}' accepts {code}, but it causes no {code} finding",
                    layer.locate("changes", i, "accept", k),
                    applied.change.target,
                    index,
                )


def _mark_accepted(adapted: Adapted, finding: Finding) -> Finding:
    if finding.change is None or finding.code not in adapted.changes[finding.change].change.accept:
        return finding
    return replace(finding, accepted=True)


def log_changes(adapted: Adapted, findings: tuple[Finding, ...]) -> tuple[LoggedChange, ...]:
    """The adaptation log: a change is fidelity-inconsistent when it caused an LS1xx finding."""
    logged = []
    for index, applied in enumerate(adapted.changes):
        own = tuple(f for f in findings if f.change == index)
        logged.append(LoggedChange(applied, not any(f.code.startswith("LS1") for f in own), own))
    return tuple(logged)


def _removal_findings(index: int, applied: AppliedChange) -> Iterator[Finding]:
    change = applied.change
    if change.kind != "remove":
        return
    target = change.target
    if re.fullmatch(r"elements/[^/]+", target):
        yield Finding(
            FindingCode.ESSENTIAL_ELEMENT_REMOVED,
            f"the essential element '{target}' is removed",
            applied.location,
            target,
            index,
        )
        return
    hit = sorted(a for a in applied.essential if a == target or a.startswith(target + "/"))
    if hit:
        held = "" if hit == [target] else f" holds '{hit[0]}', which is"
        yield Finding(
            FindingCode.ESSENTIAL_ITEM_REMOVED,
            f"'{target}' is removed but{held} {applied.essential[hit[0]]}",
            applied.location,
            target,
            index,
        )


def _emptied_elements(adapted: Adapted) -> Iterator[Finding]:
    prototype = {e["id"]: e for e in adapted.prototype.raw["elements"]["items"]}
    for element in adapted.raw["elements"]["items"]:
        base = prototype.get(element["id"])
        if base is None:
            continue
        address = f"elements/{element['id']}"
        touching = [i for i, a in enumerate(adapted.changes) if a.change.target.startswith(address)]
        redefined = [i for i in touching if _redefines(adapted.changes[i])]
        if redefined:
            yield _emptied(adapted, redefined[-1], address, "its definition is replaced")
        elif base.get("facets") and not element.get("facets"):
            yield _emptied(
                adapted, touching[-1] if touching else None, address, "all its facets are removed"
            )
        requires = base.get("requires", [])
        if requires and not any(
            find(adapted.raw, r) is not None for r in element.get("requires", [])
        ):
            causes = [
                i
                for i, a in enumerate(adapted.changes)
                if a.change.kind == "remove"
                and any(
                    r == a.change.target or r.startswith(a.change.target + "/") for r in requires
                )
            ]
            cause = (causes or touching)[-1] if causes or touching else None
            yield _emptied(adapted, cause, address, "all the items it requires are removed")


def _redefines(applied: AppliedChange) -> bool:
    change, parts = applied.change, applied.change.target.split("/")
    if change.kind == "remove":
        return parts[2:] == ["definition"]
    if change.kind == "replace":
        return parts[2:] == ["definition"] or (
            len(parts) == 2 and isinstance(change.text, dict) and "definition" in change.text
        )
    return False


def _emptied(adapted: Adapted, index: int | None, address: str, how: str) -> Finding:
    location = adapted.changes[index].location if index is not None else _top_location(adapted)
    return Finding(
        FindingCode.ESSENTIAL_ELEMENT_EMPTIED,
        f"the essential element '{address}' is kept by name but {how}",
        location,
        address,
        index,
    )


def _discouraged_titles(adapted: Adapted) -> Iterator[Finding]:
    jobs = {job["title"].lower(): job for job in adapted.prototype.raw["jobs"]["items"]}
    for layer in adapted.layers:
        for term, forms in layer.file.terms.items():
            replacement = term_text(forms)
            job = jobs.get(term.lower())
            for word in (job or {}).get("discouraged_titles", []):
                if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", replacement, re.I):
                    yield Finding(
                        FindingCode.CAUTIONED_TITLE,
                        f"'{term}' is renamed '{replacement}'; the toolkit cautions against the title '{word}'",
                        layer.locate("terms", term, key=True),
                        f"jobs/{job['id']}",  # type: ignore[index]
                    )


#: Collections whose items are roles or positions a reader could mistake for one another.
_ROLE_COLLECTIONS = ("jobs", "roles", "mechanisms")


def _names_taken(adapted: Adapted) -> Iterator[Finding]:
    """A term renamed to a name whose last word is the name of another role ('Learning Supports
    Facilitator' -> 'Learning Supports Coach' while the toolkit's coaches are another role):
    readers would take two roles for one."""
    titles = {
        item["title"]: f"{name}/{item['id']}"
        for name in _ROLE_COLLECTIONS
        for item in adapted.prototype.raw[name]["items"]
        if item.get("title")
    }
    for layer in adapted.layers:
        for term, forms in layer.file.terms.items():
            replacement = term_text(forms)
            head = replacement.split()[-1].lower() if replacement.split() else ""
            for title, address in titles.items():
                if title.lower() == term.lower() or not head:
                    continue
                if (
                    head in (title.lower(), title.lower().rstrip("s"))
                    and replacement.lower() != title.lower()
                ):
                    yield Finding(
                        FindingCode.TERM_NAMES_ANOTHER_ROLE,
                        f"'{term}' is renamed '{replacement}', but '{title}' ({address}) is another role: "
                        f"readers may take the two for one",
                        layer.locate("terms", term, key=True),
                        address,
                    )


def _missing_values(adapted: Adapted) -> Iterator[Finding]:
    if not adapted.layers:
        return
    missing = adapted.missing_values
    if len(missing) == 1:
        yield Finding(
            FindingCode.VALUE_NOT_SET,
            f"no value for '{missing[0]}': pages show a labelled gap",
            _top_location(adapted, "values"),
        )
    elif missing:  # one finding per file, not one per value: a new agency misses many at first
        names = ", ".join(f"'{name}'" for name in missing)
        yield Finding(
            FindingCode.VALUE_NOT_SET,
            f"no value for {len(missing)} local values ({names}): pages show a labelled gap for each",
            _top_location(adapted, "values"),
        )


def _top_location(adapted: Adapted, key: str = "") -> Location | None:
    top = adapted.top
    if top is None:
        return None
    return top.locate(key, key=True) if key else top.locate()
