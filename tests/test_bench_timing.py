"""The benchmarks' round-robin helpers on a tiny input: failures are reported, never counted.

Times nothing about iaclint and asserts no duration: `benchmarks/run_all.py` prints numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import timing  # noqa: E402


def test_rounds_alternate_and_keep_failures_out_of_the_median():
    order = []
    quick = timing.Case("quick", [sys.executable, "-c", "pass"], before_each=lambda i: order.append(("quick", i)))
    failing = timing.Case("failing", [sys.executable, "-c", "raise SystemExit(3)"],
                          before_each=lambda i: order.append(("failing", i)))
    crashing = timing.Case("crashing", [sys.executable, "-c", "1/0"], ok=(0, 1))
    timing.rounds([quick, failing, crashing], 2)
    # two rounds in turn, then one untimed run each for the peak RSS
    assert order == [("quick", 0), ("failing", 0), ("quick", 1), ("failing", 1), ("quick", -1), ("failing", -1)]
    assert len(quick.good) == 2 and quick.median() is not None and quick.rss() > 0
    assert failing.median() is None and [r.status for r in failing.failures] == [3, 3]
    assert crashing.median() is None and "ZeroDivisionError" in crashing.failures[0].stderr
    assert timing.ratio(failing, quick) is None
    assert timing.fmt_ratio(timing.ratio(quick, quick)).startswith("1.0×")


def test_a_run_past_its_timeout_is_a_failure():
    run = timing.run_once([sys.executable, "-c", "import time; time.sleep(30)"], ".", None, (0,), timeout=0.5)
    assert not run.ok and run.seconds < 10


def test_ratio_spread_is_over_rounds_where_both_succeeded():
    slow, fast = timing.Case("slow", []), timing.Case("fast", [])
    slow.runs = [timing.Run(s, 0, 1.0, True) for s in (2.0, 3.0, 9.0)] + [timing.Run(1.0, 1, 1.0, False)]
    fast.runs = [timing.Run(s, 0, 1.0, True) for s in (1.0, 1.0, 1.0, 1.0)]
    assert timing.ratio(slow, fast) == (3.0, 2.0, 9.0)
    assert timing.load_average()
