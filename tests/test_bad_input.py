"""Bad input: what iaclint says and which exit code it gives, one row per kind of input.

Two kinds of row:

* the run cannot start (a missing path, a bad ref, a broken config): exit 2 and exactly one
  line on stderr, starting with `iaclint: `;
* one file of the change cannot be read (binary, not UTF-8, too large, unreadable): it gets a
  finding of its own (IAC001 after, IAC002 before) and every other file's findings are still
  reported. Files that are only unusual (BOM, CRLF, empty, a symlink) are read normally or
  skipped without a word.

Never a traceback without --debug. docs/bad-input.md is the same table in prose; a test
checks that it names every row.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import BUCKET, DB_PROTECTED, DB_UNPROTECTED, init_repo, run_cli, write

DOC = Path(__file__).resolve().parent.parent / "docs" / "bad-input.md"

# Every file-level row puts its odd file next to this one, which always yields IAC201.
OTHER_BEFORE = DB_PROTECTED.replace('"main"', '"other"')
OTHER_AFTER = DB_UNPROTECTED.replace('"main"', '"other"')
OTHER = ("IAC201", "other.tf")


@dataclass
class Case:
    id: str  # also the row's name in docs/bad-input.md
    setup: Callable[[Path], tuple[list, Path]]  # tmp_path -> (arguments after `diff`, cwd)
    exit_code: int
    stderr: str = ""  # a fragment of the one stderr line, for exit 2
    finding: tuple[str, str, str] | None = None  # (rule, path, message fragment) of the odd file
    line: int | None = None  # where that finding (or the other file's) must be
    root_only_skip: bool = False
    others: bool = True  # other.tf's IAC201 is still reported
    monkey: dict = field(default_factory=dict)  # attribute of iaclint.inputs.trees -> value


def dirs(before: dict, after: dict) -> Callable[[Path], tuple[list, Path]]:
    def setup(tmp: Path):
        write(tmp / "before", {"other.tf": OTHER_BEFORE, **before})
        write(tmp / "after", {"other.tf": OTHER_AFTER, **after})
        return ["before", "after"], tmp

    return setup


def plain(args: list, files: dict | None = None):
    def setup(tmp: Path):
        write(tmp, files or {})
        return args, tmp

    return setup


def repo_with(args: list):
    def setup(tmp: Path):
        repo = init_repo(tmp / "repo")
        repo.commit({"other.tf": OTHER_BEFORE})
        repo.write({"other.tf": OTHER_AFTER})
        return args, repo.path

    return setup


def config(text: str):
    def setup(tmp: Path):
        write(tmp / "before", {"other.tf": OTHER_BEFORE})
        write(tmp / "after", {"other.tf": OTHER_AFTER})
        (tmp / ".iaclint.toml").write_text(text)
        return ["before", "after"], tmp

    return setup


def unreadable(tmp: Path):
    args, cwd = dirs({"main.tf": BUCKET}, {"main.tf": BUCKET.replace("example-logs", "renamed-logs")})(tmp)
    os.chmod(tmp / "after" / "main.tf", 0)
    return args, cwd


def symlink_outside(tmp: Path):
    secret = tmp / "outside" / "db.tf"
    write(tmp / "outside", {"db.tf": 'resource "aws_db_instance" "stolen" {\n  deletion_protection = false\n}\n'})
    args, cwd = dirs({}, {})(tmp)
    (tmp / "after" / "link.tf").symlink_to(secret)
    (tmp / "after" / "linked-dir").symlink_to(tmp / "outside", target_is_directory=True)
    return args, cwd


def symlink_outside_git(tmp: Path):
    repo = init_repo(tmp / "repo")
    write(tmp / "outside", {"db.tf": 'resource "aws_db_instance" "stolen" {\n  deletion_protection = false\n}\n'})
    repo.commit({"other.tf": OTHER_BEFORE})
    repo.write({"other.tf": OTHER_AFTER})
    (repo.path / "link.tf").symlink_to(tmp / "outside" / "db.tf")
    repo.git("add", "-A")
    return ["--staged"], repo.path


BIG = BUCKET + "#" * 400 + "\n"
TEMPLATE = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
# a billion laughs: 10 ** 11 nodes if the aliases were expanded
ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
) + "\n" + TEMPLATE + "    Properties:\n      Tags: *a11\n"
DEEP = 10_000
DEEP_YAML = TEMPLATE + "    Properties:\n      X: " + "[" * DEEP + "]" * DEEP + "\n"
DEEP_JSON = '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": ' + "[" * DEEP + "]" * DEEP + "}}}}"
DEEP_TF = 'resource "aws_s3_bucket" "b" {\n  x = ' + "[" * DEEP + "]" * DEEP + "\n}\n"
DEEP_TF_BLOCKS = 'resource "aws_s3_bucket" "c" {\n' + "a {\n" * DEEP + "}\n" * DEEP + "}\n"

CASES = [
    # ---- the run cannot start
    Case("missing path", plain(["nope", "after"], {"after/main.tf": BUCKET}), 2, "no such file or directory: nope"),
    Case("directory vs file", plain(["before", "after/main.tf"], {"before/main.tf": BUCKET, "after/main.tf": BUCKET}), 2,
         "cannot compare a directory with a file"),
    Case("file iaclint does not read", plain(["a.txt", "b.txt"], {"a.txt": "x", "b.txt": "y"}), 2, "not a Terraform file"),
    Case("one path only", plain(["after"], {"after/main.tf": BUCKET}), 2, "BEFORE and AFTER"),
    Case("bad git ref", repo_with(["--base", "no-such-branch"]), 2, "unknown git ref 'no-such-branch'"),
    Case("ref starting with -", repo_with(["--base=--output=x"]), 2, "cannot start with '-'"),
    Case("head ref starting with -", repo_with(["--base", "HEAD", "--head=-x"]), 2, "cannot start with '-'"),
    Case("git mode outside a repository", plain(["--staged"]), 2, "not inside a git repository"),
    Case("PATH outside the repository", repo_with(["--base", "HEAD", "/"]), 2, "outside the repository"),
    Case("PATH that matches nothing", repo_with(["--base", "HEAD", "no/such/dir"]), 2, "no such file or directory: no/such/dir"),
    Case("config: unknown key", config('fail_onn = "error"\n'), 2, "unknown key 'fail_onn'"),
    Case("config: wrong type", config("fail_on = 1\n"), 2, "'fail_on' must be a str"),
    Case("config: wrong value", config('[severity]\nIAC201 = "fatal"\n'), 2, "severity for 'IAC201'"),
    Case("config: unknown rule", config('select = ["IAC2O1"]\n'), 2, "unknown rule or category 'IAC2O1'"),
    Case("config: not TOML", config("fail_on = \n"), 2, "invalid TOML"),
    Case("output file cannot be written", plain(["before", "after", "-o", "missing/report.txt"],
         {"before/main.tf": BUCKET, "after/main.tf": BUCKET}), 2, "cannot write missing/report.txt"),
    # ---- one file cannot be read: it gets a finding, the others are still checked
    Case("syntax error", dirs({"main.tf": BUCKET}, {"main.tf": 'resource "aws_s3_bucket" "logs" {\n'}), 1,
         finding=("IAC001", "main.tf", "")),
    Case("syntax error before", dirs({"main.tf": 'resource "aws_s3_bucket" "logs" {\n'}, {"main.tf": BUCKET}), 1,
         finding=("IAC002", "main.tf", "previous version")),
    Case("binary file named .tf", dirs({"main.tf": BUCKET}, {"main.tf": b"\x7fELF\x00\x01\x02\x00" * 16}), 1,
         finding=("IAC001", "main.tf", "binary file")),
    Case("YAML alias bomb", dirs({"t.yaml": TEMPLATE}, {"t.yaml": ALIAS_BOMB}), 1,
         finding=("IAC001", "t.yaml", "aliases expand to more than")),
    Case("10,000-level nesting", dirs({"t.yaml": TEMPLATE}, {"t.yaml": DEEP_YAML}), 1,
         finding=("IAC001", "t.yaml", "nesting deeper than")),
    Case("10,000-level nesting in JSON", dirs({"t.json": TEMPLATE}, {"t.json": DEEP_JSON}), 1,
         finding=("IAC001", "t.json", "nesting deeper than")),
    Case("10,000-level nesting in .tf", dirs({"main.tf": BUCKET}, {"main.tf": DEEP_TF}), 1,
         finding=("IAC001", "main.tf", "nesting deeper than")),
    Case("10,000 nested blocks in .tf", dirs({"main.tf": BUCKET}, {"main.tf": DEEP_TF_BLOCKS}), 1,
         finding=("IAC001", "main.tf", "nesting deeper than")),
    # read with the byte replaced (the resources around it still count) and reported
    Case("non-UTF-8 .tf", dirs({"main.tf": BUCKET}, {"main.tf": (BUCKET + "# caf\xe9\n").encode("latin-1")}), 1,
         finding=("IAC001", "main.tf", "not valid UTF-8")),
    Case("file over the size limit", dirs({}, {"big.tf": BIG}), 1, finding=("IAC001", "big.tf", "larger than"),
         monkey={"MAX_FILE_BYTES": 350}),
    Case("unreadable file", unreadable, 1, finding=("IAC001", "main.tf", "permission denied"), root_only_skip=True),
    # ---- unusual but fine
    Case("UTF-8 BOM", dirs({"main.tf": DB_PROTECTED}, {"main.tf": b"\xef\xbb\xbf" + DB_UNPROTECTED.lstrip().encode()}), 1,
         finding=("IAC201", "main.tf", ""), line=5),
    Case("CRLF line endings", dirs({"main.tf": DB_PROTECTED}, {"main.tf": DB_UNPROTECTED.lstrip().replace("\n", "\r\n").encode()}), 1,
         finding=("IAC201", "main.tf", ""), line=5),
    Case("empty file", dirs({}, {"empty.tf": ""}), 1),
    Case("symlink pointing outside the tree", symlink_outside, 1),
    Case("symlink pointing outside the repository", symlink_outside_git, 1),
]


def _run(case: Case, tmp_path: Path, monkeypatch):
    if case.root_only_skip and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop reads")
    from iaclint.inputs import trees

    for name, value in case.monkey.items():
        monkeypatch.setattr(trees, name, value)
    args, cwd = case.setup(tmp_path)
    return run_cli(["diff", *args, "--format", "json"], cwd=cwd)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, monkeypatch):
    result = _run(case, tmp_path, monkeypatch)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.exit_code == case.exit_code, result.output
    if case.exit_code == 2:
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("iaclint: ") and case.stderr in lines[0], lines[0]
        return
    assert result.stderr == ""
    findings = json.loads(result.stdout)["findings"]
    got = {(f["rule"], f["path"]) for f in findings}
    if case.others:
        assert OTHER in got, findings
    odd = [f for f in findings if (f["rule"], f["path"]) != OTHER]
    if case.finding is None:
        assert odd == [], odd  # nothing about the odd file at all
    else:
        rule, path, fragment = case.finding
        mine = [f for f in odd if (f["rule"], f["path"]) == (rule, path)]
        assert mine, findings
        assert fragment in mine[0]["message"]
        if case.line is not None:
            assert mine[0]["line"] == case.line
        assert not [f for f in odd if f not in mine], odd


def test_symlinks_are_not_counted_as_files(tmp_path, monkeypatch):
    result = _run(next(c for c in CASES if c.id == "symlink pointing outside the tree"), tmp_path, monkeypatch)
    doc = json.loads(result.stdout)
    assert "stolen" not in result.stdout
    assert doc["summary"]["resources_after"] == 1  # other.tf only


def test_single_files_over_the_size_limit(tmp_path, monkeypatch):
    from iaclint.inputs import trees

    monkeypatch.setattr(trees, "MAX_FILE_BYTES", 350)
    write(tmp_path, {"before.tf": BIG, "after.tf": BIG.replace("example-logs", "other")})
    result = run_cli(["diff", "before.tf", "after.tf", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1
    assert {f["rule"] for f in json.loads(result.stdout)["findings"]} >= {"IAC001"}


def test_modified_file_over_the_size_limit_in_git(tmp_path, monkeypatch):
    from iaclint.inputs import trees

    repo = init_repo(tmp_path / "repo")
    repo.commit({"big.tf": BIG, "other.tf": OTHER_BEFORE})
    repo.write({"big.tf": BIG + "# more\n", "other.tf": OTHER_AFTER})
    monkeypatch.setattr(trees, "MAX_FILE_BYTES", 350)
    for args in (["--base", "HEAD"], ["--base", "HEAD", "big.tf", "other.tf"]):
        result = run_cli(["diff", *args, "--format", "json"], cwd=repo.path)
        got = {(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]}
        assert {("IAC001", "big.tf"), OTHER} <= got, (args, got)


def test_internal_errors_are_one_line_unless_debug(tmp_path, monkeypatch):
    import iaclint.pipeline

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(iaclint.pipeline, "analyze", boom)
    args, cwd = dirs({}, {})(tmp_path)
    result = run_cli(["diff", *args], cwd=cwd)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "iaclint: internal error: RuntimeError: simulated bug (run with --debug for details)"
    ]
    with pytest.raises(RuntimeError, match="simulated bug"):
        run_cli(["diff", *args, "--debug"], cwd=cwd)


def test_the_documented_table_names_every_row():
    text = DOC.read_text(encoding="utf-8")
    missing = [c.id for c in CASES if f"| {c.id} |" not in text]
    assert not missing, f"docs/bad-input.md lacks rows for {missing}"


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """The chmod row, for runs as root: the read itself fails with PermissionError."""
    from iaclint.inputs import trees

    real_read = trees.DirTree.read

    def read(self, path):
        if path == "main.tf" and self.root.name == "after":
            raise PermissionError(13, "Permission denied")
        return real_read(self, path)

    monkeypatch.setattr(trees.DirTree, "read", read)
    args, cwd = dirs({"main.tf": BUCKET}, {"main.tf": BUCKET.replace("example-logs", "renamed-logs")})(tmp_path)
    result = run_cli(["diff", *args, "--format", "json"], cwd=cwd)
    assert result.exit_code == 1 and result.stderr == ""
    findings = json.loads(result.stdout)["findings"]
    assert {(f["rule"], f["path"]) for f in findings} == {("IAC001", "main.tf"), OTHER}
    assert "permission denied" in next(f["message"] for f in findings if f["path"] == "main.tf")
