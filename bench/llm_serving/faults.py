"""A fault-injecting proxy in front of an OpenAI-compatible server (or a scripted responder).

    with FaultProxy(upstream="http://127.0.0.1:8088/v1") as proxy:
        proxy.mode = "hang"
        ... point OPENAI_BASE_URL at proxy.url ...
        assert proxy.requests[-1].client_left

Modes (`proxy.mode`, changeable at any time):
- `pass`: forward the request;
- `garbage`: 200 with a body that is not JSON;
- `garbage_content`: 200, a well-formed completion whose content is noise;
- `wrong_schema`: 200, a well-formed completion whose content is JSON of another shape;
- `error500`: 500 with an error body;
- `reject_schema`: 400 for a request with a `json_schema` response format, else forward (a server
  that does not know structured output);
- `slow`: wait `delay_s`, then forward;
- `hang`: never answer; wait for the client to hang up;
- `drip`: send the headers at once, then the body one byte every `delay_s` seconds;
- `drop`: close the connection without a word.
(A server that is down is a URL where nothing listens: `dead_url()`.)

Every request is recorded (`ProxyRequest`): its body, the mode it met, and whether the client hung
up before it was answered (a cancelled request). A forwarded request whose client hangs up is
cancelled upstream too (its connection is closed). Loopback only; every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.llm_serving.llama_server import client_gone

MAX_WAIT_S = 600.0  # no wait of this proxy is longer
POLL_S = 0.02


@dataclass
class ProxyRequest:
    path: str
    body: dict[str, Any]
    mode: str
    status: int | None = None  # what the proxy answered (None: nothing)
    client_left: bool = False  # the client hung up before the answer
    bytes_sent: int = 0  # of the body (`drip` counts them one by one)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None


def dead_url() -> str:
    """The URL of a loopback port where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def answer_text(proxy: FaultProxy, record: ProxyRequest) -> str:
    """What a dripping answer says: the scripted reply, or a plain sentence."""
    return proxy.respond(record.body) if proxy.respond is not None else "Hello!"


def completion(content: str, model: str = "proxy") -> dict[str, Any]:
    return {
        "id": "chatcmpl-proxy",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class FaultProxy:
    """See the module docstring. `respond(body) -> content` answers in place of an upstream."""

    def __init__(
        self, upstream: str | None = None, respond: Callable[[dict[str, Any]], str] | None = None
    ) -> None:
        if (upstream is None) == (respond is None):
            raise ValueError("give an upstream URL or a respond function")
        self.upstream = upstream.rstrip("/") if upstream else None
        self.respond = respond
        self.mode = "pass"
        self.delay_s = 0.0
        self.requests: list[ProxyRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def settle(self, timeout_s: float = 30.0) -> None:
        """Wait until every recorded request has been answered or abandoned."""
        deadline = time.monotonic() + timeout_s
        for request in list(self.requests):
            request.done.wait(max(0.0, deadline - time.monotonic()))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {}
                record = ProxyRequest(self.path, body, proxy.mode)
                proxy.requests.append(record)
                try:
                    proxy._serve(self, record, raw)
                finally:
                    record.done.set()

        return Handler

    # -- answering --------------------------------------------------------------------------
    def _send(self, handler: BaseHTTPRequestHandler, record: ProxyRequest, status: int, data: bytes) -> None:
        record.status = status
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _wait_for_client(self, handler: BaseHTTPRequestHandler, seconds: float) -> bool:
        """Wait up to `seconds`; True if the client hung up meanwhile."""
        deadline = time.monotonic() + min(seconds, MAX_WAIT_S)
        while time.monotonic() < deadline:
            if client_gone(handler.connection):
                return True
            time.sleep(POLL_S)
        return False

    def _serve(self, handler: BaseHTTPRequestHandler, record: ProxyRequest, raw: bytes) -> None:
        mode = record.mode
        if mode == "drop":
            handler.close_connection = True
            return
        if mode == "hang":
            record.client_left = self._wait_for_client(handler, MAX_WAIT_S)
            handler.close_connection = True
            return
        if mode == "slow" and self._wait_for_client(handler, self.delay_s):
            record.client_left = True
            handler.close_connection = True
            return
        if mode == "drip":
            self._drip(handler, record, json.dumps(completion(answer_text(self, record))).encode())
            return
        if mode == "garbage":
            self._send(handler, record, 200, b"\x00\xff<html>not json at all")
        elif mode == "garbage_content":
            self._send(handler, record, 200, json.dumps(completion("%$#@!! ~~ \u0000 qq")).encode())
        elif mode == "wrong_schema":
            self._send(handler, record, 200, json.dumps(completion('{"unexpected": [1, 2, 3]}')).encode())
        elif mode == "error500":
            error = {"error": {"message": "internal server error", "type": "server_error"}}
            self._send(handler, record, 500, json.dumps(error).encode())
        elif mode == "reject_schema" and record.response_format == "json_schema":
            error = {
                "error": {
                    "message": "response_format json_schema is not supported",
                    "type": "invalid_request_error",
                }
            }
            self._send(handler, record, 400, json.dumps(error).encode())
        else:
            self._forward(handler, record, raw)

    def _drip(self, handler: BaseHTTPRequestHandler, record: ProxyRequest, data: bytes) -> None:
        record.status = 200
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.flush()
        for index in range(len(data)):
            if self._wait_for_client(handler, self.delay_s):
                record.client_left = True
                handler.close_connection = True
                return
            try:
                handler.wfile.write(data[index : index + 1])
                handler.wfile.flush()
            except OSError:
                record.client_left = True
                return
            record.bytes_sent += 1

    def _forward(self, handler: BaseHTTPRequestHandler, record: ProxyRequest, raw: bytes) -> None:
        if self.respond is not None:
            self._send(handler, record, 200, json.dumps(completion(self.respond(record.body))).encode())
            return
        assert self.upstream is not None
        target = urllib.parse.urlsplit(self.upstream)
        path = target.path + (handler.path[len("/v1") :] if handler.path.startswith("/v1") else handler.path)
        upstream = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=MAX_WAIT_S)
        result: dict[str, Any] = {}

        def call() -> None:
            try:
                upstream.request("POST", path, body=raw, headers={"Content-Type": "application/json"})
                response = upstream.getresponse()
                result.update(status=response.status, data=response.read())
            except OSError as exc:
                result.update(status=502, data=json.dumps({"error": {"message": str(exc)}}).encode())

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                if client_gone(handler.connection):
                    # Our client gave up: hang up on the upstream too, which cancels its work.
                    record.client_left = True
                    handler.close_connection = True
                    if upstream.sock is not None:
                        upstream.sock.shutdown(socket.SHUT_RDWR)
                    return
                worker.join(POLL_S)
        finally:
            worker.join(5)
            upstream.close()
        self._send(handler, record, int(result["status"]), result["data"])
