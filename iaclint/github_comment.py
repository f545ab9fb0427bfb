"""One pull-request comment that stays current: what the GitHub Action runs after iaclint.

    python -m iaclint.github_comment --body-file iaclint-comment.md [--clean]

Posts the Markdown report as a comment on the pull request, edits that same comment on every
later push (it is found by a hidden marker, `<!-- iaclint -->`), and deletes it once the change
is clean (`--clean`). The pull request is the one in the event payload (GITHUB_EVENT_PATH); the
API root, repository and token come from GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN.

Commenting is a courtesy, never a verdict: the job's result is iaclint's exit code. So every
failure here (a token without `pull-requests: write`, as on pull requests from forks; no
network; an API error) is a warning in the log and exit status 0.

Standard library only (urllib), and nothing else of iaclint: a plain `iaclint diff` never
imports it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

MARKER = "<!-- iaclint -->"
PER_PAGE = 100
MAX_PAGES = 50  # 5,000 comments: a pull request with more is not worth reading through
TIMEOUT = 30  # seconds per request
API_VERSION = "2022-11-28"
COMMENT_LIMIT = 65_536  # GitHub refuses a longer comment body
DEFAULT_API = "https://api.github.com"


class ApiError(Exception):
    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Target:
    api: str  # https://api.github.com, or a GitHub Enterprise Server's /api/v3
    repository: str  # owner/name
    number: int  # the pull request (an issue number to the comments API)
    token: str


class Client:
    """The four REST calls this needs, on the issue-comments API."""

    def __init__(self, target: Target) -> None:
        self.t = target

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        url = self.t.api.rstrip("/") + path
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.t.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "iaclint",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise ApiError(exc.code, f"{method} {path}: HTTP {exc.code} {_api_message(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApiError(None, f"{method} {path}: {reason}") from None
        return json.loads(raw) if raw.strip() else None

    def comments(self) -> list[dict]:
        out: list[dict] = []
        for page in range(1, MAX_PAGES + 1):
            batch = self._call("GET", f"/repos/{self.t.repository}/issues/{self.t.number}/comments"
                                      f"?per_page={PER_PAGE}&page={page}")
            if not isinstance(batch, list):
                raise ApiError(None, "listing comments: the API did not answer with a list")
            out += batch
            if len(batch) < PER_PAGE:
                break
        return out

    def create(self, body: str) -> dict:
        return self._call("POST", f"/repos/{self.t.repository}/issues/{self.t.number}/comments", {"body": body})

    def update(self, comment_id: int, body: str) -> dict:
        return self._call("PATCH", f"/repos/{self.t.repository}/issues/comments/{comment_id}", {"body": body})

    def delete(self, comment_id: int) -> None:
        self._call("DELETE", f"/repos/{self.t.repository}/issues/comments/{comment_id}")


def _api_message(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read() or b"{}").get("message", exc.reason))
    except (ValueError, AttributeError, OSError):
        return str(exc.reason)


def pull_request_number(event_path: str | None) -> int | None:
    """The pull request of a `pull_request`/`pull_request_target` event (or an issue comment on one)."""
    if not event_path:
        return None
    try:
        with open(event_path, encoding="utf-8") as fh:
            event = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    pr = event.get("pull_request")
    if isinstance(pr, dict) and isinstance(pr.get("number"), int):
        return pr["number"]
    issue = event.get("issue")
    if isinstance(issue, dict) and isinstance(issue.get("pull_request"), dict) and isinstance(issue.get("number"), int):
        return issue["number"]
    return None


def sync(client: Client, report: str | None, marker: str = MARKER) -> str:
    """Make the pull request carry exactly one iaclint comment with `report`, or none when
    `report` is None (the change is clean). Returns what was done, for the log."""
    ours = [c for c in client.comments() if marker in str(c.get("body") or "")]
    keep, extra = (ours[0], ours[1:]) if ours else (None, [])
    for c in extra:  # left by an earlier version or a race between two runs
        client.delete(c["id"])
    if report is None:
        if keep is None:
            return "clean: no iaclint comment to remove"
        client.delete(keep["id"])
        return f"clean: removed the iaclint comment ({keep.get('html_url', keep['id'])})"
    body = f"{marker}\n{report}"
    if len(body) > COMMENT_LIMIT:  # the report was sized for the limit before the marker was added
        note = "\n\n_Cut to fit GitHub's comment limit; the job summary has the whole report._"
        body = body[: COMMENT_LIMIT - len(note)].rsplit("\n", 1)[0] + note
    if keep is None:
        made = client.create(body) or {}
        return f"posted the iaclint comment ({made.get('html_url', made.get('id', 'new'))})"
    if keep.get("body") == body:
        return f"the iaclint comment is already current ({keep.get('html_url', keep['id'])})"
    client.update(keep["id"], body)
    return f"updated the iaclint comment ({keep.get('html_url', keep['id'])})"


def run(argv: list[str] | None = None, env: dict[str, str] | None = None,
        log: Callable[[str], None] | None = None) -> int:
    env = dict(os.environ) if env is None else env
    say = log or (lambda line: print(line, flush=True))
    parser = argparse.ArgumentParser(prog="python -m iaclint.github_comment", description=__doc__.split("\n\n")[0])
    parser.add_argument("--body-file", help="the Markdown report (iaclint diff --format markdown -o FILE)")
    parser.add_argument("--clean", action="store_true", help="the change is clean: remove the comment")
    parser.add_argument("--marker", default=MARKER, help=f"the hidden marker that finds the comment (default {MARKER})")
    args = parser.parse_args(argv)

    number = pull_request_number(env.get("GITHUB_EVENT_PATH"))
    if number is None:
        say("iaclint: not a pull request event: no comment to post")
        return 0
    token, repository = env.get("GITHUB_TOKEN", ""), env.get("GITHUB_REPOSITORY", "")
    if not token or "/" not in repository:
        say("::warning title=iaclint::cannot comment on the pull request: "
            + ("no token (set the action's `github-token` input)" if not token else "GITHUB_REPOSITORY is not set"))
        return 0
    report = None
    if not args.clean:
        if not args.body_file:
            parser.error("--body-file is required unless --clean")
        try:
            with open(args.body_file, encoding="utf-8") as fh:
                report = fh.read().rstrip("\n")
        except OSError as exc:
            say(f"::warning title=iaclint::cannot comment on the pull request: cannot read {args.body_file}: {exc.strerror}")
            return 0
    client = Client(Target(env.get("GITHUB_API_URL") or DEFAULT_API, repository, number, token))
    try:
        say(f"iaclint: pull request #{number}: {sync(client, report, args.marker)}")
    except ApiError as exc:
        hint = (" (the token cannot comment: give the job `permissions: pull-requests: write`; pull requests from "
                "forks get a read-only token)" if exc.status in (401, 403, 404) else "")
        say(f"::warning title=iaclint::could not update the pull-request comment: {exc}{hint}. "
            "The check's result is unaffected.")
    return 0


if __name__ == "__main__":
    sys.exit(run())
