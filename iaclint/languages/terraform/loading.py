"""Loading the Terraform module directories a change touches, as cheaply as the inputs allow.

Three ways, tried in this order for each (side, directory):
  1. the disk cache (iaclint.cache.store): the same directory contents were loaded before;
  2. worker processes, when many directories are left and there are cores to spare;
  3. here, one after the other.
Each gives the same `LoadedModule`: the tests compare all three on the same trees.

A cache entry is found by the directory's own files (its .tf files and, at a root, its
tfvars) and then checked against the local child modules its calls named, so editing a
child module, or adding one where a call pointed at nothing, is never served stale.
"""

from __future__ import annotations

import itertools
from typing import Any

from iaclint.core.record import Record
from iaclint.languages.terraform.module import LoadedModule, ModuleDirs, ParseCache, load_module

class Side(Record):
    """One side of the change as the module loader reads it."""

    tree: Any
    dirs: ModuleDirs  # directory -> its configuration files; `.tfvars_of(directory)` its variable files
    cache: ParseCache

    def __init__(self, tree: Any, dirs: ModuleDirs, cache: ParseCache) -> None:
        self.tree = tree
        self.dirs = dirs
        self.cache = cache

    def own_files(self, directory: str) -> list[str]:
        return self.dirs.get(directory, []) + self.dirs.tfvars_of(directory)

    def fingerprint(self, directory: str, files: list[str] | None = None) -> tuple | None:
        out = []
        for p in self.dirs.get(directory, []) if files is None else files:
            oid = self.tree.object_id(p)
            if oid is None:
                return None
            out.append((p, oid))
        return tuple(out)


def load_all(jobs: list[tuple[str, str]], sides: dict[str, Side], store=None, workers: int | None = None) -> dict[tuple[str, str], LoadedModule]:
    """(side name, directory) -> its LoadedModule, for every job."""
    out: dict[tuple[str, str], LoadedModule] = {}
    keys: dict[tuple[str, str], str] = {}
    misses: list[tuple[str, str]] = []
    for job in jobs:
        side_name, directory = job
        side = sides[side_name]
        if store is not None:
            own = side.fingerprint(directory, side.own_files(directory))
            if own is not None:
                keys[job] = key = store.key("terraform-module", directory, repr(own))
                module = _cached(store.get(key), side)
                if module is not None:
                    out[job] = module
                    continue
        misses.append(job)

    n = _workers(misses, sides, workers)
    loaded: dict[tuple[str, str], LoadedModule] = _load_parallel(misses, sides, n) if n > 1 else {}
    # Serially, both sides of one directory one after the other, and then its own files'
    # parses dropped: a root module's files are read by no other load (shared child modules'
    # are kept), so memory follows the largest module, not the whole tree.
    serial = sorted((job for job in misses if job not in loaded), key=lambda job: (job[1], job[0] != "before"))
    for directory, group in itertools.groupby(serial, key=lambda job: job[1]):
        names = [side_name for side_name, _ in group]
        for side_name in names:
            side = sides[side_name]
            loaded[(side_name, directory)] = load_module(side.tree, directory, side.cache, side.dirs)
        for side_name in names:
            sides[side_name].cache.forget(sides[side_name].own_files(directory))

    for job in misses:
        module = out[job] = loaded[job]
        if store is not None and job in keys and not module.problems:
            deps = _dependencies(module, sides[job[0]])
            if deps is not None:
                store.put(keys[job], ("terraform-module", deps, module))
    return out


def _cached(entry: Any, side: Side) -> LoadedModule | None:
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == "terraform-module"):
        return None
    _, deps, module = entry
    if not isinstance(module, LoadedModule) or not isinstance(deps, tuple):
        return None
    for directory, fingerprint in deps:
        if side.fingerprint(directory) != fingerprint:
            return None  # a child module changed since
    return module


def _dependencies(module: LoadedModule, side: Side) -> tuple | None:
    deps = []
    for directory in sorted(module.local_sources):
        fp = side.fingerprint(directory)
        if fp is None:
            return None
        deps.append((directory, fp))
    return tuple(deps)


# ------------------------------------------------------------------ worker processes


def _workers(misses: list, sides: dict[str, Side], requested: int | None) -> int:
    from iaclint.cache import workers

    return workers.count(len(misses), sum(_size_hint(sides[s], d) for s, d in misses), requested)


def _size_hint(side: Side, directory: str) -> int:
    total = 0
    for p in side.dirs.get(directory, []):
        size = side.tree.size(p)
        total += size if size is not None else 4096  # a git tree: not read yet; a typical .tf file
    return total


def _load_parallel(misses: list, sides: dict[str, Side], n: int) -> dict:
    from iaclint.cache import workers
    from iaclint.cache.store import loads

    for name, side in sides.items():
        # one `git cat-file` here, not one per worker
        side.tree.prefetch([p for s, d in misses if s == name for p in side.own_files(d)])

    def load(job):
        side = sides[job[0]]
        return load_module(side.tree, job[1], ParseCache(side.tree), side.dirs)

    order = sorted(range(len(misses)), key=lambda i: -_size_hint(sides[misses[i][0]], misses[i][1]))
    out = {}
    for i, data in workers.stream(load, misses, n, order):
        module = loads(data)
        if isinstance(module, LoadedModule):
            out[misses[i]] = module
    return out
