"""Judging an argument that goes from unset to a value (or the reverse) with the provider's schema
facts (attributes.tsv: Optional / Computed / Default), issue 21 item 3:

- Optional, not Computed, no Default: unset is null, so a (non-zero) value is a certain change;
- a Default d: unset is d, so no change when the other side is d, a certain change otherwise;
- Optional+Computed: a removed argument keeps the value in the state (no change); one set where it
  was unset may differ from what the provider chose (a note, as without facts);
- no facts: as before (a note).

The facts here are written into a copy of the shipped packs, each row as its provider's source has it
(the source column says where), so the tests hold whatever the generated packs say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import lint_trees

import iaclint.knowledge.packs
from iaclint.knowledge.packs import Packs

RULES = Path(__file__).resolve().parents[1] / "rules"
T = "\t"
ATTRIBUTES = {
    "random": [
        ("random_password", "length", "R", "", "internal/provider/resource_password.go#passwordSchemaV3"),
        ("random_password", "special", "OC", "true", "internal/provider/resource_password.go#passwordSchemaV3"),
        ("random_pet", "length", "OC", "2", "internal/provider/resource_pet.go#petResource.Schema"),
        ("random_pet", "prefix", "O", "", "internal/provider/resource_pet.go#petResource.Schema"),
    ],
    "tls": [
        ("tls_private_key", "algorithm", "R", "", "internal/provider/resource_private_key.go#privateKeyResource.Schema"),
        ("tls_private_key", "rsa_bits", "OC", "2048", "internal/provider/resource_private_key.go#privateKeyResource.Schema"),
    ],
    "kubernetes": [
        ("kubernetes_namespace", "metadata.name", "OC", "", "kubernetes/schema_metadata.go#metadataFields"),
        ("kubernetes_secret_v1", "metadata.name", "OC", "", "kubernetes/schema_metadata.go#metadataFields"),
        ("kubernetes_secret_v1", "metadata.namespace", "O", '"default"', "kubernetes/schema_metadata.go#namespacedMetadataSchemaIsTemplate"),
    ],
    "aws": [  # hashicorp/terraform-provider-aws internal/service/ec2/vpc_flow_log.go#resourceFlowLog
        ("aws_flow_log", "destination_options", "O", "", "internal/service/ec2/vpc_flow_log.go#resourceFlowLog"),
        ("aws_flow_log", "destination_options.file_format", "O", '"plain-text"', "internal/service/ec2/vpc_flow_log.go#resourceFlowLog"),
        ("aws_flow_log", "destination_options.hive_compatible_partitions", "O", "false", "internal/service/ec2/vpc_flow_log.go#resourceFlowLog"),
        ("aws_flow_log", "destination_options.per_hour_partition", "O", "false", "internal/service/ec2/vpc_flow_log.go#resourceFlowLog"),
    ],
    "mongodbatlas": [
        ("mongodbatlas_advanced_cluster", "termination_protection_enabled", "OC", "",
         "internal/service/advancedcluster/schema.go#resourceSchema"),
    ],
}


@pytest.fixture()
def with_facts(tmp_path, monkeypatch):
    """A copy of the shipped packs with the attributes rows above (replacing any shipped ones)."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    manifest = (root / "MANIFEST").read_text(encoding="utf-8").splitlines()
    for provider, rows in ATTRIBUTES.items():
        rel = f"terraform/{provider}/attributes.tsv"
        text = ("# Hand-kept. Each row names its source.\n"
                f"# columns: resource_type{T}attribute_path{T}flags{T}default{T}source\n"
                + "".join(T.join(row) + "\n" for row in sorted(rows)))
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        if rel not in manifest:
            manifest.append(rel)
    (root / "MANIFEST").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    monkeypatch.setenv("IACLINT_RULES_DIR", str(root))
    yield root
    iaclint.knowledge.packs._read_pack.cache_clear()


def _run(tmp_path: Path, before: str, after: str, rule: str | None = None):
    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir(exist_ok=True)
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    found = lint_trees(tmp_path / "before", tmp_path / "after")
    return [(f.rule, f.severity.value) for f in found if rule is None or f.rule == rule]


def _tf(rtype: str, body: str) -> str:
    return f'resource "{rtype}" "x" {{\n{body}}}\n'


def test_the_facts_load(with_facts):
    facts = Packs().attributes("tls_private_key")
    assert facts["rsa_bits"].flags == "OC" and facts["rsa_bits"].default == "2048"
    assert facts["algorithm"].default == ""
    assert Packs().attributes("tls_cert_request") == {}
    assert Packs().attributes("AWS::S3::Bucket") == {}


# --- Optional with a default: unset is the default ---------------------------------------------

def test_default_written_out_is_no_change(with_facts, tmp_path):
    before = _tf("tls_private_key", '  algorithm = "RSA"\n')
    after = _tf("tls_private_key", '  algorithm = "RSA"\n  rsa_bits  = 2048\n')
    assert _run(tmp_path, before, after) == []
    assert _run(tmp_path, after, before) == []


def test_unset_to_another_value_than_the_default_replaces(with_facts, tmp_path):
    before = _tf("tls_private_key", '  algorithm = "RSA"\n')
    after = _tf("tls_private_key", '  algorithm = "RSA"\n  rsa_bits  = 4096\n')
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "error")]  # tls_private_key is stateful
    assert _run(tmp_path, after, before, "IAC101") == [("IAC101", "error")]


def test_a_false_that_is_not_the_default_replaces(with_facts, tmp_path):
    # without facts, unset <-> false is "probably the provider default": a note; special defaults to true
    before = _tf("random_password", "  length = 24\n")
    after = _tf("random_password", "  length  = 24\n  special = false\n")
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "error")]
    assert _run(tmp_path, before, _tf("random_password", "  length  = 24\n  special = true\n")) == []


def test_a_string_default(with_facts, tmp_path):
    before = _tf("kubernetes_secret_v1", '  metadata {\n    name = "db"\n  }\n')
    same = _tf("kubernetes_secret_v1", '  metadata {\n    name      = "db"\n    namespace = "default"\n  }\n')
    moved = _tf("kubernetes_secret_v1", '  metadata {\n    name      = "db"\n    namespace = "payments"\n  }\n')
    assert _run(tmp_path, before, same) == []
    assert _run(tmp_path, before, moved, "IAC101") == [("IAC101", "warning")]


# --- Optional, not Computed, no default: unset is null ------------------------------------------

def test_optional_without_default_set_or_removed_replaces(with_facts, tmp_path):
    before = _tf("random_pet", "  length = 2\n")
    after = _tf("random_pet", '  length = 2\n  prefix = "app"\n')
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "warning")]
    assert _run(tmp_path, after, before, "IAC101") == [("IAC101", "warning")]


def test_without_facts_the_same_edit_is_a_note(tmp_path, monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    iaclint.knowledge.packs._read_pack.cache_clear()
    before = _tf("random_pet", "  length = 2\n")
    after = _tf("random_pet", '  length = 2\n  prefix = "app"\n')
    if Packs().attributes("random_pet").get("prefix") is not None:
        pytest.skip("the shipped packs have facts for random_pet.prefix")
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "note")]


# --- Optional+Computed: removed keeps the state's value, set may differ -------------------------

def test_optional_computed_removed_is_no_change(with_facts, tmp_path):
    before = _tf("kubernetes_namespace", '  metadata {\n    name   = "payments"\n    labels = { team = "a" }\n  }\n')
    after = _tf("kubernetes_namespace", '  metadata {\n    labels = { team = "a" }\n  }\n')
    assert _run(tmp_path, before, after, "IAC101") == []


def test_optional_computed_set_where_unset_is_a_note(with_facts, tmp_path):
    before = _tf("kubernetes_namespace", '  metadata {\n    labels = { team = "a" }\n  }\n')
    after = _tf("kubernetes_namespace", '  metadata {\n    name   = "payments"\n    labels = { team = "a" }\n  }\n')
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "note")]


def test_instances_are_judged_by_the_same_facts(with_facts, tmp_path):
    before = 'resource "tls_private_key" "x" {\n  count     = 2\n  algorithm = "RSA"\n}\n'
    same = 'resource "tls_private_key" "x" {\n  count     = 2\n  algorithm = "RSA"\n  rsa_bits  = 2048\n}\n'
    bigger = 'resource "tls_private_key" "x" {\n  count     = 2\n  algorithm = "RSA"\n  rsa_bits  = 4096\n}\n'
    assert _run(tmp_path, before, same) == []
    assert _run(tmp_path, before, bigger, "IAC101") == [("IAC101", "error")]


# --- protection -------------------------------------------------------------------------------

MDB = '  project_id   = "p"\n  name         = "orders"\n  cluster_type = "REPLICASET"\n'


def test_optional_computed_guard_removed_stays_on(with_facts, tmp_path):
    before = _tf("mongodbatlas_advanced_cluster", MDB + "  termination_protection_enabled = true\n")
    after = _tf("mongodbatlas_advanced_cluster", MDB)
    assert _run(tmp_path, before, after) == [("IAC201", "note")]


def test_optional_computed_guard_set_false_is_off(with_facts, tmp_path):
    before = _tf("mongodbatlas_advanced_cluster", MDB + "  termination_protection_enabled = true\n")
    after = _tf("mongodbatlas_advanced_cluster", MDB + "  termination_protection_enabled = false\n")
    assert _run(tmp_path, before, after) == [("IAC201", "error")]


def test_a_schema_default_is_the_protective_default(with_facts, tmp_path):
    # the hand-kept protection_defaults.tsv wins; without a row there, the schema's default counts
    root = with_facts
    path = root / "terraform" / "mongodbatlas" / "attributes.tsv"
    path.write_text(path.read_text().replace(f"termination_protection_enabled{T}OC{T}{T}",
                                             f"termination_protection_enabled{T}O{T}true{T}"))
    iaclint.knowledge.packs._read_pack.cache_clear()
    assert Packs().protective_default("mongodbatlas_advanced_cluster", "termination_protection_enabled") == "true"
    assert Packs().protective_default("aws_db_instance", "delete_automated_backups") == "true"  # hand-kept
    before = _tf("mongodbatlas_advanced_cluster", MDB)
    after = _tf("mongodbatlas_advanced_cluster", MDB + "  termination_protection_enabled = false\n")
    assert _run(tmp_path, before, after) == [("IAC201", "error")]


def test_optional_computed_removed_with_other_changes_is_a_note(with_facts, tmp_path):
    # a Plugin Framework provider plans a removed computed argument as unknown when the resource has
    # other changes (unless it keeps the state's value): iaclint cannot know, so it says "may"
    before = _tf("kubernetes_namespace", '  metadata {\n    name   = "payments"\n    labels = { team = "a" }\n  }\n')
    after = _tf("kubernetes_namespace", '  metadata {\n    labels = { team = "b" }\n  }\n')
    assert _run(tmp_path, before, after, "IAC101") == [("IAC101", "note")]


def test_the_default_is_shown(with_facts, tmp_path):
    before = _tf("random_password", "  length = 24\n")
    after = _tf("random_password", "  length  = 24\n  special = false\n")
    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir(exist_ok=True)
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    [finding] = [f for f in lint_trees(tmp_path / "before", tmp_path / "after") if f.rule == "IAC101"]
    assert "unset (default true) → false" in finding.message


def test_hand_kept_protective_defaults_agree_with_the_schema(monkeypatch):
    """terraform/protection_defaults.tsv is a cross-check of the generated defaults where both exist."""
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    iaclint.knowledge.packs._read_pack.cache_clear()
    packs = Packs()
    rows = [line.split("\t") for line in (RULES / "terraform" / "protection_defaults.tsv").read_text().splitlines()
            if line and not line.startswith("#")]
    checked = 0
    for rtype, attribute, default, _source in rows:
        fact = packs.attributes(rtype).get(attribute)
        if fact is None or not fact.default:
            continue
        assert fact.default.strip('"') == default, (rtype, attribute, fact.default, default)
        checked += 1
    assert checked or not any(packs.attributes(r[0]) for r in rows)


KNOWN_FALSE = Path(__file__).resolve().parent / "known_false" / "block-at-api-default"


def test_a_block_added_with_its_defaults_may_be_no_change(with_facts, tmp_path):
    """tests/known_false/block-at-api-default with the aws facts: a note, not a warning (the state of an
    S3 flow log holds these values; a CloudWatch one holds no block, and is replaced)."""
    found = lint_trees(KNOWN_FALSE / "before", KNOWN_FALSE / "after")
    assert [(f.rule, f.severity.value) for f in found] == [("IAC101", "note")]
    assert "schema's default" in found[0].message


def test_a_block_added_with_other_values_replaces(with_facts, tmp_path):
    text = (KNOWN_FALSE / "after" / "main.tf").read_text(encoding="utf-8").replace('"plain-text"', '"parquet"')
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "main.tf").write_text(text, encoding="utf-8")
    found = lint_trees(KNOWN_FALSE / "before", tmp_path / "after")
    assert [(f.rule, f.severity.value) for f in found] == [("IAC101", "warning")]


def test_debug_names_the_schema_fact(with_facts, tmp_path):
    before = _tf("tls_private_key", '  algorithm = "RSA"\n')
    after = _tf("tls_private_key", '  algorithm = "RSA"\n  rsa_bits  = 4096\n')
    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir(exist_ok=True)
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    [finding] = [f for f in lint_trees(tmp_path / "before", tmp_path / "after") if f.rule == "IAC101"]
    source = finding.extra["sources"]["rsa_bits"]
    assert source.startswith("hashicorp/terraform-provider-tls:")  # the force-new fact
    assert "flags OC, default 2048" in source and "resource_private_key.go#privateKeyResource.Schema" in source


def test_a_block_removed_at_its_defaults_is_still_a_change(with_facts, tmp_path):
    # it was in the configuration, so it is in the state: removing it replaces the flow log
    found = lint_trees(KNOWN_FALSE / "after", KNOWN_FALSE / "before")
    assert [(f.rule, f.severity.value) for f in found] == [("IAC101", "warning")]
