"""What a new user reads first says what iaclint does: exit 1, every option, every suppression."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_exit_1_is_said_to_mean_findings():
    exit_codes = README[README.index("Exit codes:"):]
    assert re.search(r"`1` \*\*findings\*\*", exit_codes)


def test_the_options_list_names_every_report_option():
    options = README[README.index("Options:"):README.index("Exit codes:")]
    for needed in ("agent", "`--plan FILE`", "`--no-cache`", "`--fail-on", "`--output FILE`"):
        assert needed in options, needed


def test_the_cloudformation_metadata_suppression_is_documented():
    suppressions = README[README.index("## Suppressions"):README.index("## Output formats")]
    assert "Metadata:" in suppressions and "iaclint:" in suppressions and "allow:" in suppressions
    assert "reason:" in suppressions


def test_usage_error_without_arguments_names_every_way_to_give_a_change(tmp_path):
    result = run_cli(["diff"], cwd=tmp_path)
    assert result.exit_code == 2
    for way in ("BEFORE and AFTER", "--base", "--staged", "--patch"):
        assert way in result.stderr, result.stderr
