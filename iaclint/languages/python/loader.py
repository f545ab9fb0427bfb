"""Python IaC programs in a change → stack diffs: AWS CDK (one stack per Stack class) and Pulumi
(one stack per file), read statically, the same way templates are.

Programs are recognised by their imports (`aws_cdk` / `pulumi`); other Python is ignored. The
user's module is never imported or executed. A program that cannot be parsed after the change
is an error and is not compared; one that cannot be parsed before the change is a warning, and
its stack is not compared either (every resource would read as new, hiding nothing but
claiming nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from iaclint.core.facts import CdkFacts, PulumiFacts
from iaclint.core.model import Pos, Problem, Severity, StackDiff
from iaclint.core.record import replace
from iaclint.languages.base import LoadContext, Loaded, on_side, read_text


class PythonLoader:
    language = "python"

    def load(self, before, after, paths: list[str], ctx: LoadContext) -> Loaded:
        out = Loaded()
        analyze_python(before, after, paths, ctx.renames, out)
        return out


LOADER = PythonLoader()


def analyze_python(before, after, paths, renames, result: Loaded) -> None:
    from iaclint.languages.python.interpreter import comments, detect

    reverse = {new: old for old, new in renames.items()}
    cdk_files: list = []
    pulumi_files: list = []
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
            cdk_files.append((path, old_path, a, b, common))
            continue
        pulumi_files.append((path, old_path, a, b, common))
    if pulumi_files:
        _analyze_pulumi(before, after, pulumi_files, result)
    if cdk_files:
        _analyze_cdk(before, after, cdk_files, renames, result)


def _pulumi_entry(tree, path: str) -> str | None:
    """The program a Pulumi module belongs to: the nearest `__main__.py` at or above it."""
    import posixpath

    d = posixpath.dirname(path)
    while True:
        cand = posixpath.join(d, "__main__.py")
        if tree.exists(cand):
            return cand
        if not d:
            return None
        d = posixpath.dirname(d)


def _analyze_pulumi(before, after, pulumi_files: list, result: Loaded) -> None:
    """Each changed Pulumi file is one stack; a changed module of a program (a component, a helper)
    is read through the program's `__main__.py` when that uses it, so its resources get their URNs."""
    from iaclint.core.diff import diff_resources
    from iaclint.languages.python.interpreter import Project, detect
    from iaclint.languages.python.pulumi import parse_pulumi

    projects = {"before": Project(before, "before"), "after": Project(after, "after")}
    done: set[str] = set()
    for path, old_path, a, b, common in pulumi_files:
        stack_path, texts = path, {"after": a.text, "before": b.text}
        paths = {"after": path, "before": old_path}
        entry = _pulumi_entry(after, path)
        if entry is not None and entry != path:
            entry_texts = {side: read_text(tree, entry, side).text for side, tree in (("before", before), ("after", after))}
            progs = {side: parse_pulumi(t, entry, entry, Project(tree, side)) if t is not None and detect(t) == "pulumi" else None
                     for (side, t), tree in zip(entry_texts.items(), (before, after))}
            if any(p is not None and {path, old_path} & p.modules for p in progs.values()):
                if entry in done:
                    continue
                stack_path, texts, paths = entry, entry_texts, {"after": entry, "before": entry}
        if stack_path in done:
            continue
        done.add(stack_path)
        b_prog = parse_pulumi(texts["before"], paths["before"], stack_path, projects["before"]) \
            if texts["before"] is not None and detect(texts["before"]) == "pulumi" else None
        a_prog = parse_pulumi(texts["after"], paths["after"], stack_path, projects["after"]) \
            if texts["after"] is not None and detect(texts["after"]) == "pulumi" else None
        if not _report(a_prog, b_prog, stack_path, paths["before"], result):
            continue
        before_res = b_prog.resources if b_prog else {}
        after_res = a_prog.resources if a_prog else {}
        moved = a_prog.moved if a_prog else {}
        before_res = _withhold(before_res, after_res, moved, a_prog.opaque if a_prog else [], stack_path, result)
        _unfollowed(b_prog.unfollowed if b_prog else {}, a_prog.unfollowed if a_prog else {},
                    _Where(stack_path, Pos(1)) if a_prog is not None else None, "component or resource", result, named=True)
        result.files += 1
        result.diffs.append(StackDiff(stack_path, "pulumi", diff_resources(before_res, after_res, moved),
                                      len(before_res), len(after_res), facts=PulumiFacts(), before_resources=before_res,
                                      after_resources=after_res, moved_from=set(moved), **common))


def _cdk_entries(tree, changed: list[str]) -> list[str]:
    """Files that may be the CDK app of the changed modules: the `app` of each `cdk.json` in their
    directory or above (`python3 app.py`), else `app.py` there."""
    import json
    import posixpath
    import shlex

    out: list[str] = []
    seen: set[str] = set()
    for path in changed:
        d = posixpath.dirname(path)
        while True:
            if d not in seen:
                seen.add(d)
                cdk_json = posixpath.join(d, "cdk.json")
                app = None
                if tree.exists(cdk_json):
                    try:
                        cmd = json.loads(tree.read(cdk_json)).get("app", "")
                        app = next((w for w in shlex.split(cmd) if w.endswith(".py")), None) if isinstance(cmd, str) else None
                    except Exception:
                        app = None
                for cand in ([posixpath.normpath(posixpath.join(d, app))] if app else []) + [posixpath.join(d, "app.py")]:
                    if cand not in out and tree.exists(cand):
                        out.append(cand)
            if not d:
                break
            d = posixpath.dirname(d)
    return out


def _analyze_cdk(before, after, cdk_files: list, renames: dict, result: Loaded) -> None:
    """CDK programs read as a whole: each changed file, and the app that uses it when that app is
    not itself changed, with the program's own modules followed on each side. A stack is named by
    the app and its id where the app creates it (`app.py::OrdersProd`), else by its class (`stacks/data.py::DataStack`);
    the construct paths of a class the app creates more than once start with the stack's id."""
    from iaclint.core.diff import diff_resources
    from iaclint.languages.python.cdk import parse_cdk
    from iaclint.languages.python.interpreter import Project, detect

    projects = {"before": Project(before, "before"), "after": Project(after, "after")}
    changed = {p for p, *_ in cdk_files} | {old for _, old, *_ in cdk_files}
    programs: dict[str, list] = {"before": [], "after": []}
    commons: dict[str, dict] = {}
    for path, old_path, a, b, common in cdk_files:
        b_prog = parse_cdk(b.text, old_path, path, projects["before"]) if b.text is not None and detect(b.text) == "cdk" else None
        a_prog = parse_cdk(a.text, path, path, projects["after"]) if a.text is not None and detect(a.text) == "cdk" else None
        if not _report(a_prog, b_prog, path, old_path, result):
            continue
        result.files += 1
        commons[path] = common
        programs["before"].append(b_prog)
        programs["after"].append(a_prog)
    # apps that are not changed themselves but read a changed module
    from iaclint.languages.base import read_text

    for entry in _cdk_entries(after, sorted(changed)):
        if entry in changed or entry in renames or entry in set(renames.values()):
            continue
        progs = {}
        for side, tree in (("before", before), ("after", after)):
            t = read_text(tree, entry, side).text
            progs[side] = parse_cdk(t, entry, entry, projects[side]) if t is not None and detect(t) == "cdk" else None
        if not any(p is not None and p.modules & changed for p in progs.values()):
            continue
        if not _report(progs["after"], progs["before"], entry, entry, result):
            continue
        programs["before"].append(progs["before"])
        programs["after"].append(progs["after"])
    # the stacks an app reads are read through it: the same classes read on their own are left out
    covered = set().union(*[p.used for side in programs.values() for p in side if p is not None])
    stacks: dict[str, dict] = {"before": {}, "after": {}}
    counts: dict[tuple[str, str], int] = {}
    for side in ("before", "after"):
        seen: dict[tuple[str, str], int] = {}
        for prog in programs[side]:
            for s in prog.stacks if prog is not None else []:
                if s.instance is not None:
                    seen[(s.path, s.name)] = seen.get((s.path, s.name), 0) + 1
        for k, n in seen.items():
            counts[k] = max(counts.get(k, 0), n)
    top_opaque = [o for p in programs["after"] if p is not None for o in p.opaque]
    for side in ("before", "after"):
        for prog in programs[side]:
            for s in prog.stacks if prog is not None else []:
                key = (s.path, s.name)
                if s.instance is None and key in covered and counts.get(key):
                    continue  # read through the app that creates it
                if s.instance is None and s.standalone and key in covered:
                    continue
                name = f"{s.app}::{s.instance}" if s.instance is not None else f"{s.path}::{s.name}"
                if name in stacks[side]:
                    continue
                if s.instance is not None and counts.get(key, 0) > 1:
                    for r in s.resources.values():
                        r.meta["construct_path"] = f"{s.instance}/{r.meta['construct_path']}"
                for r in s.resources.values():
                    r.stack = name
                stacks[side][name] = s
    for name in sorted(stacks["before"].keys() | stacks["after"].keys()):
        bs, as_ = stacks["before"].get(name), stacks["after"].get(name)
        before_res = bs.resources if bs else {}
        after_res = as_.resources if as_ else {}
        if as_ is None and top_opaque and bs is not None and bs.instance is not None:
            result.problems.append(Problem(top_opaque[0][0].path or name.rsplit("::", 1)[0], replace(top_opaque[0][0], path=None),
                                           f"stack {name.rsplit('::', 1)[-1]} is not found after the change, but it may be "
                                           "created in a loop iaclint cannot expand: not reported deleted; review by hand",
                                           fatal=False, side="after", severity=Severity.NOTE, help=_NOTE_HELP))
            continue
        before_res = _withhold(before_res, after_res, {}, as_.opaque if as_ else [], as_.path if as_ else "", result)
        _unfollowed(bs.unfollowed if bs else {}, as_.unfollowed if as_ else {}, as_, "construct", result,
                    f" in stack {name.rsplit('::', 1)[-1]}")
        facts = CdkFacts(bs.termination_protection if bs else None, as_.termination_protection if as_ else None,
                         as_.pos if as_ else None)
        # a stack's resources may live in any module of the program: every changed file's comments apply
        common = {"changed_files": set().union(changed, *[c["changed_files"] for c in commons.values()]),
                  "stack_comments": [x for c in commons.values() for x in c["stack_comments"]]}
        result.diffs.append(StackDiff(name, "cdk", diff_resources(before_res, after_res),
                                      len(before_res), len(after_res), facts=facts, before_resources=before_res,
                                      after_resources=after_res, **common))


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
        result.problems.append(Problem(pos.path or path, replace(pos, path=None), f"`{address}` is not found after the change, but it may be created in a loop "
                                                  "iaclint cannot expand here: not reported deleted; review by hand",
                                       fatal=False, side="after", severity=Severity.NOTE, help=_NOTE_HELP))
    return kept


def _unfollowed(before: dict, after: dict, where, what: str, result: Loaded, within: str = "", named: bool = False) -> None:
    """Fail closed on constructs (or components) iaclint cannot see inside: one removed, renamed or
    given other arguments is a note naming it, since the resources it creates may be destroyed or
    replaced with it. Added or unchanged, nothing is said. `before`/`after`: key -> (class, module,
    Pos, arguments; None: not compared, only a removal is said); `where`: the stack (or program) after the change, where a removal is reported,
    None when it is gone (then at line 0 of the module it was in)."""
    for key in sorted(before):
        cls, module, pos, args = before[key]
        now = after.get(key)
        if now is not None and now[0] == cls and (args is None or now[3] == args):
            continue  # unchanged (arguments None: not compared)
        short = cls.rsplit(".", 1)[-1]
        if now is not None:
            change = "is given other arguments" if now[0] == cls else f"is now a `{now[0].rsplit('.', 1)[-1]}`"
            module, pos = now[1], now[2]
        else:
            renamed = next((k for k, v in sorted(after.items()) if k not in before and v[0] == cls and v[3] == args), None) \
                if args is not None else None
            change = (f"is renamed to {renamed.rsplit('.', 1)[-1] if named else renamed}" if renamed else "is removed")
            if renamed:
                module, pos = after[renamed][1], after[renamed][2]
            elif where is not None and where.path:
                module, pos = where.path, where.pos
            else:
                pos = replace(pos, line=0, column=1, end_line=None)
        at = f"named {key.rsplit('.', 1)[-1]!r}" if named else f"at {key}{within}"
        message = (f"{what} `{short}` ({cls}) {at} {change}: iaclint cannot see inside it, so the resources it "
                   f"creates may be {'replaced' if 'renamed' in change else 'destroyed or replaced'}; review by hand")
        result.problems.append(Problem(module, replace(pos, path=None), message, fatal=False, side="after",
                                       severity=Severity.NOTE, help=_UNFOLLOWED_HELP))


@dataclass
class _Where:
    path: str
    pos: Pos


_UNFOLLOWED_HELP = ("check what it creates (for CDK, compare two synthesized assemblies: `iaclint diff cdk.out.before "
                    "cdk.out.after`; for Pulumi, `pulumi preview`)")


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


