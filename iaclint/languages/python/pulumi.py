"""Pulumi Python programs → resources by type + name, read statically.

The module's top-level statements are interpreted (never run), following calls into helper
functions and `ComponentResource` classes of the same file. A call of a provider class
(`aws.s3.Bucket("assets", ...)`, from `pulumi_aws`, `pulumi_gcp`, `pulumi_azure`) is a resource
whose address is `<class path>.<name>` (`aws.s3.Bucket.assets`). Its type is the Terraform type
the class is bridged from (`rules/pulumi/types.tsv`), so the Terraform packs apply; keyword
arguments are the body (Pulumi's snake_case names are the Terraform attribute names).

`opts=pulumi.ResourceOptions(...)`: `protect` → `meta["prevent_destroy"]`, `retain_on_delete`
→ `meta["retain_on_delete"]`, `aliases=[pulumi.Alias(name="old")]` → a move from the old
address (a rename with a matching alias is no replacement).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Expr, Resource
from iaclint.knowledge.packs import read_pack
from iaclint.languages.python.interpreter import Interpreter, Module, Problem, Ref, load, pos_of

PROVIDERS = {"pulumi_aws": "aws", "pulumi_gcp": "gcp", "pulumi_azure": "azure"}
_TYPES: dict[str, str] | None = None


def terraform_type(class_path: str) -> str:
    global _TYPES
    if _TYPES is None:
        _TYPES = {}
        for ln in read_pack("pulumi/types.tsv").splitlines():
            if ln and not ln.startswith("#"):
                row = ln.split("\t")
                if len(row) >= 3:
                    _TYPES[row[0]] = row[1]
    return _TYPES.get(class_path, class_path)


@dataclass
class PulumiProgram:
    resources: dict[str, Resource]
    moved: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # loops iaclint could not expand: (position, classes called in them or None for any)
    opaque: list = field(default_factory=list)


class _PulumiInterpreter(Interpreter):
    def __init__(self, module: Module, path: str, stack: str) -> None:
        super().__init__(module)
        self.path, self.stack = path, stack
        self.resources: dict[str, Resource] = {}
        self.moved: dict[str, str] = {}

    def call_hook(self, name, node, args, kwargs, env):
        if not name:
            return super().call_hook(name, node, args, kwargs, env)
        head, _, rest = name.partition(".")
        prefix = PROVIDERS.get(head)
        cls = name.rsplit(".", 1)[-1]
        if prefix is None or not rest or not cls[:1].isupper() or cls.endswith("Args"):
            return super().call_hook(name, node, args, kwargs, env)
        class_path = f"{prefix}.{rest}"
        rname = args[0] if args else kwargs.get("resource_name")
        if not isinstance(rname, str):
            if args or "resource_name" in kwargs:
                self.problems.append(Problem(pos_of(node), f"name of `{class_path}` cannot be determined statically; "
                                                           "it is not checked"))
                return Ref("object", data={"attrs": {}})
            return super().call_hook(name, node, args, kwargs, env)
        opts = kwargs.get("opts")
        opts = opts if isinstance(opts, dict) else {}
        address = f"{class_path}.{rname}"
        aliases = [a.get("name") for a in (opts.get("aliases") or []) if isinstance(opts.get("aliases"), list)
                   and isinstance(a, dict) and isinstance(a.get("name"), str)]
        for old in aliases:
            self.moved[f"{class_path}.{old}"] = address
        keywords = {k.arg: k for k in node.keywords if k.arg}
        body, positions = {}, {}
        for key, value in kwargs.items():
            if key in ("opts", "resource_name"):
                continue
            body[key] = value
            positions[key] = pos_of(keywords[key].value) if key in keywords else pos_of(node)
        meta: dict[str, Any] = {"class": name}
        if "protect" in opts:
            meta["prevent_destroy"] = opts["protect"]
        if "retain_on_delete" in opts:
            meta["retain_on_delete"] = opts["retain_on_delete"]
        if "opts" in keywords:
            positions["opts"] = pos_of(keywords["opts"].value)
        self.resources[address] = Resource(
            address=address,
            type=terraform_type(class_path),
            stack=self.stack,
            path=self.path,
            pos=pos_of(node),
            body=body,
            positions=positions,
            language="pulumi",
            meta=meta,
        )
        # references to it read the same after a rename that has an alias
        canonical = f"{class_path}.{aliases[0]}" if aliases else address
        return Ref("resource", (canonical,), data={"attrs": {}})


def parse_pulumi(text: str, path: str, stack: str) -> PulumiProgram:
    module, problem = load(text, path)
    if module is None:
        return PulumiProgram({}, problems=[problem])  # type: ignore[list-item]
    interp = _PulumiInterpreter(module, path, stack)
    env: dict[str, Any] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            continue
        if isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test):
            interp.run_block(stmt.body, env)
            continue
        interp.statement(stmt, env)
    if not interp.resources and "def " in text:
        # a module of helpers only: read each function on its own, its parameters unknown
        for fn in module.functions.values():
            params = {a.arg: Expr(a.arg) for a in fn.args.args + fn.args.kwonlyargs}
            interp.run(fn.body, params)
    return PulumiProgram(interp.resources, interp.moved, interp.problems, interp.opaque)

