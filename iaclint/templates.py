"""CloudFormation templates in a change → stack diffs (one stack per template file)."""

from __future__ import annotations


def analyze_templates(before, after, paths, renames, result, settings) -> None:
    return None
