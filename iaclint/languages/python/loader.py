"""Python IaC programs in a change → stack diffs: AWS CDK (one stack per Stack class) and Pulumi
(one stack per file), read statically, the same way templates are.

Programs are recognised by their imports (`aws_cdk` / `pulumi`); other Python is ignored. The
user's module is never imported or executed. A program that cannot be parsed after the change
is an error and is not compared; one that cannot be parsed before the change is a warning, and
its stack is not compared either (every resource would read as new, hiding nothing but
claiming nothing).
"""

from __future__ import annotations

from dataclasses import replace

from iaclint.core.facts import CdkFacts, PulumiFacts
from iaclint.core.model import Problem, Severity, StackDiff
from iaclint.languages.base import LoadContext, Loaded, on_side, read_text


class PythonLoader:
    language = "python"

    def load(self, before, after, paths: list[str], ctx: LoadContext) -> Loaded:
        out = Loaded()
        analyze_python(before, after, paths, ctx.renames, out)
        return out


LOADER = PythonLoader()


def analyze_python(before, after, paths, renames, result: Loaded) -> None:
    from iaclint.core.diff import diff_resources
    from iaclint.languages.python.interpreter import comments, detect

    reverse = {new: old for old, new in renames.items()}
    for path in paths:
        if path in renames and after.exists(renames[path]):
            continue  # compared under its new name
        old_path = reverse.get(path, path)
        a, b = read_text(after, path, "after"), read_text(before, old_path, "before")
        kind = detect(a.text or "") or detect(b.text or "")
        if kind is None:
            continue
        result.problems += [p for p in (a.problem, b.problem) if p is not None]
        if a.text is None and a.problem is not None:
            continue  # AFTER cannot be read at all: reported, not compared
        common = {"changed_files": set(paths) | {old_path}, "stack_comments": comments(a.text or "", path)}
        if kind == "cdk":
            from iaclint.languages.python.cdk import parse_cdk

            b_prog = parse_cdk(b.text, old_path, path) if b.text is not None and detect(b.text) == "cdk" else None
            a_prog = parse_cdk(a.text, path, path) if a.text is not None and detect(a.text) == "cdk" else None
            if not _report(a_prog, b_prog, path, old_path, result):
                continue
            result.files += 1
            b_stacks = {s.name: s for s in (b_prog.stacks if b_prog else [])}
            a_stacks = {s.name: s for s in (a_prog.stacks if a_prog else [])}
            for name in sorted(b_stacks.keys() | a_stacks.keys()):
                bs, as_ = b_stacks.get(name), a_stacks.get(name)
                before_res = bs.resources if bs else {}
                after_res = as_.resources if as_ else {}
                facts = CdkFacts(bs.termination_protection if bs else None, as_.termination_protection if as_ else None,
                                 as_.pos if as_ else None)
                result.diffs.append(StackDiff(f"{path}::{name}", "cdk", diff_resources(before_res, after_res),
                                              len(before_res), len(after_res), facts=facts, before_resources=before_res,
                                              after_resources=after_res, **common))
        else:
            from iaclint.languages.python.pulumi import parse_pulumi

            b_prog = parse_pulumi(b.text, old_path, path) if b.text is not None and detect(b.text) == "pulumi" else None
            a_prog = parse_pulumi(a.text, path, path) if a.text is not None and detect(a.text) == "pulumi" else None
            if not _report(a_prog, b_prog, path, old_path, result):
                continue
            before_res = b_prog.resources if b_prog else {}
            after_res = a_prog.resources if a_prog else {}
            moved = a_prog.moved if a_prog else {}
            before_res = _withhold(before_res, after_res, moved, a_prog.opaque if a_prog else [], path, result)
            result.files += 1
            result.diffs.append(StackDiff(path, "pulumi", diff_resources(before_res, after_res, moved),
                                          len(before_res), len(after_res), facts=PulumiFacts(), before_resources=before_res,
                                          after_resources=after_res, moved_from=set(moved), **common))


def _withhold(before_res: dict, after_res: dict, moved: dict, opaque: list, path: str, result: Loaded) -> dict:
    """Fail closed on loops iaclint cannot expand after the change: a resource gone from what it
    reads is not reported deleted when such a loop calls its class (or the program's own code,
    which could create anything); a note names each one instead. Never a mass deletion, never a
    silent pass."""
    if not opaque:
        return before_res
    covered = set(moved)
    kept, withheld = {}, []
    for address, r in before_res.items():
        if address in after_res or address in covered:
            kept[address] = r
            continue
        cls = r.meta.get("class")
        hit = next((pos for pos, names in opaque if names is None or cls in names), None)
        if hit is None:
            kept[address] = r
        else:
            withheld.append((address, hit))
    for address, pos in withheld:
        result.problems.append(Problem(path, pos, f"`{address}` is not found after the change, but it may be created in a loop "
                                                  "iaclint cannot expand here: not reported deleted; review by hand",
                                       fatal=False, side="after", severity=Severity.NOTE, help=_NOTE_HELP))
    return kept


def _report(a_prog, b_prog, path, old_path, result: Loaded) -> bool:
    """Report reading problems; False when the change cannot be compared."""
    fatal = False
    if a_prog is not None:
        for p in on_side(a_prog.problems, "after", path):
            if p.fatal:
                result.problems.append(p)
                fatal = True
            else:  # a part of the program iaclint cannot evaluate: said, at note level
                result.problems.append(replace(p, severity=Severity.NOTE, help=_NOTE_HELP))
    if b_prog is not None:
        for p in on_side(b_prog.problems, "before", old_path):
            if p.fatal:
                result.problems.append(p)
                fatal = True
    return not fatal


_NOTE_HELP = "use a literal (or a module-level constant) so iaclint can check it, or review this part by hand"


