"""Agency files of a given size, for the growth benchmarks of bench/run.py.

A district (``extends: prototype``) with N changes spread over the prototype as a district would
write them, or with N terms of which a few occur in the text. Everything is derived from the
output of ``lstoolkit addresses``, so the files stay valid as the prototype's content changes.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: The lists a district adds to: a mechanism's functions, a job's duties, an element's facets,
#: a task list's tasks.
ENTRY_LISTS = re.compile(
    r"(mechanisms/[^/]+/functions|jobs/[^/]+/duties|elements/[^/]+/facets|tasks/[^/]+/tasks)"
)
#: Out of every 20 changes: which kind (the pattern repeats through the file).
MIX = "AAAAAAAAAAAARRCPPKKK"  # A add an entry, R replace one's text, C add a caution, P add a point to it, K add a child entry
REAL_TERMS = {
    "Learning Supports Facilitator": "Learning Supports Coach",
    "Steering Committee": "Learning Supports Steering Committee",
}
LEVEL = "district"


@dataclass(frozen=True)
class Prototype:
    """What the generators need from ``lstoolkit addresses``."""

    lists: list[str]  # entry lists a district may add to
    entries: list[str]  # their entries
    items: list[str]  # mechanisms, what a caution is about
    words: list[str]  # capitalized words and two-word names that occur in the text


def read_prototype(lstoolkit: Path) -> Prototype:
    output = subprocess.run(
        [str(lstoolkit), "addresses"], capture_output=True, text=True, check=True
    ).stdout
    texts = dict(line.split("\t", 1) for line in output.splitlines())
    other_level = {
        a.rsplit("/", 1)[0]
        for a, text in texts.items()
        if a.endswith("/levels") and text and LEVEL not in text
    }
    lists = [
        a for a in texts if ENTRY_LISTS.fullmatch(a) and a.rsplit("/", 1)[0] not in other_level
    ]
    entries = [a for a in texts if a.count("/") == 3 and a.rsplit("/", 1)[0] in lists]
    items = [a for a in texts if a.startswith("mechanisms/") and a.count("/") == 1]
    return Prototype(lists, entries, items, _capitalized(texts.values()))


def _capitalized(texts: Iterable[str]) -> list[str]:
    """Words (and pairs of words) written with a capital inside a sentence: names, not the first
    word of a sentence. Texts are shortened to a line by 'lstoolkit addresses'; that is enough."""
    found: dict[str, str] = {}
    for text in texts:
        for match in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{3,})(?: ([A-Z][a-z]{3,}))?", text):
            for name in (match.group(1), match.group(0)):
                found.setdefault(name.casefold(), name)
    return sorted(found.values())


def district(**fields: Any) -> dict[str, Any]:
    return {
        "extends": "prototype",
        "agency": {"name": "Growth District", "level": LEVEL},
        "version": "1",
        **fields,
    }


def with_changes(prototype: Prototype, count: int) -> dict[str, Any]:
    """A district with ``count`` valid changes, in the proportions of :data:`MIX`."""
    changes: list[dict[str, Any]] = []
    added: list[str] = []  # entries this file added, to replace or add children to
    cautions: list[str] = []
    prototype_entries = iter(prototype.entries)

    def replaceable(k: int) -> str | None:
        """Each entry of the prototype once, then entries this file added."""
        return next(prototype_entries, None) or (added[k % len(added)] if added else None)

    for k in range(count):
        kind = MIX[k % len(MIX)]
        if kind == "C" or (kind == "P" and not cautions):
            cautions.append(f"local-caution-{k}")
            changes.append(
                {
                    "add": "cautions",
                    "text": {
                        "id": cautions[-1],
                        "title": f"Local caution {k}",
                        "group": "lessons-learned",
                        "text": f"In our schools the change described here ({k}) took a year longer than planned.",
                        "about": [prototype.items[k % len(prototype.items)]],
                    },
                    "why": "A lesson of our first year.",
                }
            )
        elif kind == "P":
            changes.append(
                {
                    "add": f"cautions/{cautions[k % len(cautions)]}/points",
                    "id": f"point-{k}",
                    "text": f"plan for turnover among school staff ({k})",
                    "why": "Seen in two schools.",
                }
            )
        elif kind == "R" and (target := replaceable(k)):
            changes.append(
                {
                    "replace": target,
                    "text": f"meets the district's calendar and reports each quarter ({k})",
                    "why": "Fits the district's planning calendar.",
                }
            )
        elif kind == "K" and added:
            parent = added[k % len(added)]
            changes.append(
                {
                    "add": parent,
                    "id": f"step-{k}",
                    "text": f"a first step, in the schools that start early ({k})",
                    "why": "Schools phase in over three years.",
                }
            )
        else:
            field = prototype.lists[k % len(prototype.lists)]
            added.append(f"{field}/local-{k}")
            changes.append(
                {
                    "add": field,
                    "id": f"local-{k}",
                    "text": f"coordinates with the county's family resource centers ({k})",
                    "why": "The county funds family resource centers in every feeder pattern.",
                }
            )
    return district(changes=changes) if changes else district()


def with_terms(prototype: Prototype, count: int) -> dict[str, Any]:
    """A district with ``count`` terms, the real ones among them; one in 50 occurs in the text."""
    terms = dict(list(REAL_TERMS.items())[:count])
    taken = {term.casefold() for term in terms}
    words = iter(w for w in prototype.words if w.casefold() not in taken)
    for k in range(count - len(terms)):
        word = next(words, None) if k % 50 == 0 else None
        if word:
            terms[word] = f"Local {word}"
        else:
            terms[f"Word{k}"] = f"Local term {k}"
    return district(terms=terms) if terms else district()


def compounding_chain(root: Path) -> Path:
    """State, district and school, each renaming 'Coach' to 'Coach Coach': the school's pages say
    'Coach' eight times over, and the work must stay linear in the text (no doubling per layer)."""
    parent = "prototype"
    for level in ("state", "district", "school"):
        layer = {
            "extends": parent,
            "agency": {"name": f"Compounding {level}", "level": level},
            "version": "1",
            "terms": {"Coach": "Coach Coach"},
        }
        write(root / f"{level}.yml", layer)
        parent = f"{level}.yml"
    return root / "school.yml"


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9), encoding="utf-8"
    )
    return path
