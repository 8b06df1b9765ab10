"""Reading the knowledge base as it was at any commit, straight from git's object store.

Nothing here checks anything out or touches the working tree or the index: trees are listed with
``git ls-tree`` and file contents streamed through one ``git cat-file --batch`` process per run.
We call the git command line rather than a library: it is on every machine that has the repository
(CI installs it), it reads packs and alternates exactly as the user's own git does, and measured on
a 1,000-procedure history it delivers 1,000 blobs in about 40 ms, which is not where the time goes
(parsing and linting are; see benchmarks/bench_trend.py).

A folder that is not inside a git work tree, or a machine without git, gives ``Repository.find`` →
``None``: callers then work from the files on disk alone.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import UsageError
from .i18n import _

GIT_TIMEOUT = 120
"""Seconds one git call may take; a history walk that takes longer is stuck, not slow."""


@dataclass(frozen=True)
class Commit:
    id: str
    """The full object id."""
    date: dt.datetime
    """The committer date, with its time zone: when the change reached the branch."""

    @property
    def short(self) -> str:
        return self.id[:12]


def _environment() -> dict[str, str]:
    # The user's pager, language and a GIT_DIR from an outer hook must not change what we read.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(LC_ALL="C", GIT_PAGER="cat", GIT_OPTIONAL_LOCKS="0")
    return environment


class Repository:
    """A git work tree, read without changing it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def find(cls, folder: Path) -> Repository | None:
        """The repository holding ``folder``, or None when there is none (or no git)."""
        if shutil.which("git") is None:
            return None
        try:
            done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                                  env=_environment(), timeout=GIT_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode != 0:
            return None
        return cls(Path(done.stdout.decode("utf-8", "surrogateescape").strip()))

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(["git", *args], cwd=self.root, input=input, capture_output=True,
                                  env=_environment(), timeout=GIT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise UsageError(_("git.timeout", command=args[0], seconds=GIT_TIMEOUT, folder=self.root)) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(_("git.failed", command=args[0], detail=message[-1] if message else _("git.no-detail")))
        return done.stdout

    def relative(self, folder: Path) -> str:
        """``folder`` as a path inside the repository (``sop``), ``/``-separated."""
        inside = folder.resolve().relative_to(self.root.resolve())
        return PurePosixPath(*inside.parts).as_posix() if inside.parts else ""

    # --- commits ---------------------------------------------------------------------------------

    def head(self) -> Commit | None:
        """The checked-out commit, or None in a repository without commits yet."""
        try:
            return self.commit("HEAD")
        except UsageError:
            return None

    def commit(self, ref: str) -> Commit:
        """The commit a ref names: a commit id, tag or branch (``--end-of-options`` keeps it from being an option)."""
        out = self.git("log", "-1", "--format=%H %cI", "--end-of-options", f"{ref}^{{commit}}", "--")
        return _parse_commit_line(out.decode().strip())

    def commit_at(self, day: dt.date, ref: str = "HEAD") -> Commit | None:
        """The last commit on ``ref``'s first-parent line made on or before ``day`` (end of day, UTC)."""
        before = f"{day.isoformat()}T23:59:59+00:00"
        out = self.git("log", "-1", "--first-parent", f"--before={before}", "--format=%H %cI",
                       "--end-of-options", ref, "--").decode().strip()
        return _parse_commit_line(out) if out else None

    def commits(self, ref: str = "HEAD", since: dt.date | None = None, path: str | None = None) -> list[Commit]:
        """The first-parent history of ``ref`` (merges count once, as the branch saw them), oldest first."""
        args = ["log", "--first-parent", "--format=%H %cI"]
        if since is not None:
            args.append(f"--since={since.isoformat()}T00:00:00+00:00")
        args += ["--end-of-options", ref, "--"]
        if path:
            args.append(path)
        lines = self.git(*args).decode().split("\n")
        return [_parse_commit_line(line) for line in reversed(lines) if line.strip()]

    def resolve(self, ref: str) -> Commit:
        """``--at``: a date (YYYY-MM-DD: the last commit of that day) or anything git calls a commit."""
        try:
            day = dt.date.fromisoformat(ref)
        except ValueError:
            day = None
        if day is not None:
            found = self.commit_at(day)
            if found is None:
                raise UsageError(_("git.at-too-early", ref=ref))
            return found
        try:
            return self.commit(ref)
        except UsageError:
            raise UsageError(_("git.at-unknown", ref=ref, folder=self.root)) from None

    def dirty(self, path: str) -> bool:
        """Whether ``path`` has changes not committed (staged, unstaged or untracked files)."""
        out = self.git("status", "--porcelain", "--untracked-files=normal", "--", path or ".")
        return bool(out.strip())

    # --- trees and files -------------------------------------------------------------------------

    def tree_id(self, commit: Commit, path: str) -> str | None:
        """The object id of ``path``'s tree at ``commit`` (None when it did not exist yet)."""
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{commit.id}:{path}" if path else
                            f"{commit.id}^{{tree}}").decode().strip() or None
        except UsageError:
            return None

    def tree_ids(self, commits: list[Commit], path: str) -> dict[str, str]:
        """Commit id → the object id of ``path``'s tree there, for many commits in one ``git cat-file``."""
        wanted = list(dict.fromkeys(commit.id for commit in commits))
        if not wanted:
            return {}
        names = [f"{oid}:{path}" if path else f"{oid}^{{tree}}" for oid in wanted]
        out = self.git("cat-file", "--batch-check", input="".join(f"{name}\n" for name in names).encode())
        found: dict[str, str] = {}
        for oid, line in zip(wanted, out.decode("utf-8", "surrogateescape").splitlines(), strict=False):
            parts = line.split()
            if len(parts) == 3 and parts[1] == "tree":
                found[oid] = parts[0]
        return found

    def files(self, commit: Commit, path: str) -> dict[str, str]:
        """Every file below ``path`` at ``commit``: path relative to ``path`` → blob id."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", commit.id, "--", path or ".")
        found: dict[str, str] = {}
        prefix = f"{path}/" if path else ""
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            # Symlinks (120000) and submodules are not files of the knowledge base, just as on disk.
            if kind != "blob" or mode not in ("100644", "100755"):
                continue
            text = name.decode("utf-8", "surrogateescape")
            if text.startswith(prefix):
                found[text[len(prefix):]] = oid
        return found

    def blobs(self, oids: list[str], limit: int | None = None) -> dict[str, bytes]:
        """The contents of blobs by id, streamed through one ``git cat-file --batch``.

        A blob larger than ``limit`` bytes is returned cut at ``limit + 1`` bytes (enough for the
        loader to say it is too large without holding a pasted export in memory).
        """
        unique = list(dict.fromkeys(oids))
        if not unique:
            return {}
        out = self.git("cat-file", "--batch", input="".join(f"{oid}\n" for oid in unique).encode())
        found: dict[str, bytes] = {}
        position = 0
        for oid in unique:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            position = end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            content = out[position:position + size]
            found[oid] = content if limit is None or size <= limit else content[:limit + 1]
            position += size + 1
        return found

    def last_changed(self, path: str, ref: str = "HEAD") -> dict[str, tuple[dt.datetime, dt.datetime]]:
        """File below ``path`` (relative to it) → (first, last) committer date of the commits that touched it."""
        out = self.git("-c", "core.quotepath=off", "log", "--first-parent", "--format=%x01%cI", "--name-only",
                       "--no-renames", "--end-of-options", ref, "--", path or ".")
        found: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        prefix = f"{path}/" if path else ""
        date: dt.datetime | None = None
        for line in out.decode("utf-8", "surrogateescape").split("\n"):
            if line.startswith("\x01"):
                date = dt.datetime.fromisoformat(line[1:])
            elif line and date is not None and line.startswith(prefix):
                name = line[len(prefix):]
                known = found.get(name)
                # git log walks newest first: the first date seen is the last change, the final one the first.
                found[name] = (date, known[1]) if known else (date, date)
        return found


def _parse_commit_line(line: str) -> Commit:
    oid, _, date = line.partition(" ")
    return Commit(oid, dt.datetime.fromisoformat(date))
