/* lstoolkit: keyboard and screen-reader fixes to the Material theme's own patterns.
 *
 * - The menu button and the drawer's back arrows are labels tied to hidden checkboxes, which a
 *   keyboard cannot reach: they become buttons (Tab, Enter, Space) with their state announced.
 * - Opening the drawer moves focus into it; Escape closes it and returns focus to the menu button.
 *   (The closed drawer is out of the tab order by CSS: visibility hidden.)
 * - The search dialog gets a name and aria-modal; the result count is a live region. (Closed, its
 *   result area is hidden by CSS, so it is no Tab stop.)
 */
(function () {
  "use strict";

  /* Below this width the navigation is a drawer of sliding panels (the theme's breakpoint). */
  var DRAWER = window.matchMedia("(max-width: 76.2344em)");
  var SLIDE = 260; /* ms: the theme's slide, after which a panel is visible */

  function asButton(label, name, onActivate, when) {
    if (label.dataset.lsButton) return;
    label.dataset.lsButton = "1";
    var original = label.getAttribute("tabindex");
    function apply() {
      var on = !when || when.matches;
      if (on) {
        label.setAttribute("role", "button");
        label.tabIndex = 0;
        if (name) label.setAttribute("aria-label", name);
      } else {
        label.removeAttribute("role");
        label.removeAttribute("aria-label");
        if (original === null) label.removeAttribute("tabindex");
        else label.setAttribute("tabindex", original);
      }
    }
    apply();
    if (when) when.addEventListener("change", apply);
    label.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && (!when || when.matches)) {
        event.preventDefault();
        event.stopPropagation(); /* the theme clicks focused labels on Enter too: once is enough */
        label.click();
        if (onActivate) window.setTimeout(onActivate, 0);
      }
    });
  }

  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("a[href], [role=button][tabindex='0'], input, select, button"),
      function (el) {
        return el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden" && !el.closest("[hidden]");
      }
    );
  }

  function focusLater(element) {
    window.setTimeout(function () { if (element) element.focus(); }, SLIDE);
  }

  function setUpDrawer() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector("label.md-header__button[for='__drawer']");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !button || !drawer) return;
    drawer.id = drawer.id || "ls-drawer";
    button.setAttribute("aria-controls", drawer.id);
    function sync() { button.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); }
    function close() {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
      sync();
    }
    asButton(button, "Navigation menu", function () {
      sync();
      if (toggle.checked) {
        window.setTimeout(function () { focusables(drawer)[0].focus(); }, SLIDE);
      }
    });
    toggle.addEventListener("change", sync);
    sync();
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        close();
        button.focus();
      }
    });
    /* The open drawer covers the page: leaving it with Tab closes it. */
    drawer.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (toggle.checked && DRAWER.matches && next && !drawer.contains(next) && next !== button) close();
    });
    /* A section of the drawer opens a panel: its label becomes a button, focus moves into the
       panel, and the panel's back arrow returns focus to the section. */
    Array.prototype.forEach.call(drawer.querySelectorAll("label.md-nav__link[for]"), function (label) {
      var section = document.getElementById(label.htmlFor);
      var item = label.closest("li");
      var panel = item && item.querySelector(":scope > .md-nav");
      if (!section || !panel) return;
      /* A section with a page of its own shows its link and, beside it, an arrow to its panel. */
      var link = label.parentElement.querySelector(":scope > a");
      var name = label.textContent.trim() ? "" : "Pages of " + (link ? link.textContent.trim() : "this section");
      var update = function () {
        if (DRAWER.matches) label.setAttribute("aria-expanded", section.checked ? "true" : "false");
        else label.removeAttribute("aria-expanded");
      };
      asButton(label, name, function () {
        update();
        if (section.checked) focusLater(focusables(panel)[0]);
      }, DRAWER);
      section.addEventListener("change", update);
      DRAWER.addEventListener("change", update);
      update();
    });
    Array.prototype.forEach.call(drawer.querySelectorAll("label.md-nav__title[for]"), function (back) {
      if (!back.querySelector(".md-nav__icon")) return;
      var text = back.textContent.trim();
      var opener = drawer.querySelector("label.md-nav__link[for='" + back.htmlFor + "']");
      asButton(back, text ? "Back from " + text : "Back", function () {
        if (back.htmlFor === "__drawer") button.focus();
        else focusLater(opener);
      }, DRAWER);
    });
  }

  function setUpSearch() {
    var search = document.querySelector(".md-search");
    if (!search) return;
    search.setAttribute("role", "dialog");
    search.setAttribute("aria-modal", "true");
    search.setAttribute("aria-label", "Search");
    var opener = document.querySelector("label.md-header__button[for='__search']");
    if (opener) asButton(opener, "Search");
    var meta = search.querySelector(".md-search-result__meta");
    if (meta) {
      meta.setAttribute("role", "status");
      meta.setAttribute("aria-live", "polite");
    }
  }

  function setUp() {
    setUpDrawer();
    setUpSearch();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
