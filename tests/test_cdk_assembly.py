"""Synthesized CDK cloud assemblies (`cdk.out`): stacks paired by name, resources named by
construct path and creation line, templates read once, an unreadable manifest read closed.

The assemblies are the real `cdk synth` output of the case folders tests/cases/*/cdk-out-*
(their synth.json says how they were made)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import lint_trees, tree_of

from iaclint.inputs.changes import changed_files, content_renames
from iaclint.inputs.build import Inputs
from iaclint.languages.cloudformation.assembly import in_tree, user_frame
from iaclint.pipeline import RunOptions, lint

CASES = Path(__file__).parent / "cases"
RENAMED = CASES / "IAC103" / "cdk-out-construct-renamed"
REMOVED = CASES / "IAC301" / "cdk-out-bucket-removed"


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _result(before: Path, after: Path):
    b, a = tree_of(before), tree_of(after)
    changed = changed_files(b, a)
    inputs = Inputs(b, a, changed, content_renames(b, a, changed), after)
    return lint(RunOptions(no_config=True, cache=False), inputs=inputs)


def test_each_template_is_read_once_as_its_stack():
    findings = lint_trees(RENAMED / "before", RENAMED / "after")
    assert sorted((f.rule, f.resource) for f in findings) == [
        ("IAC103", "IngestBufferCCB4473D"), ("IAC103", "IngestEventsEF99370A")]


def test_resources_are_named_by_construct_path_and_creation_line():
    findings = lint_trees(REMOVED / "before", REMOVED / "after")
    (f,) = findings
    assert f.extra["construct_path"] == "Storage/Scratch/Resource"
    assert f.extra["created_at"].endswith("app.ts:22")
    assert "Storage/Scratch/Resource" in f.message


def test_creation_line_is_a_path_of_the_tree_when_the_source_is_there(tmp_path):
    before = _copy(REMOVED / "before", tmp_path / "before" / "out")
    after = _copy(REMOVED / "after", tmp_path / "after" / "out")
    for side, folder in (("before", before), ("after", after)):
        (folder.parent / "app.ts").write_text((REMOVED / f"app.{side}.ts").read_text())
    (f,) = lint_trees(tmp_path / "before", tmp_path / "after")
    assert f.path == "out/Storage.template.json"
    # the frame /tmp/.../v/base/app.ts:22 is found in the compared tree as app.ts
    assert f.extra["created_at"] == "app.ts:22"


def test_stacks_are_paired_by_stack_name_not_template_file(tmp_path):
    before = _copy(REMOVED / "before", tmp_path / "before")
    after = _copy(REMOVED / "before", tmp_path / "after")
    # the same stack, its template written under another file name
    manifest = json.loads((after / "manifest.json").read_text())
    manifest["artifacts"]["Storage"]["properties"]["templateFile"] = "Storage-renamed.template.json"
    (after / "manifest.json").write_text(json.dumps(manifest))
    (after / "Storage.template.json").rename(after / "Storage-renamed.template.json")
    assert lint_trees(before, after) == []
    # and a stack whose name changes is another stack: its resources leave the old one
    manifest["artifacts"]["Storage"]["properties"]["stackName"] = "Storage2"
    (after / "manifest.json").write_text(json.dumps(manifest))
    rules = sorted({f.rule for f in lint_trees(before, after)})
    assert "IAC301" in rules


def test_a_template_the_manifest_does_not_name_is_still_read(tmp_path):
    before = _copy(REMOVED / "before", tmp_path / "before")
    after = _copy(REMOVED / "before", tmp_path / "after")
    # a template beside the assembly that no stack artifact names: read as a plain template
    text = (REMOVED / "before" / "Storage.template.json").read_text()
    (before / "Extra.template.json").write_text(text)
    (after / "Extra.template.json").write_text(text.replace('"Scratch', '"Gone').replace("ScratchF72D2ED6", "GoneF72D2ED6"))
    findings = lint_trees(before, after)
    assert {f.path for f in findings} == {"Extra.template.json"}


def test_an_unreadable_manifest_fails_closed(tmp_path):
    before = _copy(REMOVED / "before", tmp_path / "before")
    after = _copy(REMOVED / "after", tmp_path / "after")
    (after / "manifest.json").write_text("{ not json")
    result = _result(before, after)
    rules = sorted((f.rule, f.path) for f in result.findings)
    assert ("IAC001", "manifest.json") in rules
    # its templates are still compared, as plain templates: the removed bucket is not missed
    assert ("IAC301", "Storage.template.json") in rules


def test_a_whole_stack_removed_from_the_assembly_is_reported(tmp_path):
    before = _copy(RENAMED / "before", tmp_path / "before")
    after = _copy(RENAMED / "before", tmp_path / "after")
    manifest = json.loads((after / "assembly-Prod" / "manifest.json").read_text())
    del manifest["artifacts"]["ProdServiceC810982D"]
    (after / "assembly-Prod" / "manifest.json").write_text(json.dumps(manifest))
    (after / "assembly-Prod" / "ProdServiceC810982D.template.json").unlink()
    found = {(f.rule, f.resource) for f in lint_trees(before, after)}
    assert {r for _, r in found} >= {"IngestBufferCCB4473D", "IngestEventsEF99370A"}


def test_user_frame_skips_the_library_and_reads_old_and_new_traces():
    assert user_frame(["...new Bucket2 in aws-cdk-lib...", "new StorageStack (/w/app/lib/stack.ts:55:9)",
                       "<anonymous> (/w/app/bin/app.ts:75:1)"]) == "/w/app/lib/stack.ts:55"
    # older CDK: the trace on the aws:cdk:logicalId entry, with node_modules frames first
    assert user_frame(["new Bucket (/w/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js:1:2)",
                       "new Stack (/w/lib/stack.js:12:5)"]) == "/w/lib/stack.js:12"
    assert user_frame(["...aws-cdk-lib...", "(no user code in 10 frames, use --stack-trace-limit to capture more)"]) is None


def test_in_tree_takes_the_longest_suffix_that_exists(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "stack.ts").write_text("")
    assert in_tree(tree_of(tmp_path), "/home/runner/work/repo/lib/stack.ts:12") == "lib/stack.ts:12"
    assert in_tree(tree_of(tmp_path), "/elsewhere/other.ts:3") is None


def test_committed_assembly_with_base(git_repo):
    files = {f"infra/cdk.out/{p.relative_to(REMOVED / 'before')}": p.read_text()
             for p in (REMOVED / "before").rglob("*") if p.is_file()}
    git_repo.commit(files, "init")
    for p in (REMOVED / "after").rglob("*"):
        if p.is_file():
            git_repo.write({f"infra/cdk.out/{p.relative_to(REMOVED / 'after')}": p.read_text()})
    result = git_repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    found = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"], f["construct_path"]) for f in found] == [
        ("IAC301", "infra/cdk.out/Storage.template.json", "Storage/Scratch/Resource")]


def test_a_damaged_assembly_file_never_crashes_and_never_hides_the_removal(tmp_path):
    files = sorted(p.relative_to(REMOVED / "after") for p in (REMOVED / "after").rglob("*") if p.is_file())
    for i, rel in enumerate(files):
        for damage in (lambda b: b[: len(b) // 2], lambda b: b"\0" + b, lambda b: b""):
            before = _copy(REMOVED / "before", tmp_path / f"{i}-{id(damage)}" / "before")
            after = _copy(REMOVED / "after", tmp_path / f"{i}-{id(damage)}" / "after")
            (after / rel).write_bytes(damage((after / rel).read_bytes()))
            rules = {(f.rule, f.path) for f in _result(before, after).findings}
            if rel.name == "Storage.template.json":
                assert ("IAC001", str(rel)) in rules, (rel, rules)
            else:  # the removed bucket is still seen, whatever else is damaged
                assert ("IAC301", "Storage.template.json") in rules, (rel, rules)


def test_a_template_the_manifest_names_but_is_missing_is_reported_not_emptied(tmp_path):
    before = _copy(REMOVED / "before", tmp_path / "before")
    after = _copy(REMOVED / "before", tmp_path / "after")
    (after / "Storage.template.json").unlink()
    rules = sorted((f.rule, f.path) for f in _result(before, after).findings)
    assert rules == [("IAC001", "Storage.template.json")]  # never "every resource of the stack removed"


def test_sarif_points_at_the_line_that_created_the_resource(tmp_path):
    from iaclint.output import FORMATTERS  # noqa: F401 - the registry of formats
    from iaclint.output.sarif import _result as sarif_result

    before = _copy(REMOVED / "before", tmp_path / "before" / "out")
    after = _copy(REMOVED / "after", tmp_path / "after" / "out")
    for side, folder in (("before", before), ("after", after)):
        (folder.parent / "app.ts").write_text((REMOVED / f"app.{side}.ts").read_text())
    (f,) = lint_trees(tmp_path / "before", tmp_path / "after")
    related = sarif_result(f, 0, "x")["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "app.ts" and related["region"] == {"startLine": 22}
    # a frame outside the compared tree (an absolute path) is no location
    (g,) = lint_trees(REMOVED / "before", REMOVED / "after")
    assert "relatedLocations" not in sarif_result(g, 0, "x")
