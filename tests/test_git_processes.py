"""A pre-commit run on a small change starts few git processes: they cost more than the work.

Counted, not timed: the root and HEAD in one `rev-parse`, the two file lists, and one
`cat-file --batch` reader shared by every tree and every batch.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import run_cli

DB = 'resource "aws_db_instance" "db%d" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n  deletion_protection = %s\n}\n'


@pytest.mark.slow
def test_a_hook_run_starts_at_most_four_git_processes(git_repo, monkeypatch):
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
    assert len(started) <= 4, started
    assert sum(1 for a in started if a[1:3] == ["cat-file", "--batch"]) == 1
