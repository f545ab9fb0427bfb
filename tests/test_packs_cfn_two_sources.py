"""CloudFormation facts from two sources (cfn-lint's registry schemas and @aws-cdk/aws-service-spec),
their reviewed disagreements, and SAM judged by what its transform generates (issue 21, items 1 and 2)."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import lint_trees

from iaclint.knowledge.packs import Packs

REPO = Path(__file__).resolve().parents[1]
PACKS = REPO / "rules" / "cloudformation"
GENERATOR = REPO / "tools" / "packgen" / "cloudformation.py"
SAM_GENERATOR = REPO / "tools" / "packgen" / "sam.py"
SPEC_FACTS = REPO / "tools" / "packgen" / "data" / "aws-service-spec-replacing.tsv"
DECISIONS = {"replace", "may_replace", "conditional", "none", "sam_transform"}
REPORTED = {"create_only", "conditional", "may_replace"}  # what IAC101/IAC102 say something about


@pytest.fixture(autouse=True)
def _shipped_packs(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]


def _pinned(name: str) -> str:
    text = GENERATOR.read_text(encoding="utf-8") if name == "spec" else SAM_GENERATOR.read_text(encoding="utf-8")
    key = "SERVICE_SPEC_VERSION" if name == "spec" else "SAM_TRANSLATOR_VERSION"
    return re.search(rf'^{key} = "([^"]+)"', text, re.M).group(1)


def _spec_facts() -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[2] for r in _rows(SPEC_FACTS)}


# --- the named examples -------------------------------------------------------------------
def _fact(resource_type: str, key: str):
    return {f.key: f for f in Packs().replacement(resource_type)}.get(key)


def test_route53_recordset_name_replaces_decided_by_hand():
    fact = _fact("AWS::Route53::RecordSet", "Name")
    assert fact is not None and fact.value == "create_only"
    assert "aws-service-spec" in fact.source and "checked by hand" in fact.source and "cfn-lint" in fact.source


def test_rds_port_may_replace_decided_by_hand():
    fact = _fact("AWS::RDS::DBInstance", "Port")
    assert fact is not None and fact.value == "may_replace"
    assert "checked by hand" in fact.source and "DBPortNumber" in fact.source
    assert "Port" in Packs().may_replace_keys("AWS::RDS::DBInstance")
    assert "Port" not in Packs().force_new_keys("AWS::RDS::DBInstance")


def test_dynamodb_key_schema_upgraded_to_replace():
    fact = _fact("AWS::DynamoDB::Table", "KeySchema")
    assert fact.value == "create_only" and "checked by hand" in fact.source


@pytest.mark.parametrize(
    ("resource_type", "key", "generated"),
    [
        ("AWS::Serverless::SimpleTable", "TableName", "AWS::DynamoDB::Table.TableName"),
        ("AWS::Serverless::SimpleTable", "PrimaryKey", "AWS::DynamoDB::Table.KeySchema"),
        ("AWS::Serverless::Function", "FunctionName", "AWS::Lambda::Function.FunctionName"),
        ("AWS::Serverless::StateMachine", "Name", "AWS::StepFunctions::StateMachine.StateMachineName"),
        ("AWS::Serverless::StateMachine", "Type", "AWS::StepFunctions::StateMachine.StateMachineType"),
        ("AWS::Serverless::Api", "Name", None),  # RestApi.Name updates in place
    ],
)
def test_sam_property_judged_by_what_it_generates(resource_type, key, generated):
    fact = _fact(resource_type, key)
    if generated is None:
        assert fact is None
        return
    assert fact is not None and fact.value == "create_only", fact
    assert fact.source.startswith("aws-sam-translator ") and generated in fact.source


@pytest.mark.parametrize("key", ["Timeout", "MemorySize", "Tags", "Runtime", "Handler", "CodeUri", "Environment"])
def test_sam_function_mutable_properties_have_no_fact(key):
    assert _fact("AWS::Serverless::Function", key) is None


def test_sam_simpletable_tags_have_no_fact():
    assert _fact("AWS::Serverless::SimpleTable", "Tags") is None


def test_every_replacement_fact_names_its_source():
    packs = Packs()
    types = {r[0] for r in _rows(PACKS / "create_only.tsv")} | {r[0] for r in _rows(PACKS / "sam.tsv")}
    for resource_type in sorted(types):
        for fact in packs.replacement(resource_type):
            assert fact.source.startswith(("cfn-lint ", "aws-sam-translator ")), fact


# --- the packs' shape ---------------------------------------------------------------------
def test_every_disagreement_has_a_decision_and_a_reason():
    rows = _rows(PACKS / "disagreements.tsv")
    assert 300 <= len(rows) <= 400  # 341 with cfn-lint 1.58.0 and aws-service-spec 0.1.216
    for row in rows:
        assert len(row) == 7, row
        resource_type, prop, decision, source, cfn_lint, spec, reason = row
        assert decision in DECISIONS, row
        assert len(reason) > 20 and reason == reason.strip(), row
        assert source == f"cfn-lint 1.58.0 + @aws-cdk/aws-service-spec {_pinned('spec')}", row
        assert cfn_lint in {"create_only", "conditional", "no", "absent"} and spec in {"yes", "maybe", "no"}, row
        assert (cfn_lint, spec) not in {("create_only", "yes"), ("conditional", "maybe")}, row  # those agree
        assert not (cfn_lint in ("no", "absent") and spec == "no"), row
    assert [r[:2] for r in rows] == sorted(r[:2] for r in rows)
    serverless = [r for r in rows if r[0].startswith("AWS::Serverless::")]
    assert serverless and all(r[2] == "sam_transform" for r in serverless)


def test_pack_headers_record_both_sources_and_versions():
    spec = _pinned("spec")
    for name in ("create_only.tsv", "disagreements.tsv"):
        head = (PACKS / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert f"from cfn-lint 1.58.0 and @aws-cdk/aws-service-spec {spec} " in head, head
    assert f"@aws-cdk/aws-service-spec {spec} db.json.gz" in SPEC_FACTS.read_text(encoding="utf-8").split("\n", 1)[0]
    sam_head = (PACKS / "sam.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert f"aws-sam-translator {_pinned('sam')} " in sam_head


def test_sam_pack_is_well_formed():
    rows = _rows(PACKS / "sam.tsv")
    assert rows and rows == sorted(rows)
    for row in rows:
        assert len(row) == 5 and all(row), row
        assert row[0].startswith("AWS::Serverless::") and "::" in row[2], row
        assert row[4] == f"aws-sam-translator {_pinned('sam')}", row
    fed = {(r[0], r[1]) for r in rows}
    assert ("AWS::Serverless::Function", "Timeout") in fed  # known, and it feeds only mutable properties


def test_create_only_rows_say_what_the_spec_says():
    values = {row[4] for row in _rows(PACKS / "create_only.tsv")}
    assert values <= {"yes", "maybe", "no", "absent", "n/a"} and {"yes", "no", "absent", "n/a"} <= values


# --- drift: regenerating needs no network; the npm package and the translator only when present ---
SPEC_DIR = os.environ.get("IACLINT_SERVICE_SPEC_DIR", "")
SAM_PYTHON = os.environ.get("IACLINT_SAM_PYTHON", "")


@pytest.mark.skipif(not SPEC_DIR, reason="set IACLINT_SERVICE_SPEC_DIR to an installed @aws-cdk/aws-service-spec")
def test_service_spec_facts_are_fresh():
    subprocess.run([sys.executable, str(GENERATOR), "--check", "--service-spec", SPEC_DIR], check=True, cwd=REPO)


@pytest.mark.skipif(not SAM_PYTHON, reason="set IACLINT_SAM_PYTHON to a python with aws-sam-translator installed")
def test_sam_pack_is_fresh():
    subprocess.run([SAM_PYTHON, str(SAM_GENERATOR), "--check"], check=True, cwd=REPO)


def test_lookups_do_not_import_the_translator():
    code = (
        "import sys\n"
        "from iaclint.knowledge.packs import Packs\n"
        "assert Packs().replacement('AWS::Serverless::Function')\n"
        "assert not any(m.startswith('samtranslator') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --- the probe: random facts from each source, through the rules -----------------------------
def _spec_replacing_outside_sam() -> list[tuple[str, str]]:
    return sorted((t, p) for (t, p), v in _spec_facts().items()
                  if p and v in ("yes", "maybe") and not t.startswith("AWS::Serverless::"))


def _disagreement(resource_type: str, prop: str) -> list[str] | None:
    for row in _rows(PACKS / "disagreements.tsv"):
        if (row[0], row[1]) == (resource_type, prop):
            return row
    return None


def test_spec_replacing_properties_are_reported_across_the_whole_population():
    packs = Packs()
    population = _spec_replacing_outside_sam()
    missed = []
    for resource_type, prop in population:
        fact = {f.key: f for f in packs.replacement(resource_type)}.get(prop)
        if fact is None or fact.value not in REPORTED:
            row = _disagreement(resource_type, prop)
            assert row is not None and row[2] == "none", (resource_type, prop)  # silence is a decided disagreement
            missed.append((resource_type, prop))
    assert len(population) > 4000
    assert len(missed) / len(population) <= 0.01, missed


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=1)


def _lint_changes(tmp_path: Path, picks: list[tuple[str, str]], before_value, after_value) -> dict[str, set[str]]:
    """One template, one resource per (type, property), the property changed from one value to another:
    logical ID -> the rules that reported it."""
    before, after = {}, {}
    for i, (resource_type, prop) in enumerate(picks):
        before[f"R{i}"] = {"Type": resource_type, "Properties": {prop: before_value}}
        after[f"R{i}"] = {"Type": resource_type, "Properties": {prop: after_value}}
    for side, resources in (("before", before), ("after", after)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "template.json").write_text(_template(resources), encoding="utf-8")
    out: dict[str, set[str]] = {}
    for f in lint_trees(tmp_path / "before", tmp_path / "after"):
        out.setdefault(f.resource, set()).add(f"{f.rule}:{f.severity.value}")
    return out


def test_probe_random_service_spec_facts(tmp_path):
    """150 random top-level properties aws-service-spec marks replacing (outside SAM): IAC101 (or IAC102)
    reports each, as certain or as "may" at note level, except where the disagreement table says why not."""
    picks = random.Random(21).sample(_spec_replacing_outside_sam(), 150)
    found = _lint_changes(tmp_path, picks, "probe-a", "probe-b")
    reported, silent_by_decision = 0, []
    packs = Packs()
    for i, (resource_type, prop) in enumerate(picks):
        rules = found.get(f"R{i}", set())
        fact = {f.key: f for f in packs.replacement(resource_type)}.get(prop)
        if fact is None or fact.value not in REPORTED:
            row = _disagreement(resource_type, prop)
            assert row is not None and row[2] == "none" and row[6], (resource_type, prop)
            assert not any(r.startswith(("IAC101", "IAC102")) for r in rules), (resource_type, prop, rules)
            silent_by_decision.append((resource_type, prop))
            continue
        if fact.value == "may_replace":
            assert "IAC101:note" in rules, (resource_type, prop, rules)
        elif fact.value == "conditional":
            assert any(r.startswith("IAC102") for r in rules), (resource_type, prop, rules)
        else:
            assert any(r.startswith("IAC101:") and r != "IAC101:note" for r in rules), (resource_type, prop, rules)
        reported += 1
    assert reported / len(picks) >= 0.99, silent_by_decision


def test_probe_random_cfn_lint_facts(tmp_path):
    """60 random top-level createOnly facts of cfn-lint's schemas: IAC101 reports each as certain."""
    rows = sorted({(r[0], r[1]) for r in _rows(PACKS / "create_only.tsv") if r[2] == "create_only" and "." not in r[1]})
    picks = random.Random(2021).sample(rows, 60)
    found = _lint_changes(tmp_path, picks, "probe-a", "probe-b")
    for i, (resource_type, prop) in enumerate(picks):
        rules = found.get(f"R{i}", set())
        assert any(r.startswith("IAC101:") and r != "IAC101:note" for r in rules), (resource_type, prop, rules)


def _mutable(resource_type: str, prop: str) -> bool:
    spec = _spec_facts()
    keys = {f.key.split(".", 1)[0] for f in Packs().replacement(resource_type)}
    return (resource_type, "") in spec and (resource_type, prop) not in spec and prop not in keys


def test_probe_silent_on_tags_and_mutable_properties(tmp_path):
    """Tags and properties neither source marks replacing: no replacement finding, certain or may."""
    spec = _spec_facts()
    types = sorted({t for (t, p) in spec if not p and not t.startswith("AWS::Serverless::")})
    rng = random.Random(121)
    tag_types = [t for t in types if _mutable(t, "Tags")]
    picks = [(t, "Tags") for t in rng.sample(tag_types, 60)]
    # a mutable property: Description where neither source marks it replacing
    described = [t for t in types if _mutable(t, "Description")]
    picks += [(t, "Description") for t in rng.sample(described, 60)]
    found = _lint_changes(tmp_path, picks, "probe-a", "probe-b")
    for i, (resource_type, prop) in enumerate(picks):
        rules = found.get(f"R{i}", set())
        assert not any(r.startswith(("IAC101", "IAC102")) for r in rules), (resource_type, prop, rules)


# --- where a verdict comes from: iaclint explain and --debug ------------------------------------
def test_explain_shows_each_verdict_and_its_source():
    from conftest import run_cli

    port = run_cli(["explain", "AWS::RDS::DBInstance.Port"])
    assert port.exit_code == 0
    assert "may replace it (IAC101, note)" in port.stdout and "decided may_replace" in port.stdout
    name = run_cli(["explain", "AWS::Route53::RecordSet.Name"]).stdout
    assert "replaces the resource (IAC101)" in name and "@aws-cdk/aws-service-spec" in name
    bucket = run_cli(["explain", "AWS::S3::Bucket.BucketName"]).stdout
    assert "createOnlyProperties" in bucket and "agrees (causesReplacement: yes)" in bucket
    tags = run_cli(["explain", "AWS::AmplifyUIBuilder::Component.Tags"]).stdout
    assert "no replacement fact" in tags and "decided none" in tags
    timeout = run_cli(["explain", "AWS::Serverless::Function.Timeout"]).stdout
    assert "no replacement fact" in timeout and "decided sam_transform" in timeout


def test_debug_prints_the_source_of_each_finding_fact():
    case = REPO / "tests" / "cases" / "IAC101" / "sam-function-name-changed"
    env = {k: v for k, v in os.environ.items() if k != "IACLINT_RULES_DIR"}
    done = subprocess.run([sys.executable, "-m", "iaclint", "diff", str(case / "before"), str(case / "after"),
                           "--debug", "--no-cache"], capture_output=True, text=True, cwd=REPO, env=env)
    assert "IAC101" in done.stdout
    assert ("iaclint: debug: IAC101 OrdersFunction `FunctionName`: aws-sam-translator 1.115.0: FunctionName becomes "
            "AWS::Lambda::Function.FunctionName") in done.stderr, done.stderr


# --- one fact per rule of the decision, with its verdict ---------------------------------------
@pytest.mark.parametrize(
    ("resource_type", "key", "verdict", "decision"),
    [
        # agreed: createOnly in the schema, causesReplacement yes in the spec
        ("AWS::S3::Bucket", "BucketName", "create_only", None),
        ("AWS::Lambda::Function", "FunctionName", "create_only", None),
        ("AWS::DynamoDB::Table", "TableName", "create_only", None),
        ("AWS::EC2::Instance", "InstanceType", "conditional", None),  # conditional and maybe: agreed
        # rule 1: createOnly in the registry schema only
        ("AWS::AppStream::StackFleetAssociation", "FleetName", "create_only", "replace"),
        ("AWS::AppSync::ApiCache", "AtRestEncryptionEnabled", "create_only", "replace"),
        # rule 2: conditionalCreateOnly in the schema, yes in the spec
        ("AWS::ECS::Service", "LaunchType", "conditional", "conditional"),
        ("AWS::Events::Rule", "EventBusName", "conditional", "conditional"),
        # rule 4: tags the registry schema declares updatable
        ("AWS::Batch::JobQueue", "Tags", None, "none"),
        ("AWS::SageMaker::Domain", "Tags", None, "none"),
        # rule 5: only the spec marks it
        ("AWS::EC2::EIP", "Domain", "may_replace", "may_replace"),
        ("AWS::S3::Bucket", "ObjectLockEnabled", "may_replace", "may_replace"),
        ("AWS::ElastiCache::CacheCluster", "NumCacheNodes", "may_replace", "may_replace"),
        ("AWS::OpsWorksCM::Server", "Engine", "may_replace", "may_replace"),  # a type cfn-lint lacks
        # rule 6: by hand
        ("AWS::Route53::RecordSet", "Name", "create_only", "replace"),
        ("AWS::RDS::DBInstance", "Port", "may_replace", "may_replace"),
        ("AWS::DynamoDB::Table", "KeySchema", "create_only", "replace"),
    ],
)
def test_decided_facts(resource_type, key, verdict, decision):
    fact = _fact(resource_type, key)
    assert (fact.value if fact else None) == verdict
    row = _disagreement(resource_type, key)
    assert (row[2] if row else None) == decision
