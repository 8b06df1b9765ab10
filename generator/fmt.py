"""``sopbook fmt``: put procedure files in one canonical shape without touching what people wrote.

The shape: keys in the schema's order (``id, title, summary, ... history``, then ``x-`` and unknown
keys as they were), also inside ``review``, ``steps``, ``approvals``, ``kpis``, ``faq`` and ``history``;
two-space indentation with list dashes indented under their key (as the demo knowledge base is
written); versions in double quotes (``version: "1.2"``, never the number 1.2).

Keys are moved as blocks of text — a key, its value and the comment lines directly above it — so
comments and Japanese text survive byte for byte; ruamel.yaml's round-trip parser supplies the line
of every key. Only a file whose indentation is not canonical is re-emitted by ruamel.yaml. Every
result is parsed again and compared with the original data: a file is never rewritten into one
that means something else, and a file that does not parse is reported (path:line), not touched.
"""
from __future__ import annotations

import bisect
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .files import Refused, read_bytes
from .i18n import _
from .load import MAX_FILE_BYTES, MAX_REGISTRY_BYTES, Source, decode, load_text
from .problems import Problem, Severity
from .schema import schema
from .speed import in_parallel
from .validate import ALL_REGISTRIES

_NESTED_LISTS = {"steps": "step", "approvals": "approval", "kpis": "kpi", "faq": "faq", "history": "history"}
"""Procedure keys holding a list of mappings → the schema definition of one item."""


_ScanLoader: type = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)


def round_trip_yaml() -> YAML:
    """ruamel.yaml set up for sopbook's canonical style (fmt, and import writing registries)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long Japanese line
    return yaml


def key_order() -> dict[str, list[str]]:
    """The canonical key order: "" for the procedure itself, else the nested key ("review", "steps", ...)."""
    procedure = schema("procedure")
    order = {"": list(procedure["properties"]), "review": list(procedure["properties"]["review"]["properties"])}
    for key, definition in _NESTED_LISTS.items():
        order[key] = list(procedure["definitions"][definition]["properties"])
    return order


@dataclass
class Formatted:
    """One file before and after formatting; ``text`` is None when it could not be formatted."""

    path: str
    original: str
    text: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.original

    def diff(self) -> str:
        if not self.changed:
            return ""
        assert self.text is not None
        return "".join(difflib.unified_diff(self.original.splitlines(keepends=True),
                                            self.text.splitlines(keepends=True),
                                            fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))


class _Unsafe(Exception):
    """A step of formatting would change the data; the file is left as it is."""


def format_file(path: Path, shown: str | None = None, root: Path | None = None) -> Formatted:
    """Format one file (in memory; the caller writes ``text`` back when it changed).

    The file is read as ``validate`` reads it (``files.read_bytes``: a regular file inside ``root``, at
    most the size validate accepts), so fmt has validate's limits.
    """
    shown = shown if shown is not None else str(path)
    kind = path.stem if path.stem in ALL_REGISTRIES else "procedure"
    limit, what = (MAX_FILE_BYTES, "procedure") if kind == "procedure" else (MAX_REGISTRY_BYTES, "registry")
    try:
        raw = read_bytes(path, root=root, limit=limit, what=what)
    except Refused as refused:
        return Formatted(shown, "", None, [Problem(shown, 1, 1, refused.code, Severity.ERROR,
                                                   _("fmt.refused", reason=refused.reason))])
    source = Source(shown)
    original = decode(raw, source)
    if original is None:
        return Formatted(shown, "", None, [replace(problem, message=_("fmt.refused", reason=problem.message))
                                           for problem in source.problems])
    return format_text(original, shown, kind)


PARALLEL_THRESHOLD = 200
"""Below this many files, starting worker processes costs more than the ~15 ms a file it saves."""


def format_files(files: list[tuple[Path, str, Path | None]], jobs: int | None = None) -> list[Formatted]:
    """``format_file`` for each (path, shown path, root), in worker processes when there are many."""
    return in_parallel(_format_chunk, None, files, threshold=PARALLEL_THRESHOLD, jobs=jobs, min_chunk=10)


def _format_chunk(_shared: None, files: Sequence[tuple[Path, str, Path | None]]) -> list[Formatted]:
    return [format_file(path, shown, root) for path, shown, root in files]


def format_text(original: str, path: str, kind: str = "procedure") -> Formatted:
    """Format the text of one file; ``kind`` is "procedure" or a registry name (whose order is kept).

    The result is checked against the original as sopbook itself reads it: every value the same (a
    version number may only become the same text in quotes) and every comment still there. When the
    formatting cannot keep both, the file is left as it is and the problem says why.
    """
    text = original.removeprefix("\ufeff").replace("\r\n", "\n")
    # The file as validate sees it: its limits (size, alias bombs, depth) are fmt's limits, and its
    # values are what the result must still hold.
    before = load_text(text, path)
    refused = [problem for problem in before.problems if problem.severity is Severity.ERROR]
    if refused:
        return Formatted(path, original, None, [replace(problem, message=_("fmt.refused", reason=problem.message))
                                                for problem in refused])
    formatted = _format(text, path, kind)
    if formatted.text is None or formatted.text == text:
        return replace(formatted, original=original)
    reason = _what_is_lost(text, before.data, formatted.text, path)
    # The final line break fmt adds may be what changed a '|' text that ends the file: leave it out.
    if (reason is not None and not text.endswith("\n") and formatted.text.endswith("\n")
            and _what_is_lost(text, before.data, formatted.text[:-1], path) is None):
        return replace(formatted, original=original, text=formatted.text[:-1])
    if reason is not None:
        line, message = reason
        return Formatted(path, original, None, [Problem(path, line, 1, "fmt-unsafe", Severity.ERROR,
                                                        _("fmt.not-formatted", reason=message))])
    return replace(formatted, original=original)


def _format(text: str, path: str, kind: str) -> Formatted:
    original = text
    if text and not text.endswith("\n"):
        text += "\n"
    # Formatting again must change nothing. One pass reaches that for every real procedure; the loop
    # makes it hold by construction for odd input too (a key that is null, a document of blank lines).
    for _attempt in range(3):
        try:
            data = _load(text)
        except Exception as error:  # noqa: BLE001 - ruamel.yaml raises more than YAMLError on odd input
            return Formatted(path, original, None, [_syntax_problem(path, error)])
        try:
            formatted = _format_once(text, data, path, kind)
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the file is left untouched
            reason = str(error) if isinstance(error, _Unsafe) else _("fmt.internal-error", error=repr(error))
            return Formatted(path, original, None, [Problem(path, 1, 1, "fmt-unsafe", Severity.ERROR,
                                                            _("fmt.report-this", reason=reason))])
        if isinstance(formatted, Problem):
            return Formatted(path, original, None, [formatted])
        if formatted == text:
            return Formatted(path, original, text)
        text = formatted
    return Formatted(path, original, None, [Problem(path, 1, 1, "fmt-unsafe", Severity.ERROR,
                                                    _("fmt.report-this", reason=_("fmt.not-settling")))])


def _format_once(text: str, data: Any, path: str, kind: str) -> str | Problem:
    if data is None:
        return text
    if kind == "procedure" and not (isinstance(data, CommentedMap) and all(isinstance(k, str) for k in data)):
        return Problem(path, 1, 1, "wrong-type", Severity.ERROR,
                       _("fmt.not-a-mapping"))
    expected = _values(text)
    if kind == "procedure":
        quoted = _quote_versions(text, data)
        if quoted != text:
            text, data = quoted, _load(quoted)
            expected = _values(text)
        reordered = _reorder_procedure(text, data, expected)
        if reordered != text:
            text, data = reordered, _load(reordered)
    return _canonical_indentation(text, data, expected)


def _load(text: str) -> Any:
    return round_trip_yaml().load(text)


def _dump(data: Any) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(data, stream)
    return stream.getvalue()


def _syntax_problem(path: str, error: Exception) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    reason = getattr(error, "problem", None) if isinstance(error, MarkedYAMLError) else None
    reason = reason or str(error).strip().splitlines()[0]
    return Problem(path, line, column, "yaml-syntax", Severity.ERROR, _("fmt.invalid-yaml", reason=reason))


def _plain(value: Any) -> Any:
    """The data as plain Python values, to compare before and after (key order does not count)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, float) else int(value)
    return str(value)


def _values(text: str) -> Any:
    """The data of ``text`` as sopbook reads it (PyYAML), as plain values.

    Each step's result is checked with libyaml's parser rather than ruamel.yaml's: ruamel.yaml, all
    Python, took 15 s to read a procedure of 90,000 steps where libyaml took 2.4 s; and what must not
    change is what sopbook reads.
    """
    return _plain(pyyaml.load(text, Loader=_ScanLoader))  # noqa: S506 - CSafeLoader or SafeLoader


def _same(text: str, expected: Any) -> bool:
    try:
        return bool(_values(text) == expected)
    except (pyyaml.YAMLError, RecursionError):
        return False


# --- what must survive -----------------------------------------------------------------------------

def _what_is_lost(before_text: str, before: Any, after_text: str, path: str) -> tuple[int, str] | None:
    """(line, reason) when ``after_text`` does not hold every value and comment of the original, else None."""
    after = load_text(after_text, path)
    if after.problems or not _same_values(before, after.data, ()):
        where = _first_difference(before, after.data, ())
        label = ".".join(str(part) for part in where) or _("fmt.whole-file")
        line = load_text(before_text, path).where(*where)[0] if where else 1
        old_value, new_value = _at(before, where), _at(after.data, where)
        if isinstance(old_value, str) and new_value == old_value + "\n":
            return line, _("fmt.block-at-end", label=label)
        return line, _("fmt.value-changed", label=label)
    lost = Counter(_comments(before_text)) - Counter(_comments(after_text))
    if lost:
        comment = next(iter(lost))
        line = next(number for number, text in _numbered_comments(before_text) if text == comment)
        return line, _("fmt.comment-dropped", comment=comment)
    return None


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _is_version(path: tuple[Any, ...]) -> bool:
    return path == ("version",) or (len(path) == 3 and path[0] == "history" and path[2] == "version")


def _same_values(before: Any, after: Any, path: tuple[Any, ...]) -> bool:
    """Equal and of the same types (1 == 1.0 == True in Python, not in a procedure)."""
    if type(before) is not type(after):
        # fmt writes version: 1.10 as "1.10", the text as written; the number it was is not kept.
        return _is_version(path) and isinstance(before, (int, float)) and isinstance(after, str)
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(
            _same_values(value, after[key], (*path, key)) for key, value in before.items())
    if isinstance(before, list):
        return len(before) == len(after) and all(
            _same_values(value, after[index], (*path, index)) for index, value in enumerate(before))
    return bool(before == after)


def _first_difference(before: Any, after: Any, path: tuple[Any, ...]) -> tuple[Any, ...]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key not in after:
                return (*path, key)
            if not _same_values(value, after[key], (*path, key)):
                return _first_difference(value, after[key], (*path, key))
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, value in enumerate(before):
            if not _same_values(value, after[index], (*path, index)):
                return _first_difference(value, after[index], (*path, index))
    return path


def _numbered_comments(text: str) -> list[tuple[int, str]]:
    """(line, comment text) of every comment, found as YAML finds them: a ``#`` after a space or at
    a line's start, outside every scalar (a ``#`` inside quotes or a ``|`` text is data)."""
    spans: list[tuple[int, int]] = []
    try:
        for token in pyyaml.scan(text, Loader=_ScanLoader):
            if isinstance(token, pyyaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except pyyaml.YAMLError:
        return []
    starts = [start for start, _ in spans]
    found: list[tuple[int, str]] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        column = line.find("#")
        while column >= 0:
            at = offset + column
            if column == 0 or line[column - 1] in " \t":
                index = bisect.bisect_right(starts, at) - 1
                if index < 0 or not spans[index][0] <= at < spans[index][1]:
                    found.append((number, line[column:].rstrip()))
                    break
            column = line.find("#", column + 1)
        offset += len(line) + 1
    return found


def _comments(text: str) -> list[str]:
    return [comment for _, comment in _numbered_comments(text)]


# --- versions ---------------------------------------------------------------------------------------

_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")


def _quote_versions(text: str, data: CommentedMap) -> str:
    """``version: 1.2`` → ``version: "1.2"`` (the text as written, so 1.10 stays 1.10)."""
    places: list[tuple[int, int]] = []
    if "version" in data:
        places.append(data.lc.value("version"))
    history = data.get("history")
    if isinstance(history, CommentedSeq):
        for entry in history:
            if isinstance(entry, CommentedMap) and "version" in entry:
                places.append(entry.lc.value("version"))
    lines = text.splitlines(keepends=True)
    for line_index, column in places:
        line = lines[line_index]
        rest = line[column:].rstrip("\n")
        if rest.startswith('"') or not rest.strip():
            continue
        if rest.startswith("'"):
            match = _SINGLE_QUOTED.match(rest)
            if match is None or '"' in match.group(1) or "\\" in match.group(1):
                continue
            value, after = match.group(1).replace("''", "'"), rest[match.end():]
        else:
            if rest[0] in "[{|>&*!%@`":
                continue
            cut = rest.find(" #")
            value = (rest if cut < 0 else rest[:cut]).rstrip()
            after = rest[len(value):]
            if '"' in value or "\\" in value:
                continue
        lines[line_index] = f'{line[:column]}"{value}"{after}\n'
    quoted = "".join(lines)
    if quoted == text:
        return text
    try:
        _load(quoted)
    except YAMLError:  # a multi-line plain scalar, say: leave the versions as they were
        return text
    return quoted


# --- key order --------------------------------------------------------------------------------------

def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _loose(line: str, column: int) -> bool:
    """A blank line, or a comment line no deeper than ``column``: it belongs to the key below it."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and _indent(line) <= column)


def _rank(order: list[str]) -> Callable[[Any], int]:
    positions = {key: index for index, key in enumerate(order)}
    return lambda key: positions.get(str(key), len(order))


def _reorder_mapping(lines: list[str], mapping: CommentedMap, start: int, end: int,
                     rank: Callable[[Any], int]) -> int | None:
    """Reorder the keys of ``mapping``, written in ``lines[start:end]``, as blocks of lines.

    Returns the index of the line now holding the first key (None when nothing moved). A block is
    the comment and blank lines directly above a key, the key's line and everything below it up to
    the next block; comments above the first key and below the last value stay where they are.
    """
    keys = list(mapping.keys())
    if len(keys) < 2 or mapping.fa.flow_style():
        return None
    positions = [mapping.lc.key(key) for key in keys]
    column = positions[0][1]
    key_lines = [line for line, _ in positions]
    if any(col != column for _, col in positions) or key_lines != sorted(set(key_lines)):
        return None
    order = sorted(range(len(keys)), key=lambda index: (rank(keys[index]), index))
    if order == list(range(len(keys))):
        return None
    starts = [key_lines[0]]
    for index in range(1, len(keys)):
        begin = key_lines[index]
        while begin - 1 > key_lines[index - 1] and _loose(lines[begin - 1], column):
            begin -= 1
        starts.append(begin)
    tail = end
    while tail - 1 > key_lines[-1] and _loose(lines[tail - 1], column):
        tail -= 1
    bounds = [*starts[1:], tail]
    blocks = [lines[starts[index]:bounds[index]] for index in range(len(keys))]
    first = order[0]
    first_line = start + (starts[0] - start) + (key_lines[first] - starts[first])
    lines[start:end] = (lines[start:starts[0]] + [line for index in order for line in blocks[index]]
                        + lines[tail:end])
    return first_line


def _body_ends(lines: list[str], mapping: CommentedMap, end: int) -> dict[Any, int]:
    """Key → the line after its value (before the comments that introduce the next key)."""
    keys = list(mapping.keys())
    ends: dict[Any, int] = {}
    for index, key in enumerate(keys):
        line, column = mapping.lc.key(key)
        stop = mapping.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else end
        while stop - 1 > line and _loose(lines[stop - 1], column):
            stop -= 1
        ends[key] = stop
    return ends


def _reorder_item(lines: list[str], items: CommentedSeq, index: int, end: int,
                  rank: Callable[[Any], int]) -> None:
    """Reorder the keys of one list item ``- key: ...``; the dash moves to the new first key."""
    item = items[index]
    line, column = items.lc.item(index)
    dash = lines[line].rfind("-", 0, column)
    if dash < 0 or lines[line][dash + 1:column].strip():
        return  # "-" on a line of its own: the keys start below it, nothing to move the dash to
    lines[line] = lines[line][:dash] + " " + lines[line][dash + 1:]
    first = _reorder_mapping(lines, item, line, end, rank)
    target = line if first is None else first
    lines[target] = lines[target][:dash] + "-" + lines[target][dash + 1:]


def _reorder_procedure(text: str, data: CommentedMap, expected: Any) -> str:
    order = key_order()
    lines = text.splitlines(keepends=True)
    if _reorder_mapping(lines, data, 0, len(lines), _rank(order[""])) is not None:
        text = "".join(lines)
        if not _same(text, expected):
            raise _Unsafe(_("fmt.unsafe-top"))
        data = _load(text)
    # One parse serves every nested mapping: reordering inside one region keeps its line count,
    # so the positions of all the others stay valid.
    ends = _body_ends(lines, data, len(lines))
    review = data.get("review")
    if isinstance(review, CommentedMap):
        _reorder_mapping(lines, review, review.lc.key(next(iter(review)))[0] if review else 0,
                         ends["review"], _rank(order["review"]))
    for key in _NESTED_LISTS:
        items = data.get(key)
        if not isinstance(items, CommentedSeq) or items.fa.flow_style():
            continue
        for index in range(len(items) - 1, -1, -1):
            if not isinstance(items[index], CommentedMap) or items[index].fa.flow_style():
                continue
            item_end = items.lc.item(index + 1)[0] if index + 1 < len(items) else ends[key]
            _reorder_item(lines, items, index, item_end, _rank(order[key]))
    moved = "".join(lines)
    if moved != text and not _same(moved, expected):
        raise _Unsafe(_("fmt.unsafe-nested"))
    return moved


# --- indentation ------------------------------------------------------------------------------------

def _canonical_indentation(text: str, data: Any, expected: Any) -> str:
    """Re-emit through ruamel.yaml when the indentation differs from the canonical style.

    ruamel.yaml keeps a full-line comment at its old column; such a comment is moved to the column
    of the line it introduces. Only comments as YAML's scanner finds them are moved (a "# ..." line
    inside a block of text is data, not a comment), all in one pass and checked once: moving them one
    at a time, each move checked by parsing the whole file again, took minutes for a file of many
    comments. Should the moved file read differently after all, the comments stay where ruamel.yaml
    put them.
    """
    dumped = _dump(data)
    if dumped == text:
        return text
    if not _same(dumped, expected):
        raise _Unsafe(_("fmt.unsafe-indent"))
    lines = dumped.split("\n")  # as _numbered_comments counts lines (splitlines also splits at U+2028)
    comments = {number - 1 for number, comment in _numbered_comments(dumped) if lines[number - 1].strip() == comment}
    following: int | None = None  # the indentation of the next line that is neither blank nor a comment
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if index in comments:
            if following is not None and following != _indent(line):
                lines[index] = " " * following + line.lstrip(" ")
        elif line.strip() and not line.lstrip().startswith("#"):
            following = _indent(line)
    moved = "\n".join(lines)
    return moved if moved != dumped and _same(moved, expected) else dumped
