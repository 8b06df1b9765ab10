"""Time ``sopbook report trend`` on a git history of a synthetic knowledge base and print a table.

    python benchmarks/bench_trend.py [--procedures 1000] [--months 24] [--runs 3]

Builds a repository whose knowledge base grows to ``--procedures`` over ``--months`` monthly commits
(dated with GIT_AUTHOR_DATE/GIT_COMMITTER_DATE; each month adds procedures and edits about 5% of
the others: backups, review dates), then runs the command in a fresh process:

* cold: an empty trend cache, so every monthly point is read from git, validated and linted;
* warm: the same command again, every point answered from the cache;
* one new commit: a month later with one more commit, so one point is computed.

Target (issue 15): 24 monthly points on a 1,000-procedure history ≤ 30 s cold, ≤ 3 s warm.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_validate import sopbook
from synthetic import mkdocs_yml, write_knowledge_base

TARGET = {"cold": 30.0, "warm": 3.0}


def git(root: Path, *args: str, date: str | None = None) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
                       GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")
    if date:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=environment, check=True, capture_output=True)


def month_end(start: dt.date, months: int) -> dt.date:
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def build_history(root: Path, procedures: int, months: int, start: dt.date) -> None:
    """A repository whose sop/ grows from 60% to ``procedures`` over ``months`` monthly commits."""
    rng = random.Random(15)
    sop = write_knowledge_base(root, procedures)
    (root / "mkdocs.yml").write_text(mkdocs_yml("Trend bench"), encoding="utf-8")
    files = sorted(sop.rglob("P*.yaml"), key=lambda path: path.name)
    for path in files:
        # Related links only to procedures numbered lower, which exist by then: every commit is valid,
        # as a maintained knowledge base is (a broken one costs a did-you-mean search per reference).
        number = int(path.stem[1:])
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^related: \[(.*)\]$", text, flags=re.M)
        if match:
            kept = [other for other in match.group(1).split(", ") if other and int(other[1:]) < number]
            text = text[:match.start()] + f"related: [{', '.join(kept)}]" + text[match.end():]
        path.write_text(text, encoding="utf-8")
    hidden = {path: path.read_text(encoding="utf-8") for path in files[int(procedures * 0.6):]}
    for path in hidden:
        path.unlink()
    git(root, "init", "-q", "-b", "main")
    pending = list(hidden)
    per_month = max(1, len(pending) // max(1, months - 1))
    for month in range(months):
        day = month_end(start, month) - dt.timedelta(days=rng.randint(1, 20))
        if month:
            for path in pending[:per_month]:
                path.write_text(hidden[path], encoding="utf-8")
            pending = pending[per_month:]
            present = [path for path in files if path.exists()]
            for path in rng.sample(present, max(1, len(present) // 20)):
                text = path.read_text(encoding="utf-8")
                text = re.sub(r"last_reviewed: \d{4}-\d{2}-\d{2}", f"last_reviewed: {day.isoformat()}", text)
                text = re.sub(r"^backups: \[.*\]$", f"backups: [user{rng.randrange(16):03d}]", text, flags=re.M)
                path.write_text(text, encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"month {month + 1}", date=f"{day.isoformat()}T10:00:00+09:00")


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system of the command and its git processes) per run name: steadier than wall time
on a machine shared with other work, and what the wall time would be on an idle one (the walk is serial)."""


def run(root: Path, cache: Path, today: dt.date, name: str) -> float:
    environment = dict(os.environ, SOPBOOK_TREND_CACHE=str(cache))
    command = [*sopbook(), "report", "trend", "--every", "month", "--format", "json", "--today", today.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    CPU.setdefault(name, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--procedures", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    start = dt.date(2024, 12, 1)
    with tempfile.TemporaryDirectory(prefix="sopbook-trend-") as folder:
        root = Path(folder) / "kb"
        root.mkdir()
        began = time.perf_counter()
        build_history(root, arguments.procedures, arguments.months, start)
        built = time.perf_counter() - began
        last = month_end(start, arguments.months - 1)
        cold, warm, one_more = [], [], []
        for attempt in range(arguments.runs):
            cache = Path(folder) / f"cache{attempt}"
            cold.append(run(root, cache, last, "cold"))
            warm.append(run(root, cache, last, "warm"))
        # One more commit a month later: the warm run then computes only the new point.
        next_day = month_end(start, arguments.months)
        path = sorted((root / "sop").rglob("P*.yaml"))[0]
        path.write_text(path.read_text(encoding="utf-8").replace("frequency: 毎月", "frequency: 毎週"),
                        encoding="utf-8")
        git(root, "commit", "-q", "-am", "one more", date=f"{next_day.isoformat()}T10:00:00+09:00")
        for attempt in range(arguments.runs):
            one_more.append(run(root, Path(folder) / f"cache{attempt}", next_day, "warm + 1 new month"))
    print(f"history: {arguments.procedures} procedures at the end, {arguments.months} monthly commits "
          f"(built in {built:.1f} s); {os.cpu_count()} cores; median of {arguments.runs} runs\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}\n")
    print("| run | points | wall s (median) | min | max | CPU s (median) | target |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, times, points in (("cold", cold, arguments.months), ("warm", warm, arguments.months),
                                ("warm + 1 new month", one_more, arguments.months + 1)):
        target = TARGET.get(name)
        print(f"| {name} | {points} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | "
              f"{statistics.median(CPU[name]):.2f} | {f'≤ {target:g} s' if target else ''} |")


if __name__ == "__main__":
    main()
