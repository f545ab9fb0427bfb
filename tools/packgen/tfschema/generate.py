"""Generate rules/terraform/<provider>/{force_new,attributes}.tsv from provider Go source.

Each provider is read at a pinned revision (PROVIDERS) from a git directory, found under
--sources DIR as `<owner>+<name>/repo`, `<name>.git` or `<name>` (a bare clone is enough; no
checkout is made). Output per provider:

    attributes.tsv   resource_type, attribute_path, flags, default, source[, versions]
    force_new.tsv    resource_type, attribute_path, kind, source[, versions]

flags: R required, O optional, C computed, D deprecated, S sensitive. default: a JSON literal
or empty. The versions column is left empty here (version ranges are filled by another step).
Rows are sorted by their first two columns, so one type's rows are contiguous.

Where a provider has a second source (the handed-over reference tables, --shared), every
force_new/conditional row is compared with it; see crosscheck.py for the decision rule.

--check writes nothing and exits 1 when a committed file differs from what would be written.
Standard library only; never imported by iaclint.
"""

from __future__ import annotations

import argparse
from collections import Counter
import os
import sys
from pathlib import Path

from extract import Result, extract
from versioned import VERSIONED, fold, newest, sampled_releases

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = REPO_ROOT / "rules" / "terraform"
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data" / "terraform"
SCRIPT = "tools/packgen/tfschema"
DITTO = "^"
MAX_DEPTH = 5  # attributes.tsv keeps paths of at most this many levels (size: read per aws change)

# provider -> where its source is and which revision the packs are generated from
PROVIDERS: dict[str, dict] = {
    "random": {"repo": "hashicorp/terraform-provider-random", "rev": "f8d869dc98d90785f6c8f7131081fa5ef88f9d95",
               "label": "v3.9.0"},
    "google": {"repo": "hashicorp/terraform-provider-google", "rev": "e03b7622a26cf4e878f90bdccaca6aa3d03a7999",
               "label": "after v7.45.0", "reference": "google.tsv"},
    "azurerm": {"repo": "hashicorp/terraform-provider-azurerm", "rev": "69697b7fe6a923fc89e88f386bc95c3ed1ee2ec6",
                "label": "after v5.2.0", "reference": "azurerm.tsv",
                # commonschema.Location(), ResourceGroupName(), Tags() ... live in go-azure-helpers
                "modules": [("github.com/hashicorp/go-azure-helpers", "hashicorp/go-azure-helpers")]},
    # the providers agents break beyond the big three (their statefulness and protection are kept elsewhere)
    "tls": {"repo": "hashicorp/terraform-provider-tls", "rev": "857b38cda3fca4b6539f23b6dfc9724c6537f7e7", "label": "v4.2.1"},
    "kubernetes": {"repo": "hashicorp/terraform-provider-kubernetes", "rev": "28fb611cb6be20c5059efadd6cbf16b9ad64cd6c",
                   "label": "v3.2.1"},
    "helm": {"repo": "hashicorp/terraform-provider-helm", "rev": "ecffae07748ea9e2e99660e5ad3f852a12fbc5fc", "label": "v3.1.2"},
    "github": {"repo": "integrations/terraform-provider-github", "rev": "20728bb30c112287ac3e8243cdb0307a45c6a0a0",
               "label": "v6.13.0"},
    "cloudflare": {"repo": "cloudflare/terraform-provider-cloudflare", "rev": "a2efdc5786ae9726d56928dbfe91933bd92404ca",
                   "label": "v5.22.0"},
    "snowflake": {"repo": "Snowflake-Labs/terraform-provider-snowflake", "rev": "426a9ea06713f8a339476abdaaefe67243becc7c",
                  "label": "v1.1.0"},
    "mongodbatlas": {"repo": "mongodb/terraform-provider-mongodbatlas", "rev": "08aab405e4d207220a39f4198ba3c206524d267e",
                     "label": "v2.16.0"},
    "postgresql": {"repo": "cyrilgdn/terraform-provider-postgresql", "rev": "450ce85b50c1f47ebdb239c9d05e2f53847389ba",
                   "label": "v1.26.0"},
    "datadog": {"repo": "DataDog/terraform-provider-datadog", "rev": "cccc81a7252eab4fe45311dd2dc854c58d96143f",
                "label": "v4.19.0"},
    "aws": {"repo": "hashicorp/terraform-provider-aws", "label": "v6.58.0", "reference": "aws.tsv",
            # the provider is read from a republication with one Go function per file (the same
            # source, at the release); its sources name the package directory and the function
            "via": "lonegunmanb/terraform-provider-aws-index", "rev": "2f6e22c42759323d69500964ed1d284e5f4dea97",
            # names.Attr* constants: the republication lacks the names package; what the older
            # tree below does not declare is derived from the constant's name (counted)
            "extra": [("nuno407/terraform-provider-aws", "1a5174b137bbdefdebd6e5c2fc033f829057e283", "names")]},
}

# shortening of the source column of attributes.tsv (the header says so)
_PREFIXES = ("internal/services/", "internal/service/", "google/services/", "internal/provider/", "internal/")


def find_gitdir(sources: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for cand in (sources / f"{owner}+{name}" / "repo", sources / f"{name}.git", sources / name,
                 sources / f"{owner}+{name}"):
        if (cand / "HEAD").is_file() or (cand / ".git").exists():
            return cand
    return None


def short_source(src: str) -> str:
    for p in _PREFIXES:
        if src.startswith(p):
            return src[len(p):]
    return src


def origin(pin: dict) -> str:
    if "via" in pin:
        return f"{pin['repo']} {pin['label']} (read via {pin['via']}@{pin['rev']})"
    return f"{pin['repo']}@{pin['rev']} ({pin['label']})"


def render_attributes(provider: str, pin: dict[str, str], res: Result) -> str:
    rows = sorted((r.resource_type, r.path, r.flags, r.default, short_source(r.source)) for r in res.rows
                  if r.in_schema and r.path.count(".") < MAX_DEPTH)
    deep = Counter(r.resource_type for r in res.rows if r.in_schema and r.path.count(".") >= MAX_DEPTH)
    head = [
        f"# Generated by {SCRIPT} from {origin(pin)}. DO NOT EDIT.",
        *(f"# Schema helpers from {m}@{r}" for m, r in sorted(res.module_revs.items())),
        f"# {len(res.resources)} resource types; flags: R required, O optional, C computed, D deprecated, S sensitive;",
        "# default: a JSON literal, or ? where the schema sets one this reader cannot evaluate. source: file#function in that repository, with the leading "
        + ", ".join(_PREFIXES) + " left out.",
        f"# A source of {DITTO!r} is the source of the row above (same resource type).",
        f"# Paths deeper than {MAX_DEPTH} levels are left out ({sum(deep.values())} rows"
        + (", most in " + ", ".join(t for t, _n in deep.most_common(3)) if deep else "") + ").",
        "# An optional 6th column, versions, holds the provider version range a row holds for (empty: all).",
        "# columns: resource_type\tattribute_path\tflags\tdefault\tsource",
    ]
    lines = []
    prev = ("", "")
    for rtype, path, flags, default, source in rows:
        # "^": the same source as the row above, within one type's run (keeps the pack small)
        shown = DITTO if (rtype, source) == prev else source
        prev = (rtype, source)
        lines.append("\t".join((rtype, path, flags, default, shown)))
    return "\n".join(head + lines) + "\n"


def force_rows(pin: dict[str, str], res: Result) -> list[tuple[str, str, str, str]]:
    out = []
    for r in res.rows:
        if r.kind:
            out.append((r.resource_type, r.path, r.kind, f"{pin['repo']}:{r.source}"))
    out.sort(key=lambda t: (t[0], t[1]))
    return out


def render_force_new(provider: str, pin: dict, rows, notes=()) -> str:
    head = [f"# Generated by {SCRIPT} from {origin(pin)}. DO NOT EDIT."]
    head += [f"# {n}" for n in notes]
    head.append("# An optional 5th column, versions, holds the provider version range a row holds for (empty: all).")
    head.append("# columns: resource_type\tattribute_path\tkind\tsource\tversions")
    return "\n".join(head + ["\t".join(r) for r in rows]) + "\n"


def read_conditions(out: Path, provider: str) -> set[tuple[str, str]]:
    """(type, attribute) pairs whose condition the hand-kept conditions.tsv spells out."""
    path = out / provider / "conditions.tsv"
    if not path.is_file():
        return set()
    return {tuple(line.split("\t")[:2]) for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")}  # type: ignore[misc]


def generate(provider: str, sources: Path, shared: Path | None) -> tuple[dict[str, str], list[str]]:
    """{relative path: text} for one provider, and report lines."""
    from crosscheck import merge, read_reference  # noqa: PLC0415

    pin = PROVIDERS[provider]
    gitdir = find_gitdir(sources, pin.get("via", pin["repo"]))
    if gitdir is None:
        raise SystemExit(f"{provider}: no git directory for {pin.get('via', pin['repo'])} under {sources}")
    extra = []
    for repo, rev, folder in pin.get("extra", []):
        g = find_gitdir(sources, repo)
        if g is None:
            raise SystemExit(f"{provider}: no git directory for {repo} under {sources}")
        extra.append((str(g), rev, folder))
    modules = []
    for mpath, repo in pin.get("modules", []):
        g = find_gitdir(sources, repo)
        if g is None:
            raise SystemExit(f"{provider}: no git directory for {repo} under {sources}")
        modules.append((mpath, str(g)))
    res = extract(str(gitdir), pin["rev"], provider, extra=tuple(extra), modules=tuple(modules))
    files = {f"{provider}/attributes.tsv": render_attributes(provider, pin, res)}
    unresolved = sum(v for k, v in res.unresolved.items() if not k.startswith("names.Attr"))
    report = [f"{provider}: {len(res.resources)} resource types, {sum(1 for r in res.rows if r.in_schema)} attributes; "
              f"unresolved {unresolved} in {len(res.unresolved_types)} types"
              + "".join(f"; {k}: {v}" for k, v in sorted(res.unresolved.items()))]
    ours = force_rows(pin, res)
    refined = read_conditions(DEFAULT_OUT, provider)
    left_out = sorted({(t, p) for t, p, k, _s in ours if (t, p) in refined and k == "conditional"})
    bad = sorted({(t, p) for t, p, k, _s in ours if (t, p) in refined and k != "conditional"})
    if bad:
        raise SystemExit(f"{provider}/conditions.tsv refines rows that are force_new in source: {bad}")
    ours = [r for r in ours if (r[0], r[1]) not in refined]
    paths: dict[str, set[str]] = {}
    for r in res.rows:
        paths.setdefault(r.resource_type, set()).add(r.path)
    for t in res.resources:
        paths.setdefault(t, set())
    reference = read_reference(shared, provider) if shared is not None and pin.get("reference") else None
    if reference is not None:
        reference = {k: v for k, v in reference.items() if k not in refined}
    rows, disagreements, counts = merge(provider, ours, paths, reference, pin.get("reference", ""))
    notes = []
    if "via" in pin:
        notes.append("Sources read via the republication name the package directory and function.")
    notes += [f"Schema helpers from {m}@{r}" for m, r in sorted(res.module_revs.items())]
    if reference is not None:
        agree = counts["agree"]
        notes.append(f"Cross-checked with the reference table {pin['reference']}: agree {agree} "
                     f"(kinds differ {counts['kinds differ']}), only ours {counts['only ours']}, "
                     f"only theirs {counts['only theirs']} (R4 {counts['R4']}, R5 {counts['R5']}, R6 {counts['R6']}); "
                     "rule and decisions: tools/packgen/tfschema/crosscheck.py, disagreements.tsv.")
        report.append(f"{provider}: cross-check with {pin['reference']}: agree {agree}, only ours {counts['only ours']}, "
                      f"only theirs {counts['only theirs']} ({', '.join(f'{k} {counts[k]}' for k in ('R4', 'R5', 'R6'))}), "
                      f"kinds differ {counts['kinds differ']}")
        files[f"{provider}/disagreements.tsv"] = render_disagreements(provider, pin, disagreements)
    if left_out:
        notes.append("Left out, their condition is in conditions.tsv: " + ", ".join(".".join(k) for k in left_out))
    rows, folded = fold(provider, rows, refined)
    release = newest(pin["label"])
    if release:
        notes.append(f"newest: {release}")
    if folded:
        sampled = sampled_releases(provider)
        if sampled:
            notes.append(f"sampled: {sampled}")
        notes.append(f"Version ranges from {VERSIONED.relative_to(REPO_ROOT)} (tools/packgen/tfversions.py).")
    files[f"{provider}/force_new.tsv"] = render_force_new(provider, pin, rows, notes)
    return files, report


def render_disagreements(provider: str, pin: dict, rows) -> str:
    head = [f"# Generated by {SCRIPT} from {origin(pin)} and the reference table {pin['reference']}. DO NOT EDIT.",
            "# Every replacement fact the two disagree on, with the decision (the fact shipped in force_new.tsv;",
            "# in_place: none) and the rule or review behind it (tools/packgen/tfschema/crosscheck.py, reviewed.tsv).",
            "# columns: resource_type\tattribute_path\tdecision\tsource\tours\ttheirs\treason"]
    return "\n".join(head + ["\t".join(r) for r in rows]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=SCRIPT)
    ap.add_argument("--provider", action="append", help="only these providers (default: all pinned)")
    ap.add_argument("--sources", type=Path, default=Path(os.environ.get("TFSCHEMA_SOURCES", "/work/.mirror")),
                    help="directory holding the providers' git directories")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the handed-over reference tables")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    status = 0
    for provider in args.provider or sorted(PROVIDERS):
        files, report = generate(provider, args.sources, args.shared if args.shared.is_dir() else None)
        for line in report:
            print(line)
        for rel, text in files.items():
            dest = args.out / rel
            old = dest.read_text(encoding="utf-8") if dest.is_file() else None
            if args.check:
                if old != text:
                    print(f"drift: {dest} differs from what {SCRIPT} generates", file=sys.stderr)
                    status = 1
            elif old != text:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(text, encoding="utf-8")
                print(f"wrote {dest} ({len(text.encode())} bytes)")
    return status
