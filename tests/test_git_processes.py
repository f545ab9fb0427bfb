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


def _git_blob_requests(monkeypatch) -> list[str]:
    """The blob ids asked of `git cat-file --batch` (the work tree answered the rest)."""
    from iaclint.inputs import trees

    asked: list[str] = []
    real = trees._BatchReader._write

    def counting(proc, request):
        asked.extend(request.decode().split())
        return real(proc, request)

    monkeypatch.setattr(trees._BatchReader, "_write", staticmethod(counting))
    return asked


@pytest.mark.slow
def test_a_hook_run_asks_git_only_for_the_blobs_the_work_tree_does_not_hold(git_repo, monkeypatch):
    repo = git_repo
    repo.commit({f"stack{i}/main.tf": DB % (i, "true") for i in range(6)}
                | {"stack0/mod.tf": 'module "m" {\n  source = "../stack1"\n}\n'})
    repo.write({"stack1/main.tf": DB % (1, "false")})
    repo.git("add", "-A")
    asked = _git_blob_requests(monkeypatch)
    result = run_cli(["diff", "--staged", "--no-cache"], cwd=repo.path)
    assert result.exit_code == 1, result.output
    assert "IAC201" in result.output
    head_blob = repo.git("rev-parse", "HEAD:stack1/main.tf").strip()
    assert asked == [head_blob]  # HEAD's side of the one changed file; the other 6 files from the work tree


@pytest.mark.slow
@pytest.mark.parametrize("work_tree", ["edited after staging", "a symbolic link", "removed"])
def test_the_index_is_judged_as_staged_whatever_the_work_tree_holds(git_repo, monkeypatch, work_tree):
    """The work tree stands in for a blob only when it hashes to that blob: an edit made after
    `git add`, a link or a deleted file leave the staged content to git."""
    import os

    repo = git_repo
    repo.commit({f"stack{i}/main.tf": DB % (i, "true") for i in range(3)})
    repo.write({"stack1/main.tf": DB % (1, "false")})
    repo.git("add", "-A")
    target = repo.path / "stack1/main.tf"
    if work_tree == "edited after staging":
        target.write_text(DB % (1, "true"))  # the unstaged edit would hide the staged finding
    elif work_tree == "a symbolic link":
        (repo.path / "elsewhere.tf").write_text(DB % (1, "true"))
        target.unlink()
        os.symlink(repo.path / "elsewhere.tf", target)
    else:
        target.unlink()
    result = run_cli(["diff", "--staged", "--no-cache"], cwd=repo.path)
    assert result.exit_code == 1, result.output
    assert "IAC201" in result.output and "stack1/main.tf" in result.output


@pytest.mark.slow
def test_a_staged_edit_undone_in_the_work_tree_stays_silent_when_nothing_is_staged(git_repo):
    """The benign twin: the destructive edit only in the work tree, nothing staged."""
    repo = git_repo
    repo.commit({f"stack{i}/main.tf": DB % (i, "true") for i in range(3)})
    repo.write({"stack1/main.tf": DB % (1, "false")})
    result = run_cli(["diff", "--staged", "--no-cache"], cwd=repo.path)
    assert result.exit_code == 0, result.output
    assert "IAC201" not in result.output
