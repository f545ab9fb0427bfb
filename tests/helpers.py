"""Shared test helpers: run the real pipeline in-process on two directory trees.

`lint_trees` is `iaclint diff BEFORE AFTER` without the CLI: `iaclint.pipeline.lint` itself,
with built-in defaults instead of whatever configuration the working directory holds, and a
missing BEFORE directory read as the empty tree (everything is new).
"""

from __future__ import annotations

from pathlib import Path

from iaclint.core.model import Finding
from iaclint.inputs.build import Inputs
from iaclint.inputs.changes import changed_files, content_renames
from iaclint.inputs.trees import DirTree, EmptyTree, Tree
from iaclint.pipeline import BROAD_DELETION_THRESHOLD, RunOptions, lint

DEFAULT_SETTINGS = {"broad_deletion_threshold": BROAD_DELETION_THRESHOLD}


def tree_of(path: str | Path | None) -> Tree:
    """A directory tree; a missing (or absent) directory is the empty tree: everything is new."""
    if path is None or not Path(path).is_dir():
        return EmptyTree()
    return DirTree(path)


def lint_trees(before_dir: str | Path | None, after_dir: str | Path, **options) -> list[Finding]:
    """`options` are `RunOptions` fields (a case's options.json), e.g. `scope=["aws_s3_bucket.*"]`."""
    before, after = tree_of(before_dir), tree_of(after_dir)
    changed = changed_files(before, after)
    inputs = Inputs(before, after, changed, content_renames(before, after, changed), Path(after_dir))
    return lint(RunOptions(no_config=True, cache=False, **options), inputs=inputs).findings


def identity(f: Finding) -> dict:
    """What a case's expected.json asserts: which rule, on what, where. Never the wording."""
    return {"rule": f.rule, "resource": f.resource, "path": f.path, "line": f.line}
