"""Compare two or more sopbook versions on one knowledge base, runs interleaved, and print a table.

    python benchmarks/bench_ab.py --side old=/tmp/old/.venv/bin/sopbook --side new=.venv/bin/sopbook \\
        [--size 10000 | --kb FOLDER] [--rounds 6]

Each round runs, for every side in turn (the order rotates from round to round), ``sopbook lint`` and
``sopbook validate``, cold (``--no-cache``) and warm (after a run that filled the cache), each in a fresh
process, and records its wall time and CPU time (user + system, the command and the workers it
waited for). On a shared machine one run of a version against one of the other says little; runs of
both, taken turn about while the load comes and goes, show a difference of a few percent.

Each side has its own cache folder (the cache keeps one code version's entries: two versions sharing
one would make every warm run a cold one), and each runs with Python allowed to write its bytecode, as
an installed package has it (with ``PYTHONDONTWRITEBYTECODE`` set, every run would compile sopbook again).
To measure an older commit: ``git worktree add /tmp/old <commit>``, then ``python3 -m venv /tmp/old/.venv``
and ``/tmp/old/.venv/bin/pip install -e /tmp/old``.
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
from synthetic import mkdocs_yml, write_knowledge_base

COMMANDS = {
    "lint, cold": ["lint", "--no-cache", "--today", "2026-11-25", "--format", "json"],
    "validate, cold": ["validate", "--no-cache"],
    "lint, warm": ["lint", "--today", "2026-11-25", "--format", "json"],
    "validate, warm": ["validate"],
}


def run(command: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):  # 1: findings
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.decode(errors='replace')}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", action="append", required=True, metavar="NAME=SOPBOOK",
                        help="a version: its name and its sopbook executable (at least two)")
    parser.add_argument("--kb", type=Path, help="a knowledge base folder (mkdocs.yml and sop/)")
    parser.add_argument("--size", type=int, default=10_000, help="procedures of the synthetic one (default)")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    sides = dict(side.split("=", 1) for side in args.side)
    with tempfile.TemporaryDirectory(prefix="sopbook-bench-ab-") as temporary:
        folder = args.kb
        if folder is None:
            folder = Path(temporary) / "kb"
            write_knowledge_base(folder, args.size)
            (folder / "mkdocs.yml").write_text(mkdocs_yml("x"), encoding="utf-8")
        base = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        envs = {name: {**base, "SOPBOOK_CACHE_DIR": str(Path(temporary) / f"cache-{index}")}
                for index, name in enumerate(sides)}
        for name, executable in sides.items():  # write the bytecode and fill the caches
            for command in ("lint, warm", "validate, warm"):
                run([executable, *COMMANDS[command]], folder, envs[name])
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        loads = []
        order = list(sides)
        for round_ in range(args.rounds):
            for name in order[round_ % len(order):] + order[:round_ % len(order)]:
                for command, arguments in COMMANDS.items():
                    results.setdefault((name, command), []).append(run([sides[name], *arguments], folder, envs[name]))
                    loads.append(os.getloadavg()[0])
    print(f"sopbook A/B — {args.rounds} interleaved rounds, {os.cpu_count()} cores, {dt.date.today().isoformat()}, "
          f"load average {min(loads):.1f}–{max(loads):.1f}\n")
    print("| command | " + " | ".join(f"{name}: CPU s, median (range) | {name}: wall s" for name in sides) + " |")
    print("|---|" + "---:|---:|" * len(sides))
    for command in COMMANDS:
        cells = []
        for name in sides:
            walls = [wall for wall, _ in results[(name, command)]]
            cpus = [cpu for _, cpu in results[(name, command)]]
            cells += [f"{statistics.median(cpus):.2f} ({min(cpus):.2f}–{max(cpus):.2f})",
                      f"{statistics.median(walls):.2f}"]
        print(f"| {command} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
