"""A cache of parsed files and of whole results, so that a run on an unchanged knowledge base is instant.

Two layers, both in ``.sopbook-cache/`` beside the ``sop/`` folder (safe to delete at any time):

* per file, keyed by the file's content digest: the loaded ``Source`` with its schema problems, so a
  change to one of 10,000 files parses one file;
* per run, keyed by the stamp (path, size, mtime) of every file plus the options: the final result
  (for instance the sorted problem list of ``validate``), so an unchanged knowledge base costs a
  directory walk and one small read.

A cache that cannot be read or written is ignored; it never changes a result, only its speed.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__

_FORMAT = 1
DIRNAME = ".sopbook-cache"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_stamp() -> str:
    """Changes whenever sopbook's own code, schemas or messages change, or messages are written in
    another language, so no result outlives the code (or the language) that made it."""
    from .i18n import active

    return f"{_code_files_stamp()}/{active().code}"


@cache
def _code_files_stamp() -> str:
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{__version__}/{_FORMAT}".encode())
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.json"), *package.rglob("*.mo")]):
        try:
            info = path.stat()
        except OSError:
            continue
        hasher.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return hasher.hexdigest()


def stamp(paths: Iterable[Path], *extra: object) -> str:
    """A key that changes when any file is added, removed, resized or touched, or when ``extra`` changes."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{code_stamp()}/{extra!r}".encode())
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            hasher.update(f"{path}\0missing\n".encode())
            continue
        hasher.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode())
    return hasher.hexdigest()


class Cache:
    """A folder of pickles. ``Cache(None)`` is a cache that remembers nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def beside(cls, sop_dir: Path, enabled: bool = True) -> Cache:
        if not enabled or os.environ.get("SOPBOOK_NO_CACHE"):
            return cls(None)
        override = os.environ.get("SOPBOOK_CACHE_DIR")
        return cls(Path(override) if override else sop_dir.resolve().parent / DIRNAME)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, name: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                stored_key, value = pickle.load(handle)  # noqa: S301 - issue 11 moves the cache out of the pull request's reach
        except Exception:  # noqa: BLE001 - a missing, old or damaged cache is simply a miss
            return None
        return value if stored_key == key else None

    def put(self, name: str, key: str, value: Any, background: bool = False) -> None:
        """Store ``value`` under ``key``. ``background`` writes from a forked process, so the command need
        not wait: pickling the sources of 10,000 procedures (30 MB) takes longer than the rest of a warm run.
        """
        if self.folder is None:
            return
        if (background and hasattr(os, "fork") and threading.active_count() == 1
                and self._write_in_background(name, key, value)):
            return
        self._write(name, key, value)

    def _write_in_background(self, name: str, key: str, value: Any) -> bool:
        # Fork twice: the grandchild writes and is reaped by init, the child is reaped here at once,
        # so no zombie is left behind in a long-running caller.
        try:
            child = os.fork()
        except OSError:
            return False
        if child == 0:
            try:
                if os.fork() == 0:
                    self._write(name, key, value)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        return True

    def _write(self, name: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            # Write then rename, so a reader never sees half a pickle.
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(handle, "wb") as out:
                pickle.dump((key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except Exception:  # noqa: BLE001 - a read-only checkout still validates, just slower
            return
