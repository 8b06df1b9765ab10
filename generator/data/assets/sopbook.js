// sopbook: the print button of procedure pages, the print date on the printed copy, and wide tables
// that scroll from the keyboard.
// Without JavaScript the button is not shown (sopbook.css; the browser's own Print still uses the print layout).
(function () {
  "use strict";

  function stampPrintDate() {
    var lang = document.documentElement.lang || undefined;
    var today = new Date().toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" });
    document.querySelectorAll(".sopbook-print-date").forEach(function (element) {
      element.textContent = today;
    });
  }

  // Material wraps each table in a box that scrolls sideways; a wide table with no link in it could then
  // not be scrolled from the keyboard (axe: scrollable-region-focusable, on the wide report tables).
  function focusableScrollBoxes() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex") &&
          !box.querySelector("a[href], button, input, select, textarea, [tabindex]")) {
        box.tabIndex = 0;
      }
    });
  }

  function setUp() {
    document.querySelectorAll(".sopbook-print-button").forEach(function (button) {
      if (button.dataset.sopbookReady) return;
      button.dataset.sopbookReady = "1";
      button.addEventListener("click", function () { window.print(); });
    });
    stampPrintDate();
    focusableScrollBoxes();
  }

  window.addEventListener("beforeprint", stampPrintDate);
  // Material's instant navigation swaps pages without a new load: set up each page it shows.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
