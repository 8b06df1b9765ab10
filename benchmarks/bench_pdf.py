"""How long ``sopbook pdf --department`` takes for a department of 200 procedures (issue 14).

Writes a synthetic knowledge base of 800 procedures over four departments (200 each, see synthetic.py),
then times the command the way a user runs it and prints a table: the whole command, and its parts
(validate + lint + render of the whole knowledge base, HTML of the book, WeasyPrint's layout and write),
each as wall-clock time and as CPU time (user + sys), with the load average: on a shared machine the wall
clock measures the neighbours as much as the command (at a load average of 20 on 2 cores it read 406 s for
what takes about 80 s of CPU).

    python benchmarks/bench_pdf.py [--per-department 200] [--runs 1]
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
from synthetic import DEPARTMENTS, mkdocs_yml, write_knowledge_base

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-department", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    department = next(iter(DEPARTMENTS))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_knowledge_base(root, args.per_department * len(DEPARTMENTS))
        (root / "mkdocs.yml").write_text(mkdocs_yml("PDF benchmark"), encoding="utf-8")
        (root / "docs").mkdir()
        environment = {**os.environ, "SOPBOOK_NO_CACHE": "1"}
        command = [str(BIN / "sopbook"), "pdf", "--department", department, "-o", "book.pdf", "--today", "2026-11-25"]
        totals, cpu_totals = [], []
        load = os.getloadavg()[0]
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment, check=False)
            totals.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_totals.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
        parts = _parts(root, department)
        pages = subprocess.run(["pdfinfo", "book.pdf"], cwd=root, capture_output=True, text=True, check=False).stdout
        page_count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    total, cpu = statistics.median(totals), statistics.median(cpu_totals)
    print(f"load average {load:.2f} before the runs, {os.getloadavg()[0]:.2f} after")
    print(f"| procedures in the department | PDF pages | sopbook pdf: wall s, CPU s (median of {args.runs}) "
          "| CPU s per procedure |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.per_department} | {page_count} | {total:.1f}, {cpu:.1f} | {cpu / args.per_department:.2f} |")
    print()
    print("| part | wall s | CPU s |")
    print("|---|---:|---:|")
    for name, (seconds, cpu_seconds) in parts.items():
        print(f"| {name} | {seconds:.1f} | {cpu_seconds:.1f} |")


def _parts(root: Path, department: str) -> dict[str, tuple[float, float]]:
    """The command's stages, timed in this process (same code as the command)."""
    from generator import pdf, site
    from generator.options import load_project

    old = Path.cwd()
    os.chdir(root)
    try:
        project = load_project(root / "mkdocs.yml")
        day = dt.date(2026, 11, 25)
        timings: dict[str, tuple[float, float]] = {}
        started, cpu = time.perf_counter(), time.process_time()
        generated = site.generate(project.options, today=day)
        timings["validate, lint and render the whole knowledge base"] = (time.perf_counter() - started,
                                                                         time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        html = pdf.book_html(generated, "PDF benchmark", department, day, root / "templates")
        timings["the book as HTML (Markdown of the department's pages)"] = (time.perf_counter() - started,
                                                                            time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        pdf.write(html, root / "parts.pdf", {static.source for static in generated.files})
        timings["WeasyPrint: layout and write"] = (time.perf_counter() - started, time.process_time() - cpu)
        return timings
    finally:
        os.chdir(old)


if __name__ == "__main__":
    main()
