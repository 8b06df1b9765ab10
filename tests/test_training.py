"""Training records: sop/training.yaml validated like the other registries, the untrained-performer rule, the matrix."""
from __future__ import annotations

import datetime as dt
import io
import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import cli
from generator.model import load_knowledge_base
from generator.reports import build
from generator.reports.writers import write
from generator.rules import default_config, run
from tests.support import DEMO_SOP

TODAY = dt.date(2026, 11, 25)
PROCEDURE = """\
id: GA-001
title: 電子契約の締結
department: 総務部
version: "2.2"
owner: tanaka
backups: [suzuki]
steps:
  - title: 契約書の確認
history:
  - {version: "2.1", date: 2025-10-01, change: 押印を電子化}
  - {version: "2.2", date: 2026-04-01, change: 承認者を変更}
"""


def test_training_registry_is_cross_checked(make_kb) -> None:
    sop = make_kb({"総務部/GA-001.yaml": PROCEDURE, "training.yaml": """\
        tanaka:
          - {procedure: GA-001, version: "2.2", date: 2026-04-05}
          - {procedure: GA-009, version: "1.0", date: 2026-04-05}
        tanak:
          - {procedure: GA-001, version: "2.2", date: 2026-04-05, trainer: sat}
        suzuki:
          - {procedure: GA-001, version: "1.9", date: 2026-04-05}
        """})
    _, validation = load_knowledge_base(sop)
    found = {(problem.code, problem.line, str(problem.severity)): problem.message for problem in validation.problems}
    assert set(found) == {("unknown-procedure", 3, "error"), ("unknown-person", 4, "error"),
                          ("unknown-person", 5, "error"), ("unknown-version", 7, "warning")}
    assert "did you mean 'tanaka'?" in found[("unknown-person", 4, "error")]
    assert "trainer 'sat'" in found[("unknown-person", 5, "error")]
    assert "never had version '1.9'" in found[("unknown-version", 7, "warning")]
    assert all(problem.path == "sop/training.yaml" for problem in validation.problems)


def test_training_registry_schema_errors_point_at_the_line(make_kb) -> None:
    sop = make_kb({"総務部/GA-001.yaml": PROCEDURE, "training.yaml": """\
        tanaka:
          - {procedure: GA-001, version: 2.2}
        """})
    _, validation = load_knowledge_base(sop)
    codes = {(problem.code, problem.line) for problem in validation.errors}
    assert ("missing-key", 2) in codes and ("wrong-type", 2) in codes, validation.problems


def test_without_training_yaml_nothing_is_asked(make_kb) -> None:
    kb, validation = load_knowledge_base(make_kb({"総務部/GA-001.yaml": PROCEDURE}))
    assert validation.ok and kb.training is None
    assert not [problem for problem in run(kb, None, TODAY).problems if problem.code == "untrained-performer"]
    assert build("training", run(kb, default_config(), TODAY), "en").rows == []


def test_matrix_on_the_demo(tmp_path) -> None:
    kb, validation = load_knowledge_base(DEMO_SOP)
    assert validation.ok and kb.training is not None
    report = build("training", run(kb, default_config(), TODAY), "en")
    rows = {(row["department"], row["id"]): row for row in report.rows}
    ito = rows[("人事部", "ito")]
    assert (ito["HR-001"], ito["HR-003"], ito["HR-002"]) == ("outdated (2.1)", "current", "none")
    assert ito["procedures"]["HR-001"] == {"status": "outdated", "version": "2.1", "required": True}
    watanabe = rows[("経理部", "watanabe")]
    assert watanabe["ACC-001"] == "outdated (2.0)" and watanabe["ACC-005"] == "current"
    # The rule and the matrix agree: every 'not trained' cell is one finding.
    findings = [problem for problem in run(kb, None, TODAY).problems if problem.code == "untrained-performer"]
    assert len(findings) == sum(row["missing"] for row in report.rows)
    workbook = load_workbook(io.BytesIO(write(report, "xlsx", "ja")))
    assert workbook.sheetnames == ["人事部", "経理部", "総務部"]  # no provenance given: no sheet for it
    header = [cell.value for cell in workbook["総務部"][1]]
    assert header[:4] == ["部門", "ID", "氏名", "未受講"] and "GA-001" in header and "HR-001" not in header
    names = [row[1] for row in workbook["総務部"].iter_rows(min_row=2, values_only=True)]
    assert {"tanaka", "suzuki", "sato"} <= set(names)
    markdown = write(report, "md", "ja").decode()
    assert "## 経理部" in markdown and "| 経理部 | watanabe | 渡辺 直子 | 4 | outdated (2.0) |" in markdown


def test_training_report_command(tmp_path, monkeypatch) -> None:
    shutil.copytree(DEMO_SOP, tmp_path / "sop")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    output = tmp_path / "training.xlsx"
    result = CliRunner().invoke(cli, ["report", "training", "--format", "xlsx", "--output", str(output),
                                      "--language", "en"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert load_workbook(output).sheetnames[-1] == "Provenance"
