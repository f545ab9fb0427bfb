"""`iaclint check-command`: judge a command an agent is about to run, before it runs.

Imports only the shell reader and the command rules: a hook on every Bash call must not pay for
the Terraform or YAML parsers.
"""

from __future__ import annotations

import sys

import click

from iaclint.cli.options import EXIT_FINDINGS, EXIT_OK, csv, guard, report_options, use_color

HOOKS = ["claude"]
EXIT_HOOK_BLOCK = 2  # Claude Code: exit 2 blocks the tool call and shows standard error to the model
EXIT_HOOK_ERROR = 1  # Claude Code: any other code is shown to the user, and the call goes ahead


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("argv", nargs=-1, type=click.UNPROCESSED)
@click.option("--shell", "line", metavar="LINE", help="A command line, read as a shell reads it (pipes, &&, ;, bash -c ...).")
@click.option("--hook", type=click.Choice(HOOKS), help="Read a Claude Code PreToolUse event on standard input; "
                                                        "exit 2 with the reason on standard error to block the command.")
@report_options
def check_command(argv, line, hook, fmt, fail_on, select, ignore, config_path, output, no_color, debug, no_cache) -> None:
    """Judge a command before it runs: `check-command -- terraform destroy`, or
    `check-command --shell 'cd infra && terraform destroy -auto-approve'`.

    Exit 1 when it destroys, replaces or unprotects something (at or above --fail-on), 0 when
    it does not. Nothing is run.
    """
    from iaclint.pipeline import RunOptions

    opts = RunOptions(fmt=fmt, fail_on=fail_on, select=csv(select), ignore=csv(ignore), config=config_path,
                      output=output, color=use_color(no_color, output), debug=debug)
    if hook:
        sys.exit(_hook(opts))
    if line is not None and argv:
        click.echo("iaclint: give either --shell LINE or the command after `--`, not both", err=True)
        sys.exit(2)
    sys.exit(guard(lambda: _run(opts, line, list(argv) if line is None else None), debug))


def _run(opts, line, argv) -> int:
    from iaclint.cli.report import emit
    from iaclint.guard import judge
    from iaclint.output import render
    from iaclint.pipeline import exit_code

    if line is None and not argv:
        from iaclint.errors import InputError

        raise InputError("no command: give it after `--` (check-command -- terraform destroy) or as --shell 'LINE'")
    result = judge(opts, line, argv)
    emit(render(result, opts.fmt, opts.color), opts.output)
    return exit_code(result.findings, opts.fail_on or result.config.get("fail_on", "warning"))


def _hook(opts) -> int:
    """Claude Code's PreToolUse protocol: the event as JSON on standard input; exit 0 lets the
    command run, exit 2 blocks it with standard error as the reason the model reads. iaclint's
    own failures exit 1: the user sees them, the model is not told its command is destructive."""
    import json
    import os

    try:
        event = json.loads(sys.stdin.read() or "null")
    except ValueError:
        click.echo("iaclint: the hook input is not JSON (expected Claude Code's PreToolUse event)", err=True)
        return EXIT_HOOK_ERROR
    if not isinstance(event, dict) or event.get("tool_name") != "Bash":
        return EXIT_OK
    tool_input = event.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, dict) else None
    if not isinstance(command, str) or not command.strip():
        return EXIT_OK
    cwd = event.get("cwd")
    if isinstance(cwd, str) and os.path.isdir(cwd) and opts.config is None:
        opts.cwd = cwd
    from iaclint.errors import IaclintError
    from iaclint.guard import judge
    from iaclint.pipeline import exit_code

    try:
        result = judge(opts, command)
    except IaclintError as exc:
        click.echo(f"iaclint could not check the command: {exc}", err=True)
        return EXIT_HOOK_ERROR
    except Exception as exc:  # an iaclint bug: the user sees it, the command is not blamed
        if opts.debug:
            raise
        click.echo(f"iaclint could not check the command: internal error: {exc.__class__.__name__}: {exc}", err=True)
        return EXIT_HOOK_ERROR
    if exit_code(result.findings, opts.fail_on or result.config.get("fail_on", "warning")) != EXIT_FINDINGS:
        return EXIT_OK
    click.echo(_reason(result.findings, opts.fail_on or result.config.get("fail_on", "warning")), err=True)
    return EXIT_HOOK_BLOCK


def _reason(findings, fail_on: str) -> str:
    threshold = {"error": 3, "warning": 2, "note": 1}.get(fail_on, 2)
    blocking = [f for f in findings if f.severity.rank >= threshold]
    lines = ["iaclint blocked this command: it is destructive. It was not run."]
    for f in blocking:
        lines.append(f"- {' '.join(f.message.split())} ({f.rule} {f.name}). Instead: {' '.join(f.help.split())}.")
    return "\n".join(lines)
