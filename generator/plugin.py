"""The MkDocs plugin ``sopbook``: a config class and a few hooks; the work is done in ``generator.site``.

    plugins:
      - search:
          lang: ja
      - sopbook:
          sop_dir: sop
          language: ja
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import assets, search, site
from .address import SiteAddress
from .changes import head_links
from .errors import ConfigError, SopbookError
from .i18n import DEFAULT, LANGUAGES, _, activate, from_environment
from .options import MATERIAL_TAGS_PLUGINS, SETTINGS, Options, Setting, locator, parse_options
from .preview import PreviewPages, full_rebuild_hint
from .problems import Severity, cap_per_file
from .search import titles
from .search.pagefind import PagefindSearch
from .speed import collector_paused

log = logging.getLogger("mkdocs.plugins.sopbook")


class _Option(c.BaseConfigOption[Any]):
    """One of ``options.SETTINGS`` as a MkDocs config option: MkDocs validates with sopbook's own parser."""

    def __init__(self, setting: Setting) -> None:
        super().__init__()
        self.setting = setting
        self.default = setting.default

    def run_validation(self, value: object) -> Any:
        try:
            return self.setting.parse(self.setting.name, value)
        except ConfigError as error:
            raise c.ValidationError(error.message) from None


class _Deprecated(c.Deprecated):
    """MkDocs' ``Deprecated`` whose ``message`` is a message id: the warning is in the knowledge base's language,
    chosen when mkdocs.yml is read, not when this module is imported."""

    def pre_validation(self, config: Any, key_name: str) -> None:
        self.option.pre_validation(config, key_name)
        if config.get(key_name) is not None:
            self.warnings.append(_(self.message, name=key_name))


SopbookConfig = type("SopbookConfig", (base.Config,), {
    setting.name: _Deprecated(message=setting.deprecated) if setting.deprecated else _Option(setting)
    for setting in SETTINGS})
"""The plugin's config schema, made from ``options.SETTINGS`` (the one definition of the options)."""


class SopbookPlugin(BasePlugin[SopbookConfig]):  # type: ignore[valid-type]
    def __init__(self) -> None:
        self.options: Options | None = None
        """The validated options; ``material_tags`` is set in on_config, when the plugins are known."""
        self.command = ""
        self.staged: site.StagedSite | None = None
        self.succeeded = False
        self.progress: Callable[[int, int], None] | None = None
        """Set by ``sopbook build`` to show a progress line."""
        self.stopped_by: SopbookError | None = None
        """Why the knowledge base stopped the build, for ``sopbook build`` to print as its error."""
        self._built_pages = 0
        self._total_pages = 0
        self.generated: site.Generated | None = None
        self.pagefind: PagefindSearch | None = None
        self.dirty = False
        self._hinted = False
        self._said_no_qr = False
        self.notices: list[str] = []
        """What the build says once (shown by ``sopbook build`` too, which hides MkDocs' info lines)."""
        self._lightbox_pages: set[str] = set()
        """Generated pages whose glightbox switch sopbook manages (see ``on_page_markdown``)."""
        self._served: set[str] = set()
        """Paths of the generated pages of the last build that succeeded (serve only)."""
        self.preview: PreviewPages | None = None
        """Set during ``mkdocs serve --dirty``: pages as files, so an edit rebuilds only what it changed."""
        self._hand_written: set[str] = set()
        self._fetch_later = assets.fetch_later_script()

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None) -> tuple[Any, Any]:
        """MkDocs' validation, then sopbook's own, which says where in mkdocs.yml a bad value is."""
        # Speak the language the options name before checking them (the locale's when it is not one of
        # sopbook's), so that `mkdocs build` reports a bad option as `sopbook build` does.
        language = options.get("language", DEFAULT)
        activate(language if language in LANGUAGES else from_environment())
        errors, warnings = super().load_config(options, config_file_path)
        path = Path(config_file_path) if config_file_path else None
        try:
            self.options = parse_options(options, path.resolve().parent if path else Path.cwd(),
                                         where=locator(path) if path else None)
        except ConfigError as error:
            return [(str(setting[0]) if setting else "", message) for setting, message in error.problems], warnings
        return errors, warnings

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        # MkDocs keeps one instance of this plugin for the whole process (every build of a test run, every
        # rebuild of serve): what is said "once" is said once per command.
        self.notices = []
        self._said_no_qr = False

    def on_config(self, config: Any) -> None:
        if self.options is None:  # MkDocs always loads the config first; a caller that did not, gets defaults
            self.load_config({}, config.config_file_path)
        assert self.options is not None
        self.options = replace(self.options, material_tags=any(name in config.plugins
                                                               for name in MATERIAL_TAGS_PLUGINS))
        config.theme["language"] = self.options.language.code
        _ensure_markdown_extensions(config)
        if assets.STYLESHEET not in config.extra_css:
            config.extra_css.append(assets.STYLESHEET)
        if assets.SCRIPT not in [str(script) for script in config.extra_javascript]:
            script = ExtraScriptValue(assets.SCRIPT)
            script.defer = True  # it only wires the print button: never in the way of the first paint
            config.extra_javascript.append(script)
        # A --dirty build only rewrites what changed, so it must write into the existing site.
        if self.command in ("build", "gh-deploy") and not self.dirty and self.staged is None:
            self.staged = site.StagedSite(Path(config.site_dir))
            config.site_dir = str(self.staged.path)
        procedures = search.count_procedures(self.options.sop_dir)
        self._hint_dirty_mode(procedures)
        self._choose_search(config, procedures)

    def on_files(self, files: Files, *, config: Any) -> Files:
        self._lightbox_pages.clear()
        self.stopped_by = None
        assert self.options is not None
        try:
            with collector_paused():  # see speed.py: a large model is built faster without it
                generated = site.generate(replace(self.options, site=SiteAddress(
                    config.site_url or None, config.repo_url or None, config.use_directory_urls)))
        except SopbookError as error:
            self.stopped_by = error
            if self.command != "serve":
                raise PluginError(error.message) from None
            # mkdocs serve answers no request while a build fails ("the server will appear stuck"):
            # the build succeeds instead, with the problems in place of every generated page.
            log.error(error.message)
            return self._problem_pages(files, config, error)
        _log_problems(cap_per_file([*generated.validation_problems, *generated.problems]))
        self._hand_written = {file.src_uri for file in files}
        if not config.site_url and not self._said_no_qr:
            self._said_no_qr = True
            self.notices.append(_("build.no-qr"))
            log.info(self.notices[-1])
        docs_dir = Path(config.docs_dir)
        if self.command == "serve" and self.dirty and self.preview is None:
            self.preview = PreviewPages()
        if self.command == "serve":
            current = {page.path for page in generated.pages}
            if self.dirty:
                self._remove_deleted_pages(config, current)
            self._served = current
        for page in generated.pages:
            if files.get_file_from_path(page.path) is not None:
                log.info(_("build.hand-written", path=page.path, folder=docs_dir.name))
                continue
            if self.preview is not None:
                file = self.preview.file(config, page.path, page.markdown)
            else:
                file = File.generated(config, page.path, content=page.markdown)
            if page.source and page.kind == "procedure":
                file.edit_uri = os.path.relpath(Path(page.source).resolve(), docs_dir.resolve()).replace(os.sep, "/")
            files.append(file)
        for static in generated.files:
            if files.get_file_from_path(static.path) is None:
                files.append(File.generated(config, static.path, abs_src_path=str(static.source)))
        if self.pagefind is not None:
            index = self.pagefind.title_index(generated.kb.procedures.values(), lambda path: _url(files, path))
            files.append(File.generated(config, titles.INDEX_PATH, content=index))
        feeds = generated.feeds(lambda path: _url(files, path), config.site_url or None, config.site_name)
        for path, feed in feeds.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=feed))
        self.generated = generated
        if config.nav is None:
            hand_written = [file.src_uri for file in files.documentation_pages() if file.generated_by is None]
            config.nav = generated.navigation(hand_written)
        self._total_pages = len(files.documentation_pages())
        self._built_pages = 0
        return files

    # The glightbox plugin (screenshots in a lightbox) re-serialises the content of every page it is on as
    # a whole HTML document, which makes Material's search lose each page's title (measured: results showed
    # "経費精算" instead of "ACC-001 経費精算"), and puts its script into every <head>. sopbook's pages already
    # link each screenshot for the lightbox, so glightbox is switched off for them while it would rewrite
    # the content, and back on afterwards only where there is an image for its script to open.
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.generated_by is not None and "glightbox" in config.plugins and "glightbox" not in page.meta:
            page.meta["glightbox"] = False
            self._lightbox_pages.add(page.file.src_uri)
        return markdown

    @event_priority(-100)  # after glightbox's on_page_content, whatever the order of plugins in mkdocs.yml
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in self._lightbox_pages and 'class="glightbox"' in html:
            page.meta["glightbox"] = True
        return html

    @event_priority(-100)  # after glightbox has added its script tags
    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if page.file.src_uri in self._lightbox_pages:
            output = _lightbox_on_demand(output)
        self._built_pages += 1
        if self.progress is not None:
            self.progress(self._built_pages, self._total_pages)
        if self.pagefind is not None:
            self.pagefind.add_page(page.url, output)
        if self.generated is not None:
            output = head_links(output, page.url, self.generated.feeds_of(page.file.src_uri, config.site_name))
        return assets.in_head(output, self._fetch_later)

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        assert self.options is not None
        server.watch(str(self.options.sop_dir))
        templates = self.options.templates_dir
        if templates.is_dir():
            server.watch(str(templates))
        return server

    def on_post_build(self, *, config: Any) -> None:
        if self.generated is not None:
            # Beside the pages, not as MkDocs files: a .md file given to MkDocs becomes a page.
            assistant_files = self.generated.assistant_files(config)
            site.write_files({path: text for path, text in assistant_files.items()
                              if path not in self._hand_written}, Path(config.site_dir))
        if self.pagefind is not None:
            self.pagefind.write(config.site_dir)
        self.succeeded = True

    def on_build_error(self, *, error: Exception) -> None:
        if self.pagefind is not None:
            self.pagefind.close()
        self.succeeded = False

    def _hint_dirty_mode(self, procedures: int) -> None:
        """Once per ``mkdocs serve`` without ``--dirty``: say how to avoid full rebuilds on a large knowledge base."""
        if self.command == "serve" and not self.dirty and not self._hinted:
            self._hinted = True
            hint = full_rebuild_hint(procedures)
            if hint:
                log.info(hint)

    def _choose_search(self, config: Any, procedures: int) -> None:
        assert self.options is not None
        backend = search.choose_backend(self.options.search, procedures)
        log.info(search.describe_choice(self.options.search, backend, procedures))
        if backend == "pagefind":
            self.pagefind = self.pagefind or PagefindSearch(index_once=self.command == "serve" and self.dirty)
            self.pagefind.configure(config)
        else:
            self.pagefind = None

    def _problem_pages(self, files: Files, config: Any, error: SopbookError) -> Files:
        """The problems page at the home page and at every page the site had, so the page in the browser
        shows them when it reloads; hand-written pages stay as they are."""
        assert self.options is not None
        markdown = site.problems_page(error, self.options)
        for path in sorted({site.HOME, *self._served}):
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=markdown))
        if self.preview is not None:
            self.preview.forget()  # after the fix, every page is written again over its problems page
        return files

    def _remove_deleted_pages(self, config: Any, current: set[str]) -> None:
        """``--dirty`` writes into the site of the previous build: a page no longer generated (its
        procedure deleted or renamed) must be taken out of it, or it is served on."""
        for path in self._served - current:
            gone = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
            for target in (Path(gone.abs_dest_path), self.preview.folder / path if self.preview else None):
                if target is not None and target.is_file():
                    target.unlink()
                    with contextlib.suppress(OSError):
                        target.parent.rmdir()  # only when it was the page's own folder

    def on_shutdown(self) -> None:
        if self.preview is not None:
            self.preview.close()
            self.preview = None
        if self.staged is not None:
            self.staged.commit() if self.succeeded else self.staged.abandon()
            self.staged = None


def _url(files: Files, path: str) -> str | None:
    file = files.get_file_from_path(path)
    return file.url if file is not None else None


_LIGHTBOX_SCRIPT = re.compile(r'<script src="([^"]*assets/javascripts/glightbox\.min\.js)"[^>]*></script>')
_LIGHTBOX_STYLESHEET = re.compile(r'<link href="([^"]*assets/stylesheets/glightbox\.min\.css)" rel="stylesheet">')
_LIGHTBOX_INIT = re.compile(r'<script id="init-glightbox">.*?GLightbox\((\{.*?\})\);.*?</script>', re.DOTALL)


def _lightbox_on_demand(html: str) -> str:
    """glightbox puts its 55 KB script and 14 KB stylesheet into <head> and sets the lightbox up when the
    page is ready, though neither is needed before a screenshot is clicked: on Lighthouse's mobile run the
    script's set-up was blocking time and the stylesheet held up the first paint. Both are left out of the
    page; glightbox's options and files go into a JSON element, from which sopbook.js fetches them when the
    reader reaches for a screenshot (pointer, focus, touch) and opens the lightbox on the click. Without
    JavaScript the link opens the full-size image itself."""
    script, stylesheet, init = (_LIGHTBOX_SCRIPT.search(html), _LIGHTBOX_STYLESHEET.search(html),
                                _LIGHTBOX_INIT.search(html))
    if not (script and stylesheet and init):
        return html
    config = (f'<script type="application/json" id="sopbook-lightbox" data-script="{script.group(1)}" '
              f'data-stylesheet="{stylesheet.group(1)}">{init.group(1)}</script>')
    html = html[:init.start()] + config + html[init.end():]
    html = _LIGHTBOX_SCRIPT.sub("", html, count=1)
    return _LIGHTBOX_STYLESHEET.sub("", html, count=1)


def _log_problems(problems: list[Any]) -> None:
    """Lint errors one by one (they fail --strict); warnings and info as one line, each at debug level.

    --strict fails on MkDocs warnings, so only errors may be logged above info; and at 10,000
    procedures a line per finding would bury the build's own messages (``mkdocs build -v`` shows them).
    """
    others = 0
    for problem in problems:
        if problem.severity is Severity.ERROR:
            log.error(str(problem))
        else:
            others += 1
            log.debug(str(problem))
    if others:
        log.info(_("site.findings-logged", n=others))


def _ensure_markdown_extensions(config: Any) -> None:
    """The extensions generated pages use: admonitions (draft, retired, overdue notes)."""
    for name in site.MARKDOWN_EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)

