"""benchmarks/replay.py: replays a tiny repository's history and samples the findings reproducibly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT, init_repo

REPLAY = REPO_ROOT / "benchmarks" / "replay.py"

DB = """
resource "aws_db_instance" "main" {
  identifier        = "orders"
  engine            = "ENGINE"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  tags = {
    team = "TEAM"
  }
}
"""


def db(engine: str, team: str) -> str:
    return DB.replace("ENGINE", engine).replace("TEAM", team)


def _run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(REPO_ROOT), "PATH": os.environ["PATH"], "GIT_CONFIG_NOSYSTEM": "1",
           "IACLINT_NO_CACHE": "1", "HOME": str(cwd)}
    return subprocess.run([sys.executable, str(REPLAY), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def history(tmp_path):
    repo = init_repo(tmp_path / "repo")
    repo.commit({"db.tf": db("postgres", "a")}, message="add the database")
    engine = repo.commit({"db.tf": db("mysql", "a")}, message="switch the engine")
    repo.commit({"README.md": "docs only\n"}, message="docs")
    tags = repo.commit({"db.tf": db("mysql", "b")}, message="retag")
    return repo, engine, tags


@pytest.mark.slow
def test_replay_writes_commit_lines_and_the_replacement(history, tmp_path):
    repo, engine, tags = history
    out = tmp_path / "findings.jsonl"
    proc = _run(str(repo.path), "--first-parent", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]

    commits = [line for line in lines if line["kind"] == "commit"]
    # newest first; the docs-only commit and the root commit are not replayed
    assert [c["commit"] for c in commits] == [tags, engine]
    assert all(not c["crashed"] and c["exit_code"] == 0 for c in commits)
    assert commits[0]["counts"]["error"] == 0 and commits[0]["findings"] == 0
    assert commits[1]["counts"]["error"] >= 1
    assert commits[1]["subject"] == "switch the engine"

    findings = [line for line in lines if line["kind"] == "finding"]
    assert findings and all(f["commit"] == engine for f in findings)
    iac101 = [f for f in findings if f["rule"] == "IAC101"]
    assert iac101, findings
    f = iac101[0]
    assert f["severity"] == "error" and f["path"] == "db.tf" and "aws_db_instance.main" in (f["resource"] or "")
    assert f["parent"] == repo.git("rev-parse", f"{engine}^")
    assert "commits replayed: 2" in proc.stdout and "IAC101" in proc.stdout

    # --max-commits keeps the newest
    out1 = tmp_path / "one.jsonl"
    assert _run(str(repo.path / ".git"), "--max-commits", "1", "--out", str(out1), cwd=tmp_path).returncode == 0
    assert [json.loads(line)["commit"] for line in out1.read_text().splitlines()] == [tags]


@pytest.mark.slow
def test_replay_records_a_crash_and_goes_on(history, tmp_path):
    repo, engine, tags = history
    fake = tmp_path / "crashing.py"
    fake.write_text("import sys\nsys.stderr.write('iaclint: internal error: KeyError: boom\\n')\nsys.exit(2)\n")
    out = tmp_path / "findings.jsonl"
    proc = _run(str(repo.path), "--out", str(out), "--iaclint", f"{sys.executable} {fake}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    commits = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(commits) == 2 and all(c["crashed"] for c in commits)
    assert commits[0]["crash_line"] == "iaclint: internal error: KeyError: boom"
    assert "crashes: 2" in proc.stdout


def _finding(i: int, severity: str = "error") -> dict:
    return {"kind": "finding", "repo": "o/r", "git_dir": "/x", "commit": f"{i:040x}", "parent": f"{i + 1:040x}",
            "subject": f"change {i}", "rule": "IAC101", "name": "force-new-attribute-changed",
            "severity": severity, "path": f"m{i}/main.tf", "line": i, "resource": f"aws_db_instance.r{i}",
            "message": "replaced", "help": ""}


def test_sample_is_deterministic_and_scores(tmp_path):
    findings = [_finding(i, "error" if i % 3 else "note") for i in range(60)]
    data = tmp_path / "f.jsonl"
    data.write_text("".join(json.dumps(f) + "\n" for f in findings))
    shuffled = tmp_path / "g.jsonl"
    shuffled.write_text("".join(json.dumps(f) + "\n" for f in reversed(findings)))

    sheets = []
    for src, name in ((data, "a.md"), (data, "b.md"), (shuffled, "c.md")):
        proc = _run("sample", str(src), "--seed", "7", "--n", "10", "--severity", "error,warning",
                    "--out", str(tmp_path / name), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        sheets.append((tmp_path / name).read_text())
    assert sheets[0] == sheets[1]
    assert sheets[0].split("\n", 4)[-1] == sheets[2].split("\n", 4)[-1]  # only the file name differs
    assert sheets[0].count("\nverdict:") == 10 and "(note)" not in sheets[0]
    other = _run("sample", str(data), "--seed", "8", "--n", "10", "--out", str(tmp_path / "d.md"), cwd=tmp_path)
    assert other.returncode == 0 and (tmp_path / "d.md").read_text() != sheets[0]

    judged = sheets[0]
    for i, verdict in enumerate(["correct"] * 6 + ["debatable"] + ["false"] * 3):
        extra = "\nclass: unresolved-value" if verdict == "false" else ""
        judged = judged.replace("\nverdict:\nreason:\nclass:", f"\nverdict: {verdict}\nreason: r{i}{extra or chr(10) + 'class:'}", 1)
    (tmp_path / "judged.md").write_text(judged)
    proc = _run("score", str(tmp_path / "judged.md"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "precision (correct / judged): 6/10 = 60.0%" in proc.stdout
    assert "unresolved-value" in proc.stdout
