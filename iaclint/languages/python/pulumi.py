"""Pulumi Python programs → resources by type + name, read statically.

The module's top-level statements are interpreted (never run), following calls into helper
functions and `ComponentResource` classes of the same file. A call of a provider class
(`aws.s3.Bucket("assets", ...)`, from `pulumi_aws`, `pulumi_gcp`, `pulumi_azure`,
`pulumi_azure_native`) is a resource whose address is `<class path>.<name>`
(`aws.s3.Bucket.assets`). Its type is the Terraform type the class is bridged from
(`rules/pulumi/types.tsv`, else Pulumi's token convention when the packs know the type), so the
Terraform packs apply; keyword arguments are the body (Pulumi's snake_case names are the
Terraform attribute names). An azure-native class is its ARM type
(`rules/pulumi/azure_native.tsv`: `Microsoft.Storage/storageAccounts`), stateful when the azurerm
type for the same ARM type is; its API-version modules (`storage.v20230101`) are the same class.

Components (`pulumi.ComponentResource` subclasses, also in the program's other modules) are
followed: a child created with `opts=pulumi.ResourceOptions(parent=self)` has the component's
type chain in its URN, so its address is `orders:index:Storage$aws.s3.Bucket.assets`; moving a
resource into a component (or changing the component's type) is a new URN unless an alias
(`pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)`, `Alias(type_=...)` on the component) says
where it was. A child inherits its parent's `protect`.

`opts=pulumi.ResourceOptions(...)`: `protect` → `meta["prevent_destroy"]`, `retain_on_delete`
→ `meta["retain_on_delete"]`, `aliases=[pulumi.Alias(name="old")]` → a move from the old
address (a rename with a matching alias is no replacement).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Expr, Resource
from iaclint.knowledge.packs import read_pack
from iaclint.languages.python.interpreter import Interpreter, Module, Problem, Ref, load, pos_of

PROVIDERS = {"pulumi_aws": "aws", "pulumi_gcp": "gcp", "pulumi_azure": "azure", "pulumi_azure_native": "azure_native"}
# the Terraform provider a bridged Pulumi provider is made from: its types' prefix
BRIDGED = {"aws": "aws", "gcp": "google", "azure": "azurerm"}
COMPONENT_BASES = {"pulumi.ComponentResource"}
# an azure-native API-version module: `storage.v20230101.StorageAccount` is `storage.StorageAccount` at that version
_API_VERSION = re.compile(r"\.v\d{8}(?:preview|privatepreview|beta)?(?=\.)")
_TYPES: dict[str, str] | None = None


def _rows(pack: str) -> dict[str, str]:
    out = {}
    for ln in read_pack(pack).splitlines():
        if ln and not ln.startswith("#"):
            row = ln.split("\t")
            if len(row) >= 3:
                out[row[0]] = row[1]
    return out


def terraform_type(class_path: str) -> str:
    """The type a Pulumi class manages: the Terraform type a bridged provider's class is made from
    (`rules/pulumi/types.tsv`, else Pulumi's token convention `gcp.sql.DatabaseInstance` →
    `google_sql_database_instance` when the Terraform packs know that type), the ARM type of an
    azure-native class (`rules/pulumi/azure_native.tsv`); else the class path itself (no facts)."""
    global _TYPES
    if _TYPES is None:
        _TYPES = {**_rows("pulumi/types.tsv"), **_rows("pulumi/azure_native.tsv")}
    if class_path in _TYPES:
        return _TYPES[class_path]
    parts = class_path.split(".")
    if len(parts) == 3 and parts[0] in BRIDGED:
        prefix = BRIDGED[parts[0]]
        candidate = f"{prefix}_{parts[1].rstrip('_')}_{_snake(parts[2])}"
        if any(f"\n{candidate}\t" in read_pack(f"terraform/{prefix}/{kind}.tsv") for kind in ("stateful", "force_new")):
            return candidate
    return class_path


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)).lower()


@dataclass
class PulumiProgram:
    resources: dict[str, Resource]
    moved: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # loops iaclint could not expand: (position, classes called in them or None for any)
    opaque: list = field(default_factory=list)
    modules: set[str] = field(default_factory=set)  # the program's modules read
    # resources and components of packages iaclint does not read: address -> (class, module, Pos, arguments)
    unfollowed: dict[str, tuple] = field(default_factory=dict)


class _PulumiInterpreter(Interpreter):
    def __init__(self, module: Module, path: str, stack: str) -> None:
        super().__init__(module)
        self.path, self.stack = path, stack
        self.resources: dict[str, Resource] = {}
        self.moved: dict[str, str] = {}
        self.modules: set[str] = set()
        self.unfollowed: dict[str, tuple] = {}  # address -> (class, module, Pos, arguments): classes it cannot see inside

    def invoke(self, fn, node, args, kwargs, self_value=None, module=None, cls=None):
        self.modules.add((module or self.m).path)
        return super().invoke(fn, node, args, kwargs, self_value, module, cls)

    def call_hook(self, name, node, args, kwargs, env):
        if not name:
            return super().call_hook(name, node, args, kwargs, env)
        head, _, rest = name.partition(".")
        prefix = PROVIDERS.get(head)
        cls = name.rsplit(".", 1)[-1]
        if prefix is None and rest and cls[:1].isupper() and not cls.endswith("Args") and head != "pulumi" \
                and head not in sys.stdlib_module_names:
            rname = args[0] if args else kwargs.get("resource_name")
            if isinstance(rname, str):
                # a resource or component of a package iaclint does not read (`pulumi_random`, `pulumi_eks`, a
                # company's component library): what it creates is not known; said when it is removed or changed
                opts = kwargs.get("opts") if isinstance(kwargs.get("opts"), dict) else {}
                key = f"{_chain(opts.get('parent'))}{name}.{rname}"
                rest_args = {k: v for k, v in kwargs.items() if k not in ("opts", "resource_name")}
                self.unfollowed[key] = (name, self.m.path or self.path, pos_of(node), repr((args[1:], sorted(rest_args.items(), key=lambda kv: kv[0]))))
                return Ref("resource", (key,), data={"attrs": {}})
        if prefix is None or not rest or not cls[:1].isupper() or cls.endswith("Args"):
            return super().call_hook(name, node, args, kwargs, env)
        # an API-version module is the same resource (azure-native aliases every version's type)
        class_path = _API_VERSION.sub("", f"{prefix}.{rest}") if prefix == "azure_native" else f"{prefix}.{rest}"
        rname = args[0] if args else kwargs.get("resource_name")
        if not isinstance(rname, str):
            if args or "resource_name" in kwargs:
                self.problems.append(Problem(pos_of(node), f"name of `{class_path}` cannot be determined statically; "
                                                           "it is not checked"))
                return Ref("object", data={"attrs": {}})
            return super().call_hook(name, node, args, kwargs, env)
        opts = kwargs.get("opts")
        opts = opts if isinstance(opts, dict) else {}
        parent = opts.get("parent")
        chain = _chain(parent)
        address = f"{chain}{class_path}.{rname}"
        olds = self.old_addresses(opts, chain, class_path, rname, parent)
        for old in olds:
            if old != address:
                self.moved[old] = address
        aliases = [o for o in olds if o != address]
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
        elif isinstance(parent, Ref) and "protect" in parent.data:
            meta["prevent_destroy"] = parent.data["protect"]  # a child inherits its parent's `protect`
        if "retain_on_delete" in opts:
            meta["retain_on_delete"] = opts["retain_on_delete"]
        if "opts" in keywords:
            positions["opts"] = pos_of(keywords["opts"].value)
        self.resources[address] = Resource(
            address=address,
            type=terraform_type(class_path),
            stack=self.stack,
            path=self.m.path or self.path,
            pos=pos_of(node),
            body=body,
            positions=positions,
            language="pulumi",
            meta=meta,
        )
        # references to it read the same after a rename that has an alias
        canonical = aliases[0] if aliases else address
        return Ref("resource", (canonical,), data={"attrs": {}})

    def old_addresses(self, opts: dict, chain: str, class_path: str, rname: str, parent: Any) -> list[str]:
        """The addresses `aliases=[pulumi.Alias(...)]` (and the parent's own aliases) say the resource had:
        `Alias(name=)` another name, `Alias(parent=pulumi.ROOT_STACK_RESOURCE)` no parent, `Alias(parent=c)` another
        parent, `Alias(type_=)` another type (of a component: its children's type chain changes with it)."""
        out: list[str] = []
        raw = opts.get("aliases")
        for a in raw if isinstance(raw, list) else []:
            if not isinstance(a, dict):
                continue
            name = a.get("name", rname)
            old_chain = chain
            if "parent" in a:
                p = a["parent"]
                old_chain = "" if isinstance(p, Expr) and p.text.endswith("ROOT_STACK_RESOURCE") else _chain(p)
            if isinstance(name, str):
                out.append(f"{old_chain}{class_path}.{name}")
        # a parent's aliases apply to its children (Pulumi derives child aliases from them)
        if isinstance(parent, Ref):
            for old_chain in parent.data.get("old_chains", []):
                out.append(f"{old_chain}{class_path}.{rname}")
        return out

    def instantiate(self, cls, node, args, kwargs, env):
        if not self.is_component(self.m, cls):
            return super().instantiate(cls, node, args, kwargs, env)
        obj = Ref("resource", data={"class": cls, "module": self.m, "attrs": {}, "component": True})
        found = self.find_method(self.m, cls, "__init__")
        if found is not None:
            self.invoke(found[2], node, args, kwargs, self_value=obj, module=found[0], cls=found[1])
        return obj

    def is_component(self, module: Module, cls: ast.ClassDef, depth: int = 0) -> bool:
        for b in self.bases(module, cls):
            if isinstance(b, str) and b in COMPONENT_BASES:
                return True
            if isinstance(b, tuple) and depth < 12 and b[1] is not cls and self.is_component(b[0], b[1], depth + 1):
                return True
        return False

    def super_hook(self, method, args, kwargs, node):
        """`super().__init__("orders:index:Storage", name, None, opts)` of a ComponentResource: its type token
        and parent make the type chain its children's URNs start with."""
        frame = self.frames[-1] if self.frames else None
        if method != "__init__" or frame is None or not isinstance(frame[2], Ref) or not frame[2].data.get("component"):
            return None
        comp = frame[2]
        token = args[0] if args else kwargs.get("t", kwargs.get("type_"))
        opts = args[3] if len(args) > 3 else kwargs.get("opts")
        opts = opts if isinstance(opts, dict) else {}
        if not isinstance(token, str):
            self.problems.append(Problem(pos_of(node), "component type cannot be determined statically; the URNs of its "
                                                       "children are not checked"))
            self.opaque.append((pos_of(node), None))
            token = "?"
        parent = opts.get("parent")
        comp.data["chain"] = _chain(parent) + token + "$"
        if "protect" in opts:
            comp.data["protect"] = opts["protect"]
        elif isinstance(parent, Ref) and "protect" in parent.data:
            comp.data["protect"] = parent.data["protect"]
        olds: list[str] = []
        raw = opts.get("aliases")
        for a in raw if isinstance(raw, list) else []:
            if isinstance(a, dict):
                old_parent_chain = _chain(parent)
                if "parent" in a:
                    p = a["parent"]
                    old_parent_chain = "" if isinstance(p, Expr) and p.text.endswith("ROOT_STACK_RESOURCE") else _chain(p)
                old_type = a.get("type_", token)
                if isinstance(old_type, str):
                    olds.append(old_parent_chain + old_type + "$")
        if isinstance(parent, Ref):
            olds += [c + token + "$" for c in parent.data.get("old_chains", [])]
        comp.data["old_chains"] = [c for c in olds if c != comp.data["chain"]]
        return None


def _chain(parent: Any) -> str:
    """The type chain a parent gives its children's URNs: `orders:index:Storage$` (empty at the stack's root)."""
    if isinstance(parent, Ref):
        return parent.data.get("chain", "")
    return ""


def parse_pulumi(text: str, path: str, stack: str, project: Any = None) -> PulumiProgram:
    module, problem = load(text, path)
    if module is None:
        return PulumiProgram({}, problems=[problem])  # type: ignore[list-item]
    if project is not None:
        project.modules[path] = module
    interp = _PulumiInterpreter(module, path, stack)
    interp.project = project
    env: dict[str, Any] = {}
    interp.run_module(module.tree, env)
    if not interp.resources and "def " in text:
        # a module of helpers only: read each function on its own, its parameters unknown
        for fn in module.functions.values():
            params = {a.arg: Expr(a.arg) for a in fn.args.args + fn.args.kwonlyargs}
            interp.run(fn.body, params)
    return PulumiProgram(interp.resources, interp.moved, interp.problems, interp.opaque, interp.modules | {path},
                         interp.unfollowed)

