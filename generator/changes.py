"""What changed in the knowledge base lately: the recent-changes page and the Atom feeds built from it.

A change is a dated event of one procedure: a ``history`` entry (added, changed or retired, with its
note, version and author) or a review (``review.last_reviewed``). A procedure whose file has no
history takes its dates from git instead (the first and the last commit that touched its file), so
a knowledge base that never writes ``history`` still has a feed; without git it simply has fewer
entries.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import posixpath
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .history import Repository
from .i18n import Language
from .model import KnowledgeBase, Procedure

KINDS = ("added", "changed", "retired", "reviewed")
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Change:
    date: dt.date
    procedure: str
    """The procedure's id."""
    kind: str
    """``added``, ``changed``, ``retired`` or ``reviewed``."""
    note: str = ""
    version: str | None = None
    author: str | None = None
    """A person id."""
    source: str = "history"
    """Where the date came from: ``history``, ``review`` or ``git``."""

    @property
    def key(self) -> str:
        """A stable identity for the feed entry: the same change keeps its id across builds."""
        text = f"{self.procedure}\0{self.date}\0{self.kind}\0{self.version}\0{self.note}"
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def git_dates(repository: Repository | None, sop_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """Shown path of each file (``sop/総務部/GA-001.yaml``) → (first, last) commit day; empty without git."""
    if repository is None:
        return {}
    inside = repository.relative(sop_dir)
    shown = str(sop_dir)
    return {f"{shown}/{name}": (first.date(), last.date())
            for name, (first, last) in repository.last_changed(inside).items()}


def procedure_changes(procedure: Procedure, git: Mapping[str, tuple[dt.date, dt.date]]) -> list[Change]:
    found: list[Change] = []
    dated = sorted((entry for entry in procedure.history if entry.date), key=lambda entry: entry.date or dt.date.min)
    for position, entry in enumerate(dated):
        assert entry.date is not None
        if position == len(dated) - 1 and procedure.status == "retired":
            kind = "retired"
        elif position == 0:
            kind = "added"  # the oldest entry is the procedure's first version (初版)
        else:
            kind = "changed"
        found.append(Change(entry.date, procedure.id, kind, entry.change, entry.version, entry.author))
    if procedure.review.last_reviewed is not None:
        found.append(Change(procedure.review.last_reviewed, procedure.id, "reviewed", "", procedure.version,
                            None, "review"))
    if not dated and procedure.path in git:
        first, last = git[procedure.path]
        found.append(Change(first, procedure.id, "added", "", None, None, "git"))
        if last != first:
            found.append(Change(last, procedure.id, "retired" if procedure.status == "retired" else "changed",
                                "", procedure.version, None, "git"))
    return found


def changes(kb: KnowledgeBase, today: dt.date, days: int = DEFAULT_DAYS,
            git: Mapping[str, tuple[dt.date, dt.date]] | None = None,
            department: str | None = None) -> list[Change]:
    """Changes of the last ``days`` days up to ``today``, newest first."""
    since = today - dt.timedelta(days=days)
    found = [change for procedure in kb.procedures.values()
             if department is None or procedure.department == department
             for change in procedure_changes(procedure, git or {})
             if since < change.date <= today]
    found.sort(key=lambda change: (change.date, change.procedure, KINDS.index(change.kind)), reverse=True)
    return found


def needs_git(kb: KnowledgeBase) -> bool:
    """Whether any procedure lacks a dated history entry (only then are git's dates worth reading)."""
    return any(not any(entry.date for entry in procedure.history) for procedure in kb.procedures.values())


def department_feed(department: str) -> str:
    """The feed file of one department, relative to the site root."""
    from .render import segment

    return f"feeds/{segment(department)}.xml"


SITE_FEED = "feed.xml"


def _feed_class() -> type:
    from feedgenerator import Atom1Feed

    class Feed(Atom1Feed):
        quiet_since: dt.datetime | None = None

        def latest_post_date(self) -> dt.datetime:
            if not self.items and self.quiet_since is not None:
                return self.quiet_since
            return super().latest_post_date()

    return Feed


def atom(found: Iterable[Change], kb: KnowledgeBase, lang: Language, *, title: str, feed_path: str,
         url_of: Callable[[str], str | None], page_of: Mapping[str, str], site_url: str | None,
         updated: dt.date) -> bytes:
    """An Atom 1.0 document of ``found`` (newest first), written by feedgenerator.

    ``page_of`` maps a procedure id to its page (``procedures/総務部/GA-001.md``) and ``url_of`` a page to
    its URL below the site root (what MkDocs makes of it: ``procedures/総務部/GA-001/``). With
    ``site_url`` links are absolute; without, they are relative to the feed, as Atom allows.
    """
    def href(target: str) -> str:
        if site_url:
            return site_url.rstrip("/") + "/" + target
        base = posixpath.dirname(feed_path)
        return posixpath.relpath(target or ".", base or ".") + ("/" if target.endswith("/") else "")

    home = href("")
    identity = site_url or "sopbook"
    feed = _feed_class()(title=title, link=home, description=title, language=lang.code,
                     feed_url=href(feed_path), feed_guid=uuid.uuid5(uuid.NAMESPACE_URL, f"{identity}/{feed_path}").urn)
    stamp = dt.datetime.combine(updated, dt.time(), tzinfo=dt.timezone.utc)
    for change in found:
        procedure = kb.procedures.get(change.procedure)
        if procedure is None:
            continue
        page = page_of.get(procedure.id)
        url = url_of(page) if page else None
        kind = lang.label(f"changes.{change.kind}")
        parts = [change.note] if change.note else []
        if change.version:
            parts.append(f"{lang.label('version')} {change.version}")
        if change.author:
            parts.append(kb.name_of(change.author))
        if change.source == "git":
            parts.append(lang.label("changes.from_git"))
        day = dt.datetime.combine(change.date, dt.time(), tzinfo=dt.timezone.utc)
        feed.add_item(
            title=f"{procedure.id} {procedure.title}: {kind}",
            link=href(url) if url is not None else home,
            description=" · ".join(parts) or kind,
            unique_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{identity}/{change.key}").urn,
            unique_id_is_permalink=False,
            pubdate=day, updateddate=day,
            author_name=kb.name_of(change.author) if change.author else None,
            categories=[procedure.department, kind])
    # An empty feed would otherwise say it was updated "now": a rebuild of the same site must not differ.
    feed.quiet_since = stamp
    return str(feed.writeString("utf-8")).encode("utf-8")


CHANGES_PAGE = "changes.md"


def changes_page(kb: KnowledgeBase, found: list[Change], lang: Language, today: dt.date, days: int,
                 templates_dir: Path | None) -> str:
    """The recent-changes page (``changes.md``) through its template, with the site and department feeds linked."""
    from .render import Safe, Views, environment, escape, link, relative

    views = Views(kb, lang, today)
    here = CHANGES_PAGE
    rows = []
    for change in found:
        procedure = kb.procedures[change.procedure]
        note = change.note + (f" {lang.label('changes.from_git')}" if change.source == "git" else "")
        rows.append([lang.date(change.date), views.procedure_link(procedure.id, here), procedure.department,
                     lang.label(f"changes.{change.kind}"), note.strip(), change.version or "",
                     views.actor(change.author, here) if change.author else ""])
    departments = sorted({procedure.department for procedure in kb.procedures.values()})
    env = environment(templates_dir)
    env.globals.update(t=lang.label, language=lang.code)
    return env.get_template("changes.md.j2").render(
        rows=rows, days=days, since=lang.date(today - dt.timedelta(days=days - 1)), today=lang.date(today),
        site_feed=link(lang.label("changes.site_feed"), relative(here, SITE_FEED)),
        department_feeds=[Safe(f"{link(department, relative(here, department_feed(department)))}")
                          for department in departments],
        escape=escape)


def head_links(output: str, page_url: str, feeds: list[tuple[str, str]]) -> str:
    """The page's HTML with a ``<link rel="alternate" type="application/atom+xml">`` per feed in its head.

    ``page_url`` is the page's URL below the site root (``procedures/総務部/GA-001/`` or ``…/GA-001.html``);
    each link is relative to it, so the site works under any path (GitHub Pages' ``/<repository>/``).
    """
    head = output.find("</head>")
    if head < 0 or not feeds:
        return output
    folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    links = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{html.escape(title)}" '
        f'href="{html.escape(quote(posixpath.relpath(path, folder.rstrip("/") or ".")))}">'
        for path, title in feeds)
    return output[:head] + links + output[head:]
