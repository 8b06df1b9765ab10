"""Reports: rows of each report on the demo, the writers read back (xlsx with openpyxl, CSV with a BOM), whatif,
and the site pages built by a real ``mkdocs build --strict``."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator import i18n
from generator.cli import cli
from generator.i18n import language as language_for
from generator.model import KnowledgeBase, load_knowledge_base
from generator.render import environment, person_path, procedure_path
from generator.reports import REPORTS, build, whatif
from generator.reports.health import health
from generator.reports.site import dashboard, pages
from generator.reports.writers import write
from generator.rules import RULES, LintConfig, LintResult, default_config, parse_lint_config
from generator.rules import run as lint
from tests.support import DEMO_SOP

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo():
    kb, validation = load_knowledge_base(DEMO_SOP)
    assert validation.ok
    return kb


def linted(kb: KnowledgeBase, config: LintConfig | None = None) -> LintResult:
    return lint(kb, config, TODAY)


def ids(report) -> list[str]:
    return [row["id"] for row in report.rows]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_single_owner_lists_riskiest_first_with_reasons(demo) -> None:
    report = build("single-owner", linted(demo), "ja")
    assert ids(report)[0] == "HR-004"  # its owner left: worst
    assert {"GA-002", "GA-005", "HR-002", "ACC-004", "HR-007"} <= set(ids(report))
    assert "GA-001" not in ids(report) and "GA-008" not in ids(report)  # two people; retired
    hr007 = next(row for row in report.rows if row["id"] == "HR-007")
    assert "個人情報" in hr007["suppressed"]
    document = json.loads(write(report, "json"))["rows"]
    assert {"id", "title", "department", "owner", "people", "file"} <= set(document[0])
    assert document[0]["people"] == ["ito"] and document[0]["owner"] == "kato"
    counts = [row["people_count"] for row in report.rows]
    assert counts == sorted(counts)
    stricter = build("single-owner", linted(demo, parse_lint_config({"rules": {"single-owner": {"min_people": 3}}})))
    assert len(stricter.rows) > len(report.rows)


def test_people_counts_sole_holders(demo) -> None:
    rows = {row["id"]: row for row in build("people", linted(demo)).rows}
    assert rows["ito"]["sole_procedures"] == ["HR-002", "HR-004"]
    assert rows["ito"]["sole_holder"] == 2 and rows["ito"]["owned"] == 3
    assert rows["matsumoto"]["approves"] == 4 and rows["matsumoto"]["owned"] == 0
    assert rows["kato"]["active"] is False  # left, but still named as an owner
    assert "yamada" not in rows or rows["yamada"]["active"]


def test_undocumented_lists_inventory_without_procedures(demo) -> None:
    report = build("undocumented", linted(demo), "en")
    assert ids(report) == ["GA-101", "ACC-101", "GA-006", "HR-101", "GA-102"]  # most hours first
    ga006 = next(row for row in report.rows if row["id"] == "GA-006")
    assert (ga006["state"], ga006["performers"]) == ("draft only", ["tanaka"])
    assert report.rows[0]["file"] == "sop/inventory.yaml:41" or report.rows[0]["file"].endswith("inventory.yaml:41")


def test_reviews_overdue_then_upcoming(demo) -> None:
    rows = build("reviews", linted(demo), "en").rows
    states = [row["state_code"] for row in rows]
    assert states == sorted(states, key=["never", "overdue", "upcoming"].index)
    acc006 = next(row for row in rows if row["id"] == "ACC-006")
    assert (acc006["state_code"], acc006["days"], acc006["next_review"]) == ("overdue", 604, dt.date(2025, 3, 31))
    upcoming = {row["id"] for row in rows if row["state_code"] == "upcoming"}
    assert upcoming == {"ACC-007", "HR-005"}
    wider = build("reviews", linted(demo, parse_lint_config({"rules": {"review-overdue": {"upcoming_days": 365}}})))
    assert len(wider.rows) > len(rows)


def test_dx_lists_paper_waits_and_tools(demo) -> None:
    i18n.activate("ja")  # the demo's word lists are the Japanese knowledge base's
    config = default_config()
    i18n.activate("en")
    rows = build("dx", linted(demo, config), "en").rows
    kinds = {row["kind_code"] for row in rows}
    assert kinds == {"paper", "approval-wait", "tool"}
    assert any(row["id"] == "GA-002" and "押印" in row["detail"] for row in rows)
    wait = next(row for row in rows if row["kind_code"] == "approval-wait")
    assert wait["id"] == "GA-001" and "4 business days" in wait["detail"]


def test_xlsx_is_read_back_with_header_filters_frozen_panes_and_japanese(demo_copy: Path) -> None:
    result = run("report", "single-owner", "--format", "xlsx", "--output", "single-owner.xlsx", "--language", "ja")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(demo_copy / "single-owner.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["ID", "手順", "部門", "担当者（主）", "実施できる人"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:J{sheet.max_row}"
    assert sheet["A2"].value == "HR-004" and sheet["B2"].value == "年末調整" and sheet["E2"].value == "伊藤 翔太"
    assert sheet["F2"].value == 1  # numbers stay numbers
    assert sheet.cell(row=1, column=1).font.bold
    assert sheet.column_dimensions["B"].width >= 20  # room for Japanese titles


def test_csv_starts_with_a_bom_and_round_trips_japanese(demo) -> None:
    data = write(build("undocumented", linted(demo), "ja"), "csv", "ja")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "業務", "部門"]
    assert rows[1][:2] == ["GA-101", "社有車の管理（車検・保険・ETCカード）"]
    assert "\r\n" in data.decode("utf-8-sig")  # Excel's line ends


def test_report_command_formats(demo_copy: Path) -> None:
    document = json.loads(run("report", "reviews", "--format", "json", "--today", "2026-11-25").stdout)
    assert document["rows"][0]["next_review"] == "2025-03-31"
    assert document["meta"]["today"] == "2026-11-25" and document["meta"]["sopbook_version"]
    markdown = run("report", "people", "--format", "md", "--language", "en").stdout
    assert markdown.startswith("# People\n") and "| takahashi | 高橋 美咲 |" in markdown
    assert run("report", "nope").exit_code == 2


def test_report_refuses_an_invalid_knowledge_base(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/bad.yaml", "id: GA-002\ntitle: t\ndepartment: 総務部\nowner: nobody\nsteps: [{title: a}]\n")
    result = run("report", "single-owner")
    assert result.exit_code == 1
    assert "sop/総務部/bad.yaml:4:8: error unknown-person" in result.stderr and "nothing was written" in result.stderr


def test_whatif_lists_what_stops(demo) -> None:
    rows = whatif.rows(demo, ["ito"], "en")
    assert [(row["kind_code"], row["id"]) for row in rows] == [
        ("procedure", "HR-002"), ("procedure", "HR-004"), ("task", "HR-101")]
    both = {row["id"]: row for row in whatif.rows(demo, ["takahashi", "watanabe"], "en")}
    assert both["HR-005"]["reasons"] == ["nobody left to perform it",
                                         "nobody left to give approval 1 (人事課長)"]
    assert both["HR-001"]["remaining"] == ["ito"]


def test_whatif_command(demo_copy: Path) -> None:
    text = run("whatif", "--without", "ito", "--language", "ja")
    assert text.exit_code == 0
    assert "HR-002 退職手続き (人事部): 実施できる人がいなくなる" in text.stdout
    document = json.loads(run("whatif", "--without", "ito", "--without", "tanaka", "--format", "json").stdout)
    assert {"HR-002", "HR-004", "GA-102"} <= {row["id"] for row in document["rows"]}
    markdown = run("whatif", "--without", "suzuki", "--format", "md", "--language", "en").stdout
    assert markdown.startswith("# If 鈴木 一郎 (suzuki) left") and "| procedure | GA-002 |" in markdown
    unknown = run("whatif", "--without", "tanak")
    # The demo is a Japanese knowledge base: the hint is in Japanese.
    assert unknown.exit_code == 2
    assert "'tanak' は people.yaml の人ではありません（もしかして 'tanaka'？）" in unknown.stderr


def test_site_pages_and_dashboard(demo) -> None:
    result = linted(demo)
    site = pages(result, "ja")
    assert {f"reports/{name}.md" for name in REPORTS} | {"reports/index.md", "rules/index.md"} <= set(site)
    assert {f"rules/{rule_id}.md" for rule_id in RULES} <= set(site)
    # A Japanese site documents its rules in Japanese, with the codes as written.
    rule_page = site["rules/single-owner.md"]
    assert rule_page.startswith("# 属人化（実施できる人が少ない手順）\n\nコード: `single-owner`")
    assert "## なぜ問題か" in rule_page and "`min_people`: 2" in rule_page
    assert "| [属人化（実施できる人が少ない手順）](single-owner.md) | `single-owner` |" in site["rules/index.md"]
    assert "``" not in site["rules/index.md"]
    english_site = pages(result, "en")
    assert english_site["rules/single-owner.md"].startswith("# Too few people can perform it\n\nCode: `single-owner`")
    assert "## Why is this bad?" in english_site["rules/single-owner.md"]
    assert "``" not in english_site["rules/index.md"]
    suppressions = site["reports/suppressions.md"]
    assert "| inactive-owner | 2026年9月に退職した加藤さんの業務を伊藤さんへ引継ぎ中" in suppressions
    numbers = health(result)
    assert (numbers["documented"], numbers["tasks"], numbers["single_owner"], numbers["active"]) == (20, 25, 9, 20)
    home = dashboard(result, "ja")
    assert "[文書化率（業務棚卸しのうち手順書あり）](reports/undocumented.md) | 20 / 25 (80%)" in home
    assert "(reports/findings.md#rule-single-owner)" in home and "<svg" in home
    assert "[総務部](reports/findings.md#department-総務部)" in home
    english = dashboard(result, "en")
    assert "Inventory documented" in english


def test_site_pages_build_with_mkdocs_strict(demo, tmp_path: Path) -> None:
    """The pages' links and anchors resolve in a real MkDocs build (procedure and person pages stubbed)."""
    result = linted(demo)
    docs = tmp_path / "docs"
    files = {"index.md": "# Home\n\n" + dashboard(result, "en"),
             **pages(result, "en")}
    for procedure in demo.procedures.values():
        files[procedure_path(procedure)] = f"# {procedure.id}\n"
    for person in demo.people:
        files[person_path(person)] = f"# {person}\n"
    for path, text in files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nstrict: true\nvalidation:\n  links:\n    anchors: warn\n    unrecognized_links: warn\n",
        encoding="utf-8")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path,
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "site" / "reports" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in html and 'href="findings/#rule-single-owner"' in html


def test_long_reports_are_cut_on_the_site_but_not_in_the_command(demo, monkeypatch) -> None:
    from generator.reports import site

    monkeypatch.setattr(site, "PAGE_ROWS_LIMIT", 2)
    page = pages(linted(demo), "en")["reports/single-owner.md"]
    assert page.count("\n| ") == 3  # header and two rows
    assert "The first 2 of 9 rows; `sopbook report single-owner --format xlsx` writes them all." in page
    assert len(build("single-owner", linted(demo)).rows) == 9


def test_reports_list_exactly_what_the_rules_find(demo) -> None:
    """A report and its rule share one decision: the rows are the findings (plus what x-lint silenced)."""
    i18n.activate("ja")  # the demo's word lists are the Japanese knowledge base's
    config = default_config()
    i18n.activate("en")
    result = linted(demo, config)

    def found(rule_id: str) -> set[str]:
        silenced = {s.procedure for s in result.suppressions if s.rule == rule_id and s.findings}
        return {p.procedure or "" for p in result.problems if p.code == rule_id} | silenced

    assert set(ids(build("single-owner", result))) == found("single-owner") != set()
    assert set(ids(build("undocumented", result))) == found("undocumented-task") != set()
    overdue = {row["id"] for row in build("reviews", result).rows if row["state_code"] != "upcoming"}
    assert overdue == found("review-overdue") != set()
    waits = {row["id"] for row in build("dx", result).rows if row["kind_code"] == "approval-wait"}
    assert waits == found("approval-wait") != set()
    paper = {row["id"] for row in build("dx", result).rows if row["kind_code"] == "paper"}
    assert paper == found("paper-step") != set()


def test_a_knowledge_base_overrides_the_report_rule_and_dashboard_templates(demo, tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("custom report {{ title }}\n", encoding="utf-8")
    (tmp_path / "rule.md.j2").write_text("custom rule {{ rule.id }}\n", encoding="utf-8")
    (tmp_path / "dashboard.md.j2").write_text("custom dashboard {{ health | length }}\n", encoding="utf-8")
    env = environment(tmp_path, language_for("en"))
    written = pages(linted(demo), "en", env)
    assert written["reports/single-owner.md"] == "custom report Single-owner procedures\n"
    assert written["rules/placeholder.md"] == "custom rule placeholder\n"
    assert "custom dashboard 3" in written["reports/index.md"]
    assert written["rules/index.md"].startswith("# Lint rules")  # not overridden: sopbook's own


def test_xlsx_shows_control_characters_the_format_cannot_hold() -> None:
    """A name pasted with U+001F in it: the workbook is written (openpyxl refused it), the character escaped."""
    from generator.reports.base import Column, Report

    report = Report("people", {"en": "People"}, {"en": ""}, [Column("name", "column.name")],
                    rows=[{"name": "Chris\x1fLee"}, {"name": "=1+1"}])
    sheet = load_workbook(io.BytesIO(write(report, "xlsx", "en"))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Chris\\u001fLee", "=1+1"]
