"""Where an answer goes in Slack, and how it gets there: placeholder, streamed edits, final answer.

`MessageReply` posts "Searching the articles…" in a conversation (or thread), edits it while the
model streams (at most once per `interval` seconds, to stay within Slack's rate limits) and finally
replaces it with the answer. `ResponseUrlReply` does the same through a slash command's
`response_url` (ephemeral answers, or channels the bot is not a member of); a response_url may be
used only a few times, so it skips the streamed edits. `deliver` drives either from `Answerer.stream`
and turns every failure into a short, friendly reply.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from slack_sdk.errors import SlackApiError

from qa.errors import NewsqaError
from qa.types import Answer
from ui.render import user_message
from ui.slack.render import PLACEHOLDER, progress_message, text_message

if TYPE_CHECKING:
    from qa.answering.answer import Answerer

log = logging.getLogger(__name__)

ADD_ARTICLES = "Ask whoever runs me to ingest some (`newsqa ingest`)."


class Reply(Protocol):
    def start(self) -> None: ...
    def progress(self, partial: str) -> None: ...
    def finish(self, messages: list[dict], metadata: dict | None = None) -> None: ...
    def fail(self, text: str) -> None: ...


def friendly_error(exc: BaseException) -> str:
    """A short message for users; details go to the log, not to the channel."""
    return f":warning: {user_message(exc, add_articles=ADD_ARTICLES, details=False)}"


class MessageReply:
    """A bot message in `channel` (in thread `thread_ts` if given), edited in place with chat.update."""

    def __init__(self, client, channel: str, thread_ts: str | None = None, *, interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.interval, self.clock = interval, clock
        self.ts: str | None = None
        self._last = 0.0

    def start(self) -> None:
        """Post the placeholder once (raises SlackApiError if the bot may not post here)."""
        if self.ts is not None:
            return
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                **text_message(PLACEHOLDER))
        self.ts, self._last = response["ts"], self.clock()

    def progress(self, partial: str) -> None:
        """Show the text streamed so far, unless the last edit was under `interval` seconds ago."""
        if self.clock() - self._last < self.interval:
            return
        self._last = self.clock()
        try:
            self.client.chat_update(channel=self.channel, ts=self.ts, **progress_message(partial))
        except SlackApiError as exc:  # a missed intermediate edit is harmless; the final one matters
            log.warning("chat.update (progress) failed: %s", exc.response.get("error"))

    def finish(self, messages: list[dict], metadata: dict | None = None) -> None:
        """Replace the placeholder with the answer; extra messages (very long answers) follow in the thread."""
        self.client.chat_update(channel=self.channel, ts=self.ts, metadata=metadata, **messages[0])
        for message in messages[1:]:
            self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts or self.ts, **message)

    def fail(self, text: str) -> None:
        message = text_message(text)
        if self.ts is None:
            self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, **message)
        else:
            self.client.chat_update(channel=self.channel, ts=self.ts, **message)


class ResponseUrlReply:
    """An answer sent through a slash command's response_url, ephemeral or visible to the channel."""

    def __init__(self, respond, *, ephemeral: bool):
        self.respond = respond
        self.response_type = "ephemeral" if ephemeral else "in_channel"

    def start(self) -> None:
        self.respond(response_type=self.response_type, **text_message(PLACEHOLDER))

    def progress(self, partial: str) -> None:
        """Skipped: a response_url accepts only a handful of messages."""

    def finish(self, messages: list[dict], metadata: dict | None = None) -> None:
        for i, message in enumerate(messages):
            self.respond(response_type=self.response_type, replace_original=i == 0, **message)

    def fail(self, text: str) -> None:
        self.respond(response_type=self.response_type, replace_original=True, **text_message(text))


def stream_answer(answerer: Answerer, reply: Reply, question: str, history) -> Answer:
    """Run the answerer, showing streamed text as it arrives; returns the final Answer."""
    partial, stream = "", answerer.stream(question, history=history)
    for delta in stream:
        partial += delta
        reply.progress(partial)
    return stream.answer()


def deliver(answerer: Answerer, reply: Reply, question: str, history,
            render: Callable[[Answer], tuple[list[dict], dict | None]]) -> Answer | None:
    """Placeholder -> streamed edits -> rendered answer; any failure becomes a friendly reply.

    `render(answer)` returns the messages to show and the message metadata. Returns the Answer, or
    None when something failed (the user has been told; the details are logged).
    """
    try:
        reply.start()
        answer = stream_answer(answerer, reply, question, history)
        messages, metadata = render(answer)
        _finish(reply, messages, metadata, answer)
        return answer
    except Exception as exc:  # the edge: every failure is logged and told to the user, never raised
        log.log(logging.WARNING if isinstance(exc, NewsqaError) else logging.ERROR,
                "answering %r failed: %s", question, exc, exc_info=not isinstance(exc, NewsqaError))
        _tell(reply, friendly_error(exc))
        return None


def _finish(reply: Reply, messages: list[dict], metadata: dict | None, answer: Answer) -> None:
    """Show the answer; if Slack rejects the blocks, fall back to the plain text."""
    try:
        reply.finish(messages, metadata)
    except SlackApiError as exc:
        log.error("posting the answer failed (%s); sending it as plain text", exc.response.get("error"))
        reply.finish([text_message(answer.text or "(no answer)")], metadata)


def _tell(reply: Reply, text: str) -> None:
    try:
        reply.fail(text)
    except Exception:  # Slack itself is unreachable: nothing left to tell anyone but the log
        log.exception("could not send the failure notice to Slack")
