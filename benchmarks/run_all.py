"""All iaclint benchmarks in one table, with peers (checkov, cfn-lint, cloudformation-diff) when installed.

Every row is timed in rounds of whole processes (interpreter start-up included), and a row
with a peer runs the peer and iaclint alternately, A B A B ..., so a burst of load on this
shared machine falls on both (`timing.py`). Each row reports the median, the peak RSS of its
largest process, and every failed run (an exit status the command does not allow, or a
traceback): a failed run is reported, never counted. A ratio is the median of the ratios of
one round each, with their min–max spread. The package is byte-compiled first, so an
editable install does not recompile on every run, and the load average is printed before and
after, so a noisy run can be seen as one.

  start-up     `iaclint --version`; a one-file Terraform, CloudFormation and CDK change; a plan
  hook         `diff --staged`, one file changed in the Terraform monorepo, timed in turn with a bare
               interpreter (`python -c pass`, the ratio issue 19 bounds): the default cache empty, no cache; BEFORE
               cached and AFTER cold (the cache filled by an earlier run whose AFTER side was
               this HEAD: what a hook sees after the previous commit); and the run repeated
               (both sides cached: an upper bound, not the usual case)
  throughput   a generated Terraform monorepo (~5,000 resources, 500 files, 50 stacks calling a
               local module) diffed whole and with 1% of the files changed; 500 generated
               templates; one ~5 MB template. The large runs: with no cache (the monorepo also
               in one process, IACLINT_JOBS=1), as a first run that fills an empty cache, with
               BEFORE cached and AFTER cold (the cache filled by linting BEFORE as a change that
               adds it, from an empty directory: the real warm case of a change; BEFORE against
               itself is no change and would cache nothing) and repeated (both sides cached)
  peers        `checkov -d` on the Terraform tree and on the templates, `cfn-lint` on the
               templates and on one, cloudformation-diff in batch mode (benchmarks/cfn_diff_batch.js)
               on the templates, each on the same files, with the ratio peer time / iaclint time

Run:  python benchmarks/run_all.py [--rounds 5] [--checkov PATH] [--cfn-lint PATH]
          [--node-modules DIR] [--peers checkov,cfn-lint,cfn-lint-one,cfn-diff] [--markdown]
      (PATH defaults: $IACLINT_BENCH_CHECKOV / $IACLINT_BENCH_CFN_LINT, then `checkov` / `cfn-lint`
       on PATH; DIR: $IACLINT_BENCH_NODE_MODULES, where `npm install @aws-cdk/cloudformation-diff
       yaml` was run, outside the repository; a peer that is not found is skipped)
Never run by the test suite: it prints numbers, it asserts nothing about them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_cloudformation as cfn_gen  # noqa: E402  (the generators are shared, not copied)
import bench_plan as plan_gen  # noqa: E402
import bench_terraform as tf_gen  # noqa: E402
import pyiac_parse as cdk_gen  # noqa: E402
import timing  # noqa: E402
from timing import Case  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b",
       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
ENV.pop("GITHUB_ACTIONS", None)
IACLINT = [sys.executable, "-m", "iaclint"]
FINDINGS = (0, 1)  # iaclint's exit statuses without an error: no finding, findings
PEERS = ("checkov", "cfn-lint", "cfn-lint-one", "cfn-diff")

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


def fresh_cache(root: Path, prime: list[str] | None = None, cwd: Path | None = None):
    """A `before_each` hook: every run gets an empty cache directory of its own, filled first by
    `prime` (untimed) when given. A priming run that fails stops the benchmark: its numbers
    would mean something else."""
    counter = [0]

    def prepare(_round: int) -> dict:
        counter[0] += 1
        cache = root / f"c{counter[0]}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**ENV, "IACLINT_CACHE_DIR": str(cache)}
        if prime is not None:
            run = timing.run_once(prime, cwd, env, FINDINGS)
            if not run.ok:
                sys.exit(f"priming the cache failed ({run.status}): {' '.join(prime)}\n{run.stderr}")
            if not any(p.is_file() for p in cache.rglob("*")):
                sys.exit(f"priming the cache cached nothing: {' '.join(prime)}")
        return env

    return prepare


def find_peer(flag: str | None, env_var: str, name: str) -> str | None:
    for cand in (flag, os.environ.get(env_var)):
        if cand:
            return cand if Path(cand).exists() or shutil.which(cand) else None
    return shutil.which(name)


class Table:
    """Rows of (case, median, peak RSS, note), printed as they come and at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, name: str, case: Case | None = None, note: str = "", value: str | None = None,
            at: int | None = None) -> None:
        if case is not None:
            med, rss = case.median(), case.rss()
            value = f"{med:.3f} s" if med is not None else "every run failed"
            rss_text = f"{rss:.0f} MB" if rss is not None else ""
            if case.failures:
                first = case.failures[0]
                note = (note + "; " if note else "") + (
                    f"{len(case.failures)} of {len(case.runs)} runs failed (exit {first.status}), not counted")
        else:
            rss_text = ""
        self.rows.insert(len(self.rows) if at is None else at, (name, value or "", rss_text, note))
        print(f"  {name}: {value} {rss_text} {note}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", "--runs", dest="rounds", type=int, default=5, help="rounds per row, peers included (at least 5 for a table)")
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--stacks", type=int, default=50)
    ap.add_argument("--templates", type=int, default=500)
    ap.add_argument("--template-resources", type=int, default=50)
    ap.add_argument("--big-mb", type=float, default=5.0)
    ap.add_argument("--checkov", help="checkov executable (or $IACLINT_BENCH_CHECKOV)")
    ap.add_argument("--cfn-lint", dest="cfn_lint", help="cfn-lint executable (or $IACLINT_BENCH_CFN_LINT)")
    ap.add_argument("--node-modules", type=Path, default=os.environ.get("IACLINT_BENCH_NODE_MODULES"),
                    help="node_modules holding @aws-cdk/cloudformation-diff and yaml")
    ap.add_argument("--peers", default=",".join(PEERS), help="which peer rows to time (comma-separated)")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peer-timeout", type=float, default=900.0)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = ap.parse_args()
    peers = set() if args.no_peers else {p.strip() for p in args.peers.split(",") if p.strip()}

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "iaclint")], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="iaclint-bench-all-"))
    table = Table()
    r = args.rounds
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    load_before = timing.load_average()

    try:
        print("generating inputs ...", file=sys.stderr, flush=True)
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
        # the hook's repository: HEAD~1 differs from HEAD in the target file (a comment), so a
        # run from HEAD~1 to HEAD leaves HEAD's module in the cache, as the previous commit's
        # hook run did; the staged change is the one the hook judges
        repo = tmp / "mono_repo"
        git_repo(mono_b, repo)
        target = repo / files[4].relative_to(mono_b)
        original = target.read_text()
        target.write_text(original + "\n# an earlier edit\n")
        for cmd in (["git", "commit", "-qam", "earlier"],):
            subprocess.run(cmd, cwd=repo, check=True, env=ENV, capture_output=True)
        target.write_text(original.replace("deletion_protection = true", "deletion_protection = false"))
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

        print(f"timing (load average {timing.load_average()}) ...", file=sys.stderr, flush=True)
        ENV["IACLINT_CACHE_DIR"] = str(tmp / "cache")  # never the user's own cache
        caches = tmp / "caches"
        serial = {**ENV, "IACLINT_JOBS": "1"}
        nc = ["--no-cache"]

        def one(name: str, cmd: list[str], cwd: Path, note: str = "", ok=FINDINGS, env=None, before_each=None,
                warm: bool = False) -> Case:
            case = Case(name, cmd, cwd, ok=ok, env=env or ENV, before_each=before_each)
            timing.rounds([case], r, warmup=warm, log=log)
            table.add(name, case, note)
            return case

        one("start-up: `iaclint --version`", IACLINT + ["--version"], tmp, ok=(0,))
        one("start-up: one-file Terraform change (BEFORE AFTER files)",
            IACLINT + ["diff", "tf_b/main.tf", "tf_a/main.tf"] + nc, small, "target < 0.2 s")
        cfn1 = Case(f"start-up: one-template CloudFormation change ({args.template_resources} resources)",
                    IACLINT + ["diff", "cfn_b/stack.yaml", "cfn_a/stack.yaml"] + nc, small, ok=FINDINGS, env=ENV)
        cfn1_row = len(table.rows)  # timed later, in turn with cfn-lint when it is there
        one("start-up: one-file CDK change (a 10-construct app, one logical ID changed)",
            IACLINT + ["diff", "cdk_b/app.py", "cdk_a/app.py"] + nc, small)
        one(f"plan: a {args.resources}-resource Terraform plan JSON, with --source (the .tf files)",
            IACLINT + ["plan", str(plan_file), "--source", str(plan_src), "--format", "json"] + nc, small)

        hook = f"hook: `diff --staged`, one file changed in the monorepo ({n_tf_files} .tf files)"
        # the hook cold, against a bare interpreter in the same rounds (issue 19: at most 10x):
        # the default cache empty (as on a fresh clone), and with --no-cache
        bare = Case("start-up: a bare interpreter (`python -c pass`), for the hook's ratio",
                    [sys.executable, "-c", "pass"], repo, ok=(0,), env=ENV)
        hook_cold = Case(hook + ", the default cache empty", IACLINT + ["diff", "--staged"], repo, ok=FINDINGS,
                         before_each=fresh_cache(caches / "hook-cold"))
        hook_nc = Case(hook + ", no cache", IACLINT + ["diff", "--staged"] + nc, repo, ok=FINDINGS, env=ENV)
        timing.rounds([bare, hook_cold, hook_nc], r, log=log)
        table.add(bare.name, bare)
        for case in (hook_cold, hook_nc):
            table.add(case.name, case, f"target < 0.2 s; {timing.fmt_ratio(timing.ratio(case, bare))} a bare interpreter")
        one("hook: the same, HEAD cached, the index cold (the usual case: the previous commit's run cached HEAD)",
            IACLINT + ["diff", "--staged"], repo, "target < 0.2 s",
            before_each=fresh_cache(caches / "hook", IACLINT + ["diff", "--base", "HEAD~1", "--head", "HEAD"], repo))
        one("hook: the same run repeated (both sides cached)", IACLINT + ["diff", "--staged"], repo, warm=True)

        mono = f"monorepo: {args.resources} resources, {n_tf_files} files, {args.stacks} stacks + local module, all changed"
        mono_cmd = IACLINT + ["diff", str(mono_b), str(mono_all), "--format", "json"]
        empty = tmp / "empty"  # BEFORE read as a change that adds it: what an earlier run cached
        empty.mkdir(exist_ok=True)
        mono_prime = IACLINT + ["diff", str(empty), str(mono_b), "--format", "json"]
        mono_serial = Case(mono + ", no cache, one process", mono_cmd + nc, tmp, ok=FINDINGS, env=serial)
        mono_cold = Case(mono + ", no cache, worker processes", mono_cmd + nc, tmp, ok=FINDINGS, env=ENV)
        mono_first = Case(mono + ", first run (fills an empty cache)", mono_cmd, tmp, ok=FINDINGS,
                          before_each=fresh_cache(caches / "mono-first"))
        mono_bc = Case(mono + ", BEFORE cached, AFTER cold (the real warm case)", mono_cmd, tmp, ok=FINDINGS,
                       before_each=fresh_cache(caches / "mono-bc", mono_prime, tmp))
        mono_warm = Case(mono + ", the run repeated (both sides cached)", mono_cmd, tmp, ok=FINDINGS, env=ENV)
        timing.rounds([mono_serial, mono_cold, mono_first, mono_bc], r, log=log)
        timing.rounds([mono_warm], r, warmup=True, log=log)
        for case in (mono_serial, mono_cold, mono_first, mono_bc, mono_warm):
            table.add(case.name, case, "peak RSS target < 300 MB" if case is mono_serial else "")
        one(f"monorepo: {n_1pct} files ({n_1pct * 100 // max(1, len(files))}%) changed, no cache",
            IACLINT + ["diff", str(mono_b), str(mono_1pct), "--format", "json"] + nc, tmp)

        many_name = f"{args.templates} templates ({args.template_resources} resources each), all changed"
        many_cmd = IACLINT + ["diff", str(many / "before"), str(many / "after"), "--format", "json"]
        many_prime = IACLINT + ["diff", str(empty), str(many / "before"), "--format", "json"]
        many_cold = Case(many_name + ", no cache", many_cmd + nc, tmp, ok=FINDINGS, env=ENV)
        many_serial = Case(many_name + ", no cache, one process", many_cmd + nc, tmp, ok=FINDINGS, env=serial)
        many_first = Case(many_name + ", first run (fills an empty cache)", many_cmd, tmp, ok=FINDINGS,
                          before_each=fresh_cache(caches / "many-first"))
        many_bc = Case(many_name + ", BEFORE cached, AFTER cold (the real warm case)", many_cmd, tmp, ok=FINDINGS,
                       before_each=fresh_cache(caches / "many-bc", many_prime, tmp))
        many_warm = Case(many_name + ", the run repeated (both sides cached)", many_cmd, tmp, ok=FINDINGS, env=ENV)
        timing.rounds([many_cold, many_serial, many_first, many_bc], r, log=log)
        timing.rounds([many_warm], r, warmup=True, log=log)
        for case in (many_cold, many_serial, many_first, many_bc, many_warm):
            table.add(case.name, case)
        one(f"one {big_mb:.1f} MB template ({n_big} resources), one edit",
            IACLINT + ["diff", str(big / "before/big.json"), str(big / "after/big.json")] + nc, tmp)

        def versus(peer: Case, ours: list[Case], label: str, short: str | None = None) -> None:
            timing.rounds([peer, *ours], r, log=log)
            notes = [f"{timing.fmt_ratio(timing.ratio(peer, c))} {short or c.name}" for c in ours]
            table.add(label, peer, "peer / iaclint: " + "; ".join(notes))

        to = args.peer_timeout
        checkov = find_peer(args.checkov, "IACLINT_BENCH_CHECKOV", "checkov") if "checkov" in peers else None
        cfn_lint = find_peer(args.cfn_lint, "IACLINT_BENCH_CFN_LINT", "cfn-lint") if peers & {"cfn-lint", "cfn-lint-one"} else None
        node = shutil.which("node") if "cfn-diff" in peers and args.node_modules else None
        if checkov:
            base = [checkov, "--quiet", "--compact", "--skip-download", "-o", "json"]
            # checkov exits 1 when a check fails: that is its answer, not a failure
            c_tf = Case("checkov", base + ["--framework", "terraform", "-d", str(mono_all)], tmp, ok=(0, 1), timeout=to)
            versus(c_tf, [Case("no cache", mono_cmd + nc, tmp, ok=FINDINGS, env=ENV),
                          Case("BEFORE cached", mono_cmd, tmp, ok=FINDINGS,
                               before_each=fresh_cache(caches / "vs-checkov-tf", mono_prime, tmp))],
                   "peer: `checkov -d` monorepo (terraform)")
            c_cfn = Case("checkov", base + ["--framework", "cloudformation", "-d", str(many / "after")], tmp, ok=(0, 1), timeout=to)
            versus(c_cfn, [Case("no cache", many_cmd + nc, tmp, ok=FINDINGS, env=ENV),
                           Case("BEFORE cached", many_cmd, tmp, ok=FINDINGS,
                                before_each=fresh_cache(caches / "vs-checkov-cfn", many_prime, tmp))],
                   f"peer: `checkov -d` {args.templates} templates")
        elif "checkov" in peers:
            table.add("peer: checkov", value="not installed", note="(--checkov PATH)")
        if cfn_lint and "cfn-lint" in peers:
            tmpl = sorted(str(p) for p in (many / "after").iterdir())
            # cfn-lint's exit status is a bit mask of what it found (2 errors, 4 warnings, 8 informational)
            c_lint = Case("cfn-lint", [cfn_lint, "--", *tmpl], tmp, ok=tuple(range(0, 16, 2)), timeout=to)
            versus(c_lint, [Case("no cache", many_cmd + nc, tmp, ok=FINDINGS, env=ENV)],
                   f"peer: `cfn-lint` {args.templates} templates")
        if cfn_lint and "cfn-lint-one" in peers:
            c_one = Case("cfn-lint", [cfn_lint, "--", str(small / "cfn_a/stack.yaml")], tmp, ok=tuple(range(0, 16, 2)), timeout=to)
            versus(c_one, [cfn1], "peer: `cfn-lint` one template", "one-template change, no cache")
        else:
            timing.rounds([cfn1], r, log=log)
        table.add(cfn1.name, cfn1, at=cfn1_row)
        if not cfn_lint and peers & {"cfn-lint", "cfn-lint-one"}:
            table.add("peer: cfn-lint", value="not installed", note="(--cfn-lint PATH)")
        if node:
            batch = Case("cloudformation-diff", [node, str(HERE / "cfn_diff_batch.js"), str(many / "before"), str(many / "after")],
                         tmp, env={**os.environ, "NODE_PATH": str(args.node_modules)}, timeout=to)
            versus(batch, [Case("no cache", many_cmd + nc, tmp, ok=FINDINGS, env=ENV),
                           Case("no cache, one process", many_cmd + nc, tmp, ok=FINDINGS, env=serial)],
                   f"peer: cloudformation-diff batch mode (one node process), {args.templates} templates")
        elif "cfn-diff" in peers:
            table.add("peer: cloudformation-diff", value="not installed",
                      note="(--node-modules DIR: npm install @aws-cdk/cloudformation-diff yaml)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    load_after = timing.load_average()
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {platform.system()}"
    print(f"\niaclint benchmarks: {r} rounds per row, peers alternating with iaclint; {machine}")
    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load_after}\n")
    rows = [(name, value, rss, note) for name, value, rss, note in table.rows]
    if args.markdown:
        print("| case | median | peak RSS | note |\n|---|---|---|---|")
        for name, value, rss, note in rows:
            print(f"| {name} | {value} | {rss} | {note} |")
    else:
        width = max(len(n) for n, _, _, _ in rows)
        for name, value, rss, note in rows:
            print(f"{name:<{width}}  {value:>16}  {rss:>7}  {note}")


if __name__ == "__main__":
    main()
