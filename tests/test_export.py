"""Output for an internal assistant, checked on real builds of the demo: /llms.txt read by the `llms-txt`
parser from PyPI with every link resolving to a file of the built site, llms-full.txt, the Markdown beside
each procedure page, and `sopbook export --format jsonl` whose chunk URLs point at ids of the built pages."""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.model import KnowledgeBase, load_knowledge_base
from tests.support import PROCEDURE, ROOT, KnowledgeBaseFactory, sopbook_in

llms_txt = pytest.importorskip("llms_txt", reason="needs the llms-txt parser from PyPI (pip install llms-txt)")

SITE_URL = "https://intra.example.co.jp/sop/"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def page_ids(html_file: Path) -> set[str]:
    parser = _Ids()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.ids


def site_file(site: Path, url: str) -> Path:
    """The file of the built site a URL (under SITE_URL, or relative to the site root) names."""
    path = unquote(urlsplit(url).path)
    prefix = urlsplit(SITE_URL).path
    if url.startswith(("http://", "https://")):
        assert url.startswith(SITE_URL), url
        path = path[len(prefix):]
    target = site / path
    return target / "index.html" if path.endswith("/") or path == "" else target


def run(arguments: list[str], cwd: Path) -> str:
    return sopbook_in(cwd, arguments).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo knowledge base with a site_url, built once by `sopbook build`."""
    root = tmp_path_factory.mktemp("demo")
    for name in ("sop", "templates", "docs"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".sopbook-cache"))
    # This site_url instead of the demo's own (a YAML mapping keeps the last of two equal keys).
    config = re.sub(r"^site_url: .*\n", "", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.MULTILINE)
    (root / "mkdocs.yml").write_text(f"site_url: {SITE_URL}\n{config}", encoding="utf-8")
    run(["build"], root)
    yield root


@pytest.fixture(scope="module")
def demo_kb(demo: Path) -> KnowledgeBase:
    kb, validation = load_knowledge_base(demo / "sop")
    assert validation.ok
    return kb


def test_llms_txt_parses_and_every_link_is_a_file_of_the_site(demo: Path, demo_kb: KnowledgeBase) -> None:
    site = demo / "site"
    parsed = llms_txt.parse_llms_file((site / "llms.txt").read_text(encoding="utf-8"))
    assert parsed.title == "業務手順ナレッジベース"
    assert parsed.summary == "総務部・人事部・経理部の標準業務手順書（sopbook デモ）"  # site_description
    departments = {procedure.department for procedure in demo_kb.procedures.values()}
    assert set(parsed.sections) == departments
    links = [link for section in parsed.sections.values() for link in section]
    active = {procedure.id for procedure in demo_kb.procedures.values() if procedure.is_active}
    assert sorted(link["title"].split()[0] for link in links) == sorted(active)  # drafts, retired left out
    assert all(link["desc"] for link in links)
    for link in links:
        target = site_file(site, link["url"])
        assert target.is_file(), f"{link['url']} → {target} is not in the built site"
        assert target.suffix == ".md" and target.with_suffix("").is_dir()  # beside the page's folder
        assert target.read_text(encoding="utf-8").startswith(f"# {link['title']}\n")
    assert site_file(site, f"{SITE_URL}llms-full.txt").is_file()
    assert f"({SITE_URL}llms-full.txt)" in parsed.info or f"{SITE_URL}llms-full.txt" in parsed.info


def test_llms_full_txt_holds_every_active_procedure_once(demo: Path, demo_kb: KnowledgeBase) -> None:
    full = (demo / "site" / "llms-full.txt").read_text(encoding="utf-8")
    for procedure in demo_kb.procedures.values():
        heading = f"\n# {procedure.id} "
        assert full.count(heading) == (1 if procedure.is_active else 0), procedure.id
    assert "```mermaid" not in full and "<!--" not in full and "{#" not in full  # clean text, no site markup
    assert "経理課長" in full and "領収書をなくした場合は？" in full  # approvals and FAQ are in it


def test_the_procedure_markdown_is_the_pages_content_without_the_site(demo: Path) -> None:
    text = next((demo / "site" / "procedures").rglob("ACC-001.md")).read_text(encoding="utf-8")
    assert text.startswith("# ACC-001 経費精算\n\n社員が立て替えた経費を")
    assert "- 担当者（主）: 山本 大輔\n- バックアップ: 渡辺 直子\n" in text
    assert "## 1. 申請内容の確認\n\n- 担当: 山本 大輔\n- ツール: freee会計\n- 所要時間: 2時間\n" in text
    assert "## 承認フロー\n\n1. 承認者: 経理課長 — 条件: 1件5万円以上、または交際費 — 期限: 2営業日\n" in text
    assert "## Q. 領収書をなくした場合は？\n\nfreee の「領収書紛失届」で申請する。" in text
    assert f"- URL: <{SITE_URL}procedures/" in text


def read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_holds_every_active_procedure_once_and_chunks_point_at_ids_of_the_page(
        demo: Path, demo_kb: KnowledgeBase) -> None:
    records = read_jsonl(run(["export", "--format", "jsonl"], demo))
    procedures = [record for record in records if record["kind"] == "procedure"]
    active = sorted(procedure.id for procedure in demo_kb.procedures.values() if procedure.is_active)
    assert sorted(record["id"] for record in procedures) == active
    site, checked = demo / "site", 0
    for record in procedures:
        assert record["url"].startswith(SITE_URL)
        page = site_file(site, record["url"])
        ids = page_ids(page)
        assert record["text"] == "\n\n".join(chunk["text"] for chunk in record["chunks"]) + "\n"
        source = demo_kb.procedures[record["id"]]
        kinds = [chunk["kind"] for chunk in record["chunks"]]
        assert kinds == (["overview"] + ["step"] * len(source.steps) + ["approvals"] * bool(source.approvals)
                         + ["faq"] * len(source.faq))
        overview, *sections = record["chunks"]
        assert overview["url"] == record["url"]  # the top of the page
        for chunk in sections:
            base, anchor = chunk["url"].split("#")
            assert base == record["url"] and anchor in ids, f"{chunk['url']} has no id {anchor!r} on {page}"
            checked += 1
        assert site_file(site, record["markdown_url"]).is_file()
    assert checked > 100


def test_jsonl_fields_and_faq_records(demo: Path, demo_kb: KnowledgeBase) -> None:
    records = read_jsonl(run(["export"], demo))
    record = next(record for record in records if record["id"] == "ACC-001")
    assert {key: record[key] for key in ("title", "department", "category", "status", "owner", "backups",
                                          "version", "last_reviewed", "tags")} == {
        "title": "経費精算", "department": "経理部", "category": "経費", "status": "active",
        "owner": {"id": "yamamoto", "name": "山本 大輔"}, "backups": [{"id": "watanabe", "name": "渡辺 直子"}],
        "version": "2.1", "last_reviewed": "2026-05-10", "tags": ["経費精算", "電子帳簿保存法", "freee"]}
    assert record["source"] == "sop/経理部/ACC-001-経費精算.yaml"
    faq = [record for record in records if record["kind"] == "faq"]
    expected = sum(len(p.faq) for p in demo_kb.procedures.values() if p.is_active)
    assert len(faq) == expected > 0
    first = next(record for record in faq if record["id"] == "ACC-001#faq-1")
    assert first["procedure"] == "ACC-001" and first["question"] == "領収書をなくした場合は？"
    assert first["answer"].startswith("freee の「領収書紛失届」") and first["url"].endswith("/ACC-001/#faq-1")
    assert "faq-1" in page_ids(site_file(demo / "site", first["url"]))


def test_jsonl_all_adds_drafts_and_retired_and_writes_a_file(
        demo: Path, demo_kb: KnowledgeBase, tmp_path: Path) -> None:
    output = tmp_path / "kb.jsonl"
    assert run(["export", "--all", "--output", str(output)], demo) == ""
    records = read_jsonl(output.read_text(encoding="utf-8"))
    ids = [record["id"] for record in records if record["kind"] == "procedure"]
    assert sorted(ids) == sorted(demo_kb.procedures) and len(ids) == len(set(ids))
    assert {record["status"] for record in records} == {"active", "draft", "retired"}


def test_export_of_an_invalid_knowledge_base_is_an_error_not_a_traceback(make_kb: KnowledgeBaseFactory) -> None:
    make_kb({"総務部/GA-001.yaml": PROCEDURE.replace("owner: tanaka", "owner: nobody")})
    result = CliRunner().invoke(cli, ["export"], catch_exceptions=False)
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_yaml_text_stays_text_in_the_export(make_kb: KnowledgeBaseFactory) -> None:
    """A title that looks like an id, a heading or HTML is escaped, so chunk ids stay the ones sopbook gives."""
    hostile = PROCEDURE.replace("title: 電子契約の締結", 'title: "# x {#evil} <img src=x onerror=alert(1)>"').replace(
        "  - title: 契約書ドラフトの確認", '  - title: "確認 {#step-9}"')
    make_kb({"総務部/GA-001.yaml": hostile})
    (record,) = read_jsonl(CliRunner().invoke(cli, ["export"], catch_exceptions=False).stdout)
    step = record["chunks"][1]
    assert step["url"].endswith("#step-1") and step["text"].startswith("## 1. 確認 \\{#step-9\\}\n")
    assert "<img" not in record["text"] and "&lt;img" in record["text"]
    assert record["text"].startswith("# GA-001 \\# x \\{#evil\\} &lt;img")


def test_english_knowledge_base_gets_english_labels(make_kb: KnowledgeBaseFactory) -> None:
    make_kb()
    Path("mkdocs.yml").write_text("site_name: KB\nplugins:\n  - sopbook:\n      language: en\n", encoding="utf-8")
    (record,) = read_jsonl(CliRunner().invoke(cli, ["export"], catch_exceptions=False).stdout)
    assert "- Owner: 田中 花子\n- Backups: 鈴木 一郎\n" in record["text"]
    assert "## Approval flow\n\n1. Approver: 総務課長 — Condition: 契約金額100万円以上 — SLA: 2 business days" \
        in record["text"]
    assert record["url"] == "procedures/%E7%B7%8F%E5%8B%99%E9%83%A8/%E5%A5%91%E7%B4%84/GA-001/"


class CharacterBigrams:
    """A small local embeddings model for the docs example: counts of hashed character pairs. Crude, but
    real enough that a question shares more pairs with the passage that answers it than with others."""

    size = 512

    def embed(self, text: str) -> list[float]:
        vector = [0.0] * self.size
        for first, second in itertools.pairwise(text):
            vector[zlib.crc32((first + second).encode()) % self.size] += 1.0
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed(text)


def test_the_retrieval_example_in_the_docs_runs(demo: Path, tmp_path: Path) -> None:
    """docs/site.md's ten lines, run on the demo's export with a local embeddings model instead of OpenAI's."""
    pytest.importorskip("langchain_core", reason="needs langchain-core (pip install langchain-core)")
    pytest.importorskip("numpy", reason="langchain-core's in-memory vector store needs numpy")
    docs = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    example = docs.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(example.strip().splitlines()) <= 11
    example = example.replace("from langchain_openai import OpenAIEmbeddings", "")
    assert "OpenAIEmbeddings()" in example
    (tmp_path / "sop.jsonl").write_text(run(["export"], demo), encoding="utf-8")
    old, printed = Path.cwd(), []
    os.chdir(tmp_path)
    try:
        exec(compile(example, "docs/site.md", "exec"),  # noqa: S102 - the docs example, the point of the test
             {"OpenAIEmbeddings": CharacterBigrams, "print": lambda *values: printed.append(values)})
    finally:
        os.chdir(old)
    assert len(printed) == 3 and all(url.startswith(SITE_URL) for _title, url in printed)
    assert printed[0][0] == "経費精算" and printed[0][1].endswith("/ACC-001/#faq-1"), printed
