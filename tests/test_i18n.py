"""The handouts in the agency's language: the catalogues are complete, and a Spanish edition prints
its fixed text in Spanish while the toolkit's text stays English and is marked so."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers_pdf import struct_elements

from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.handouts import HandoutRenderer, handout_environment, plan_handouts, render_handouts
from lstoolkit.i18n import LANGUAGES, Words, catalogue_path
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.sessions import session_sheets

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ROOT / "examples" / "district" / "es" / "agency.yml"
KEYWORDS = {
    "_": None,
    "N_": None,
    "N_plural": (1, 2),
    "plural": (1, 2),
    "ngettext": (1, 2),
    "gettext": None,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: A message's id: its text, or its singular and plural.
MessageId = str | tuple[str, ...]


def _messages() -> dict[MessageId, str]:
    """Every message of the handout templates and the code, as ``make messages`` extracts them."""
    found: dict[MessageId, str] = {}
    methods = [("lstoolkit/**.py", "python"), ("templates/handouts/**.j2", "jinja2")]
    options = {
        "templates/handouts/**.j2": {
            "extensions": "jinja2.ext.i18n",
            "trim_blocks": "True",
            "lstrip_blocks": "True",
        }
    }
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=methods,
        options_map=options,
        keywords=KEYWORDS,
    ):
        if not filename.startswith(("lstoolkit/", "templates/")):
            continue
        found[message] = filename
    return found


def _catalogue(language: str) -> dict[MessageId, tuple[str, ...]]:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    found: dict[MessageId, tuple[str, ...]] = {}
    for m in catalog:
        if m.id and not m.fuzzy:
            assert m.string is not None, m.id
            found[m.id if isinstance(m.id, str) else tuple(m.id)] = (
                (m.string,) if isinstance(m.string, str) else tuple(m.string)
            )
    return found


@pytest.fixture(scope="module")
def messages() -> dict[MessageId, str]:
    return _messages()


def test_the_handouts_words_are_all_extracted(messages: dict[MessageId, str]) -> None:
    # a sample of what must be in the catalogue: templates, the code, the marked design parts
    for message in (
        "Agenda",
        "Page ",
        "DRAFT",
        "date to be decided",
        "The imperative",
        ("%(num)s position", "%(num)s positions"),
    ):
        assert message in messages
    assert len(messages) > 150


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_message_is_translated_with_the_same_placeholders(
    language: str, messages: dict[MessageId, str]
) -> None:
    catalogue = _catalogue(language)
    untranslated = [
        m for m in messages if m not in catalogue or not all(s.strip() for s in catalogue[m])
    ]
    assert not untranslated, (
        f"run `make messages` and translate: {untranslated[:5]} ({messages[untranslated[0]]})"
    )
    for message, strings in catalogue.items():
        ids = [message] if isinstance(message, str) else list(message)
        expected = set(PLACEHOLDER.findall(ids[-1])) | ({"num"} if len(ids) > 1 else set())
        for string in strings:
            # a translation may leave out a variable it does not need, never invent one
            assert set(PLACEHOLDER.findall(string)) <= expected, (message, string)
            assert string.startswith(" ") == ids[0].startswith(" ") and string.endswith(" ") == ids[
                0
            ].endswith(" ")


def test_no_obsolete_entries(messages: dict[MessageId, str]) -> None:
    stale = set(_catalogue("es")) - set(messages)
    assert not stale, f"entries no handout uses any more: {sorted(map(str, stale))[:5]}"


@pytest.mark.parametrize(
    ("language", "day", "long", "time"),
    [
        ("en", "Tuesday, 12 January 2027", "12 January 2027", "3:30 to 5:00 pm"),
        ("es", "martes, 12 de enero de 2027", "12 de enero de 2027", "de 15:30 a 17:00"),
    ],
)
def test_dates_and_times_as_readers_write_them(
    language: str, day: str, long: str, time: str
) -> None:
    words = Words(language)
    assert words.day("2027-01-12") == day
    assert words.date("2027-01-12") == long
    assert words.date("Spring 2027") == "Spring 2027"
    assert words.time_range(words.clock("15:30"), words.clock("17:00")) == time
    assert words.time_range(words.clock("9:00"), words.clock("13:15")) == (
        "9:00 am to 1:15 pm" if language == "en" else "de 9:00 a 13:15"
    )


def test_an_unknown_language_is_a_located_error(tmp_path: Path) -> None:
    agency = tmp_path / "agency.yml"
    agency.write_text(
        'extends: prototype\nagency: {name: Lincoln, level: district}\nversion: "1"\nlanguage: Spanish\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "lstoolkit.cli", "check", str(agency)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "agency.yml:4:11: LS302 language is 'Spanish', which is not one of: en, es" in output
    assert "Traceback" not in output


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    adapted = adapt(load_content(), read_chain(SPANISH))
    assert adapted.language == "es"
    renderer = HandoutRenderer(adapted, check_adapted(adapted), handout_environment())
    wanted = {
        "introductory-session-washington",
        "job-learning-supports-facilitator",
        "fidelity-report",
    }
    out = tmp_path_factory.mktemp("es")
    handouts = [h for h in plan_handouts(adapted) if h.name in wanted]
    render_handouts(renderer, handouts, out, cache_dir=tmp_path_factory.mktemp("cache"), jobs=1)
    return {h.name: out / h.filename for h in handouts}


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_spanish_attendee_sheet(spanish: dict[str, Path]) -> None:
    path = spanish["introductory-session-washington"]
    text = " ".join(_text(path).split())
    for words in (
        "BORRADOR",
        "Orden del día",
        "Cuándo:",
        "martes, 12 de enero de 2027, de 15:30 a 17:00",
        "Lo que escuchará",
        "(12 puestos)",
        "Página 1 de 1",
        "Versión 2026.1",
        "se reproduce en inglés",
    ):
        assert words in text, words
    for english in ("Agenda", "When:", "Page 1", "DRAFT", "What you will hear", "twelve positions"):
        assert english not in text, english
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.Root.Lang) == "es"
        assert "Sesión introductoria" in str(pdf.open_metadata().get("dc:title"))
        # the toolkit's seven points are marked English for screen readers
        marked_english = [
            e for e in struct_elements(pdf.Root.StructTreeRoot) if str(e.get("/Lang", "")) == "en"
        ]
        assert marked_english, "no structure element is marked English"


def test_the_spanish_posting_keeps_the_agencys_values_in_spanish(spanish: dict[str, Path]) -> None:
    text = " ".join(_text(spanish["job-learning-supports-facilitator"]).split())
    assert (
        "Descripción del puesto" in text and "Depende de" in text and "Funciones esenciales" in text
    )
    assert "Credencial vigente de servicios de personal estudiantil" in text
    assert "12 puestos" in text
    fidelity = " ".join(_text(spanish["fidelity-report"]).split())
    assert "Informe de adaptación y fidelidad" in fidelity and "Capas" in fidelity


def test_english_is_unchanged_by_the_catalogue() -> None:
    adapted = adapt(load_content(), read_chain(ROOT / "examples" / "district" / "agency.yml"))
    assert adapted.language == "en"
    sheet = session_sheets(adapted)[0]
    assert sheet.when.startswith(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
    renderer = HandoutRenderer(adapted, (), handout_environment())
    html = renderer.html(
        next(h for h in plan_handouts(adapted) if h.name.startswith("introductory-session-"))
    )
    assert (
        '<html lang="en">' in html
        and "Agenda" in html
        and 'lang="en"' not in html.split("<body>", 1)[1]
    )
    assert "se reproduce" not in html
