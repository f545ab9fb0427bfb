"""A template converted from YAML to JSON (or back) under a new name is paired with the one it
was, by its logical IDs and types, and compared resource by resource."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, write
from helpers import lint_trees

CASE = Path(__file__).parent / "cases" / "benign" / "cfn-yaml-converted-to-json"
YAML = (CASE / "before" / "template.yaml").read_text()
JSON = (CASE / "after" / "template.json").read_text()


def _pairs(before: Path, after: Path) -> dict[str, str]:
    from iaclint.inputs.changes import changed_files
    from iaclint.inputs.trees import DirTree
    from iaclint.languages.base import Loaded
    from iaclint.languages.cloudformation.loader import analyze_templates

    b, a = DirTree(before), DirTree(after)
    out = Loaded()
    analyze_templates(b, a, sorted(changed_files(b, a)), {}, out)
    olds = {d.stack: next(iter(d.before_resources.values())).path for d in out.diffs if d.before_resources}
    return {new: old for new, old in olds.items() if new != old}


def test_ties_go_to_the_same_directory_and_stem(tmp_path):
    write(tmp_path / "b", {"x/template.yaml": YAML, "y/template.yaml": YAML, "y/other.yaml": YAML})
    write(tmp_path / "a", {"x/template.json": JSON, "y/template.json": JSON, "y/other.json": JSON})
    assert _pairs(tmp_path / "b", tmp_path / "a") == {
        "x/template.json": "x/template.yaml", "y/template.json": "y/template.yaml", "y/other.json": "y/other.yaml"}
    assert lint_trees(tmp_path / "b", tmp_path / "a") == []


def test_a_template_with_a_resource_more_is_not_its_conversion(tmp_path):
    data = json.loads(JSON)
    data["Resources"]["Extra"] = {"Type": "AWS::SQS::Queue"}
    write(tmp_path / "b", {"template.yaml": YAML})
    write(tmp_path / "a", {"template.json": json.dumps(data)})
    assert _pairs(tmp_path / "b", tmp_path / "a") == {}
    rules = {f.rule for f in lint_trees(tmp_path / "b", tmp_path / "a")}
    assert "IAC301" in rules  # compared apart: the YAML template's resources are removed


def test_pairing_does_not_depend_on_hash_order(tmp_path):
    write(tmp_path / "b", {f"s{i}/t{j}.yaml": YAML for i in range(3) for j in range(2)})
    write(tmp_path / "a", {f"s{i}/t{j}.json": JSON.replace("orders-db", f"orders-db-{i}{j}")
                           for i in range(3) for j in range(2)})
    outputs = set()
    for seed in ("0", "1", "42"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(PYTHONHASHSEED=seed, PYTHONPATH=str(REPO_ROOT), IACLINT_NO_CACHE="1")
        proc = subprocess.run([sys.executable, "-m", "iaclint", "diff", "b", "a", "--format", "json"],
                              cwd=tmp_path, env=env, capture_output=True, timeout=120)
        assert proc.returncode == 1, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    found = json.loads(outputs.pop())["findings"]
    assert sorted(f["path"] for f in found) == sorted(f"s{i}/t{j}.json" for i in range(3) for j in range(2))
    assert {f["rule"] for f in found} == {"IAC101"}
