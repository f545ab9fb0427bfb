"""The body of `iaclint diff`, apart from its click definition (`cli/diff.py`): the pre-commit
hook's own command line, `iaclint diff --staged`, runs it without importing click (~15 ms of
a hook's start-up). `cli.main` takes that path only for the few flags in `FAST_FLAGS`;
`tests/test_cli.py` checks that what it passes is what click's definition would pass."""

from __future__ import annotations

import sys

from iaclint.cli.options import EXIT_USAGE, csv, echo_err, guard, use_color

# every parameter of `iaclint diff` with its default (click's definition in cli/diff.py)
DEFAULTS = {
    "paths": (), "base": None, "head": None, "staged": False, "patch": None, "plan": None,
    "explain_disagreements": False, "scope": (), "scope_file": None, "fmt": None, "fail_on": None,
    "select": (), "ignore": (), "config_path": None, "output": None, "no_color": False, "debug": False,
    "no_cache": False,
}
# the flags a command line may hold to skip click: the hook's `--staged` and a few switches
FAST_FLAGS = {"--staged": "staged", "--no-cache": "no_cache", "--no-color": "no_color", "--debug": "debug"}


def fast_params(args: list[str]) -> dict | None:
    """`diff --staged` with at most the switches of FAST_FLAGS, each once → diff's parameters;
    anything else (a path, an option with a value, --help) → None: click parses it."""
    if len(args) < 2 or args[0] != "diff" or "--staged" not in args[1:]:
        return None
    flags = args[1:]
    if len(set(flags)) != len(flags) or any(f not in FAST_FLAGS for f in flags):
        return None
    params = dict(DEFAULTS)
    for f in flags:
        params[FAST_FLAGS[f]] = True
    return params


def run_diff(paths, base, head, staged, patch, plan, explain_disagreements, scope, scope_file, fmt, fail_on, select,
             ignore, config_path, output, no_color, debug, no_cache) -> None:
    from iaclint.cli.report import run
    from iaclint.pipeline import RunOptions

    opts = RunOptions(
        paths=list(paths), base=base, head=head, staged=staged, patch=patch, fmt=fmt, fail_on=fail_on,
        select=csv(select), ignore=csv(ignore), config=config_path, output=output,
        color=use_color(no_color, output), debug=debug, plan=plan, explain_disagreements=explain_disagreements,
        cache=not no_cache, scope=_scope(scope, scope_file, debug),
    )
    if explain_disagreements and not plan:
        echo_err("iaclint: --explain-disagreements needs --plan FILE")
        sys.exit(EXIT_USAGE)
    sys.exit(guard(lambda: run(opts), debug))


def _scope(globs: tuple[str, ...], scope_file: str | None, debug: bool) -> list[str] | None:
    """The declared scope, or None when none is declared (an empty scope file declares nothing in scope)."""
    if not globs and scope_file is None:
        return None
    patterns = list(globs)
    if scope_file is not None:
        from pathlib import Path

        from iaclint.core.scope import parse_scope_text

        try:
            text = Path(scope_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            echo_err(f"iaclint: cannot read --scope-file {scope_file}: {getattr(exc, 'strerror', None) or exc}")
            sys.exit(EXIT_USAGE)
        patterns += parse_scope_text(text)
    return patterns
