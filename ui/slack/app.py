"""The Slack bot's Bolt app, and the two ways to run it: Socket Mode and HTTP (Events API).

The only module that imports slack_bolt. `build_slack_app` wires `ui.slack.bot.SlackBot` into an App:

    app = build_slack_app(settings, answerer, FeedbackStore(feedback_path(settings.data_dir)))
    socket_mode_handler(app, settings).start()          # SLACK_APP_TOKEN + SLACK_BOT_TOKEN
    serve_http(app, settings, port=3000)                 # SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN

In HTTP mode Bolt verifies every request's signature and rejects timestamps older than five minutes
(401), and acknowledges events before the answer is computed (process_before_response=False), so Slack
gets its 200 well within 3 s. Answers run on a small thread pool owned by the app.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from qa.errors import ConfigError
from ui.slack.bot import SlackBot

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from qa.config import Settings
    from qa.feedback import FeedbackStore

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few KB
ANSWER_THREADS = 8


class _SameTokenNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN itself, then warns that our WebClient's (identical) token wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def bolt_logger() -> logging.Logger:
    """The logger Bolt's App logs to, without the misleading same-token notice."""
    logger = logging.getLogger(f"{__name__}.bolt")
    if not any(isinstance(f, _SameTokenNotice) for f in logger.filters):
        logger.addFilter(_SameTokenNotice())
    return logger


def make_web_client(settings: Settings):
    """A WebClient for SLACK_API_URL with SLACK_BOT_TOKEN that waits and retries on HTTP 429."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=30)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_slack_app(settings: Settings, answerer: Answerer, feedback_store: FeedbackStore, client=None, *, update_interval: float = 1.0):
    """The Bolt App: mentions, DMs, thread follow-ups, /ask and the feedback buttons.

    Calls auth.test once (Bolt checks the bot token at start-up); raises ConfigError when it fails.
    `update_interval` is the least time between two streamed edits of a message.
    """
    from slack_bolt import App
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    client = client or make_web_client(settings)
    if not client.token:
        raise ConfigError("The Slack bot needs SLACK_BOT_TOKEN (xoxb-...): set it in the environment or .env.")
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    executor = ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="newsqa-slack")
    try:
        app = App(client=client, signing_secret=secret, name="newsqa", process_before_response=False,
                  listener_executor=executor, logger=bolt_logger())
    except OSError as exc:
        raise ConfigError(f"Could not reach Slack at {settings.slack_api_url} ({exc}). "
                          "Check the network, a proxy, or SLACK_API_URL.") from exc
    except (BoltError, SlackClientError) as exc:
        raise ConfigError(f"Slack did not accept SLACK_BOT_TOKEN at {settings.slack_api_url} ({exc}). "
                          "Check the token and SLACK_API_URL.") from exc
    register(app, SlackBot(settings, answerer, feedback_store, update_interval=update_interval))
    return app


def register(app, bot: SlackBot) -> None:
    """Attach the duplicate filter and the bot's handlers to a Bolt App."""

    def drop_duplicates(body, request, ack, next):
        """Slack retries an event until acknowledged: answer each event_id once."""
        headers = request.headers
        slow_retry = (headers.get("x-slack-retry-reason") or [""])[0] == "http_timeout"
        if bot.first_delivery(body) and not (headers.get("x-slack-retry-num") and slow_retry):
            return next()
        log.info("dropped a repeated delivery of %s", body.get("event_id"))
        return ack()

    app.use(drop_duplicates)
    app.event("app_mention")(bot.on_mention)
    app.event("message")(bot.on_message)
    app.command("/ask")(bot.on_command)
    app.action(re.compile(r"^newsqa_feedback_(up|down)$"))(bot.on_feedback)


def socket_mode_handler(app, settings: Settings):
    """A Socket Mode handler for the app (not yet connected: call `.start()` or `.connect()`)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.slack_app_token:
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (xapp-..., with the connections:write scope).")
    return SocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value(), web_client=app.client)


class _EventsHandler(BaseHTTPRequestHandler):
    """POSTs on the server's `events_path` go to its Bolt app (`bolt_app`); GET /health answers 'ok'."""

    def log_message(self, fmt, *args) -> None:
        log.debug("%s " + fmt, self.address_string(), *args)

    def do_POST(self) -> None:
        from slack_bolt.request import BoltRequest

        request_path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        if request_path != self.server.events_path or length > MAX_BODY_BYTES:
            self._send(404 if request_path != self.server.events_path else 413, {}, "")
            return
        body = self.rfile.read(length).decode("utf-8")
        headers = {name: self.headers.get_all(name) for name in set(self.headers.keys())}
        response = self.server.bolt_app.dispatch(BoltRequest(body=body, query=query, headers=headers))
        self._send(response.status, response.headers, response.body)

    def do_GET(self) -> None:
        healthy = self.path == "/health"
        self._send(200 if healthy else 404, {}, "ok" if healthy else "")

    def _send(self, status: int, headers: dict, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        for name, values in headers.items():
            if name.lower() != "content-length":
                for value in values:
                    self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_http_server(app, settings: Settings, host: str = "127.0.0.1", port: int = 3000, path: str = EVENTS_PATH):
    """A threaded HTTP server passing POSTs on `path` to the app (port 0 picks a free port).

    Refuses to exist without SLACK_SIGNING_SECRET: unsigned requests must never reach the bot.
    """
    if not settings.slack_signing_secret:
        raise ConfigError("HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials).")
    server = ThreadingHTTPServer((host, port), _EventsHandler)
    server.daemon_threads, server.bolt_app, server.events_path = True, app, path
    return server


def serve_http(app, settings: Settings, host: str = "127.0.0.1", port: int = 3000) -> None:
    """Serve the Events API endpoint until interrupted."""
    server = make_http_server(app, settings, host, port)
    log.info("newsqa Slack bot listening on http://%s:%s%s (Ctrl+C to stop)", host, server.server_address[1],
             EVENTS_PATH)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
