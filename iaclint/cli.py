"""Command line: parse options, build the inputs, call the pipeline, return an exit code.

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage or input error.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from iaclint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = ["text", "json", "sarif", "github", "gitlab", "markdown", "agent"]


class InputError(Exception):
    """A one-line problem with what the user asked iaclint to read."""


def _csv(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out



def report_options(command):
    """The options every reporting command shares (diff, plan): one definition, one behaviour."""
    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None, help="Output format."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default=None,
                     help="Exit 1 when a finding is at or above this severity (default: warning)."),
        click.option("--select", multiple=True, help="Only these codes, names or categories (comma-separated)."),
        click.option("--ignore", multiple=True, help="Skip these codes, names or categories (comma-separated)."),
        click.option("--config", "config_path", type=click.Path(),
                     help="Configuration file (default: .iaclint.toml or pyproject.toml)."),
        click.option("--output", "-o", type=click.Path(), help="Write the report to this file instead of standard output."),
        click.option("--no-color", is_flag=True, help="Never use colour."),
        click.option("--debug", is_flag=True, help="Show tracebacks for internal errors."),
        click.option("--no-cache", is_flag=True,
                     help="Do not read or write the parse cache (also IACLINT_NO_CACHE=1; see `iaclint cache`)."),
    ]):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="iaclint")
def cli() -> None:
    """iaclint: find the destructive changes in an infrastructure change before it merges."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", metavar="REF", help="Compare the git revision REF (e.g. origin/main) with the working tree.")
@click.option("--head", metavar="REF", help="With --base: compare against this revision instead of the working tree.")
@click.option("--staged", is_flag=True, help="Compare the git index with HEAD (what a pre-commit hook sees).")
@click.option("--patch", "patch", metavar="FILE|-", help="Apply this unified diff to ROOT in memory and lint the result.")
@click.option("--plan", "plan", metavar="FILE|-", help="Terraform plan JSON or change set: keep the static findings it confirms, drop those it refutes, add what it finds.")
@click.option("--explain-disagreements", is_flag=True, help="With --plan: list on standard error where static analysis and the plan disagree.")
@report_options
def diff(paths, base, head, staged, patch, plan, explain_disagreements, fmt, fail_on, select, ignore, config_path, output, no_color, debug, no_cache) -> None:
    """Lint a change: BEFORE AFTER (files or directories), --base REF [PATH...], --staged [PATH...],
    or --patch FILE|- [ROOT].

    PATH limits a git comparison to those files or directories; a Terraform file stands for
    its whole module directory. Paths in the report are relative to the repository root.
    """
    from iaclint.run import RunOptions, run

    opts = RunOptions(
        paths=list(paths), base=base, head=head, staged=staged, patch=patch, fmt=fmt, fail_on=fail_on,
        select=_csv(select), ignore=_csv(ignore), config=config_path, output=output,
        color=_use_color(no_color, output), debug=debug, plan=plan, explain_disagreements=explain_disagreements,
        cache=not no_cache,
    )
    if explain_disagreements and not plan:
        click.echo("iaclint: --explain-disagreements needs --plan FILE", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(_guard(lambda: run(opts), debug))


@cli.command()
@click.argument("plan_file", metavar="FILE|-")
@click.option("--source", "source", metavar="DIR", type=click.Path(), default=None,
              help="Configuration or template directory the plan was made from, to point findings at the code (default: the current directory).")
@report_options
def plan(plan_file, source, fmt, fail_on, select, ignore, config_path, output, no_color, debug, no_cache) -> None:
    """Lint a Terraform/OpenTofu plan (`terraform show -json plan.out`) or a CloudFormation change set
    (`aws cloudformation describe-change-set`): the provider's exact answer.
    """
    from iaclint.plan import run_plan
    from iaclint.run import RunOptions

    opts = RunOptions(
        paths=[plan_file], fmt=fmt, fail_on=fail_on, select=_csv(select), ignore=_csv(ignore), config=config_path,
        output=output, color=_use_color(no_color, output), debug=debug, source=source, cache=not no_cache,
    )
    sys.exit(_guard(lambda: run_plan(opts), debug))


@cli.command()
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
    """
    from iaclint.fixes import run_fix
    from iaclint.run import RunOptions

    opts = RunOptions(paths=list(paths), base=base, head=head, staged=staged, patch=patch, config=config_path, debug=debug)
    sys.exit(_guard(lambda: run_fix(opts, write=write, stack_name=stack_name), debug))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
@click.option("--pack", is_flag=True, help="Print knowledge-pack coverage instead of the rules.")
def rules(fmt: str, pack: bool) -> None:
    """List the rules (or, with --pack, what the knowledge packs cover)."""
    from iaclint import docs

    if pack:
        click.echo(docs.pack_coverage())
        return
    click.echo(docs.rules_markdown() if fmt == "markdown" else docs.rules_table())


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show a rule's documentation: what it flags, why, an example and the fix."""
    from iaclint.engine.registry import lookup

    rule = lookup(code)
    if rule is None:
        click.echo(f"iaclint: unknown rule {code!r} (see `iaclint rules`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{rule.code} {rule.name} [{rule.category.value}, default {rule.severity.value}]\n")
    click.echo(rule.doc())


@cli.command()
@click.option("--clear", is_flag=True, help="Delete every entry.")
def cache(clear: bool) -> None:
    """Show where the parse cache is and how big (or --clear it).

    Loaded Terraform module directories are kept by content hash in the user cache directory
    (IACLINT_CACHE_DIR to move it, IACLINT_NO_CACHE=1 or --no-cache to skip it,
    IACLINT_CACHE_MAX_MB to bound it, 256 by default). Deleting it is always safe.
    """
    from iaclint.diskcache import Store, enabled_by_environment

    store = Store()
    if clear:
        click.echo(f"removed {store.clear()} entries from {store.root}")
        return
    entries = store.entries()
    size = sum(s for _, s, _ in entries) / (1024 * 1024)
    state = "" if enabled_by_environment() else " (off: IACLINT_NO_CACHE is set)"
    click.echo(f"{store.root}: {len(entries)} entries, {size:.1f} MiB of {store.max_bytes / (1024 * 1024):.0f} MiB{state}")


@cli.command()
@click.option("--root", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The directory the server may read; every root and path a tool is given must be inside it.")
def mcp(root: str) -> None:
    """Serve the check_patch, check_change and explain_rule tools over MCP (stdio). Needs iaclint[mcp]."""

    def action() -> int:
        if not Path(root).is_dir():
            raise InputError(f"no such directory: {root}")
        from iaclint.mcp_server import serve

        serve(root)
        return EXIT_OK

    sys.exit(_guard(action, False))


def _use_color(no_color: bool, output: str | None) -> bool:
    if no_color or output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _guard(action, debug: bool) -> int:
    from iaclint.config import ConfigError
    from iaclint.trees import TreeError

    try:
        return action()
    except (InputError, ConfigError, TreeError) as exc:
        click.echo(f"iaclint: {exc}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("iaclint: interrupted", err=True)
        return 130
    except Exception as exc:  # an iaclint bug: say so in one line unless asked for more
        if debug:
            raise
        click.echo(f"iaclint: internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)", err=True)
        return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects (parse results, cache entries) and few cycles; the
    # collector's default pace (every 700 allocations) cost ~12% of a large run, measured.
    thresholds = gc.get_threshold()
    gc.set_threshold(20_000, 20, 20)
    try:
        cli.main(args=argv, prog_name="iaclint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("iaclint: aborted", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    finally:
        gc.set_threshold(*thresholds)  # main() is also called in-process (tests, embedders)
    return EXIT_OK

