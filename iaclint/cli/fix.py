"""`iaclint fix`: print (or write) the edits that keep a change's intent without destroying anything."""

from __future__ import annotations

import sys

import click

from iaclint.cli.options import guard


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", metavar="REF", help="Compare the git revision REF with the working tree.")
@click.option("--head", metavar="REF", help="With --base: compare against this revision (print only).")
@click.option("--staged", is_flag=True, help="Compare the git index with HEAD (print only).")
@click.option("--patch", "patch", metavar="FILE|-", help="Apply this unified diff to ROOT in memory (print only).")
@click.option("--write", is_flag=True, help="Apply the edits: moved.tf in each module directory, iaclint-refactor.json, the edited .py programs.")
@click.option("--stack-name", metavar="NAME", help="CloudFormation stack name for the refactor mapping (default: the template's file name).")
@click.option("--config", "config_path", type=click.Path(), help="Configuration file.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def fix(paths, base, head, staged, patch, write, stack_name, config_path, debug) -> None:
    """Print (or --write) the edits that keep a change's intent without destroying anything.

    Same inputs as `diff`. Terraform renames, module renames and count/for_each key changes get
    `moved` blocks; CloudFormation renames a stack-refactor mapping; CDK/Pulumi renames an
    `override_logical_id` or alias in the program (printed as a diff). Protection is never re-added.
    The change is then linted with the edits in (in memory, or after --write on disk): what they
    do not avoid (a moved instance whose name still changes is still replaced) is listed, and
    after --write the exit status is 1.
    """
    from iaclint.fixes import run_fix
    from iaclint.pipeline import RunOptions

    opts = RunOptions(paths=list(paths), base=base, head=head, staged=staged, patch=patch, config=config_path, debug=debug)
    sys.exit(guard(lambda: run_fix(opts, write=write, stack_name=stack_name), debug))
