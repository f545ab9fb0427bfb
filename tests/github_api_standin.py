"""A local stand-in for the GitHub REST endpoints the pull-request comment uses.

An `http.server` in a thread on 127.0.0.1 that keeps issue comments in memory, records every
call (method, path, body, Authorization header) and can be told to refuse some calls with a
status (`fail={"POST": 403}`), as GitHub does for a read-only token. No network leaves the host.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class StandIn:
    def __init__(self, repository: str = "acme/infra", number: int = 7) -> None:
        self.repository, self.number = repository, number
        self.comments: list[dict] = []  # {"id", "body", "html_url"}
        self.calls: list[dict] = []
        self.fail: dict[str, int] = {}  # method -> HTTP status to answer with
        self._next_id = 1000
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, body: str) -> dict:
        with self._lock:
            self._next_id += 1
            c = {"id": self._next_id, "body": body, "html_url": f"https://github.invalid/c/{self._next_id}"}
            self.comments.append(c)
            return c

    def methods(self) -> list[str]:
        return [c["method"] for c in self.calls]

    def __enter__(self) -> "StandIn":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def _handler(self):
        standin = self
        list_path = f"/repos/{standin.repository}/issues/{standin.number}/comments"
        one_prefix = f"/repos/{standin.repository}/issues/comments/"

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(n)) if n else None

            def _send(self, status: int, doc=None) -> None:
                data = json.dumps(doc).encode() if doc is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                url = urlsplit(self.path)
                body = self._body()
                standin.calls.append({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                                      "body": body, "auth": self.headers.get("Authorization"),
                                      "api_version": self.headers.get("X-GitHub-Api-Version")})
                if self.command in standin.fail:
                    return self._send(standin.fail[self.command], {"message": "Resource not accessible by integration"})
                if url.path == list_path and self.command == "GET":
                    q = parse_qs(url.query)
                    per, page = int(q.get("per_page", ["30"])[0]), int(q.get("page", ["1"])[0])
                    return self._send(200, standin.comments[(page - 1) * per: page * per])
                if url.path == list_path and self.command == "POST":
                    return self._send(201, standin.add(body["body"]))
                if url.path.startswith(one_prefix):
                    cid = int(url.path[len(one_prefix):])
                    found = next((c for c in standin.comments if c["id"] == cid), None)
                    if found is None:
                        return self._send(404, {"message": "Not Found"})
                    if self.command == "PATCH":
                        found["body"] = body["body"]
                        return self._send(200, found)
                    if self.command == "DELETE":
                        standin.comments.remove(found)
                        return self._send(204)
                return self._send(404, {"message": "Not Found"})

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

        return Handler
