"""`iaclint mcp`: started as a real subprocess, spoken to with the MCP SDK's own stdio client.

Each test starts `python -m iaclint mcp` in a temporary git repository and makes its calls in one
session (bounded by a timeout), so what is tested is what an agent's MCP client sees. The
confinement and size bounds are also tested in-process, without the SDK.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iaclint import mcp_server
from iaclint.core.record import fields
from iaclint.pipeline import RunOptions
from tests.conftest import _GIT_ENV, DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, REPO_ROOT, init_repo

HAS_PATCH_INPUT = "patch_text" in fields(RunOptions)
needs_patch_input = pytest.mark.skipif(
    not HAS_PATCH_INPUT, reason="RunOptions has no patch_text yet (the patch input of issue 8 has not landed)"
)
SESSION_TIMEOUT = 90  # seconds for one whole session; a hung server fails the test instead of the suite


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def session(cwd: Path, calls: list[tuple[str, dict]], args: tuple[str, ...] = ()) -> tuple[list[str], list]:
    """Start the server in `cwd`, list its tools, make `calls` in order; (tool names, results)."""
    mcp = pytest.importorskip("mcp")
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "iaclint", "mcp", *args], cwd=str(cwd), env=_server_env()
    )

    async def talk():
        async with stdio_client(params) as (read, write):
            async with mcp.ClientSession(read, write) as client:
                await client.initialize()
                names = [t.name for t in (await client.list_tools()).tools]
                results = [await client.call_tool(name, arguments) for name, arguments in calls]
                return names, results

    async def bounded():
        return await asyncio.wait_for(talk(), SESSION_TIMEOUT)

    return asyncio.run(bounded())


def is_error(result) -> bool:
    return bool(getattr(result, "is_error", getattr(result, "isError", False)))


def structured(result) -> dict:
    data = getattr(result, "structured_content", getattr(result, "structuredContent", None))
    assert data is not None, result
    return data


def text(result) -> str:
    return "\n".join(block.text for block in result.content)


def rules_of(result) -> list[str]:
    return [f["rule"] for f in structured(result)["report"]["findings"]]


@pytest.fixture
def repo(tmp_path):
    """A repository with a protected database committed, and a directory outside it."""
    r = init_repo(tmp_path / "repo")
    r.commit({"db.tf": DB_PROTECTED, "README.md": "infra\n"}, message="database")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "db.tf").write_text(DB_PROTECTED, encoding="utf-8")
    return r


def diff_of(repo, files: dict[str, str]) -> str:
    """The `git diff` an agent would propose for `files`; the work tree is left as it was."""
    saved = {rel: (repo.path / rel).read_text(encoding="utf-8") for rel in files if (repo.path / rel).exists()}
    repo.write(files)
    try:
        return repo.git("diff", "--no-color") + "\n"
    finally:
        for rel in files:
            (repo.path / rel).write_text(saved[rel], encoding="utf-8") if rel in saved else (repo.path / rel).unlink()


# ---------------------------------------------------------------- over the wire


def test_the_server_introduces_itself_with_iaclints_version(tmp_path):
    mcp = pytest.importorskip("mcp")
    from mcp.client.stdio import StdioServerParameters, stdio_client

    from iaclint import __version__

    params = StdioServerParameters(command=sys.executable, args=["-m", "iaclint", "mcp"], cwd=str(tmp_path),
                                   env=_server_env())

    async def talk():
        async with stdio_client(params) as (read, write):
            async with mcp.ClientSession(read, write) as client:
                return await client.initialize()

    init = asyncio.run(asyncio.wait_for(talk(), SESSION_TIMEOUT))
    info = getattr(init, "server_info", None) or init.serverInfo
    assert (info.name, info.version) == ("iaclint", __version__)

@needs_patch_input
def test_lists_tools_and_check_patch_finds_the_removed_protection_and_nothing_in_a_benign_patch(repo):
    destructive = diff_of(repo, {"db.tf": DB_UNPROTECTED})
    benign = diff_of(repo, {"db.tf": DB_RETAGGED})
    names, (bad, good) = session(repo.path, [
        ("check_patch", {"patch": destructive}),
        ("check_patch", {"patch": benign, "root": "."}),
    ])
    assert sorted(names) == ["check_change", "check_command", "check_patch", "explain_rule"]

    assert not is_error(bad), text(bad)
    assert "IAC201" in rules_of(bad)
    finding = next(f for f in structured(bad)["report"]["findings"] if f["rule"] == "IAC201")
    assert (finding["resource"], finding["path"], finding["line"]) == ("aws_db_instance.main", "db.tf", 5)
    assert structured(bad)["exit_code"] == 1
    assert bad.content[0].text.startswith("VERDICT: BLOCK")  # the agent verdict comes first
    assert json.loads(bad.content[1].text) == structured(bad)["report"]  # then the JSON contract
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO_ROOT / "tests" / "schemas" / "report-v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(structured(bad)["report"], schema)

    assert not is_error(good), text(good)
    assert rules_of(good) == [] and structured(good)["exit_code"] == 0
    assert good.content[0].text.startswith("VERDICT: OK")

    # read-only: proposing a patch changed nothing on disk
    assert (repo.path / "db.tf").read_text(encoding="utf-8").lstrip("\n") == DB_PROTECTED.lstrip("\n")
    assert repo.git("status", "--porcelain") == ""


@needs_patch_input
def test_check_patch_refuses_roots_and_files_outside_the_start_directory(repo, tmp_path):
    (repo.path / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    patch = diff_of(repo, {"db.tf": DB_UNPROTECTED})
    through_link = patch.replace("a/db.tf", "a/escape/db.tf").replace("b/db.tf", "b/escape/db.tf")
    _, results = session(repo.path, [
        ("check_patch", {"patch": patch, "root": str(tmp_path / "outside")}),
        ("check_patch", {"patch": patch, "root": ".."}),
        ("check_patch", {"patch": patch, "root": "escape"}),
        ("check_patch", {"patch": through_link}),
        ("check_patch", {"patch": patch.replace("a/db.tf", "a/../outside/db.tf").replace("b/db.tf", "b/../outside/db.tf")}),
    ])
    for result in results:
        assert is_error(result), text(result)
        message = text(result)
        assert "outside" in message, message  # refused by the server, or by the patch reader itself
        assert "Traceback" not in message and len(message.splitlines()) == 1


@needs_patch_input
def test_check_patch_errors_are_one_line_tool_errors(repo):
    hunk_that_does_not_apply = (
        "--- a/db.tf\n+++ b/db.tf\n@@ -1,2 +1,2 @@\n-resource \"nothing\" \"here\" {\n+resource \"x\" \"y\" {\n   z = 1\n"
    )
    _, (result, missing_root) = session(repo.path, [
        ("check_patch", {"patch": hunk_that_does_not_apply}),
        ("check_patch", {"patch": "", "root": "no-such-dir"}),
    ])
    for r in (result, missing_root):
        assert is_error(r)
        assert "Traceback" not in text(r) and len(text(r).splitlines()) == 1, text(r)
    assert "db.tf" in text(result)


def test_check_change_lints_the_working_tree_and_explain_rule_documents_a_rule(repo, tmp_path):
    repo.write({"db.tf": DB_UNPROTECTED})
    (repo.path / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    _, (change, scoped, escaped, bad_ref, explained, unknown) = session(repo.path, [
        ("check_change", {}),
        ("check_change", {"base": "HEAD", "paths": ["db.tf"]}),
        ("check_change", {"paths": ["escape"]}),
        ("check_change", {"base": "--output=/tmp/x"}),
        ("explain_rule", {"code": "IAC101"}),
        ("explain_rule", {"code": "IAC999"}),
    ])
    assert not is_error(change), text(change)
    assert rules_of(change) == ["IAC201"]
    assert rules_of(scoped) == ["IAC201"]
    assert is_error(escaped) and "refused" in text(escaped)
    assert is_error(bad_ref) and "refused" in text(bad_ref)

    assert not is_error(explained)
    assert structured(explained)["code"] == "IAC101"
    doc = text(explained)
    assert doc.startswith("IAC101 force-new-attribute-changed")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in doc
    assert is_error(unknown) and "unknown rule" in text(unknown)
    assert (repo.path / "db.tf").read_text(encoding="utf-8").lstrip("\n") == DB_UNPROTECTED.lstrip("\n")


def test_check_command_judges_a_command_without_running_it(repo, tmp_path):
    marker = tmp_path / "ran"
    _, (destroy, plan, unreadable, secret, not_text) = session(repo.path, [
        ("check_command", {"command": f"cd infra && terraform destroy -auto-approve; touch {marker}"}),
        ("check_command", {"command": "terraform plan -out plan.tfplan && terraform show -json plan.tfplan"}),
        ("check_command", {"command": "psql -c 'DROP TABLE orders"}),
        ("check_command", {"command": "PGPASSWORD=hunter2 psql -c 'DROP DATABASE app'"}),
        ("check_command", {"command": 42}),
    ])
    assert not marker.exists()  # judged, never run
    assert not is_error(destroy), text(destroy)
    assert rules_of(destroy) == ["IAC401"] and structured(destroy)["exit_code"] == 1
    assert destroy.content[0].text.startswith("VERDICT: BLOCK")
    finding = structured(destroy)["report"]["findings"][0]
    assert finding["path"] == "<command>" and "infra" in finding["message"]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO_ROOT / "tests" / "schemas" / "report-v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(structured(destroy)["report"], schema)
    assert rules_of(plan) == [] and structured(plan)["exit_code"] == 0
    assert plan.content[0].text.startswith("VERDICT: OK")
    assert rules_of(unreadable) == ["IAC001"] and structured(unreadable)["exit_code"] == 1
    assert rules_of(secret) == ["IAC405"] and "hunter2" not in text(secret)
    assert is_error(not_text) and "Traceback" not in text(not_text)


def test_check_change_in_a_subdirectory_stays_in_it(tmp_path):
    """Started in infra/, the server judges infra/ only, not the rest of the repository."""
    r = init_repo(tmp_path / "repo")
    r.commit({"infra/db.tf": DB_PROTECTED, "legacy/db.tf": DB_PROTECTED})
    r.write({"infra/db.tf": DB_RETAGGED, "legacy/db.tf": DB_UNPROTECTED})
    _, (inside, escape) = session(r.path / "infra", [
        ("check_change", {}),
        ("check_change", {"paths": ["../legacy"]}),
    ])
    assert rules_of(inside) == []
    assert is_error(escape) and "refused" in text(escape)


def test_root_option_sets_the_confinement(repo, tmp_path):
    repo.write({"db.tf": DB_UNPROTECTED})
    _, (result,) = session(tmp_path, [("check_change", {"paths": ["db.tf"]})], args=("--root", str(repo.path)))
    assert rules_of(result) == ["IAC201"]


# ---------------------------------------------------------------- without the SDK, and in-process

def test_without_the_sdk_the_command_says_how_to_install_it(tmp_path):
    shadow = tmp_path / "no-mcp"
    (shadow / "mcp").mkdir(parents=True)
    (shadow / "mcp" / "__init__.py").write_text("raise ImportError(\"No module named 'mcp'\", name='mcp')\n")
    env = _server_env()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), str(shadow)])
    proc = subprocess.run([sys.executable, "-m", "iaclint", "mcp"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "pip install 'iaclint[mcp]'" in proc.stderr


def test_root_that_is_not_a_directory_is_a_usage_error(tmp_path):
    from tests.conftest import run_cli

    result = run_cli(["mcp", "--root", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "no such directory" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_confinement_resolves_symlinks(tmp_path):
    start = tmp_path / "start"
    (start / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (start / "link").symlink_to(tmp_path / "elsewhere")
    (start / "inner").symlink_to(start / "sub")
    conf = mcp_server.Confinement(start)
    assert conf.resolve(".", "root") == start.resolve()
    assert conf.resolve("inner", "root") == (start / "sub").resolve()
    assert conf.resolve(str(start / "sub"), "root") == (start / "sub").resolve()
    for bad in ("..", "link", "link/x.tf", str(tmp_path), "sub/../../elsewhere", "", "a\0b"):
        with pytest.raises(mcp_server.Refused):
            conf.resolve(bad, "root")


def test_input_sizes_are_bounded(tmp_path):
    conf = mcp_server.Confinement(tmp_path)
    with pytest.raises(mcp_server.Refused, match="larger than 5 MB"):
        mcp_server.check_patch(conf, "+" * (mcp_server.MAX_PATCH_BYTES + 1))
    with pytest.raises(mcp_server.Refused, match="too many paths"):
        mcp_server.check_change(conf, "HEAD", ["x.tf"] * (mcp_server.MAX_PATHS + 1))
    with pytest.raises(mcp_server.Refused):
        mcp_server.check_change(conf, "-x")


@needs_patch_input
def test_the_lint_tools_take_a_declared_scope(repo):
    patch = diff_of(repo, {"db.tf": DB_RETAGGED})  # a tag: in place, nothing destructive
    repo.write({"db.tf": DB_RETAGGED})  # the same edit made, for check_change
    _, (outside, inside, change_outside, bad) = session(repo.path, [
        ("check_patch", {"patch": patch, "scope": ["aws_s3_bucket.*"]}),
        ("check_patch", {"patch": patch, "scope": ["aws_db_instance.main"]}),
        ("check_change", {"scope": ["module.app.*"]}),
        ("check_change", {"scope": [""]}),
    ])
    assert rules_of(outside) == ["IAC410"] and structured(outside)["exit_code"] == 1
    finding = structured(outside)["report"]["findings"][0]
    assert finding["category"] == "out-of-scope" and finding["resource"] == "aws_db_instance.main"
    assert rules_of(inside) == []
    assert rules_of(change_outside) == ["IAC410"]
    assert is_error(bad) and "scope" in text(bad)


def test_scope_arguments_are_checked_in_process():
    assert mcp_server.scope_of(None) is None
    assert mcp_server.scope_of("module.app.*") == ["module.app.*"]
    assert mcp_server.scope_of([]) == []
    for bad in ([1], [""], {"a": 1}, ["x"] * (mcp_server.MAX_SCOPE + 1)):
        with pytest.raises(mcp_server.Refused):
            mcp_server.scope_of(bad)
