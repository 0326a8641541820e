"""The reviewer's diff in Markdown is valid for any text: rendered by python-markdown with the
site's extensions, every entry stays in its list item, every text stays text, and the words
shown are exactly the old and the new text.

Both renderings are checked: ``lstoolkit diff --format markdown`` (a pull-request comment) and
the site's What changed page (the ``changes.md.j2`` template).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from lstoolkit.adapt import adapt
from lstoolkit.check import check_adapted
from lstoolkit.diff import (
    EntryChange,
    ItemChange,
    Replacement,
    SemanticDiff,
    TextChange,
    normalise,
    word_diff,
)
from lstoolkit.diff_formats import format_diff
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.render import Page, SiteRenderer, page_environment

ROOT = Path(__file__).parent.parent
#: The extensions of the example site's and of a new project's mkdocs.yml.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details"]
#: What the diff itself may produce; anything else came from a text read as Markdown.
ALLOWED = {"root", "h1", "h2", "h3", "p", "ul", "li", "strong", "code", "del", "ins"}

#: Characters that mean something in Markdown, HTML or one of the extensions, and plain ones.
SPECIALS = "#-+*_`[]()<>&!?~:|={}\\'\".1 \n"
word = st.text(
    alphabet=st.sampled_from(list("abcXYZ" + SPECIALS.replace(" ", "").replace("\n", ""))),
    min_size=1,
    max_size=6,
)
paragraph = st.lists(word, min_size=1, max_size=3).map(" ".join)
#: At most 9 words: short enough that no unchanged words are left out ("…").
text = st.lists(paragraph, min_size=1, max_size=3).map(lambda ps: "\n\n".join(ps))


def render(source: str) -> ET.Element:
    html = markdown.markdown(source, extensions=EXTENSIONS)
    return ET.fromstring(f"<root>{html}</root>")


def words_of(element: ET.Element, *, without: str) -> str:
    """The text of ``element`` (not of its nested lists, nor of ``without`` elements), one space
    between words."""

    def texts(node: ET.Element) -> list[str]:
        out = [node.text or ""]
        for child in node:
            if child.tag not in (without, "ul"):
                out += texts(child)
            out.append(child.tail or "")
        return out

    return " ".join("".join(texts(element)).replace("¶", " ").split())  # ¶: a break one side has


def flat(text: str) -> str:
    return " ".join(normalise(text).split())


def hand_made(old: str, new: str, line: str) -> SemanticDiff:
    """A diff whose every user text is drawn: a reworded and an added entry, a finding, a term,
    a replacement."""
    address = "mechanisms/steering-body/functions/x"
    return SemanticDiff(
        old_label="v1",
        new_label="v2",
        changed=(TextChange(address, old, new),),
        terms=(TextChange("Steering Body", old, new),),
        findings_new=(line,),
        items=(
            ItemChange(
                "mechanisms/steering-body",
                "changed",
                line,
                changes=(
                    EntryChange(address, "reworded", old, new, word_diff(old, new)),
                    EntryChange(address + "-new", "added", "", new),
                ),
            ),
        ),
        replacements=(Replacement(line, line, (address,)),),
    )


def check_structure(body: ET.Element, old: str, new: str, line: str) -> None:
    """The sections as lists with one item per entry, and each entry's words exactly."""
    assert {e.tag for e in body.iter()} <= ALLOWED, ET.tostring(body, encoding="unicode")
    lists = [e for e in body if e.tag == "ul"]
    assert [len(ul.findall("li")) for ul in lists] == [4, 1, 1, 1, 1], ET.tostring(
        body, encoding="unicode"
    )
    summary, finding, term, replacement, items = lists
    assert words_of(finding[0], without="del") == flat(line)
    assert words_of(term[0], without="del") == flat(f"Steering Body: {new}")
    assert words_of(term[0], without="ins") == flat(f"Steering Body: {old}")
    item = items[0]
    assert words_of(item, without="del") == flat(f"changed mechanisms/steering-body: {line}")
    entries = item.find("ul")
    assert entries is not None and len(entries.findall("li")) == 2
    reworded, added = entries.findall("li")
    assert words_of(reworded, without="del") == flat(f"functions/x: {new}")
    assert words_of(reworded, without="ins") == flat(f"functions/x: {old}")
    assert words_of(added, without="del") == flat(f"added functions/x-new: {new}")


@pytest.fixture(scope="module")
def site() -> SiteRenderer:
    tree = load_content()
    adapted = adapt(tree, read_chain(ROOT / "examples/state/agency.yml", root=ROOT))
    return SiteRenderer(adapted, check_adapted(adapted), page_environment())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=text, new=text, line=text)
@example(old="< 1", new="<1", line="1")  # a space only one side has between two kept words
def test_any_text_stays_in_its_list_item(site: SiteRenderer, old: str, new: str, line: str) -> None:
    assume(flat(old) != flat(new))
    diff = hand_made(old, new, line)
    comment = render(format_diff(diff, "markdown"))
    assert comment[0].tag == "h3"
    check_structure(comment, old, new, line)
    site.changes = diff
    page = render(site.render(Page("changes.md", "changes.md.j2", {})))
    assert page[0].tag == "h1"
    check_structure(page, old, new, line)


@pytest.mark.parametrize("case", ["paragraphs-and-markup", "revision-2027", "term-rename"])
def test_golden_cases_render_one_list_item_per_entry(case: str) -> None:
    expected = (ROOT / "tests" / "cases" / "diff" / case / "expected.md").read_text(
        encoding="utf-8"
    )
    body = render(expected)
    assert {e.tag for e in body.iter()} <= ALLOWED
    listed = [line for line in expected.splitlines() if line.startswith("- ")]
    assert len(listed) == sum(len(ul.findall("li")) for ul in body if ul.tag == "ul")
    nested = [line for line in expected.splitlines() if line.startswith("    - ")]
    assert len(nested) == sum(
        len(ul.findall("li")) for li in body.iter("li") for ul in li.findall("ul")
    )


def test_multi_paragraph_text_stays_inside_its_item() -> None:
    old = "Meets every two weeks.\n\n- Drafts are *shared* before meetings.\n\n# Agenda"
    new = "Meets every three weeks.\n\n- Drafts are shared before meetings.\n\n# Agenda first"
    body = render(format_diff(hand_made(old, new, "1. one\n\n!!! note"), "markdown"))
    items = [e for e in body if e.tag == "ul"][-1]
    reworded = items[0].find("ul")[0]  # type: ignore[index]
    assert [p.tag for p in reworded] == ["p", "p", "p"]  # three paragraphs, none a list or heading
    assert (
        ET.tostring(reworded[0], encoding="unicode")
        .rstrip()
        .endswith("every <del>two</del><ins>three</ins> weeks.</p>")
    )


@settings(max_examples=300, deadline=None)
@given(old=text | st.text(), new=text | st.text())
def test_the_word_diff_gives_back_both_texts(old: str, new: str) -> None:
    words = word_diff(old, new)
    assert "".join(w.text for w in words if w.op != "+") == normalise(old)
    assert "".join(w.text for w in words if w.op != "-") == normalise(new)
    assert all(w.text for w in words) and all(
        a.op != b.op for a, b in zip(words, words[1:], strict=False)
    )
