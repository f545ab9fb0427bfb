"""The composite GitHub Action (action.yml).

Static checks: every declared input is used, every input used is declared, step outputs
that are read are written, and no `${{ }}` is pasted into a shell script. Untrusted text
such as branch names reaches the scripts only through `env:`.

End to end (slow): the action's shell steps run in order, as the runner would run them
(`bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP),
on a clone of a repository with a pull-request branch. This checks the real install, the
choice of base, the annotations, the job summary, the SARIF file and the exit code. The
`uses:` step (upload-sarif) cannot run here, so only its condition is evaluated.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, REPO_ROOT, committed_copy_of_checkout, init_repo

ACTION_FILE = REPO_ROOT / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text())
STEPS = ACTION["runs"]["steps"]
INPUT_REF = re.compile(r"\binputs\.([A-Za-z0-9_-]+)")
STEP_REF = re.compile(r"\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _text(node) -> str:
    return yaml.safe_dump(node, sort_keys=True)


# ------------------------------------------------------------------ static


def test_is_a_composite_action():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    for step in STEPS:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")


def test_declared_inputs():
    assert set(ACTION["inputs"]) == {"base", "paths", "fail-on", "sarif", "cache", "version", "comment", "github-token"}
    assert ACTION["inputs"]["comment"]["default"] == "true"
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["fail-on"]["default"] == "warning"
    assert ACTION["inputs"]["sarif"]["default"] == "false"
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert spec.get("required") is False, name


def test_every_declared_input_is_used_in_a_step():
    used = set(INPUT_REF.findall(_text(STEPS)))
    unused = set(ACTION["inputs"]) - used
    assert not unused, f"declared but never used: {unused}"


def test_every_input_used_is_declared():
    used = set(INPUT_REF.findall(ACTION_FILE.read_text().split("\nruns:", 1)[1]))
    used |= set(INPUT_REF.findall(_text(ACTION.get("outputs", {}))))
    undeclared = used - set(ACTION["inputs"])
    assert not undeclared, f"used but not declared: {undeclared}"


def test_no_expressions_inside_shell_scripts():
    """`${{ github.head_ref }}` pasted into a script lets a branch name run commands."""
    for step in STEPS:
        if "run" in step:
            assert not EXPR.search(step["run"]), step["name"]


def _written_outputs(step) -> set[str]:
    return set(re.findall(r'echo "([A-Za-z0-9_-]+)=', step.get("run", "")))


def test_step_outputs_that_are_read_are_written_earlier():
    written: dict[str, set[str]] = {}
    for step in STEPS:
        for step_id, name in STEP_REF.findall(_text({k: v for k, v in step.items() if k != "run"})):
            assert step_id in written, f"{step['name']} reads steps.{step_id} before it runs"
            assert name in written[step_id], f"steps.{step_id}.outputs.{name} is never written"
        if "id" in step:
            written[step["id"]] = _written_outputs(step)
    for name, spec in ACTION["outputs"].items():
        for step_id, out in STEP_REF.findall(spec["value"]):
            assert out in written.get(step_id, set()), name


def test_runs_github_format_and_sarif_and_uploads_it():
    run = next(s for s in STEPS if s.get("id") == "run")["run"]
    assert "--format github" in run
    assert "--format sarif -o iaclint.sarif" in run
    assert "GITHUB_BASE_REF" in run
    upload = next(s for s in STEPS if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@v3")
    assert "always()" in upload["if"]
    last = STEPS[-1]
    assert "always()" in last["if"] and 'exit "$EXIT_CODE"' in last["run"]


def test_keeps_the_parse_cache_between_runs_unless_told_not_to():
    restore = next(s for s in STEPS if s.get("uses", "").startswith("actions/cache@"))
    assert restore["with"]["path"] == "${{ runner.temp }}/iaclint-cache"
    assert "inputs.cache" in restore["if"]
    run = next(s for s in STEPS if s.get("id") == "run")["run"]
    assert 'IACLINT_CACHE_DIR="${RUNNER_TEMP:-/tmp}/iaclint-cache"' in run and "IACLINT_NO_CACHE=1" in run


def test_integration_docs_have_the_snippets():
    doc = (REPO_ROOT / "docs" / "integrations.md").read_text()
    assert "fetch-depth: 0" in doc
    assert "--format gitlab -o gl-code-quality-report.json" in doc
    assert "codequality: gl-code-quality-report.json" in doc
    assert "id: iaclint" in doc
    for name in ACTION["inputs"]:
        assert f"`{name}`" in doc, name
    # every YAML block in the document parses
    for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
        yaml.safe_load(block)


# ------------------------------------------------------------------ end to end


_INSTALLED: dict[str, dict[str, str]] = {}  # `version` input -> the install step's outputs


class Runner:
    """Runs the action's `run:` steps the way a GitHub runner does, in one workspace."""

    def __init__(self, workspace: Path, action_path: Path, temp: Path, env: dict[str, str], token: str = "") -> None:
        self.workspace, self.action_path, self.temp = workspace, action_path, temp
        self.env = env
        self.token = token  # `github.token`: the runner gives it to expressions, not to the environment
        self.summary = temp / "step_summary.md"
        self.summary.touch()

    def _lookup(self, ref: str, inputs: dict, outputs: dict, event: dict) -> str:
        head, _, rest = ref.partition(".")
        if head == "inputs":
            return inputs.get(rest, "")
        if head == "steps":
            step_id, _, out = rest.partition(".outputs.")
            return outputs.get(step_id, {}).get(out, "")
        if rest == "action_path":
            return str(self.action_path)
        if rest == "token":
            return self.token
        if rest.startswith("event."):
            return event.get(rest[len("event."):], "")
        raise AssertionError(f"unexpected reference {ref}")

    def _expand(self, text: str, *ctx) -> str:
        return EXPR.sub(lambda m: self._value(m.group(1), *ctx), str(text))

    def _value(self, expr: str, *ctx) -> str:
        ref = re.fullmatch(r"(inputs|steps|github)\.[A-Za-z0-9_.-]+", expr)
        assert ref, f"the test's evaluator does not know {expr!r}"
        return self._lookup(expr, *ctx)

    def _condition(self, expr: str, *ctx) -> bool:
        py = re.sub(r"\b(?:inputs|steps|github)\.[A-Za-z0-9_.-]+", lambda m: repr(self._lookup(m.group(0), *ctx)), expr)
        py = py.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
        return bool(eval(py, {"__builtins__": {}}))  # only comparisons of literals are left

    def run(self, inputs: dict[str, str], event: dict[str, str] | None = None) -> dict:
        event = event or {}
        outputs: dict[str, dict[str, str]] = {}
        # a default may itself be an expression (`${{ github.token }}`)
        values = {k: self._expand(str(v.get("default", "")), {}, outputs, event) for k, v in ACTION["inputs"].items()}
        values.update(inputs)
        log, failed_at, skipped = [], None, []
        for i, step in enumerate(STEPS):
            cond = step.get("if")
            if failed_at is not None and not (cond and "always()" in cond):
                skipped.append(step["name"])
                continue
            if cond and not self._condition(cond, values, outputs, event):
                skipped.append(step["name"])
                continue
            if "uses" in step:
                log.append(f"[would run {step['uses']} with {step.get('with')}]")
                continue
            if step.get("id") == "install" and values["version"] in _INSTALLED:
                outputs["install"] = _INSTALLED[values["version"]]  # one real install per module is enough
                continue
            out_file = self.temp / f"output-{i}"
            out_file.write_text("")
            env = dict(self.env)
            env.update({k: self._expand(v, values, outputs, event) for k, v in (step.get("env") or {}).items()})
            env.update({"GITHUB_OUTPUT": str(out_file), "GITHUB_STEP_SUMMARY": str(self.summary),
                        "RUNNER_TEMP": str(self.temp), "GITHUB_ACTION_PATH": str(self.action_path)})
            script = self.temp / f"step-{i}.sh"
            script.write_text(step["run"])
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600)
            log.append(proc.stdout + proc.stderr)
            if "id" in step:
                outputs[step["id"]] = dict(
                    line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
                )
            if proc.returncode != 0:
                failed_at = step["name"]
                last_code = proc.returncode
            elif step.get("id") == "install":
                _INSTALLED[values["version"]] = outputs["install"]
        return {
            "log": "\n".join(log), "outputs": outputs, "failed_at": failed_at, "skipped": skipped,
            "exit": last_code if failed_at else 0, "summary": self.summary.read_text(),
        }


@pytest.fixture(scope="module")
def action_copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("action")
    committed_copy_of_checkout(dest)
    return dest


@pytest.fixture
def pull_request(tmp_path):
    """An upstream repository and a CI clone of a pull-request branch, like actions/checkout
    with fetch-depth: 0 checks out `refs/pull/N/merge`. Return a function that sets the
    branch's Terraform and gives the clone."""
    upstream = init_repo(tmp_path / "upstream")
    upstream.commit({"infra/db.tf": DB_PROTECTED, "README.md": "x\n"}, "main")

    def make(db_after: str, clone_args: tuple[str, ...] = ()) -> Path:
        upstream.git("checkout", "-q", "-b", "feature")
        upstream.commit({"infra/db.tf": db_after}, "feature")
        upstream.git("checkout", "-q", "main")
        upstream.commit({"README.md": "main moved on\n"}, "main moves on")
        ws = tmp_path / "workspace"
        subprocess.run(["git", "clone", "-q", *clone_args, "--branch", "feature", str(upstream.path), str(ws)],
                       check=True, capture_output=True)
        return ws

    return make


def _runner(ws: Path, action_copy: Path, tmp_path: Path, token: str = "", **env) -> Runner:
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "PYTHON"))}
    base_env.update({"GITHUB_ACTIONS": "true", "CI": "true", **env})
    return Runner(ws, action_copy, temp, base_env, token)


@pytest.mark.slow
def test_action_fails_a_pull_request_that_disables_protection(pull_request, action_copy, tmp_path):
    ws = pull_request(DB_UNPROTECTED)
    result = _runner(ws, action_copy, tmp_path, GITHUB_BASE_REF="main").run({"sarif": "true"})
    log = result["log"]
    assert result["failed_at"] == "Result", log
    assert result["exit"] == 1
    assert result["outputs"]["run"]["exit-code"] == "1"
    assert "::error file=infra/db.tf" in log and "IAC201" in log
    assert "IAC201" in result["summary"]  # the job summary
    assert "README" not in log  # main's own later commit is not this change
    sarif = json.loads((ws / "iaclint.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["IAC201"]
    assert "[would run github/codeql-action/upload-sarif@v3" in log


@pytest.mark.slow
def test_action_passes_a_benign_pull_request(pull_request, action_copy, tmp_path):
    ws = pull_request(DB_RETAGGED)
    result = _runner(ws, action_copy, tmp_path, GITHUB_BASE_REF="main").run({})
    assert result["failed_at"] is None, result["log"]
    assert result["outputs"]["run"]["exit-code"] == "0"
    assert not (ws / "iaclint.sarif").exists()
    assert "Upload SARIF" in result["skipped"]


@pytest.mark.slow
def test_action_inputs_and_fallbacks(pull_request, action_copy, tmp_path):
    # a single-branch clone lacks origin/main: the step fetches it
    ws = pull_request(DB_UNPROTECTED, ("--single-branch",))
    runner = _runner(ws, action_copy, tmp_path, GITHUB_BASE_REF="main")
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "origin/main"], cwd=ws).returncode != 0
    never = runner.run({"fail-on": "never"})
    assert never["exit"] == 0 and never["outputs"]["run"]["exit-code"] == "0"
    assert "IAC201" in never["log"]  # reported, just not failing
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "origin/main"], cwd=ws, capture_output=True).returncode == 0
    # `version` as a path installs that
    assert runner.run({"version": str(action_copy)})["exit"] == 1
    # paths limit the check; a path outside the change finds nothing
    assert runner.run({"paths": "README.md"})["exit"] == 0
    assert runner.run({"paths": "infra docs-that-do-not-exist"})["exit"] == 2
    # an explicit base wins over GITHUB_BASE_REF
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=ws, capture_output=True, text=True).stdout.strip()
    assert runner.run({"base": first})["exit"] == 1
    # a push: no GITHUB_BASE_REF, the previous tip from the event
    push = _runner(ws, action_copy, tmp_path)
    assert push.run({}, event={"before": first})["exit"] == 1
    nothing = push.run({}, event={"before": "0" * 40})
    assert nothing["exit"] == 2 and "set the 'base' input" in nothing["log"]


def test_comments_only_on_pull_requests_and_never_fails_for_it():
    run = next(s for s in STEPS if s.get("id") == "run")["run"]
    assert "pull_request|pull_request_target" in run and "--fail-on note --format markdown" in run
    step = next(s for s in STEPS if s["name"] == "Comment on the pull request")
    assert "always()" in step["if"] and "inputs.comment == 'true'" in step["if"]
    assert step["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"
    assert "-m iaclint.github_comment" in step["run"] and "|| echo" in step["run"]
    assert STEPS.index(step) < len(STEPS) - 1  # before the step that fails the job


@pytest.mark.slow
def test_action_keeps_one_pull_request_comment_current(pull_request, action_copy, tmp_path):
    from github_api_standin import StandIn

    ws = pull_request(DB_UNPROTECTED)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    with StandIn() as api:
        env = {"GITHUB_BASE_REF": "main", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": "acme/infra"}
        runner = _runner(ws, action_copy, tmp_path, token="t0ken", **env)
        first = runner.run({})
        assert first["failed_at"] == "Result" and first["exit"] == 1, first["log"]  # the verdict still fails the job
        assert api.methods() == ["GET", "POST"] and api.calls[-1]["auth"] == "Bearer t0ken"
        assert len(api.comments) == 1 and "IAC201" in api.comments[0]["body"]
        assert api.comments[0]["body"].startswith("<!-- iaclint -->\n**iaclint:")
        assert "posted the iaclint comment" in first["log"]

        # the token cannot comment: a warning, and the job's result is iaclint's alone
        api.fail["PATCH"] = 403
        api.comments[0]["body"] += " (stale)"
        refused = runner.run({})
        assert refused["failed_at"] == "Result" and refused["exit"] == 1
        assert "could not update the pull-request comment" in refused["log"] and "HTTP 403" in refused["log"]
        api.fail.clear()

        # the change made clean: the comment goes
        (ws / "infra" / "db.tf").write_text(DB_PROTECTED, encoding="utf-8")
        subprocess.run(["git", "commit", "-qam", "fix"], cwd=ws, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t"})
        clean = runner.run({})
        assert clean["failed_at"] is None, clean["log"]
        assert api.comments == [] and api.methods()[-1] == "DELETE"

        # comment: 'false' leaves the pull request alone
        api.calls.clear()
        assert runner.run({"comment": "false"})["failed_at"] is None and api.calls == []
