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
    fmt: str | None = None
    fail_on: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    config: str | None = None
    output: str | None = None
    color: bool = False
    debug: bool = False
    cwd: str | None = None
    patch: str | None = None  # a unified diff to apply to ROOT: a file path, or "-" for standard input
    patch_text: str | None = None  # the same, as text (the API the MCP server uses)
    plan: str | None = None  # `diff --plan FILE`: plan JSON or change set to confirm/refute with
    explain_disagreements: bool = False
    source: str | None = None  # `plan --source DIR`
    cache: bool = True  # the on-disk parse cache (also off with IACLINT_NO_CACHE=1)


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
    if opts.patch is not None or opts.patch_text is not None:
        return _patch_inputs(opts, cwd)
    if opts.base or opts.staged:
        root = trees.repo_root(cwd)
        rel_paths = _repo_relative(opts.paths, cwd, root)
        # The trees are whole revisions: a module directory is judged with all its files and
        # callers. PATH filters only choose which changed files are looked at.
        if opts.staged:
            try:
                before = trees.GitRevTree(root, "HEAD")
            except trees.TreeError:
                before = trees.EmptyTree()  # the first commit: everything is new
            after = trees.GitIndexTree(root)
            rename_args = None if isinstance(before, trees.EmptyTree) else ("HEAD", None, True)
        else:
            base_sha = trees.resolve_ref(root, opts.base)
            head_sha = trees.resolve_ref(root, opts.head) if opts.head else None
            merge_base = _merge_base(root, base_sha, head_sha or "HEAD")
            before = trees.GitRevTree(root, merge_base)
            before.label = opts.base
            after = trees.GitRevTree(root, head_sha) if head_sha else trees.WorkTree(root)
            rename_args = (merge_base, head_sha, False)
        if rel_paths is None:
            changed = changed_files(before, after)
        else:
            _check_paths_exist(opts.paths, rel_paths, before, after, cwd)
            keep = _scope(rel_paths)
            changed = changed_files(trees.Subset(before, keep), trees.Subset(after, keep))
        # git's rename detection is a whole diff: ask only when a file this change touches vanished
        vanished = any(before.exists(p) and not after.exists(p) for p in changed)
        renames = trees.git_renames(root, *rename_args[:2], staged=rename_args[2]) if rename_args and vanished else {}
        # files moved without git knowing (a plain `mv`, the new file untracked)
        for old, new in content_renames(before, after, changed).items():
            if old not in renames and new not in renames.values():
                renames[old] = new
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


def _patch_inputs(opts: RunOptions, cwd: Path) -> Inputs:
    """ROOT (the one PATH, or the current directory) against ROOT with the patch applied."""
    from iaclint.cli import InputError
    from iaclint import trees
    from iaclint.analysis import content_renames, is_relevant
    from iaclint.patch import apply_patch, read_patch_arg

    if opts.base or opts.staged:
        raise InputError("--patch cannot be combined with --base or --staged")
    if len(opts.paths) > 1:
        raise InputError("--patch takes one ROOT directory (default: the current directory)")
    root = cwd / opts.paths[0] if opts.paths else cwd
    if not root.is_dir():
        raise InputError(f"--patch: ROOT must be a directory: {opts.paths[0] if opts.paths else root}")
    text = opts.patch_text if opts.patch_text is not None else read_patch_arg(str(cwd / opts.patch) if opts.patch != "-" else "-")
    before = trees.DirTree(root)
    after = apply_patch(text, before)
    changed = set()
    for p in after.touched:
        if not is_relevant(p):
            continue
        if before.exists(p) != after.exists(p) or before.read(p) != after.read(p):
            changed.add(p)
    renames = {o: n for o, n in after.renames.items() if o in changed or n in changed}
    for old, new in content_renames(before, after, changed).items():
        if old not in renames and new not in renames.values():
            renames[old] = new
    return Inputs(before, after, changed, renames, root)


def _scope(rel_paths: list[str]):
    """PATH filters → a predicate on repository paths.

    A Terraform file stands for its module directory: a module is judged as a whole, so a
    file deleted or a block moved next to a named file is seen (pre-commit names only the
    files that still exist).
    """
    from iaclint import trees
    from iaclint.analysis import TF_SUFFIXES

    modules = {trees.posix_dirname(p) for p in rel_paths if p.endswith(TF_SUFFIXES)}
    others = [p for p in rel_paths if not p.endswith(TF_SUFFIXES)]

    def keep(path: str) -> bool:
        return trees.under(path, others) or (path.endswith(TF_SUFFIXES) and trees.posix_dirname(path) in modules)

    return keep


def _check_paths_exist(given: list[str], rel_paths: list[str], before, after, cwd: Path) -> None:
    """A PATH that names nothing on either side is a typo, not an empty change."""
    from iaclint.cli import InputError
    from iaclint import trees

    everything = set(before.files()) | set(after.files())
    for shown, rel in zip(given, rel_paths):
        if (cwd / shown).exists() or rel in everything or any(trees.under(p, [rel]) for p in everything):
            continue
        raise InputError(f"no such file or directory: {shown}")


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


@dataclass
class LintResult:
    """What one lint produced, before any rendering: the API the CLI, MCP server and tests share."""

    findings: list
    summary: dict
    root: Path
    config: object
    analysis: object = None
    disagreements: list = field(default_factory=list)  # with --plan: see iaclint.plan.combine


def lint(opts: RunOptions) -> LintResult:
    """Read the inputs, run every rule, apply suppressions and configuration. Never prints."""
    from iaclint import config as config_mod
    from iaclint.analysis import analyze
    from iaclint.engine.check import Context
    from iaclint.engine.runner import Selection, finalize, run_checks
    from iaclint.packs import Packs

    cfg = config_mod.load(opts.config, Path(opts.cwd or os.getcwd()))
    _check_selectors(opts, cfg)
    inputs = build_inputs(opts)
    changed = inputs.changed
    excludes = cfg.get("exclude", [])
    if excludes:
        changed = {p for p in changed if not _excluded(p, excludes)}
    settings = {"broad_deletion_threshold": cfg.get("broad_deletion_threshold", 5)}
    store = _cache_store(opts)
    try:
        analysis = analyze(inputs.before, inputs.after, changed, inputs.renames, {**settings, "cache": store})
    finally:
        from iaclint.diskcache import thaw

        thaw()  # results read back from the cache or from worker processes are frozen (speed)
    if store is not None:
        store.prune()
    ctx = Context(packs=Packs(_user_packs(cfg)), settings=settings)
    findings = run_checks(analysis.diffs, ctx) + analysis.problems
    selection = Selection(
        select=opts.select or cfg.get("select", []),
        ignore=opts.ignore + cfg.get("ignore", []),
        severities=cfg.get("severity", {}),
    )
    findings = finalize(findings, selection)
    disagreements: list = []
    if opts.plan:
        from iaclint.plan import with_plan

        findings, disagreements = with_plan(findings, opts, cfg, ctx, analysis, selection, inputs.after)
    if excludes:  # a touched module may hold an excluded file: say nothing about it either
        findings = [f for f in findings if not _excluded(f.path, excludes)]
    return LintResult(findings, summarize(findings, analysis), inputs.root, cfg, analysis, disagreements)


def _cache_store(opts: RunOptions):
    from iaclint import diskcache

    if not opts.cache or not diskcache.enabled_by_environment():
        return None
    return diskcache.Store()


def summarize(findings, analysis) -> dict:
    return {
        "files": analysis.files,
        "resources_before": analysis.resources_before,
        "resources_after": analysis.resources_after,
        "errors": sum(1 for f in findings if f.severity.value == "error"),
        "warnings": sum(1 for f in findings if f.severity.value == "warning"),
        "notes": sum(1 for f in findings if f.severity.value == "note"),
    }


def render(result: LintResult, fmt: str | None, color: bool = False) -> str:
    from iaclint.engine.registry import rule_infos
    from iaclint.output import Report, get_formatter

    fmt = fmt or result.config.get("format") or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    report = Report(result.findings, result.summary, rule_infos() if fmt == "sarif" else [], str(result.root), color, __version__)
    return get_formatter(fmt)(report)


def run(opts: RunOptions) -> int:
    result = lint(opts)
    _emit(render(result, opts.fmt, opts.color), opts.output)
    if opts.plan:
        from iaclint.plan import report_disagreements

        report_disagreements(result.disagreements, opts.explain_disagreements)
    return exit_code(result.findings, opts.fail_on or result.config.get("fail_on", "warning"))


def exit_code(findings, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def _excluded(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, pat) or path.startswith(pat.rstrip("/") + "/") for pat in patterns)


def _check_selectors(opts: RunOptions, cfg) -> None:
    """Every code, name or category given to select/ignore/severity must exist.

    A typo in `--select` would otherwise select nothing and pass every change.
    """
    from iaclint.cli import InputError
    from iaclint.config import ConfigError
    from iaclint.engine.registry import RULES
    from iaclint.model import Category

    known = {r.code.lower() for r in RULES} | {r.name.lower() for r in RULES} | {c.value for c in Category}
    for option, values in (("--select", opts.select), ("--ignore", opts.ignore)):
        for v in values:
            if v.lower() not in known:
                raise InputError(f"{option}: unknown rule or category {v!r} (see `iaclint rules`)")
    for key in ("select", "ignore"):
        for v in cfg.get(key, []):
            if v.lower() not in known:
                raise ConfigError(f"{cfg.path}: {key}: unknown rule or category {v!r} (see `iaclint rules`)")
    exact = {r.code for r in RULES} | {r.name for r in RULES}  # how the severity table is looked up
    for v in cfg.get("severity", {}):
        if v not in exact:
            raise ConfigError(f"{cfg.path}: severity: unknown rule {v!r} (a code like IAC201 or a name; see `iaclint rules`)")


def _emit(text: str, output: str | None) -> None:
    from iaclint.cli import InputError

    if output:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc.__class__.__name__}") from None
        return
    data = (text + "\n").encode("utf-8", "replace")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except AttributeError:  # a text-only stream (some test runners)
        sys.stdout.write(text + "\n")
    except BrokenPipeError:  # `iaclint diff ... | head`: the reader left; the exit code still counts
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _user_packs(cfg) -> list[dict]:
    paths = cfg.get("packs", [])
    if not paths:
        return []
    from iaclint.userpacks import load_user_packs

    base = cfg.path.parent if cfg.path else Path.cwd()
    return load_user_packs([base / p for p in paths])
