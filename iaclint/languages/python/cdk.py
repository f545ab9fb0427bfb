"""AWS CDK Python apps → CloudFormation resources by logical ID, read statically.

CDK v1 apps (`from aws_cdk import core`, `core.Stack`, `core.Construct`, `aws_cdk.aws_s3` one
package per service) are read as the v2 names they became (`interpreter.cdk_v1_as_v2`): the
logical IDs and the constructs' defaults are the same.

Every `Stack` subclass in the file is one stack. Its `__init__` is interpreted (never run):
constructs created with a scope and a literal (or statically known) id get a construct path;
L1 `Cfn*` constructs and the L2 constructs in `rules/cdk/constructs.tsv` become `Resource`s
with the CloudFormation type, so the CloudFormation packs apply.

Logical IDs are computed like aws-cdk-lib's `makeUniqueId` (core/lib/private/uniqueid.ts):
the path below the stack, `Default` components dropped; a single component is the id itself
(a top-level L1 construct keeps its id); otherwise the human part (components without
`Resource`, consecutive duplicates removed, non-alphanumerics stripped, at most 240 chars)
plus the first 8 hex digits, upper-cased, of the MD5 of the components joined by `/`.
tests/data/pyiac/cdk_ids records IDs synthesized by aws-cdk-lib 2.275.0 for comparison.

Removal policies: `removal_policy=RemovalPolicy.X` (or `.apply_removal_policy(...)`) becomes
`meta["deletion_policy"]`; without one, the construct's default from the pack applies
(RETAIN for Bucket, Table, UserPool and most stateful L2s, SNAPSHOT for RDS, DESTROY for Queue, Secret and every L1; each checked by a synth, tests/data/pyiac/cdk_ids/default_policies.json). So removing
`removal_policy=RETAIN` from a Bucket is no change, while RETAIN → DESTROY is one.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Expr, Pos, Resource
from iaclint.knowledge.packs import read_pack
from iaclint.languages.python.interpreter import (
    Interpreter,
    Module,
    Problem,
    Ref,
    load,
    pos_of,
    qualname,
    snake_to_pascal,
)

HIDDEN_ID = "Default"
HIDDEN_FROM_HUMAN_ID = "Resource"
MAX_HUMAN_LEN = 240
MAX_ID_LEN = 255
POLICIES = {"RETAIN": "Retain", "SNAPSHOT": "Snapshot", "DESTROY": "Delete", "RETAIN_ON_UPDATE_OR_DELETE": "RetainExceptOnCreate"}
# Constructs whose logical ID changes on purpose with their content: a new ID is no replacement worth reporting.
INTENTIONAL_NEW_IDS = {"AWS::Lambda::Version", "AWS::ApiGateway::Deployment"}
STACK_BASES = {"aws_cdk.Stack", "aws_cdk.NestedStack"}
CONSTRUCT_BASES = {"constructs.Construct"}
APP_CLASSES = {"aws_cdk.App"}
STAGE_BASES = {"aws_cdk.Stage"}


def make_unique_id(components: list[str]) -> str:
    components = [c for c in components if c != HIDDEN_ID]
    if not components:
        raise ValueError("unable to calculate a unique id for an empty set of components")
    if len(components) == 1:
        candidate = _alnum(components[0])
        if len(candidate) <= MAX_ID_LEN:
            return candidate
    digest = hashlib.md5("/".join(components).encode("utf-8")).hexdigest()[:8].upper()
    human = "".join(_alnum(c) for c in _remove_dupes(components) if c != HIDDEN_FROM_HUMAN_ID)[:MAX_HUMAN_LEN]
    return human + digest


def _alnum(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", s)


def _remove_dupes(path: list[str]) -> list[str]:
    out: list[str] = []
    for c in path:
        if not out or not out[-1].endswith(c):
            out.append(c)
    return out


@dataclass
class ConstructInfo:
    cfn_type: str
    child_id: str
    default_policy: str


def _table(relpath: str) -> list[list[str]]:
    return [ln.split("\t") for ln in read_pack(relpath).splitlines() if ln and not ln.startswith("#")]


_CONSTRUCTS: dict[str, ConstructInfo] | None = None
_PROPS: dict[str, dict[str, str]] | None = None
_CFN_TYPES: dict[str, str] | None = None


def constructs() -> dict[str, ConstructInfo]:
    global _CONSTRUCTS
    if _CONSTRUCTS is None:
        _CONSTRUCTS = {r[0]: ConstructInfo(r[1], r[2], r[3]) for r in _table("cdk/constructs.tsv") if len(r) >= 5}
    return _CONSTRUCTS


def l2_props(key: str) -> dict[str, str]:
    global _PROPS
    if _PROPS is None:
        _PROPS = {}
        for r in _table("cdk/props.tsv"):
            if len(r) >= 4:
                _PROPS.setdefault(r[0], {})[r[1]] = r[2]
    return _PROPS.get(key, {})


def l1_type(module: str, cls: str) -> str | None:
    """`aws_s3`, `CfnBucket` → `AWS::S3::Bucket`, matched case-insensitively against the CloudFormation packs."""
    global _CFN_TYPES
    if _CFN_TYPES is None:
        _CFN_TYPES = {}
        for name in ("cloudformation/create_only.tsv", "cloudformation/stateful.tsv", "cloudformation/stateful_hand.tsv",
                     "cloudformation/protection.tsv"):
            for r in _table(name):
                _CFN_TYPES[r[0].replace("::", "").lower()] = r[0]
    service = module[4:] if module.startswith("aws_") else module
    key = ("aws" + service.replace("_", "") + cls[3:]).lower()
    return _CFN_TYPES.get(key)


@dataclass
class Built:
    ref: Ref
    key: str  # "aws_s3.Bucket" / "aws_s3.CfnBucket"
    cfn_type: str
    l1: bool
    node: ast.Call
    body: dict
    positions: dict[str, Pos]
    meta: dict[str, Any] = field(default_factory=dict)
    override: str | None = None
    path: str = ""  # the module the construct is created in


@dataclass
class CdkStack:
    name: str  # the Stack class (or a construct class read on its own)
    pos: Pos
    resources: dict[str, Resource]
    standalone: bool = False  # a construct class not used by a stack in this file: addresses are construct paths
    termination_protection: Any = None
    instance: str | None = None  # the stack's id where the app creates it (`MyStack(app, "prod")`)
    path: str = ""  # the module that defines the class
    app: str = ""  # the module of the app that creates it, for a stack instance
    opaque: list = field(default_factory=list)  # loops iaclint could not expand in it
    # constructs it creates that iaclint cannot see inside: construct path -> (class, module, Pos, arguments as read)
    unfollowed: dict = field(default_factory=dict)


@dataclass
class CdkProgram:
    stacks: list[CdkStack]
    problems: list[Problem]
    modules: set[str] = field(default_factory=set)  # the program's modules its stacks were read from
    used: set[tuple[str, str]] = field(default_factory=set)  # (module, class) of constructs and stacks its stacks read
    opaque: list = field(default_factory=list)  # loops of the app iaclint could not expand (stacks may be created in them)


class _CdkInterpreter(Interpreter):
    def __init__(self, module: Module, project: Any = None) -> None:
        super().__init__(module)
        self.project = project
        self.built: list[Built] = []
        self.unfollowed: list[tuple] = []  # (construct path, class, node, arguments, module): constructs it cannot see inside
        self.used_classes: set[tuple[str, str]] = set()  # (module path, class) of constructs a stack uses
        self.instances: list[CdkStack] = []
        self.prefix = ""
        self.termination: dict[int, Any] = {}  # id(stack root) -> termination_protection passed to Stack.__init__
        self.modules: set[str] = set()
        self.reading = 0  # stacks being read: a stack created inside one is not another instance

    def is_kind(self, cls: ast.ClassDef, bases: set[str], module: Module | None = None, depth: int = 0) -> bool:
        if depth > 12:
            return False
        for b in self.bases(module or self.m, cls):
            if isinstance(b, str):
                if b in bases:
                    return True
            elif b[1] is not cls and self.is_kind(b[1], bases, b[0], depth + 1):
                return True
        return False

    def invoke(self, fn, node, args, kwargs, self_value=None, module=None, cls=None):
        self.modules.add((module or self.m).path)
        return super().invoke(fn, node, args, kwargs, self_value, module, cls)

    def super_hook(self, method, args, kwargs, node):
        frame = self.frames[-1] if self.frames else None
        if method == "__init__" and frame is not None and isinstance(frame[2], Ref) and "termination_protection" in kwargs:
            self.termination[id(frame[2])] = kwargs["termination_protection"]
        return None

    def instantiate(self, cls, node, args, kwargs, env):
        scope = args[0] if args else kwargs.get("scope")
        cid = args[1] if len(args) > 1 else kwargs.get("id", kwargs.get("construct_id"))
        if isinstance(scope, Ref) and scope.data.get("app") and isinstance(cid, str) and not self.reading \
                and self.is_kind(cls, STAGE_BASES):
            # a Stage (`AppStage(app, "Prod")`): a scope for the stacks created in it, named `Prod/<stack id>`
            stage = Ref("construct", (), data={"app": True, "stage": scope.data.get("stage", "") + cid + "/",
                                               "class": cls, "module": self.m, "attrs": {}})
            found = self.find_method(self.m, cls, "__init__")
            if found is not None:
                self.invoke(found[2], node, args, kwargs, self_value=stage, module=found[0], cls=found[1])
            return stage
        if self.is_kind(cls, STACK_BASES):
            if isinstance(scope, Ref) and scope.data.get("app") and isinstance(cid, str) and not self.reading:
                # a stack the app creates: read now, with the arguments it is given
                site = self.call_site or (self.m.path, node)
                saved, saved_opaque = self.built, self.opaque
                self.reading += 1
                try:
                    stack = _read_root(self, self.m, cls, self.prefix, standalone=False, args=args, kwargs=kwargs)
                finally:
                    self.reading -= 1
                self.built, self.opaque = saved, saved_opaque
                stack.instance = scope.data.get("stage", "") + cid
                stack.app, stack.pos = site[0], pos_of(site[1])
                if stack.termination_protection is None and "termination_protection" in kwargs:
                    stack.termination_protection = kwargs["termination_protection"]
                self.instances.append(stack)
                return stack.data_ref if hasattr(stack, "data_ref") else Ref("object", data={"attrs": {}})
            return Ref("object", data={"attrs": {}})  # each stack class is read on its own
        if isinstance(scope, Ref) and scope.kind == "construct":
            self.used_classes.add((self.m.path, cls.name))
            if not isinstance(cid, str):
                self.problems.append(Problem(pos_of(node), f"construct id `{ast.unparse(node.args[1]) if len(node.args) > 1 else '?'}` "
                                                           "cannot be determined statically; its resources are not checked"))
                self.opaque.append((pos_of(node), None))
                return Ref("object", data={"attrs": {}})
            ref = Ref("construct", scope.path + (cid,), data={"class": cls, "module": self.m, "attrs": {}})
            found = self.find_method(self.m, cls, "__init__")
            if found is not None:
                self.invoke(found[2], node, args, kwargs, self_value=ref, module=found[0], cls=found[1])
            return ref
        return super().instantiate(cls, node, args, kwargs, env)

    def unfollowed_construct(self, name: str, node: ast.Call, args: list, kwargs: dict) -> Any:
        scope = args[0] if args else kwargs.get("scope")
        cid = args[1] if len(args) > 1 else kwargs.get("id", kwargs.get("construct_id"))
        if not isinstance(cid, str):
            self.problems.append(Problem(pos_of(node), f"construct id of `{ast.unparse(node.func)}` cannot be determined "
                                                       "statically; it is not checked"))
            self.opaque.append((pos_of(node), None))  # it may create anything: no deletion is reported past it
            return Ref("object", data={"attrs": {}})
        ref = Ref("construct", scope.path + (cid,), data={"attrs": {}})
        self.unfollowed.append((ref.path, name, node, _arguments(args[2:], kwargs, scope.path), self.m.path))
        return ref

    def attribute(self, ref: Ref, attr: str, node: ast.AST) -> Any:
        if attr == "node" and ref.kind == "construct":
            return Ref("object", data={"node_of": ref, "attrs": {}})
        if attr == "default_child" and "node_of" in ref.data:
            return ref.data["node_of"]
        return super().attribute(ref, attr, node)

    def _built_for(self, ref: Ref) -> Built | None:
        for b in self.built:
            if b.ref is ref:
                return b
        return None

    def method_hook(self, receiver: Ref, method: str, node: ast.Call, env: dict[str, Any]) -> Any:
        built = self._built_for(receiver)
        if built is not None and method == "apply_removal_policy" and node.args:
            built.meta["deletion_policy"] = _policy(self.value(node.args[0], env))
            built.positions["@DeletionPolicy"] = pos_of(node)
        elif built is not None and method == "override_logical_id" and node.args:
            v = self.value(node.args[0], env)
            if isinstance(v, str):
                built.override = v
            else:
                self.problems.append(Problem(pos_of(node), "overridden logical ID cannot be determined statically"))
        return super().method_hook(receiver, method, node, env)

    def call_hook(self, name, node, args, kwargs, env):
        if name in APP_CLASSES:
            return Ref("construct", (), data={"app": True, "attrs": {}})
        if name in CONSTRUCT_BASES and args and isinstance(args[0], Ref) and args[0].kind == "construct":
            cid = args[1] if len(args) > 1 else kwargs.get("id")
            if isinstance(cid, str):
                return Ref("construct", args[0].path + (cid,), data={"attrs": {}})
        if name and not name.startswith("aws_cdk.") and name.rsplit(".", 1)[-1][:1].isupper() \
                and isinstance(args[0] if args else kwargs.get("scope"), Ref) and (args[0] if args else kwargs.get("scope")).kind == "construct":
            # a construct class from another package (`from acme_constructs import SecureBucket`): its resources
            # are not known; said when it is removed, renamed or changed (never a silent drop)
            return self.unfollowed_construct(name, node, args, kwargs)
        if not name or not name.startswith("aws_cdk."):
            return super().call_hook(name, node, args, kwargs, env)
        parts = name.split(".")
        cls = parts[-1]
        scope = args[0] if args else kwargs.get("scope")
        if not cls[:1].isupper() or not isinstance(scope, Ref) or scope.kind != "construct":
            return super().call_hook(name, node, args, kwargs, env)
        cid = args[1] if len(args) > 1 else kwargs.get("id")
        if not isinstance(cid, str):
            self.problems.append(Problem(pos_of(node), f"construct id of `{ast.unparse(node.func)}` cannot be determined "
                                                       "statically; it is not checked"))
            self.opaque.append((pos_of(node), {name}))
            return Ref("object", data={"attrs": {}})
        ref = Ref("construct", scope.path + (cid,), data={"attrs": {}})
        module = parts[1] if len(parts) > 2 else ""
        key = f"{module}.{cls}"
        info = constructs().get(key)
        l1 = cls.startswith("Cfn") and len(cls) > 3
        cfn_type = info.cfn_type if info else (l1_type(module, cls) if l1 else None)
        if cfn_type is None and module and not l1:
            # an L2 construct whose resources the packs do not list (`ec2.Vpc`, `rds.ServerlessCluster`): said when
            # removed or renamed; its arguments are edited all the time, and what they do inside is not known (None)
            self.unfollowed.append((ref.path, name, node, None, self.m.path))
            return ref
        if cfn_type is None or cfn_type in INTENTIONAL_NEW_IDS:
            return ref
        body: dict[str, Any] = {}
        positions: dict[str, Pos] = {}
        meta: dict[str, Any] = {}
        mapping = l2_props(key)
        keywords = {k.arg: k for k in node.keywords if k.arg}
        for prop, value in kwargs.items():
            kw = keywords.get(prop)
            p = pos_of(kw.value) if kw is not None else pos_of(node)
            if prop in ("scope", "id"):
                continue
            if prop == "removal_policy":
                meta["deletion_policy"] = _policy(value)
                positions["@DeletionPolicy"] = p
                continue
            if l1:
                target = snake_to_pascal(prop)
                body[target] = _pascal(value)
            elif prop in mapping:
                target = mapping[prop]
                if target == "KeySchema":
                    body.setdefault(target, []).append(value)
                else:
                    body[target] = value
            else:
                target = prop
                body[target] = value
            positions.setdefault(target, p)
        if "deletion_policy" not in meta and info is not None:
            meta["deletion_policy"] = info.default_policy
        meta["class"] = name
        body = _relative_refs(body, scope.path)
        self.built.append(Built(ref, key, cfn_type, l1, node, body, positions, meta, path=self.m.path))
        return ref


def _arguments(args: list, kwargs: dict, scope: tuple[str, ...]) -> str:
    """A construct's arguments as read (constructs as relative paths): equal when nothing changed."""
    rest = {k: v for k, v in kwargs.items() if k not in ("scope", "id", "construct_id")}
    return repr((_relative_refs(list(args), scope), sorted(_relative_refs(rest, scope).items())))


def _relative_refs(value: Any, scope: tuple[str, ...]) -> Any:
    """A construct passed as a value (`queue=self.dead_letters`) as its path from the scope the
    resource is created in (`./DeadLetters`): renaming an enclosing construct changes no such reference."""
    if isinstance(value, Ref):
        if value.kind != "construct":
            return Expr(f"<{value.kind}>")
        n = 0
        while n < min(len(scope), len(value.path)) and scope[n] == value.path[n]:
            n += 1
        return Expr("construct " + ("../" * (len(scope) - n) or "./") + "/".join(value.path[n:]))
    if isinstance(value, dict):
        return {k: _relative_refs(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative_refs(v, scope) for v in value]
    return value


def _find(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _policy(value: Any) -> Any:
    if isinstance(value, Expr):
        last = value.text.rsplit(".", 1)[-1]
        if "RemovalPolicy" in value.text and last in POLICIES:
            return POLICIES[last]
    return value if isinstance(value, Expr) else Expr(repr(value))


def _pascal(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake_to_pascal(k) if "_" in k or k[:1].islower() else k: _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


def parse_cdk(text: str, path: str, stack_prefix: str, project: Any = None) -> CdkProgram:
    """The stacks of one file: those the app in it creates (one per `MyStack(app, "id")`), then its
    other Stack classes read on their own, then construct classes no stack read here uses.
    With a `Project`, classes and helpers imported from the program's other modules are followed."""
    module, problem = load(text, path)
    if module is None:
        return CdkProgram([], [problem])  # type: ignore[list-item]
    if project is not None:
        project.modules[path] = module
    interp = _CdkInterpreter(module, project)
    interp.prefix = stack_prefix
    stacks: list[CdkStack] = []
    top_opaque: list = []
    # the app: module-level statements of a file that creates one
    if any(isinstance(n, ast.Call) and qualname(n.func, module.imports) in APP_CLASSES for n in ast.walk(module.tree)):
        env: dict[str, Any] = {}
        interp.run_module(module.tree, env)
        stacks += interp.instances
    top_opaque = list(interp.opaque)
    created = {(s.path, s.name) for s in interp.instances}
    stack_classes = [c for c in module.classes.values() if interp.is_kind(c, STACK_BASES)]
    # `termination_protection=` where a stack class is instantiated (usually app.py, module level)
    at_call: dict[str, Any] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in module.classes:
            for k in node.keywords:
                if k.arg == "termination_protection":
                    at_call[node.func.id] = interp.value(k.value, {}, allow_calls=False)
    for cls in stack_classes:
        if (path, cls.name) in created:
            continue
        stack = _read_root(interp, module, cls, stack_prefix, standalone=False)
        if stack.termination_protection is None and cls.name in at_call:
            stack.termination_protection = at_call[cls.name]
        stacks.append(stack)
    # construct classes no stack here uses: read on their own, addressed by construct path
    for cls in module.classes.values():
        if cls in stack_classes or (path, cls.name) in interp.used_classes or not interp.is_kind(cls, CONSTRUCT_BASES):
            continue
        stacks.append(_read_root(interp, module, cls, stack_prefix, standalone=True))
    used = set(interp.used_classes) | {(s.path, s.name) for s in interp.instances}
    return CdkProgram(stacks, interp.problems, interp.modules | {path}, used, top_opaque)


def _read_root(interp: _CdkInterpreter, module: Module, cls: ast.ClassDef, prefix: str, standalone: bool,
               args: list | None = None, kwargs: dict | None = None) -> CdkStack:
    interp.built = []
    interp.unfollowed = []
    interp.opaque = type(interp.opaque)(interp)
    root = Ref("construct", (), data={"class": cls, "module": module, "attrs": {}})
    found = interp.find_method(module, cls, "__init__")
    termination = None
    if found is not None:
        init_module, init_cls, init = found
        params = [a.arg for a in init.args.posonlyargs + init.args.args]
        if args is None:
            # read on its own: its parameters are unknown
            args = [Expr(p) for p in params[1:]]
            kwargs = {a.arg: Expr(a.arg) for a in init.args.kwonlyargs}
            for node in ast.walk(init):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
                    for k in node.keywords:
                        if k.arg == "termination_protection":
                            env = {p: Expr(p) for p in params}
                            with interp.in_module(init_module):
                                termination = interp.value(k.value, env, allow_calls=False)
        depth = interp.depth
        interp.depth = 0
        try:
            interp.invoke(init, ast.Call(func=ast.Name(cls.name), args=[], keywords=[]), args, kwargs or {}, self_value=root,
                          module=init_module, cls=init_cls)
        finally:
            interp.depth = depth
        if id(root) in interp.termination:
            termination = interp.termination[id(root)]
    stack_name = f"{prefix}::{cls.name}"
    resources: dict[str, Resource] = {}
    for b in interp.built:
        components = list(b.ref.path) + ([] if b.l1 else [constructs()[b.key].child_id if b.key in constructs() else "Resource"])
        if standalone:
            address = cls.name + "/" + "/".join(components)
        else:
            address = b.override or make_unique_id(components)
        meta = dict(b.meta)
        meta["construct_path"] = "/".join(components)
        meta["construct"] = b.key
        resources[address] = Resource(
            address=address,
            type=b.cfn_type,
            stack=stack_name,
            path=b.path or module.path,
            pos=pos_of(b.node),
            body=b.body,
            positions=b.positions,
            language="cdk",
            meta=meta,
        )
    unfollowed = {"/".join(p): (name, where or module.path, pos_of(node), args) for p, name, node, args, where in interp.unfollowed}
    stack = CdkStack(cls.name, pos_of(cls), resources, standalone, termination, path=module.path, opaque=interp.opaque,
                     unfollowed=unfollowed)
    stack.data_ref = root  # type: ignore[attr-defined]
    return stack
