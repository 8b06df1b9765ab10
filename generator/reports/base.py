"""The shape every report shares: columns with labels in two languages, and rows of plain values."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..i18n import language as language_for


@dataclass(frozen=True)
class Column:
    key: str
    message: str
    """The id of the column's heading in the message catalogue (``column.owner_name``)."""
    width: int = 14
    """Width in characters for the xlsx writer (a CJK character counts two)."""
    link: str | None = None
    """``procedure`` or ``person``: on the site the cell links to that page (the row's ``id``/key)."""
    heading: str | None = None
    """A heading that is the same in every language (a rule's code), instead of ``message``."""
    group: str | None = None
    """With ``Report.sheet_by``: the column appears only on the sheet of this value (None: on every sheet)."""

    def label(self, language: str) -> str:
        return self.heading if self.heading is not None else language_for(language).label(self.message)


@dataclass
class Report:
    name: str
    title: dict[str, str]
    """Language → title: ``in_every_language("report.<name>.title")``."""
    description: dict[str, str]
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Each row has at least every column's key; JSON shows the whole row, tables only the columns."""
    rows_key: str = "rows"
    """The key of the rows in the JSON document (``{"meta": ..., "rows": [...]}``)."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Provenance (``generator.provenance``): when, from which commit, judged as of which day."""
    sheet_by: str | None = None
    """A row key the xlsx writer makes one sheet per value of (the training matrix per department)."""

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def description_in(self, language: str) -> str:
        return self.description.get(language) or self.description["en"]


def cell(value: Any) -> Any:
    """A value as a table shows it: lists joined, dates as YYYY-MM-DD, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(cell(item)) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plain(value: Any) -> Any:
    """A value as JSON holds it (dates as text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
