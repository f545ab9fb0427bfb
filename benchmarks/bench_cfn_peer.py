"""iaclint against cloudformation-diff's batch mode on a corpus of real template changes.

    python benchmarks/cfn_pairs.py /tmp/cfn-corpus GITDIR...        # once: build the corpus
    python benchmarks/bench_cfn_peer.py /tmp/cfn-corpus --node-modules /tmp/cfndiff/node_modules

The peer is the npm package `@aws-cdk/cloudformation-diff` (its `fullDiff`) with the `yaml`
package, installed outside the repository (`cd /tmp/cfndiff && npm install
@aws-cdk/cloudformation-diff yaml`). `benchmarks/cfn_diff_batch.js` diffs every pair in one node
process. Timed in rounds, each case in turn (timing.py), whole processes, start-up included:

  iaclint              `iaclint diff BEFORE AFTER --no-cache` (worker processes when it uses them)
  iaclint, 1 process   the same with IACLINT_JOBS=1: the cost per megabyte, like for like with node
  peer                 the node script on the same two directories: reads, parses (YAML or JSON), diffs
  peer, parsed input   the node script on pairs.json: diffing only, parsing done beforehand (a floor
                       for the peer, which reads JSON far faster than any Python reader)
  baseline             with --baseline DIR: an earlier iaclint in one process, in the same rounds

Prints medians, the ratio peer / iaclint per round (median and min–max), throughput in MB of
template text per second, peak RSS, and the load average before and after. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import timing  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a directory written by cfn_pairs.py")
    ap.add_argument("--node-modules", type=Path, default=Path(os.environ.get("IACLINT_BENCH_NODE_MODULES", "/tmp/cfndiff/node_modules")))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--node", default="node")
    ap.add_argument("--baseline", type=Path, help="an earlier iaclint's source tree (`git archive REV iaclint rules | "
                    "tar -x -C DIR`), timed in the same rounds, in one process: before/after under the same load")
    args = ap.parse_args()

    args.corpus = args.corpus.resolve()
    before, after, pairs = args.corpus / "before", args.corpus / "after", args.corpus / "pairs.json"
    templates = sorted(p.name for p in before.iterdir())
    nbytes = sum((d / name).stat().st_size for d in (before, after) for name in templates)
    mb = nbytes / (1024 * 1024)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "iaclint")], check=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # every run starts in the corpus, never in a checkout: `python -m` puts the working
    # directory first on the import path, so a run started in this repository would import this
    # iaclint whatever PYTHONPATH says (the baseline would time the current code)
    cwd = args.corpus
    env.pop("GITHUB_ACTIONS", None)
    node_env = {**os.environ, "NODE_PATH": str(args.node_modules)}
    script = str(HERE / "cfn_diff_batch.js")
    iaclint = [sys.executable, "-m", "iaclint", "diff", str(before), str(after), "--no-cache", "--format", "json"]
    cases = [
        timing.Case("iaclint", iaclint, cwd, ok=(0, 1), env=env),
        timing.Case("peer", [args.node, script, str(before), str(after)], cwd, env=node_env),
        timing.Case("iaclint, 1 process", iaclint, cwd, ok=(0, 1), env={**env, "IACLINT_JOBS": "1"}),
        timing.Case("peer, parsed input", [args.node, script, str(pairs)], cwd, env=node_env),
    ]
    if args.baseline:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.baseline / "iaclint")], check=True)
        cases.append(timing.Case("baseline, 1 process", iaclint, cwd, ok=(0, 1),
                                 env={**env, "PYTHONPATH": str(args.baseline), "IACLINT_JOBS": "1"}))
    peer_out = subprocess.run(cases[1].cmd, env=node_env, capture_output=True, text=True)
    if peer_out.returncode != 0:
        sys.exit(f"the peer does not run: {peer_out.stderr[-2000:]}")
    skipped = json.loads(peer_out.stdout).get("unreadable", [])

    load_before = timing.load_average()
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    timing.rounds(cases, args.rounds, log=log)
    load_after = timing.load_average()

    print(f"\n{len(templates)} template pairs, {mb:.1f} MB of template text (both sides); "
          f"{args.rounds} rounds, each case in turn; {os.cpu_count()} cores")
    print(f"load average before: {load_before}; after: {load_after}")
    if skipped:
        print(f"the peer could not parse {len(skipped)} pairs and skipped them (iaclint read them all)")
    for case in cases:
        med = case.median()
        line = f"  {case.name:<20} median {med:.3f} s, {mb / med:.2f} MB/s" if med else f"  {case.name:<20} no good run"
        rss = case.rss()
        line += f", peak RSS {rss:.0f} MB" if rss else ""
        line += f", {len(case.failures)} failed runs (not counted)" if case.failures else ""
        print(line)
    pairs = [(cases[1], cases[0]), (cases[1], cases[2]), (cases[3], cases[2])]
    if args.baseline:
        pairs += [(cases[1], cases[4]), (cases[4], cases[2])]
    for slow, fast in pairs:
        print(f"  {slow.name} / {fast.name}: {timing.fmt_ratio(timing.ratio(slow, fast))}")


if __name__ == "__main__":
    main()
