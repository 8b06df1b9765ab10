"""The ``sopbook`` plugin's options: defined once, validated once, handed to the core as one frozen value.

    plugins:
      - search:
          lang: ja
      - sopbook:
          sop_dir: sop
          language: ja
          lint: {rules: {single-owner: {min_people: 3}}}

``SETTINGS`` is the one definition. The MkDocs plugin builds its config schema from it
(``plugin.SopbookConfig``), and every command reads the same entry of mkdocs.yml here
(``load_project``), so a value means the same thing to ``mkdocs build``, ``sopbook build``,
``sopbook lint`` and ``sopbook report``, and a bad one is the same error from each, at
``mkdocs.yml:line:column``.

Hand-written rather than MkDocs' ``config_options`` used directly: importing ``mkdocs.config``
imports Jinja, Markdown and MkDocs' theme machinery (about 0.1 s measured), a cost every
``sopbook lint`` would pay for four type checks. The plugin wraps these settings in MkDocs'
``BaseConfigOption`` (see ``plugin.py``), so MkDocs still validates through them.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .address import SiteAddress
from .errors import ConfigError, UsageError
from .files import Refused, read_text
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import LANGUAGES, Language, _, from_environment
from .i18n import language as language_for
from .media import DEFAULT_MAX_MB as DEFAULT_MEDIA_MAX_MB
from .problems import did_you_mean
from .search import BACKENDS as SEARCH_BACKENDS

if TYPE_CHECKING:
    from .rules import LintConfig

MATERIAL_TAGS_PLUGINS = ("tags", "material/tags")
CONFIG_FILES = ("mkdocs.yml", "mkdocs.yaml")
CONFIG_BYTES = 1024 * 1024
"""mkdocs.yml is a page or two; a megabyte is not a configuration."""


# --- the settings ---------------------------------------------------------------------------------


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(_("options.expected-text", name=name, value=repr(value)), (name,))
    return value


def _choice(*allowed: str) -> Callable[[str, Any], str]:
    def parse(name: str, value: Any) -> str:
        if value not in allowed:
            hint = did_you_mean(str(value), allowed, cutoff=0.5) if isinstance(value, str) else ""
            raise ConfigError(_("options.expected-choice", name=name, allowed=", ".join(allowed), value=repr(value),
                                hint=hint), (name,))
        return str(value)

    return parse


def _date(name: str, value: Any) -> dt.date | None:
    """A date as YAML gives it (unquoted ``2026-11-25``) or as text (quoted); ``None`` is today."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(_("options.expected-date", name=name, value=repr(value)), (name,))


def _megabytes(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(_("options.expected-megabytes", name=name, value=repr(value)), (name,))
    return float(value)


def _maintainers(name: str, value: Any) -> tuple[str, ...]:
    from .codeowners import parse_maintainers  # the rule for a GitHub user or team lives with CODEOWNERS

    try:
        return tuple(parse_maintainers(value, name))
    except ConfigError as error:  # its message starts with where the value is: said once, by parse_options
        raise ConfigError(error.message.removeprefix(f"{name}: "), (name,)) from None


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(_("options.expected-count", name=name, value=repr(value)), (name,))
    return value


def _lint(name: str, value: Any) -> LintConfig:
    from .rules import parse_lint_config

    return parse_lint_config(value)


@dataclass(frozen=True)
class Setting:
    """One option of the ``sopbook`` plugin: its default and the function that validates a value."""

    name: str
    default: Any
    parse: Callable[[str, Any], Any]
    """``parse(name, value)`` → the value the core uses; raises ``ConfigError`` naming what is wrong."""
    help: str
    deprecated: str | None = None
    """Set for an option that is accepted but no longer does anything: the id of the message MkDocs warns with."""


SETTINGS: tuple[Setting, ...] = (
    Setting("sop_dir", "sop", _text, "The knowledge base folder, relative to mkdocs.yml."),
    Setting("language", "ja", _choice(*LANGUAGES), "The language of the generated pages and reports."),
    Setting("templates_dir", "templates", _text,
            "A folder of templates overriding sopbook's (same file names), relative to mkdocs.yml."),
    Setting("lint", None, _lint, "The lint rules' levels and options: {rules: {single-owner: {min_people: 3}}}."),
    Setting("today", None, _date,
            "The date reviews are judged against (YYYY-MM-DD), for reproducible builds; default: today."),
    Setting("mermaid", None, lambda name, value: None, "No longer used.",
            deprecated="options.deprecated-mermaid"),
    Setting("media_max_mb", DEFAULT_MEDIA_MAX_MB, _megabytes,
            "Screenshots and attachments larger than this many megabytes get a warning."),
    Setting("maintainers", None, _maintainers,
            "GitHub users or teams (@org/team) who own mkdocs.yml, templates/, .github/ and the registries in "
            "the CODEOWNERS that sopbook codeowners writes."),
    Setting("changes_days", 90, _count, "How many days back the recent-changes page and the Atom feeds reach."),
    Setting("trend_months", 12, _count, "Months of git history the dashboard's trend chart shows; 0 draws none."),
    Setting("search", "auto", _choice(*SEARCH_BACKENDS),
            "material, pagefind, or auto: Pagefind from search.PAGEFIND_FROM_PROCEDURES procedures on."),
)
SETTING_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Options:
    """The validated options of one knowledge base: what the core is given instead of a mapping."""

    root: Path
    """The folder of mkdocs.yml (or the working directory without one): relative folders start here."""
    sop_dir: Path
    language: Language
    templates_dir: Path
    configured_lint: LintConfig | None
    """The ``lint`` option as validated; None when mkdocs.yml has none (``lint`` is then the defaults)."""
    today: dt.date | None
    """From the ``today`` option; None means the day the command runs."""
    search: str = "auto"
    media_max_mb: float = DEFAULT_MEDIA_MAX_MB
    maintainers: tuple[str, ...] = ()
    changes_days: int = 90
    trend_months: int = 12
    material_tags: bool = False
    """Material's tags plugin is on: it, not sopbook, lists the tags."""
    site: SiteAddress = field(default_factory=SiteAddress, compare=False)
    """mkdocs.yml's ``site_url``, ``repo_url`` and ``use_directory_urls``: QR codes and feedback links."""
    lint_key: str = field(default="", compare=False)
    """The ``lint`` option as written and the language, for the run cache's key."""

    @cached_property
    def lint(self) -> LintConfig:
        """The lint rules' levels and options: as configured, or the defaults of the language.

        The defaults are made when first asked for: the rules (fourteen modules) are imported then,
        which a warm ``sopbook validate`` never needs (15-25 ms of its 0.2 s, measured).
        """
        if self.configured_lint is not None:
            return self.configured_lint
        from .rules import parse_lint_config

        return parse_lint_config(None, self.language.code)

    def day(self) -> dt.date:
        """The date reviews are judged against."""
        return self.today or dt.date.today()


def parse_options(raw: Mapping[str, Any] | None, root: Path | None = None, *, material_tags: bool = False,
                  where: Callable[[tuple[str | int, ...]], str] | None = None) -> Options:
    """Validate the plugin's options as written; raises one ``ConfigError`` listing every bad value.

    ``where(setting)`` gives ``mkdocs.yml:line:column`` for a key path below the plugin's options.
    """
    raw = dict(raw or {})
    root = root if root is not None else Path.cwd()
    errors: list[tuple[tuple[str | int, ...], str]] = []

    def fail(error: ConfigError) -> None:
        place = where(error.setting) if where is not None else ""
        errors.append((error.setting, f"{place}: {error.message}" if place else error.message))

    values: dict[str, Any] = {}
    for name in raw:
        if name not in SETTING_BY_NAME:
            fail(ConfigError(_("options.unknown", name=repr(name),
                               hint=did_you_mean(str(name), SETTING_BY_NAME, cutoff=0.5),
                               options=", ".join(SETTING_BY_NAME)), (name,)))
    for setting in SETTINGS:
        try:
            if setting.name == "lint":  # after the language, whose word lists are the rules' defaults
                continue
            values[setting.name] = setting.parse(setting.name, raw.get(setting.name, setting.default))
        except ConfigError as error:
            fail(error)
    values["lint"] = None
    if raw.get("lint") is not None:  # a bad value is reported now, from every command
        from .rules import parse_lint_config

        try:
            values["lint"] = parse_lint_config(raw.get("lint"), values.get("language"))
        except ConfigError as error:
            fail(error)
    if errors:
        errors.sort(key=lambda error: _place(error[1]))  # in the order of mkdocs.yml
        raise ConfigError("\n".join(message for _setting, message in errors), problems=errors)
    return Options(
        root=root,
        sop_dir=root / values["sop_dir"],
        language=language_for(values["language"]),
        templates_dir=root / values["templates_dir"],
        configured_lint=values["lint"],
        today=values["today"],
        search=values["search"],
        media_max_mb=values["media_max_mb"],
        maintainers=values["maintainers"],
        changes_days=values["changes_days"],
        trend_months=values["trend_months"],
        material_tags=material_tags,
        lint_key=repr((raw.get("lint"), values["language"])),  # the language chooses the default word lists
    )


_PLACE = re.compile(r"^.*?:(\d+):(\d+): ")


def _place(message: str) -> tuple[int, int]:
    """(line, column) of a located message, for ordering; unlocated ones first."""
    found = _PLACE.match(message)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


# --- mkdocs.yml -----------------------------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """mkdocs.yml as text and nodes: ``!ENV`` and ``!!python/name:`` mean nothing outside MkDocs, and dates
    stay text so that an impossible one (``2026-13-01``) is this module's error, not PyYAML's traceback."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def plugin_entries(plugins: Any) -> list[tuple[str, Any]]:
    """``(name, options)`` of each entry of mkdocs.yml's ``plugins``: a list of names and one-key mappings,
    or one mapping. The one reader of that list (the commands, ``generate``'s mkdocs.yml, the options)."""
    if plugins is None:
        return []
    if isinstance(plugins, Mapping):
        return [(str(name), value) for name, value in plugins.items()]
    if not isinstance(plugins, list):
        raise ConfigError(_("options.plugins-list", value=repr(plugins)))
    entries = []
    for entry in plugins:
        if isinstance(entry, str):
            entries.append((entry, None))
        elif isinstance(entry, Mapping) and len(entry) == 1:
            ((name, value),) = entry.items()
            entries.append((str(name), value))
        else:
            raise ConfigError(_("options.plugins-entry", value=repr(entry)))
    return entries


@dataclass(frozen=True)
class Project:
    """A knowledge base as the commands find it: mkdocs.yml (if any) and the validated options."""

    config_file: Path | None
    options: Options
    mkdocs: Mapping[str, Any]
    """mkdocs.yml as written (tags kept as text), for ``docs_dir`` and the standalone config."""

    @property
    def root(self) -> Path:
        return self.options.root


def find_config_file(config_file: str | os.PathLike[str] | None = None) -> Path | None:
    """The given file, else ``mkdocs.yml`` or ``mkdocs.yaml`` in the working directory, else None."""
    if config_file is not None:
        return Path(config_file)
    # lexists: a pipe or a link out is refused when read, with the reason, rather than passed over.
    return next((Path(name) for name in CONFIG_FILES if os.path.lexists(name)), None)


def load_project(config_file: str | os.PathLike[str] | None = None) -> Project:
    """Read and validate mkdocs.yml's ``sopbook`` options; without mkdocs.yml, the defaults (``./sop``).

    Raises ``ConfigError`` with every bad value at ``mkdocs.yml:line:column``.
    """
    path = find_config_file(config_file)
    if path is None:  # no mkdocs.yml to say the language: the user's (see i18n.from_environment)
        return Project(None, parse_options({"language": from_environment()}, Path.cwd()), {})
    try:
        text = read_text(path, root=None, limit=CONFIG_BYTES, what=path.name)
    except Refused as refused:
        raise ConfigError(f"{path}:1:1: {refused.reason}") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # one parse gives the positions and the values
        settings = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(_("options.invalid-yaml", where=where, detail=getattr(error, "problem", error))) from None
    finally:
        loader.dispose()
    settings = settings or {}
    if not isinstance(settings, dict):
        raise ConfigError(_("options.not-a-mapping", path=path))
    locate = _Locator(path, node)

    try:
        entries = plugin_entries(settings.get("plugins"))
    except ConfigError as error:
        raise ConfigError(f"{locate(('plugins',), top=True)}: {error.message}") from None
    raw = next((value for name, value in entries if name == "sopbook"), None)
    if raw is not None and not isinstance(raw, Mapping):
        raise ConfigError(_("options.plugin-not-a-mapping", where=locate(()), value=repr(raw)))
    material_tags = any(name in MATERIAL_TAGS_PLUGINS for name, _ in entries)
    options = parse_options(raw, path.resolve().parent, material_tags=material_tags, where=locate)
    return Project(path, options, settings)


def locator(path: Path) -> Callable[[tuple[str | int, ...]], str]:
    """``setting → mkdocs.yml:line:column`` for the options in ``path`` (the file name alone if it cannot be read)."""
    try:
        node = yaml.compose(read_text(path, root=None, limit=CONFIG_BYTES, what=path.name), Loader=_Loader)
    except (Refused, yaml.YAMLError):
        node = None
    return _Locator(path, node)


def find_sop_dir(path: str | os.PathLike[str] | None = None, project: Project | None = None) -> Path:
    """The knowledge base folder a command works on: ``path``, else the ``sop_dir`` option of mkdocs.yml.

    Relative to the working directory when it lies below it, so that problems print as ``sop/...``.
    """
    if path is None:
        configured = (project or load_project()).options.sop_dir
        try:
            folder = configured.relative_to(Path.cwd())
        except ValueError:
            folder = configured
    else:
        folder = Path(path)
    if not folder.exists():
        hint = "" if path is not None else _("validate.no-folder-hint")
        raise UsageError(_("validate.no-folder", folder=folder, hint=hint))
    if not folder.is_dir():
        raise UsageError(_("validate.not-a-folder", folder=folder))
    return folder


def language_of(config_file: str | os.PathLike[str] | None = None) -> str | None:
    """The plugin's ``language`` in mkdocs.yml (``ja`` when it names none), or None when there is no
    mkdocs.yml, it cannot be read or the language is not one of sopbook's; never raises.

    For speaking the knowledge base's language before (and while) its options are validated, so that
    even an error in another option is reported in that language.
    """
    try:
        path = find_config_file(config_file)
        if path is None:
            return None
        loader = _Loader(read_text(path, root=None, limit=CONFIG_BYTES, what=path.name))
        try:
            settings = loader.get_single_data()
        finally:
            loader.dispose()
        raw = next((value for name, value in plugin_entries(settings.get("plugins")) if name == "sopbook"), None)
        if raw is not None and not isinstance(raw, Mapping):
            return None  # options that cannot be read: their error is reported in the locale's language
        code = raw.get("language", DEFAULT_LANGUAGE) if raw is not None else DEFAULT_LANGUAGE
    except (Refused, yaml.YAMLError, ConfigError, AttributeError, OSError):
        return None
    return code if code in LANGUAGES else None


class _Locator:
    """``mkdocs.yml:line:column`` of a key path below the sopbook plugin's options (or below the top)."""

    def __init__(self, path: Path, root: yaml.Node | None) -> None:
        self.path = path
        self.root = root
        self.plugin = self._plugin_node(root)

    def __call__(self, setting: Iterable[str | int], *, top: bool = False) -> str:
        node = self.root if top else self.plugin
        found = node
        for part in setting:
            found = _child(found, part)
            if found is None:
                break
            node = found
        mark = node.start_mark if node is not None else None
        return f"{self.path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else f"{self.path}"

    @staticmethod
    def _plugin_node(root: yaml.Node | None) -> yaml.Node | None:
        plugins = _child(root, "plugins")
        if isinstance(plugins, yaml.MappingNode):
            return _child(plugins, "sopbook")
        if isinstance(plugins, yaml.SequenceNode):
            for entry in plugins.value:
                if isinstance(entry, yaml.MappingNode):
                    found = _child(entry, "sopbook")
                    if found is not None:
                        return found
        return plugins


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    """The value node under ``key`` of a mapping node (the key node when the value is empty)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key:
                empty = isinstance(value_node, yaml.ScalarNode) and value_node.value == ""
                return key_node if empty else value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None
