"""A loopback HTTP server standing in for the Slack Web API (and for `response_url`s) in tests.

It speaks the real protocol at the network boundary, so slack_sdk's WebClient, its retry handlers and
Bolt's `respond()` run unchanged. Point `WebClient(base_url=stub.api_url)` at it:

    with SlackStub() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls("chat.postMessage")[0]["text"] == "hi"

Every call is recorded as (method, arguments) in arrival order; arguments are merged from the query
string, a form body or a JSON body. Messages posted or updated through it are kept per channel, so
`conversations.replies` returns a realistic thread; `add_message` seeds what users wrote. Replies are
realistic JSON (`{"ok": true, ...}`); `fail(method, ...)` scripts a Slack error or an HTTP 429 with
`Retry-After`. `response_url(name)` gives a URL whose POSTs are recorded under `"response:<name>"`.

The other direction, what Slack sends to the app, is at the bottom: `event_body`, `command_form` and
`action_form` build realistic payloads, and `signed_post` delivers one with a real signature
(`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

TEAM_ID, BOT_USER_ID, BOT_ID = "T0NEWSQA", "U0NEWSQA", "B0NEWSQA"


@dataclass
class _Failure:
    status: int = 200
    error: str = ""
    retry_after: int = 0


class SlackStub:
    """The server; a context manager that serves on 127.0.0.1 (port 0) from a daemon thread."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []  # (method, arguments), in arrival order
        self.messages: dict[str, list[dict]] = defaultdict(list)  # channel -> messages, oldest first
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads, self._server.stub = True, self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "SlackStub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- addresses -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be: 'http://127.0.0.1:PORT/api/'."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        """A response_url for an interaction; POSTs to it are recorded as 'response:<name>'."""
        return f"{self.base_url}/responses/{name}"

    # --- scripting and inspection ----------------------------------------------------------
    def fail(self, method: str, *, error: str = "", status: int = 200, retry_after: int = 0,
             times: int = 1) -> "SlackStub":
        """The next `times` calls of `method` fail: `{"ok": false, "error": error}`, or HTTP `status`."""
        with self._lock:
            self._failures[method].extend(_Failure(status, error, retry_after) for _ in range(times))
        return self

    def next_ts(self) -> str:
        """A fresh, increasing message timestamp like '1700000000.000001'."""
        with self._lock:
            return f"1700000000.{next(self._ts):06d}"

    def add_message(self, channel: str, text: str, *, user: str = "U0ALICE", thread_ts: str | None = None,
                    **extra) -> dict:
        """Seed a message (as if a user had written it); returns it, with its new 'ts'."""
        ts = self.next_ts()
        message = {"type": "message", "user": user, "text": text, "ts": ts, **extra}
        if thread_ts:
            message["thread_ts"] = thread_ts
        with self._lock:
            self.messages[channel].append(message)
        return message

    def calls(self, method: str) -> list[dict]:
        """The arguments of every recorded call of `method` (e.g. 'chat.update', 'response:cmd1')."""
        with self._lock:
            return [args for name, args in self.requests if name == method]

    def wait_for(self, predicate: Callable[[], object], timeout: float = 20.0) -> object:
        """Poll `predicate` until it returns something truthy; fail with AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout}s; calls so far: {[m for m, _ in self.requests]}")

    # --- the API -----------------------------------------------------------------------------
    def handle(self, method: str, args: dict) -> tuple[int, dict, dict]:
        """Record a call and produce (status, headers, JSON body)."""
        with self._lock:
            self.requests.append((method, args))
            failure = self._failures[method].popleft() if self._failures[method] else None
        if failure and failure.status == 429:
            return 429, {"Retry-After": str(failure.retry_after)}, {"ok": False, "error": "ratelimited"}
        if failure:
            return failure.status, {}, {"ok": False, "error": failure.error or "internal_error"}
        if method.startswith("response:"):
            return 200, {}, {"ok": True}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        return 200, {}, {"ok": True, **handler(args)}

    def _auth_test(self, args: dict) -> dict:
        return {"url": "https://newsqa-test.slack.com/", "team": "newsqa test", "user": "newsqa",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _chat_postMessage(self, args: dict) -> dict:
        channel = args.get("channel", "")
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": args.get("text", ""),
                   "ts": self.next_ts(), "blocks": _decoded(args.get("blocks")) or []}
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if args.get("metadata"):
            message["metadata"] = _decoded(args["metadata"])
        with self._lock:
            self.messages[channel].append(message)
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _chat_update(self, args: dict) -> dict:
        channel, ts = args.get("channel", ""), args.get("ts", "")
        with self._lock:
            found = [m for m in self.messages[channel] if m["ts"] == ts]
            if not found:
                return {"ok": False, "error": "message_not_found"}
            found[0].update(text=args.get("text", ""), blocks=_decoded(args.get("blocks")) or [])
            if args.get("metadata"):
                found[0]["metadata"] = _decoded(args["metadata"])
        return {"channel": channel, "ts": ts, "text": args.get("text", ""), "message": dict(found[0])}

    def _chat_postEphemeral(self, args: dict) -> dict:
        return {"message_ts": self.next_ts()}

    def _conversations_replies(self, args: dict) -> dict:
        channel, ts = args.get("channel", ""), args.get("ts", "")
        with self._lock:
            thread = [dict(m) for m in self.messages[channel] if ts in (m["ts"], m.get("thread_ts"))]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        if args.get("include_all_metadata") not in ("1", "true", True, 1):
            for message in thread:
                message.pop("metadata", None)
        return {"messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}


def _decoded(value):
    """Form bodies carry JSON-encoded blocks and metadata; JSON bodies carry them as is."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


class _Handler(BaseHTTPRequestHandler):
    """Routes /api/<method> and /responses/<name> to the SlackStub the server carries."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._dispatch({})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        if "json" in (self.headers.get("Content-Type") or ""):
            self._dispatch(json.loads(raw or "{}"))
        else:
            self._dispatch(dict(parse_qsl(raw)))

    def _dispatch(self, body: dict) -> None:
        parts = urlsplit(self.path)
        args = {**dict(parse_qsl(parts.query)), **body}
        if parts.path.startswith("/api/"):
            method = parts.path.removeprefix("/api/")
        elif parts.path.startswith("/responses/"):
            method = "response:" + parts.path.removeprefix("/responses/")
        else:
            self._send(404, {}, {"ok": False, "error": "not_found"})
            return
        status, headers, payload = self.server.stub.handle(method, args)
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


# --- what Slack sends to the app ----------------------------------------------------------------
def signed_post(url: str, body: str, content_type: str, *, secret: str, ts: int | None = None,
                headers: dict | None = None) -> tuple[int, str, float]:
    """POST `body` signed like Slack does; returns (status, response body, seconds taken)."""
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
        **(headers or {})})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.monotonic() - started


def event_body(event: dict, event_id: str) -> str:
    """An Events API `event_callback` envelope around `event`, as JSON."""
    return json.dumps({
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0NEWSQA", "type": "event_callback",
        "event": {"event_ts": event.get("ts", ""), **event}, "event_time": int(time.time()), "event_id": event_id,
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                            "is_enterprise_install": False}]})


def command_form(text: str, response_url: str, channel: str, user: str = "U0ALICE") -> str:
    """A `/ask` slash command invocation, form-encoded."""
    return urlencode({"token": "legacy", "team_id": TEAM_ID, "channel_id": channel, "channel_name": "news",
                      "user_id": user, "user_name": "alice", "command": "/ask", "text": text,
                      "api_app_id": "A0NEWSQA", "response_url": response_url, "trigger_id": "1.2.abc"})


def action_form(message: dict, channel: str, action_id: str, response_url: str, user: str = "U0BOB") -> str:
    """A `block_actions` click on the button `action_id` of `message`, form-encoded (`payload=`)."""
    value = next(e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == action_id)
    payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "api_app_id": "A0NEWSQA",
               "team": {"id": TEAM_ID}, "channel": {"id": channel}, "message": message,
               "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                             "is_ephemeral": False},
               "response_url": response_url, "trigger_id": "1.2.xyz",
               "actions": [{"type": "button", "action_id": action_id, "block_id": "newsqa_feedback",
                            "value": value, "action_ts": "1700000099.000000"}]}
    return urlencode({"payload": json.dumps(payload)})
