"""Shared fixtures: the demo knowledge base, a factory for small knowledge bases written to disk, and the
``--regen-golden`` option that rewrites the golden files instead of comparing with them."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT, KnowledgeBaseFactory


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from what the code produces now (then review the diff).")


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True under ``pytest --regen-golden``: golden tests write their expected files instead of comparing."""
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(autouse=True)
def user_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own user cache folder (where sopbook keeps its cache), so none reads another's."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("SOPBOOK_CACHE_DIR", raising=False)
    return folder


@pytest.fixture
def make_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBaseFactory:
    """A knowledge base factory rooted in tmp_path, with the working directory there (paths print as sop/...)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    return KnowledgeBaseFactory(tmp_path)


@pytest.fixture
def demo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's knowledge base (sop/, templates/, mkdocs.yml, docs/) to change freely."""
    for name in ("sop", "templates", "docs"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns(".sopbook-cache"))
    for name in ("mkdocs.yml",):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    return tmp_path


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read messages in English unless the knowledge base's mkdocs.yml says otherwise (the product's
    default is Japanese: tests of Japanese messages set ``language: ja`` or call ``activate("ja")``).

    Without a language in mkdocs.yml the commands follow the locale (``i18n.from_environment``): English
    here, whatever the machine running the tests is set to."""
    from generator import i18n

    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "en")

    i18n.activate("en")
    yield
    i18n.activate(i18n.DEFAULT)
