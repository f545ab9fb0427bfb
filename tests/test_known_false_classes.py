"""False alarms found by judging real history one finding at a time (benchmarks/replay.py),
kept as reproductions until fixed: each is a strict xfail, so the day a change fixes one,
this file says so and the case moves to tests/cases as a benign twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lint_trees

HERE = Path(__file__).resolve().parent / "known_false"


@pytest.mark.xfail(strict=True, reason=(
    "block-at-api-default (replay r7, sample #68): a nested block added with the values the API already "
    "stores for it (an S3 flow log's destination_options) is no change; iaclint cannot know the values "
    "the provider computes for an absent block until the facts say which blocks are Optional+Computed "
    "(issue 21 item 3). The same commit adds the block to CloudWatch flow logs, where it IS a replacement. "
    "The judgement is in place (a block written with every argument at its schema default is a note: "
    "tests/test_unset_facts.py runs this case with the aws_flow_log facts); it passes once "
    "rules/terraform/aws/attributes.tsv has the default of destination_options.file_format, an AWS SDK enum "
    "constant (awstypes.DestinationFileFormatPlainText) the extractor does not resolve."))
def test_a_block_added_with_the_api_defaults_is_not_a_replacement():
    case = HERE / "block-at-api-default"
    loud = [f for f in lint_trees(case / "before", case / "after") if f.severity.value in ("error", "warning")]
    assert loud == []
