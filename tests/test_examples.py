"""The valid/ and invalid/ example procedures, parametrised from the folder listing (as check-jsonschema does).

Each invalid example states what it must produce in its first lines:
``# expect: LINE:COLUMN code message-fragment`` (or without the position when the place is not the point).
Every expected problem must be reported, and nothing else may be an error.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.schema import KINDS, id_pattern, schema
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


@pytest.mark.parametrize("kind", KINDS)
def test_every_schema_says_what_an_id_is_as_the_procedure_schema_does(kind: str) -> None:
    """Each registry schema needs its own copy of the id pattern (editors open one schema at a time);
    the copies and the code's id_pattern() are one definition."""
    assert schema(kind)["definitions"]["id"]["pattern"] == id_pattern().pattern


@pytest.mark.parametrize(("value", "valid"), [
    ("GA-001", True), ("tanaka", True), ("a.b_c-1", True), ("GA..001", False), ("-GA", False),
    ("GA-001\n", False), ("総務", False), ("x" * 64, True), ("x" * 65, False),
])
def test_the_id_pattern_matches_whole_ids_only(value: str, valid: bool) -> None:
    assert (id_pattern().fullmatch(value) is not None) is valid
