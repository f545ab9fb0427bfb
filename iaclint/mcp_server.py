"""`iaclint mcp`: a Model Context Protocol server over stdio, so an agent can ask iaclint itself.

Tools (each read-only; nothing here writes a file or runs anything but iaclint's git plumbing):

- `check_patch(patch, root=".", scope=None)`: lint a unified diff applied in memory to the tree at `root`.
- `check_change(base="HEAD", paths=[], scope=None)`: lint the working tree against a git ref.
- `check_command(command)`: judge a shell command line before running it (nothing is run).
- `explain_rule(code)`: a rule's documentation.

`scope`, a list of globs on resource addresses (logical IDs, CDK construct paths), declares what
the change means to touch: anything else it touches is IAC410 out-of-scope (`--scope` on the CLI).

`check_patch`, `check_change` and `check_command` return the short agent verdict as the first text block, the
JSON contract (tests/schemas/report-v1.json) as the second, and as structured content
`{"verdict": ..., "exit_code": ..., "report": <the contract>}`.

The server is confined to the directory it was started in (`--root`, default the current
directory): `root`, `paths` and every file a patch names must resolve, symlinks followed,
inside it, or the call is refused. Inputs are bounded (`MAX_PATCH_BYTES`, `MAX_PATHS`).
An iaclint error (bad input, configuration, git) is a tool error with iaclint's one-line
message, never a traceback.

Built on the official `mcp` SDK, an optional extra (`pip install 'iaclint[mcp]'`); it is
imported only here, only when the server starts. Works with the SDK's v1 (`FastMCP`, 1.19 or later:
earlier ones flatten a tool's `CallToolResult` into text) and v2 (`MCPServer`) high-level servers.
"""

import json
import os
from pathlib import Path
from typing import Any

MAX_PATCH_BYTES = 5 * 1024 * 1024
MAX_PATHS = 1000
MAX_PATH_CHARS = 4096
MAX_REF_CHARS = 256
MAX_SCOPE = 1000  # globs in a declared scope
INSTALL_HINT = "pip install 'iaclint[mcp]'"

INSTRUCTIONS = (
    "iaclint reads an infrastructure change (Terraform, CloudFormation) and says what it will destroy: "
    "replacements, removed deletion protection, deleted stateful resources. Call check_patch with the unified "
    "diff you are about to apply, or check_change after editing files, and fix your change until the verdict "
    "is clean. Call check_command with a shell command before you run it (terraform, aws, gcloud, az, kubectl, "
    "psql, ...): it says whether the command destroys, replaces or unprotects something. explain_rule gives a "
    "rule's documentation."
)


class Refused(Exception):
    """A request the server will not serve (outside the start directory, too large)."""


class Confinement:
    """Resolves user-given paths and refuses any that leave the start directory."""

    def __init__(self, start: str | os.PathLike) -> None:
        self.start = Path(start).resolve()

    def resolve(self, given: str, what: str) -> Path:
        if not isinstance(given, str) or not given:
            raise Refused(f"{what}: empty path")
        if len(given) > MAX_PATH_CHARS or "\0" in given:
            raise Refused(f"{what}: not a usable path")
        full = (self.start / given).resolve()  # follows every symlink on the way
        if not full.is_relative_to(self.start):
            raise Refused(f"{what} {given!r} is outside the directory the server was started in ({self.start})")
        return full


MIN_SDK = (1, 19)


def _sdk_version() -> tuple[int, ...] | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        text = version("mcp")
    except PackageNotFoundError:
        return None
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _import_sdk():
    """The SDK's high-level server class, its ToolError, CallToolResult and ToolAnnotations."""
    try:
        import mcp.types as types
    except ImportError as exc:
        raise ImportError(f"the MCP server needs the `mcp` package: {INSTALL_HINT}") from exc
    version = _sdk_version()
    if version is not None and version < MIN_SDK:
        # older SDKs turn a tool's CallToolResult into JSON text: no verdict block, no structured content
        raise ImportError(f"the MCP server needs mcp>={'.'.join(map(str, MIN_SDK))} "
                          f"(installed: {'.'.join(map(str, version))}): pip install -U 'iaclint[mcp]'")
    try:  # mcp 2.x
        from mcp.server.mcpserver import MCPServer as Server
        from mcp.server.mcpserver.exceptions import ToolError
    except ImportError:  # mcp 1.x
        from mcp.server.fastmcp import FastMCP as Server
        from mcp.server.fastmcp.exceptions import ToolError
    return Server, ToolError, types


def _text(types, text: str):
    return types.TextContent(type="text", text=text)


def _result(types, blocks: list[str], structured: dict[str, Any]):
    return types.CallToolResult.model_validate(
        {"content": [{"type": "text", "text": t} for t in blocks], "structuredContent": structured, "isError": False}
    )


def render_verdict(result) -> str:
    """The short agent verdict (`--format agent`); the text report until that format exists."""
    from iaclint.output import FORMATTERS
    from iaclint.output import render

    return render(result, "agent" if "agent" in FORMATTERS else "text", False)


def lint_result(opts) -> dict[str, Any]:
    """Lint with `opts`; the verdict, the exit code the CLI would give, and the JSON contract."""
    from iaclint.output import render
    from iaclint.pipeline import exit_code, lint

    result = lint(opts)
    report = json.loads(render(result, "json"))
    code = exit_code(result.findings, result.config.get("fail_on", "warning"))
    return {"verdict": render_verdict(result), "exit_code": code, "report": report}


def patch_paths(patch: str) -> list[str]:
    """Every file name the patch touches (old and new sides), as the patch reader sees them."""
    try:
        from iaclint.inputs.patch import parse_patch
    except ImportError:
        return []
    try:
        files = parse_patch(patch)
    except Exception:  # unreadable: the lint itself reports it with iaclint's own message
        return []
    return [p for fp in files for p in (fp.old, fp.new) if p]


def scope_of(scope: Any) -> list[str] | None:
    """A declared scope as given by a client: None (undeclared) or a bounded list of globs."""
    if scope is None:
        return None
    if isinstance(scope, str):  # one glob: a client's shorthand, not a list of its characters
        scope = [scope]
    if not isinstance(scope, list) or not all(isinstance(g, str) and g and len(g) <= MAX_PATH_CHARS for g in scope):
        raise Refused("scope: a list of globs (non-empty strings) is expected")
    if len(scope) > MAX_SCOPE:
        raise Refused(f"scope: too many globs ({len(scope)}; at most {MAX_SCOPE})")
    return list(scope)


def check_patch(conf: Confinement, patch: str, root: str = ".", scope: list[str] | None = None) -> dict[str, Any]:
    from iaclint.core.record import fields
    from iaclint.pipeline import RunOptions

    if not isinstance(patch, str):
        raise Refused("patch: a unified diff as text is expected")
    if len(patch.encode("utf-8", "surrogatepass")) > MAX_PATCH_BYTES:
        raise Refused(f"patch is larger than {MAX_PATCH_BYTES // (1024 * 1024)} MB")
    full_root = conf.resolve(root, "root")
    if not full_root.is_dir():
        raise Refused(f"root {root!r} is not a directory")
    for p in patch_paths(patch):
        where = (full_root / p).resolve()
        if not where.is_relative_to(full_root) or not where.is_relative_to(conf.start):
            raise Refused(f"the patch names {p!r}, which is outside root {root!r}")
    if "patch_text" not in fields(RunOptions):
        raise Refused("this iaclint cannot read patches yet (no patch input)")
    opts = RunOptions(patch_text=patch, cwd=str(full_root), paths=[str(full_root)], scope=scope_of(scope))
    return lint_result(opts)


def check_change(conf: Confinement, base: str = "HEAD", paths: list[str] | None = None,
                 scope: list[str] | None = None) -> dict[str, Any]:
    from iaclint.pipeline import RunOptions

    paths = list(paths or [])
    if not isinstance(base, str) or not base or len(base) > MAX_REF_CHARS or base.startswith("-"):
        raise Refused(f"base: not a git revision: {str(base)[:80]!r}")
    if len(paths) > MAX_PATHS:
        raise Refused(f"too many paths ({len(paths)}; at most {MAX_PATHS})")
    for p in paths:
        conf.resolve(p, "path")
    # Nothing named: the start directory, not the whole repository it may sit in.
    opts = RunOptions(base=base, paths=paths or ["."], cwd=str(conf.start), confine=str(conf.start), scope=scope_of(scope))
    return lint_result(opts)


def check_command(conf: Confinement, command: str) -> dict[str, Any]:
    """Judge a command line; the configuration of the start directory applies. Nothing is run."""
    from iaclint.guard import MAX_COMMAND_CHARS, judge
    from iaclint.output import render
    from iaclint.pipeline import RunOptions, exit_code

    if not isinstance(command, str):
        raise Refused("command: a shell command line as text is expected")
    if len(command) > MAX_COMMAND_CHARS:
        raise Refused(f"command is longer than {MAX_COMMAND_CHARS:,} characters")
    result = judge(RunOptions(cwd=str(conf.start)), command)
    report = json.loads(render(result, "json"))
    code = exit_code(result.findings, result.config.get("fail_on", "warning"))
    return {"verdict": render_verdict(result), "exit_code": code, "report": report}


def explain_rule(code: str) -> dict[str, Any]:
    from iaclint.engine.registry import lookup

    rule = lookup(code) if isinstance(code, str) and len(code) < 200 else None
    if rule is None:
        raise Refused(f"unknown rule {str(code)[:80]!r} (codes look like IAC101; names like force-new-attribute-changed)")
    header = f"{rule.code} {rule.name} [{rule.category.value}, default {rule.severity.value}]"
    return {
        "code": rule.code, "name": rule.name, "category": rule.category.value,
        "severity": rule.severity.value, "summary": rule.summary(), "doc": f"{header}\n\n{rule.doc()}",
    }


def _guarded(ToolError, action):
    """Run a tool body; every failure becomes a one-line tool error."""
    from iaclint.errors import InputError
    from iaclint.config import ConfigError
    from iaclint.inputs.trees import TreeError

    try:
        return action()
    except Refused as exc:
        raise ToolError(f"refused: {exc}") from None
    except (InputError, ConfigError, TreeError) as exc:
        raise ToolError(f"iaclint: {exc}") from None
    except Exception as exc:  # an iaclint bug: one line, never a traceback to the agent
        raise ToolError(f"iaclint: internal error: {exc.__class__.__name__}: {exc}") from None


def _named_server(Server):
    """The server, introduced to clients as iaclint with iaclint's version (not an empty one)."""
    from iaclint import __version__

    server = None
    for settings in ({"instructions": INSTRUCTIONS, "log_level": "WARNING", "version": __version__},
                     {"instructions": INSTRUCTIONS, "log_level": "WARNING"}, {}):
        try:
            server = Server("iaclint", **settings)
            break
        except TypeError:  # an SDK without one of these settings
            continue
    # mcp 1.x takes no version: its low-level server, which answers `initialize`, does
    lowlevel = getattr(server, "_mcp_server", None) or getattr(server, "_lowlevel_server", None)
    if lowlevel is not None and not getattr(lowlevel, "version", None):
        lowlevel.version = __version__
    return server


def build_server(start: str | os.PathLike):
    Server, ToolError, types = _import_sdk()
    conf = Confinement(start)
    server = _named_server(Server)
    try:
        read_only = {"annotations": types.ToolAnnotations(
            readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)}
    except Exception:
        read_only = {}

    def lint_reply(data: dict[str, Any]):
        return _result(types, [data["verdict"], json.dumps(data["report"], indent=2, ensure_ascii=False)], data)

    CallToolResult = types.CallToolResult

    def tool_check_patch(patch: str, root: str = ".", scope: list[str] | None = None) -> CallToolResult:
        """Lint a unified diff (as `git diff` or you would write it) applied in memory to the tree at `root`
        (relative to the server's directory), before you apply it. Returns what the change would destroy
        (replacements, removed deletion protection, deleted stateful resources), why, and the edit that avoids
        it, then the findings as JSON. Nothing is written. `scope`: globs naming the resources you mean to touch
        (`aws_s3_bucket.logs`, `module.app.*`, a CloudFormation logical ID, a CDK construct path); any other
        resource the patch creates, changes, replaces or removes is reported (IAC410)."""
        return lint_reply(_guarded(ToolError, lambda: check_patch(conf, patch, root, scope)))

    def tool_check_change(base: str = "HEAD", paths: list[str] = [],  # noqa: B006 (the schema default)
                          scope: list[str] | None = None) -> CallToolResult:
        """Lint the working tree against the git revision `base` (default HEAD: your uncommitted edits).
        `paths` limits it to these files or directories (a .tf file stands for its module directory);
        empty means the server's whole directory. `scope`: globs naming the resources you mean to touch; any
        other resource the change touches is reported (IAC410). Returns the verdict, then the findings as JSON."""
        return lint_reply(_guarded(ToolError, lambda: check_change(conf, base, paths, scope)))

    def tool_check_command(command: str) -> CallToolResult:
        """Judge a shell command line before you run it (as you would pass it to a shell: pipes, `&&`, `bash -c`
        are read). Returns whether it destroys, replaces or unprotects something (terraform/tofu destroy, apply
        -replace, aws rds delete-db-instance, kubectl delete namespace, DROP TABLE through psql, ...), why, and
        what to do instead, then the findings as JSON. Nothing is run."""
        return lint_reply(_guarded(ToolError, lambda: check_command(conf, command)))

    def tool_explain_rule(code: str) -> CallToolResult:
        """The documentation of one iaclint rule, by code (IAC101) or name (force-new-attribute-changed):
        what it flags, why it is bad, an example and what to do instead."""
        data = _guarded(ToolError, lambda: explain_rule(code))
        return _result(types, [data["doc"]], data)

    for fn, name in ((tool_check_patch, "check_patch"), (tool_check_change, "check_change"),
                     (tool_check_command, "check_command"), (tool_explain_rule, "explain_rule")):
        fn.__name__ = fn.__qualname__ = name  # the SDK names the arguments schema after the function
        try:
            server.tool(name=name, **read_only)(fn)
        except TypeError:  # an SDK without tool annotations
            server.tool(name=name)(fn)
    return server


def serve(start: str | os.PathLike) -> None:
    """Serve over stdio until the client closes the connection."""
    from iaclint.errors import InputError

    try:
        server = build_server(start)
    except ImportError as exc:
        raise InputError(str(exc) if "pip install" in str(exc) else
                         f"the MCP server needs the `mcp` package ({exc}): {INSTALL_HINT}") from None
    server.run("stdio")
