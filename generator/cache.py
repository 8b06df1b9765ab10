"""A cache of parsed files and of whole results, so that a run on an unchanged knowledge base is instant.

Two layers, both in the user's cache folder (``~/.cache/sopbook/`` on Linux; safe to delete at any time),
in a folder of their own for each knowledge base (by its absolute path) and sopbook version:

* per file, keyed by the file's path, size and modification time: the loaded ``Source`` with its
  schema problems, so a change to one of 10,000 files parses one file;
* per run, keyed by the stamp (path, size, mtime) of every file plus the options: the final result
  (for instance the sorted problem list of ``validate``), so an unchanged knowledge base costs a
  directory walk and one small read.

The knowledge base arrives in pull requests, and a pickle runs code when it is loaded. So the cache
never lives in the working tree (a pull request could add a crafted ``.sopbook-cache/`` there), and
every entry carries a keyed hash whose key lives beside the cache, outside the repository: an entry
that sopbook did not write itself is never unpickled.

A file edited twice within one tick of the file system's clock keeps its size and modification time;
as git does with its "racy" index entries, an entry for a file modified shortly before it was read
is trusted only after its content is compared (``RACY_NS``).

A cache that cannot be read or written is ignored; it never changes a result, only its speed.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
import threading
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__

_FORMAT = 2
KEY_FILE = "key"
"""The secret that authenticates every entry, in the cache root (never in a repository)."""

RACY_NS = 2_000_000_000
"""A file modified less than this before it was read may change again without its stamp changing:
timestamps tick in 1 ns to 2 s steps by file system (FAT: 2 s), and the kernel stamps files from a
clock that lags the system clock by up to a scheduler tick. Its entry is then checked by content."""


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


def racy(mtime_ns: int, read_at_ns: int) -> bool:
    """Whether a file with this modification time, read at ``read_at_ns``, may change without its stamp changing."""
    return mtime_ns >= read_at_ns - RACY_NS


def stamp(paths: Iterable[Path], *extra: object) -> str | None:
    """A key that changes when any file is added, removed, resized or touched, or when ``extra`` changes.

    ``None`` when a file was modified too recently for its stamp to prove it unchanged later (``racy``).
    """
    now = time.time_ns()
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{code_stamp()}/{extra!r}".encode())
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            hasher.update(f"{path}\0missing\n".encode())
            continue
        if racy(info.st_mtime_ns, now):
            return None
        hasher.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode())
    return hasher.hexdigest()


def cache_root() -> Path:
    """``SOPBOOK_CACHE_DIR``, else the user's cache folder for sopbook (XDG on Linux)."""
    override = os.environ.get("SOPBOOK_CACHE_DIR")
    if override:
        return Path(override).resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sopbook", appauthor=False)).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _repository(sop_dir: Path) -> list[Path]:
    """The folders a pull request to this knowledge base can write: beside ``sop/``, and its git work tree."""
    folders = [sop_dir.parent]
    for folder in (sop_dir, *sop_dir.parents):
        if (folder / ".git").exists():
            folders.append(folder)
            break
    return folders


class Cache:
    """A folder of authenticated pickles. ``Cache(None)`` is a cache that remembers nothing."""

    def __init__(self, folder: Path | None, key_file: Path | None = None) -> None:
        self.folder = folder
        self.key_file = key_file if key_file is not None else (folder.parent / KEY_FILE if folder else None)
        self._key: bytes | None = None

    @classmethod
    def beside(cls, sop_dir: Path, enabled: bool = True) -> Cache:
        """The cache of the knowledge base in ``sop_dir``: in the user's cache folder, never in its repository."""
        if not enabled or os.environ.get("SOPBOOK_NO_CACHE"):
            return cls(None)
        knowledge_base = sop_dir.resolve()
        root = cache_root()
        # A cache root inside the knowledge base's repository is one a pull request can write to.
        if any(_inside(root, folder) for folder in _repository(knowledge_base)):
            return cls(None)
        name = hashlib.blake2b(f"{knowledge_base}\0{__version__}".encode(), digest_size=12).hexdigest()
        return cls(root / name, root / KEY_FILE)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _secret(self, create: bool) -> bytes | None:
        """The key that authenticates entries: 32 random bytes, readable by this user only."""
        if self._key is not None or self.key_file is None:
            return self._key
        try:
            self._key = self.key_file.read_bytes()
        except OSError:
            if not create:
                return None
            try:
                self.key_file.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as out:
                    out.write(secrets.token_bytes(32))
                self._key = self.key_file.read_bytes()
            except OSError:
                return None
        if len(self._key) < 32:  # a truncated or foreign key authenticates nothing
            self._key = None
        return self._key

    @staticmethod
    def _tag(key: bytes, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=key[:64], digest_size=32).digest()

    def get(self, name: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        secret = self._secret(create=False)
        if secret is None:
            return None
        try:
            data = (self.folder / f"{name}.pickle").read_bytes()
        except OSError:
            return None
        tag, payload = data[:32], data[32:]
        if not hmac.compare_digest(tag, self._tag(secret, payload)):
            return None  # not written by sopbook with this user's key: never unpickled
        try:
            # S301: only after the tag proved that sopbook wrote this entry with this user's key.
            stored_key, value = pickle.loads(payload)  # noqa: S301
        except Exception:  # noqa: BLE001 - an entry of an older format is simply a miss
            return None
        return value if stored_key == key else None

    def put(self, name: str, key: str, value: Any, background: bool = False) -> None:
        """Store ``value`` under ``key``. ``background`` writes from a forked process, so the command need
        not wait: pickling the sources of 10,000 procedures (30 MB) takes longer than the rest of a warm run.
        """
        if self.folder is None or self._secret(create=True) is None:
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
        secret = self._secret(create=True)
        if self.folder is None or secret is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
            # Write then rename, so a reader never sees half an entry.
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(handle, "wb") as out:
                out.write(self._tag(secret, payload))
                out.write(payload)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except Exception:  # noqa: BLE001 - a read-only cache folder still validates, just slower
            return
