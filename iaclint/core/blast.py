"""Blast radius: what a replaced (or deleted) resource takes down with it.

A replaced resource gets new identifiers. Every resource that refers to it in an attribute
that cannot be updated in place (force-new in the provider, createOnly in CloudFormation) is
replaced too, and so on to a fixed point: a VPC replaced → its subnets → the instances and
databases in them.

References are read from the AFTER side of the whole stack:
- Terraform: `type . name` tokens in expression texts (`aws_vpc.main.id`), within one module;
- CloudFormation: `Ref`, `Fn::GetAtt` and `${...}` in `Fn::Sub`.

A reference to an attribute written in the referenced resource's configuration and not
changed by this change (`aws_subnet.a.cidr_block` with `cidr_block = "10.0.1.0/24"`) stays
known through the replacement, so it does not cascade; ids, ARNs and other computed
attributes do. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from iaclint.core.model import Expr, Resource
from iaclint.core.record import FRESH, FrozenRecord, Record

# `type . name`, optionally `[ key ]`, optionally `. attribute`, in hcl.normalized_text spelling
_TF_REF = re.compile(r"(?<![\w-])([A-Za-z][\w-]*) \. ([A-Za-z_][\w-]*)(?: \[ [^\]]*? \])?(?: \. ([A-Za-z_][\w-]*))?")
_TF_NOT_RESOURCES = {"var", "local", "module", "data", "each", "count", "path", "self", "terraform"}
_SUB_REF = re.compile(r"\$\{(?!!)([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")
_INDEX = re.compile(r"^\d+$")


class Ref(FrozenRecord):
    """One reference from a resource to another in the same stack."""

    attr: str  # dotted attribute path in the referring resource (list indices and intrinsics left out)
    target: str  # address of the referenced resource in the same stack
    target_attr: str | None  # the attribute read from it (`id`, `Arn`), None for a bare reference/Ref

    def __init__(self, attr: str, target: str, target_attr: str | None) -> None:
        d = self.__dict__
        d["attr"] = attr
        d["target"] = target
        d["target_attr"] = target_attr


class Cascade(Record):
    """The resources a replaced or deleted one takes with it."""

    root: str  # the resource this change replaces or deletes
    deleted: bool  # True: the root is deleted, False: replaced
    # dependent address -> (the resource it refers to, the Ref through which it must be replaced)
    dependents: dict[str, tuple[str, Ref]]

    def __init__(self, root: str, deleted: bool, dependents: dict[str, tuple[str, Ref]] = FRESH) -> None:
        self.root = root
        self.deleted = deleted
        self.dependents = {} if dependents is FRESH else dependents


def references(resource: Resource, addresses: set[str]) -> list[Ref]:
    """The references from `resource` to other resources of `addresses` (same stack)."""
    out: list[Ref] = []
    if resource.language == "cloudformation":
        _cfn_refs(resource.body, "", addresses, out)
    else:
        _tf_refs(resource.body, "", resource.module, addresses, out)
    return [r for r in out if r.target != resource.address]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _tf_refs(value: Any, path: str, module: str, addresses: set[str], out: list[Ref]) -> None:
    if isinstance(value, Expr):
        text = value.text
        for m in _TF_REF.finditer(text):
            if text[: m.start()].rstrip().endswith("."):
                continue  # `data . aws_x . y`, `module . m . out`: the tail of another reference
            kind, name, attr = m.groups()
            if kind in _TF_NOT_RESOURCES or "_" not in kind:
                continue
            target = f"{module}{kind}.{name}"
            if target in addresses:
                out.append(Ref(path, target, attr))
    elif isinstance(value, dict):
        for k, v in value.items():
            _tf_refs(v, _join(path, k), module, addresses, out)
    elif isinstance(value, list):
        for v in value:
            _tf_refs(v, path, module, addresses, out)


def _cfn_refs(value: Any, path: str, addresses: set[str], out: list[Ref]) -> None:
    if isinstance(value, dict):
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str):
                if arg in addresses:
                    out.append(Ref(path, arg, None))
                return
            if fn == "Fn::GetAtt":
                if isinstance(arg, str):
                    arg = arg.split(".", 1)
                if isinstance(arg, list) and arg and isinstance(arg[0], str) and arg[0] in addresses:
                    out.append(Ref(path, arg[0], str(arg[1]) if len(arg) > 1 else None))
                return
            if fn == "Fn::Sub":
                template = arg[0] if isinstance(arg, list) and arg else arg
                local_vars = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
                if isinstance(template, str):
                    for m in _SUB_REF.finditer(template):
                        if m.group(1) in addresses and m.group(1) not in local_vars:
                            out.append(Ref(path, m.group(1), m.group(2)))
                _cfn_refs(local_vars, path, addresses, out)
                return
            if fn.startswith("Fn::"):
                _cfn_refs(arg, path, addresses, out)
                return
        for k, v in value.items():
            _cfn_refs(v, _join(path, k), addresses, out)
    elif isinstance(value, list):
        for v in value:
            _cfn_refs(v, path, addresses, out)


def forces_replacement(attr: str, force_keys: set[str]) -> bool:
    return any(attr == k or attr.startswith(k + ".") for k in force_keys)


def stays_known(target: Resource, target_attr: str | None, changed_attrs: set[str]) -> bool:
    """A configured attribute keeps its value through the replacement; ids and ARNs do not."""
    if not target_attr or target_attr in changed_attrs:
        return False
    return target_attr in target.body


def cascades(
    roots: dict[str, bool],
    resources: dict[str, Resource],
    force_keys,
    changed_attrs: dict[str, set[str]] | None = None,
    fresh: set[str] | frozenset = frozenset(),
) -> list[Cascade]:
    """For each root (address -> deleted?), its dependents to a fixed point.

    `force_keys(type)` gives the attribute paths of a type that force replacement. A dependent
    of a deleted root must go as well (its reference would dangle); a dependent of a replaced
    root is replaced when the referring attribute forces replacement.
    """
    changed_attrs = changed_attrs or {}
    addresses = set(resources) | set(roots)
    refs_by_target: dict[str, list[tuple[str, Ref]]] = {}
    # a template read by what its change touched reads its other resources only when their text
    # names a resource the cascade reaches (`mentioning`): no other resource can refer to it
    mentioning = getattr(resources, "mentioning", None)
    scanned: set[str] = set()

    def scan(addrs) -> None:
        for addr in addrs:
            if addr in scanned:
                continue
            scanned.add(addr)
            for ref in references(resources[addr], addresses):
                refs_by_target.setdefault(ref.target, []).append((addr, ref))

    scan(resources.read if mentioning is not None else resources)
    out = []
    for root in sorted(roots):
        cascade = Cascade(root, roots[root])
        frontier = [root]
        while frontier:
            parent = frontier.pop(0)
            if mentioning is not None:
                scan(mentioning(parent))
            for dep, ref in sorted(refs_by_target.get(parent, []), key=lambda x: (x[0], x[1].attr)):
                if dep == root or dep in cascade.dependents or dep in fresh:
                    continue  # a resource this change creates loses nothing
                if roots.get(dep) is True:
                    continue  # deleted by the change itself
                replaced_anyway = dep in roots  # its own change replaces it: the chain goes on through it
                if not replaced_anyway and not (parent == root and roots[root]):  # dangling references always go
                    target = resources.get(parent)
                    if target is not None and stays_known(target, ref.target_attr, changed_attrs.get(parent, set())):
                        continue
                    if not forces_replacement(ref.attr, force_keys(resources[dep].type)):
                        continue
                cascade.dependents[dep] = (parent, ref)
                frontier.append(dep)
        if cascade.dependents:
            out.append(cascade)
    return out


def chain(cascade: Cascade, address: str) -> list[str]:
    """root → ... → address."""
    path = [address]
    while path[-1] != cascade.root:
        path.append(cascade.dependents[path[-1]][0])
    return list(reversed(path))
