"""Read-only views of one side of a change: a directory, a single file, a git revision, the index.

A tree lists relative POSIX paths and reads bytes; nothing else in iaclint touches the file
system or git directly. Symlinks are never followed: a link inside a compared tree could
point anywhere, and iaclint reads only what the change is made of.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from stat import S_ISREG

MAX_FILE_BYTES = 8 * 1024 * 1024
# a work-tree file read in place of its blob: never through a link, never blocking on a FIFO
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__", "cdk.out", ".tox", ".mypy_cache"}


from iaclint.digest import git_blob_id
from iaclint.errors import TreeError  # noqa: F401  (raised here; re-exported for callers)


class FileTooLarge(Exception):
    pass


class NotARegularFile(OSError):
    """A FIFO, a device or a socket under a configuration's name: never read (it could block
    forever or never end)."""


class OutsideTheTree(OSError):
    """A path that leads out of the compared tree through a symbolic link."""


def is_inside(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """Whether `path`, every symbolic link on the way followed, is `root` or below it."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def read_regular(full: Path, root: Path | None = None, bounded: bool = True) -> bytes:
    """The bytes of a regular file that is really inside `root`: no symbolic link on the way
    (the file itself or a folder above it), no FIFO or device, and (`bounded`) no more than
    MAX_FILE_BYTES."""
    import stat

    limit = MAX_FILE_BYTES if bounded else None
    if root is not None and not is_inside(full.parent, root):
        raise OutsideTheTree(str(full))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(full, flags)
    except OSError as exc:
        if full.is_symlink():
            raise FileNotFoundError(str(full)) from None  # a link is not a file of the tree
        raise exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"not a regular file: {full.name}")
        if limit is not None and st.st_size > limit:
            raise FileTooLarge(str(full))
        chunks = []
        remaining = limit + 1 if limit is not None else None
        while remaining is None or remaining > 0:
            chunk = os.read(fd, 1 << 20 if remaining is None else min(1 << 20, remaining))
            if not chunk:
                break
            chunks.append(chunk)
            if remaining is not None:
                remaining -= len(chunk)
        data = b"".join(chunks)
        if limit is not None and len(data) > limit:
            raise FileTooLarge(str(full))
        return data
    finally:
        os.close(fd)


class Tree:
    """One side of a change. Everything the pipeline asks of a side is here; a tree that cannot
    answer cheaply says so (None, a no-op) rather than being probed for what it is."""

    label: str = ""
    root_dir: Path | None = None  # the directory on disk the paths are relative to, if there is one
    has_blobs: bool = False  # `blob()` answers from git without reading (git revisions, the index)

    def files(self) -> list[str]:
        raise NotImplementedError

    def read(self, path: str) -> bytes:
        raise NotImplementedError

    def blob(self, path: str) -> str | None:
        """The git blob id of the file when git already knows it (no read), else None."""
        return None

    def prefetch(self, paths: list[str]) -> None:
        """A hint that these files will be read: a git tree reads them in one process."""

    def size(self, path: str) -> int | None:
        """The file's size in bytes when known without reading it, else None."""
        return None

    def exists(self, path: str) -> bool:
        return path in self._file_set()

    def _file_set(self) -> set[str]:
        cached = getattr(self, "_files_cache", None)
        if cached is None:
            cached = set(self.files())
            self._files_cache = cached
        return cached

    def dirs(self) -> set[str]:
        return {posix_dirname(p) for p in self._file_set()}

    def object_id(self, path: str) -> str | None:
        """The id git gives the file's content as a blob (the same from a directory, the index
        or a commit, where git knows it and nothing is read), or None when it cannot be read.
        Asked for by change detection and by the parse cache: computed once."""
        memo = self.__dict__.setdefault("_object_ids", {})
        if path not in memo:
            oid = self.blob(path)
            if oid is None:
                try:
                    oid = git_object_id(self.read(path))
                except Exception:
                    oid = None
            memo[path] = oid
        return memo[path]


def git_object_id(data: bytes) -> str:
    return git_blob_id(data)


def posix_dirname(path: str) -> str:
    return path.rpartition("/")[0]


def under(path: str, filters: list[str]) -> bool:
    """True when `path` is one of `filters` or inside one of them (relative POSIX paths)."""
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in filters)


class Subset(Tree):
    """The files of another tree that `keep(path)` accepts; reads go to that tree.

    Used to decide *which* files changed within PATH filters while the analysis still sees
    the whole tree (a module directory's other files, its callers, `moved` blocks).
    """

    def __init__(self, tree: Tree, keep) -> None:
        self.tree = tree
        self.keep = keep
        self.label = tree.label
        self.root_dir = tree.root_dir
        self.has_blobs = tree.has_blobs

    def files(self) -> list[str]:
        return [p for p in self.tree.files() if self.keep(p)]

    def read(self, path: str) -> bytes:
        if not self.keep(path):
            raise FileNotFoundError(path)
        return self.tree.read(path)

    def blob(self, path: str) -> str | None:
        return self.tree.blob(path) if self.keep(path) else None

    def prefetch(self, paths: list[str]) -> None:
        self.tree.prefetch([p for p in paths if self.keep(p)])

    def size(self, path: str) -> int | None:
        return self.tree.size(path) if self.keep(path) else None


class Overlay(Tree):
    """Another tree with some files added or replaced in memory: the tree `iaclint fix` would
    leave, linted before anything is written."""

    def __init__(self, tree: Tree, files: dict[str, bytes]) -> None:
        self.tree = tree
        self.overrides = files
        self.label = tree.label
        self.root_dir = tree.root_dir
        self.has_blobs = tree.has_blobs

    def files(self) -> list[str]:
        return sorted(set(self.tree.files()) | set(self.overrides))

    def read(self, path: str) -> bytes:
        return self.overrides[path] if path in self.overrides else self.tree.read(path)

    def blob(self, path: str) -> str | None:
        return None if path in self.overrides else self.tree.blob(path)

    def prefetch(self, paths: list[str]) -> None:
        self.tree.prefetch([p for p in paths if p not in self.overrides])

    def size(self, path: str) -> int | None:
        return len(self.overrides[path]) if path in self.overrides else self.tree.size(path)


class EmptyTree(Tree):
    label = "(nothing)"

    def files(self) -> list[str]:
        return []

    def read(self, path: str) -> bytes:
        raise FileNotFoundError(path)


class DirTree(Tree):
    def __init__(self, root: str | os.PathLike, only: list[str] | None = None) -> None:
        self.root = self.root_dir = Path(root)
        self.label = str(root)
        self._only = only
        self._read_memo: dict[str, bytes] = {}
        self._inside: dict[Path, bool] = {}  # folder -> no symbolic link leads it out of the tree

    def files(self) -> list[str]:
        if self._only is not None:
            return list(self._only)
        walked = getattr(self, "_walked", None)
        if walked is None:  # walk once per run: the analysis asks for the file list per module
            walked = self._walked = self._walk()
        return list(walked)

    def _walk(self) -> list[str]:
        out: list[str] = []
        root = str(self.root)
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
            rel = os.path.relpath(dirpath, root)
            rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            for f in sorted(filenames):
                full = os.path.join(dirpath, f)
                if os.path.islink(full):
                    continue
                out.append(rel + f)
        return out

    def read(self, path: str) -> bytes:
        # kept: change detection, the parse cache's key and the parse all read the same file
        memo = self._read_memo
        data = memo.get(path)
        if data is None:
            full = self.root / path
            if full.is_symlink():
                raise FileNotFoundError(path)
            parent = full.parent
            inside = self._inside.get(parent)
            if inside is None:  # once a folder: two realpath calls each were a third of reading 1,000 files
                inside = self._inside[parent] = is_inside(parent, self.root)
            if not inside:
                raise OutsideTheTree(str(full))
            try:
                data = memo[path] = read_regular(full)
            except FileTooLarge:
                raise FileTooLarge(path) from None
        return data

    def size(self, path: str) -> int | None:
        data = self._read_memo.get(path)
        return len(data) if data is not None else None


class SingleFileTree(Tree):
    """`iaclint diff a.tf b.tf`: one file, named by its base name so both sides line up."""

    def __init__(self, file: str | os.PathLike, name: str) -> None:
        self.file = Path(file)
        self.name = name
        self.label = str(file)

    def files(self) -> list[str]:
        return [self.name]

    def read(self, path: str) -> bytes:
        if path != self.name:
            raise FileNotFoundError(path)
        try:
            return read_regular(self.file)
        except FileTooLarge:
            raise FileTooLarge(path) from None


def read_input(arg: str) -> bytes:
    """The bytes of FILE, or of standard input for `-` (a patch, a plan). Raises OSError."""
    import sys

    if arg == "-":
        return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    with open(arg, "rb") as fh:
        return fh.read()


def git(args: list[str], cwd: str | os.PathLike, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, check=False
        )
    except FileNotFoundError as exc:
        raise TreeError("git is not installed or not on PATH") from exc
    return _git_result(args, proc.returncode, proc.stdout, proc.stderr)


def _git_result(args: list[str], status: int, out: bytes, err: bytes) -> bytes:
    if status != 0:
        msg = err.decode("utf-8", "replace").strip().splitlines()
        raise TreeError(msg[-1] if msg else f"git {args[0]} failed")
    return out


class _Started:
    """A git command started now and read later: the hook's two file lists are listed by two
    processes that run at the same time instead of one after the other."""

    def __init__(self, args: list[str], cwd: str | os.PathLike) -> None:
        self.args = args
        try:
            self.proc = subprocess.Popen(["git", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError as exc:
            raise TreeError("git is not installed or not on PATH") from exc

    def result(self) -> bytes:
        out, err = self.proc.communicate()
        return _git_result(self.args, self.proc.returncode, out, err)


_HEADS: dict[str, str] = {}  # repository root -> HEAD's commit, asked for with the root


def _root_by_walking(cwd: str | os.PathLike) -> Path | None:
    """The repository root the way git finds it in the common case (the nearest directory with a
    `.git`), without a git process: a hook run pays ~5 ms per process. Anything that changes how
    git finds the repository (GIT_DIR, GIT_WORK_TREE, ceilings, a path inside `.git`) is left to git."""
    if any(os.environ.get(v) for v in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
                                       "GIT_DISCOVERY_ACROSS_FILESYSTEM")):
        return None
    here = Path(os.path.realpath(cwd))  # physical, as git reports it
    if ".git" in here.parts:
        return None
    for d in (here, *here.parents):
        dot = d / ".git"
        if dot.is_dir() and (dot / "HEAD").is_file():
            return d
        if dot.is_file():  # a linked worktree or a submodule: `gitdir: ...`
            try:
                with open(dot, "rb") as fh:
                    return d if fh.read(1024).startswith(b"gitdir:") else None
            except OSError:
                return None
        if dot.exists():
            return None
    return None


def repo_root(cwd: str | os.PathLike, need_head: bool = True) -> Path:
    """The top of the repository `cwd` is in. With `need_head=False` (a hook: `ls-tree HEAD`
    reads HEAD itself) no git process is started when the root can be found by walking up."""
    if not need_head:
        found = _root_by_walking(cwd)
        if found is not None:
            return found
    try:  # the root and HEAD in one git process (a hook asks for both)
        lines = git(["rev-parse", "--show-toplevel", "HEAD^{commit}"], cwd).decode().split("\n")
        root = lines[0].strip()
        if len(lines) > 1 and len(lines[1].strip()) in (40, 64):
            _HEADS[root] = lines[1].strip()
            return Path(root)
    except TreeError:
        pass
    try:
        out = git(["rev-parse", "--show-toplevel"], cwd)
    except TreeError as exc:
        raise TreeError(f"not inside a git repository: {cwd}") from exc
    root = out.decode().strip()
    _HEADS.pop(root, None)  # no commit yet
    return Path(root)


def resolve_ref(root: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise TreeError(f"bad git ref {ref!r}: a ref cannot start with '-'")
    if ref == "HEAD" and str(root) in _HEADS:
        return _HEADS[str(root)]
    try:
        out = git(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"], root)
    except TreeError:
        out = b""
    sha = out.decode().strip()
    if not sha:
        raise TreeError(f"unknown git ref {ref!r}")
    return sha


class _BatchReader:
    """One `git cat-file --batch` process per repository for the whole run, however many trees
    (HEAD, the index, a base revision) and batches read from it: a git process costs more than
    the reads of a small change. Blobs are found by id, so what it returns never goes stale."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self.proc: subprocess.Popen | None = None
        self.blobs: dict[str, bytes] = {}  # blob id -> content: a blob on both sides is read once

    def fetch(self, shas: list[str], paths: dict[str, str] | None = None) -> dict[str, bytes]:
        """The blobs `shas` name. `paths` (blob id -> a path it has in the work tree) lets a blob be
        read from the work tree when the file there hashes to that id: a hook's index is mostly
        the work tree, and reading 600 small files is cheaper than having git inflate them."""
        import threading

        wanted = list(dict.fromkeys(s for s in shas if s not in self.blobs))
        if wanted and paths:
            wanted = [s for s in wanted if not self._from_work_tree(s, paths.get(s))]
        if wanted:
            proc = self._process()
            request = "".join(s + "\n" for s in wanted).encode()
            # written from a thread while the answers are read here: neither pipe can fill and block
            writer = threading.Thread(target=self._write, args=(proc, request), daemon=True)
            writer.start()
            # The answers are read in large chunks straight from the pipe and cut here: a read
            # per header and per blob made 600 small files cost more than their parsing.
            fd = proc.stdout.fileno()
            buf = bytearray()
            at = 0
            for sha in wanted:
                end = buf.find(b"\n", at)
                while end < 0:
                    at = self._fill(fd, buf, at)
                    end = buf.find(b"\n", at)
                header = bytes(buf[at:end]).split()
                at = end + 1
                if len(header) < 3 or header[1] == b"missing":
                    continue
                size = int(header[2])
                while len(buf) - at < size + 1:  # the blob and the newline after it
                    at = self._fill(fd, buf, at)
                self.blobs[sha] = bytes(buf[at:at + size])
                at += size + 1
            writer.join()
        return {s: self.blobs[s] for s in shas if s in self.blobs}

    def _from_work_tree(self, sha: str, path: str | None) -> bool:
        """Whether the work tree's file at `path` is the blob `sha` (hashed as git hashes it);
        if so its bytes are kept as that blob's. Anything else (changed, missing, a link, a
        filter such as autocrlf) leaves the blob to git."""
        if path is None or len(sha) not in (40, 64):
            return False
        # A string path and one read of the size fstat gives: this runs for every file of a
        # hook's caller scan (~600), where pathlib's join and a second read to see the end were
        # a third of its time. The hash below is what makes the bytes the blob's: a file that
        # grew or changed since fstat, or a short read, fails it and the blob is git's to read.
        try:
            fd = os.open(f"{self._root}/{path}", _READ_FLAGS)
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if not S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return False
            data = os.read(fd, st.st_size)
        except OSError:
            return False
        finally:
            os.close(fd)
        if git_blob_id(data, len(sha)) != sha:
            return False
        self.blobs[sha] = data
        return True

    def _fill(self, fd: int, buf: bytearray, at: int) -> int:
        """More answer bytes appended to `buf`; what was consumed before `at` dropped. Returns the new `at`."""
        if at > 1 << 20:
            del buf[:at]
            at = 0
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            self.close()
            raise TreeError("git cat-file stopped answering")
        buf += chunk
        return at

    @staticmethod
    def _write(proc: subprocess.Popen, request: bytes) -> None:
        try:
            proc.stdin.write(request)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def _process(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            try:
                self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            except FileNotFoundError as exc:
                raise TreeError("git is not installed or not on PATH") from exc
        return self.proc

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except Exception:  # noqa: BLE001 - closing must never fail a run
                self.proc.kill()
            self.proc = None


_READERS: dict[str, _BatchReader] = {}


def _batch_reader(root: Path) -> _BatchReader:
    key = str(root)
    reader = _READERS.get(key)
    if reader is None:
        if not _READERS:
            import atexit

            atexit.register(close_readers)
        reader = _READERS[key] = _BatchReader(root)
    return reader


def close_readers() -> None:
    """End of a run (or of the process): the batch readers' git processes exit."""
    for reader in _READERS.values():
        reader.close()
    _READERS.clear()


class _GitObjects(Tree):
    """Shared reading of blobs through one `git cat-file --batch` call per tree."""

    has_blobs = True
    work_tree = False  # whether a blob may be read from the work tree's file of the same path (hash checked)

    def __init__(self, root: Path) -> None:
        self.root = self.root_dir = root
        self._blobs: dict[str, str] = {}  # path -> blob sha
        self._cache: dict[str, bytes] = {}

    def files(self) -> list[str]:
        return list(self._blobs)

    def prefetch(self, paths: list[str]) -> None:
        wanted = [p for p in paths if p in self._blobs and p not in self._cache]
        if not wanted:
            return
        shas = [self._blobs[p] for p in wanted]
        found = _batch_reader(self.root).fetch(shas, dict(zip(shas, wanted)) if self.work_tree else None)
        for p in wanted:
            data = found.get(self._blobs[p])
            if data is not None:
                self._cache[p] = data

    def read(self, path: str) -> bytes:
        if path not in self._blobs:
            raise FileNotFoundError(path)
        if path not in self._cache:
            self.prefetch([path])
        data = self._cache.get(path)
        if data is None:
            raise FileNotFoundError(path)
        if len(data) > MAX_FILE_BYTES:
            raise FileTooLarge(path)
        return data

    def blob(self, path: str) -> str | None:
        return self._blobs.get(path)

    def size(self, path: str) -> int | None:
        data = self._cache.get(path)
        return len(data) if data is not None else None


def _parse_ls(out: bytes, prefix_filter: list[str] | None) -> dict[str, str]:
    blobs: dict[str, str] = {}
    for rec in out.split(b"\0"):
        if not rec:
            continue
        meta, _, path_b = rec.partition(b"\t")
        parts = meta.split()
        # ls-tree: mode type sha ; ls-files -s: mode sha stage
        mode = parts[0]
        if mode == b"120000" or mode == b"160000":  # symlinks and submodules are not followed
            continue
        sha = parts[2] if parts[1] in (b"blob", b"tree", b"commit") else parts[1]
        path = path_b.decode("utf-8", "surrogateescape")
        if prefix_filter and not under(path, prefix_filter):
            continue
        blobs[path] = sha.decode()
    return blobs


class GitRevTree(_GitObjects):
    def __init__(self, root: Path, ref: str, paths: list[str] | None = None, listing: _Started | None = None) -> None:
        super().__init__(root)
        # HEAD is read by ls-tree itself (an unborn HEAD fails there as in rev-parse): one git process fewer
        self.sha = _HEADS.get(str(root), "HEAD") if ref == "HEAD" else resolve_ref(root, ref)
        self.label = ref
        self.work_tree = ref == "HEAD"  # a hook's HEAD is mostly the work tree too
        out = listing.result() if listing is not None else git(self.listing_args(self.sha), root)
        self._blobs = _parse_ls(out, paths)

    @staticmethod
    def listing_args(sha: str) -> list[str]:
        return ["ls-tree", "-r", "-z", "--full-tree", sha]


class GitIndexTree(_GitObjects):
    work_tree = True
    LISTING = ["ls-files", "-s", "-z"]

    def __init__(self, root: Path, paths: list[str] | None = None, listing: _Started | None = None) -> None:
        super().__init__(root)
        self.label = "(index)"
        out = listing.result() if listing is not None else git(self.LISTING, root)
        self._blobs = _parse_ls(out, paths)


def staged_trees(root: Path) -> tuple[Tree, Tree]:
    """HEAD and the index (a pre-commit hook's two sides), their listings run side by side.
    An unborn HEAD (the first commit) is an empty tree: everything is new."""
    head = _Started(GitRevTree.listing_args(_HEADS.get(str(root), "HEAD")), root)
    index = _Started(GitIndexTree.LISTING, root)
    try:
        before: Tree = GitRevTree(root, "HEAD", listing=head)
    except TreeError:
        before = EmptyTree()
    return before, GitIndexTree(root, listing=index)


class WorkTree(DirTree):
    """The working tree of a git repository: tracked and untracked-but-not-ignored files."""

    def __init__(self, root: Path, paths: list[str] | None = None) -> None:
        super().__init__(root)
        self.label = "(working tree)"
        out = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)
        files = []
        for p in out.decode("utf-8", "surrogateescape").split("\0"):
            if not p:
                continue
            if paths and not under(p, paths):
                continue
            full = root / p
            if full.is_symlink() or not full.is_file():
                continue  # deleted in the work tree, or a link we do not follow
            files.append(p)
        self._only = sorted(set(files))


def git_renames(root: Path, before: str | None, after: str | None, staged: bool = False) -> dict[str, str]:
    """old path -> new path, from git's own rename detection."""
    args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-color"]
    if staged:
        args += ["--cached", before or "HEAD"]
    elif after:
        args += [before or "HEAD", after]
    else:
        args += [before or "HEAD"]
    args.append("--")
    try:
        out = git(args, root)
    except TreeError:
        return {}
    items = out.decode("utf-8", "surrogateescape").split("\0")
    renames: dict[str, str] = {}
    i = 0
    while i < len(items):
        status = items[i]
        if not status:
            i += 1
            continue
        if status.startswith("R") or status.startswith("C"):
            if status.startswith("R") and i + 2 < len(items):
                renames[items[i + 1]] = items[i + 2]
            i += 3
        else:
            i += 2
    return renames
