"""Write a report as Markdown, CSV (UTF-8 with BOM, so Excel reads Japanese), JSON or XLSX.

Text in a report comes from the knowledge base (titles, names, imported task lists), which arrives in
pull requests. A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(OWASP "CSV injection"): ``=HYPERLINK("http://…","x")`` would be a live link in the auditor's Excel.
So every CSV cell that could start one gets OWASP's ``'`` prefix, and every XLSX text cell is written
as text with the quote-prefix style (what Excel records for a value typed after an apostrophe, so that
editing the cell later does not turn it into a formula either).
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..i18n import language as language_for
from ..provenance import lines as provenance_lines
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


def sections(report: Report) -> list[tuple[str | None, Report]]:
    """The report split by ``sheet_by`` (each part with only its group's columns), or whole: (heading, part)."""
    if report.sheet_by is None:
        return [(None, report)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in report.rows:
        groups.setdefault(str(cell(row.get(report.sheet_by))) or "-", []).append(row)
    return [(name, replace(report, rows=rows, columns=[column for column in report.columns
                                                       if column.group is None or column.group == name]))
            for name, rows in sorted(groups.items())]


def write_md(report: Report, language: str) -> bytes:
    if not report.rows:
        body = language_for(language).label("report.nothing") + "\n"
    else:
        body = "\n".join((f"## {escape(name)}\n\n" if name is not None else "") + markdown_table(part, language)
                         for name, part in sections(report))
    text = f"# {escape(report.title_in(language))}\n\n{escape(report.description_in(language))}\n\n{body}"
    meta = _provenance(report, language)
    if meta:
        # A trailing block, so the table stays the first thing a reader sees; one line per fact.
        text += "\n" + "".join(f"- {escape(label)}: {escape(value)}\n" for label, value in meta)
    return text.encode("utf-8")


def _provenance(report: Report, language: str) -> list[tuple[str, str]]:
    return provenance_lines(report.meta, language_for(language).label)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""What makes a spreadsheet read a cell as a formula: OWASP's list, line breaks, and the full-width forms
that Japanese Excel converts on input."""


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(report: Report, language: str) -> bytes:
    buffer = io.StringIO(newline="")
    # QUOTE_NONNUMERIC: every text cell in double quotes, as OWASP advises beside the prefix.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    meta = _provenance(report, language)
    if meta:
        # One "#" line before the header: Excel shows it as the first row, pandas and csvkit skip it
        # with their comment option, and the table below stays a plain table.
        writer.writerow(["# " + "; ".join(f"{label}: {value}" for label, value in meta)])
    writer.writerow([neutralised(column.label(language)) for column in report.columns])
    for row in report.rows:
        writer.writerow([neutralised(cell(row.get(column.key))) for column in report.columns])
    # The BOM is what makes Excel on Windows read the file as UTF-8 instead of Shift_JIS.
    return buffer.getvalue().encode("utf-8-sig")


def write_json(report: Report, language: str) -> bytes:
    document = {"meta": plain(report.meta), report.rows_key: plain(report.rows)}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def write_xlsx(report: Report, language: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    used: set[str] = set()
    if report.sheet_by is None:
        _fill_sheet(sheet, _sheet_title(report.name, used), report.rows, report, language)
    else:
        for index, (name, part) in enumerate(sections(report) or [(report.name, report)]):
            target = sheet if index == 0 else workbook.create_sheet()
            _fill_sheet(target, _sheet_title(name or report.name, used), part.rows, part, language)
    meta = _provenance(report, language)
    if meta:
        from openpyxl.styles import Font

        info = workbook.create_sheet(_sheet_title(language_for(language).label("provenance"), used))
        for label, value in meta:
            info.append([label, _storable(value)])
        _text_cells_as_text(info)  # a branch or tag name is as free as a title
        for row in info.iter_rows(min_col=1, max_col=1):
            row[0].font = Font(bold=True)
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _storable(value: Any) -> Any:
    """A control character (a name pasted with U+001F in it) shown as its escape: the XLSX format cannot
    hold it, and openpyxl refuses the whole workbook."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", value)


def _text_cells_as_text(sheet: Any) -> None:
    """Every text cell stored as text, with the quote-prefix style Excel gives a value typed after "'"."""
    for cells in sheet.iter_rows():
        for text_cell in cells:
            if isinstance(text_cell.value, str):
                # openpyxl stores any string starting with '=' as a formula; this stores it as text.
                text_cell.data_type = "s"
                text_cell.quotePrefix = True


_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet name: Excel allows 31 characters and none of []:*?/\\."""
    base = (name.translate(_SHEET_FORBIDDEN).strip("'") or "-")[:31]
    title, number = base, 2
    while title.lower() in used:
        suffix = f" ({number})"
        title, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(title.lower())
    return title


def _fill_sheet(sheet: Any, title: str, rows: list[dict[str, Any]], report: Report, language: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = title[:31]
    sheet.append([column.label(language) for column in report.columns])
    for row in rows:
        sheet.append([_storable(cell(row.get(column.key))) for column in report.columns])
    _text_cells_as_text(sheet)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for position in range(1, len(report.columns) + 1):
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=True)
        header.fill = header_fill
        header.alignment = Alignment(vertical="center", wrap_text=True)
    for position, column in enumerate(report.columns, start=1):
        longest = max([_display_width(str(column.label(language))),
                       *(_display_width(str(cell(row.get(column.key)))) for row in rows[:500])], default=8)
        sheet.column_dimensions[get_column_letter(position)].width = max(8, min(60, max(column.width, longest) + 2))
    last = get_column_letter(len(report.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    sheet.freeze_panes = "B2"  # the header row and the id column stay in view


WRITERS: dict[str, Callable[[Report, str], bytes]] = {
    "md": write_md, "csv": write_csv, "json": write_json, "xlsx": write_xlsx,
}


def write(report: Report, format_name: str, language: str = "ja") -> bytes:
    return WRITERS[format_name](report, language)
