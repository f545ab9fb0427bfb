"""The recipes in docs/agents.md, run the way their host runs them.

The commands and configuration are read from the document itself, so a recipe that stops
working, or a document that drifts from what is tested, fails here. `iaclint` on PATH is a shim
that runs this checkout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _GIT_ENV, DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, REPO_ROOT, init_repo

DOC = REPO_ROOT / "docs" / "agents.md"
HOOK = REPO_ROOT / "docs" / "recipes" / "claude-code-hook.sh"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the recipes are POSIX shell")


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def json_blocks() -> list[dict]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc_text(), re.S)]


@pytest.fixture
def shim_env(tmp_path) -> dict[str, str]:
    """The environment of the agent's host: `iaclint` on PATH runs this checkout."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "iaclint"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m iaclint "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV and k not in ("IACLINT", "IACLINT_BASE")}
    env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


@pytest.fixture
def repo(tmp_path):
    r = init_repo(tmp_path / "repo")
    r.commit({"infra/db.tf": DB_PROTECTED, "README.md": "infra\n"}, message="database")
    return r


# ---------------------------------------------------------------- MCP client configuration

def test_mcp_configuration_block_starts_a_working_server(repo):
    from tests.test_mcp_server import rules_of, session

    config = next(b for b in json_blocks() if "mcpServers" in b)
    server = config["mcpServers"]["iaclint"]
    assert server["command"] == "iaclint" and server["args"][0] == "mcp"
    # `iaclint ARGS` as the client would start it (the console script is this checkout's __main__)
    repo.write({"infra/db.tf": DB_UNPROTECTED})
    names, (result,) = session(repo.path, [("check_change", {})], args=tuple(server["args"][1:]))
    assert {"check_patch", "check_change", "explain_rule"} <= set(names)
    assert rules_of(result) == ["IAC201"]


# ---------------------------------------------------------------- Claude Code hook

def claude_event(tool: str, file_path: Path, cwd: Path) -> str:
    """A PostToolUse event as Claude Code sends it on the hook's standard input."""
    tool_input = {"file_path": str(file_path)}
    if tool == "Write":
        tool_input["content"] = file_path.read_text(encoding="utf-8")
    elif tool == "Edit":
        tool_input.update(old_string="deletion_protection = true", new_string="deletion_protection = false")
    else:
        tool_input["edits"] = [{"old_string": "a", "new_string": "b"}]
    return json.dumps({
        "session_id": "abc123",
        "transcript_path": "/home/user/.claude/projects/x/abc123.jsonl",
        "cwd": str(cwd),
        "hook_event_name": "PostToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_response": {"filePath": str(file_path), "success": True},
    })


def run_hook(event: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(HOOK)], input=event, env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_claude_code_settings_snippet_runs_the_hook_after_edits():
    settings = next(b for b in json_blocks() if "hooks" in b)
    (entry,) = settings["hooks"]["PostToolUse"]
    for tool in ("Edit", "Write", "MultiEdit"):
        assert re.fullmatch(entry["matcher"], tool)
    assert not re.fullmatch(entry["matcher"], "Read")
    (hook,) = entry["hooks"]
    assert hook["type"] == "command" and hook["command"].endswith(".claude/hooks/iaclint.sh")
    assert os.access(HOOK, os.X_OK), "the recipe script must be executable as shipped"


@pytest.mark.parametrize("tool", ["Edit", "Write", "MultiEdit"])
def test_claude_code_hook_feeds_a_destructive_edit_back_to_the_model(repo, shim_env, tool):
    repo.write({"infra/db.tf": DB_UNPROTECTED})
    proc = run_hook(claude_event(tool, repo.path / "infra" / "db.tf", repo.path), shim_env, repo.path)
    assert proc.returncode == 2, proc.stderr  # exit 2: Claude Code shows stderr to the model
    assert "VERDICT: BLOCK" in proc.stderr
    assert "aws_db_instance.main" in proc.stderr and "IAC201" in proc.stderr
    assert proc.stdout == ""


def test_claude_code_hook_is_silent_for_a_benign_edit_and_other_files(repo, shim_env, tmp_path):
    repo.write({"infra/db.tf": DB_RETAGGED, "README.md": "infra, retagged\n", "notes.txt": "x\n"})
    for path in (repo.path / "infra" / "db.tf", repo.path / "README.md", repo.path / "notes.txt"):
        proc = run_hook(claude_event("Write", path, repo.path), shim_env, repo.path)
        assert (proc.returncode, proc.stderr) == (0, ""), path
    # malformed or unrelated input never blocks the agent
    for event in ("", "not json", json.dumps({"tool_name": "Bash", "tool_input": {"command": "ls"}})):
        proc = run_hook(event, shim_env, repo.path)
        assert (proc.returncode, proc.stderr) == (0, ""), event


def test_claude_code_hook_reports_its_own_failure_to_the_user_not_the_model(tmp_path, shim_env):
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    (plain / "db.tf").write_text(DB_UNPROTECTED.lstrip("\n"), encoding="utf-8")
    proc = run_hook(claude_event("Write", plain / "db.tf", plain), shim_env, plain)
    assert proc.returncode == 1  # shown to the user; exit 2 would tell the model its edit is destructive
    assert "iaclint could not check" in proc.stderr and "git" in proc.stderr


# ---------------------------------------------------------------- aider

def aider_lint_cmds(line_start: str) -> dict[str | None, str]:
    """The --lint-cmd values of the documented `aider ...` line, parsed as aider's parse_lint_cmds does."""
    line = next(ln for ln in doc_text().splitlines() if ln.startswith(line_start))
    out: dict[str | None, str] = {}
    args = shlex.split(line)
    for i, arg in enumerate(args):
        if arg == "--lint-cmd":
            value = args[i + 1]
            if re.match(r"^[a-z]+:.*", value):
                lang = value.split(":")[0]
                out[lang.strip()] = value[len(lang) + 1:].strip()
            else:
                out[None] = value.strip()
    return out


def run_as_aider(cmd: str, rel_fname: str, root: Path, env: dict[str, str]) -> tuple[int, str]:
    """aider's Linter.run_cmd: CMD + quoted file name, via the shell, from the repository root,
    standard error merged into the output the model sees."""
    full = cmd + " " + shlex.quote(rel_fname)
    proc = subprocess.run(full, shell=True, cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    return proc.returncode, proc.stdout


def test_aider_recipe_with_auto_commits_sees_the_committed_edit(repo, shim_env):
    cmds = aider_lint_cmds("aider --lint-cmd")
    assert set(cmds) == {"hcl", "json"}  # grep-ast's languages for .tf/.tfvars and .json
    repo.git("switch", "-q", "-c", "agent/change")
    # aider applies the edit and auto-commits it, then lints the file
    repo.commit({"infra/db.tf": DB_UNPROTECTED}, message="aider: turn off protection")
    code, output = run_as_aider(cmds["hcl"], "infra/db.tf", repo.path, shim_env)
    assert code != 0 and "VERDICT: BLOCK" in output and "IAC201" in output

    repo.commit({"infra/db.tf": DB_RETAGGED}, message="aider: put it back, retag")
    code, output = run_as_aider(cmds["hcl"], "infra/db.tf", repo.path, shim_env)
    assert code == 0, output

    # why the recipe does not use --base HEAD with auto-commits: the commit hides the edit
    repo.commit({"infra/db.tf": DB_UNPROTECTED}, message="aider: again")
    code, _ = run_as_aider("iaclint diff --base HEAD --format agent", "infra/db.tf", repo.path, shim_env)
    assert code == 0
    code, output = run_as_aider(cmds["hcl"], "infra/db.tf", repo.path, shim_env)
    assert code != 0 and "VERDICT: BLOCK" in output


def test_aider_recipe_without_auto_commits_sees_the_working_tree(repo, shim_env):
    cmds = aider_lint_cmds("aider --no-auto-commits")
    repo.write({"infra/db.tf": DB_UNPROTECTED})
    code, output = run_as_aider(cmds["hcl"], "infra/db.tf", repo.path, shim_env)
    assert code != 0 and "VERDICT: BLOCK" in output and "IAC201" in output
    repo.write({"infra/db.tf": DB_RETAGGED})
    code, output = run_as_aider(cmds["hcl"], "infra/db.tf", repo.path, shim_env)
    assert code == 0, output


def test_aider_test_cmd_recipe_covers_yaml_templates(repo, shim_env):
    line = next(ln for ln in doc_text().splitlines() if ln.startswith("aider --auto-test"))
    test_cmd = shlex.split(line)[shlex.split(line).index("--test-cmd") + 1]
    bucket = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {name}\n"
    repo.commit({"stack.yaml": bucket.format(name="example-logs")}, message="stack")
    repo.git("switch", "-q", "-c", "agent/change")
    repo.commit({"stack.yaml": bucket.format(name="example-logs-v2")}, message="aider: rename bucket")
    proc = subprocess.run(test_cmd, shell=True, cwd=repo.path, env=shim_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)  # aider's cmd_run: no file names
    assert proc.returncode != 0 and "VERDICT: BLOCK" in proc.stdout and "Logs" in proc.stdout


# ---------------------------------------------------------------- Claude Code hook for commands

def pre_tool_use(command, tool: str = "Bash", cwd: Path | None = None) -> str:
    """A PreToolUse event as Claude Code sends it on the hook's standard input."""
    return json.dumps({
        "session_id": "abc123",
        "transcript_path": "/home/user/.claude/projects/x/abc123.jsonl",
        "cwd": str(cwd or "/"),
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": {"command": command, "description": "run it"} if tool == "Bash" else {"file_path": "/x.tf"},
    })


def command_hook() -> str:
    settings = next(b for b in json_blocks() if "PreToolUse" in b.get("hooks", {}))
    (entry,) = settings["hooks"]["PreToolUse"]
    assert re.fullmatch(entry["matcher"], "Bash") and not re.fullmatch(entry["matcher"], "Edit")
    (hook,) = entry["hooks"]
    assert hook["type"] == "command"
    return hook["command"]


def run_command_hook(event: str, env: dict[str, str], cwd: Path, hook: str | None = None) -> subprocess.CompletedProcess:
    # Claude Code runs a hook's command through the shell
    return subprocess.run(["sh", "-c", hook or command_hook()], input=event, env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command, rule", [
    ("cd infra && terraform destroy -auto-approve", "IAC401"),
    ('bash -c "terraform apply -replace=aws_db_instance.main"', "IAC402"),
    ("aws cloudformation delete-stack --stack-name app", "IAC401"),
    ("aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection", "IAC406"),
    ("PGPASSWORD=hunter2 psql -c 'DROP TABLE orders'", "IAC405"),
])
def test_command_hook_blocks_a_destructive_command_with_the_reason(repo, shim_env, tmp_path, command, rule):
    marker = tmp_path / "ran"
    proc = run_command_hook(pre_tool_use(f"{command}; touch {marker}", cwd=repo.path), shim_env, repo.path)
    assert proc.returncode == 2, proc.stderr  # exit 2: Claude Code blocks the call, stderr goes to the model
    assert rule in proc.stderr and "Instead:" in proc.stderr and "hunter2" not in proc.stderr
    assert proc.stdout == ""
    assert not marker.exists()


def test_command_hook_lets_read_only_commands_and_other_tools_through(repo, shim_env):
    for event in (pre_tool_use("terraform plan -out plan.tfplan && terraform show -json plan.tfplan"),
                  pre_tool_use("echo terraform destroy"), pre_tool_use("grep destroy main.tf"),
                  pre_tool_use("aws rds describe-db-instances"), pre_tool_use("", tool="Bash"),
                  pre_tool_use(None, tool="Write"), json.dumps({"tool_name": "Bash", "tool_input": {}})):
        proc = run_command_hook(event, shim_env, repo.path)
        assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", ""), event


def test_command_hook_reads_the_configuration_and_reports_its_own_failure_to_the_user(repo, shim_env):
    warning = pre_tool_use("terraform apply -auto-approve", cwd=repo.path)
    assert run_command_hook(warning, shim_env, repo.path).returncode == 2
    (repo.path / ".iaclint.toml").write_text('fail_on = "error"\n', encoding="utf-8")
    assert run_command_hook(warning, shim_env, repo.path).returncode == 0
    (repo.path / ".iaclint.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    broken = run_command_hook(warning, shim_env, repo.path)
    assert broken.returncode == 1 and "iaclint could not check" in broken.stderr  # shown to the user, not blocking
    not_json = run_command_hook("not json", shim_env, repo.path)
    assert not_json.returncode == 1 and "not JSON" in not_json.stderr


def test_command_hook_blocks_a_command_it_cannot_read(repo, shim_env):
    proc = run_command_hook(pre_tool_use("psql -c 'DROP TABLE orders"), shim_env, repo.path)
    assert proc.returncode == 2 and "IAC001" in proc.stderr
