"""Recent changes and Atom feeds: dates from history and reviews, from git where a file has no history;
a real ``mkdocs build`` whose feeds parse with feedparser and whose links resolve to built pages."""
from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser
import pytest

from generator.changes import changes, git_dates, needs_git
from generator.history import Repository
from generator.model import load_knowledge_base
from tests.support import DEMO_SOP, PROCEDURE

TODAY = dt.date(2026, 11, 25)


def test_demo_changes_newest_first_with_notes() -> None:
    kb, _ = load_knowledge_base(DEMO_SOP)
    found = changes(kb, TODAY, 90)
    assert [(change.date.isoformat(), change.procedure, change.kind) for change in found] == [
        ("2026-11-10", "ACC-005", "changed"),
        ("2026-10-20", "GA-006", "added"),
        ("2026-10-01", "GA-007", "reviewed"),
        ("2026-10-01", "GA-007", "changed"),
        ("2026-09-01", "GA-004", "reviewed"),
        ("2026-09-01", "GA-004", "changed"),
    ]
    assert found[0].author == "watanabe" and "月次改善会議" in found[0].note
    assert len(changes(kb, TODAY, 40)) == 2 and len(changes(kb, TODAY, 30)) == 1
    everything = changes(kb, TODAY, 3650)
    assert {change.kind for change in everything} == {"added", "changed", "retired", "reviewed"}
    retired = [change for change in everything if change.procedure == "GA-008" and change.kind == "retired"]
    assert len(retired) == 1
    assert not needs_git(kb)  # every demo procedure has a dated history: git is not even asked


def git(root: Path, *args: str, date: str | None = None) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="T",
                       GIT_COMMITTER_EMAIL="t@example.com")
    if date:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=environment, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_file_without_history_takes_its_dates_from_git(make_kb, tmp_path) -> None:
    bare = PROCEDURE.split("review:")[0] + "steps:\n  - title: 確認する\n"
    sop = make_kb({"総務部/GA-001.yaml": bare})
    kb, validation = load_knowledge_base(sop)
    assert validation.ok and needs_git(kb)
    assert git_dates(Repository.find(sop), Path("sop")) == {}  # not a repository: no dates, no error
    assert changes(kb, TODAY, 90, git_dates(Repository.find(sop), Path("sop"))) == []
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first", date="2026-09-10T10:00:00+09:00")
    (sop / "総務部" / "GA-001.yaml").write_text(bare.replace("確認する", "確認して登録する"), encoding="utf-8")
    git(tmp_path, "commit", "-qam", "second", date="2026-10-05T10:00:00+09:00")
    kb, _ = load_knowledge_base(sop)
    found = changes(kb, TODAY, 90, git_dates(Repository.find(sop), Path("sop")))
    assert [(c.date.isoformat(), c.kind, c.source) for c in found] == [("2026-10-05", "changed", "git"),
                                                                       ("2026-09-10", "added", "git")]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The demo built by a real ``mkdocs build --strict``, outside any git repository."""
    root = tmp_path_factory.mktemp("changes-site")
    for name in ("sop", "docs", "templates"):
        if (DEMO_SOP.parent / name).exists():
            shutil.copytree(DEMO_SOP.parent / name, root / name)
    text = (DEMO_SOP.parent / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(\n  - sopbook:\n)", r'\1      today: "2026-11-25"\n', text, count=1)
    # Without the demo's site_url the feeds link pages relative to the site, which this test resolves.
    text = re.sub(r"^site_url: .*\n", "", text, flags=re.MULTILINE)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    environment = dict(os.environ, SOPBOOK_NO_CACHE="1")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=root,
                          capture_output=True, text=True, check=False, env=environment)
    assert done.returncode == 0, done.stderr
    return root / "site"


def _resolve(site: Path, base: str, link: str) -> Path:
    """The built file a site-relative link (resolved against ``base``, a path below the site) points at."""
    target = unquote(urljoin(f"http://site/{base}", link).removeprefix("http://site/")).split("#")[0]
    path = site / target
    return path / "index.html" if target.endswith("/") or target == "" else path


def test_feeds_parse_and_their_links_resolve(built_site: Path) -> None:
    site_feed = feedparser.parse((built_site / "feed.xml").read_bytes())
    assert not site_feed.bozo, site_feed.bozo_exception
    assert site_feed.version == "atom10"
    titles = [entry.title for entry in site_feed.entries]
    assert titles[0] == "ACC-005 月次決算: 改訂" and len(titles) == 6
    assert site_feed.entries[0].author == "渡辺 直子" and "月次改善会議" in site_feed.entries[0].summary
    assert site_feed.entries[0].updated.startswith("2026-11-10")
    assert len({entry.id for entry in site_feed.entries}) == 6
    for entry in site_feed.entries:
        page = _resolve(built_site, "feed.xml", entry.link)
        assert page.is_file(), entry.link
        assert entry.title.split(" ")[0] in page.read_text(encoding="utf-8")
    feeds = sorted((built_site / "feeds").glob("*.xml"))
    assert [path.stem for path in feeds] == ["人事部", "経理部", "総務部"]
    general = feedparser.parse((built_site / "feeds" / "総務部.xml").read_bytes())
    assert not general.bozo and len(general.entries) == 5
    assert all(entry.title.startswith("GA-") for entry in general.entries)
    for entry in general.entries:
        assert _resolve(built_site, "feeds/総務部.xml", entry.link).is_file(), entry.link
    hr = feedparser.parse((built_site / "feeds" / "人事部.xml").read_bytes())
    assert not hr.bozo and hr.entries == [] and hr.feed.updated.startswith("2026-11-25")


def test_pages_announce_their_feeds(built_site: Path) -> None:
    page = next(built_site.glob("procedures/経理部/**/ACC-005/index.html"))
    relative = page.relative_to(built_site).parent.as_posix() + "/"
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">',
                       page.read_text(encoding="utf-8"))
    assert [title for title, _ in links] == ["業務手順ナレッジベース：手順の変更",
                                             "業務手順ナレッジベース：経理部の手順の変更"]
    assert [posixpath.normpath(unquote(urljoin(f"http://site/{relative}", href)).removeprefix("http://site/"))
            for _, href in links] == ["feed.xml", "feeds/経理部.xml"]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home and 'href="feed.xml"' in home
    changes_page = (built_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "最近の変更" in changes_page and "月次改善会議" in changes_page and "feeds/%E7%B7%8F" in changes_page
