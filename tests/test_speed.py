"""The speed tricks change nothing but speed: the parallel paths (thresholds set to 1) give what the serial ones
give, and running the command in a test leaves the process as it was (collector on, nothing kept)."""
from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli as cli_package
from generator import fmt, rules, speed, validate
from generator.cli import cli
from generator.load import walk_yaml_files
from generator.model import build
from tests.support import DEMO_SOP

TODAY = dt.date(2026, 11, 25)


def _tagged(offset: int, items: Sequence[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), item + offset) for item in items]


def test_in_parallel_forks_workers_and_keeps_the_order() -> None:
    items = list(range(100))
    results = speed.in_parallel(_tagged, 1000, items, threshold=1, jobs=2, min_chunk=10)
    assert [value for _, value in results] == [item + 1000 for item in items]
    pids = {pid for pid, _ in results}
    assert os.getpid() in pids and len(pids) > 1, "the work was not shared with a worker process"


def test_in_parallel_stays_serial_below_the_threshold() -> None:
    results = speed.in_parallel(_tagged, 0, list(range(10)), threshold=11, jobs=2)
    assert {pid for pid, _ in results} == {os.getpid()}


def test_parallel_parsing_gives_what_serial_parsing_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = validate.validate(DEMO_SOP, jobs=1)
    monkeypatch.setattr(validate, "PARALLEL_THRESHOLD", 1)
    parallel = validate.validate(DEMO_SOP, jobs=2)
    assert parallel.problems == serial.problems
    assert [source.data for source in parallel.sources.all()] == [source.data for source in serial.sources.all()]
    assert build(parallel.sources).procedures.keys() == build(serial.sources).procedures.keys()


def test_parallel_rules_give_what_serial_rules_give(monkeypatch: pytest.MonkeyPatch) -> None:
    kb = build(validate.validate(DEMO_SOP, jobs=1).sources)
    serial = rules.run(kb, None, TODAY)
    monkeypatch.setattr(rules, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(rules, "cores", lambda: 2)
    parallel = rules.run(kb, None, TODAY)
    assert parallel.problems == serial.problems and parallel.suppressions == serial.suppressions
    assert len(serial.problems) > 10


def test_parallel_formatting_gives_what_serial_formatting_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    files: list[tuple[Path, str, Path | None]] = [(path, str(path), DEMO_SOP) for path in walk_yaml_files(DEMO_SOP)]
    serial = fmt.format_files(files, jobs=1)
    monkeypatch.setattr(fmt, "PARALLEL_THRESHOLD", 1)
    parallel = fmt.format_files(files, jobs=2)
    assert [(f.path, f.text, f.problems) for f in parallel] == [(f.path, f.text, f.problems) for f in serial]


def test_a_command_run_in_process_leaves_the_collector_on_and_keeps_nothing(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["lint", str(DEMO_SOP), "--no-cache", "--today", "2026-11-25"],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1)
    assert gc.isenabled()
    assert cli_package._KEPT == []
