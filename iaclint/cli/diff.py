"""`iaclint diff`: lint a change given as two trees, a git range, the index or a patch."""

from __future__ import annotations

import click

from iaclint.cli.diff_run import run_diff
from iaclint.cli.options import report_options


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", metavar="REF", help="Compare the git revision REF (e.g. origin/main) with the working tree.")
@click.option("--head", metavar="REF", help="With --base: compare against this revision instead of the working tree.")
@click.option("--staged", is_flag=True, help="Compare the git index with HEAD (what a pre-commit hook sees).")
@click.option("--patch", "patch", metavar="FILE|-", help="Apply this unified diff to ROOT in memory and lint the result.")
@click.option("--plan", "plan", metavar="FILE|-", help="Terraform plan JSON or change set: keep the static findings it confirms, drop those it refutes, add what it finds.")
@click.option("--explain-disagreements", is_flag=True, help="With --plan: list on standard error where static analysis and the plan disagree.")
@click.option("--scope", "scope", multiple=True, metavar="GLOB",
              help="Declare what the change means to touch (repeatable): a glob on resource addresses, logical IDs or "
                   "CDK construct paths. Anything else it creates, changes, replaces or removes is IAC410 out-of-scope.")
@click.option("--scope-file", "scope_file", metavar="FILE", help="Declared scope globs, one per line (`#` comments).")
@report_options
def diff(paths, base, head, staged, patch, plan, explain_disagreements, scope, scope_file, fmt, fail_on, select, ignore, config_path, output, no_color, debug, no_cache) -> None:
    """Lint a change: BEFORE AFTER (files or directories), --base REF [PATH...], --staged [PATH...],
    or --patch FILE|- [ROOT].

    PATH limits a git comparison to those files or directories; a Terraform file stands for
    its whole module directory. Paths in the report are relative to the repository root.
    """
    run_diff(**{k: v for k, v in locals().items()})
