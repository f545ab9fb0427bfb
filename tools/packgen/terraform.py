"""Build the generated Terraform knowledge packs from pinned provider facts.

Input: the shared reference tables (aws.tsv, google.tsv, azurerm.tsv, protection.tsv and
README.md), extracted from the providers' Go source. Output, per provider:

    rules/terraform/<provider>/force_new.tsv    resource_type, attribute_path, kind, source
    rules/terraform/<provider>/protection.tsv   resource_type, attribute, protective_value, source
    rules/terraform/azurerm/features.tsv        block, attribute, protective_value, source

force_new.tsv rows may carry a 5th column, `versions` (`>=2.0.0,<5.0.0`; none: every version):
the versioned rows of tools/packgen/data/terraform_versions.tsv (written by tfversions.py from
the providers' source at release revisions, or checked by hand) replace the unversioned row of
their (type, attribute). Each force_new.tsv says in a `# newest:` line which release its
unversioned rows describe.

Rows are sorted by their first two columns and de-duplicated, so one type's rows are a
contiguous run (iaclint/knowledge/packs.py finds them with a single string search). Source strings are
copied verbatim. A (type, attribute) listed both as force_new and conditional keeps only the
force_new row: it always replaces. A conditional row whose condition is spelled out in the
hand-kept rules/terraform/<provider>/conditions.tsv is left out here, so each attribute has one
fact; the file's header names what was left out.

Usage:
    python tools/packgen/terraform.py [--shared DIR] [--out DIR] [--check]

--shared  the shared data directory (default: ../shared/data/terraform from the repo root)
--out     where rules/terraform lives (default: rules/terraform in this checkout)
--check   write nothing; exit 1 when any generated file differs from what would be written

Standard library only; never imported by iaclint.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data" / "terraform"
DEFAULT_OUT = REPO_ROOT / "rules" / "terraform"
VERSIONED = REPO_ROOT / "tools" / "packgen" / "data" / "terraform_versions.tsv"
SCRIPT = "tools/packgen/terraform.py"

# Upstream pins. Each must appear in the shared README.md; when the shared data is refreshed
# from another commit the generator stops and asks for the pin to be updated here.
PROVIDERS: dict[str, dict[str, str]] = {
    "aws": {
        "repo": "hashicorp/terraform-provider-aws",
        "version": "v6.58.0",
        "release": "6.58.0",
        "via": "lonegunmanb/terraform-provider-aws-index@2f6e22c42759323d69500964ed1d284e5f4dea97",
    },
    "google": {
        "repo": "hashicorp/terraform-provider-google",
        "version": "e03b7622a26cf4e878f90bdccaca6aa3d03a7999",
        "release": "7.45.0",  # the main branch three days after v7.45.0
    },
    "azurerm": {
        "repo": "hashicorp/terraform-provider-azurerm",
        "version": "69697b7fe6a923fc89e88f386bc95c3ed1ee2ec6",
        "release": "5.2.0",  # v5.2.0 and 14 commits
    },
}

KINDS = ("force_new", "conditional")
FEATURES_PREFIX = "provider:azurerm.features."


class DataError(Exception):
    pass


def read_table(path: Path, ncols: int) -> list[tuple[str, ...]]:
    """Rows of a shared TSV, header and blank lines skipped, every field checked."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line or line.startswith("#"):
                continue
            fields = tuple(line.split("\t"))
            if lineno == 1 and fields[0] == "resource_type":
                continue
            if len(fields) != ncols:
                raise DataError(f"{path.name}:{lineno}: expected {ncols} columns, got {len(fields)}")
            for f in fields:
                if not f or f != f.strip():
                    raise DataError(f"{path.name}:{lineno}: empty field or stray whitespace: {line!r}")
            rows.append(fields)
    return rows


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def check_pins(shared: Path) -> None:
    readme = shared / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    for provider, pin in PROVIDERS.items():
        for key in ("version", "via"):
            needle = pin.get(key, "").split("@")[-1]
            if needle and needle not in text:
                raise DataError(
                    f"{readme}: does not mention {provider} pin {needle!r}; "
                    f"the shared data changed upstream version, update PROVIDERS in {SCRIPT}"
                )


def read_conditions(out: Path, provider: str) -> set[tuple[str, str]]:
    """(type, attribute) pairs whose condition the hand-kept conditions.tsv spells out."""
    path = out / provider / "conditions.tsv"
    if not path.is_file():
        return set()
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            pairs.add((fields[0], fields[1]))
    return pairs


def header(provider: str, columns: list[str], inputs: list[Path], notes: Sequence[str] = ()) -> list[str]:
    pin = PROVIDERS[provider]
    lines = [f"# Generated by {SCRIPT} from {pin['repo']}@{pin['version']}. DO NOT EDIT."]
    if "via" in pin:
        lines.append(f"# Read via {pin['via']}.")
    for p in inputs:
        lines.append(f"# Input: {p.name} sha256:{sha(p)}")
    lines += [f"# {n}" for n in notes]
    lines.append("# columns: " + "\t".join(columns))
    return lines


def read_versioned(path: Path, provider: str) -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """(type, attribute) -> its versioned rows (type, attribute, kind, source, versions), checked:
    a known kind, a well-formed range, and ranges of one (type, attribute) that do not overlap."""
    out: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    if not path.is_file():
        return out
    for row in read_table(path, 5):
        rtype, attr, kind, _source, versions = row
        if not rtype.startswith(provider + "_"):
            continue
        if kind not in KINDS:
            raise DataError(f"{path.name}: unknown kind {kind!r} for {rtype}.{attr}")
        parse_range(versions, f"{path.name}: {rtype}.{attr}")
        out.setdefault((rtype, attr), []).append(row)
    for key, rows in out.items():
        rows.sort(key=lambda r: range_key(r[4]))
        for a, b in zip(rows, rows[1:]):
            if range_key(a[4])[1] > range_key(b[4])[0]:
                raise DataError(f"{path.name}: overlapping ranges for {'.'.join(key)}: {a[4]} and {b[4]}")
    return out


def sampled_releases(path: Path, provider: str) -> str:
    """The releases tfversions.py sampled for a provider (its header line `# aws: sampled v2.0.0, ...`)."""
    if not path.is_file():
        return ""
    prefix = f"# {provider}: sampled "
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(prefix):
            return line[len(prefix):]
    return ""


def _version(text: str, where: str) -> tuple[int, int, int]:
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise DataError(f"{where}: not a version: {text!r}")
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
            raise DataError(f"{where}: bad version range {text!r}")
    if lo is not None and hi is not None and not lo < hi:
        raise DataError(f"{where}: empty version range {text!r}")
    return lo, hi


INF = (1 << 30, 0, 0)


def range_key(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    lo, hi = parse_range(text, "range") if text else (None, None)
    return (lo or (0, 0, 0), hi or INF)


def render(head: list[str], rows: list[tuple[str, ...]]) -> str:
    return "\n".join(head + ["\t".join(r) for r in rows]) + "\n"


def build_force_new(shared: Path, provider: str, refined: set[tuple[str, str]]) -> str:
    src = shared / f"{provider}.tsv"
    best: dict[tuple[str, str], tuple[str, str]] = {}  # (type, attr) -> (kind, source)
    for rtype, attr, kind, source in read_table(src, 4):
        if kind not in KINDS:
            raise DataError(f"{src.name}: unknown kind {kind!r} for {rtype}.{attr}")
        if not rtype.startswith(provider + "_"):
            raise DataError(f"{src.name}: {rtype} is not a {provider} resource type")
        key = (rtype, attr)
        cand = (kind, source)
        old = best.get(key)
        # force_new sorts before conditional; among equals keep the smallest source
        if old is None or (KINDS.index(cand[0]), cand[1]) < (KINDS.index(old[0]), old[1]):
            best[key] = cand
    left_out = sorted(k for k in refined if k in best and best[k][0] == "conditional")
    unknown = sorted(k for k in refined if k not in best or best[k][0] != "conditional")
    if unknown:
        raise DataError(
            f"{provider}/conditions.tsv refines rows that are not conditional upstream: "
            + ", ".join(".".join(k) for k in unknown)
        )
    rows: list[tuple[str, ...]] = [(t, a, k, s) for (t, a), (k, s) in sorted(best.items()) if (t, a) not in left_out]
    versioned = read_versioned(VERSIONED, provider)
    # a key conditions.tsv refines keeps its condition there: only its force_new ranges come here
    for key in left_out:
        kept = [r for r in versioned.pop(key, []) if r[2] != "conditional"]
        if kept:
            versioned[key] = kept
    if versioned:
        rows = [r for r in rows if (r[0], r[1]) not in versioned]
        rows += [r for key in versioned for r in versioned[key]]
        # sorted by type, then attribute, then range: one type's rows stay one contiguous run
        rows.sort(key=lambda r: (r[0], r[1], range_key(r[4]) if len(r) > 4 else ((0, 0, 0), INF)))
    notes = [f"newest: {PROVIDERS[provider]['release']}"]
    sampled = sampled_releases(VERSIONED, provider)
    if sampled:
        notes.append(f"sampled: {sampled}")
    if left_out:
        notes.append(
            "Left out, their condition is in conditions.tsv: " + ", ".join(".".join(k) for k in left_out)
        )
    inputs = [src] + ([VERSIONED] if versioned else [])
    head = header(provider, ["resource_type", "attribute_path", "kind", "source", "versions"], inputs, notes)
    return render(head, rows)


def split_protection(shared: Path) -> tuple[dict[str, list[tuple[str, ...]]], list[tuple[str, ...]]]:
    src = shared / "protection.tsv"
    per_provider: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {p: {} for p in PROVIDERS}
    features: dict[tuple[str, str], tuple[str, ...]] = {}
    for rtype, attr, value, source in read_table(src, 4):
        if rtype.startswith(FEATURES_PREFIX):
            block = rtype[len(FEATURES_PREFIX):]
            target, row = features, (block, attr, value, source)
        else:
            provider = rtype.split("_", 1)[0]
            if provider not in per_provider:
                raise DataError(f"{src.name}: no provider for resource type {rtype!r}")
            target, row = per_provider[provider], (rtype, attr, value, source)
        key = (row[0], row[1])
        if key in target and target[key] != row:
            raise DataError(f"{src.name}: conflicting rows for {rtype}.{attr}")
        target[key] = row
    return (
        {p: [rows[k] for k in sorted(rows)] for p, rows in per_provider.items()},
        [features[k] for k in sorted(features)],
    )


def build_all(shared: Path, conditions_root: Path) -> dict[Path, str]:
    """Relative path (under rules/terraform) -> file text, for every generated file."""
    check_pins(shared)
    files: dict[Path, str] = {}
    protection, features = split_protection(shared)
    prot_src = shared / "protection.tsv"
    for provider in PROVIDERS:
        refined = read_conditions(conditions_root, provider)
        files[Path(provider, "force_new.tsv")] = build_force_new(shared, provider, refined)
        cols = ["resource_type", "attribute", "protective_value", "source"]
        files[Path(provider, "protection.tsv")] = render(
            header(provider, cols, [prot_src]), protection[provider]
        )
    cols = ["block", "attribute", "protective_value", "source"]
    notes = ["Provider-level switches: provider \"azurerm\" { features { <block> { <attribute> = ... } } }"]
    files[Path("azurerm", "features.tsv")] = render(header("azurerm", cols, [prot_src], notes), features)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data dir (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="rules/terraform dir to write (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file is stale")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"error: shared data directory not found: {args.shared}", file=sys.stderr)
        return 2
    try:
        # conditions.tsv is hand-kept in the checkout; read it from there even when --out differs
        files = build_all(args.shared, DEFAULT_OUT)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = []
    for rel, text in files.items():
        path = args.out / rel
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for rel in stale:
        print(f"{'stale' if args.check else 'wrote'}: {args.out / rel}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
