"""Write a report as Markdown, CSV (UTF-8 with BOM, so Excel reads Japanese), JSON or XLSX."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from typing import Any

from ..render import escape
from .base import Report, cell, plain

FORMATS = ("md", "csv", "json", "xlsx")


def markdown_table(report: Report, language: str,
                   link: Callable[[str, Any, dict[str, Any]], str | None] | None = None) -> str:
    """The rows as a Markdown table; ``link(kind, value, row)`` may turn a cell into a link."""
    columns = report.columns
    lines = ["| " + " | ".join(escape(column.label(language)) for column in columns) + " |",
             "|" + "|".join("---:" if _numeric(report, column.key) else "---" for column in columns) + "|"]
    for row in report.rows:
        cells = []
        for column in columns:
            value = row.get(column.key)
            text = escape(cell(value))
            if link is not None and column.link and value:
                text = link(column.link, value, row) or text
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _numeric(report: Report, key: str) -> bool:
    values = [row.get(key) for row in report.rows if row.get(key) is not None]
    return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def write_md(report: Report, language: str) -> bytes:
    if not report.rows:
        body = "（該当なし）\n" if language == "ja" else "(nothing to report)\n"
    else:
        body = markdown_table(report, language)
    text = f"# {escape(report.title_in(language))}\n\n{escape(report.description_in(language))}\n\n{body}"
    return text.encode("utf-8")


def write_csv(report: Report, language: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label(language) for column in report.columns])
    for row in report.rows:
        writer.writerow([cell(row.get(column.key)) for column in report.columns])
    # The BOM is what makes Excel on Windows read the file as UTF-8 instead of Shift_JIS.
    return buffer.getvalue().encode("utf-8-sig")


def write_json(report: Report, language: str) -> bytes:
    return (json.dumps(plain(report.rows), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def write_xlsx(report: Report, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = report.name[:31]
    sheet.append([column.label(language) for column in report.columns])
    for row in report.rows:
        sheet.append([cell(row.get(column.key)) for column in report.columns])
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for position in range(1, len(report.columns) + 1):
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=True)
        header.fill = header_fill
        header.alignment = Alignment(vertical="center", wrap_text=True)
    for position, column in enumerate(report.columns, start=1):
        longest = max([_display_width(str(column.label(language))),
                       *(_display_width(str(cell(row.get(column.key)))) for row in report.rows[:500])], default=8)
        sheet.column_dimensions[get_column_letter(position)].width = max(8, min(60, max(column.width, longest) + 2))
    last = get_column_letter(len(report.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(report.rows) + 1)}"
    sheet.freeze_panes = "B2"  # the header row and the id column stay in view
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS: dict[str, Callable[[Report, str], bytes]] = {
    "md": write_md, "csv": write_csv, "json": write_json, "xlsx": write_xlsx,
}


def write(report: Report, format_name: str, language: str = "ja") -> bytes:
    return WRITERS[format_name](report, language)
