"""``sopbook import``: a real .xlsx and CSV files in Shift_JIS and UTF-8 merged into inventory.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import yaml
from click.testing import CliRunner

from generator.cli import cli

runner = CliRunner()

INVENTORY = """\
# 業務棚卸し（手で書いたコメントは残る）
GA-001:
  title: 電子契約の締結
  department: 総務部
  performers: [tanaka]
  hours_per_month: 6
# 社有車は2027年に廃止予定
GA-099:
  title: 社有車の管理
  department: 総務部
  performers: [suzuki]
  hours_per_month: 4
"""

HEADER: list[Any] = ["業務ID", "業務名", "部署", "担当者", "頻度", "月間工数（h）", "備考"]
ROWS: list[list[Any]] = [
    ["GA-001", "電子契約の締結", "総務部", "田中、佐藤", "随時", 10, ""],
    ["", "郵便物の受付", "総務部", "鈴木", "毎日", "12時間", "午前中"],
    ["", "健康診断の案内", "人事部", "山本 太郎", "年1回", "", ""],
]


def invoke(*arguments: str):
    return runner.invoke(cli, list(arguments), catch_exceptions=False)


def write_xlsx(path: Path, rows: list[list[Any]], title_row: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "業務一覧"
    if title_row:
        sheet.append(["2026年度 業務棚卸し"])  # a title line above the header, as such sheets have
        sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    text = "\r\n".join(",".join(str(cell) for cell in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def load(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def check_merged(inventory: dict, people: dict) -> None:
    # The existing entry is merged: performers added, hours updated, nothing lost.
    assert inventory["GA-001"] == {"title": "電子契約の締結", "department": "総務部",
                                   "performers": ["tanaka", "sato"], "hours_per_month": 10,
                                   "x-frequency": "随時"}
    assert inventory["GA-099"]["title"] == "社有車の管理"  # not in the sheet, kept
    assert inventory["TASK-001"] == {"title": "郵便物の受付", "department": "総務部", "performers": ["suzuki"],
                                     "hours_per_month": 12, "x-frequency": "毎日"}
    assert inventory["TASK-002"]["performers"] == ["person-001"]
    assert people["person-001"] == {"name": "山本 太郎", "department": "人事部"}


def test_xlsx_written_by_openpyxl_is_merged(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    write_xlsx(Path("業務一覧.xlsx"), [HEADER, *ROWS])
    result = invoke("import", "業務一覧.xlsx")
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output and "2 added" in result.output and "ignored columns: 備考" in result.output
    check_merged(load("sop/inventory.yaml"), load("sop/people.yaml"))
    text = Path("sop/inventory.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 業務棚卸し（手で書いたコメントは残る）\nGA-001:\n")
    assert "# 社有車は2027年に廃止予定\nGA-099:\n" in text
    assert invoke("validate").exit_code == 0
    # Importing the same sheet again changes nothing: rows without an id match by title and department.
    before = text
    assert "0 added, 0 updated" in invoke("import", "業務一覧.xlsx").output
    assert Path("sop/inventory.yaml").read_text(encoding="utf-8") == before


def test_csv_in_shift_jis_is_detected(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    write_csv(Path("tasks.csv"), [HEADER, *ROWS], "cp932")
    result = invoke("import", "tasks.csv")
    assert result.exit_code == 0, result.output
    check_merged(load("sop/inventory.yaml"), load("sop/people.yaml"))


def test_csv_in_utf8_with_bom_and_english_headers(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    rows = [["Task", "Department", "Performers", "Hours per month"], ["Visitor badges", "総務部", "sato", "2.5"]]
    path = write_csv(Path("tasks.csv"), rows, "utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert invoke("import", "tasks.csv").exit_code == 0
    assert load("sop/inventory.yaml")["TASK-001"] == {"title": "Visitor badges", "department": "総務部",
                                                      "performers": ["sato"], "hours_per_month": 2.5}


def test_map_names_an_unusual_column(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    write_csv(Path("tasks.csv"), [["作業名", "部署"], ["名刺の発注", "総務部"]], "utf-8")
    result = invoke("import", "tasks.csv")
    assert result.exit_code == 2 and "--map 作業名=title" in result.output  # the sheet's own unclaimed column
    assert invoke("import", "tasks.csv", "--map", "作業名=title").exit_code == 0
    assert load("sop/inventory.yaml")["TASK-001"]["title"] == "名刺の発注"


def test_dry_run_shows_a_diff_and_writes_nothing(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    write_xlsx(Path("業務一覧.xlsx"), [HEADER, *ROWS], title_row=False)
    before = {name: Path(f"sop/{name}.yaml").read_bytes() for name in ("inventory", "people")}
    result = invoke("import", "業務一覧.xlsx", "--dry-run")
    assert result.exit_code == 0
    assert "--- a/sop/inventory.yaml\n+++ b/sop/inventory.yaml\n" in result.stdout
    assert "+TASK-001:\n+  title: 郵便物の受付\n" in result.stdout
    assert "-  hours_per_month: 6\n" in result.stdout and "+  hours_per_month: 10\n" in result.stdout
    assert "+  name: 山本 太郎\n" in result.stdout
    assert {name: Path(f"sop/{name}.yaml").read_bytes() for name in before} == before


def test_bad_rows_are_reported_with_file_row_and_column_and_nothing_is_written(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    rows = [HEADER, ["", "", "総務部", "", "", "", ""],  # row 4: no 業務名
            ["GA/1", "押印", "総務部", "", "", "", ""],  # row 5: bad id
            ["", "来客対応", "総務部", "", "", "たくさん", ""]]  # row 6: hours not a number
    write_xlsx(Path("bad.xlsx"), rows)
    before = Path("sop/inventory.yaml").read_bytes()
    result = invoke("import", "bad.xlsx")
    assert result.exit_code == 1
    assert "bad.xlsx:4:2: error import-row: the task's name (title) is empty" in result.output
    assert "bad.xlsx:5:1: error import-row: id 'GA/1' is not a valid id" in result.output
    assert ("bad.xlsx:6:6: error import-row: hours per month (hours_per_month) 'たくさん' is not a number"
            in result.output)
    assert Path("sop/inventory.yaml").read_bytes() == before
    # A Japanese knowledge base is told in Japanese.
    Path("mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      language: ja\n", encoding="utf-8")
    result = invoke("import", "bad.xlsx")
    assert "bad.xlsx:4:2: error import-row: 業務名 (title) が空です" in result.output
    assert ("bad.xlsx:6:6: error import-row: 月間工数 (hours_per_month) の 'たくさん' は時間数ではありません"
            in result.output)


def test_not_a_spreadsheet_is_a_usage_error(make_kb) -> None:
    make_kb()
    Path("tasks.pdf").write_bytes(b"%PDF")
    assert invoke("import", "tasks.pdf").exit_code == 2
    Path("fake.xlsx").write_bytes(b"not a zip")
    result = invoke("import", "fake.xlsx")
    assert result.exit_code == 2 and "cannot read as an Excel workbook" in result.output


def test_sheet_and_encoding_options(make_kb) -> None:
    make_kb(inventory=INVENTORY)
    workbook = openpyxl.Workbook()
    workbook.worksheets[0].append(["メモ"])
    second = workbook.create_sheet("総務部")
    second.append(["業務名", "部署"])
    second.append(["防災備蓄品の管理", "総務部"])
    workbook.save("book.xlsx")
    result = invoke("import", "book.xlsx", "--sheet", "人事部")
    assert result.exit_code == 2 and "no sheet named '人事部'" in result.output and "総務部" in result.output
    assert invoke("import", "book.xlsx", "--sheet", "総務部").exit_code == 0
    assert load("sop/inventory.yaml")["TASK-001"]["title"] == "防災備蓄品の管理"

    write_csv(Path("sjis.csv"), [["業務名", "部署"], ["郵便物の受付", "総務部"]], "cp932")
    result = invoke("import", "sjis.csv", "--encoding", "utf-8")
    assert result.exit_code == 2 and "not valid utf-8" in result.output
    assert invoke("import", "sjis.csv", "--encoding", "cp932", "--dry-run").exit_code == 0
