"""Help speaks the language of the change: no Terraform advice on a Pulumi or CDK program."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import lint_trees

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case", sorted(p.parent.name for p in (CASES / "IAC101").glob("*/expected.json")
                                        if p.parent.name.startswith(("pulumi", "cdk"))))
def test_iac101_help_on_python_programs_never_suggests_terraform_lifecycle(case):
    found = [f for f in lint_trees(CASES / "IAC101" / case / "before", CASES / "IAC101" / case / "after")
             if f.rule == "IAC101"]
    assert found or "same-value" in case  # a silent case: nothing to advise on
    for f in found:
        assert "create_before_destroy" not in f.help and "lifecycle" not in f.help, f.help
        assert "keep the old value" in f.help
