"""``sopbook init`` and ``sopbook new``: a knowledge base and a skeleton that validate at once."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.fmt import format_file

runner = CliRunner()


def invoke(*arguments: str):
    return runner.invoke(cli, list(arguments), catch_exceptions=False)


def test_new_writes_a_skeleton_that_validates_and_only_warns_about_placeholders(make_kb) -> None:
    make_kb()
    result = invoke("new", "GA-010", "--title", "備品の棚卸し", "--department", "総務部", "--owner", "tanaka",
                    "--backup", "suzuki", "--category", "備品")
    assert result.exit_code == 0, result.output
    path = Path("sop/総務部/GA-010-備品の棚卸し.yaml")
    text = path.read_text(encoding="utf-8")
    assert "id: GA-010\ntitle: 備品の棚卸し\n" in text and "category: 備品\n" in text
    assert "# " in text  # commented: the skeleton explains itself

    assert invoke("validate").exit_code == 0
    lint = invoke("lint", "--format", "json")
    findings = [p for p in json.loads(lint.stdout)["problems"] if p["file"] == str(path)]
    assert findings, "the placeholders should be reported"
    assert {p["code"] for p in findings} == {"placeholder"}
    assert {p["severity"] for p in findings} == {"warning"}
    assert not format_file(path).changed  # the skeleton is already in fmt's shape


def test_new_without_backups_suggests_them(make_kb) -> None:
    make_kb()
    assert invoke("new", "GA-011", "--title", "Order business cards", "--department", "総務部",
                  "--owner", "sato").exit_code == 0
    text = Path("sop/総務部/GA-011-Order-business-cards.yaml").read_text(encoding="utf-8")
    assert "# backups: [" in text
    assert invoke("validate").exit_code == 0


def test_new_refuses_to_reuse_an_id(make_kb) -> None:
    make_kb()  # GA-001 exists in sop/総務部/GA-001.yaml
    result = invoke("new", "GA-001", "--title", "別の手順", "--department", "経理部", "--owner", "tanaka")
    assert result.exit_code == 2
    assert "id GA-001 is already used by sop/総務部/GA-001.yaml" in result.output
    assert not Path("sop/経理部").exists()


def test_new_refuses_to_overwrite_a_file(make_kb) -> None:
    make_kb()
    existing = make_kb.write("総務部/GA-020-名刺の発注.yaml", "# 書きかけ\n")
    result = invoke("new", "GA-020", "--title", "名刺の発注", "--department", "総務部", "--owner", "tanaka")
    assert result.exit_code == 2 and "already exists" in result.output
    assert existing.read_text(encoding="utf-8") == "# 書きかけ\n"


def test_new_checks_the_owner_and_the_id(make_kb) -> None:
    make_kb()
    result = invoke("new", "GA-030", "--title", "x", "--department", "総務部", "--owner", "tanka")
    assert result.exit_code == 2 and "did you mean 'tanaka'" in result.output
    result = invoke("new", "GA-030", "--title", "x", "--department", "総務部", "--owner", "yamada")
    assert result.exit_code == 2 and "has left" in result.output
    result = invoke("new", "../GA", "--title", "x", "--department", "総務部", "--owner", "tanaka")
    assert result.exit_code == 2 and "not a valid id" in result.output


def test_new_keeps_odd_titles_valid_yaml(make_kb) -> None:
    make_kb()
    assert invoke("new", "GA-040", "--title", "Note: #1 / 'quoted'", "--department", "総務部",
                  "--owner", "tanaka", "--backup", "suzuki").exit_code == 0
    (path,) = Path("sop/総務部").glob("GA-040*.yaml")
    assert "/" not in path.name.removesuffix(".yaml").replace("GA-040-", "")
    assert invoke("validate").exit_code == 0


def test_init_writes_a_knowledge_base_that_validates_and_lints_clean(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    result = invoke("init", "kb")
    assert result.exit_code == 0, result.output
    root = tmp_path / "kb"
    for name in ("mkdocs.yml", "README.md", ".pre-commit-config.yaml", ".github/workflows/sopbook.yml",
                 ".github/CODEOWNERS", ".vscode/settings.json", "templates/README.md", "sop/people.yaml",
                 "sop/wordlist.txt", "schema/procedure.schema.json", ".gitignore", "docs/.gitkeep"):
        assert (root / name).is_file(), name
    assert "@@" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    schema_file = next(iter(settings["yaml.schemas"]))
    assert (root / schema_file).is_file()
    assert json.loads((root / schema_file).read_text(encoding="utf-8"))["$id"] == "urn:sopbook:schema:v1:procedure"
    import yaml

    workflow = yaml.safe_load((root / ".github/workflows/sopbook.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key 'on' as true
    steps = workflow["jobs"]["check-and-build"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "sopbook lint --format github" in runs and "mkdocs build --strict" in runs
    assert "sopbook fmt --check" in runs
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "site/"

    monkeypatch.chdir(root)
    assert invoke("validate").exit_code == 0
    assert invoke("lint", "--strict").exit_code == 0
    assert invoke("fmt", "--check").exit_code == 0


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = invoke("init", str(tmp_path), "--language", "en")
    assert result.exit_code == 2 and "not empty" in result.output
    result = invoke("init", str(tmp_path))  # Japanese is the default
    assert result.exit_code == 2 and "は空ではありません" in result.output


def test_every_scaffold_language_has_the_same_files_and_settings() -> None:
    """The scaffolds are translations of one another: the same files, and apart from comments and the
    language the same CI, pre-commit, requirements and settings (a change to one must reach the others)."""
    import re

    from generator.i18n import DEFAULT, LANGUAGES

    data = Path(__file__).resolve().parents[1] / "generator" / "data"

    def tree(code: str) -> Path:
        return data / "scaffold" / code

    def files(root: Path) -> set[str]:
        # The example procedure's folder is the department's name in the language.
        return {re.sub(r"^sop/[^/]+/[^/]+\.yaml$", "sop/<department>/<example>.yaml", path.relative_to(root).as_posix())
                for path in root.rglob("*") if path.is_file()}

    def settings(path: Path, code: str) -> list[str]:
        lines = [re.sub(r"\s+#.*$", "", line) for line in path.read_text(encoding="utf-8").splitlines()
                 if not line.lstrip().startswith("#")]
        return [re.sub(rf"\b(language|lang): {code}\b", r"\1: <language>", line) for line in lines if line.strip()]

    for code in LANGUAGES:
        assert (data / "skeleton" / f"{code}.yaml").is_file(), code
        assert files(tree(code)) == files(tree(DEFAULT)), code
        for name in ("dot-github/workflows/sopbook.yml", "dot-pre-commit-config.yaml", "requirements.txt",
                     "dot-gitignore", "dot-vscode/extensions.json", "mkdocs.yml"):
            assert settings(tree(code) / name, code) == settings(tree(DEFAULT) / name, DEFAULT), (code, name)
