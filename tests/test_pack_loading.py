"""Knowledge packs that cannot be read are an error, never an empty pack.

With no packs iaclint would still run, and find almost nothing: every force-new attribute,
every protection flag and every stateful type comes from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iaclint.knowledge import packs as packs_mod
from tests.conftest import run_cli

RULES = Path(__file__).resolve().parent.parent / "rules"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "terraform"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    packs_mod._read_pack.cache_clear()
    packs_mod._manifest.cache_clear()
    yield
    packs_mod._read_pack.cache_clear()
    packs_mod._manifest.cache_clear()


def test_the_manifest_lists_every_shipped_pack():
    listed = {ln.strip() for ln in (RULES / "MANIFEST").read_text().splitlines() if ln.strip() and not ln.startswith("#")}
    shipped = {p.relative_to(RULES).as_posix() for p in RULES.rglob("*.tsv")}
    assert listed == shipped


@pytest.mark.parametrize("where", ["/nonexistent", "empty-dir"])
def test_missing_packs_are_a_one_line_error(tmp_path, monkeypatch, where):
    if where == "empty-dir":
        where = str(tmp_path)
    monkeypatch.setenv("IACLINT_RULES_DIR", where)
    result = run_cli(["diff", str(EXAMPLE / "before"), str(EXAMPLE / "after")], cwd=tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iaclint: knowledge packs not found"), result.stderr
    assert result.stdout == ""


def test_a_listed_pack_that_is_missing_is_a_one_line_error(tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    (copy / "terraform" / "aws" / "force_new.tsv").unlink()
    monkeypatch.setenv("IACLINT_RULES_DIR", str(copy))
    result = run_cli(["diff", str(EXAMPLE / "before"), str(EXAMPLE / "after")], cwd=tmp_path)
    assert result.exit_code == 2
    assert "force_new.tsv cannot be read" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_shipped_packs_give_the_example_its_findings(tmp_path):
    result = run_cli(["diff", str(EXAMPLE / "before"), str(EXAMPLE / "after")], cwd=tmp_path)
    assert result.exit_code == 1
    assert "7 errors, 3 warnings" in result.stdout
