"""`iaclint fix` for Python IaC: renamed Pulumi resources and CDK constructs, rewritten with libcst.

Only IAC103 findings (a rename that replaces) are fixed, and only where the edit is certain:
- Pulumi: `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old>")])` on the renamed
  resource's constructor call, or the alias appended to an existing `opts=ResourceOptions(...)`.
  The names follow the file's imports (`import pulumi as p` → `p.Alias`; `from pulumi import
  ResourceOptions` → `ResourceOptions(...)`, `Alias` added to that import when missing).
- CDK: `<var>.node.default_child.override_logical_id("<OldLogicalId>")` (L2) or
  `<var>.override_logical_id("<OldLogicalId>")` (L1 `Cfn*`) after the statement that creates the
  construct; a construct not assigned to a variable is assigned to a fresh name first.

The call is found by the finding's line and column (libcst `PositionProvider`). A call whose
name or id is not a literal (a helper called with different names), an `opts=` that is not a
`ResourceOptions(...)` call, or two findings wanting different IDs at the same call are left to a
human. libcst is imported here only, i.e. only by `iaclint fix` on Python files, never by a lint.
"""

from __future__ import annotations

import difflib
import keyword
import re
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider


class Unfixable(Exception):
    pass


@dataclass
class Edit:
    line: int
    column: int  # 1-based, as in Finding (ast col_offset + 1)
    old: str  # old address
    new: str  # new address
    finding: object = None


def plan_file(text: str, kind: str, findings: list) -> tuple[str, list[tuple[object, str]]]:
    """Apply the fixes for `findings` (IAC103 on this file) to `text` → (new text, [(finding, why not fixed)])."""
    edits: dict[tuple[int, int], Edit] = {}
    skipped: list[tuple[object, str]] = []
    conflicts: set[tuple[int, int]] = set()
    for f in findings:
        key = (f.line, f.column)
        old, new = f.resources
        if key in edits and edits[key].old != old:
            conflicts.add(key)
        edits.setdefault(key, Edit(f.line, f.column, old, new, f))
    for key in conflicts:
        for f in findings:
            if (f.line, f.column) == key:
                skipped.append((f, "this call creates several resources with different old names (a helper or a "
                                   "construct class used more than once): one literal alias or ID cannot fit them all"))
        del edits[key]
    imports = _PulumiNames(text) if kind == "pulumi" else None
    # bottom-up, so an edit never moves the lines of the calls still to be edited
    for edit in sorted(edits.values(), key=lambda e: (e.line, e.column), reverse=True):
        try:
            if kind == "pulumi":
                text = _fix_pulumi(text, edit, imports)
            else:
                text = _fix_cdk(text, edit)
        except Unfixable as e:
            skipped.append((edit.finding, str(e)))
    if imports is not None:
        text = imports.apply(text)
    return text, skipped


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))


# ------------------------------------------------------------------ locating


def _locate(text: str, edit: Edit):
    """(module, call, parents) for the call the finding points at."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        raise Unfixable(f"libcst cannot parse the file: {e.message}") from None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    on_line = [(n, p) for n, p in positions.items() if isinstance(n, cst.Call) and p.start.line == edit.line]
    exact = [n for n, p in on_line if p.start.column == edit.column - 1]
    if len(exact) == 1:
        return module, exact[0], parents
    # columns differ on non-ASCII lines (ast counts bytes): fall back to the outermost call on the line
    outer = [n for n, p in on_line if not any(o is not n and _inside(positions[n], positions[o]) for o, _ in on_line)]
    if len(outer) == 1:
        return module, outer[0], parents
    raise Unfixable(f"no single constructor call found at line {edit.line}")


def _inside(a, b) -> bool:
    return (b.start.line, b.start.column) <= (a.start.line, a.start.column) and (a.end.line, a.end.column) <= (b.end.line, b.end.column)


def _literal(node) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        v = node.evaluated_value
        return v if isinstance(v, str) else None
    return None


def _str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dotted(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _append(items: list, new, opening_ws):
    """Append `new` to a call's args or a list's elements, following the existing layout.

    One line: `a, b` → `a, b, new`. One item per line with a trailing comma: the new item on its own
    line with the same indentation, trailing comma kept. `opening_ws` is the whitespace after `(`/`[`.
    """
    if not items:
        return [new]
    last = items[-1]
    comma = last.comma
    if isinstance(comma, cst.Comma):  # trailing comma
        ws = comma.whitespace_after
        ref = items[-2].comma.whitespace_after if len(items) > 1 and isinstance(items[-2].comma, cst.Comma) else opening_ws
        if isinstance(ws, cst.ParenthesizedWhitespace) and isinstance(ref, cst.ParenthesizedWhitespace):
            # one item per line: the last item keeps its comma and comment, the new one goes on the next
            # line with the items' indentation, the closing bracket's indentation after it
            kept = comma.with_changes(whitespace_after=ws.with_changes(indent=ref.indent, last_line=ref.last_line))
            closing = cst.Comma(whitespace_before=comma.whitespace_before, whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=ws.indent, last_line=ws.last_line))
            return items[:-1] + [last.with_changes(comma=kept), new.with_changes(comma=closing)]
        return items[:-1] + [last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                             new.with_changes(comma=comma)]
    return items[:-1] + [last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), new]


# ------------------------------------------------------------------ Pulumi


class _PulumiNames:
    """How this file spells pulumi's ResourceOptions and Alias; imports it needs added."""

    def __init__(self, text: str) -> None:
        module = cst.parse_module(text)
        self.module_alias: str | None = None
        self.from_names: dict[str, str] = {}  # imported name -> local name
        self.has_from = False
        self.need: set[str] = set()
        for stmt in module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for a in small.names:
                        if _dotted(a.name) == "pulumi" and self.module_alias is None:
                            self.module_alias = a.asname.name.value if a.asname else "pulumi"
                elif isinstance(small, cst.ImportFrom) and small.module is not None and _dotted(small.module) == "pulumi" \
                        and not small.relative and not isinstance(small.names, cst.ImportStar):
                    self.has_from = True
                    for a in small.names:
                        self.from_names[a.name.value] = a.asname.name.value if a.asname else a.name.value

    def name(self, what: str, prefer_from: bool = False) -> str:
        if what in self.from_names:
            return self.from_names[what]
        if self.module_alias and not prefer_from:
            return f"{self.module_alias}.{what}"
        if self.has_from:
            self.need.add(what)
            return what
        if self.module_alias:
            return f"{self.module_alias}.{what}"
        self.need.add("import pulumi")
        self.module_alias = "pulumi"
        return f"pulumi.{what}"

    def apply(self, text: str) -> str:
        if not self.need:
            return text
        module = cst.parse_module(text)
        body = list(module.body)
        names = sorted(n for n in self.need if n != "import pulumi")
        if names:
            for i, stmt in enumerate(body):
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                small = stmt.body[0]
                if isinstance(small, cst.ImportFrom) and small.module is not None and _dotted(small.module) == "pulumi" \
                        and not small.relative and not isinstance(small.names, cst.ImportStar):
                    items = list(small.names)
                    for n in names:
                        items = _append(items, cst.ImportAlias(name=cst.Name(n)),
                                        small.lpar.whitespace_after if small.lpar else cst.SimpleWhitespace(""))
                    body[i] = stmt.with_changes(body=[small.with_changes(names=items)] + list(stmt.body[1:]))
                    break
        if "import pulumi" in self.need:
            at = 0
            for i, stmt in enumerate(body):
                if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)):
                    at = i + 1
            body.insert(at, cst.parse_statement("import pulumi\n"))
        return module.with_changes(body=body).code


def _fix_pulumi(text: str, edit: Edit, names: _PulumiNames) -> str:
    module, call, _ = _locate(text, edit)
    first = call.args[0] if call.args and call.args[0].keyword is None and not call.args[0].star else None
    name_arg = first or next((a for a in call.args if a.keyword and a.keyword.value == "resource_name"), None)
    new_name = _literal(name_arg.value) if name_arg is not None else None
    if new_name is None:
        raise Unfixable("the resource name is not a string literal (a helper called with several names?): "
                        "add the alias by hand where the name is chosen")
    if not edit.new.endswith("." + new_name):
        raise Unfixable(f"the call at line {edit.line} does not create {edit.new}")
    class_path = edit.new[: -len(new_name) - 1]
    if not edit.old.startswith(class_path + "."):
        raise Unfixable("the resource class changed too: an alias by name alone does not match the old resource")
    old_name = edit.old[len(class_path) + 1:]
    opts = next((a for a in call.args if a.keyword and a.keyword.value == "opts"), None)
    if opts is None:
        expr = cst.parse_expression(f"{names.name('ResourceOptions')}(aliases=[{names.name('Alias')}(name={_str(old_name)})])")
        arg = cst.Arg(keyword=cst.Name("opts"), value=expr, equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        new_call = call.with_changes(args=_append(list(call.args), arg, call.whitespace_before_args))
        return module.deep_replace(call, new_call).code
    ro = opts.value
    if not isinstance(ro, cst.Call) or not (_dotted(ro.func) or "").endswith("ResourceOptions"):
        raise Unfixable("`opts=` is not a `ResourceOptions(...)` call: add "
                        f"`aliases=[pulumi.Alias(name={_str(old_name)})]` to it by hand")
    alias = cst.parse_expression(f"{names.name('Alias', prefer_from=not (_dotted(ro.func) or '').count('.'))}(name={_str(old_name)})")
    aliases = next((a for a in ro.args if a.keyword and a.keyword.value == "aliases"), None)
    if aliases is None:
        arg = cst.Arg(keyword=cst.Name("aliases"), value=cst.List([cst.Element(alias)]), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        new_ro = ro.with_changes(args=_append(list(ro.args), arg, ro.whitespace_before_args))
    elif isinstance(aliases.value, cst.List):
        lst = aliases.value
        new_list = lst.with_changes(elements=_append(list(lst.elements), cst.Element(alias), lst.lbracket.whitespace_after))
        new_ro = ro.deep_replace(lst, new_list)
    else:
        raise Unfixable("`aliases=` is not a list literal: add the alias by hand")
    return module.deep_replace(ro, new_ro).code


# ------------------------------------------------------------------ CDK


def _fix_cdk(text: str, edit: Edit) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]+", edit.old):
        raise Unfixable(f"{edit.old} is a construct path, not a logical ID (a construct class no stack in the file uses)")
    module, call, parents = _locate(text, edit)
    cid = call.args[1] if len(call.args) > 1 and call.args[1].keyword is None else \
        next((a for a in call.args if a.keyword and a.keyword.value == "id"), None)
    if cid is None or _literal(cid.value) is None:
        raise Unfixable("the construct id is not a string literal (a helper called with several ids?): "
                        "pin the old logical ID by hand where the construct is created")
    func = _dotted(call.func) or ""
    l1 = func.rsplit(".", 1)[-1].startswith("Cfn")
    small = parents.get(call)
    line = parents.get(small)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        raise Unfixable("the construct is created inside a larger expression: assign it to a variable and pin "
                        f"its logical ID with override_logical_id({_str(edit.old)})")
    block = parents.get(line)
    if not isinstance(block, (cst.IndentedBlock, cst.Module)):
        raise Unfixable("the statement that creates the construct is not in a block libcst can extend")
    pre: list[cst.BaseStatement] = []
    post: list[cst.BaseStatement] = []
    replacement = line
    if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is call:
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        target = _dotted(targets[0]) if len(targets) == 1 else None
        if target is None:
            raise Unfixable("the construct is assigned to something other than a name or attribute")
    elif isinstance(small, (cst.Expr, cst.Return)) and small.value is call:
        target = _fresh(module, _literal(cid.value))
        assign = cst.Assign([cst.AssignTarget(cst.Name(target))], call)
        if isinstance(small, cst.Expr):
            replacement = line.with_changes(body=[assign])
        else:  # `return Bucket(...)` → `x = Bucket(...)`, pin, `return x`
            replacement = line.with_changes(body=[assign], trailing_whitespace=cst.TrailingWhitespace())
            post.append(line.with_changes(body=[small.with_changes(value=cst.Name(target))], leading_lines=[]))
    else:
        raise Unfixable("the construct is created inside a larger expression: assign it to a variable and pin "
                        f"its logical ID with override_logical_id({_str(edit.old)})")
    pin = f"{target}.override_logical_id({_str(edit.old)})" if l1 else \
        f"{target}.node.default_child.override_logical_id({_str(edit.old)})"
    pin_line = cst.parse_statement(pin + "\n")
    body = list(block.body)
    i = next(k for k, s in enumerate(body) if s is line)
    body[i:i + 1] = pre + [replacement, pin_line] + post
    return module.deep_replace(block, block.with_changes(body=body)).code


def _fresh(module: cst.Module, construct_id: str) -> str:
    used = {n.value for n in _names(module)}
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", re.sub(r"[^A-Za-z0-9]", "_", construct_id)).lower().strip("_") or "construct"
    if base[0].isdigit():
        base = "c_" + base
    name, k = base, 2
    while name in used or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name, k = f"{base}_{k}", k + 1
    return name


def _names(module: cst.Module):
    class V(cst.CSTVisitor):
        def __init__(self) -> None:
            self.out: list[cst.Name] = []

        def visit_Name(self, node: cst.Name) -> None:
            self.out.append(node)

    v = V()
    module.visit(v)
    return v.out


# ------------------------------------------------------------------ plan


def resolve(plan, opts) -> None:
    """Fill `plan.python_edits` from `plan.python` (IAC103 findings on .py files), reading the AFTER side."""
    from iaclint.languages.python.interpreter import detect
    from iaclint.inputs.build import build_inputs

    after = build_inputs(opts).after
    by_path: dict[str, list] = {}
    for f in plan.python:
        by_path.setdefault(f.path, []).append(f)
    for path, findings in sorted(by_path.items()):
        try:
            text = after.read(path).decode("utf-8", "surrogateescape")
        except Exception as e:  # noqa: BLE001 - a file that cannot be read is left to a human
            plan.manual.extend(findings)
            plan.python_notes.append(f"{path}: cannot read it: {e}")
            continue
        kind = detect(text)
        if kind not in ("cdk", "pulumi"):
            plan.manual.extend(findings)
            continue
        new, skipped = plan_file(text, kind, findings)
        if new != text:
            plan.python_edits[path] = (text, new)
        for f, why in skipped:
            plan.manual.append(f)
            plan.python_notes.append(f"{f.path}:{f.line}: {why}")
