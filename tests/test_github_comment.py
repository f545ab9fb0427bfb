"""The pull-request comment (iaclint/github_comment.py) against a local stand-in of the REST API.

One comment, found by its hidden marker: created, then edited, then deleted when the change is
clean; a token that cannot comment, a server that is down or an event that is not a pull
request never fails (exit 0, a warning in the log). tests/github_api_standin.py records the calls.
"""

from __future__ import annotations

import json

import pytest

from github_api_standin import StandIn

from iaclint import github_comment
from iaclint.github_comment import MARKER, PER_PAGE, pull_request_number, run


@pytest.fixture
def api():
    with StandIn() as s:
        yield s


@pytest.fixture
def event(tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 7}}), encoding="utf-8")
    return path


def _env(api, event, **over) -> dict:
    env = {"GITHUB_API_URL": api.url, "GITHUB_TOKEN": "t0ken", "GITHUB_REPOSITORY": "acme/infra",
           "GITHUB_EVENT_PATH": str(event)}
    env.update(over)
    return env


def _post(api, event, tmp_path, report: str | None, **env) -> tuple[int, list[str]]:
    log: list[str] = []
    if report is None:
        argv = ["--clean"]
    else:
        body = tmp_path / "comment.md"
        body.write_text(report + "\n", encoding="utf-8")
        argv = ["--body-file", str(body)]
    code = run(argv, _env(api, event, **env), log.append)
    return code, log


def test_create_then_update_then_delete(api, event, tmp_path):
    api.add("LGTM")  # someone else's comment is never touched
    code, log = _post(api, event, tmp_path, "**iaclint: this change will destroy or replace 1 resource**")
    assert code == 0 and "posted" in log[-1]
    assert api.methods() == ["GET", "POST"]
    post = api.calls[-1]
    assert post["path"] == "/repos/acme/infra/issues/7/comments"
    assert post["body"]["body"].startswith(MARKER + "\n**iaclint: this change")
    assert post["auth"] == "Bearer t0ken" and post["api_version"] == github_comment.API_VERSION

    api.calls.clear()
    code, log = _post(api, event, tmp_path, "**iaclint: no destructive changes found** (second push)")
    assert code == 0 and "updated" in log[-1]
    assert api.methods() == ["GET", "PATCH"]
    assert api.calls[-1]["path"] == f"/repos/acme/infra/issues/comments/{api.comments[1]['id']}"
    assert [c["body"] for c in api.comments] == ["LGTM", MARKER + "\n**iaclint: no destructive changes found** (second push)"]

    api.calls.clear()
    code, log = _post(api, event, tmp_path, "**iaclint: no destructive changes found** (second push)")
    assert api.methods() == ["GET"] and "already current" in log[-1]  # no edit, no notification

    api.calls.clear()
    code, log = _post(api, event, tmp_path, None)
    assert code == 0 and "removed" in log[-1]
    assert api.methods() == ["GET", "DELETE"]
    assert [c["body"] for c in api.comments] == ["LGTM"]

    api.calls.clear()
    code, log = _post(api, event, tmp_path, None)
    assert code == 0 and api.methods() == ["GET"] and "no iaclint comment" in log[-1]


def test_the_comment_is_found_past_the_first_page(api, event, tmp_path):
    for i in range(PER_PAGE + 5):
        api.add(f"chatter {i}")
    ours = api.add(MARKER + "\nold report")
    code, _ = _post(api, event, tmp_path, "new report")
    assert code == 0
    assert [c["query"]["page"] for c in api.calls if c["method"] == "GET"] == [["1"], ["2"]]
    assert api.methods()[-1] == "PATCH" and ours["body"] == MARKER + "\nnew report"
    assert len(api.comments) == PER_PAGE + 6


def test_duplicates_are_folded_into_one(api, event, tmp_path):
    first, second = api.add(MARKER + "\nA"), api.add(MARKER + "\nB")
    _post(api, event, tmp_path, "C")
    assert [c["body"] for c in api.comments] == [MARKER + "\nC"] and api.comments[0]["id"] == first["id"]
    assert second not in api.comments


@pytest.mark.parametrize("method, status", [("POST", 403), ("GET", 403), ("GET", 401), ("GET", 404), ("PATCH", 403)])
def test_a_token_that_cannot_comment_is_a_warning_not_a_failure(api, event, tmp_path, method, status):
    if method == "PATCH":
        api.add(MARKER + "\nold")
    api.fail[method] = status
    code, log = _post(api, event, tmp_path, "report")
    assert code == 0
    assert log[-1].startswith("::warning title=iaclint::could not update the pull-request comment")
    assert f"HTTP {status}" in log[-1] and "pull-requests: write" in log[-1]
    assert "Resource not accessible by integration" in log[-1] or status == 404


def test_a_server_error_or_no_server_is_a_warning(api, event, tmp_path):
    api.fail["GET"] = 502
    code, log = _post(api, event, tmp_path, "report")
    assert code == 0 and "HTTP 502" in log[-1] and "pull-requests: write" not in log[-1]
    api.__exit__()  # nothing listens there any more
    code, log = run(["--clean"], _env(api, event), (msgs := []).append), msgs
    assert code == 0 and msgs[-1].startswith("::warning title=iaclint::could not update")


def test_outside_a_pull_request_nothing_is_called(api, tmp_path):
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"before": "0" * 40, "after": "1" * 40}), encoding="utf-8")
    for path in (push, tmp_path / "missing.json", None):
        log: list[str] = []
        env = _env(api, push)
        env["GITHUB_EVENT_PATH"] = str(path) if path else ""
        assert run(["--clean"], env, log.append) == 0
        assert "not a pull request" in log[-1]
    assert api.calls == []


def test_without_a_token_nothing_is_called(api, event, tmp_path):
    code, log = _post(api, event, tmp_path, "report", GITHUB_TOKEN="")
    assert code == 0 and api.calls == [] and "no token" in log[-1] and log[-1].startswith("::warning")


def test_an_unreadable_report_is_a_warning(api, event, tmp_path):
    log: list[str] = []
    assert run(["--body-file", str(tmp_path / "nope.md")], _env(api, event), log.append) == 0
    assert "cannot read" in log[-1] and api.calls == []


def test_pull_request_number_from_events(tmp_path):
    def of(doc):
        p = tmp_path / "e.json"
        p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
        return pull_request_number(str(p))

    assert of({"pull_request": {"number": 12}}) == 12
    assert of({"issue": {"number": 5, "pull_request": {"url": "x"}}}) == 5  # a comment on a pull request
    assert of({"issue": {"number": 5}}) is None  # on a plain issue
    assert of({"pull_request": {"number": "12"}}) is None
    assert of("not json") is None and of([1]) is None


def test_the_module_is_standard_library_only_and_imports_nothing_of_iaclint():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(github_comment.__file__).read_text(encoding="utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names <= {"__future__", "argparse", "json", "os", "sys", "urllib", "dataclasses", "typing"}, names


def test_a_report_at_the_limit_still_fits_with_the_marker(api, event, tmp_path):
    report = "\n".join("| row |" + "x" * 90 for _ in range(github_comment.COMMENT_LIMIT // 97 + 10))
    code, _ = _post(api, event, tmp_path, report)
    body = api.comments[0]["body"]
    assert code == 0 and body.startswith(MARKER) and len(body) <= github_comment.COMMENT_LIMIT
    assert body.endswith("the job summary has the whole report._")
