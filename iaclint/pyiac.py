"""Python IaC programs in a change → stack diffs: AWS CDK (one stack per Stack class) and Pulumi
(one stack per file). Mirrors `templates.py`: read both sides, parse statically, diff.

Programs are recognised by their imports (`aws_cdk` / `pulumi`); other Python is ignored. The
user's module is never imported or executed. A program that cannot be parsed after the change
is a parse-error finding and is not compared; one that cannot be parsed before the change is
reported and compared as if empty would hide nothing, so it is skipped likewise.
"""

from __future__ import annotations

from iaclint.model import Category, Finding, Pos, Severity, StackDiff


def analyze_python(before, after, paths, renames, result, settings) -> None:
    from iaclint.diff import diff_resources
    from iaclint.engine.runner import problem_finding
    from iaclint.parsers.python_iac import comments, detect
    from iaclint.templates import _text

    reverse = {new: old for old, new in renames.items()}
    for path in paths:
        if path in renames and after.exists(renames[path]):
            continue  # compared under its new name
        old_path = reverse.get(path, path)
        a_text, a_err = _text(after, path)
        b_text, b_err = _text(before, old_path)
        kind = detect(a_text or "") or detect(b_text or "")
        if kind is None:
            continue
        if a_err:
            result.problems.append(problem_finding(path, Pos(1), a_err, after_side=True))
            continue
        if kind == "cdk":
            from iaclint.parsers.cdk import parse_cdk

            b_prog = parse_cdk(b_text, old_path, path) if b_text is not None and detect(b_text) == "cdk" else None
            a_prog = parse_cdk(a_text, path, path) if a_text is not None and detect(a_text) == "cdk" else None
            if not _report(a_prog, b_prog, path, old_path, result, problem_finding):
                continue
            result.files += 1
            b_stacks = {s.name: s for s in (b_prog.stacks if b_prog else [])}
            a_stacks = {s.name: s for s in (a_prog.stacks if a_prog else [])}
            for name in sorted(b_stacks.keys() | a_stacks.keys()):
                bs, as_ = b_stacks.get(name), a_stacks.get(name)
                before_res = bs.resources if bs else {}
                after_res = as_.resources if as_ else {}
                changes = diff_resources(before_res, after_res)
                extras = _extras(paths, old_path, a_text, path, comments)
                extras["termination_protection"] = (bs.termination_protection if bs else None,
                                                    as_.termination_protection if as_ else None, as_.pos if as_ else None)
                _add(result, StackDiff(f"{path}::{name}", "cdk", changes, len(before_res), len(after_res), extras))
        else:
            from iaclint.parsers.pulumi import parse_pulumi

            b_prog = parse_pulumi(b_text, old_path, path) if b_text is not None and detect(b_text) == "pulumi" else None
            a_prog = parse_pulumi(a_text, path, path) if a_text is not None and detect(a_text) == "pulumi" else None
            if not _report(a_prog, b_prog, path, old_path, result, problem_finding):
                continue
            before_res = b_prog.resources if b_prog else {}
            after_res = a_prog.resources if a_prog else {}
            moved = a_prog.moved if a_prog else {}
            changes = diff_resources(before_res, after_res, moved)
            extras = _extras(paths, old_path, a_text, path, comments)
            extras["moved_from"] = set(moved)
            result.files += 1
            _add(result, StackDiff(path, "pulumi", changes, len(before_res), len(after_res), extras))


def _report(a_prog, b_prog, path, old_path, result, problem_finding) -> bool:
    """Report reading problems; False when the change cannot be compared."""
    fatal = False
    if a_prog is not None:
        for p in a_prog.problems:
            if p.fatal:
                result.problems.append(problem_finding(path, p.pos, p.message, after_side=True))
                fatal = True
            else:
                result.problems.append(_note(path, p))
    if b_prog is not None:
        for p in b_prog.problems:
            if p.fatal:
                result.problems.append(problem_finding(old_path, p.pos, p.message, after_side=False))
                fatal = True
    return not fatal


def _note(path: str, p) -> Finding:
    return Finding(
        rule="IAC001",
        name="parse-error",
        category=Category.PARSE_ERROR,
        severity=Severity.NOTE,
        path=path,
        line=p.pos.line,
        column=p.pos.column,
        end_line=p.pos.line,
        message=p.message,
        help="use a literal (or a module-level constant) so iaclint can check it, or review this part by hand",
    )


def _extras(paths, old_path, a_text, path, comments) -> dict:
    return {"changed_files": set(paths) | {old_path}, "stack_comments": comments(a_text or "", path)}


def _add(result, diff: StackDiff) -> None:
    result.diffs.append(diff)
    result.resources_before += diff.before_count
    result.resources_after += diff.after_count
