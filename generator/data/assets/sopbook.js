// sopbook: the print button of procedure pages, the print date on the printed copy, wide tables that
// scroll from the keyboard, and the screenshots' lightbox, fetched when a reader reaches for a screenshot.
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
    if (lightbox) lightbox.reload();  // Material's instant navigation brought new screenshots
    document.querySelectorAll(".sopbook-print-button").forEach(function (button) {
      if (button.dataset.sopbookReady) return;
      button.dataset.sopbookReady = "1";
      button.addEventListener("click", function () { window.print(); });
    });
    // Both once the browser is idle, not while the page is being set up: the date's first formatting
    // loads the language's calendar data (34 ms of main-thread time measured on the demo's page, four
    // times that on Lighthouse's simulated phone), and reading the boxes' widths forces a layout. The
    // date is stamped again before printing, in case the reader prints before the browser was idle.
    idle(function () {
      stampPrintDate();
      focusableScrollBoxes();
    });
  }

  function idle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, { timeout: 1000 });
    else setTimeout(callback, 1);
  }

  // Screenshots open full size in glightbox's lightbox. The plugin leaves glightbox's script and
  // stylesheet out of the page (they held up its first paint and its first interaction) and names them,
  // with glightbox's options, in <script id="sopbook-lightbox" type="application/json">. They are fetched
  // when the reader points at, focuses or touches a screenshot; a click opens the lightbox once they are
  // there. From then on glightbox handles the clicks itself. Without JavaScript, the link opens the image.
  var lightbox = null;
  var lightboxLoading = null;

  function lightboxConfig() {
    return document.getElementById("sopbook-lightbox");
  }

  function loadLightbox() {
    var config = lightboxConfig();
    if (!config) return null;
    if (!lightboxLoading) {
      lightboxLoading = new Promise(function (resolve, reject) {
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = config.dataset.stylesheet;
        document.head.appendChild(style);
        var script = document.createElement("script");
        script.src = config.dataset.script;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return lightboxLoading;
  }

  function screenshotOf(event) {
    var target = event.target;
    return target && target.closest ? target.closest("a.glightbox") : null;
  }

  var clicked = null;  // the screenshot clicked last while the lightbox was on its way

  function openLightbox(link) {
    var loading = loadLightbox();
    if (!loading) return false;
    var first = clicked === null;
    clicked = link;
    if (first) {
      loading.then(function () {
        var options = JSON.parse(lightboxConfig().textContent);
        lightbox = window.GLightbox(options);
        var links = Array.prototype.slice.call(document.querySelectorAll(options.selector || ".glightbox"));
        lightbox.openAt(Math.max(0, links.indexOf(clicked)));
      }, function () {
        window.location.href = clicked.href;  // the lightbox could not be fetched: the image on its own
      });
    }
    return true;
  }

  ["pointerover", "focusin", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (screenshotOf(event)) loadLightbox();
    }, { passive: true });
  });
  document.addEventListener("click", function (event) {
    var link = screenshotOf(event);
    if (!link || lightbox || event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (openLightbox(link)) event.preventDefault();
  });

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
