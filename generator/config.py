"""Where a knowledge base's settings come from when MkDocs is not running: the sopbook entry of mkdocs.yml.

The MkDocs plugin gets its options from MkDocs; ``sopbook lint`` and friends read the same options
from the same file here, so both doors see one configuration.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from .errors import ConfigError
from .files import Refused, read_text

CONFIG_BYTES = 1024 * 1024
"""mkdocs.yml is a page or two; a megabyte is not a configuration."""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose ``!ENV`` and ``!!python/name:`` tags mean nothing outside MkDocs."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(cast(yaml.MappingNode, node))


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


@dataclass
class ProjectConfig:
    """The parts of mkdocs.yml that sopbook's commands need."""

    root: Path
    """The folder holding mkdocs.yml (or the working directory when there is none)."""
    config_file: Path | None
    options: dict[str, Any] = field(default_factory=dict)
    """The ``sopbook`` plugin's options as written (``sop_dir``, ``language``, ``lint``, ...)."""
    mkdocs: dict[str, Any] = field(default_factory=dict)

    @property
    def sop_dir(self) -> Path:
        return self.root / str(self.options.get("sop_dir", "sop"))


def plugin_options(mkdocs_config: dict[str, Any]) -> dict[str, Any]:
    """The options of the ``sopbook`` entry of ``plugins:`` (a list of names or one-key mappings, or a mapping)."""
    plugins = mkdocs_config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: value} for name, value in plugins.items()]
    for entry in plugins:
        if entry == "sopbook":
            return {}
        if isinstance(entry, dict) and "sopbook" in entry:
            return dict(entry["sopbook"] or {})
    return {}


def load_project_config(config_file: str | Path | None = None) -> ProjectConfig:
    """Read ``mkdocs.yml`` (or the given file). Without one, defaults apply: ``./sop``, no options."""
    path = Path(config_file) if config_file is not None else None
    if path is None:
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if os.path.lexists(name):  # a pipe or a link out is refused below, with the reason
                path = Path(name)
                break
    if path is None:
        return ProjectConfig(Path.cwd(), None)
    try:
        text = read_text(path, root=None, limit=CONFIG_BYTES, what=path.name)
        mkdocs_config = yaml.load(text, Loader=_TolerantLoader) or {}  # noqa: S506 - a SafeLoader
    except Refused as refused:
        raise ConfigError(f"{path}:1:1: {refused.reason}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(mkdocs_config, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    return ProjectConfig(path.resolve().parent, path, plugin_options(mkdocs_config), mkdocs_config)
