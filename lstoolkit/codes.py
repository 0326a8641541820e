"""Finding codes: each defined once, with its severity, explanation, fix and examples.

Codes are stable public API: pages link to them, CI logs show them, agencies accept findings by
them. Each code has one severity: errors always fail, warnings fail under ``--strict``, info
never fails. The findings reference page and the troubleshooting page are made from ``CODES``;
code everywhere else names a code by its member (``FindingCode.SCHEMA``), so a typo fails at
import, not at run time. This module imports nothing of lstoolkit: every stage may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingCode(StrEnum):
    """Every finding and error code; a code's value is what users see (LS101)."""

    ESSENTIAL_ELEMENT_REMOVED = "LS101"
    ESSENTIAL_ITEM_REMOVED = "LS102"
    ESSENTIAL_ELEMENT_EMPTIED = "LS103"
    CHANGE_WITHOUT_REASON = "LS201"
    CAUTIONED_TITLE = "LS202"
    VALUE_NOT_SET = "LS203"
    ACCEPTED_NOT_CAUSED = "LS204"
    SECTION_NOT_WRITTEN = "LS205"
    ADOPTED_WITH_UNWRITTEN_SECTIONS = "LS206"
    TERM_NAMES_ANOTHER_ROLE = "LS207"
    SESSION_DETAIL_MISSING = "LS208"
    NOT_YAML = "LS300"
    NO_SUCH_ADDRESS = "LS301"
    SCHEMA = "LS302"
    BROKEN_CHAIN = "LS303"
    DUPLICATE_ID = "LS304"
    TEMPLATE_ERROR = "LS305"
    UNSAFE_FILE = "LS306"
    LIMIT_EXCEEDED = "LS307"
    READER_LEAK = "LS401"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Code:
    """A finding code and its documentation (published on the findings reference page)."""

    code: FindingCode
    severity: Severity
    title: str
    explanation: str
    fix: str
    examples: tuple[str, ...] = ()


CODES: dict[FindingCode, Code] = {
    c.code: c
    for c in (
        Code(
            FindingCode.ESSENTIAL_ELEMENT_REMOVED,
            Severity.WARNING,
            "Essential element removed",
            "A change removes one of the five essential elements. The source documents warn that "
            "care must be taken not to eliminate elements that are essential.",
            "Keep the element; adapt its wording or facets instead, and say why.",
            examples=(
                "agency.yml:12:5: LS101 the essential element 'elements/capacity-building' is removed",
            ),
        ),
        Code(
            FindingCode.ESSENTIAL_ITEM_REMOVED,
            Severity.WARNING,
            "Essential or protected item removed",
            "A change removes an item that an essential element requires, or that a parent layer "
            "protects.",
            "Keep the item (rename it with 'terms' or replace its text), or ask the parent layer.",
            examples=(
                "agency.yml:25:5: LS102 'mechanisms/leadership-council' is removed but protected by ../state/agency.yml",
                "agency.yml:9:5: LS102 'mechanisms/leadership-team' is removed but required by elements/operational-infrastructure",
            ),
        ),
        Code(
            FindingCode.ESSENTIAL_ELEMENT_EMPTIED,
            Severity.WARNING,
            "Essential element emptied",
            "An essential element is kept by name but its definition is replaced, or all its facets "
            "or all the items it requires are removed: the terminology without the substance.",
            "Restore the definition, facets or required items; adapt wording, not substance.",
            examples=(
                "agency.yml:14:5: LS103 the essential element 'elements/monitoring' is kept by name but all its facets are removed",
            ),
        ),
        Code(
            FindingCode.CHANGE_WITHOUT_REASON,
            Severity.WARNING,
            "Change without a reason",
            "A change has no 'why'. The adaptation log is read by boards and reviewers.",
            "Add 'why:' with the reason for the change.",
            examples=(
                "agency.yml:7:5: LS201 this change to 'mechanisms/steering-body/functions' has no 'why'",
            ),
        ),
        Code(
            FindingCode.CAUTIONED_TITLE,
            Severity.INFO,
            "Title the toolkit cautions against",
            "A term renames a title to one the toolkit cautions against (for example the Learning "
            "Supports Facilitator renamed 'coordinator' or 'advocate').",
            "Keep the prototype's title, or record why the local title is needed.",
            examples=(
                "agency.yml:5:3: LS202 'Learning Supports Facilitator' is renamed 'Learning Supports Coordinator'; the toolkit cautions against the title 'coordinator'",
            ),
        ),
        Code(
            FindingCode.VALUE_NOT_SET,
            Severity.INFO,
            "Local value not set",
            "The content asks for a local value that no layer gives; pages and handouts show a "
            "highlighted gap labelled with what is missing (e.g. 'number of positions to be decided').",
            "Add it under 'values:'.",
            examples=(
                "agency.yml:1:1: LS203 no value for 'facilitator_positions': pages show a labelled gap",
            ),
        ),
        Code(
            FindingCode.ACCEPTED_NOT_CAUSED,
            Severity.WARNING,
            "Accepted finding not caused",
            "A change lists a code under 'accept' that it does not cause: the record would say a "
            "board or coach reviewed a finding that is not there. It happens when the finding went "
            "away (the parent layer no longer protects the item, the item is no longer required) "
            "or when the code or the change's address is wrong.",
            "Remove the code from 'accept', or check that the change targets what was reviewed.",
            examples=(
                "agency.yml:27:14: LS204 this change to 'mechanisms/leadership-council' accepts LS102, but it causes no LS102 finding",
            ),
        ),
        Code(
            FindingCode.SECTION_NOT_WRITTEN,
            Severity.INFO,
            "Design section not written yet",
            "A part of the design document (the imperative, the intervention framework, the "
            "infrastructure, policy recommendations) has no text of the agency's own: readers see "
            "a notice that the section is still to be written, and the toolkit's guidance.",
            "Write the section in a Markdown file and name it under 'sections:', e.g. "
            "design/imperative: sections/imperative.md.",
            examples=(
                "agency.yml:12:1: LS205 the design document's part 'design/policy' is not written yet",
            ),
        ),
        Code(
            FindingCode.ADOPTED_WITH_UNWRITTEN_SECTIONS,
            Severity.WARNING,
            "Adopted design with unwritten sections",
            "The agency file says 'status: adopted' but a part of the design document has no text "
            "of the agency's own: a board cannot have adopted a design that is not written.",
            "Write the missing sections, or set 'status: draft' until they are written.",
            examples=(
                "agency.yml:9:9: LS206 the design document is adopted but its part 'design/imperative' (The imperative) is not written",
            ),
        ),
        Code(
            FindingCode.TERM_NAMES_ANOTHER_ROLE,
            Severity.INFO,
            "Renamed term shares a name with another role",
            "A term renames a position or body to a name whose last word is the name of another "
            "role in the toolkit (the Learning Supports Facilitator renamed 'Learning Supports "
            "Coach' while the toolkit's coaches are the external and internal coaches who guide "
            "the work): readers may take the two for one.",
            "Choose another name, or keep it and say on your section for the position how it differs "
            "from the other role; the Adaptations page lists both names.",
            examples=(
                "agency.yml:5:3: LS207 'Learning Supports Facilitator' is renamed 'Learning Supports Coach', but 'Coach' (roles/coach) is another role: readers may take the two for one",
            ),
        ),
        Code(
            FindingCode.SESSION_DETAIL_MISSING,
            Severity.INFO,
            "Session detail missing",
            "An introductory session's attendee sheet needs a detail the agency file does not give: "
            "its date, start or end time, place, presenters, a presenter's role, or whom to contact; "
            "or the file gives no 'sessions' at all. The sheet shows a highlighted gap labelled with "
            "what is missing (e.g. 'place to be decided').",
            "Add the detail to the session under 'sessions:', e.g. place: Washington Elementary School, "
            "library; a presenter as - {name: Dr. Ana Ruiz, role: Superintendent}.",
            examples=(
                "agency.yml:1:1: LS208 no introductory sessions are given: the attendee sheet shows gaps for the date, time, place and presenters (add 'sessions:')",
                "agency.yml:40:7: LS208 session 'washington-elementary' has no place: its attendee sheet shows a gap",
                "agency.yml:46:11: LS208 presenter 'Marcus Lee' of session 'washington-elementary' has no role: the sheet shows a gap",
            ),
        ),
        Code(
            FindingCode.NOT_YAML,
            Severity.ERROR,
            "Not a readable YAML file",
            "The file cannot be read or parsed: syntax, encoding, duplicate keys, aliases, tags, size. "
            "The usual mistakes are a colon followed by a space inside a text (YAML reads it as a new "
            "key), a line indented differently from the lines around it, and a key without its colon.",
            "Fix the file at the line given: put a text with a colon in quotes, line up the keys of a "
            "change, write a colon and a space after each key.",
            examples=(
                'agency.yml:5:16: LS300 invalid YAML: a colon followed by a space inside a text starts a new key. Put the text in quotes: why: "Budget: no partner this year."',
                "agency.yml:6:4: LS300 invalid YAML: this line is not indented like the lines around it. Check the indentation: list items under 'changes:' start with two spaces and a dash; the keys of one change line up.",
                "agency.yml:4:5: LS300 invalid YAML: missing ':' after the key? Put a colon and a space after the key: remove: mechanisms/external-collaborators",
                "agency.yml:7:8: LS300 invalid YAML: '{}' after the key means it is empty, so the lines under it cannot belong to it. Delete the '{}' when you write entries under the key.",
                "agency.yml:3:1: LS300 invalid YAML: duplicate key 'version' (the mapping already has it)",
                "agency.yml:2:1: LS300 invalid YAML: while scanning for the next token found character that cannot start any token (a tab). Indent with spaces, not tabs.",
                "agency.yml:2:8: LS300 invalid YAML: aliases (*name) are not allowed; write the value out in full",
                "agency.yml:1: LS300 the file is not UTF-8 (byte 0xe3). Save it as UTF-8.",
                "agency.yml: LS300 the file is 52,428,800 bytes; files larger than 2,097,152 bytes are refused",
                "agency.yml:5:19: LS300 invalid YAML: '2026-02-30' is not a real date (day is out of range for month); write YYYY-MM-DD",
                "agency.yml:9:25: LS300 invalid YAML: the number has 5000 digits, too many to read (quote it to keep it as text)",
            ),
        ),
        Code(
            FindingCode.NO_SUCH_ADDRESS,
            Severity.ERROR,
            "Address does not exist",
            "A change, protection or reference targets an address that does not exist. A change is "
            "never silently skipped.",
            "Use the suggested address, or list them with 'lstoolkit addresses'.",
            examples=(
                "agency.yml:4:13: LS301 'mechanisms/steering-bodies' does not exist (in the prototype and the layers above this one). Did you mean 'mechanisms/steering-body'?",
                "agency.yml:5:10: LS301 the content asks for no value named 'facilitator_position'. Did you mean 'facilitator_positions'?",
            ),
        ),
        Code(
            FindingCode.SCHEMA,
            Severity.ERROR,
            "File does not match the schema",
            "An unknown key, a wrong type, a missing required key, a change with no or two actions, "
            "a value the content declares a number (values.yml, 'type: number') written in words, or a "
            "date or time that is not one (a session's date is YYYY-MM-DD, its times HH:MM on the 24-hour clock).",
            "Fix the key or value at the line given; editors validate with the published schema.",
            examples=(
                "agency.yml:3:1: LS302 unknown key 'chagnes' in the file. Did you mean 'changes'?",
                'agency.yml:3:10: LS302 version must be text, not the number 2026.1. Quote it: "2026.1".',
                "agency.yml:9:26: LS302 the value 'facilitator_positions' is a number, not 'six'. Write it in digits, e.g. 'facilitator_positions: 12'.",
                "agency.yml:4:5: LS302 a change has 2 actions (remove, replace); write one change for each",
                "agency.yml:2:9: LS302 agency name contains '<' or '>', which names, terms and titles may not. Write 'less than' or 'greater than', or use the quotation marks ‹ ›.",
                "agency.yml:3:14: LS302 agency short_name contains the control character U+000D. Delete it (it is invisible in most editors; retype the line).",
                "agency.yml:12:11: LS302 changes #3 id must be one line. Remove the line break (write it on one line, without '|').",
                "agency.yml:6:3: LS302 the term '--' must begin and end with a letter or digit. Terms rename whole words, e.g. 'Learning Supports Facilitator: Learning Supports Coach'.",
                "agency.yml:4:10: LS302 version '../x' cannot name a published version. Use letters, digits, dots and hyphens, starting with a letter or digit, e.g. \"2026.1\".",
                "agency.yml:6:19: LS302 adopted date 'next spring' is not a date. Write the day as YYYY-MM-DD, e.g. 2026-06-10.",
                "agency.yml:41:13: LS302 the date of session 'washington-elementary', 'next Tuesday', is not a date. Write the day as YYYY-MM-DD, e.g. 2027-01-12.",
                "agency.yml:42:14: LS302 the start time of session 'washington-elementary', '3pm', is not a time. Write it as HH:MM on the 24-hour clock, e.g. start: 15:00.",
                "agency.yml:14:7: LS302 an added or replaced item cannot set 'source': what an agency writes is cited as its own. Remove 'source:'; the site cites the agency for this item.",
            ),
        ),
        Code(
            FindingCode.BROKEN_CHAIN,
            Severity.ERROR,
            "Broken chain of layers",
            "An 'extends' cycle, a missing parent, or a path (or a link) leading outside the project.",
            "Point 'extends' at an existing file inside the project.",
            examples=(
                "agency.yml:1:10: LS303 'extends: ../../etc/passwd' leads outside the project (/home/sps/toolkit). Keep files inside the project, or widen the project root (--root).",
                "other.yml:1:10: LS303 'extends' forms a cycle: agency.yml -> other.yml -> agency.yml. Remove one of the links.",
                "agency.yml: LS303 'agency.yml' is a link to a file outside the project (/home/sps/toolkit). Use a file inside the project, or widen the project root (--root).",
            ),
        ),
        Code(
            FindingCode.DUPLICATE_ID,
            Severity.ERROR,
            "Duplicate id",
            "Two items of a collection, two entries of a list, or two sessions of an agency file share an id.",
            "Rename one of them.",
            examples=(
                "content/mechanisms.yml:12:5: LS304 duplicate id 'team' (item of mechanisms). Ids must be unique: rename one of them.",
                "agency.yml:52:9: LS304 two sessions have the id 'washington-elementary'. Give each session its own id: it names its sheet, introductory-session-<id>.pdf.",
            ),
        ),
        Code(
            FindingCode.TEMPLATE_ERROR,
            Severity.ERROR,
            "Template error",
            "A page or handout template (an override in overrides/lstoolkit/, or a bundled one) "
            "cannot be rendered.",
            "Fix the template at the line given, or remove the override.",
            examples=(
                "overrides/lstoolkit/home.md.j2:3: LS305 template error: access to attribute '__class__' of 'str' object is unsafe.",
                "overrides/lstoolkit/home.md.j2:4: LS305 template error: the power 1000 is larger than 64",
                "overrides/lstoolkit/home.md.j2:3: LS305 template error: a macro or include calls itself without end",
            ),
        ),
        Code(
            FindingCode.UNSAFE_FILE,
            Severity.ERROR,
            "Unsafe file or reference refused",
            "A logo, an override template or a handout refers to something outside what it may "
            "use: an SVG logo with a script, an event handler or a link to another file or address; "
            "a file that is not the type its name says; a link (symlink) out of the project; a "
            "handout asking for a web address or a file. Nothing is fetched or read.",
            "Export the logo again as a plain SVG, PNG or JPEG; copy linked files into the project; "
            "remove web addresses and file paths from override templates.",
            examples=(
                "agency.yml:6:9: LS306 the SVG logo has a <script> element. Export the logo again as a plain SVG without scripts or links, or use a PNG.",
                "overrides/lstoolkit/handouts/design-document.html.j2: LS306 the handout 'design-document' asks for 'http://example.org/a.png'; handouts use only their own files and the logo",
                "overrides/lstoolkit/home.md.j2: LS306 the override template is a link to a file outside the project",
            ),
        ),
        Code(
            FindingCode.LIMIT_EXCEEDED,
            Severity.ERROR,
            "Limit exceeded",
            "A customization file has more changes or terms, or longer texts or terms, than lstoolkit "
            "accepts (10,000 changes, 10,000 terms, 100 characters a term, 20,000 characters a text), "
            "or terms that grow as layers rename each other's words. The limits keep a small file "
            "from making a build run for hours.",
            "Split the adaptation over layers, shorten the text, or check that the file is the right one.",
            examples=(
                "agency.yml:9:1: LS307 the file has 12,000 changes; at most 10,000 are allowed",
                "agency.yml:4:3: LS307 the term 'Coach' grows to 412 characters through the layers that extend it; at most 300 are allowed",
            ),
        ),
        Code(
            FindingCode.READER_LEAK,
            Severity.WARNING,
            "Text a reader should not see",
            "A built page or PDF shows something meant for the machinery, not the reader: "
            "Markdown or table syntax as text, template syntax or an unfilled placeholder, doubled "
            "punctuation, a reference to a page of the printed source ('previous page', 'the "
            "above'), an appendix or exhibit the toolkit does not have, or a bare web address.",
            "Fix the content, the override template or the section named in the message.",
            examples=(
                "site/documents/mou/index.html:212: LS401 table-markup: '| Task | DECISION |' shows table syntax as text",
            ),
        ),
    )
}
