"""The OpenAI-compatible chat model, and turning its failures into the `LLMError` that names them.

`make_chat_model(settings)` returns a streaming `ChatOpenAI` when `OPENAI_API_KEY` and/or
`OPENAI_BASE_URL` is set, else None (extractive mode). `stream_text` and `complete` call it and raise
one class of `qa.errors.LLMError` per failure (unreachable, timeout, cut off, rejected with an HTTP
status, context overflow, bad response), each a readable line, e.g.:

    The language model at http://127.0.0.1:9/v1 refused the connection. Is the server running?
    Check OPENAI_BASE_URL, or run without it for extractive answers.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import (
    LLMBadResponse,
    LLMContextOverflow,
    LLMCutOff,
    LLMError,
    LLMRejected,
    LLMTimeout,
    LLMUnreachable,
)

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

    from qa.protocols import ChatModel

OPENAI_URL = "https://api.openai.com/v1"


def make_chat_model(settings: Settings):
    """A streaming ChatOpenAI configured from settings, or None when no endpoint is configured.

    >>> make_chat_model(Settings(_env_file=None)) is None
    True
    """
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    return ChatOpenAI(
        model=settings.llm_model, base_url=settings.openai_base_url, api_key=key,
        timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens, streaming=True,
        # langchain sends the cap as max_completion_tokens, which llama.cpp's server ignores: self-hosted
        # servers also get the classic field
        extra_body={"max_tokens": settings.llm_max_tokens} if settings.openai_base_url else None,
    )


def endpoint(llm: ChatModel) -> str:
    """The base URL a chat model talks to, for messages ('https://api.openai.com/v1' by default)."""
    return str(getattr(llm, "openai_api_base", None) or OPENAI_URL).rstrip("/")


@dataclass(frozen=True)
class Limits:
    """What bounds one answer: the model's context, the answer's length and its total time."""

    context: int = 8192  # tokens the model can attend to (prompt + answer)
    max_tokens: int = 512  # tokens the answer may have (sent to the server as max_tokens)
    deadline: float | None = 120.0  # seconds for the whole answer; None = no limit

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.llm_context, settings.llm_max_tokens, settings.llm_deadline or None)


@dataclass
class Ending:
    """How a streamed reply ended: 'stop', 'length' (the token cap), 'deadline' or 'repetition'."""

    reason: str = ""
    chars: int = 0  # characters that arrived

    def note(self, limits: Limits) -> str:
        """The line an answer carries when it was cut ('' when the model finished on its own)."""
        return {
            "length": f"The model's answer was cut at {limits.max_tokens} tokens (NEWSQA_LLM_MAX_TOKENS).",
            "deadline": f"The model's answer was cut after {limits.deadline:g} s (NEWSQA_LLM_DEADLINE).",
            "repetition": "The model started repeating itself, so its answer was cut there.",
        }.get(self.reason, "")


class RepetitionGuard:
    """Spots a model that loops: the same run of words coming back again and again.

    >>> guard = RepetitionGuard(ngram=3, times=3)
    >>> [guard.feed(w + " ") for w in "the talks ended the talks ended the talks ended".split()][-1]
    True
    """

    def __init__(self, ngram: int = 8, times: int = 3):
        self.ngram, self.times = ngram, times
        self.words: list[str] = []
        self.partial = ""
        self.counts: dict[tuple[str, ...], int] = {}

    def feed(self, delta: str) -> bool:
        """Add text; True once some run of `ngram` words has occurred `times` times."""
        *done, self.partial = (self.partial + delta).split(" ")
        for word in filter(None, (w.strip().lower() for w in done)):
            self.words.append(word)
            if len(self.words) >= self.ngram:
                key = tuple(self.words[-self.ngram:])
                self.counts[key] = self.counts.get(key, 0) + 1
                if self.counts[key] >= self.times:
                    return True
        return False


def stream_text(llm: ChatModel, messages: Any, config: RunnableConfig | None = None, *,
                deadline: float | None = None, max_chunks: int | None = None,
                ending: Ending | None = None) -> Iterator[str]:
    """Yield the text deltas of the model's reply; raise LLMError on any endpoint failure.

    messages: what the chat model takes (a PromptValue, or a list of messages or (role, text) pairs).
    The reply stops early at `deadline` seconds, after `max_chunks` deltas (a server that ignores the
    token cap still streams about a token a delta) or when the model loops; `ending` records why.
    """
    ending = ending if ending is not None else Ending()
    started, guard, chunks = time.monotonic(), RepetitionGuard(), 0
    try:
        for chunk in llm.stream(messages, config=config):
            ending.reason = chunk.response_metadata.get("finish_reason") or ending.reason
            if chunk.content:
                text = str(chunk.content)
                ending.chars, chunks = ending.chars + len(text), chunks + 1
                yield text
                if guard.feed(text):
                    ending.reason = "repetition"
                    return
                if max_chunks is not None and chunks >= max_chunks and ending.reason != "stop":
                    ending.reason = "length"
                    return
            if deadline is not None and time.monotonic() - started > deadline:
                ending.reason = "deadline"
                return
    except LLMError:
        raise
    except Exception as exc:  # narrowed by explain(); anything it doesn't know is re-raised
        raise explain(exc, llm, arrived=ending.chars) from exc
    if not ending.reason:
        raise LLMCutOff(endpoint(llm), ending.chars, closed=False)


def complete(llm: ChatModel, messages: Any, config: RunnableConfig | None = None) -> str:
    """The model's whole reply as one string (used for the condensed follow-up question)."""
    return "".join(stream_text(llm, messages, config))


def explain(exc: Exception, llm: ChatModel, arrived: int = 0) -> LLMError:
    """Map an openai/httpx/stream-parsing exception to its LLMError; re-raise anything else.

    arrived: characters of the reply received before the failure (a stream cut mid-answer says so).
    """
    import httpx
    import openai

    where = endpoint(llm)
    if _cut_off(exc):
        return LLMCutOff(where, arrived, closed=True)
    match exc:
        case openai.APITimeoutError() | httpx.TimeoutException():
            return LLMTimeout(where, getattr(llm, "request_timeout", None))
        case openai.APIConnectionError() | httpx.ConnectError():
            return LLMUnreachable(where)
        case openai.APIStatusError():
            return _rejected(where, exc)
        case (json.JSONDecodeError() | openai.APIResponseValidationError() | httpx.HTTPError()
              | ValueError()):  # langchain: "No generation chunks were returned" for a non-stream reply
            return LLMBadResponse(where, _first_line(exc))
        case openai.APIError():
            return LLMBadResponse(where, _first_line(exc), malformed=False)
    raise exc


def _cut_off(exc: BaseException) -> bool:
    """True for a stream the server closed mid-answer: a RemoteProtocolError or ReadError, usually wrapped
    in openai's APIConnectionError. Matched by name: openai ships its own fork of httpx (httpx2)."""
    while exc is not None:
        if type(exc).__name__ in ("RemoteProtocolError", "ReadError"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


_OVERFLOW = re.compile(r"context|exceed|too long|too many tokens|n_ctx|maximum .*length", re.I)


def _rejected(where: str, exc) -> LLMRejected:
    """The LLMRejected for an HTTP error status (LLMContextOverflow when it says the prompt is too long)."""
    status, detail = exc.status_code, _detail(exc)
    if status in (400, 413) and _OVERFLOW.search(detail):
        return LLMContextOverflow(where, status, detail)
    route = f"{exc.request.method} {exc.request.url.path}" if getattr(exc, "request", None) else ""
    return LLMRejected(where, status, detail, route=route if status == 404 else "")


def _detail(exc) -> str:
    """What the server said, without openai's 'Error code: 404 - ' prefix."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return _first_line(message)
    return _first_line(re.sub(r"^Error code: \d+\s*-?\s*", "", str(getattr(exc, "message", exc))))


def _first_line(value: object, limit: int = 160) -> str:
    text = str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
