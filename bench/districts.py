"""A state and N districts extending it, for the roll-up benchmark of bench/run.py.

    .venv/bin/python bench/districts.py OUT_DIR N [--seed S]

Writes a self-contained tree in the layout of ``examples/state/``: the example state copied to
``OUT_DIR/state/agency.yml`` with its ``sections/``, and N districts, each in
``OUT_DIR/state/districts/<slug>/agency.yml`` with ``extends: ../../agency.yml`` (and, for some,
their own ``sections/``). Then ``lstoolkit rollup OUT_DIR/state/agency.yml`` finds them by itself.

The districts vary as the hand-written ones of ``examples/state/districts/`` do, and use only what
those use: about a third adopted (with the resolution and the work group's dated sign-off), the
rest drafts; one in 50 broken by a typo in an address (LS301, as maple-grove); one in 10
removing an essential element (LS101, as oakdale); one in 10 removing the council the state
protects, with ``accept: [LS102]`` (as harbor-city); some renaming a term (as cedar-falls) or
writing their own sections (as riverton). Seeded: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_STATE = ROOT / "examples" / "state"

TOWNS = (
    "Ashford",
    "Bellmont",
    "Briar Creek",
    "Cedar Ridge",
    "Clearwater",
    "Cold Spring",
    "Deer Park",
    "Eastbrook",
    "Elm Grove",
    "Fairview",
    "Fox Hollow",
    "Glenwood",
    "Granite Falls",
    "Hartwell",
    "Hazel Dell",
    "Highland",
    "Ironton",
    "Juniper",
    "Kingsley",
    "Lakeside",
    "Laurel",
    "Linden",
    "Millbrook",
    "Mill Creek",
    "Northfield",
    "Oak Hill",
    "Orchard Park",
    "Pine Bluff",
    "Pleasant Valley",
    "Prairie View",
    "Quarry",
    "Redwood",
    "Ridgeway",
    "Rock Springs",
    "Sandy Point",
    "Shady Grove",
    "Silver Lake",
    "Stonebridge",
    "Sugar Hill",
    "Summit",
    "Sycamore",
    "Thornton",
    "Union City",
    "Valley Forge",
    "Walnut Creek",
    "Westbury",
    "Willow Bend",
    "Windham",
    "Woodland",
    "Yorktown",
)
PREFIXES = ("", "North ", "South ", "East ", "West ", "New ", "Upper ", "Lower ")
KINDS = (
    ("Public Schools", "PS"),
    ("School District", "SD"),
    ("Unified School District", "USD"),
    ("Community Schools", "CS"),
)
PEOPLE = (
    "Angela Whitfield",
    "Daniel Okafor",
    "Rosa Delgado",
    "Priya Raman",
    "George Lindqvist",
    "Kevin Marsh",
    "Linda Paulsen",
    "Janelle Brooks",
    "Omar Haddad",
    "Maria Esposito",
    "Paul Henning",
    "Helen Park",
    "Luis Ortega",
    "Mary Chen",
    "Samuel Adeyemi",
    "Grace Kowalski",
    "Tomás Rivera",
    "Aisha Rahman",
)
ROLES = (
    "Assistant Superintendent for Student Services",
    "Director of Student Services",
    "Chair, District Parent Advisory Council",
    "Principal, {town} High School",
    "President, {town} Education Association",
    "Director of Special Education",
)
BODIES = ("Board of Education", "Board of Trustees", "School Board")
WORK_GROUPS = (
    "Learning Supports Design Team",
    "Student Supports Work Group",
    "Learning Supports Work Group",
)
WHEN = ("pre-implementation", "implementation")
TERMS = (
    ("Learning Supports Facilitator", "Student Supports Coordinator"),
    ("Steering Committee", "Learning Supports Steering Committee"),
)

#: A section of the district's own per design part (as riverton's and cedar-falls'), {town} filled in.
SECTIONS = {
    "design/imperative": (
        "{town}'s schools already spend a large share of their budget on supports for students who\n"
        "struggle: counselors, nurses, attendance outreach and after-school tutoring. Each grew up on\n"
        "its own grant and answers to a different office, and families are sent from one office to the\n"
        "next.\n\n"
        "**{town} needs one unified system of learning supports, planned and led as seriously as\n"
        "instruction**, so that every student has an equal opportunity to succeed at school.\n"
    ),
    "design/intervention-framework": (
        "The system works as a continuum: promoting healthy development and preventing problems for every\n"
        "student, responding early when a problem appears, and giving intensive help to the few who need\n"
        "it. Each school in {town} maps what it already has against this framework in its first year.\n"
    ),
    "design/infrastructure": (
        "The Director of Student Services leads the component at cabinet level. A district steering\n"
        "committee meets each quarter; each school forms a learning supports leadership team that meets\n"
        "every two weeks and reports to its principal.\n"
    ),
    "design/policy": (
        "The {body} adopts the recommendations of the State Board of Education:\n\n"
        "1. Learning supports are one of three primary components of every school improvement plan.\n"
        "2. Existing student support funds are redeployed into the component before new funds are sought.\n"
        "3. The component reports each year on the state's learning supports indicators.\n"
    ),
}


def generate(out_dir: Path, count: int, *, seed: int = 2026) -> tuple[Path, Path]:
    """Write the state and ``count`` districts under ``out_dir``; return the state's file and the
    districts' folder. ``out_dir/state`` is replaced if it exists."""
    state_dir = out_dir / "state"
    if state_dir.exists():
        shutil.rmtree(state_dir)
    state_dir.mkdir(parents=True)
    shutil.copy(EXAMPLE_STATE / "agency.yml", state_dir / "agency.yml")
    shutil.copytree(EXAMPLE_STATE / "sections", state_dir / "sections")
    districts = state_dir / "districts"
    districts.mkdir()
    rng = random.Random(seed)
    for number, (town, kind, letters) in enumerate(_names(rng, count)):
        folder = districts / _slug(f"{town} {kind}")
        folder.mkdir()
        data, sections, comment = district(rng, number, town, kind, letters)
        for address, text in sections.items():
            path = folder / data["sections"][address]
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _write(folder / "agency.yml", data, comment)
    return state_dir / "agency.yml", districts


def district(
    rng: random.Random, number: int, town: str, kind: str, letters: str
) -> tuple[dict[str, Any], dict[str, str], str]:
    """The ``number``-th district's file, its own sections (address -> Markdown) and the comment
    on its first line."""
    short = "".join(word[0] for word in town.split() if word[0].isalpha()) + letters
    body = rng.choice(BODIES)
    broken = number % 50 == 17
    adopted = not broken and rng.random() < 0.35
    removes_element = not broken and number % 10 == 3
    removes_protected = not broken and number % 10 == 6
    domain = _slug(town).replace("-", "") + ".example.org"

    data: dict[str, Any] = {
        "extends": "../../agency.yml",
        "agency": {"name": f"{town} {kind}", "short_name": short, "level": "district"},
    }
    if rng.random() < 0.8:
        data["agency"]["contact"] = (
            f"{rng.choice(('supports', 'studentservices', 'learningsupports'))}@{domain}"
        )
    year = rng.choice((2026, 2027))
    data["version"] = f"{year}.{rng.randint(1, 3)}"
    data["status"] = "adopted" if adopted else "draft"
    data["deciding_body"] = body
    people = rng.sample(PEOPLE, 3)
    if adopted or rng.random() < 0.4:
        data["work_group"] = rng.choice(WORK_GROUPS)
        members = people if adopted else people[: rng.randint(1, 2)]
        data["sign_off"] = []
        for k, person in enumerate(members):
            member = {"name": person, "role": rng.choice(ROLES).format(town=town)}
            if adopted or k == 0:  # a draft's later members have not signed yet (as cedar-falls)
                member["date"] = f"{year}-{rng.randint(1, 9):02d}-{10 + k:02d}"
            data["sign_off"].append(member)
    if adopted:
        month = rng.randint(10, 12)
        data["adopted"] = {
            "date": f"{year}-{month}-{rng.randint(1, 28):02d}",
            "by": body,
            "resolution": f"Resolution {year}-{rng.randint(1, 60)}",
        }

    own = [a for a in SECTIONS if rng.random() < (0.5 if adopted else 0.15)]
    sections = {a: SECTIONS[a].format(town=town, body=body) for a in own}
    if own:
        data["sections"] = {a: f"sections/{a.split('/', 1)[1]}.md" for a in own}
    if rng.random() < 0.2:
        term, local = rng.choice(TERMS)
        data["terms"] = {term: local}
    values: dict[str, Any] = {}
    if rng.random() < 0.8:
        values["facilitator_positions"] = rng.randint(2, 24)
    values["superintendent"] = "Dr. " + rng.choice(PEOPLE)
    if rng.random() < 0.6:
        values["director_of_student_supports"] = people[0]
    data["values"] = values

    changes: list[dict[str, Any]] = []
    decided = data.get("work_group") or "Superintendent's cabinet"
    if removes_element:
        changes.append(
            {
                "remove": "elements/capacity-building",
                "why": "Professional development is planned by the curriculum office; the component will not run its own.",
                "when": "pre-implementation",
                "planned": "proactive",
                "decided_by": "Superintendent's cabinet",
            }
        )
    if removes_protected:
        changes.append(
            {
                "remove": "mechanisms/leadership-council",
                "why": f"{town} has one high school and its feeder schools; the steering committee takes on the council's role.",
                "accept": ["LS102"],
                "when": "pre-implementation",
                "planned": "proactive",
                "decided_by": "Superintendent's cabinet",
            }
        )
    pool = [
        {
            "add": "mechanisms/steering-body/functions",
            "id": "reviews-attendance-data",
            "text": "reviews attendance and referral data from every school each quarter",
            "why": "Chronic absence is the district's first concern.",
            "planned": "proactive",
            "decided_by": decided,
        },
        {
            "replace": "mechanisms/planning-team/process",
            "text": "Meets monthly through the school year, with one full-day retreat each June to plan the next year.",
            "why": "Monthly meetings fit the district's calendar of early-release days.",
            "when": rng.choice(WHEN),
            "planned": "proactive",
            "decided_by": decided,
        },
        {
            "add": "mechanisms/implementation-team/functions",
            "id": "reports-to-the-board",
            "text": f"reports twice a year to the {body} on the component's progress",
            "why": f"The {body} asked for a report each semester.",
            "planned": "reactive",
            "decided_by": body,
        },
        {
            "add": "mechanisms/steering-body/functions",
            "id": "convenes-feeder-schools",
            "text": "convenes the principals of the high school and its feeder schools each quarter",
            "why": "Principals asked for one meeting where the feeder pattern plans together.",
            "planned": "proactive",
        },
    ]
    if not removes_element:
        pool.append(
            {
                "add": "elements/capacity-building/facets",
                "id": "paraprofessional-coaching",
                "title": "Coaching for paraprofessionals",
                "text": "Paraprofessionals who support students in classrooms join the component's on-the-job coaching each month.",
                "why": "Paraprofessionals handle much of the first response to students who struggle.",
                "when": "pre-implementation",
                "planned": "proactive",
                "decided_by": decided,
            }
        )
    changes += rng.sample(pool, rng.randint(1, 3))
    if broken:  # a typo in an address, as maple-grove's: LS301
        changes.append(
            {
                "replace": "mechanisms/planing-team/process",
                "text": "Meets every three weeks, alternating between the two high school feeder patterns.",
                "why": "The district has two feeder patterns with different calendars.",
            }
        )
    data["changes"] = changes

    if broken:
        comment = f"{town}'s file has a typo in an address ('planing-team'): the chain cannot be resolved (LS301)."
    elif removes_element:
        comment = f"{town} removes an essential element (LS101) and has not accepted the finding."
    elif removes_protected:
        comment = f"{town} removes the council the state protects, after review (accept: [LS102])."
    elif adopted:
        comment = f"{town} adopted its design: the work group signed off, the {body} voted."
    else:
        comment = f"{town} is still drafting: the {body} has not voted."
    return data, sections, comment


def _names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """``count`` distinct districts: town, kind of district and its letters (numbered towns
    beyond the combinations of the word lists)."""
    combos = [(f"{p}{t}", k, letters) for p in PREFIXES for t in TOWNS for k, letters in KINDS]
    picked = rng.sample(combos, min(count, len(combos)))
    picked += [(f"Town {k + 1}", "School District", "SD") for k in range(count - len(picked))]
    return picked


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _write(path: Path, data: dict[str, Any], comment: str) -> None:
    header = "# yaml-language-server: $schema=../../../../lstoolkit/agency.schema.json\n"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)
    path.write_text(f"{header}# {comment}\n{text}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="the folder to write into (OUT/state/...)")
    parser.add_argument("count", type=int, help="how many districts")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    state, districts = generate(args.out, args.count, seed=args.seed)
    print(f"{state}\n{districts} ({args.count} districts)")


if __name__ == "__main__":
    main(sys.argv[1:])
