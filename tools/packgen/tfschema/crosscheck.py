"""Cross-check of the replacement rows read from source against the handed-over reference tables.

The reference tables (`<shared>/<provider>.tsv`: resource_type, attribute_path, kind, source) were
extracted from the same providers by someone else. Every (type, attribute path) either table
marks force_new or conditional is compared, and decided by this rule (a missed replacement is
the worst bug, a false alarm the second):

  R1  both mark it, same kind            the fact stands (our source).
  R2  both mark it, kinds differ         force_new wins: the stronger fact is kept.
  R3  only our reading marks it          it stands: read from the pinned source.
  R4  only the table; we did not read the resource type at all
                                         the table's row is kept, its source marked.
  R5  only the table; our reading of the type has no such attribute path (a part we could
      not resolve, or an attribute the schema does not have, such as `region` on an aws
      type with ResourceRegionDisabled)    the table's row is kept, its source marked.
  R6  only the table; our reading has the attribute and says it updates in place
                                         decided by hand in reviewed.tsv (decision and reason);
                                         without a review, kept as conditional (note level,
                                         "may replace"), its source marked.

Rows kept from the table carry the table's source followed by " [reference table only: Rn]".
Every disagreement (R2..R6) is written to disagreements.tsv with its decision and reason;
the counts go to the generator's report and the pack header.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVIEWED = HERE / "reviewed.tsv"
KINDS = ("force_new", "conditional")


def read_reference(shared: Path, provider: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, path) -> (kind, source); force_new wins over conditional, then the smallest source."""
    best: dict[tuple[str, str], tuple[str, str]] = {}
    path = shared / f"{provider}.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) < 4 or f[0] == "resource_type" or line.startswith("#"):
            continue
        key, cand = (f[0], f[1]), (f[2], f[3])
        old = best.get(key)
        if old is None or (KINDS.index(cand[0]), cand[1]) < (KINDS.index(old[0]), old[1]):
            best[key] = cand
    return best


def read_reviewed(provider: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, path) -> (decision, reason) from the hand-kept reviewed.tsv."""
    out = {}
    if not REVIEWED.is_file():
        return out
    for line in REVIEWED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        rtype, path, decision, reason = line.split("\t")
        if rtype.startswith(provider + "_"):
            out[(rtype, path)] = (decision, reason)
    return out


def merge(provider: str, ours: list[tuple[str, str, str, str]], schema_paths: dict[str, set[str]],
          reference: dict[tuple[str, str], tuple[str, str]] | None, table_name: str):
    """(rows, disagreements, counts). `ours`: (type, path, kind, source) rows; `schema_paths`:
    every attribute path our reading found per type (whether or not it replaces)."""
    if reference is None:
        return sorted(ours), [], Counter()
    reviewed = read_reviewed(provider)
    mine = {(t, p): (k, s) for t, p, k, s in ours}
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    disagreements = []
    counts: Counter = Counter()
    for key, (kind, source) in mine.items():
        theirs = reference.get(key)
        if theirs is None:
            counts["only ours"] += 1
            rows[key] = (kind, source)
            disagreements.append((*key, kind, source, kind, "none", "R3: only our reading marks it; read from the pinned source"))
        elif theirs[0] == kind:
            counts["agree"] += 1
            rows[key] = (kind, source)
        else:
            counts["agree"] += 1
            counts["kinds differ"] += 1
            strong = "force_new" if "force_new" in (kind, theirs[0]) else kind
            src = source if strong == kind else f"{theirs[1]} [reference table only: R2]"
            rows[key] = (strong, src)
            disagreements.append((*key, strong, src, kind, theirs[0], "R2: kinds differ; the stronger fact is kept"))
    for key, (kind, source) in reference.items():
        if key in mine:
            continue
        counts["only theirs"] += 1
        rtype, path = key
        if rtype not in schema_paths:
            rule, decision, reason = "R4", kind, "R4: the resource type was not read from source; the table's row is kept"
        elif path not in schema_paths[rtype]:
            rule, decision = "R5", kind
            reason = "R5: no such attribute path in our reading (unresolved, or absent from the schema); the table's row is kept"
        elif key in reviewed:
            rule = "R6"
            decision, why = reviewed[key]
            reason = f"R6 reviewed: {why}"
        else:
            rule, decision = "R6", "conditional"
            reason = "R6: our reading says it updates in place; not reviewed, kept at note level"
        counts[rule] += 1
        marked = f"{source} [reference table only: {rule}]"
        if decision in KINDS:
            rows[key] = (decision, marked)
        disagreements.append((rtype, path, decision, marked, "in_place" if rule == "R6" else "none", kind, reason))
    out = sorted((t, p, k, s) for (t, p), (k, s) in rows.items())
    return out, sorted(disagreements), counts
