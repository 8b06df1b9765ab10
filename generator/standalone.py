"""The site as a folder that an engine reading mkdocs.yml builds without sopbook's plugin: Zensical, which
runs no MkDocs plugins, or MkDocs itself. ``sopbook generate --out OUT`` writes it:

    OUT/docs/       the generated pages, the docs folder's own files, sopbook's stylesheet, llms.txt and
                    llms-full.txt
    OUT/overrides/  the theme's custom_dir: the knowledge base's own overrides, then sopbook's (a procedure's
                    edit button opens its YAML file) and each procedure's Markdown for assistants, which
                    Zensical copies beside the pages as it copies any file of custom_dir
    OUT/mkdocs.yml  the site's settings without the sopbook plugin, the navigation written out

``sopbook build --engine zensical`` writes that folder beside the site and runs Zensical on it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from . import anchors, assets, export, site
from .address import SiteAddress
from .errors import InvalidKnowledgeBase, SopbookError, UsageError
from .files import Refused, read_bytes
from .i18n import _
from .options import MATERIAL_TAGS_PLUGINS, Project
from .problems import Severity
from .render import TAGS_INDEX, procedure_path

OVERRIDES = "overrides"
"""The theme's custom_dir in the folder."""
OWN_MAIN = "sopbook-main.html"
"""What sopbook's ``overrides/main.html`` extends: the knowledge base's own main.html, else the theme's base."""
EDIT_URL_KEY = "sopbook_edit_url"
"""Front matter of a generated page: where its edit button goes (read by ``overrides/partials/actions.html``):
a procedure's YAML file, or nowhere ("")."""
TAGS_KEY = "sopbook_tags"
"""Front matter of a procedure page: its tags, each with its place on the tags page (``partials/tags.html``)."""
LIGHTBOX_KEY = "sopbook_lightbox"
"""Front matter of a page with screenshots: the lightbox's stylesheet, which ``overrides/main.html`` loads without
holding up the first paint (as ``extra_css`` it blocked the first paint of every page)."""
FEEDS_KEY = "sopbook_feeds"
"""Front matter of a generated page, and ``extra`` of mkdocs.yml for the others: the Atom feeds the page announces
in its head (``overrides/main.html``)."""
MARKER = ".sopbook-generated"
"""Marks a folder as written by ``sopbook generate``, so a later run may clear it."""
ENGINES = ("mkdocs", "zensical")
NOT_SEARCHED = frozenset({"department", "category", "index", "person", "tool", "tags", "faq", "changes", "report"})
"""Kinds of generated page left out of the folder's search index (``search: {exclude: true}``): the listings
whose tables grow with the knowledge base. Zensical 0.0.73 stops the build when one section of a page holds
more words than its index can place, a limit that falls as the site grows (at 10,000 procedures, 130,424
sections: 8,192 words; the recent-changes page had 18,366). They repeat what the procedure pages say, and
those, the home page, the rule pages and pages written by hand stay searchable."""


@dataclass
class Folder:
    """What ``write`` put where."""

    out_dir: Path
    pages: int
    generated: site.Generated
    skipped: list[tuple[Path, Refused]] = field(default_factory=list)
    """Files of docs/ or of the theme's custom_dir not copied (links out of the folder, pipes, too large)."""

    @property
    def config_file(self) -> Path:
        return self.out_dir / "mkdocs.yml"


def edit_url(mkdocs_config: Mapping[str, Any], docs_dir: Path, source: Path) -> str | None:
    """The edit link MkDocs gives a page whose ``edit_uri`` is ``source`` relative to the docs folder.

    The same rules as MkDocs (mkdocs/config/config_options.py EditURI, mkdocs/structure/pages.py):
    ``edit_uri`` defaults by host, ``edit_uri_template`` wins, and the path joins ``repo_url`` with
    dot segments resolved, so ``edit/main/docs/../sop/x.yaml`` becomes ``edit/main/sop/x.yaml``.
    """
    repo_url = mkdocs_config.get("repo_url")
    edit_uri = mkdocs_config.get("edit_uri")
    template = mkdocs_config.get("edit_uri_template")
    if edit_uri is None and repo_url:
        host = urlsplit(str(repo_url)).netloc.lower()
        edit_uri = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/",
                    "bitbucket.org": "src/default/docs/"}.get(host)
    if not edit_uri and not template:
        return None
    relative = Path(os.path.relpath(source.resolve(), docs_dir.resolve())).as_posix()
    if template:
        try:
            path = str(template).format(path=relative, path_noext=posixpath.splitext(relative)[0])
        except (KeyError, IndexError, ValueError):
            return None
    else:
        path = str(edit_uri).rstrip("/") + "/" + relative
    if not repo_url or path.startswith(("?", "#")):
        return path
    return urljoin(str(repo_url).rstrip("/") + "/", path)


def with_front_matter(markdown: str, key: str, value: Any) -> str:
    """``markdown`` with ``key: value`` added to its YAML front matter (made when it has none)."""
    line = f"{key}: {json.dumps(value, ensure_ascii=False)}\n"  # JSON is YAML
    if markdown.startswith("---\n"):
        return f"---\n{line}{markdown[4:]}"
    return f"---\n{line}---\n\n{markdown}"


def _prepare(out_dir: Path) -> None:
    """An empty folder, or one an earlier ``sopbook generate`` wrote (cleared, so removed procedures go)."""
    parts = [out_dir / name for name in ("docs", OVERRIDES, "mkdocs.yml")]
    if (out_dir / MARKER).is_file():
        for part in parts:
            shutil.rmtree(part, ignore_errors=True) if part.is_dir() else part.unlink(missing_ok=True)
    elif any(part.exists() for part in parts):
        raise UsageError(_("generate.not-ours", folder=out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text(_("generate.marker") + "\n", encoding="utf-8")


DOCS_FILE_BYTES = 100 * 1024 * 1024
"""A hand-written page, image or PDF in docs/ (or a theme override); above this it is not copied."""


def _copy_tree(source: Path, target: Path, skipped: list[tuple[Path, Refused]] | None = None,
               skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Copy the files under ``source`` but those in ``skip``; their ``/``-separated relative paths.

    Through the one file reader: a link out of ``source`` is not followed (it would publish whatever it
    points to), nor a pipe read; those land in ``skipped``.
    """
    copied = []
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(source).as_posix()
        if relative in skip:
            continue
        try:
            content = read_bytes(path, root=source, limit=DOCS_FILE_BYTES, what="file")
        except Refused as refused:
            if skipped is not None:
                skipped.append((path, refused))
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_bytes(content)
        copied.append(relative)
    return copied


def _sopbook_overrides() -> Path:
    return Path(str(resources.files("generator").joinpath("data/overrides")))


LIGHTBOX = "assets/sopbook/glightbox"


def _offline_lightbox(pages: list[site.Page], docs: Path) -> list[str]:
    """GLightbox from the mkdocs-glightbox package, for pages with screenshot links (class ``glightbox``).

    Zensical's script opens those links in a lightbox and, unless a page has already loaded GLightbox,
    fetches it from unpkg.com; loaded from the site by extra_javascript (which runs before the page is
    ready, when that script looks), the lightbox works offline. The same files the MkDocs plugin
    ``glightbox`` puts in a MkDocs site.
    """
    if not any(_has_screenshots(page) for page in pages):
        return []
    package = Path(str(resources.files("mkdocs_glightbox").joinpath("glightbox")))
    (docs / LIGHTBOX).mkdir(parents=True, exist_ok=True)
    for name in ("glightbox.min.js", "glightbox.min.css"):
        shutil.copyfile(package / name, docs / LIGHTBOX / name)
    # MIT: the licence goes with the files; named without .md, which the engines would build into a page.
    shutil.copyfile(package / "LICENSE.md", docs / LIGHTBOX / "LICENSE")
    return [f"{LIGHTBOX}/glightbox.min.js"]  # its stylesheet: LIGHTBOX_KEY


def _has_screenshots(page: site.Page) -> bool:
    return ".glightbox" in page.markdown


def write(project: Project, out_dir: Path, today: dt.date | None = None) -> Folder:
    """Validate, lint and render the knowledge base of ``project`` and write the folder (see the module)."""
    mkdocs_config = project.mkdocs
    site_address = SiteAddress(mkdocs_config.get("site_url") or None, mkdocs_config.get("repo_url") or None,
                               bool(mkdocs_config.get("use_directory_urls", True)))
    # The tags page is sopbook's own list, not Material's tags plugin (taken out of the folder's mkdocs.yml):
    # Zensical 0.0.73's memory grows with the square of the pages when that plugin lists the tags
    # (1.4 GB at 1,000 procedures; docs/site.md), and linearly with sopbook's list and its own tag chips.
    chips = project.options.material_tags
    generated = site.generate(replace(project.options, site=site_address, material_tags=False), today=today)
    _prepare(out_dir)
    docs, overrides = out_dir / "docs", out_dir / OVERRIDES
    docs_dir = project.root / str(mkdocs_config.get("docs_dir", "docs"))
    skipped: list[tuple[Path, Refused]] = []
    hand_written = _copy_tree(docs_dir, docs, skipped) if docs_dir.is_dir() else []
    address = export.SiteAddress.from_mkdocs(mkdocs_config)
    site_name = str(mkdocs_config.get("site_name") or "sopbook")
    tags_of = _tag_chips(generated, address) if chips else {}
    pages = []
    for page in generated.pages:
        if page.path in hand_written:
            continue
        markdown = with_front_matter(page.markdown, FEEDS_KEY, _feeds(generated.feeds_of(page.path, site_name)))
        if page.kind in NOT_SEARCHED:
            markdown = with_front_matter(markdown, "search", {"exclude": True})
        # page.source is the YAML file as shown to the user: relative to the working directory, as the plugin reads it.
        url = edit_url(mkdocs_config, docs_dir, Path(page.source)) if page.kind == "procedure" and page.source else None
        # Other generated pages have no file to edit (the plugin gives MkDocs' generated files no edit link).
        markdown = with_front_matter(markdown, EDIT_URL_KEY, url or "")
        if tags_of.get(page.path):
            markdown = with_front_matter(markdown, TAGS_KEY, tags_of[page.path])
        if _has_screenshots(page):
            markdown = with_front_matter(markdown, LIGHTBOX_KEY, f"{LIGHTBOX}/glightbox.min.css")
        pages.append(replace(page, markdown=markdown))
    count = site.write_pages(pages, docs, generated.files)
    scripts = [assets.SCRIPT, *_offline_lightbox(pages, docs)]

    theme = mkdocs_config.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "material"}
    custom_dir = theme.get("custom_dir")
    own = set(_copy_tree(project.root / str(custom_dir), overrides, skipped)) if custom_dir else set()
    if "main.html" in own:  # sopbook's main.html (feeds in the head) extends the knowledge base's own
        os.replace(overrides / "main.html", overrides / OWN_MAIN)
        own = (own - {"main.html"}) | {OWN_MAIN}
    _copy_tree(_sopbook_overrides(), overrides, skip=own)  # the knowledge base's own override of a file wins
    assistant = generated.assistant_files(mkdocs_config)
    # Engines build every .md of the docs folder into a page; from custom_dir they copy files as they are.
    site.write_files({path: text for path, text in assistant.items() if path.endswith(".md")}, overrides)
    site.write_files({path: text for path, text in assistant.items()
                      if not path.endswith(".md") and path not in hand_written}, docs)
    # The Atom feeds of recent changes, as the plugin publishes them (static files: both engines copy them).
    paths = {page.path for page in pages}
    feeds = generated.feeds(lambda path: address.page_url(path) if path in paths else None,
                            address.site_url, site_name)
    for path, feed in feeds.items():
        if path not in hand_written:
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_bytes(feed)

    theme["custom_dir"] = OVERRIDES
    # Material and Zensical load their text font from Google Fonts unless told not to: a site read on a
    # company network must fetch nothing from the internet (a knowledge base that names a font keeps it).
    theme.setdefault("font", False)
    navigation = site.navigation(pages, generated.language, [path for path in hand_written if path.endswith(".md")])
    # Pages written by hand announce the site's feed (their front matter is theirs): from mkdocs.yml's extra.
    extra = {FEEDS_KEY: _feeds(generated.feeds_of("", site_name))}
    (out_dir / "mkdocs.yml").write_text(site.standalone_config(project.config_file, navigation, theme=theme,
                                                               scripts=scripts,
                                                               extra=extra, without=MATERIAL_TAGS_PLUGINS),
                                        encoding="utf-8")
    return Folder(out_dir, count, generated, skipped)


def _feeds(feeds: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The feeds a page announces, for ``overrides/main.html``: each file's path in the site (percent-encoded;
    the theme's ``url`` filter makes it relative to the page) and its title."""
    return [{"href": quote(path), "title": title} for path, title in feeds]


def _tag_chips(generated: site.Generated, address: export.SiteAddress) -> dict[str, list[dict[str, str]]]:
    """Procedure page → its tags, each linked to its heading on sopbook's tags page (``partials/tags.html``)."""
    tags_page = address.page_url(TAGS_INDEX)
    kb = generated.kb
    ids = anchors.tags(sorted({tag for procedure in kb.procedures.values() for tag in procedure.tags}))
    return {procedure_path(procedure): [{"name": tag, "url": f"{tags_page}#{quote(ids[tag])}"}
                                        for tag in sorted(set(procedure.tags))]  # sorted, as the plugin does
            for procedure in kb.procedures.values() if procedure.tags}


def zensical_build(project: Project, site_dir: Path, *, strict: bool = False, verbose: bool = False,
                   today: dt.date | None = None) -> Folder:
    """Write the folder beside ``site_dir``, build it with Zensical, and swap the result into ``site_dir``.

    As with MkDocs, a failed build leaves the previous site as it was.
    """
    try:
        import zensical  # noqa: F401 - only whether it is installed
    except ImportError:
        raise UsageError(_("zensical.not-installed")) from None
    work = site_dir.parent / f".{site_dir.name}.zensical-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    staged = site.StagedSite(site_dir)
    try:
        folder = write(project, work, today)
        errors = [problem for problem in folder.generated.problems if problem.severity is Severity.ERROR]
        if strict and errors:
            raise InvalidKnowledgeBase(errors)
        command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(folder.config_file)]
        if strict:
            command.append("--strict")
        result = subprocess.run(command, cwd=work, capture_output=not verbose, text=True, check=False)
        if result.returncode != 0:
            output = "\n".join(part for part in (result.stdout, result.stderr) if part)
            raise SopbookError(_("zensical.failed", status=result.returncode)
                               + (f":\n{output.strip()}" if output and output.strip() else ""))
        os.replace(work / "site", staged.path)
        staged.commit()
        return folder
    finally:
        staged.abandon()
        shutil.rmtree(work, ignore_errors=True)
