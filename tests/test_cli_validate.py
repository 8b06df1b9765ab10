"""``sopbook validate`` and ``sopbook schema`` as a process owner and a CI script use them."""
from __future__ import annotations

import datetime as dt
import json
import os
import time

import jsonschema
from click.testing import CliRunner

from generator.cli import cli
from tests.support import DEMO_SOP


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_demo_knowledge_base_is_valid(monkeypatch) -> None:
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    result = run("validate", str(DEMO_SOP))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_errors_print_file_line_column_and_exit_1(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/bad.yaml", "id: GA-002\ntitle: t\ndepartment: 総務部\nowner: tanaka2\nsteps: [{title: a}]\n")
    result = run("validate")
    assert result.exit_code == 1
    assert ("sop/総務部/bad.yaml:4:8: error unknown-person: owner 'tanaka2' is not in sop/people.yaml "
            "(did you mean 'tanaka'?)") in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "1 error(s), 0 warning(s) in 1 file(s)"


def test_json_format(make_kb) -> None:
    make_kb()
    make_kb.write("x.yaml", "id: X\ntitle: t\ndepartment: d\nowner: tanaka\nsteps: [{title: a, tool: excel}]\n")
    result = run("validate", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["problems"] == [{
        "code": "unknown-tool", "severity": "error", "file": "sop/x.yaml", "line": 5, "column": 26,
        "message": "step 1 tool 'excel' is not in sop/tools.yaml", "procedure": "X"}]
    assert document["summary"] == {"errors": 1, "warnings": 0, "infos": 0, "files": 1}


def test_github_format(make_kb) -> None:
    make_kb()
    make_kb.write("x.yaml", "id: X\ntitle: t\ndepartment: d\nowner: tanaka\nstatus: done\nsteps: [{title: a}]\n")
    result = run("validate", "-f", "github")
    assert result.stdout.startswith("::error file=sop/x.yaml,line=5,col=9,title=invalid-value::status is 'done'")


def test_usage_errors_exit_2(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "no knowledge base folder at 'sop'" in result.output
    assert CliRunner().invoke(cli, ["validate", "--format", "xml"]).exit_code == 2
    (tmp_path / "file").write_text("x")
    assert CliRunner().invoke(cli, ["validate", "file"]).exit_code == 2


def test_sop_dir_comes_from_mkdocs_yml(make_kb) -> None:
    make_kb()
    (make_kb.root / "sop").rename(make_kb.root / "procedures")
    (make_kb.root / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions"
        ".emoji.twemoji\nplugins:\n  - search\n  - sopbook:\n      sop_dir: procedures\n", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 0, result.output


def test_cache_gives_the_same_answer_and_notices_changes(make_kb, monkeypatch, user_cache_dir) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    first = run("validate")
    assert first.exit_code == 0 and list((user_cache_dir / "sopbook").glob("*/sources.pickle"))
    assert not (make_kb.root / ".sopbook-cache").exists()
    assert run("validate").stdout == first.stdout
    path = make_kb.sop / "総務部" / "GA-001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("owner: tanaka", "owner: tanaka3"), encoding="utf-8")
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    changed = run("validate")
    assert changed.exit_code == 1 and "owner 'tanaka3'" in changed.stdout
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp + 5, stamp + 5))
    assert run("validate").exit_code == 0


def test_schema_command_prints_the_shipped_schema_and_it_accepts_the_demo() -> None:
    import yaml

    procedure_schema = json.loads(run("schema").stdout)
    assert procedure_schema["required"] == ["id", "title", "department", "owner"]

    def as_json(value: object) -> object:
        """The schema speaks JSON: YAML's dates are written as strings there."""
        if isinstance(value, dict):
            return {key: as_json(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_json(item) for item in value]
        return str(value) if isinstance(value, dt.date) else value

    for path in sorted(DEMO_SOP.rglob("*.yaml")):
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        if path.parent == DEMO_SOP:
            jsonschema.validate(data, json.loads(run("schema", path.stem).stdout))
            continue
        jsonschema.validate(data, procedure_schema)


def test_every_command_is_registered_and_loads() -> None:
    """The CLI imports a command's module only when it runs; the table must name every command."""
    import importlib

    from generator.cli import COMMAND_MODULES

    defined = {}
    for module in set(COMMAND_MODULES.values()):
        for command in importlib.import_module(f"generator.cli.{module}").COMMANDS:
            defined[command.name] = module
    assert defined == COMMAND_MODULES
    for name in COMMAND_MODULES:
        result = run(name, "--help")
        assert result.exit_code == 0, (name, result.output)
