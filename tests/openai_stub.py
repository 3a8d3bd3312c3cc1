"""A loopback OpenAI-compatible chat server for tests: real HTTP and real SSE, scripted replies.

It also answers POST /v1/embeddings (hashed bag-of-words vectors, 64 dims). It stands in for
OpenAI / vLLM / Ollama at the network boundary, so the code under test (ChatOpenAI,
the openai SDK, our error handling) runs unchanged. Use the `openai_stub` fixture from conftest.py:

    def test_something(openai_stub, settings):
        openai_stub.reply("Russia regrets the withdrawal [1].")   # queue replies, used in order
        openai_stub.fail("429")                                   # ...or a failure, in the same queue
        s = settings.model_copy(update={"openai_base_url": openai_stub.base_url, "llm_max_retries": 0})
        ...
        assert openai_stub.requests[0]["messages"][0]["role"] == "system"

Replies are texts, or callables `body -> text` (body = the request's JSON; if one raises, the client
gets an HTTP 500 naming the exception, and it is kept in `errors`). With `"stream": true` the
text is sent as `chat.completion.chunk` SSE events (one per `chunk_size` characters) then `data: [DONE]`;
otherwise as one `chat.completion`. With the queue empty, `default` is used (None = HTTP 500).

Failures (`fail(kind)`): "429" and "500" (JSON error bodies, like OpenAI's), "timeout" (sleeps
`delay` seconds before answering), "malformed" (a stream whose second event is not JSON), "disconnect"
(closes the socket mid-stream), "overflow" (HTTP 400 for a prompt longer than the context, worded as
llama.cpp's server words it). `refused_url()` gives a base URL where nothing listens.

Streams honour `max_tokens` (one chunk counts as a token: the stream stops there with finish_reason
"length"), and `chunk_delay` seconds pass between chunks, like a slow model.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = str | Callable[[dict], str]
FAILURES = ("429", "500", "timeout", "malformed", "disconnect", "overflow")


@dataclass
class _Failure:
    kind: str
    delay: float = 0.0


def refused_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class OpenAIStub:
    """The server; a context manager that starts it on 127.0.0.1 port 0 in a daemon thread."""

    def __init__(self, *, default: Reply | None = None, chunk_size: int = 8, model: str = "stub-model",
                 chunk_delay: float = 0.0):
        self.default, self.chunk_size, self.model = default, chunk_size, model
        self.chunk_delay = chunk_delay
        self.requests: list[dict] = []  # JSON bodies of every chat request, in arrival order
        self.errors: list[Exception] = []  # exceptions raised by reply callables (answered with a 500)
        self._queue: deque[Reply | _Failure] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """'http://127.0.0.1:PORT/v1' (what OPENAI_BASE_URL should be)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def reply(self, *replies: Reply) -> "OpenAIStub":
        """Queue one reply per argument (texts or `body -> text` callables)."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def fail(self, kind: str, *, times: int = 1, delay: float = 5.0) -> "OpenAIStub":
        """Queue a failure (see FAILURES) for the next `times` requests."""
        if kind not in FAILURES:
            raise ValueError(f"unknown failure {kind!r}; choose one of {FAILURES}")
        with self._lock:
            self._queue.extend(_Failure(kind, delay) for _ in range(times))
        return self

    def next_action(self, body: dict) -> Reply | _Failure | None:
        with self._lock:
            self.requests.append(body)
            return self._queue.popleft() if self._queue else self.default

    def __enter__(self) -> "OpenAIStub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


EMBEDDING_DIMS = 64


def _bag_of_words(text: str) -> list[float]:
    """A deterministic stand-in embedding: hashed word counts, L2-normalised (similar words, similar vectors)."""
    import hashlib
    import math

    vec = [0.0] * EMBEDDING_DIMS
    for word in text.lower().split():
        vec[int(hashlib.md5(word.strip(".,;:!?\"'").encode()).hexdigest(), 16) % EMBEDDING_DIMS] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def _embeddings(body: dict) -> dict:
    """An OpenAI `/embeddings` response, in the float or base64 encoding the client asked for."""
    import base64
    import struct

    texts = body.get("input") or []
    texts = [texts] if isinstance(texts, str) else texts
    data = []
    for i, text in enumerate(texts):
        vec = _bag_of_words(text if isinstance(text, str) else " ".join(map(str, text)))
        if body.get("encoding_format") == "base64":
            vec = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
        data.append({"object": "embedding", "index": i, "embedding": vec})
    return {"object": "list", "data": data, "model": body.get("model", "stub-embed"),
            "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)}}


def _handler_for(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_ChatHandler,), {"stub": stub})


class _ChatHandler(BaseHTTPRequestHandler):
    stub: OpenAIStub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": self.stub.model, "object": "model"}]})
        else:
            self._json(404, _error("not found", "invalid_request_error"))

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.rstrip("/").endswith("/embeddings"):
            self.stub.requests.append(body)
            self._json(200, _embeddings(body))
            return
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, _error(f"no route {self.path}", "invalid_request_error"))
            return
        action = self.stub.next_action(body)
        if isinstance(action, _Failure):
            self._fail(action, body)
        elif action is None:
            self._json(500, _error("stub: no scripted reply left", "server_error"))
        else:
            try:
                text = action(body) if callable(action) else action
            except Exception as exc:  # a test's reply function failed: say so instead of hanging up
                self.stub.errors.append(exc)
                self._json(500, _error(f"stub: the reply function raised {exc!r}", "server_error"))
                return
            self._stream(body, text) if body.get("stream") else self._json(200, self._completion(body, text))

    def _fail(self, failure: _Failure, body: dict) -> None:
        match failure.kind:
            case "429":
                self._json(429, _error("Rate limit reached for requests", "rate_limit_exceeded"),
                           {"retry-after": "0"})
            case "500":
                self._json(500, _error("The server had an error while processing your request.", "server_error"))
            case "timeout":
                time.sleep(failure.delay)
                self._json(200, self._completion(body, "too late"))
            case "malformed":
                self._stream(body, "Partial answer", broken=True)
            case "overflow":
                self._json(400, _error("Requested tokens (9000) exceed context window of 4096", "invalid_request_error"))
            case "disconnect":
                self._start_sse()
                self._event(self._chunk(body, {"role": "assistant", "content": "Cut"}))
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

    def _completion(self, body: dict, text: str) -> dict:
        return {
            "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", self.stub.model),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _chunk(self, body: dict, delta: dict, finish: str | None = None) -> dict:
        return {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model", self.stub.model),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    def _stream(self, body: dict, text: str, broken: bool = False) -> None:
        self._start_sse()
        size = max(1, self.stub.chunk_size)
        pieces = [text[i : i + size] for i in range(0, len(text), size)] or [""]
        self._event(self._chunk(body, {"role": "assistant", "content": pieces[0]}))
        if broken:
            self._raw(b"data: {\"choices\": [{\"delta\": {\"content\": \"oops\"\n\n")
            return
        cap = body.get("max_tokens") or body.get("max_completion_tokens") or len(pieces)
        for piece in pieces[1:cap]:
            time.sleep(self.stub.chunk_delay)
            self._event(self._chunk(body, {"content": piece}))
        self._event(self._chunk(body, {}, finish="length" if len(pieces) > cap else "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {"prompt_tokens": 1, "completion_tokens": len(pieces), "total_tokens": 1 + len(pieces)}
            self._event({**self._chunk(body, {}), "choices": [], "usage": usage})
        self._raw(b"data: [DONE]\n\n")

    def _start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _event(self, payload: dict) -> None:
        self._raw(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._raw(data)


def _error(message: str, code: str) -> dict:
    return {"error": {"message": message, "type": code, "param": None, "code": code}}
