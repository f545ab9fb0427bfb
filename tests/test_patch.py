"""`iaclint diff --patch FILE|- [ROOT]`: a unified diff applied in memory.

Each patch shape (modify, add, delete, rename, CRLF, no newline at end of file, a hunk that
does not apply) is made by real `git diff` in a temporary repository, then applied to a copy
of the BEFORE tree; the patched tree must equal the AFTER tree byte for byte, and the findings
must equal those of the two-tree `iaclint diff BEFORE AFTER`.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli, write
from iaclint.errors import InputError
from iaclint.inputs.patch import apply_patch
from iaclint.pipeline import RunOptions, lint
from iaclint.inputs.trees import DirTree

DB = """
resource "aws_db_instance" "main" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  deletion_protection = true
}
"""
BUCKET = """
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout.decode("utf-8", "surrogateescape")


def git_patch(tmp_path: Path, before: dict, after: dict) -> tuple[str, Path, Path]:
    """(patch text from `git diff -M`, a BEFORE directory, an AFTER directory)."""
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    _git(repo, "config", "core.autocrlf", "false")
    write(repo, before)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "before", "--allow-empty")
    b = tmp_path / "before"
    shutil.copytree(repo, b, ignore=shutil.ignore_patterns(".git"))
    write(repo, after)
    _git(repo, "add", "-A")
    patch = _git(repo, "diff", "--cached", "-M", "--no-color", "--no-ext-diff")
    a = tmp_path / "after"
    shutil.copytree(repo, a, ignore=shutil.ignore_patterns(".git"))
    return patch, b, a


def _ids(findings) -> list[tuple]:
    return sorted(f.identity() for f in findings)


def assert_same_as_two_tree(patch: str, before: Path, after: Path) -> None:
    patched = apply_patch(patch, DirTree(before))
    want = DirTree(after)
    assert patched.files() == want.files()
    for p in want.files():
        assert patched.read(p) == want.read(p), p
    via_patch = lint(RunOptions(patch_text=patch, cwd=str(before), paths=[str(before)]))
    two_tree = lint(RunOptions(paths=[str(before), str(after)]))
    assert _ids(via_patch.findings) == _ids(two_tree.findings)


def test_modify(tmp_path):
    patch, b, a = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')})
    assert_same_as_two_tree(patch, b, a)
    (tmp_path / "p.diff").write_text(patch)
    result = run_cli(["diff", "--patch", "p.diff", "before", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert '"IAC101"' in result.stdout


def test_add(tmp_path):
    patch, b, a = git_patch(tmp_path, {"db.tf": DB}, {"s3.tf": BUCKET})
    assert "--- /dev/null" in patch
    assert_same_as_two_tree(patch, b, a)


def test_delete(tmp_path):
    patch, b, a = git_patch(tmp_path, {"db.tf": DB, "s3.tf": BUCKET}, {"s3.tf": None})
    assert "+++ /dev/null" in patch
    assert_same_as_two_tree(patch, b, a)
    findings = lint(RunOptions(patch_text=patch, cwd=str(b), paths=[str(b)])).findings
    assert any(f.rule == "IAC301" and f.resource == "aws_s3_bucket.assets" for f in findings)


def test_rename_file_without_edits_is_not_a_deletion(tmp_path):
    patch, b, a = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": None, "database/db.tf": DB})
    assert "rename from db.tf" in patch
    patched = apply_patch(patch, DirTree(b))
    assert patched.renames == {"db.tf": "database/db.tf"}
    assert_same_as_two_tree(patch, b, a)


def test_rename_with_edit(tmp_path):
    long_db = DB + "".join(f'\nresource "aws_sqs_queue" "q{i}" {{\n  name = "q{i}"\n}}\n' for i in range(8))
    patch, b, a = git_patch(tmp_path, {"main.tf": long_db},
                            {"main.tf": None, "infra.tf": long_db.replace('"q3"', '"q3-renamed"')})
    assert "rename from main.tf" in patch
    assert_same_as_two_tree(patch, b, a)


def test_crlf_file_keeps_its_line_endings(tmp_path):
    crlf = DB.lstrip("\n").replace("\n", "\r\n").encode()
    patch, b, a = git_patch(tmp_path, {"db.tf": crlf}, {"db.tf": crlf.replace(b'"postgres"', b'"mysql"')})
    assert_same_as_two_tree(patch, b, a)
    # an agent's LF patch for the same CRLF file applies too, and the file keeps CRLF
    lf_patch = patch.replace("\r\n", "\n")
    patched = apply_patch(lf_patch, DirTree(b))
    assert patched.read("db.tf") == crlf.replace(b'"postgres"', b'"mysql"')


def test_no_newline_at_end_of_file(tmp_path):
    text = DB.lstrip("\n").rstrip("\n")
    patch, b, a = git_patch(tmp_path, {"db.tf": text.encode()}, {"db.tf": (text.replace("true", "false") + "\n").encode()})
    assert "\\ No newline at end of file" in patch
    assert_same_as_two_tree(patch, b, a)
    patch2, b2, a2 = git_patch(tmp_path / "2", {"db.tf": DB}, {"db.tf": text.replace("postgres", "mysql").encode()})
    assert_same_as_two_tree(patch2, b2, a2)


def test_patch_from_stdin(tmp_path, monkeypatch):
    import io
    import sys

    patch, b, _ = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(patch.encode())))
    result = run_cli(["diff", "--patch", "-", "--format", "agent"], cwd=b)
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("VERDICT: BLOCK")


def test_unapplicable_hunk_is_exit_2_in_one_line(tmp_path):
    patch, b, _ = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')})
    write(b, {"db.tf": DB.replace("db.t3.micro", "db.t3.large").replace('"postgres"', '"aurora"')})
    (tmp_path / "p.diff").write_text(patch)
    result = run_cli(["diff", "--patch", "p.diff", "before"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "db.tf" in lines[0] and "hunk #1" in lines[0]
    with pytest.raises(InputError):
        apply_patch(patch, DirTree(b))


def test_patch_for_a_missing_file_is_an_error(tmp_path):
    patch, b, _ = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')})
    write(b, {"db.tf": None})
    with pytest.raises(InputError, match="db.tf"):
        apply_patch(patch, DirTree(b))


def test_not_a_patch_is_an_error(tmp_path):
    (tmp_path / "p.diff").write_text("hello\n")
    result = run_cli(["diff", "--patch", "p.diff"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "patch" in result.stderr


def test_patch_without_prefixes(tmp_path):
    b = tmp_path / "root"
    write(b, {"db.tf": DB})
    old = (b / "db.tf").read_text()
    new = old.replace('"postgres"', '"mysql"')
    patch = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "db.tf", "db.tf"))
    assert apply_patch(patch, DirTree(b)).read("db.tf").decode() == new


# ------------------------------------------------------------------ property: --patch == two trees

TYPES = [("aws_db_instance", ["engine", "instance_class", "identifier"]),
         ("aws_s3_bucket", ["bucket", "force_destroy"]),
         ("aws_sqs_queue", ["name", "fifo_queue", "delay_seconds"])]
NAMES = ["a", "b", "c"]
VALUES = ['"postgres"', '"mysql"', '"x"', "true", "false", "1", "2"]


@st.composite
def tf_module(draw):
    blocks = []
    for rtype, attrs in TYPES:
        for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2)):
            chosen = draw(st.lists(st.sampled_from(attrs), unique=True, min_size=1))
            body = "".join(f"  {k} = {draw(st.sampled_from(VALUES))}\n" for k in chosen)
            blocks.append(f'resource "{rtype}" "{name}" {{\n{body}}}\n')
    return "\n".join(blocks)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.dictionaries(st.sampled_from(["main.tf", "db.tf", "sub/x.tf"]), tf_module(), max_size=3),
       after=st.dictionaries(st.sampled_from(["main.tf", "db.tf", "sub/x.tf"]), tf_module(), max_size=3))
def test_patch_and_two_tree_diff_agree(tmp_path_factory, before, after):
    # difflib cannot say "create (or delete) an empty file"; git can, but that is not what is tested here
    before = {p: t for p, t in before.items() if t}
    after = {p: t for p, t in after.items() if t}
    tmp = tmp_path_factory.mktemp("prop")
    b, a = tmp / "before", tmp / "after"
    b.mkdir()
    a.mkdir()
    write(b, before)
    write(a, after)
    if before == after:
        return
    chunks = []
    for path in sorted(set(before) | set(after)):
        old = (b / path).read_text() if path in before else ""
        new = (a / path).read_text() if path in after else ""
        if old == new:
            continue
        chunks.extend(difflib.unified_diff(
            old.splitlines(True), new.splitlines(True),
            f"a/{path}" if path in before else "/dev/null", f"b/{path}" if path in after else "/dev/null",
        ))
    patch = "".join(chunks)
    if not patch:
        return
    assert_same_as_two_tree(patch, b, a)


def test_applying_a_patch_is_linear_in_its_size(monkeypatch):
    """Counted, not timed: every line of the file is normalised once, however many hunks (a patch
    of 16k hunks used to normalise the whole file once per hunk)."""
    from iaclint.inputs import patch as patch_mod
    from iaclint.inputs.patch import apply_hunks, parse_patch

    lines = [f'  tag{i} = "v{i}"\n' for i in range(6000)]
    original = ('resource "aws_s3_bucket" "b" {\n' + "".join(lines) + "}\n").encode()
    hunks = []
    for h in range(500):
        i = h * 12 + 5
        hunks.append(f"@@ -{i + 2},1 +{i + 2},1 @@\n-{lines[i]}+{lines[i].replace('v', 'w')}")
    files = parse_patch("--- a/main.tf\n+++ b/main.tf\n" + "".join(hunks))
    calls = []
    real = patch_mod._key
    monkeypatch.setattr(patch_mod, "_key", lambda line: calls.append(1) or real(line))
    result = apply_hunks(original, files[0].hunks, "main.tf")
    assert result.count(b'"w') == 500
    assert len(calls) <= len(lines) + 2 + 500 * 2


# ------------------------------------------------------------------ a patch already in the tree


def assert_already_applied_same_as_two_tree(patch: str, before: Path, after: Path) -> None:
    """`git diff` run after the edit, given with the edited tree: BEFORE is the tree with the
    patch undone, byte for byte, and the findings are those of the two-tree diff."""
    from iaclint.inputs.patch import patch_sides

    unpatched, tree, _, _ = patch_sides(patch, DirTree(after))
    want = DirTree(before)
    assert unpatched.files() == want.files()
    for p in want.files():
        assert unpatched.read(p) == want.read(p), p
    via_patch = lint(RunOptions(patch_text=patch, cwd=str(after), paths=[str(after)]))
    two_tree = lint(RunOptions(paths=[str(before), str(after)]))
    assert _ids(via_patch.findings) == _ids(two_tree.findings)


@pytest.mark.parametrize("before, after", [
    ({"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')}),
    ({"db.tf": DB}, {"db.tf": DB, "s3.tf": BUCKET}),
    ({"db.tf": DB, "s3.tf": BUCKET}, {"s3.tf": None}),
    ({"db.tf": DB}, {"db.tf": None, "database/db.tf": DB}),
    ({"db.tf": DB.lstrip("\n").rstrip("\n")}, {"db.tf": DB.replace("true", "false")}),
    ({"db.tf": DB}, {"db.tf": DB.lstrip("\n").rstrip("\n").replace("true", "false")}),
], ids=["modify", "add", "delete", "rename", "newline-added", "newline-removed"])
def test_a_patch_already_applied_is_linted_against_the_tree_undone(tmp_path, before, after):
    patch, b, a = git_patch(tmp_path, before, after)
    assert_already_applied_same_as_two_tree(patch, b, a)


def test_readme_agent_example_after_editing(tmp_path, monkeypatch):
    """`git diff | iaclint diff --patch - .` with the edit already in the working tree."""
    import io
    import sys

    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"], ["config", "user.name", "t"]):
        _git(repo, *args)
    write(repo, {"db.tf": DB, "s3.tf": BUCKET})
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "init")
    write(repo, {"db.tf": DB.replace("deletion_protection = true", "deletion_protection = false")})
    patch = _git(repo, "diff")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(patch.encode())))
    result = run_cli(["diff", "--patch", "-", ".", "--format", "json"], cwd=repo)
    assert result.exit_code == 1, result.output
    assert '"IAC201"' in result.stdout
    assert result.stdout == run_cli(["diff", "--base", "HEAD", "--format", "json"], cwd=repo).stdout


def test_a_harmless_patch_already_applied_is_silent(tmp_path):
    patch, b, a = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace("}", '  tags = { team = "x" }\n}')})
    (tmp_path / "p.diff").write_text(patch)
    result = run_cli(["diff", "--patch", "p.diff", "after"], cwd=tmp_path)
    assert result.exit_code == 0, result.output


def test_a_patch_that_applies_neither_way_names_base_head(tmp_path):
    patch, b, _ = git_patch(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace('"postgres"', '"mysql"')})
    write(b, {"db.tf": DB.replace('"postgres"', '"aurora"')})
    (tmp_path / "p.diff").write_text(patch)
    result = run_cli(["diff", "--patch", "p.diff", "before"], cwd=tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "hunk #1" in lines[0] and "--base HEAD" in lines[0]


def test_a_binary_patch_to_a_configuration_file_is_refused_as_such(tmp_path):
    write(tmp_path, {"db.tf": DB})
    patch = ("diff --git a/db.tf b/db.tf\nindex 1111111..2222222 100644\n"
             "Binary files a/db.tf and b/db.tf differ\n")
    (tmp_path / "p.diff").write_text(patch)
    result = run_cli(["diff", "--patch", "p.diff", "."], cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "binary patches cannot be applied" in result.stderr
    assert "already applied" not in result.stderr
