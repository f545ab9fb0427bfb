"""`iaclint cache`: where the parse cache is and how big, or --clear it."""

from __future__ import annotations

import click


@click.command()
@click.option("--clear", is_flag=True, help="Delete every entry.")
def cache(clear: bool) -> None:
    """Show where the parse cache is and how big (or --clear it).

    Loaded Terraform module directories are kept by content hash in the user cache directory
    (IACLINT_CACHE_DIR to move it, IACLINT_NO_CACHE=1 or --no-cache to skip it,
    IACLINT_CACHE_MAX_MB to bound it, 256 by default). Deleting it is always safe.
    """
    from iaclint.cache.store import Store, enabled_by_environment

    store = Store()
    if clear:
        click.echo(f"removed {store.clear()} entries from {store.root}")
        return
    entries = store.entries()
    size = sum(s for _, s, _ in entries) / (1024 * 1024)
    state = "" if enabled_by_environment() else " (off: IACLINT_NO_CACHE is set)"
    click.echo(f"{store.root}: {len(entries)} entries, {size:.1f} MiB of {store.max_bytes / (1024 * 1024):.0f} MiB{state}")
