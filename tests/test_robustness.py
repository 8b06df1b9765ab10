"""Odd input never hangs, crashes, loses a page or changes a value (issue 12).

Cases that used to hang run sopbook in a child process with a timeout, so a regression fails the test
instead of stopping the suite.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.files import Folder, Refused, read_bytes
from generator.fmt import format_text
from generator.load import load_bytes, load_text
from generator.problems import MAX_PER_FILE, Omitted, Problem, Severity, summarize
from generator.validate import validate
from tests.support import PROCEDURE


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sopbook(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """sopbook in a child process: a hang becomes a TimeoutExpired, not a stuck test run."""
    return subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *args], cwd=cwd, check=False,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "SOPBOOK_NO_CACHE": "1", "LANGUAGE": "", "LC_ALL": "", "LANG": "C.UTF-8"})


# --- the one reader ---------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@pytest.mark.parametrize("command", [["validate"], ["lint"], ["fmt", "--check"]])
def test_a_named_pipe_is_refused_not_waited_on(make_kb, tmp_path: Path, command: list[str]) -> None:
    make_kb()
    os.mkfifo(tmp_path / "sop" / "総務部" / "pipe.yaml")
    result = sopbook(*command, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "sop/総務部/pipe.yaml:1:1: error not-a-file" in result.stdout + result.stderr
    assert "名前付きパイプ" in result.stdout + result.stderr  # the knowledge base's language: Japanese
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_link_to_dev_zero_is_refused(make_kb, tmp_path: Path) -> None:
    make_kb()
    (tmp_path / "sop" / "総務部" / "z.yaml").symlink_to("/dev/zero")
    result = sopbook("validate", cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "sop/総務部/z.yaml:1:1: error outside-link" in result.stdout


def test_a_link_out_of_the_knowledge_base_is_never_read_or_quoted(make_kb, tmp_path: Path) -> None:
    """A pull request adding sop/x.yaml → ~/.config/secret must not put the secret in any output."""
    make_kb()
    secret = tmp_path / "home" / ".config" / "secret.yaml"
    secret.parent.mkdir(parents=True)
    secret.write_text("token: SECRET-VALUE-123\nid: [unclosed\n", encoding="utf-8")
    (tmp_path / "sop" / "総務部" / "x.yaml").symlink_to(secret)
    (tmp_path / "sop" / "総務部" / "x2.yml").symlink_to(secret)
    for command in (["validate"], ["validate", "-f", "json"], ["lint"], ["fmt", "--diff"], ["fmt", "--check"]):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "SECRET-VALUE" not in result.output, command
        assert "secret.yaml" not in result.output, command
        assert "outside-link" in result.output, command


def test_a_link_inside_the_knowledge_base_is_read(make_kb, tmp_path: Path) -> None:
    sop = make_kb({})
    shared = make_kb.write(".shared/GA-001.yaml", PROCEDURE)
    (sop / "総務部").mkdir()
    (sop / "総務部" / "GA-001.yaml").symlink_to(shared)
    assert [p for p in validate(sop).problems if p.severity.name == "ERROR"] == []


def test_a_folder_resolved_once_keeps_files_in_it(tmp_path: Path) -> None:
    """``Folder``: the root reached through a symlink is resolved once; links out of it are still refused."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.yaml").write_text("id: GA-001\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("token: x\n", encoding="utf-8")
    (real / "out.yaml").symlink_to(tmp_path / "secret.yaml")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    folder = Folder(tmp_path / "linked")
    assert folder == str(real.resolve())
    assert read_bytes(tmp_path / "linked" / "a.yaml", root=folder, limit=100) == b"id: GA-001\n"
    for root in (folder, tmp_path / "linked"):
        with pytest.raises(Refused) as refused:
            read_bytes(tmp_path / "linked" / "out.yaml", root=root, limit=100)
        assert refused.value.code == "outside-link"


def test_a_walked_file_is_resolved_only_when_it_is_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``walked``: a regular file found by the walk is opened without resolving its path (no folder on the
    way is a link); a link, in or out, a pipe and a missing file get the same answers as without it."""
    import generator.files as files

    sop = tmp_path / "sop"
    (sop / "総務部").mkdir(parents=True)
    (sop / "総務部" / "GA-001.yaml").write_text("id: GA-001\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("token: x\n", encoding="utf-8")
    (sop / "総務部" / "out.yaml").symlink_to(tmp_path / "secret.yaml")
    (sop / "総務部" / "in.yaml").symlink_to(sop / "総務部" / "GA-001.yaml")
    os.mkfifo(sop / "総務部" / "pipe.yaml")
    folder = Folder(sop)
    resolved: list[str] = []
    real_realpath = os.path.realpath

    def realpath(path: str) -> str:
        resolved.append(str(path))
        return real_realpath(path)

    monkeypatch.setattr(files.os.path, "realpath", realpath)

    assert read_bytes(sop / "総務部" / "GA-001.yaml", root=folder, limit=100, walked=True) == b"id: GA-001\n"
    assert resolved == []
    assert read_bytes(sop / "総務部" / "GA-001.yaml", root=folder, limit=100) == b"id: GA-001\n"
    assert len(resolved) == 1  # without the promise, every path is resolved
    assert read_bytes(sop / "総務部" / "in.yaml", root=folder, limit=100, walked=True) == b"id: GA-001\n"
    for name, code in (("out.yaml", "outside-link"), ("pipe.yaml", "not-a-file"), ("gone.yaml", "unreadable")):
        answers = []
        for walked in (True, False):
            with pytest.raises(Refused) as refused:
                read_bytes(sop / "総務部" / name, root=folder, limit=100, walked=walked)
            answers.append((refused.value.code, refused.value.reason))
        assert answers[0] == answers[1] and answers[0][0] == code, name


def test_a_linked_folder_in_the_knowledge_base_is_not_walked(make_kb, tmp_path: Path) -> None:
    """The walk does not follow a link to a folder, which is what lets validate read its files as ``walked``:
    a procedure reached only through such a link is neither read nor quoted."""
    sop = make_kb()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "GA-900.yaml").write_text("token: SECRET-VALUE-123\nid: [unclosed\n", encoding="utf-8")
    (sop / "総務部" / "linked").symlink_to(outside, target_is_directory=True)
    validation = validate(sop)
    assert all("GA-900" not in problem.path and "SECRET" not in problem.message for problem in validation.problems)
    assert all("GA-900" not in source.path for source in validation.sources.procedures)


def test_reader_refuses_folders_and_large_files(tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        read_bytes(tmp_path, root=None, limit=100)
    assert refused.value.code == "not-a-file" and "folder" in refused.value.reason
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 101)
    with pytest.raises(Refused) as refused:
        read_bytes(big, root=tmp_path, limit=100)
    assert refused.value.code == "file-too-large"
    assert read_bytes(big, root=tmp_path, limit=101) == b"x" * 101


def test_a_reader_starved_of_cpu_still_reads_a_healthy_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A build at nice 19 on a loaded runner can be descheduled for longer than the deadline between two
    reads of a healthy multi-megabyte file: the clock jumps, the bytes keep coming, nothing is refused.
    Only a read that makes no progress for the whole deadline is "too slow"."""
    import generator.files as files

    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * (3 * files._CHUNK))  # three reads, the clock jumping 11 s before each
    clock = iter(range(0, 10_000, 11))
    monkeypatch.setattr(files.time, "monotonic", lambda: float(next(clock)))
    assert read_bytes(big, root=tmp_path, limit=10 * files.MB, timeout=10) == big.read_bytes()

    stuck = iter([b"x", None, None, None])  # one byte, then "try again" for ever

    def read(handle: int, size: int) -> bytes:
        chunk = next(stuck, None)
        if chunk is None:
            raise BlockingIOError
        return chunk
    monkeypatch.setattr(files.os, "read", read)
    monkeypatch.setattr(files.time, "sleep", lambda seconds: None)
    with pytest.raises(Refused) as refused:
        read_bytes(big, root=tmp_path, limit=10 * files.MB, timeout=10)
    assert refused.value.code == "unreadable"


# --- keys that are not text, dates past the calendar ------------------------------------------------

NON_TEXT_KEYS = PROCEDURE.replace("status: active\n", "status: active\non: push\nyes: 1\n1: x\nnull: y\n")


@pytest.mark.parametrize("command", [["validate"], ["lint"], ["lint", "-f", "json"], ["fmt", "--check"],
                                     ["report", "single-owner"], ["codeowners", "-o", "-"]])
def test_keys_that_are_not_text_are_a_problem_not_a_crash(make_kb, command: list[str]) -> None:
    make_kb({"総務部/GA-001.yaml": NON_TEXT_KEYS})
    result = run(*command)
    assert result.exit_code == 1, result.output
    assert "yaml-key" in result.output or "error(s)" in result.output


def test_keys_that_are_not_text_in_a_registry(make_kb) -> None:
    sop = make_kb(people="tanaka:\n  name: 田中\nsuzuki:\n  name: 鈴木\nsato:\n  name: 佐藤\n"
                         "yes:\n  name: はい\n1001:\n  name: 番号\n")
    problems = validate(sop).problems
    assert [(p.line, p.code) for p in problems if p.path.endswith("people.yaml")] == [
        (7, "yaml-key"), (9, "yaml-key")]


def test_a_date_at_the_end_of_the_calendar(make_kb) -> None:
    make_kb({"総務部/GA-001.yaml": PROCEDURE.replace("2026-04-01", "9999-12-31")})
    assert run("validate").exit_code == 0
    for command in (["lint"], ["report", "reviews"], ["report", "reviews", "-f", "csv"],
                    ["lint", "--today", "9999-12-31"], ["report", "reviews", "--today", "9999-12-31"],
                    ["whatif", "--without", "tanaka"]):
        result = run(*command)
        assert result.exit_code in (0, 1), (command, result.output)
        assert "out of range" not in result.output


# --- many problems ----------------------------------------------------------------------------------

def test_problems_are_capped_per_file_with_a_count(make_kb) -> None:
    unknown = "".join(f"k{number}: 1\n" for number in range(1000))
    sop = make_kb({"総務部/GA-001.yaml": PROCEDURE + unknown})
    problems = [p for p in validate(sop).problems if p.path.endswith("GA-001.yaml")]
    assert len(problems) == MAX_PER_FILE + 1
    last = problems[-1]
    assert isinstance(last, Omitted) and last.code == "too-many-problems"
    assert last.count == 1000 - MAX_PER_FILE and "… and 900 more" in last.message
    assert summarize(problems)["errors"] == 1000
    result = run("validate")
    assert result.output.count("\n") < MAX_PER_FILE + 5
    assert "1000 error(s)" in result.output


def test_many_problems_from_the_loader_are_capped_too(make_kb) -> None:
    duplicates = "".join("title: again\n" for _ in range(500))
    sop = make_kb({"総務部/GA-001.yaml": PROCEDURE + duplicates})
    problems = [p for p in validate(sop).problems if p.path.endswith("GA-001.yaml")]
    assert len(problems) == MAX_PER_FILE + 1 and problems[-1].code == "too-many-problems"


# --- encodings --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-16", "UTF-16;"), ("utf-16-le", "UTF-16 without a byte order mark"),
    ("utf-16-be", "UTF-16 without a byte order mark"), ("utf-32", "UTF-32;"),
    ("utf-32-le", "UTF-32 without a byte order mark"), ("utf-32-be", "UTF-32 without a byte order mark")])
def test_wide_encodings_are_named(encoding: str, expected: str) -> None:
    source = load_bytes("id: GA-001\ntitle: 契約\n".encode(encoding), "u.yaml")
    [problem] = source.problems
    assert problem.code == "encoding" and f"file is {expected}" in problem.message


# --- fmt keeps every value and comment, or leaves the file alone ------------------------------------

def _unchanged(text: str, reason: str) -> None:
    formatted = format_text(text, "x.yaml")
    assert formatted.text is None, formatted.text
    assert any(reason in problem.message for problem in formatted.problems), formatted.problems


def test_fmt_a_block_at_the_end_without_a_newline_is_not_changed() -> None:
    """Moving a '|' text that ends the file without a line break gives it one: fmt says so instead."""
    _unchanged("id: GA-1\nsteps:\n  - title: x\ntitle: t\nsummary: |\n  a\n  b", "'|-'")
    # Where it stays last, it keeps having no final line break.
    text = "title: t\nid: GA-1\nsummary: |\n  a\n  b"
    formatted = format_text(text, "x.yaml")
    assert formatted.text == "id: GA-1\ntitle: t\nsummary: |\n  a\n  b"


def test_fmt_keeps_a_block_at_the_end_when_nothing_moves() -> None:
    formatted = format_text("id: GA-1\ntitle: t\nsummary: |\n  a", "x.yaml")
    assert formatted.problems == [] and formatted.text is not None
    assert load_text(formatted.text, "x").data == load_text("id: GA-1\ntitle: t\nsummary: |\n  a", "x").data


@pytest.mark.parametrize("text", [
    "title: t\nid: GA-1\ntags: [a,  # why a\n  b]\n",
    "title: t\nid: GA-1\nreview: {last_reviewed: 2026-01-01,  # when\n  interval_months: 3}\n",
    "title: t\nid: GA-1\nsummary:\n  # about\n  text\n",
])
def test_fmt_never_drops_a_comment(text: str) -> None:
    _unchanged(text, "would drop the comment")


def test_fmt_refuses_a_recursive_alias_and_a_bomb() -> None:
    _unchanged("id: &x [*x]\n", "not formatted")
    bomb = Path(__file__).parent / "examples" / "invalid" / "alias-bomb.yaml"
    _unchanged(bomb.read_text(encoding="utf-8"), "alias bomb")


def test_fmt_has_the_size_limit_of_validate(make_kb) -> None:
    make_kb()
    big = make_kb.write("総務部/big.yaml", "x: " + "a" * (2 * 1024 * 1024) + "\n")
    result = run("fmt", "--check")
    assert result.exit_code == 1 and "file-too-large" in result.output
    assert big.stat().st_size > 2 * 1024 * 1024


def test_fmt_keeps_a_version_as_the_text_it_was() -> None:
    formatted = format_text("title: t\nid: GA-1\nversion: 1.10\n", "x.yaml")
    assert formatted.text == 'id: GA-1\ntitle: t\nversion: "1.10"\n'


# --- templates, mkdocs.yml, docs/ -------------------------------------------------------------------

def test_a_syntax_error_in_an_overriding_template_names_its_file_and_line(demo_copy: Path, tmp_path: Path) -> None:
    (demo_copy / "templates").mkdir(exist_ok=True)
    (demo_copy / "templates" / "procedure.md.j2").write_text("# {{ view.title }}\n\n{% if view.steps %}\n",
                                                           encoding="utf-8")
    result = run("generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "templates/procedure.md.j2:3: error template-syntax:" in result.output, result.output


def test_an_unknown_variable_in_an_overriding_template_names_its_file_and_line(demo_copy: Path,
                                                                               tmp_path: Path) -> None:
    (demo_copy / "templates").mkdir(exist_ok=True)
    (demo_copy / "templates" / "person.md.j2").write_text("# {{ person.name }}\n\n{{ no_such_thing }}\n",
                                                        encoding="utf-8")
    result = run("generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "templates/person.md.j2:3: error template:" in result.output, result.output


def test_a_template_linked_out_of_templates_is_not_read(demo_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.j2"
    secret.write_text("SECRET-TEMPLATE {{ 7 * 7 }}\n", encoding="utf-8")
    (demo_copy / "templates").mkdir(exist_ok=True)
    (demo_copy / "templates" / "tags.md.j2").unlink(missing_ok=True)
    (demo_copy / "templates" / "tags.md.j2").symlink_to(secret)
    result = run("generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "outside-link" in result.output
    assert not list((tmp_path / "out").rglob("*.md")) or "SECRET-TEMPLATE" not in "".join(
        path.read_text(encoding="utf-8") for path in (tmp_path / "out").rglob("*.md"))


@pytest.mark.parametrize("out", [".", "./"])
def test_generate_does_not_overwrite_the_projects_own_mkdocs_yml(demo_copy: Path, out: str) -> None:
    before = (demo_copy / "mkdocs.yml").read_bytes()
    result = run("generate", "--out", out)
    assert result.exit_code == 2
    assert "mkdocs.yml" in result.output and "上書き" in result.output
    assert (demo_copy / "mkdocs.yml").read_bytes() == before


def test_generate_does_not_copy_a_docs_file_linked_out_of_docs(demo_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE KEY\n", encoding="utf-8")
    (demo_copy / "docs").mkdir(exist_ok=True)
    (demo_copy / "docs" / "notes.md").symlink_to(secret)
    result = run("generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "docs/notes.md:1:1: warning outside-link" in result.output
    assert not (tmp_path / "out" / "docs" / "notes.md").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_mkdocs_yml_as_a_named_pipe_is_refused(make_kb, tmp_path: Path) -> None:
    make_kb()
    os.mkfifo(tmp_path / "mkdocs.yml")
    result = sopbook("lint", cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "名前付きパイプ" in result.stderr


# --- pages that would land on one place -------------------------------------------------------------

def _procedure(procedure_id: str, department: str = "総務部", category: str | None = None) -> str:
    text = PROCEDURE.replace("id: GA-001", f"id: {procedure_id}").replace("department: 総務部",
                                                                          f'department: "{department}"')
    return text.replace("category: 契約\n", f'category: "{category}"\n' if category else "")


def _collisions(make_kb, procedures: dict[str, str], **registries: str) -> list[str]:
    sop = make_kb(procedures, **registries)
    return [str(problem) for problem in validate(sop).problems if problem.code == "page-collision"]


def test_ids_that_differ_only_in_case_collide(make_kb) -> None:
    found = _collisions(make_kb, {"a/GA-001.yaml": _procedure("GA-001"), "a/ga-001.yaml": _procedure("ga-001")})
    assert len(found) == 1
    assert "sop/a/ga-001.yaml:1:5: error page-collision: procedure 'ga-001' and procedure 'GA-001' " \
           "(sop/a/GA-001.yaml:1:5)" in found[0]


def test_departments_that_become_one_folder_collide(make_kb) -> None:
    found = _collisions(make_kb, {"a/x.yaml": _procedure("GA-001", "営業/東京"),
                                  "a/y.yaml": _procedure("GA-002", "営業-東京")})
    assert len(found) == 1 and "department '営業-東京' and department '営業/東京'" in found[0]


def test_a_category_named_like_a_procedure_of_its_department_collides(make_kb) -> None:
    found = _collisions(make_kb, {"a/x.yaml": _procedure("GA-001", "総務部"),
                                  "a/y.yaml": _procedure("GA-002", "総務部", "GA-001")})
    assert len(found) == 1 and "category 'GA-001'" in found[0] and "procedure 'GA-001'" in found[0]


def test_index_ids(make_kb) -> None:
    found = _collisions(make_kb, {"a/x.yaml": _procedure("index"), "a/y.yaml": _procedure("index-procedure")},
                        people="index:\n  name: 目次\ntanaka:\n  name: 田中\nsuzuki:\n  name: 鈴木\n",
                        tools="index:\n  name: 目次\n")
    assert len(found) == 3, found
    assert any("person id 'index' would be the page people/index.md, which is the people listing" in f
               for f in found)
    assert any("tool id 'index'" in f for f in found)
    assert any("procedure 'index-procedure' and procedure 'index'" in f or
               "procedure 'index' and procedure 'index-procedure'" in f for f in found)


def test_a_department_too_long_for_a_file_name(make_kb) -> None:
    found = _collisions(make_kb, {"a/x.yaml": _procedure("GA-001", "総" * 86)})
    assert len(found) == 1 and "a name may be at most 250 bytes" in found[0]
    assert found[0].startswith("sop/a/x.yaml:4:")


def test_new_refuses_a_department_too_long_for_a_folder(make_kb) -> None:
    make_kb()
    result = run("new", "GA-050", "--title", "長い部署", "--department", "総" * 86, "--owner", "tanaka")
    assert result.exit_code == 2 and "--department is 258 bytes long" in result.output


# --- interrupted builds -----------------------------------------------------------------------------

def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_builds_staging_folder_is_removed_by_the_next_build(tmp_path: Path) -> None:
    from generator.site import StagedSite

    stale = tmp_path / f".site.building-{_dead_pid()}"
    (stale / "sub").mkdir(parents=True)
    running = tmp_path / f".site.building-{os.getppid()}"  # a live process: left alone
    running.mkdir()
    StagedSite(tmp_path / "site").abandon()
    assert not stale.exists() and running.exists()


def test_a_kill_between_the_two_renames_leaves_the_old_site_for_the_next_build(tmp_path: Path) -> None:
    from generator.site import StagedSite

    old = tmp_path / f".site.old-{_dead_pid()}"
    old.mkdir()
    (old / "index.html").write_text("old site", encoding="utf-8")
    StagedSite(tmp_path / "site").abandon()
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "old site"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path (two builds of the same sources are byte-identical)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()} if folder.is_dir() else {}


def _put_tree(folder: Path, tree: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for relative, content in tree.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)


def _start_build(root: Path) -> subprocess.Popen[bytes]:
    # A session of its own: the kill reaches the build and any worker it started.
    return subprocess.Popen([sys.executable, "-c", "from generator.cli import main; main()", "build"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "SOPBOOK_NO_CACHE": "1"})


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "killpg"), reason="needs POSIX signals")
def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(demo_copy: Path) -> None:
    """A real ``sopbook build`` of the demo (about 180 files) killed with SIGKILL while it writes, just
    before the swap and just after it: ``site/`` is every time the whole old site or the whole new one,
    and the next build removes what the killed ones left."""
    site_dir = demo_copy / "site"
    assert _start_build(demo_copy).wait(timeout=600) == 0
    old = _tree(site_dir)
    procedure = demo_copy / "sop" / "総務部" / "GA-001-電子契約.yaml"
    revised = procedure.read_text(encoding="utf-8").replace("title: 電子契約の締結", "title: 電子契約の締結（改訂）", 1)
    procedure.write_text(revised, encoding="utf-8")
    started = time.monotonic()
    assert _start_build(demo_copy).wait(timeout=600) == 0
    duration = time.monotonic() - started
    new = _tree(site_dir)
    assert old != new and len(new) > 100

    def staging(build: subprocess.Popen[bytes]) -> Path:
        return demo_copy / f".site.building-{build.pid}"

    def staged_files(build: subprocess.Popen[bytes]) -> int:
        return sum(len(files) for _, _, files in os.walk(staging(build)))

    moments: dict[str, Callable[[subprocess.Popen[bytes]], bool]] = {
        "a third of the way": lambda build: time.monotonic() - begun > duration / 3,
        "while writing pages": lambda build: staged_files(build) > len(new) // 3,
        "with every page written": lambda build: staged_files(build) >= len(new) - 2,
        "right after the swap": lambda build: os.stat(site_dir).st_ino != old_inode,
    }
    left_behind = 0
    for moment, due in moments.items():
        _put_tree(site_dir, old)
        old_inode = os.stat(site_dir).st_ino
        build = _start_build(demo_copy)
        begun = time.monotonic()
        while build.poll() is None and not due(build):
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        after = _tree(site_dir)
        unlike = [sorted(path for path in {*after, *site} if after.get(path) != site.get(path))[:3]
                  for site in (old, new)]
        assert after in (old, new), f"killed {moment}: site/ is neither the old site nor the new one {unlike}"
        left_behind += staging(build).exists()
    assert left_behind, "no kill struck while a build was writing: the test proved nothing"
    assert _start_build(demo_copy).wait(timeout=600) == 0
    assert _tree(site_dir) == new
    assert sorted(path.name for path in demo_copy.iterdir() if path.name.startswith(".site")) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_swap_is_one_step_where_the_system_can(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With an exchange available, commit never renames the site away (a kill could strike in between)."""
    import generator.site as site_module

    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("old", encoding="utf-8")
    staged = site_module.StagedSite(site_dir)
    staged.path.mkdir()
    (staged.path / "index.html").write_text("new", encoding="utf-8")

    def no_rename(*args: object) -> None:
        raise AssertionError("the site was renamed away instead of exchanged")

    monkeypatch.setattr(site_module.os, "replace", no_rename)
    staged.commit()
    assert (site_dir / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


# --- serve while the knowledge base has errors ------------------------------------------------------

@pytest.mark.parametrize("flags", [["--no-dirty"], ["--dirty"]], ids=["serve", "serve-dirty"])
def test_serve_shows_the_problems_and_recovers(make_kb, tmp_path: Path, flags: list[str]) -> None:
    """An edit that breaks the knowledge base shows its problems (file:line, as validate prints them) at
    the page in the browser; the next save brings the site back. With --dirty a deleted procedure's
    page goes away."""
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.test_site import site_kb

    root = site_kb(make_kb)
    make_kb.write("総務部/GA-002.yaml", _procedure("GA-002").replace("電子契約の締結", "名刺の発注"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "sopbook"), "serve", "-a", f"127.0.0.1:{port}",
                               *flags], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/procedures/{urllib.parse.quote('総務部/契約')}"

    def fetch(url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local test server
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, ""
        except OSError:
            return 0, ""

    def wait_for(url: str, check) -> bool:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if check(*fetch(url)):
                return True
            time.sleep(0.5)
        return False

    try:
        assert wait_for(f"{base}/GA-001/", lambda status, text: "電子契約の締結" in text), "not served"
        make_kb.write("総務部/GA-001.yaml", PROCEDURE.replace("owner: tanaka", "owner: tanaka2"))
        assert wait_for(f"{base}/GA-001/", lambda status, text: status == 200 and "unknown-person" in text
                        and "sop/総務部/GA-001.yaml:8:8" in text), "the problems were not shown"
        assert wait_for(f"http://127.0.0.1:{port}/", lambda status, text: "unknown-person" in text)
        make_kb.write("総務部/GA-001.yaml", PROCEDURE.replace("title: 電子契約の締結", "title: 直した手順"))
        assert wait_for(f"{base}/GA-001/", lambda status, text: "直した手順" in text), "did not recover"
        if "--dirty" in flags:
            (root / "sop" / "総務部" / "GA-002.yaml").unlink()
            assert wait_for(f"{base}/GA-002/", lambda status, text: status == 404), "a deleted page is still served"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_problems_page_follows_the_one_options_value(tmp_path: Path) -> None:
    """serve's problems page takes the language and the templates folder (relative to mkdocs.yml) from
    the validated options, as every other page does."""
    from generator.errors import InvalidKnowledgeBase
    from generator.options import parse_options
    from generator.site import problems_page

    error = InvalidKnowledgeBase([Problem("sop/a.yaml", 3, 5, "unknown-person", Severity.ERROR, "owner 'x'")])
    english, japanese = (problems_page(error, parse_options({"language": code}, tmp_path)) for code in ("en", "ja"))
    assert english != japanese and "sop/a.yaml:3:5" in english and "sop/a.yaml:3:5" in japanese
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "problems.md.j2").write_text(
        "# Fix these first\n{% for line in problems %}- {{ line }}\n{% endfor %}", encoding="utf-8")
    page = problems_page(error, parse_options({"templates_dir": "overrides", "language": "en"}, tmp_path))
    assert page.startswith("# Fix these first\n- sop/a.yaml:3:5")


# --- small ones -------------------------------------------------------------------------------------

@pytest.mark.skipif(not __import__("shutil").which("git"), reason="git is not installed")
def test_the_changed_since_hint_quotes_the_ref(make_kb) -> None:
    make_kb()
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "start"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], check=True,
                       capture_output=True)
    result = run("lint", "--changed-since", "x; touch pwned")
    assert result.exit_code == 2
    assert "git fetch origin 'x; touch pwned'" in result.output
    result = run("lint", "--changed-since", "--output=/tmp/x")
    assert result.exit_code == 2 and "starts with '-'" in result.output


def test_a_tag_with_a_control_character_keeps_the_front_matter(make_kb, tmp_path: Path) -> None:
    from mkdocs.utils.meta import get_data

    from tests.test_site import site_kb

    site_kb(make_kb, procedures={
        "総務部/GA-001.yaml": PROCEDURE + 'tags: ["契約\\x7f", "電子\\u0085化", "x\\x9fy", "改\\u2028行"]\n'})
    result = run("generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    page = next((tmp_path / "out" / "docs" / "procedures").rglob("GA-001.md"))
    markdown, meta = get_data(page.read_text(encoding="utf-8"))
    assert meta.get("tags") == ["契約\x7f", "電子\x85化", "x\x9fy", "改\u2028行"]
    assert markdown.lstrip().startswith("#")


# --- import -----------------------------------------------------------------------------------------

HEADER = "業務名,部署,担当者,月間工数\n"


def _import(make_kb, tmp_path: Path, content: bytes, name: str = "tasks.csv"):
    make_kb()
    sheet = tmp_path / name
    sheet.write_bytes(content)
    return run("import", str(sheet))


@pytest.mark.parametrize("hours", ["nan", "inf", "1e309", "-inf"])
def test_import_refuses_hours_that_are_not_numbers(make_kb, tmp_path: Path, hours: str) -> None:
    result = _import(make_kb, tmp_path, f"{HEADER}防災備蓄,総務部,田中 花子,{hours}\n".encode())
    assert result.exit_code == 1 and "is not a number of hours" in result.output
    assert ".nan" not in (tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8")


def test_import_merges_repeated_rows(make_kb, tmp_path: Path) -> None:
    result = _import(make_kb, tmp_path, f"{HEADER}防災備蓄,総務部,田中 花子,3\n防災備蓄,総務部,鈴木 一郎,3\n".encode())
    assert result.exit_code == 0, result.output
    inventory = load_text((tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8"), "i").data
    tasks = [entry for entry in inventory.values() if entry["title"] == "防災備蓄"]
    assert len(tasks) == 1 and tasks[0]["performers"] == ["tanaka", "suzuki"]
    assert "1 repeated row(s) merged" in result.output


def test_import_reports_repeated_rows_that_disagree(make_kb, tmp_path: Path) -> None:
    result = _import(make_kb, tmp_path, f"{HEADER}防災備蓄,総務部,田中 花子,3\n防災備蓄,総務部,鈴木 一郎,5\n".encode())
    assert result.exit_code == 1 and "is also at row 2" in result.output


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_import_reads_excel_unicode_text(make_kb, tmp_path: Path, encoding: str) -> None:
    text = "業務名\t部署\t担当者\t月間工数\r\n防災備蓄\t総務部\t田中 花子\t3\r\n"
    result = _import(make_kb, tmp_path, text.encode(encoding), name="tasks.txt")
    assert result.exit_code == 0, result.output
    assert "防災備蓄" in (tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8")


def test_import_reads_a_cell_longer_than_csvs_default_limit(make_kb, tmp_path: Path) -> None:
    result = _import(make_kb, tmp_path, f'{HEADER}"{"長" * 140_000}",総務部,田中 花子,3\n'.encode())
    assert result.exit_code == 0, result.output


def test_import_of_many_rows_appends_and_validates(make_kb, tmp_path: Path) -> None:
    rows = "".join(f"業務{number},総務部,田中 花子,{number % 9}\n" for number in range(3000))
    result = _import(make_kb, tmp_path, f"{HEADER}{rows}".encode())
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8")
    assert text.startswith("GA-001:")  # the existing entries, as they were
    assert "performers: [tanaka]" in text
    assert run("validate").exit_code == 0


ODD_TITLES = ["yes", "NO", "on", "123", "1:20", "0x1F", "1e3", ".5", "2026-01-01", "null", "~", "a: b", "#c", "x #y",
              "- x", "? q", "'q'", '"dq"', "[a]", "{b}", "&anchor", "*alias", "!tag", "%p", "@at", "`bt", "|", ">",
              "x\x7fy", "改\x85行", "a\u2028b", "タブ\tあり", "末尾:"]


def test_import_appends_odd_texts_that_read_back_as_the_same_text(make_kb, tmp_path: Path) -> None:
    import csv
    import io

    from tests.support import INVENTORY

    cells = io.StringIO()
    writer = csv.writer(cells)
    writer.writerow(["業務名", "部署", "担当者", "月間工数", "頻度"])
    for number, title in enumerate(ODD_TITLES):
        hours = ["0.5", "1e-05", "2", "120000000000000000000"][number % 4]
        writer.writerow([title, "総務部", "田中 花子", hours, title])
    result = _import(make_kb, tmp_path, cells.getvalue().encode())
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8")
    assert text.startswith(INVENTORY)  # appended: the existing file byte for byte
    inventory = load_text(text, "i").data
    added = [entry for task_id, entry in inventory.items() if task_id.startswith("TASK-")]
    assert [entry["title"] for entry in added] == ODD_TITLES
    assert [entry["x-frequency"] for entry in added] == ODD_TITLES
    assert [entry["hours_per_month"] for entry in added][:4] == [0.5, 1e-05, 2, 120000000000000000000]
    assert run("validate").exit_code == 0


@pytest.mark.parametrize("inventory", [
    # a block that keeps its final blank lines: the note's blank line above the new entries would join it
    "GA-001:\n  title: 最後の業務\n  department: 総務部\n  x-note: |+\n    末尾の空行も値のうち\n\n",
    "{GA-001: {title: 最後の業務, department: 総務部}}\n",  # a flow mapping cannot be continued below
    "GA-001:\n  title: 最後の業務\n  department: 総務部\n...\n",  # the document ends before the new lines
], ids=["keep-chomping", "flow-mapping", "document-end"])
def test_import_that_cannot_append_rewrites_keeping_every_value(make_kb, tmp_path: Path, inventory: str) -> None:
    make_kb(inventory=inventory)
    before = load_text(inventory, "i").data
    sheet = tmp_path / "tasks.csv"
    sheet.write_text(f"{HEADER}防災備蓄,総務部,田中 花子,3\n", encoding="utf-8")
    result = run("import", str(sheet))
    assert result.exit_code == 0, result.output
    after = load_text((tmp_path / "sop" / "inventory.yaml").read_text(encoding="utf-8"), "i").data
    assert after["GA-001"] == before["GA-001"]
    assert after["TASK-001"] == {"title": "防災備蓄", "department": "総務部", "performers": ["tanaka"],
                                 "hours_per_month": 3}


def test_an_inventory_over_the_registry_limit_is_named_as_a_registry_not_a_procedure(make_kb, tmp_path: Path) -> None:
    from generator.load import MAX_REGISTRY_BYTES

    make_kb()
    with open(tmp_path / "sop" / "inventory.yaml", "ab") as inventory:
        inventory.write(b"# " + b"x" * (MAX_REGISTRY_BYTES + 1) + b"\n")
    result = run("validate")
    assert result.exit_code == 1
    assert "sop/inventory.yaml:1:1: error file-too-large: registry file is 64.0 MB; at most 64.0 MB is read" \
        in result.output
    assert "procedure" not in result.output
