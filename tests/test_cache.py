"""The parse cache and the worker processes: both must give exactly what a plain load gives.

A stale cache entry would be the worst kind of bug (a destructive change reported as the
old, harmless one), so every input a module's result depends on is changed here once,
behind a warm cache, and the finding must follow it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, init_repo, run_cli, write

DB = """
resource "aws_db_instance" "db" {
  identifier          = "db"
  engine              = "%s"
  deletion_protection = true
}
"""

NOTE = "# a comment: the file differs from BEFORE, so its module is loaded (and cached)\n"


def codes(root: Path, before: str, after: str, *extra: str) -> list[tuple[str, str]]:
    r = run_cli(["diff", before, after, "--format", "json", *extra], cwd=root)
    assert r.exit_code in (0, 1), r.output
    return sorted((f["rule"], f["resource"]) for f in json.loads(r.stdout)["findings"])


def entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*.pkl"))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("IACLINT_CACHE_DIR", str(d))
    return d


def test_a_warm_run_reads_the_cache_and_finds_the_same(tmp_path, cache_dir, monkeypatch):
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    cold = codes(tmp_path, "b", "a")
    assert cold == [("IAC101", "aws_db_instance.db")]
    written = entries(cache_dir)
    assert len(written) == 2  # one per side
    from iaclint.languages.terraform import hcl

    def no_parse(*a, **k):
        raise AssertionError("a warm run must not parse")

    monkeypatch.setattr(hcl, "parse", no_parse)
    assert codes(tmp_path, "b", "a") == cold


def test_no_cache_flag_and_environment_write_nothing(tmp_path, cache_dir, monkeypatch):
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    codes(tmp_path, "b", "a", "--no-cache")
    assert entries(cache_dir) == []
    monkeypatch.setenv("IACLINT_NO_CACHE", "1")
    codes(tmp_path, "b", "a")
    assert entries(cache_dir) == []


def test_editing_a_child_module_behind_a_warm_cache_is_seen(tmp_path, cache_dir):
    """The root's own files are identical in both AFTER trees (and differ from BEFORE, so the
    first run loads and caches the root); only the child module differs."""
    root = 'module "db" {\n  source = "./modules/db"\n}\n'
    write(tmp_path, {
        "b/main.tf": root, "b/modules/db/main.tf": DB % "postgres",
        "a1/main.tf": root + NOTE, "a1/modules/db/main.tf": DB % "postgres",
        "a2/main.tf": root + NOTE, "a2/modules/db/main.tf": DB % "mysql",
    })
    assert codes(tmp_path, "b", "a1") == []
    assert codes(tmp_path, "b", "a2") == [("IAC101", "module.db.aws_db_instance.db")]


def test_a_child_module_appearing_where_a_call_pointed_at_nothing_is_seen(tmp_path, cache_dir):
    root = 'module "db" {\n  source = "./modules/db"\n}\n'
    write(tmp_path, {
        "b/main.tf": root, "b/modules/db/main.tf": DB % "postgres",
        "a1/main.tf": root + NOTE,  # the child is gone: its database with it
        "a2/main.tf": root + NOTE, "a2/modules/db/main.tf": DB % "postgres",
    })
    gone = codes(tmp_path, "b", "a1")
    assert any(r == "module.db.aws_db_instance.db" for _, r in gone), gone
    assert codes(tmp_path, "b", "a2") == []


def test_a_tfvars_edit_behind_a_warm_cache_is_seen(tmp_path, cache_dir):
    main = 'variable "engine" {}\n' + (DB % "${var.engine}")
    write(tmp_path, {
        "b/main.tf": main, "b/terraform.tfvars": 'engine = "postgres"\n',
        "a1/main.tf": main + NOTE, "a1/terraform.tfvars": 'engine = "postgres"\n',
        "a2/main.tf": main + NOTE, "a2/terraform.tfvars": 'engine = "mysql"\n',
    })
    assert codes(tmp_path, "b", "a1") == []
    assert codes(tmp_path, "b", "a2") == [("IAC101", "aws_db_instance.db")]


def test_corrupt_entries_are_ignored_and_replaced(tmp_path, cache_dir):
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    cold = codes(tmp_path, "b", "a")
    for i, p in enumerate(entries(cache_dir)):
        p.write_bytes([b"", b"\x80\x05garbage", b"not a pickle at all"][i % 3])
    assert codes(tmp_path, "b", "a") == cold
    from iaclint.cache.store import loads

    assert all(loads(p.read_bytes().split(b"\n", 1)[1]) is not None for p in entries(cache_dir))


def test_an_unusable_cache_directory_turns_the_cache_off_quietly(tmp_path, monkeypatch):
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql", "not-a-dir": "x"})
    monkeypatch.setenv("IACLINT_CACHE_DIR", str(tmp_path / "not-a-dir" / "cache"))
    r = run_cli(["diff", "b", "a"], cwd=tmp_path)
    assert r.exit_code == 1 and "IAC101" in r.stdout and r.stderr == ""


def test_the_cache_is_bounded_least_recently_used_first(tmp_path):
    from iaclint.cache.store import Store

    store = Store(tmp_path / "c", max_bytes=10_000)
    keys = [store.key("t", str(i)) for i in range(20)]
    for i, k in enumerate(keys):
        store.put(k, data=b"x" * 1000)
        os.utime(store._path(k), (1_000_000 + i, 1_000_000 + i))
    store.prune()
    left = {p.name for _, _, p in store.entries()}
    assert sum(s for _, s, _ in store.entries()) <= 8_000
    assert store._path(keys[-1]).name in left and store._path(keys[0]).name not in left


def test_concurrent_runs_share_one_cache_safely(tmp_path, cache_dir):
    write(tmp_path, {f"b/s{i}/main.tf": DB % "postgres" for i in range(6)})
    write(tmp_path, {f"a/s{i}/main.tf": DB % "mysql" for i in range(6)})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "IACLINT_CACHE_DIR": str(cache_dir)}
    cmd = [sys.executable, "-m", "iaclint", "diff", "b", "a", "--format", "json"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 1 for p in procs), [e for _, e in outs]
    findings = {json.dumps(json.loads(o)["findings"], sort_keys=True) for o, _ in outs}
    assert len(findings) == 1 and all(e == b"" for _, e in outs)
    assert not list(cache_dir.rglob(".tmp-*"))  # no half-written entry left behind
    again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True)
    assert json.dumps(json.loads(again.stdout)["findings"], sort_keys=True) in findings


def test_the_key_changes_with_the_code_that_made_the_entry(tmp_path, monkeypatch):
    from iaclint.cache import store as diskcache

    a = diskcache.Store(tmp_path).key("terraform-module", "x")
    monkeypatch.setattr("iaclint.__version__", "999")
    assert diskcache.Store(tmp_path).key("terraform-module", "x") != a


def test_the_cache_command_reports_and_clears(tmp_path, cache_dir):
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    codes(tmp_path, "b", "a")
    r = run_cli(["cache"])
    assert r.exit_code == 0 and "2 entries" in r.stdout and str(cache_dir) in r.stdout
    r = run_cli(["cache", "--clear"])
    assert r.exit_code == 0 and "removed 2" in r.stdout
    assert entries(cache_dir) == []


# ------------------------------------------------------------------ git trees


def test_a_warm_hook_run_reads_no_blob(tmp_path, cache_dir, monkeypatch):
    """Module sources and loaded modules both come from the cache: no `git cat-file` at all."""
    from iaclint.inputs import trees

    repo = init_repo(tmp_path / "repo")
    files = {f"stacks/s{i}/main.tf": DB % "postgres" for i in range(4)}
    files["stacks/s0/mod.tf"] = 'module "m" {\n  source = "../../modules/m"\n}\n'
    files["modules/m/main.tf"] = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
    repo.commit(files)
    repo.write({"stacks/s1/main.tf": DB % "mysql"})
    repo.git("add", "-A")
    first = repo.iaclint("diff", "--staged", "--format", "json")
    calls: list[list[str]] = []
    real = trees.git

    def spy(args, cwd, input=None):
        calls.append(list(args))
        return real(args, cwd, input=input)

    monkeypatch.setattr(trees, "git", spy)
    second = repo.iaclint("diff", "--staged", "--format", "json")
    assert json.loads(second.stdout)["findings"] == json.loads(first.stdout)["findings"]
    assert json.loads(second.stdout)["findings"][0]["rule"] == "IAC101"
    assert not [c for c in calls if c[0] == "cat-file"], calls


# ------------------------------------------------------------------ worker processes


def _monorepo(root: Path, stacks: int) -> None:
    for side, engine in (("b", "postgres"), ("a", "mysql")):
        for s in range(stacks):
            body = "".join(
                f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{s}-{i}"\n  tags = {{ team = "{side}" }}\n}}\n'
                for i in range(5)
            )
            write(root, {
                f"{side}/stack{s}/main.tf": body + (DB % (engine if s % 3 == 0 else "postgres")),
                f"{side}/stack{s}/mod.tf": 'module "c" {\n  source = "../modules/c"\n  name = "x%d"\n}\n' % s,
            })
        write(root, {f"{side}/modules/c/main.tf": 'variable "name" {}\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n'})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are used on Linux only")
def test_worker_processes_load_exactly_what_a_serial_load_does(tmp_path):
    from iaclint.languages.terraform.loading import Side, load_all
    from iaclint.languages.terraform.module import ParseCache, module_dirs
    from iaclint.inputs.trees import DirTree

    _monorepo(tmp_path, 12)

    def load(workers: int):
        tree = DirTree(tmp_path / "a")
        dirs = module_dirs(tree)
        sides = {"after": Side(tree, dirs, ParseCache(tree))}
        jobs = [("after", d) for d in sorted(dirs) if d.startswith("stack")]
        return load_all(jobs, sides, store=None, workers=workers)

    serial, parallel = load(1), load(2)
    assert serial.keys() == parallel.keys() and len(serial) == 12
    for job in serial:
        assert serial[job] == parallel[job], job


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are used on Linux only")
def test_a_run_with_workers_reports_what_a_serial_run_does(tmp_path, monkeypatch):
    _monorepo(tmp_path, 12)
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    monkeypatch.setenv("IACLINT_JOBS", "2")
    parallel = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert len(json.loads(serial.stdout)["findings"]) == 4  # stacks 0, 3, 6, 9


def test_small_changes_stay_serial(monkeypatch):
    from iaclint.cache import workers

    monkeypatch.delenv("IACLINT_JOBS", raising=False)
    assert workers.count(3, 10**9) == 1  # few pieces of work
    assert workers.count(100, 10_000) == 1  # little to read
    assert workers.count(100, 10**9, requested=1) == 1
    monkeypatch.setenv("IACLINT_JOBS", "1")
    assert workers.count(100, 10**9) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are used on Linux only")
def test_templates_parsed_by_workers_give_what_a_serial_parse_does(tmp_path, monkeypatch):
    for i in range(10):
        write(tmp_path, {f"b/t{i}.yaml": TEMPLATE % "postgres", f"a/t{i}.yaml": TEMPLATE % ("mysql" if i % 2 else "postgres")})
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    monkeypatch.setenv("IACLINT_JOBS", "2")
    parallel = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)  # also fills the cache from the workers
    warm = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    assert json.loads(serial.stdout) == json.loads(parallel.stdout) == json.loads(warm.stdout)
    assert len(json.loads(serial.stdout)["findings"]) == 5


def test_template_answers_a_worker_could_not_send_are_read_here(tmp_path, monkeypatch):
    # pairs and single sides alike: an answer that does not load is read again in this process
    for i in range(10):
        write(tmp_path, {f"a/t{i}.yaml": TWO % ("mysql" if i % 2 else "postgres", "q")})
        if i < 6:
            write(tmp_path, {f"b/t{i}.yaml": TWO % ("postgres", "q")})
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    from iaclint.cache import workers

    monkeypatch.setattr(workers, "stream", lambda fn, items, n, order=None: ((i, b"not a pickle") for i in range(len(items))))
    monkeypatch.setattr(workers, "count", lambda *a, **k: 2)
    broken = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert broken.exit_code == serial.exit_code and "internal error" not in broken.stderr
    assert json.loads(broken.stdout) == json.loads(serial.stdout)


TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: %s
      DBInstanceClass: db.t3.micro
"""


def test_a_warm_template_run_reads_the_cache_and_finds_the_same(tmp_path, cache_dir, monkeypatch):
    write(tmp_path, {"b/stack.yaml": TEMPLATE % "postgres", "a/stack.yaml": TEMPLATE % "mysql"})
    cold = codes(tmp_path, "b", "a")
    assert cold == [("IAC102", "Db")]  # Engine is conditionally create-only
    from iaclint.languages.cloudformation import template as cloudformation

    def no_parse(*a, **k):
        raise AssertionError("a warm run must not parse")

    monkeypatch.setattr(cloudformation, "parse_template", no_parse)
    assert codes(tmp_path, "b", "a") == cold


TWO = TEMPLATE + """  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: %s
"""


def test_a_warm_run_of_a_template_read_by_what_changed_reads_nothing(tmp_path, cache_dir, monkeypatch):
    # the pair is read by its touched resource (Db) and cached under its two blobs
    write(tmp_path, {"b/stack.yaml": TWO % ("postgres", "q"), "a/stack.yaml": TWO % ("mysql", "q")})
    cold = codes(tmp_path, "b", "a")
    assert cold == [("IAC102", "Db")]
    from iaclint.languages.cloudformation import paired, template as cloudformation

    def no_read(*a, **k):
        raise AssertionError("a warm run must not read")

    monkeypatch.setattr(cloudformation._Template, "parse", no_read)
    monkeypatch.setattr(paired, "read_pair", no_read)
    assert codes(tmp_path, "b", "a") == cold
    # a new AFTER: its pair is not in the cache, and is read again
    monkeypatch.undo()
    monkeypatch.setenv("IACLINT_CACHE_DIR", str(cache_dir))
    write(tmp_path, {"a/stack.yaml": TWO % ("postgres", "q2")})
    assert codes(tmp_path, "b", "a") == [("IAC101", "Queue")]


def test_a_run_leaves_the_garbage_collector_as_it_found_it(tmp_path, cache_dir):
    """The collector is paused while a change is read (speed); the run must give it back, or a
    long-lived host (the MCP server) would never collect again."""
    import gc

    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    codes(tmp_path, "b", "a")
    codes(tmp_path, "b", "a")  # warm: reads entries
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_loading_an_entry_has_no_global_side_effect():
    import gc

    from iaclint.cache.store import dumps, loads

    assert loads(dumps({"a": 1})) == {"a": 1}
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_the_key_covers_every_module_that_shapes_an_entry_and_the_parser_libraries(tmp_path):
    from iaclint.cache.store import Store

    salt = Store(tmp_path).salt().decode()
    for rel in ("core/model.py", "core/facts.py", "languages/terraform/module.py", "languages/terraform/hcl.py",
                "languages/text.py", "languages/cloudformation/template.py", "languages/cloudformation/yaml_reader.py"):
        assert rel + ":" in salt and rel + ":?" not in salt, rel
    for lib in ("tree_sitter:", "tree_sitter_hcl:", "yaml:"):
        part = next(p for p in salt.split("|") if p.startswith(lib))
        assert ".dist-info" in part, part


def test_a_cached_module_with_calls_and_a_template_with_problems_load_back(tmp_path, cache_dir):
    """Every class a real entry holds is on the unpickler's allow-list (or every warm run misses)."""
    from iaclint.cache.store import Store, dumps, loads
    from iaclint.inputs.trees import DirTree
    from iaclint.languages.cloudformation.template import parse_template
    from iaclint.languages.terraform.module import load_module

    write(tmp_path, {"m/main.tf": 'module "c" {\n  source = "./c"\n}\n', "m/c/main.tf": DB % "postgres"})
    module = load_module(DirTree(tmp_path / "m"), "")
    assert module.module_calls and loads(dumps(module)) is not None
    template = parse_template("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Type: AWS::S3::Bucket\n", "t.yaml", "t.yaml")
    assert template.problems and loads(dumps(template)) is not None
    del Store



def test_an_entry_copied_under_another_key_is_not_served(tmp_path, cache_dir):
    """A forged or misplaced entry (the bytes of one key's entry under another key's name) is
    a miss: the entry names its own key."""
    write(tmp_path, {"b/main.tf": DB % "postgres", "a/main.tf": DB % "mysql"})
    cold = codes(tmp_path, "b", "a")
    write(tmp_path, {"c/main.tf": DB % "postgres"})
    codes(tmp_path, "b", "c")  # an entry for an unchanged pair
    files = entries(cache_dir)
    donor = files[0].read_bytes()
    for p in files[1:]:
        p.write_bytes(donor)
    assert codes(tmp_path, "b", "a") == cold


def test_clear_and_prune_never_follow_a_linked_shard(tmp_path, cache_dir):
    from iaclint.cache.store import FORMAT, Store

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.pkl").write_text("keep me")
    (victim / "notes.txt").write_text("keep me too")
    base = cache_dir / f"v{FORMAT}"
    base.mkdir(parents=True, exist_ok=True)
    (base / "zz").symlink_to(victim, target_is_directory=True)
    Store(cache_dir).clear()
    assert (victim / "precious.pkl").exists() and (victim / "notes.txt").exists()
