"""Lighthouse (mobile, performance) on a procedure page, served plain and gzip-compressed (issue 14).

Lighthouse's default mobile run simulates a slow 4G link (150 ms round trip, 1.6 Mbit/s) and a CPU four
times slower than the machine's, and charges every byte the page transfers. How the site is served
therefore matters: Python's ``http.server`` sends every file uncompressed, while GitHub Pages, nginx and
S3 + CloudFront send HTML, CSS and JavaScript gzip-compressed. This script serves each built site both
ways (``--serve plain``, ``gzip`` or ``both``), runs Lighthouse on the same page of each site in turn
(site A, site B, site A, … so that a noisy minute hurts all of them alike), and prints the median and the
range of the score and of the timings, with the load average before the runs.

    python benchmarks/bench_lighthouse.py [--runs 5] [--serve both] [--reference] [LABEL=SITE_DIR ...]
    python benchmarks/bench_lighthouse.py --summarize REPORTS_DIR [REPORTS_DIR ...]

Without a LABEL=SITE_DIR the demo's site is built into a temporary folder. ``--page`` is the page's path
in the site (default: the demo's GA-001, a procedure with an approval flow, two screenshots and a QR
code). ``--reference`` adds a plain Material page (no sopbook: Material with the demo's ``font: false``
and palette, its search, the same procedure's text as Markdown) as the yardstick of what the theme costs
on its own.

Lighthouse comes from npm (``npx -y lighthouse@12.2.3``); Chromium is Debian's ``/usr/bin/chromium``.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = ["npx", "-y", "lighthouse@12.2.3"]
CHROMIUM = "/usr/bin/chromium"
DEMO_PAGE = "procedures/総務部/契約/GA-001/"
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
METRICS = {
    "first-contentful-paint": "FCP s",
    "largest-contentful-paint": "LCP s",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI s",
}


class _PlainHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_PlainHandler):
    """Sends text files gzip-compressed when the browser asks for it, as GitHub Pages and nginx do.

    Written here rather than installing a web server: a benchmark should need nothing the project does
    not; level 6 is gzip's and nginx's ``gzip_comp_level`` most sites use.
    """

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        if (not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not content_type.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site_dir: Path, compressed: bool) -> Iterator[str]:
    handler = functools.partial(_GzipHandler if compressed else _PlainHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, report: Path) -> dict[str, float]:
    """One mobile performance run (Lighthouse's defaults: simulated slow 4G and a 4x slower CPU)."""
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    command = [*LIGHTHOUSE, url, "--only-categories=performance", "--output=json", f"--output-path={report}",
               "--quiet", "--chrome-flags=--headless=new --no-sandbox"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not report.is_file():
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return read_report(report)


def read_report(report: Path) -> dict[str, float]:
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    row = {"score": round(data["categories"]["performance"]["score"] * 100)}
    for audit, name in METRICS.items():
        value = audits[audit]["numericValue"]
        row[name] = value if name in ("TBT ms", "CLS") else value / 1000
    row["KiB"] = audits["total-byte-weight"]["numericValue"] / 1024
    row["CPU index"] = data["environment"]["benchmarkIndex"]
    return row


def build_demo(out: Path) -> Path:
    subprocess.run([str(BIN / "mkdocs"), "build", "-q", "-d", str(out)], cwd=ROOT, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return out


def build_reference(folder: Path, markdown: str) -> Path:
    """A plain Material site (no sopbook) with one page of the same text."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(markdown, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: reference\ntheme:\n  name: material\n  language: ja\n  font: false\n"
        "  palette:\n    primary: indigo\nplugins:\n  - search:\n      lang: ja\n", encoding="utf-8")
    subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=folder, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return folder / "site"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sites", nargs="*", metavar="LABEL=SITE_DIR")
    parser.add_argument("--page", default=DEMO_PAGE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", choices=("plain", "gzip", "both"), default="both")
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--reports", type=Path, help="keep each run's Lighthouse report (JSON) in this folder")
    parser.add_argument("--summarize", type=Path, nargs="+", metavar="REPORTS",
                        help="print the table of the reports kept in these folders (e.g. two halves of a "
                             "measurement, each run within a time limit) instead of running Lighthouse")
    args = parser.parse_args()
    if args.summarize:
        kept: dict[str, list[dict[str, float]]] = {}
        for folder in args.summarize:
            for report in sorted(folder.glob("*.json"), key=lambda path: int(path.name.split("-", 1)[0])):
                name = report.stem.split("-", 1)[1].rsplit("-", 1)
                kept.setdefault(f"{name[0].replace('_', ' ')}, {name[1]}", []).append(read_report(report))
        print(f"Lighthouse 12.2.3 mobile, reports of {', '.join(str(folder) for folder in args.summarize)}")
        print_table(kept)
        return
    with tempfile.TemporaryDirectory() as folder:
        temporary = Path(folder)
        sites = [(label, Path(path), args.page) for label, _, path in (site.partition("=") for site in args.sites)]
        if not sites:
            sites = [("demo", build_demo(temporary / "demo"), args.page)]
        if args.reference:
            text = (sites[0][1] / args.page.rstrip("/")).with_suffix(".md")
            markdown = text.read_text(encoding="utf-8") if text.is_file() else "# reference\n"
            sites.append(("plain Material", build_reference(temporary / "reference", markdown), ""))
        modes = {"plain": [False], "gzip": [True], "both": [False, True]}[args.serve]
        results: dict[str, list[dict[str, float]]] = {}
        load = os.getloadavg()
        with contextlib.ExitStack() as stack:
            targets = []
            for label, site_dir, page in sites:
                for compressed in modes:
                    base = stack.enter_context(serve(site_dir, compressed))
                    name = f"{label}, {'gzip' if compressed else 'plain'}"
                    targets.append((name, base + quote(page)))
            for run in range(args.runs):
                for name, url in targets:
                    report = temporary / "report.json"
                    if args.reports:
                        args.reports.mkdir(parents=True, exist_ok=True)
                        slug = name.replace(", ", "-").replace(" ", "_")
                        report = args.reports / f"{len(results.get(name, [])) + 1}-{slug}.json"
                    row = lighthouse(url, report)
                    results.setdefault(name, []).append(row)
                    print(f"run {run + 1} {name}: {row['score']} (load average {os.getloadavg()[0]:.2f})",
                          file=sys.stderr, flush=True)
        after = os.getloadavg()
    print(f"Lighthouse 12.2.3 mobile, {args.runs} alternating runs; page {args.page}; "
          f"load average {load[0]:.2f} before, {after[0]:.2f} after")
    print_table(results)
    shutil.rmtree(temporary, ignore_errors=True)


def print_table(results: dict[str, list[dict[str, float]]]) -> None:
    columns = ["score", *METRICS.values(), "KiB", "CPU index"]
    print("| site, served | runs | " + " | ".join(f"{column}: median (range)" for column in columns) + " |")
    print("|---|---:|" + "---:|" * len(columns))
    for name, rows in results.items():
        cells = [str(len(rows))]
        for column in columns:
            values = [row[column] for row in rows]
            digits = 0 if column in ("score", "TBT ms", "CPU index", "KiB") else 3 if column == "CLS" else 2
            cells.append(f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
