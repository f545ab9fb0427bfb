"""Provider versions: Terraform's version constraints, the ranges of versioned pack rows, and
which version of a provider a module runs.

A fact can hold in some releases of a provider only (`aws_db_instance.identifier` forced a new
database before aws 5.0.0 and renames it in place since), so a versioned pack row carries a
range (`>=2.0.0,<5.0.0`; empty: every version). The version a module runs is, in order: the one
its root module's `.terraform.lock.hcl` locks, else any of the releases its `required_providers`
constraints (and a legacy `version` inside a `provider` block) allow, from the lowest up,
else the newest the pack knows. A fact that holds in every release allowed is certain; one that
holds in some of them only is a "may" (terraform init installs the newest allowed; a module
others call runs what their roots lock). Constraints follow Terraform's syntax (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, a bare
version meaning `=`; a missing minor or patch is zero), checked against `terraform init`.
"""

from __future__ import annotations

import re

Version = tuple[int, int, int]

# plain classes and uncompiled patterns: this module is imported on the way to a hook's verdict
# whenever a module pins a provider, and start-up time is the budget
_VERSION = r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?"
_CONSTRAINT = r"\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*"


def parse_version(text: str) -> Version | None:
    """`4.67.0` → (4, 67, 0); `4.2` → (4, 2, 0); None for anything else. A pre-release
    (`5.0.0-beta1`) is read as the release it leads to: its facts are that release's."""
    m = re.fullmatch(_VERSION, text.strip())
    if m is None:
        return None
    return (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0))


def show(v: Version) -> str:
    return ".".join(str(p) for p in v)


class Term:
    """One operator and version of a constraint (`~> 4.0`)."""

    __slots__ = ("op", "version", "precision")

    def __init__(self, op: str, version: Version, precision: int) -> None:
        self.op = op  # = != > >= < <= ~>
        self.version = version
        self.precision = precision  # how many components were written (for ~>)

    def __repr__(self) -> str:
        return f"Term({self.op!r}, {self.version!r}, {self.precision})"


class ConstraintError(ValueError):
    pass


def parse_constraint(text: str) -> list[Term]:
    """Terraform's comma-separated constraint string as terms; ConstraintError when it is not one."""
    terms = []
    for part in text.split(","):
        m = re.fullmatch(_CONSTRAINT, part)
        if m is None:
            raise ConstraintError(f"not a version constraint: {part.strip()!r}")
        vm = re.fullmatch(_VERSION, m.group(2))
        if vm is None or m.group(2).startswith("v"):
            raise ConstraintError(f"not a version: {m.group(2)!r}")
        precision = 1 + (vm.group(2) is not None) + (vm.group(3) is not None)
        version = parse_version(m.group(2))
        assert version is not None
        terms.append(Term(m.group(1) or "=", version, precision))
    return terms


def _upper_of_pessimistic(t: Term) -> Version:
    major, minor, _ = t.version
    if t.precision >= 3:
        return (major, minor + 1, 0)
    return (major + 1, 0, 0)


def allows(terms: list[Term], v: Version) -> bool:
    for t in terms:
        if t.op == "=" and v != t.version:
            return False
        if t.op == "!=" and v == t.version:
            return False
        if t.op == ">" and not v > t.version:
            return False
        if t.op == ">=" and not v >= t.version:
            return False
        if t.op == "<" and not v < t.version:
            return False
        if t.op == "<=" and not v <= t.version:
            return False
        if t.op == "~>" and not (t.version <= v < _upper_of_pessimistic(t)):
            return False
    return True


def lowest_allowed(terms: list[Term]) -> Version | None:
    """The lowest version every term allows, None when none does. The candidates are the
    versions the terms name and the ones just above them (`> 4.2.0` allows 4.2.1 first)."""
    candidates = {(0, 0, 0)}
    for t in terms:
        candidates.add(t.version)
        candidates.add(_next(t.version))
    for v in sorted(candidates):
        if allows(terms, v):
            return v
    return None


def upper_bound(terms: list[Term]) -> Version | None:
    """The exclusive upper end of what the terms allow (`~> 4.0` -> 5.0.0, `< 5` -> 5.0.0,
    `= 4.2` -> 4.2.1); None when nothing bounds it from above."""
    bounds = []
    for t in terms:
        if t.op == "<":
            bounds.append(t.version)
        elif t.op in ("<=", "="):
            bounds.append(_next(t.version))
        elif t.op == "~>":
            bounds.append(_upper_of_pessimistic(t))
    return min(bounds) if bounds else None


def _next(v: Version) -> Version:
    return (v[0], v[1], v[2] + 1)


# --------------------------------------------------------------------------- pack ranges


def parse_range(text: str) -> tuple[Version | None, Version | None]:
    """A pack row's `versions` column: `>=2.0.0,<5.0.0`, `<5.0.0`, `>=5.0.0`; ("", every
    version) is (None, None). ValueError when it is not of that form."""
    lo = hi = None
    if not text:
        return lo, hi
    for part in text.split(","):
        if part.startswith(">="):
            v = parse_version(part[2:]) if part[2:].count(".") == 2 else None
            if v is None or lo is not None:
                raise ValueError(f"bad version range {text!r}")
            lo = v
        elif part.startswith("<"):
            v = parse_version(part[1:]) if part[1:].count(".") == 2 else None
            if v is None or hi is not None:
                raise ValueError(f"bad version range {text!r}")
            hi = v
        else:
            raise ValueError(f"bad version range {text!r}")
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"empty version range {text!r}")
    return lo, hi


def in_range(v: Version, text: str) -> bool:
    lo, hi = parse_range(text)
    return (lo is None or v >= lo) and (hi is None or v < hi)


# --------------------------------------------------------------------------- a module's version


class Pinned:
    """The versions of one provider a root module may run, and why: one locked release, or the
    releases its constraints allow, from `version` up to (not including) `upper`."""

    __slots__ = ("provider", "version", "why", "upper")

    def __init__(self, provider: str, version: Version | None, why: str, upper: Version | None = None) -> None:
        self.provider = provider
        self.version = version  # the lowest it may run; None: the newest the pack knows
        self.why = why
        # the exclusive upper end; None: unbounded (up to the newest release the pack knows)
        self.upper = upper


def resolve(provider: str, locked: str | None, lock_path: str, constraints: list[tuple[str, str]]) -> Pinned:
    """`locked`: the lock file's version; `constraints`: (constraint, where it is written)."""
    if locked is not None:
        v = parse_version(locked)
        if v is not None:
            return Pinned(provider, v, f"{show(v)}, locked in {lock_path}", _next(v))
    if constraints:
        terms: list[Term] = []
        bad = []
        for text, where in constraints:
            try:
                terms += parse_constraint(text)
            except ConstraintError:
                bad.append(f"`{text}` ({where})")
        written = ", ".join(f"`{text}` ({where})" for text, where in constraints)
        if bad:
            return Pinned(provider, None, f"the newest the pack knows: cannot read the constraint {', '.join(bad)}")
        low = lowest_allowed(terms)
        if low is None:
            return Pinned(provider, None, f"the newest the pack knows: no version satisfies {written}")
        high = upper_bound(terms)
        # without a lock file `terraform init` installs the newest release allowed, and a module
        # others call runs whatever their roots pick: a fact is certain only where it holds in
        # every release allowed, and "may" where it holds in some (packs.Packs.at)
        span = f"below {show(high)}" if high is not None else "up to the newest"
        return Pinned(provider, low, f"{show(low)} {span}, the versions {written} allows (no lock file: "
                                     "a fact that holds in some of them only is a \"may\")", high)
    return Pinned(provider, None, "the newest the pack knows: no lock file and no version constraint")
