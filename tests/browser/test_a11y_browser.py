"""Accessibility beyond the page's first state: the keyboard at four widths, the navigation drawer,
search, and colour contrast on hover, on focus, with search open and with the drawer open; axe in
each of those states. On every page of the three example sites.

axe sees a page as it loads; these tests drive the states a keyboard or screen-reader user reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent
SITES = {
    "district": ROOT / "mkdocs.yml",
    "state": ROOT / "tests/sites/state/mkdocs.yml",
    "school": ROOT / "tests/sites/school/mkdocs.yml",
}
WIDTHS = (320, 768, 1024, 1280)
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], str]
) -> dict[str, tuple[str, list[str]]]:
    """Each example site, built without handouts (not needed here): base URL and its pages."""
    built = {}
    for name, config_file in SITES.items():
        site = tmp_path_factory.mktemp(f"{name}-site")
        config = load_config(str(config_file), site_dir=str(site), strict=True)
        config.plugins["lstoolkit"].config.handouts = False
        build(config)
        pages = sorted(
            str(p.parent.relative_to(site)).replace(".", "") for p in site.rglob("index.html")
        )
        built[name] = (serve(site), [p + "/" if p else "" for p in pages if "search" not in p])
    return built


@pytest.fixture()
def narrow(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


#: Every element the Tab key can reach, focused in turn: it must be in the viewport, not under
#: another element, and show an outline (or a box shadow) while focused, an outline with 3:1
#: contrast against the background around it.
FOCUS_CHECK = """() => {
  const reachable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden');
  const problems = [];
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
  // The colour around the element (its outline is drawn outside it): its ancestors'
  // backgrounds, translucent ones laid over those below, on a white page.
  const background = e => {
    const layers = [];
    for (let n = e.parentElement; n; n = n.parentElement) layers.push(rgb(getComputedStyle(n).backgroundColor));
    return layers.reverse().reduce((below, c) => {
      const a = c.length > 3 ? c[3] : 1;
      return [0, 1, 2].map(i => c[i] * a + below[i] * (1 - a));
    }, [255, 255, 255]);
  };
  for (const e of reachable) {
    const style = getComputedStyle(e);
    if (style.display === 'none' || style.visibility === 'hidden' || !e.getClientRects().length) continue;
    e.focus();
    if (document.activeElement !== e) continue;  // not focusable after all (e.g. inert)
    const r = e.getBoundingClientRect();
    const name = (e.getAttribute('aria-label') || e.textContent || e.id || e.tagName).trim().slice(0, 40);
    if (r.width < 1 || r.height < 1 || r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) {
      problems.push(`${name}: off screen at ${Math.round(r.left)},${Math.round(r.top)}`); continue;
    }
    const x = Math.min(Math.max(r.left + Math.min(r.width, 8) / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (!top || !(top === e || e.contains(top) || top.contains(e))) {
      problems.push(`${name}: covered by ${top ? top.className || top.tagName : 'nothing'}`); continue;
    }
    const focused = getComputedStyle(e);
    if ((focused.outlineStyle === 'none' || parseFloat(focused.outlineWidth) < 1) && focused.boxShadow === 'none') {
      problems.push(`${name}: no focus indicator`);
    } else if (focused.outlineStyle !== 'none') {
      const ratio = contrast(rgb(focused.outlineColor), background(e));
      if (ratio < 3) problems.push(`${name}: focus outline ${ratio.toFixed(2)}:1 against its background`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_control_the_keyboard_reaches_is_visible_and_shows_focus(
    sites: dict[str, tuple[str, list[str]]], browser: Browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    failures = []
    for name, (base, pages) in sites.items():
        for path in pages:
            page.goto(base + path)
            page.wait_for_timeout(50)
            failures += [f"{name}/{path} at {width}px: {p}" for p in page.evaluate(FOCUS_CHECK)]
    context.close()
    assert failures == [], f"{len(failures)} problems, e.g. {failures[:8]}"


def focused(page: Page) -> dict[str, object]:
    facts = page.evaluate(
        """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
        return {name: (e.getAttribute('aria-label') || e.textContent).trim(), role: e.getAttribute('role'),
                expanded: e.getAttribute('aria-expanded'), inDrawer: !!e.closest('.md-sidebar--primary'),
                visible: r.width > 0 && r.left >= 0 && r.left < innerWidth}; }"""
    )
    assert isinstance(facts, dict), facts
    return facts


def test_the_drawer_opens_and_closes_with_the_keyboard_and_holds_the_focus(
    sites: dict[str, tuple[str, list[str]]], narrow: Page
) -> None:
    page = narrow
    page.goto(sites["district"][0], wait_until="networkidle")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    assert focused(page) == {
        "name": "Navigation menu",
        "role": "button",
        "expanded": "false",
        "inDrawer": False,
        "visible": True,
    }
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.evaluate("() => document.getElementById('__drawer').checked")
    assert focused(page)["inDrawer"] and focused(page)["visible"]
    # Through the drawer: every stop inside it and visible; a section opens its panel.
    names = []
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if not now["inDrawer"]:
            break
        assert now["visible"], now
        names.append(now["name"])
    assert "Design document" in names and "Pages of Mechanisms" in names
    assert not page.evaluate(
        "() => document.getElementById('__drawer').checked"
    )  # Tab out closes it
    # A section's panel: Enter opens it, focus goes to its first control, the back arrow returns.
    page.keyboard.press("Shift+Tab")
    page.goto(sites["district"][0], wait_until="networkidle")
    page.locator("label.md-header__button[for='__drawer']").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    page.locator("label.md-nav__link[for='__nav_2']").focus()
    assert focused(page)["expanded"] == "false"
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert focused(page)["name"] == "Back from Design document" and focused(page)["visible"]
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "1. The imperative" and focused(page)["visible"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert focused(page)["name"] == "Design document" and focused(page)["expanded"] == "false"
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert focused(page)["name"] == "Navigation menu" and focused(page)["expanded"] == "false"


def test_search_is_a_named_dialog_and_announces_its_results(
    sites: dict[str, tuple[str, list[str]]], page: Page
) -> None:
    page.goto(sites["district"][0], wait_until="networkidle")
    dialog = page.locator(".md-search")
    assert (
        dialog.get_attribute("role"),
        dialog.get_attribute("aria-modal"),
        dialog.get_attribute("aria-label"),
    ) == ("dialog", "true", "Search")
    status = page.locator(".md-search-result__meta")
    assert (
        status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    )
    closed = "() => getComputedStyle(document.querySelector('.md-search__scrollwrap')).visibility"
    assert page.evaluate(closed) == "hidden"  # closed: no Tab stop
    page.locator(".md-search__input").click()
    page.wait_for_function(
        "() => !/initializing/i.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=90_000,
    )
    page.locator(".md-search__input").press_sequentially("steering")
    page.wait_for_function(
        "() => /\\d+ matching/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=90_000,
    )
    assert page.evaluate(closed) == "visible"
    results = AXE.run(page, options=WCAG).response["violations"]
    assert [v["id"] for v in results] == []
    assert CONTRAST_OK(page, ".md-search-result__meta")
    assert CONTRAST_OK(page, ".md-search-result mark")


#: The contrast of an element's text with the background it sits on (the first ancestor with an
#: opaque background colour), in its current state.
CONTRAST = """(selector) => {
  const e = document.querySelector(selector);
  if (!e) return null;
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  let back = e, bg = null;
  while (back) { const c = rgb(getComputedStyle(back).backgroundColor); if (c.length < 4 || c[3] > 0.9) { if (c.length < 4 || c[3] > 0.9) { bg = c; break; } } back = back.parentElement; }
  bg = bg || [255, 255, 255];
  const fgc = rgb(getComputedStyle(e).color);
  const a = fgc.length > 3 ? fgc[3] : 1;
  const fg = [0, 1, 2].map(i => fgc[i] * a + bg[i] * (1 - a));
  const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""


def CONTRAST_OK(page: Page, selector: str) -> bool:  # noqa: N802
    ratio = page.evaluate(CONTRAST, selector)
    assert ratio is not None, f"no {selector} on the page"
    assert ratio >= 4.5, f"{selector}: {ratio:.2f}:1"
    return True


def test_links_keep_their_contrast_on_hover_and_focus(
    sites: dict[str, tuple[str, list[str]]], page: Page
) -> None:
    page.goto(sites["district"][0] + "mechanisms/", wait_until="networkidle")
    for selector in (
        "article a[href^='steering']",
        "article .headerlink",
        "nav.md-nav--primary a.md-nav__link[href]",
    ):
        link = page.locator(selector).first
        link.hover()
        page.wait_for_timeout(400)  # the theme's colour transition
        assert CONTRAST_OK(page, selector + ":hover")
        link.focus()
        page.mouse.move(0, 0)
        page.wait_for_timeout(400)
        assert CONTRAST_OK(page, selector + ":focus")


def test_the_open_drawer_passes_axe_and_its_titles_keep_their_contrast(
    sites: dict[str, tuple[str, list[str]]], narrow: Page
) -> None:
    page = narrow
    for name in ("district", "state"):
        page.goto(sites[name][0] + "mechanisms/", wait_until="networkidle")
        page.locator("label.md-header__button[for='__drawer']").click()
        page.wait_for_timeout(400)
        assert [v["id"] for v in AXE.run(page, options=WCAG).response["violations"]] == []
        assert CONTRAST_OK(page, ".md-sidebar--primary .md-nav__title")


def test_the_404_page_has_its_own_title(
    sites: dict[str, tuple[str, list[str]]], page: Page
) -> None:
    page.goto(sites["district"][0] + "404.html")
    assert page.title().startswith("Page not found - ")


def test_a_site_built_without_mike_requests_no_versions_file(
    sites: dict[str, tuple[str, list[str]]], page: Page
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(sites["district"][0] + "mechanisms/", wait_until="networkidle")
    assert missing == []
