"""``sopbook fmt``: canonical order and indentation, with comments and Japanese kept byte for byte."""
from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.fmt import format_text, key_order

MESSY = textwrap.dedent("""\
    # yaml-language-server: $schema=../schema.json
    title: 電子契約の締結   # 題名は検索されるので正式名称で
    id: GA-001
    # 責任者は課長と相談して決めた（2026-04）
    owner: tanaka
    department: 総務部
    version: 1.10
    steps:
      - details: |
          kintone の「契約締結依頼」アプリを開く。
          # これは本文であってコメントではない
        title: 締結依頼の受付  # 最初の手順
        # 法務の確認が要る場合は legal
        actor: legal
      - duration: 15m
        title: CloudSign で送信
    review:
      interval_months: 12
      last_reviewed: 2026-04-01
    x-memo: 拡張キーは最後
    history:
      - change: 初版
        author: tanaka
        version: '1.0'
        date: 2024-06-01

    # ファイル末尾のコメント
    """)

EXPECTED = textwrap.dedent("""\
    # yaml-language-server: $schema=../schema.json
    id: GA-001
    title: 電子契約の締結   # 題名は検索されるので正式名称で
    department: 総務部
    version: "1.10"
    # 責任者は課長と相談して決めた（2026-04）
    owner: tanaka
    review:
      last_reviewed: 2026-04-01
      interval_months: 12
    steps:
      - title: 締結依頼の受付  # 最初の手順
        # 法務の確認が要る場合は legal
        actor: legal
        details: |
          kintone の「契約締結依頼」アプリを開く。
          # これは本文であってコメントではない
      - title: CloudSign で送信
        duration: 15m
    history:
      - version: "1.0"
        date: 2024-06-01
        author: tanaka
        change: 初版
    x-memo: 拡張キーは最後

    # ファイル末尾のコメント
    """)


def test_key_order_follows_the_schema() -> None:
    order = key_order()
    assert order[""][:8] == ["id", "title", "summary", "department", "category", "status", "version", "owner"]
    assert order["steps"] == ["title", "actor", "tool", "duration", "details", "images", "video"]
    assert order["history"] == ["version", "date", "author", "change"]


def test_reorders_quotes_and_keeps_comments_and_japanese_byte_for_byte() -> None:
    formatted = format_text(MESSY, "GA-001.yaml")
    assert formatted.problems == []
    assert formatted.text == EXPECTED
    # Every comment and every Japanese text of the input is in the output, unchanged (only a list
    # dash may have moved to another key of the same item).
    def texts(text: str) -> list[str]:
        return sorted(line.strip().removeprefix("- ") for line in text.splitlines()
                      if "#" in line or any(ord(char) > 0x3000 for char in line))
    assert texts(formatted.text) == texts(MESSY)


def test_second_run_changes_nothing() -> None:
    once = format_text(MESSY, "a.yaml").text
    assert once is not None
    twice = format_text(once, "a.yaml")
    assert twice.text == once and not twice.changed


def test_reindents_to_the_demo_style_and_moves_comments_with_their_lines() -> None:
    text = textwrap.dedent("""\
        id: GA-002
        title: 押印申請
        department: 総務部
        owner: tanaka
        review:
            last_reviewed: 2026-01-01
        steps:
        - title: 申請を受け付ける
          # 押印簿に記録する
          details: |
            押印簿に記録する。
        """)
    formatted = format_text(text, "a.yaml")
    assert formatted.text == textwrap.dedent("""\
        id: GA-002
        title: 押印申請
        department: 総務部
        owner: tanaka
        review:
          last_reviewed: 2026-01-01
        steps:
          - title: 申請を受け付ける
            # 押印簿に記録する
            details: |
              押印簿に記録する。
        """)
    assert format_text(formatted.text or "", "a.yaml").changed is False


def test_the_demo_is_already_formatted() -> None:
    result = CliRunner().invoke(cli, ["fmt", "--check", str(Path(__file__).parent.parent / "sop")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 ファイルの整形が必要です" in result.output  # the demo's mkdocs.yml says language: ja


def test_check_exits_1_and_lists_files_then_fmt_fixes_them(make_kb) -> None:
    sop = make_kb()
    messy = make_kb.write("総務部/GA-002.yaml", MESSY.replace("GA-001", "GA-002"))
    before = messy.read_bytes()
    runner = CliRunner()
    result = runner.invoke(cli, ["fmt", "--check", "sop"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "would reformat sop/総務部/GA-002.yaml" in result.output
    assert "GA-001.yaml" not in result.output.replace("GA-001\n", "")
    assert messy.read_bytes() == before  # --check writes nothing

    result = runner.invoke(cli, ["fmt", "--diff", str(messy)], catch_exceptions=False)
    assert "+version: \"1.10\"" in result.output and messy.read_bytes() == before

    result = runner.invoke(cli, ["fmt"], catch_exceptions=False)
    assert result.exit_code == 0
    assert messy.read_text(encoding="utf-8") == EXPECTED.replace("GA-001", "GA-002")
    assert runner.invoke(cli, ["fmt", "--check", str(sop)], catch_exceptions=False).exit_code == 0


def test_a_file_that_does_not_parse_is_reported_and_left_alone(make_kb) -> None:
    make_kb()
    broken = make_kb.write("総務部/GA-003.yaml", "id: GA-003\ntitle: [備品の発注\nowner: tanaka\n")
    before = broken.read_bytes()
    result = CliRunner().invoke(cli, ["fmt", "sop"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "sop/総務部/GA-003.yaml:3:" in result.output and "yaml-syntax" in result.output
    assert broken.read_bytes() == before


def test_a_list_is_not_a_procedure() -> None:
    formatted = format_text("- a\n- b\n", "x.yaml")
    assert formatted.text is None and formatted.problems[0].code == "wrong-type"


def test_registries_keep_their_order_but_get_the_indentation() -> None:
    text = "suzuki:\n    name: 鈴木 一郎\nabe:\n    name: 阿部\n"
    formatted = format_text(text, "people.yaml", kind="people")
    assert formatted.text == "suzuki:\n  name: 鈴木 一郎\nabe:\n  name: 阿部\n"


def test_missing_path_is_a_usage_error(make_kb) -> None:
    make_kb()
    result = CliRunner().invoke(cli, ["fmt", "nope.yaml"], catch_exceptions=False)
    assert result.exit_code == 2


def test_every_demo_procedure_survives_a_scramble_and_back(monkeypatch) -> None:
    """Reverse every key order of each demo file (fmt with a reversed schema order), then fmt it
    back: the result is the original, byte for byte — every comment and line came home."""
    import generator.fmt as fmt

    canonical = fmt.key_order()
    demo = sorted((Path(__file__).parent.parent / "sop").glob("*/*.yaml"))
    assert len(demo) >= 15
    for path in demo:
        original = path.read_text(encoding="utf-8")
        monkeypatch.setattr(fmt, "key_order", lambda: {key: order[::-1] for key, order in canonical.items()})
        scrambled = format_text(original, path.name)
        monkeypatch.setattr(fmt, "key_order", lambda: canonical)
        assert scrambled.problems == [] and scrambled.text != original, path
        restored = format_text(scrambled.text or "", path.name)
        assert restored.problems == [] and restored.text == original, path


YAMLISH = "abc:-[]{}?!&*#|>'\"\n \t,.019テスト"


def test_any_text_gives_a_problem_or_a_result_that_fmt_leaves_alone() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.text(st.sampled_from(list(YAMLISH)), max_size=60))
    def check(text: str) -> None:
        formatted = format_text(text, "x.yaml")
        if formatted.text is None:
            assert formatted.problems
        else:
            assert format_text(formatted.text, "x.yaml").text == formatted.text

    check()
