/* sopbook: Pagefind's search box in Material's header, where Material's own search box would be.
 *
 * The Pagefind bundle lives in <site>/pagefind/, written after the pages; this script finds the site
 * root from its own address (assets/sopbook/ is two levels below it), so the site works from any
 * sub-path (GitHub Pages, a file share behind a proxy). Keys: "/" or "s" (as in Material) and
 * Ctrl/Cmd+K focus the box; arrows choose a result, Enter opens it, Escape closes the list.
 *
 * Warm-up: Chromium runs WebAssembly first with its baseline compiler and uses optimised code only
 * from the next call on, so the first search of a visit ranked at half speed. As soon as the search
 * box is ready — or, where the browser asks to save data, only when the visitor reaches for the box —
 * one search for a word that only the build's warm-up pages hold (WARMUP_WORD in
 * generator/search/pagefind.py) runs in Pagefind's worker: it downloads Pagefind's code, its metadata
 * and one small index chunk, and gets the ranking code optimised before the first real query.
 * Starting at once rather than when the page is idle was measured: the first result at 10,000
 * procedures, typed right at the load event, 1.02 -> 0.93 s for a broad query.
 */
(function () {
  var script = document.currentScript;
  var root = new URL("../../", script.src);
  var bundle = new URL("pagefind/", root);
  var WARMUP_WORD = "sopbookwarmupzq";
  var warming = null;

  function warmUp() {
    if (warming || !window.customElements) return;
    // Through the search box's own Pagefind instance, so the box's first query finds Pagefind loaded
    // (a second instance would load and decode everything again in the same worker).
    warming = customElements.whenDefined("pagefind-searchbox")
      .then(function () {
        var instance = window.PagefindComponents.getInstanceManager().getInstance("default");
        return instance.triggerLoad().then(function () {
          var pagefind = instance.__pagefind__;  // Pagefind 1.5's component UI; see pyproject.toml
          if (pagefind && pagefind.search) return pagefind.search(WARMUP_WORD);
          return import(new URL("pagefind.js", bundle).href).then(function (module) {
            return module.search(WARMUP_WORD);
          });
        });
      })
      .catch(function () { /* the search box reports a missing bundle itself */ });
  }

  function warmUpUnlessSavingData() {
    var connection = navigator.connection;
    if (connection && connection.saveData) return;
    warmUp();
  }

  function mount() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector("pagefind-searchbox")) return;
    var config = document.createElement("pagefind-config");
    config.setAttribute("bundle-path", bundle.pathname);
    config.setAttribute("base-url", root.pathname);
    var box = document.createElement("pagefind-searchbox");
    box.setAttribute("max-results", "10");
    var holder = document.createElement("div");
    holder.className = "sopbook-search";
    holder.setAttribute("role", "search");
    holder.appendChild(config);
    holder.appendChild(box);
    header.insertBefore(holder, header.querySelector(".md-header__source"));
    holder.addEventListener("pointerenter", warmUp);
    holder.addEventListener("focusin", warmUp);

    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("pagefind-component-ui.css", bundle).href;
    document.head.appendChild(style);
    var component = document.createElement("script");
    component.type = "module";
    component.src = new URL("pagefind-component-ui.js", bundle).href;
    document.head.appendChild(component);

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "/" || event.key === "s") {
        var input = holder.querySelector("input");
        if (input) {
          warmUp();
          event.preventDefault();
          input.focus();
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
  warmUpUnlessSavingData();
})();
