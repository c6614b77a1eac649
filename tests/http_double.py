"""A local HTTP server that replays recorded answers and records what it was asked.

Tests point a client (langchain-tavily's, the OpenAI SDK's audio calls, the web chat) at
`double.url` instead of a real service: nothing leaves the machine. A route is a function of the
request returning `Reply`; `delay_s` makes the server slow (a client with a deadline must give up).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay_s: float = 0.0

    @classmethod
    def of_json(cls, payload: Any, status: int = 200, delay_s: float = 0.0) -> Reply:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), delay_s=delay_s)


Route = Callable[[Request], Reply]


@dataclass
class HttpDouble:
    routes: dict[tuple[str, str], Route]
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def recorded(name: str) -> Any:
    """A recorded response body from tests/fixtures/."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@contextmanager
def http_double(routes: dict[tuple[str, str], Route]) -> Iterator[HttpDouble]:
    double = HttpDouble(routes)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            request = Request(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body)
            double.requests.append(request)
            route = double.routes.get((self.command, path))
            reply = route(request) if route else Reply.of_json({"detail": f"no route {path}"}, 404)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            try:
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its deadline): what the slow routes are for

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    double.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()
