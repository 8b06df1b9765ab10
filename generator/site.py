"""Build orchestration: the knowledge base → validated → linted → pages and navigation → a MkDocs site.

Both doors use this module: the MkDocs plugin (``mkdocs build``/``serve``) and the ``sopbook build``,
``serve`` and ``generate`` commands. A build writes into a staging folder beside ``site/`` and swaps
it into place only when the build succeeded, so a failed build leaves the previous site intact.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import assets, export
from .assets import StaticFile
from .cache import Cache
from .changes import CHANGES_PAGE, SITE_FEED, Change, atom, changes, changes_page, department_feed, git_dates, needs_git
from .changes import DEFAULT_DAYS as CHANGES_DAYS
from .errors import InvalidKnowledgeBase, SopbookError
from .files import Refused, read_text
from .history import Repository
from .i18n import Language, _, activate
from .load import display_path
from .model import KnowledgeBase, add_months, load_knowledge_base
from .options import CONFIG_BYTES, Options, parse_options, plugin_entries
from .problems import Problem, Severity
from .render import (
    HOME,
    PEOPLE_INDEX,
    PROCEDURES_INDEX,
    TAGS_INDEX,
    TOOLS_INDEX,
    Page,
    Renderer,
    Safe,
    department_folder,
    media_files,
    procedure_path,
)
from .render.environment import environment, template_errors
from .render.pages import with_title
from .reports import site as reports_site
from .reports import trend as trend_report
from .rules import LintConfig, run

MARKDOWN_EXTENSIONS = ("admonition", "tables", "attr_list", "md_in_html")
"""The Markdown extensions generated pages need (notes; screenshots' size, lazy loading and caption; the ids of
a procedure's sections, generator/anchors.py); the plugin and ``sopbook generate`` both add them."""

NAV_PAGES_PER_SECTION = 40
"""A section lists its pages in the navigation up to this many; above, its index page lists them.

Material repeats the open section's entries on every page: 500 procedures in one category would
put 100 KB of navigation on each of them (measured: a flat list of 1,000 costs 300 KB a page;
50 entries bring a procedure page to 58 KB, against 60 KB allowed).
"""


@dataclass
class Generated:
    """Everything the site adds to MkDocs: pages, their navigation, and the lint findings."""

    kb: KnowledgeBase
    pages: list[Page]
    problems: list[Problem]
    language: Language
    validation_problems: list[Problem] = field(default_factory=list)
    files: list[StaticFile] = field(default_factory=list)
    """Files copied into the site beside the pages (sopbook's stylesheet, ...)."""
    recent: list[Change] = field(default_factory=list)
    """The changes of the recent-changes page, newest first: what the feeds carry."""
    today: dt.date = field(default_factory=dt.date.today)
    options: Options | None = None

    def feeds(self, url_of: Callable[[str], str | None], site_url: str | None, site_name: str) -> dict[str, bytes]:
        """Feed path → Atom document: the whole site's, and one per department (``url_of``: page → its URL)."""
        page_of = {procedure.id: procedure_path(procedure) for procedure in self.kb.procedures.values()}
        label = self.language.label
        found = {SITE_FEED: atom(self.recent, self.kb, self.language,
                                 title=label("changes.feed_title", site=site_name), feed_path=SITE_FEED,
                                 url_of=url_of, page_of=page_of, site_url=site_url, updated=self.today)}
        for department in sorted({procedure.department for procedure in self.kb.procedures.values()}):
            path = department_feed(department)
            mine = [change for change in self.recent
                    if self.kb.procedures[change.procedure].department == department]
            found[path] = atom(mine, self.kb, self.language,
                               title=label("changes.feed_department", site=site_name, department=department),
                               feed_path=path, url_of=url_of, page_of=page_of, site_url=site_url,
                               updated=self.today)
        return found

    def feeds_of(self, page_path: str, site_name: str) -> list[tuple[str, str]]:
        """(feed path, title) of the feeds a page announces: the site's, and on its pages a department's."""
        label = self.language.label
        feeds = [(SITE_FEED, label("changes.feed_title", site=site_name))]
        parts = page_path.split("/")
        if len(parts) > 2 and parts[0] == "procedures":
            department = self.department_folders.get(parts[1])
            if department is not None:
                feeds.append((department_feed(department),
                              label("changes.feed_department", site=site_name, department=department)))
        return feeds

    @functools.cached_property
    def department_folders(self) -> dict[str, str]:
        """The folder name below ``procedures/`` → its department (once: ``feeds_of`` asks for every page, and
        made anew each time it cost a pass over every procedure per page, 10,000 × 10,000 at 10,000)."""
        return {department_folder(procedure.department).split("/", 1)[1]: procedure.department
                for procedure in self.kb.procedures.values()}

    def navigation(self, hand_written: Iterable[str] = ()) -> list[Any]:
        return navigation(self.pages, self.language, hand_written)

    def assistant_files(self, mkdocs_config: Mapping[str, Any]) -> dict[str, str]:
        """``llms.txt``, ``llms-full.txt`` and each active procedure's Markdown, by path in the site."""
        options = self.options or parse_options({"language": self.language.code})
        return export.site_files(self.kb, options, export.SiteAddress.from_mkdocs(mkdocs_config),
                                 str(mkdocs_config.get("site_name") or "sopbook"),
                                 mkdocs_config.get("site_description") or None)


def generate(options: Options, *, today: dt.date | None = None) -> Generated:
    """Validate, lint and render the knowledge base of ``options``; ``today`` overrides the option's date.

    Raises ``InvalidKnowledgeBase`` with the file:line errors when the knowledge base is invalid.
    """
    today = today or options.day()
    lang = activate(options.language.code)
    sop_dir = options.sop_dir
    if not sop_dir.is_dir():
        raise SopbookError(_("site.no-sop-dir", folder=sop_dir))
    sop_dir = Path(display_path(sop_dir))  # so problems print as sop/...
    kb, validation = load_knowledge_base(sop_dir, Cache.beside(sop_dir), options.media_max_mb)
    if not validation.ok:
        raise InvalidKnowledgeBase(validation.problems)
    result = run(kb, options.lint, today)
    trend = _trend(sop_dir, options.lint, today, options.trend_months)
    with template_errors():  # a knowledge base's template with an error is file:line, not a traceback
        renderer = Renderer(kb, options, today)
        renderer.dashboard = Safe(reports_site.dashboard(result, lang.code, env=renderer.env, trend=trend))
        pages = [with_title(page) for page in renderer.pages()]
        pages += [Page(path, markdown, None, "", "rule" if path.startswith("rules/") else "report")
                  for path, markdown in reports_site.pages(result, lang.code, renderer.env, trend).items()]
    days = options.changes_days or CHANGES_DAYS
    # git is asked only for procedures without a dated history entry, and never needed: no git, fewer dates.
    git = git_dates(Repository.find(sop_dir), sop_dir) if needs_git(kb) else {}
    recent = changes(kb, today, days, git)
    pages.append(Page(CHANGES_PAGE, changes_page(kb, recent, lang, today, days, options.templates_dir), None,
                      lang.label("changes"), "changes"))
    return Generated(kb, pages, list(result.problems), lang, validation.problems,
                     [assets.stylesheet(), assets.script(), *media_files(kb)], recent, today, options)


def _trend(sop_dir: Path, config: LintConfig, today: dt.date, months: int) -> list[dict[str, Any]]:
    """Monthly points of the last ``months`` months from git (cached per tree), or none outside git."""
    repository = Repository.find(sop_dir) if months > 0 else None
    if repository is None:
        return []
    since = add_months(today.replace(day=1), -(months - 1))
    try:
        found, _ = trend_report.points(repository, sop_dir, config, every="month", since=since, today=today)
    except SopbookError:  # a shallow clone, a broken object: the site is still worth building
        return []
    return found


def problems_page(error: SopbookError, options: Options) -> str:
    """The page ``sopbook serve`` shows in place of the site while the knowledge base has errors:
    each problem as ``validate`` prints it (file:line: severity code: message), in the site's language,
    through the knowledge base's ``problems.md.j2`` when it has one."""
    problems = getattr(error, "problems", None)
    if problems:
        lines = [str(problem) for problem in problems if problem.severity is Severity.ERROR]
    else:
        lines = [line for line in error.message.splitlines() if line.strip()]
    lang = options.language
    templates_dir = options.templates_dir
    try:
        with template_errors():
            env = environment(templates_dir)
            env.globals.update(t=lang.label, language=lang.code)
            return env.get_template("problems.md.j2").render(problems=lines)
    except SopbookError:  # the broken template may be the problem itself: the built-in one shows it
        env = environment(None)
        env.globals.update(t=lang.label, language=lang.code)
        return env.get_template("problems.md.j2").render(problems=lines)


# --- navigation ---------------------------------------------------------------------------------


def navigation(pages: Iterable[Page], lang: Language, hand_written: Iterable[str] = ()) -> list[Any]:
    """MkDocs ``nav``: home, procedures by department → category, people, tools, tags, reports, rules, then
    the hand-written pages of the docs folder. Sections too long to list keep only their index page."""
    by_path = {page.path: page for page in pages}
    tree: dict[str, Any] = {}
    for page in by_path.values():
        if page.kind in ("procedure", "department", "category"):
            node = tree
            for part in page.path.split("/")[1:-1]:
                node = node.setdefault(part, {})
            node.setdefault("", []).append(page)

    def section(node: dict[str, Any]) -> list[Any]:
        entries: list[Any] = []
        leaves = sorted(node.get("", []), key=lambda page: page.path)
        index = [page for page in leaves if page.path.endswith("/index.md")]
        others = [page for page in leaves if not page.path.endswith("/index.md")]
        entries += [page.path for page in index]
        if len(others) <= NAV_PAGES_PER_SECTION:
            entries += [{_title(page.title): page.path} for page in others]
        for name in sorted(key for key in node if key):
            title = next((page.title for page in node[name].get("", []) if page.path.endswith("/index.md")), name)
            entries.append({_title(title): section(node[name])})
        return entries

    # People, tools, reports and rules are in the navigation by their index page only (a table of them):
    # with Material's navigation.sections a top-level section is never pruned, so its list would be on
    # every page of the site — 48 links, 14 KB of the demo's 65 KB procedure page, before the page's own
    # text (Lighthouse's mobile run waits for those bytes before the first paint).
    nav: list[Any] = [{lang.label("home"): HOME}]
    nav.append({lang.label("procedures"): [PROCEDURES_INDEX, *section(tree)]})
    nav.append({lang.label("people"): PEOPLE_INDEX})
    nav.append({lang.label("tools"): TOOLS_INDEX})
    nav.append({lang.label("tags"): TAGS_INDEX})
    if CHANGES_PAGE in by_path:
        nav.append({lang.label("changes"): CHANGES_PAGE})
    for section_name, folder in (("reports", "reports/"), ("rules", "rules/")):
        if f"{folder}index.md" in by_path:
            nav.append({lang.label(section_name): f"{folder}index.md"})
    nav += sorted(path for path in hand_written if path not in by_path)
    return nav


def _title(text: str) -> str:
    """A navigation title from YAML text: MkDocs and Material print nav titles as HTML, unescaped."""
    return html.escape(text, quote=False)


# --- writing -------------------------------------------------------------------------------------


def write_pages(pages: Iterable[Page], out_dir: Path, files: Iterable[StaticFile] = ()) -> int:
    """Write the Markdown tree and the files beside it (what ``sopbook generate`` gives other engines)."""
    count = 0
    for page in pages:
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
        count += 1
    for static in files:
        target = out_dir / static.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static.source, target)
    return count


def write_files(files: Mapping[str, str], out_dir: Path) -> int:
    """Write text files given by ``/``-separated path under ``out_dir``, as UTF-8."""
    for path, text in files.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(files)


class _Tagged:
    """A YAML value with a tag (``!ENV``, ``!!python/name:``) kept so it can be written back unchanged."""

    def __init__(self, tag: str, node: yaml.Node) -> None:
        self.tag, self.node = tag, node


class _KeepTagsLoader(yaml.SafeLoader):
    pass


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    return _Tagged(node.tag, node)


_KeepTagsLoader.add_multi_constructor("!", _keep_tag)
_KeepTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _keep_tag)


class _KeepTagsDumper(yaml.SafeDumper):
    pass


_KeepTagsDumper.add_representer(_Tagged, lambda dumper, value: value.node)


def standalone_config(config_file: Path | None, nav: list[Any], docs_dir: str = "docs",
                      theme: Mapping[str, Any] | None = None, scripts: Iterable[str] = (),
                      stylesheets: Iterable[str] = (), extra: Mapping[str, Any] | None = None,
                      without: Iterable[str] = ()) -> str:
    """The project's mkdocs.yml for building generated Markdown without sopbook: the ``sopbook`` plugin and
    those named in ``without`` taken out, ``docs_dir`` and ``nav`` set, the Markdown extensions and stylesheet
    the pages use present, ``extra`` added to the theme's ``extra`` settings."""
    config: dict[str, Any] = {}
    if config_file is not None and config_file.is_file():
        try:
            text = read_text(config_file, root=None, limit=CONFIG_BYTES, what=config_file.name)
        except Refused as refused:
            raise SopbookError(f"{config_file}:1:1: {refused.reason}") from None
        config = yaml.load(text, Loader=_KeepTagsLoader) or {}  # noqa: S506 - a SafeLoader
    entries = plugin_entries(config.get("plugins")) if config.get("plugins") else [("search", None)]
    left_out = {"sopbook", *without}
    config["plugins"] = [name if value is None else {name: value} for name, value in entries if name not in left_out]
    config.setdefault("site_name", "sopbook")
    config["docs_dir"] = docs_dir
    config["nav"] = nav
    config.pop("site_dir", None)
    if theme is not None:
        config["theme"] = dict(theme)
    extensions = config.setdefault("markdown_extensions", [])
    names = {entry if isinstance(entry, str) else next(iter(entry)) for entry in extensions}
    extensions += [name for name in MARKDOWN_EXTENSIONS if name not in names]
    extra_css = config.setdefault("extra_css", [])
    extra_css += [path for path in (assets.STYLESHEET, *stylesheets) if path not in extra_css]
    extra_javascript = config.setdefault("extra_javascript", [])
    extra_javascript += [path for path in scripts if path not in extra_javascript]
    if not extra_javascript:
        del config["extra_javascript"]
    if extra:
        theirs = config.get("extra")
        config["extra"] = {**(theirs if isinstance(theirs, dict) else {}), **extra}
    return yaml.dump(config, Dumper=_KeepTagsDumper, allow_unicode=True, sort_keys=False)


# --- staged builds --------------------------------------------------------------------------------


class StagedSite:
    """A build folder beside ``site_dir`` that replaces it only when the build succeeded.

    The swap leaves a whole site in place at every moment: where the system can exchange two folders
    in one step (Linux ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``) it does; else
    two renames, and a build killed between them leaves ``.site.old-<pid>``, which the next build puts
    back. A build killed outright leaves ``.site.building-<pid>``: the next build removes it.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.path = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
        recover_interrupted(site_dir)
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> None:
        """Put the built folder in the site's place; the old site is removed afterwards."""
        if os.path.lexists(self.site_dir):
            if exchange(self.path, self.site_dir):
                shutil.rmtree(self.path, ignore_errors=True)  # now the old site
                return
            old = self.site_dir.parent / f".{self.site_dir.name}.old-{os.getpid()}"
            os.replace(self.site_dir, old)
            os.replace(self.path, self.site_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.path, self.site_dir)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: not ours to judge
    return True


def recover_interrupted(site_dir: Path) -> None:
    """Clean up after builds that were killed: their staging folders go, a swapped-out site comes back."""
    prefix = f".{site_dir.name}."
    try:
        names = os.listdir(site_dir.parent)
    except OSError:
        return
    for name in sorted(names):
        stage, _, pid = name.removeprefix(prefix).rpartition("-")
        if not name.startswith(prefix) or stage not in ("building", "old") or not pid.isdigit():
            continue
        if _alive(int(pid)):
            continue  # a build running now, in another process
        leftover = site_dir.parent / name
        if stage == "old" and not os.path.lexists(site_dir):
            os.replace(leftover, site_dir)  # killed between the two renames: the old site is the site
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step, so that neither is ever missing; False where the system cannot."""
    import ctypes
    import ctypes.util
    import sys

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") if sys.platform != "linux" else None, use_errno=True)
    except OSError:
        return False
    source, target = os.fsencode(first), os.fsencode(second)
    if sys.platform == "linux":
        renameat2 = getattr(libc, "renameat2", None)  # glibc 2.28 and later
        if renameat2 is None:
            return False
        at_fdcwd, rename_exchange = -100, 2
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        return bool(renameat2(at_fdcwd, source, at_fdcwd, target, rename_exchange) == 0)
    if sys.platform == "darwin":
        renamex_np = getattr(libc, "renamex_np", None)
        if renamex_np is None:
            return False
        rename_swap = 2
        renamex_np.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        return bool(renamex_np(source, target, rename_swap) == 0)
    return False
