"""What real programs import and how they build ids: CDK v1 (`aws_cdk.core`, one package per
service) read as v2; construct ids from f-strings (with format specs), `str.format` and `%`."""

from __future__ import annotations

import json
from pathlib import Path

from iaclint.languages.python.cdk import parse_cdk
from iaclint.languages.python.interpreter import cdk_v1_as_v2

CASES = Path(__file__).parent / "cases"
BUILT = json.loads((Path(__file__).parent / "data" / "pyiac" / "cdk_ids" / "built_ids.json").read_text())


def _ids(case: str, side: str) -> dict[str, str]:
    """construct path (with the stack id) -> logical ID, as iaclint reads the case's app."""
    text = (CASES / case / side / "app.py").read_text()
    program = parse_cdk(text, "app.py", "app.py")
    out = {}
    for stack in program.stacks:
        if stack.standalone:
            continue
        for address, r in stack.resources.items():
            out[f"{stack.name}/{r.meta['construct_path']}"] = address
    return out


def test_logical_ids_of_the_cases_match_a_real_cdk_synth():
    seen = 0
    for case in BUILT["cases"]:
        for side in ("before", "after"):
            for path, logical_id in _ids(case, side).items():
                stack_id = {"OrdersStack": "Orders", "Svc": "Svc"}[path.split("/", 1)[0]]
                synthesized = BUILT["logical_ids"].get(f"{stack_id}/{path.split('/', 1)[1]}")
                assert synthesized is not None, path
                assert logical_id == synthesized, path
                seen += 1
    assert seen >= 20


def test_a_cdk_v1_app_is_read_like_v2():
    ids = _ids("IAC301/cdk-v1-bucket-removed", "before")
    assert sorted(ids.values()) == ["JobsDF1CC2D4", "StorageInvoicesB6686B22", "StorageOrders79EED263"]
    program = parse_cdk((CASES / "IAC301/cdk-v1-bucket-removed/before/app.py").read_text(), "app.py", "app.py")
    [stack] = [s for s in program.stacks if not s.standalone]
    policies = {a: r.meta.get("deletion_policy") for a, r in stack.resources.items()}
    # core.RemovalPolicy.DESTROY read; the Table's v1 default is RETAIN, as in v2
    assert policies["StorageInvoicesB6686B22"] == "Delete" and policies["StorageOrders79EED263"] == "Retain"


def test_v1_names():
    assert cdk_v1_as_v2("aws_cdk.core.Stack") == "aws_cdk.Stack"
    assert cdk_v1_as_v2("aws_cdk.core") == "aws_cdk"
    assert cdk_v1_as_v2("aws_cdk.core.Construct") == "constructs.Construct"
    assert cdk_v1_as_v2("aws_cdk.aws_s3.Bucket") == "aws_cdk.aws_s3.Bucket"
    assert cdk_v1_as_v2("aws_cdk.corey.X") == "aws_cdk.corey.X"


def test_ids_from_format_and_percent_and_format_specs():
    ids = _ids("benign/cdk-fstring-construct-id-rewritten", "after")
    assert set(ids.values()) == set(_ids("benign/cdk-fstring-construct-id-rewritten", "before").values())
    assert {"Orders004918D3F9", "Orders011EB8700A", "LogsBlue616AD021", "Jobsblue0E4A41C8"} <= set(ids.values())


def test_format_reads_nothing_but_its_arguments():
    text = (
        "import aws_cdk as cdk\nfrom aws_cdk import aws_sqs as sqs\n"
        "class S(cdk.Stack):\n"
        "    def __init__(self, scope, id):\n"
        "        super().__init__(scope, id)\n"
        "        sqs.Queue(self, '{0.__class__}'.format('x'))\n"
        "        sqs.Queue(self, '{x[0]}'.format(x='ab'))\n"
        "        sqs.Queue(self, '%(a)s-%(b)s' % {'a': 'A', 'b': 'B'})\n"
        "app = cdk.App()\nS(app, 'S')\n"
    )
    program = parse_cdk(text, "app.py", "app.py")
    [stack] = [s for s in program.stacks if not s.standalone]
    assert [r.meta["construct_path"] for r in stack.resources.values()] == ["A-B/Resource"]
    assert any("cannot be determined" in p.message for p in program.problems)


def test_pulumi_types_beyond_aws():
    from iaclint.languages.python.pulumi import terraform_type

    assert terraform_type("gcp.bigquery.Dataset") == "google_bigquery_dataset"  # the token convention, a type the packs know
    assert terraform_type("gcp.sql.DatabaseInstance") == "google_sql_database_instance"
    assert terraform_type("gcp.compute.RegionDisk") == "google_compute_region_disk"
    assert terraform_type("azure.core.ResourceGroup") == "azurerm_resource_group"  # an irregular one, by its row
    assert terraform_type("azure.mssql.Server") == "azurerm_mssql_server"
    assert terraform_type("gcp.nosuch.Thing") == "gcp.nosuch.Thing"  # no guess the packs do not know
    assert terraform_type("azure_native.storage.StorageAccount") == "Microsoft.Storage/storageAccounts"


def test_arm_types_are_stateful_as_their_azurerm_equivalent():
    from iaclint.knowledge.packs import Packs

    packs = Packs()
    fact = packs.stateful("Microsoft.Storage/storageAccounts")
    assert fact is not None and "azurerm_storage_account" in fact.source
    assert packs.stateful("Microsoft.Web/sites") is None
    assert packs.stateful("Microsoft.Nope/things") is None
    assert packs.replacement("Microsoft.Storage/storageAccounts") == ()


def test_azure_native_api_version_modules_are_the_same_resource():
    from iaclint.languages.python.pulumi import parse_pulumi

    text = ("import pulumi_azure_native as azure_native\n"
            "azure_native.storage.v20230101.StorageAccount('data', resource_group_name='rg', kind='StorageV2')\n")
    program = parse_pulumi(text, "__main__.py", "__main__.py")
    assert list(program.resources) == ["azure_native.storage.StorageAccount.data"]
    assert program.resources["azure_native.storage.StorageAccount.data"].type == "Microsoft.Storage/storageAccounts"


def test_each_constructs_default_removal_policy_matches_a_real_synth():
    from iaclint.languages.python.cdk import constructs

    synthesized = json.loads((Path(__file__).parent / "data" / "pyiac" / "cdk_ids" / "default_policies.json").read_text())
    known = constructs()
    checked = 0
    for key, fact in synthesized["constructs"].items():
        if key in known:
            assert (known[key].cfn_type, known[key].default_policy) == (fact["type"], fact["deletion_policy"]), key
            checked += 1
    assert checked >= 15
