"""Time `iaclint diff` on a generated Terraform repository (~1,000 resources in ~100 files).

Prints, as whole processes (interpreter start-up included), the median of several runs:
  - whole tree: two directory trees where every file differs (everything is parsed)
  - one-file change: `iaclint diff --staged` in a git repository with one file changed
  - start-up: `iaclint --version`

Run: python benchmarks/bench_terraform.py [--resources 1000] [--files 100] [--runs 7]
Targets on a 2-core machine: whole tree < 1 s, one-file change < 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPES = [
    ("aws_s3_bucket", 'bucket = "b-{i}"\n  tags = {{ team = "t{m}" }}'),
    ("aws_security_group", 'name = "sg-{i}"\n  description = "sg {i}"\n  vpc_id = aws_vpc.main.id'),
    ("aws_iam_role", 'name = "role-{i}"\n  assume_role_policy = jsonencode({{ Version = "2012-10-17" }})'),
    ("aws_sqs_queue", 'name = "q-{i}"\n  visibility_timeout_seconds = 30'),
    ("aws_db_instance", 'identifier = "db-{i}"\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n  deletion_protection = true'),
    ("aws_instance", 'ami = "ami-{i:08d}"\n  instance_type = "t3.micro"\n  subnet_id = var.subnet_id'),
    ("aws_cloudwatch_log_group", 'name = "/app/{i}"\n  retention_in_days = 14'),
    ("aws_lambda_function", 'function_name = "fn-{i}"\n  role = aws_iam_role.r{i}.arn\n  handler = "index.handler"\n  runtime = "python3.12"'),
]


def generate(root: Path, resources: int, files: int, modules: int = 10) -> list[Path]:
    per_file = max(1, resources // files)
    paths = []
    i = 0
    for f in range(files):
        mod = f % modules
        d = root / f"stacks/stack{mod:02d}"
        d.mkdir(parents=True, exist_ok=True)
        parts = []
        for _ in range(per_file):
            rtype, body = TYPES[i % len(TYPES)]
            parts.append(f'resource "{rtype}" "r{i}" {{\n  {body.format(i=i, m=mod)}\n}}\n')
            i += 1
        path = d / f"file{f:03d}.tf"
        path.write_text("\n".join(parts))
        paths.append(path)
    for mod in range(modules):
        (root / f"stacks/stack{mod:02d}/variables.tf").write_text(
            'variable "subnet_id" {\n  default = "subnet-123"\n}\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        )
    return paths


def touch_all(paths: list[Path]) -> None:
    for p in paths:
        p.write_text(p.read_text().replace('team = "t', 'team = "x'))


def timed(cmd: list[str], cwd: Path, runs: int, env: dict | None = None) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
        samples.append(time.perf_counter() - t)
        if proc.returncode not in (0, 1) or b"Traceback" in proc.stderr or b"No module named" in proc.stderr:
            sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=1000)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    exe = [sys.executable, "-m", "iaclint"]
    tmp = Path(tempfile.mkdtemp(prefix="iaclint-bench-"))
    try:
        before = tmp / "before"
        files = generate(before, args.resources, args.files)
        after = tmp / "after"
        shutil.copytree(before, after)
        touch_all([after / p.relative_to(before) for p in files])
        # a few real destructive edits among the tag edits
        first = after / files[0].relative_to(before)
        first.write_text(first.read_text().replace('engine = "postgres"', 'engine = "mysql"'))

        repo = tmp / "repo"
        shutil.copytree(before, repo)
        env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "base"]):
            subprocess.run(cmd, cwd=repo, check=True, env=env)
        target = repo / files[4].relative_to(before)
        target.write_text(target.read_text().replace("deletion_protection = true", "deletion_protection = false"))
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)

        empty_rules = tmp / "no-rules"
        empty_rules.mkdir()
        (empty_rules / "MANIFEST").write_text("# no packs: what the packs cost, measured\n")
        no_packs = dict(os.environ, IACLINT_RULES_DIR=str(empty_rules))
        rows = [
            ("start-up: iaclint --version", timed(exe + ["--version"], tmp, args.runs), None),
            (f"whole tree: {args.resources} resources, {args.files} files, all changed",
             timed(exe + ["diff", str(before), str(after), "--format", "json"], tmp, args.runs), 1.0),
            ("one-file change: diff --staged (pre-commit)", timed(exe + ["diff", "--staged"], repo, args.runs), 0.3),
            ("one-file change: diff --base HEAD (work tree)", timed(exe + ["diff", "--base", "HEAD"], repo, args.runs), 0.3),
            ("one-file change, packs absent (an empty MANIFEST)",
             timed(exe + ["diff", "--staged"], repo, args.runs, env=no_packs), None),
        ]
        rows.append(("  => cost of the full packs on a one-file change", rows[2][1] - rows[4][1], 0.02))
        print(f"{'case':<62} {'median s':>9} {'target':>7}")
        for name, secs, target_s in rows:
            print(f"{name:<62} {secs:>9.3f} {('< ' + str(target_s)) if target_s else '':>7}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
