"""One search over two Pagefind indexes merged (Pagefind's ``mergeIndex``), against each index alone.

    python benchmarks/bench_merged.py [--size 10000] [--runs 3] [--work DIR]

The plan of record past what one build holds (docs/scale.md, "Past 10,000 procedures") is one site
per department, searched together with ``mergeIndex``. This times that search with the Pagefind sites
bench_scale.py builds for its two generators (``synthetic`` and ``office``, ``--size`` procedures each;
built here when missing): how many pages each query finds and how long Pagefind's JavaScript API takes,
for each index alone and for the two merged. It is Pagefind's own search (after one warm-up search),
without sopbook's title index or slices, so the figures compare the indexes, not the search box.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from bench_scale import MKDOCS, prepare, run  # noqa: E402
from browser import chromium, serve_site  # noqa: E402
from generator.search.pagefind import WARMUP_WORD  # noqa: E402

QUERIES = ["経費精算", "照合", "登記簿謄本", "quarantine"]
"""Broad in both, broad in no title, only in the office generator's pages, one planted page in each."""

SEARCH = """async request => {
    const [primary, others, query, warmup] = request;
    const pagefind = await import(primary + "pagefind.js");
    await pagefind.options({basePath: primary});
    for (const other of others) await pagefind.mergeIndex(other);
    await pagefind.search(warmup);
    const started = performance.now();
    const found = await pagefind.search(query);
    return {pages: found.results.length, seconds: (performance.now() - started) / 1000};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="procedures in each generator's knowledge base")
    parser.add_argument("--runs", type=int, default=3, help="fresh pages per figure (the median is shown)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sopbook-bench-scale"),
                        help="bench_scale.py's work folder (its sites are reused)")
    arguments = parser.parse_args()
    roots = {generator: prepare(arguments.work, arguments.size, generator) for generator in ("synthetic", "office")}
    for root in roots.values():
        if not (root / "site-pagefind" / "index.html").is_file():
            run([MKDOCS, "build", "-q", "-f", "mkdocs-pagefind.yml", "-d", str(root / "site-pagefind")], root)
    bundles = {generator: f"/{root.name}/site-pagefind/pagefind/" for generator, root in roots.items()}
    setups = {"synthetic alone": [bundles["synthetic"]], "office alone": [bundles["office"]],
              "merged": [bundles["synthetic"], bundles["office"]]}
    cells: dict[tuple[str, str], str] = {}
    with chromium() as browser, serve_site(arguments.work) as url:
        for setup, (primary, *others) in setups.items():
            for query in QUERIES:
                found = []
                for _ in range(arguments.runs):
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(url + primary.removesuffix("pagefind/") + "404.html")
                    found.append(page.evaluate(SEARCH, [primary, others, query, WARMUP_WORD]))
                    context.close()
                seconds = statistics.median(result["seconds"] for result in found)
                cells[setup, query] = f"{found[0]['pages']:,} pages, {seconds:.2f} s"
                print(f"[{setup}] {query}: {cells[setup, query]}", file=sys.stderr, flush=True)
    print(f"| query | {' | '.join(setups)} |")
    print("|---|" + "---:|" * len(setups))
    for query in QUERIES:
        print(f"| {query} | " + " | ".join(cells[setup, query] for setup in setups) + " |")


if __name__ == "__main__":
    main()
