"""Replay a git repository's history through iaclint, and judge a sample of what it finds.

Three commands (stdlib only, Python >= 3.10):

    python benchmarks/replay.py REPO [--max-commits N] [--first-parent] [--out findings.jsonl]
                                     [--iaclint "CMD"] [--jobs 1] [--rev HEAD] [--name OWNER/REPO]
    python benchmarks/replay.py sample FINDINGS.jsonl [FILES...] --seed 7 --n 80
                                     --severity error,warning --out sample.md
    python benchmarks/replay.py score SAMPLE.md
    python benchmarks/replay.py summary FINDINGS.jsonl [FILES...]

Replay: REPO is a git directory (a bare mirror works) or a work tree. For each non-merge
commit C that touches infrastructure files (newest first, at most N), it runs
`iaclint diff --base C^ --head C --format json --fail-on never --no-cache` and writes one JSON
line per finding (kind "finding") and one per commit (kind "commit": exit code, counts per
severity, seconds, crash). iaclint's git modes need a repository with a work tree; with
`--head` the work tree's content does not matter, so the replay makes one throw-away clone
that shares REPO's objects (`git clone --shared --no-checkout`, nothing is written to REPO)
and runs every commit there. A crash (exit 2 with "internal error", a traceback, output
that is not JSON, a timeout) is recorded and the run goes on.

The iaclint command defaults to `[sys.executable, "-m", "iaclint"]`: whichever iaclint this
interpreter imports is the one measured. `--iaclint "CMD"` overrides it (split like a shell).

Sample: a seeded random draw of findings (same seed and same input lines, in any file order,
give the same sample) written as a Markdown judging sheet with blank `verdict:`, `reason:`
and `class:` lines. Score: reads a judged sheet back and prints the precision.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TF_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
# Templates (CloudFormation, ARM...) and Python IaC (CDK, Pulumi): counted with --all-iac only,
# since in a Terraform repository most YAML/JSON/Python files are CI, docs or tooling.
OTHER_IAC_SUFFIXES = (".template", ".yaml", ".yml", ".json", ".py", ".bicep")
SEVERITIES = ("error", "warning", "note")
VERDICTS = ("correct", "debatable", "false")
# Variables that would point our git commands at some other repository.
_GIT_ENV = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
)


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
    env.update(extra or {})
    return env


def git(args: list[str], cwd: str | os.PathLike | None = None, git_dir: str | None = None) -> str:
    cmd = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# replay


def resolve_git_dir(repo: str) -> str:
    """The absolute git directory of REPO (a bare git dir, a `.git` dir, or a work tree)."""
    path = Path(repo).resolve()
    if not path.exists():
        raise SystemExit(f"replay: {repo}: no such directory")
    try:
        return git(["rev-parse", "--absolute-git-dir"], cwd=path).strip()
    except RuntimeError as exc:
        raise SystemExit(f"replay: {repo}: not a git repository ({exc})") from None


def repo_name(repo: str) -> str:
    """A readable name: `owner/name` for a fetched mirror (`.../owner+name/repo`), else the base name."""
    path = Path(repo).resolve()
    if path.name in ("repo", ".git") and path.parent.name:
        path = path.parent
    name = path.name.removesuffix(".git")
    return name.replace("+", "/", 1) if "+" in name else name


def is_iac(path: str, suffixes: tuple[str, ...]) -> bool:
    return path.lower().endswith(suffixes)


def list_commits(git_dir: str, rev: str, first_parent: bool, suffixes: tuple[str, ...],
                 max_commits: int | None) -> list[dict]:
    """Non-merge commits reachable from REV, newest first, that change an IaC file; root commits skipped."""
    args = ["log", "--no-merges", "--no-renames", "--format=%x00%H%x1f%P%x1f%s", "--name-only", rev]
    if first_parent:
        args.insert(1, "--first-parent")
    out = git(args, git_dir=git_dir)
    commits = []
    for record in out.split("\0")[1:]:
        header, _, body = record.partition("\n")
        sha, parents, subject = (header.split("\x1f") + ["", ""])[:3]
        parents = parents.split()
        if len(parents) != 1:  # a root commit has nothing to compare with
            continue
        files = [f for f in body.splitlines() if f.strip()]
        iac = [f for f in files if is_iac(f, suffixes)]
        if not iac:
            continue
        commits.append({"commit": sha, "parent": parents[0], "subject": subject, "iac_files": len(iac)})
        if max_commits and len(commits) >= max_commits:
            break
    return commits


def make_checkout(git_dir: str, rev: str) -> str:
    """A throw-away clone sharing GIT_DIR's objects, with REV checked out as far as it goes.

    Snapshots may lack big blobs, so a failed checkout is tolerated: iaclint only needs a
    repository with a work tree, and reads both sides of `--base/--head` from git objects.
    """
    tmp = tempfile.mkdtemp(prefix="iaclint-replay-")
    work = os.path.join(tmp, "checkout")
    git(["clone", "-q", "--shared", "--no-checkout", git_dir, work])
    subprocess.run(["git", "checkout", "-q", "--detach", rev], cwd=work, env=_env(), capture_output=True)
    subprocess.run(["git", "update-ref", "--no-deref", "HEAD", git(["rev-parse", rev], git_dir=git_dir).strip()],
                   cwd=work, env=_env(), capture_output=True)
    return work


def crash_line(stderr: str) -> str | None:
    """The line that says what went wrong, if STDERR shows a crash (internal error or traceback)."""
    lines = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "internal error" in line:
            return line.strip()
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        for line in reversed(lines):
            if not line.startswith(" ") and not line.startswith("Traceback"):
                return line.strip()
        return lines[-1].strip()
    return None


def run_commit(cmd: list[str], checkout: str, commit: dict, env: dict[str, str], timeout: float) -> dict:
    args = [*cmd, "diff", "--base", commit["parent"], "--head", commit["commit"],
            "--format", "json", "--fail-on", "never", "--no-cache"]
    start = time.perf_counter()
    try:
        proc = subprocess.run(args, cwd=checkout, env=env, capture_output=True, timeout=timeout)
        code, stdout, stderr = proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        timed_out = False
    except subprocess.TimeoutExpired as exc:
        code, timed_out = None, True
        stdout = (exc.stdout or b"").decode("utf-8", "replace")
        stderr = (exc.stderr or b"").decode("utf-8", "replace")
    seconds = time.perf_counter() - start
    report, problem = None, None
    if timed_out:
        problem = f"timeout after {timeout:g} s"
    else:
        problem = crash_line(stderr)
        if code == 2 and problem is None and "internal error" in stderr:
            problem = stderr.strip().splitlines()[-1]
        if problem is None:
            try:
                report = json.loads(stdout)
            except ValueError:
                tail = stderr.strip().splitlines()
                problem = f"exit {code}, output is not JSON" + (f": {tail[-1]}" if tail else "")
    return {"code": code, "seconds": seconds, "report": report, "problem": problem, "stderr": stderr}


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def replay(ns: argparse.Namespace) -> int:
    git_dir = resolve_git_dir(ns.repo)
    name = ns.name or repo_name(ns.repo)
    suffixes = TF_SUFFIXES + (OTHER_IAC_SUFFIXES if ns.all_iac else ())
    commits = list_commits(git_dir, ns.rev, ns.first_parent, suffixes, ns.max_commits)
    cmd = shlex.split(ns.iaclint) if ns.iaclint else [sys.executable, "-m", "iaclint"]
    env = _env({"IACLINT_NO_CACHE": "1"})
    print(f"replay: {name}: {len(commits)} commits touching IaC files; iaclint = {' '.join(cmd)}", file=sys.stderr)

    # SIGTERM (a killed job) unwinds like Ctrl-C, so the temporary checkout is removed.
    signal.signal(signal.SIGTERM, _interrupt)
    checkout = make_checkout(git_dir, ns.rev)
    out = open(ns.out, "a" if ns.append else "w", encoding="utf-8") if ns.out else sys.stdout
    stats = Stats()
    try:
        with ThreadPoolExecutor(max_workers=max(1, ns.jobs)) as pool:
            results = pool.map(lambda c: run_commit(cmd, checkout, c, env, ns.timeout), commits)
            for i, (commit, result) in enumerate(zip(commits, results), 1):
                lines = commit_lines(name, git_dir, commit, result)
                for line in lines:
                    out.write(json.dumps(line, sort_keys=True) + "\n")
                    stats.add(line)
                out.flush()
                summary = lines[-1]
                status = f"CRASH {summary['crash_line']}" if summary["crashed"] else \
                    " ".join(f"{summary['counts'][s]}{s[0].upper()}" for s in SEVERITIES)
                print(f"  [{i}/{len(commits)}] {commit['commit'][:10]} {summary['seconds']:.1f}s {status}", file=sys.stderr)
    finally:
        if out is not sys.stdout:
            out.close()
        shutil.rmtree(os.path.dirname(checkout), ignore_errors=True)
    stats.print(file=sys.stdout if ns.out else sys.stderr)
    return 0


def commit_lines(name: str, git_dir: str, commit: dict, result: dict) -> list[dict]:
    base = {"repo": name, "git_dir": git_dir, "commit": commit["commit"], "parent": commit["parent"],
            "subject": commit["subject"]}
    lines = []
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in (result["report"] or {}).get("findings", []):
        sev = f.get("severity", "")
        counts[sev] = counts.get(sev, 0) + 1
        lines.append({**base, "kind": "finding", "rule": f.get("rule"), "name": f.get("name"),
                      "category": f.get("category"), "severity": sev, "path": f.get("path"),
                      "line": f.get("line"), "resource": f.get("resource"), "message": f.get("message"),
                      "help": f.get("help")})
    problem = result["problem"]
    lines.append({**base, "kind": "commit", "exit_code": result["code"], "counts": counts,
                  "findings": sum(counts.values()), "iac_files": commit["iac_files"],
                  "seconds": round(result["seconds"], 3), "crashed": problem is not None,
                  "crash_line": problem,
                  "stderr_tail": "\n".join(result["stderr"].strip().splitlines()[-15:]) if problem else None})
    return lines


class Stats:
    def __init__(self) -> None:
        self.commits = 0
        self.with_error: list[tuple[str, str]] = []
        self.crashes: list[tuple[str, str, str]] = []
        self.by_rule: collections.Counter = collections.Counter()
        self.per_repo: collections.Counter = collections.Counter()
        self.seconds = 0.0

    def add(self, line: dict) -> None:
        if line.get("kind") == "finding":
            self.by_rule[(line["rule"], line["severity"])] += 1
        elif line.get("kind") == "commit":
            self.commits += 1
            self.per_repo[line["repo"]] += 1
            self.seconds += line.get("seconds") or 0
            if line["counts"].get("error"):
                self.with_error.append((line["repo"], line["commit"]))
            if line["crashed"]:
                self.crashes.append((line["repo"], line["commit"], line["crash_line"]))

    def print(self, file=sys.stdout) -> None:
        p = lambda *a: print(*a, file=file)  # noqa: E731
        p(f"commits replayed: {self.commits}  ({self.seconds:.0f} s of iaclint)")
        for repo, n in sorted(self.per_repo.items()):
            p(f"  {repo}: {n}")
        p(f"commits with an error finding: {len(self.with_error)}")
        p(f"crashes: {len(self.crashes)}")
        for repo, sha, what in self.crashes:
            p(f"  {repo} {sha[:12]}: {what}")
        p("findings by rule x severity:")
        rules = sorted({r for r, _ in self.by_rule})
        p(f"  {'rule':8} {'error':>6} {'warning':>8} {'note':>6}")
        for rule in rules:
            p(f"  {rule:8} " + " ".join(f"{self.by_rule[(rule, s)]:>{w}}" for s, w in zip(SEVERITIES, (6, 8, 6))))


def read_jsonl(files: list[str]) -> list[dict]:
    lines = []
    for name in files:
        with open(name, encoding="utf-8") as fh:
            for raw in fh:
                raw = raw.strip()
                if raw:
                    lines.append(json.loads(raw))
    return lines


def summary(ns: argparse.Namespace) -> int:
    stats = Stats()
    for line in read_jsonl(ns.files):
        stats.add(line)
    stats.print()
    return 0


# ---------------------------------------------------------------------------------------------
# sample and score


def _sort_key(f: dict) -> tuple:
    return (f.get("repo") or "", f.get("commit") or "", f.get("path") or "", f.get("line") or 0,
            f.get("rule") or "", f.get("resource") or "", f.get("message") or "")


def draw(findings: list[dict], seed: int, n: int, severities: set[str]) -> list[dict]:
    """A seeded sample, independent of the order the findings were read in; duplicates kept once."""
    pool = {json.dumps(f, sort_keys=True): f for f in findings
            if f.get("kind") == "finding" and f.get("severity") in severities}
    ordered = sorted(pool.values(), key=_sort_key)
    picked = random.Random(seed).sample(ordered, min(n, len(ordered)))
    return sorted(picked, key=_sort_key)  # one commit's findings next to each other: one `git show`


def sample(ns: argparse.Namespace) -> int:
    severities = {s.strip() for s in ns.severity.split(",") if s.strip()}
    picked = draw(read_jsonl(ns.files), ns.seed, ns.n, severities)
    out = [f"# iaclint replay: judging sheet",
           "",
           f"Drawn from {', '.join(ns.files)} with seed {ns.seed}, n = {ns.n}, severities {','.join(sorted(severities))}: "
           f"{len(picked)} findings.",
           "",
           "For each finding, fill in `verdict:` (correct / debatable / false), a one-line `reason:`, and for a",
           "false one a `class:` tag (unresolved-value, cascade-from-false-replacement, module-source-switch,",
           "zero-instances, provider-default, dynamic-empty, computed-attribute, old-syntax, other).",
           "Then run `python benchmarks/replay.py score THIS_FILE`.",
           ""]
    for i, f in enumerate(picked, 1):
        git_dir = f.get("git_dir") or "REPO"
        out += [f"## {i}. {f['rule']} {f.get('name') or ''} ({f['severity']})",
                "",
                f"- repo: {f['repo']}",
                f"- commit: {f['commit']} (parent {f['parent'][:12]}) {f.get('subject') or ''}",
                f"- show: `git --git-dir={git_dir} show {f['commit'][:12]} -- {f['path']}`",
                f"- at: {f['path']}:{f.get('line')}",
                f"- resource: {f.get('resource')}",
                f"- message: {f.get('message')}",
                "",
                "verdict:",
                "reason:",
                "class:",
                ""]
    text = "\n".join(out)
    if ns.out:
        Path(ns.out).write_text(text, encoding="utf-8")
        print(f"sample: {len(picked)} findings written to {ns.out}")
    else:
        sys.stdout.write(text)
    return 0


_ENTRY = re.compile(r"^## (\d+)\. (\S+)")


def parse_sheet(text: str) -> list[dict]:
    entries: list[dict] = []
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m:
            entries.append({"n": int(m.group(1)), "rule": m.group(2), "verdict": "", "reason": "", "class": ""})
            continue
        if not entries:
            continue
        for key in ("verdict", "reason", "class"):
            if line.lower().startswith(key + ":"):
                entries[-1][key] = line.split(":", 1)[1].strip()
    for e in entries:
        v = e["verdict"].lower().split()[0] if e["verdict"].strip() else ""
        e["verdict"] = v.strip(".,;") if v.strip(".,;") in VERDICTS else ("" if not v else "?" + v)
    return entries


def score(ns: argparse.Namespace) -> int:
    entries = parse_sheet(Path(ns.sheet).read_text(encoding="utf-8"))
    judged = [e for e in entries if e["verdict"] in VERDICTS]
    unknown = [e for e in entries if e["verdict"].startswith("?")]
    counts = collections.Counter(e["verdict"] for e in judged)
    print(f"entries: {len(entries)}  judged: {len(judged)}  unjudged: {len(entries) - len(judged) - len(unknown)}"
          + (f"  unreadable verdicts: {', '.join(str(e['n']) for e in unknown)}" if unknown else ""))
    if not judged:
        return 1
    print(f"precision (correct / judged): {counts['correct']}/{len(judged)} = {counts['correct'] / len(judged):.1%}")
    ok = counts["correct"] + counts["debatable"]
    print(f"precision counting debatable as correct: {ok}/{len(judged)} = {ok / len(judged):.1%}")
    print("per verdict:")
    for v in VERDICTS:
        print(f"  {v:10} {counts[v]:>4}")
    classes = collections.Counter((e["class"] or "-", e["verdict"]) for e in judged)
    if any(c != "-" for c, _ in classes):
        print("per class:")
        print(f"  {'class':36} {'correct':>8} {'debatable':>10} {'false':>6}")
        for c in sorted({c for c, _ in classes}, key=lambda c: (-sum(classes[(c, v)] for v in VERDICTS), c)):
            print(f"  {c:36} " + " ".join(f"{classes[(c, v)]:>{w}}" for v, w in zip(VERDICTS, (8, 10, 6))))
    rules = collections.Counter((e["rule"], e["verdict"]) for e in judged)
    print("per rule:")
    print(f"  {'rule':8} {'correct':>8} {'debatable':>10} {'false':>6}  precision")
    for r in sorted({r for r, _ in rules}):
        n = sum(rules[(r, v)] for v in VERDICTS)
        print(f"  {r:8} " + " ".join(f"{rules[(r, v)]:>{w}}" for v, w in zip(VERDICTS, (8, 10, 6)))
              + f"  {rules[(r, 'correct')] / n:.0%}")
    return 0


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sample":
        p = argparse.ArgumentParser(prog="replay.py sample", description="Draw a seeded sample of findings to judge.")
        p.add_argument("files", nargs="+", metavar="FINDINGS.jsonl")
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--n", type=int, default=80)
        p.add_argument("--severity", default="error,warning", help="comma-separated severities to draw from")
        p.add_argument("--out", help="Markdown sheet to write (default: standard output)")
        return sample(p.parse_args(argv[1:]))
    if argv and argv[0] == "score":
        p = argparse.ArgumentParser(prog="replay.py score", description="Read a judged sheet back; print precision.")
        p.add_argument("sheet", metavar="SAMPLE.md")
        return score(p.parse_args(argv[1:]))
    if argv and argv[0] == "summary":
        p = argparse.ArgumentParser(prog="replay.py summary", description="Summarise replay output files.")
        p.add_argument("files", nargs="+", metavar="FINDINGS.jsonl")
        return summary(p.parse_args(argv[1:]))
    p = argparse.ArgumentParser(prog="replay.py", description=__doc__.split("\n\n")[0],
                                epilog="Other commands: `sample FINDINGS.jsonl ...`, `score SAMPLE.md`, `summary FINDINGS.jsonl ...`.")
    p.add_argument("repo", metavar="REPO_GIT_DIR", help="a git directory (bare mirror) or a work tree")
    p.add_argument("--max-commits", type=int, default=None, help="at most N commits (newest first)")
    p.add_argument("--first-parent", action="store_true", help="follow only the first parent of merges")
    p.add_argument("--rev", default="HEAD", help="replay the history of this revision (default HEAD)")
    p.add_argument("--name", help="repository name in the output (default: from the path)")
    p.add_argument("--out", help="JSON lines file (default: standard output)")
    p.add_argument("--append", action="store_true", help="append to --out instead of overwriting it")
    p.add_argument("--iaclint", help='the iaclint command (default: "PYTHON -m iaclint" with this interpreter)')
    p.add_argument("--jobs", type=int, default=1, help="commits linted at once (default 1)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per commit before it counts as a crash")
    p.add_argument("--all-iac", action="store_true",
                   help="also count commits that touch only YAML/JSON/template/Python files")
    return replay(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
