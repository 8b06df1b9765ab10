"""The loader and validator on hostile input: every failure is a problem naming the file, never a crash."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import MAX_FILE_BYTES, load_bytes, load_text
from generator.problems import Severity
from generator.validate import validate


def codes(problems) -> list[str]:
    return [problem.code for problem in problems]


def test_positions_point_at_keys_and_values() -> None:
    source = load_text("id: GA-001\nsteps:\n  - title: 確認\n    actor: legal\n", "x.yaml")
    assert source.where("steps", 0, "actor") == (4, 12)
    assert source.where("steps", 0, "actor", key=True) == (4, 5)
    assert source.where("steps", 0, "missing") == (3, 5)  # falls back to the nearest parent


def test_japanese_columns_count_characters_not_bytes() -> None:
    source = load_text("title: 電子契約\nowner: {名前: tanaka}\n", "x.yaml")
    assert source.where("owner", "名前") == (2, 13)


def test_binary_file(make_kb) -> None:
    sop = make_kb()
    make_kb.write("総務部/scan.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    problems = [p for p in validate(sop).problems if p.path.endswith("scan.yaml")]
    assert codes(problems) == ["binary-file"]
    assert "UTF-8 text file" in problems[0].message


def test_shift_jis_file_names_the_encoding(make_kb) -> None:
    sop = make_kb()
    make_kb.write("総務部/sjis.yaml", "id: GA-002\ntitle: 経費精算\n".encode("cp932"))
    [problem] = [p for p in validate(sop).problems if p.path.endswith("sjis.yaml")]
    assert (problem.code, problem.line) == ("encoding", 2)
    assert "Shift_JIS" in problem.message


def test_utf16_file() -> None:
    source = load_bytes("id: x\n".encode("utf-16"), "u.yaml")
    assert codes(source.problems) == ["encoding"]


def test_utf8_bom_is_accepted() -> None:
    source = load_bytes("\ufeffid: GA-001\n".encode("utf-8"), "bom.yaml")
    assert source.problems == [] and source.data == {"id": "GA-001"}


def test_five_megabyte_file_is_refused_and_others_still_reported(make_kb) -> None:
    sop = make_kb()
    big = make_kb.write("総務部/export.yaml", "x: " + "あ" * (5 * 1024 * 1024 // 3) + "\n")
    assert big.stat().st_size > MAX_FILE_BYTES
    make_kb.write("総務部/typo.yaml", "id: GA-003\ntitle: t\ndepartment: d\nowner: tanaka\nstpes: []\n")
    problems = validate(sop).problems
    assert [(p.path, p.code) for p in problems if p.path.endswith("export.yaml")] == [
        ("sop/総務部/export.yaml", "file-too-large")]
    assert "5.0 MB" in next(p.message for p in problems if p.code == "file-too-large")
    assert any(p.code == "unknown-key" and p.path.endswith("typo.yaml") for p in problems)


def test_empty_procedure_file(make_kb) -> None:
    sop = make_kb()
    make_kb.write("総務部/empty.yaml", "# only a comment\n")
    problems = [p for p in validate(sop).problems if p.path.endswith("empty.yaml")]
    assert codes(problems) == ["empty-file"]


def test_empty_registry_is_an_empty_mapping(make_kb) -> None:
    sop = make_kb({}, inventory="")
    assert validate(sop).problems == [
        p for p in validate(sop).problems if p.code == "no-procedures"
    ]


def test_empty_sop_folder(make_kb) -> None:
    sop = make_kb({})
    problems = validate(sop).problems
    assert codes(problems) == ["no-procedures"]
    assert problems[0].severity is Severity.WARNING


def test_completely_empty_folder_names_every_missing_registry(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sop").mkdir()
    problems = validate(tmp_path / "sop").problems
    assert [(p.path, p.code) for p in problems if p.code == "missing-registry"] == [
        ("sop/inventory.yaml", "missing-registry"), ("sop/people.yaml", "missing-registry"),
        ("sop/roles.yaml", "missing-registry"), ("sop/tools.yaml", "missing-registry")]


def test_missing_registry_does_not_bury_its_error_under_references(make_kb) -> None:
    sop = make_kb(people=None)
    problems = validate(sop).problems
    assert codes(problems) == ["missing-registry"]
    assert problems[0].path == "sop/people.yaml"
    assert "create sop/people.yaml" in problems[0].message


def test_registry_with_wrong_shape(make_kb) -> None:
    sop = make_kb(people="- tanaka\n- suzuki\n")
    problems = [p for p in validate(sop).problems if p.path == "sop/people.yaml"]
    assert codes(problems) == ["wrong-type"]
    assert "mapping of id" in problems[0].message


def test_registry_entries_are_checked(make_kb) -> None:
    sop = make_kb(people="tanaka:\n  name: 田中\n  emial: t@example.com\nsuzuki: 鈴木\nbad/id:\n  name: x\n")
    problems = [p for p in validate(sop).problems if p.path == "sop/people.yaml"]
    assert [(p.line, p.code) for p in problems] == [(3, "unknown-key"), (4, "wrong-type"), (5, "invalid-id")]
    assert "did you mean 'email'" in problems[0].message


def test_person_and_role_share_one_id_space(make_kb) -> None:
    sop = make_kb(roles="tanaka:\n  name: 田中チーム\n  members: [suzuki]\n")
    problems = [p for p in validate(sop).problems if p.path == "sop/roles.yaml"]
    assert [(p.path, p.line, p.code) for p in problems] == [("sop/roles.yaml", 1, "id-conflict")]


def test_role_member_and_tool_owner_and_performer_must_resolve(make_kb) -> None:
    sop = make_kb(
        roles="ga-manager:\n  name: 総務課長\n  members: [sato, satou]\nlegal:\n  name: 法務\n",
        tools="kintone:\n  name: kintone\n  owner: tanka\ncloudsign:\n  name: CloudSign\n",
        inventory="GA-009:\n  title: 棚卸し\n  department: 総務部\n  performers: [nobody]\n",
    )
    problems = [p for p in validate(sop).problems if p.code == "unknown-person"]
    assert [(p.path, p.line) for p in problems] == [
        ("sop/inventory.yaml", 4), ("sop/roles.yaml", 3), ("sop/tools.yaml", 3)]
    assert "did you mean 'tanaka'" in problems[2].message


def test_problems_are_sorted_by_file_and_line(make_kb) -> None:
    sop = make_kb()
    make_kb.write("a/z.yaml", "id: Z\ntitle: z\ndepartment: d\nowner: nobody\nsteps: [{title: a, actor: ghost}]\n")
    make_kb.write("a/a.yaml", "id: A\ntitle: a\ndepartment: d\nowner: ghost\n")
    problems = validate(sop).problems
    assert problems == sorted(problems)
    assert [p.path for p in problems] == ["sop/a/a.yaml"] * 2 + ["sop/a/z.yaml"] * 2


def test_hidden_folders_and_other_files_are_ignored(make_kb) -> None:
    sop = make_kb()
    make_kb.write(".git/x.yaml", "not: [valid")
    make_kb.write("wordlist.txt", "kintone\n")
    assert validate(sop).problems == []


# --- properties: any input gives problems or data, never an exception ----------------------------

yaml_ish = st.text(alphabet=string.printable + "あ経費：「」\t\u3000&*!|>-[]{}#", max_size=400)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_ish)
def test_loader_never_raises_on_text(text: str) -> None:
    source = load_text(text, "fuzz.yaml")
    for problem in source.problems:
        assert problem.line >= 1 and problem.column >= 1
    if source.data is not None:
        source.where("steps", 0, "actor")  # unpacking positions must agree with the data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_loader_never_raises_on_bytes(raw: bytes) -> None:
    source = load_bytes(raw, "fuzz.yaml")
    assert all(problem.path == "fuzz.yaml" for problem in source.problems)


@settings(max_examples=150, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
))
def test_validator_never_raises_on_any_structure(tmp_path_factory, value) -> None:
    import yaml as pyyaml

    from generator import schema

    source = load_text(pyyaml.safe_dump(value, allow_unicode=True), "fuzz.yaml")
    if source.data is not None:
        for kind in schema.KINDS:
            for problem in schema.check(kind, source):
                assert problem.line >= 1
