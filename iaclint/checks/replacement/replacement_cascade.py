from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import severity_for, what_holds
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Resource, Severity, StackDiff

RETAINING = {"Retain", "RetainExceptOnCreate"}


class ReplacementCascade(Check):
    """## What it does
    Follows the references to a resource this change replaces (or deletes) and flags every
    resource that is replaced with it: one that refers to it in an attribute that cannot be
    updated in place. A summary finding on the root gives the total
    ("replacing aws_vpc.main destroys 4 resources, 1 of them stateful").

    ## Why is this bad?
    A replaced resource gets new identifiers. A subnet's `vpc_id`, an instance's `subnet_id`, a
    CloudFormation `SubnetId: !Ref Subnet` cannot change in place, so the new identifier
    replaces them too, and so on down the chain: editing one line of a VPC can destroy the
    databases in it. None of those resources appear in the diff.

    ## Example
    ```hcl
    resource "aws_vpc" "main" {
      cidr_block = "10.1.0.0/16"          # was 10.0.0.0/16: replaces the VPC
    }
    resource "aws_subnet" "a" {
      vpc_id = aws_vpc.main.id            # replaced with it
    }
    resource "aws_instance" "web" {
      subnet_id = aws_subnet.a.id         # and this too
    }
    ```

    ## Use instead
    Avoid the root replacement (see its own finding). If the new root is intended, build the
    new network beside the old one, move the dependents over in reviewed steps, then remove
    the old one.
    """

    code = "IAC107"
    name = "replacement-cascade"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        from iaclint.core.blast import cascades, chain

        resources = diff.after_resources
        if not resources:
            return
        roots, changed_attrs, anchors = self._roots(diff, ctx, resources)
        if not roots:
            return

        def force_keys(rtype: str) -> set[str]:
            return ctx.packs.force_new_keys(rtype)

        # resources this change creates (added, or the new side of a rename) are not destroyed
        fresh = {c.after.address for c in diff.changes
                 if c.after is not None and c.kind in (ChangeKind.ADDED, ChangeKind.RENAMED)}
        # nor are those with no instance on either side (count 0, an empty for_each): only
        # instances that exist can be replaced
        # (a template read by what its change touched has `read`: instance counts are Terraform's)
        fresh |= {a for a, r in getattr(resources, "read", resources).items() if r.meta.get("zero_instances")
                  or (a in diff.before_resources and diff.before_resources[a].meta.get("zero_instances"))}
        found = cascades(roots, resources, force_keys, changed_attrs, fresh - set(roots))
        downstream = {d for c in found for d in c.dependents}
        for cascade in found:
            root = cascade.root
            if root in downstream:
                continue  # counted in the cascade of the resource that replaces it
            verb = "deletes" if cascade.deleted else "replaces"
            stateful = []
            for dep_addr, (parent, ref) in cascade.dependents.items():
                dep = resources[dep_addr]
                if ctx.packs.stateful(dep.type) is not None:
                    stateful.append(dep_addr)
                if dep_addr in roots:
                    continue  # its own finding says why it is replaced
                ctx.cascaded.setdefault(dep_addr, root)
                via = " → ".join(chain(cascade, dep_addr))
                if cascade.deleted and parent == root:
                    msg = (f"{dep_addr} refers to {root} in `{ref.attr}`, but this change deletes {root}: "
                           f"{dep_addr} must go too, or the plan fails{what_holds(ctx, dep)}")
                elif parent == root:
                    msg = (f"{dep_addr} is replaced too: its `{ref.attr}` cannot be updated in place and refers to "
                           f"{root}, which this change {'deletes' if cascade.deleted else 'replaces'}{what_holds(ctx, dep)}")
                else:
                    msg = (f"{dep_addr} is replaced too: its `{ref.attr}` cannot be updated in place and refers to "
                           f"{parent}, which is replaced because this change {verb} {root} ({via}){what_holds(ctx, dep)}")
                yield self.finding(
                    dep,
                    msg,
                    help=f"root cause: {root}; avoid that {'deletion' if cascade.deleted else 'replacement'}, "
                         f"or move {dep_addr} off it in a separate reviewed change",
                    severity=severity_for(ctx, dep),
                    pos=dep.pos_of(ref.attr),
                    resources=[dep_addr, root],
                    extra={"root": root, "via": parent, "attribute": ref.attr},
                )
            anchor = anchors[root]
            n = 1 + len(cascade.dependents)
            root_stateful = ctx.packs.stateful(anchor.type) is not None
            k = len(stateful) + (1 if root_stateful and not cascade.deleted else 0)
            word = "deleting" if cascade.deleted else "replacing"
            yield self.finding(
                anchor,
                f"{word} {root} destroys {n} resources, {k} of them stateful",
                help=f"dependents: {', '.join(sorted(cascade.dependents))}",
                severity=Severity.ERROR if stateful else Severity.WARNING,
                resources=[root, *sorted(cascade.dependents)],
                extra={"root": root, "dependents": sorted(cascade.dependents), "stateful": sorted(stateful),
                       # what the blast-radius graph draws (output/blast_graph.py); not in the JSON contract
                       "graph": {
                           "stack": diff.stack,
                           "deleted": cascade.deleted,
                           "root_stateful": root_stateful,
                           "edges": [(parent, dep, ref.attr) for dep, (parent, ref) in cascade.dependents.items()],
                           "modules": {root: anchor.module,
                                       **{d: resources[d].module for d in cascade.dependents}},
                       }},
            )

    def _roots(self, diff: StackDiff, ctx: Context, resources: dict[str, Resource]):
        """The resources this change destroys: address (after side) -> deleted?"""
        roots: dict[str, bool] = {}
        anchors: dict[str, Resource] = {}
        for addr, f in ctx.replaced.items():
            if f.severity is Severity.NOTE:
                continue  # "may replace": not a root of a certain cascade
            if addr in resources:
                roots[addr] = False
                anchors[addr] = resources[addr]
        changed_attrs = {}
        for change in diff.changes:
            if change.after is not None and change.after.address in roots:
                changed_attrs[change.after.address] = {p.split(".", 1)[0] for p in change.changed_paths}
            if change.kind is ChangeKind.REMOVED and change.before is not None:
                b = change.before
                if b.meta.get("deletion_policy") in RETAINING:
                    continue
                roots[b.address] = True
                anchors[b.address] = b
        return roots, changed_attrs, anchors
