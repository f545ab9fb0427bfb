"""The one pipeline: inputs → loaders → rules → findings. Never prints.

`lint()` serves every front end: `iaclint diff` (two trees, a git range, the index, a patch,
optionally confirmed by a plan), `iaclint plan` (a plan or change set alone), `iaclint fix`,
the MCP server and the tests. Configuration, rule selection, suppressions and exclusion are
applied here once, whichever way the findings were made.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from iaclint.core.model import Finding, Pos, Problem, Severity
from iaclint.core.record import FRESH, Record
from iaclint.errors import InputError
from iaclint.languages.base import LoadContext, Loaded

BROAD_DELETION_THRESHOLD = 5  # resources removed at once from one stack (IAC305), unless configured


class RunOptions(Record):
    """Everything a run is given: the inputs, the selection and how to report."""

    paths: list[str]
    base: str | None = None
    head: str | None = None
    staged: bool = False
    fmt: str | None = None
    fail_on: str | None = None
    select: list[str]
    ignore: list[str]
    config: str | None = None
    output: str | None = None
    color: bool = False
    debug: bool = False
    cwd: str | None = None
    patch: str | None = None  # a unified diff to apply to ROOT: a file path, or "-" for standard input
    patch_text: str | None = None  # the same, as text (the API the MCP server uses)
    plan: str | None = None  # `diff --plan FILE` / `plan FILE`: plan JSON or change set
    plan_only: bool = False  # `iaclint plan`: the plan's own findings, no source change
    explain_disagreements: bool = False
    source: str | None = None  # `plan --source DIR`
    cache: bool = True  # the on-disk parse cache (also off with IACLINT_NO_CACHE=1)
    no_config: bool = False  # the tests: built-in defaults, whatever the working directory holds
    confine: str | None = None  # a directory no read may leave (the MCP server's root)
    scope: list[str] | None = None  # `--scope` globs: what the change declares it touches (IAC410); None: undeclared

    def __init__(
        self,
        paths: list[str] = FRESH,
        base: str | None = None,
        head: str | None = None,
        staged: bool = False,
        fmt: str | None = None,
        fail_on: str | None = None,
        select: list[str] = FRESH,
        ignore: list[str] = FRESH,
        config: str | None = None,
        output: str | None = None,
        color: bool = False,
        debug: bool = False,
        cwd: str | None = None,
        patch: str | None = None,
        patch_text: str | None = None,
        plan: str | None = None,
        plan_only: bool = False,
        explain_disagreements: bool = False,
        source: str | None = None,
        cache: bool = True,
        no_config: bool = False,
        confine: str | None = None,
        scope: list[str] | None = None,
    ) -> None:
        self.paths = [] if paths is FRESH else paths
        self.base = base
        self.head = head
        self.staged = staged
        self.fmt = fmt
        self.fail_on = fail_on
        self.select = [] if select is FRESH else select
        self.ignore = [] if ignore is FRESH else ignore
        self.config = config
        self.output = output
        self.color = color
        self.debug = debug
        self.cwd = cwd
        self.patch = patch
        self.patch_text = patch_text
        self.plan = plan
        self.plan_only = plan_only
        self.explain_disagreements = explain_disagreements
        self.source = source
        self.cache = cache
        self.no_config = no_config
        self.confine = confine
        self.scope = scope


class Analysis(Loaded):
    """What every loader made of a change together, before any rule ran."""

    @property
    def resources_before(self) -> int:
        return sum(d.before_count for d in self.diffs)

    @property
    def resources_after(self) -> int:
        return sum(d.after_count for d in self.diffs)


class LintResult(Record):
    """What one lint produced, before any rendering: the API the CLI, MCP server and tests share."""

    findings: list
    summary: dict
    root: Path
    config: object
    analysis: object = None
    disagreements: list  # with --plan: see iaclint.plan.combine

    def __init__(
        self,
        findings: list,
        summary: dict,
        root: Path,
        config: object,
        analysis: object = None,
        disagreements: list = FRESH,
    ) -> None:
        self.findings = findings
        self.summary = summary
        self.root = root
        self.config = config
        self.analysis = analysis
        self.disagreements = [] if disagreements is FRESH else disagreements


def analyze(before, after, changed: set[str], renames: dict[str, str], store=None, check=None) -> Analysis:
    """Every language that claims a changed file loads its part of the change. `check`: see
    `LoadContext.check`; the stacks a loader checked are in `Analysis.checked`."""
    from iaclint.languages import claimed

    result = Analysis()
    ctx = LoadContext(renames=renames, changed=changed, store=store, check=check)
    for language, paths in claimed(changed):
        try:
            loaded = language.loader().load(before, after, paths, ctx)
        except (MemoryError, RecursionError) as exc:
            # one file that exhausts a parser must not lose what the other languages found
            loaded = Loaded(problems=[Problem(p, Pos(1), f"iaclint ran out of {'memory' if isinstance(exc, MemoryError) else 'stack'} "
                                                         f"reading the {language.name} files of this change", side="after")
                                      for p in paths if after.exists(p)])
        result.checked.update((len(result.diffs) + i, found) for i, found in loaded.checked.items())
        result.diffs += loaded.diffs
        result.problems += loaded.problems
        result.files += loaded.files
        result.secrets |= loaded.secrets
    return result


def lint(opts: RunOptions, inputs=None) -> LintResult:
    """Read the inputs (or use `inputs`, already built), run every rule, apply suppressions
    and configuration."""
    from iaclint.engine.check import Context
    from iaclint.engine.removed_positions import relocate_removed
    from iaclint.engine.runner import Selection, finalize

    cwd = Path(opts.cwd or os.getcwd())
    cfg = _config(opts, cwd)
    check_selectors(opts, cfg)
    settings = {"broad_deletion_threshold": cfg.get("broad_deletion_threshold", BROAD_DELETION_THRESHOLD),
                "scope": opts.scope}
    ctx = Context(packs=_packs(cfg), settings=settings)
    selection = Selection(
        select=opts.select or cfg.get("select", []),
        ignore=opts.ignore + cfg.get("ignore", []),
        severities=cfg.get("severity", {}),
    )
    if opts.plan_only:
        from iaclint.plan import plan_findings

        findings, plan_result, summary_counts = plan_findings(opts, cwd, ctx)
        findings = _excluding(finalize(findings, selection), cfg)
        return LintResult(findings, summarize(findings, *summary_counts), cwd, cfg, plan_result)

    if inputs is None:
        from iaclint.inputs.build import build_inputs

        inputs = build_inputs(opts)
    changed = inputs.changed
    excludes = cfg.get("exclude", [])
    if excludes:
        changed = {p for p in changed if not excluded(p, excludes)}
    disagreements: list = []
    try:
        findings, analysis = _static_findings(inputs, changed, ctx, _cache_store(opts))
        findings = finalize(findings, selection)
        if opts.plan:
            from iaclint.plan import with_plan

            findings, disagreements = with_plan(findings, opts, ctx, analysis, selection, inputs.after)
        # once, after the plan's findings are located too: both sides' texts are still readable
        relocate_removed(findings, inputs.before, inputs.after, inputs.renames, analysis.diffs)
    finally:
        from iaclint.cache.store import thaw
        from iaclint.inputs.trees import close_readers

        close_readers()
        thaw()
    findings = finalize(findings, selection)
    # a touched module may hold an excluded file: say nothing about it either
    findings = redact(_excluding(findings, cfg), analysis.secrets)
    summary = summarize(findings, analysis.files, analysis.resources_before, analysis.resources_after)
    return LintResult(findings, summary, inputs.root, cfg, analysis, disagreements)


def _static_findings(inputs, changed: set[str], ctx, store) -> tuple[list[Finding], Analysis]:
    from iaclint.engine.problems import to_findings
    from iaclint.engine.runner import run_checks, stack_checker

    from iaclint.cache.store import collector_paused

    with collector_paused():
        analysis = analyze(inputs.before, inputs.after, changed, inputs.renames, store, stack_checker(ctx))
    if store is not None:
        store.prune()
    return run_checks(analysis.diffs, ctx, checked=analysis.checked) + to_findings(analysis.problems, changed), analysis


SENSITIVE = "(sensitive value)"


def redact(findings: list[Finding], secrets: set[str]) -> list[Finding]:
    """Every value a source marks sensitive, wherever a message, help or fix would show it."""
    if not secrets:
        return findings
    ordered = sorted(secrets, key=lambda s: (-len(s), s))  # a secret inside a longer one: the longer first

    def clean(text):
        if not text:
            return text
        for s in ordered:
            if s in text:
                text = text.replace(s, SENSITIVE)
        return text

    for f in findings:
        f.message, f.help, f.fix = clean(f.message), clean(f.help), clean(f.fix)
    return findings


def _config(opts: RunOptions, cwd: Path):
    from iaclint import config as config_mod

    if opts.no_config:
        return config_mod.Config({}, None)
    return config_mod.load(opts.config, cwd)


def _packs(cfg):
    from iaclint.knowledge.packs import Packs

    return Packs(_user_packs(cfg))


def _excluding(findings: list[Finding], cfg) -> list[Finding]:
    excludes = cfg.get("exclude", [])
    return [f for f in findings if not excluded(f.path, excludes)] if excludes else findings


def _cache_store(opts: RunOptions):
    from iaclint.cache import store

    if not opts.cache or not store.enabled_by_environment():
        return None
    return store.Store()


def summarize(findings, files: int, resources_before: int, resources_after: int) -> dict:
    return {
        "files": files,
        "resources_before": resources_before,
        "resources_after": resources_after,
        "errors": sum(1 for f in findings if f.severity.value == "error"),
        "warnings": sum(1 for f in findings if f.severity.value == "warning"),
        "notes": sum(1 for f in findings if f.severity.value == "note"),
    }


def exit_code(findings, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def excluded(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, pat) or path.startswith(pat.rstrip("/") + "/") for pat in patterns)


def check_selectors(opts: RunOptions, cfg) -> None:
    """Every code, name or category given to select/ignore/severity must exist.

    A typo in `--select` would otherwise select nothing and pass every change.
    """
    from iaclint.config import ConfigError
    from iaclint.engine.registry import CODES, NAMES
    from iaclint.core.model import Category

    known = {c.lower() for c in CODES} | set(NAMES) | {c.value for c in Category}
    for option, values in (("--select", opts.select), ("--ignore", opts.ignore)):
        for v in values:
            if v.lower() not in known:
                raise InputError(f"{option}: unknown rule or category {v!r} (see `iaclint rules`)")
    for key in ("select", "ignore"):
        for v in cfg.get(key, []):
            if v.lower() not in known:
                raise ConfigError(f"{cfg.path}: {key}: unknown rule or category {v!r} (see `iaclint rules`)")
    exact = set(CODES) | set(NAMES)  # how the severity table is looked up
    for v in cfg.get("severity", {}):
        if v not in exact:
            raise ConfigError(f"{cfg.path}: severity: unknown rule {v!r} (a code like IAC201 or a name; see `iaclint rules`)")


def _user_packs(cfg) -> list[dict]:
    paths = cfg.get("packs", [])
    if not paths:
        return []
    from iaclint.knowledge.user_packs import load_user_packs

    from iaclint.errors import ConfigError

    base = cfg.path.parent if cfg.path else Path.cwd()
    real_base = base.resolve()
    chosen = []
    for p in paths:
        full = (base / p).resolve()
        # a pack is the team's own file, beside the configuration: never /etc/shadow or ~/.ssh
        if not full.is_relative_to(real_base):
            raise ConfigError(f"{cfg.path or 'configuration'}: packs: {p!r} is outside {base}; packs must live in the repository")
        chosen.append(full)
    return load_user_packs(chosen)
