"""Every command over generated odd knowledge bases and settings (issue 12).

Hypothesis writes a knowledge base a careless editor could write — ids that differ in case or are called
``index``, departments that become one folder or are too long for one, keys YAML reads as booleans,
dates at the calendar's ends, control characters in tags, anchors, empty and scalar files — plus odd
plugin options, then runs validate, lint in each format, every report in every format, whatif,
generate, fmt, codeowners, import and serve's error page over it. Each must exit 0, 1 or 2 without a
traceback and in bounded time; a knowledge base that validates loses no page; fmt keeps every value.

``SOPBOOK_PROPERTY_EXAMPLES`` sets how many knowledge bases are tried (default 12; CI's nightly run
can ask for hundreds). A failure Hypothesis finds goes into tests/examples/invalid as a regression.
"""
from __future__ import annotations

import csv
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.fmt import _comments as comments
from generator.load import load_bytes
from generator.reports import REPORTS
from generator.reports.writers import WRITERS

EXAMPLES = int(os.environ.get("SOPBOOK_PROPERTY_EXAMPLES", "12"))
SECONDS_PER_COMMAND = 60.0

IDS = ["GA-001", "ga-001", "GA-002", "index", "index-procedure", "HR-1", "x" * 64]
DEPARTMENTS = ["総務部", "営業/東京", "営業-東京", "総" * 90, "GA-002", " ", "経理部", "index"]
PEOPLE = ["tanaka", "Tanaka", "suzuki", "index", "yes"]
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
ODD_TEXT = st.one_of(TEXT, st.sampled_from(["on", "yes", "null", "~", "1.5", "9999-12-31", "&a", "*a", "#",
                                            "契約\x7f", "x\x85y", "改\u2028行", "'", '"', "\t", ""]))
DATES = st.sampled_from(["2026-04-01", "9999-12-31", "0001-01-01", "2026-02-30", "10000-01-01", "2026-13-01"])


@st.composite
def procedure(draw: Any) -> str:
    data: dict[Any, Any] = {
        "id": draw(st.sampled_from(IDS)),
        "title": draw(ODD_TEXT),
        "department": draw(st.sampled_from(DEPARTMENTS)),
        "owner": draw(st.sampled_from(PEOPLE)),
    }
    if draw(st.booleans()):
        data["category"] = draw(st.sampled_from(["契約", "GA-001", "ga-001", "index", "営業/東京"]))
    if draw(st.booleans()):
        data["review"] = {"last_reviewed": draw(DATES), "interval_months": draw(st.sampled_from([1, 12, 10**6]))}
    data["steps"] = [{"title": draw(ODD_TEXT), **({"actor": draw(st.sampled_from(PEOPLE))} if draw(st.booleans())
                                                  else {})} for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        data["tags"] = draw(st.lists(ODD_TEXT, max_size=3))
    if draw(st.booleans()):
        data["version"] = draw(st.sampled_from(["1.0", 1.10, "1"]))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=draw(st.booleans()))
    if draw(st.booleans()):  # a comment above every list item, at a column fmt must move it from
        text = text.replace("\n- ", f"\n{' ' * draw(st.integers(0, 3))}# 説明\n- ")
    # What a person types that a dumper never writes: keys YAML 1.1 reads as booleans, anchors, comments.
    extra = draw(st.lists(st.sampled_from([
        "on: push\n", "yes: 1\n", "1: x\n", "null: y\n", "x-note: &n [1, 2]\nx-again: *n\n",
        "# a comment\n", "related: [GA-001, index]\n", "steps: []\n", "x-a: |\n  text without end",
        "tags: [a,  # why\n  b]\n"]), max_size=2))
    return text + "".join(extra)


@st.composite
def knowledge_base(draw: Any) -> dict[str, Any]:
    people = {person: {"name": draw(ODD_TEXT) or person} for person in draw(st.sets(st.sampled_from(PEOPLE),
                                                                                   min_size=1))}
    folders, names = st.sampled_from(["総務部", "a", ".hidden"]), st.sampled_from(["x", "X"])
    files = {f"sop/{draw(folders)}/{index}-{draw(names)}.yaml": draw(procedure())
             for index in range(draw(st.integers(0, 4)))}
    files.update(draw(st.dictionaries(st.sampled_from(["sop/a/empty.yaml", "sop/a/list.yaml", "sop/a/bin.yaml"]),
                                      st.sampled_from(["", "- a\n", "\x00\x01", "~\n", "a: [\n"]), max_size=2)))
    options: dict[str, Any] = {"sop_dir": "sop", "language": draw(st.sampled_from(["ja", "en"]))}
    if draw(st.booleans()):
        options["today"] = draw(st.sampled_from(["2026-06-01", "9999-12-31", "0001-01-01"]))
    return {
        "people": yaml.safe_dump(people, allow_unicode=True),
        "tools": draw(st.sampled_from(["kintone:\n  name: kintone\n", "index:\n  name: 目次\n", "{}\n"])),
        "roles": draw(st.sampled_from(["{}\n", "legal:\n  name: 法務\n  members: [tanaka]\n"])),
        "inventory": draw(st.sampled_from([
            "{}\n", "T-1:\n  title: t\n  department: 総務部\n", "{T-1: {title: t, department: 総務部}}\n",
            # the last value keeps its final blank lines: a blank line written after it would join it
            "T-1:\n  title: t\n  department: 総務部\n  x-note: |+\n    keep\n\n"])),
        "sheet": draw(st.lists(st.tuples(ODD_TEXT, st.sampled_from(["総務部", "経理部", " ", "営業/東京"]),
                                         st.sampled_from(["田中", "suzuki、田中", "", "Yamada Taro"]),
                                         st.sampled_from(["3", "0.5", "1e-05", "nan", "1e309", "", "-1"])),
                               max_size=6)),
        "files": files,
        "options": options,
    }


def write(root: Path, kb: dict[str, Any]) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "sop").mkdir(parents=True)
    for name in ("people", "tools", "roles", "inventory"):
        (root / "sop" / f"{name}.yaml").write_text(kb[name], encoding="utf-8")
    for relative, text in kb["files"].items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    plugin = {"sopbook": kb["options"]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "t", "plugins": ["search", plugin]},
                                                    allow_unicode=True), encoding="utf-8")
    with (root / "tasks.csv").open("w", encoding="utf-8", newline="") as sheet:
        writer = csv.writer(sheet)
        writer.writerow(["業務名", "部署", "担当者", "月間工数"])
        writer.writerows(kb["sheet"])


def run(*args: str) -> Any:
    start = time.monotonic()
    result = CliRunner().invoke(cli, list(args))
    elapsed = time.monotonic() - start
    assert elapsed < SECONDS_PER_COMMAND, (args, elapsed)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"sopbook {' '.join(args)} raised {result.exception!r}\n{result.output}") \
            from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, (args, result.output)
    return result


def data_of(path: Path) -> Any:
    return load_bytes(path.read_bytes(), str(path)).data


def same_values(before: Any, after: Any, key: Any = None) -> bool:
    if key == "version" and isinstance(before, (int, float)) and isinstance(after, str):
        return True  # fmt writes version: 1.10 as "1.10" (its text), on purpose
    if type(before) is not type(after):
        return False
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(same_values(v, after[k], k) for k, v in before.items())
    if isinstance(before, list):
        return len(before) == len(after) and all(same_values(v, w) for v, w in zip(before, after, strict=True))
    return bool(before == after)


def test_every_command_over_odd_knowledge_bases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    root = tmp_path / "kb"

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(knowledge_base())
    def check(kb: dict[str, Any]) -> None:
        write(root, kb)
        monkeypatch.chdir(root)
        validated = run("validate")
        run("validate", "-f", "json")
        for format_name in ("text", "json", "github", "sarif"):
            run("lint", "-f", format_name)
        for name in REPORTS:
            for format_name in WRITERS:
                run("report", name, "-f", format_name, "-o", str(tmp_path / f"report.{format_name}"))
        run("whatif", "--without", "tanaka")
        run("codeowners", "-o", "-")
        generated = run("generate", "--out", str(tmp_path / "out"))
        if validated.exit_code == 0 and generated.exit_code == 0:
            # No page lost: every procedure, person and tool has its own page.
            pages = {path.relative_to(tmp_path / "out" / "docs").as_posix()
                     for path in (tmp_path / "out" / "docs").rglob("*.md")}
            procedures = [data_of(path) for path in (root / "sop").rglob("*.yaml")
                          if path.parent != root / "sop" and not any(part.startswith(".") for part in path.parts)]
            names = {page.rsplit("/", 1)[-1].removesuffix(".md") for page in pages}
            for data in procedures:
                assert data["id"] in names or f"{data['id']}-procedure" in names, data["id"]
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        before = {path: (data_of(path), path.read_text(encoding="utf-8", errors="replace"))
                  for path in (root / "sop").rglob("*.y*ml") if path.is_file()}
        run("fmt", "--check")
        run("fmt")
        for path, (data, text) in before.items():  # fmt keeps every value and comment (or leaves the file alone)
            assert same_values(data, data_of(path)), path
            assert Counter(comments(text)) == Counter(comments(path.read_text(encoding="utf-8", errors="replace")))
        run("import", "tasks.csv", "--dry-run")
        inventory = root / "sop" / "inventory.yaml"
        old = data_of(inventory)
        if run("import", "tasks.csv").exit_code == 0:  # every task of the sheet, every old entry as it was
            new = data_of(inventory)
            assert isinstance(new, dict), inventory.read_text(encoding="utf-8")
            titles = {entry.get("title") for entry in new.values() if isinstance(entry, dict)}
            assert {title.strip() for title, *_ in kb["sheet"] if title.strip()} <= titles
            for task_id, entry in (old or {}).items():
                assert {key: new[task_id].get(key) for key in ("title", "department", "x-note")} == \
                    {key: entry.get(key) for key in ("title", "department", "x-note")}, task_id

    check()


def test_serves_error_page_over_odd_problems() -> None:
    """The page ``sopbook serve`` shows while the knowledge base has errors is made for any problem text."""
    from generator.errors import InvalidKnowledgeBase as BuildStopped
    from generator.options import parse_options
    from generator.problems import Problem, Severity
    from generator.site import problems_page

    @settings(max_examples=50, deadline=None, database=None)
    @given(st.lists(st.tuples(TEXT, ODD_TEXT), min_size=1, max_size=5), st.sampled_from(["ja", "en"]))
    def check(problems: list[tuple[str, str]], language: str) -> None:
        error = BuildStopped([Problem(path or "x.yaml", 1, 1, "code", Severity.ERROR, message)
                              for path, message in problems])
        page = problems_page(error, parse_options({"language": language}, Path(".")))
        assert page.startswith("# ")
        assert page.count("\n- ") == len(problems)

    check()


ODD_OPTIONS = [
    ("  - sopbook:\n      today: 2026-13-01\n", "today: 2026-13-01"),
    ("  - sopbook:\n      today: not-a-date\n", "today: not-a-date"),
    ("  - sopbook:\n      language: fr\n", "language: fr"),
]


@pytest.mark.parametrize("plugins", [*(f"plugins:\n{entry}" for entry, _ in ODD_OPTIONS), "plugins: 5\n"],
                         ids=[*(label for _, label in ODD_OPTIONS), "plugins: 5"])
@pytest.mark.parametrize("command", [["validate"], ["lint"], ["report", "reviews"], ["build"]],
                         ids=" ".join)
def test_odd_mkdocs_options_are_an_error_not_a_traceback(make_kb, monkeypatch: pytest.MonkeyPatch,
                                                         plugins: str, command: list[str]) -> None:
    make_kb()
    (make_kb.root / "mkdocs.yml").write_text(f"site_name: t\n{plugins}", encoding="utf-8")
    run(*command)
