"""Time `iaclint plan` on a generated 5,000-resource Terraform plan JSON.

Prints, as whole processes (interpreter start-up included), the median of several runs of
`python -m iaclint plan plan.json --source DIR`, where DIR holds the configuration (20 .tf files; so findings
are located in the code), and the same run without a configuration (findings point at the plan).
The plan mixes the actions a real one has: mostly no-op and update, some creates, replacements
(with replace_paths), deletes and protection flags turned off.

Run: python benchmarks/bench_plan.py [--resources 5000] [--runs 5]
Target: < 1 s for 5,000 resources.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["aws_s3_bucket", "aws_db_instance", "aws_security_group", "aws_iam_role", "aws_instance",
         "aws_dynamodb_table", "aws_sqs_queue", "aws_lambda_function", "aws_cloudwatch_log_group", "aws_lb"]


def _change(i: int) -> dict:
    rtype = TYPES[i % len(TYPES)]
    address = f"{rtype}.r{i}"
    before = {"name": f"r{i}", "tags": {"team": "core", "index": str(i)}, "deletion_protection": True,
              "password": f"pw-{i}", "description": "x" * 200}
    after = dict(before, tags={"team": "core", "index": str(i), "cost": "a"})
    actions, extra = ["no-op"], {}
    kind = i % 100
    if kind < 55:
        after = before
    elif kind < 85:
        actions = ["update"]
    elif kind < 90:
        actions, before = ["create"], None
    elif kind < 94:
        actions = ["delete", "create"]
        after = dict(after, name=f"r{i}-v2")
        extra = {"replace_paths": [["name"]]}
    elif kind < 97:
        actions, after = ["delete"], None
        extra = {"action_reason": "delete_because_no_resource_config"}
    else:
        actions = ["update"]
        after = dict(after, deletion_protection=False)
    change = {"actions": actions, "before": before, "after": after, "after_unknown": {},
              "before_sensitive": {"password": True} if before else False,
              "after_sensitive": {"password": True} if after else False}
    rc = {"address": address, "mode": "managed", "type": rtype, "name": f"r{i}",
          "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
    if "replace_paths" in extra:
        change["replace_paths"] = extra["replace_paths"]
        rc["action_reason"] = "replace_because_cannot_update"
    if "action_reason" in extra:
        rc["action_reason"] = extra["action_reason"]
    return rc


def make(root: Path, n: int) -> tuple[Path, Path, Path]:
    changes = [_change(i) for i in range(n)]
    doc = {"format_version": "1.2", "terraform_version": "1.9.5",
           "planned_values": {"root_module": {"resources": [
               {"address": c["address"], "type": c["type"], "values": c["change"]["after"]} for c in changes if c["change"]["after"]]}},
           "resource_changes": changes, "configuration": {"root_module": {}}}
    plan = root / "plan.json"
    plan.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    src = root / "src"
    src.mkdir()
    for f in range(n // 250):
        blocks = []
        for i in range(f * 250, (f + 1) * 250):
            rtype = TYPES[i % len(TYPES)]
            blocks.append(f'resource "{rtype}" "r{i}" {{\n  name = "r{i}"\n  tags = {{ team = "core" }}\n}}\n')
        (src / f"res{f:03d}.tf").write_text("\n".join(blocks), encoding="utf-8")
    empty = root / "empty"
    empty.mkdir()
    return plan, src, empty


def _time(args: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    times, code = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "iaclint", *args], cwd=cwd, env=env, capture_output=True)
        times.append(time.perf_counter() - t)
        code = proc.returncode
        if code not in (0, 1):
            raise SystemExit(proc.stderr.decode())
    return statistics.median(times), code


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plan, src, empty = make(root, args.resources)
        size = plan.stat().st_size / 1e6
        for label, source in (("with --source (20 .tf files, 250 resources each)", src), ("no configuration", empty)):
            t, code = _time(["plan", str(plan), "--source", str(source), "--format", "json", "-o", str(root / "out.json")],
                            root, args.runs)
            found = len(json.loads((root / "out.json").read_text())["findings"])
            print(f"iaclint plan, {args.resources} resources ({size:.1f} MB), {label}: {t:.3f} s median of "
                  f"{args.runs} (exit {code}, {found} findings)")


if __name__ == "__main__":
    main()
