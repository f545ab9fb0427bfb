"""A unified diff applied in memory: `iaclint diff --patch FILE|- [ROOT]`.

The patch is parsed with `unidiff` and applied here, hunk by hunk, with exact matching of the
context and removed lines (line endings aside: an agent often writes LF patches for CRLF
files). A hunk that does not apply is an input error naming the file and the hunk: a partial
patch must never be linted as if it were the whole change.

The result is a `Tree` over the root with the patch applied, so the rest of the pipeline is
exactly `iaclint diff ROOT PATCHED_TREE`. A patch already in the tree (`git diff` after the
edit) is read the other way: the tree is AFTER, the patch undone is BEFORE (`patch_sides`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from iaclint.inputs.trees import Tree

DEV_NULL = "/dev/null"
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


from iaclint.errors import PatchError  # noqa: F401


@dataclass
class FilePatch:
    """What the patch does to one file: old path (None when added), new path (None when deleted)."""

    old: str | None
    new: str | None
    hunks: list = field(default_factory=list)
    binary: bool = False


class PatchedTree(Tree):
    """`root` with the patch applied; reads of untouched files go to `root`."""

    def __init__(self, root: Tree, contents: dict[str, bytes | None], touched: set[str], renames: dict[str, str]) -> None:
        self.base = root
        self.root_dir = root.root_dir
        self._contents = contents  # path -> new bytes, or None when the patch deletes it
        self.touched = touched  # every path the patch adds, deletes, modifies or renames (both names)
        self.renames = renames  # old path -> new path
        self.label = f"{root.label} (patched)"

    def files(self) -> list[str]:
        out = {p for p in self.base.files() if p not in self._contents}
        out |= {p for p, data in self._contents.items() if data is not None}
        return sorted(out)

    def read(self, path: str) -> bytes:
        if path in self._contents:
            data = self._contents[path]
            if data is None:
                raise FileNotFoundError(path)
            return data
        return self.base.read(path)


def apply_patch(patch_text: str, root_tree: Tree) -> PatchedTree:
    """`root_tree` with the patch applied; a hunk that does not apply is an InputError."""
    from iaclint.errors import InputError

    try:
        files = parse_patch(patch_text)
    except PatchError as exc:
        raise InputError(str(exc)) from None
    _refuse_binary(files)
    return _apply(files, root_tree, reverse=False)


def patch_sides(patch_text: str, root_tree: Tree) -> tuple[Tree, Tree, set[str], dict[str, str]]:
    """(before, after, touched paths, renames old → new) for a patch and the tree it is given with.

    `git diff | iaclint diff --patch - .` is most often run after the edit: the tree already
    holds the patch's result. Such a patch does not apply forwards, but it does backwards, and
    then the tree is AFTER and the patch reversed gives BEFORE. It is tried only when the
    forward application fails, so a patch that applies as given is always read as a proposal.
    """
    from iaclint.errors import InputError

    try:
        files = parse_patch(patch_text)
    except PatchError as exc:
        raise InputError(str(exc)) from None
    _refuse_binary(files)  # before either direction is tried: neither could apply it
    try:
        patched = _apply(files, root_tree, reverse=False)
        return root_tree, patched, patched.touched, patched.renames
    except InputError as forward_error:
        try:
            unpatched = _apply(files, root_tree, reverse=True)
        except InputError:
            raise InputError(f"{forward_error}; nor is it already applied (to lint changes already in the "
                             f"working tree, use `iaclint diff --base HEAD`)") from None
    unpatched.label = f"{root_tree.label} (before the patch)"
    renames = {new: old for old, new in unpatched.renames.items()}
    return unpatched, root_tree, unpatched.touched, renames


def _apply(files: list[FilePatch], root_tree: Tree, reverse: bool) -> PatchedTree:
    """`reverse`: undo the patch, reading the tree as its result."""
    from iaclint.errors import InputError

    contents: dict[str, bytes | None] = {}
    touched: set[str] = set()
    renames: dict[str, str] = {}
    for fp in files:
        shown = fp.new or fp.old or "?"
        if fp.binary:
            continue  # not a file iaclint reads
        source, target = (fp.new, fp.old) if reverse else (fp.old, fp.new)
        if source is not None:
            original = _current(source, contents, root_tree)
            if original is None:
                raise InputError(f"patch: {source}: no such file in {root_tree.label or 'the root'}")
        else:
            original = None
            if target is not None and _current(target, contents, root_tree) is not None:
                raise InputError(f"patch: {target}: the patch creates it, but it already exists")
        try:
            result = apply_hunks(original or b"", fp.hunks, shown, reverse=reverse)
        except PatchError as exc:
            raise InputError(str(exc)) from None
        if source is not None and source != target:
            contents[source] = None
            touched.add(source)
        if target is not None:
            contents[target] = result
            touched.add(target)
        if source is not None and target is not None and source != target:
            renames[source] = target
    return PatchedTree(root_tree, contents, touched, renames)


def _refuse_binary(files: list[FilePatch]) -> None:
    """A binary patch to a file iaclint reads: its result is unknown, so nothing can be linted."""
    from iaclint.errors import InputError
    from iaclint.languages import is_relevant

    for fp in files:
        shown = fp.new or fp.old or "?"
        if fp.binary and is_relevant(shown):
            raise InputError(f"patch: {shown}: binary patches cannot be applied")


def _current(path: str, contents: dict[str, bytes | None], root: Tree) -> bytes | None:
    if path in contents:
        return contents[path]
    if not root.exists(path):
        return None
    return root.read(path)


def parse_patch(patch_text: str) -> list[FilePatch]:
    import unidiff

    if not patch_text.strip():
        raise PatchError("patch: empty patch")
    try:
        patch = unidiff.PatchSet(patch_text)
    except unidiff.UnidiffParseError as exc:
        raise PatchError(f"patch: not a unified diff: {exc}") from None
    if not len(patch):
        raise PatchError("patch: no file changes found (expected a unified diff with ---/+++ headers)")
    prefixed = all(_has_prefix(f.source_file, "a/") and _has_prefix(f.target_file, "b/") for f in patch)
    out = []
    for f in patch:
        old = _path(f.source_file, "a/" if prefixed else None)
        new = _path(f.target_file, "b/" if prefixed else None)
        if old is None and new is None:
            raise PatchError("patch: a file header names /dev/null on both sides")
        out.append(FilePatch(old, new, list(f), getattr(f, "is_binary_file", False)))
    return out


def _has_prefix(name: str | None, prefix: str) -> bool:
    name = _unquote(name or "")
    return name == DEV_NULL or name.startswith(prefix)


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    return name


def _path(name: str | None, prefix: str | None) -> str | None:
    name = _unquote(name or "")
    if not name or name == DEV_NULL:
        return None
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    norm = posixpath.normpath(name)
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        raise PatchError(f"patch: {name}: path outside the root")
    return norm


def apply_hunks(original: bytes, hunks: list, shown: str, reverse: bool = False) -> bytes:
    """The file with every hunk applied (`reverse`: undone); a hunk whose old lines are not
    found is a PatchError."""
    text = original.decode("utf-8", "surrogateescape")
    lines = _LINE.findall(text)
    crlf = sum(1 for ln in lines if ln.endswith("\r\n"))
    eol = "\r\n" if crlf and crlf * 2 >= len(lines) else "\n"
    keys = [_key(ln) for ln in lines]
    out: list[str] = []
    pos = 0  # index in `lines` of the first line not yet copied
    for n, hunk in enumerate(hunks, start=1):
        old, new, new_eof_nl = _sides(hunk, reverse)
        start, length = (hunk.target_start, hunk.target_length) if reverse else (hunk.source_start, hunk.source_length)
        if not lines and not old:
            at = 0
        else:
            at = _locate(keys, old, start - 1 if length else start, pos)
        if at is None:
            header = f"@@ -{hunk.source_start},{hunk.source_length} +{hunk.target_start},{hunk.target_length} @@"
            raise PatchError(f"patch: {shown}: hunk #{n} ({header}) does not apply: its context and removed lines "
                             f"are not in the file")
        out.extend(lines[pos:at])
        if not lines and new:
            eol = "\r\n" if new[0][1] else "\n"
        for i, (content, _crlf) in enumerate(new):
            last_of_file = i == len(new) - 1 and at + len(old) >= len(lines)
            out.append(content + ("" if last_of_file and not new_eof_nl else eol))
        pos = at + len(old)
    tail = lines[pos:]
    out.extend(tail)
    return "".join(out).encode("utf-8", "surrogateescape")


def _sides(hunk, reverse: bool = False) -> tuple[list[str], list[tuple[str, bool]], bool]:
    """(old line contents, new (content, had CRLF) lines, whether the new last line ends with a
    newline); `reverse` swaps the removed and added lines."""
    removed, added = ("+", "-") if reverse else ("-", "+")
    old: list[str] = []
    new: list[tuple[str, bool]] = []
    new_eof_nl = True
    prev = None
    for line in hunk:
        t = line.line_type
        if t == "\\":
            if prev in (" ", added):
                new_eof_nl = False
            continue
        value = line.value
        content = value[:-1] if value.endswith("\n") else value
        had_cr = content.endswith("\r")
        content = content[:-1] if had_cr else content
        if t in (" ", removed):
            old.append(content)
        if t in (" ", added):
            new.append((content, had_cr))
        prev = t
    return old, new, new_eof_nl


def _key(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
    return line[:-1] if line.endswith("\r") else line


def _locate(keys: list[str], old: list[str], hint: int, start: int) -> int | None:
    """Where `old` sits: at the hunk's own line when it matches there, else the nearest match
    after the previous hunk (patches made against a slightly different version shift).
    `keys` are the file's lines without their line endings, computed once per file: the
    search walks outward from the hint, so a patch that applies where it says costs O(hunk)."""
    n = len(old)
    last = len(keys) - n  # the last index a match can start at

    def matches(i: int) -> bool:
        return start <= i <= last and keys[i : i + n] == old

    hint = max(hint, start)
    if matches(hint):
        return hint
    for distance in range(1, max(hint - start, last - hint) + 1):
        if matches(hint - distance):
            return hint - distance
        if matches(hint + distance):
            return hint + distance
    return None


def read_patch_arg(arg: str) -> str:
    """`--patch FILE` or `--patch -` (standard input) → patch text."""
    from iaclint.errors import InputError
    from iaclint.inputs.trees import read_input

    try:
        data = read_input(arg)
    except OSError as exc:
        raise InputError(f"--patch: cannot read {arg}: {exc.strerror or exc}") from None
    return data.decode("utf-8", "surrogateescape")
