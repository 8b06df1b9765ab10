"""Time validation and linting on synthetic knowledge bases and print a table.

    python benchmarks/bench_lint.py [--sizes 1000,10000] [--runs 5]

Two views, medians of ``--runs``:

* in process, by stage: validate (cold, no cache), building the model, lint (first run, which
  also unpacks the positions of the files it reports on) — where the time goes;
* ``sopbook lint --no-cache`` in a fresh process, as CI runs it: the number to hold against the
  target of validate + lint ≤ 3 s cold at 10,000 procedures (issue 4); and ``sopbook lint`` with the
  per-file cache filled, as on a process owner's machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_validate import sopbook
from synthetic import write_knowledge_base

TARGET = {10_000: 3.0}
CPU: list[float] = []
"""CPU seconds (user + system, all processes) of each ``command`` run: steadier than wall time on a busy machine."""


def in_process(sop: Path) -> dict[str, float]:
    """One cold run of each stage in a fresh interpreter (so nothing is warm from the last run)."""
    code = f"""
import gc; gc.disable()  # as 'sopbook lint' runs (generator.cli.main)
import datetime as dt, json, time
from pathlib import Path
from generator.validate import validate
from generator.model import build
from generator.rules import run
start = time.perf_counter(); validation = validate(Path({str(sop)!r}))
validated = time.perf_counter(); kb = build(validation.sources)
built = time.perf_counter(); problems = run(kb, None, dt.date(2026, 11, 25)).problems
linted = time.perf_counter()
print(json.dumps({{"validate": validated - start, "model": built - validated, "lint": linted - built,
                  "findings": len(problems)}}))
"""
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    import json

    return json.loads(output)


def command(folder: Path, cache: bool = False) -> float:
    """Wall-clock seconds of one ``sopbook lint`` process (its CPU seconds are added to ``CPU``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    flags = [] if cache else ["--no-cache"]
    result = subprocess.run([*sopbook(), "lint", *flags, "--today", "2026-11-25", "--format", "json"],
                            cwd=folder, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.decode())
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="sopbook-bench-lint-") as temporary:
        for size in (int(size) for size in args.sizes.split(",")):
            folder = Path(temporary) / f"kb{size}"
            sop = write_knowledge_base(folder, size)
            stages = [in_process(sop) for _ in range(args.runs)]
            CPU.clear()
            totals = [command(folder) for _ in range(args.runs)]
            cpu = statistics.median(CPU)
            command(folder, cache=True)  # fill the cache
            warm = [command(folder, cache=True) for _ in range(args.runs)]
            rows.append((size, {key: statistics.median(run[key] for run in stages) for key in stages[0]},
                         statistics.median(totals), statistics.median(warm), cpu))
    print(f"sopbook validate + lint — median of {args.runs} cold runs, {os.cpu_count()} cores, "
          f"{dt.date.today().isoformat()}\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}\n")
    print("| procedures | validate (s) | model (s) | lint (s) | findings | `sopbook lint --no-cache` (s) | "
          "its CPU time (s) | `sopbook lint`, files cached (s) | lint per procedure (ms) | target (cold) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size, stage, total, warm_total, cpu in rows:
        target = TARGET.get(size)
        verdict = f"≤ {target} s: {'met' if total <= target else 'MISSED'}" if target else ""
        print(f"| {size:,} | {stage['validate']:.2f} | {stage['model']:.2f} | {stage['lint']:.2f} | "
              f"{int(stage['findings']):,} | {total:.2f} | {cpu:.2f} | {warm_total:.2f} | "
              f"{stage['lint'] / size * 1000:.3f} | {verdict} |")


if __name__ == "__main__":
    main()
