"""Every rule is complete: a unique code and name, the documented sections, fresh docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iaclint.engine.docs import rules_markdown
from iaclint.engine.registry import RULES
from iaclint.core.model import Category, Severity

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]
FAMILY = {"0": Category.PARSE_ERROR, "1": Category.REPLACEMENT, "2": Category.PROTECTION, "3": Category.DELETION,
          "4": Category.COMMAND, "5": Category.DRIFT,
          "41": Category.OUT_OF_SCOPE}  # the 400s are shared: IAC40x commands, IAC41x declared scope


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_identity(rule):
    assert re.fullmatch(r"IAC\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert not rule.name.startswith(("no-", "disallow-"))
    assert isinstance(rule.severity, Severity)
    # the hundreds digit names the family
    family = FAMILY.get(rule.code[3:5]) or FAMILY.get(rule.code[3])
    assert rule.category is family


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_docstring_has_sections(rule):
    doc = rule.doc()
    positions = [doc.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code} lacks one of {SECTIONS}"
    assert positions == sorted(positions)
    assert rule.summary() and not rule.summary().startswith("#")


def test_docs_are_fresh():
    shipped = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert shipped == rules_markdown() + "\n", "docs/rules.md is stale: run `iaclint rules --format markdown > docs/rules.md`"


def test_each_line_of_the_registry_names_its_rule():
    """The table a run reads without importing the rules says what their classes say."""
    from iaclint.engine.registry import TABLE, rule_class, rules_reading

    for code, name, _, reads in TABLE:
        rule = rule_class(code)
        assert (rule.code, rule.name) == (code, name)
        assert (reads == "commands") == (rule.category is Category.COMMAND)
        if reads == "plan":  # a plan-only rule has nothing to say about a source change
            assert "_planned" in vars(rule)
    assert rules_reading("changes", "plan", "commands") == RULES
