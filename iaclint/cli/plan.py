"""`iaclint plan`: lint a Terraform plan JSON or a CloudFormation change set."""

from __future__ import annotations

import sys

import click

from iaclint.cli.options import csv, guard, report_options, use_color


@click.command()
@click.argument("plan_file", metavar="FILE|-")
@click.option("--source", "source", metavar="DIR", type=click.Path(), default=None,
              help="Configuration or template directory the plan was made from, to point findings at the code (default: the current directory).")
@report_options
def plan(plan_file, source, fmt, fail_on, select, ignore, config_path, output, no_color, debug, no_cache) -> None:
    """Lint a Terraform/OpenTofu plan (`terraform show -json plan.out`) or a CloudFormation change set
    (`aws cloudformation describe-change-set`): the provider's exact answer.
    """
    from iaclint.cli.report import run
    from iaclint.pipeline import RunOptions

    opts = RunOptions(
        plan=plan_file, plan_only=True, fmt=fmt, fail_on=fail_on, select=csv(select), ignore=csv(ignore),
        config=config_path, output=output, color=use_color(no_color, output), debug=debug, source=source,
        cache=not no_cache,
    )
    sys.exit(guard(lambda: run(opts), debug))
