"""Parsing spread over worker processes, for changes large enough to pay for them.

Linux only, with `fork`: a worker starts as a copy of this process, with the trees, the
parsers and the packs already loaded, so nothing is sent to it but an index; what comes back
is the pickled result, which is also what the parse cache stores. Below a threshold (and
anywhere fork is not the safe choice) everything stays in this process. IACLINT_JOBS=N
sets the number of processes; 1 means none.
"""

from __future__ import annotations

import os
import struct
import sys
from typing import Any, Callable, Iterator

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


def run(fn: Callable[[Any], Any], items: list, processes: int, order: list[int] | None = None) -> dict[int, bytes]:
    """index -> pickled fn(items[index]), for every item a worker finished. An item missing
    from the answer (its worker failed, or could not start) is the caller's to do."""
    return dict(stream(fn, items, processes, order))


# one task: an index into `order` (4 bytes); a pipe holds 64 KiB unless made larger
_TASK = struct.Struct("<I")
_FRAME = struct.Struct("<iI")  # an answer: the item's index and its length (NONE: no answer)
_NONE = 0xFFFFFFFF
_MAX_TASKS = 16384


def stream(fn: Callable[[Any], Any], items: list, processes: int, order: list[int] | None = None) -> Iterator[tuple[int, bytes]]:
    """(index, pickled fn(items[index])) as the workers finish them.

    No pool: every task (an index, or a run of indices when there are very many) is written
    into one pipe before forking, and each worker takes the next by reading four bytes (a
    pipe read is atomic, so no two workers take the same one; the pipe's end is the end of
    the work). Each worker writes its answers into a pipe of its own, read here as they come,
    so the caller can unpickle them while the workers still parse. A worker ends with
    `os._exit`: nothing of this process (buffers, exit handlers) runs twice."""
    order = list(order) if order is not None else list(range(len(items)))
    if not order:
        return
    per_task = -(-len(order) // _MAX_TASKS)
    tasks = -(-len(order) // per_task)
    task_r, task_w = os.pipe()
    children: dict[int, int] = {}  # result pipe -> pid
    try:
        with open(task_w, "wb", closefd=True) as out:  # fits: at most 64 KiB
            out.write(b"".join(_TASK.pack(t) for t in range(tasks)))
        for _ in range(processes):
            result_r, result_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(result_r)
                os.close(result_w)
                break
            if pid == 0:  # the worker
                code = 1
                try:
                    os.close(result_r)
                    for other in children:
                        os.close(other)
                    _serve(fn, items, order, per_task, task_r, result_w)
                    code = 0
                finally:
                    os._exit(code)
            os.close(result_w)
            children[result_r] = pid
        os.close(task_r)
        task_r = -1
        yield from _answers(list(children))
    finally:
        if task_r >= 0:
            os.close(task_r)
        for fd, pid in children.items():
            try:
                os.close(fd)
            except OSError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _serve(fn, items: list, order: list[int], per_task: int, task_r: int, result_w: int) -> None:
    from iaclint.cache.store import dumps

    with open(result_w, "wb") as out:
        while True:
            task = os.read(task_r, _TASK.size)
            if len(task) < _TASK.size:
                return
            (t,) = _TASK.unpack(task)
            for i in order[t * per_task:(t + 1) * per_task]:
                try:
                    data = dumps(fn(items[i]))
                except Exception:  # noqa: BLE001 - the caller does this item itself
                    data = None
                if data is None:
                    out.write(_FRAME.pack(i, _NONE))
                else:
                    out.write(_FRAME.pack(i, len(data)))
                    out.write(data)
                out.flush()


def _answers(fds: list[int]) -> Iterator[tuple[int, bytes]]:
    """Every complete answer from the workers' pipes, until each pipe ends."""
    import selectors

    buffers = {fd: bytearray() for fd in fds}
    with selectors.DefaultSelector() as selector:
        for fd in fds:
            selector.register(fd, selectors.EVENT_READ)
        open_fds = len(fds)
        while open_fds:
            for key, _ in selector.select():
                fd = key.fd
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    selector.unregister(fd)
                    open_fds -= 1
                    continue
                buffer = buffers[fd]
                buffer += chunk
                at = 0
                while len(buffer) - at >= _FRAME.size:
                    i, size = _FRAME.unpack_from(buffer, at)
                    if size == _NONE:
                        at += _FRAME.size
                        continue
                    if len(buffer) - at - _FRAME.size < size:
                        break
                    start = at + _FRAME.size
                    yield i, bytes(buffer[start:start + size])
                    at = start + size
                del buffer[:at]
