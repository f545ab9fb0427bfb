"""The pre-commit hook, end to end: a real `pre-commit install` and real `git commit`s.

The hook repository must be a git repository with a commit, and the checkout under test may
hold uncommitted work. So this checkout's files (tracked and untracked, minus what
.gitignore drops) are copied into a temporary repository and committed, and that
repository's HEAD is the `rev:`. pre-commit then builds a virtualenv and pip-installs it.
That takes 30-60 s and needs the package index. The environment is built once per module,
in a private PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, REPO_ROOT, GitRepo, committed_copy_of_checkout, init_repo

pytestmark = pytest.mark.slow

HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A committed copy of this checkout: (path, sha)."""
    dest = tmp_path_factory.mktemp("hook-repo")
    return dest, committed_copy_of_checkout(dest)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env.pop("PYTHONPATH", None)  # the hook must run the installed copy, not this checkout
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def project(tmp_path, hook_repo, pre_commit_home) -> tuple[GitRepo, dict[str, str]]:
    """A Terraform project with the hook installed; its first commit holds a protected DB."""
    path, sha = hook_repo
    repo = init_repo(tmp_path / "project")
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": "iaclint"}]}]}
    repo.write({".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False), "infra/db.tf": DB_PROTECTED})
    repo.commit(message="protected database")  # no hook installed yet
    env = _env(pre_commit_home)
    installed = _run([sys.executable, "-m", "pre_commit", "install"], repo.path, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo, env


def _commit(repo: GitRepo, env: dict[str, str], message: str) -> subprocess.CompletedProcess:
    repo.git("add", "-A")
    return _run(["git", "commit", "-m", message], repo.path, env)


def test_hook_definition():
    hooks = yaml.safe_load(HOOKS.read_text())
    hook = next(h for h in hooks if h["id"] == "iaclint")
    assert hook["entry"] == "iaclint diff --staged"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["require_serial"] is True and hook["always_run"] is True
    assert hook["files"] == r"\.(tf|tfvars|ya?ml|json|template)$"
    assert hook["types"] == ["file"]
    import re

    pattern = re.compile(hook["files"])
    for name in ("main.tf", "prod.tfvars", "stack.yaml", "stack.yml", "template.json", "app.template"):
        assert pattern.search(f"infra/{name}"), name
    for name in ("README.md", "main.tf.bak", "script.py"):
        assert not pattern.search(name), name


def test_commit_that_disables_protection_is_refused(project):
    repo, env = project
    before = repo.head()
    repo.write({"infra/db.tf": DB_UNPROTECTED})
    result = _commit(repo, env, "turn protection off")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "IAC201" in output
    assert "infra/db.tf" in output
    assert repo.head() == before  # nothing was committed


def test_benign_commit_goes_through(project):
    repo, env = project
    before = repo.head()
    repo.write({"infra/db.tf": DB_RETAGGED})
    result = _commit(repo, env, "retag")
    assert result.returncode == 0, result.stdout + result.stderr
    assert repo.head() != before


def test_commit_that_only_deletes_is_checked(project):
    """pre-commit never passes deleted files; `always_run` still runs iaclint on the whole change."""
    repo, env = project
    repo.write({"infra/db.tf": None})
    result = _commit(repo, env, "delete the database")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "aws_db_instance.main" in output


def test_sibling_deleted_next_to_a_changed_file_is_seen(project):
    repo, env = project
    repo.write({"infra/other.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'})
    assert _commit(repo, env, "add a queue").returncode == 0
    repo.write({"infra/db.tf": None, "infra/other.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n  tags = { a = "b" }\n}\n'})
    result = _commit(repo, env, "delete the database, retag the queue")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "aws_db_instance.main" in output


def test_commit_all_without_add_is_checked(project):
    """`git commit -a` gives the hook a temporary index (GIT_INDEX_FILE): that is what is judged."""
    repo, env = project
    before = repo.head()
    repo.write({"infra/db.tf": DB_UNPROTECTED})  # not added
    result = _run(["git", "commit", "-a", "-m", "turn protection off"], repo.path, env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "IAC201" in output
    assert repo.head() == before
