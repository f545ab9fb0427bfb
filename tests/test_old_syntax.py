"""Terraform 0.11-era files and the 0.11 → 0.12 rewrites load and compare without a crash.

Seen replaying public module histories: a list of maps given to a block's name
(`option = ["${var.options}"]`) replaced by a `dynamic "option"` block, or a `parameter {}`
block replaced by `parameter = [var.parameters]`.
"""

from __future__ import annotations

import pytest

from tests.helpers import lint_trees

OPTIONS = 'variable "options" {\n  default = [{ option_name = "AUDIT" }]\n}\n'
GROUP = 'resource "aws_db_option_group" "this" {\n  name_prefix = "opts-"\n  engine_name = "mysql"\n  major_engine_version = "8.0"\n%s}\n'
OLD_LIST = '  option = ["${var.options}"]\n'
DYNAMIC = '  dynamic "option" {\n    for_each = var.options\n    content {\n      option_name = option.value.option_name\n    }\n  }\n'
PARAM_BLOCK = '  parameter {\n    name = "a"\n    value = "1"\n  }\n'
PARAM_LIST = "  parameter = [var.options]\n"


@pytest.mark.parametrize("before, after", [
    (OLD_LIST, DYNAMIC), (DYNAMIC, OLD_LIST), (PARAM_BLOCK, PARAM_LIST), (PARAM_LIST, PARAM_BLOCK),
], ids=["list-to-dynamic", "dynamic-to-list", "block-to-list", "list-to-block"])
def test_blocks_against_a_list_value_compare_without_a_crash(tmp_path, before, after):
    for side, body in (("before", before), ("after", after)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(OPTIONS + GROUP % body)
    findings = lint_trees(tmp_path / "before", tmp_path / "after")
    assert all(f.rule != "IAC001" for f in findings), findings
