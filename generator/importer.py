"""``sopbook import``: the task spreadsheet most 総務 teams already keep → ``sop/inventory.yaml``.

Reads .xlsx (openpyxl) or .csv (UTF-8, UTF-8 with BOM, or Shift_JIS/cp932 as Excel saves it in Japan,
detected), maps columns by header (業務名, 部署, 担当者, 頻度, 月間工数 and English names; ``--map``
overrides), and merges the rows into inventory.yaml and people.yaml with ruamel.yaml's round-trip
mode: existing entries, their order and their comments stay; nothing is deleted. Rows that cannot be
imported are reported as ``file:row:column`` and nothing is written until every row is good.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .errors import UsageError
from .fmt import round_trip_yaml
from .problems import Problem, Severity
from .schema import id_pattern

FIELDS = ("id", "title", "department", "performers", "hours_per_month", "frequency")
"""What a column can hold; ``frequency`` is kept as ``x-frequency`` (the inventory format has no such key)."""

DEFAULT_HEADERS: dict[str, str] = {
    **dict.fromkeys(["id", "業務id", "業務番号", "業務コード", "タスクid", "task id", "task_id"], "id"),
    **dict.fromkeys(["title", "業務名", "業務", "業務内容", "タスク", "タスク名", "task", "name"], "title"),
    **dict.fromkeys(["department", "部署", "部門", "所属", "担当部署", "dept"], "department"),
    **dict.fromkeys(["performers", "担当者", "担当", "実施者", "performer", "person", "people", "assignee"],
                    "performers"),
    **dict.fromkeys(["hours_per_month", "月間工数", "工数", "月間時間", "作業時間", "hours", "hours per month",
                     "hours/month"], "hours_per_month"),
    **dict.fromkeys(["frequency", "頻度", "周期", "実施頻度"], "frequency"),
}
_NAME_SEPARATORS = re.compile(r"[、,，;；/／・\n]+")


def normalise_header(text: str) -> str:
    """``月間工数（h）`` → ``月間工数``; ``Hours per month`` → ``hours per month``."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)  # a unit in brackets: (h), (時間)
    return re.sub(r"\s+", " ", text)


@dataclass
class Row:
    number: int
    """The row as the spreadsheet numbers it (1 = the first line)."""
    values: dict[str, str]
    columns: dict[str, int]
    """field → 1-based column, for pointing at a cell."""


@dataclass
class Table:
    path: str
    header_row: int
    fields: dict[str, int]
    """field → 1-based column of the column that holds it."""
    ignored: list[str]
    rows: list[Row]


@dataclass
class ImportResult:
    inventory_before: str
    inventory_after: str
    people_before: str
    people_after: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: int = 0
    people_added: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def diff(self, inventory_path: str, people_path: str) -> str:
        parts: list[str] = []
        for before, after, shown in ((self.inventory_before, self.inventory_after, inventory_path),
                                     (self.people_before, self.people_after, people_path)):
            parts += difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                          fromfile=f"a/{shown}", tofile=f"b/{shown}")
        return "".join(parts)


# --- reading ----------------------------------------------------------------------------------------

def read_cells(path: Path, sheet: str | None = None, encoding: str | None = None) -> list[list[str]]:
    """The spreadsheet as rows of text cells (numbers written as people read them: 4, not 4.0)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding, "\t" if suffix == ".tsv" else ",")
    raise UsageError(f"{path}: expected an .xlsx or .csv file (save an .xls from Excel as .xlsx first)")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> list[list[str]]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UsageError(f"{path}: cannot read as an Excel workbook ({error})") from None
    worksheet: Any
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise UsageError(f"{path}: no sheet named {sheet!r}; the sheets are {', '.join(workbook.sheetnames)}")
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def decode_csv(raw: bytes, encoding: str | None, shown: str) -> str:
    """Text of a CSV file: the given encoding, else UTF-8 (with or without BOM), else Shift_JIS (cp932)."""
    if encoding:
        try:
            return raw.decode(encoding)
        except LookupError:
            raise UsageError(f"--encoding: unknown encoding {encoding!r} (try utf-8 or cp932)") from None
        except UnicodeDecodeError as error:
            raise UsageError(f"{shown}: not valid {encoding} at byte {error.start}") from None
    for candidate in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"{shown}: neither UTF-8 nor Shift_JIS; pass --encoding (e.g. --encoding euc-jp)")


def _read_csv(path: Path, encoding: str | None, delimiter: str) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    text = decode_csv(raw, encoding, str(path))
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``--map 業務名=title`` → {normalised header: field}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        name = name.strip()
        if not sep or not header.strip() or name not in FIELDS:
            raise UsageError(f"--map {pair!r}: write COLUMN=FIELD, FIELD one of {', '.join(FIELDS)}")
        mapping[normalise_header(header)] = name
    return mapping


def table_from_cells(cells: list[list[str]], shown: str, mapping: dict[str, str]) -> Table:
    """Find the header row (the first non-empty one) and which column holds which field."""
    known = {**DEFAULT_HEADERS, **mapping}
    filled = [index for index, row in enumerate(cells) if any(row)]
    if not filled:
        raise UsageError(f"{shown}: the sheet is empty")
    # Sheets often carry a title line or two above the header: take the first row naming two fields.
    header_index = next((index for index in filled[:20]
                         if sum(normalise_header(cell) in known for cell in cells[index] if cell) >= 2), filled[0])
    headers = cells[header_index]
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for column, header in enumerate(headers, start=1):
        if not header:
            continue
        name = known.get(normalise_header(header))
        if name is None or name in fields:
            ignored.append(header)
            continue
        fields[name] = column
    missing = [name for name in ("title", "department") if name not in fields]
    if missing:
        raise UsageError(
            f"{shown}:{header_index + 1}: no column for {' and '.join(missing)} among the headers "
            f"{', '.join(h for h in headers if h)}; name it with --map, e.g. --map 業務名={missing[0]}")
    rows = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        values = {name: (row[column - 1] if column - 1 < len(row) else "") for name, column in fields.items()}
        if not any(values.values()):
            continue
        rows.append(Row(index + 1, values, fields))
    return Table(shown, header_index + 1, fields, ignored, rows)


# --- merging ----------------------------------------------------------------------------------------

def _load_registry(path: Path, shown: str) -> tuple[str, CommentedMap]:
    if not path.exists():
        return "", CommentedMap()
    text = path.read_text(encoding="utf-8")
    try:
        data = round_trip_yaml().load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        raise UsageError(f"{where}: invalid YAML; fix it before importing ('sopbook validate' shows why)") from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise UsageError(f"{shown}: expected a mapping of id → entry; fix it before importing")
    return text, data


def _dump(data: CommentedMap) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(data, stream)
    return stream.getvalue()


def _flow(items: list[str]) -> CommentedSeq:
    sequence = CommentedSeq(items)
    sequence.fa.set_flow_style()
    return sequence


def _set(entry: CommentedMap, key: str, value: Any) -> None:
    """``entry[key] = value``; a new key takes over the comment lines that followed the old last key.

    ruamel.yaml attaches the comment lines above the next entry to the last key of this one, so a
    key appended after it would land below that comment, in front of the wrong entry.
    """
    last = next(reversed(entry), None) if key not in entry else None
    entry[key] = value
    slots = entry.ca.items.get(last) if last is not None else None
    if not slots or len(slots) < 3 or slots[2] is None:
        return
    token = slots[2]
    end_of_line, newline, following = token.value.partition("\n")
    if not following:
        return
    moved = copy.copy(token)
    token.value = end_of_line + newline  # the old key keeps its end-of-line comment, if any
    moved.value = "\n" + following  # the new key has none; the comment lines follow it
    entry.ca.items[key] = [None, None, moved, None]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _People:
    """Finds the person id for a name in the spreadsheet, adding a stub for a name nobody knows."""

    def __init__(self, people: CommentedMap, source: str) -> None:
        self.people = people
        self.source = source
        self.added: list[str] = []
        self.by_name: dict[str, str] = {}
        family: dict[str, list[str]] = {}
        for person_id, entry in people.items():
            self.by_name[_squash(str(person_id))] = str(person_id)
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name.split():
                self.by_name.setdefault(_squash(name), str(person_id))
                family.setdefault(_squash(name.split()[0]), []).append(str(person_id))
        for surname, ids in family.items():  # 「田中」 finds 田中 花子 only when one person has that name
            if len(ids) == 1:
                self.by_name.setdefault(surname, ids[0])

    def resolve(self, name: str, row: int, department: str) -> str:
        key = _squash(name)
        if key in self.by_name:
            return self.by_name[key]
        person_id = self._new_id(name)
        stub = CommentedMap(name=name.strip())
        if department:
            stub["department"] = department
        self.people[person_id] = stub
        note = f"sopbook import: {self.source} の {row} 行目の担当者"
        if person_id.startswith("person-"):
            note += "。id は読みやすいもの（例 yamamoto）に変えてよい（inventory.yaml の performers も）"
        self.people.yaml_set_comment_before_after_key(person_id, before="\n" + note)
        self.by_name[key] = person_id
        self.added.append(person_id)
        return person_id

    def _new_id(self, name: str) -> str:
        """``Yamada Taro`` → ``yamada-taro``; a Japanese name → ``person-001`` (ids are ASCII)."""
        slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
        base = slug if name.strip().isascii() and slug and id_pattern().fullmatch(slug) else "person"
        if base != "person" and base not in self.people:
            return base
        number = 1
        while f"{base}-{number:03d}" in self.people:
            number += 1
        return f"{base}-{number:03d}"


def merge(table: Table, inventory: CommentedMap, people: CommentedMap, id_prefix: str) -> tuple[
        list[str], list[str], list[str], list[Problem]]:
    """Apply the rows to ``inventory`` and ``people`` in place: (added, updated, people added, problems)."""
    problems: list[Problem] = []
    added: list[str] = []
    updated: list[str] = []
    resolver = _People(people, Path(table.path).name)
    by_title = {(_squash(str(entry.get("title", ""))), _squash(str(entry.get("department", "")))): str(task_id)
                for task_id, entry in inventory.items() if isinstance(entry, dict)}
    seen: dict[str, int] = {}

    def problem(row: Row, name: str, message: str) -> None:
        problems.append(Problem(table.path, row.number, row.columns.get(name, 1), "import-row", Severity.ERROR,
                                message))

    planned: list[tuple[Row, str, dict[str, Any]]] = []
    for row in table.rows:
        values = row.values
        title, department = values.get("title", ""), values.get("department", "")
        if not title:
            problem(row, "title", "業務名 (title) is empty; every task needs a name")
            continue
        if not department:
            problem(row, "department", f"部署 (department) of {title!r} is empty")
            continue
        task_id = values.get("id", "")
        if task_id and not id_pattern().fullmatch(task_id):
            problem(row, "id", f"id {task_id!r} is not a valid id (letters, digits, '_', '.', '-'; e.g. GA-101)")
            continue
        task_id = task_id or by_title.get((_squash(title), _squash(department)), "")
        if task_id and task_id in seen:
            problem(row, "id" if values.get("id") else "title",
                    f"{task_id} appears twice in the sheet (first at row {seen[task_id]})")
            continue
        hours: float | int | None = None
        if values.get("hours_per_month"):
            text = unicodedata.normalize("NFKC", values["hours_per_month"]).strip()
            text = re.sub(r"\s*(h|hrs?|hours?|時間)$", "", text, flags=re.IGNORECASE).replace(",", "")
            try:
                hours = float(text)
            except ValueError:
                problem(row, "hours_per_month",
                        f"月間工数 (hours_per_month) {values['hours_per_month']!r} is not a number of hours")
                continue
            if hours < 0:
                problem(row, "hours_per_month", f"月間工数 (hours_per_month) {hours:g} is negative")
                continue
            hours = int(hours) if hours.is_integer() else hours
        fields: dict[str, Any] = {"title": title, "department": department}
        if values.get("performers"):
            fields["performers"] = [name for name in _NAME_SEPARATORS.split(values["performers"]) if name.strip()]
        if hours is not None:
            fields["hours_per_month"] = hours
        if values.get("frequency"):
            fields["x-frequency"] = values["frequency"]
        if task_id:
            seen[task_id] = row.number
        planned.append((row, task_id, fields))
    if problems:
        return [], [], [], problems

    number = 0
    for row, planned_id, fields in planned:
        task_id = planned_id
        if "performers" in fields:
            fields["performers"] = list(dict.fromkeys(
                resolver.resolve(name, row.number, fields["department"]) for name in fields["performers"]))
        if not task_id:
            number += 1
            while f"{id_prefix}-{number:03d}" in inventory:
                number += 1
            task_id = f"{id_prefix}-{number:03d}"
        entry = inventory.get(task_id)
        if isinstance(entry, CommentedMap):
            before = dict(entry)
            for key, value in fields.items():
                if key == "performers":
                    existing = list(entry.get("performers") or [])
                    merged = existing + [person for person in value if person not in existing]
                    if merged != existing:
                        entry["performers"] = _flow(merged)
                elif entry.get(key) != value:
                    _set(entry, key, value)
            if dict(entry) != before:
                updated.append(task_id)
            continue
        new_entry = CommentedMap()
        for key in ("title", "department", "performers", "hours_per_month", "x-frequency"):
            if key in fields:
                new_entry[key] = _flow(fields[key]) if key == "performers" else fields[key]
        inventory[task_id] = new_entry
        added.append(task_id)
    if added:
        inventory.yaml_set_comment_before_after_key(
            added[0], before=f"\nsopbook import: {Path(table.path).name} ({dt.date.today().isoformat()})")
    return added, updated, resolver.added, []


def import_spreadsheet(path: Path, sop_dir: Path, *, shown: str | None = None, mapping: dict[str, str] | None = None,
                       sheet: str | None = None, encoding: str | None = None, id_prefix: str = "TASK") -> ImportResult:
    """Read the spreadsheet and compute the new inventory.yaml and people.yaml (the caller writes them)."""
    shown = shown or str(path)
    if not path.is_file():
        raise UsageError(f"no such file: '{shown}'")
    if not id_pattern().fullmatch(f"{id_prefix}-001"):
        raise UsageError(f"--id-prefix {id_prefix!r} does not make valid ids")
    table = table_from_cells(read_cells(path, sheet, encoding), shown, mapping or {})
    inventory_path, people_path = sop_dir / "inventory.yaml", sop_dir / "people.yaml"
    inventory_text, inventory = _load_registry(inventory_path, str(inventory_path))
    people_text, people = _load_registry(people_path, str(people_path))
    kept = len(inventory)
    added, updated, people_added, problems = merge(table, inventory, people, id_prefix)
    result = ImportResult(inventory_text, inventory_text, people_text, people_text, problems=problems,
                          ignored_columns=table.ignored)
    if problems:
        return result
    result.inventory_after = _dump(inventory) if added or updated else inventory_text
    result.people_after = _dump(people) if people_added else people_text
    result.added, result.updated, result.people_added = added, updated, people_added
    result.kept = kept - len(updated)
    return result
