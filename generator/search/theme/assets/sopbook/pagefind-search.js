/* sopbook: Pagefind's search box in Material's header, where Material's own search box would be.
 *
 * The Pagefind bundle lives in <site>/pagefind/, written after the pages; this script finds the site
 * root from its own address (assets/sopbook/ is two levels below it), so the site works from any
 * sub-path (GitHub Pages, a file share behind a proxy). Keys: "/" or "s" (as in Material) and
 * Ctrl/Cmd+K focus the box; arrows choose a result, Enter opens it, Escape closes the list.
 */
(function () {
  var script = document.currentScript;
  var root = new URL("../../", script.src);
  var bundle = new URL("pagefind/", root);

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
})();
