"""Whole-process timing that cannot flatter one side: the benchmarks' shared helpers.

- `run_once` times one process and returns its exit status and its peak RSS (from `wait4`: that
  process's own or its largest waited-for child's, never an earlier run's).
- `rounds` runs several commands in turn, A B A B ..., so a burst of load on a shared machine
  falls on both sides of a comparison instead of on whichever was timed during it. A run whose
  exit status is not one the command allows is a failure: it is kept out of the median and
  reported, never counted.
- `ratio` is the median of the pairwise ratios of one round each, with their min–max spread.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Run:
    seconds: float
    status: int
    rss_mb: float
    ok: bool
    stderr: str = ""


@dataclass
class Case:
    """One command timed in rounds. `ok`: the exit statuses that mean success (iaclint: 0 or 1,
    findings or none). `before_each`: called before every run (e.g. to empty a cache)."""

    name: str
    cmd: list[str]
    cwd: str | os.PathLike = "."
    ok: tuple[int, ...] = (0,)
    env: dict | None = None
    before_each: Callable[[int], dict | None] | None = None
    timeout: float | None = None
    runs: list[Run] = field(default_factory=list)
    peak_mb: float | None = None  # from `probe_rss`, when it ran

    @property
    def good(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    @property
    def failures(self) -> list[Run]:
        return [r for r in self.runs if not r.ok]

    def median(self) -> float | None:
        good = self.good
        return statistics.median(r.seconds for r in good) if good else None

    def rss(self) -> float | None:
        """The probe's peak when it ran; else the runs' own, which cannot read below the
        benchmark's own RSS (see `probe_rss`)."""
        if self.peak_mb is not None:
            return self.peak_mb
        good = self.good
        return max(r.rss_mb for r in good) if good else None


def run_once(cmd: list[str], cwd, env: dict | None, ok: tuple[int, ...], timeout: float | None = None) -> Run:
    """One run: wall time, exit status, peak RSS (the largest of the process and the children
    it waited for, from its own `wait4`, so no earlier run counts)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer is not None:
        timer.start()
    try:
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if timer is not None:
            timer.cancel()
        proc.stderr.close()
    seconds = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    kb = usage.ru_maxrss
    rss = kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024)
    text = stderr.decode(errors="replace")
    good = code in ok and "Traceback" not in text
    return Run(seconds, code, rss, good, text[-2000:])


_PROBE = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def probe_rss(case: Case) -> None:
    """One more, untimed, run of `case` under a small fresh interpreter, for its peak RSS.

    Linux counts the memory a child had before it exec'd (the parent's, shared by vfork) in
    its peak: a child of a benchmark that holds its generated inputs never reads below the
    benchmark's own size. A child of this probe starts from the probe's few megabytes."""
    env = case.before_each(-1) if case.before_each else None
    out = subprocess.run([sys.executable, "-c", _PROBE, *case.cmd], cwd=case.cwd, env=env or case.env,
                         capture_output=True, text=True, timeout=case.timeout)
    if out.returncode == 0 and out.stdout.strip().isdigit():
        kb = int(out.stdout.strip())
        case.peak_mb = kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024)


def rounds(cases: list[Case], n: int, warmup: bool = False, log=None, rss: bool = True) -> None:
    """n rounds of every case in turn. `warmup`: one untimed run of each first (a warm cache).
    `rss`: then one untimed run of each under `probe_rss`."""
    if warmup:
        for case in cases:
            env = case.before_each(-1) if case.before_each else None
            run_once(case.cmd, case.cwd, env or case.env, case.ok, case.timeout)
    for i in range(n):
        for case in cases:
            env = case.before_each(i) if case.before_each else None
            run = run_once(case.cmd, case.cwd, env or case.env, case.ok, case.timeout)
            case.runs.append(run)
            if log is not None:
                state = "" if run.ok else f"  FAILED (exit {run.status}): {run.stderr.strip()[-300:]}"
                log(f"    round {i + 1}: {case.name}: {run.seconds:.3f} s{state}")
    if rss:
        for case in cases:
            probe_rss(case)


def ratio(slow: Case, fast: Case) -> tuple[float, float, float] | None:
    """(median, min, max) of slow/fast over the rounds where both succeeded."""
    pairs = [a.seconds / b.seconds for a, b in zip(slow.runs, fast.runs) if a.ok and b.ok and b.seconds > 0]
    if not pairs:
        return None
    return statistics.median(pairs), min(pairs), max(pairs)


def fmt_ratio(r: tuple[float, float, float] | None) -> str:
    if r is None:
        return "n/a (a side failed every round)"
    med, lo, hi = r
    digits = 1 if med < 20 else 0
    return f"{med:.{digits}f}× ({lo:.{digits}f}–{hi:.{digits}f})"


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"

