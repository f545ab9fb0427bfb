"""Work grows with the size of the change and the tree, never with their product: counted
calls on generated trees at two sizes (never wall-clock time)."""

from __future__ import annotations

from pathlib import Path

from iaclint.inputs.trees import DirTree
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
