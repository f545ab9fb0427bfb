"""Whatever bytes a .tf file holds, reading it never raises, and a broken AFTER file is reported.

iaclint fails closed: a file it cannot read is an IAC001 finding, never a crash and never
silence. These properties run the real loader and the whole pipeline on random bytes and on
valid files from tests/cases/ damaged in the ways files really get damaged (cut short, NUL
bytes, a BOM, CRLF line ends, Latin-1 bytes, conflict markers, absurd nesting and numbers).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import hcl2
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from helpers import lint_trees

from iaclint.languages.terraform.module import load_module
from iaclint.inputs.trees import DirTree

CASES = Path(__file__).parent / "cases"
# Valid, parseable files to damage: every after/*.tf of the silent benign cases.
CORPUS = sorted(
    p for p in CASES.glob("benign/*/after/**/*.tf") if p.stat().st_size < 4000
)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


def _fresh(root: Path, name: str) -> Path:
    d = root / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def _load(directory: Path):
    return load_module(DirTree(directory), "")


def _lint_one_file(tmp: Path, before: bytes | None, after: bytes, name: str = "main.tf"):
    b = _fresh(tmp, "before")
    a = _fresh(tmp, "after")
    if before is not None:
        (b / name).write_bytes(before)
    (a / name).write_bytes(after)
    return lint_trees(b, a)


# ------------------------------------------------------------------ mutations


def _truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + piece + data[at:]


def _delete(data: bytes, at: int, n: int) -> bytes:
    at %= len(data) + 1
    return data[:at] + data[at + n :]


MUTATIONS = {
    "truncate": lambda d, at, piece: _truncate(d, at),
    "insert": lambda d, at, piece: _insert(d, at, piece),
    "delete": lambda d, at, piece: _delete(d, at, len(piece) or 1),
    "nul": lambda d, at, piece: _insert(d, at, b"\0"),
    "bom": lambda d, at, piece: b"\xef\xbb\xbf" + d,
    "crlf": lambda d, at, piece: d.replace(b"\n", b"\r\n"),
    "latin1": lambda d, at, piece: _insert(d, at, b"caf\xe9"),
    "lone-cr": lambda d, at, piece: d.replace(b"\n", b"\r"),
    "conflict": lambda d, at, piece: _insert(d, at, b"\n<<<<<<< HEAD\n=======\n>>>>>>> branch\n"),
    "deep-open": lambda d, at, piece: _insert(d, at, b"[" * 5000),
    "deep-balanced": lambda d, at, piece: d.replace(b"= ", b"= " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n  z = ", 1),
    "deep-blocks": lambda d, at, piece: d.replace(b"{\n", b"{\n" + b"b {\n" * 3000 + b"}\n" * 3000, 1),
    "huge-number": lambda d, at, piece: d.replace(b"= ", b"= " + b"9" * 5000 + b"\n  z = ", 1),
    "huge-exponent": lambda d, at, piece: d.replace(b"= ", b"= 1e999999999\n  z = ", 1),
    "duplicate": lambda d, at, piece: d + d,
}

_PIECES = st.sampled_from([b"", b"{", b"}", b"\"", b"${", b"<<EOT", b"#", b"/*", b"=", b"\n", b"[", b"]", b"(", b"\\", b"-"])


@SETTINGS
@given(data=st.binary(max_size=3000))
@example(data=b"")
@example(data=b"\xff\xfe\x00r\x00e\x00s")
@example(data=b"resource \"a\" \"b\" {" * 400)
@example(data=b"\xef\xbb\xbf")
def test_random_bytes_never_raise(tmp_path, data: bytes) -> None:
    d = _fresh(tmp_path, "one")
    (d / "main.tf").write_bytes(data)
    _load(d)  # must not raise
    (d / "terraform.tfvars").write_bytes(data)
    _load(d)


@SETTINGS
@given(
    source=st.sampled_from(CORPUS),
    kind=st.sampled_from(sorted(MUTATIONS)),
    at=st.integers(min_value=0, max_value=10_000),
    piece=_PIECES,
)
def test_damaged_files_never_raise(tmp_path, source: Path, kind: str, at: int, piece: bytes) -> None:
    original = source.read_bytes()
    damaged = MUTATIONS[kind](original, at, piece)
    findings = _lint_one_file(tmp_path, original, damaged)  # must not raise
    # whatever it found is about this file, and carries a line
    # line 0: at the file (a removed block of a file emptied has no line left to point at)
    assert all(f.path == "main.tf" and f.line >= 0 for f in findings)


@SETTINGS
@given(
    source=st.sampled_from(CORPUS),
    kind=st.sampled_from(["truncate", "nul", "latin1", "conflict", "deep-open", "deep-balanced", "deep-blocks", "insert"]),
    at=st.integers(min_value=0, max_value=10_000),
    piece=_PIECES,
)
def test_broken_after_file_is_reported(tmp_path, source: Path, kind: str, at: int, piece: bytes) -> None:
    """A damaged AFTER file that Terraform would reject gives IAC001 for it, never silence.

    "Terraform would reject" is judged by python-hcl2 (an independent parser) or by the bytes
    themselves (NUL, invalid UTF-8). Nesting too deep to read is covered below.
    """
    original = source.read_bytes()
    damaged = MUTATIONS[kind](original, at, piece)
    assume(damaged != original)
    verdict = _rejected(damaged)
    assume(verdict is not None)  # python-hcl2 hit its own recursion limit: no verdict
    assume(verdict)
    findings = _lint_one_file(tmp_path, original, damaged)
    errors = [f for f in findings if f.rule == "IAC001" and f.path == "main.tf"]
    assert errors, f"{kind} at {at}: no IAC001 for a broken file; found {[(f.rule, f.line) for f in findings]}"
    assert errors[0].severity.value == "error"
    assert 1 <= errors[0].line <= damaged.count(b"\n") + 1


def _rejected(data: bytes) -> bool | None:
    if b"\0" in data:
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    if "%%{" in text:
        return None  # valid HCL python-hcl2 rejects
    try:
        hcl2.loads(text)
    except RecursionError:
        return None  # python-hcl2's own limit, not a verdict on the file
    except Exception:
        return True
    return False


@pytest.mark.parametrize("kind", ["nul", "latin1", "truncate-mid-block", "deep-open", "binary"])
def test_each_kind_of_damage_gives_iac001_with_its_line(tmp_path, kind: str) -> None:
    good = (
        b'resource "aws_s3_bucket" "logs" {\n'
        b'  bucket = "acme-logs"\n'
        b"}\n"
        b"\n"
        b'resource "aws_sqs_queue" "jobs" {\n'
        b'  name = "jobs"\n'
        b"}\n"
    )
    damaged, line = {
        "nul": (good.replace(b'"jobs"\n', b'"jobs"\0\n'), 6),
        "latin1": (good.replace(b"acme-logs", b"acme-l\xf6gs"), 2),
        "truncate-mid-block": (good[: good.index(b'  name = "jobs"')], 5),
        "deep-open": (good.replace(b'name = "jobs"', b"name = " + b"[" * 5000), 6),
        "binary": (b"\x7fELF\x02\x01\x01\0\0\0" + bytes(range(256)), 1),
    }[kind]
    findings = _lint_one_file(tmp_path, good, damaged)
    errors = [f for f in findings if f.rule == "IAC001"]
    assert [(f.path, f.line, f.severity.value) for f in errors] == [("main.tf", line, "error")], findings


def test_deep_nesting_is_read_without_a_crash(tmp_path) -> None:
    # bounded work, not a timing: these would exhaust the stack or memory without the guards
    _lint_one_file(tmp_path, b"", b'x = ' + b"[" * 100_000 + b"\n")
    _lint_one_file(tmp_path, b"", b'resource "a" "b" {\n' + b"c {\n" * 20_000 + b"}\n" * 20_000 + b"}\n")


def test_valid_corpus_reads_cleanly() -> None:
    """The mutation tests start from files that are valid for both parsers."""
    assert len(CORPUS) >= 15
    for path in CORPUS:
        assert not _rejected(path.read_bytes()), path
        module = load_module(DirTree(path.parent), "")
        assert not module.problems, (path, module.problems)


def test_operators_and_conditionals_evaluate_when_their_inputs_are_known(tmp_path):
    """`var.x != null ? a : b` and friends: module code's everyday idioms, evaluated as Terraform would."""
    from iaclint.languages.terraform.module import load_module
    from iaclint.inputs.trees import DirTree

    (tmp_path / "main.tf").write_text(
        'variable "src" {\n  default = null\n}\nvariable "n" {\n  default = 2\n}\n'
        'locals {\n  replica = var.src != null\n}\n'
        'resource "x" "y" {\n'
        '  a = local.replica ? null : "primary"\n'
        '  b = !local.replica && var.n > 1 ? "big" : "small"\n'
        '  c = var.n * 3 + 1\n'
        '  d = (var.n == 2)\n'
        '  e = 1 == "1"\n'
        '  f = var.unset ? 1 : 2\n'
        '  g = var.n / 0\n'
        '}\n'
    )
    body = load_module(DirTree(tmp_path), "").resources["x.y"].body
    assert body["a"] == "primary" and body["b"] == "big" and body["c"] == 7 and body["d"] is True
    assert body["e"] is False  # HCL equality is typed
    assert type(body["f"]).__name__ == "Expr" and type(body["g"]).__name__ == "Expr"
