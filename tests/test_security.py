"""iaclint never executes what it reads, never leaves the compared trees, never uses the network.

* the source of iaclint/ (read with `ast`) has no eval/exec/compile, no shell=True or
  os.system, no unsafe YAML loading, no pickle, no import of a module named by data;
* subprocesses are started with argument lists, and a ref the user gives reaches git only
  after `--end-of-options` (a ref starting with `-` is refused before that);
* symlinks out of the tree are not followed, in directory mode and in git modes;
* a whole run works with every socket call made to fail.
"""

from __future__ import annotations

import ast
import json
import socket
from pathlib import Path

import pytest

from conftest import DB_PROTECTED, DB_UNPROTECTED, init_repo, run_cli, write

from iaclint.pipeline import RunOptions, lint

PACKAGE = Path(__file__).resolve().parent.parent / "iaclint"
SOURCES = sorted(PACKAGE.rglob("*.py"))
TEMPLATE_B = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: one\n"
TEMPLATE_A = TEMPLATE_B.replace("one", "two")


def _calls():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield path.relative_to(PACKAGE.parent), node


def _name(func: ast.expr) -> str:
    """`a.b.c(...)` → "a.b.c"; `f(...)` → "f"."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def test_sources_found():
    assert len(SOURCES) > 20


def test_no_eval_exec_or_compile():
    bad = [(str(p), n.lineno, _name(n.func)) for p, n in _calls()
           if _name(n.func) in {"eval", "exec", "compile", "builtins.eval", "builtins.exec", "execfile"}]
    assert bad == []


def test_no_shell():
    bad = []
    for p, n in _calls():
        name = _name(n.func)
        if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in n.keywords):
            bad.append((str(p), n.lineno, name, "shell="))
        if name in {"os.system", "os.popen", "system", "popen", "os.execv", "os.execvp", "os.spawnl", "pty.spawn",
                    "commands.getoutput", "subprocess.getoutput", "subprocess.getstatusoutput"}:
            bad.append((str(p), n.lineno, name, ""))
    assert bad == []


def test_subprocesses_get_argument_lists():
    """subprocess.* gets a list (never a command string), so no shell ever parses user text."""
    bad = []
    for p, n in _calls():
        name = _name(n.func)
        if name.startswith("subprocess.") and name.split(".")[-1] in {"run", "Popen", "call", "check_call", "check_output"}:
            first = n.args[0] if n.args else next((k.value for k in n.keywords if k.arg == "args"), None)
            if not isinstance(first, (ast.List, ast.Tuple)):
                bad.append((str(p), n.lineno, ast.unparse(first) if first is not None else None))
    assert bad == []


def test_yaml_only_with_safe_loaders():
    bad = []
    for p, n in _calls():
        name = _name(n.func)
        tail = name.split(".")[-1]
        if name.startswith("yaml.") and tail in {"unsafe_load", "full_load", "unsafe_load_all", "full_load_all"}:
            bad.append((str(p), n.lineno, name))
        if name.startswith("yaml.") and tail in {"load", "load_all"}:
            loader = n.args[1] if len(n.args) > 1 else next((k.value for k in n.keywords if k.arg == "Loader"), None)
            if loader is None or "Safe" not in ast.unparse(loader) or "Unsafe" in ast.unparse(loader):
                bad.append((str(p), n.lineno, ast.unparse(n)))
    assert bad == []


def test_no_pickle_marshal_or_dynamic_imports_of_data():
    """Pickles are only written (the parse cache, worker results) and only read back through
    the cache's restricted unpickler, which builds iaclint's model classes and nothing else."""
    bad = []
    for p, n in _calls():
        name = _name(n.func)
        if name in ("pickle.dumps", "pickle.UnpicklingError"):
            continue
        if name.split(".")[0] in {"pickle", "marshal", "shelve", "dill", "cloudpickle"}:
            bad.append((str(p), n.lineno, name))
        if name in {"importlib.import_module", "import_module", "__import__", "runpy.run_path", "runpy.run_module",
                    "importlib.util.spec_from_file_location", "spec_from_file_location"}:
            arg = n.args[0] if n.args else None
            # only iaclint's own modules, chosen by a fixed prefix: never a path or a name from the input
            text = arg.value if isinstance(arg, ast.Constant) else (
                arg.values[0].value if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant)
                else "")
            if not str(text).startswith("iaclint."):
                bad.append((str(p), n.lineno, ast.unparse(n)))
    assert bad == []


def test_user_refs_reach_git_after_end_of_options(tmp_path, monkeypatch):
    from iaclint.inputs import build as run
    from iaclint.inputs import trees

    repo = init_repo(tmp_path / "repo")
    repo.commit({"main.tf": DB_PROTECTED})
    seen: list[list[str]] = []
    real = trees.git

    def spy(args, cwd, input=None):
        seen.append(list(args))
        return real(args, cwd, input=input)

    monkeypatch.setattr(trees, "git", spy)
    sha = trees.resolve_ref(repo.path, "main")
    run._merge_base(repo.path, "main", "HEAD")
    for args in seen:
        for ref in ("main", "main^{commit}", "HEAD"):
            if ref in args:
                assert "--end-of-options" in args and args.index("--end-of-options") < args.index(ref), args
    assert len(sha) >= 40
    with pytest.raises(trees.TreeError, match="cannot start with '-'"):
        trees.resolve_ref(repo.path, "--upload-pack=touch /tmp/x")


def test_worktree_symlink_out_of_the_repository_is_not_followed(tmp_path):
    """`--base HEAD` reads the working tree: an untracked symlink to a file outside stays unread."""
    repo = init_repo(tmp_path / "repo")
    write(tmp_path / "outside", {"db.tf": 'resource "aws_db_instance" "stolen" {\n  deletion_protection = false\n}\n'})
    repo.commit({"main.tf": DB_PROTECTED})
    repo.write({"main.tf": DB_UNPROTECTED})
    (repo.path / "link.tf").symlink_to(tmp_path / "outside" / "db.tf")
    (repo.path / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = run_cli(["diff", "--base", "HEAD", "--format", "json"], cwd=repo.path)
    assert result.exit_code == 1, result.output
    assert "stolen" not in result.stdout
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {"main.tf"}


def test_directory_mode_does_not_follow_symlinked_directories(tmp_path):
    write(tmp_path / "outside", {"db.tf": 'resource "aws_db_instance" "stolen" {\n  deletion_protection = false\n}\n'})
    write(tmp_path / "before", {"main.tf": DB_PROTECTED})
    write(tmp_path / "after", {"main.tf": DB_PROTECTED})
    (tmp_path / "after" / "mod").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "after" / "t.yaml").symlink_to(tmp_path / "outside" / "db.tf")
    result = lint(RunOptions(paths=[str(tmp_path / "before"), str(tmp_path / "after")], cwd=str(tmp_path)))
    assert result.findings == []
    assert result.summary["resources_after"] == 0  # nothing read at all: main.tf is unchanged


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("iaclint tried to use the network")

    class NoSocket(socket.socket):
        def __init__(self, *a, **k):
            refuse()

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair", "create_server"):
        monkeypatch.setattr(socket, name, refuse)


def test_no_network_directory_mode(tmp_path, no_network):
    write(tmp_path / "before", {"main.tf": DB_PROTECTED, "t.yaml": TEMPLATE_B,
                                "t.json": json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}}}})})
    write(tmp_path / "after", {"main.tf": DB_UNPROTECTED, "t.yaml": TEMPLATE_A,
                               "t.json": json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}}}})})
    result = lint(RunOptions(paths=[str(tmp_path / "before"), str(tmp_path / "after")], cwd=str(tmp_path)))
    assert {f.path for f in result.findings} == {"main.tf", "t.yaml", "t.json"}
    from iaclint.output import render

    for fmt in ("text", "json", "sarif", "github"):
        assert render(result, fmt)


def test_no_network_git_mode(tmp_path, no_network):
    repo = init_repo(tmp_path / "repo")
    repo.commit({"main.tf": DB_PROTECTED, "t.yaml": TEMPLATE_B})
    repo.write({"main.tf": DB_UNPROTECTED, "t.yaml": TEMPLATE_A})
    result = lint(RunOptions(base="HEAD", cwd=str(repo.path)))
    assert {f.path for f in result.findings} == {"main.tf", "t.yaml"}


def test_a_tampered_cache_entry_cannot_call_anything(tmp_path):
    import os
    import pickle

    from iaclint.cache import store as diskcache

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    store = diskcache.Store(tmp_path / "cache")
    key = store.key("terraform-module", "x")
    store.put(key, data=pickle.dumps(Evil()))
    path = store._path(key)
    assert path.exists()
    assert store.get(key) is None  # refused, counted as a miss ...
    assert not (tmp_path / "pwned").exists()
    assert not path.exists()  # ... and removed
