"""Introductory sessions: each session's attendee sheet, made from the nearest layer's ``sessions:``.

A detail the agency file does not give reads as a labelled gap on the sheet, and ``missing`` says
what and where to add it (the check reports it, LS208).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lstoolkit.adapt import Adapted, value_phrase
from lstoolkit.errors import Location
from lstoolkit.escape import gap
from lstoolkit.i18n import Words, words
from lstoolkit.layers import Layer, Presenter

#: The position an introductory session introduces (by its adapted title) and the value that counts it.
SESSION_POSITION = "learning-supports-facilitator"
POSITIONS_VALUE = "facilitator_positions"


@dataclass(frozen=True)
class SessionSheet:
    """An introductory session's attendee sheet: each detail as attendees read it, or a labelled
    gap where the agency file does not give it (``missing`` says what, and where to add it: LS208)."""

    name: str  # the handout: introductory-session-<id>, or introductory-session without sessions
    title: str  # the handout's title (Handouts page, the PDF's title)
    heading: str
    date: str  # 'Tuesday, 12 January 2027'
    time: str  # '3:30 to 5:00 pm'
    when: str  # 'Tuesday, 12 January 2027, 3:30 to 5:00 pm' (a gap is never followed by a comma)
    place: str
    audience: str  # '' reads 'you'
    presenters: tuple[Presenter, ...]
    agenda: tuple[str, ...]  # () is the template's default agenda
    contact: str
    position: str  # the new position's title as the agency names it, e.g. Learning Supports Coach
    positions: str  # how many, as it reads: 'twelve positions'
    about_position: (
        str  # why the position exists: the first paragraph of the job's purpose, without its aside
    )
    missing: tuple[tuple[str, Location | None], ...] = ()


def session_sheets(adapted: Adapted) -> tuple[SessionSheet, ...]:
    """One attendee sheet per session of the nearest layer of the agency that gives sessions (a
    layer's sessions replace its parent's); without sessions, one sheet with gaps. None when the introductory-session
    template is removed. The sheets' own words are in the agency's language."""
    if adapted.toolkit["templates"].get("introductory-session") is None:
        return ()
    _ = words(adapted.language)
    job = adapted.toolkit["jobs"].get(SESSION_POSITION)
    position = job.title if job else _("new position")
    definitions = {value["id"]: value for value in adapted.raw["values"]["items"]}
    values = {k: str(v) for layer in adapted.layers for k, v in layer.file.values.items()}
    definition = definitions.get(POSITIONS_VALUE, {})
    if not adapted.layers:  # the prototype alone reads as the source does
        positions = str(definition.get("prototype", ""))
    elif POSITIONS_VALUE in values:
        positions = value_phrase(definition, values[POSITIONS_VALUE], _)
    else:
        positions = gap(_("number of positions to be decided"))
    top = adapted.top
    contact = top.file.agency.contact if top else ""
    purpose = re.split(r"\n\s*\n", job.purpose.strip())[0] if job and job.purpose else ""
    common = {
        "heading": _("Introducing the %(position)s", position=position),
        "position": position,
        "positions": positions,
        "about_position": re.sub(r"\s*\([^()]*\)\s*$", "", " ".join(purpose.split())),
    }
    with_sessions = _layer_with_sessions(adapted)
    if top is None or with_sessions is None:
        missing: tuple[tuple[str, Location | None], ...] = ()
        if top is not None:
            missing = (
                (
                    "no introductory sessions are given: the attendee sheet shows gaps for the date, time, place "
                    "and presenters (add 'sessions:')",
                    top.locate(),
                ),
            )
        return (
            SessionSheet(
                name="introductory-session",
                title=_("Introductory session"),
                date=gap(_("date to be decided")),
                time=gap(_("time to be decided")),
                when=gap(_("date and time to be decided")),
                place=gap(_("place to be decided")),
                audience="",
                presenters=(Presenter(name=gap(_("presenters, with their roles, to be named"))),),
                agenda=(),
                contact=contact or gap(_("contact to be named")),
                missing=missing,
                **common,
            ),
        )
    return tuple(
        _session_sheet(with_sessions, i, contact, common, _)
        for i in range(len(with_sessions.file.sessions))
    )


def _layer_with_sessions(adapted: Adapted) -> Layer | None:
    """The nearest layer that gives sessions, among the top layer and the files it extends of
    the same agency (an edition in another language, an adopted version): a parent agency's
    sessions are its own, never another agency's."""
    top = adapted.top
    for layer in reversed(adapted.layers):
        if top is None or layer.file.agency.name != top.file.agency.name:
            return None
        if layer.file.agency.level != top.file.agency.level:
            return None
        if layer.file.sessions:
            return layer
    return None


def _session_sheet(
    top: Layer, index: int, contact: str, common: dict[str, str], _: Words
) -> SessionSheet:
    session = top.file.sessions[index]
    missing: list[tuple[str, Location | None]] = []
    where = top.locate("sessions", index)

    def given(text: str, what: str, label: str) -> str:
        if text:
            return text
        missing.append(
            (f"session '{session.id}' has no {what}: its attendee sheet shows a gap", where)
        )
        return gap(label)

    day = given(session.date and _.day(session.date), "date", _("date to be decided"))
    start = given(
        session.start and _.clock(session.start), "start time", _("start time to be decided")
    )
    end = given(session.end and _.clock(session.end), "end time", _("end time to be decided"))
    time = (
        gap(_("time to be decided"))
        if not session.start and not session.end
        else _.time_range(start, end)
    )
    if not session.date:
        when = (
            f"{day} ({time})"
            if session.start or session.end
            else gap(_("date and time to be decided"))
        )
    else:
        when = f"{day}, {time}"
    presenters = []
    for k, presenter in enumerate(session.presenters):
        if not presenter.role:
            missing.append(
                (
                    f"presenter '{presenter.name}' of session '{session.id}' has no role: the sheet shows a gap",
                    top.locate("sessions", index, "presenters", k),
                )
            )
        presenters.append(
            Presenter(name=presenter.name, role=presenter.role or gap(_("role to be given")))
        )
    if not presenters:
        presenters.append(
            Presenter(name=given("", "presenters", _("presenters, with their roles, to be named")))
        )
    place = given(session.place, "place", _("place to be decided"))
    reach = given(
        session.contact or contact, "contact (and the agency has none)", _("contact to be named")
    )
    label = ", ".join(
        part
        for part in (session.audience or session.title, session.date and _.date(session.date))
        if part
    )
    return SessionSheet(
        name=f"introductory-session-{session.id}",
        title=_("Introductory session: %(label)s", label=label or session.id),
        date=day,
        time=time,
        when=when,
        place=place,
        audience=session.audience,
        presenters=tuple(presenters),
        agenda=session.agenda,
        contact=reach,
        missing=tuple(sorted(missing, key=lambda m: m[1].line if m[1] else 0)),  # in file order
        **{**common, "heading": session.title or common["heading"]},
    )
