"""What staff use on a procedure page besides its text: the QR code, the printed copy's header, the feedback
link, the FAQ index, procedure ids that link, and the PDF book (``sopbook pdf``)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.address import SiteAddress
from generator.cli import cli
from generator.render.escaping import link_procedure_ids
from tests.support import PROCEDURE, KnowledgeBaseFactory, has_executable, long_procedure, steps_split_from_their_text

MKDOCS_YML = """\
site_name: Test
{urls}theme:
  name: material
plugins:
  - search
  - sopbook:
      language: {language}
      today: "2026-11-25"
"""
SITE = "site_url: https://kb.example.com/sop/\nrepo_url: https://github.com/example/kb\n"
OTHER = PROCEDURE.replace("id: GA-001", "id: HR-005").replace("department: 総務部", "department: 人事部").replace(
    "title: 電子契約の締結", "title: 給与計算") + """\
faq:
  - q: 締め日を過ぎた申請は？
    a: |
      HR-005 の翌月分として扱う。詳しくは GA-001 参照。
      `GA-001` と [GA-001 の手順](https://example.com/GA-001) はそのまま。
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def kb(make_kb: KnowledgeBaseFactory, urls: str = SITE, language: str = "ja", people: str | None = None) -> Path:
    procedures = {"総務部/GA-001.yaml": PROCEDURE + "faq:\n  - q: 紙で求められたら？\n    a: HR-005 を見る。\n",
                  "人事部/HR-005.yaml": OTHER}
    if people is None:
        make_kb(procedures)
    else:
        make_kb(procedures, people=people)
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text(MKDOCS_YML.format(urls=urls, language=language), encoding="utf-8")
    return make_kb.root


def page(root: Path, path: str = "procedures/総務部/契約/GA-001/index.html") -> str:
    return (root / "site" / path).read_text(encoding="utf-8")


def test_qr_code_points_at_the_page_under_site_url(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    html = page(root)
    url = "https://kb.example.com/sop/procedures/%E7%B7%8F%E5%8B%99%E9%83%A8/%E5%A5%91%E7%B4%84/GA-001/"
    qr = re.search(r'<figure class="sopbook-qr"><svg role="img" aria-label="([^"]*)"[^>]*>.*?</svg>', html, re.DOTALL)
    assert qr is not None and qr.group(1) == f"このページの QR コード: {url}"
    assert "QR コードを付けていません" not in result.output
    if has_executable("zbarimg"):
        svg = qr.group(0)[qr.group(0).index("<svg"):]
        png = root / "qr.png"
        _svg_to_png(svg, png)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
        assert decoded.stdout.strip() == url


def _svg_to_png(svg: str, target: Path) -> None:
    """Rasterise the page's own SVG with WeasyPrint (already a dependency), as a phone's camera would see it."""
    import weasyprint

    html = f"<html><body style='margin:0'><div style='width:60mm;padding:5mm;background:#fff'>{svg}</div></body></html>"
    pdf = target.with_suffix(".pdf")
    weasyprint.HTML(string=html).write_pdf(pdf)
    if not has_executable("pdftoppm"):
        pytest.skip("needs pdftoppm (Debian poppler-utils) to rasterise the QR code")
    subprocess.run(["pdftoppm", "-r", "150", "-singlefile", "-png", str(pdf), str(target.with_suffix(""))], check=True)


def test_without_site_url_there_is_no_qr_code_and_the_build_says_why_once(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb, urls="")
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    assert "sopbook-qr" not in page(root)
    assert result.output.count("site_url（サイトを公開するアドレス。QR コードはここを指します）がないため") == 1


def test_printed_copy_header_carries_id_version_review_owner_notice_and_date(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    assert run("build", "--strict").exit_code == 0
    html = page(root)
    header = re.search(r'<div class="sopbook-print-header">.*?</dl>\s*</div>', html, re.DOTALL)
    assert header is not None
    facts = dict(re.findall(r"<dt>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", header.group(0)))
    assert facts == {"手順ID": "GA-001", "版": "1.2", "最終レビュー": "2026年4月1日", "担当者（主）": "田中 花子",
                     "印刷日": ""}
    assert "この印刷物は管理対象外の写しです" in header.group(0)
    assert '<button type="button" class="md-button sopbook-print-button">' in html
    assert re.search(r'<script src="[./]*assets/sopbook/sopbook.js" defer>', html)
    css = (root / "site" / "assets" / "sopbook" / "sopbook.css").read_text(encoding="utf-8")
    assert re.search(r"@page \{\s*size: A4;", css)
    assert "break-after: avoid" in css and "h3 + p" in css
    # In the page from the start (no layout shift when the script runs), not shown without scripts.
    assert re.search(r"\.no-js \.md-typeset \.sopbook-print-button \{\s*visibility: hidden;", css)


def test_english_printed_notice(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb, language="en")
    assert run("build", "--strict").exit_code == 0
    html = page(root)
    assert "Printed copies are uncontrolled and may be out of date: check the site" in html
    assert "<dt>Procedure ID</dt><dd>GA-001</dd>" in html and ">Print</button>" in html


def test_feedback_opens_a_prefilled_issue_or_mails_the_owner(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    assert run("build").exit_code == 0
    link = re.search(r'<a class="md-button sopbook-feedback" href="([^"]*)">([^<]*)</a>', page(root))
    assert link is not None and link.group(2) == "この手順について質問する・問題を報告する"
    from urllib.parse import parse_qs, urlsplit

    href = link.group(1).replace("&amp;", "&")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://github.com/example/kb/issues/new"
    query = parse_qs(parts.query)
    assert query["title"] == ["[GA-001] 電子契約の締結 について"]
    body = query["body"][0]
    assert "GA-001" in body and "版: 1.2" in body
    assert "https://kb.example.com/sop/procedures/総務部/契約/GA-001/" in body

    shutil.rmtree(root / "site")
    people = "tanaka:\n  name: 田中 花子\n  email: tanaka@example.com\nsuzuki:\n  name: 鈴木 一郎\n" \
             "sato:\n  name: 佐藤 健一\nyamada:\n  name: 山田 太郎\n  active: false\n"
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(urls="", language="ja"), encoding="utf-8")
    make_kb.write("people.yaml", people)
    assert run("build").exit_code == 0
    link = re.search(r'class="md-button sopbook-feedback" href="([^"]*)"', page(root))
    assert link is not None and link.group(1).startswith("mailto:tanaka@example.com?subject=%5BGA-001%5D")


def test_faq_index_groups_every_question_by_department(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    assert run("build", "--strict").exit_code == 0
    html = page(root, "faq/index.html")
    departments = re.findall(r"<h2[^>]*>([^<]*)", html)
    assert departments == ["人事部", "総務部"]
    assert html.index("締め日を過ぎた申請は？") < html.index("紙で求められたら？")
    assert 'href="../procedures/%E7%B7%8F%E5%8B%99%E9%83%A8/%E5%A5%91%E7%B4%84/GA-001/"' in html \
        or 'href="../procedures/総務部/契約/GA-001/"' in html
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["title"] == "Q. 締め日を過ぎた申請は？" and doc["location"].startswith("faq/")
               for doc in index["docs"])


def test_procedure_ids_in_text_link_to_their_pages(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    assert run("build", "--strict").exit_code == 0
    html = page(root, "procedures/人事部/契約/HR-005/index.html")
    answer = re.search(r"<p>HR-005 の翌月分.*?</p>", html, re.DOTALL)
    assert answer is not None
    text = answer.group(0)
    assert re.search(r'詳しくは <a href="../../../%E7%B7%8F[^"]*/GA-001/">GA-001</a> 参照', text) or \
        '詳しくは <a href="../../../総務部/契約/GA-001/">GA-001</a> 参照' in text, text
    assert text.startswith("<p>HR-005 の"), "a page does not link to itself"
    assert "<code>GA-001</code>" in text
    assert '<a href="https://example.com/GA-001" rel="noopener noreferrer">GA-001 の手順</a>' in text


@pytest.mark.parametrize("text, expected", [
    ("<p>HR-005 参照</p>", '<p><a href="x/HR-005">HR-005</a> 参照</p>'),
    ("<p>手順HR-005参照。</p>", '<p>手順<a href="x/HR-005">HR-005</a>参照。</p>'),
    ("<p>See HR-005.</p>", '<p>See <a href="x/HR-005">HR-005</a>.</p>'),
    ("<p>XHR-005 and HR-0055</p>", None),
    ('<p><code>HR-005</code> and <a href="y">HR-005 page</a> and https://a/HR-005</p>', None),
    ("<pre><code>HR-005\n</code></pre>", None),
    ('<p><img alt="HR-005" src="HR-005.png"></p>', None),
    ("<p>onboarding is a word</p>", None),
])
def test_id_linking_leaves_code_links_and_words_alone(text: str, expected: str | None) -> None:
    known = {"HR-005", "onboarding"}
    assert link_procedure_ids(text, lambda i: f"x/{i}" if i in known else None) == (expected or text)


def test_page_addresses_follow_use_directory_urls() -> None:
    assert SiteAddress().relative_url("procedures/a/契約/GA-1.md", "procedures/b/GA-2.md") == "../../../b/GA-2/"
    assert SiteAddress(directory_urls=False).relative_url("procedures/a/GA-1.md", "procedures/b/GA-2.md") == \
        "../b/GA-2.html"
    assert SiteAddress().relative_url("faq.md", "procedures/b/GA-2.md") == "../procedures/b/GA-2/"
    assert SiteAddress("https://a.example/kb").page_url("procedures/x/GA-1.md") == \
        "https://a.example/kb/procedures/x/GA-1/"
    assert SiteAddress("https://a.example/kb/", directory_urls=False).page_url("procedures/x/GA-1.md") == \
        "https://a.example/kb/procedures/x/GA-1.html"
    assert SiteAddress(None).page_url("a.md") is None
    assert SiteAddress(repo_url="https://gitlab.example.com/g/kb").new_issue_url("t", "b") == \
        "https://gitlab.example.com/g/kb/-/issues/new?issue%5Btitle%5D=t&issue%5Bdescription%5D=b"
    assert SiteAddress(repo_url="https://git.example.com/kb").new_issue_url("t", "b") is None


def test_pdf_book_of_one_department(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    result = run("pdf", "--department", "総務部", "-o", "book.pdf", "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert "sopbook: book.pdf を書き出しました（手順 1 件" in result.output
    pdf = root / "book.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if not has_executable("pdftotext"):
        pytest.skip("needs pdftotext (Debian poppler-utils) to read the PDF back")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "目次" in text and "GA-001 電子契約の締結" in text and "HR-005 給与計算" not in text
    assert "この印刷物は管理対象外の写しです" in text and "2026年11月25日" in text
    assert re.search(r"GA-001 電子契約の締結 \.+ ?3", text), "the contents give the chapter's page number"
    assert re.search(r"\n3 ?/ ?3\n", text), "pages are numbered"


def test_pdf_book_keeps_step_headings_with_their_text(make_kb: KnowledgeBaseFactory) -> None:
    root = kb(make_kb)
    make_kb.write("総務部/GA-001.yaml", long_procedure())
    result = run("pdf", "--department", "総務部", "-o", "book.pdf", "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    if not has_executable("pdftotext"):
        pytest.skip("needs pdftotext (Debian poppler-utils) to read the PDF back")
    text = subprocess.run(["pdftotext", "-layout", str(root / "book.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    assert len(pages) > 5
    assert steps_split_from_their_text(pages) == []


def test_pdf_unknown_department_lists_the_known_ones(make_kb: KnowledgeBaseFactory) -> None:
    kb(make_kb)
    result = run("pdf", "--department", "経理部")
    assert result.exit_code == 2
    assert "部門 '経理部' はナレッジベースにありません。部門: 人事部、総務部" in result.output
