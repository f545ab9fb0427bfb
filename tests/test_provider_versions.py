"""Which provider version a Terraform module runs, and the versioned facts it is judged by.

The constraint resolver is checked operator by operator, and against `terraform init` itself
(when `terraform` is on PATH: a local plugin directory of empty provider packages, no network)
for which versions each constraint allows. The versioned pack rows are checked for well-formed,
non-overlapping ranges.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import lint_trees

from iaclint.knowledge import packs as packs_module
from iaclint.knowledge.packs import Packs, newest_version
from iaclint.knowledge.versions import (ConstraintError, allows, lowest_allowed, parse_constraint,
                                        parse_range, parse_version, resolve)

REPO = Path(__file__).resolve().parents[1]
PACKS = REPO / "rules" / "terraform"


def low(text: str) -> str | None:
    v = lowest_allowed(parse_constraint(text))
    return None if v is None else ".".join(map(str, v))


# --- the constraint syntax, operator by operator ------------------------------------------------

@pytest.mark.parametrize("constraint, lowest", [
    ("= 2.70.0", "2.70.0"),
    ("2.70.0", "2.70.0"),  # a bare version means =
    ("4.2", "4.2.0"),  # a missing patch is zero
    ("= 1.2", "1.2.0"),
    (">= 3.5", "3.5.0"),
    ("> 4.2.0", "4.2.1"),
    ("> 2", "2.0.1"),
    ("< 5.0.0", "0.0.0"),
    ("<= 2.70", "0.0.0"),
    ("~> 4.0", "4.0.0"),
    ("~> 4.2.1", "4.2.1"),
    ("~> 1", "1.0.0"),
    (">= 3.5, < 5", "3.5.0"),
    (">= 4.0, != 4.0.0", "4.0.1"),
    ("!= 0.0.0", "0.0.1"),
    (">=5.0.0,<5.0.0", None),  # nothing satisfies it
    ("~> 4.0, >= 5.0", None),
    ("~> 4.2, > 4.5.0", "4.5.1"),
])
def test_lowest_allowed(constraint, lowest):
    assert low(constraint) == lowest


@pytest.mark.parametrize("constraint, version, ok", [
    ("~> 4.0", "4.67.0", True),
    ("~> 4.0", "5.0.0", False),
    ("~> 4.2.1", "4.2.9", True),
    ("~> 4.2.1", "4.3.0", False),
    ("~> 1", "1.9.0", True),
    ("~> 1", "2.0.0", False),
    ("!= 5.1.0", "5.1.0", False),
    ("!= 5.1.0", "5.1.1", True),
    ("< 5", "4.99.99", True),
    ("< 5", "5.0.0", False),
    ("<= 2.70", "2.70.0", True),
    ("<= 2.70", "2.70.1", False),
    ("= 1.2", "1.2.5", False),
    (">= 3.5, < 5", "3.4.9", False),
])
def test_allows(constraint, version, ok):
    assert allows(parse_constraint(constraint), parse_version(version)) is ok


@pytest.mark.parametrize("bad", ["~> ", "=> 4.0", "four", "4.0.0.1", "v4.0", ">= 4.0;"])
def test_a_constraint_that_is_not_one_is_an_error(bad):
    with pytest.raises(ConstraintError):
        parse_constraint(bad)


def test_resolve_order():
    # the lock file wins over any constraint
    assert resolve("aws", "4.67.0", ".terraform.lock.hcl", [("~> 5.0", "versions.tf")]).version == (4, 67, 0)
    # else the lowest version every constraint (root and children) allows
    pinned = resolve("aws", None, ".terraform.lock.hcl", [(">= 3.5", "versions.tf"), ("~> 4.0", "modules/db/versions.tf")])
    assert pinned.version == (4, 0, 0) and "~> 4.0" in pinned.why
    # else (or when it cannot be read, or nothing satisfies it) the newest the pack knows
    assert resolve("aws", None, ".terraform.lock.hcl", []).version is None
    assert resolve("aws", None, ".terraform.lock.hcl", [("~> nonsense", "versions.tf")]).version is None
    assert resolve("aws", None, ".terraform.lock.hcl", [("< 4", "a.tf"), ("> 5", "b.tf")]).version is None


# --- terraform itself as the oracle -------------------------------------------------------------

ORACLE_VERSIONS = ["1.0.0", "1.2.0", "1.2.5", "1.3.0", "2.0.0", "2.70.0", "2.70.1", "3.5.0", "4.0.0", "4.0.1",
                   "4.2.0", "4.67.0", "5.0.0", "5.1.0"]
ORACLE_CONSTRAINTS = ["~> 1", "~> 1.2", "~> 1.2.0", "> 1.2", "!= 5.1.0", ">= 3.5, < 5", "4.2", "= 4.2", "<= 2.70",
                      "~> 2.70.0", "> 2", "< 1.2.5", "~> 4.0", ">= 5.0.0, != 5.1.0", "= 1.2.5, > 1", ">= 4.0, != 4.0.0",
                      "~> 0", "~> 4.0, >= 5.0"]


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_constraints_select_what_terraform_selects(tmp_path):
    """terraform init picks the newest allowed version from a local plugin directory: the one
    `allows` must pick too (or none)."""
    plugins = tmp_path / "plugins"
    for v in ORACLE_VERSIONS:
        d = plugins / "registry.terraform.io/hashicorp/aws" / v / "linux_amd64"
        d.mkdir(parents=True)
        (d / f"terraform-provider-aws_v{v}").write_text("#!/bin/sh\nexit 1\n")
        (d / f"terraform-provider-aws_v{v}").chmod(0o755)
    wrong = []
    for i, constraint in enumerate(ORACLE_CONSTRAINTS):
        work = tmp_path / f"c{i}"
        work.mkdir()
        (work / "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "%s" }\n  }\n}\n' % constraint)
        run = subprocess.run(["terraform", "init", "-backend=false", f"-plugin-dir={plugins}", "-input=false", "-no-color"],
                             cwd=work, capture_output=True, text=True, timeout=120,
                             env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "CHECKPOINT_DISABLE": "1"})
        lock = work / ".terraform.lock.hcl"
        theirs = None
        if run.returncode == 0 and lock.exists():
            from iaclint.languages.terraform.providers import lock_versions

            theirs = lock_versions(lock.read_bytes()).get("aws")
        terms = parse_constraint(constraint)
        ours = max((v for v in ORACLE_VERSIONS if allows(terms, parse_version(v))), key=parse_version, default=None)
        if ours != theirs:
            wrong.append((constraint, ours, theirs))
    assert not wrong


# --- a module's version, end to end -------------------------------------------------------------

DB = '''resource "aws_db_instance" "orders" {
  identifier     = "%s"
  engine         = "postgres"
  instance_class = "db.t3.medium"
}
'''
LOCK = '''provider "registry.terraform.io/hashicorp/aws" {
  version     = "%s"
  constraints = ">= 4.0.0"
  hashes = [
    "h1:Pv3m5uBdjSL+3ZuBcQdqKXUvvcQ7WSSQ9kdtGcNX0x8=",
  ]
}
'''


def _renamed(tmp_path: Path, files: dict[str, str], module_files: dict[str, str] | None = None) -> list:
    for side, name in (("before", "orders"), ("after", "orders-v2")):
        root = tmp_path / side
        root.mkdir()
        db = root / ("modules/db/main.tf" if module_files is not None else "main.tf")
        db.parent.mkdir(parents=True, exist_ok=True)
        db.write_text(DB % name)
        for rel, text in files.items():
            (root / rel).write_text(text)
        for rel, text in (module_files or {}).items():
            (root / "modules/db" / rel).write_text(text)
    return [f for f in lint_trees(tmp_path / "before", tmp_path / "after") if f.rule == "IAC101"]


def test_the_lock_file_wins_over_the_constraint(tmp_path):
    found = _renamed(tmp_path, {"versions.tf": 'terraform {\n  required_providers {\n    aws = "~> 5.0"\n  }\n}\n',
                                ".terraform.lock.hcl": LOCK % "4.67.0"})
    assert len(found) == 1 and "<5.0.0" in found[0].extra["sources"]["identifier"]


def test_a_child_modules_constraint_counts_and_the_roots_lock_decides(tmp_path):
    root = 'module "db" {\n  source = "./modules/db"\n}\n'
    pinned = {"versions.tf": 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = ">= 4.0" }\n  }\n}\n'}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert len(_renamed(tmp_path / "a", {"main.tf": root}, pinned)) == 1
    assert not _renamed(tmp_path / "b", {"main.tf": root, ".terraform.lock.hcl": LOCK % "5.31.0"}, pinned)


def test_a_legacy_provider_version_counts(tmp_path):
    assert len(_renamed(tmp_path, {"provider.tf": 'provider "aws" {\n  version = ">= 2.0, < 4.0"\n}\n'})) == 1


def test_no_lock_and_no_constraint_is_the_newest(tmp_path):
    assert not _renamed(tmp_path, {})


def test_a_source_with_another_local_name_is_its_type(tmp_path):
    text = 'terraform {\n  required_providers {\n    amazon = { source = "hashicorp/aws", version = "3.76.1" }\n  }\n}\n'
    assert len(_renamed(tmp_path, {"versions.tf": text})) == 1


# --- the packs ----------------------------------------------------------------------------------

def test_versioned_rows_are_chosen_by_version():
    packs = Packs()
    assert "identifier" not in packs.force_new_keys("aws_db_instance")  # the newest: renamed in place
    assert "identifier" in packs.at({"aws": (4, 67, 0)}).force_new_keys("aws_db_instance")
    assert "identifier" in packs.at({"aws": (2, 0, 0)}).force_new_keys("aws_db_instance")
    assert "identifier" not in packs.at({"aws": (5, 0, 0)}).force_new_keys("aws_db_instance")
    assert "snapshot_identifier" in packs.force_new_keys("aws_rds_cluster")
    assert "snapshot_identifier" not in packs.at({"aws": (4, 67, 0)}).force_new_keys("aws_rds_cluster")
    # a view per set of versions, and none for "the newest"
    assert packs.at({"aws": (4, 0, 0)}) is packs.at({"aws": (4, 0, 0)})
    assert packs.at({"aws": None}) is packs
    # other providers are untouched by the aws version
    assert packs.at({"aws": (4, 0, 0)}).force_new_keys("google_sql_database_instance") == \
        packs.force_new_keys("google_sql_database_instance")


def _versioned_rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@pytest.mark.parametrize("provider", ["aws", "google", "azurerm"])
def test_version_ranges_are_well_formed_and_do_not_overlap(provider):
    path = PACKS / provider / "force_new.tsv"
    assert newest_version(provider), "each generated pack says which release its unversioned rows describe"
    newest = parse_version(newest_version(provider))
    by_key: dict[tuple[str, str], list[str]] = {}
    for row in _versioned_rows(path):
        if len(row) > 4:
            assert row[4], row
            parse_range(row[4])  # raises when it is not >=X.Y.Z and/or <X.Y.Z with low < high
        by_key.setdefault((row[0], row[1]), []).append(row[4] if len(row) > 4 else "")
    for key, ranges in by_key.items():
        if len(ranges) > 1:
            assert "" not in ranges, f"{key}: an unversioned row beside versioned ones"
        spans = sorted(((lo or (0, 0, 0)), (hi or (1 << 30, 0, 0))) for lo, hi in (parse_range(r) for r in ranges if r))
        for (_, hi), (lo, _) in zip(spans, spans[1:]):
            assert hi <= lo, f"{key}: overlapping ranges {ranges}"
        for r in ranges:  # a range ends at a release the pack knows, or is open
            lo, hi = parse_range(r)
            assert hi is None or hi <= newest, f"{key}: {r} ends after the newest release, {newest}"


def test_versioned_rows_keep_one_types_rows_contiguous():
    for provider in ("aws", "google", "azurerm"):
        rows = _versioned_rows(PACKS / provider / "force_new.tsv")
        keys = [(r[0], r[1]) for r in rows]
        assert keys == sorted(keys), provider


def test_the_newest_version_header_is_read(monkeypatch):
    monkeypatch.delenv("IACLINT_RULES_DIR", raising=False)
    packs_module._read_pack.cache_clear()
    newest_version.cache_clear()
    assert newest_version("aws") == "6.58.0"
    assert newest_version("random") == "3.9.0"  # generated from source at v3.9.0
    assert newest_version("terraform") == ""  # hand-kept: says no release


def test_the_common_case_says_what_resolve_says():
    from iaclint.languages.terraform.providers import NOTHING

    assert resolve("aws", None, ".terraform.lock.hcl", []).why == NOTHING


# --- certain only where every allowed release agrees ---------------------------------------------

@pytest.mark.parametrize("constraint, verdict", [
    ("~> 4.0", "force_new"),  # every 4.x replaces
    (">= 3.0, < 5.0", "force_new"),
    ("= 4.67.0", "force_new"),
    (">= 4.0", "may_replace"),  # 4.x replaces, 5.0 and later rename in place: terraform init picks the newest
    ("~> 5.0", None),
])
def test_a_versioned_fact_is_certain_only_where_every_allowed_release_holds_it(constraint, verdict):
    from iaclint.knowledge.packs import Packs
    from iaclint.knowledge.versions import lowest_allowed, upper_bound

    terms = parse_constraint(constraint)
    view = Packs().at({"aws": (lowest_allowed(terms), upper_bound(terms))})
    got = {f.key: f.value for f in view.replacement("aws_db_instance")}.get("identifier")
    assert got == verdict


def test_a_locked_release_is_one_release():
    from iaclint.knowledge.packs import Packs

    assert {f.key: f.value for f in Packs().at({"aws": (4, 67, 0)}).replacement("aws_db_instance")}["identifier"] == "force_new"
    assert "identifier" not in {f.key for f in Packs().at({"aws": (5, 0, 0)}).replacement("aws_db_instance")}
