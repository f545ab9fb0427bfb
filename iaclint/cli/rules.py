"""`iaclint rules` and `iaclint explain`: the rules and what the knowledge packs cover."""

from __future__ import annotations

import sys

import click

from iaclint.cli.options import EXIT_USAGE


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
@click.option("--pack", is_flag=True, help="Print knowledge-pack coverage instead of the rules.")
def rules(fmt: str, pack: bool) -> None:
    """List the rules (or, with --pack, what the knowledge packs cover)."""
    from iaclint.engine import docs

    if pack:
        click.echo(docs.pack_coverage(fmt))
        return
    click.echo(docs.rules_markdown() if fmt == "markdown" else docs.rules_table())


@click.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show a rule's documentation: what it flags, why, an example and the fix; or, for a
    resource type or `type.attribute` (AWS::RDS::DBInstance.Port, random_password.special), the
    facts iaclint holds and the source of each verdict."""
    from iaclint.engine.registry import lookup

    rule = None if "::" in code else lookup(code)
    if rule is None and ("::" in code or "_" in code):
        from iaclint.engine.docs import explain_facts

        click.echo(explain_facts(code))
        return
    if rule is None:
        click.echo(f"iaclint: unknown rule {code!r} (see `iaclint rules`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{rule.code} {rule.name} [{rule.category.value}, default {rule.severity.value}]\n")
    click.echo(rule.doc())
