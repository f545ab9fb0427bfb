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
# and, with two trees (`diff BEFORE AFTER`, an agent's or a benchmark's command line), these
# options with their value as the next word, and their choices where click checks them
FAST_OPTIONS = {"--format": "fmt", "--output": "output", "-o": "output", "--fail-on": "fail_on"}


def fast_params(args: list[str]) -> dict | None:
    """`diff --staged`, or `diff BEFORE AFTER`, with at most the switches of FAST_FLAGS and
    (two trees) the options of FAST_OPTIONS, each once → diff's parameters; anything else (more
    paths, another option, `--opt=value`, --help) → None: click parses it."""
    if len(args) < 2 or args[0] != "diff":
        return None
    from iaclint.cli.options import FORMAT_NAMES

    choices = {"fmt": FORMAT_NAMES, "fail_on": ["error", "warning", "note", "never"]}
    params = dict(DEFAULTS)
    paths: list[str] = []
    seen: set[str] = set()
    words = iter(args[1:])
    for word in words:
        name = FAST_FLAGS.get(word) or FAST_OPTIONS.get(word)
        if name is None:
            if word.startswith("-") or not word:
                return None
            paths.append(word)
            continue
        if name in seen:
            return None
        seen.add(name)
        if word in FAST_FLAGS:
            params[name] = True
            continue
        value = next(words, None)
        if value is None or value.startswith("-") or (name in choices and value not in choices[name]):
            return None
        params[name] = value
    if params["staged"] and not paths and not seen & set(FAST_OPTIONS.values()):
        return params  # the hook
    if not params["staged"] and len(paths) == 2:
        params["paths"] = tuple(paths)
        return params
    return None


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
