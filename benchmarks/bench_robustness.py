"""Time sopbook on one pathological file and print a table (issue 12).

    python benchmarks/bench_robustness.py [--runs 3]

Each case is a copy of the demo knowledge base plus one file:

* ``validate, 100,000 problems``: a procedure with 100,000 unknown keys (each a problem; 100 are
  printed, then "… and 99,900 more"). Target: under 2 s.
* ``validate, 35,000 unknown actors``: one procedure naming 50 unknown people in 35,000 steps.
* ``lint, 90,000 steps``: a valid 990 KB procedure of 90,000 steps. Target: under 5 s.

Each run is ``sopbook ... --no-cache`` in a fresh process, as CI runs it; the table shows the median
wall time and the child's CPU time (the machine is shared: CPU time is the steadier number).
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

ROOT = Path(__file__).resolve().parent.parent
HEAD = "id: ZZ-001\ntitle: 大きな手順\ndepartment: 総務部\nowner: tanaka\nbackups: [sato]\n" \
       "review:\n  last_reviewed: 2026-04-01\n"


def sopbook() -> list[str]:
    found = shutil.which("sopbook", path=str(Path(sys.executable).parent)) or shutil.which("sopbook")
    return [found] if found else [sys.executable, "-c", "from generator.cli import main; main()"]


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def knowledge_base(root: Path, name: str, text: str) -> Path:
    folder = root / name
    shutil.copytree(ROOT / "sop", folder / "sop", ignore=shutil.ignore_patterns(".sopbook-cache"))
    (folder / "sop" / "総務部" / "ZZ-001.yaml").write_text(text, encoding="utf-8")
    return folder


CASES = [
    ("validate, 100,000 problems", "many-problems",
     HEAD + "steps:\n  - title: a\n" + "".join(f"k{number}: 1\n" for number in range(100_000)),
     ["validate", "--no-cache"], 2.0),
    ("validate, 35,000 unknown actors", "unknown-actors",
     HEAD + "steps:\n" + "".join(f"- {{title: a, actor: nobody{number % 50}}}\n" for number in range(35_000)),
     ["validate", "--no-cache"], 2.0),
    ("lint, 90,000 steps (990 KB)", "many-steps", HEAD + "steps:\n" + "- title: a\n" * 90_000,
     ["lint", "--no-cache"], 5.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        for label, name, text, command, target in CASES:
            folder = knowledge_base(root, name, text)
            size = (folder / "sop" / "総務部" / "ZZ-001.yaml").stat().st_size
            times = [timed([*sopbook(), *command], folder) for _ in range(args.runs)]
            wall = statistics.median(time for time, _ in times)
            cpu = statistics.median(cpu for _, cpu in times)
            verdict = "" if target is None else ("ok" if wall < target else "SLOW")
            rows.append((label, f"{size / 1024:,.0f} KB", f"{wall:.2f} s", f"{cpu:.2f} s",
                         "" if target is None else f"< {target:g} s", verdict))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores (wall time counts other processes' "
          f"share of the CPU; CPU time does not)")
    header = ("case", "file", "wall (median)", "CPU (median)", "target", "")
    widths = [max(len(str(row[index])) for row in [header, *rows]) for index in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
