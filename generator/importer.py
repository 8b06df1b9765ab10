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
import math
import os
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .errors import UsageError
from .files import Refused, read_bytes, read_text
from .fmt import round_trip_yaml
from .i18n import _, active
from .load import MAX_REGISTRY_BYTES, encoding_name, wide_encoding
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
    merged: list[int] = field(default_factory=list)
    """Rows that repeated an earlier row's task (same title and department, no id) and were merged into it."""


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
    merged_rows: list[int] = field(default_factory=list)

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
    raise UsageError(_("import.bad-suffix", file=path))


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
        raw = read_bytes(path, root=None, limit=SHEET_BYTES, what="spreadsheet")
    except Refused as refused:
        raise UsageError(_("import.refused", file=path, reason=refused.reason)) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UsageError(_("import.bad-workbook", file=path, error=error)) from None
    worksheet: Any
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise UsageError(_("import.no-sheet", file=path, sheet=sheet,
                                   sheets=active().join(workbook.sheetnames)))
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


SHEET_BYTES = 256 * 1024 * 1024
"""The largest spreadsheet read: 200,000 tasks as CSV are about 20 MB."""


def decode_csv(raw: bytes, encoding: str | None, shown: str) -> str:
    """Text of a CSV file: the given encoding, else UTF-32/UTF-16 (Excel's "Unicode text" saves UTF-16
    with a byte order mark), else UTF-8 (with or without BOM), else Shift_JIS (cp932)."""
    wide = None if encoding else wide_encoding(raw)
    if wide is not None:
        codec = "utf-32" if wide.startswith("UTF-32") else "utf-16"
        if "without" in wide:  # no mark: the NUL bytes' places tell the byte order
            codec += "-le" if raw[:1] != b"\x00" else "-be"
        try:
            return raw.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise UsageError(_("import.bad-wide", file=shown, encoding=encoding_name(wide), byte=error.start)) from None
    if encoding:
        try:
            return raw.decode(encoding)
        except LookupError:
            raise UsageError(_("import.unknown-encoding", encoding=encoding)) from None
        except UnicodeDecodeError as error:
            raise UsageError(_("import.bad-encoding", file=shown, encoding=encoding, byte=error.start)) from None
    for candidate in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise UsageError(_("import.unknown-bytes", file=shown))


def _read_csv(path: Path, encoding: str | None, delimiter: str) -> list[list[str]]:
    try:
        raw = read_bytes(path, root=None, limit=SHEET_BYTES, what="spreadsheet")
    except Refused as refused:
        raise UsageError(_("import.refused", file=path, reason=refused.reason)) from None
    text = decode_csv(raw, encoding, str(path))
    first_line = text.split("\n", 1)[0]
    if delimiter == "," and "\t" in first_line and "," not in first_line:
        delimiter = "\t"  # Excel's "Unicode text" and "Text (tab delimited)" separate cells with tabs
    # A cell may be as long as the file (a pasted document); csv's default limit of 131,072 characters
    # would end the import with a bare _csv.Error.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return [[cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise UsageError(_("import.bad-csv", file=path, reason=error)) from None


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``--map 業務名=title`` → {normalised header: field}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        name = name.strip()
        if not sep or not header.strip() or name not in FIELDS:
            raise UsageError(_("import.bad-map", pair=pair, fields=", ".join(FIELDS)))
        mapping[normalise_header(header)] = name
    return mapping


def table_from_cells(cells: list[list[str]], shown: str, mapping: dict[str, str]) -> Table:
    """Find the header row (the first non-empty one) and which column holds which field."""
    known = {**DEFAULT_HEADERS, **mapping}
    filled = [index for index, row in enumerate(cells) if any(row)]
    if not filled:
        raise UsageError(_("import.empty-sheet", file=shown))
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
        # The example names a column of this sheet that no field claimed: most likely the one meant.
        raise UsageError(_("import.missing-columns", where=f"{shown}:{header_index + 1}", fields=active().join(missing),
                           headers=active().join(h for h in headers if h), field=missing[0],
                           example=next(iter(ignored), "COLUMN")))
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
    if not os.path.lexists(path):
        return "", CommentedMap()
    try:
        text = read_text(path, root=path.parent, limit=MAX_REGISTRY_BYTES, what="registry")
    except Refused as refused:
        raise UsageError(_("import.registry-refused", where=f"{shown}:1:1", reason=refused.reason)) from None
    try:
        data = round_trip_yaml().load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        raise UsageError(_("import.registry-yaml", where=where)) from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise UsageError(_("import.registry-shape", file=shown))
    return text, data


def _dump(data: CommentedMap) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(data, stream)
    return stream.getvalue()


def _rewritten(data: CommentedMap, text: str, shown: str, changed: Iterable[str] = ()) -> str:
    """``data`` written by ruamel.yaml, checked: every entry of ``text`` but the ``changed`` ones reads
    back with the value it had, and every new entry with the value it has in ``data``.

    The note above the first new entry begins with a blank line, and a blank line after a ``|+`` block
    (which keeps its final blank lines) becomes part of that block's value: then the note goes without
    its blank line. A file that still reads differently is left as it is.
    """
    before = pyyaml.safe_load(text) if text.strip() else {}
    before = before if isinstance(before, dict) else {}
    skip = set(changed)
    first_new = next((key for key in data if key not in before), None)
    for attempt in range(2):
        result = _dump(data)
        after = pyyaml.safe_load(result)
        after = after if isinstance(after, dict) else {}
        kept = (key for key, value in before.items() if key not in skip and after.get(key, ...) != value)
        new = (key for key, value in data.items() if key not in before and after.get(key) != value)
        wrong = next(kept, None) or next(new, None)
        if wrong is None:
            return result
        notes = data.ca.items.get(first_new, [None, None])[1] if first_new is not None else None
        if attempt or not notes:
            break
        for token in notes:  # the blank line above the note
            if not token.value.strip():
                token.value = ""
    raise UsageError(_("import.would-change", file=shown, id=wrong))


_EMITTER = getattr(pyyaml, "CSafeDumper", pyyaml.SafeDumper)
_PARSER = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
_TEXT = "tag:yaml.org,2002:str"
_RESOLVER = pyyaml.resolver.Resolver()
_REPRESENTER = pyyaml.representer.SafeRepresenter()


class _NotAppendable(Exception):
    """The inventory is not one block mapping that entries can be written below."""


def _scalar(value: str | int | float) -> pyyaml.ScalarEvent:
    """The event of one value; a text may be written plain only where YAML reads it back as text."""
    if isinstance(value, str):
        plain = _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False)) == _TEXT
        return pyyaml.ScalarEvent(None, None, (plain, True), value)
    number = _REPRESENTER.represent_float(value) if isinstance(value, float) else _REPRESENTER.represent_int(value)
    return pyyaml.ScalarEvent(None, None, (True, False), number.value)


class _Events:
    """The events of new entries: ``id: {key: value, ...}``, a list as a flow sequence ([a, b]).

    Each distinct value's event is made once and reused, in the file written and in the one expected
    back: a sheet repeats its keys, departments, people and frequencies (200,000 rows: 4.4 million
    values, 0.4 million distinct).
    """

    def __init__(self) -> None:
        self._made: dict[tuple[type, str | int | float], pyyaml.ScalarEvent] = {}

    def scalar(self, value: str | int | float) -> pyyaml.ScalarEvent:
        key = (type(value), value)
        event = self._made.get(key)
        if event is None:
            event = self._made[key] = _scalar(value)
        return event

    def entries(self, entries: dict[str, dict[str, Any]]) -> Iterator[pyyaml.Event]:
        scalar = self.scalar
        for task_id, entry in entries.items():
            yield scalar(task_id)
            yield pyyaml.MappingStartEvent(None, None, True, flow_style=False)
            for key, value in entry.items():
                yield scalar(key)
                if isinstance(value, list):
                    yield pyyaml.SequenceStartEvent(None, None, True, flow_style=True)
                    yield from map(scalar, value)
                    yield pyyaml.SequenceEndEvent()
                else:
                    yield scalar(value)
            yield pyyaml.MappingEndEvent()


def _appended(text: str, added: dict[str, dict[str, Any]], sheet: str) -> str | None:
    """``text`` with the ``added`` entries written below it, or None when that cannot be done safely.

    ruamel.yaml re-emits a whole file at about 15 ms an entry (a sheet of 200,000 tasks: 13 minutes),
    and PyYAML's representer and constructor, in Python, took 30 of the 53 s such an import took. So
    when the import only adds, the file is kept as it is and the new entries go to libyaml's emitter
    as events (it picks plain or quoted style for each text). The result is parsed back by libyaml,
    event by event and without building it, and must be the old file's events, unchanged, followed by
    the new entries' events, in the one mapping of the one document.
    """
    events = [pyyaml.StreamStartEvent(), pyyaml.DocumentStartEvent(explicit=False),
              pyyaml.MappingStartEvent(None, None, True, flow_style=False)]
    ends = [pyyaml.MappingEndEvent(), pyyaml.DocumentEndEvent(explicit=False), pyyaml.StreamEndEvent()]
    made = _Events()
    body = pyyaml.emit(chain(events, made.entries(added), ends), Dumper=_EMITTER, allow_unicode=True, width=4096,
                       indent=2)
    note = f"# sopbook import: {sheet} ({dt.date.today().isoformat()})\n"
    before = text if not text or text.endswith("\n") else text + "\n"
    result = before + ("\n" if before.strip() else "") + note + body
    try:
        pairs = zip_longest(pyyaml.parse(result, Loader=_PARSER), _expected_events(text, made.entries(added)))
        if all(read is not None and meant is not None and _same(read, *meant) for read, meant in pairs):
            return result
    except (pyyaml.YAMLError, _NotAppendable):
        pass
    return None


def _expected_events(text: str, added: Iterator[pyyaml.Event]) -> Iterator[tuple[pyyaml.Event, bool]]:
    """What the appended file must read as: (event, whether it is the old file's and must match exactly).

    A generator, so the old file's events are compared as they are parsed and never all held (an
    inventory of 200,000 entries is 3 million events).
    """
    old = pyyaml.parse(text, Loader=_PARSER)
    yield next(old), True  # StreamStart
    first = next(old)
    if isinstance(first, pyyaml.StreamEndEvent):  # no inventory yet, or only comments
        yield pyyaml.DocumentStartEvent(explicit=False), False
        yield pyyaml.MappingStartEvent(None, None, True, flow_style=False), False
        yield from ((event, False) for event in added)
        yield pyyaml.MappingEndEvent(), False
        yield pyyaml.DocumentEndEvent(explicit=False), False
        yield first, False
        return
    top = next(old)
    if not isinstance(top, pyyaml.MappingStartEvent) or top.flow_style:
        raise _NotAppendable
    yield first, True
    yield top, True
    held: deque[pyyaml.Event] = deque()  # the last three: the ends of the mapping, the document, the stream
    for event in old:
        if isinstance(event, pyyaml.DocumentStartEvent):
            raise _NotAppendable  # a second document
        held.append(event)
        if len(held) > 3:
            yield held.popleft(), True
    yield from ((event, False) for event in added)
    yield from ((event, False) for event in held)


def _same(read: pyyaml.Event, meant: pyyaml.Event, exactly: bool) -> bool:
    """Whether the event read back is the one written: the same value, plain only where that was allowed."""
    if read.__class__ is not meant.__class__:
        return False
    if read.__class__ is pyyaml.ScalarEvent:  # 7 events in 10; attributes read directly: 3 million calls
        if read.value != meant.value or read.tag != meant.tag or read.anchor != meant.anchor:  # type: ignore[attr-defined]
            return False
        if exactly:
            return read.implicit == meant.implicit and read.style == meant.style  # type: ignore[attr-defined]
        return not read.implicit[0] or meant.implicit[0]  # type: ignore[attr-defined]
    return getattr(read, "anchor", None) == getattr(meant, "anchor", None) \
        and getattr(read, "tag", None) == getattr(meant, "tag", None) \
        and (not exactly or getattr(read, "flow_style", None) == getattr(meant, "flow_style", None))


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


_SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


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
        note = _("import.people-note", source=self.source, row=row)
        if person_id.startswith("person-"):
            note += _("import.people-note-rename")
        self.people.yaml_set_comment_before_after_key(person_id, before="\n" + note)
        self.by_name[key] = person_id
        self.added.append(person_id)
        return person_id

    def _new_id(self, name: str) -> str:
        """``Yamada Taro`` → ``yamada-taro``; a Japanese name → ``person-001`` (ids are ASCII)."""
        slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
        base = slug if name.strip().isascii() and slug and id_pattern().match(slug) else "person"
        if base != "person" and base not in self.people:
            return base
        number = 1
        while f"{base}-{number:03d}" in self.people:
            number += 1
        return f"{base}-{number:03d}"


def merge(table: Table, inventory: CommentedMap, people: CommentedMap, id_prefix: str) -> tuple[
        dict[str, dict[str, Any]], list[str], list[str], list[Problem]]:
    """Apply the rows to ``inventory`` and ``people``: (new entries, updated ids, people added, problems).

    Existing entries and ``people`` are changed in place; the new entries are returned as plain dicts,
    for the caller to append to the file's text or, failing that, to add to ``inventory``.
    """
    problems: list[Problem] = []
    added: dict[str, dict[str, Any]] = {}
    updated: list[str] = []
    resolver = _People(people, Path(table.path).name)
    by_title = {(_squash(str(entry.get("title", ""))), _squash(str(entry.get("department", "")))): str(task_id)
                for task_id, entry in inventory.items() if isinstance(entry, dict)}
    seen: dict[str, int] = {}

    def problem(row: Row, name: str, message: str) -> None:
        problems.append(Problem(table.path, row.number, row.columns.get(name, 1), "import-row", Severity.ERROR,
                                message))

    planned: list[tuple[Row, str, dict[str, Any]]] = []
    new_tasks: dict[tuple[str, str], tuple[Row, dict[str, Any]]] = {}
    for row in table.rows:
        values = row.values
        title, department = values.get("title", ""), values.get("department", "")
        if not title:
            problem(row, "title", _("import.no-title"))
            continue
        if not department:
            problem(row, "department", _("import.no-department", title=title))
            continue
        task_id = values.get("id", "")
        if task_id and not id_pattern().match(task_id):
            problem(row, "id", _("import.bad-id", id=task_id))
            continue
        task_key = (_squash(title), _squash(department))
        task_id = task_id or by_title.get(task_key, "")
        if task_id and task_id in seen:
            problem(row, "id" if values.get("id") else "title",
                    _("import.twice", id=task_id, row=seen[task_id]))
            continue
        hours: float | int | None = None
        if values.get("hours_per_month"):
            text = unicodedata.normalize("NFKC", values["hours_per_month"]).strip()
            text = re.sub(r"\s*(h|hrs?|hours?|時間)$", "", text, flags=re.IGNORECASE).replace(",", "")
            try:
                hours = float(text)
            except ValueError:
                problem(row, "hours_per_month",
                        _("import.hours-not-number", value=values["hours_per_month"]))
                continue
            if not math.isfinite(hours):  # "nan", "inf" and 1e309 are floats to Python, not hours
                problem(row, "hours_per_month",
                        _("import.hours-not-number", value=values["hours_per_month"]))
                continue
            if hours < 0:
                problem(row, "hours_per_month", _("import.hours-negative", value=f"{hours:g}"))
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
        elif task_key in new_tasks:
            # The same task twice in the sheet (a copied row, a second performer on a line of its own):
            # one task, its performers together; differing hours or frequencies cannot both be right.
            first_row, first = new_tasks[task_key]
            conflict = next((name for name in ("hours_per_month", "x-frequency")
                             if name in fields and name in first and fields[name] != first[name]), None)
            if conflict is not None:
                problem(row, conflict.removeprefix("x-"),
                        _("import.conflict", title=title, department=department, row=first_row.number,
                          key=conflict, first=first[conflict], here=fields[conflict]))
                continue
            for name, value in fields.items():
                if name == "performers":
                    first["performers"] = list(dict.fromkeys([*first.get("performers", []), *value]))
                else:
                    first.setdefault(name, value)
            table.merged.append(row.number)
            continue
        else:
            new_tasks[task_key] = (row, fields)
        planned.append((row, task_id, fields))
    if problems:
        return {}, [], [], problems

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
        added[task_id] = {key: fields[key] for key in ("title", "department", "performers", "hours_per_month",
                                                       "x-frequency") if key in fields}
    return added, updated, resolver.added, []


def _add(inventory: CommentedMap, added: dict[str, dict[str, Any]], sheet: str) -> None:
    """The new entries into the round-trip mapping, below a note naming the sheet (when appending cannot do)."""
    for task_id, fields in added.items():
        inventory[task_id] = CommentedMap(
            (key, _flow(value) if key == "performers" else value) for key, value in fields.items())
    if added:
        inventory.yaml_set_comment_before_after_key(
            next(iter(added)), before=f"\nsopbook import: {sheet} ({dt.date.today().isoformat()})")


def import_spreadsheet(path: Path, sop_dir: Path, *, shown: str | None = None, mapping: dict[str, str] | None = None,
                       sheet: str | None = None, encoding: str | None = None, id_prefix: str = "TASK") -> ImportResult:
    """Read the spreadsheet and compute the new inventory.yaml and people.yaml (the caller writes them)."""
    shown = shown or str(path)
    if not path.is_file():
        raise UsageError(_("import.no-file", file=shown))
    if not id_pattern().match(f"{id_prefix}-001"):
        raise UsageError(_("import.bad-prefix", prefix=id_prefix))
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
    sheet_name = Path(table.path).name
    appended = _appended(inventory_text, added, sheet_name) if added and not updated else None
    if appended is None and added:
        _add(inventory, added, sheet_name)
    result.inventory_after = appended if appended is not None else (
        _rewritten(inventory, inventory_text, str(inventory_path), updated) if added or updated else inventory_text)
    result.people_after = _rewritten(people, people_text, str(people_path)) if people_added else people_text
    result.added, result.updated, result.people_added = list(added), updated, people_added
    result.merged_rows = table.merged
    result.kept = kept - len(updated)
    return result
