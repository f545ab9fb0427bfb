"""Shared fixtures: real git repositories in temporary directories, and two ways to run the CLI.

`run_cli(args, cwd=...)` runs `iaclint.cli.main` in this process (fast; stdout and stderr
captured as text). `run_cli_subprocess(args, cwd=...)` runs `python -m iaclint` in a child
process, for what only a real process shows: the exit status, the `__main__` entry point,
a terminal, the environment.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI (and anyone who sets CI=true) runs the property tests on a fixed sequence of examples: a
# red build is then the code's fault and is reproduced by running the suite again, never a
# lucky draw. Locally the examples are random, to keep finding new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent

# Variables that git sets for hooks, or a developer's shell may carry: they would point the
# temporary repositories' git commands at some other repository or index.
_GIT_ENV = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(scope="session")
def _session_cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("iaclint-cache")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, _session_cache_dir):
    """Every test starts outside CI and without colour or git redirections.

    The parse cache lives in one directory for the whole session, never the user's: tests
    that repeat an input then read it back from the cache, which must change nothing.
    """
    for name in (*_GIT_ENV, "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR",
                 "IACLINT_NO_CACHE", "IACLINT_JOBS", "IACLINT_CACHE_MAX_MB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("IACLINT_CACHE_DIR", str(_session_cache_dir))


class _Capture(io.TextIOWrapper):
    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", newline="")

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "replace")


def run_cli(args: list[str], cwd: str | os.PathLike | None = None) -> Result:
    """`iaclint ARGS` in this process, from `cwd`; stdout and stderr captured."""
    from iaclint.cli import main

    out, err = _Capture(), _Capture()
    old = (sys.stdout, sys.stderr, os.getcwd())
    sys.stdout, sys.stderr = out, err
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = main([str(a) for a in args])
    finally:
        sys.stdout, sys.stderr = old[0], old[1]
        os.chdir(old[2])
    return Result(code, out.getvalue(), err.getvalue())


def run_cli_subprocess(
    args: list[str], cwd: str | os.PathLike | None = None, env: dict[str, str] | None = None, **kw
) -> Result:
    """`python -m iaclint ARGS` in a child process, with this checkout first on the import path."""
    full_env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), full_env.get("PYTHONPATH")]))
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "iaclint", *map(str, args)], cwd=cwd, env=full_env,
        capture_output=True, timeout=120, **kw,
    )
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def write(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write `{relative path: text}`; text is dedented; bytes are written as is; None deletes."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            if path.is_dir():
                import shutil

                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


class GitRepo:
    """A git repository in a temporary directory, with helpers that keep tests short."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True) -> str:
        env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
        proc = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout.strip()

    def write(self, files: dict[str, str | bytes | None]) -> None:
        write(self.path, files)

    def commit(self, files: dict[str, str | bytes | None] | None = None, message: str = "change") -> str:
        """Write `files` (if any), stage everything, commit; return the new HEAD sha."""
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def iaclint(self, *args: str, cwd: str | os.PathLike | None = None) -> Result:
        return run_cli(list(args), cwd=cwd or self.path)


def init_repo(path: Path) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "iaclint tests")
    repo.git("config", "user.email", "tests@iaclint.invalid")
    repo.git("config", "commit.gpgsign", "false")
    repo.git("config", "core.autocrlf", "false")
    return repo


def checkout_files() -> list[str]:
    """This checkout's files: tracked and untracked, minus what .gitignore drops."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT, capture_output=True, check=True,
            env={k: v for k, v in os.environ.items() if k not in _GIT_ENV},
        ).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked sdist)
        files = [
            str(p.relative_to(REPO_ROOT)) for p in REPO_ROOT.rglob("*")
            if p.is_file() and not {"__pycache__", ".git", ".venv"} & set(p.relative_to(REPO_ROOT).parts)
        ]
    return [f for f in files if (REPO_ROOT / f).is_file()]  # tracked files deleted in the work tree drop out


def committed_copy_of_checkout(dest: Path) -> str:
    """Copy this checkout, uncommitted work included, into a new repository at `dest`; commit.

    pre-commit and a GitHub Action install from a git revision or a path; this is the code
    under test as it is now, not as HEAD has it. Returns the commit's sha.
    """
    import shutil

    for rel in checkout_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, target, follow_symlinks=False)
    repo = init_repo(dest)
    return repo.commit(message="iaclint under test")


@pytest.fixture
def git_repo(tmp_path) -> GitRepo:
    """An empty git repository (branch `main`, no commits) in `tmp_path/repo`."""
    return init_repo(tmp_path / "repo")


# ---------------------------------------------------------------- Terraform snippets shared by the tests

DB_PROTECTED = """
resource "aws_db_instance" "main" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  deletion_protection = true
  tags = {
    team = "data"
  }
}
"""

DB_UNPROTECTED = DB_PROTECTED.replace("deletion_protection = true", "deletion_protection = false")
DB_RETAGGED = DB_PROTECTED.replace('team = "data"', 'team = "platform"')

BUCKET = """
resource "aws_s3_bucket" "logs" {
  bucket = "example-logs"
}
"""

QUEUE = """
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
"""
