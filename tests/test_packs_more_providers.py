"""The providers agents break beyond aws, google and azurerm (issue 21 item 5): random, tls, kubernetes,
helm, github, cloudflare, snowflake, mongodbatlas, postgresql, datadog. Their packs are hand-kept from
each provider's source, at a revision each file's header pins; these tests hold the facts the case
folders rely on, and the provenance of every row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import iaclint.knowledge.packs
from iaclint.knowledge.packs import Packs, provider_of

PACKS = Path(__file__).resolve().parents[1] / "rules" / "terraform"
PROVIDERS = ("random", "tls", "kubernetes", "helm", "github", "cloudflare", "snowflake", "mongodbatlas", "postgresql", "datadog")
# the repository each provider's rows must name (owner/name as GitHub spells it)
UPSTREAM = {
    "random": "hashicorp/terraform-provider-random",
    "tls": "hashicorp/terraform-provider-tls",
    "kubernetes": "hashicorp/terraform-provider-kubernetes",
    "helm": "hashicorp/terraform-provider-helm",
    "github": "integrations/terraform-provider-github",
    "cloudflare": "cloudflare/terraform-provider-cloudflare",
    "snowflake": "Snowflake-Labs/terraform-provider-snowflake",
    "mongodbatlas": "mongodb/terraform-provider-mongodbatlas",
    "postgresql": "cyrilgdn/terraform-provider-postgresql",
    "datadog": "DataDog/terraform-provider-datadog",
}
HAND = sorted(p for prov in PROVIDERS for p in (PACKS / prov).glob("*.tsv")
              if p.read_text(encoding="utf-8").startswith("# Hand-kept."))


@pytest.fixture(autouse=True)
def _shipped_packs(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    iaclint.knowledge.packs._read_pack.cache_clear()


@pytest.fixture(scope="module")
def packs() -> Packs:
    return Packs()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_provider_is_recognised_from_the_type_prefix(provider):
    assert provider_of(f"{provider}_anything") == ("terraform", provider)


STATEFUL = {
    "random_password": "password", "random_bytes": "bytes", "tls_private_key": "key",
    "kubernetes_namespace": "everything in it", "kubernetes_namespace_v1": "everything in it",
    "kubernetes_persistent_volume_claim_v1": "volume", "github_repository": "repository",
    "cloudflare_zone": "DNS records", "cloudflare_r2_bucket": "objects", "cloudflare_workers_kv_namespace": "key",
    "cloudflare_d1_database": "rows", "snowflake_database": "schema", "snowflake_schema": "table",
    "snowflake_table": "rows", "mongodbatlas_cluster": "databases", "mongodbatlas_advanced_cluster": "databases",
    "mongodbatlas_serverless_instance": "databases", "postgresql_database": "DROP DATABASE",
    "postgresql_schema": "drop_cascade", "datadog_logs_index": "logs",
}
# decided against, each with its reason in the pack's header
NOT_STATEFUL = [
    "random_id", "random_string", "random_pet", "random_uuid", "tls_self_signed_cert", "kubernetes_secret_v1",
    "kubernetes_deployment_v1", "kubernetes_persistent_volume_v1", "helm_release", "github_team",
    "github_branch_protection", "cloudflare_dns_record", "cloudflare_record", "snowflake_secondary_database",
    "postgresql_role", "postgresql_extension", "datadog_monitor", "datadog_dashboard",
]


@pytest.mark.parametrize(("resource_type", "says"), sorted(STATEFUL.items()))
def test_stateful(packs, resource_type, says):
    fact = packs.stateful(resource_type)
    assert fact is not None, resource_type
    assert says in fact.value and ": " in fact.value, fact.value
    assert fact.source.startswith(UPSTREAM[provider_of(resource_type)[1]] + ":"), fact.source


@pytest.mark.parametrize("resource_type", NOT_STATEFUL)
def test_not_stateful(packs, resource_type):
    assert packs.stateful(resource_type) is None


PROTECTION = [
    ("github_repository", "archive_on_destroy", "true"),
    ("mongodbatlas_advanced_cluster", "termination_protection_enabled", "true"),
    ("mongodbatlas_advanced_cluster", "retain_backups_enabled", "true"),
    ("mongodbatlas_cluster", "termination_protection_enabled", "true"),
    ("mongodbatlas_flex_cluster", "termination_protection_enabled", "true"),
    ("mongodbatlas_serverless_instance", "termination_protection_enabled", "true"),
    ("postgresql_schema", "drop_cascade", "false"),
    ("postgresql_extension", "drop_cascade", "false"),
    ("postgresql_role", "skip_drop_role", "true"),
    ("datadog_monitor", "force_delete", "false"),
    ("datadog_service_level_objective", "force_delete", "false"),
]


@pytest.mark.parametrize(("resource_type", "attribute", "value"), PROTECTION)
def test_protection(packs, resource_type, attribute, value):
    found = {f.key: f.value for f in packs.protection(resource_type)}
    assert found.get(attribute) == value, found


@pytest.mark.parametrize("resource_type", ["kubernetes_namespace", "helm_release", "snowflake_database", "cloudflare_zone",
                                           "tls_private_key", "random_password"])
def test_no_guard_in_source(packs, resource_type):
    assert packs.protection(resource_type) == ()


# (type, attribute, kind; None: updates in place)
REPLACEMENT = [
    ("random_password", "special", "force_new"),
    ("random_password", "length", "force_new"),
    ("random_password", "keepers", "conditional"),
    ("random_string", "special", "force_new"),
    ("random_id", "byte_length", "force_new"),
    ("random_id", "keepers", "conditional"),
    ("random_bytes", "keepers", "force_new"),
    ("random_pet", "separator", "force_new"),
    ("tls_private_key", "algorithm", "force_new"),
    ("tls_private_key", "rsa_bits", "force_new"),
    ("kubernetes_namespace", "metadata.name", "force_new"),
    ("kubernetes_namespace_v1", "metadata.name", "force_new"),
    ("kubernetes_namespace", "metadata.labels", None),
    ("kubernetes_secret_v1", "metadata.namespace", "force_new"),
    ("github_repository", "name", None),  # renamed in place: resourceGithubRepositoryUpdate
    ("github_repository", "description", None),
]


@pytest.mark.parametrize(("resource_type", "attribute", "kind"), REPLACEMENT)
def test_replacement(packs, resource_type, attribute, kind):
    found = {f.key: f.value for f in packs.replacement(resource_type)}
    assert found.get(attribute) == kind, found


@pytest.mark.parametrize("path", HAND, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_row_names_a_function_at_a_pinned_revision(path):
    provider = path.parent.name
    text = path.read_text(encoding="utf-8")
    pin = re.search(r"^# Read from (\S+)@([0-9a-f]{40}) \((after )?v[\d.]+\)", text, re.M)
    assert pin, f"{path}: the header must pin the revision read: '# Read from owner/repo@<sha> (vX.Y.Z)'"
    assert pin.group(1) == UPSTREAM[provider]
    rows = [line.split("\t") for line in text.split("\n") if line and not line.startswith("#")]
    assert rows
    for row in rows:
        assert row[0].startswith(provider + "_"), row
        assert re.fullmatch(re.escape(UPSTREAM[provider]) + r":[\w./-]+\.go#[\w.]+", row[-1]), row[-1]


# --- end to end: every row of these packs makes its rule fire, and the reverse edit stays silent ---

def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for p in PROVIDERS if (PACKS / p / name).is_file()
            for line in (PACKS / p / name).read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]


def _lint(tmp_path: Path, before: str, after: str) -> list[tuple[str, str]]:
    from helpers import lint_trees

    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir(exist_ok=True)
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    return [(f.rule, f.severity.value) for f in lint_trees(tmp_path / "before", tmp_path / "after")]


KEEP = 'resource "terraform_data" "keep" {\n  input = "x"\n}\n'


@pytest.mark.parametrize("resource_type", [r[0] for r in _rows("stateful.tsv")])
def test_removing_a_stateful_resource_fires(tmp_path, resource_type):
    block = f'resource "{resource_type}" "x" {{\n  name = "x"\n}}\n'
    assert _lint(tmp_path, block + KEEP, KEEP) == [("IAC301", "error")]
    assert _lint(tmp_path, KEEP, block + KEEP) == []  # adding it is no loss


@pytest.mark.parametrize(("resource_type", "attribute", "value"), [tuple(r[:3]) for r in _rows("protection.tsv")])
def test_turning_a_guard_off_fires(tmp_path, resource_type, attribute, value):
    off = {"true": "false", "false": "true"}[value]
    guarded = f'resource "{resource_type}" "x" {{\n  name = "x"\n  {attribute} = {value}\n}}\n'
    weakened = f'resource "{resource_type}" "x" {{\n  name = "x"\n  {attribute} = {off}\n}}\n'
    rule = "IAC201" if value == "true" else "IAC203"
    assert _lint(tmp_path, guarded, weakened) == [(rule, "error")]
    assert _lint(tmp_path, weakened, guarded) == []  # turning it on is never a finding
