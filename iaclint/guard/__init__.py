"""Judging a command before it runs (`iaclint check-command`, the MCP tool `check_command`, the
Claude Code PreToolUse hook): the command line is split as a shell would split it
(`guard/shell.py`), seen through its wrappers (`guard/invocations.py`), and the command rules
(`checks/command/`, IAC4xx) judge the programs it runs, through the same runner, selection,
configuration and output as `iaclint diff`.

Nothing is ever run, and nothing but the configuration file is read. A line that cannot be
read as a shell would read it is an IAC001 finding (an error): what cannot be read cannot be
said to be safe.
"""

from __future__ import annotations

from pathlib import Path

COMMAND_PATH = "<command>"
MAX_COMMAND_CHARS = 100_000


def judge(opts, line: str | None = None, argv: list[str] | None = None):
    """A `LintResult` for a command line (`line`) or one program's argument vector (`argv`)."""
    import os

    from iaclint.core.facts import CommandFacts
    from iaclint.core.model import Pos, Problem, StackDiff
    from iaclint.engine.check import Context
    from iaclint.engine.problems import to_finding
    from iaclint.engine.registry import rules_reading
    from iaclint.engine.runner import Selection, finalize, run_checks
    from iaclint.errors import InputError
    from iaclint.guard.invocations import from_argv, invocations
    from iaclint.guard.shell import ShellSyntaxError
    from iaclint.knowledge.packs import Packs
    from iaclint.pipeline import LintResult, _config, check_selectors, summarize

    if (line is None) == (argv is None):
        raise InputError("give the command after `--` (check-command -- terraform destroy) or as --shell 'LINE'")
    text = line if line is not None else " ".join(argv or [])
    if len(text) > MAX_COMMAND_CHARS:
        raise InputError(f"the command is longer than {MAX_COMMAND_CHARS:,} characters")
    cwd = Path(opts.cwd or os.getcwd())
    cfg = _config(opts, cwd)
    check_selectors(opts, cfg)
    selection = Selection(select=opts.select or cfg.get("select", []), ignore=opts.ignore + cfg.get("ignore", []),
                          severities=cfg.get("severity", {}))
    findings = []
    try:
        found = invocations(line) if line is not None else from_argv(list(argv or []))
    except ShellSyntaxError as exc:
        found = []
        findings.append(to_finding(Problem(COMMAND_PATH, Pos(1), f"the command cannot be read as a shell reads it: {exc}",
                                           help="write the command so that a shell can read it (close every quote and "
                                                "parenthesis); iaclint cannot say what it would run")))
    diff = StackDiff(stack=COMMAND_PATH, language="command", changes=[], facts=CommandFacts(found))
    rules = rules_reading("commands")
    # the command rules know their programs themselves: the user's packs (YAML) are not loaded
    findings += run_checks([diff], Context(packs=Packs([])), rules)
    findings = finalize(findings, selection)
    summary = summarize(findings, 0, 0, 0)
    summary["commands"] = len(found)  # the programs the line runs, each judged
    return LintResult(findings, summary, cwd, cfg, diff)
