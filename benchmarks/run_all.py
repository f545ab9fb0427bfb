"""All iaclint benchmarks in one table, with peers (checkov, cfn-lint) when they are installed.

Every row is the median of several whole-process runs (interpreter start-up included):
  start-up     `iaclint --version`; a one-file Terraform change; a one-template CloudFormation change;
               the pre-commit hook (`diff --staged`) with one file changed in the Terraform monorepo
  throughput   a generated Terraform monorepo (~5,000 resources, 500 files, 50 stacks calling a local
               module) diffed whole and with 1% of the files changed; 500 generated templates;
               one ~5 MB template
  cache        the large runs three ways: with no parse cache (`--no-cache`; the Terraform monorepo
               also in one process, IACLINT_JOBS=1), as a first run that fills an empty cache, and
               with the cache warm (the same inputs read before: the usual case for a BEFORE side)
  memory       peak RSS of the whole-monorepo run
  peers        `checkov -d` on the Terraform tree and on the templates, `cfn-lint` on the templates,
               each on the same files, with the ratio peer time / iaclint time

Run:  python benchmarks/run_all.py [--runs 5] [--checkov PATH] [--cfn-lint PATH] [--peer-timeout 900]
      (PATH defaults: $IACLINT_BENCH_CHECKOV / $IACLINT_BENCH_CFN_LINT, then `checkov` / `cfn-lint` on PATH;
       a peer that is not found is skipped; `--no-peers` skips them all)
Never run by the test suite: it prints numbers, it asserts nothing about them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_cloudformation as cfn_gen  # noqa: E402  (the generators are shared, not copied)
import bench_plan as plan_gen  # noqa: E402
import bench_terraform as tf_gen  # noqa: E402
import pyiac_parse as cdk_gen  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b",
       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
ENV.pop("GITHUB_ACTIONS", None)
IACLINT = [sys.executable, "-m", "iaclint"]

MODULE_TF = """variable "name" {}
resource "aws_s3_bucket" "logs" {
  bucket = "${var.name}-logs"
}
resource "aws_sqs_queue" "dlq" {
  name = "${var.name}-dlq"
}
"""


# ------------------------------------------------------------------ inputs


def terraform_monorepo(root: Path, resources: int, files: int, stacks: int) -> list[Path]:
    """bench_terraform's generator, plus a local module every stack calls."""
    paths = tf_gen.generate(root, resources, files, modules=stacks)
    mod = root / "modules" / "common"
    mod.mkdir(parents=True)
    (mod / "main.tf").write_text(MODULE_TF)
    for s in range(stacks):
        (root / f"stacks/stack{s:02d}/modules.tf").write_text(
            f'module "common" {{\n  source = "../../modules/common"\n  name   = "stack{s:02d}"\n}}\n')
    return paths


def big_template(path: Path, target_bytes: int) -> int:
    """One JSON template of about target_bytes (bench_cloudformation's resources)."""
    per = len(json.dumps(cfn_gen.template(70, 0, False), indent=2)) / 70
    n = int(target_bytes / per)
    cfn_gen.write(path, cfn_gen.template(n, 0, False), as_yaml=False)
    return n


def git_repo(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "base"]):
        subprocess.run(cmd, cwd=dest, check=True, env=ENV, capture_output=True)


# ------------------------------------------------------------------ timing


def timed(cmd: list[str], cwd: Path, runs: int, ok=(0, 1), timeout: float | None = None, env: dict | None = None,
          fresh_cache: Path | None = None) -> float | None:
    """Median wall time. `fresh_cache`: every run starts with an empty parse cache there (a
    first run, which also fills it); otherwise the cache in ENV is warm after the first run,
    which is discarded."""
    samples = []
    env = env or ENV
    if fresh_cache is None and "--no-cache" not in cmd and env is ENV:
        subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, timeout=timeout)  # warm it
    for i in range(runs):
        if fresh_cache is not None:
            shutil.rmtree(fresh_cache, ignore_errors=True)
            env = {**ENV, "IACLINT_CACHE_DIR": str(fresh_cache / str(i))}
        t = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        samples.append(time.perf_counter() - t)
        if ok is not None and (proc.returncode not in ok or b"Traceback" in proc.stderr):
            sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()[-3000:]}")
    return statistics.median(samples)


def peak_rss_mb(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    """Peak RSS of one run, measured in a fresh parent so earlier children do not count."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, env=env or ENV, capture_output=True, text=True, check=True)
    kb = int(out.stdout.strip())
    return kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024)


def find_peer(flag: str | None, env_var: str, name: str) -> str | None:
    for cand in (flag, os.environ.get(env_var)):
        if cand:
            return cand if Path(cand).exists() or shutil.which(cand) else None
    return shutil.which(name)


def _fmt(secs: float | None) -> str:
    return "timeout" if secs is None else f"{secs:.3f}"


# ------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=1, help="runs per peer row (peers are slow)")
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--stacks", type=int, default=50)
    ap.add_argument("--templates", type=int, default=500)
    ap.add_argument("--template-resources", type=int, default=50)
    ap.add_argument("--big-mb", type=float, default=5.0)
    ap.add_argument("--checkov", help="checkov executable (or $IACLINT_BENCH_CHECKOV)")
    ap.add_argument("--cfn-lint", dest="cfn_lint", help="cfn-lint executable (or $IACLINT_BENCH_CFN_LINT)")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peer-timeout", type=float, default=900.0)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="iaclint-bench-all-"))
    rows: list[tuple[str, str, str]] = []  # case, value, note

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))
        print(f"  {name}: {value} {note}", file=sys.stderr, flush=True)

    try:
        print("generating inputs ...", file=sys.stderr, flush=True)
        # one-file Terraform change and one-template change: single files
        small = tmp / "small"
        (small / "tf_b").mkdir(parents=True)
        (small / "tf_a").mkdir(parents=True)
        body = 'resource "aws_db_instance" "db" {\n  identifier = "db"\n  engine = "%s"\n  deletion_protection = true\n}\n'
        (small / "tf_b/main.tf").write_text(body % "postgres")
        (small / "tf_a/main.tf").write_text(body % "mysql")
        app = cdk_gen.cdk_app(2, 5)
        (small / "cdk_b").mkdir()
        (small / "cdk_a").mkdir()
        (small / "cdk_b/app.py").write_text(app)
        (small / "cdk_a/app.py").write_text(app.replace("'Table3'", "'OrdersTable3'"))  # a logical ID change
        plan_file, plan_src, _ = plan_gen.make(small, args.resources)
        cfn_gen.write(small / "cfn_b/stack.yaml", cfn_gen.template(args.template_resources, 1, False), as_yaml=True)
        cfn_gen.write(small / "cfn_a/stack.yaml", cfn_gen.template(args.template_resources, 1, True), as_yaml=True)

        # the Terraform monorepo: before, after with every file changed, after with 1% changed
        mono_b = tmp / "mono_before"
        files = terraform_monorepo(mono_b, args.resources, args.files, args.stacks)
        mono_all = tmp / "mono_all"
        shutil.copytree(mono_b, mono_all)
        tf_gen.touch_all([mono_all / p.relative_to(mono_b) for p in files])
        mono_1pct = tmp / "mono_1pct"
        shutil.copytree(mono_b, mono_1pct)
        step = max(1, len(files) // max(1, len(files) // 100))
        tf_gen.touch_all([mono_1pct / p.relative_to(mono_b) for p in files[::step]])
        n_1pct = len(files[::step])
        repo = tmp / "mono_repo"
        git_repo(mono_b, repo)
        target = repo / files[4].relative_to(mono_b)
        target.write_text(target.read_text().replace("deletion_protection = true", "deletion_protection = false"))
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=ENV)
        n_tf_files = sum(1 for _ in mono_b.rglob("*.tf"))

        # 500 templates (half YAML, half JSON), every one edited; one ~5 MB template
        many = tmp / "many"
        cfn_gen.generate(many, args.template_resources, args.templates)
        big = tmp / "big"
        n_big = big_template(big / "before/big.json", int(args.big_mb * 1024 * 1024))
        big_after = json.loads((big / "before/big.json").read_text())
        first = next(iter(big_after["Resources"].values()))
        first["Properties"]["Tags"][0]["Value"] = "edited"
        cfn_gen.write(big / "after/big.json", big_after, as_yaml=False)
        big_mb = (big / "before/big.json").stat().st_size / (1024 * 1024)

        print("timing iaclint ...", file=sys.stderr, flush=True)
        ENV["IACLINT_CACHE_DIR"] = str(tmp / "cache")  # never the user's own cache
        r = args.runs
        fresh = tmp / "fresh-cache"
        serial = {**ENV, "IACLINT_JOBS": "1"}
        nc = ["--no-cache"]
        t = {}
        t["version"] = timed(IACLINT + ["--version"], tmp, r, ok=(0,))
        t["tf1"] = timed(IACLINT + ["diff", "tf_b/main.tf", "tf_a/main.tf"] + nc, small, r)
        t["cfn1"] = timed(IACLINT + ["diff", "cfn_b/stack.yaml", "cfn_a/stack.yaml"] + nc, small, r)
        t["cdk1"] = timed(IACLINT + ["diff", "cdk_b/app.py", "cdk_a/app.py"] + nc, small, r)
        t["plan"] = timed(IACLINT + ["plan", str(plan_file), "--source", str(plan_src), "--format", "json"] + nc, small, r)
        t["hook_cold"] = timed(IACLINT + ["diff", "--staged"] + nc, repo, r)
        t["hook"] = timed(IACLINT + ["diff", "--staged"], repo, r)
        mono_all_cmd = IACLINT + ["diff", str(mono_b), str(mono_all), "--format", "json"]
        t["mono_serial"] = timed(mono_all_cmd + nc, tmp, r, env=serial)
        t["mono_cold"] = timed(mono_all_cmd + nc, tmp, r)
        t["mono_first"] = timed(mono_all_cmd, tmp, r, fresh_cache=fresh)
        t["mono_warm"] = timed(mono_all_cmd, tmp, r)
        t["mono_1pct"] = timed(IACLINT + ["diff", str(mono_b), str(mono_1pct), "--format", "json"] + nc, tmp, r)
        many_cmd = IACLINT + ["diff", str(many / "before"), str(many / "after"), "--format", "json"]
        t["many_cold"] = timed(many_cmd + nc, tmp, r)
        t["many_first"] = timed(many_cmd, tmp, r, fresh_cache=fresh)
        t["many_warm"] = timed(many_cmd, tmp, r)
        t["big"] = timed(IACLINT + ["diff", str(big / "before/big.json"), str(big / "after/big.json")] + nc, tmp, r)
        rss = peak_rss_mb(mono_all_cmd + nc, tmp)
        rss_serial = peak_rss_mb(mono_all_cmd + nc, tmp, serial)
        rss_warm = peak_rss_mb(mono_all_cmd, tmp)

        row("start-up: `iaclint --version`", _fmt(t["version"]) + " s")
        row("start-up: one-file Terraform change (BEFORE AFTER files)", _fmt(t["tf1"]) + " s", "target < 0.2 s")
        row(f"start-up: one-template CloudFormation change ({args.template_resources} resources)", _fmt(t["cfn1"]) + " s")
        row("start-up: one-file CDK change (a 10-construct app, one logical ID changed)", _fmt(t["cdk1"]) + " s")
        row(f"plan: a {args.resources}-resource Terraform plan JSON, with --source (the .tf files)", _fmt(t["plan"]) + " s")
        row(f"hook: `diff --staged`, one file changed in the monorepo ({n_tf_files} .tf files), no cache",
            _fmt(t["hook_cold"]) + " s", "target < 0.2 s")
        row("hook: the same, parse cache warm (the usual case: HEAD's modules were read before)",
            _fmt(t["hook"]) + " s", "target < 0.2 s")
        mono = f"monorepo: {args.resources} resources, {n_tf_files} files, {args.stacks} stacks + local module, all changed"
        row(mono + ", no cache, one process", _fmt(t["mono_serial"]) + " s")
        row(mono + ", no cache, worker processes", _fmt(t["mono_cold"]) + " s")
        row(mono + ", first run (fills the cache)", _fmt(t["mono_first"]) + " s")
        row(mono + ", cache warm", _fmt(t["mono_warm"]) + " s")
        row(f"monorepo: {n_1pct} files ({n_1pct * 100 // max(1, len(files))}%) changed, no cache", _fmt(t["mono_1pct"]) + " s")
        many_name = f"{args.templates} templates ({args.template_resources} resources each), all changed"
        row(many_name + ", no cache", _fmt(t["many_cold"]) + " s")
        row(many_name + ", first run (fills the cache)", _fmt(t["many_first"]) + " s")
        row(many_name + ", cache warm", _fmt(t["many_warm"]) + " s")
        row(f"one {big_mb:.1f} MB template ({n_big} resources), one edit", _fmt(t["big"]) + " s")
        row("peak RSS, monorepo all changed, no cache (largest process)", f"{rss:.0f} MB", "target < 300 MB")
        row("peak RSS, the same in one process", f"{rss_serial:.0f} MB", "target < 300 MB")
        row("peak RSS, the same, cache warm", f"{rss_warm:.0f} MB", "target < 300 MB")

        if not args.no_peers:
            checkov = find_peer(args.checkov, "IACLINT_BENCH_CHECKOV", "checkov")
            cfn_lint = find_peer(args.cfn_lint, "IACLINT_BENCH_CFN_LINT", "cfn-lint")
            pr, to = args.peer_runs, args.peer_timeout
            if checkov:
                print(f"timing checkov ({checkov}) ...", file=sys.stderr, flush=True)
                base = [checkov, "--quiet", "--compact", "--skip-download", "-o", "json"]
                c_tf = timed(base + ["--framework", "terraform", "-d", str(mono_all)], tmp, pr, ok=None, timeout=to)
                row("peer: `checkov -d` monorepo (terraform)", _fmt(c_tf) + " s",
                    f"iaclint {c_tf / t['mono_cold']:.0f}x faster with no cache, {c_tf / t['mono_warm']:.0f}x warm"
                    if c_tf else f"> {to:.0f} s")
                c_cfn = timed(base + ["--framework", "cloudformation", "-d", str(many / "after")], tmp, pr, ok=None, timeout=to)
                row(f"peer: `checkov -d` {args.templates} templates", _fmt(c_cfn) + " s",
                    f"iaclint {c_cfn / t['many_cold']:.0f}x faster with no cache, {c_cfn / t['many_warm']:.0f}x warm"
                    if c_cfn else f"> {to:.0f} s")
            else:
                row("peer: checkov", "not installed", "(--checkov PATH)")
            if cfn_lint:
                print(f"timing cfn-lint ({cfn_lint}) ...", file=sys.stderr, flush=True)
                tmpl = sorted(str(p) for p in (many / "after").iterdir())
                c_lint = timed([cfn_lint, "--", *tmpl], tmp, pr, ok=None, timeout=to)
                row(f"peer: `cfn-lint` {args.templates} templates", _fmt(c_lint) + " s",
                    f"iaclint {c_lint / t['many_cold']:.0f}x faster with no cache" if c_lint else f"> {to:.0f} s")
                c_one = timed([cfn_lint, "--", str(small / "cfn_a/stack.yaml")], tmp, max(1, pr), ok=None, timeout=to)
                row("peer: `cfn-lint` one template", _fmt(c_one) + " s",
                    f"iaclint {c_one / t['cfn1']:.1f}x faster" if c_one else "")
            else:
                row("peer: cfn-lint", "not installed", "(--cfn-lint PATH)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {platform.system()}"
    print(f"\niaclint benchmarks: median of {args.runs} whole-process runs (peers: {args.peer_runs}); {machine}\n")
    if args.markdown:
        print("| case | median | note |\n|---|---|---|")
        for name, value, note in rows:
            print(f"| {name} | {value} | {note} |")
    else:
        width = max(len(n) for n, _, _ in rows)
        for name, value, note in rows:
            print(f"{name:<{width}}  {value:>14}  {note}")


if __name__ == "__main__":
    main()
