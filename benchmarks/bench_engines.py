"""Build time and peak memory of the two site engines on the same knowledge base: MkDocs with the sopbook
plugin, and Zensical on what `sopbook generate` writes.

    python benchmarks/bench_engines.py [--sizes 1000,10000] [--runs 1] [--zensical-only]

For each size, writes a synthetic knowledge base (benchmarks/synthetic.py, Material in Japanese with the
search the demo uses), then times, each a fresh process (median of --runs):

* mkdocs:   `sopbook build` (validate, lint, render and MkDocs' build, in one process);
* generate: `sopbook generate --out gen` (validate, lint, render, write the folder);
* zensical: `zensical build` of that folder (after `--clean`: no cache from an earlier run).

The knowledge base's mkdocs.yml has Material's `tags` plugin, as the demo's; the folder leaves it out and
carries sopbook's own tags page and tag chips, because Zensical 0.0.73's memory grows with the square of the
pages when that plugin lists the tags (docs/site.md, "Memory and time of the two engines").

Peak memory is the largest resident set of the process and the children it waited for (getrusage's
ru_maxrss), as `/usr/bin/time -v` reports it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import mkdocs_yml, write_knowledge_base

BIN = Path(sys.executable).parent


def measured(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user + system, with the children it waited for) and peak resident megabytes of
    ``command``, run to completion in ``cwd``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOPBOOK_NO_CACHE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(root: Path, count: int, runs: int, zensical_only: bool) -> dict[str, tuple[float, float, float]]:
    write_knowledge_base(root, count)
    (root / "mkdocs.yml").write_text(mkdocs_yml("Synthetic"), encoding="utf-8")
    rows: dict[str, list[tuple[float, float, float]]] = {}

    def record(name: str, result: tuple[float, float, float]) -> None:
        rows.setdefault(name, []).append(result)

    for _ in range(runs):
        if not zensical_only:
            shutil.rmtree(root / "site", ignore_errors=True)
            record("mkdocs (sopbook build)", measured([str(BIN / "sopbook"), "build"], root))
        shutil.rmtree(root / "gen", ignore_errors=True)
        record("sopbook generate", measured([str(BIN / "sopbook"), "generate", "--out", "gen"], root))
        record("zensical build", measured([str(BIN / "zensical"), "build", "--clean"], root / "gen"))
    return {name: (statistics.median(s for s, _, _ in results), statistics.median(cpu for _, cpu, _ in results),
                   max(mb for _, _, mb in results))
            for name, results in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--zensical-only", action="store_true", help="Skip the MkDocs build.")
    args = parser.parse_args()
    results = {}
    for count in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"sopbook-engines-{count}-") as folder:
            results[count] = measure(Path(folder), count, args.runs, args.zensical_only)
        print(f"measured {count:,} procedures", file=sys.stderr, flush=True)
    print("| procedures | step | seconds | CPU seconds | peak MB |")
    print("|---:|---|---:|---:|---:|")
    for count, rows in results.items():
        for name, (seconds, cpu, megabytes) in rows.items():
            print(f"| {count:,} | {name} | {seconds:.1f} | {cpu:.1f} | {megabytes:,.0f} |")
    print(f"\nruns per figure: {args.runs}; seconds are the median, memory the largest; load average "
          f"{os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
