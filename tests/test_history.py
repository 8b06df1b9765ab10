"""History: a real git repository with dated commits; the trend and ``--at`` reports against what each commit holds."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import cli
from generator.history import Repository
from generator.model import load_knowledge_base
from generator.reports import trend
from generator.rules import default_config, run
from tests.support import DEMO_SOP

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str, date: str | None = None) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_AUTHOR_NAME="Tester", GIT_AUTHOR_EMAIL="t@example.com",
                       GIT_COMMITTER_NAME="Tester", GIT_COMMITTER_EMAIL="t@example.com")
    if date:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", *args], cwd=root, env=environment, check=True, capture_output=True,
                          text=True).stdout


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


def set_owner_backups(path: Path, backups: str) -> None:
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("backups:")]
    index = next(i for i, line in enumerate(lines) if line.startswith("owner:"))
    lines.insert(index + 1, f"backups: {backups}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three months of history: the demo; a procedure deleted (leaving a broken reference); backups added."""
    root = tmp_path_factory.mktemp("kb")
    git(root, "init", "-q", "-b", "main")
    shutil.copytree(DEMO_SOP, root / "sop")
    snapshots: dict[str, Path] = {}

    def snapshot(name: str) -> None:
        target = tmp_path_factory.mktemp(f"snapshot-{name}") / "sop"
        shutil.copytree(root / "sop", target)
        snapshots[name] = target

    first = commit(root, "demo", "2026-01-10T09:00:00+09:00")
    snapshot("first")
    (root / "sop" / "総務部" / "GA-006-名刺の発注.yaml").unlink()
    second = commit(root, "drop GA-006", "2026-02-20T09:00:00+09:00")
    snapshot("second")
    set_owner_backups(root / "sop" / "総務部" / "GA-002-社用印の押印申請.yaml", "[tanaka, suzuki]")
    set_owner_backups(root / "sop" / "総務部" / "GA-005-郵便物の受付.yaml", "[tanaka, suzuki]")
    hr001 = root / "sop" / "人事部" / "HR-001-入社手続き.yaml"
    hr001.write_text(hr001.read_text(encoding="utf-8").replace(", GA-006]", "]"), encoding="utf-8")
    third = commit(root, "backups for GA-002, GA-005; HR-001 no longer names GA-006", "2026-03-05T09:00:00+09:00")
    snapshot("third")
    # An uncommitted change must never show up in a past point.
    (root / "sop" / "総務部" / "GA-003-備品の発注.yaml").write_text("broken: [\n", encoding="utf-8")
    return root, {"first": first, "second": second, "third": third}, snapshots


def expected(snapshot: Path, day: dt.date) -> dict:
    kb, validation = load_knowledge_base(snapshot)
    errors = sum(1 for problem in validation.problems if str(problem.severity) == "error")
    config = default_config()
    return trend.measure(run(kb, config, day), errors)


def test_monthly_points_match_what_each_commit_holds(history, tmp_path, monkeypatch) -> None:
    root, commits, snapshots = history
    monkeypatch.setenv("SOPBOOK_TREND_CACHE", str(tmp_path / "cache"))
    repository = Repository.find(root / "sop")
    assert repository is not None
    found, walk = trend.points(repository, root / "sop", default_config(), every="month",
                               today=dt.date(2026, 4, 10))
    assert [point["date"] for point in found] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28),
                                                  dt.date(2026, 3, 31), dt.date(2026, 4, 10)]
    assert [point["commit_id"] for point in found] == [commits["first"], commits["second"], commits["third"],
                                                       commits["third"]]
    for point, name in zip(found, ["first", "second", "third", "third"], strict=True):
        numbers = expected(snapshots[name], point["date"])
        assert {key: point[key] for key in numbers} == numbers
    assert found[0]["procedures"] == 22 and found[1]["procedures"] == 21
    assert found[1]["single_owner"] == found[2]["single_owner"] + 2  # GA-002 and GA-005 got backups
    # The second commit deleted GA-006 while HR-001 still named it; the third fixed that.
    assert found[0]["errors"] == 0 and found[1]["errors"] == 1 and found[2]["errors"] == 0
    assert walk.computed == 4
    again, walk = trend.points(repository, root / "sop", default_config(), every="month",
                               today=dt.date(2026, 4, 10))
    assert again == found and walk.computed == 0  # everything from the cache
    later, walk = trend.points(repository, root / "sop", default_config(), every="month",
                               today=dt.date(2026, 5, 3))
    assert later[:3] == found[:3] and walk.computed == 2  # April's end and May: new days


def test_cache_file_that_lies_is_ignored(history, tmp_path, monkeypatch) -> None:
    root = history[0]
    folder = tmp_path / "cache"
    monkeypatch.setenv("SOPBOOK_TREND_CACHE", str(folder))
    repository = Repository.find(root)
    assert repository is not None
    first, _ = trend.points(repository, root / "sop", default_config(), today=dt.date(2026, 1, 31))
    for path in folder.glob("*.json"):
        path.write_text(json.dumps({"tree": "0" * 40, "numbers": {"procedures": 999}}), encoding="utf-8")
    again, walk = trend.points(repository, root / "sop", default_config(), today=dt.date(2026, 1, 31))
    assert again == first and walk.computed == 1
    for path in folder.glob("*.json"):
        path.write_bytes(b"\x80garbage")
    again, walk = trend.points(repository, root / "sop", default_config(), today=dt.date(2026, 1, 31))
    assert again == first and walk.computed == 1


def test_every_commit_and_week(history, tmp_path, monkeypatch) -> None:
    root, commits, _ = history
    monkeypatch.setenv("SOPBOOK_TREND_CACHE", str(tmp_path / "cache"))
    repository = Repository.find(root)
    assert repository is not None
    per_commit, _ = trend.points(repository, root / "sop", default_config(), every="commit", today=dt.date(2026, 4, 1))
    assert [point["commit_id"] for point in per_commit] == [commits["first"], commits["second"], commits["third"]]
    assert [point["date"] for point in per_commit] == [dt.date(2026, 1, 10), dt.date(2026, 2, 20), dt.date(2026, 3, 5)]
    weekly, _ = trend.points(repository, root / "sop", default_config(), every="week",
                             since=dt.date(2026, 2, 9), today=dt.date(2026, 3, 10))
    assert [point["date"].weekday() for point in weekly[:-1]] == [6] * (len(weekly) - 1)  # Sundays
    assert weekly[-1]["date"] == dt.date(2026, 3, 10)
    assert [point["procedures"] for point in weekly] == [22, 21, 21, 21, 21]


def run_cli(root: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)


def test_trend_command_formats(history, tmp_path, monkeypatch) -> None:
    root, commits, _ = history
    monkeypatch.setenv("SOPBOOK_TREND_CACHE", str(tmp_path / "cache"))
    result = run_cli(root, "report", "trend", "--format", "json", "--today", "2026-03-31", "--since", "2026-02-01")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [point["date"] for point in document["points"]] == ["2026-02-28", "2026-03-31"]
    assert document["points"][0]["findings"]["single-owner"] >= 1
    assert document["meta"]["commit"] == commits["third"] and document["meta"]["dirty"] is True
    assert document["meta"]["today"] == "2026-03-31"
    output = tmp_path / "trend.xlsx"
    result = run_cli(root, "report", "trend", "--format", "xlsx", "--output", str(output), "--language", "en",
                     "--today", "2026-03-31")
    assert result.exit_code == 0, result.output
    workbook = load_workbook(output)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Date", "Commit", "Procedures", "Active"] and "single-owner" in header
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [22, 21, 21]
    provenance = {str(row[0]): str(row[1]) for row in workbook["Provenance"].iter_rows(values_only=True)}
    assert provenance["Commit"].startswith(commits["third"][:12]) and "uncommitted" in provenance["Commit"]
    monkeypatch.setenv("LANGUAGE", "ja")  # no mkdocs.yml: the labels are in the locale's language
    csv_text = run_cli(root, "report", "trend", "--format", "csv", "--today", "2026-03-31").stdout_bytes
    lines = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig"))))
    assert lines[0][0].startswith("# ") and "2026-03-31" in lines[0][0]
    assert lines[1][0] == "日付" and len(lines) == 2 + 3


def test_reports_at_a_commit_read_that_commit(history, tmp_path) -> None:
    root, commits, _ = history
    for ref, name in ((commits["first"], "first"), ("2026-03-10", "third"), ("main", "third")):
        result = run_cli(root, "report", "single-owner", "--at", ref, "--format", "json")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["meta"]["commit"] == commits[name] and document["meta"]["dirty"] is False
        today = dt.date(2026, 3, 10) if ref == "2026-03-10" else None
        assert document["meta"]["today"] == (today.isoformat() if today else document["meta"]["commit_date"][:10])
    first = json.loads(run_cli(root, "report", "single-owner", "--at", commits["first"], "-f", "json").stdout)
    third = json.loads(run_cli(root, "report", "single-owner", "--at", "main", "-f", "json").stdout)
    assert {"GA-002", "GA-005"} <= {row["id"] for row in first["rows"]}
    assert not {"GA-002", "GA-005"} & {row["id"] for row in third["rows"]}
    broken = run_cli(root, "report", "single-owner", "--at", "2026-02-25")
    assert broken.exit_code == 1
    assert "unknown-procedure" in broken.output and f"at commit {commits['second'][:12]}" in broken.output
    # The working tree (with its broken, uncommitted file) was never read, and never changed.
    assert (root / "sop" / "総務部" / "GA-003-備品の発注.yaml").read_text(encoding="utf-8") == "broken: [\n"
    assert "GA-003" in git(root, "status", "--porcelain")


def test_at_errors_are_usage_errors(history, tmp_path) -> None:
    root, _, _ = history
    result = run_cli(root, "report", "people", "--at", "no-such-ref")
    assert result.exit_code == 2 and "--at no-such-ref" in result.output
    result = run_cli(root, "report", "people", "--at", "1999-01-01")
    assert result.exit_code == 2 and "no commit on or before 1999-01-01" in result.output
    outside = tmp_path / "plain"
    shutil.copytree(DEMO_SOP, outside / "sop")
    result = run_cli(outside, "report", "people", "--at", "HEAD")
    assert result.exit_code == 2 and "not inside a git repository" in result.output
    result = run_cli(outside, "report", "people", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["meta"]["commit"] is None


def test_dashboard_draws_the_trend(history, tmp_path, monkeypatch) -> None:
    import re
    import xml.etree.ElementTree as ET

    from generator.reports.site import dashboard, trend_chart

    root = history[0]
    monkeypatch.setenv("SOPBOOK_TREND_CACHE", str(tmp_path / "cache"))
    repository = Repository.find(root)
    assert repository is not None
    found, _ = trend.points(repository, root / "sop", default_config(), today=dt.date(2026, 4, 10))
    assert trend_chart(found[:1], "ja") == ""  # one point is no trend
    markdown = trend_chart(found, "en")
    charts = re.findall(r"<svg.*?</svg>", markdown)
    assert len(charts) == 2 and "<script" not in markdown
    counts = ET.fromstring(charts[0])  # noqa: S314 - our own output, parsed to check its shape
    lines = counts.findall("{http://www.w3.org/2000/svg}polyline")
    assert [line.findtext("{http://www.w3.org/2000/svg}title") for line in lines] == [
        "Single-owner procedures", "Undocumented tasks", "Reviews overdue"]
    assert all(len(line.get("points", "").split()) == 4 for line in lines)
    # The single-owner line drops where GA-002 and GA-005 got backups (a lower count is further down).
    heights = [float(point.split(",")[1]) for point in lines[0].get("points", "").split()]
    assert heights[2] > heights[1]
    kb, _ = load_knowledge_base(DEMO_SOP)
    page = dashboard(run(kb, default_config(), dt.date(2026, 4, 10)), "ja", trend=found)
    assert "sopbook-trend" in page and "推移（2026-01-31〜2026-04-10" in page
    assert "sopbook-trend" not in dashboard(run(kb, default_config(), dt.date(2026, 4, 10)), "ja")
    from generator.reports.site import pages

    site_pages = pages(run(kb, default_config(), dt.date(2026, 4, 10)), "en", trend=found)
    trend_page = site_pages["reports/trend.md"]
    assert trend_page.startswith("# Trend over history\n") and trend_page.count("<svg") == 2
    assert trend_page.count("| 2026-") == 4 and "(trend.md)" in site_pages["reports/index.md"]
    assert "reports/trend.md" not in pages(run(kb, default_config(), dt.date(2026, 4, 10)), "en")
