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
    for f in findings:
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
            out.append(f"#   {f.path}:{f.line}: {f.rule} {f.resource or ''}".rstrip())
        out.extend(f"#     {note}" for note in plan.python_notes)
    if not out:
        out.append("# nothing to fix")
    return "\n".join(out).rstrip("\n")


def write_plan(plan: FixPlan, root: Path) -> list[Path]:
    """Append the moved blocks to each module's moved.tf; write the refactor mapping file."""
    written = []
    for d in sorted(plan.moved):
        target = root / d / MOVED_FILE
        text = "\n\n".join(plan.moved[d]) + "\n"
        if target.exists():
            old = target.read_bytes().decode("utf-8", "surrogateescape")
            eol = "\r\n" if "\r\n" in old else "\n"
            sep = "" if not old or old.endswith("\n") else eol
            text = old + sep + (eol if old.strip() else "") + text.replace("\n", eol)
        target.write_bytes(text.encode("utf-8", "surrogateescape"))
        written.append(target)
    if plan.mappings:
        target = root / REFACTOR_FILE
        target.write_text(json.dumps(plan.mappings, indent=2) + "\n")
        written.append(target)
    for path in sorted(plan.python_edits):
        target = root / path
        target.write_bytes(plan.python_edits[path][1].encode("utf-8", "surrogateescape"))
        written.append(target)
    return written


def run_fix(opts, write: bool = False, stack_name: str | None = None) -> int:
    """`iaclint fix`: print the plan; with `write`, apply it to the AFTER side on disk."""
    import click

    from iaclint.errors import InputError
    from iaclint.pipeline import lint

    if write and (opts.staged or opts.head or opts.patch is not None or opts.patch_text is not None):
        raise InputError("--write edits files on disk: it needs BEFORE AFTER directories or --base REF with "
                         "the working tree (not --head, --staged or --patch); without --write the edits are printed")
    if write and len(opts.paths) == 2 and not Path(opts.cwd or ".", opts.paths[1]).is_dir() and not opts.base:
        raise InputError("--write needs directories (BEFORE AFTER), not files")
    if opts.patch == "-" and opts.patch_text is None:  # read stdin once: Python fixes read the inputs again
        from dataclasses import replace

        from iaclint.inputs.patch import read_patch_arg

        opts = replace(opts, patch_text=read_patch_arg("-"))
    result = lint(opts)
    plan = plan_fixes(result.findings, stack_name)
    if plan.python:
        from iaclint.languages.python.fixes import resolve

        resolve(plan, opts)
    click.echo(render_plan(plan))
    if write and not plan.empty:
        for path in write_plan(plan, Path(result.root)):
            click.echo(f"iaclint: wrote {path}", err=True)
    return 0
