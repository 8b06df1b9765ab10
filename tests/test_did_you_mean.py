"""Suggestions for a mistyped id: by prefix, by the person's name, by edit distance — in validate and in new."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.problems import closest, did_you_mean

IDS = ["emma.jones", "chris.lee", "chris.wong", "pat.kim", "tanaka"]
NAMES = {"emma.jones": "Emma Jones", "chris.lee": "Chris Lee", "chris.wong": "Chris Wong", "pat.kim": "Pat Kim",
         "tanaka": "田中 花子"}


@pytest.mark.parametrize(("word", "meant"), [
    ("emma", "emma.jones"),  # the one id it begins
    ("Emma.Jones", "emma.jones"),  # case
    ("emma_jones", "emma.jones"),  # punctuation
    ("Chris Lee", "chris.lee"),  # the person's name for the id
    ("chris.le", "chris.lee"),  # two ids begin so: the nearer
    ("tanak", "tanaka"),
    ("tanaaka", "tanaka"),  # edit distance
    ("田中 花子", "tanaka"),  # a Japanese name
    ("Pat", "pat.kim"),
])
def test_closest_finds_what_was_meant(word: str, meant: str) -> None:
    assert closest(word, IDS, names=NAMES) == meant


@pytest.mark.parametrize("word", ["x", "suzuki", "facilities-manager", ""])
def test_closest_says_nothing_when_nothing_is_close(word: str) -> None:
    assert closest(word, IDS, names=NAMES) is None
    assert did_you_mean(word, IDS, names=NAMES) == ""


PEOPLE = """\
emma.jones:
  name: Emma Jones
chris.lee:
  name: Chris Lee
"""


def test_validate_and_new_suggest_the_id(make_kb) -> None:
    procedure = ("id: FAC-001\ntitle: t\ndepartment: Facilities\nowner: {owner}\nbackups: [emma]\n"
                 "steps: [{{title: a, details: b}}]\n")
    make_kb({"Facilities/FAC-001.yaml": procedure.format(owner="Chris Lee")}, people=PEOPLE, roles="{}",
            tools="{}", inventory="{}")
    result = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)
    lines = [line for line in result.stdout.splitlines() if "FAC-001.yaml" in line]
    assert lines == [
        "sop/Facilities/FAC-001.yaml:4:8: error unknown-person: owner 'Chris Lee' is a person's name; write "
        "their id from sop/people.yaml: 'chris.lee'",
        "sop/Facilities/FAC-001.yaml:5:11: error unknown-person: backup 'emma' is not in sop/people.yaml "
        "(did you mean 'emma.jones'?)",
    ]
    result = CliRunner().invoke(cli, ["new", "FAC-002", "--title", "t", "--department", "Facilities",
                                      "--owner", "chris.lee", "--backup", "emma"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--backup 'emma' is not a person in sop/people.yaml (did you mean 'emma.jones'?)" in result.output
    assert not Path("sop/Facilities/FAC-002-t.yaml").exists()
