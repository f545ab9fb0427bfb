"""Terraform: the module directories a change touches → stack diffs, one per root module.

Only what a change touches is parsed: module directories with a changed file, and the root
modules that call them as local children (a child is judged through its callers, where its
inputs are known). A directory whose files moved together is compared under its new name.
"""

from __future__ import annotations

import posixpath
import re

from iaclint.core.facts import TerraformFacts
from iaclint.core.model import Change, ChangeKind, Resource, StackDiff
from iaclint.inputs.trees import Tree
from iaclint.languages.base import LoadContext, Loaded, on_side

# `source = "./x"` in native syntax, `"source": "./x"` in JSON syntax
_SOURCE_RE = re.compile(rb'source"?\s*[=:]\s*"(\.{1,2}/[^"]*)"')


class TerraformLoader:
    language = "terraform"

    def load(self, before: Tree, after: Tree, paths: list[str], ctx: LoadContext) -> Loaded:
        out = Loaded()
        _terraform(before, after, set(paths), ctx.renames, out, ctx.store)
        return out


LOADER = TerraformLoader()


def _callers(tree: Tree, tf_files: list[str], memo: dict[str, list[str]] | None = None) -> dict[str, set[str]]:
    """child directory -> directories that call it as a local module.

    `memo` (blob id -> local sources, shared by both sides' calls) means a file whose git blob
    is the same on both sides is read once: a hook run reads only the changed blobs twice.
    """
    graph: dict[str, set[str]] = {}
    keys = {p: tree.blob(p) for p in tf_files} if memo is not None and tree.has_blobs else {}
    tree.prefetch([p for p in tf_files if keys.get(p) not in memo] if keys else tf_files)
    for p in tf_files:
        key = keys.get(p)
        sources = memo.get(key) if key else None
        if sources is None:
            try:
                data = tree.read(p)
            except Exception:
                continue
            # a local source is `"./` or `"../` somewhere in the file: most files have neither
            # and are not searched (the search over ~600 files was ~2% of a hook run)
            local = b'"./' in data or b'"../' in data
            sources = [m.group(1).decode("utf-8", "replace") for m in _SOURCE_RE.finditer(data)] if local else []
            if key:
                memo[key] = sources
        if not sources:
            continue
        d = posixpath.dirname(p)
        for source in sources:
            child = posixpath.normpath(posixpath.join(d or ".", source))
            child = "" if child == "." else child
            graph.setdefault(child, set()).add(d)
    return graph


def _sources_memo(before: Tree, after: Tree, store) -> tuple[dict[str, list[str]], str | None]:
    """The module sources each git blob names, kept on disk per repository: a hook run then
    reads no file to find which directories call which (the graph a touched module needs)."""
    root = after.root_dir or before.root_dir
    if store is None or root is None or not (before.has_blobs or after.has_blobs):
        return {}, None
    key = store.key("terraform-sources", str(root))
    memo = store.get(key)
    return (dict(memo) if isinstance(memo, dict) else {}), key


def _roots_for(dirs: set[str], graph: dict[str, set[str]]) -> set[str]:
    roots: set[str] = set()
    for d in dirs:
        stack, seen = [d], set()
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.add(cur)
            parents = graph.get(cur, set()) - {cur}
            if not parents:
                roots.add(cur)
            stack.extend(parents)
    return roots


def _dir_renames(renames: dict[str, str], before_dirs: dict[str, list[str]], before: Tree) -> dict[str, str]:
    """old directory -> new directory, when most of a module directory moved there, by bytes:
    one file that moved (a `versions.tf`, boilerplate `outputs.tf` identical to another
    example's) says nothing about where the module went; its main file does."""
    from iaclint.languages.terraform.module import is_terraform_file

    votes: dict[str, dict[str, int]] = {}
    for old, new in sorted(renames.items()):
        if is_terraform_file(old):
            od, nd = posixpath.dirname(old), posixpath.dirname(new)
            if od != nd:
                votes.setdefault(od, {}).setdefault(nd, 0)
                votes[od][nd] += _size(before, old)
    out = {}
    for od, weights in votes.items():
        nd = max(sorted(weights), key=weights.get)
        if weights[nd] * 2 > sum(_size(before, p) for p in before_dirs.get(od, [])):
            out[od] = nd
    return out


def _size(tree: Tree, path: str) -> int:
    try:
        return max(1, len(tree.read(path)))
    except Exception:  # noqa: BLE001 - unreadable: reported where it is parsed
        return 1


def _terraform(before: Tree, after: Tree, changed: set[str], renames: dict[str, str], result: Loaded, store=None) -> None:
    from iaclint.languages.terraform.loading import Side, load_all
    from iaclint.languages.terraform.module import ParseCache, module_dirs

    before_dirs = module_dirs(before)
    after_dirs = module_dirs(after)
    touched = {posixpath.dirname(p) for p in changed}
    dir_moves = _dir_renames(renames, before_dirs, before) if renames else {}
    reverse_moves = {v: k for k, v in dir_moves.items()}

    # Only build the caller graph when a touched directory might be someone's child module.
    b_files = [p for files in before_dirs.values() for p in files]
    a_files = [p for files in after_dirs.values() for p in files]
    sources_by_blob, memo_key = _sources_memo(before, after, store)
    known = len(sources_by_blob)
    b_graph = _callers(before, b_files, sources_by_blob) if len(before_dirs) > 1 else {}
    a_graph = _callers(after, a_files, sources_by_blob) if len(after_dirs) > 1 else {}
    if memo_key is not None and len(sources_by_blob) > known:
        current = {t.blob(p) for t, files in ((before, b_files), (after, a_files)) if t.has_blobs for p in files}
        store.put(memo_key, {k: v for k, v in sources_by_blob.items() if k in current})
    roots_after = _roots_for({d for d in touched if d in after_dirs}, a_graph)
    roots_before = _roots_for({d for d in touched if d in before_dirs}, b_graph)
    # a root that moved is compared under its new name
    pairs: dict[str, tuple[str | None, str | None]] = {}
    for r in sorted(roots_after):
        old = reverse_moves.get(r, r)
        pairs[r] = (old if old in before_dirs else None, r)
    for r in sorted(roots_before):
        new = dir_moves.get(r, r)
        if new in pairs:
            continue
        pairs[new if new in after_dirs else r] = (r, new if new in after_dirs else None)

    shared: dict = {}  # content → parse: a file unchanged in a touched module is parsed once
    sides = {
        "before": Side(before, before_dirs, ParseCache(before, shared)),
        "after": Side(after, after_dirs, ParseCache(after, shared)),
    }
    jobs = [("before", pairs[s][0]) for s in sorted(pairs) if pairs[s][0] is not None]
    jobs += [("after", pairs[s][1]) for s in sorted(pairs) if pairs[s][1] is not None]
    modules = load_all(jobs, sides, store)
    for stack in sorted(pairs):
        old_dir, new_dir = pairs[stack]
        b_mod = modules[("before", old_dir)] if old_dir is not None else None
        a_mod = modules[("after", new_dir)] if new_dir is not None else None
        _stack_diff(stack, b_mod, a_mod, changed, result, after, new_dir)


def _stack_diff(stack: str, b_mod, a_mod, changed: set[str], result: Loaded, after: Tree, after_dir: str | None) -> None:
    from iaclint.core.diff import diff_resources
    from iaclint.languages.terraform.providers import provider_versions

    broken: set[str] = set()
    if a_mod is not None:
        result.problems += on_side(a_mod.problems, "after")
        broken |= a_mod.broken_files
    if b_mod is not None:
        # the BEFORE side of a file the change does not touch was read (and reported) as AFTER
        result.problems += on_side([p for p in b_mod.problems if p.path in changed], "before")
        broken |= b_mod.broken_files

    def usable(mod) -> dict[str, Resource]:
        if mod is None:
            return {}
        return {a: r for a, r in mod.resources.items() if r.path not in broken}

    before_res, after_res = usable(b_mod), usable(a_mod)
    moved = {frm: to for frm, to, _, _ in (a_mod.moved if a_mod else [])}
    forgotten = {frm for frm, destroy, _, _ in (a_mod.removed if a_mod else []) if not destroy}
    # `removed` of a module: everything under it is forgotten
    for addr in list(before_res):
        if any(addr.startswith(f + ".") for f in forgotten if f.startswith("module.")):
            forgotten.add(addr)
    changes = _existing(diff_resources(before_res, after_res, moved, forgotten))
    # An example configuration deleted whole (a module repository reorganising its examples/)
    # destroys nothing: nobody applies examples. Any other root module deleted keeps every
    # removal loud: a pipeline may well plan an emptied configuration as "destroy everything".
    root_deleted = a_mod is None and b_mod is not None and _is_example(stack)
    if root_deleted:
        changes = []  # said once, as a note (IAC305), not as a destruction of each resource

    b_calls = b_mod.module_calls if b_mod else {}
    a_calls = a_mod.module_calls if a_mod else {}
    calls_removed, calls_renamed = [], []
    # a call with no instance before the change destroys nothing when it goes or is renamed
    gone = [c for addr, c in b_calls.items() if addr not in a_calls and c.path not in broken and not c.meta.get("zero_instances")]
    new = [c for addr, c in a_calls.items() if addr not in b_calls and c.path not in broken]
    for call in gone:
        if call.address in forgotten or _covered_by_move(call.address, moved) or any(
            call.address.startswith(f + ".") for f in forgotten
        ):
            continue
        if any(call.address.startswith(g.address + ".") for g in gone if g is not call):
            continue  # nested in a removed call: the outer call reports it
        twin = _module_twin(call, new)
        if twin is not None:
            new.remove(twin)
            calls_renamed.append((call, twin))
        else:
            calls_removed.append(call)
    # Calls on both sides: their count/for_each may drop instances (IAC304) or change scheme (IAC105).
    calls_kept = [
        (b_calls[addr], a_calls[addr])
        for addr in sorted(b_calls.keys() & a_calls.keys())
        if b_calls[addr].path not in broken and a_calls[addr].path not in broken
        and _instance_meta(b_calls[addr]) != _instance_meta(a_calls[addr])
    ]
    # A call whose source after the change is not a local directory (the registry copy of a
    # local module, a version bump): its contents cannot be seen, so they are not "removed".
    unseen = [
        (b_calls[addr], a_calls[addr])
        for addr in sorted(b_calls.keys() & a_calls.keys())
        if a_calls[addr].local_dir is None and not a_calls[addr].meta.get("zero_instances")
        and (b_calls[addr].source, b_calls[addr].meta.get("version")) != (a_calls[addr].source, a_calls[addr].meta.get("version"))
    ]
    if unseen:
        hidden = tuple(b.address + "." for b, _ in unseen)
        changes = [c for c in changes if not (c.kind is ChangeKind.REMOVED and c.before.address.startswith(hidden))]
        # nor are the module calls nested in it (the registry copy has them at the same addresses)
        calls_removed = [c for c in calls_removed if not c.address.startswith(hidden)]
        calls_renamed = [(o, n) for o, n in calls_renamed if not o.address.startswith(hidden)]
    if root_deleted:
        calls_removed, calls_renamed, calls_kept = [], [], []
    covered = {}
    for old, twin in calls_renamed:
        covered[old.address] = twin.address
    if covered:
        changes = [c for c in changes if not _inside_renamed_module(c, covered)]

    before_total = len(b_mod.resources) if b_mod else 0
    after_total = len(a_mod.resources) if a_mod else 0
    comments = []
    if a_mod:
        for path, cs in a_mod.comments.items():
            comments.extend((path, pos, text) for pos, text in cs if "iaclint" in text)
    diff = StackDiff(
        stack=stack,
        language="terraform",
        changes=changes,
        before_count=before_total,
        after_count=after_total,
        facts=TerraformFacts(
            module_calls_removed=calls_removed,
            module_calls_renamed=calls_renamed,
            module_calls_kept=calls_kept,
            module_calls_unseen=unseen,
            root_deleted=root_deleted,
            provider_features_before=b_mod.provider_features if b_mod else {},
            provider_features_after=a_mod.provider_features if a_mod else {},
            # the versions the module runs after the change: the facts the change is judged by
            provider_versions=provider_versions(after, after_dir, a_mod, {c.after.type for c in changes if c.after})
            if after_dir is not None else {},
        ),
        before_resources=before_res,  # what a removed or re-keyed module call destroys
        after_resources=after_res,  # every resource of the stack after the change (IAC107)
        moved_from=set(moved),
        moves=dict(moved),
        changed_files=changed,
        stack_comments=comments,
    )
    result.diffs.append(diff)
    result.files += len(set(a_mod.files if a_mod else []) | set(b_mod.files if b_mod else []))
    result.secrets |= (a_mod.secrets if a_mod else set()) | (b_mod.secrets if b_mod else set())


_NOT_DEPLOYED = ("examples", "example", "test", "tests", "fixtures", "test-fixtures")


def _is_example(directory: str) -> bool:
    """An example or test fixture configuration: documentation and test input, never a deployment."""
    return any(part in _NOT_DEPLOYED for part in directory.split("/"))


def _existing(changes: list[Change]) -> list[Change]:
    """Changes as they touch what exists: a resource with no instance (count 0, an empty
    for_each, inside a module call with none) on a side is not there on that side."""
    out = []
    for c in changes:
        zb = c.before is not None and bool(c.before.meta.get("zero_instances"))
        za = c.after is not None and bool(c.after.meta.get("zero_instances"))
        if not zb and not za:
            out.append(c)
        elif c.kind is ChangeKind.REMOVED or c.kind is ChangeKind.ADDED or (zb and za):
            continue  # nothing existed to remove, nothing is created, or neither
        elif c.kind is ChangeKind.RENAMED:
            # no instance before: only the new one is created; none after: the old one is destroyed
            out.append(Change(ChangeKind.REMOVED, c.before, None) if za else Change(ChangeKind.ADDED, None, c.after))
        else:
            # instances created from none, or all destroyed (IAC304 says which): no attribute
            # edit replaces anything that exists
            out.append(Change(c.kind, c.before, c.after, []))
    return out


def _instance_meta(call) -> tuple:
    return tuple(repr(call.meta.get(k)) for k in ("count", "for_each"))


def _covered_by_move(address: str, moved: dict[str, str]) -> bool:
    return address in moved or any(address.startswith(f + ".") for f in moved)


def _module_twin(call, candidates):
    for c in candidates:
        if c.source == call.source and c.address.rsplit(".", 2)[0] == call.address.rsplit(".", 2)[0]:
            from iaclint.core.diff import changed_paths

            if len(changed_paths(call.body, c.body)) <= max(1, len(call.body) // 4):
                return c
    return None


def _inside_renamed_module(change: Change, covered: dict[str, str]) -> bool:
    if change.kind is not ChangeKind.RENAMED:
        return False
    for old, new in covered.items():
        if change.before.address.startswith(old + ".") and change.after.address.startswith(new + "."):
            return True
    return False

