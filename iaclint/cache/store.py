"""A parse cache on disk, in the user's cache directory, keyed by content.

Loading a Terraform module directory (parse, scan, evaluate) or a template is most of a
run's cost, and the same contents come back run after run: the BEFORE side of today's commit is
the AFTER side of yesterday's. Entries are keyed by a hash of everything the result depends
on (file contents, iaclint's own parser code), so a hit is always the result a parse would
give; when in doubt it is a miss.

Safe to share between concurrent runs (pre-commit runs hooks in parallel): an entry is
written to a temporary file and renamed into place, so a reader sees a whole entry or none.
Bounded: after a run that wrote, the oldest entries go until the cache is under its limit.
Ignored when corrupt: an entry that does not load is deleted and counted as a miss. Never
required: a cache directory that cannot be created or written just turns the cache off.

Entries are pickles, read back by an unpickler that only builds iaclint's own model classes
and builtins, so a tampered cache file cannot name any other callable.

Settings: IACLINT_CACHE_DIR (location), IACLINT_NO_CACHE=1 or `--no-cache` (off),
IACLINT_CACHE_MAX_MB (size limit, default 256).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

from iaclint.digest import hasher

try:  # the C pickler itself, what `pickle` hands out: importing pickle's Python module is ~1.5 ms of a hook run
    from _pickle import Unpickler, UnpicklingError
    from _pickle import dumps as _pickle_dumps
except ImportError:  # an interpreter without it
    from pickle import Unpickler, UnpicklingError
    from pickle import dumps as _pickle_dumps

PICKLE_PROTOCOL = 5  # pickle.HIGHEST_PROTOCOL of every Python iaclint runs on (3.10 and later)

FORMAT = 1  # bump when the layout of an entry changes
DEFAULT_MAX_MB = 256
_TOUCH_AFTER = 24 * 3600
_PRUNE_EVERY = 600  # seconds: a size check stats every entry, too slow for every hook run

# Code whose behaviour a cached result depends on: editing any of it (a development checkout,
# an upgrade) changes the key, so an entry from older code is never reused.
# Folders of iaclint whose code shapes a cached entry (every module in them is part of the key)
_CODE_DIRS = ("core", "languages", "cache")
# Libraries whose version shapes a parse: (importable name, distribution name)
_LIBRARIES = (("tree_sitter", "tree_sitter"), ("tree_sitter_hcl", "tree_sitter_hcl"), ("yaml", "PyYAML"))

_ALLOWED = {
    ("iaclint.core.model", "Resource"), ("iaclint.core.model", "Pos"), ("iaclint.core.model", "Expr"),
    ("iaclint.core.model", "Problem"), ("iaclint.core.model", "Severity"), ("iaclint.core.facts", "ModuleCall"),
    ("iaclint.languages.terraform.module", "LoadedModule"), ("iaclint.languages.terraform.module", "Blocks"),
    ("iaclint.languages.cloudformation.template", "ParsedTemplate"),
    # a template pair read by what changed (a worker's answer, a cache entry under the pair's two blobs)
    ("iaclint.languages.cloudformation.paired", "PairRead"), ("iaclint.languages.cloudformation.spans", "Split"),
    ("iaclint.core.model", "Change"),
    ("iaclint.core.model", "ChangeKind"),
    ("builtins", "set"), ("builtins", "frozenset"),
}


class _SafeUnpickler(Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise UnpicklingError(f"{module}.{name} is not allowed in a cache entry")
        return super().find_class(module, name)


def default_dir() -> Path:
    env = os.environ.get("IACLINT_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "iaclint" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "iaclint"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iaclint"


def enabled_by_environment() -> bool:
    return os.environ.get("IACLINT_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


class Store:
    """get/put of small pickled values under a string key; every failure is a miss."""

    def __init__(self, root: Path | None = None, max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_dir()
        if max_bytes is None:
            try:
                max_bytes = int(float(os.environ.get("IACLINT_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
            except ValueError:
                max_bytes = DEFAULT_MAX_MB * 1024 * 1024
        self.max_bytes = max_bytes
        self.hits = self.misses = self.writes = self.bytes_written = 0
        self._usable: bool | None = None
        self._salt: bytes | None = None

    # ---------------------------------------------------------------- keys

    def salt(self) -> bytes:
        """iaclint's version, the entry format and the identity of the code that made it."""
        if self._salt is None:
            from iaclint import __version__

            package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
            parts = [__version__, str(FORMAT), sys.version.split()[0]]
            for folder in _CODE_DIRS:
                parts += _code_identities(package, folder)
            listings: dict[str, list[str]] = {}  # a site directory listed once for every library in it
            parts += [_library(name, dist, listings) for name, dist in _LIBRARIES]
            self._salt = "|".join(parts).encode()
        return self._salt

    def key(self, kind: str, *parts: str) -> str:
        h = hasher("sha256")
        h.update(self.salt())
        h.update(kind.encode())
        for p in parts:
            h.update(b"\0")
            h.update(p.encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / f"v{FORMAT}" / key[:2] / (key[2:] + ".pkl")

    # ---------------------------------------------------------------- reading and writing

    def get(self, key: str) -> Any:
        path = self._path(key)
        try:
            data, mtime = _read_entry(path)
        except OSError:
            self.misses += 1
            return None
        header = _header(key)
        # an entry names its own key: one copied (or forged) under another key is not served
        value = loads(data[len(header):]) if data.startswith(header) else None
        if value is None:
            _unlink(path)  # corrupt, truncated by a crash, or from a tampered cache
            self.misses += 1
            return None
        self.hits += 1
        if time.time() - mtime > _TOUCH_AFTER:
            try:  # recently used: pruned last (not on every hit: a utime costs more than the read)
                os.utime(path)
            except OSError:
                pass
        return value

    def put(self, key: str, value: Any = None, data: bytes | None = None) -> None:
        if not self._writable():
            return
        if data is None:
            data = dumps(value)
            if data is None:
                return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent.is_symlink() or (self.root / f"v{FORMAT}").is_symlink():
                return  # never write through a link placed in the cache
            fd, tmp = _new_file(path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_header(key))
                    fh.write(data)
                os.replace(tmp, path)  # atomic: a concurrent reader sees the old entry or the new one
            except BaseException:
                _unlink(Path(tmp))
                raise
            self.writes += 1
            self.bytes_written += len(data)
        except OSError:
            self._usable = False

    def _writable(self) -> bool:
        if self._usable is None:
            try:
                self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._usable = os.access(self.root, os.W_OK)
            except OSError:
                self._usable = False
        return self._usable

    # ---------------------------------------------------------------- size

    def entries(self) -> list[tuple[float, int, Path]]:
        """Every entry: regular files in the cache's own shard folders, never through a link (a
        shard replaced by a link to elsewhere must not make prune or --clear delete there)."""
        out = []
        base = self.root / f"v{FORMAT}"
        if base.is_symlink():
            return out
        try:
            shards = list(os.scandir(base))
        except OSError:
            return out
        for shard in shards:
            try:
                if not shard.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(shard.path) as it:
                    for e in it:
                        try:
                            if not e.is_file(follow_symlinks=False) or not e.name.endswith(".pkl"):
                                continue
                            st = e.stat(follow_symlinks=False)
                        except OSError:
                            continue
                        out.append((st.st_mtime, st.st_size, Path(e.path)))
            except OSError:
                continue
        return out

    def prune(self) -> None:
        """Down to 80% of the limit, least recently used first: after a run that wrote, at most
        every ten minutes (or at once after a large write), so the bound may be passed by what
        ten minutes of runs write, never by more."""
        if not self.writes:
            return
        marker = self.root / f"v{FORMAT}" / ".last-prune"
        try:
            recent = time.time() - marker.stat().st_mtime < _PRUNE_EVERY
        except OSError:
            recent = False
        if recent and self.bytes_written < self.max_bytes * 0.1:
            return
        try:
            marker.touch()
        except OSError:
            pass
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        entries.sort()
        goal = self.max_bytes * 0.8
        for _, size, path in entries:
            if total <= goal:
                break
            _unlink(path)
            total -= size

    def clear(self) -> int:
        n = 0
        for _, _, path in self.entries():
            n += _unlink(path)
        return n


def _header(key: str) -> bytes:
    return b"iaclint-cache " + key.encode() + b"\n"


def _read_entry(path: Path) -> tuple[bytes, float]:
    """An entry's bytes and mtime: a regular file only, not through a link (a FIFO would hang)."""
    from iaclint.inputs.trees import read_regular

    data = read_regular(path, bounded=False)
    return data, os.stat(path, follow_symlinks=False).st_mtime


def _identity(path: Path, base: Path) -> str:
    try:
        st = path.stat()
        return f"{path.relative_to(base).as_posix()}:{st.st_size}:{st.st_mtime_ns}"
    except (OSError, ValueError):
        return f"{path}:?"


def _code_identities(package: str, folder: str) -> list[str]:
    """`path:size:mtime_ns` of every module under `folder` (symbolic links to folders not
    followed), by path. Walked with os.scandir and strings: pathlib's rglob, sorting and
    relative paths were most of the ~3 ms a hook run spent on the key."""
    found: list[str] = []
    todo = [folder]
    while todo:
        rel = todo.pop()
        try:
            with os.scandir(os.path.join(package, rel)) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            path = f"{rel}/{entry.name}"
            if entry.name.endswith(".py"):
                try:
                    st = entry.stat()
                    found.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
                except OSError:
                    found.append(f"{package}/{path}:?")
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                todo.append(path)
    found.sort()
    return found


def _library(name: str, dist: str, listings: dict[str, list[str]] | None = None) -> str:
    """A library's installed version and file identity, found without importing it (start-up)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return f"{name}:absent"
    origin = Path(spec.origin)
    site = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    listings = {} if listings is None else listings
    if str(site) not in listings:
        try:
            listings[str(site)] = os.listdir(site)
        except OSError:
            listings[str(site)] = []
    versions = sorted(e for e in listings[str(site)] if e.lower().startswith(dist.lower() + "-") and e.endswith(".dist-info"))
    return f"{name}:{','.join(versions)}:{_identity(origin, site)}"


def dumps(value: Any) -> bytes | None:
    """The entry's bytes (None when the value cannot be pickled); the collector is paused as in loads."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _pickle_dumps(value, protocol=PICKLE_PROTOCOL)
    except Exception:
        return None
    finally:
        if was_enabled:
            gc.enable()


def loads(data: bytes) -> Any:
    """A cache entry's value, or None when it does not load. No side effect beyond the value:
    the collector is paused while unpickling (many small objects, no cycles) and restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        value = _SafeUnpickler(io.BytesIO(data)).load()
    except Exception:
        return None
    finally:
        if was_enabled:
            gc.enable()
    return value


@contextlib.contextmanager
def collector_paused():
    """Around the reading of a change: loaded modules and templates (from the cache, from
    worker processes, or parsed here) are many small objects that live until the run ends, and
    the collector's passes over them cost more than building them (measured: 500 warm templates
    1.58 s, 1.12 s with them left out). Everything is given back on the way out, error or not."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Everything made meanwhile is young: the first pass after `enable` would walk it
            # all (~0.4 s for 500 templates) to find next to nothing. Frozen, it is left out of
            # the collector's passes until `thaw()` (the end of the run) hands it back.
            if gc.get_freeze_count() == 0 and not _FROZEN:
                gc.freeze()
                _FROZEN.append(True)
            gc.enable()


_FROZEN: list[bool] = []  # whether collector_paused froze what the run made (and nobody else had frozen anything)


def thaw() -> None:
    """What `collector_paused` froze goes back to the collector's oldest generation (the end of a run)."""
    if _FROZEN:
        _FROZEN.clear()
        gc.unfreeze()


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def _new_file(directory: Path) -> tuple[int, str]:
    """A new private file, created exclusively (what `tempfile.mkstemp` does, without its import
    of shutil and random: 6 ms of every hook run)."""
    for _ in range(16):
        tmp = str(directory / f".tmp-{os.urandom(8).hex()}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(str(directory))
