"""What every command shares: exit codes, the reporting options, and the one error guard."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = ["text", "json", "sarif", "github", "gitlab", "markdown", "agent", "dot"]


def csv(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def report_options(command):
    """The options every reporting command shares (diff, plan): one definition, one behaviour."""
    import click  # here: the hook's fast path (`cli.diff_run`) runs without click

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
        click.option("--debug", is_flag=True, help="Show tracebacks for internal errors, and on standard error the source of each fact a finding rests on."),
        click.option("--no-cache", is_flag=True,
                     help="Do not read or write the parse cache (also IACLINT_NO_CACHE=1; see `iaclint cache`)."),
    ]):
        command = option(command)
    return command


def use_color(no_color: bool, output: str | None) -> bool:
    if no_color or output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def echo_err(message: str) -> None:
    """One line on standard error (what `echo_err(...)` does, without click)."""
    print(message, file=sys.stderr, flush=True)


def guard(action, debug: bool) -> int:
    """Run a command body: a user's mistake is one line and exit 2; so is an iaclint bug,
    unless --debug asks for the traceback."""
    from iaclint.errors import IaclintError

    try:
        return action()
    except IaclintError as exc:
        echo_err(f"iaclint: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        echo_err("iaclint: interrupted")
        return 130
    except Exception as exc:  # an iaclint bug: say so in one line unless asked for more
        if debug:
            raise
        echo_err(f"iaclint: internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)")
        return EXIT_USAGE
