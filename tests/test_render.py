"""Golden files pin the Markdown each template produces: tests/golden/<case>/input.yaml → expected.md.

Regenerate after an intended change with ``pytest tests/test_render.py --regen-golden`` and review the
diff. A first line ``# language: en`` in input.yaml renders the case in English.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import load_knowledge_base
from generator.options import parse_options
from generator.render import Page, environment, escape, render_pages, safe_markdown
from tests.support import KnowledgeBaseFactory

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 11, 25)
SECOND = """\
id: GA-002
title: 社用印の押印申請
department: 総務部
category: 印章管理
owner: suzuki
related: [GA-001]
steps:
  - title: 押印
"""


def pages_of(make_kb: KnowledgeBaseFactory, procedure: str, language: str = "ja") -> dict[str, Page]:
    sop = make_kb({"総務部/GA-001.yaml": procedure, "総務部/GA-002.yaml": SECOND})
    kb, validation = load_knowledge_base(sop)
    assert validation.ok, [str(problem) for problem in validation.problems]
    return {page.path: page for page in render_pages(kb, parse_options({"language": language}), today=TODAY)}


@pytest.mark.parametrize("case", sorted(path.name for path in GOLDEN.iterdir()
                                         if (path / "input.yaml").is_file()))
def test_golden(case: str, make_kb: KnowledgeBaseFactory, regen_golden: bool) -> None:
    text = (GOLDEN / case / "input.yaml").read_text(encoding="utf-8")
    language = "en" if text.startswith("# language: en") else "ja"
    page = pages_of(make_kb, text, language)["procedures/総務部/契約/GA-001.md"]
    expected = GOLDEN / case / "expected.md"
    if regen_golden:
        expected.write_text(page.markdown, encoding="utf-8")
    assert expected.exists(), f"no {expected}; run pytest with --regen-golden to write it"
    assert page.markdown == expected.read_text(encoding="utf-8")


def test_every_page_knows_its_source(make_kb: KnowledgeBaseFactory) -> None:
    pages = pages_of(make_kb, (GOLDEN / "procedure-ja" / "input.yaml").read_text(encoding="utf-8"))
    assert pages["procedures/総務部/契約/GA-001.md"].source == "sop/総務部/GA-001.yaml"
    assert pages["people/tanaka.md"].source == "sop/people.yaml"
    assert pages["index.md"].source is None
    assert {"index.md", "procedures/index.md", "procedures/総務部/index.md", "procedures/総務部/契約/index.md",
            "people/index.md", "tools/index.md", "tags.md", "tools/kintone.md"} <= set(pages)


def test_person_page_lists_what_they_own_back_up_perform_and_approve(make_kb: KnowledgeBaseFactory) -> None:
    pages = pages_of(make_kb, (GOLDEN / "procedure-ja" / "input.yaml").read_text(encoding="utf-8"))
    suzuki = pages["people/suzuki.md"].markdown
    owns, backs_up = suzuki.split("## バックアップの手順")
    assert "GA-002" in owns and "GA-001" not in owns.split("## 主担当の手順")[1]
    assert "GA-001" in backs_up.split("## 実施するステップ")[0]
    performs = suzuki.split("## 実施するステップ")[1].split("## 承認する手順")[0]
    assert "[GA-001 電子契約の締結](../procedures/総務部/契約/GA-001.md) | 1 |" in performs  # via the role legal
    sato = pages["people/sato.md"].markdown
    assert "GA-001" in sato.split("## 承認する手順")[1]  # as the only member of ga-manager


def test_tool_page_lists_the_steps_that_use_it(make_kb: KnowledgeBaseFactory) -> None:
    pages = pages_of(make_kb, (GOLDEN / "procedure-ja" / "input.yaml").read_text(encoding="utf-8"))
    kintone = pages["tools/kintone.md"].markdown
    assert ("| [GA-001 電子契約の締結](../procedures/総務部/契約/GA-001.md) | 総務部 | "
            "1\\. 契約書ドラフトの確認 |") in kintone


def test_related_links_go_both_ways(make_kb: KnowledgeBaseFactory) -> None:
    text = (GOLDEN / "procedure-ja" / "input.yaml").read_text(encoding="utf-8").replace("related: [GA-002]\n", "")
    pages = pages_of(make_kb, text)
    assert "この手順を参照している手順" in pages["procedures/総務部/契約/GA-001.md"].markdown
    assert "[GA-002 社用印の押印申請](../印章管理/GA-002.md)" in pages["procedures/総務部/契約/GA-001.md"].markdown


def test_kb_templates_override_defaults_and_fall_back(tmp_path: Path) -> None:
    (tmp_path / "tool.md.j2").write_text("custom {{ name }}", encoding="utf-8")
    env = environment(tmp_path)
    assert env.get_template("tool.md.j2").render(name="<b>") == "custom &lt;b&gt;"
    assert str(env.get_template("person.md.j2").filename).endswith("templates/person.md.j2")


@pytest.mark.parametrize("text, shown", [
    ("{{ 7*7 }}", "\\{\\{ 7\\*7 \\}\\}"),
    ("<script>", "&lt;script&gt;"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("a | b", "a \\| b"),
    ("田中 花子", "田中 花子"),
])
def test_escape_shows_text_literally(text: str, shown: str) -> None:
    assert escape(text) == shown


def test_safe_markdown_keeps_markdown_and_removes_markup() -> None:
    out = safe_markdown("**b** <i>x</i> `<i>` [a](javascript:x) [b](https://example.com) <https://example.com>")
    rel = 'rel="noopener noreferrer"'
    assert out == ('<div class="sopbook-text">\n<p><strong>b</strong> &lt;i&gt;x&lt;/i&gt; <code>&lt;i&gt;</code> '
                   f'<a {rel}>a</a> <a href="https://example.com" {rel}>b</a> '
                   f'<a href="https://example.com" {rel}>https://example.com</a></p>\n</div>')


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("あい漢字カナ abcXYZ\n\"'@$%?/;、。「」（）"), max_size=60))
def test_plain_fields_skip_markdown_but_render_the_same(text: str) -> None:
    """Fields without Markdown syntax skip the parser and the sanitiser: the HTML must be what they'd give."""
    from generator.render import escaping

    if escaping._MARKDOWN_SYNTAX.search(text) is None and text.strip():
        parsed = escaping._renderer.markdown.reset().convert(text)
        assert escaping.sanitised_html(text) == escaping._renderer.cleaner.clean(parsed)


DEPARTED = """\
id: GA-001
title: 社有車の管理
department: 総務部
owner: yamada
backups: [tanaka, yamada]
steps:
  - title: 車検の予約
    actor: crew
    details: 予約する。
approvals:
  - approver: yamada
"""


@pytest.mark.parametrize(("language", "mark", "opening", "closing"), [("ja", "（退職・異動）", "（", "）"),
                                                                    ("en", "(has left)", " (", ")")])
def test_people_who_left_are_marked_wherever_a_procedure_names_them(make_kb: KnowledgeBaseFactory, language: str,
                                                                    mark: str, opening: str, closing: str) -> None:
    sop = make_kb({"総務部/GA-001.yaml": DEPARTED}, roles="crew:\n  name: 車両係\n  members: [suzuki, yamada]\n")
    kb, validation = load_knowledge_base(sop)
    assert validation.ok, [str(problem) for problem in validation.problems]
    page = {p.path: p for p in render_pages(kb, parse_options({"language": language}), today=TODAY)}
    markdown = next(p.markdown for p in page.values() if p.kind == "procedure")
    yamada = "[山田 太郎](../../people/yamada.md)"
    # Owner, backup, role member (with the language's brackets), approver in the table and in the flow.
    assert markdown.count(f"{yamada} {mark}") >= 4, markdown
    assert f"車両係{opening}[鈴木 一郎](../../people/suzuki.md), {yamada} {mark}{closing}".replace(
        ", ", "、" if language == "ja" else ", ") in markdown
    assert f"山田 太郎 {mark}</span>" in markdown  # the approval flow
    assert "[田中 花子](../../people/tanaka.md) (" not in markdown and f"[田中 花子](../../people/tanaka.md) {mark}" \
        not in markdown  # an active person is not marked


def test_tag_ids_keep_japanese_and_are_unique() -> None:
    from generator import anchors

    assert anchors.tags(["月次", "Month End", "month-end", "#", "締め/月次"]) == {
        "月次": "tag-月次", "Month End": "tag-month-end", "month-end": "tag-month-end-2", "#": "tag-_",
        "締め/月次": "tag-締め-月次"}
