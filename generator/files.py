"""The one way sopbook reads a file it did not write itself: knowledge base files, templates, registries,
mkdocs.yml, spreadsheets to import, hand-written docs pages.

The knowledge base arrives in pull requests, so a file in it may be anything a file name can stand for:
a symlink to ``~/.config/...`` (whose content would end up quoted in an error message or published on
the site), a named pipe (``open`` waits forever for a writer), ``/dev/zero`` (endless, and its size
says 0), or a 5 GB export. ``read_bytes`` therefore opens only regular files, refuses a path that
leaves its ``root`` through a symlink, reads at most ``limit`` bytes and gives up after ``timeout``
seconds without progress. Every refusal is a ``Refused`` with a code and a sentence that never quotes the target of a
link (it may be a secret's path).
"""
from __future__ import annotations

import os
import stat
import time
from typing import BinaryIO

from .i18n import _

MB = 1024 * 1024
READ_SECONDS = 10.0
"""A local file of a few megabytes reads in milliseconds; ten seconds means a stuck network drive."""
_CHUNK = 1024 * 1024


class Refused(Exception):
    """A file that sopbook will not read; ``code`` is the problem code, ``reason`` the sentence."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``path``, with every symlink resolved, lies in ``root`` (also resolved)."""
    return _within(os.path.realpath(path), os.path.realpath(root))


def _within(real: str, top: str) -> bool:
    """Whether the resolved path ``real`` is the resolved folder ``top`` or lies in it."""
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


class Folder(str):
    """A folder's path with every symlink resolved, once: the ``root`` of the many files read below it.

    ``read_bytes`` resolves a plain ``root`` on every call; validating 10,000 files below one folder
    resolved it 10,000 times (an ``lstat`` per path component each time, 0.07 s in all).
    """

    __slots__ = ()

    def __new__(cls, path: str | os.PathLike[str]) -> Folder:
        return super().__new__(cls, os.path.realpath(path))


WHATS = ("file", "procedure", "registry", "template", "spreadsheet", "wordlist")
"""The kinds of file ``what`` may name (each a word in the catalogue); anything else is a file name."""


def _what(what: str) -> str:
    return _(f"files.what.{what}") if what in WHATS else what


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("files.kind.folder")
    if stat.S_ISFIFO(mode):
        return _("files.kind.pipe")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("files.kind.device")
    if stat.S_ISSOCK(mode):
        return _("files.kind.socket")
    return _("files.kind.other")


# O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer, forever.
# O_NOFOLLOW: the last part of the path is not followed if it is a link (see ``_open_checked``).
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_checked(path: str | os.PathLike[str], root: str | os.PathLike[str] | None, limit: int,
                  what: str, walked: bool = False) -> tuple[int, os.stat_result]:
    """An open descriptor of the regular file ``path`` (inside ``root``, at most ``limit`` bytes) and its
    status; raises ``Refused``. The caller closes the descriptor. ``walked``: see ``read_bytes``."""
    handle = -1
    if walked and root is not None and _NOFOLLOW:
        # No folder between root and the file is a link (the walk did not follow any), so the file lies in
        # root unless it is a link itself, and O_NOFOLLOW refuses to open a link. Any failure (a link: ELOOP)
        # takes the full check below, which words it. Resolving every path cost 0.15-0.2 s of CPU at 10,000
        # files (an lstat and Python's bookkeeping per path component).
        try:
            handle = os.open(path, _FLAGS | _NOFOLLOW)
        except OSError:
            handle = -1
    if handle < 0:
        # Resolved once: the containment check and the open below use the same path.
        real = os.path.realpath(path)
        if root is not None:
            top = root if isinstance(root, Folder) else os.path.realpath(root)
            if not _within(real, top):
                folder = os.path.basename(top) or str(root)
                raise Refused("outside-link", _("files.outside-link", what=_what(what), folder=folder))
        # O_NOFOLLOW on the resolved path: a link swapped in since realpath() fails instead of being followed.
        try:
            handle = os.open(real, _FLAGS | _NOFOLLOW)
        except OSError as error:
            raise Refused("unreadable", _("files.unreadable", what=_what(what),
                                          reason=error.strerror or error)) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not-a-file", _("files.not-a-file", what=_what(what), kind=_kind(info.st_mode)))
        if info.st_size > limit:
            raise Refused("file-too-large", too_large(what, info.st_size, limit))
    except Refused:
        os.close(handle)
        raise
    return handle, info


def size_of(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None, limit: int,
            what: str = "file") -> int:
    """The size of ``path`` once it passed ``read_bytes``'s checks (regular, inside ``root``, at most
    ``limit`` bytes), without reading it: for files that are copied, not read (screenshots, attachments)."""
    handle, info = _open_checked(path, root, limit, what)
    os.close(handle)
    return info.st_size


def open_binary(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None, limit: int,
                what: str = "file") -> BinaryIO:
    """``path`` opened for reading once it passed ``read_bytes``'s checks, for a library that reads only
    part of it (an image's header); raises ``Refused``."""
    handle, _info = _open_checked(path, root, limit, what)
    os.set_blocking(handle, True)  # a regular file: the non-blocking open only guarded against a pipe
    return os.fdopen(handle, "rb")


def read_bytes(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None, limit: int,
               timeout: float = READ_SECONDS, what: str = "file", walked: bool = False) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes; raises ``Refused``.

    ``root``: the folder the file must stay in once symlinks are resolved (None: the caller named the
    file itself, e.g. on the command line); a ``Folder`` is resolved already. ``what`` names the file
    in messages: one of ``WHATS`` ("procedure": "procedure file" in English, 「手順ファイル」 in
    Japanese) or a file name. ``walked``: the caller promises that ``path`` is ``root`` (as it was
    named to ``os.walk``) joined with names found by ``os.walk`` without following links, so only the
    file itself may be a link; the path is then resolved only when it is one.
    """
    handle, _info = _open_checked(path, root, limit, what, walked)
    try:
        deadline = time.monotonic() + timeout
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(handle, min(_CHUNK, limit + 1 - total))
            except BlockingIOError:  # a file system that answers "try again": wait a little, within the deadline
                chunk = None
            except OSError as error:
                raise Refused("unreadable", _("files.unreadable", what=_what(what),
                                              reason=error.strerror or error)) from None
            if chunk == b"":
                break
            if chunk:
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:  # it grew while being read
                    raise Refused("file-too-large", too_large(what, total, limit))
                # The deadline is for a read that makes no progress (a stuck network drive). A read that
                # returned bytes restarts it: a build starved of CPU (nice 19 on a loaded runner) may be
                # descheduled for seconds between two reads of a healthy file, and must not refuse it;
                # the size limit still bounds a file that trickles.
                deadline = time.monotonic() + timeout
                continue
            if time.monotonic() > deadline:
                raise Refused("unreadable", _("files.too-slow", what=_what(what), seconds=f"{timeout:g}"))
            time.sleep(0.01)
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_text(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None, limit: int,
              timeout: float = READ_SECONDS, what: str = "file") -> str:
    """``read_bytes`` decoded as UTF-8 (a BOM is dropped); undecodable text is ``Refused`` with its line."""
    raw = read_bytes(path, root=root, limit=limit, timeout=timeout, what=what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise Refused("encoding", _("files.not-utf8", what=_what(what), line=line)) from None


def too_large(what: str, size: int, limit: int) -> str:
    """The sentence for a file of ``size`` bytes over its ``limit``, naming it as ``what`` (see ``WHATS``)."""
    return _("files.too-large", what=_what(what), size=_megabytes(size), limit=_megabytes(limit))


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size:,} bytes"
