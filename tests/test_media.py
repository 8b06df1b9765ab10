"""Screenshots, video links and attachments: validated at their `file:` line, copied next to their page."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from generator.cli import cli
from tests.support import PROCEDURE, KnowledgeBaseFactory

MKDOCS_YML = """\
site_name: Test
theme:
  name: material
plugins:
  - search
  - sopbook:
      language: en
      today: "2026-11-25"
{extra}"""

WITH_MEDIA = PROCEDURE.replace("      依頼者から受け取った契約書を kintone に登録する。\n", """\
      依頼者から受け取った契約書を kintone に登録する。
    images:
      - file: media/panel.png
        alt: 複合機の操作パネル。「スキャン」ボタンが右上にある
        caption: 操作パネル
      - file: media/flow.svg
        alt: 書類の流れ
    video: https://example.com/v/123
""") + """\
attachments:
  - file: forms/申請書 2026.xlsx
    title: 申請書フォーム
  - url: https://example.com/form
    title: 申請フォーム（Google フォーム）
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120"><rect width="320" height="120"/></svg>'


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def media_kb(make_kb: KnowledgeBaseFactory, procedure: str = WITH_MEDIA, extra: str = "") -> Path:
    sop = make_kb({"総務部/GA-001.yaml": procedure})
    (sop / "総務部" / "media").mkdir()
    Image.new("RGB", (640, 360), (200, 220, 240)).save(sop / "総務部" / "media" / "panel.png")
    (sop / "総務部" / "media" / "flow.svg").write_text(SVG, encoding="utf-8")
    (sop / "総務部" / "forms").mkdir()
    (sop / "総務部" / "forms" / "申請書 2026.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=extra), encoding="utf-8")
    return sop


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_images_and_attachments_are_copied_next_to_their_page(make_kb: KnowledgeBaseFactory) -> None:
    media_kb(make_kb)
    assert run("validate").exit_code == 0
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    page = make_kb.root / "site" / "procedures" / "総務部" / "契約" / "GA-001"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert (page / "media" / "panel.png").read_bytes() == (make_kb.sop / "総務部" / "media" / "panel.png").read_bytes()
    assert (page / "media" / "flow.svg").is_file() and (page / "forms" / "申請書 2026.xlsx").is_file()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    png, svg = images
    for attribute in ('alt="複合機の操作パネル。「スキャン」ボタンが右上にある"', 'src="media/panel.png"',
                      'width="640"', 'height="360"', 'loading="lazy"'):
        assert attribute in png, png
    assert 'width="320"' in svg and 'height="120"' in svg and 'alt="書類の流れ"' in svg
    # Each screenshot links to its full-size file (a lightbox plugin opens the same link in place).
    assert re.search(r'<a class="glightbox" data-type="image" href="media/panel.png"><img ', html)
    assert "<figcaption>操作パネル</figcaption>" in html
    assert '<a href="https://example.com/v/123">Watch the video manual</a>' in html
    assert 'href="forms/%E7%94%B3%E8%AB%8B%E6%9B%B8%202026.xlsx">申請書フォーム</a>' in html
    assert '<a href="https://example.com/form">申請フォーム（Google フォーム）</a>' in html


def test_lightbox_is_fetched_on_demand_and_only_where_there_are_screenshots(
        make_kb: KnowledgeBaseFactory) -> None:
    media_kb(make_kb, extra="  - glightbox\n")
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    site = make_kb.root / "site"
    html = (site / "procedures" / "総務部" / "契約" / "GA-001" / "index.html").read_text(encoding="utf-8")
    # glightbox's script and stylesheet are not in the page: sopbook.js fetches them from the files named
    # here when a reader reaches for a screenshot (tests/test_browser.py clicks one).
    config = re.search(r'<script type="application/json" id="sopbook-lightbox" '
                       r'data-script="([./]*assets/javascripts/glightbox\.min\.js)" '
                       r'data-stylesheet="([./]*assets/stylesheets/glightbox\.min\.css)">(\{.*?\})</script>', html)
    assert config is not None
    assert json.loads(config.group(3))["touchNavigation"] is True  # glightbox's own options, as configured
    page = site / "procedures" / "総務部" / "契約" / "GA-001"
    assert (page / config.group(1)).resolve().is_file() and (page / config.group(2)).resolve().is_file()
    assert "glightbox.min.js\"" not in html.replace(config.group(0), ""), "no lightbox script loaded with the page"
    assert 'glightbox.min.css" rel="stylesheet"' not in html, "no render-blocking lightbox stylesheet"
    assert "GLightbox(" not in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "glightbox" not in home, "a page without screenshots loads no lightbox"


def test_generate_copies_the_media_too(make_kb: KnowledgeBaseFactory) -> None:
    media_kb(make_kb)
    assert run("generate", "--out", "out").exit_code == 0
    folder = make_kb.root / "out" / "docs" / "procedures" / "総務部" / "契約"
    assert (folder / "GA-001" / "media" / "panel.png").is_file()
    markdown = (folder / "GA-001.md").read_text(encoding="utf-8")
    assert "](GA-001/media/panel.png)" in markdown
    # The lightbox's stylesheet: not in extra_css, where it held up every page's first paint, but named by
    # the pages with screenshots, whose head loads it as a print stylesheet switched to all (main.html).
    out = make_kb.root / "out"
    assert "glightbox.min.css" not in (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert (out / "docs" / "assets" / "sopbook" / "glightbox" / "glightbox.min.css").is_file()
    assert 'sopbook_lightbox: "assets/sopbook/glightbox/glightbox.min.css"' in markdown


def test_missing_file_is_an_error_at_its_file_line_and_stops_the_build(make_kb: KnowledgeBaseFactory) -> None:
    sop = media_kb(make_kb)
    (sop / "総務部" / "media" / "panel.png").unlink()
    result = run("validate")
    assert result.exit_code == 1
    line = line_of(WITH_MEDIA, "file: media/panel.png")
    assert f"sop/総務部/GA-001.yaml:{line}:15: error missing-file: 'media/panel.png' not found" in result.output
    build = run("build")
    assert build.exit_code != 0 and "missing-file" in build.output
    assert not (make_kb.root / "site").exists()


def test_validate_cache_notices_a_screenshot_that_went_away(make_kb: KnowledgeBaseFactory,
                                                            monkeypatch: object) -> None:
    sop = media_kb(make_kb)
    os.environ.pop("SOPBOOK_NO_CACHE", None)
    assert run("validate").exit_code == 0
    (sop / "総務部" / "media" / "flow.svg").unlink()
    result = run("validate")
    assert result.exit_code == 1 and "'media/flow.svg' not found" in result.output


def test_large_file_is_a_warning_over_the_configured_limit(make_kb: KnowledgeBaseFactory) -> None:
    sop = media_kb(make_kb, extra="      media_max_mb: 0.0001\n")
    result = run("validate")
    assert result.exit_code == 0, result.output
    line = line_of(WITH_MEDIA, "file: media/panel.png")
    assert f"sop/総務部/GA-001.yaml:{line}:15: warning large-file:" in result.output
    assert "over the 0.0001 MB limit" in result.output
    # Under the default 2 MB, the same files are fine.
    (make_kb.root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=""), encoding="utf-8")
    assert "large-file" not in run("validate").output
    big = sop / "総務部" / "media" / "panel.png"
    big.write_bytes(big.read_bytes() + b"\0" * (2 * 1024 * 1024))
    assert "warning large-file: 'media/panel.png' is 2.0 MB, over the 2 MB limit" in run("validate").output


def test_a_path_leaving_sop_is_an_error_even_through_a_symlink(make_kb: KnowledgeBaseFactory) -> None:
    sop = media_kb(make_kb)
    secret = make_kb.root / "secret.png"
    Image.new("RGB", (4, 4)).save(secret)
    (sop / "総務部" / "media" / "panel.png").unlink()
    (sop / "総務部" / "media" / "panel.png").symlink_to(secret)
    result = run("validate")
    assert result.exit_code == 1
    assert "error media-outside: 'media/panel.png' is outside the knowledge base folder sop/" in result.output
    escaping = WITH_MEDIA.replace("media/flow.svg", "../../secret.png")
    make_kb.write("総務部/GA-001.yaml", escaping)
    assert "error media-outside: '../../secret.png'" in run("validate").output


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="needs a POSIX system")
def test_a_pipe_a_device_link_or_a_huge_file_is_an_error_at_its_line_not_a_hang(make_kb: KnowledgeBaseFactory) -> None:
    sop = media_kb(make_kb)
    folder = sop / "総務部"
    (folder / "media" / "panel.png").unlink()
    os.mkfifo(folder / "media" / "panel.png")  # opening it to read would wait for a writer forever
    (folder / "forms" / "申請書 2026.xlsx").unlink()
    (folder / "forms" / "申請書 2026.xlsx").symlink_to("/dev/zero")  # endless, and its size says 0
    with open(folder / "media" / "flow.svg", "r+b") as svg:  # sparse: 101 MB without writing them
        svg.truncate(101 * 1024 * 1024)
    for command in ("validate", "build"):
        result = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", command],
                                cwd=make_kb.root, capture_output=True, text=True, timeout=120, check=False,
                                env={**os.environ, "SOPBOOK_NO_CACHE": "1"})
        output = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in output, output
        at = "sop/総務部/GA-001.yaml:{}:15".format
        assert f"{at(line_of(WITH_MEDIA, 'media/panel.png'))}: error not-a-file: 'media/panel.png' is a named pipe" \
            in output, output
        assert f"{at(line_of(WITH_MEDIA, 'media/flow.svg'))}: error file-too-large: 'media/flow.svg' is 101.0 MB" \
            in output, output
        assert "error media-outside: 'forms/申請書 2026.xlsx' is outside the knowledge base folder" in output
    assert not (make_kb.root / "site").exists()


def test_svg_with_script_is_refused(make_kb: KnowledgeBaseFactory) -> None:
    sop = media_kb(make_kb)
    (sop / "総務部" / "media" / "flow.svg").write_text(
        SVG.replace("<rect", '<rect onload="alert(1)"'), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1 and "error unsafe-svg: 'media/flow.svg' contains script" in result.output


def test_english_site_labels_the_video_link(make_kb: KnowledgeBaseFactory) -> None:
    media_kb(make_kb)
    config = make_kb.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - sopbook:\n", "  - sopbook:\n      language: en\n"), encoding="utf-8")
    assert run("build", "--strict").exit_code == 0
    page = make_kb.root / "site" / "procedures" / "総務部" / "契約" / "GA-001" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert ">Watch the video manual</a>" in html and "Forms and attachments" in html
