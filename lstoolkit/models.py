"""The typed content model of the toolkit.

Frozen dataclasses, not pydantic: the models are plain values that every stage passes along
(load -> adapt -> check -> render), hashable and cheap to compare, and the one thing pydantic
would add, validation with messages, is done on the raw YAML with JSON Schema (generated from
these classes by :mod:`lstoolkit.schema`) so that every error carries a file, line and column.

Field types say what a field is: ``Text`` (plain text, paragraphs separated by blank lines),
``Id``, ``Address`` (a reference to another item or entry), ``tuple[Entry, ...]`` (a list an
agency may change entry by entry). The ``doc`` metadata becomes the schema's description.

The type also says a field's role (:class:`FieldRole`), which every stage reads from here: which
fields are checked for dangling references, which wording terms rename, which changes a diff
leaves out. A collection is declared once, as a :class:`CollectionSpec` in :data:`COLLECTION_SPECS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import (
    Annotated,
    Any,
    Generic,
    Literal,
    Protocol,
    TypeVar,
    get_args,
    get_origin,
    get_type_hints,
    overload,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ADDRESS_PATTERN = r"^[a-z]+(/[a-z0-9_]+(-[a-z0-9]+)*)+$"
PLACEHOLDER = re.compile(r"\$\{([a-z_][a-z0-9_]*)\}")
ID_MAX_LENGTH = 60

Level = Literal["state", "region", "district", "school"]
LEVELS: tuple[Level, ...] = ("state", "region", "district", "school")


@dataclass(frozen=True)
class Pattern:
    """Annotated marker: a string that must match ``regex``."""

    regex: str
    max_length: int = 0


class FieldRole(Enum):
    """What a field of the content holds, and so how the stages treat it. A field's role is the
    one its annotation carries (``Address``, ``Verbatim``...); without one, text is prose, a
    literal or a number is a code, and a record or a list of records is ``RECORDS``."""

    #: Wording: terms rename it.
    PROSE = "prose"
    #: Wording as the sources give it (other names, citations): never renamed.
    VERBATIM = "verbatim"
    #: Not wording: ids, kinds, levels, numbers, web addresses, column keys.
    CODE = "code"
    #: Addresses of other items or entries: checked, and kept when what they name is removed.
    ADDRESS = "address"
    #: Addresses that follow from other items: checked, pruned when what they name is removed,
    #: and never a change of their own in a diff.
    DERIVED = "derived"
    #: A record or a list of records (entries, relations, a citation): each of their fields has
    #: a role of its own.
    RECORDS = "records"


Id = Annotated[str, Pattern(ID_PATTERN, ID_MAX_LENGTH), FieldRole.CODE]
Address = Annotated[str, Pattern(ADDRESS_PATTERN), FieldRole.ADDRESS]
DerivedAddress = Annotated[str, Pattern(ADDRESS_PATTERN), FieldRole.DERIVED]
Code = Annotated[str, FieldRole.CODE]
Verbatim = Annotated[str, FieldRole.VERBATIM]
Text = str


def about(text: str, **extra: Any) -> dict[str, Any]:
    """Field metadata: the description shown in the JSON Schema and editor completions."""
    return {"doc": text, **extra}


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One entry of a list that an agency may change: a function, a point, a task."""

    id: Id = field(metadata=about("Stable id, unique within its list."))
    text: Text = field(default="", metadata=about("The entry's wording."))
    title: str = field(default="", metadata=about("A short heading, where the entry has one."))
    children: tuple[Entry, ...] = field(
        default=(), metadata=about("Entries nested under this one.")
    )
    levels: tuple[Level, ...] = field(
        default=(), metadata=about("Levels this entry applies to; empty means every level.")
    )


@dataclass(frozen=True, kw_only=True)
class Citation:
    """Where an item comes from: a source document and the section in it."""

    doc: Id = field(metadata=about("Id of the source document (an item of sources.yml)."))
    section: Verbatim = field(default="", metadata=about("Heading or part of the document."))


@dataclass(frozen=True, kw_only=True)
class Relation:
    """A relation from one mechanism to another, in the source's words."""

    to: Address = field(metadata=about("Address of the related item."))
    text: str = field(metadata=about("The relation, e.g. 'appoints'."))


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every cited item has."""

    id: Id = field(metadata=about("Stable id, unique within the collection."))
    source: Citation = field(metadata=about("The source document this item comes from."))
    notes: tuple[Entry, ...] = field(default=(), metadata=about("Footnotes and asides."))


@dataclass(frozen=True, kw_only=True)
class Source:
    """A source document of the toolkit."""

    id: Id = field(metadata=about("Stable id, used by citations."))
    title: str = field(metadata=about("Full title of the document."))
    publisher: str = field(metadata=about("Who publishes it."))
    date: str = field(default="", metadata=about("Date of the document, as it gives it."))
    url: Code = field(default="", metadata=about("Where the document is published."))


@dataclass(frozen=True, kw_only=True)
class Element(Item):
    """One of the five essential elements of the system."""

    number: int = field(metadata=about("Position in the list of essential elements."))
    title: str = field(metadata=about("Name of the element."))
    short_title: str = field(
        default="",
        metadata=about("A name short enough for a table's column, e.g. Capacity building."),
    )
    definition: Text = field(metadata=about("What the element is."))
    facets: tuple[Entry, ...] = field(default=(), metadata=about("What the element requires."))
    requires: tuple[Address, ...] = field(
        default=(), metadata=about("Addresses of items essential to this element.")
    )


@dataclass(frozen=True, kw_only=True)
class Mechanism(Item):
    """A systemic change or infrastructure mechanism (a body, team, role or group)."""

    title: str = field(metadata=about("Name of the mechanism."))
    kind: Literal["change", "infrastructure"] = field(
        default="change",
        metadata=about(
            "Which set it belongs to: 'change' (the systemic change mechanisms that carry out the "
            "transformation) or 'infrastructure' (the ongoing operational infrastructure of the component)."
        ),
    )
    also_called: tuple[Verbatim, ...] = field(
        default=(), metadata=about("Other names in the sources.")
    )
    description: Text = field(default="", metadata=about("What the mechanism is."))
    functions_intro: Text = field(default="", metadata=about("Lead-in to the functions."))
    functions: tuple[Entry, ...] = field(default=(), metadata=about("What it does."))
    composition_intro: Text = field(default="", metadata=about("Lead-in to the composition."))
    composition: tuple[Entry, ...] = field(default=(), metadata=about("Who is on it."))
    process: Text = field(default="", metadata=about("How it works."))
    levels: tuple[Level, ...] = field(default=(), metadata=about("Levels where it exists."))
    relations: tuple[Relation, ...] = field(default=(), metadata=about("Relations to others."))


@dataclass(frozen=True, kw_only=True)
class Role(Item):
    """A role that is not a position: coach, mentor."""

    title: str = field(metadata=about("Name of the role."))
    description: Text = field(default="", metadata=about("What the role is."))
    functions: tuple[Entry, ...] = field(default=(), metadata=about("What it does."))


@dataclass(frozen=True, kw_only=True)
class Job(Item):
    """A job description: the posting (title, reports to, FTE and positions, classification,
    summary, essential duties, qualifications, working conditions, evaluation), what those who
    supervise the position need to know (``supervising``, with the cautions about the job), and
    notes for the agency (``title_guidance``, ``notes``), which are not part of the posting."""

    title: str = field(metadata=about("Job title."))
    purpose: Text = field(
        default="",
        metadata=about("Why the position exists; the posting's summary unless 'summary' is given."),
    )
    summary: Text = field(
        default="",
        metadata=about("The posting's summary of the position, where it differs from the purpose."),
    )
    reports_to: Text = field(
        default="", metadata=about("Posting: whom the position reports to (a ${value}).")
    )
    fte: Text = field(
        default="", metadata=about("Posting: full-time equivalent of each position (a ${value}).")
    )
    positions: Text = field(
        default="", metadata=about("Posting: how many positions there are (a ${value}).")
    )
    classification: Text = field(
        default="",
        metadata=about("Posting: classification and salary schedule or grade (a ${value})."),
    )
    title_guidance: Text = field(
        default="",
        metadata=about(
            "For the agency, not the posting: guidance on the title and the job description, and the argument for the title."
        ),
    )
    what_it_is: tuple[Entry, ...] = field(
        default=(), metadata=about("What the role is (the nature and scope of the position).")
    )
    what_it_is_not: tuple[Entry, ...] = field(
        default=(), metadata=about("What the role is not: statements of scope, not cautions.")
    )
    duties: tuple[Entry, ...] = field(
        default=(),
        metadata=about("Essential duties: only what the position does, as duty statements."),
    )
    district_duties: tuple[Entry, ...] = field(
        default=(), metadata=about("Duties at the district level.")
    )
    qualifications: Text = field(
        default="",
        metadata=about("Posting: qualifications (a ${value} where the sources give none)."),
    )
    working_conditions: Text = field(
        default="",
        metadata=about("Posting: working conditions (a ${value} where the sources give none)."),
    )
    evaluation: Text = field(
        default="",
        metadata=about(
            "Posting: how the position is evaluated (a ${value} where the sources give none)."
        ),
    )
    supervising: tuple[Entry, ...] = field(
        default=(),
        metadata=about(
            "For those who introduce, supervise and support the position (with the cautions about the job): never on the posting."
        ),
    )
    discouraged_titles: tuple[str, ...] = field(
        default=(),
        metadata=about("Titles the toolkit cautions against for this job (finding LS202)."),
    )


@dataclass(frozen=True, kw_only=True)
class Template(Item):
    """A document an agency fills in: introductory session, design document, action plan."""

    title: str = field(metadata=about("Name of the template."))
    purpose: Text = field(default="", metadata=about("What the document is for."))
    intro: Text = field(default="", metadata=about("Lead-in text."))
    sections: tuple[Entry, ...] = field(default=(), metadata=about("Sections, with entries."))
    fields: tuple[Code, ...] = field(
        default=(), metadata=about("Columns filled in for each entry, e.g. who, how, when.")
    )
    derived: Text = field(
        default="",
        metadata=about("How this template departs from the source's layout; shown to readers."),
    )


CautionGroup = Literal["facilitator-position", "coaching", "lessons-learned"]


@dataclass(frozen=True, kw_only=True)
class Caution(Item):
    """A caution or lesson learned."""

    title: str = field(metadata=about("Short name of the caution."))
    group: CautionGroup = field(metadata=about("Which set of cautions it belongs to."))
    text: Text = field(default="", metadata=about("The caution."))
    points: tuple[Entry, ...] = field(default=(), metadata=about("Its separate points."))
    about: tuple[DerivedAddress, ...] = field(default=(), metadata=about("What it concerns."))


@dataclass(frozen=True, kw_only=True)
class Phase(Item):
    """A phase of systemic change."""

    number: int = field(metadata=about("Position among the phases."))
    title: str = field(metadata=about("Name of the phase."))
    description: Text = field(default="", metadata=about("What the phase covers."))
    examples: tuple[Entry, ...] = field(default=(), metadata=about("Major steps of the phase."))


@dataclass(frozen=True, kw_only=True)
class Step(Item):
    """A major process step (I to IV) of strategic planning."""

    number: Literal["I", "II", "III", "IV"] = field(metadata=about("Roman numeral."))
    title: str = field(metadata=about("Name of the step."))
    objectives: tuple[Entry, ...] = field(default=(), metadata=about("The step's objectives."))
    text: Text = field(default="", metadata=about("Explanation of the step."))
    parts: tuple[Entry, ...] = field(default=(), metadata=about("Parts of the step."))
    lessons: tuple[DerivedAddress, ...] = field(
        default=(), metadata=about("Lessons learned for it.")
    )
    templates: tuple[DerivedAddress, ...] = field(
        default=(), metadata=about("The templates used in this step.")
    )


@dataclass(frozen=True, kw_only=True)
class TaskList(Item):
    """A list of tasks: for coaches, or what one level helps the next accomplish."""

    title: str = field(metadata=about("Name of the list."))
    intro: Text = field(default="", metadata=about("Lead-in text."))
    tasks: tuple[Entry, ...] = field(default=(), metadata=about("The tasks."))
    levels: tuple[Level, ...] = field(default=(), metadata=about("Levels it is for."))


@dataclass(frozen=True, kw_only=True)
class Resource(Item):
    """A resource the sources point to."""

    title: str = field(metadata=about("Title of the resource."))
    url: Code = field(default="", metadata=about("Where it is."))
    description: Text = field(default="", metadata=about("What it is."))
    citation: Verbatim = field(default="", metadata=about("Full bibliographic reference."))
    group: Verbatim = field(default="", metadata=about("Heading it is listed under."))


@dataclass(frozen=True, kw_only=True)
class Quote(Item):
    """A quotation or saying set apart in the sources."""

    text: Text = field(metadata=about("The quotation."))
    author: str = field(default="", metadata=about("Who said it."))


@dataclass(frozen=True, kw_only=True)
class Value:
    """A local value the content asks for, written ``${name}`` in a text."""

    id: Annotated[str, Pattern(r"^[a-z][a-z0-9_]*$", ID_MAX_LENGTH), FieldRole.CODE] = field(
        metadata=about("Name used in ${...} placeholders.")
    )
    description: str = field(metadata=about("What the value is."))
    prototype: str = field(metadata=about("The source's own wording where the value goes."))
    type: Literal["text", "number"] = field(default="text", metadata=about("Kind of value."))
    unit: str = field(
        default="", metadata=about("For a number: what it counts, singular (position).")
    )
    units: str = field(
        default="", metadata=about("The plural of unit (positions); default unit + s.")
    )
    reads: Literal["words", "digits"] = field(
        default="words",
        metadata=about(
            "For a number with a unit: 'twelve positions' (words) or '12 positions' (digits)."
        ),
    )
    gap: str = field(
        default="",
        metadata=about(
            "What a reader sees while no layer gives the value, e.g. 'number of positions to be decided'."
        ),
    )


@dataclass(frozen=True)
class CollectionSpec:
    """One collection of the content: its file ``<name>.yml``, the class of its items, and where
    the site publishes them."""

    name: str
    item: type[Any]
    #: The title of the collection when a content tree has no file for it.
    title: str
    #: Where an item is published, ``{id}`` filled in: its own page, or an anchor on a shared page.
    page: str
    #: Quotations and citations: terms never rename any of its wording.
    verbatim: bool = False
    #: The collection's own page, made by the template ``<name>.md.j2``: the index of its
    #: navigation section, or the page its items share.
    list_page: str = ""
    #: The navigation label of ``list_page``; empty when it is the index of its section.
    label: str = ""
    #: The template of an item's own page; empty when the items have none.
    item_template: str = ""
    #: The navigation label of an item's own page.
    item_label: str = "{item.title}"
    #: An item in a reader's sentence ("Removed the mechanism …"); empty: the collection's name.
    item_name: str = ""


#: The collections in the order the content is read and the reference presents them.
COLLECTION_SPECS: dict[str, CollectionSpec] = {
    spec.name: spec
    for spec in (
        CollectionSpec("sources", Source, "Sources", "resources.md#source-{id}", verbatim=True),
        CollectionSpec("values", Value, "Local values", "reference/addresses.md", verbatim=True),
        CollectionSpec(
            "elements",
            Element,
            "Essential elements",
            "elements/{id}.md",
            list_page="elements/index.md",
            item_template="element.md.j2",
            item_name="the essential element",
        ),
        CollectionSpec(
            "mechanisms",
            Mechanism,
            "Mechanisms",
            "mechanisms/{id}.md",
            list_page="mechanisms/index.md",
            item_template="mechanism.md.j2",
            item_name="the mechanism",
        ),
        CollectionSpec(
            "roles",
            Role,
            "Coaches and mentors",
            "jobs/coaches-and-mentors.md#{id}",
            list_page="jobs/coaches-and-mentors.md",
            label="Coaches and mentors",
            item_name="the role",
        ),
        CollectionSpec(
            "jobs",
            Job,
            "Job descriptions",
            "jobs/{id}.md",
            list_page="jobs/index.md",
            item_template="job.md.j2",
            item_name="the job description",
        ),
        CollectionSpec(
            "templates",
            Template,
            "Templates",
            "documents/{id}.md",
            list_page="documents/index.md",
            item_template="template.md.j2",
            item_name="the template",
        ),
        CollectionSpec(
            "phases",
            Phase,
            "Phases of systemic change",
            "process/index.md#{id}",
            list_page="process/index.md",
            item_name="the phase",
        ),
        CollectionSpec(
            "steps",
            Step,
            "Major process steps",
            "process/{id}.md",
            item_template="step.md.j2",
            item_label="{item.number}. {item.title}",
            item_name="the step",
        ),
        CollectionSpec(
            "tasks",
            TaskList,
            "Task lists",
            "tasks/{id}.md",
            list_page="tasks/index.md",
            item_template="tasklist.md.j2",
            item_name="the task list",
        ),
        CollectionSpec(
            "cautions",
            Caution,
            "Cautions",
            "cautions.md#{id}",
            list_page="cautions.md",
            label="Cautions",
            item_name="the caution",
        ),
        CollectionSpec(
            "resources",
            Resource,
            "Resources",
            "resources.md#{id}",
            verbatim=True,
            list_page="resources.md",
            label="Resources and citation",
            item_name="the resource",
        ),
        CollectionSpec("quotes", Quote, "Quotes", "resources.md#quote-{id}", verbatim=True),
    )
}

#: Collection name -> item class, in the order of :data:`COLLECTION_SPECS`.
COLLECTIONS: dict[str, type[Any]] = {name: spec.item for name, spec in COLLECTION_SPECS.items()}


@dataclass(frozen=True)
class SiteSection:
    """A section of the site's navigation and the collections it shows, in reading order."""

    title: str
    collections: tuple[str, ...]


#: The site in reading order, which is not the order of the content: jobs come before the roles
#: that share their section, and the process before the templates it uses.
SITE_SECTIONS = (
    SiteSection("Essential elements", ("elements",)),
    SiteSection("Mechanisms", ("mechanisms",)),
    SiteSection("Jobs and roles", ("jobs", "roles")),
    SiteSection("Phases and steps", ("phases", "steps")),
    SiteSection("Templates", ("templates",)),
    SiteSection("Tasks and exhibits", ("tasks",)),
    SiteSection("Cautions and resources", ("cautions", "resources")),
)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=_Identified)


@dataclass(frozen=True)
class Collection(Generic[ItemT]):
    """The items of one content file, in source order."""

    name: str
    title: str
    intro: str
    items: tuple[ItemT, ...]

    def get(self, item_id: str) -> ItemT | None:
        return next((item for item in self.items if item.id == item_id), None)


@dataclass(frozen=True)
class Toolkit:
    """The whole content: every collection, by name.

    A collection of :data:`COLLECTION_SPECS` is typed by its name (``toolkit.items("jobs")`` is a
    tuple of :class:`Job`); a collection added without an overload here is typed ``Any``.
    """

    collections: tuple[Collection[Any], ...]

    @overload
    def __getitem__(self, name: Literal["sources"]) -> Collection[Source]: ...
    @overload
    def __getitem__(self, name: Literal["values"]) -> Collection[Value]: ...
    @overload
    def __getitem__(self, name: Literal["elements"]) -> Collection[Element]: ...
    @overload
    def __getitem__(self, name: Literal["mechanisms"]) -> Collection[Mechanism]: ...
    @overload
    def __getitem__(self, name: Literal["roles"]) -> Collection[Role]: ...
    @overload
    def __getitem__(self, name: Literal["jobs"]) -> Collection[Job]: ...
    @overload
    def __getitem__(self, name: Literal["templates"]) -> Collection[Template]: ...
    @overload
    def __getitem__(self, name: Literal["phases"]) -> Collection[Phase]: ...
    @overload
    def __getitem__(self, name: Literal["steps"]) -> Collection[Step]: ...
    @overload
    def __getitem__(self, name: Literal["tasks"]) -> Collection[TaskList]: ...
    @overload
    def __getitem__(self, name: Literal["cautions"]) -> Collection[Caution]: ...
    @overload
    def __getitem__(self, name: Literal["resources"]) -> Collection[Resource]: ...
    @overload
    def __getitem__(self, name: Literal["quotes"]) -> Collection[Quote]: ...
    @overload
    def __getitem__(self, name: str) -> Collection[Any]: ...

    def __getitem__(self, name: str) -> Collection[Any]:
        for collection in self.collections:
            if collection.name == name:
                return collection
        raise KeyError(name)

    @overload
    def items(self, name: Literal["sources"]) -> tuple[Source, ...]: ...
    @overload
    def items(self, name: Literal["values"]) -> tuple[Value, ...]: ...
    @overload
    def items(self, name: Literal["elements"]) -> tuple[Element, ...]: ...
    @overload
    def items(self, name: Literal["mechanisms"]) -> tuple[Mechanism, ...]: ...
    @overload
    def items(self, name: Literal["roles"]) -> tuple[Role, ...]: ...
    @overload
    def items(self, name: Literal["jobs"]) -> tuple[Job, ...]: ...
    @overload
    def items(self, name: Literal["templates"]) -> tuple[Template, ...]: ...
    @overload
    def items(self, name: Literal["phases"]) -> tuple[Phase, ...]: ...
    @overload
    def items(self, name: Literal["steps"]) -> tuple[Step, ...]: ...
    @overload
    def items(self, name: Literal["tasks"]) -> tuple[TaskList, ...]: ...
    @overload
    def items(self, name: Literal["cautions"]) -> tuple[Caution, ...]: ...
    @overload
    def items(self, name: Literal["resources"]) -> tuple[Resource, ...]: ...
    @overload
    def items(self, name: Literal["quotes"]) -> tuple[Quote, ...]: ...
    @overload
    def items(self, name: str) -> tuple[Any, ...]: ...

    def items(self, name: str) -> tuple[Any, ...]:
        return self[name].items


_ENTRY_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def entry_fields(cls: type[Any]) -> tuple[str, ...]:
    """Names of the fields of ``cls`` that are lists of entries (resolving the types is slow:
    done once per class)."""
    if cls not in _ENTRY_FIELDS:
        hints = get_type_hints(cls)
        _ENTRY_FIELDS[cls] = tuple(
            f.name for f in fields(cls) if hints[f.name] == tuple[Entry, ...]
        )
    return _ENTRY_FIELDS[cls]


# -- field roles, read from the annotations ------------------------------------------------------


_FIELD_ROLES: dict[type[Any], dict[str, FieldRole]] = {}


def field_roles(cls: type[Any]) -> dict[str, FieldRole]:
    """Field name -> role, for the fields of the dataclass ``cls`` (see :class:`FieldRole`);
    worked out once per class."""
    if cls not in _FIELD_ROLES:
        hints = get_type_hints(cls, include_extras=True)
        _FIELD_ROLES[cls] = {
            f.name: role_of(hints[f.name], where=f"{cls.__name__}.{f.name}") for f in fields(cls)
        }
    return _FIELD_ROLES[cls]


def role_of(hint: Any, *, where: str = "a field") -> FieldRole:
    """The role an annotation gives: the one it carries (on the field's type or on the type of
    its list's values), else the role that follows from the type."""
    declared: list[FieldRole] = []
    while True:
        if get_origin(hint) is Annotated:
            hint, *extras = get_args(hint)
            declared += [extra for extra in extras if isinstance(extra, FieldRole)]
        elif get_origin(hint) is tuple:
            hint = get_args(hint)[0]
        else:
            break
    if len(declared) > 1:
        raise TypeError(
            f"{where} has more than one role: {', '.join(role.name for role in declared)}"
        )
    if declared:
        return declared[0]
    if is_dataclass(hint):
        return FieldRole.RECORDS
    if hint is str:
        return FieldRole.PROSE
    if get_origin(hint) is Literal or hint in (int, bool):
        return FieldRole.CODE
    raise TypeError(f"{where}: no role follows from {hint!r}; annotate it with a FieldRole")


def fields_with(cls: type[Any], *roles: FieldRole) -> tuple[str, ...]:
    """Names of the fields of ``cls`` that have one of ``roles``, in declaration order."""
    return tuple(name for name, role in field_roles(cls).items() if role in roles)


def reference_fields(cls: type[Any]) -> tuple[str, ...]:
    """Fields of ``cls`` whose values are addresses, checked for dangling references."""
    return fields_with(cls, FieldRole.ADDRESS, FieldRole.DERIVED)


def derived_fields(cls: type[Any]) -> tuple[str, ...]:
    """Address fields of ``cls`` that follow from other items (see :attr:`FieldRole.DERIVED`)."""
    return fields_with(cls, FieldRole.DERIVED)


def record_classes(cls: type[Any]) -> dict[str, type[Any]]:
    """Field name -> record class, for the fields of ``cls`` that hold a record or a list of them."""
    hints = _plain_hints(cls)
    return {name: _value_type(hints[name]) for name in fields_with(cls, FieldRole.RECORDS)}


def string_list_fields(cls: type[Any]) -> tuple[str, ...]:
    """Fields of ``cls`` that are lists of plain strings (names, codes, addresses), not records."""
    hints = _plain_hints(cls)
    return tuple(
        name
        for name, hint in hints.items()
        if get_origin(hint) is tuple and not is_dataclass(_value_type(hint))
    )


_PLAIN_HINTS: dict[type[Any], dict[str, Any]] = {}


def _plain_hints(cls: type[Any]) -> dict[str, Any]:
    """The types of the fields of ``cls`` without their markers (resolving them is slow: done once)."""
    if cls not in _PLAIN_HINTS:
        hints = get_type_hints(cls)
        _PLAIN_HINTS[cls] = {f.name: hints[f.name] for f in fields(cls)}
    return _PLAIN_HINTS[cls]


def _value_type(hint: Any) -> Any:
    """The type of a field's value, or of the values of its list."""
    return get_args(hint)[0] if get_origin(hint) is tuple else hint


def content_classes() -> tuple[type[Any], ...]:
    """Every class of the content: the items of each collection and the records inside them."""
    found: dict[type[Any], None] = {}

    def visit(cls: type[Any]) -> None:
        if cls not in found:
            found[cls] = None
            for record in record_classes(cls).values():
                visit(record)

    for spec in COLLECTION_SPECS.values():
        visit(spec.item)
    return tuple(found)


def field_names(*roles: FieldRole) -> frozenset[str]:
    """Names of the fields of any content class that have one of ``roles``: raw content is
    matched by key, at any depth."""
    return frozenset(name for cls in content_classes() for name in fields_with(cls, *roles))
