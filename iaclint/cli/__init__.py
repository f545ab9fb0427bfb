"""Command line: one module per command; each parses its options, calls the pipeline and
returns an exit code.

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage or input error.
"""

from __future__ import annotations

import gc
import importlib
import sys

from iaclint import __version__
from iaclint.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FORMAT_NAMES  # noqa: F401  (the CLI's contract)

# command -> the module under iaclint.cli that defines it. A run imports only its own command's
# module (a pre-commit hook pays for `diff`, not for `mcp` or `fix`).
COMMANDS = {"diff": "diff", "plan": "plan", "fix": "fix", "rules": "rules", "explain": "rules", "cache": "cache", "mcp": "mcp",
            "check-command": "check_command"}


def _group():
    """The click group of every command (imported here: the hook's own command line skips click)."""
    import click

    class _Commands(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
            if name not in COMMANDS:
                return None
            return getattr(importlib.import_module(f"iaclint.cli.{COMMANDS[name]}"), name.replace("-", "_"))

    @click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, "--version", prog_name="iaclint")
    def cli() -> None:
        """iaclint: find the destructive changes in an infrastructure change before it merges."""

    return cli


def __getattr__(name: str):
    if name == "cli":  # the click group, built on first use
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects (parse results, cache entries) and few cycles; the
    # collector's default pace (every 700 allocations) cost ~12% of a large run, measured.
    thresholds = gc.get_threshold()
    gc.set_threshold(20_000, 20, 20)
    if argv is None:
        # Run as the program (`iaclint ...`, `python -m iaclint`): when it exits, the collector's
        # last pass would walk every object left (~10-30 ms of a hook run) to free memory the
        # process gives back anyway. Only at exit: an embedder calling main() keeps its collector.
        import atexit

        atexit.register(gc.disable)
    try:
        from iaclint.cli.diff_run import fast_params

        params = fast_params(list(sys.argv[1:] if argv is None else argv))
        if params is not None:  # `iaclint diff --staged`, the hook: the same body, without click
            from iaclint.cli.diff_run import run_diff

            try:
                run_diff(**params)
            except SystemExit as exc:
                return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
            return EXIT_OK
        return _click_main(argv)
    finally:
        gc.set_threshold(*thresholds)  # main() is also called in-process (tests, embedders)


def program() -> None:
    """The program `iaclint` (its console script and `python -m iaclint`): `main()`, then the
    process ends without the interpreter's teardown. Freeing every module and object one by one
    (with a last collection) was ~4% of a hook run, for memory the process gives back anyway.
    The exit handlers still run and the standard streams are flushed first; if either fails, the
    interpreter's own exit takes over (it reports a failed flush as it always does)."""
    import os

    code = main()
    if not isinstance(code, int):
        sys.exit(code)
    try:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - the ordinary exit decides (a closed pipe: its message and status)
        sys.exit(code)
    os._exit(code & 0xFF)  # the status sys.exit(code) gives


def _click_main(argv: list[str] | None) -> int:
    import click

    try:
        _group().main(args=argv, prog_name="iaclint", standalone_mode=False)
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
    return EXIT_OK
