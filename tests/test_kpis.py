"""KPI measurements: the format, the model's judgement, the kpis report, the chart on the procedure page."""
from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from generator.model import load_knowledge_base
from generator.options import parse_options
from generator.render import render_pages
from generator.reports import build
from generator.reports.writers import write
from generator.rules import default_config, parse_lint_config, run
from tests.support import DEMO_SOP

TODAY = dt.date(2026, 11, 25)
PROCEDURE = """\
id: GA-001
title: 電子契約の締結
department: 総務部
owner: tanaka
backups: [suzuki]
steps:
  - title: 契約書の確認
kpis:
  - name: 承認リードタイム
    target: 3日以内
    unit: 日
    direction: {direction}
    goal: 3
    measurements:
      - {{date: 2026-10-31, value: 4}}
      - {{date: 2026-08-31, value: 6}}
      - {{date: 2026-09-30, value: {september}}}
"""


@pytest.fixture(scope="module")
def demo():
    kb, validation = load_knowledge_base(DEMO_SOP)
    assert validation.ok
    return kb


@pytest.mark.parametrize(("direction", "september", "met", "change"), [
    ("lower", 5, False, "improving"), ("lower", 3, False, "worsening"), ("higher", 5, True, "worsening"),
    ("lower", 4, False, "steady"),
])
def test_latest_value_goal_and_change(make_kb, direction, september, met, change) -> None:
    sop = make_kb({"総務部/GA-001.yaml": PROCEDURE.format(direction=direction, september=september)})
    kb, validation = load_knowledge_base(sop)
    assert validation.problems == []
    kpi = kb.procedures["GA-001"].kpis[0]
    assert [m.date.month for m in kpi.measurements] == [8, 9, 10]  # sorted, whatever the file's order
    assert kpi.latest is not None and kpi.latest.value == 4
    assert kpi.met(kpi.latest.value) is met and kpi.change() == change


@pytest.mark.parametrize(("bad", "code", "where"), [
    ("direction: lower", "direction: down", "15:16"),
    ("{date: 2026-10-31, value: 4}", "{date: 2026-10-31, value: 四}", "invalid-value"),
    ("{date: 2026-10-31, value: 4}", "{date: 2026-10-32, value: 4}", "invalid-value"),
    ("goal: 3", "goal: 三", "wrong-type"),
])
def test_measurements_are_checked_by_the_schema(make_kb, bad, code, where) -> None:
    text = PROCEDURE.format(direction="lower", september=5).replace(bad, code)
    sop = make_kb({"総務部/GA-001.yaml": text})
    _, validation = load_knowledge_base(sop)
    assert validation.errors, text
    assert all(problem.path.endswith("GA-001.yaml") for problem in validation.errors)


def test_kpis_report_on_the_demo(demo) -> None:
    report = build("kpis", run(demo, default_config(), TODAY), "en")
    rows = {(row["id"], row["kpi"]): row for row in report.rows}
    expenses = rows[("ACC-001", "精算リードタイム（申請から振込まで）")]
    assert (expenses["latest"], expenses["goal"], expenses["met"], expenses["change"]) == ("8日", "10日", True,
                                                                                            "improving")
    closing = rows[("ACC-005", "月次決算のリードタイム（月末から試算表確定まで）")]
    assert (closing["met"], closing["change"], closing["stale"]) == (False, "worsening", False)
    attendance = rows[("HR-003", "月次締めのリードタイム")]
    assert attendance["stale"] is True and attendance["stale_label"] == "stale"
    invoices = rows[("ACC-003", "Reissued invoices")]
    assert invoices["latest"] == "1 invoices" and invoices["change"] == "steady"
    unmeasured = rows[("ACC-004", "支払漏れ・二重払い")]
    assert unmeasured["latest_value"] is None and unmeasured["stale_label"] == "not measured"
    document = json.loads(write(report, "json", "en"))
    assert document["rows"][0]["measurements"] == [] or "date" in document["rows"][0]["measurements"][0]
    japanese = build("kpis", run(demo, default_config(), TODAY), "ja")
    assert {row["change_label"] for row in japanese.rows} >= {"改善", "悪化", "横ばい"}


def test_stale_rule_on_the_demo_and_its_option(demo) -> None:
    found = [problem for problem in run(demo, None, TODAY).problems if problem.code == "kpi-stale"]
    assert [problem.procedure for problem in found] == ["HR-003"]
    stricter = parse_lint_config({"rules": {"kpi-stale": {"max_age_months": 0}}})
    stale = [str(problem.procedure) for problem in run(demo, stricter, TODAY).problems if problem.code == "kpi-stale"]
    assert sorted(stale) == ["ACC-001", "ACC-003", "ACC-005", "HR-003"]


def test_procedure_page_draws_the_measurements_against_the_goal(demo) -> None:
    pages = {page.path: page.markdown for page in render_pages(demo, parse_options({"language": "ja"}), today=TODAY)}
    markdown = next(text for path, text in pages.items() if path.endswith("/ACC-001.md"))
    assert "| 精算リードタイム（申請から振込まで） | 10日以内 | 8日（2026年10月31日） | 達成、改善 |" in markdown
    charts = re.findall(r'<div class="sopbook-kpi-chart">(<svg.*?</svg>)</div>', markdown)
    assert len(charts) == 1  # the other KPI has no measurements
    svg = ET.fromstring(charts[0])  # noqa: S314 - our own output, parsed to check its shape
    namespace = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img" and "精算リードタイム" in (svg.get("aria-label") or "")
    points = svg.find(f"{namespace}polyline").get("points").split()  # type: ignore[union-attr]
    assert len(points) == 5
    heights = [float(point.split(",")[1]) for point in points]
    assert heights == sorted(heights)  # 14, 13, 11, 9, 8 days: each lower on the chart than the one before
    goal = svg.find(f"{namespace}line")
    assert goal is not None and goal.get("stroke-dasharray")
    assert heights[2] < float(goal.get("y1") or 0) < heights[3]  # 10 days lies between 11 and 9
    assert "<script" not in markdown
    other = next(text for path, text in pages.items() if path.endswith("/ACC-004.md"))
    assert "sopbook-kpi-chart" not in other and "| 指標 | 目標 |\n" in other
