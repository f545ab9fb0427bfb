"""Python IaC programs (AWS CDK, Pulumi), read statically with `ast`: detection and evaluation.

The user's program is never imported or executed: only its text is parsed. What can be known
without running it is resolved: literals, module-level constants, f-strings and `+` of known
strings, lists/dicts of those, and calls of simple helper functions and classes defined in the
same file (their bodies are interpreted statement by statement, with a depth limit). Anything
else is an `Expr` holding the normalised source text (`ast.unparse`), so that reformatting an
expression is no change and editing it is one. A construct id or resource name that cannot be
resolved is reported as a note ("cannot be determined statically") by the language parsers.

`Interpreter` walks function bodies; the CDK and Pulumi parsers subclass it and override
`call_hook`, which sees every call with its resolved callee name and evaluated arguments.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Expr, Pos
from iaclint.core.model import Problem as CoreProblem
from iaclint.core.record import replace

_CDK_RE = re.compile(r"^\s*(?:import|from)\s+aws_cdk\b", re.M)
_PULUMI_RE = re.compile(r"^\s*(?:import|from)\s+pulumi(?:_\w+)?\b", re.M)
MAX_DEPTH = 12
MAX_ITEMS = 64  # items one loop or comprehension is expanded over
MAX_STEPS = 20000  # statements and comprehension items interpreted in one program, in all
LOOP_NOTE = "resources created in a loop iaclint cannot expand"
_STR_METHODS = {"upper", "lower", "capitalize", "title", "strip", "lstrip", "rstrip", "replace", "removeprefix", "removesuffix"}
_ITER_BUILTINS = {"range", "enumerate", "zip", "sorted", "list", "tuple", "reversed", "set"}


def detect(text: str) -> str | None:
    """'cdk' when the file imports aws_cdk (v1 or v2), 'pulumi' when it imports pulumi; else None."""
    if _CDK_RE.search(text):
        return "cdk"
    if _PULUMI_RE.search(text):
        return "pulumi"
    return None


def Problem(pos: Pos, message: str, fatal: bool = False) -> CoreProblem:  # noqa: N802  (reads as the type it builds)
    """A problem in a program; the loader fills in the path (a program is parsed without one)."""
    return CoreProblem("", pos, message, fatal)


def unknown(node: ast.AST) -> Expr:
    try:
        return Expr(ast.unparse(node))
    except Exception:  # pragma: no cover - unparse handles every parsed node
        return Expr(ast.dump(node))


@dataclass
class Ref:
    """An object the program created (a construct, a Pulumi resource, an instance of a local class)."""

    kind: str  # "construct" | "resource" | "object"
    path: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return id(self)


_STARRED = Expr("*")  # a `*args` argument of unknown length


@dataclass
class Module:
    tree: ast.Module
    imports: dict[str, str]  # local name -> dotted origin (relative imports keep their dots: `.pipeline.Pipeline`)
    constants: dict[str, Any]
    functions: dict[str, ast.FunctionDef]
    classes: dict[str, ast.ClassDef]
    path: str = ""

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def load(text: str, path: str) -> tuple[Module | None, Problem | None]:
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return None, Problem(Pos(exc.lineno or 1, exc.offset or 1), f"Python syntax error: {exc.msg}", fatal=True)
    except (MemoryError, RecursionError):
        # `ast` gives up on very deep nesting: the program is not read, and said so
        return None, Problem(Pos(1), "the program is nested too deeply for Python's parser to read", fatal=True)
    except ValueError as exc:  # NUL bytes
        return None, Problem(Pos(1), f"the program cannot be parsed: {exc}", fatal=True)
    imports: dict[str, str] = {}
    functions: dict[str, ast.FunctionDef] = {}
    classes: dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                imports[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            origin = "." * node.level + (node.module or "")
            for a in node.names:
                imports[a.asname or a.name] = f"{origin}.{a.name}" if node.module else f"{origin}{a.name}"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = node  # type: ignore[assignment]
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node
    mod = Module(tree, imports, {}, functions, classes, path)
    # module-level constants, in order; later assignments win, unknowns stay unknown
    ev = Interpreter(mod)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            mod.constants[node.targets[0].id] = ev.value(node.value, {}, allow_calls=False)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            mod.constants[node.target.id] = ev.value(node.value, {}, allow_calls=False)
    return mod, None


def _scalar(v: Any) -> bool:
    return isinstance(v, (str, int, float)) and not isinstance(v, bool)


def _literal_spec(spec: ast.AST | None) -> str | None:
    """An f-string field's format spec (`{i:02d}`) when it is written literally: "" for none, None
    when it is computed."""
    if spec is None:
        return ""
    if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in spec.values):
        return "".join(v.value for v in spec.values)
    return None


def _plain_format(text: str) -> bool:
    """A `str.format` template whose fields are plain positions or names (`{}`, `{0}`, `{env}`),
    with no attribute or index access and no nested fields: formatting it reads nothing else."""
    import string

    try:
        for _, field_name, spec, conversion in string.Formatter().parse(text):
            if field_name is None:
                continue
            if not re.fullmatch(r"\w*", field_name) or (spec and "{" in spec) or conversion not in (None, "s"):
                return False
    except ValueError:
        return False
    return True


def qualname(node: ast.AST, imports: dict[str, str]) -> str | None:
    """`s3.Bucket` → `aws_cdk.aws_s3.Bucket` through the file's imports; None for non-names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(imports.get(node.id, node.id))
    return cdk_v1_as_v2(".".join(reversed(parts)))


def cdk_v1_as_v2(name: str) -> str:
    """A CDK v1 name as the v2 name it became: `aws_cdk.core.Stack` → `aws_cdk.Stack` (v1's
    `core` module is v2's top level; its per-service packages `aws_cdk.aws_s3` keep their names in
    v2's `aws_cdk.aws_s3`), and v1's `core.Construct` → `constructs.Construct`."""
    if name == "aws_cdk.core" or name.startswith("aws_cdk.core."):
        name = "aws_cdk" + name[len("aws_cdk.core"):]
    return "constructs.Construct" if name == "aws_cdk.Construct" else name


class _Problems(list):
    """The problems of a reading: each in the module it was found in, each said once (a helper
    called in a loop does not repeat its note)."""

    def __init__(self, interp: Interpreter) -> None:
        super().__init__()
        self.interp = interp
        self.keys: set[tuple] = set()

    def append(self, p: CoreProblem) -> None:  # type: ignore[override]
        if not p.path and self.interp.m.path:
            p = replace(p, path=self.interp.m.path)
        key = (p.path, p.pos.line, p.pos.column, p.message)
        if key not in self.keys:
            self.keys.add(key)
            super().append(p)


class _Opaque(list):
    """Loops and calls iaclint could not expand, each with the module it is in (`Pos.path`)."""

    def __init__(self, interp: Interpreter) -> None:
        super().__init__()
        self.interp = interp

    def append(self, item: tuple) -> None:  # type: ignore[override]
        pos, names = item
        super().append((replace(pos, path=pos.path or self.interp.m.path or None), names))


class Interpreter:
    """Evaluates expressions and interprets function bodies of one module, without running them."""

    def __init__(self, module: Module) -> None:
        self.m = module
        self.depth = 0
        self.steps = 0
        self.call_site: tuple[str, ast.AST] | None = None  # where the class being instantiated is called
        self.project: Any = None  # reads the program's other modules (`Project`), when there is one
        self.frames: list[tuple[Module, ast.ClassDef | None, Any]] = []  # methods being interpreted, for super()
        self.problems: list[Problem] = _Problems(self)
        # loops and comprehensions that could not be expanded, and may create resources:
        # (position, qualified names of the classes called in them, or None when a call of the
        # program's own code could create anything)
        self.opaque: list[tuple[Pos, set[str] | None]] = _Opaque(self)

    # ----------------------------------------------------------------- values

    def value(self, node: ast.AST | None, env: dict[str, Any], allow_calls: bool = True) -> Any:
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if node.id in self.m.constants:
                return self.m.constants[node.id]
            return Expr(self.m.imports.get(node.id, node.id))
        if isinstance(node, ast.JoinedStr):
            out = []
            for part in node.values:
                if isinstance(part, ast.Constant):
                    out.append(str(part.value))
                    continue
                v = self.value(part.value, env, allow_calls) if isinstance(part, ast.FormattedValue) else None
                spec = _literal_spec(getattr(part, "format_spec", None))
                if _scalar(v) and spec is not None and getattr(part, "conversion", -1) in (-1, 115):
                    try:
                        out.append(format(str(v) if getattr(part, "conversion", -1) == 115 else v, spec))
                    except (TypeError, ValueError):
                        return unknown(node)
                else:
                    return unknown(node)
            return "".join(out)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = self.value(node.left, env, allow_calls), self.value(node.right, env, allow_calls)
            if isinstance(a, str) and isinstance(b, str):
                return a + b
            if isinstance(a, list) and isinstance(b, list):
                return a + b
            if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and not isinstance(b, bool):
                return a + b
            return unknown(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # "Queue%s" % stage
            a, b = self.value(node.left, env, allow_calls), self.value(node.right, env, allow_calls)
            if isinstance(a, str) and (_scalar(b) or (isinstance(b, list) and all(_scalar(x) for x in b))
                                       or (isinstance(b, dict) and all(_scalar(x) for x in b.values()))):
                try:
                    out = a % (tuple(b) if isinstance(b, list) else b)
                except (TypeError, ValueError, KeyError):
                    return unknown(node)
                return out if len(out) <= 4096 else unknown(node)
            return unknown(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e, env, allow_calls) for e in node.elts]
        if isinstance(node, ast.Dict):
            if all(k is not None for k in node.keys):
                keys = [self.value(k, env, allow_calls) for k in node.keys]
                if all(isinstance(k, str) for k in keys):
                    return {k: self.value(v, env, allow_calls) for k, v in zip(keys, node.values)}
            return unknown(node)
        if isinstance(node, ast.IfExp):
            test = self.value(node.test, env, allow_calls=False)
            if test is True or test is False:
                return self.value(node.body if test else node.orelse, env, allow_calls)
            return unknown(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            a, b = self.value(node.left, env, allow_calls), self.value(node.comparators[0], env, allow_calls)
            if _plain(a) and _plain(b):
                op = node.ops[0]
                if isinstance(op, ast.Eq):
                    return a == b
                if isinstance(op, ast.NotEq):
                    return a != b
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(b, (list, dict, str)) and (isinstance(a, str) or not isinstance(b, str)):
                    return (a in b) == isinstance(op, ast.In)
            return unknown(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            v = self.value(node.operand, env, allow_calls)
            return (not v) if isinstance(v, bool) else unknown(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            v = self.value(node.operand, env, allow_calls)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else unknown(node)
        if isinstance(node, ast.Attribute):
            base = self.value(node.value, env, allow_calls)
            if isinstance(base, Ref):
                return self.attribute(base, node.attr, node)
            q = qualname(node, self.m.imports)
            return Expr(q) if q else unknown(node)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(node, env, allow_calls)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value, env, allow_calls)
            key = self.value(node.slice, env, allow_calls)
            if isinstance(base, dict) and isinstance(key, str) and key in base:
                return base[key]
            if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool) and -len(base) <= key < len(base):
                return base[key]
            return unknown(node)
        if isinstance(node, ast.Call):
            it = self.builtin(node, env, allow_calls)
            if it is not None:
                return it
        if isinstance(node, ast.Call) and allow_calls:
            return self.call(node, env)
        if isinstance(node, ast.Call):
            callee = qualname(node.func, self.m.imports)
            if callee and callee.rsplit(".", 1)[-1][:1].isupper():  # a data class: `dynamodb.Attribute(name=...)`
                return self.struct(node, env, allow_calls=False)
        return unknown(node)

    def builtin(self, node: ast.Call, env: dict[str, Any], allow_calls: bool) -> list | dict | str | None:
        """`d.items()`, `.keys()`, `.values()`, `range(3)`, `enumerate(xs)`, `zip(a, b)`, `sorted(xs)`,
        `list(xs)` of known values; None when the call is none of these (or its values are unknown)."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values") and not node.args and not node.keywords:
            d = self.value(func.value, env, allow_calls)
            if isinstance(d, dict):
                if func.attr == "items":
                    return [[k, v] for k, v in d.items()]
                return list(d.keys()) if func.attr == "keys" else list(d.values())
            return None
        if isinstance(func, ast.Attribute) and func.attr == "format":  # "Logs{}".format(stage), "{env}-x".format(env=ENV)
            text = self.value(func.value, env, allow_calls)
            if not isinstance(text, str) or any(isinstance(a, ast.Starred) for a in node.args) \
                    or any(k.arg is None for k in node.keywords) or not _plain_format(text):
                return None
            args = [self.value(a, env, allow_calls) for a in node.args]
            kwargs = {k.arg: self.value(k.value, env, allow_calls) for k in node.keywords}
            if not all(_scalar(v) for v in [*args, *kwargs.values()]):
                return None
            try:
                out = text.format(*args, **kwargs)
            except (TypeError, ValueError, KeyError, IndexError):
                return None
            return out if len(out) <= 4096 else None
        if isinstance(func, ast.Attribute) and func.attr in _STR_METHODS and not node.keywords:
            text = self.value(func.value, env, allow_calls)
            args = [self.value(a, env, allow_calls) for a in node.args]
            if isinstance(text, str) and all(isinstance(a, str) for a in args) and not any(isinstance(a, ast.Starred) for a in node.args):
                try:
                    out = getattr(text, func.attr)(*args)
                except (TypeError, ValueError):
                    return None
                return out if isinstance(out, str) and len(out) <= 4096 else None
            return None
        if not isinstance(func, ast.Name) or func.id not in _ITER_BUILTINS or func.id in env or node.keywords \
                or func.id in self.m.functions or func.id in self.m.classes or func.id in self.m.imports:
            return None
        args = [self.value(a, env, allow_calls) for a in node.args if not isinstance(a, ast.Starred)]
        if len(args) != len(node.args):
            return None
        name = func.id
        if name == "range":
            if args and all(isinstance(a, int) and not isinstance(a, bool) for a in args) and len(args) <= 3 \
                    and (len(args) < 3 or args[2] != 0):
                r = range(*args)
                return list(r) if len(r) <= MAX_ITEMS else None
            return None
        seqs = [list(a) if isinstance(a, (list, dict)) else None for a in args]
        if any(x is None for x in seqs):
            return None
        if name == "enumerate" and len(seqs) == 1:
            return [[i, v] for i, v in enumerate(seqs[0])]
        if name == "zip" and seqs:
            return [list(t) for t in zip(*seqs)]
        if name in ("list", "tuple", "set") and len(seqs) == 1:
            return seqs[0]
        if name == "reversed" and len(seqs) == 1:
            return list(reversed(seqs[0]))
        if name == "sorted" and len(seqs) == 1:
            try:
                return sorted(seqs[0])
            except TypeError:
                return None
        return None

    def comprehension(self, node: ast.AST, env: dict[str, Any], allow_calls: bool) -> Any:
        """A comprehension over known values: each item bound in turn (resources created in it are
        created once per item). Over unknown values: unknown, and a note when it could create resources."""
        results: list = []
        local = dict(env)

        def expand(gens: list[ast.comprehension]) -> bool:
            if not gens:
                self.steps += 1
                if self.steps > MAX_STEPS or len(results) >= MAX_ITEMS:
                    return False
                if isinstance(node, ast.DictComp):
                    results.append((self.value(node.key, local, allow_calls), self.value(node.value, local, allow_calls)))
                else:
                    results.append(self.value(node.elt, local, allow_calls))  # type: ignore[attr-defined]
                return True
            gen = gens[0]
            items = self.iterable(gen.iter, local)
            if items is None:
                return False
            for item in items:
                self.assign(gen.target, item, local)
                conds = [self.value(c, local, allow_calls=False) for c in gen.ifs]
                if any(c is False for c in conds):
                    continue
                if any(c is not True for c in conds):
                    return False  # a filter iaclint cannot decide
                if not expand(gens[1:]):
                    return False
            return True

        if not expand(node.generators):  # type: ignore[attr-defined]
            self.cannot_expand(node, local)
            return unknown(node)
        if isinstance(node, ast.DictComp):
            if all(isinstance(k, str) for k, _ in results):
                return dict(results)
            return unknown(node)
        return results

    def iterable(self, node: ast.AST, env: dict[str, Any]) -> list | None:
        """The items a loop goes over, when known and at most MAX_ITEMS; else None."""
        items = self.value(node, env, allow_calls=False)
        if isinstance(items, dict):
            items = list(items)
        if isinstance(items, str):
            return None
        if isinstance(items, list) and len(items) <= MAX_ITEMS:
            return items
        return None

    def cannot_expand(self, node: ast.AST, env: dict[str, Any]) -> None:
        """A loop or comprehension iaclint cannot expand: a note when its body calls anything (it may
        create resources), and the classes it calls, so that no resource is reported deleted for it."""
        if isinstance(node, ast.For):
            parts: list[ast.AST] = node.body + node.orelse
        elif isinstance(node, ast.DictComp):
            parts = [node.key, node.value] + [i for g in node.generators for i in g.ifs]
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            parts = [node.elt] + [i for g in node.generators for i in g.ifs]
        else:
            parts = [node]
        # what it goes over is read once, not per item: only calls in its body may create resources
        calls = [c for part in parts for c in ast.walk(part) if isinstance(c, ast.Call)]
        if not calls:
            return
        names: set[str] | None = set()
        for c in calls:
            q = qualname(c.func, self.m.imports)
            if q is None or q.split(".")[0] in self.m.functions or q.split(".")[0] in self.m.classes \
                    or q.split(".")[0] in env or self.is_local(q):
                names = None  # the program's own code, or a method: anything may be created
                break
            names.add(q)
        pos = pos_of(node)
        self.opaque.append((pos, names))
        self.problems.append(Problem(pos, f"{LOOP_NOTE}: what it goes over cannot be determined statically "
                                          f"(or is longer than {MAX_ITEMS} items); they are not checked, and no resource "
                                          "of a class it creates is reported deleted"))

    def attribute(self, ref: Ref, attr: str, node: ast.AST) -> Any:
        if attr in ref.data.get("attrs", {}):
            return ref.data["attrs"][attr]
        return Expr(f"{'/'.join(ref.path) or ref.kind}.{attr}")

    def struct(self, node: ast.Call, env: dict[str, Any], allow_calls: bool = True) -> Any:
        """A call of a data class (`dynamodb.Attribute(name=..)`): its keyword arguments as a dict."""
        if node.args or any(k.arg is None for k in node.keywords):
            return unknown(node)
        return {k.arg: self.value(k.value, env, allow_calls) for k in node.keywords}

    # ------------------------------------------------------------------ calls

    def call(self, node: ast.Call, env: dict[str, Any]) -> Any:
        func = node.func
        name = qualname(func, self.m.imports)
        # `super().__init__(...)`, `super().method(...)`: the base class's method when the program defines it
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and qualname(func.value.func, {}) == "super":
            return self.call_super(func.attr, node, env)
        # method of a local object: self.helper(...), obj.method(...)
        if isinstance(func, ast.Attribute):
            receiver = self.value(func.value, env)
            if isinstance(receiver, Ref):
                cls = receiver.data.get("class")
                if cls is not None:
                    found = self.find_method(receiver.data.get("module") or self.m, cls, func.attr)
                    if found is not None:
                        args, kwargs = self.arguments(node, env)
                        return self.invoke(found[2], node, args, kwargs, self_value=receiver, module=found[0], cls=found[1])
                return self.method_hook(receiver, func.attr, node, env)
        if name == "cast" or name == "typing.cast":
            return self.value(node.args[1], env) if len(node.args) == 2 else unknown(node)
        target = self.lookup(name) if name is not None and name.split(".")[0] not in env else None
        args, kwargs = self.arguments(node, env)
        if target is not None and isinstance(target[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self.invoke(target[1], node, args, kwargs, module=target[0])  # type: ignore[arg-type]
        if target is not None and isinstance(target[1], ast.ClassDef):
            self.call_site = (self.m.path, node)
            with self.in_module(target[0]):
                return self.instantiate(target[1], node, args, kwargs, env)
        return self.call_hook(name, node, args, kwargs, env)

    def arguments(self, node: ast.Call, env: dict[str, Any]) -> tuple[list, dict]:
        """A call's arguments, evaluated once, in the caller's module (`**props` of a known dict spread)."""
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                v = self.value(a.value, env)
                if isinstance(v, list):
                    args.extend(v)
                else:
                    args.append(_STARRED)
            else:
                args.append(self.value(a, env))
        kwargs: dict[str, Any] = {}
        for k in node.keywords:
            v = self.value(k.value, env)
            if k.arg is not None:
                kwargs[k.arg] = v
            elif isinstance(v, dict):
                kwargs.update(v)
        return args, kwargs

    def lookup(self, name: str | None, module: Module | None = None) -> tuple[Module, ast.AST] | None:
        """The program's own function or class a (qualified) name is: in this module, or, through the
        project, in another module of the program. None for anything else (a library)."""
        m = module or self.m
        if name is None:
            return None
        if name in m.functions:
            return m, m.functions[name]
        if name in m.classes:
            return m, m.classes[name]
        if self.project is not None:
            return self.project.resolve(m, name)
        return None

    def is_local(self, qualified: str) -> bool:
        """Whether a qualified name is the program's own code (this module or another of it)."""
        return self.lookup(qualified) is not None

    def in_module(self, module: Module):
        interp = self

        class _Switch:
            def __enter__(self_inner):
                self_inner.saved = interp.m
                interp.m = module

            def __exit__(self_inner, *exc):
                interp.m = self_inner.saved
                return False

        return _Switch()

    def bases(self, module: Module, cls: ast.ClassDef) -> list[tuple[Module, ast.ClassDef] | str]:
        """A class's bases: the program's own classes (with their module), or qualified names."""
        out: list[tuple[Module, ast.ClassDef] | str] = []
        for b in cls.bases:
            q = qualname(b, module.imports)
            if q is None:
                continue
            found = self.lookup(q, module)
            out.append((found[0], found[1]) if found is not None and isinstance(found[1], ast.ClassDef) else q)  # type: ignore[arg-type]
        return out

    def find_method(self, module: Module, cls: ast.ClassDef, name: str, skip_self: bool = False,
                    depth: int = 0) -> tuple[Module, ast.ClassDef, ast.FunctionDef] | None:
        """A method of a class of the program, or of one of its bases the program defines (depth first)."""
        if depth > MAX_DEPTH:
            return None
        if not skip_self:
            m = _method(cls, name)
            if m is not None:
                return module, cls, m
        for b in self.bases(module, cls):
            if isinstance(b, tuple) and b[1] is not cls:
                found = self.find_method(b[0], b[1], name, False, depth + 1)
                if found is not None:
                    return found
        return None

    def call_super(self, method: str, node: ast.Call, env: dict[str, Any]) -> Any:
        frame = self.frames[-1] if self.frames else None
        args, kwargs = self.arguments(node, env)
        if frame is None:
            return None
        module, cls, self_value = frame
        if cls is None:  # `super()` outside a method: nothing the program defines
            return self.super_hook(method, args, kwargs, node)
        found = self.find_method(module, cls, method, skip_self=True)
        if found is None:
            return self.super_hook(method, args, kwargs, node)
        return self.invoke(found[2], node, args, kwargs, self_value=self_value, module=found[0], cls=found[1])

    def super_hook(self, method: str, args: list, kwargs: dict, node: ast.Call) -> Any:
        """`super().<method>(...)` of a library class (`Stack.__init__`): nothing to record by default."""
        return None

    def invoke(self, fn: ast.FunctionDef, node: ast.Call, args: list, kwargs: dict, self_value: Any = None,
               module: Module | None = None, cls: ast.ClassDef | None = None) -> Any:
        if self.depth >= MAX_DEPTH:
            # recursion, or calls nested deeper than iaclint follows: said, and no deletion inferred from it
            self.problems.append(Problem(pos_of(node), f"calls nested more than {MAX_DEPTH} deep are not followed; "
                                                       "resources created there are not checked"))
            self.opaque.append((pos_of(node), None))
            return unknown(node)
        module = module or self.m
        with self.in_module(module):
            local = self.bind(fn, args, kwargs, self_value)
            self.depth += 1
            self.frames.append((module, cls, self_value) if cls is not None else (module, None, None))
            try:
                return self.run(fn.body, local)
            finally:
                self.frames.pop()
                self.depth -= 1

    def bind(self, fn: ast.FunctionDef, args: list, kwargs: dict, self_value: Any = None) -> dict[str, Any]:
        """Parameters bound to evaluated arguments; defaults evaluated in the function's own module."""
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        local: dict[str, Any] = {}
        for p, d in zip(reversed(params), reversed(fn.args.defaults)):
            local[p] = self.value(d, {}, allow_calls=False)
        for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults):
            if d is not None:
                local[a.arg] = self.value(d, {}, allow_calls=False)
        if self_value is not None and params:
            local[params[0]] = self_value
            params = params[1:]
        cut = next((i for i, a in enumerate(args) if a is _STARRED), None)
        starred = cut is not None
        positional = args[:cut] if starred else args
        for p, v in zip(params, positional):
            local[p] = v
        if starred:  # `*rest` of unknown length: the later parameters are unknown
            for p in params[len(positional):]:
                local[p] = Expr(p)
        if fn.args.vararg is not None:
            local[fn.args.vararg.arg] = list(positional[len(params):]) if not starred else Expr(fn.args.vararg.arg)
        extra: dict[str, Any] = {}
        known = set(params) | {a.arg for a in fn.args.kwonlyargs}
        for k, v in kwargs.items():
            if k in known:
                local[k] = v
            else:
                extra[k] = v
        if fn.args.kwarg is not None:
            local[fn.args.kwarg.arg] = extra
        return local

    def instantiate(self, cls: ast.ClassDef, node: ast.Call, args, kwargs, env) -> Any:
        obj = Ref("object", data={"class": cls, "module": self.m, "attrs": {}})
        found = self.find_method(self.m, cls, "__init__")
        if found is not None:
            self.invoke(found[2], node, args, kwargs, self_value=obj, module=found[0], cls=found[1])
        return obj

    def call_hook(self, name: str | None, node: ast.Call, args: list, kwargs: dict, env: dict[str, Any]) -> Any:
        """A call of something not defined in this file. Subclasses create resources here."""
        if name and name.rsplit(".", 1)[-1][:1].isupper():
            return self.struct(node, env)
        return unknown(node)

    def method_hook(self, receiver: Ref, method: str, node: ast.Call, env: dict[str, Any]) -> Any:
        for a in node.args:
            self.value(a, env)
        return unknown(node)

    # ------------------------------------------------------------- statements

    def run(self, body: list[ast.stmt], env: dict[str, Any]) -> Any:
        for stmt in body:
            if isinstance(stmt, ast.Return):
                return self.value(stmt.value, env)
            self.statement(stmt, env)
        return None

    def statement(self, stmt: ast.stmt, env: dict[str, Any]) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            if self.steps == MAX_STEPS + 1:
                self.problems.append(Problem(pos_of(stmt), f"the program is longer than iaclint interprets ({MAX_STEPS} "
                                                           "steps); the rest is not checked"))
                self.opaque.append((pos_of(stmt), None))
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            if stmt.value is None:
                return
            v = self.value(stmt.value, env)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                self.assign(t, v, env)
        elif isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Call):
                self.call(stmt.value, env)
        elif isinstance(stmt, ast.If):
            test = self.value(stmt.test, env, allow_calls=False)
            if test is True or test is False:
                self.run_block(stmt.body if test else stmt.orelse, env)
            else:
                self.run_block(stmt.body, env)
                self.run_block(stmt.orelse, env)
        elif isinstance(stmt, ast.For):
            items = self.iterable(stmt.iter, env)
            if items is None:
                self.cannot_expand(stmt, env)
                return
            for item in items:
                if self.steps > MAX_STEPS:
                    self.cannot_expand(stmt, env)
                    return
                self.assign(stmt.target, item, env)
                self.run_block(stmt.body, env)
            self.run_block(stmt.orelse, env)
        elif isinstance(stmt, (ast.With, ast.Try)):
            self.run_block(stmt.body, env)
            if isinstance(stmt, ast.Try):
                self.run_block(stmt.orelse, env)
                self.run_block(stmt.finalbody, env)

    def run_module(self, tree: ast.Module, env: dict[str, Any]) -> None:
        """A program's module-level statements, as `python app.py` runs them: definitions are
        read when called, an `if __name__ == "__main__":` block is entered."""
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test):
                self.run_block(stmt.body, env)
                continue
            self.statement(stmt, env)

    def run_block(self, body: list[ast.stmt], env: dict[str, Any]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Return):
                self.value(stmt.value, env)
                return
            self.statement(stmt, env)

    def assign(self, target: ast.AST, v: Any, env: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = v
        elif isinstance(target, ast.Attribute):
            owner = self.value(target.value, env, allow_calls=False)
            if isinstance(owner, Ref):
                owner.data.setdefault("attrs", {})[target.attr] = v
        elif isinstance(target, (ast.Tuple, ast.List)):
            vs = v if isinstance(v, list) and len(v) == len(target.elts) else [Expr("?")] * len(target.elts)
            for t, x in zip(target.elts, vs):
                self.assign(t, x, env)


def _plain(v: Any) -> bool:
    """A value known exactly: no unknown part and no object of the program."""
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(_plain(x) for x in v.values())
    return v is None or isinstance(v, (str, int, float, bool))


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def base_names(cls: ast.ClassDef, imports: dict[str, str]) -> list[str]:
    return [q for q in (qualname(b, imports) for b in cls.bases) if q]


def pos_of(node: ast.AST) -> Pos:
    return Pos(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, getattr(node, "end_lineno", None))


def snake_to_pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def comments(text: str, path: str) -> list[tuple[str, Pos, str]]:
    """`# iaclint: ...` comments of a file, for suppressions."""
    if "iaclint" not in text:
        return []
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        j = line.find("#")
        if j != -1 and "iaclint" in line[j:]:
            out.append((path, Pos(i, j + 1), line[j:].strip()))
    return out


MAX_MODULES = 200  # modules of the program read for one side of one change


class Project:
    """The program's own modules on one side of a change, read (never run) when a module imports
    them: `from constructs_lib import Pipeline`, `from .pipeline import Pipeline`, `import stacks.data`.
    A name resolves to the program's code only when a module of the tree defines it (or re-exports
    it); anything else is a library (`from constructs import Construct` stays the library even
    with a `constructs/` package in the program that does not define `Construct`)."""

    def __init__(self, tree: Any, side: str) -> None:
        self.tree, self.side = tree, side
        self.modules: dict[str, Module | None] = {}
        self.used: set[str] = set()  # modules whose code was looked up

    def module(self, path: str) -> Module | None:
        if path in self.modules:
            return self.modules[path]
        if len(self.modules) >= MAX_MODULES:
            return None
        from iaclint.languages.base import read_text

        try:
            exists = self.tree.exists(path)
        except Exception:  # pragma: no cover - a tree that cannot answer reads as absent
            exists = False
        mod = None
        if exists:
            text = read_text(self.tree, path, self.side).text
            if text is not None:
                mod, _ = load(text, path)
        self.modules[path] = mod
        return mod

    def resolve(self, m: Module, dotted: str, depth: int = 0) -> tuple[Module, ast.AST] | None:
        if depth > 8 or not dotted.strip("."):
            return None
        level = len(dotted) - len(dotted.lstrip("."))
        parts = dotted[level:].split(".")
        here = posixpath.dirname(m.path)
        if level:
            base = here
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            roots = [base]
        else:
            roots, d = [], here
            while True:
                roots.append(d)
                if not d:
                    break
                d = posixpath.dirname(d)
        name = parts[-1]
        modparts = parts[:-1]
        if not modparts and not level:
            return None
        for root in roots:
            stem = posixpath.join(root, *modparts) if modparts else root
            candidates = [stem + ".py", posixpath.join(stem, "__init__.py")] if modparts else [posixpath.join(stem, "__init__.py")]
            for cand in candidates:
                cand = cand.lstrip("/")
                mod = self.module(cand)
                if mod is None or mod is m:
                    continue
                if name in mod.functions:
                    self.used.add(cand)
                    return mod, mod.functions[name]
                if name in mod.classes:
                    self.used.add(cand)
                    return mod, mod.classes[name]
                if name in mod.imports:
                    found = self.resolve(mod, mod.imports[name], depth + 1)
                    if found is not None:
                        self.used.add(cand)
                        return found
        return None
