"""A finding about a removed resource, moved to where a reviewer sees it removed.

Its block is gone from the new file, so the old line number there points at whatever now sits
on that line, often another resource: an annotation on it sends the reviewer to the wrong
block. The old position is mapped through the change to the line of the new file where the
removed lines were (the red lines of the diff), outside every block still there; the old path
and line stay in the finding (`before_path`, `before_line`). A deleted file has no new line:
the finding names the deleted path, at line 0 (a file-level annotation).
"""

from __future__ import annotations

from bisect import bisect_right

from iaclint.core.model import Finding

NO_LINE = 0
NEAR = 8  # lines from the removal within which a free line still shows it


def relocate_removed(findings: list[Finding], before, after, renames: dict[str, str], diffs) -> None:
    """Rewrites, in place, the findings whose position is one of the file before the change."""
    if not any(f.before_path is not None for f in findings):
        return
    spans = _BlocksAfter(diffs)
    maps: dict[tuple[str, str], list | None] = {}
    for f in findings:
        if f.before_path is None or (f.path, f.line) != (f.before_path, f.before_line):
            continue
        new_path = renames.get(f.path, f.path)
        if not after.exists(new_path):
            new_path = _successor(f.path, diffs) or new_path
        if not after.exists(new_path):
            _at_file(f, f.path, f"the whole file {f.path} is deleted; it was at line {f.before_line}")
            continue
        key = (f.path, new_path)
        if key not in maps:
            maps[key] = _opcodes(before, after, f.path, new_path)
        opcodes = maps[key]
        if opcodes is None:
            _at_file(f, new_path, f"removed from this file; it was at {f.before_path}:{f.before_line}")
            continue
        index, kept = _where_removed(opcodes, f.line)
        if kept:
            # the block's text is still there (a module no longer called, a construct no longer
            # reached): it is the place to look, and nothing was removed at it
            f.path, f.line, f.end_line = new_path, index + 1, index + 1
            continue
        line = _free_line(index, _new_length(opcodes), spans.spans_in(new_path))
        if line is None:
            _at_file(f, new_path, f"removed from this file; it was at {f.before_path}:{f.before_line}")
            continue
        f.path, f.line, f.column, f.end_line = new_path, line, 1, line
        f.message += f" (removed here; it was at {f.before_path}:{f.before_line})"


def _successor(path: str, diffs) -> str | None:
    """The file most of a vanished file's other resources went to: a rename with edits, which
    only git's rename detection (not two directories) would have named."""
    went: dict[str, int] = {}
    for diff in diffs:
        for address, r in diff.before_resources.items():
            now = diff.after_resources.get(address)
            if r.path == path and now is not None and now.path != path:
                went[now.path] = went.get(now.path, 0) + 1
    if not went:
        return None
    return min(went, key=lambda p: (-went[p], p))


def _at_file(f: Finding, path: str, why: str) -> None:
    f.path, f.line, f.column, f.end_line = path, NO_LINE, NO_LINE, NO_LINE
    f.message += f" ({why})"


class _BlocksAfter:
    """The line spans of every resource a new file still declares, by path. A template read by
    what its change touched holds only its own file's resources, and its spans are asked of it
    (`LazyResources.lines`, without reading its untouched resources) only for a path asked
    about; every other diff is indexed once."""

    def __init__(self, diffs) -> None:
        self.diffs = diffs
        self.indexed: dict[str, list[tuple[int, int]]] | None = None
        self.templates: dict[str, list[tuple[int, int]]] = {}

    def spans_in(self, path: str) -> list[tuple[int, int]]:
        if self.indexed is None:
            self.indexed = {}
            for diff in self.diffs:
                if not _by_parts(diff):
                    for r in diff.after_resources.values():
                        self.indexed.setdefault(r.pos.path or r.path, []).append(_span(r))
        if path not in self.templates:
            self.templates[path] = [span for diff in self.diffs
                                    if diff.stack == path and _by_parts(diff)
                                    for span in diff.after_resources.lines()]
        return self.indexed.get(path, []) + self.templates[path]


def _by_parts(diff) -> bool:
    """A template read by what its change touched: its resources are all in its own file, the
    stack's, and their lines are told without reading them. Asked of a stack diff whose read a
    worker kept (`by_parts`), without loading it."""
    return getattr(diff, "by_parts", False) or hasattr(diff.after_resources, "read")


def _span(r) -> tuple[int, int]:
    return r.pos.line, (r.pos.end_line if r.pos.end_line and r.pos.end_line >= r.pos.line else r.pos.line)


def _lines(tree, path: str) -> list[str] | None:
    try:
        return tree.read(path).decode("utf-8", errors="replace").splitlines()
    except Exception:  # noqa: BLE001 - too large or unreadable: reported where it is parsed
        return None


def _opcodes(before, after, old_path: str, new_path: str) -> list | None:
    import difflib  # here: only a change with a removed block needs it, and a hook run has none

    old, new = _lines(before, old_path), _lines(after, new_path)
    if not old or new is None:
        return None
    # the lines both files begin and end with are matched first, as `diff` does: a removal in
    # a large template is compared over the few lines around it, not the whole file
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    # autojunk (difflib's default): a line as common as `}` does not anchor a match in a large
    # span, which keeps this fast and aligns blocks by their distinctive lines
    middle = difflib.SequenceMatcher(None, old[head:len(old) - tail], new[head:len(new) - tail]).get_opcodes()
    opcodes = [("equal", 0, head, 0, head)] if head else []
    opcodes += [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle]
    if tail:
        opcodes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return opcodes


def _new_length(opcodes) -> int:
    return opcodes[-1][4] if opcodes else 0


def _where_removed(opcodes, old_line: int) -> tuple[int, bool]:
    """The new file's 0-based index before which the old line's text went, and whether the
    text is still there (at that index)."""
    i = old_line - 1
    starts = [op[1] for op in opcodes]
    tag, i1, i2, j1, j2 = opcodes[max(bisect_right(starts, i) - 1, 0)]
    if tag == "equal" and i < i2:
        return j1 + (i - i1), True
    return j1, False


def _free_line(index: int, length: int, blocks: list[tuple[int, int]]) -> int | None:
    """The line just after the removed lines, or the nearest line inside no remaining block.

    A line far from the removal would send the reviewer elsewhere again: then there is none
    (a JSON template's blocks touch each other)."""
    if length == 0:
        return None
    first = min(index + 1, length)

    def free(line: int) -> bool:
        return not any(start <= line <= end for start, end in blocks)

    for distance in range(NEAR):
        for line in (first + distance, first - 1 - distance):
            if 1 <= line <= length and free(line):
                return line
    return None
