"""Time ``sopbook validate`` on synthetic knowledge bases and print a table.

    python benchmarks/bench_validate.py [--sizes 1000,10000] [--runs 5]

Each measurement runs the installed ``sopbook`` command in a fresh process, as a user or CI does:
*cold* with no cache (``--no-cache``), *warm* when nothing changed since the last run, and
*one file changed* after touching a single procedure. Medians of ``--runs``; the machines are noisy.
Targets (issue 2): 10,000 procedures in ≤ 3 s cold and ≤ 0.5 s warm.
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
from synthetic import write_knowledge_base

TARGETS = {10_000: {"cold": 3.0, "warm": 0.5}}


def sopbook() -> list[str]:
    found = shutil.which("sopbook", path=str(Path(sys.executable).parent)) or shutil.which("sopbook")
    return [found] if found else [sys.executable, "-m", "generator.cli"]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return elapsed


def measure(size: int, runs: int, root: Path) -> dict[str, float]:
    folder = root / f"kb{size}"
    sop = write_knowledge_base(folder, size)
    command = [*sopbook(), "validate"]
    cold = [timed([*command, "--no-cache"], folder) for _ in range(runs)]
    from generator.cache import Cache

    cache_folder = Cache.beside(sop).folder  # in the user's cache folder, one per knowledge base
    if cache_folder is not None:
        shutil.rmtree(cache_folder, ignore_errors=True)
    timed(command, folder)  # fill the cache
    warm = [timed(command, folder) for _ in range(runs)]
    one_changed = []
    victim = next(sop.rglob("P*.yaml"))
    for run in range(runs):
        stamp = time.time() + run + 1
        os.utime(victim, (stamp, stamp))
        one_changed.append(timed(command, folder))
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "one file changed": statistics.median(one_changed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="sopbook-bench-") as temporary:
        rows = [(size, measure(size, args.runs, Path(temporary))) for size in sizes]
    print(f"sopbook validate — median of {args.runs} runs, {os.cpu_count()} cores\n")
    print("| procedures | cold (s) | warm, nothing changed (s) | one file changed (s) | per procedure, cold (ms) "
          "| target |")
    print("|---:|---:|---:|---:|---:|---|")
    for size, times in rows:
        target = TARGETS.get(size)
        verdict = ""
        if target:
            ok = times["cold"] <= target["cold"] and times["warm"] <= target["warm"]
            verdict = f"cold ≤ {target['cold']} s, warm ≤ {target['warm']} s: {'met' if ok else 'MISSED'}"
        print(f"| {size:,} | {times['cold']:.2f} | {times['warm']:.2f} | {times['one file changed']:.2f} | "
              f"{times['cold'] / size * 1000:.3f} | {verdict} |")


if __name__ == "__main__":
    main()
