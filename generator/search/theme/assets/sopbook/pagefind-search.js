/* sopbook: Pagefind's search box in Material's header, where Material's own search box would be.
 *
 * The Pagefind bundle lives in <site>/pagefind/, written after the pages; this script finds the site
 * root from its own address (assets/sopbook/ is two levels below it), so the site works from any
 * sub-path (GitHub Pages, a file share behind a proxy). Keys: "/" or "s" (as in Material) and
 * Ctrl/Cmd+K focus the box; arrows choose a result, Enter opens it, Escape closes the list.
 *
 * Titles first: Pagefind ranks every page holding a query's words before it shows one, which takes
 * about a second at 10,000 procedures for the words staff type most (the name of the work, on most
 * pages). titles.json, next to this script (generator/search/titles.py), holds every procedure's id,
 * title and department; each keystroke matches the query against it and lists the procedures whose
 * title or id holds it at once, before Pagefind has answered. Pagefind's results then follow below
 * them (those already listed left out), so a title match always comes before a page that only
 * mentions the word, and nothing Pagefind finds is lost. Each result shows its id and department.
 *
 * Results before their fragments: Pagefind names a result by its page's hash until the result's
 * fragment (title, address, text) has downloaded. sopbook-pages.json, in the bundle
 * (generator/search/pagefind.py: write_page_ids), maps each procedure page's hash to its id, so a
 * procedure Pagefind finds is drawn at once from the title index, with its id and department, and
 * gets its excerpt when the fragment arrives.
 *
 * The lead sample: Pagefind's ranking time grows with the square of the pages a query matches. On a
 * large site the build marks about 200 pages spread over the whole site with a filter (LEAD_FILTER in
 * generator/search/pagefind.py); each search runs first on those pages alone, whose best matches are
 * shown at once when no title matches are (a filtered search scores a page as an unfiltered one does),
 * then as Pagefind's ordinary search, whose results replace them: the full list is exactly Pagefind's.
 *
 * Typing: the box searches 50 ms after a keystroke (Pagefind's default pause is 150 ms, a third of the
 * time to the first result of a rare word), and the query's index chunks are fetched at the keystroke
 * itself. A sample search is cheap enough to run for every word typed so far, but the whole index's
 * search of a word on thousands of pages takes most of a second in Pagefind's worker, where it cannot be
 * stopped, and the next word's search would wait behind it; that search therefore waits until the
 * typing has paused for 300 ms (the sample's results are in view meanwhile). A word on fewer pages
 * (CHEAP_MATCHES, known from the sample's search) is searched at once.
 *
 * Warm-up: Chromium runs WebAssembly first with its baseline compiler and uses optimised code only
 * from the next call on, so the first search of a visit ranked at half speed. Once the page has loaded
 * and the browser is idle — at once when the visitor reaches for the box (pointer, focus, "/" or "s"),
 * and only then where the browser asks to save data — one search for a word that only the build's
 * warm-up pages hold (WARMUP_WORD in generator/search/pagefind.py) runs in Pagefind's worker: it
 * downloads Pagefind's code, its metadata and one small index chunk, and gets the ranking code optimised
 * before the first real query. The title index is fetched at the same time.
 * Not at once when the script runs: those downloads then compete with the page's own while it is drawn
 * (Lighthouse's mobile run counts every request started before the largest paint into it). Reaching
 * for the box still starts the warm-up at once (measured before: the first result at 10,000 procedures,
 * typed right at the load event, 1.02 s without a warm-up, 0.93 s with one).
 *
 * The hooks into Pagefind's <pagefind-searchbox> (its handleResults and showLoadingState methods) are
 * those of Pagefind 1.5's component UI, the version pyproject.toml pins; tests/test_search_ranking.py
 * fails if they stop working.
 */
(function () {
  var script = document.currentScript;
  var root = new URL("../../", script.src);
  var bundle = new URL("pagefind/", root);
  var titlesAddress = new URL("titles.json", script.src);
  var pagesAddress = new URL("sopbook-pages.json", bundle);  // generator/search/pagefind.py: PAGES_FILE
  var WARMUP_WORD = "sopbookwarmupzq";
  var LEAD_FILTER = "sopbook_lead";
  var MAX_RESULTS = 10;
  var SEARCH_DELAY = 50;         // ms from a keystroke to the box's search (see "Typing" above)
  var FULL_SEARCH_PAUSE = 300;   // ms of no typing before the whole index is searched for a broad word
  var CHEAP_MATCHES = 2000;      // pages: below this, ranking every match takes a few tens of ms
  var RESULT_TEMPLATE =
    '<a class="pf-searchbox-result" id="{{ aria.result_id }}" href="{{ meta.url | default(url) | safeUrl }}"' +
    ' role="option" aria-selected="false" aria-labelledby="{{ aria.title_id }}"' +
    '{{#if excerpt}} aria-describedby="{{ aria.excerpt_id }}"{{/if}}>' +
    '<p class="pf-searchbox-result-title" id="{{ aria.title_id }}">{{ meta.title | default("Untitled") }}</p>' +
    '{{#if meta.id}}<p class="sopbook-result-meta"><span class="sopbook-result-id">{{ meta.id }}</span>' +
    '<span class="sopbook-result-department">{{ meta.department }}</span></p>{{/if}}' +
    '{{#if excerpt}}<p class="pf-searchbox-result-excerpt" id="{{ aria.excerpt_id }}">{{+ excerpt +}}</p>{{/if}}' +
    "</a>";
  var warming = null;
  var titles = null;
  var titlesLoading = null;
  var procedureOfPage = {};  // Pagefind's page hash -> the procedure's entry in the title index
  // Set by hook(): shows the lead sample's results (resolves once shown), and the query in the box.
  var showEarlyResults = function () { return Promise.resolve(); };
  var typedQuery = function () { return ""; };
  var lastKeystroke = 0;  // performance.now() of the last input in the box

  // Marks on the browser's performance timeline (the Performance panel of the developer tools shows
  // them; benchmarks/browser.py reads them back), so the time to a first result can be split into
  // its steps on a real site: input, title matches drawn, search started, sample ranked, whole index
  // ranked, results handed to the box, first result drawn.
  function mark(step) {
    if (window.performance && performance.mark) performance.mark("sopbook:" + step);
  }

  // --- the title-and-id index --------------------------------------------------------------------

  function normalize(text) {
    // NFKC folds full-width letters and digits (ＡＣＣ－００１) and half-width katakana into the
    // forms the titles use, so a query matches however the keyboard produced it.
    return String(text).normalize("NFKC").toLowerCase();
  }

  function compactId(text) {
    return normalize(text).replace(/[\s\-_.\/]/g, "");
  }

  function fetchJson(address) {
    return fetch(address.href).then(function (response) { return response.ok ? response.json() : null; });
  }

  function loadTitles() {
    if (!titlesLoading) {
      var pages = fetchJson(pagesAddress).catch(function () { return null; });
      titlesLoading = fetchJson(titlesAddress)
        .then(function (index) {
          if (!index || index.version !== 1) return;
          titles = index.procedures.map(function (entry) {
            return {
              id: entry[0], title: entry[1], department: index.departments[entry[2]],
              url: new URL(index.folders[entry[3]] + entry[4], root).pathname,
              idKey: compactId(entry[0]), idText: normalize(entry[0]), titleKey: normalize(entry[1]),
            };
          });
          return pages;
        })
        .then(function (map) {
          if (!map || map.version !== 1 || !titles) return;
          var byId = {};
          titles.forEach(function (entry) { byId[entry.id] = entry; });
          Object.keys(map.pages).forEach(function (hash) {
            if (byId[map.pages[hash]]) procedureOfPage[hash] = byId[map.pages[hash]];
          });
        })
        .catch(function () { /* without the index, the search shows Pagefind's results alone */ });
    }
    return titlesLoading;
  }

  // Pagefind's first results, those that are procedures drawn from the title index before their
  // fragments have downloaded; the others (the FAQ, a tool's page) keep their place and are drawn by
  // the box when their fragment is in. Empty when none of them is a procedure.
  function knownResults(results) {
    var first = results.slice(0, MAX_RESULTS);
    var known = first.map(function (result) {
      var entry = procedureOfPage[result.id];
      return entry ? asResult(entry) : result;
    });
    return first.some(function (result) { return procedureOfPage[result.id]; }) ? known : [];
  }

  var ASCII_WORD = /^[a-z0-9]+$/;

  // Where ``term`` occurs in ``text``: anywhere for Japanese (no spaces between words), at the start
  // of a word for a Latin term, so "voice" does not find "invoice". -1 when it does not occur.
  function position(text, term) {
    var at = text.indexOf(term);
    if (!ASCII_WORD.test(term)) return at;
    while (at > 0 && /[a-z0-9]/.test(text.charAt(at - 1))) at = text.indexOf(term, at + 1);
    return at;
  }

  // The procedures whose id or title holds every word of the query, best first: the id itself, an id
  // that starts with the query, a title that starts with it, then by where the title holds it.
  function titleMatches(query) {
    if (!titles) return [];
    var terms = normalize(query).split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var wholeId = compactId(query);
    var found = [];
    for (var i = 0; i < titles.length; i++) {
      var entry = titles[i];
      var rank, at = 0;
      if (entry.idKey === wholeId) {
        rank = 0;
      } else if (wholeId.length >= 2 && entry.idKey.indexOf(wholeId) === 0) {
        rank = 1;
      } else {
        var matched = true;
        for (var t = 0; t < terms.length && matched; t++) {
          var where = position(entry.titleKey, terms[t]);
          if (t === 0) at = where;
          matched = where >= 0 || position(entry.idText, terms[t]) >= 0;
        }
        if (!matched) continue;
        rank = at === 0 ? 2 : 3;
      }
      found.push({ entry: entry, rank: rank, at: at < 0 ? 1e9 : at });
    }
    found.sort(function (a, b) {
      return a.rank - b.rank || a.at - b.at || a.entry.title.length - b.entry.title.length ||
        (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);
    });
    return found.slice(0, MAX_RESULTS).map(function (match) { return match.entry; });
  }

  // A title match in the shape of a Pagefind result, for the search box to show.
  function asResult(entry) {
    var data = {
      url: entry.url, raw_url: entry.url, excerpt: "", content: "", sub_results: [], locations: [],
      weighted_locations: [], anchors: [], filters: {}, word_count: 0,
      meta: { title: entry.title, id: entry.id, department: entry.department },
    };
    return { id: "sopbook-title-" + entry.id, score: 0, words: [], data: function () { return Promise.resolve(data); } };
  }

  function samePage(a, b) {
    try {
      return decodeURI(new URL(a, root).pathname) === decodeURI(new URL(b, root).pathname);
    } catch (error) {
      return a === b;
    }
  }

  // The title matches, then Pagefind's results without the pages already listed. Pagefind's results
  // carry their address only in their data, so the first ones are loaded (as the box would load them
  // to show them) until the list is full.
  function merge(matches, results) {
    var merged = matches.map(asResult);
    var next = 0;
    function fill() {
      if (merged.length >= MAX_RESULTS || next >= results.length) return Promise.resolve(merged);
      var batch = results.slice(next, next + MAX_RESULTS - merged.length);
      next += batch.length;
      return Promise.all(batch.map(function (result) { return result.data(); })).then(function (pages) {
        pages.forEach(function (page, index) {
          var listed = matches.some(function (entry) { return samePage(entry.url, page.url); });
          if (!listed) {
            merged.push({ id: batch[index].id, score: batch[index].score, words: batch[index].words,
                          data: function () { return Promise.resolve(page); } });
          }
        });
        return fill();
      });
    }
    return fill();
  }

  // --- the search box ----------------------------------------------------------------------------

  function hook(box) {
    var showResults = box.handleResults;
    var showLoading = box.showLoadingState;
    var early = null;     // the query whose early results (title matches or lead sample) are in the list
    var titled = false;   // whether those are title matches
    var answered = null;  // the query whose full results are in the list (or on their way into it)
    var generation = 0;   // bumped by every keystroke, so a slow step never shows an older query

    function query() {
      return box.inputEl ? box.inputEl.value : "";
    }

    // Hands results to the box and draws those in view at once. The box draws a result when an
    // IntersectionObserver reports its placeholder visible, which waits for the next rendering frame,
    // and on a busy machine the frames come late: the sample's results, loaded, waited 0.3 s for one
    // while the whole index was being ranked (synthetic 10,000, load 8). Resolves once they are drawn.
    function show(searchResult) {
      showResults.call(box, searchResult);
      var mine = generation;
      var drawing = (box.results || []).slice(0, MAX_RESULTS).map(function (result) {
        return result && typeof result.load === "function" ? result.load() : null;
      });
      if (drawing[0]) {
        drawing[0].then(function () { if (mine === generation) mark("first-drawn"); });
      }
      return Promise.all(drawing);
    }

    // The list is aria-busy while more results are still to come under those in view.
    function stillSearching() {
      if (box.resultsEl) box.resultsEl.setAttribute("aria-busy", "true");
    }

    // Shows the title matches and Pagefind's results once the data of those in view has loaded: the
    // box would otherwise draw skeletons over the results already in the list while it loads them.
    function showLoaded(searchResult, matches, searched, isEarly) {
      var mine = generation;
      return merge(matches, searchResult.results || []).then(function (results) {
        if (mine !== generation || query() !== searched || (isEarly && answered === searched)) return;
        var drawn = show(Object.assign({}, searchResult, { results: results }));
        if (isEarly) stillSearching();
        return drawn;
      });
    }

    // Pagefind's results without title matches: the procedures among the first drawn at once from
    // the title index, then all of them with their excerpts once their fragments are in. Resolves
    // once the first are drawn.
    function showPagefindResults(searchResult, searched, isEarly) {
      var known = knownResults(searchResult.results || []);
      var drawn = known.length ? show(Object.assign({}, searchResult, { results: known })) : null;
      if (known.length && isEarly) stillSearching();
      var loaded = showLoaded(searchResult, [], searched, isEarly).catch(function () {
        if (!isEarly && !known.length) show(searchResult);  // the box retries each fragment itself
      });
      return drawn || loaded;
    }

    function showTitleMatches() {
      generation++;
      answered = null;
      var matches = query().trim() ? titleMatches(query()) : [];
      titled = matches.length > 0;
      early = titled ? query() : null;
      if (titled) {
        show({ results: matches.map(asResult) });
        stillSearching();
        mark("titles-shown");
      }
    }

    // While Pagefind searches, the early results stay in the list (its loading state would empty it).
    box.showLoadingState = function () {
      if (early !== null && early === query()) return stillSearching();
      return showLoading.apply(box, arguments);
    };

    box.handleResults = function (searchResult) {
      mark("results");
      var searched = box.instance ? box.instance.searchTerm : query();
      if (searched !== query()) {
        // Pagefind answered a query the visitor has since changed: keep the newer title matches.
        if (early === null) show(searchResult);
        return;
      }
      answered = searched;
      var matches = titleMatches(searched);
      if (!matches.length && early !== searched) {
        showPagefindResults(searchResult, searched, false);
        return;
      }
      // Over title matches or the sample's results: drawn once loaded, so that no excerpt in view
      // disappears and comes back.
      showLoaded(searchResult, matches, searched, false).catch(function () {
        var known = matches.length ? [] : knownResults(searchResult.results || []);
        show(known.length ? Object.assign({}, searchResult, { results: known }) : searchResult);
      });
    };

    // The lead sample's results, while the whole index is searched: shown when no title matches
    // are (those come first anyway) and the query is still the one typed.
    // Resolves once the first are drawn.
    showEarlyResults = function (term, searchResult) {
      if (titled || term !== query() || !searchResult.results.length || answered === term) {
        return Promise.resolve();
      }
      early = term;
      return showPagefindResults(searchResult, term, true);
    };
    typedQuery = query;

    // The lead sample from the first search on: Pagefind announces its filters once it has loaded,
    // before it runs the search that loading was for.
    if (box.instance) box.instance.on("filters", function () { searchLeadFirst(box.instance); });

    // The box handles the keystroke first (it empties the list and waits for the typing to pause);
    // this listener, on an ancestor, runs right after it in the same task, so nothing empty is drawn.
    box.parentNode.addEventListener("input", function () { mark("input"); });
    box.parentNode.addEventListener("input", showTitleMatches);
    box.parentNode.addEventListener("input", preloadQuery);
    box.parentNode.addEventListener("input", function () { lastKeystroke = performance.now(); });
    loadTitles().then(function () { if (query().trim()) showTitleMatches(); });
  }

  // Fetches the index chunks of the query typed so far while the box waits for the typing to pause
  // (SEARCH_DELAY), so that its search finds them loaded or on their way (Pagefind keeps a chunk's
  // download, by its hash, for every search that needs it).
  function preloadQuery(event) {
    var box = event.target.closest && event.target.closest("pagefind-searchbox");
    var pagefind = box && box.instance && box.instance.__pagefind__;
    var query = event.target.value;
    if (pagefind && pagefind.preload && query && query.trim()) {
      pagefind.preload(query).catch(function () { /* the search itself reports what is missing */ });
    }
  }

  // Pagefind's search, the lead sample first (see "The lead sample" above) on indexes built with one.
  function searchLeadFirst(instance) {
    var pagefind = instance.__pagefind__;
    var filters = instance.availableFilters || {};
    if (!pagefind || pagefind.sopbookLead || !filters[LEAD_FILTER]) return;
    var search = pagefind.search.bind(pagefind);
    pagefind.sopbookLead = true;
    pagefind.search = function (term, options) {
      options = options || {};
      var filtered = options.filters && Object.keys(options.filters).length;
      if (term === null || term === WARMUP_WORD || filtered || options.preload) return search(term, options);
      var lead = {};
      lead[LEAD_FILTER] = "1";
      // The whole index is searched once the sample's results are drawn, so that drawing them does
      // not compete for the machine with ranking every page.
      var typed = typedQuery();
      mark("search");
      return search(term, Object.assign({}, options, { filters: lead })).then(function (sample) {
        mark("sample-ranked");
        return sample && showEarlyResults(term, sample).then(function () {
          return typingPaused(sample.unfilteredResultCount > CHEAP_MATCHES ? FULL_SEARCH_PAUSE : 0);
        }).then(function () {
          if (typedQuery() !== typed) return null;  // typed on: the box drops this search's results anyway
          mark("whole-index");
          return search(term, options).then(function (all) {
            mark("whole-index-ranked");
            return all;
          });
        });
      });
    };
  }

  // Resolves once no key has been typed in the box for ``pause`` ms.
  function typingPaused(pause) {
    return new Promise(function (resolve) {
      (function check() {
        var waited = performance.now() - lastKeystroke;
        if (waited >= pause) resolve();
        else setTimeout(check, pause - waited);
      })();
    });
  }

  function warmUp() {
    if (warming || !window.customElements) return;
    loadTitles();
    // Through the search box's own Pagefind instance, so the box's first query finds Pagefind loaded
    // (a second instance would load and decode everything again in the same worker).
    warming = customElements.whenDefined("pagefind-searchbox")
      .then(function () {
        var instance = window.PagefindComponents.getInstanceManager().getInstance("default");
        return instance.triggerLoad().then(function () {
          searchLeadFirst(instance);
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
    box.setAttribute("max-results", String(MAX_RESULTS));
    box.setAttribute("debounce", String(SEARCH_DELAY));
    var template = document.createElement("script");
    template.type = "text/pagefind-template";
    template.textContent = RESULT_TEMPLATE;
    box.appendChild(template);
    var holder = document.createElement("div");
    holder.className = "sopbook-search";
    holder.setAttribute("role", "search");
    holder.appendChild(config);
    holder.appendChild(box);
    header.insertBefore(holder, header.querySelector(".md-header__source"));
    holder.addEventListener("pointerenter", warmUp);
    holder.addEventListener("focusin", warmUp);
    customElements.whenDefined("pagefind-searchbox").then(function () { hook(box); });

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
  var idle = window.requestIdleCallback || function (callback) { setTimeout(callback, 200); };
  // At most 300 ms after load: before the network has been quiet for half a second (Playwright's networkidle,
  // the "page loaded" of the search-speed protocol in docs/scale.md), so a first search then runs warm.
  function afterLoad() { idle(warmUpUnlessSavingData, { timeout: 300 }); }
  if (document.readyState === "complete") afterLoad(); else window.addEventListener("load", afterLoad);
})();
