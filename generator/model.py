"""Plain typed objects for a validated knowledge base: what the linters, reports and pages read.

Built only from files that passed the schema, so fields have the types the schema promises; a
reference that did not resolve (already reported by validation) simply resolves to nobody here.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import Cache
from .load import Source
from .media import DEFAULT_MAX_MB
from .validate import Sources, Validation, validate

BUSINESS_DAY_MINUTES = 8 * 60
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(m|h|d)\Z")  # \Z: "15m\n" is not a duration


def duration_minutes(text: str | None) -> float | None:
    """``15m`` → 15, ``1.5h`` → 90, ``2d`` → 960 (a business day is 8 hours)."""
    if not text:
        return None
    match = _DURATION.match(text)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return number * {"m": 1, "h": 60, "d": BUSINESS_DAY_MINUTES}[unit]


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _extensions(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if isinstance(key, str) and key.startswith("x-")}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (2026-01-31 + 1 → 2026-02-28).

    Past the calendar's end (``last_reviewed: 9999-12-31``) it stays at its last day rather than fail.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return dt.date(year, month, 28)


def days_after(day: dt.date, days: int) -> dt.date:
    """``day + days``, staying at the calendar's first or last day instead of overflowing (``--today 9999-12-31``)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


@dataclass
class Person:
    id: str
    name: str
    email: str | None = None
    department: str | None = None
    github: str | None = None
    active: bool = True
    extensions: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    """Job title (``総務課長``, ``Office Manager``)."""


@dataclass
class Role:
    id: str
    name: str
    members: list[str] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tool:
    id: str
    name: str
    url: str | None = None
    owner: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass
class Task:
    """One line of the task inventory (業務棚卸し): work the department does, documented or not."""

    id: str
    title: str
    department: str
    performers: list[str] = field(default_factory=list)
    hours_per_month: float | None = None
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass
class Image:
    """A screenshot or photo under a step's text; ``file`` as written, relative to the YAML file."""

    file: str
    alt: str
    caption: str | None = None


@dataclass
class Attachment:
    """A form or template: a ``file`` beside the YAML file (copied into the site) or a ``url``."""

    title: str
    file: str | None = None
    url: str | None = None


@dataclass
class Step:
    number: int
    """1-based, as shown on the page."""
    title: str
    actor: str
    """Person or role id; the procedure's owner when the file names none."""
    actor_given: bool
    tool: str | None = None
    duration: str | None = None
    details: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    video: str | None = None


@dataclass
class Approval:
    number: int
    approver: str
    when: str | None = None
    sla: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def sla_minutes(self) -> float | None:
        return duration_minutes(self.sla)


@dataclass(frozen=True)
class Measurement:
    date: dt.date
    value: float
    note: str | None = None


@dataclass
class Kpi:
    name: str
    target: str
    unit: str | None = None
    direction: str | None = None
    """``lower`` or ``higher``: which way is better; None when the file does not say."""
    goal: float | None = None
    measurements: list[Measurement] = field(default_factory=list)
    """Oldest first (the file may list them in any order)."""

    def shown(self, value: float) -> str:
        """``8日``, ``95%``, ``3 invoices``: a Japanese unit or a symbol follows the number directly."""
        unit = self.unit or ""
        if not unit or unit[0] in "%％" or not unit[0].isascii():
            return f"{value:g}{unit}"
        return f"{value:g} {unit}"

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    def met(self, value: float) -> bool | None:
        """Whether ``value`` reaches the goal; None without a goal and a direction to judge by."""
        if self.goal is None or self.direction is None:
            return None
        return value <= self.goal if self.direction == "lower" else value >= self.goal

    def change(self) -> str | None:
        """``improving``, ``worsening`` or ``steady`` from the last two measurements; None when it cannot tell."""
        if len(self.measurements) < 2 or self.direction is None:
            return None
        before, after = self.measurements[-2].value, self.measurements[-1].value
        if after == before:
            return "steady"
        better = after < before if self.direction == "lower" else after > before
        return "improving" if better else "worsening"


@dataclass
class FaqEntry:
    q: str
    a: str


@dataclass
class HistoryEntry:
    date: dt.date | None
    change: str
    version: str | None = None
    author: str | None = None


@dataclass
class Review:
    last_reviewed: dt.date | None = None
    interval_months: int = 12

    @property
    def next_review(self) -> dt.date | None:
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, self.interval_months)

    def overdue(self, today: dt.date) -> bool:
        """True when the review date has passed, or when the procedure was never reviewed."""
        due = self.next_review
        return due is None or due < today


@dataclass
class Procedure:
    id: str
    title: str
    department: str
    owner: str
    source: Source
    summary: str | None = None
    category: str | None = None
    status: str = "active"
    version: str | None = None
    backups: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    frequency: str | None = None
    trigger: str | None = None
    review: Review = field(default_factory=Review)
    steps: list[Step] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The file as shown to the user, e.g. ``sop/総務部/GA-001.yaml``."""
        return self.source.path

    def where(self, *path: str | int, key: bool = False) -> tuple[int, int]:
        """(line, column) of a value in this procedure's file: ``where("steps", 0, "actor")``."""
        return self.source.where(*path, key=key)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def all_tools(self) -> list[str]:
        """Tools of the procedure and of its steps, each once, in order of first mention."""
        seen: dict[str, None] = dict.fromkeys(self.tools)
        for step in self.steps:
            if step.tool:
                seen.setdefault(step.tool, None)
        return list(seen)


@dataclass(frozen=True)
class TrainingRecord:
    """One line of ``training.yaml``: ``person`` was trained on (or acknowledged) ``procedure`` at ``version``."""

    person: str
    procedure: str
    date: dt.date | None
    version: str | None = None
    trainer: str | None = None
    index: int = 0
    """The record's place in the person's list, for pointing at its line."""


@dataclass
class KnowledgeBase:
    """Everything in one ``sop/`` folder, by id."""

    sop_dir: Path
    people: dict[str, Person] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    """Registry name → its loaded file, for pointing at lines in people.yaml and friends."""
    training: dict[str, list[TrainingRecord]] | None = None
    """Person id → their training records; None when the knowledge base keeps no ``training.yaml``."""

    def training_of(self, person: str, procedure_id: str) -> list[TrainingRecord]:
        """The person's records for one procedure, newest first."""
        records = [record for record in (self.training or {}).get(person, []) if record.procedure == procedure_id]
        return sorted(records, key=lambda record: record.date or dt.date.min, reverse=True)

    def name_of(self, actor: str) -> str:
        """Display name of a person or role id, or the id itself when unknown."""
        if actor in self.people:
            return self.people[actor].name
        if actor in self.roles:
            return self.roles[actor].name
        return actor

    def people_of(self, actor: str) -> list[str]:
        """Person ids an actor stands for: a person is themself, a role is its members."""
        if actor in self.roles:
            return list(self.roles[actor].members)
        return [actor]

    def is_active(self, person_id: str) -> bool:
        person = self.people.get(person_id)
        return person is not None and person.active

    def active_people_of(self, actor: str) -> list[str]:
        """The active people behind a person or role id; an inactive or unknown person is nobody."""
        return [person for person in self.people_of(actor) if self.is_active(person)]

    def performers(self, procedure: Procedure) -> list[str]:
        """Distinct active people who can perform the procedure: its owner and backups."""
        seen: dict[str, None] = {}
        for person in [procedure.owner, *procedure.backups]:
            if self.is_active(person):
                seen.setdefault(person, None)
        return list(seen)

    def task_for(self, procedure_id: str) -> Task | None:
        return self.tasks.get(procedure_id)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def build(sources: Sources) -> KnowledgeBase:
    """The model of every file that passed its schema; files with errors are left out."""
    kb = KnowledgeBase(sources.sop_dir)
    kb.sources = dict(sources.registries)

    def entries(name: str) -> Iterable[tuple[str, dict[str, Any]]]:
        source = sources.registries.get(name)
        if source is None or not source.ok or not isinstance(source.data, dict):
            return []
        return [(k, v) for k, v in source.data.items() if isinstance(k, str) and isinstance(v, dict)]

    for person_id, data in entries("people"):
        kb.people[person_id] = Person(person_id, data["name"], data.get("email"), data.get("department"),
                                      data.get("github"), bool(data.get("active", True)), _extensions(data),
                                      data.get("title"))
    for role_id, data in entries("roles"):
        kb.roles[role_id] = Role(role_id, data["name"], list(data.get("members", [])), _extensions(data))
    for tool_id, data in entries("tools"):
        kb.tools[tool_id] = Tool(tool_id, data["name"], data.get("url"), data.get("owner"), _extensions(data))
    for task_id, data in entries("inventory"):
        kb.tasks[task_id] = Task(task_id, data["title"], data["department"], list(data.get("performers", [])),
                                 data.get("hours_per_month"), _extensions(data))
    training = sources.registries.get("training")
    if training is not None and training.ok and isinstance(training.data, dict):
        kb.training = {}
        for person, records in training.data.items():
            if not isinstance(person, str) or not isinstance(records, list):
                continue
            kb.training[person] = [
                TrainingRecord(person, record["procedure"], _date(record.get("date")), _text(record.get("version")),
                               _text(record.get("trainer")), index)
                for index, record in enumerate(records) if isinstance(record, dict)]
    for source in sources.procedures:
        if not source.ok or not isinstance(source.data, dict):
            continue
        procedure = procedure_from(source)
        kb.procedures.setdefault(procedure.id, procedure)  # a duplicate id was reported; first wins
    return kb


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def kpi_from(data: dict[str, Any]) -> Kpi:
    measurements = []
    for entry in data.get("measurements", []):
        day, value = _date(entry.get("date")), _number(entry.get("value"))
        if day is not None and value is not None:
            measurements.append(Measurement(day, value, _text(entry.get("note"))))
    measurements.sort(key=lambda measurement: measurement.date)
    return Kpi(data["name"], data["target"], _text(data.get("unit")), _text(data.get("direction")),
               _number(data.get("goal")), measurements)


def procedure_from(source: Source) -> Procedure:
    data: dict[str, Any] = source.data
    owner = data["owner"]
    review = data.get("review") or {}
    return Procedure(
        id=data["id"],
        title=data["title"],
        department=data["department"],
        owner=owner,
        source=source,
        summary=_text(data.get("summary")),
        category=_text(data.get("category")),
        status=data.get("status", "active"),
        version=_text(data.get("version")),
        backups=list(data.get("backups", [])),
        tools=list(data.get("tools", [])),
        frequency=_text(data.get("frequency")),
        trigger=_text(data.get("trigger")),
        review=Review(_date(review.get("last_reviewed")), int(review.get("interval_months", 12))),
        steps=[
            Step(index + 1, step["title"], step.get("actor", owner), "actor" in step, step.get("tool"),
                 step.get("duration"), step.get("details"), _extensions(step),
                 [Image(image["file"], image["alt"], image.get("caption")) for image in step.get("images", [])],
                 step.get("video"))
            for index, step in enumerate(data.get("steps", []))
        ],
        approvals=[
            Approval(index + 1, approval["approver"], approval.get("when"), approval.get("sla"),
                     _extensions(approval))
            for index, approval in enumerate(data.get("approvals", []))
        ],
        kpis=[kpi_from(kpi) for kpi in data.get("kpis", [])],
        faq=[FaqEntry(entry["q"], entry["a"]) for entry in data.get("faq", [])],
        related=list(data.get("related", [])),
        tags=list(data.get("tags", [])),
        history=[
            HistoryEntry(_date(entry.get("date")), entry["change"], entry.get("version"), entry.get("author"))
            for entry in data.get("history", [])
        ],
        extensions=_extensions(data),
        attachments=[Attachment(entry["title"], entry.get("file"), entry.get("url"))
                     for entry in data.get("attachments", [])],
    )


def load_knowledge_base(sop_dir: Path, cache: Cache | None = None,
                        media_max_mb: float = DEFAULT_MAX_MB) -> tuple[KnowledgeBase, Validation]:
    """Validate ``sop_dir`` and build the model of what is valid. Callers decide what errors mean."""
    validation = validate(sop_dir, cache, media_max_mb=media_max_mb)
    return build(validation.sources), validation
