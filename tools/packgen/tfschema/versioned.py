"""Fold version ranges into a generated force_new.tsv.

tools/packgen/tfversions.py reads a provider at release revisions and writes the facts that hold
in some releases only to tools/packgen/data/terraform_versions.tsv (hand-checked rows:
terraform_versions_hand.tsv, folded in by tfversions.py). Here a versioned (type, attribute)
replaces the unversioned row the newest source gave it, and the pack says in a `# newest:` line
which release its unversioned rows describe (iaclint/knowledge/packs.py reads it).
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
VERSIONED = REPO_ROOT / "tools" / "packgen" / "data" / "terraform_versions.tsv"
KINDS = ("force_new", "conditional")
INF = (1 << 30, 0, 0)


def _version(text: str, where: str) -> tuple[int, int, int]:
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise SystemExit(f"{where}: not a version: {text!r}")
    return (int(parts[0]), int(parts[1]), int(parts[2]))


def parse_range(text: str, where: str) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """`>=2.0.0,<5.0.0`, `>=5.0.0` or `<5.0.0` -> (low, high), half-open."""
    lo = hi = None
    for part in text.split(","):
        if part.startswith(">=") and lo is None:
            lo = _version(part[2:], where)
        elif part.startswith("<") and not part.startswith("<=") and hi is None:
            hi = _version(part[1:], where)
        else:
            raise SystemExit(f"{where}: bad version range {text!r}")
    if lo is not None and hi is not None and not lo < hi:
        raise SystemExit(f"{where}: empty version range {text!r}")
    return lo, hi


def range_key(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    lo, hi = parse_range(text, "range") if text else (None, None)
    return (lo or (0, 0, 0), hi or INF)


def read_versioned(provider: str, path: Path = VERSIONED) -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """(type, attribute) -> its rows (type, attribute, kind, source, versions), checked: a known
    kind, a well-formed range, and ranges of one (type, attribute) that do not overlap."""
    out: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        row = tuple(line.split("\t"))
        if len(row) != 5:
            raise SystemExit(f"{path.name}: expected 5 columns: {line!r}")
        rtype, attr, kind, _source, versions = row
        if not rtype.startswith(provider + "_"):
            continue
        if kind not in KINDS:
            raise SystemExit(f"{path.name}: unknown kind {kind!r} for {rtype}.{attr}")
        parse_range(versions, f"{path.name}: {rtype}.{attr}")
        out.setdefault((rtype, attr), []).append(row)
    for key, rows in out.items():
        rows.sort(key=lambda r: range_key(r[4]))
        for a, b in zip(rows, rows[1:]):
            if range_key(a[4])[1] > range_key(b[4])[0]:
                raise SystemExit(f"{path.name}: overlapping ranges for {'.'.join(key)}: {a[4]} and {b[4]}")
    return out


def sampled_releases(provider: str, path: Path = VERSIONED) -> str:
    """The releases tfversions.py sampled for a provider (its header line `# aws: sampled v2.0.0, ...`)."""
    if not path.is_file():
        return ""
    prefix = f"# {provider}: sampled "
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(prefix):
            return line[len(prefix):]
    return ""


def fold(provider: str, rows: list[tuple[str, ...]], refined: set, path: Path = VERSIONED) -> tuple[list[tuple[str, ...]], bool]:
    """`rows` with each versioned key's rows in place of its unversioned one; True when any was.
    A key conditions.tsv refines keeps its condition there: only its force_new ranges come here."""
    versioned = read_versioned(provider, path)
    for key in refined:
        kept = [r for r in versioned.pop(key, []) if r[2] != "conditional"]
        if kept:
            versioned[key] = kept
    if not versioned:
        return rows, False
    newest_rows = {(r[0], r[1]): r for r in rows}
    for key, ranged in versioned.items():
        # the ranges were read by an earlier run of the extractor; where none reaches the newest
        # release but the newest source has the fact, the fact holds from where they end on (a
        # fact read at the newest release is never dropped: a missed replacement is the worse error)
        top = max((range_key(r[4])[1] for r in ranged), default=INF)
        now = newest_rows.get(key)
        if now is not None and top != INF:
            ranged.append((now[0], now[1], now[2], now[3], f">={'.'.join(map(str, top))}"))
    out = [r for r in rows if (r[0], r[1]) not in versioned]
    out += [r for key in versioned for r in versioned[key]]
    # by type, then attribute, then range: one type's rows stay one contiguous run
    out.sort(key=lambda r: (r[0], r[1], range_key(r[4]) if len(r) > 4 and r[4] else ((0, 0, 0), INF)))
    return out, True


def newest(label: str) -> str:
    """The release a pin's label names (`v6.58.0`, `after v7.45.0` -> 6.58.0, 7.45.0)."""
    m = re.search(r"v?(\d+\.\d+\.\d+)", label)
    return m.group(1) if m else ""
