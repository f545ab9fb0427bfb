"""tools/packgen/tfversions.py: per-release facts folded into version ranges."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from iaclint.knowledge.versions import in_range, parse_range

TOOL = Path(__file__).resolve().parents[1] / "tools" / "packgen" / "tfversions.py"
_spec = importlib.util.spec_from_file_location("tfversions", TOOL)
tfversions = importlib.util.module_from_spec(_spec)
sys.modules["tfversions"] = tfversions
_spec.loader.exec_module(tfversions)

FN = ("force_new", "rds/instance.go#resourceInstance")
COND = ("conditional", "rds/instance.go#resourceInstance")


def _fold(samples: dict[str, dict]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    sampled = {tfversions.parse(v): facts for v, facts in samples.items()}
    repo_of = {v: "hashicorp/terraform-provider-aws" for v in sampled}
    out: dict = {}
    for rtype, attr, kind, source, versions in tfversions.fold(sampled, repo_of):
        assert source.startswith("hashicorp/terraform-provider-aws:rds/instance.go")
        out.setdefault((rtype, attr), []).append((kind, versions))
    return out


def test_a_fact_that_holds_everywhere_stays_unversioned():
    db = {"aws_db_instance": {"engine": FN}}
    assert _fold({"2.0.0": db, "4.67.0": db, "5.0.0": db}) == {}


def test_a_fact_dropped_at_a_release_ends_there():
    before = {"aws_db_instance": {"identifier": FN, "engine": FN}}
    after = {"aws_db_instance": {"engine": FN}}
    rows = _fold({"2.0.0": before, "4.67.0": before, "5.0.0": after, "5.45.0": after})
    assert rows == {("aws_db_instance", "identifier"): [("force_new", "<5.0.0")]}


def test_a_fact_only_ends_it_never_starts():
    # "not replacing" at older releases may be the extractor missing a ForceNew it could not
    # resolve there: the fact holds back to the oldest (a hand-checked row can bound it)
    without = {"aws_rds_cluster": {"snapshot_identifier": ("", "rds/cluster.go#resourceCluster")}}
    with_it = {"aws_rds_cluster": {"snapshot_identifier": FN}}
    assert _fold({"3.0.0": without, "4.67.0": without, "5.0.0": with_it}) == {}
    # nor does a fact come back: a hole in its releases is filled
    assert _fold({"3.0.0": with_it, "4.0.0": without, "5.0.0": with_it}) == {}


def test_a_fact_that_ends_covers_the_unsampled_releases_after_it():
    with_it = {"aws_x": {"name": FN}}
    without = {"aws_x": {"name": ("", "rds/instance.go#resourceInstance")}}
    rows = _fold({"3.0.0": with_it, "3.10.0": with_it, "4.0.0": without})
    assert rows == {("aws_x", "name"): [("force_new", "<4.0.0")]}


def test_an_attribute_added_later_needs_no_range():
    # before it existed, nobody could set it: the unversioned row stands
    assert _fold({"3.0.0": {"aws_x": {}}, "4.0.0": {"aws_x": {"name": FN}}}) == {}


def test_a_replacing_attribute_that_went_away_ends_where_it_went():
    rows = _fold({"3.0.0": {"aws_x": {"old": FN}}, "4.0.0": {"aws_x": {"old": FN}}, "5.0.0": {"aws_x": {}}})
    assert rows == {("aws_x", "old"): [("force_new", "<5.0.0")]}


def test_the_pack_joins_the_newest_release():
    # extracted too: the stronger kind stands (a disagreement of sources is no version change)
    both = {(5, 0, 0): {"aws_x": {"a": FN, "b": FN}}, (6, 0, 0): {"aws_x": {"a": ("", "s"), "b": FN}}}
    tfversions.with_pack(both, (6, 0, 0), {"aws_x": {"a": FN}})
    assert both[(6, 0, 0)]["aws_x"] == {"a": FN, "b": FN}
    # not extracted (beyond the history held): what the pack does not list does not replace
    older = {(5, 0, 0): {"aws_x": {"a": FN, "b": FN}}}
    tfversions.with_pack(older, (6, 0, 0), {"aws_x": {"a": FN}})
    assert older[(6, 0, 0)]["aws_x"] == {"a": FN, "b": ("", "")}


def test_force_new_then_conditional_ranges_meet_without_overlap():
    a = {"aws_x": {"name": FN}}
    b = {"aws_x": {"name": COND}}
    rows = _fold({"3.0.0": a, "3.10.0": a, "4.0.0": b})[("aws_x", "name")]
    assert rows == [("force_new", "<4.0.0"), ("conditional", ">=4.0.0")]
    spans = [parse_range(r) for _, r in rows]
    assert spans[0][1] <= spans[1][0]


def test_a_type_unknown_at_a_release_is_not_compared_there():
    known = {"aws_db_instance": {"identifier": FN}}
    assert _fold({"2.0.0": known, "3.0.0": {}, "4.0.0": known}) == {}


def test_bisection_samples_between_differing_releases_only():
    releases = [tfversions.Release((4, m, 0), "r", f"c{m}") for m in range(0, 9)]
    truth = {r.version: ({"t": {"a": FN}} if r.version < (4, 5, 0) else {"t": {}}) for r in releases}
    sampled = {releases[0].version: truth[releases[0].version], releases[-1].version: truth[releases[-1].version]}
    asked = []

    def get(r):
        asked.append(r.version)
        return truth[r.version]

    tfversions.bisect(releases, sampled, get, budget=10)
    assert len(asked) <= 4  # log2 of the gap, not every release
    rows = tfversions.fold(sampled, {v: "x" for v in sampled})
    (_, _, kind, _, versions), = rows
    assert kind == "force_new" and in_range((4, 4, 0), versions) and not in_range((4, 5, 0), versions)


def test_the_versions_table_is_fresh():
    """terraform_versions.tsv holds every hand-checked row, as tfversions.py writes it."""
    assert tfversions.main(["--no-extract", "--check"]) == 0
