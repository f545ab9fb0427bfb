"""Single-character edits to the Terraform case files, judged by Terraform itself: whenever
`terraform fmt` rejects the edited file, iaclint must report IAC001 for it (never read a file
Terraform refuses, where the last of two values might silently win).

Skipped where the `terraform` binary is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import lint_trees

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")

CASES = Path(__file__).resolve().parent / "cases"
FILES = sorted(p for p in CASES.glob("*/*/after/**/*.tf") if 0 < p.stat().st_size < 4000 and b"\0" not in p.read_bytes())
ALPHABET = list('{}[]()"=\n ,.#$:?\\ax1')


def _fmt_rejects(data: bytes) -> bool:
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1")
    proc = subprocess.run([TERRAFORM, "fmt", "-"], input=data, capture_output=True, env=env, timeout=60)
    return proc.returncode != 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=len(FILES) - 1), where=st.floats(min_value=0, max_value=1),
       edit=st.sampled_from(["insert", "delete", "replace"]), char=st.sampled_from(ALPHABET))
def test_what_terraform_rejects_is_an_iac001(tmp_path_factory, index, where, edit, char):
    original = FILES[index].read_bytes()
    at = int(where * (len(original) - 1))
    if edit == "insert":
        data = original[:at] + char.encode() + original[at:]
    elif edit == "delete":
        data = original[:at] + original[at + 1:]
    else:
        data = original[:at] + char.encode() + original[at + 1:]
    if data == original or not _fmt_rejects(data) or _fmt_rejects(original):
        return  # only edits that turn a file Terraform reads into one it rejects
    root = tmp_path_factory.mktemp("fuzz")
    (root / "b").mkdir()
    (root / "a").mkdir()
    (root / "b" / "main.tf").write_bytes(original)
    (root / "a" / "main.tf").write_bytes(data)
    findings = lint_trees(root / "b", root / "a")
    assert any(f.rule == "IAC001" for f in findings), (FILES[index], edit, at, char, data.decode("utf-8", "replace"))


@pytest.mark.parametrize("opener", ["<<-EOT{", "<<-EOT ", "<<EOT #c", "<<-EOT", "<<EOT", "<<-EOT\r"])
def test_a_heredoc_opener_is_read_as_terraform_reads_it(tmp_path, opener):
    """Found by the fuzz above: tree-sitter-hcl skips text after `<<EOT` on its line."""
    data = f"locals {{\n  a = {opener}\n  x\n  EOT\n}}\n".encode()
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "main.tf").write_bytes(b"locals {\n  a = 1\n}\n")
    (tmp_path / "a" / "main.tf").write_bytes(data)
    reported = any(f.rule == "IAC001" for f in lint_trees(tmp_path / "b", tmp_path / "a"))
    assert reported == _fmt_rejects(data)
