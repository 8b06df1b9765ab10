"""The plugin options that shape pages."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import Language
from ..i18n import language as language_for


@dataclass(frozen=True)
class RenderOptions:
    """The plugin options that shape pages (the same mapping ``mkdocs.yml`` gives the plugin)."""

    language: Language
    templates_dir: Path | None = None
    material_tags: bool = False
    """Leave the tag index to Material's tags plugin (its ``<!-- material/tags -->`` listing)."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | RenderOptions) -> RenderOptions:
        if isinstance(options, RenderOptions):
            return options
        folder = options.get("templates_dir")
        return cls(language_for(options.get("language")), Path(folder) if folder else None,
                   bool(options.get("material_tags", False)))

