"""`iaclint mcp`: serve the linter's tools to agents over MCP (stdio)."""

from __future__ import annotations

import sys

import click

from iaclint.cli.options import EXIT_OK, guard


@click.command()
@click.option("--root", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The directory the server may read; every root and path a tool is given must be inside it.")
def mcp(root: str) -> None:
    """Serve the check_patch, check_change, check_command and explain_rule tools over MCP (stdio). Needs iaclint[mcp]."""
    from iaclint.errors import InputError

    def action() -> int:
        import os

        if not os.path.isdir(root):
            raise InputError(f"no such directory: {root}")
        from iaclint.mcp_server import serve

        serve(root)
        return EXIT_OK

    sys.exit(guard(action, False))
