"""Incremental previews: ``mkdocs serve --dirty`` rebuilds only the pages an edit changed.

MkDocs' dirty mode skips a page when its HTML is newer than its source file, but pages generated in
memory have no source file and are always rebuilt, so one edited YAML file re-renders all 1,000
pages of a knowledge base (about 5 s here). During ``mkdocs serve --dirty`` the plugin therefore
writes each generated page to a folder that lives as long as the server, rewriting a file only when
its Markdown changed: an edit to one procedure then rebuilds that procedure's page and the pages
that list it (home, its owner's page, its tools' pages), not the rest.

The price is MkDocs' dirty-mode price: pages that were not rebuilt keep their old navigation until the
server restarts (a renamed procedure shows its old title in other pages' menus).
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

from .i18n import _

DIRTY_FROM_PROCEDURES = 200
"""``sopbook serve`` rebuilds only changed pages from this many procedures on (unless ``--no-dirty``):
there a full rebuild takes several seconds (16 s at 1,000), an incremental one under two."""


def choose_dirty(requested: bool | None, procedures: int) -> bool:
    """Whether ``sopbook serve`` runs MkDocs' dirty mode: as asked, else by the knowledge base's size."""
    return requested if requested is not None else procedures >= DIRTY_FROM_PROCEDURES


def full_rebuild_hint(procedures: int) -> str | None:
    """What the plugin tells someone running plain ``mkdocs serve`` on a large knowledge base."""
    if procedures < DIRTY_FROM_PROCEDURES:
        return None
    return _("serve.full-rebuild-hint", n=procedures, threshold=DIRTY_FROM_PROCEDURES)


class PreviewPages:
    """Generated pages as files on disk, touched only when their Markdown changes."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sopbook-preview-"))
        self._digests: dict[str, bytes] = {}

    def file(self, config: Any, path: str, markdown: str) -> File:
        """A MkDocs file for the generated page ``path``, backed by a file whose time changes with its text."""
        encoded = markdown.encode("utf-8")
        digest = hashlib.blake2b(encoded, digest_size=16).digest()
        target = self.folder / path
        if self._digests.get(path) != digest or not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(encoded)
            self._digests[path] = digest
        return File.generated(config, path, abs_src_path=str(target))

    def forget(self) -> None:
        """Write every page again on the next build, changed or not (its site page was overwritten)."""
        self._digests.clear()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
