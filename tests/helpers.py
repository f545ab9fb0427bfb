"""Shared test helpers: run the real pipeline in-process on two directory trees.

`lint_trees` is `iaclint diff BEFORE AFTER` without the CLI: the same trees, the same
analysis, the same rules, suppressions and finalisation as `iaclint.run.run`, but it returns
the findings instead of rendering them. Keep it in step with `run()` when that wiring changes.
"""

from __future__ import annotations

from pathlib import Path

from iaclint.analysis import analyze, changed_files, content_renames
from iaclint.engine.check import Context
from iaclint.engine.runner import Selection, finalize, run_checks
from iaclint.model import Finding
from iaclint.packs import Packs
from iaclint.trees import DirTree, EmptyTree, Tree

DEFAULT_SETTINGS = {"broad_deletion_threshold": 5}


def tree_of(path: str | Path | None) -> Tree:
    """A directory tree; a missing (or absent) directory is the empty tree: everything is new."""
    if path is None or not Path(path).is_dir():
        return EmptyTree()
    return DirTree(path)


def lint_trees(before_dir: str | Path | None, after_dir: str | Path, settings: dict | None = None) -> list[Finding]:
    before, after = tree_of(before_dir), tree_of(after_dir)
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    changed = changed_files(before, after)
    renames = content_renames(before, after, changed)
    analysis = analyze(before, after, changed, renames, settings)
    ctx = Context(packs=Packs(), settings=settings)
    findings = run_checks(analysis.diffs, ctx) + analysis.problems
    return finalize(findings, Selection())


def identity(f: Finding) -> dict:
    """What a case's expected.json asserts: which rule, on what, where. Never the wording."""
    return {"rule": f.rule, "resource": f.resource, "path": f.path, "line": f.line}
