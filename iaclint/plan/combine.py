"""Put plan findings where the code is, apply suppressions, and merge them with static findings.

- `locate`: a plan finding points at the resource in the configuration or template (found by
  address or logical ID) so CI annotations land on the code; otherwise at the resource's object
  in the plan file.
- `suppress`: the same inline `iaclint: allow` comments as the static path.
- `combine`: static findings the plan confirms are kept, those it refutes are dropped (and
  reported as disagreements), plan findings static analysis missed are added (ditto).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from iaclint.core.model import DESTRUCTIVE, Category, Change, ChangeKind, Finding, Resource, StackDiff
from iaclint.core.record import replace
from iaclint.plan.model import PlannedChange, PlanResult, strip_keys

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
MAX_TEMPLATES = 200


def _split_files(tree) -> tuple[list[str], dict[str, str]]:
    """Which files need the HCL parser, and which a line scan is enough for.

    Parsed: root-module files with an `iaclint` comment (suppressions) or a module call, and
    every file below the root (module sources). Scanned: the other root-module `.tf` files,
    where only where each resource block and its top-level attributes start is needed; a
    5,000-resource configuration then costs a regex pass instead of a full parse.
    """
    parse, scanned = [], {}
    for path in tree.files():
        if "/" in path or not path.endswith(".tf"):
            parse.append(path)
            continue
        try:
            text = tree.read(path).decode("utf-8", "replace")
        except OSError:
            continue
        if "iaclint" in text or _MODULE.search(text):
            parse.append(path)
        else:
            scanned[path] = text
    return parse, scanned


_MODULE = re.compile(r'^[ \t]*module[ \t]+"', re.MULTILINE)
_RESOURCE = re.compile(r'^([ \t]*)resource[ \t]+"([^"]+)"[ \t]+"([^"]+)"', re.MULTILINE)
_ATTR = re.compile(r'^([ \t]+)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(=|\{)', re.MULTILINE)


def _scan_resources(text: str, path: str) -> dict[str, Resource]:
    """`resource "T" "N"` blocks of one file → Resources carrying only positions."""
    from iaclint.core.model import Pos

    out: dict[str, Resource] = {}
    matches = list(_RESOURCE.finditer(text))
    line, last = 1, 0
    for i, m in enumerate(matches):
        line += text.count("\n", last, m.start())
        last = m.start()
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        block = text[m.end():end]
        positions: dict[str, Pos] = {}
        indent = None
        for am in _ATTR.finditer(block):
            if indent is None:
                indent = am.group(1)
            if am.group(1) != indent:
                continue  # nested: only top-level attributes and blocks
            positions.setdefault(am.group(2), Pos(line + block.count("\n", 0, am.start(2)), len(indent) + 1))
        address = f"{m.group(2)}.{m.group(3)}"
        out[address] = Resource(address, m.group(2), "", path, Pos(line, len(m.group(1)) + 1), positions=positions)
    return out


class SourceIndex:
    """Resources of the code the plan was made from, by address (keys stripped) or logical ID."""

    def __init__(self, resources: dict[str, Resource] | None = None, comments: list | None = None) -> None:
        self.resources = resources or {}
        self.comments = comments or []  # (path, Pos, text) with "iaclint" in it
        self.removed: set[str] = set()  # addresses whose position is one of the file before the change

    @classmethod
    def from_dir(cls, directory: str | Path, kind: str, result: PlanResult, prefix: str = "") -> "SourceIndex":
        from iaclint.inputs.trees import DirTree

        root = Path(directory)
        if not root.is_dir():
            return cls()
        tree = DirTree(root)
        if kind == "terraform":
            if not any(p.endswith(".tf") for p in os.listdir(root)):
                return cls()
            from iaclint.languages.terraform.module import load_module

            parse, scanned = _split_files(tree)
            mod = load_module(DirTree(root, only=parse), "")
            res = {a: replace(r, path=prefix + r.path) for a, r in mod.resources.items()}
            for path, text in scanned.items():
                for a, r in _scan_resources(text, prefix + path).items():
                    res.setdefault(a, r)
            comments = [(prefix + p, pos, text) for p, cs in mod.comments.items() for pos, text in cs if "iaclint" in text]
            return cls(res, comments)
        return cls._templates(tree, result, prefix)

    @classmethod
    def _templates(cls, tree, result: PlanResult, prefix: str) -> "SourceIndex":
        from iaclint.languages.cloudformation.template import looks_like_template, parse_template

        wanted = {c.key for c in result.changes}
        best: tuple[int, dict] = (0, {})
        seen = 0
        for path in tree.files():
            if not path.lower().endswith(TEMPLATE_SUFFIXES) or seen >= MAX_TEMPLATES:
                continue
            try:
                data = tree.read(path)
            except OSError:
                continue
            if len(data) > 5_000_000 or not looks_like_template(data):
                continue
            seen += 1
            parsed = parse_template(data, prefix + path, prefix + path)
            score = len(wanted & set(parsed.resources))
            if score > best[0]:
                best = (score, parsed.resources)
        return cls(best[1])

    @classmethod
    def from_diffs(cls, diffs: list[StackDiff]) -> "SourceIndex":
        res: dict[str, Resource] = {}
        comments: list = []
        for d in diffs:
            for c in d.changes:
                for r in (c.before, c.after):  # the AFTER side wins
                    if r is not None:
                        res[r.address] = r
            comments.extend(d.stack_comments)
        index = cls(res, comments)
        gone = {id(c.before) for d in diffs for c in d.changes if c.after is None and c.before is not None}
        index.removed = {a for a, r in res.items() if id(r) in gone}
        return index

    def find(self, address: str) -> Resource | None:
        key = strip_keys(address)
        r = self.resources.get(key)
        if r is None and key.startswith("module."):
            return None
        return r


def locate(findings: list[Finding], result: PlanResult, index: SourceIndex) -> None:
    """Point each plan finding at the code (when found) or at its object in the plan file."""
    lines = None
    for f in findings:
        r = index.find(f.resource)
        if r is not None:
            attr = f.extra.get("attr")
            pos = r.pos_of(attr) if attr else r.pos
            f.path, f.line, f.column = r.path, pos.line, pos.column
            f.end_line = pos.end_line if pos.end_line and pos.end_line >= pos.line else pos.line
            if strip_keys(f.resource) in index.removed:  # the pipeline moves it to where it was removed
                f.before_path, f.before_line = f.path, f.line
            continue
        if lines is None:
            lines = _plan_lines(result)
        f.path, f.line, f.column, f.end_line = result.label, lines.get(f.resource, 1), 1, lines.get(f.resource, 1)


def _plan_lines(result: PlanResult) -> dict[str, int]:
    """Line of each resource's object in the plan text (its `address` / `LogicalResourceId`)."""
    text = result.text
    if result.kind == "terraform":
        start = text.find('"resource_changes"')
        pattern = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
        # module-level findings (IAC303) point at the first of their resources
    else:
        start = text.find('"Changes"')
        pattern = re.compile(r'"LogicalResourceId"\s*:\s*("(?:[^"\\]|\\.)*")')
    out: dict[str, int] = {}
    if start < 0:
        return out
    line, last = text.count("\n", 0, start) + 1, start
    for m in pattern.finditer(text, start):
        line += text.count("\n", last, m.start())
        last = m.start()
        raw = m.group(1)
        if "\\" in raw:
            try:
                addr = json.loads(raw)
            except ValueError:
                continue
        else:
            addr = raw[1:-1]
        out.setdefault(addr, line)
        for mod in _module_prefixes(addr):
            out.setdefault(mod, line)
    return out


def _module_prefixes(address: str) -> list[str]:
    if not address.startswith("module."):
        return []
    from iaclint.core.addresses import module_of

    m = module_of(address)
    return [m] if m else []


def suppress(findings: list[Finding], index: SourceIndex) -> list[Finding]:
    """Drop plan findings that an `iaclint: allow` comment in the code covers (as for static ones)."""
    if not findings or not (index.comments or any(r.comments or r.meta.get("allow") for r in index.resources.values())):
        return findings
    from iaclint.engine.runner import apply_suppressions

    shadows = {}
    for f in findings:
        s = replace(f, resource=strip_keys(f.resource), resources=[strip_keys(a) for a in f.resources],
                    extra={"_id": id(f)})
        shadows[id(f)] = s
    changes = [Change(ChangeKind.MODIFIED, r, r) for r in index.resources.values()]
    diff = StackDiff(stack="", language="", changes=changes, stack_comments=index.comments)
    kept = {s.extra.get("_id") for s in apply_suppressions(diff, list(shadows.values())) if s.extra.get("_id")}
    return [f for f in findings if id(f) in kept]


@dataclass
class Disagreement:
    kind: str  # "refuted": static said so, the plan says no | "missed": the plan says so, static did not
    finding: Finding
    planned: str  # what the plan does to the resource(s)


JUDGED_PROTECTION = {"terraform": {"IAC201", "IAC203"}, "cloudformation": set()}


def _language(f: Finding) -> str:
    return "terraform" if f.path.endswith((".tf", ".tf.json")) else "cloudformation"


def _entries(f: Finding, by_key: dict[str, list[PlannedChange]], modules: dict[str, list[PlannedChange]]) -> list[PlannedChange]:
    out: list[PlannedChange] = []
    for a in dict.fromkeys([f.resource, *f.resources]):
        if not a:
            continue
        k = strip_keys(a)
        out.extend(by_key.get(k, []))
        if k.startswith("module.") and k.count(".") % 2 == 1:  # a module call: module.x / module.x.module.y
            out.extend(modules.get(k, []))
    return out


def combine(static: list[Finding], result: PlanResult) -> tuple[list[Finding], list[Disagreement]]:
    by_key = result.by_key()
    modules: dict[str, list[PlannedChange]] = {}
    for c in result.changes:
        parts = c.key.split(".")
        for i in range(len(parts)):
            if parts[i] == "module" and i + 1 < len(parts):
                modules.setdefault(".".join(parts[: i + 2]), []).append(c)
    plan_keys = {}
    for p in result.findings:
        for a in [p.resource, *p.resources]:
            plan_keys.setdefault((p.category, strip_keys(a)), []).append(p)
    kept: list[Finding] = []
    disagreements: list[Disagreement] = []
    matched: set[int] = set()
    for f in static:
        # out of scope is about what the change touches, which a plan neither confirms nor refutes
        if f.category in (Category.PARSE_ERROR, Category.OUT_OF_SCOPE) or _language(f) != result.kind:
            kept.append(f)
            continue
        related = [p for a in [f.resource, *f.resources] if a for p in plan_keys.get((f.category, strip_keys(a)), [])]
        entries = _entries(f, by_key, modules)
        if f.category is Category.PROTECTION:
            same = [p for p in related if p.rule == f.rule]
            if same:
                verdict = True
            elif entries and f.rule in JUDGED_PROTECTION.get(result.kind, set()) and all(e.action in ("update", "no-op", "replace") for e in entries):
                verdict = False
            else:
                verdict = None
            related = same
        else:
            if any(e.destroys is True for e in entries):
                verdict = True
            elif entries and all(e.destroys is False for e in entries):
                verdict = False
            else:
                verdict = None
        # a plan finding says more than a weaker static one (a tainted replace over a "may replace" note): keep both
        matched.update(id(p) for p in related if verdict is False or p.severity.rank <= f.severity.rank)
        if verdict is False:
            disagreements.append(Disagreement("refuted", f, _planned(entries)))
            continue
        if verdict is True:
            f.extra["plan"] = "confirmed"
        kept.append(f)
    confirmed = {strip_keys(a) for f in kept if f.extra.get("plan") == "confirmed" for a in [f.resource, *f.resources] if a}
    # One verdict per resource: a rename without `moved` (IAC103) that the plan shows as a
    # destroy (IAC301) is one finding, not two with contradictory help. The static one names the
    # cause and the fix; the plan's replaces it only when the plan says something louder.
    destroying: dict[str, list[Finding]] = {}
    for f in kept:
        if f.source == "static" and f.extra.get("plan") == "confirmed" and f.category in DESTRUCTIVE:
            for a in dict.fromkeys([f.resource, *f.resources]):
                if a:
                    destroying.setdefault(strip_keys(a), []).append(f)
    for p in result.findings:
        if id(p) in matched:
            continue
        same = [f for a in dict.fromkeys([p.resource, *p.resources]) if a for f in destroying.get(strip_keys(a), [])] \
            if p.category in DESTRUCTIVE else []
        if same:
            if p.severity.rank <= max(f.severity.rank for f in same):
                continue
            gone = {id(f) for f in same}
            kept = [f for f in kept if id(f) not in gone]
        kept.append(p)
        # drift happened outside the code: static analysis cannot see it, so it did not miss it
        if strip_keys(p.resource) not in confirmed and p.category is not Category.DRIFT:
            disagreements.append(Disagreement("missed", p, _planned(_entries(p, by_key, modules))))
    return kept, disagreements


def _planned(entries: list[PlannedChange]) -> str:
    if not entries:
        return "not in the plan"
    acts = list(dict.fromkeys(e.action + (f" ({e.reason})" if e.reason else "") for e in entries))
    return "plan: " + ", ".join(acts[:3]) + (" ..." if len(acts) > 3 else "")


def render_disagreements(items: list[Disagreement]) -> str:
    if not items:
        return "Disagreements between static analysis and the plan: none"
    lines = [f"Disagreements between static analysis and the plan ({len(items)}):"]
    for d in items:
        f = d.finding
        if d.kind == "refuted":
            head = "static finding refuted by the plan, dropped"
        else:
            head = "found by the plan only, static analysis missed it"
        lines.append(f"  {f.rule} {f.name} {f.resource}: {head} [{d.planned}]")
        lines.append(f"      {f.path}:{f.line}: {f.message}")
    lines.append("  (a refuted or missed finding may mean a knowledge pack is wrong; please report it)")
    return "\n".join(lines)
