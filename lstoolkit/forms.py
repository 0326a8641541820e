"""The action plan: which of its sections an agency plans, its answers, and its form fields.

The action plan (``templates/action-plan``, from Appendix C of the coaching guide) asks, for each
task, WHO will carry it out, HOW and WHEN. Its four sections belong to levels: the department's
planning team and the changes within the department and its regional units are a state's; the
start-up with districts is the plan of a state, a region or a district for its districts; the
start-up with schools is everyone's down to the school. :func:`plan_sections` gives an agency's.

Two handouts come from one template (``action-plan.html.j2``): the worksheet, with a multi-line
form field per task and column, and, when the agency's file has ``plan:`` answers, the printed
plan (:func:`plan_answers` checks them: each names a task of the agency's sections).

WeasyPrint writes the fields with the HTML ``name`` as each field's name and asks the viewer to
draw them (``/NeedAppearances``), which some viewers ignore and PDF/UA discourages.
:func:`finish_forms` makes a dotted name (``start-up-with-schools.school-introductory-tasks.who``)
the hierarchy of fields it stands for (a field's own name may not hold a period), gives every
field an appearance stream, and removes ``/NeedAppearances``. It is deterministic.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lstoolkit.addresses import nearest_address
from lstoolkit.codes import FindingCode
from lstoolkit.errors import LstoolkitError
from lstoolkit.layers import PlanAnswer

#: Bump when :func:`finish_forms` changes what it writes.
FORMS_VERSION = "1"
PLAN = "templates/action-plan"

#: The level whose plan each section of the prototype's action plan is. A section an agency adds
#: is in every plan. (The template ``action-plan.html.j2`` holds the same table.)
SECTION_LEVELS: Mapping[str, str] = {
    "planning-team-capacity": "state",
    "department-and-regional-units": "state",
    "start-up-with-districts": "district",
    "start-up-with-schools": "school",
}
#: The notes that are footnotes of a section's tasks, with that section's level.
NOTE_LEVELS: Mapping[str, str] = {"department-pd-footnote": "state", "special-pd-footnote": "state"}
#: The parts of the plan an agency makes at each level: a region plans like a district.
PLAN_PARTS: Mapping[str, tuple[str, ...]] = {
    "state": ("state", "district", "school"),
    "region": ("district", "school"),
    "district": ("district", "school"),
    "school": ("school",),
}
LEVEL_NAMES = {
    "state": "a state's",
    "region": "a region's",
    "district": "a district's",
    "school": "a school's",
}


def in_plan(section_id: str, level: str | None) -> bool:
    """Whether the section (or note) ``section_id`` is in the plan of an agency at ``level``
    (the prototype, with no level, has every section)."""
    owner = SECTION_LEVELS.get(section_id) or NOTE_LEVELS.get(section_id)
    return level is None or owner is None or owner in PLAN_PARTS.get(level, PLAN_PARTS["state"])


def plan_sections(toolkit: Any, level: str | None) -> list[Any]:
    """The action plan's sections an agency at ``level`` plans, in order (none if the plan was
    removed)."""
    plan = toolkit["templates"].get("action-plan")
    return [s for s in plan.sections if in_plan(s.id, level)] if plan else []


def task_address(section_id: str, task_id: str) -> str:
    return f"{PLAN}/sections/{section_id}/{task_id}"


def field_name(section_id: str, task_id: str, column: str) -> str:
    """A worksheet field's full name: section, task and column (``start-up-with-schools.
    school-introductory-tasks.who``), the ids of the task's address."""
    return f"{section_id}.{task_id}.{column}"


# -- the agency's answers --------------------------------------------------------------------


def plan_answers(adapted: Any) -> dict[str, PlanAnswer]:
    """The nearest layer's ``plan:`` answers by task address, in the plan's order.

    A key is a task's address or its id; a key that names no task of the agency's sections is
    an LS301 error at the key, with the nearest task, the task it is part of, or why it is not in
    the agency's plan. The answers are the layer's own: a district does not inherit its state's.
    """
    top = adapted.top
    if top is None or not top.file.plan:
        return {}
    level = top.file.agency.level
    plan = adapted.toolkit["templates"].get("action-plan")
    every = [(s.id, t) for s in (plan.sections if plan else ()) for t in s.children]
    ours = {task_address(section, task.id) for section, task in every if in_plan(section, level)}
    by_address = {task_address(section, task.id): section for section, task in every}
    by_id: dict[str, list[str]] = {}
    for section, task in every:
        by_id.setdefault(task.id, []).append(task_address(section, task.id))
    parts = _parts(plan)
    found: dict[str, PlanAnswer] = {}
    given: dict[str, str] = {}
    problems = []
    for key, raw in top.file.plan.items():
        answer = raw if isinstance(raw, PlanAnswer) else PlanAnswer(**raw)
        where = top.locate("plan", key, key=True)
        address, problem = _resolve(key, level, ours, by_address, by_id, parts, adapted)
        if problem is None and address in given:
            problem = (
                f"the task '{address}' is given twice, as '{given[address]}' and '{key}'",
                "Keep one of them.",
            )
        if problem is not None:
            message, hint = problem
            problems.append(
                LstoolkitError(message, where, hint=hint, code=FindingCode.NO_SUCH_ADDRESS)
            )
            continue
        given[address] = key
        found[address] = answer
    if problems:
        raise LstoolkitError.collect(problems)
    order = [task_address(section, task.id) for section, task in every]
    return {address: found[address] for address in order if address in found}


def _parts(plan: Any) -> dict[str, str]:
    """Every entry inside a task (by its address and by its id) -> the task's address."""
    parts: dict[str, str] = {}

    def walk(entries: Iterable[Any], prefix: str, task: str) -> None:
        for entry in entries:
            address = f"{prefix}/{entry.id}"
            parts[address] = task
            parts.setdefault(entry.id, task)
            walk(entry.children, address, task)

    for section in plan.sections if plan else ():
        for task in section.children:
            address = task_address(section.id, task.id)
            walk(task.children, address, address)
    return parts


def _resolve(
    key: str,
    level: str,
    ours: set[str],
    by_address: Mapping[str, str],
    by_id: Mapping[str, Sequence[str]],
    parts: Mapping[str, str],
    adapted: Any,
) -> tuple[str, tuple[str, str] | None]:
    """The task address ``key`` names, or what is wrong with it (a message and a hint)."""
    candidates = [key] if key.startswith(f"{PLAN}/") else list(by_id.get(key, ()))
    if len(candidates) > 1:
        return "", (
            f"the task id '{key}' is in several sections of the action plan",
            f"Write its address: {' or '.join(candidates)}.",
        )
    if candidates and candidates[0] in by_address:
        address = candidates[0]
        if address in ours:
            return address, None
        section = by_address[address]
        owner = SECTION_LEVELS.get(section, "state")
        return "", (
            f"the task '{key}' is in the {owner} part of the action plan ('{section}'), "
            f"which is not in {LEVEL_NAMES.get(level, 'this agency')} plan",
            f"Remove it, or plan one of: {', '.join(_section_ids(adapted, level))}.",
        )
    if key in parts:
        return "", (
            f"'{key}' is part of the task '{parts[key]}'; the plan gives WHO, HOW and WHEN per task",
            f"Write the answers under '{parts[key]}'.",
        )
    if key.startswith(f"{PLAN}/") and key in adapted.prototype.index:
        return "", (
            f"the task '{key}' was removed from the action plan by a change",
            "Remove its answers, or the change that removes the task.",
        )
    known = {
        **dict.fromkeys(a for a in by_address if a in ours),
        **dict.fromkeys(i for i, a in by_id.items() if len(a) == 1 and a[0] in ours),
    }
    nearest = nearest_address(key, known) if "/" in key else _nearest_id(key, known)
    return "", (
        f"the plan names '{key}', which is no task of the action plan",
        f"Did you mean '{nearest}'?"
        if nearest
        else "'lstoolkit addresses templates/action-plan' lists the tasks (the entries right under a section).",
    )


def _nearest_id(key: str, known: Mapping[str, object]) -> str:
    ids = [k for k in known if "/" not in k]
    matches = difflib.get_close_matches(key, ids, n=1, cutoff=0.5)
    return matches[0] if matches else ""


def _section_ids(adapted: Any, level: str) -> list[str]:
    return [s.id for s in plan_sections(adapted.toolkit, level)]


# -- the PDF's form fields ---------------------------------------------------------------------


_GS = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+gs\b")


def finish_forms(data: bytes) -> bytes:
    """``data`` (a PDF by WeasyPrint) with its fields named as a hierarchy where their names
    hold periods, their rectangles normalized, an appearance stream for every field, and no
    ``/NeedAppearances``; a PDF without fields is returned as it is."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not has_fields(pdf):
            return data
        acroform = pdf.Root.AcroForm
        _name_hierarchy(pdf, acroform)
        for widget in _widgets(acroform):  # WeasyPrint writes the top edge before the bottom one
            x1, y1, x2, y2 = widget.Rect
            (left, right), (bottom, top) = sorted((x1, x2), key=float), sorted((y1, y2), key=float)
            widget.Rect = pikepdf.Array([left, bottom, right, top])
        if not acroform.get("/NeedAppearances", False):
            acroform.NeedAppearances = True  # QPDF draws the fields only when the form asks for it
        pdf.generate_appearance_streams()  # QPDF's: text, choice; removes /NeedAppearances
        _complete_resources(acroform)
        if "/NeedAppearances" in acroform:
            del acroform["/NeedAppearances"]
        if any("/AP" not in widget for widget in _widgets(acroform)):  # a kind QPDF does not draw
            acroform.NeedAppearances = True  # (a signature, an override's button): the viewer does
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def has_fields(pdf: Any) -> bool:
    """Whether ``pdf`` (open with pikepdf) has form fields: what :func:`finish_forms` works on."""
    acroform = pdf.Root.get("/AcroForm")
    return acroform is not None and bool(len(acroform.get("/Fields", ())))


def _name_hierarchy(pdf: Any, acroform: Any) -> None:
    """Fields named ``a.b.c`` become the field ``c`` under ``b`` under ``a`` (``/T`` is a partial
    name and holds no period; PDF 32000-1, 12.7.3.2). A name that would clash stays as it is."""
    import pikepdf

    fields = list(acroform.Fields)
    terminal = {str(f.get("/T", "")) for f in fields if "." not in str(f.get("/T", ""))}
    full_names = [str(f.get("/T", "")) for f in fields]
    uses = Counter(full_names)
    roots: list[Any] = []
    nodes: dict[tuple[str, ...], Any] = {}
    for field_, name in zip(fields, full_names, strict=True):
        parts = tuple(name.split("."))
        clash = (
            "/Kids" in field_
            or "/Parent" in field_
            or len(parts) < 2
            or not all(parts)
            or uses[name] > 1
            or any(".".join(parts[:i]) in terminal for i in range(1, len(parts)))
        )
        if clash:
            roots.append(field_)
            continue
        parent = None
        for depth in range(1, len(parts)):
            prefix = parts[:depth]
            if prefix not in nodes:
                node = pdf.make_indirect(
                    pikepdf.Dictionary(T=pikepdf.String(prefix[-1]), Kids=pikepdf.Array())
                )
                if parent is None:
                    roots.append(node)
                else:
                    node.Parent = parent
                    parent.Kids.append(node)
                nodes[prefix] = node
            parent = nodes[prefix]
        assert parent is not None
        field_.T = pikepdf.String(parts[-1])
        field_.Parent = parent
        parent.Kids.append(field_)
    acroform.Fields = pikepdf.Array(roots)


def _widgets(acroform: Any) -> list[Any]:
    found: list[Any] = []

    def walk(fields: Iterable[Any]) -> None:
        for f in fields:
            if "/Kids" in f:
                walk(f.Kids)
            else:
                found.append(f)

    walk(acroform.Fields)
    return found


def _complete_resources(acroform: Any) -> None:
    """QPDF copies a field's font into its appearance stream's resources, not the graphics
    states its default appearance names (WeasyPrint writes ``/a1.0 gs``): copy those from /DR."""
    import pikepdf

    states = acroform.get("/DR", {}).get("/ExtGState", {})
    for widget in _widgets(acroform):
        appearance = widget.get("/AP", {}).get("/N")
        if not isinstance(appearance, pikepdf.Stream):
            continue
        names = [m.group(1).decode("latin-1") for m in _GS.finditer(appearance.read_bytes())]
        if not names:
            continue
        if "/Resources" not in appearance.stream_dict:
            appearance.stream_dict.Resources = pikepdf.Dictionary()
        resources = appearance.stream_dict.Resources
        if "/ExtGState" not in resources:
            resources.ExtGState = pikepdf.Dictionary()
        own = resources.ExtGState
        for name in names:
            if f"/{name}" in states and f"/{name}" not in own:
                own[f"/{name}"] = states[f"/{name}"]


__all__ = [
    "FORMS_VERSION",
    "NOTE_LEVELS",
    "PLAN_PARTS",
    "SECTION_LEVELS",
    "field_name",
    "finish_forms",
    "has_fields",
    "in_plan",
    "plan_answers",
    "plan_sections",
    "task_address",
]
