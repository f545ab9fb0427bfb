"""A probe across every Terraform provider's generated facts (issue 21): random top-level
replacement facts drawn from each pack, each written as a resource whose attribute changes from
one literal to another, must be reported (IAC101 for force_new, a "may" IAC102 for conditional),
and a tag or label edit on the same resources must stay silent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import iaclint.knowledge.packs
from tests.helpers import lint_trees

PACKS = Path(__file__).resolve().parents[1] / "rules" / "terraform"
PROVIDERS = ("aws", "google", "azurerm", "random", "tls", "kubernetes", "helm", "github", "cloudflare",
             "snowflake", "mongodbatlas", "postgresql", "datadog")
PER_PROVIDER = 12


@pytest.fixture(autouse=True)
def _shipped_packs(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    iaclint.knowledge.packs._read_pack.cache_clear()


def _draw(provider: str) -> list[tuple[str, str, str]]:
    """(type, attribute, kind) of top-level facts that hold in the newest release."""
    rows = []
    for line in (PACKS / provider / "force_new.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        row = line.split("\t")
        versions = row[4] if len(row) > 4 else ""
        if "." in row[1] or row[1] in ("tags", "labels", "region") or (versions and not versions.startswith(">=")
                                                                          and versions != ""):
            continue
        if versions.startswith(">=") and "<" in versions:
            continue
        rows.append((row[0], row[1], row[2]))
    rng = random.Random(f"probe-{provider}")
    by_type: dict[str, tuple[str, str, str]] = {}
    for row in rng.sample(rows, min(len(rows), 4 * PER_PROVIDER)):
        by_type.setdefault(row[0], row)  # one fact per resource type: its own resource block
    return sorted(by_type.values())[:PER_PROVIDER]


def _config(facts, value: str, tag: str) -> str:
    out = []
    for i, (rtype, attr, _) in enumerate(facts):
        other = "name" if attr != "name" else "description"
        out.append(f'resource "{rtype}" "p{i}" {{\n  {attr} = "{value}"\n  {other} = "fixed"\n'
                   f'  tags = {{ team = "{tag}" }}\n}}\n')
    return "".join(out)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_random_replacement_facts_are_reported(tmp_path, provider):
    facts = _draw(provider)
    assert facts, f"no top-level facts drawn for {provider}"
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "main.tf").write_text(_config(facts, "probe-a", "one"))
    (tmp_path / "after" / "main.tf").write_text(_config(facts, "probe-b", "one"))
    found = {(f.resource, f.rule) for f in lint_trees(tmp_path / "before", tmp_path / "after")}
    missed = []
    for i, (rtype, attr, kind) in enumerate(facts):
        want = "IAC101" if kind == "force_new" else "IAC102"
        if (f"{rtype}.p{i}", want) not in found:
            missed.append((rtype, attr, kind))
    assert not missed, missed


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_tag_edit_on_the_same_resources_is_silent(tmp_path, provider):
    facts = _draw(provider)
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "main.tf").write_text(_config(facts, "probe-a", "one"))
    (tmp_path / "after" / "main.tf").write_text(_config(facts, "probe-a", "two"))
    assert [(f.rule, f.resource) for f in lint_trees(tmp_path / "before", tmp_path / "after")] == []
