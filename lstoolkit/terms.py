"""Terms: an agency's own words for the prototype's, renamed as whole words in one pass.

Each layer of a chain may rename words (``terms:``), and a layer's terms apply to its own text
and to all the text above it (the prototype's and its parents' layers). Applied layer after
layer, a replacement that contains its own term ("Coach" -> "Coach Coach") would double the text
at every layer. So the terms of a chain are composed into one mapping per origin of a text
(the prototype, or the layer that wrote it), each applied in one pass: the work and the output
grow linearly with the text, and a composed replacement longer than :data:`MAX_COMPOSED` is
refused (LS307).

Matching is by whole words, case-insensitive, longest term first, with English plurals
(Coach -> Coaches), the replacement taking the case of the words it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.models import PLACEHOLDER

#: The longest a replacement may grow as the layers below rename words in it.
MAX_COMPOSED = 300

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case of the same length (so positions in the folded text are positions in the text):
    'İ' is the one character whose lower case is two."""
    return text.replace("İ", "I").lower()


@dataclass(frozen=True)
class Form:
    """What one folded word or phrase becomes, and the term of the file that asked for it.

    ``then`` is the renaming of the layers below, applied to the replacement once it has taken
    the case of the words it replaces: exactly what renaming layer by layer would give.
    """

    replacement: str
    term: str
    where: Location | None = None
    then: Renaming | None = None


@dataclass
class Renaming:
    """A one-pass whole-word renaming (callable on a text)."""

    forms: dict[str, Form]
    _by_first_word: dict[str, list[str]] = field(init=False, repr=False)
    _any_first_word: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_first: dict[str, list[str]] = {}
        for key in self.forms:
            first = _WORD.match(key)
            if first:
                by_first.setdefault(first.group(), []).append(key)
        for keys in by_first.values():
            keys.sort(key=len, reverse=True)
        self._by_first_word = by_first
        # A whole word that starts a term, anywhere in the folded text: most texts have none,
        # and are passed over in one search instead of a look-up per word.
        words = sorted(by_first, key=len, reverse=True)
        self._any_first_word = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)") if words else None
        )

    def __bool__(self) -> bool:
        return bool(self.forms)

    def __call__(self, text: str) -> str:
        if not self.forms or not text:
            return text
        folded = fold(text)
        if self._any_first_word is None or not self._any_first_word.search(folded):
            return text
        parts: list[str] = []
        last = 0
        for word in _WORD.finditer(folded):
            start = word.start()
            if start < last:
                continue
            for key in self._by_first_word.get(word.group(), ()):
                end = start + len(key)
                if folded.startswith(key, start) and not _WORD.match(folded, end):
                    form = self.forms[key]
                    replacement = match_case(text[start:end], form.replacement)
                    parts += [
                        text[last:start],
                        form.then(replacement) if form.then else replacement,
                    ]
                    last = end
                    break
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


def layer_forms(
    terms: Mapping[str, object], where: Mapping[str, Location] | None = None
) -> dict[str, Form]:
    """The folded forms of one layer's terms: each term and its plural.

    A replacement is a text, or has ``text`` and ``plural`` (a :class:`~lstoolkit.layers.TermForms`).
    """
    forms: dict[str, Form] = {}
    for term, replacement in terms.items():
        at = where.get(term) if where else None
        text = str(getattr(replacement, "text", replacement))
        plural = str(getattr(replacement, "plural", "")) or pluralize(text)
        forms[fold(pluralize(term))] = Form(plural, term, at)
        forms[fold(term)] = Form(text, term, at)
    return forms


def compose(first: Mapping[str, Form], then: Renaming) -> dict[str, Form]:
    """One mapping that does what ``first`` and then ``then`` do, in one pass.

    A term of ``then`` is kept only where ``first`` leaves it as it is: text that ``first``
    renames no longer reads as that term.
    """
    first_renaming = Renaming(dict(first))
    composed: dict[str, Form] = {}
    for key, form in then.forms.items():
        if first_renaming(key) == key:
            composed[key] = form
    for key, form in first.items():
        replacement = then(form.replacement)
        if len(replacement) > MAX_COMPOSED:
            raise LstoolkitError(
                f"the term '{form.term}' grows to {len(replacement):,} characters through the layers "
                f"that extend it; at most {MAX_COMPOSED} are allowed",
                form.where,
                hint="A replacement should not repeat the words that other layers rename.",
                code=FindingCode.LIMIT_EXCEEDED,
            )
        composed[key] = Form(form.replacement, form.term, form.where, then if then else None)
    return composed


def chain_renamings(layers_terms: Iterable[dict[str, Form]]) -> list[Renaming]:
    """For a chain's layers (nearest the prototype first): the renaming of the text each wrote.

    Index ``k`` (1-based) is for text written by layer ``k``: its own terms, then those of every
    layer below it; index 0, the prototype's text, is renamed as the first layer's.
    """
    forms = list(layers_terms)
    renamings: list[Renaming] = [Renaming({})] * (len(forms) + 1)
    below = Renaming({})
    for k in range(len(forms), 0, -1):
        below = Renaming(compose(forms[k - 1], below)) if forms[k - 1] else below
        renamings[k] = below
    renamings[0] = renamings[1] if forms else below
    return renamings


#: Nouns with no plural of their own in the toolkit's sense: "the staff", not "the staffs".
UNCOUNTABLE = frozenset(
    {
        "staff",
        "personnel",
        "leadership",
        "information",
        "guidance",
        "support",
        "equipment",
        "evidence",
        "research",
        "feedback",
        "data",
        "faculty",
        "administration",
        "management",
        "counseling",
        "health",
        "education",
        "training",
        "advice",
        "knowledge",
        "policy making",
    }
)


def pluralize(noun_phrase: str) -> str:
    """English plural of a title: Coach -> Coaches, Body -> Bodies, Board of Education -> Boards
    of Education, Staff -> Staff, Student Supports -> Student Supports.

    The head noun of "X of Y" is X; a last word that is already plural, uncountable, or not a
    word (a number) is left as it is. Where the rule is wrong, a term gives its plural.
    """
    head, of, rest = noun_phrase.partition(" of ")
    if of and head:
        return pluralize(head) + of + rest
    last = noun_phrase.rsplit(" ", 1)[-1]
    lower = last.lower()
    if not lower[-1:].isalpha() or lower in UNCOUNTABLE:
        return noun_phrase
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return noun_phrase  # already plural: Supports, Schools

    def suffix(text: str) -> str:
        return text.upper() if last.isupper() and len(last) > 1 else text

    if lower.endswith("is"):
        return noun_phrase[:-2] + suffix("es")  # Analysis -> Analyses
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return noun_phrase + suffix("es")
    if re.search(r"[^aeiou]y$", lower):
        return noun_phrase[:-1] + suffix("ies")
    return noun_phrase + suffix("s")


def match_case(found: str, replacement: str) -> str:
    """``replacement`` in the case of the words it replaces (UPPER, lower, or as written)."""
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found.islower():
        return replacement.lower()
    if found[0].isupper() and found[1:].islower() and " " in found:
        return replacement[0].upper() + replacement[1:].lower()
    return replacement


def rename_prose(text: str, renaming: Renaming) -> str:
    """Rename the words of ``text``, not the names inside its ``${placeholders}``."""
    if not renaming or "${" not in text:
        return renaming(text)
    parts, last = [], 0
    for placeholder in PLACEHOLDER.finditer(text):
        parts += [renaming(text[last : placeholder.start()]), placeholder.group(0)]
        last = placeholder.end()
    parts.append(renaming(text[last:]))
    return "".join(parts)
