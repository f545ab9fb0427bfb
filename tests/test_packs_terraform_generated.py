"""The Terraform facts generated from provider Go source (tools/packgen/tfschema).

CI has no network: the committed packs are what ships. Where the providers' git directories
are present (TFSCHEMA_SOURCES, default /work/.mirror), the generator is re-run in --check mode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import iaclint.knowledge.packs
from iaclint.knowledge.packs import AttributeFact, Packs

REPO = Path(__file__).resolve().parents[1]
PACKS = REPO / "rules" / "terraform"
TOOL = REPO / "tools" / "packgen" / "tfschema"
SOURCES = Path(os.environ.get("TFSCHEMA_SOURCES", "/work/.mirror"))
ATTRIBUTE_PACKS = sorted(str(p.relative_to(PACKS)) for p in PACKS.glob("*/attributes.tsv"))
FLAGS = "ROCDS"


@pytest.fixture(autouse=True)
def _shipped_packs(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    iaclint.knowledge.packs._read_pack.cache_clear()
    iaclint.knowledge.packs._pack_bytes.cache_clear()


@pytest.fixture(scope="module")
def packs() -> Packs:
    return Packs()


def _rows(name: str) -> list[list[str]]:
    text = (PACKS / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.split("\n") if line and not line.startswith("#")]


# --- form --------------------------------------------------------------------------------------

def test_attribute_packs_exist():
    assert "random/attributes.tsv" in ATTRIBUTE_PACKS
    assert "google/attributes.tsv" in ATTRIBUTE_PACKS


@pytest.mark.parametrize("name", ATTRIBUTE_PACKS)
def test_attribute_rows(name):
    rows = _rows(name)
    assert rows
    previous = None
    seen = set()
    for row in rows:
        assert len(row) in (5, 6), row
        rtype, path, flags, default, source = row[:5]
        assert rtype.startswith(name.split("/")[0] + "_"), row
        assert path and path == path.strip(), row
        assert all(c in FLAGS for c in flags) and flags == "".join(c for c in FLAGS if c in flags), row
        assert not ("R" in flags and "O" in flags), f"required and optional: {row}"
        if default:
            json.loads(default)
        assert source, f"row without a source: {row}"
        if source == "^":
            assert previous is not None and previous[0] == rtype, f"ditto source on a type's first row: {row}"
        else:
            assert "#" in source, row
        if previous is not None:
            assert row[:2] > previous[:2], f"{name}: not sorted or duplicated: {previous[:2]} then {row[:2]}"
            if rtype != previous[0]:
                assert rtype not in seen, f"{name}: rows of {rtype} are not contiguous"
                seen.add(previous[0])
        previous = row


def test_every_loaded_attribute_has_a_full_source(packs):
    for name in ATTRIBUTE_PACKS:
        types = sorted({r[0] for r in _rows(name)})
        for rtype in types[:: max(1, len(types) // 50)]:
            facts = packs.attributes(rtype)
            assert facts, rtype
            for path, fact in facts.items():
                assert fact.source and fact.source != "^" and "#" in fact.source, (rtype, path, fact)


# --- facts checked by hand against the Go source ------------------------------------------------

# (resource_type, path, flags, default)
ATTRIBUTE_FACTS = [
    # internal/provider/resource_password.go passwordSchemaV3: Optional+Computed, booldefault.StaticBool(true)
    ("random_password", "special", "OC", "true"),
    ("random_password", "length", "R", ""),
    ("random_password", "result", "CS", ""),
    ("random_password", "number", "OCD", ""),  # DeprecationMessage: use numeric
    ("random_password", "min_upper", "OC", "0"),
    ("random_pet", "separator", "OC", '"-"'),
    ("random_pet", "length", "OC", "2"),
    # google/services/sql/resource_sql_database_instance.go
    ("google_sql_database_instance", "database_version", "R", ""),
    ("google_sql_database_instance", "deletion_protection", "O", "true"),
    ("google_sql_database_instance", "settings.tier", "R", ""),
    # google/services/container/resource_container_cluster.go
    ("google_container_cluster", "initial_node_count", "O", ""),
    ("google_storage_bucket", "force_destroy", "O", "false"),
]


@pytest.mark.parametrize(("resource_type", "path", "flags", "default"), ATTRIBUTE_FACTS)
def test_attribute_fact(packs, resource_type, path, flags, default):
    fact = packs.attributes(resource_type).get(path)
    assert isinstance(fact, AttributeFact), f"{resource_type}.{path} missing"
    assert (fact.flags, fact.default) == (flags, default), fact


# (resource_type, path, kind or None when it updates in place)
REPLACEMENT_FACTS = [
    ("random_password", "special", "force_new"),  # boolplanmodifier.RequiresReplace()
    ("random_password", "length", "force_new"),
    ("random_password", "keepers", "conditional"),  # RequiresReplaceIfValuesNotNull
    ("random_password", "override_special", "conditional"),
    ("random_id", "byte_length", "force_new"),
    ("random_id", "keepers", "conditional"),
    ("random_string", "length", "force_new"),
    ("random_integer", "min", "force_new"),
    ("random_uuid", "keepers", "conditional"),
]


@pytest.mark.parametrize(("resource_type", "path", "kind"), REPLACEMENT_FACTS)
def test_replacement_fact(packs, resource_type, path, kind):
    found = [f.value for f in packs.replacement(resource_type) if f.key == path]
    assert found == ([kind] if kind else []), (resource_type, path, found)


def test_unknown_type_has_no_attributes(packs):
    assert packs.attributes("google_no_such_resource") == {}
    assert packs.attributes("AWS::S3::Bucket") == {}


# --- drift: re-run the generator where the provider source is present ---------------------------

def _pins() -> dict:
    sys.path.insert(0, str(TOOL))
    try:
        import generate  # noqa: PLC0415

        return {p: (generate.find_gitdir(SOURCES, pin["repo"]), pin["rev"]) for p, pin in generate.PROVIDERS.items()}
    finally:
        sys.path.remove(str(TOOL))


@pytest.mark.parametrize("provider", ["random", "google"])
def test_generator_check_mode(provider):
    gitdir, rev = _pins()[provider]
    if gitdir is None or subprocess.run(["git", "-C", str(gitdir), "cat-file", "-e", rev + "^{commit}"],
                                        capture_output=True).returncode != 0:
        pytest.skip(f"source of {provider} at {rev} not present under {SOURCES}")
    done = subprocess.run([sys.executable, str(TOOL), "--provider", provider, "--sources", str(SOURCES), "--check"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
