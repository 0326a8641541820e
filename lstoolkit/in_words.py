"""Adaptations and findings as a reader says them ("Removed the mechanism “External
Collaborators”."), shared by the site's pages, the handouts and the state's roll-up: the address
and the file position stay in small print, for editors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lstoolkit.adapt import Adapted
from lstoolkit.addresses import find
from lstoolkit.codes import CODES, FindingCode
from lstoolkit.escape import gaps_as_text, summarize_value
from lstoolkit.findings import Finding
from lstoolkit.layers import term_text
from lstoolkit.models import COLLECTION_SPECS


@dataclass(frozen=True)
class RenamedTerm:
    """A term a layer renamed, and the other role its new name could be taken for (LS207)."""

    before: str
    after: str
    agency: str
    other: str = ""  # address of that role
    item: str = ""  # address of the job, role or body the term names, if it names one


def renamed_terms(adapted: Adapted, findings: Iterable[Finding] = ()) -> list[RenamedTerm]:
    """Every term a layer renamed, in chain order."""
    taken = {
        f.location: f.address for f in findings if f.code == FindingCode.TERM_NAMES_ANOTHER_ROLE
    }
    named = {
        str(item["title"]).lower(): f"{name}/{item['id']}"
        for name in reversed(NAMED_COLLECTIONS)
        for item in adapted.prototype.raw.get(name, {}).get("items", [])
        if item.get("title") and item.get("id")
    }
    return [
        RenamedTerm(
            term,
            term_text(replacement),
            layer.file.agency.name,
            taken.get(layer.locate("terms", term, key=True), ""),
            named.get(term.lower(), ""),
        )
        for layer in adapted.layers
        for term, replacement in layer.file.terms.items()
    ]


#: Collections whose items a term may name: positions, roles and bodies (the first wins).
NAMED_COLLECTIONS = ("jobs", "roles", "mechanisms")


def item_name(collection: str, otherwise: str) -> str:
    """An item of ``collection`` in a reader's sentence: 'the mechanism'."""
    spec = COLLECTION_SPECS.get(collection)
    return spec.item_name if spec and spec.item_name else otherwise


@dataclass(frozen=True)
class ChangeInWords:
    """A change as a reader would say it: what was done to what, and the new wording if any."""

    headline: str
    wording: str = ""


#: The findings readers see on the Adaptations page: fidelity to the essential elements, and the
#: record of changes; the editors' findings (unwritten sections, leaks, values) are for 'check'.
FIDELITY_CODES = (
    FindingCode.ESSENTIAL_ELEMENT_REMOVED,
    FindingCode.ESSENTIAL_ITEM_REMOVED,
    FindingCode.ESSENTIAL_ELEMENT_EMPTIED,
    FindingCode.CHANGE_WITHOUT_REASON,
    FindingCode.CAUTIONED_TITLE,
    FindingCode.ACCEPTED_NOT_CAUSED,
    FindingCode.TERM_NAMES_ANOTHER_ROLE,
)

#: The FRAME answers as a reader would say them.
WHEN_IN_WORDS = {
    "pre-implementation": "before implementation",
    "implementation": "during implementation",
    "scale-up": "during scale-up",
    "maintenance": "during maintenance",
}
PLANNED_IN_WORDS = {
    "proactive": "planned ahead",
    "reactive": "in response to events",
    "unplanned": "unplanned",
}


def title_in(adapted: Adapted, address: str) -> str:
    """The title (or text) of what ``address`` names, as adapted, else as in the prototype (a
    removed item); the address itself when it names neither."""
    for raw in (adapted.raw, adapted.prototype.raw):
        target = find(raw, address)
        if target is not None:
            value = target.value
            if isinstance(value, dict):
                return str(value.get("title") or value.get("text") or address)
            return address
    return address


def change_in_words(entry: Any, title_of: Callable[[str], str]) -> ChangeInWords:
    """'Removed the mechanism “External Collaborators”'; 'Added to the functions of the mechanism
    “Steering Committee”' with the added wording."""
    change = entry.applied.change
    parts = change.target.split("/")
    item = (
        f"{item_name(parts[0], parts[0])} “{title_of('/'.join(parts[:2]))}”"
        if len(parts) > 1
        else parts[0]
    )
    field = parts[2].replace("_", " ") if len(parts) > 2 else ""
    text = (
        change.text
        if isinstance(change.text, str)
        else str(change.text.get("title") or change.text.get("text") or "")
    )
    text = gaps_as_text(" ".join(text.split()))
    if change.kind == "remove":
        if len(parts) <= 2:
            return ChangeInWords(f"Removed {item}")
        return ChangeInWords(
            f"Removed from the {field} of {item}", summarize_value(entry.applied.before, 300)
        )
    if change.kind == "add":
        if len(parts) == 1:
            return ChangeInWords(f"Added {item_name(parts[0], 'an item to ' + parts[0])} “{text}”")
        return ChangeInWords(
            f"Added to the {field} of {item}" if field else f"Added to {item}", text
        )
    return ChangeInWords(f"Rewrote the {field} of {item}" if field else f"Rewrote {item}", text)


def finding_in_words(
    finding: Finding, title_of: Callable[[str], str], agencies: Mapping[str, str]
) -> str:
    """A finding as a reader would say it; the code and the file stay in small print. Every
    code of :data:`FIDELITY_CODES` has its sentence; other codes (the editors') keep their
    message."""
    title = title_of(finding.address) if finding.address else ""
    message = finding.message
    if finding.code == FindingCode.ESSENTIAL_ELEMENT_REMOVED:
        return f"It removes one of the five essential elements, “{title}”."
    if finding.code == FindingCode.ESSENTIAL_ITEM_REMOVED:
        held = re.search(r"holds '([^']+)'", message)
        removed = f"“{title}”" + (f" and with it “{title_of(held.group(1))}”" if held else "")
        protected = re.search(r"protected by (.+)$", message)
        if protected:
            who = agencies.get(protected.group(1), "a layer before it")
            return f"It removes {removed}, which {who} asks every layer after it to keep."
        required = re.search(r"required by (elements/[a-z0-9-]+)", message)
        if required:
            return f"It removes {removed}, which the essential element “{title_of(required.group(1))}” requires."
        return f"It removes {removed}, which an essential element requires."
    if finding.code == FindingCode.ESSENTIAL_ELEMENT_EMPTIED:
        how = message.split(" but ", 1)[-1] if " but " in message else "loses its substance"
        return f"It keeps the essential element “{title}” by name but {how}."
    if finding.code == FindingCode.CHANGE_WITHOUT_REASON:
        return f"No reason is recorded for a change to {_item_in_words(finding.address, title_of)}."
    if finding.code == FindingCode.ACCEPTED_NOT_CAUSED:
        accepted = re.search(r"accepts (LS\d+)", message)
        code = next((c for k, c in CODES.items() if accepted and k == accepted.group(1)), None)
        what = f"the finding “{code.title}”" if code else "a finding"
        return (
            f"A change to {_item_in_words(finding.address, title_of)} records {what} as reviewed "
            "and accepted, but the change does not cause it."
        )
    renamed = re.match(r"'(.+?)' is renamed '(.+?)'[;,]", message)
    before, after = renamed.groups() if renamed else ("", "")
    if finding.code == FindingCode.CAUTIONED_TITLE:
        word = re.search(r"cautions against the title '(.+)'$", message)
        against = f" (“{word.group(1)}”)" if word else ""
        if renamed:
            return f"It calls the toolkit's {before} “{after}”, a title the toolkit cautions against{against}."
        return f"It gives “{title}” a title the toolkit cautions against{against}."
    if finding.code == FindingCode.TERM_NAMES_ANOTHER_ROLE:
        other = _item_in_words(finding.address, title_of)
        if renamed:
            return (
                f"It calls the toolkit's {before} “{after}”; readers may take it for {other}, "
                "which is a different role in the toolkit."
            )
        return f"A name it uses may be taken for {other}, which is a different role in the toolkit."
    return message


def _item_in_words(address: str, title_of: Callable[[str], str]) -> str:
    """'the mechanism “Steering Committee”' for an address of the mechanism or under it."""
    parts = address.split("/")
    if len(parts) < 2:
        return f"the {parts[0]}" if parts[0] else "the toolkit"
    return f"{item_name(parts[0], 'the item')} “{title_of('/'.join(parts[:2]))}”"
