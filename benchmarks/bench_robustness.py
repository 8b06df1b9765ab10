"""Time sopbook on one pathological file and print a table (issue 12).

    python benchmarks/bench_robustness.py [--runs 3]

Each case is a copy of the demo knowledge base plus one file:

* ``validate, 100,000 problems``: a procedure with 100,000 unknown keys (each a problem; 100 are
  printed, then "… and 99,900 more"). Target: under 2 s.
* ``validate, 35,000 unknown actors``: one procedure naming 50 unknown people in 35,000 steps.
* ``lint, 90,000 steps``: a valid 990 KB procedure of 90,000 steps. Target: under 5 s.
* ``fmt, 90,000 steps``: the same file, its steps not yet indented under ``steps:`` (so fmt re-emits it).
* ``fmt, 1,000 commented steps``: each step under a comment at the wrong column (each comment is moved).
* ``import, 200,000 rows``: a 10 MB CSV (業務名, 部署, 担当者, 頻度, 月間工数) merged into the demo's
  inventory. Targets: under 20 s and under 1 GB.

Each run is ``sopbook ...`` in a fresh process on a fresh copy (fmt and import rewrite files), as CI
runs it; the table shows the median wall time, the child's CPU time (the machine is shared: CPU time is
the steadier number) and its peak memory (maximum resident set size).
"""
from __future__ import annotations

import argparse
import os
import random
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


def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak memory in MB) of the child."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.stderr.close()
    code = child.returncode = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')[-2000:]}")
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024  # KB; bytes on macOS
    return wall, usage.ru_utime + usage.ru_stime, peak


def knowledge_base(root: Path, name: str, text: str) -> Path:
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "sop", folder / "sop", ignore=shutil.ignore_patterns(".sopbook-cache"))
    if text:
        (folder / "sop" / "総務部" / "ZZ-001.yaml").write_text(text, encoding="utf-8")
    return folder


def task_sheet(path: Path, rows: int) -> Path:
    """A task list as 総務 keeps it: title, department, two performers, frequency, hours a month."""
    names = ["田中", "佐藤", "鈴木", "山本 太郎", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤"]
    departments = ["総務部", "人事部", "経理部"]
    pick = random.Random(1).choice
    with path.open("w", encoding="utf-8") as sheet:
        sheet.write("業務名,部署,担当者,頻度,月間工数\n")
        for number in range(rows):
            sheet.write(f"業務{number:06d},{departments[number % 3]},{pick(names)}、{pick(names)},毎月,{number % 40}\n")
    return path


STEPS = "- title: a\n" * 90_000
COMMENTED = "".join(f"# 手順 {number} の説明\n- title: a{number}\n" for number in range(1_000))
CASES = [
    # (label, folder name, procedure text, command, target seconds, target MB)
    ("validate, 100,000 problems", "many-problems",
     HEAD + "steps:\n  - title: a\n" + "".join(f"k{number}: 1\n" for number in range(100_000)),
     ["validate", "--no-cache"], 2.0, None),
    ("validate, 35,000 unknown actors", "unknown-actors",
     HEAD + "steps:\n" + "".join(f"- {{title: a, actor: nobody{number % 50}}}\n" for number in range(35_000)),
     ["validate", "--no-cache"], 2.0, None),
    ("lint, 90,000 steps (990 KB)", "many-steps", HEAD + "steps:\n" + STEPS, ["lint", "--no-cache"], 5.0, None),
    ("fmt, 90,000 steps (990 KB)", "fmt-steps", HEAD + "steps:\n" + STEPS, ["fmt", "sop/総務部/ZZ-001.yaml"], None,
     None),
    ("fmt, 1,000 commented steps", "fmt-comments", HEAD + "steps:\n" + COMMENTED, ["fmt", "sop/総務部/ZZ-001.yaml"],
     None, None),
    ("import, 200,000 rows (10 MB CSV)", "import", "", ["import", "{sheet}"], 20.0, 1024.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="run only the cases whose label contains this text (e.g. import, fmt)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        sheet = task_sheet(root / "tasks.csv", 200_000)
        for label, name, text, command, target, memory in CASES:
            if args.only and args.only not in label:
                continue
            times = []
            for _run in range(args.runs):
                folder = knowledge_base(root, name, text)  # fresh: fmt and import rewrite what they read
                size = (sheet if "import" in command else folder / "sop" / "総務部" / "ZZ-001.yaml").stat().st_size
                times.append(timed([*sopbook(), *(part.format(sheet=sheet) for part in command)], folder))
            wall = statistics.median(time for time, _, _ in times)
            cpu = statistics.median(cpu for _, cpu, _ in times)
            peak = max(peak for _, _, peak in times)
            slow = (target is not None and wall >= target) or (memory is not None and peak >= memory)
            goal = " and ".join(part for part in (target and f"< {target:g} s", memory and f"< {memory:g} MB") if part)
            rows.append((label, f"{size / 1024:,.0f} KB", f"{wall:.2f} s", f"{cpu:.2f} s", f"{peak:,.0f} MB", goal,
                         "" if not goal else ("SLOW" if slow else "ok")))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores (wall time counts other processes' "
          f"share of the CPU; CPU time does not)")
    header = ("case", "input", "wall (median)", "CPU (median)", "peak memory", "target", "")
    widths = [max(len(str(row[index])) for row in [header, *rows]) for index in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
