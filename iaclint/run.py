"""`iaclint diff`: inputs → trees → analysis → rules → report → exit code."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from iaclint import __version__


@dataclass
class RunOptions:
    paths: list[str] = field(default_factory=list)
    base: str | None = None
    head: str | None = None
    staged: bool = False
    patch: str | None = None
    fmt: str | None = None
    fail_on: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    config: str | None = None
    output: str | None = None
    color: bool = False
    debug: bool = False
    cwd: str | None = None


@dataclass
class Inputs:
    before: object
    after: object
    changed: set[str]
    renames: dict[str, str]
    root: Path


def build_inputs(opts: RunOptions) -> Inputs:
    from iaclint.cli import InputError
    from iaclint import trees
    from iaclint.analysis import changed_files, content_renames, is_relevant

    cwd = Path(opts.cwd or os.getcwd())
    if opts.head and not opts.base:
        raise InputError("--head needs --base")
    if opts.staged and opts.base:
        raise InputError("--staged and --base cannot be combined")
    if opts.patch:
        from iaclint.patch import patch_inputs

        return patch_inputs(opts, cwd)
    if opts.base or opts.staged:
        root = trees.repo_root(cwd)
        rel_paths = _repo_relative(opts.paths, cwd, root)
        if opts.staged:
            try:
                before = trees.GitRevTree(root, "HEAD", rel_paths)
            except trees.TreeError:
                before = trees.EmptyTree()  # the first commit: everything is new
            after = trees.GitIndexTree(root, rel_paths)
            renames = trees.git_renames(root, "HEAD", None, staged=True) if not isinstance(before, trees.EmptyTree) else {}
        else:
            base_sha = trees.resolve_ref(root, opts.base)
            head_sha = trees.resolve_ref(root, opts.head) if opts.head else None
            merge_base = _merge_base(root, base_sha, head_sha or "HEAD")
            before = trees.GitRevTree(root, merge_base, rel_paths)
            before.label = opts.base
            after = trees.GitRevTree(root, head_sha, rel_paths) if head_sha else trees.WorkTree(root, rel_paths)
            renames = trees.git_renames(root, merge_base, head_sha)
        changed = changed_files(before, after)
        return Inputs(before, after, changed, renames, root)

    if len(opts.paths) != 2:
        raise InputError("give BEFORE and AFTER (two files or two directories), or --base REF, or --staged")
    b, a = (Path(p) for p in opts.paths)
    for p in (b, a):
        if not p.exists():
            raise InputError(f"no such file or directory: {p}")
    if b.is_dir() != a.is_dir():
        raise InputError(f"cannot compare a {'directory' if b.is_dir() else 'file'} with a "
                         f"{'directory' if a.is_dir() else 'file'}: {b} vs {a}")
    if b.is_dir():
        before, after = trees.DirTree(b), trees.DirTree(a)
        root = a
    else:
        name = a.name
        before, after = trees.SingleFileTree(b, name), trees.SingleFileTree(a, name)
        root = a.parent
        if not is_relevant(name) and not is_relevant(b.name):
            raise InputError(f"{a.name}: not a Terraform file or a template iaclint reads (.tf, .tfvars, .yaml, .yml, .json, .template)")
    changed = changed_files(before, after)
    renames = content_renames(before, after, changed)
    return Inputs(before, after, changed, renames, root)


def _merge_base(root: Path, base: str, head: str) -> str:
    from iaclint import trees

    try:
        out = trees.git(["merge-base", "--end-of-options", base, head], root).decode().strip()
    except trees.TreeError:
        return base
    return out or base


def _repo_relative(paths: list[str], cwd: Path, root: Path) -> list[str] | None:
    from iaclint.cli import InputError

    if not paths:
        return None
    out = []
    for p in paths:
        full = (cwd / p).resolve()
        try:
            rel = full.relative_to(root.resolve())
        except ValueError:
            raise InputError(f"path is outside the repository: {p}") from None
        out.append("" if str(rel) == "." else rel.as_posix())
    if "" in out:
        return None
    return out


def run(opts: RunOptions) -> int:
    from iaclint import config as config_mod
    from iaclint.analysis import analyze
    from iaclint.engine.check import Context
    from iaclint.engine.runner import Selection, finalize, run_checks
    from iaclint.engine.registry import rule_infos
    from iaclint.output import Report, get_formatter
    from iaclint.packs import Packs

    cfg = config_mod.load(opts.config, Path(opts.cwd or os.getcwd()))
    inputs = build_inputs(opts)
    changed = inputs.changed
    excludes = cfg.get("exclude", [])
    if excludes:
        changed = {p for p in changed if not any(fnmatch.fnmatch(p, pat) or p.startswith(pat.rstrip("/") + "/") for pat in excludes)}
    settings = {"broad_deletion_threshold": cfg.get("broad_deletion_threshold", 5)}
    analysis = analyze(inputs.before, inputs.after, changed, inputs.renames, settings)
    ctx = Context(packs=Packs(_user_packs(cfg)), settings=settings)
    findings = run_checks(analysis.diffs, ctx) + analysis.problems
    selection = Selection(
        select=opts.select or cfg.get("select", []),
        ignore=opts.ignore + cfg.get("ignore", []),
        severities=cfg.get("severity", {}),
    )
    findings = finalize(findings, selection)
    summary = {
        "files": analysis.files,
        "resources_before": analysis.resources_before,
        "resources_after": analysis.resources_after,
        "errors": sum(1 for f in findings if f.severity.value == "error"),
        "warnings": sum(1 for f in findings if f.severity.value == "warning"),
        "notes": sum(1 for f in findings if f.severity.value == "note"),
    }
    fmt = opts.fmt or cfg.get("format") or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    report = Report(findings, summary, rule_infos() if fmt == "sarif" else [], str(inputs.root), opts.color, __version__)
    text = get_formatter(fmt)(report)
    _emit(text, opts.output)
    return exit_code(findings, opts.fail_on or cfg.get("fail_on", "warning"))


def exit_code(findings, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        return
    data = (text + "\n").encode("utf-8", "replace")
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except AttributeError:  # click's test runner gives a text stream
        sys.stdout.write(text + "\n")


def _user_packs(cfg) -> list[dict]:
    paths = cfg.get("packs", [])
    if not paths:
        return []
    from iaclint.userpacks import load_user_packs

    base = cfg.path.parent if cfg.path else Path.cwd()
    return load_user_packs([base / p for p in paths])
