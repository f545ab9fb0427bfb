"""Parsing spread over worker processes, for changes large enough to pay for them.

Linux only, with `fork`: a worker starts as a copy of this process, with the trees, the
parsers and the packs already loaded, so nothing is sent to it but an index; what comes back
is the pickled result, which is also what the parse cache stores. Below a threshold (and
anywhere fork is not the safe choice) everything stays in this process. IACLINT_JOBS=N
sets the number of processes; 1 means none.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

# Below these, starting worker processes costs more than it saves (measured on 2 cores: a
# fork pool costs ~15 ms; a 10-file module directory or a 50-resource template ~5-12 ms).
MIN_ITEMS = 8
MIN_BYTES = 512 * 1024


def count(items: int, size_bytes: int, requested: int | None = None) -> int:
    """How many processes to use for `items` pieces of work totalling about `size_bytes`."""
    if requested is None:
        env = os.environ.get("IACLINT_JOBS", "").strip()
        requested = int(env) if env.isdigit() else None
    if requested is not None and requested <= 1:
        return 1
    if not sys.platform.startswith("linux"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    n = min(requested if requested is not None else cores, items)
    if n <= 1:
        return 1
    if requested is None and (items < MIN_ITEMS or size_bytes < MIN_BYTES):
        return 1
    return n


# What the workers run, set just before forking (they inherit it).
_TASK: dict[str, Any] = {}


def run(fn: Callable[[Any], Any], items: list, processes: int, order: list[int] | None = None) -> dict[int, bytes]:
    """index -> pickled fn(items[index]), for every item a worker finished. An item missing
    from the answer (its worker failed, or the pool could not start) is the caller's to do."""
    import multiprocessing

    _TASK.clear()
    _TASK.update(fn=fn, items=items)
    out: dict[int, bytes] = {}
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for i, data in pool.imap_unordered(_work, order if order is not None else range(len(items))):
                if data is not None:
                    out[i] = data
    except Exception:
        pass
    finally:
        _TASK.clear()
    return out


def _work(i: int) -> tuple[int, bytes | None]:
    from iaclint.cache.store import dumps

    try:
        return i, dumps(_TASK["fn"](_TASK["items"][i]))
    except Exception:
        return i, None
