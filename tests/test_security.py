"""A hostile pull request: what it may put in the knowledge base, and what sopbook must not do with it.

Each test plays the attacker of issue 11 against the real commands (no mocks): a crafted cache entry,
markup in names and Markdown, newlines in values, file names built to rewrite CODEOWNERS, formulas
for a spreadsheet.
"""
from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- 1. nothing from the working tree is deserialised ---------------------------------------------------


class _Payload:
    """A pickle that creates ``marker`` when it is loaded: what a crafted cache entry could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def _plant(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sources", "validate", "lint", "report", "model"):
        (folder / f"{name}.pickle").write_bytes(pickle.dumps(("any key", _Payload(marker))))


def test_a_cache_committed_to_the_repository_is_never_unpickled(make_kb, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    marker = tmp_path / "code-ran"
    _plant(make_kb.root / ".sopbook-cache", marker)  # what a pull request can force-add
    _plant(make_kb.sop / ".sopbook-cache", marker)
    for command in (["validate"], ["lint"], ["report", "single-owner"], ["codeowners", "--check"]):
        result = CliRunner().invoke(cli, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert not marker.exists(), f"sopbook {' '.join(command)} ran code from the working tree"


def test_an_entry_sopbook_did_not_write_is_never_unpickled(make_kb, monkeypatch, tmp_path, user_cache_dir) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    past = time.time() - 60
    for path in make_kb.sop.rglob("*.yaml"):
        os.utime(path, (past, past))
    assert run("validate").exit_code == 0
    folders = [path for path in (user_cache_dir / "sopbook").iterdir() if path.is_dir()]
    assert len(folders) == 1 and (folders[0] / "sources.pickle").is_file()
    key_file = user_cache_dir / "sopbook" / "key"
    assert key_file.stat().st_mode & 0o077 == 0, "the key is readable by other users"
    marker = tmp_path / "code-ran"
    _plant(folders[0], marker)  # replaced by someone without the key
    assert run("validate").exit_code == 0
    assert run("lint").exit_code == 0
    assert not marker.exists()


def test_a_cache_folder_inside_the_repository_is_not_used(make_kb, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    monkeypatch.setenv("SOPBOOK_CACHE_DIR", str(make_kb.root / "cache"))
    make_kb()
    marker = tmp_path / "code-ran"
    assert run("validate").exit_code == 0
    assert not (make_kb.root / "cache").exists()
    _plant(make_kb.root / "cache", marker)
    assert run("validate").exit_code == 0 and not marker.exists()


def _same_size_same_mtime_edit(path: Path, old: str, new: str) -> None:
    """Change ``path`` without changing its size or modification time, as two saves within one tick do."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_an_edit_within_one_clock_tick_is_not_served_from_the_cache(make_kb, monkeypatch) -> None:
    """git's "racy" rule: a file modified just before it was read is checked by content next time."""
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    path = make_kb.sop / "総務部" / "GA-001.yaml"
    assert run("validate").exit_code == 0
    _same_size_same_mtime_edit(path, "owner: tanaka", "owner: tanakx")
    result = run("validate")
    assert result.exit_code == 1 and "owner 'tanakx'" in result.stdout, result.stdout
    _same_size_same_mtime_edit(path, "owner: tanakx", "owner: tanaka")
    lint = run("lint")
    assert "tanakx" not in lint.stdout
    _same_size_same_mtime_edit(path, "owner: tanaka", "owner: tanakx")
    assert "owner 'tanakx'" in run("lint").stdout
