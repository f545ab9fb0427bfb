"""Which files a change touches, and which of them it only moved.

Change detection compares git object ids where git knows them (free in git modes), and bytes
between two directories (no hash): a file is changed when its content differs or it exists on
one side only. A file that cannot be read never passes as unchanged.
"""

from __future__ import annotations

from iaclint.inputs.trees import Tree
from iaclint.languages import is_relevant


def changed_files(before: Tree, after: Tree, known: set[str] | None = None) -> set[str]:
    """Relevant paths whose content differs (or that exist on one side only)."""
    paths = {p for p in {*before.files(), *after.files()} if is_relevant(p)}  # each path judged once
    if known is not None:
        paths &= known | {p for p in paths if not (before.exists(p) and after.exists(p))}
    # two git listings (a hook's HEAD and index): their blob ids compared straight away, without
    # the per-file memo of object_id (~600 files on each side in a monorepo's hook run)
    blobs = before.has_blobs and after.has_blobs
    out = set()
    for p in paths:
        if before.exists(p) != after.exists(p):
            out.add(p)
            continue
        if blobs:
            b_id, a_id = before.blob(p), after.blob(p)
            if b_id is not None and a_id is not None:
                if b_id != a_id:
                    out.add(p)
                continue
        if not before.has_blobs and not after.has_blobs:
            # two directories: the bytes compared, not hashed (a hash is made only for a cache key)
            if not _same_bytes(before, after, p):
                out.add(p)
        elif _content_id(before, p) != _content_id(after, p):
            out.add(p)
    return out


def _same_bytes(before: Tree, after: Tree, path: str) -> bool:
    try:
        return before.read(path) == after.read(path)
    except Exception:  # noqa: BLE001 - what cannot be read must not pass as unchanged
        return False


def _content_id(tree: Tree, path: str) -> str:
    oid = tree.object_id(path)
    # never equal to the other side: what cannot be read must not pass as unchanged
    return oid if oid is not None else f"unreadable:{id(tree)}:{path}"


def content_renames(before: Tree, after: Tree, changed: set[str]) -> dict[str, str]:
    """Files that vanished on one side and appear with the same content elsewhere.

    Boilerplate (`versions.tf`) has the same bytes in many directories: of the candidates, the
    one with the same name whose path shares most with the old one, then the first by name, so
    that the pairing never depends on the order of a set."""
    gone = sorted(p for p in changed if before.exists(p) and not after.exists(p))
    new = sorted(p for p in changed if after.exists(p) and not before.exists(p))
    if not gone or not new:
        return {}
    by_id: dict[str, list[str]] = {}
    for p in new:
        by_id.setdefault(_content_id(after, p), []).append(p)
    out = {}
    for p in gone:
        candidates = by_id.get(_content_id(before, p))
        if candidates:
            target = min(candidates, key=lambda c: _closeness(p, c))
            candidates.remove(target)
            out[p] = target
    return out


def _closeness(old: str, new: str) -> tuple:
    """Smaller is closer: the same file name, then the most path components in common."""
    old_parts, new_parts = old.split("/"), new.split("/")
    shared = len(set(old_parts[:-1]) & set(new_parts[:-1]))
    return (old_parts[-1] != new_parts[-1], -shared, new)
