"""`iaclint fix`: the safe edits that keep the intent of a change without destroying anything.

Only edits that say "this is the same object under a new address" are made:
- Terraform: `moved` blocks for renamed resources (IAC103), renamed module calls (IAC106) and
  count/for_each key changes whose keys are known statically (IAC105), written to `moved.tf`
  in the module directory of the AFTER side (appended when it exists);
- CloudFormation: a stack-refactor mapping for renamed logical IDs (IAC103), the
  `aws cloudformation create-stack-refactor --resource-mappings` file, `iaclint-refactor.json`;
- CDK and Pulumi programs: renamed constructs/resources (IAC103) get `override_logical_id("Old")`
  or a Pulumi alias, edited in place with libcst (iaclint/fixes_python.py), shown as a unified diff.

A removed protection flag is never put back: turning protection off may be the intent, and
only a human can say. Such findings are listed as needing review.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

MOVED_FILE = "moved.tf"
REFACTOR_FILE = "iaclint-refactor.json"
_MOVED_RULES = ("IAC103", "IAC105", "IAC106")


@dataclass
class FixPlan:
    moved: dict[str, list[str]] = field(default_factory=dict)  # module directory -> moved blocks
    mappings: list[dict] = field(default_factory=list)  # CloudFormation stack-refactor resource mappings
    python: list = field(default_factory=list)  # IAC103 findings on CDK/Pulumi programs (iaclint.languages.python.fixes)
    python_edits: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (text, fixed text)
    python_notes: list[str] = field(default_factory=list)  # why a Python rename was left to a human
    manual: list = field(default_factory=list)  # blocking findings no safe edit avoids

    @property
    def empty(self) -> bool:
        return not self.moved and not self.mappings and not self.python_edits


def plan_fixes(findings, stack_name: str | None = None) -> FixPlan:
    from iaclint.core.model import Severity

    plan = FixPlan()
    # a cascade from a replacement that only a move causes ends with the move
    moved_to = {f.resources[-1] for f in findings
                if f.rule in _MOVED_RULES and f.fix and f.fix.lstrip().startswith("moved") and f.resources}
    replaced_otherwise = {f.resource for f in findings
                          if f.category.value == "replacement" and f.rule not in (*_MOVED_RULES, "IAC107")}
    for f in findings:
        if f.rule == "IAC107" and f.resource in moved_to and f.resource not in replaced_otherwise:
            continue
        if f.rule in _MOVED_RULES and f.fix and f.fix.lstrip().startswith("moved"):
            blocks = plan.moved.setdefault(posixpath.dirname(f.path), [])
            if f.fix not in blocks:
                blocks.append(f.fix)
            continue
        if f.rule == "IAC103" and f.fix is None and len(f.resources) == 2 and f.path.lower().endswith(
            (".yaml", ".yml", ".json", ".template", ".cfn", ".cform")
        ):
            old, new = f.resources
            stack = stack_name or Path(f.path).stem
            plan.mappings.append({
                "Source": {"StackName": stack, "LogicalResourceId": old},
                "Destination": {"StackName": stack, "LogicalResourceId": new},
            })
            continue
        if f.rule == "IAC103" and len(f.resources) == 2 and f.path.endswith(".py"):
            plan.python.append(f)
            continue
        if f.severity in (Severity.ERROR, Severity.WARNING):
            plan.manual.append(f)
    return plan


def render_plan(plan: FixPlan) -> str:
    out: list[str] = []
    for d in sorted(plan.moved):
        out.append(f"# {posixpath.join(d, MOVED_FILE)}")
        out.append("\n\n".join(plan.moved[d]))
        out.append("")
    if plan.mappings:
        out.append(f"# {REFACTOR_FILE} (aws cloudformation create-stack-refactor --resource-mappings file://{REFACTOR_FILE})")
        out.append(json.dumps(plan.mappings, indent=2))
        out.append("")
    for path in sorted(plan.python_edits):
        from iaclint.languages.python.fixes import unified_diff

        out.append(unified_diff(path, *plan.python_edits[path]).rstrip("\n"))
        out.append("")
    if plan.manual:
        out.append("# needs a human (no safe automatic edit):")
        for f in plan.manual:
            where = f"{f.path}:{f.line}" if f.line > 0 else f.path
            out.append(f"#   {where}: {f.rule} {f.message}")
        out.extend(f"#     {note}" for note in plan.python_notes)
    if not out:
        out.append("# nothing to fix")
    return "\n".join(out).rstrip("\n")


def write_plan(plan: FixPlan, root: Path) -> list[Path]:
    """Append the moved blocks to each module's moved.tf; write the refactor mapping file.

    Every target is checked first (inside `root`, no symbolic link on the way, a regular file
    or nothing): a repository whose moved.tf links to ~/.bashrc gets an error, not an append.
    Each file is written whole and renamed into place."""
    targets = planned_files(plan, root)
    for target, data in targets:
        _write_atomically(target, data)
    return [t for t, _ in targets]


def planned_files(plan: FixPlan, root: Path) -> list[tuple[Path, bytes]]:
    """Each file the plan writes, with its whole new content; nothing is written."""
    targets: list[tuple[Path, bytes]] = []
    for d in sorted(plan.moved):
        target = _safe_target(root, posixpath.join(d, MOVED_FILE) if d else MOVED_FILE)
        text = "\n\n".join(plan.moved[d]) + "\n"
        if target.exists():
            from iaclint.inputs.trees import read_regular

            old = read_regular(target, root).decode("utf-8", "surrogateescape")
            eol = "\r\n" if "\r\n" in old else "\n"
            sep = "" if not old or old.endswith("\n") else eol
            text = old + sep + (eol if old.strip() else "") + text.replace("\n", eol)
        targets.append((target, text.encode("utf-8", "surrogateescape")))
    if plan.mappings:
        targets.append((_safe_target(root, REFACTOR_FILE), (json.dumps(plan.mappings, indent=2) + "\n").encode()))
    for path in sorted(plan.python_edits):
        targets.append((_safe_target(root, path), plan.python_edits[path][1].encode("utf-8", "surrogateescape")))
    return targets


def _safe_target(root: Path, rel: str) -> Path:
    """`root/rel`, refused when it would be written outside `root` or through a symlink."""
    from iaclint.errors import InputError
    from iaclint.inputs.trees import is_inside

    target = root / rel
    probe = root
    for part in Path(rel).parts:
        probe = probe / part
        if probe.is_symlink():
            raise InputError(f"refusing to write {rel}: {probe.relative_to(root)} is a symbolic link")
    if not is_inside(target, root):
        raise InputError(f"refusing to write {rel}: it is outside {root}")
    if target.exists() and not target.is_file():
        raise InputError(f"refusing to write {rel}: not a regular file")
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".iaclint-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def run_fix(opts, write: bool = False, stack_name: str | None = None) -> int:
    """`iaclint fix`: print the plan; with `write`, apply it to the AFTER side on disk."""
    import click

    from iaclint.core.model import Severity
    from iaclint.errors import InputError
    from iaclint.pipeline import lint

    if write and (opts.staged or opts.head or opts.patch is not None or opts.patch_text is not None):
        raise InputError("--write edits files on disk: it needs BEFORE AFTER directories or --base REF with "
                         "the working tree (not --head, --staged or --patch); without --write the edits are printed")
    if write and len(opts.paths) == 2 and not Path(opts.cwd or ".", opts.paths[1]).is_dir() and not opts.base:
        raise InputError("--write needs directories (BEFORE AFTER), not files")
    if opts.patch == "-" and opts.patch_text is None:  # read stdin once: Python fixes read the inputs again
        from iaclint.core.record import replace

        from iaclint.inputs.patch import read_patch_arg

        opts = replace(opts, patch_text=read_patch_arg("-"))
    result = lint(opts)
    plan = plan_fixes(result.findings, stack_name)
    if plan.python:
        from iaclint.languages.python.fixes import resolve

        resolve(plan, opts)
    click.echo(render_plan(plan))
    if plan.empty:
        return 0
    if write:
        for path in write_plan(plan, Path(result.root)):
            click.echo(f"iaclint: wrote {path}", err=True)
        after_edits = lint(opts).findings
    else:
        try:
            after_edits = _lint_as_if_written(opts, plan, Path(result.root))
        except InputError as exc:  # a target --write would refuse: printing the edits is still safe
            click.echo(f"# with these edits written: not checked ({exc})")
            return 0
    # A move keeps an object's identity, not its arguments: a moved instance whose name changes
    # is still replaced. Only the change with the edits in it says what they did not cure.
    # A refactor mapping cures its renames when the stack is refactored, not in the template.
    refactored = {(m["Source"]["LogicalResourceId"], m["Destination"]["LogicalResourceId"]) for m in plan.mappings}
    remaining = [f for f in after_edits if f.severity in (Severity.ERROR, Severity.WARNING)
                 and not (f.rule == "IAC103" and tuple(f.resources) in refactored)]
    click.echo(render_remaining(remaining, plan.manual, written=write))
    return 1 if write and remaining else 0


def _lint_as_if_written(opts, plan: FixPlan, root: Path) -> list:
    """The findings of the change with the plan's files in its AFTER side, in memory."""
    from iaclint.inputs.build import build_inputs
    from iaclint.inputs.trees import Overlay
    from iaclint.languages import is_relevant
    from iaclint.pipeline import lint

    inputs = build_inputs(opts)
    files = {target.relative_to(root).as_posix(): data for target, data in planned_files(plan, root)}
    inputs.after = Overlay(inputs.after, files)
    inputs.changed = inputs.changed | {p for p in files if is_relevant(p)}
    return lint(opts, inputs=inputs).findings


def render_remaining(findings, manual, written: bool) -> str:
    """What still destroys, replaces or unprotects with the edits in: first what they were
    meant to avoid and did not, then how many of those already listed for a human remain."""
    when = "after these edits" if written else "with these edits written"
    if not findings:
        return f"# {when}, iaclint finds nothing destroyed, replaced or unprotected"
    listed = {(f.rule, f.resource) for f in manual}
    news = [f for f in findings if (f.rule, f.resource) not in listed]
    out = [f"# {when}, {len(findings)} finding(s) remain:"]
    for f in news:
        where = f"{f.path}:{f.line}" if f.line > 0 else f.path
        out.append(f"#   {where}: {f.rule} [{f.severity.value}] {f.message}")
    if len(news) < len(findings):
        out.append(f"#   and the {len(findings) - len(news)} listed above as needing a human")
    return "\n".join(out)
