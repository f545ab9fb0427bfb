"""The Terraform packs: right on known facts, well formed, and fresh against the shared provider data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import iaclint.knowledge.packs
from iaclint.knowledge.packs import Packs

REPO = Path(__file__).resolve().parents[1]
PACKS = REPO / "rules" / "terraform"
GENERATOR = REPO / "tools" / "packgen" / "terraform.py"
SHARED = REPO.parent / "shared" / "data" / "terraform"  # the generator's default --shared
PROVIDERS = ("aws", "google", "azurerm")
GENERATED = [
    f"{p}/{name}" for p in PROVIDERS for name in ("force_new.tsv", "protection.tsv")
] + ["azurerm/features.tsv"]
# generated from provider Go source by tools/packgen/tfschema (tests/test_packs_terraform_generated.py)
FROM_SOURCE = ["google/attributes.tsv", "random/attributes.tsv", "random/force_new.tsv"]
HAND_KEPT = [f"{p}/stateful.tsv" for p in PROVIDERS] + ["aws/conditions.tsv", "protection_defaults.tsv", "terraform/force_new.tsv"]
ALL_FILES = sorted(str(p.relative_to(PACKS)) for p in PACKS.glob("**/*.tsv"))


@pytest.fixture(autouse=True)
def _shipped_packs(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    # _read() caches by relative path only; drop text another test may have read from elsewhere
    iaclint.knowledge.packs._read_pack.cache_clear()


@pytest.fixture(scope="module")
def packs() -> Packs:
    return Packs()


def _columns(name: str) -> list[str]:
    for line in (PACKS / name).read_text(encoding="utf-8").split("\n"):
        if line.startswith("# columns: "):
            return line[len("# columns: ") :].split("\t")
    raise AssertionError(f"{name}: no '# columns:' line")


def _data_rows(name: str) -> list[list[str]]:
    text = (PACKS / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.split("\n") if line and not line.startswith("#")]


def _replacement(packs: Packs, resource_type: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for fact in packs.replacement(resource_type):
        out.setdefault(fact.key, []).append(fact)
    return out


# --- replacement -------------------------------------------------------------------------------

# (resource_type, attribute_path, kind or None when the attribute updates in place)
REPLACEMENT_FACTS = [
    ("aws_db_instance", "engine", "force_new"),
    ("aws_db_instance", "identifier", None),  # renamed in place since provider 5.0
    ("aws_db_instance", "username", "force_new"),
    ("aws_db_instance", "db_name", "force_new"),
    ("aws_db_instance", "storage_encrypted", "force_new"),
    ("aws_db_instance", "kms_key_id", "force_new"),
    ("aws_db_instance", "availability_zone", "force_new"),
    ("aws_db_instance", "instance_class", None),
    ("aws_db_instance", "engine_version", None),
    ("aws_db_instance", "allocated_storage", None),
    ("aws_db_instance", "region", "conditional"),  # provider 6: every region-aware resource
    ("aws_security_group", "description", "force_new"),
    ("aws_security_group", "name", "force_new"),
    ("aws_security_group", "ingress", None),
    ("aws_iam_policy", "description", "force_new"),
    ("aws_iam_policy", "policy", None),
    ("aws_instance", "ami", "force_new"),
    ("aws_instance", "subnet_id", "force_new"),
    ("aws_instance", "availability_zone", "force_new"),
    ("aws_instance", "key_name", "force_new"),
    ("aws_instance", "instance_type", "conditional"),
    ("aws_instance", "vpc_security_group_ids", None),
    ("aws_instance", "ebs_block_device.volume_size", "force_new"),
    ("aws_rds_cluster", "db_subnet_group_name", "force_new"),
    ("aws_rds_cluster", "engine", "force_new"),
    ("aws_rds_cluster", "engine_version", None),
    ("aws_cloudwatch_log_group", "log_group_class", "force_new"),
    ("aws_cloudwatch_log_group", "retention_in_days", None),
    ("aws_s3_bucket", "bucket", "force_new"),
    ("aws_dynamodb_table", "hash_key", "force_new"),
    ("aws_elasticache_replication_group", "engine", "conditional"),
    # a type's explicit ForceNew wins over the provider-wide conditional `region`
    ("aws_cloudformation_stack_set_instance", "region", "force_new"),
    ("aws_vpc_ipv4_cidr_block_association", "cidr_block", "force_new"),
    ("google_container_cluster", "initial_node_count", "force_new"),
    ("google_container_cluster", "description", "force_new"),
    ("google_container_cluster", "min_master_version", None),
    ("google_sql_database_instance", "database_version", None),
    ("google_sql_database_instance", "name", "force_new"),
    ("google_sql_database_instance", "settings.tier", None),
    ("google_storage_bucket", "location", "force_new"),
    ("google_storage_bucket", "storage_class", None),
    ("google_compute_instance", "boot_disk.initialize_params.image", "force_new"),
    ("google_compute_instance", "machine_type", None),
    ("google_compute_disk", "size", "conditional"),  # shrinking replaces
    ("azurerm_resource_group", "location", "force_new"),
    ("azurerm_storage_account", "account_tier", "force_new"),
    ("azurerm_storage_account", "account_replication_type", "conditional"),
    ("azurerm_key_vault", "sku_name", None),
    ("azurerm_linux_virtual_machine", "admin_username", "force_new"),
    ("azurerm_linux_virtual_machine", "size", None),
    ("azurerm_mssql_database", "collation", "force_new"),
    ("azurerm_backup_protected_vm", "source_vm_id", "force_new"),
]


@pytest.mark.parametrize(("resource_type", "attribute", "kind"), REPLACEMENT_FACTS)
def test_replacement_fact(packs, resource_type, attribute, kind):
    facts = _replacement(packs, resource_type)
    assert facts, f"no replacement facts at all for {resource_type}"
    if kind is None:
        assert attribute not in facts, f"{resource_type}.{attribute} should update in place: {facts[attribute]}"
    else:
        assert [f.value for f in facts.get(attribute, [])] == [kind], f"{resource_type}.{attribute}"


@pytest.mark.parametrize("attribute", ["user_data", "user_data_base64"])
def test_instance_user_data_replaces_only_with_replace_on_change(packs, attribute):
    (fact,) = _replacement(packs, "aws_instance")[attribute]  # one fact, not the generic row too
    assert fact.value == "conditional"
    assert fact.extra == ("user_data_replace_on_change", "true")
    assert fact.source.startswith("hashicorp/terraform-provider-aws:")


def test_one_fact_per_attribute(packs):
    for resource_type in ("aws_instance", "aws_db_instance", "google_container_cluster", "azurerm_storage_account"):
        keys = [f.key for f in packs.replacement(resource_type)]
        assert len(keys) == len(set(keys)), resource_type


def test_unknown_type_has_no_facts(packs):
    assert packs.replacement("aws_no_such_resource") == ()
    assert packs.protection("google_no_such_resource") == ()
    assert packs.stateful("azurerm_no_such_resource") is None


# --- protection --------------------------------------------------------------------------------

PROTECTION_FACTS = [
    ("aws_db_instance", "deletion_protection", "true"),
    ("aws_db_instance", "skip_final_snapshot", "false"),
    ("aws_db_instance", "final_snapshot_identifier", "non-empty string"),
    ("aws_rds_cluster", "deletion_protection", "true"),
    ("aws_s3_bucket", "force_destroy", "false"),
    ("aws_instance", "disable_api_termination", "true"),
    ("aws_lb", "enable_deletion_protection", "true"),
    ("aws_dynamodb_table", "deletion_protection_enabled", "true"),
    ("aws_ecr_repository", "force_delete", "false"),
    ("aws_kms_key", "deletion_window_in_days", "larger value (7-30 day waiting period)"),
    ("google_sql_database_instance", "deletion_protection", "true"),
    ("google_sql_database_instance", "settings.deletion_protection_enabled", "true"),
    ("google_container_cluster", "deletion_protection", "true"),
    ("google_storage_bucket", "force_destroy", "false"),
    ("google_bigquery_dataset", "delete_contents_on_destroy", "false"),
    ("google_project", "deletion_policy", "PREVENT or ABANDON (resource-specific enum)"),
    ("azurerm_key_vault", "purge_protection_enabled", "true"),
    ("azurerm_key_vault", "soft_delete_retention_days", ">0 (soft delete kept)"),
]


@pytest.mark.parametrize(("resource_type", "attribute", "value"), PROTECTION_FACTS)
def test_protection_fact(packs, resource_type, attribute, value):
    found = {f.key: f.value for f in packs.protection(resource_type)}
    assert found.get(attribute) == value, f"{resource_type}: {found}"


def test_security_group_has_no_protection(packs):
    assert packs.protection("aws_security_group") == ()


FEATURES_FACTS = [
    ("resource_group", "prevent_deletion_if_contains_resources", "true"),
    ("key_vault", "purge_soft_delete_on_destroy", "false"),
    ("key_vault", "purge_soft_deleted_secrets_on_destroy", "false"),
    ("netapp", "prevent_volume_destruction", "true"),
    ("log_analytics_workspace", "permanently_delete_on_destroy", "false"),
    ("virtual_machine", "delete_os_disk_on_deletion", "false"),
]


@pytest.mark.parametrize(("block", "attribute", "value"), FEATURES_FACTS)
def test_azurerm_features_fact(block, attribute, value):
    rows = {(r[0], r[1]): r for r in _data_rows("azurerm/features.tsv")}
    assert rows[(block, attribute)][2] == value
    assert rows[(block, attribute)][3] == "hashicorp/terraform-provider-azurerm:internal/provider/features.go"


def test_features_are_not_resource_facts():
    for name in (f"{p}/protection.tsv" for p in PROVIDERS):
        assert not any(r[0].startswith("provider:") for r in _data_rows(name)), name


# --- stateful ----------------------------------------------------------------------------------

STATEFUL = [
    "aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_dynamodb_table", "aws_ebs_volume",
    "aws_efs_file_system", "aws_elasticache_replication_group", "aws_kms_key", "aws_secretsmanager_secret",
    "aws_route53_zone", "aws_cloudwatch_log_group", "aws_ecr_repository", "aws_sqs_queue",
    "aws_kinesis_stream", "aws_opensearch_domain", "aws_backup_vault", "aws_cognito_user_pool",
    "aws_redshift_cluster", "aws_neptune_cluster", "aws_docdb_cluster", "aws_glacier_vault",
    "aws_qldb_ledger", "aws_memorydb_cluster", "aws_keyspaces_table", "aws_ebs_snapshot", "aws_ami_copy",
    "aws_ami_from_instance",
    "google_sql_database_instance", "google_storage_bucket", "google_bigquery_dataset",
    "google_spanner_database", "google_bigtable_instance", "google_compute_disk", "google_filestore_instance",
    "google_redis_instance", "google_kms_crypto_key", "google_secret_manager_secret",
    "google_dns_managed_zone", "google_artifact_registry_repository", "google_pubsub_subscription",
    "azurerm_storage_account", "azurerm_key_vault", "azurerm_key_vault_secret", "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server", "azurerm_cosmosdb_account", "azurerm_managed_disk",
    "azurerm_redis_cache", "azurerm_dns_zone", "azurerm_log_analytics_workspace",
    "azurerm_container_registry", "azurerm_servicebus_queue", "azurerm_recovery_services_vault",
]
NOT_STATEFUL = [
    "aws_security_group", "aws_instance", "aws_iam_role", "aws_lb", "aws_ami",
    "google_compute_instance", "google_container_cluster", "google_kms_key_ring",
    "azurerm_linux_virtual_machine", "azurerm_virtual_network",
]


@pytest.mark.parametrize("resource_type", STATEFUL)
def test_stateful(packs, resource_type):
    fact = packs.stateful(resource_type)
    assert fact is not None, resource_type
    assert fact.resource_type == resource_type
    assert ": " in fact.value, f"reason should say what it is and what is lost: {fact.value!r}"
    assert fact.source.startswith("hashicorp/terraform-provider-"), fact.source


@pytest.mark.parametrize("resource_type", NOT_STATEFUL)
def test_not_stateful(packs, resource_type):
    assert packs.stateful(resource_type) is None


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_stateful_row_loads(packs, provider):
    for row in _data_rows(f"{provider}/stateful.tsv"):
        fact = packs.stateful(row[0])
        assert fact is not None and (fact.value, fact.source) == (row[1], row[2]), row


# --- form --------------------------------------------------------------------------------------

def test_expected_files_present():
    assert sorted(GENERATED + FROM_SOURCE + HAND_KEPT) == ALL_FILES


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_row_names_its_source(name):
    columns = _columns(name)
    source = columns.index("source")
    rows = _data_rows(name)
    assert rows, name
    # a trailing `versions` column is optional: a row without it holds in every version
    optional = 1 if columns[-1] == "versions" else 0
    for row in rows:
        assert len(columns) - optional <= len(row) <= len(columns), row
        assert row[source].strip(), f"{name}: row without a source: {row}"


@pytest.mark.parametrize("name", ALL_FILES)
def test_pack_is_well_formed(name):
    text = (PACKS / name).read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    if name in GENERATED:
        assert first.startswith("# Generated by tools/packgen/terraform.py from hashicorp/terraform-provider-")
        assert first.endswith(". DO NOT EDIT.")
    elif name in FROM_SOURCE:
        assert first.startswith("# Generated by tools/packgen/tfschema from ")
        assert first.endswith(". DO NOT EDIT.")
    else:
        assert first == "# Hand-kept. Each row names its source."
    assert text.endswith("\n") and "\r" not in text

    seen: set[str] = set()
    previous: list[str] | None = None
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        assert line == line.lstrip(), f"{name}: data line starts with whitespace: {line!r}"
        row = line.split("\t")
        # attributes.tsv: flags and default may be empty (a framework block; no default)
        may_be_empty = (2, 3) if name.endswith("attributes.tsv") else ()
        assert all((field or i in may_be_empty) and field == field.strip() for i, field in enumerate(row)), f"{name}: {row}"
        if previous is not None:
            # one (type, attribute) may have a row per version range (tests/test_provider_versions.py
            # checks the ranges ascend and do not overlap); otherwise strictly ascending
            versioned = name.endswith("force_new.tsv") and len(row) > 4 and len(previous) > 4
            assert row[:2] > previous[:2] or (versioned and row[:2] == previous[:2]), \
                f"{name}: not sorted or duplicated: {previous[:2]} then {row[:2]}"
            if row[0] != previous[0]:
                assert row[0] not in seen, f"{name}: rows of {row[0]} are not contiguous"
                seen.add(previous[0])
        previous = row
    if name.endswith("stateful.tsv"):
        types = [r[0] for r in _data_rows(name)]
        assert len(types) == len(set(types)), f"{name}: one row per type"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_types_belong_to_their_provider(provider):
    for name in ALL_FILES:
        if name.startswith(provider + "/") and not name.endswith("features.tsv"):
            for row in _data_rows(name):
                assert row[0].startswith(provider + "_"), f"{name}: {row[0]}"


def test_conditions_name_a_known_condition():
    for row in _data_rows("aws/conditions.tsv"):
        assert row[2] == "conditional", row
        when_attribute, when_value = row[4], row[5]
        assert when_attribute and when_value, row


# --- against the shared provider data -----------------------------------------------------------

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"shared provider data not found at {SHARED}; the generated packs cannot be checked for freshness",
)


@needs_shared
def test_generated_packs_are_fresh(tmp_path):
    subprocess.run(
        [sys.executable, str(GENERATOR), "--shared", str(SHARED), "--out", str(tmp_path)],
        check=True, cwd=REPO, capture_output=True, text=True,
    )
    for name in GENERATED:
        fresh, shipped = (tmp_path / name).read_bytes(), (PACKS / name).read_bytes()
        assert fresh == shipped, f"rules/terraform/{name} is stale: run python tools/packgen/terraform.py"
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("**/*.tsv"))
    assert written == sorted(GENERATED)


@needs_shared
@pytest.mark.parametrize("provider", PROVIDERS)
def test_hand_kept_types_exist_upstream(provider):
    known = set()
    with (SHARED / f"{provider}.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            known.add(line.split("\t", 1)[0])
    for name in HAND_KEPT:
        if name.startswith(provider + "/"):
            missing = [r[0] for r in _data_rows(name) if r[0] not in known]
            assert not missing, f"{name}: types not in the shared {provider}.tsv: {missing}"


@needs_shared
def test_generator_check_mode_reports_fresh():
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--shared", str(SHARED), "--check"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
