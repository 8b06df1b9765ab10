"""The scale benchmark: synthetic knowledge bases of 1,000 and 10,000 procedures, one table.

At 30,000 procedures (a build of most of an hour on a shared 2-core machine, several GB), run it on
its own and search the site it leaves:

    python benchmarks/bench_scale.py --sizes 30000 --search-only --backends pagefind --generators synthetic

    python benchmarks/bench_scale.py [--sizes 1000,10000] [--runs 3] [--work DIR] [--no-browser]
                                     [--generators synthetic,office]
    python benchmarks/bench_scale.py --serve-loop 1000      # the edit–preview loop of `mkdocs serve`
    python benchmarks/bench_scale.py --search-only [--typed-at-load] [--reuse-sites] [--entries filled]
                                     # time search only

Two generators write the knowledge bases: ``synthetic`` (benchmarks/synthetic.py: a small vocabulary,
so its broad words are on most pages and an eighth of the titles) and ``office``
(benchmarks/synthetic_office.py: the broad words on at least 80 % of the pages, in few titles); the
table has a column for each generator and size.

Every figure is the median of ``--runs`` runs of a real command in a subprocess (``sopbook validate``,
``sopbook lint``, ``sopbook generate``, ``mkdocs build``), beside its target and, for the build, beside
a plain ``mkdocs build`` of the Markdown that ``sopbook generate`` wrote. Search is timed in headless
Chromium on a freshly opened page, once it has loaded (network idle; ``--typed-at-load``: at its load
event), as issue 17's protocol says: the box clicked, the query filled, time from the fill until the
first result is in the list, checked every frame, each run in a fresh browser context. Beside it: the
same from the click, the search's own part inside the page, and the query typed key by key as a person
types it (timed from the click); the ways alternate run by run (see browser.py). Peak memory is
the largest resident set of the command's process tree (``os.wait4``), so a build's figure is the
larger of MkDocs and the Pagefind service, not their sum.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import synthetic  # noqa: E402
import synthetic_office  # noqa: E402
from browser import CHROMIUM, ENTRIES, chromium, count_matches, serve_site, time_search  # noqa: E402
from synthetic import mkdocs_yml  # noqa: E402

GENERATORS = {"synthetic": synthetic.write_knowledge_base, "office": synthetic_office.write_knowledge_base}

VENV_BIN = Path(sys.executable).parent
SOPBOOK = str(VENV_BIN / "sopbook")
MKDOCS = str(VENV_BIN / "mkdocs")
# Broad queries match most synthetic pages (its vocabulary is small: 8,000 of 10,000 pages hold 経費精算),
# the worst case for any search; selective ones match the one procedure planted with them, as a
# person looking for a particular procedure would type. 照合 (to check against) is in the steps of most
# pages of both generators and in no procedure's title: the title-and-id index cannot answer it.
QUERIES = {"broad_ja": "経費精算", "broad_en": "invoice", "selective_ja": "衛生委員会", "selective_en": "quarantine",
           "broad_untitled": "照合"}
PLANTED_TITLE = "衛生委員会の議事録を公開する手順"
PLANTED_SUMMARY = "感染症の流行時は quarantine checklist に沿って職場を消毒する。"
ENVIRONMENT = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}



@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int


@dataclass
class Measures:
    size: int
    generator: str = "synthetic"
    values: dict[str, float] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    """The fastest and slowest run behind a median in ``values``, by the same key."""
    notes: list[str] = field(default_factory=list)


def run(command: list[str], cwd: Path, findings_ok: bool = False) -> Run:
    """Run ``command``; wall time and the peak RSS of its process tree. Exit code 1 is accepted only
    with ``findings_ok`` (lint and validate report findings with it); a build that exits 1 failed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    stderr = process.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ((0, 1) if findings_ok else (0,)):
        sys.stderr.write(stderr.decode(errors="replace")[-3000:])
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode)


def median_run(command: list[str], cwd: Path, runs: int, before: object = None, findings_ok: bool = False) -> Run:
    results = []
    for _ in range(runs):
        if callable(before):
            before()
        results.append(run(command, cwd, findings_ok))
    return Run(statistics.median(r.seconds for r in results), max(r.peak_mb for r in results),
               results[-1].returncode)


def prepare(work: Path, size: int, generator: str = "synthetic") -> Path:
    """A knowledge base of ``size`` procedures from ``generator`` with its mkdocs.yml; reused when already written."""
    root = work / (f"kb{size}" if generator == "synthetic" else f"{generator}{size}")
    if not (root / "sop" / "people.yaml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        GENERATORS[generator](root, size)
    planted = next((root / "sop").glob(f"*/*/P{min(42, size - 1):05d}.yaml"))
    text = planted.read_text(encoding="utf-8")
    if PLANTED_TITLE not in text:
        lines = [f"title: {PLANTED_TITLE}" if line.startswith("title: ") else
                 f"summary: {PLANTED_SUMMARY}" if line.startswith("summary: ") else line
                 for line in text.splitlines()]
        planted.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    for search in ("material", "pagefind", "auto"):
        (root / f"mkdocs-{search}.yml").write_text(mkdocs_yml("SOP scale benchmark", search), encoding="utf-8")
    return root


# The plugin adds these for Mermaid approval diagrams; a standalone mkdocs.yml without them renders
# those fences as plain paragraphs, which is cheaper and would flatter the comparison.
SUPERFENCES = """\
- pymdownx.superfences:
    custom_fences:
    - name: mermaid
      class: mermaid
      format: !!python/name:pymdownx.superfences.fence_code_format
"""


def same_extensions_as_the_plugin(mkdocs_yml: Path) -> None:
    text = mkdocs_yml.read_text(encoding="utf-8")
    last_key = [line for line in text.splitlines() if line[:1].isalpha()][-1]
    if "pymdownx.superfences" not in text and last_key.startswith("markdown_extensions:"):
        mkdocs_yml.write_text(text.rstrip("\n") + "\n" + SUPERFENCES, encoding="utf-8")


def clear_cache(root: Path) -> None:
    from generator.cache import Cache

    folder = Cache.beside(root / "sop").folder  # in the user's cache folder, one per knowledge base
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def site_size(site: Path) -> tuple[int, int, float]:
    """(pages, bytes of the whole site, average bytes of HTML per procedure page)."""
    pages = list(site.rglob("*.html"))
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    procedure_pages = list(site.glob("procedures/*/*/*/index.html"))
    average = statistics.mean(path.stat().st_size for path in procedure_pages) if procedure_pages else 0.0
    return len(pages), total, average


def measure(work: Path, size: int, runs: int, browser: bool, search_only: bool = False,
            loaded: str = "networkidle", backends: tuple[str, ...] = ("material", "pagefind"),
            generator: str = "synthetic", reuse: bool = False, entries: tuple[str, ...] = ENTRIES) -> Measures:
    root = prepare(work, size, generator)
    result = Measures(size, generator)
    values = result.values
    result.notes.append(f"Load average when {generator} {size:,} started: {load_average()} (2 cores, shared).")
    if browser:
        result.notes.append("Searches started once the page had loaded (network idle)." if loaded == "networkidle"
                            else "Searches started at the page's load event.")
    say = lambda text: print(f"[{generator} {size}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    if search_only:
        for backend in backends:
            if reuse and (root / f"site-{backend}" / "index.html").is_file():
                continue
            run([MKDOCS, "build", "-q", "-f", f"mkdocs-{backend}.yml", "-d", str(root / f"site-{backend}")], root)
        measure_search(root, size, runs, result, say, loaded, backends, entries)
        result.notes.append(f"Load average when {generator} {size:,} finished: {load_average()}.")
        return result

    cold = median_run([SOPBOOK, "validate", "sop"], root, runs, before=lambda: clear_cache(root), findings_ok=True)
    warm = median_run([SOPBOOK, "validate", "sop"], root, runs, findings_ok=True)
    values.update(validate_cold=cold.seconds, validate_warm=warm.seconds)
    say(f"validate {cold.seconds:.2f} s cold, {warm.seconds:.2f} s warm")
    lint_command = [SOPBOOK, "lint", "--config", "mkdocs-material.yml", "sop"]
    cold = median_run(lint_command, root, runs, before=lambda: clear_cache(root), findings_ok=True)
    warm = median_run(lint_command, root, runs, findings_ok=True)
    values.update(lint_cold=cold.seconds, lint_warm=warm.seconds)
    say(f"lint {cold.seconds:.2f} s cold, {warm.seconds:.2f} s warm")

    generated = root / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    generate = median_run([SOPBOOK, "generate", "-f", "mkdocs-material.yml", "--out", str(generated)], root, runs)
    values["generate"] = generate.seconds
    same_extensions_as_the_plugin(generated / "mkdocs.yml")
    say(f"generate {generate.seconds:.2f} s")

    builds = {
        "plain": ([MKDOCS, "build", "-q", "-f", str(generated / "mkdocs.yml"), "-d", str(root / "site-plain")],
                  root / "site-plain"),
        "material": ([MKDOCS, "build", "-q", "-f", "mkdocs-material.yml", "-d", str(root / "site-material")],
                     root / "site-material"),
        "pagefind": ([MKDOCS, "build", "-q", "-f", "mkdocs-pagefind.yml", "-d", str(root / "site-pagefind")],
                     root / "site-pagefind"),
    }
    for name, (command, site) in builds.items():
        build = median_run(command, root, runs)
        pages, total, procedure_html = site_size(site)
        values.update({f"build_{name}": build.seconds, f"rss_{name}": build.peak_mb,
                       f"pages_{name}": pages, f"bytes_per_page_{name}": total / max(pages, 1),
                       f"procedure_html_{name}": procedure_html})
        say(f"build {name} {build.seconds:.1f} s, {build.peak_mb:.0f} MB, {pages} pages, "
            f"{total / max(pages, 1) / 1024:.0f} KB/page")

    if browser:
        measure_search(root, size, runs, result, say, loaded, entries=entries)
    result.notes.append(f"Load average when {generator} {size:,} finished: {load_average()}.")
    return result


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as `uptime` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def measure_search(root: Path, size: int, runs: int, result: Measures, say: object, loaded: str = "networkidle",
                   backends: tuple[str, ...] = ("material", "pagefind"),
                   entries: tuple[str, ...] = ENTRIES) -> None:
    """Time every query ``runs`` times per way of entering it (``entries``), the ways alternating, each
    in a fresh browser context; medians and ranges into ``result``."""
    values = result.values
    if not CHROMIUM.exists():
        result.notes.append("search: /usr/bin/chromium not found, not timed")
        return
    planted = f"/P{min(42, size - 1):05d}/"
    with chromium() as chromium_browser:
        for backend in backends:
            with serve_site(root / f"site-{backend}") as url:
                if backend == "pagefind":
                    pages = sum(1 for _ in (root / "site-pagefind").rglob("index.html"))
                    broad = [query for kind, query in QUERIES.items() if kind.startswith("broad")]
                    counts = count_matches(chromium_browser, url, broad)
                    result.notes.append(f"{result.generator} {size:,}: " + ", ".join(
                        f"{query} on {counts[query]:,} of {pages:,} pages ({counts[query] / pages:.0%})"
                        for query in broad) + ".")
                for kind, query in QUERIES.items():
                    timings: dict[str, list[float]] = {}
                    found = None
                    for number in range(runs):
                        for entry in entries:
                            try:
                                found = time_search(chromium_browser, url, backend, query, timeout_seconds=60,
                                                    loaded=loaded, entry=entry)
                            except Exception as error:  # playwright's TimeoutError: no result at all
                                result.notes.append(f"{backend} search for {query!r} ({entry}) at {size:,}: no "
                                                    f"result within 60 s ({type(error).__name__}).")
                                continue
                            prefix = "" if entry == "filled" else f"{entry}_"
                            for name, seconds in ((f"{prefix}search", found.seconds),
                                                  (f"{prefix}complete", found.complete_seconds),
                                                  (f"{prefix}in_page", found.in_page_seconds),
                                                  (f"{prefix}from_click", found.from_click_seconds)):
                                timings.setdefault(name, []).append(seconds)
                            say(f"  {backend} {query!r} {entry}, run {number + 1}: {found.seconds:.3f} s, in the "  # type: ignore[operator]
                                f"page {found.in_page_seconds:.3f} s; marks " + ", ".join(
                                    f"{name} {seconds * 1000:.0f}" for name, seconds in
                                    sorted(found.marks.items(), key=lambda item: item[1])) + " ms")
                            if kind.startswith("selective") and not any(planted in href for href in found.hrefs):
                                result.notes.append(f"{backend} search for {query!r} ({entry}) at {size:,} did "
                                                    f"not list {planted}.")
                    for name, times in timings.items():
                        values[f"{name}_{backend}_{kind}"] = statistics.median(times)
                        result.ranges[f"{name}_{backend}_{kind}"] = (min(times), max(times))
                    if found is None or "search" not in timings:
                        continue
                    say(f"search {backend} {query!r}: filled {statistics.median(timings['search']):.2f} s "  # type: ignore[operator]
                        f"(runs {', '.join(f'{seconds:.2f}' for seconds in timings['search'])})"
                        + (f", typed {statistics.median(timings['typed_search']):.2f} s"
                           if "typed_search" in timings else "")
                        + f", in the page {statistics.median(timings['in_page']):.2f} s, "
                        f"{len(found.hrefs)} results shown, first: {found.titles[:1]}")


# The Pagefind rows, per query: the protocol's figure (box clicked, query filled, from the fill to the
# first result), the same from the click, the search's own part measured inside the page, what a
# person typing key by key waits (from the click), and the full list.
QUERY_LABELS = {"broad_ja": ("経費精算", "broad", "≤ 0.5 s"), "broad_en": ("invoice", "broad", "≤ 0.5 s"),
                "selective_ja": ("衛生委員会", "one page", "≤ 0.3 s"),
                "selective_en": ("quarantine", "one page", "≤ 0.3 s"),
                "broad_untitled": ("照合", "broad, in no title", "≤ 0.5 s")}
PAGEFIND_ROWS = [row for kind, (query, what, goal) in QUERY_LABELS.items() for row in (
    (f"first search result, Pagefind, {query} ({what}): query filled, from the fill", f"search_pagefind_{kind}",
     "s", "{:.2f}", goal),
    ("  from the click on the box", f"from_click_pagefind_{kind}", "s", "{:.2f}", "—"),
    ("  in the page, from the input event to the first result drawn", f"in_page_pagefind_{kind}", "s", "{:.2f}",
     "—"),
    ("  typed key by key, from the click", f"typed_search_pagefind_{kind}", "s", "{:.2f}", "—"),
    ("  full result list, from the fill", f"complete_pagefind_{kind}", "s", "{:.2f}", "—"),
)]

# (label, key, unit, format, target)
ROWS = [
    ("validate, cold", "validate_cold", "s", "{:.2f}", "≤ 3 s at 10,000"),
    ("validate, warm", "validate_warm", "s", "{:.2f}", "≤ 0.5 s at 10,000"),
    ("lint, cold", "lint_cold", "s", "{:.2f}", "≤ 3 s at 10,000 (validate + lint)"),
    ("lint, warm", "lint_warm", "s", "{:.2f}", "≤ 0.5 s at 10,000"),
    ("sopbook generate (Markdown only)", "generate", "s", "{:.1f}", "—"),
    ("plain `mkdocs build` of the generated Markdown (Material search)", "build_plain", "s", "{:.1f}", "reference"),
    ("sopbook `mkdocs build`, Material search", "build_material", "s", "{:.1f}", "≤ 1.15 × plain"),
    ("sopbook `mkdocs build`, Pagefind", "build_pagefind", "s", "{:.1f}", "≤ 1.15 × plain"),
    ("  ratio sopbook (Material) / plain", "ratio_material", "×", "{:.2f}", "≤ 1.15"),
    ("  ratio sopbook (Pagefind) / plain", "ratio_pagefind", "×", "{:.2f}", "≤ 1.15"),
    ("build per page, plain", "per_page_plain", "ms", "{:.1f}", "reference"),
    ("build per page, sopbook (Pagefind)", "per_page_pagefind", "ms", "{:.1f}", "flat: 10,000 ≤ 1.2 × 1,000"),
    ("first search result, Material, 経費精算 (broad)", "search_material_broad_ja", "s", "{:.2f}", "≤ 1 s"),
    ("first search result, Material, invoice (broad)", "search_material_broad_en", "s", "{:.2f}", "≤ 1 s"),
    ("first search result, Material, 衛生委員会 (one page)", "search_material_selective_ja", "s", "{:.2f}", "≤ 1 s"),
    ("first search result, Material, quarantine (one page)", "search_material_selective_en", "s", "{:.2f}", "≤ 1 s"),
    *PAGEFIND_ROWS,
    ("HTML per procedure page", "procedure_html_pagefind", "KB", "{:.0f}", "≤ 60 KB"),
    ("site size per page, plain (Material search)", "bytes_per_page_plain", "KB", "{:.0f}", "reference"),
    ("site size per page, sopbook Material search", "bytes_per_page_material", "KB", "{:.0f}", "—"),
    ("site size per page, sopbook Pagefind", "bytes_per_page_pagefind", "KB", "{:.0f}", "—"),
    ("peak memory, plain build", "rss_plain", "MB", "{:.0f}", "reference"),
    ("peak memory, sopbook build (Material)", "rss_material", "MB", "{:.0f}", "no quadratic growth"),
    ("peak memory, sopbook build (Pagefind)", "rss_pagefind", "MB", "{:.0f}", "no quadratic growth"),
]


def derive(measures: Measures) -> None:
    values = measures.values
    if "build_plain" in values:
        for name in ("material", "pagefind"):
            values[f"ratio_{name}"] = values[f"build_{name}"] / values["build_plain"]
        values["per_page_plain"] = 1000 * values["build_plain"] / max(values["pages_plain"], 1)
        values["per_page_pagefind"] = 1000 * values["build_pagefind"] / max(values["pages_pagefind"], 1)
    for key in list(values):
        if key.startswith(("bytes_per_page", "procedure_html")):
            values[key] /= 1024


def cell(measures: Measures, key: str, unit: str, number_format: str) -> str:
    """A median with its unit, and the range of its runs where there were several."""
    if key not in measures.values:
        return "—"
    text = f"{number_format.format(measures.values[key])} {unit}"
    low, high = measures.ranges.get(key, (0.0, 0.0))
    if low != high:
        text += f" ({number_format.format(low)}–{number_format.format(high)})"
    return text


def table(all_measures: list[Measures]) -> str:
    header = "| measure | " + " | ".join(f"{m.size:,} procedures ({m.generator})" for m in all_measures) + " | target |"
    lines = [header, "|---|" + "---:|" * len(all_measures) + "---|"]
    for label, key, unit, number_format, target in ROWS:
        if not any(key in m.values for m in all_measures):
            continue
        cells = [cell(m, key, unit, number_format) for m in all_measures]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    notes = sorted({note for m in all_measures for note in m.notes})
    pages = ", ".join(f"{m.values['pages_pagefind']:,.0f}" for m in all_measures if "pages_pagefind" in m.values)
    lines += ["", (f"Pages per site: {pages}. " if pages else "") + " ".join(notes)]
    return "\n".join(lines)


def serve_loop(work: Path, size: int, runs: int, dirty: bool) -> None:
    """Time `mkdocs serve`: edit one procedure's YAML, wait until the open page shows the new text."""
    import socket

    root = prepare(work, size)
    target = sorted((root / "sop").glob("*/*/*.yaml"))[size // 2]
    relative = target.relative_to(root / "sop").with_suffix("")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [MKDOCS, "serve", "-f", "mkdocs-auto.yml", "-a", f"127.0.0.1:{port}"]
    if dirty:
        command.append("--dirty")
    original = target.read_text(encoding="utf-8")
    log = open(work / f"serve-{size}.log", "w", encoding="utf-8")
    server = subprocess.Popen(command, cwd=root, env=ENVIRONMENT, stdout=log, stderr=subprocess.STDOUT)
    times = []
    try:
        url = f"http://127.0.0.1:{port}/procedures/{relative.as_posix()}/"
        started = time.perf_counter()
        with chromium() as browser:
            page = browser.new_page()
            while True:
                try:
                    if page.goto(url, wait_until="load").ok:
                        break
                except Exception:  # the server is not listening yet
                    pass
                if time.perf_counter() - started > 900:
                    raise SystemExit("mkdocs serve did not come up in 15 minutes")
                time.sleep(1)
            print(f"[serve {size}] first build served after {time.perf_counter() - started:.1f} s",
                  file=sys.stderr, flush=True)
            for attempt in range(runs):
                marker = f"編集確認{attempt}{int(time.time())}"
                edited = original.replace("summary: ", f"summary: {marker} ", 1)
                time.sleep(1.5)  # let the watcher settle after the previous reload
                edit_started = time.perf_counter()
                target.write_text(edited, encoding="utf-8")
                page.wait_for_function(f"document.body && document.body.innerText.includes({marker!r})",
                                       timeout=300_000, polling=50)
                times.append(time.perf_counter() - edit_started)
                print(f"[serve {size}] edit {attempt + 1}: change visible after {times[-1]:.2f} s",
                      file=sys.stderr, flush=True)
    finally:
        target.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)
        log.close()
    mode = "mkdocs serve --dirty" if dirty else "mkdocs serve"
    print(f"| edit one YAML → change visible ({mode}, {size:,} procedures) | "
          f"{statistics.median(times):.2f} s | ≤ 3 s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated procedure counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (the median is shown)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sopbook-bench-scale"),
                        help="where the synthetic knowledge bases and sites are written (kept for reuse)")
    parser.add_argument("--no-browser", action="store_true", help="skip the search timings in Chromium")
    parser.add_argument("--serve-loop", type=int, metavar="SIZE",
                        help="time the edit–preview loop of mkdocs serve on SIZE procedures instead")
    parser.add_argument("--search-only", action="store_true",
                        help="rebuild the Material and Pagefind sites once and time only the searches")
    parser.add_argument("--dirty", action="store_true", help="with --serve-loop: mkdocs serve --dirty")
    parser.add_argument("--reuse-sites", action="store_true",
                        help="with --search-only: search the sites already built in --work instead of building them")
    parser.add_argument("--backends", default="material,pagefind",
                        help="with --search-only: the searches to build and time (comma-separated)")
    parser.add_argument("--generators", default="synthetic,office",
                        help="the knowledge-base generators to measure (comma-separated): " + ", ".join(GENERATORS))
    parser.add_argument("--entries", default=",".join(ENTRIES),
                        help="how the query goes into the box (comma-separated): filled (the protocol), typed")
    parser.add_argument("--typed-at-load", action="store_true",
                        help="type the search at the page's load event instead of once it has loaded (network idle)")
    arguments = parser.parse_args()
    arguments.work.mkdir(parents=True, exist_ok=True)
    if arguments.serve_loop:
        serve_loop(arguments.work, arguments.serve_loop, arguments.runs, arguments.dirty)
        return
    all_measures = []
    for generator in arguments.generators.split(","):
        for size in (int(text) for text in arguments.sizes.split(",")):
            measures = measure(arguments.work, size, arguments.runs, not arguments.no_browser, arguments.search_only,
                               "load" if arguments.typed_at_load else "networkidle",
                               tuple(arguments.backends.split(",")), generator, arguments.reuse_sites,
                               tuple(arguments.entries.split(",")))
            derive(measures)
            all_measures.append(measures)
    print(table(all_measures))


if __name__ == "__main__":
    main()
