"""The knowledge base's health over its git history: one row per month, week or commit, oldest first.

Each point reads the ``sop/`` tree of one past commit from git (``generator.history``; the working
tree is never touched), validates and lints it with today's rules and options, and counts what the
dashboard counts. Dates are judged as of the point (a review was overdue *then*), so a point never
changes once its month is over.

A point's numbers depend only on the tree's object id, the day it is judged by, the rule options and
sopbook's code; they are kept as small JSON files in the user's cache folder (never in the
repository: a pull request must not be able to plant a cached answer), so a second run computes only
the points whose tree is new.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import code_stamp
from ..history import Commit, Repository
from ..i18n import LANGUAGES, in_every_language
from ..i18n import language as language_for
from ..load import Source, display_path
from ..model import KnowledgeBase
from ..model import build as build_model
from ..problems import Problem, Severity
from ..rules import RULES, LintConfig, LintResult, run
from ..validate import validate_files
from .base import Column, Report
from .health import health

NAME = "trend"
EVERY = ("month", "week", "commit")
NUMBERS = ("procedures", "active", "single_owner", "undocumented", "reviews_overdue", "coverage", "errors")
COLUMNS = [
    Column("date", "column.date", 12),
    Column("commit", "column.commit", 14),
    Column("procedures", "column.procedures", 10),
    Column("active", "column.active-procedures", 10),
    Column("single_owner", "column.single_owner", 12),
    Column("undocumented", "column.undocumented", 12),
    Column("reviews_overdue", "column.reviews_overdue", 12),
    Column("coverage", "column.coverage", 10),
    Column("errors", "column.errors", 10),
]


def measure(result: LintResult, errors: int = 0) -> dict[str, Any]:
    """The numbers of one point: what the dashboard shows (the same ``health``), and the findings of each rule."""
    kb = result.kb
    numbers = health(result)
    covered = sum(1 for task in kb.tasks.values()
                  if task.id in kb.procedures and kb.procedures[task.id].is_active)
    findings = dict.fromkeys(RULES, 0)
    for problem in result.problems:
        if problem.code in findings:
            findings[problem.code] += 1
    return {
        "procedures": len(kb.procedures),
        "active": numbers["active"],
        "single_owner": numbers["single_owner"],
        "undocumented": numbers["tasks"] - numbers["documented"],
        "reviews_overdue": numbers["overdue"],
        "coverage": round(covered / len(kb.tasks), 4) if kb.tasks else None,
        "errors": errors,
        "findings": findings,
    }


def point_dates(first: dt.date, last: dt.date, every: str) -> list[dt.date]:
    """The ends of each month (or week, Monday to Sunday) from ``first``'s to ``last``'s, the last cut at ``last``."""
    days: list[dt.date] = []
    if every == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            days.append(min(following - dt.timedelta(days=1), last))
            year, month = following.year, following.month
    else:
        day = first + dt.timedelta(days=6 - first.weekday())
        while True:
            days.append(min(day, last))
            if day >= last:
                break
            day += dt.timedelta(days=7)
    return days


def cache_folder() -> Path | None:
    """Where trend points are kept: ``$SOPBOOK_TREND_CACHE``, else the user's cache folder (None: no cache)."""
    if os.environ.get("SOPBOOK_NO_CACHE"):
        return None
    override = os.environ.get("SOPBOOK_TREND_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("sopbook", appauthor=False)) / "trend"


def config_key(config: LintConfig) -> str:
    """The rule settings as text: a point judged with other options is another point."""
    return json.dumps({rule: [settings.enabled, str(settings.severity), dict(settings.options)]
                       for rule, settings in sorted(config.rules.items())}, sort_keys=True, default=str,
                      ensure_ascii=False)


@dataclass
class PointCache:
    """Finished points as JSON files named by a digest of (tree id, day, options, sopbook's code)."""

    folder: Path | None
    settings: str

    def _path(self, tree: str, day: dt.date) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.blake2b(f"{tree}\0{day}\0{self.settings}\0{code_stamp()}".encode(), digest_size=16)
        return self.folder / f"{key.hexdigest()}.json"

    def get(self, tree: str, day: dt.date) -> dict[str, Any] | None:
        path = self._path(tree, day)
        if path is None:
            return None
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        # A damaged or foreign file is a miss, never a number in an auditor's report.
        if not isinstance(stored, dict) or stored.get("tree") != tree or not _valid_numbers(stored.get("numbers")):
            return None
        numbers: dict[str, Any] = stored["numbers"]
        return numbers

    def put(self, tree: str, day: dt.date, numbers: dict[str, Any]) -> None:
        path = self._path(tree, day)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}")
            temporary.write_text(json.dumps({"tree": tree, "day": day.isoformat(), "numbers": numbers}),
                                 encoding="utf-8")
            os.replace(temporary, path)
        except OSError:  # a read-only home still gets its trend, only slower next time
            return


def _valid_numbers(numbers: Any) -> bool:
    if not isinstance(numbers, dict) or not isinstance(numbers.get("findings"), dict):
        return False
    plain = all(isinstance(numbers.get(name), (int, float)) or (name == "coverage" and numbers.get(name) is None)
                for name in NUMBERS)
    return plain and all(isinstance(value, int) for value in numbers["findings"].values())


class History:
    """One walk over a repository's history: the sop/ folder of each commit, parsed once per file version."""

    def __init__(self, repository: Repository, sop_dir: Path, config: LintConfig, cache: PointCache) -> None:
        self.repository = repository
        self.sop_dir = sop_dir
        self.inside = repository.relative(sop_dir)
        self.config = config
        self.cache = cache
        self.shown_root = display_path(sop_dir)
        self._parsed: dict[tuple[str, str], Source] = {}
        self._last_tree: tuple[str, KnowledgeBase, list[Problem]] | None = None
        self.trees: dict[str, str | None] = {}
        """Commit id → tree id of the folder, asked of git for all points at once."""
        self.computed = 0
        """Points computed in this run (the others came from the cache)."""

    def knowledge_base(self, commit: Commit) -> tuple[KnowledgeBase, list[Problem]]:
        """The knowledge base at ``commit``, and its validation problems."""
        oids = self.repository.files(commit, self.inside)
        wanted = {name: oid for name, oid in oids.items() if name.endswith((".yaml", ".yml"))}
        missing = [oid for name, oid in wanted.items()
                   if (oid, os.path.join(self.shown_root, name)) not in self._parsed]
        contents = self.repository.blobs(missing, limit=8 * 1024 * 1024)
        files = {name: contents.get(oid, b"") for name, oid in wanted.items()}
        validation = validate_files(self.sop_dir, files, self._parsed, wanted)
        return build_model(validation.sources), validation.problems

    def point(self, commit: Commit, day: dt.date) -> dict[str, Any]:
        tree = self.trees.get(commit.id) if commit.id in self.trees else self.repository.tree_id(commit, self.inside)
        numbers = self.cache.get(tree, day) if tree else None
        if numbers is None:
            # Months without a commit share their tree: the knowledge base is read once, judged per day.
            if tree is None or self._last_tree is None or self._last_tree[0] != tree:
                self._last_tree = (tree or "", *self.knowledge_base(commit))
            _, kb, problems = self._last_tree
            errors = sum(1 for problem in problems if problem.severity is Severity.ERROR)
            numbers = measure(run(kb, self.config, day), errors)
            self.computed += 1
            if tree:
                self.cache.put(tree, day, numbers)
        return {"date": day, "commit": commit.short, "commit_id": commit.id, **numbers}


def points(repository: Repository, sop_dir: Path, config: LintConfig, *, every: str = "month",
           since: dt.date | None = None, today: dt.date | None = None, ref: str = "HEAD",
           cache: PointCache | None = None) -> tuple[list[dict[str, Any]], History]:
    """The trend's points, oldest first. ``since`` defaults to the first commit that touched the folder."""
    today = today or dt.date.today()
    history = History(repository, sop_dir, config, cache or PointCache(cache_folder(), config_key(config)))
    commits = repository.commits(ref, path=history.inside or None)
    if not commits:
        return [], history
    if every == "commit":
        chosen = [(commit, commit.date.date()) for commit in commits
                  if (since is None or commit.date.date() >= since) and commit.date.date() <= today]
    else:
        start = max(since or commits[0].date.date(), commits[0].date.date())
        chosen = []
        for day in point_dates(start, today, every):
            # As `git log -1 --before`: the newest commit of the line made by the end of that day (UTC). Only
            # commits that touched the folder are listed; a later one that did not has the same tree.
            limit = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
            commit = next((commit for commit in reversed(commits) if commit.date <= limit), None)
            if commit is not None:
                chosen.append((commit, day))
    # One git call for every point's tree, instead of one per point: the warm run is these few calls.
    trees = repository.tree_ids([commit for commit, _day in chosen], history.inside)
    history.trees = {commit.id: trees.get(commit.id) for commit, _day in chosen}
    return [history.point(commit, day) for commit, day in chosen], history


def rule_columns() -> list[Column]:
    return [Column(f"findings.{rule}", "", 10, heading=rule) for rule in RULES]


def flatten(point: dict[str, Any]) -> dict[str, Any]:
    """A point with its findings as ``findings.<rule>`` keys, for the table writers."""
    row = dict(point)
    for rule, count in point.get("findings", {}).items():
        row[f"findings.{rule}"] = count
    if row.get("coverage") is not None:
        row["coverage_percent"] = f"{row['coverage']:.0%}"
    return row


def report(found: list[dict[str, Any]], every: str) -> Report:
    columns = [column if column.key != "coverage" else Column("coverage_percent", column.message, 10)
               for column in COLUMNS] + rule_columns()
    return Report(
        NAME,
        in_every_language("report.trend.title"),
        {code: language_for(code).label("report.trend.description",
                                        unit=language_for(code).label(f"report.trend.{every}"))
         for code in LANGUAGES},
        columns, [flatten(point) for point in found], rows_key="points")
