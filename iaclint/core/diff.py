"""Before/after resources of one stack → changes: added, removed, modified, renamed, moved.

Values are compared structurally, so formatting, attribute order and comments never count.
Nested blocks are compared as a multiset first: reordering `ingress` blocks is not a change.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable

from iaclint.core.model import Change, ChangeKind, Expr, Resource

_MISSING = object()
RENAME_SIMILARITY = 0.75


def changed_paths(before: dict, after: dict) -> list[str]:
    out: list[str] = []
    _compare(before, after, "", out)
    return out


def _is_blocks(v: Any) -> bool:
    return type(v).__name__ == "Blocks"


def _compare(a: Any, b: Any, path: str, out: list[str]) -> None:
    if a is b:
        return
    kind = a.__class__
    if (kind is str or kind is int) and b.__class__ is kind and a == b:
        return  # most leaves of a touched resource: the same text (what `_equal` says of them)
    if isinstance(a, dict) and isinstance(b, dict):
        # two mappings are equal exactly when no key's values differ: the keys are compared
        # once, instead of the whole mapping first (`_equal`) and then again key by key at
        # every level below
        below: list[str] = []
        for key in _ordered_union(a, b):
            _compare(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}.{key}" if path else key, below)
        if below and path:
            out.append(path)
        out += below
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and not (_is_blocks(a) or _is_blocks(b)) \
            and all(isinstance(x, dict) for x in a) and all(isinstance(y, dict) for y in b):
        # lists of mappings (tags, rules) likewise: element by element, once
        below = []
        for x, y in zip(a, b):
            _compare_children(x, y, path, below)
        if below:
            out.append(path)
            out += below
        return
    if _equal(a, b):
        return
    if _is_blocks(a) or _is_blocks(b):
        la = list(a) if isinstance(a, list) else []
        lb = list(b) if isinstance(b, list) else []
        if not all(isinstance(x, dict) for x in la + lb):
            # blocks on one side, a list value on the other (Terraform 0.11's `option = [...]`
            # against a 0.12 `dynamic "option"`): compared as one value
            out.append(path)
            return
        ua, ub = _unmatched(la, lb)
        if len(la) != len(lb):
            out.append(path)  # an element added or removed: the block itself changed
        for x, y in zip(ua, ub):
            _compare_children(x, y, path, out)
        for extra in ua[len(ub):] + ub[len(ua):]:
            out.extend(f"{path}.{key}" for key in extra)
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(isinstance(x, dict) for x in a + b):
        out.append(path)
        for x, y in zip(a, b):
            _compare_children(x, y, path, out)
        return
    out.append(path)


def _compare_children(x: dict, y: dict, path: str, out: list[str]) -> None:
    for key in _ordered_union(x, y):
        _compare(x.get(key, _MISSING), y.get(key, _MISSING), f"{path}.{key}", out)


def _unmatched(la: list, lb: list) -> tuple[list, list]:
    """The elements left on each side once equal blocks are paired, regardless of order."""
    rest_b = list(lb)
    rest_a = []
    for x in la:
        for i, y in enumerate(rest_b):
            if _equal(x, y):
                del rest_b[i]
                break
        else:
            rest_a.append(x)
    return rest_a, rest_b


def _ordered_union(a: dict, b: dict) -> list[str]:
    keys = list(a)
    keys += [k for k in b if k not in a]
    return keys


def _equal(a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        # an argument set to null is the same as one left out: Terraform and CloudFormation alike
        return a is b or a is None or b is None
    if _is_blocks(a) or _is_blocks(b):
        if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
            return False
        ua, ub = _unmatched(a, b)
        return not ua and not ub
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_equal(a.get(k, _MISSING), b.get(k, _MISSING)) for k in _ordered_union(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, str) or isinstance(b, str):
            # "true" and true are one value to a bool argument, and to a string one ("true"):
            # Terraform converts to the argument's type either way (0.11 modules wrote "true")
            s, v = (a, b) if isinstance(a, str) else (b, a)
            return s in ("true", "false") and (s == "true") is v
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (a != a and b != b)  # NaN on both sides (`.nan` in YAML) is no change
    if isinstance(a, (int, float)) and isinstance(b, str) or isinstance(b, (int, float)) and isinstance(a, str):
        s, v = (a, b) if isinstance(a, str) else (b, a)
        try:
            return float(s) == v and s.strip() == s
        except ValueError:
            return False
    if isinstance(a, Expr) or isinstance(b, Expr):
        return isinstance(a, Expr) and isinstance(b, Expr) and a.text == b.text
    if isinstance(a, str) and isinstance(b, str) and a != b and _same_json(a, b):
        return True  # a policy heredoc rewritten as jsonencode(...) of the same document
    return type(a) is type(b) and a == b


def _same_json(a: str, b: str) -> bool:
    if a.lstrip()[:1] not in ("{", "[") or b.lstrip()[:1] not in ("{", "["):
        return False
    import json

    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return False


def leaves(body: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(body, dict):
        for k, v in body.items():
            yield from leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(body, list):
        for v in body:
            yield from leaves(v, prefix)
    else:
        yield prefix, repr(body)


def _names(body: dict) -> set[tuple[str, Any]]:
    """Top-level physical-name values (`bucket`, `BucketName`, `identifier`...): literal strings only."""
    out = set()
    for key, value in body.items():
        k = key.lower()
        if isinstance(value, str) and len(value) >= 3 and (k in NAME_KEYS or k.endswith("name")):
            out.add((key, value))
    return out


NAME_KEYS = {"name", "bucket", "identifier", "cluster_identifier", "function_name", "table_name", "queue_name"}


def similarity(a: Resource, b: Resource, renamed: dict[str, str] | None = None) -> float:
    return _Likeness(a.body).score(_Likeness(b.body, renamed))


class _Likeness:
    """What `similarity` compares of one resource: its physical names, and its leaves (path and
    value, as a multiset) with references to renamed resources written under their old names.
    Made once per resource when every removed resource is compared with every added one."""

    __slots__ = ("names", "leaves", "size")

    def __init__(self, body: dict, renamed: dict[str, str] | None = None) -> None:
        self.names = _names(body)
        self.leaves = Counter(leaves(rewrite_references(body, renamed) if renamed else body))
        self.size = sum(self.leaves.values())

    def score(self, other: _Likeness) -> float:
        # the same physical name on both sides is the same real-world object, renamed
        if self.names & other.names:
            return 1.0
        if not self.size and not other.size:
            return 1.0
        common = sum((self.leaves & other.leaves).values())
        return common / max(self.size, other.size)


def diff_resources(
    before: dict[str, Resource],
    after: dict[str, Resource],
    moved: dict[str, str] | None = None,
    forgotten: set[str] | None = None,
) -> list[Change]:
    """Pair resources by address, then by `moved`, then by similarity (a rename).

    References to a moved resource are compared under its old address, so that
    `bucket = aws_s3_bucket.new.id` after `moved { from = aws_s3_bucket.old ... }` is no change.
    """
    moved = moved or {}
    forgotten = forgotten or set()
    changes: list[Change] = []
    removed = {a: r for a, r in before.items() if a not in after}
    added = {a: r for a, r in after.items() if a not in before}

    move_pairs = _resolve_moves(moved, removed, added)
    same_thing = {new: old for old, new in move_pairs}
    same_thing.update(_instance_moves(moved))

    for addr in [a for a in before if a in after]:  # the loader's order, never a set's
        b, a = before[addr], after[addr]
        if b.type != a.type:
            removed[addr] = b
            added[addr] = a
            continue
        a_body = rewrite_references(a.body, same_thing)
        # Most resources of a large change are untouched: equal reprs (C speed) mean equal
        # values, bool and int told apart, so the structural walk is only for the rest. Values
        # that differ (`!=`, C speed too, and at the first difference) need no repr.
        paths = [] if b.body == a_body and repr(b.body) == repr(a_body) else changed_paths(b.body, a_body)
        meta_paths = _meta_changes(b, a)
        if paths or meta_paths:
            changes.append(Change(ChangeKind.MODIFIED, b, a, paths + meta_paths))

    for old, new in move_pairs:
        b, a = removed.pop(old), added.pop(new)
        paths = changed_paths(b.body, rewrite_references(a.body, same_thing)) + _meta_changes(b, a)
        changes.append(Change(ChangeKind.MOVED, b, a, paths))

    for old in sorted(removed):
        if old in forgotten:
            changes.append(Change(ChangeKind.FORGOTTEN, removed.pop(old), None))

    # Renames: a second round sees references to the resources the first round paired.
    renamed = dict(same_thing)
    for _ in range(2):
        for old, new in _pair_renames(removed, added, renamed):
            b, a = removed.pop(old), added.pop(new)
            renamed[new] = old
            changes.append(Change(ChangeKind.RENAMED, b, a, changed_paths(b.body, a.body)))

    for old, new in _pair_attachments(removed, added, renamed):
        b, a = removed.pop(old), added.pop(new)
        changes.append(Change(ChangeKind.RENAMED, b, a, changed_paths(b.body, a.body)))

    for old, new in _pair_type_changes(removed, added):
        b, a = removed.pop(old), added.pop(new)
        changes.append(Change(ChangeKind.RENAMED, b, a, changed_paths(b.body, a.body)))

    for addr in sorted(removed):
        changes.append(Change(ChangeKind.REMOVED, removed[addr], None))
    for addr in sorted(added):
        changes.append(Change(ChangeKind.ADDED, None, added[addr]))
    changes.sort(key=lambda c: (c.current.path, c.current.pos.line, c.address))
    return changes


def _local(address: str) -> str:
    """`module.a.aws_x.y` -> `aws_x.y`: how the resource is referenced inside its module."""
    parts = address.split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return ".".join(parts[-2:])


def _instance_moves(moved: dict[str, str]) -> dict[str, str]:
    """new -> old for `moved` blocks between instances of one resource (`x.y` -> `x.y["a"]`,
    `x.y[0]` -> `x.y["a"]`): the resource keeps its address, so only references show the move."""
    strip = lambda a: re.sub(r"\[[^\]]*\]", "", a)  # noqa: E731
    return {to: frm for frm, to in moved.items() if "[" in frm + to and strip(frm) == strip(to)}


_ADDRESS_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^.\[\]"\s]+|[.\[\]]')


def _ref_text(address: str) -> str:
    """An address as normalised expression text: `x.y["a"]` -> `x . y [ " a " ]` (see hcl.normalized_text)."""
    return " ".join(f'" {t[1:-1]} "' if t.startswith('"') else t for t in _ADDRESS_TOKEN.findall(address))


def rewrite_references(body: Any, new_to_old: dict[str, str]) -> Any:
    if not new_to_old:
        return body
    subs = []
    for new, old in new_to_old.items():
        n, o = _local(new), _local(old)
        if n != o and "." in n:
            subs.append((re.compile(r"(?<![\w-])" + re.escape(_ref_text(n)) + r"(?![\w-])"), _ref_text(o)))
    if not subs:
        return body
    return _rewrite(body, subs)


def _rewrite(value: Any, subs) -> Any:
    if isinstance(value, Expr):
        text = value.text
        for pattern, repl in subs:
            text = pattern.sub(repl, text)
        return Expr(text) if text != value.text else value
    if isinstance(value, dict):
        return {k: _rewrite(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        out = [_rewrite(v, subs) for v in value]
        return type(value)(out) if type(value) is not list else out
    return value


def _meta_changes(b: Resource, a: Resource) -> list[str]:
    out = []
    # prevent_destroy lives in `lifecycle`, outside the body: without it here, turning the
    # guard off is no change at all and IAC202 never sees it.
    # `instances`: what each expanded instance holds (a list that count.index reads was reordered)
    for key in ("count", "for_each", "instances", "prevent_destroy", "deletion_policy", "update_replace_policy", "retain_on_delete"):
        if not _equal(b.meta.get(key, _MISSING), a.meta.get(key, _MISSING)):
            out.append("@" + key)
    return out


def _resolve_moves(moved: dict[str, str], removed: dict, added: dict) -> list[tuple[str, str]]:
    """Follow `moved` blocks (chains too) for resources and for whole module calls."""
    pairs = []
    for old in list(removed):
        target = _move_target(old, moved)
        if target and target in added:
            pairs.append((old, target))
    return pairs


def _move_target(addr: str, moved: dict[str, str]) -> str | None:
    seen = set()
    current = addr
    while current not in seen:
        seen.add(current)
        nxt = moved.get(current)
        if nxt is None:
            # a module move: module.a -> module.b covers module.a.x.y
            for frm, to in moved.items():
                if frm.startswith("module.") and current.startswith(frm + "."):
                    nxt = to + current[len(frm):]
                    break
        if nxt is None:
            break
        current = nxt
    return current if current != addr else None


def _pair_renames(removed: dict[str, Resource], added: dict[str, Resource], renamed: dict[str, str]) -> list[tuple[str, str]]:
    candidates = []
    seen: dict[str, _Likeness] = {}
    for old, b in removed.items():
        mine = None
        for new, a in added.items():
            if a.type != b.type:
                continue
            if mine is None:
                mine = _Likeness(b.body)
            theirs = seen.get(new)
            if theirs is None:
                theirs = seen[new] = _Likeness(a.body, renamed)
            score = mine.score(theirs)
            if score >= RENAME_SIMILARITY:
                candidates.append((score, old, new))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_old, used_new, pairs = set(), set(), []
    for _, old, new in candidates:
        if old in used_old or new in used_new:
            continue
        used_old.add(old)
        used_new.add(new)
        pairs.append((old, new))
    return pairs


def _pair_attachments(removed: dict[str, Resource], added: dict[str, Resource], renamed: dict[str, str]) -> list[tuple[str, str]]:
    """A resource that only hangs on a renamed one (`aws_s3_bucket_versioning` whose `bucket`
    is the renamed bucket's id), renamed with it and edited: the one of its type on each side
    that names the renamed resource in the same argument is the same object, whatever else
    changed (its status is the point of the edit)."""
    if not renamed:
        return []
    before_by: dict[tuple, list[str]] = {}
    for old in sorted(removed):
        b = removed[old]
        for key, value in b.body.items():
            if isinstance(value, Expr):
                before_by.setdefault((b.type, key, value.text), []).append(old)
    after_by: dict[tuple, list[str]] = {}
    for new in sorted(added):
        a = added[new]
        rewritten = rewrite_references(a.body, renamed)
        for key, value in rewritten.items():
            if isinstance(value, Expr) and value != a.body.get(key):  # it names a renamed resource
                after_by.setdefault((a.type, key, value.text), []).append(new)
    pairs, used_old, used_new = [], set(), set()
    for group in sorted(after_by):
        olds, news = before_by.get(group, []), after_by[group]
        if len(olds) == 1 and len(news) == 1 and olds[0] not in used_old and news[0] not in used_new:
            used_old.add(olds[0])
            used_new.add(news[0])
            pairs.append((olds[0], news[0]))
    return pairs


def _pair_type_changes(removed: dict[str, Resource], added: dict[str, Resource]) -> list[tuple[str, str]]:
    """Same name in the same module, another type that describes the same kind of thing:
    `aws_alb.web` → `aws_lb.web`. Modules name almost everything `this`, so the name alone says
    nothing: the two must also share most of their arguments (an `aws_autoscaling_schedule.this`
    going and an `aws_security_group.this` coming are a deletion and a creation)."""
    by_name: dict[tuple[str, str], str] = {}
    for new, a in added.items():
        by_name.setdefault((a.module, a.name), new)
    pairs = []
    for old, b in removed.items():
        new = by_name.get((b.module, b.name))
        if new is not None and added[new].type != b.type and (
                new == old or _related_types(b.type, added[new].type) or _same_shape(b, added[new])):
            pairs.append((old, new))
            del by_name[(b.module, b.name)]
    return pairs


def _related_types(b: str, a: str) -> bool:
    """Types that name the same kind of thing: `aws_alb`/`aws_lb`, `azurerm_sql_database`/
    `azurerm_mssql_database` (same provider, nearly the same name)."""
    import difflib

    if "::" in b or "::" in a:
        return b.split("::")[:2] == a.split("::")[:2]
    pb, _, rb = b.partition("_")
    pa, _, ra = a.partition("_")
    if pb != pa or not rb or not ra:
        return False
    return difflib.SequenceMatcher(None, rb, ra).ratio() >= 0.75


_INCIDENTAL = {"tags", "tags_all", "labels", "count", "for_each", "depends_on", "provider", "lifecycle", "name", "name_prefix"}


def _same_shape(b: Resource, a: Resource) -> bool:
    """Most of the arguments are the same names (names and tags are on every resource)."""
    kb, ka = set(b.body) - _INCIDENTAL, set(a.body) - _INCIDENTAL
    if not kb and not ka:
        return b.language != "terraform" or b.type.split("_", 1)[0] == a.type.split("_", 1)[0]
    return len(kb & ka) / len(kb | ka) >= 0.5
