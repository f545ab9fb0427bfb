"""A pre-commit run on a small change starts few git processes: they cost more than the work.

Counted, not timed: the two file lists (HEAD's and the index's; the root is found by walking
up to `.git`, and ls-tree reads HEAD itself), and one `cat-file --batch` reader shared by every
tree and every batch.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import run_cli

DB = 'resource "aws_db_instance" "db%d" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n  deletion_protection = %s\n}\n'


@pytest.mark.slow
def test_a_hook_run_starts_at_most_three_git_processes(git_repo, monkeypatch):
    repo = git_repo
    repo.commit({f"stack{i}/main.tf": DB % (i, "true") for i in range(6)})
    repo.write({"stack2/main.tf": DB % (2, "false")})
    repo.git("add", "-A")
    started: list[list[str]] = []
    real = subprocess.Popen

    class Counting(real):
        def __init__(self, args, *a, **k):
            if args and args[0] == "git":
                started.append(list(args))
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", Counting)
    result = run_cli(["diff", "--staged", "--no-cache"], cwd=repo.path)
    assert result.exit_code == 1, result.output
    assert len(started) <= 3, started  # ls-tree HEAD, ls-files, one cat-file --batch
    assert sum(1 for a in started if a[1:3] == ["cat-file", "--batch"]) == 1


@pytest.mark.slow
def test_the_root_found_without_git_is_the_root_git_finds(git_repo, tmp_path):
    from iaclint.inputs.trees import _root_by_walking, repo_root

    repo = git_repo
    repo.commit({"a/b/main.tf": DB % (0, "true")})
    inner = repo.path / "a" / "b"
    assert _root_by_walking(inner) == repo_root(inner) == repo_root(inner, need_head=False)
    worktree = tmp_path / "linked"
    subprocess.run(["git", "worktree", "add", "-q", str(worktree)], cwd=repo.path, check=True, capture_output=True)
    assert _root_by_walking(worktree / "a") == repo_root(worktree / "a") == worktree.resolve()
    assert _root_by_walking(repo.path / ".git") is None  # inside .git: git decides
