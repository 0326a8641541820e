"""The handouts' fixed text in the agency's language: gettext catalogues read with Babel.

``language: es`` in ``agency.yml`` prints the handouts' own words (headings, labels, "Page x of
y", DRAFT, dates and times) from ``lstoolkit/locale/<language>/LC_MESSAGES/lstoolkit.po``. The
toolkit's prose stays in English until a translation of the content exists; the agency's own
values and sections are in whatever language it writes them. English is the source language: its
text is the message ids, so it needs no catalogue.

The catalogues are plain ``.po`` files, compiled in memory when first used (no compiled ``.mo``
files to keep in step). ``tests/test_i18n.py`` extracts every message of the templates and the
code with Babel and fails on one a catalogue lacks.
"""

from __future__ import annotations

import datetime
import gettext
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["en", "es"]
#: The languages with a catalogue, by code, with their names in their own language.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
SOURCE_LANGUAGE = "en"
DOMAIN = "lstoolkit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: A time of day on the 24-hour clock, as agency files give it.
TIME_PATTERN = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue where it is defined; it is translated where it is used."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for the catalogue where it is defined."""
    return singular, plural


#: The units of the content's number values (content/values.yml), as a catalogue has them:
#: value_phrase writes '12 puestos' from '%(num)s position'.
UNIT_MESSAGES = (N_plural("%(num)s position", "%(num)s positions"),)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, compiled in memory; English (and the source text) for 'en'."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Words:
    """The fixed words of one language: messages, dates and times as its readers write them."""

    language: str = SOURCE_LANGUAGE
    catalogue: gettext.NullTranslations = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "catalogue", translations(self.language))

    def __call__(self, message: str, **variables: object) -> str:
        """``message`` translated, with its ``%(name)s`` placeholders filled."""
        text = self.catalogue.gettext(message)
        return text % variables if variables else text

    def plural(self, singular: str, plural: str, number: int, **variables: object) -> str:
        return self.catalogue.ngettext(singular, plural, number) % {"num": number, **variables}

    @property
    def english(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def date(self, iso: str) -> str:
        """'2026-11-25' as '25 November 2026' or '25 de noviembre de 2026' (a text that is not a
        day, such as 'Spring 2027', unchanged)."""
        try:
            day = datetime.date.fromisoformat(iso)
        except ValueError:
            return iso
        if self.english:
            return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
        from babel.dates import format_date

        return format_date(day, "long", locale=self.language)

    def day(self, iso: str) -> str:
        """'2027-01-12' as 'Tuesday, 12 January 2027' or 'martes, 12 de enero de 2027'."""
        day = datetime.date.fromisoformat(iso)
        if self.english:
            return f"{_ENGLISH_WEEKDAYS[day.weekday()]}, {self.date(iso)}"
        from babel.dates import format_date

        return format_date(day, "full", locale=self.language)

    def clock(self, text: str) -> str:
        """'15:30' as '3:30 pm' in English, as '15:30' where the 24-hour clock is usual."""
        found = TIME_PATTERN.fullmatch(text)
        if not found:
            return text
        hours, minutes = int(found.group(1)), found.group(2)
        if not self.english:
            return f"{hours}:{minutes}"
        return f"{hours % 12 or 12}:{minutes} {'am' if hours < 12 else 'pm'}"

    def time_range(self, start: str, end: str) -> str:
        """'3:30 to 5:00 pm' (one 'pm' for both), '15:30 a 17:00'."""
        for half in (" am", " pm"):
            if start.endswith(half) and end.endswith(half):
                start = start[: -len(half)]
        _ = self
        return _("%(start)s to %(end)s", start=start, end=end)


ENGLISH = Words()


@cache
def words(language: str) -> Words:
    return Words(language)
