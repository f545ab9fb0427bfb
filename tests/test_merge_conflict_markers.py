"""A Terraform file left with git's conflict markers is said to be one, at the marker."""

from __future__ import annotations

import pytest

from helpers import lint_trees
from conftest import write

BEFORE = 'resource "aws_sqs_queue" "q" {\n  name = "a"\n}\n'
CONFLICTS = {
    "one argument": 'resource "aws_sqs_queue" "q" {\n<<<<<<< HEAD\n  name = "a"\n=======\n  name = "b"\n>>>>>>> feature\n}\n',
    "inside an expression": ('resource "aws_sqs_queue" "q" {\n  name = join("-", [\n    "a",\n<<<<<<< HEAD\n    "b",\n'
                             '=======\n    "c",\n>>>>>>> 1a2b3c4 (rename)\n  ])\n}\n'),
    "whole blocks": ('<<<<<<< ours\nresource "aws_sqs_queue" "q" {\n  name = "a"\n}\n||||||| base\n=======\n'
                     'resource "aws_sqs_queue" "q" {\n  name = "b"\n}\n>>>>>>> theirs\n'),
}


@pytest.mark.parametrize("shape", sorted(CONFLICTS))
def test_conflict_markers_are_named(tmp_path, shape):
    write(tmp_path / "before", {"main.tf": BEFORE})
    write(tmp_path / "after", {"main.tf": CONFLICTS[shape]})
    (f,) = lint_trees(tmp_path / "before", tmp_path / "after")
    assert f.rule == "IAC001"
    assert "merge conflict marker" in f.message, f.message
    assert "continues on a new line" not in f.message
    first_marker = next(i for i, ln in enumerate(CONFLICTS[shape].splitlines(), 1) if ln.startswith("<<<<<<<"))
    assert f.line == first_marker


def test_a_heredoc_that_looks_like_a_marker_is_no_conflict(tmp_path):
    text = 'resource "aws_ssm_parameter" "p" {\n  value = <<EOT\nTitle\n=======\nEOT\n}\n'
    write(tmp_path / "before", {"main.tf": text.replace("Title", "Old")})
    write(tmp_path / "after", {"main.tf": text})
    assert [f.rule for f in lint_trees(tmp_path / "before", tmp_path / "after") if f.rule == "IAC001"] == []
