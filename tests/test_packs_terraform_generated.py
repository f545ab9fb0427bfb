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
    for provider in ("aws", "google", "azurerm", "random", "tls", "kubernetes", "helm", "github", "cloudflare",
                     "snowflake", "mongodbatlas", "postgresql", "datadog"):
        assert f"{provider}/attributes.tsv" in ATTRIBUTE_PACKS
        assert (PACKS / provider / "force_new.tsv").is_file()


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
        if default and default != "?":  # "?": a default the schema sets and the generator cannot evaluate
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


# Checked by hand against the Go source at the pinned revisions (the file#function in each row's source).
ATTRIBUTE_FACTS += [
    ("tls_private_key", "rsa_bits", "OC", "2048"),
    ("tls_private_key", "private_key_pem", "CS", ""),
    ("helm_release", "atomic", "OC", "false"),  # booldefault.StaticBool(defaultAttributes["atomic"].(bool))
    ("helm_release", "timeout", "OC", "300"),
    ("github_repository", "name", "R", ""),
    # aws v6.58 internal/service/rds resourceInstance
    ("aws_db_instance", "identifier", "OC", ""),
    ("aws_db_instance", "kms_key_id", "OC", ""),
    ("aws_db_instance", "availability_zone", "OC", ""),
    ("aws_db_instance", "copy_tags_to_snapshot", "O", "false"),
    ("aws_db_instance", "publicly_accessible", "O", "false"),
    ("aws_db_instance", "password", "OS", ""),
    ("aws_db_instance", "backup_retention_period", "OC", ""),
    # aws internal/service/ec2 resourceInstanceSchema
    ("aws_instance", "ami", "OC", ""),
    ("aws_instance", "user_data", "O", ""),
    ("aws_instance", "get_password_data", "O", "false"),
    # google storage/resource_storage_bucket.go, container/resource_container_cluster.go
    ("google_storage_bucket", "storage_class", "O", '"STANDARD"'),
    ("google_storage_bucket", "location", "R", ""),
    ("google_container_cluster", "deletion_protection", "O", "true"),
    # azurerm storage_account_resource.go; go-azure-helpers commonschema.Location()
    ("azurerm_storage_account", "https_traffic_only_enabled", "O", "true"),
    ("azurerm_storage_account", "account_tier", "R", ""),
    ("azurerm_resource_group", "location", "R", ""),
]


@pytest.mark.parametrize(("resource_type", "path", "flags", "default"), ATTRIBUTE_FACTS[12:])
def test_attribute_fact_big_providers(packs, resource_type, path, flags, default):
    fact = packs.attributes(resource_type).get(path)
    assert isinstance(fact, AttributeFact), f"{resource_type}.{path} missing"
    assert (fact.flags, fact.default) == (flags, default), fact


# (resource_type, path, kind or None when it updates in place)
REPLACEMENT_FACTS = [
    ("kubernetes_namespace_v1", "metadata.name", "force_new"),  # kubernetes/schema_metadata.go#metadataFields
    ("kubernetes_namespace", "metadata.name", "force_new"),
    ("tls_private_key", "algorithm", "force_new"),  # internal/provider/resource_private_key.go
    ("tls_private_key", "rsa_bits", "force_new"),
    ("github_repository", "name", None),  # renamed in place
    ("github_repository", "visibility", None),
    ("helm_release", "name", "force_new"),  # stringplanmodifier.RequiresReplace()
    ("helm_release", "chart", None),
    ("mongodbatlas_project", "org_id", "force_new"),
    ("cloudflare_zone", "name", "force_new"),
    ("postgresql_database", "owner", None),
    ("aws_db_instance", "identifier", None),  # renamed in place since provider 5.0
    ("aws_db_instance", "kms_key_id", "force_new"),
    ("aws_db_instance", "availability_zone", "force_new"),
    ("aws_db_instance", "region", "conditional"),  # v6: Region: ResourceRegionDefault() in the service package
    ("aws_instance", "ami", "force_new"),
    ("aws_instance", "user_data", "conditional"),  # only with user_data_replace_on_change (conditions.tsv)
    ("aws_instance", "instance_type", "conditional"),  # CustomizeDiff ForceNewIf
    ("google_sql_database_instance", "database_version", None),
    ("google_sql_database_instance", "name", "force_new"),
    ("google_compute_instance_from_template", "metadata_startup_script", "conditional"),  # ResourceComputeInstance().CustomizeDiff
    ("azurerm_storage_account", "account_tier", "force_new"),
    ("azurerm_storage_account", "account_replication_type", "conditional"),  # pluginsdk.ForceNewIfChange
    ("azurerm_resource_group", "location", "force_new"),  # commonschema.Location()
    ("azurerm_linux_virtual_machine_scale_set", "source_image_reference", None),  # reviewed.tsv: SchemaFn(false)
    ("azurerm_linux_virtual_machine", "source_image_reference", "force_new"),
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


# --- cross-check with the handed-over reference tables -----------------------------------------

CROSS_CHECKED = ("aws", "google", "azurerm")


def _header_counts(provider: str) -> dict[str, int]:
    import re

    text = (PACKS / provider / "force_new.tsv").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("# Cross-checked with the reference table"))
    return {k: int(v) for k, v in re.findall(r"(agree|kinds differ|only ours|only theirs|R4|R5|R6) (\d+)", line)}


@pytest.mark.parametrize("provider", CROSS_CHECKED)
def test_cross_check_counts(provider):
    """The pack header's counts agree with its disagreements table; nearly all of the reference
    table's rows are found again in the source."""
    counts = _header_counts(provider)
    rows = _rows(f"{provider}/disagreements.tsv")
    assert sum(1 for r in rows if r[6].startswith("R3")) == counts["only ours"]
    assert sum(1 for r in rows if "[reference table only: R" in r[3] and not r[6].startswith("R2")) == counts["only theirs"]
    assert counts["R4"] + counts["R5"] + counts["R6"] == counts["only theirs"]
    assert counts["agree"] / (counts["agree"] + counts["only theirs"]) > 0.96, counts
    assert counts["R4"] == 0, "every resource type of the reference table is read from source"


EXPECTED_COUNTS = {  # measured at the pins; update with the generator's report when either side changes
    "aws": {"agree": 7409, "only ours": 707, "only theirs": 217},
    "google": {"agree": 6858, "only ours": 213, "only theirs": 0},
    "azurerm": {"agree": 5248, "only ours": 197, "only theirs": 30},
}


@pytest.mark.parametrize("provider", CROSS_CHECKED)
def test_cross_check_counts_measured(provider):
    counts = _header_counts(provider)
    assert {k: counts[k] for k in EXPECTED_COUNTS[provider]} == EXPECTED_COUNTS[provider]


@pytest.mark.parametrize("provider", CROSS_CHECKED)
def test_every_disagreement_has_a_decision(provider):
    for row in _rows(f"{provider}/disagreements.tsv"):
        rtype, path, decision, source, ours, theirs, reason = row
        assert decision in ("force_new", "conditional", "in_place"), row
        assert source and reason.startswith(("R2", "R3", "R4", "R5", "R6")), row
        facts = {f.key: f.value for f in Packs().replacement(rtype)}
        if decision == "in_place":
            assert path not in facts or facts[path] == "conditional" and path in _conditions(provider), row
        elif (rtype, path) not in _conditions(provider):
            assert facts.get(path) == decision, (row, facts.get(path))


def _conditions(provider: str) -> set:
    path = PACKS / provider / "conditions.tsv"
    if not path.is_file():
        return set()
    return {(r[0], r[1]) for r in _rows(f"{provider}/conditions.tsv")}


def test_reviewed_disagreements_are_used():
    """Every hand review names a disagreement that exists, and its decision ships."""
    reviewed = (TOOL / "reviewed.tsv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in reviewed if ln and not ln.startswith("#")]
    assert rows
    for rtype, path, decision, reason in rows:
        provider = rtype.split("_", 1)[0]
        table = {(r[0], r[1]): r for r in _rows(f"{provider}/disagreements.tsv")}
        assert (rtype, path) in table, (rtype, path)
        assert table[(rtype, path)][2] == decision and table[(rtype, path)][6] == "R6 reviewed: " + reason


def test_kept_reference_rows_are_marked():
    for provider in CROSS_CHECKED:
        for rtype, path, kind, source in (r[:4] for r in _rows(f"{provider}/force_new.tsv")):
            if "[reference table only" in source:
                assert source.startswith(f"hashicorp/terraform-provider-{provider}:"), source


def test_unknown_type_has_no_attributes(packs):
    assert packs.attributes("google_no_such_resource") == {}
    assert packs.attributes("AWS::S3::Bucket") == {}


# --- drift: re-run the generator where the provider source is present ---------------------------

def _sources_present(provider: str) -> str:
    """"" when every git directory the provider's pin needs is here, else why not."""
    sys.path.insert(0, str(TOOL))
    try:
        import generate  # noqa: PLC0415

        pin = generate.PROVIDERS[provider]
        needs = [(pin.get("via", pin["repo"]), pin["rev"])] + [(repo, rev) for repo, rev, _d in pin.get("extra", [])]
        needs += [(repo, "HEAD") for _m, repo in pin.get("modules", [])]
        for repo, rev in needs:
            gitdir = generate.find_gitdir(SOURCES, repo)
            if gitdir is None or subprocess.run(["git", "-C", str(gitdir), "cat-file", "-e", rev + "^{commit}"],
                                                capture_output=True).returncode != 0:
                return f"{repo}@{rev} not present under {SOURCES}"
        # the cross-check with the handed-over reference table is part of what is generated
        if pin.get("reference") and not (generate.DEFAULT_SHARED / pin["reference"]).is_file():
            return f"the reference table {pin['reference']} is not present under {generate.DEFAULT_SHARED}"
        return ""
    finally:
        sys.path.remove(str(TOOL))


@pytest.mark.parametrize("provider", ["random", "tls", "helm", "postgresql", "github", "mongodbatlas", "snowflake",
                                      "datadog", "cloudflare", "kubernetes", "google", "azurerm", "aws"])
def test_generator_check_mode(provider):
    """Re-read the provider source at the pinned revision: the committed packs must be what it gives."""
    missing = _sources_present(provider)
    if missing:
        pytest.skip(missing)
    done = subprocess.run([sys.executable, str(TOOL), "--provider", provider, "--sources", str(SOURCES), "--check"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- old releases: the same reader over history (version ranges are built from this) -----------

AWS_HISTORY = ("nuno407/terraform-provider-aws", {
    "0f52eedad8": "v4.67.0",  # "Update CHANGELOG.md after v4.67.0"
    "8d9ba2b2d7": "v5.0.0",   # "Update CHANGELOG.md after v5.0.0"
})


@pytest.mark.parametrize(("commit", "identifier_kind"), [("0f52eedad8", "force_new"), ("8d9ba2b2d7", "")])
def test_db_instance_identifier_across_aws_4_and_5(commit, identifier_kind):
    """aws_db_instance.identifier replaced the database before provider 5.0 and renames in place since."""
    sys.path.insert(0, str(TOOL))
    try:
        import generate  # noqa: PLC0415
        from extract import extract  # noqa: PLC0415

        gitdir = generate.find_gitdir(SOURCES, AWS_HISTORY[0])
        if gitdir is None or subprocess.run(["git", "-C", str(gitdir), "cat-file", "-e", commit + "^{commit}"],
                                            capture_output=True).returncode != 0:
            pytest.skip(f"{AWS_HISTORY[0]}@{commit} not present under {SOURCES}")
        result = extract(str(gitdir), commit, "aws", only={"aws_db_instance", "aws_instance"})
    finally:
        sys.path.remove(str(TOOL))
    rows = {(r.resource_type, r.path): r for r in result.rows}
    assert rows[("aws_db_instance", "identifier")].kind == identifier_kind, AWS_HISTORY[1][commit]
    assert rows[("aws_db_instance", "identifier")].flags == "OC"
    assert rows[("aws_db_instance", "kms_key_id")].kind == "force_new"
    assert rows[("aws_instance", "user_data")].kind == "conditional"  # user_data_replace_on_change since 4.x
    assert ("aws_db_instance", "region") not in rows  # the provider-wide region came with 6.0
