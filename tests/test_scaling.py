"""Work grows with the size of the change and the tree, never with their product: counted
calls on generated trees at two sizes (never wall-clock time)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from iaclint.inputs.trees import DirTree
from iaclint.languages.cloudformation import spans
from iaclint.languages.terraform import module
from tests.helpers import lint_trees

MODULE = 'variable "name" {}\nresource "aws_sqs_queue" "q" {\n  name = "${var.name}-q"\n}\n'


def _tree(root: Path, stacks: int, engine: str) -> Path:
    for i in range(stacks):
        d = root / "stacks" / f"s{i:03}"
        d.mkdir(parents=True)
        (d / "main.tf").write_text(f'variable "engine" {{}}\nresource "aws_db_instance" "db" {{\n  engine = var.engine\n}}\n'
                                   f'module "app" {{\n  source = "../../modules/app"\n  name = "s{i}"\n}}\n')
        (d / "terraform.tfvars").write_text(f'engine = "{engine if i == 0 else "postgres"}"\n')
        (d / "extra.auto.tfvars").write_text('unused = 1\n')
    (root / "modules" / "app").mkdir(parents=True)
    (root / "modules" / "app" / "main.tf").write_text(MODULE)
    return root


def _counted(tmp_path: Path, stacks: int, monkeypatch) -> tuple[int, int, int]:
    before = _tree(tmp_path / f"b{stacks}", stacks, "postgres")
    after = _tree(tmp_path / f"a{stacks}", stacks, "mysql")
    # every stack calls the touched child module: each root module is loaded on both sides
    (after / "modules" / "app" / "main.tf").write_text(MODULE.replace("-q", "-queue"))
    calls = {"tfvars": 0, "files": 0}
    real_is_tfvars, real_files = module.is_tfvars_file, DirTree.files

    def is_tfvars(path, directory):
        calls["tfvars"] += 1
        return real_is_tfvars(path, directory)

    def files(self):
        calls["files"] += 1
        return real_files(self)

    monkeypatch.setattr(module, "is_tfvars_file", is_tfvars)
    monkeypatch.setattr(DirTree, "files", files)
    findings = lint_trees(before, after)
    monkeypatch.undo()
    assert {f.rule for f in findings} >= {"IAC101"}
    return calls["tfvars"], calls["files"], len([f for f in findings if f.rule == "IAC101"])


def test_variable_files_are_found_once_per_tree_not_once_per_module(tmp_path, monkeypatch):
    small = _counted(tmp_path, 10, monkeypatch)
    large = _counted(tmp_path, 40, monkeypatch)
    assert large[2] - 1 == 4 * (small[2] - 1)  # every stack's queue is replaced: all modules were loaded
    # four times the tree: at most about four times the calls (quadratic growth would be sixteen)
    assert large[0] <= 4 * small[0] + 20, (small, large)
    assert large[1] <= small[1] + 4, (small, large)  # the tree is listed a fixed number of times


def test_a_root_module_parse_is_dropped_once_both_sides_are_loaded(tmp_path):
    # memory follows the largest module, not the tree: 20,000 resources took 650 MB when every
    # parse (its syntax tree, ~20x the file) lived to the end of the run, 120 MB now
    from iaclint.languages.terraform.loading import Side, load_all
    from iaclint.languages.terraform.module import ParseCache, module_dirs

    before, after = _tree(tmp_path / "b", 6, "postgres"), _tree(tmp_path / "a", 6, "mysql")
    shared: dict = {}
    sides = {}
    for name, root in (("before", before), ("after", after)):
        tree = DirTree(root)
        sides[name] = Side(tree, module_dirs(tree), ParseCache(tree, shared))
    roots = sorted(d for d in sides["after"].dirs if d.startswith("stacks/"))
    jobs = [("before", d) for d in roots] + [("after", d) for d in roots]
    modules = load_all(jobs, sides, store=None, workers=1)
    assert all(len(modules[job].resources) == 2 for job in jobs)
    for side in sides.values():
        assert sorted(side.cache._files) == ["modules/app/main.tf"]  # only the shared child is kept
    assert len(shared) == 1


def _cascading_templates(root: Path, queues: int, fmt: str) -> None:
    """A template where every other queue is replaced (its name changes) and every queue has a
    policy (Ref) and an alarm (Sub, GetAtt, DependsOn) that the change does not touch."""
    for side, suffix in (("b", ""), ("a", "-v2")):
        resources = {}
        for i in range(queues):
            resources[f"Queue{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"q{i}{suffix if i % 2 == 0 else ''}"}}
            resources[f"Policy{i}"] = {"Type": "AWS::SQS::QueuePolicy",
                                       "Properties": {"Queues": [{"Ref": f"Queue{i}"}], "PolicyDocument": {}}}
            resources[f"Alarm{i}"] = {"Type": "AWS::CloudWatch::Alarm", "DependsOn": f"Queue{i}", "Properties": {
                "AlarmName": {"Fn::Sub": f"${{Queue{i}.QueueName}}-depth"},
                "Dimensions": [{"Name": "Q", "Value": {"Fn::GetAtt": [f"Queue{i}", "QueueName"]}}]}}
        text = json.dumps({"Resources": resources}, indent=1)
        if fmt == "yaml":
            import yaml

            text = yaml.safe_dump({"Resources": resources}, sort_keys=False)
        (root / side).mkdir(parents=True, exist_ok=True)
        (root / side / f"t.{fmt}").write_text(text)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_template_with_many_replacements_is_read_in_linear_work(tmp_path, monkeypatch, fmt):
    """Thousands of replaced resources in one template (and their cascades): the text scanned
    for who names a replaced resource, and the text read for the positions of each finding,
    grow with the template, not with the template times its findings (8,000 queues, half of
    them replaced, took 13 s; now under a second)."""
    from iaclint.languages import json_reader
    from iaclint.languages.cloudformation import paired

    counted = {}
    for queues in (60, 120):
        scans, read = [0], [0]
        real_containing, real_load_text, real_json = paired.Untouched._containing, paired.load_text, json_reader.load

        def containing(self, word, real=real_containing):
            scans[0] += 1
            return real(self, word)

        def load_text(text, real=real_load_text):
            read[0] += len(text)
            return real(text)

        def json_load(text, real=real_json):
            read[0] += len(text)
            return real(text)

        monkeypatch.setattr(paired.Untouched, "_containing", containing)
        monkeypatch.setattr(paired, "load_text", load_text)
        monkeypatch.setattr(json_reader, "load", json_load)
        _cascading_templates(tmp_path / f"{fmt}{queues}", queues, fmt)
        found = json.loads(run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path / f"{fmt}{queues}").stdout)
        rules = [f["rule"] for f in found["findings"]]
        assert rules.count("IAC101") == queues // 2 and rules.count("IAC107") == queues, rules
        counted[queues] = scans[0], read[0]
        monkeypatch.undo()
    assert counted[60][0] == counted[120][0] == paired._SCANS  # then the index of words, made once
    assert counted[120][1] < 2.5 * counted[60][1], counted  # twice the template, about twice the reading


def test_mentioning_finds_what_a_search_of_each_resource_finds():
    """The first words asked are found in the text (`_containing`): the same resources as
    searching each resource's text; the index that answers later words has every resource
    that names a logical ID (written whole: Ref, GetAtt, Sub, DependsOn)."""
    from iaclint.languages.cloudformation import paired

    text = YAML_REFS
    split = spans.split(text)
    untouched = paired.Untouched(text, split, None, "t.yaml", "t.yaml")
    words = ["Queue1", "Queue10", "Queue", "ueue1", "Arn", "Type", "Topic", "Nothing", "Queue1.Arn"]
    plain = {w: [n for n, (s, e) in split.resources.items() if text.find(w, s, e) >= 0] for w in words}
    assert {w: untouched.mentioning(w) for w in words} == plain
    for w in ["Queue1", "Queue10", "Topic"] * 4:  # past _SCANS: the index
        untouched.mentioning(w)
    assert untouched._words is not None
    for logical_id in ("Queue1", "Queue10", "Topic"):
        named = {n for n in split.resources if _names(text, split, n, logical_id)}
        assert named <= set(untouched.mentioning(logical_id)) <= set(plain[logical_id])
    assert untouched.mentioning("Queue1", leave_out={"Alarm"}) == [n for n in untouched.mentioning("Queue1") if n != "Alarm"]


def _names(text, split, name, logical_id) -> bool:
    """Whether the resource writes the logical ID whole (as every reference does)."""
    import re

    start, end = split.resources[name]
    return re.search(rf"(?<![A-Za-z0-9]){logical_id}(?![A-Za-z0-9])", text[start:end]) is not None


YAML_REFS = """\
Resources:
  Queue1: {Type: AWS::SQS::Queue}
  Queue10: {Type: AWS::SQS::Queue}
  Topic: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Sub '${Queue1.Arn}'}}
  Policy:
    Type: AWS::SQS::QueuePolicy
    DependsOn: Queue10
    Properties: {Queues: [!Ref Queue1, !GetAtt Queue10.Arn]}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: queue1-depth  # not a reference
      Dimensions: [{Value: !GetAtt [Queue1, QueueName]}]
      AlarmActions: [!Ref Topic]
"""
