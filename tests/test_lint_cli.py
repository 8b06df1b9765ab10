"""``sopbook lint`` as a process owner, a CI job and a code-scanning upload use it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.rules import RULES

TODAY = ("--today", "2026-11-25")
INACTIVE_OWNER = """\
id: GA-002
title: 社有車の管理
department: 総務部
owner: yamada
backups: [tanaka]
review:
  last_reviewed: 2026-04-01
steps:
  - title: 車検の予約
    tool: kintone
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_warnings_exit_0_and_strict_makes_them_fail(make_kb) -> None:
    make_kb()
    result = run("lint", *TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert ("sop/inventory.yaml:6:1: warning undocumented-task: task 'GA-099' (社有車の管理, 4 h/month) done by "
            "鈴木 一郎 (suzuki) has no procedure; write one with 'id: GA-099'") in lines
    assert ("sop/総務部/GA-001.yaml:22:15: warning single-approver: approval 1 can only be given by 佐藤 健一 (sato) "
            "('ga-manager' (総務課長) has one active member); name a deputy so approvals do not wait when they "
            "are away") in lines
    assert lines[-1] == "0 error(s), 2 warning(s) in 2 file(s)"
    assert run("lint", "--strict", *TODAY).exit_code == 1


def test_errors_exit_1_and_validation_problems_come_with_the_findings(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/GA-002.yaml", INACTIVE_OWNER)
    make_kb.write("総務部/GA-003.yaml", INACTIVE_OWNER.replace("GA-002", "GA-003").replace("[tanaka]", "[tanaka2]"))
    result = run("lint", *TODAY)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert ("sop/総務部/GA-002.yaml:4:8: error inactive-owner: owner: 'yamada' (山田 太郎) is no longer active; "
            "name a successor") in lines
    assert any(line.startswith("sop/総務部/GA-003.yaml:5:11: error unknown-person: backup 'tanaka2'") for line in lines)
    # Reported together and sorted: the broken reference, then the lint finding of the same file.
    assert any(line.startswith("sop/総務部/GA-003.yaml:4:8: error inactive-owner") for line in lines)
    assert lines[-1] == "3 error(s), 4 warning(s) in 4 file(s)"


def test_clean_knowledge_base_says_so(make_kb) -> None:
    make_kb(inventory="GA-001: {title: 電子契約の締結, department: 総務部}\n",
            roles="ga-manager: {name: 総務課長, members: [sato, suzuki]}\n"
                  "legal: {name: 法務, members: [tanaka, suzuki]}\n")
    result = run("lint", *TODAY)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "sop: no problems" in result.stderr


def test_json_has_rule_and_procedure(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/GA-002.yaml", INACTIVE_OWNER)
    result = run("lint", "--format", "json", *TODAY)
    document = json.loads(result.stdout)
    assert document["summary"]["errors"] == 1
    finding = next(p for p in document["problems"] if p["code"] == "inactive-owner")
    assert finding == {"code": "inactive-owner", "rule": "inactive-owner", "severity": "error",
                       "file": "sop/総務部/GA-002.yaml", "line": 4, "column": 8, "procedure": "GA-002",
                       "message": "owner: 'yamada' (山田 太郎) is no longer active; name a successor"}


def test_github_annotations(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/GA-002.yaml", INACTIVE_OWNER)
    result = run("lint", "--format", "github", *TODAY)
    lines = result.stdout.splitlines()
    assert lines and all(re.fullmatch(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=[a-z-]+::.+", line)
                         for line in lines), lines
    assert "::error file=sop/総務部/GA-002.yaml,line=4,col=8,title=inactive-owner::owner%3A" not in lines[0]
    assert any(line.startswith("::error file=sop/総務部/GA-002.yaml,line=4,col=8,title=inactive-owner::owner: ")
               for line in lines)


def test_sarif_is_structurally_valid_with_rule_metadata(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/GA-002.yaml", INACTIVE_OWNER)
    make_kb.write("総務部/GA-003.yaml", INACTIVE_OWNER.replace("GA-002", "GA-003").replace("[tanaka]", "[tanaka2]"))
    result = run("lint", "--format", "sarif", *TODAY)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == "2.1.0" and "sarif" in document["$schema"]
    (sarif_run,) = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "sopbook"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert set(RULES) <= set(rule_ids) and "unknown-person" in rule_ids
    for rule in driver["rules"]:
        if rule["id"] in RULES:
            assert rule["shortDescription"]["text"] and "## What it does" in rule["help"]["markdown"]
            assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert sarif_run["results"]
    for result_entry in sarif_run["results"]:
        assert rule_ids[result_entry["ruleIndex"]] == result_entry["ruleId"]
        assert result_entry["level"] in ("error", "warning", "note")
        assert result_entry["message"]["text"]
        (location,) = result_entry["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert re.fullmatch(r"[A-Za-z0-9%._/-]+", uri), uri  # Japanese paths are percent-encoded
    owner = next(r for r in sarif_run["results"] if r["ruleId"] == "inactive-owner")
    assert owner["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 8}
    assert owner["properties"] == {"procedure": "GA-002"}


def test_config_from_mkdocs_yml(make_kb) -> None:
    make_kb()
    Path("mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      lint:\n        rules:\n"
                                  "          undocumented-task: error\n          single-approver: off\n",
                                  encoding="utf-8")
    result = run("lint", *TODAY)
    assert result.exit_code == 1
    assert "error undocumented-task" in result.stdout and "single-approver" not in result.stdout


@pytest.mark.parametrize(("settings", "message"), [
    ("single-ownr: off", "unknown rule 'single-ownr' (did you mean 'single-owner'?)"),
    ("single-owner: {min_peple: 3}", "unknown option 'min_peple' for rule 'single-owner' (did you mean 'min_people'?)"),
])
def test_config_errors_exit_2(make_kb, settings: str, message: str) -> None:
    make_kb()
    Path("mkdocs.yml").write_text(f"site_name: t\nplugins:\n  - sopbook:\n      language: en\n      lint:\n"
                                  f"        rules:\n          {settings}\n", encoding="utf-8")
    result = run("lint")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_today_is_a_usage_error(make_kb) -> None:
    make_kb()
    result = run("lint", "--today", "2026-13-01")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


# --- --changed-since in a real repository ------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], check=True,
                   capture_output=True)


@needs_git
def test_changed_since_lints_changed_and_related_procedures_only(make_kb) -> None:
    make_kb({
        "総務部/GA-001.yaml": INACTIVE_OWNER.replace("GA-002", "GA-001"),
        "総務部/GA-002.yaml": INACTIVE_OWNER,
        "総務部/GA-003.yaml": INACTIVE_OWNER.replace("GA-002", "GA-003") + "related: [GA-004]\n",
        "総務部/GA-004.yaml": INACTIVE_OWNER.replace("GA-002", "GA-004"),
    })
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "start")
    base = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    Path("sop/総務部/GA-004.yaml").write_text(INACTIVE_OWNER.replace("GA-002", "GA-004") + "tags: [車]\n",
                                              encoding="utf-8")
    Path("sop/総務部/GA-005.yaml").write_text(INACTIVE_OWNER.replace("GA-002", "GA-005"), encoding="utf-8")  # untracked
    result = run("lint", "--changed-since", base, "--format", "json", *TODAY)
    procedures = {p.get("procedure") for p in json.loads(result.stdout)["problems"]}
    assert procedures == {"GA-003", "GA-004", "GA-005"}  # GA-003 links to the changed GA-004
    assert result.exit_code == 1

    # The inventory is unchanged, so the whole-KB rule stays quiet; once it changes, it speaks.
    codes = {p["code"] for p in json.loads(result.stdout)["problems"]}
    assert "undocumented-task" not in codes
    with open("sop/inventory.yaml", "a", encoding="utf-8") as inventory:
        inventory.write("GA-100:\n  title: 防災備蓄\n  department: 総務部\n")
    result = run("lint", "--changed-since", base, "--format", "json", *TODAY)
    codes = {p["code"] for p in json.loads(result.stdout)["problems"]}
    assert "undocumented-task" in codes


@needs_git
def test_changed_since_outside_git_or_with_a_bad_ref_is_a_usage_error(make_kb) -> None:
    make_kb()
    result = run("lint", "--changed-since", "main")
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "start")
    result = run("lint", "--changed-since", "no-such-branch")
    assert result.exit_code == 2 and "'no-such-branch' is not a commit, branch or tag" in result.stderr


@needs_git
def test_changed_since_a_registry_change_lints_everything(make_kb) -> None:
    make_kb({"総務部/GA-001.yaml": INACTIVE_OWNER.replace("GA-002", "GA-001"), "総務部/GA-002.yaml": INACTIVE_OWNER})
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "start")
    assert json.loads(run("lint", "--changed-since", "HEAD", "--format", "json", *TODAY).stdout)["problems"] == []
    # Someone leaves: every procedure may be affected, though no procedure file changed.
    people = Path("sop/people.yaml")
    people.write_text(people.read_text(encoding="utf-8").replace("suzuki:\n  name: 鈴木 一郎\n",
                                                                  "suzuki:\n  name: 鈴木 一郎\n  active: false\n"),
                      encoding="utf-8")
    problems = json.loads(run("lint", "--changed-since", "HEAD", "--format", "json", *TODAY).stdout)["problems"]
    assert {p.get("procedure") for p in problems} == {"GA-001", "GA-002"}


def test_today_comes_from_mkdocs_yml_unless_given(make_kb) -> None:
    make_kb()
    Path("mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      today: '2030-01-01'\n", encoding="utf-8")
    assert "review-overdue" in run("lint").stdout  # reviewed 2026-04-01, due 2027-04-01
    assert "review-overdue" not in run("lint", "--today", "2026-11-25").stdout


def test_lint_answers_from_its_cache_until_a_file_or_option_changes(make_kb, monkeypatch, user_cache_dir) -> None:
    import os
    import time

    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    past = time.time() - 60  # files older than a clock tick: their stamps can be trusted (see cache.RACY_NS)
    for path in make_kb.sop.rglob("*.yaml"):
        os.utime(path, (past, past))
    invoke = lambda *args: CliRunner().invoke(cli, ["lint", "--today", "2026-11-25", *args],  # noqa: E731
                                              catch_exceptions=False)
    first = invoke()
    assert list((user_cache_dir / "sopbook").glob("*/lint.pickle"))
    assert invoke().stdout == first.stdout
    assert invoke("--today", "2030-01-01").stdout != first.stdout  # another day: reviews are overdue
    path = make_kb.sop / "総務部" / "GA-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("backups: [suzuki]", "backups: []"),
                    encoding="utf-8")
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    changed = invoke()
    assert "single-owner" in changed.stdout and "single-owner" not in first.stdout


def test_cache_written_in_the_background_arrives(tmp_path) -> None:
    import time

    from generator.cache import Cache

    cache = Cache(tmp_path / "cache")
    cache.put("big", "k1", list(range(100_000)), background=True)
    for _ in range(100):
        if cache.get("big", "k1") is not None:
            break
        time.sleep(0.05)
    assert cache.get("big", "k1") == list(range(100_000))
    assert cache.get("big", "other key") is None
