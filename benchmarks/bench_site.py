"""Site build time: `mkdocs build` with the sopbook plugin against plain `mkdocs build` of the same Markdown.

    python benchmarks/bench_site.py [--sizes 1000,10000] [--runs 3]

For each size, writes a synthetic knowledge base (benchmarks/synthetic.py) with a mkdocs.yml like the
demo's, then times (median of --runs, each a fresh process):

* sopbook: `mkdocs build` with the plugin (validate, lint, render, build);
* plain:   `mkdocs build -f gen/mkdocs.yml` of what `sopbook generate --out gen` wrote.

Prints seconds, the ratio (target ≤ 1.15), per-page cost (target at 10,000 ≤ 1.2 × at 1,000) and
HTML kilobytes per procedure page (target ≤ 60 KB).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import mkdocs_yml, write_knowledge_base

BIN = Path(sys.executable).parent
# The same search as the plain build; Pagefind is timed in bench_scale.py.
CONFIG = mkdocs_yml("Synthetic", "material", extra="""\
markdown_extensions:
  - admonition
  - tables
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
""")


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(root: Path, count: int, runs: int) -> dict[str, float]:
    write_knowledge_base(root, count)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    mkdocs = str(BIN / "mkdocs")
    subprocess.run([str(BIN / "sopbook"), "generate", "--out", "gen"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sopbook, plain = [], []
    for _ in range(runs):  # alternated, so a busy moment of the machine weighs on both alike
        sopbook.append(timed([mkdocs, "build", "-q", "-d", "site"], root))
        plain.append(timed([mkdocs, "build", "-q", "-f", "gen/mkdocs.yml", "-d", str(root / "plain-site")], root))
    sizes = [path.stat().st_size for path in (root / "site" / "procedures").rglob("P*/index.html")]
    pages = sum(1 for _ in (root / "site").rglob("index.html"))
    return {"sopbook": statistics.median(sopbook), "plain": statistics.median(plain), "pages": pages,
            "html_kb": statistics.mean(sizes) / 1024, "html_kb_max": max(sizes) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for count in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"sopbook-site-{count}-") as folder:
            results[count] = measure(Path(folder), count, args.runs)
            print(f"measured {count:,} procedures", file=sys.stderr, flush=True)
    print("| procedures | sopbook build s | plain mkdocs s | ratio (≤ 1.15) | ms/page sopbook | "
          "ms/page plain | KB/procedure page (≤ 60) | max KB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    first = 0.0
    for count, result in results.items():
        per_page = result["sopbook"] / result["pages"] * 1000
        first = first or per_page
        print(f"| {count:,} | {result['sopbook']:.1f} | {result['plain']:.1f} | "
              f"{result['sopbook'] / result['plain']:.2f} | {per_page:.1f} | "
              f"{result['plain'] / result['pages'] * 1000:.1f} | {result['html_kb']:.1f} | "
              f"{result['html_kb_max']:.1f} |")
    if len(results) > 1:
        last = list(results.values())[-1]
        print(f"\nper-page cost at {list(results)[-1]:,} / at {next(iter(results)):,}: "
              f"{last['sopbook'] / last['pages'] * 1000 / first:.2f} (target ≤ 1.2); runs per figure: {args.runs}")


if __name__ == "__main__":
    main()
