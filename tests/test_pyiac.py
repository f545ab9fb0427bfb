"""Python IaC (AWS CDK, Pulumi): logical IDs against a real synth, static reading only, lazy imports.

The rule behaviour lives in case folders (tests/cases/*/cdk-*, tests/cases/*/pulumi-*,
tests/cases/benign/{cdk,pulumi}-*); this file covers what case folders cannot show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import lint_trees

from iaclint.languages.python.cdk import make_unique_id, parse_cdk
from iaclint.languages.python.interpreter import detect

DATA = Path(__file__).parent / "data" / "pyiac"


def test_logical_ids_match_a_real_cdk_synth() -> None:
    """expected_ids.json was recorded from `python app.py` with aws-cdk-lib 2.275.0 (see the file)."""
    expected = json.loads((DATA / "cdk_ids" / "expected_ids.json").read_text())
    assert expected["aws_cdk_lib_version"] == "2.275.0"
    program = parse_cdk((DATA / "cdk_ids" / "app.py").read_text(), "app.py", "app.py")
    [stack] = [s for s in program.stacks if not s.standalone]
    found = {r.meta["construct_path"]: (address, r.type, r.meta.get("deletion_policy")) for address, r in stack.resources.items()}
    want = {path.split("/", 1)[1]: (e["logical_id"], e["type"], e["deletion_policy"]) for path, e in expected["resources"].items()}
    assert found == want


def test_make_unique_id_rules() -> None:
    assert make_unique_id(["TopLevel"]) == "TopLevel"  # one component: the id itself
    assert make_unique_id(["Default", "Top-Level"]) == "TopLevel"  # Default is dropped everywhere
    assert make_unique_id(["Db", "Db"]).startswith("Db") and len(make_unique_id(["Db", "Db"])) == 10  # dupes removed
    assert make_unique_id(["A", "Resource"]).startswith("A") and make_unique_id(["A", "Resource"]) != make_unique_id(["A", "B"])


def test_detection() -> None:
    assert detect("import aws_cdk as cdk\n") == "cdk"
    assert detect("from aws_cdk import Stack\n") == "cdk"
    assert detect("import pulumi\nimport pulumi_aws as aws\n") == "pulumi"
    assert detect("import boto3\n# import aws_cdk in a comment is not an import\n") is None


def _program(marker: Path, bucket_id: str) -> str:
    return (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "import aws_cdk as cdk\n"
        "from aws_cdk import aws_s3 as s3\n\n\n"
        "class Site(cdk.Stack):\n"
        "    def __init__(self, scope, id):\n"
        "        super().__init__(scope, id)\n"
        f"        pathlib.Path({str(marker)!r}).write_text('constructed')\n"
        f"        s3.Bucket(self, {bucket_id!r})\n\n\n"
        "app = cdk.App()\nSite(app, 'Site')\napp.synth()\n"
    )


def test_user_program_is_never_imported_or_executed(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    for side, bucket_id in (("before", "Assets"), ("after", "Static")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "app.py").write_text(_program(marker, bucket_id))
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    assert [f.rule for f in findings] == ["IAC103"]  # the rename is seen ...
    assert not marker.exists()  # ... without running a line of the program
    assert "app" not in sys.modules or "Site" not in dir(sys.modules["app"])
    # and through the real CLI, in a fresh interpreter
    proc = subprocess.run([sys.executable, "-m", "iaclint", "diff", str(tmp_path / "before"), str(tmp_path / "after")],
                          capture_output=True, text=True)
    assert "IAC103" in proc.stdout, proc.stdout + proc.stderr
    assert not marker.exists()


def test_lint_run_does_not_import_libcst(tmp_path: Path) -> None:
    case = Path(__file__).parent / "cases" / "IAC103" / "pulumi-resource-renamed"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "iaclint", "diff", str(case / "before"), str(case / "after")],
                          capture_output=True, text=True)
    assert "IAC103" in proc.stdout, proc.stdout + proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "iaclint.languages.python.pulumi" in imported
    assert not {m for m in imported if m.split(".")[0] in ("libcst", "aws_cdk", "pulumi", "pulumi_aws")}


def test_unresolvable_construct_id_is_a_note_not_a_guess(tmp_path: Path) -> None:
    src = (
        "import os\nimport aws_cdk as cdk\nfrom aws_cdk import aws_s3 as s3\n\n\n"
        "class Site(cdk.Stack):\n"
        "    def __init__(self, scope, id):\n"
        "        super().__init__(scope, id)\n"
        "        s3.Bucket(self, os.environ['BUCKET_ID']{suffix})\n"
    )
    for side, suffix in (("before", ""), ("after", " + 'x'")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "app.py").write_text(src.replace("{suffix}", suffix))
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    assert [(f.rule, f.severity.value) for f in findings] == [("IAC001", "note")]
    assert "cannot be determined statically" in findings[0].message


def test_syntax_error_after_is_a_parse_error_not_a_deletion(tmp_path: Path) -> None:
    good = "import pulumi\nimport pulumi_aws as aws\n\naws.s3.Bucket('assets')\n"
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "__main__.py").write_text(good)
    (tmp_path / "after" / "__main__.py").write_text(good + "aws.s3.Bucket(\n")
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    assert [f.rule for f in findings] == ["IAC001"]


def test_other_python_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "tool.py").write_text("import boto3\nboto3.client('s3').delete_bucket(Bucket='x')\n")
    (tmp_path / "after" / "tool.py").write_text("import boto3\n")
    assert lint_trees(tmp_path / "before", tmp_path / "after") == []
