"""Import discipline: a run imports only what its change needs (start-up time in a hook).

Each case runs the CLI in a fresh interpreter and reports which heavy packages ended up in
`sys.modules`. Nothing here measures time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("yaml", "libcst", "cfnlint", "tree_sitter", "tree_sitter_hcl", "hcl2",
         # standard-library modules a hook run has no use for (each a few ms of its start-up)
         "tempfile", "difflib", "shutil")
# standard-library modules the hook's own run (`diff --staged`) does without: building ~40
# dataclasses, with inspect, ast, dis and tokenize imported for them, was ~25 ms of it; the
# records a run uses are plain classes (iaclint.core.record). click imports inspect for others.
# hashlib loads OpenSSL (~3 ms): its small inputs are hashed by iaclint.digest. The cache
# pickles through the C pickler, without pickle's Python module.
HOOK_UNUSED = ("dataclasses", "inspect", "hashlib", "_hashlib", "pickle")

_PROBE = """
import json, sys
sys.argv = ["iaclint"] + sys.argv[1:]
from iaclint.cli import main
try:
    rc = main()
except SystemExit as exc:
    rc = exc.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(%r))
ours = sorted(m for m in sys.modules if m.startswith("iaclint."))
stdlib = sorted(set(sys.modules) & set(%r))
sys.stderr.write("\\nIMPORTED=" + json.dumps({"rc": rc, "loaded": loaded, "ours": ours, "stdlib": stdlib}) + "\\n")
""" % (HEAVY, HOOK_UNUSED)


def _probe(args: list[str], cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True, env=env)
    line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("IMPORTED=")), None)
    assert line is not None, proc.stderr
    return json.loads(line[len("IMPORTED="):])


def _imported(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    data = _probe(args, cwd)
    return data["rc"], set(data["loaded"])


def _tf(path: Path, bucket: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "main.tf").write_text(f'resource "aws_s3_bucket" "b" {{\n  bucket = "{bucket}"\n}}\n')


def _cfn(path: Path, bucket: str, ext: str = "yaml") -> None:
    path.mkdir(parents=True, exist_ok=True)
    body = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}}}
    text = json.dumps(body) if ext == "json" else (
        f"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {bucket}\n")
    (path / f"t.{ext}").write_text(text)


def test_version_imports_nothing_heavy(tmp_path):
    rc, loaded = _imported(["--version"], tmp_path)
    assert rc in (0, None)
    assert loaded == set()


def test_terraform_only_run_imports_no_yaml_libcst_or_cfnlint(tmp_path):
    _tf(tmp_path / "b", "one")
    _tf(tmp_path / "a", "two")
    rc, loaded = _imported(["diff", "b", "a"], tmp_path)
    assert rc == 1
    assert not loaded & {"yaml", "libcst", "cfnlint", "hcl2"}


@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_cloudformation_only_run_imports_no_tree_sitter_or_libcst(tmp_path, ext):
    _cfn(tmp_path / "b", "one", ext)
    _cfn(tmp_path / "a", "two", ext)
    rc, loaded = _imported(["diff", "b", "a"], tmp_path)
    assert rc == 1
    assert not loaded & {"tree_sitter", "tree_sitter_hcl", "libcst", "cfnlint", "hcl2"}
    if ext == "json":
        assert "yaml" not in loaded


def test_staged_terraform_change_imports_no_yaml(tmp_path):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    _tf(tmp_path, "one")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "base"]):
        subprocess.run(cmd, cwd=tmp_path, check=True, env=env, capture_output=True)
    _tf(tmp_path, "two")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    data = _probe(["diff", "--staged"], tmp_path)
    rc, loaded = data["rc"], set(data["loaded"])
    assert rc == 1
    assert not loaded & {"yaml", "libcst", "cfnlint", "hcl2"}
    assert not loaded & {"tempfile", "difflib", "shutil"}  # the cache writes without tempfile; no block was removed
    assert data["stdlib"] == []


def test_check_command_imports_no_parser(tmp_path):
    # a PreToolUse hook runs it before every shell command an agent runs
    rc, loaded = _imported(["check-command", "--shell", "cd infra && terraform destroy"], tmp_path)
    assert rc == 1
    assert loaded == set()
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['iaclint', 'check-command', '--shell', 'ls']\n"
                           "from iaclint.cli import main\nmain()\n"
                           "print(sorted(m for m in sys.modules if m.startswith(('iaclint.languages.', 'iaclint.plan', 'iaclint.inputs'))))"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "['iaclint.languages.base']", proc.stdout + proc.stderr


# rule modules a source change never runs: they read a command line or a plan's facts only
NOT_FOR_SOURCE = ("iaclint.checks.command", "iaclint.checks.drift", "iaclint.guard", "iaclint.plan")


def test_a_source_run_imports_only_the_rules_it_runs(tmp_path):
    _tf(tmp_path / "b", "one")
    _tf(tmp_path / "a", "two")
    data = _probe(["diff", "b", "a"], tmp_path)
    assert data["rc"] == 1
    assert not [m for m in data["ours"] if m.startswith(NOT_FOR_SOURCE)]
    assert "iaclint.checks.protection.deletion_protection_disabled" in data["ours"]  # the rules it runs are there


def test_check_command_imports_the_command_rules_only(tmp_path):
    data = _probe(["check-command", "--", "terraform", "destroy"], tmp_path)
    assert data["rc"] == 1
    assert "iaclint.checks.command.destroy_command" in data["ours"]
    assert not [m for m in data["ours"] if m.startswith(("iaclint.checks.protection", "iaclint.checks.replacement",
                                                          "iaclint.checks.deletion"))]
