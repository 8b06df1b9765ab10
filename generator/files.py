"""The one way sopbook reads a file it did not write itself: knowledge base files, templates, registries,
mkdocs.yml, spreadsheets to import, hand-written docs pages.

The knowledge base arrives in pull requests, so a file in it may be anything a file name can stand for:
a symlink to ``~/.config/...`` (whose content would end up quoted in an error message or published on
the site), a named pipe (``open`` waits forever for a writer), ``/dev/zero`` (endless, and its size
says 0), or a 5 GB export. ``read_bytes`` therefore opens only regular files, refuses a path that
leaves its ``root`` through a symlink, reads at most ``limit`` bytes and gives up after ``timeout``
seconds. Every refusal is a ``Refused`` with a code and a sentence that never quotes the target of a
link (it may be a secret's path).
"""
from __future__ import annotations

import os
import stat
import time

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
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None, limit: int,
               timeout: float = READ_SECONDS, what: str = "file") -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes; raises ``Refused``.

    ``root``: the folder the file must stay in once symlinks are resolved (None: the caller named the
    file itself, e.g. on the command line). ``what`` names the file in messages ("procedure file").
    """
    if root is not None and not inside(path, root):
        folder = os.path.basename(os.path.realpath(root)) or str(root)
        raise Refused("outside-link", f"{what} is a symbolic link to a file outside the folder {folder}/; "
                                      f"sopbook reads only files inside it (copy the file in instead)")
    real = os.path.realpath(path)
    # O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer, forever.
    # O_NOFOLLOW on the resolved path: a link swapped in since realpath() fails instead of being followed.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(real, flags)
    except OSError as error:
        raise Refused("unreadable", f"cannot read {what}: {error.strerror or error}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not-a-file", f"{what} is {_kind(info.st_mode)}, not a regular file; sopbook reads "
                                        f"only regular files")
        if info.st_size > limit:
            raise Refused("file-too-large", _too_large(what, info.st_size, limit))
        deadline = time.monotonic() + timeout
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(handle, min(_CHUNK, limit + 1 - total))
            except BlockingIOError:  # a file system that answers "try again": wait a little, within the deadline
                chunk = None
            except OSError as error:
                raise Refused("unreadable", f"cannot read {what}: {error.strerror or error}") from None
            if chunk == b"":
                break
            if chunk:
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:  # it grew while being read
                    raise Refused("file-too-large", _too_large(what, total, limit))
            elif time.monotonic() < deadline:
                time.sleep(0.01)
            if time.monotonic() > deadline:
                raise Refused("unreadable", f"cannot read {what}: reading took longer than {timeout:g} s")
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
        raise Refused("encoding", f"{what} is not valid UTF-8 at line {line}; save it as UTF-8") from None


def _too_large(what: str, size: int, limit: int) -> str:
    return f"{what} is {_megabytes(size)}; at most {_megabytes(limit)} is read"


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size:,} bytes"
