"""Version ranges for the Terraform replacement facts, from the providers' source at releases.

Runs the Go-source extractor (tools/packgen/tfschema, `extract(gitdir, rev)`) over release
revisions of a provider and folds the per-release facts into ranges: a (type, attribute) whose
replacement kind is the same in every sampled release stays one unversioned row of the
generated pack; one whose kind changes gets a row per run of releases, with a `versions` range
(`>=4.0.0,<5.0.0`). Output: tools/packgen/data/terraform_versions.tsv, which the pack generator
folds into rules/terraform/<provider>/force_new.tsv (a versioned key's rows replace its
unversioned row). Rows checked by hand (tools/packgen/data/terraform_versions_hand.tsv) are
kept as they are and win over generated ones for their key.

Which releases: the first release of every major in MAJORS, the last one of it, and the newest;
between two samples whose facts differ, the release halfway is sampled (bisection) until the
change is pinned to one release or the budget of extractions (--budget) is spent. A change not
pinned down leaves a gap of unsampled releases: the stronger fact (force_new over conditional
over none) is extended over it, since a missed replacement is worse than a false alarm. For the
same reason a fact only ends, never starts, at a release: a release's kind is the strongest of
its own and every later release's (an extractor that cannot resolve a `ForceNew: someParam` at
an old release must not take the fact away there). A fact a provider really added later is
over-reported before it unless a hand-checked row bounds it (aws `snapshot_identifier`, 5.0.0).

Releases are found from tags (`vX.Y.Z`) or, for history without tags, from the commits
"Update CHANGELOG.md after vX.Y.Z" (the release is its first parent). A type the extractor
could not resolve fully at a release is not compared at that release (its attributes are
unknown there, not absent). Per-release extractions are cached as JSON (--cache).

Usage:
    python tools/packgen/tfversions.py --provider aws [--sources DIR] [--budget N] [--check]

Standard library only; never imported by iaclint.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "tools" / "packgen" / "data"
OUT = DATA / "terraform_versions.tsv"
HAND = DATA / "terraform_versions_hand.tsv"
EXTRACTOR = Path(__file__).resolve().parent / "tfschema"
SCRIPT = "tools/packgen/tfversions.py"

Version = tuple[int, int, int]

# provider -> where its releases are: (repository, how releases are found, the versions taken from it)
SOURCES: dict[str, list[tuple[str, str, tuple[Version, Version]]]] = {
    "aws": [
        ("terraform-providers/terraform-provider-aws", "tags", ((0, 0, 0), (3, 49, 0))),
        ("nuno407/terraform-provider-aws", "changelog", ((3, 49, 1), (9999, 0, 0))),
    ],
    "google": [("hashicorp/terraform-provider-google", "tags", ((0, 0, 0), (9999, 0, 0)))],
    "azurerm": [("hashicorp/terraform-provider-azurerm", "tags", ((0, 0, 0), (9999, 0, 0)))],
}
MAJORS = {"aws": range(2, 7), "google": range(3, 8), "azurerm": range(2, 5)}
STRENGTH = {"": 0, "conditional": 1, "force_new": 2}


@dataclass(frozen=True)
class Release:
    version: Version
    repo: str
    rev: str  # a commit id

    @property
    def label(self) -> str:
        return "v" + show(self.version)


def show(v: Version) -> str:
    return ".".join(map(str, v))


def parse(text: str) -> Version | None:
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)", text.strip())
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def git(gitdir: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(gitdir), *args], check=True, capture_output=True, text=True).stdout


def find_gitdir(sources: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for cand in (sources / f"{owner}+{name}" / "repo", sources / f"{owner}+{name}", sources / f"{name}.git"):
        if (cand / "HEAD").is_file():
            return cand
    return None


def releases(provider: str, sources: Path) -> list[Release]:
    """Every release of the provider the sources hold, oldest first (pre-releases left out)."""
    found: dict[Version, Release] = {}
    for repo, how, (lo, hi) in SOURCES[provider]:
        gitdir = find_gitdir(sources, repo)
        if gitdir is None:
            continue
        if how == "tags":
            for line in git(gitdir, "for-each-ref", "refs/tags", "--format=%(refname:short) %(objectname) %(*objectname)").splitlines():
                name, obj, peeled = (line.split() + ["", ""])[:3]
                v = parse(name)
                if v is not None and lo <= v <= hi:
                    found[v] = Release(v, repo, peeled or obj)
        else:  # "Update CHANGELOG.md after vX.Y.Z": the release is the commit before it
            # oldest first; a release of an older line made from its branch (3.75.0 after 4.6.0)
            # is not the commit before its changelog update on the main line: left out
            log = git(gitdir, "log", "--first-parent", "--reverse", "--format=%H %P%x09%s",
                      "--grep=^Update CHANGELOG.md after v")
            top = (0, 0, 0)
            for line in log.splitlines():
                ids, _, subject = line.partition("\t")
                v = parse(subject.rsplit(" ", 1)[-1])
                parents = ids.split()[1:]
                if v is None or not parents or v <= top:
                    continue
                top = v
                if lo <= v <= hi and v not in found:
                    found[v] = Release(v, repo, parents[0])
    return [found[v] for v in sorted(found)]


def samples(all_releases: list[Release], majors) -> list[Release]:
    """The first and last release of each major, and the newest."""
    chosen = {}
    for major in majors:
        mine = [r for r in all_releases if r.version[0] == major]
        if mine:
            chosen[mine[0].version] = mine[0]
            chosen[mine[-1].version] = mine[-1]
    if all_releases:
        chosen[all_releases[-1].version] = all_releases[-1]
    return [chosen[v] for v in sorted(chosen)]


# --------------------------------------------------------------------------- one release's facts

# type -> attribute -> (kind, source), kind "" for an attribute that does not replace; only the
# types the extractor resolved fully. An attribute a type lacks at a release is unknown there
# (added later, or gone), not "does not replace".
Facts = dict[str, dict[str, tuple[str, str]]]


def extract_release(release: Release, provider: str, sources: Path, cache: Path) -> Facts:
    where = cache / provider / f"{release.label}-{release.rev[:12]}.all.json"
    if where.is_file():
        return json.loads(where.read_text(encoding="utf-8"))
    if str(EXTRACTOR) not in sys.path:
        sys.path.append(str(EXTRACTOR))  # --extractor, when given, is ahead of it
    from extract import extract  # noqa: PLC0415 - the extractor is a sibling tool, not a package

    gitdir = find_gitdir(sources, release.repo)
    assert gitdir is not None
    res = extract(str(gitdir), release.rev, provider)
    facts: Facts = {t: {} for t in res.resources if not res.unresolved_types.get(t)}
    for row in res.rows:
        if row.resource_type in facts and (row.kind or row.in_schema):
            facts[row.resource_type][row.path] = (row.kind, row.source)
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(json.dumps(facts, sort_keys=True), encoding="utf-8")
    return facts


def differs(a: Facts, b: Facts) -> set[tuple[str, str]]:
    """(type, attribute) pairs whose kind differs, among types both know."""
    out = set()
    for rtype in a.keys() & b.keys():
        fa, fb = a[rtype], b[rtype]
        for attr in fa.keys() | fb.keys():
            ka, kb = fa.get(attr, ("", ""))[0], fb.get(attr, ("", ""))[0]
            if ka != kb and (attr in fa and attr in fb or (ka or kb) and attr in fa):
                out.add((rtype, attr))  # a kind that changed, or a replacing attribute that went away
    return out


def bisect(all_releases: list[Release], sampled: dict[Version, Facts], get, budget: int) -> None:
    """Sample the release halfway between two adjacent samples whose facts differ, widest gap
    first, until no such gap has a release in between or the budget is spent."""
    order = [r.version for r in all_releases]
    while budget > 0:
        have = sorted(sampled)
        gaps = []
        for a, b in zip(have, have[1:]):
            if a not in order or b not in order:
                continue  # the pack's newest release, beyond the source history held here
            i, j = order.index(a), order.index(b)
            if j - i > 1 and differs(sampled[a], sampled[b]):
                gaps.append((j - i, i, j))
        if not gaps:
            return
        _, i, j = max(gaps)
        mid = all_releases[(i + j) // 2]
        sampled[mid.version] = get(mid)
        budget -= 1


def pack_facts(provider: str) -> tuple[Version | None, Facts]:
    """The facts the generated pack holds for its newest release (its `# newest:` line): the
    newest sample, for a provider whose newest source is not held here (aws 6.x), and the
    authority on the newest release for the others. Only replacing attributes are listed: one
    it does not list, of a type it knows, is taken not to replace there (see `with_pack`)."""
    path = REPO_ROOT / "rules" / "terraform" / provider / "force_new.tsv"
    newest = None
    facts: Facts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newest: "):
            newest = parse(line[len("# newest: "):])
        if not line or line.startswith("#"):
            continue
        row = line.split("\t")
        versions = row[4] if len(row) > 4 else ""
        if versions and not _holds_newest(versions):
            continue
        facts.setdefault(row[0], {})[row[1]] = (row[2], row[3])
    # conditions.tsv refines some conditional rows (the generator leaves them out of force_new.tsv):
    # they are conditional in the newest release
    conditions = path.parent / "conditions.tsv"
    for line in (conditions.read_text(encoding="utf-8").splitlines() if conditions.is_file() else []):
        if line and not line.startswith("#"):
            row = line.split("\t")
            facts.setdefault(row[0], {})[row[1]] = ("conditional", row[3])
    return newest, facts


def with_pack(sampled: dict[Version, Facts], newest: Version, pack: Facts) -> None:
    """The pack joins the newest sample. Where the newest release was extracted too, the
    stronger of the two kinds stands (where they disagree, the sources disagree: that is no
    change between releases, and the pack's own cross-check decides it). Where it was not (aws
    6.x, beyond the history held here), an attribute an earlier sample knows of a type the pack
    knows, and the pack does not list, does not replace there."""
    extracted = newest in sampled
    merged: Facts = {t: dict(a) for t, a in sampled.get(newest, {}).items()}
    for rtype, attrs in pack.items():
        mine = merged.setdefault(rtype, {})
        if not extracted:
            for facts in sampled.values():
                for attr in facts.get(rtype, {}):
                    mine.setdefault(attr, ("", ""))
        for attr, (kind, source) in attrs.items():
            held = mine.get(attr, ("", ""))
            if STRENGTH[kind] >= STRENGTH[held[0]]:
                mine[attr] = (kind, source)
    sampled[newest] = merged


def _holds_newest(versions: str) -> bool:
    return not any(p.startswith("<") for p in versions.split(","))


# --------------------------------------------------------------------------- folding into ranges


def fold(sampled: dict[Version, Facts], repo_of: dict[Version, str]) -> list[tuple[str, str, str, str, str]]:
    """Rows (type, attribute, kind, source, versions) for every key whose kind is not the same at
    every sample that knows its type. A run of samples with one kind is a range from its first
    sample (open below for the oldest) to the next sample with another kind (open above for the
    newest); in an unsampled gap between two kinds, the stronger kind's range covers the gap."""
    versions = sorted(sampled)
    keys = set()
    for facts in sampled.values():
        for rtype, attrs in facts.items():
            keys.update((rtype, a) for a in attrs)
    rows = []
    for rtype, attr in sorted(keys):
        seen = []
        for v in versions:
            facts = sampled[v].get(rtype)
            if facts is None:
                continue  # the type is unknown at this release
            if attr in facts:
                seen.append((v, facts[attr]))
            elif seen:  # gone after it was there: nothing left to replace
                seen.append((v, ("", "")))
        # A fact only ends: a release's kind is the strongest of it and every later release.
        # An extraction that misses a fact at an older release (a ForceNew the extractor could
        # not resolve there) must not take the fact away from that release; a fact a provider
        # really added later (a hand-checked row says so) is over-reported before it, never missed.
        strongest = ""
        for i in range(len(seen) - 1, -1, -1):
            v, (kind, source) = seen[i]
            if STRENGTH[kind] < STRENGTH[strongest]:
                seen[i] = (v, (strongest, source))
            strongest = seen[i][1][0]
        kinds = [k for _, (k, _) in seen]
        if len(set(kinds)) == 1 or not any(kinds):
            continue  # the same at every release that has it: the unversioned row stands
        runs: list[list] = []  # [kind, first version, last version, source at the first]
        for v, (kind, source) in seen:
            if runs and runs[-1][0] == kind:
                runs[-1][2] = v
            else:
                runs.append([kind, v, v, source])
        for n, (kind, first, last, source) in enumerate(runs):
            if not kind:
                continue
            lo = None if n == 0 else (first if STRENGTH[runs[n - 1][0]] >= STRENGTH[kind] else _after(runs[n - 1][2]))
            hi = None if n == len(runs) - 1 else (_after(last) if STRENGTH[runs[n + 1][0]] >= STRENGTH[kind] else runs[n + 1][1])
            span = ",".join(p for p in ((f">={show(lo)}" if lo else ""), (f"<{show(hi)}" if hi else "")) if p)
            where = (f"{repo_of[first]}:" if repo_of.get(first) else "") + f"{source}@v{show(first)}" + \
                (f"..v{show(last)}" if last != first else "")
            rows.append((rtype, attr, kind, where, span))
    return rows


def _after(v: Version) -> Version:
    """The lowest version after a sampled release (its next patch): a range `<` it ends at that release."""
    return (v[0], v[1], v[2] + 1)


# --------------------------------------------------------------------------- output


def range_key(text: str) -> tuple[Version, Version]:
    lo = hi = None
    for part in filter(None, text.split(",")):
        if part.startswith(">="):
            lo = parse(part[2:])
        elif part.startswith("<"):
            hi = parse(part[1:])
    return (lo or (0, 0, 0), hi or (1 << 30, 0, 0))


def read_rows(path: Path) -> list[tuple[str, ...]]:
    if not path.is_file():
        return []
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def render(rows: list[tuple[str, ...]], notes: list[str]) -> str:
    head = [f"# Generated by {SCRIPT}; rows checked by hand come from {HAND.name} and win for their key.",
            "# versions: >=X.Y.Z and/or <X.Y.Z, half-open; no lower bound: every release before the upper one."]
    head += [f"# {n}" for n in notes]
    head.append("# columns: resource_type\tattribute_path\tkind\tsource\tversions")
    return "\n".join(head + ["\t".join(r) for r in rows]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=SCRIPT, description=__doc__.split("\n\n")[0])
    ap.add_argument("--provider", action="append", choices=sorted(SOURCES), help="default: all")
    ap.add_argument("--sources", type=Path, default=Path("/work/.mirror"), help="where the providers' git directories are")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/iaclint-tfversions"), help="per-release extractions (JSON)")
    ap.add_argument("--budget", type=int, default=12, help="extractions per provider beyond the first samples")
    ap.add_argument("--list", action="store_true", help="print the releases found and the first samples, extract nothing")
    ap.add_argument("--no-extract", action="store_true",
                    help="extract nothing: write the rows generated before and the hand-checked ones again")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when the output would differ")
    ap.add_argument("--extractor", type=Path, default=EXTRACTOR, help="the extractor's directory (default: %(default)s)")
    args = ap.parse_args(argv)
    if str(args.extractor) not in sys.path:
        sys.path.insert(0, str(args.extractor))
    hand = read_rows(HAND)
    hand_keys = {(r[0], r[1]) for r in hand}
    generated = [r for r in read_rows(OUT) if (r[0], r[1]) not in hand_keys]
    notes = [line[2:] for line in (OUT.read_text(encoding="utf-8").splitlines() if OUT.is_file() else [])
             if line.startswith("# ") and ": sampled " in line]
    for provider in [] if args.no_extract else args.provider or sorted(SOURCES):
        found = releases(provider, args.sources)
        first = samples(found, MAJORS[provider])
        if args.list:
            print(f"{provider}: {len(found)} releases ({found[0].label}..{found[-1].label}); "
                  f"samples {', '.join(r.label for r in first)}" if found else f"{provider}: no releases found")
            continue
        if not found:
            print(f"{provider}: no releases under {args.sources}", file=sys.stderr)
            return 2
        sampled = {r.version: extract_release(r, provider, args.sources, args.cache) for r in first}
        bisect(found, sampled, lambda r: extract_release(r, provider, args.sources, args.cache), args.budget)
        # sources name the upstream repository: terraform-providers/ is its old name, and a
        # copy of its history (nuno407/) has the same commits
        repo_of = {r.version: f"hashicorp/terraform-provider-{provider}" for r in found}
        newest, facts = pack_facts(provider)
        if newest is not None and newest >= max(sampled):
            with_pack(sampled, newest, facts)  # its sources name their repository already
            repo_of[newest] = ""
        mine = fold(sampled, repo_of)
        generated = [r for r in generated if not r[0].startswith(provider + "_")] + \
            [r for r in mine if (r[0], r[1]) not in hand_keys]
        notes = [n for n in notes if not n.startswith(provider + ": ")]
        notes.append(f"{provider}: sampled {', '.join('v' + show(v) for v in sorted(sampled))}")
        print(f"{provider}: {len(sampled)} releases sampled, {len(mine)} versioned rows")
    if args.list:
        return 0
    rows = sorted(generated + hand, key=lambda r: (r[0], r[1], range_key(r[4])))
    text = render(rows, sorted(notes))
    old = OUT.read_text(encoding="utf-8") if OUT.is_file() else None
    if args.check:
        return 0 if old == text else 1
    if old != text:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
