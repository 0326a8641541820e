"""The roll-up dashboard's charts: cumulative adoptions by month (or quarter), findings by
district count; their text equivalents, accessible names, escaping and plain, deterministic SVG."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import markdown
import pytest

from lstoolkit.charts import BAR_FILL, Chart, adoption_chart, findings_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {
    "LS101": "removes an essential element",
    "LS102": "renames a mechanism without saying so",
    "LS202": "adds a local element",
    "LS203": "replaces a prototype text",
}
COUNTS = {"LS202": 7, "LS203": 4, "LS101": 3, "LS102": 2}
#: 11 of 20 districts adopted, from March to November 2026.
SPREAD = [
    "2026-03-10",
    "2026-03-28",
    "2026-04-15",
    "2026-05-02",
    "2026-05-20",
    "2026-06-30",
    "2026-08-11",
    "2026-09-01",
    "2026-09-19",
    "2026-10-07",
    "2026-11-03",
    *[""] * 9,
]


def must(chart: Chart | None) -> Chart:
    assert chart is not None
    return chart


def parse(chart: Chart) -> ET.Element:
    """The chart's SVG, which must be well-formed XML with an <svg> root."""
    assert not chart.svg.startswith("<?xml")
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    return root


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"{SVG}g[@class='{name}']")
    assert found is not None, name
    return found


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}rect"))


def number(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def label(element: ET.Element) -> str:
    """The text of ``element``, which must have some."""
    assert element.text is not None, element.attrib
    return element.text


def samples() -> Iterator[Chart]:
    """Charts of several shapes, for the checks that hold for every chart."""
    yield must(adoption_chart(SPREAD, 20))
    yield must(adoption_chart(["2026-05-14"], 1))
    yield must(adoption_chart(["2024-01-15", "2026-12-01", "2027-01-01"], 1000))
    yield must(adoption_chart(["2026-05-01", "2026-05-02"], 2, until="2029-12-31"))
    yield must(findings_chart(COUNTS, LABELS))
    yield must(findings_chart({"LS101": 1234, "LS999": 0}, {"LS101": "a rather long label " * 6}))


# Adoption -----------------------------------------------------------------------------------------


def test_adoption_counts_districts_cumulatively_at_the_end_of_each_month() -> None:
    chart = must(adoption_chart(["2026-05-14", "2026-05-30", "", "2026-08-02"], 5))
    assert chart.headers == ("Month", "Districts adopted by the end of the month")
    assert chart.rows == (
        ("May 2026", "2"),
        ("June 2026", "2"),
        ("July 2026", "2"),
        ("August 2026", "3"),
    )
    assert (
        chart.caption
        == "Districts that have adopted their design document, by month, from May 2026 to August 2026."
    )
    root = parse(chart)
    rects = bars(root)
    assert [r.findtext(f"{SVG}title") for r in rects] == [
        "May 2026: 2 districts",
        "June 2026: 2 districts",
        "July 2026: 2 districts",
        "August 2026: 3 districts",
    ]
    # every bar stands on the axis, and its height is to the dashed line's as its count is to the total
    axis = root.find(f"{SVG}line[@class='axis']")
    total = root.find(f"{SVG}line[@class='total']")
    assert axis is not None and total is not None
    assert total.get("stroke-dasharray")
    full = number(axis, "y1") - number(total, "y1")
    for rect, count in zip(rects, (2, 2, 2, 3), strict=True):
        assert number(rect, "y") + number(rect, "height") == pytest.approx(
            number(axis, "y1"), abs=0.11
        )
        assert number(rect, "height") == pytest.approx(full * count / 5, abs=0.11)
    assert "all 5 districts" in texts(root)
    assert texts(group(root, "values")) == [
        "2",
        "2",
        "2",
        "3",
    ]  # the numbers are written, not only drawn


def test_until_extends_the_range_to_its_month() -> None:
    chart = must(adoption_chart(["2026-05-14", "2026-05-30", "2026-08-02"], 5, until="2026-10-01"))
    assert chart.rows[-3:] == (("August 2026", "3"), ("September 2026", "3"), ("October 2026", "3"))
    assert len(chart.rows) == 6
    desc = parse(chart).findtext(f"{SVG}desc")
    assert desc == f"{chart.caption} 3 of 5 districts had adopted by October 2026."


def test_adoptions_after_until_are_not_counted() -> None:
    chart = must(adoption_chart(["2026-05-14", "2026-07-02"], 5, until="2026-06-30"))
    assert chart.rows == (("May 2026", "1"), ("June 2026", "1"))
    assert adoption_chart(["2026-07-02"], 5, until="2026-06-30") is None


def test_a_single_month_is_named_once() -> None:
    chart = must(adoption_chart(["2026-05-14"], 1))
    assert chart.rows == (("May 2026", "1"),)
    assert chart.caption.endswith("by month, in May 2026.")
    assert "1 of 1 district had adopted by May 2026." in (parse(chart).findtext(f"{SVG}desc") or "")


def test_36_months_stay_months_and_37_are_grouped_by_quarter() -> None:
    months = must(adoption_chart(["2024-01-15", "2026-12-01"], 3))
    assert len(months.rows) == 36 and months.rows[0] == ("January 2024", "1")
    quarters = must(adoption_chart(["2024-01-15", "2024-05-01", "2027-01-01"], 3))
    assert quarters.headers == ("Quarter", "Districts adopted by the end of the quarter")
    assert quarters.rows[:2] == (("Q1 2024", "1"), ("Q2 2024", "2"))
    assert quarters.rows[-1] == ("Q1 2027", "3") and len(quarters.rows) == 13
    assert quarters.caption.endswith("by quarter, from Q1 2024 to Q1 2027.")
    assert bars(parse(quarters))[1].findtext(f"{SVG}title") == "Q2 2024: 2 districts"


def test_more_than_36_quarters_are_grouped_by_year() -> None:
    chart = must(
        adoption_chart(["2016-03-01", "2026-01-01"], 2)
    )  # a typo'd year must not draw 120 bars
    assert (
        chart.headers[0] == "Year"
        and chart.rows[0] == ("2016", "1")
        and chart.rows[-1] == ("2026", "2")
    )
    assert len(chart.rows) == 11
    with pytest.raises(ValueError, match="'0206-05-01' is more than 36 years before '2026-05-01'"):
        adoption_chart(["0206-05-01", "2026-05-01"], 2)


@pytest.mark.parametrize("span", [12, 30, 36])
def test_at_most_12_bars_are_labelled_the_last_always_and_every_bar_has_a_title(span: int) -> None:
    dates = [f"{2026 + m // 12}-{m % 12 + 1:02d}-01" for m in range(span)]
    root = parse(must(adoption_chart(dates, span)))
    rects = bars(root)
    assert len(rects) == span and all(r.findtext(f"{SVG}title") for r in rects)
    ticks = group(root, "ticks")
    positions = sorted({number(t, "y") for t in ticks.iter(f"{SVG}text")})
    month_row = [t for t in ticks.iter(f"{SVG}text") if number(t, "y") == positions[0]]
    assert 2 <= len(month_row) <= 12
    last = dates[-1]
    assert (
        month_row[-1].text
        == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
            int(last[5:7]) - 1
        ]
    )
    years = [label(t) for t in ticks.iter(f"{SVG}text") if number(t, "y") == positions[-1]]
    assert len(positions) == 2 and years == sorted(
        set(years)
    )  # each year named once, under its first label
    # labels and numbers do not run into each other (widths estimated at 0.6 em a character)
    for row in (month_row, list(group(root, "values").iter(f"{SVG}text"))):
        xs = [number(t, "x") for t in row]
        widest = max(len(t.text or "") for t in row) * 0.6 * 14
        assert all(b - a >= widest for a, b in zip(xs, xs[1:], strict=False))


def test_the_total_label_gets_its_own_row_when_a_full_bar_would_write_its_number_there() -> None:
    root = parse(must(adoption_chart(["2026-05-01", "2026-05-02"], 2, until="2026-06-30")))
    label = next(t for t in root.iter(f"{SVG}text") if t.text == "all 2 districts")
    numbers = list(group(root, "values").iter(f"{SVG}text"))
    assert numbers and all(number(label, "y") <= number(t, "y") - 14 for t in numbers)
    total = root.find(f"{SVG}line[@class='total']")
    assert total is not None
    assert [number(r, "y") for r in bars(root)] == [
        number(total, "y1")
    ] * 2  # full bars reach the line
    assert number(label, "y") < number(total, "y1")


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-30", "2026/05/01", "20260501", "May 2026", " 2026-05-01"]
)
def test_a_bad_date_is_refused_by_name(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        adoption_chart(["2026-05-01", bad], 5)
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        adoption_chart(["2026-05-01"], 5, until=bad)


def test_a_single_string_is_not_taken_for_a_list_of_dates() -> None:
    with pytest.raises(ValueError, match="'2026-05-01' is one string"):
        adoption_chart("2026-05-01", 5)


def test_a_total_below_the_adoptions_is_refused() -> None:
    with pytest.raises(ValueError, match="total"):
        adoption_chart(["2026-05-01", "2026-06-01"], 1)


def test_no_adoption_no_chart() -> None:
    assert adoption_chart([], 5) is None
    assert adoption_chart(["", ""], 5) is None
    assert adoption_chart(["", ""], 5, until="2026-01-01") is None


# Findings -----------------------------------------------------------------------------------------


def test_findings_in_the_order_given_with_their_numbers_written() -> None:
    chart = must(findings_chart(COUNTS, LABELS))
    assert chart.headers == ("Finding", "Districts")
    assert chart.rows == (
        ("adds a local element (LS202)", "7"),
        ("replaces a prototype text (LS203)", "4"),
        ("removes an essential element (LS101)", "3"),
        ("renames a mechanism without saying so (LS102)", "2"),
    )
    root = parse(chart)
    findings = root.findall(f"{SVG}g[@class='finding']")
    assert len(findings) == 4
    for finding, (name, count) in zip(findings, chart.rows, strict=True):
        *label, value = texts(finding)
        assert " ".join(label) == name and value == count
    widths = [number(r, "width") for r in bars(root)]
    assert [r.findtext(f"{SVG}title") for r in bars(root)] == [
        f"{n}: {c} districts" for n, c in chart.rows
    ]
    assert [w / widths[0] for w in widths] == pytest.approx([1, 4 / 7, 3 / 7, 2 / 7], abs=0.01)
    desc = root.findtext(f"{SVG}desc")
    assert (
        desc
        == f"{chart.caption} LS202 (adds a local element) is the most common finding, in 7 districts."
    )


def test_each_label_is_above_its_bar_and_starts_where_the_bar_does() -> None:
    root = parse(must(findings_chart(COUNTS, LABELS)))
    for finding in root.findall(f"{SVG}g[@class='finding']"):
        rect = finding.find(f"{SVG}rect")
        assert rect is not None
        label = finding.findall(f"{SVG}text")[:-1]
        assert all(
            number(t, "y") < number(rect, "y") and t.get("x") == rect.get("x") for t in label
        )


def test_ties_a_zero_and_a_code_without_a_label() -> None:
    chart = must(findings_chart({"LS101": 2, "LS999": 2, "LS102": 0}, LABELS))
    assert chart.rows[1:] == (
        ("LS999", "2"),
        ("renames a mechanism without saying so (LS102)", "0"),
    )
    root = parse(chart)
    assert len(bars(root)) == 2  # no bar for zero, but its number
    assert texts(root.findall(f"{SVG}g[@class='finding']")[2])[-1] == "0"
    assert (root.findtext(f"{SVG}desc") or "").endswith(
        "LS101 (removes an essential element) and LS999 are the most common findings, in 2 districts each."
    )


def test_no_finding_no_chart() -> None:
    assert findings_chart({}, LABELS) is None
    assert findings_chart({"LS101": 0, "LS102": 0}, LABELS) is None
    with pytest.raises(ValueError, match="-1"):
        findings_chart({"LS101": -1}, LABELS)


# Safety ---------------------------------------------------------------------------------------------


def test_a_label_is_shown_as_text_never_as_markup() -> None:
    label = '<script>alert("x")</script> & <a href="javascript:x">y</a>'
    chart = must(findings_chart({"LS101": 1}, {"LS101": label}))
    assert "<script" not in chart.svg and "<a " not in chart.svg
    root = parse(chart)
    assert not [
        e for e in root.iter() if e.tag.split("}")[-1] in ("script", "a", "foreignObject", "style")
    ]
    assert not [e for e in root.iter() if any(name.endswith("href") for name in e.attrib)]
    finding = root.find(f"{SVG}g[@class='finding']")
    assert finding is not None
    assert " ".join(texts(finding)[:-1]) == f"{label} (LS101)"
    assert chart.rows[0][0] == f"{label} (LS101)"  # the table is text too: the page escapes it


def test_a_label_stays_text_in_a_markdown_page() -> None:
    label = "*bold* _em_ `code` [link](http://example.org) :smile: {: .x } ==mark=="
    chart = must(findings_chart({"LS101": 1}, {"LS101": label}))
    html = markdown.markdown(chart.svg)
    assert not re.search(r"<(em|strong|code|a|mark)\b", html)
    assert label.split()[0] in "".join(ET.fromstring(chart.svg).itertext())


def test_control_characters_in_a_label_do_not_break_the_xml() -> None:
    chart = must(findings_chart({"LS101": 1}, {"LS101": "bad\x00\x1b label\n\tsplit"}))
    assert "bad label split (LS101)" in texts(parse(chart))
    assert chart.rows == (("bad label split (LS101)", "1"),)  # the table says what the chart shows


@pytest.mark.parametrize("chart", list(samples()), ids=lambda c: c.caption[:30])
def test_nothing_that_loads_or_runs(chart: Chart) -> None:
    assert "href" not in chart.svg and "@import" not in chart.svg
    root = parse(chart)
    for element in root.iter():
        assert element.tag.split("}")[-1] not in (
            "script",
            "foreignObject",
            "style",
            "image",
            "use",
            "a",
        )
        assert not any(name.endswith("href") or name.startswith("on") for name in element.attrib)
        assert "font-family" not in element.attrib  # the page's font is inherited


# Accessibility and look -------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", list(samples()), ids=lambda c: c.caption[:30])
def test_the_accessible_name_and_description(chart: Chart) -> None:
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert ids[title_id].tag == f"{SVG}title" and (ids[title_id].text or "").strip()
    assert ids[desc_id].tag == f"{SVG}desc" and (ids[desc_id].text or "").startswith(
        chart.caption + " "
    )
    assert chart.caption.endswith(".") and chart.caption.count(". ") == 0  # one sentence
    assert len(ids) == 2


def test_ids_are_fixed_per_kind_and_the_prefix_sets_them_apart() -> None:
    adoption, findings = must(adoption_chart(SPREAD, 20)), must(findings_chart(COUNTS, LABELS))
    assert (
        parse(adoption).get("aria-labelledby") == "ls-chart-adoption-title ls-chart-adoption-desc"
    )
    assert (
        parse(findings).get("aria-labelledby") == "ls-chart-findings-title ls-chart-findings-desc"
    )
    other = parse(must(adoption_chart(SPREAD, 20, id_prefix="north")))
    assert other.get("aria-labelledby") == "north-adoption-title north-adoption-desc"
    assert {e.get("id") for e in other.iter() if e.get("id")} == {
        "north-adoption-title",
        "north-adoption-desc",
    }
    assert (
        parse(must(findings_chart(COUNTS, LABELS, id_prefix="x1")))
        .get("aria-labelledby", "")
        .startswith("x1-")
    )
    for bad in ("", "1a", "a b", 'a"><script>'):
        with pytest.raises(ValueError, match="id_prefix"):
            adoption_chart(SPREAD, 20, id_prefix=bad)


def test_the_same_input_gives_the_same_bytes_and_short_numbers() -> None:
    assert must(adoption_chart(SPREAD, 20)).svg == must(adoption_chart(list(SPREAD), 20)).svg
    assert (
        must(findings_chart(COUNTS, LABELS)).svg
        == must(findings_chart(dict(COUNTS), dict(LABELS))).svg
    )
    for chart in samples():
        assert not re.search(r"\d\.\d\d", chart.svg)  # 1 decimal at most: no float noise
        assert not re.search(r'"-0"|\.0"', chart.svg)


@pytest.mark.parametrize("chart", list(samples()), ids=lambda c: c.caption[:30])
def test_it_scales_to_its_container_with_legible_text(chart: Chart) -> None:
    root = parse(chart)
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("preserveAspectRatio") == "xMinYMin meet"
    _, _, width, _ = (float(v) for v in (root.get("viewBox") or "").split())
    assert width <= 400  # so 12 units are at least about 10 px on a 320 px phone
    parents = {child: parent for parent in root.iter() for child in parent}

    def font_size(element: ET.Element) -> float:
        while element.get("font-size") is None:
            if element not in parents:
                return 16.0  # not set: the page's size, in px rather than units
            element = parents[element]
        return float(element.attrib["font-size"])

    text_elements = list(root.iter(f"{SVG}text"))
    assert text_elements and all(font_size(t) >= 12 for t in text_elements)
    assert all(font_size(t) == 14 for t in text_elements)  # about the page's text at 360 units


@pytest.mark.parametrize("chart", list(samples()), ids=lambda c: c.caption[:30])
def test_text_and_axes_follow_the_page_colour_and_bars_have_one_fill(chart: Chart) -> None:
    root = parse(chart)
    assert all(t.get("fill") == "currentColor" for t in root.iter(f"{SVG}text"))
    assert all(line.get("stroke") == "currentColor" for line in root.iter(f"{SVG}line"))
    assert {r.get("fill") for r in bars(root)} == {BAR_FILL}
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", chart.svg))
    assert colours == {BAR_FILL}


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("background", ["#ffffff", "#1e2129"])
def test_the_bar_colour_has_3_to_1_contrast_on_light_and_dark_pages(background: str) -> None:
    assert contrast(BAR_FILL, background) >= 3


@pytest.mark.parametrize("chart", list(samples()), ids=lambda c: c.caption[:30])
def test_centred_text_stays_inside_the_viewbox(chart: Chart) -> None:
    root = parse(chart)
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    for element in root.iter(f"{SVG}g"):
        if element.get("text-anchor") != "middle":
            continue
        for t in element.iter(f"{SVG}text"):
            half = len(t.text or "") * 0.6 * 14 / 2
            assert half <= number(t, "x") <= width - half, t.text
    assert all(0 < number(t, "y") <= height for t in root.iter(f"{SVG}text"))
