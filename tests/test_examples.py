"""The valid/ and invalid/ example procedures, parametrised from the folder listing (as check-jsonschema does).

Each invalid example states what it must produce in its first lines:
``# expect: LINE:COLUMN code message-fragment`` (or without the position when the place is not the point).
Every expected problem must be reported, and nothing else may be an error.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.validate import validate

EXAMPLES = Path(__file__).parent / "examples"
_EXPECT = re.compile(r"^# expect: (?:(\d+):(\d+) )?(\S+)\s*(.*)$")


def _expectations(text: str) -> list[tuple[int | None, int | None, str, str]]:
    found = []
    for line in text.splitlines():
        match = _EXPECT.match(line)
        if match:
            line_no, column, code, fragment = match.groups()
            found.append((int(line_no) if line_no else None, int(column) if column else None, code, fragment))
    return found


@pytest.mark.parametrize("example", sorted((EXAMPLES / "valid").glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_example_has_no_problems(example: Path, make_kb) -> None:
    sop = make_kb()  # registries and GA-001, which examples may refer to
    make_kb.write(f"総務部/{example.name}", example.read_bytes())
    problems = validate(sop).problems
    assert problems == []


@pytest.mark.parametrize("example", sorted((EXAMPLES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_invalid_example_reports_exactly_what_it_expects(example: Path, make_kb) -> None:
    text = example.read_bytes()
    expected = _expectations(text.decode("utf-8"))
    assert expected, f"{example.name} must declare '# expect:' lines"
    sop = make_kb()
    make_kb.write(f"総務部/{example.name}", text)
    shown = f"sop/総務部/{example.name}"
    problems = [p for p in validate(sop).problems if p.path == shown]
    for line, column, code, fragment in expected:
        matching = [p for p in problems if p.code == code and fragment in p.message
                    and (line is None or (p.line, p.column) == (line, column))]
        assert matching, f"expected {line}:{column} {code} '{fragment}' in:\n" + "\n".join(map(str, problems))
    assert len(problems) == len(expected), "unexpected extra problems:\n" + "\n".join(map(str, problems))
