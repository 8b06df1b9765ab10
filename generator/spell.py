"""``sopbook spell``: aspell, through pyspelling, over the English text of the generated procedure pages.

The pages are what readers see, so they are what is checked: ``render_pages`` renders them in
memory, they are written to a temporary folder with their Japanese text blanked out, and pyspelling
runs the shipped configuration (``generator/data/pyspelling.yml``: Markdown → HTML, code and URLs
skipped) with the knowledge base's word list (``sop/wordlist.txt``, one word a line, ``#`` comments).
Each unknown word is then found again in the procedure's YAML file, so the report names the line
the author must change, not a page they never edit.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import SopbookError, UsageError
from .files import Refused, read_text
from .i18n import Language, _, catalogue
from .load import MAX_FILE_BYTES, MAX_REGISTRY_BYTES, display_path
from .problems import Problem, Severity
from .render import Page

WORDLIST = "wordlist.txt"
TEMPLATE_WORDS = ["KPI", "KPIs", "FAQ", "SLA"]
"""Words sopbook's own templates put on every page, so no knowledge base has to list them."""
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")


def own_words(language: Language) -> list[str]:
    """Every word of sopbook's own labels and messages in ``language`` ("Approver", "Backups"): the
    pages print them, and a knowledge base must not have to list them (nor be told to fix them)."""
    return sorted({word for text in catalogue(language.code).values() for word in _LATIN_WORD.findall(text)})


def placeholder_words(words: Iterable[str]) -> list[str]:
    """The placeholder rule's words (TODO, TBD) as aspell sees them: that rule reports them, with a
    better message than "unknown word"."""
    found: set[str] = set()
    for phrase in words:
        for word in _LATIN_WORD.findall(phrase):
            found |= {word, word.lower(), word.upper(), word.capitalize()}
    return sorted(found)
CODE = "spelling"

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# Kana, kanji, CJK punctuation and full-width forms: blanked out so that aspell sees only the
# Latin text between them ("kintoneの設定" → "kintone   ").
_ID_LIKE = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9_.]*-[0-9][A-Za-z0-9_.-]*")
"""Procedure and task ids such as GA-001 or ACC-002: names, not words."""
_JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


@dataclass(frozen=True)
class Misspelling:
    word: str
    page: Page


def check_aspell(language: str) -> str:
    """The aspell binary; a usage error a person can act on when it or the dictionary is missing."""
    binary = shutil.which("aspell")
    if binary is None:
        raise UsageError(_("spell.no-aspell"))
    dictionaries = subprocess.run([binary, "dump", "dicts"], capture_output=True, text=True, check=False).stdout.split()
    if language not in dictionaries:
        raise UsageError(_("spell.no-dictionary", language=language,
                           dictionaries=", ".join(dictionaries) or _("none")))
    return binary


def english_only(markdown: str) -> str:
    """The page as aspell should see it: no front matter, Japanese blanked out, lines kept."""
    markdown = _FRONT_MATTER.sub(lambda match: "\n" * match.group(0).count("\n"), markdown)
    markdown = _ID_LIKE.sub(lambda match: " " * len(match.group(0)), markdown)
    return _JAPANESE.sub(lambda match: " " * len(match.group(0)), markdown)


def read_wordlist(path: Path) -> list[str]:
    if not os.path.lexists(path):
        return []
    try:
        text = read_text(path, root=path.parent, limit=MAX_FILE_BYTES, what="wordlist")
    except Refused as refused:
        raise SopbookError(f"{display_path(path)}:1:1: {refused.reason}") from None
    words = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def find_misspellings(pages: Iterable[Page], wordlist: list[str], language: str = "en_US",
                      jobs: int | None = None) -> list[Misspelling]:
    """Run pyspelling over ``pages``; one record per unknown word per page."""
    import pyspelling

    binary = check_aspell(language)
    pages = list(pages)
    found: list[Misspelling] = []
    with tempfile.TemporaryDirectory(prefix="sopbook-spell-") as folder:
        root = Path(folder)
        by_file: dict[str, Page] = {}
        for index, page in enumerate(pages):
            target = root / "pages" / f"{index:05d}.md"  # page paths may hold any character; these do not
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(english_only(page.markdown), encoding="utf-8")
            by_file[str(target)] = page
        words_file = root / "wordlist.txt"
        words_file.write_text("".join(word + "\n" for word in [*TEMPLATE_WORDS, *wordlist]), encoding="utf-8")
        config = (resources.files("generator") / "data" / "pyspelling.yml").read_text(encoding="utf-8")
        for token, value in (("@@PAGES@@", str(root / "pages")), ("@@LANG@@", language),
                             ("@@EXTRA_LANG@@", "en_US" if language == "en_GB" else "en_GB"),
                             ("@@WORDLIST@@", str(words_file)), ("@@DICTIONARY@@", str(root / "words.dic"))):
            config = config.replace(token, value)
        config_file = root / "pyspelling.yml"
        config_file.write_text(config, encoding="utf-8")
        for result in pyspelling.spellcheck(str(config_file), binary=binary, checker="aspell", jobs=jobs):
            if result.error:
                raise UsageError(_("spell.pyspelling-failed", detail=result.error))
            checked = by_file.get(result.context.split(": ", 1)[0])  # "<file>: html>body>p"
            if checked is None:
                continue
            for word in dict.fromkeys(result.words):
                found.append(Misspelling(word, checked))
    return found


def locate(misspellings: Iterable[Misspelling], wordlist_path: str, registries: Iterable[str] = ()) -> list[Problem]:
    """Problems at the lines where each unknown word is written: the procedure file, else a registry
    (a tool's name in tools.yaml shows on every page that uses the tool)."""
    problems: list[Problem] = []
    texts: dict[str, list[str]] = {}
    registries = list(registries)

    def lines_of(path: str) -> list[str]:
        if path not in texts:
            try:
                texts[path] = read_text(path, root=None, limit=MAX_REGISTRY_BYTES).splitlines()
            except Refused:
                texts[path] = []
        return texts[path]

    for misspelling in misspellings:
        source = misspelling.page.source or misspelling.page.path
        pattern = re.compile(rf"(?<![A-Za-z]){re.escape(misspelling.word)}(?![A-Za-z])")
        message = _("spell.unknown-word", word=misspelling.word, wordlist=wordlist_path)
        for path in [source, *registries]:
            places = [(number, match.start() + 1) for number, line in enumerate(lines_of(path), start=1)
                      if not line.lstrip().startswith("#") and (match := pattern.search(line))]
            if places:
                break
        else:
            problems.append(Problem(source, 1, 1, CODE, Severity.ERROR,
                                    message + _("spell.from-template", page=misspelling.page.path)))
            continue
        line, column = places[0]
        also = sorted({number for number, _column in places[1:]} - {line})
        if also:
            message += _("spell.also-on-lines" if len(also) > 1 else "spell.also-on-line",
                         lines=", ".join(map(str, also)))
        problems.append(Problem(path, line, column, CODE, Severity.ERROR, message))
    return sorted(set(problems))
