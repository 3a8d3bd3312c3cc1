"""The OpenAI-compatible chat model, and turning its failures into one readable `LLMError` line.

`make_chat_model(settings)` returns a streaming `ChatOpenAI` when `OPENAI_API_KEY` and/or
`OPENAI_BASE_URL` is set, else None (extractive mode). `stream_text` and `complete` call it and raise
`LLMError` for refused connections, timeouts, 429, 5xx, malformed or cut-off streams, e.g.:

    The language model at http://127.0.0.1:9/v1 refused the connection. Is the server running?
    Check OPENAI_BASE_URL, or run without it for extractive answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import LLMError

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

    from qa.protocols import ChatModel

OPENAI_URL = "https://api.openai.com/v1"
_FALLBACK_HINT = "or use --fallback (NEWSQA_FALLBACK_EXTRACTIVE=true) for an extractive answer"


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
        temperature=settings.llm_temperature, streaming=True,
    )


def endpoint(llm: ChatModel) -> str:
    """The base URL a chat model talks to, for messages ('https://api.openai.com/v1' by default)."""
    return str(getattr(llm, "openai_api_base", None) or OPENAI_URL).rstrip("/")


def stream_text(llm: ChatModel, messages: Any, config: RunnableConfig | None = None) -> Iterator[str]:
    """Yield the text deltas of the model's reply; raise LLMError on any endpoint failure.

    messages: what the chat model takes (a PromptValue, or a list of messages or (role, text) pairs).
    """
    finished = False
    try:
        for chunk in llm.stream(messages, config=config):
            finished = finished or bool(chunk.response_metadata.get("finish_reason"))
            if chunk.content:
                yield str(chunk.content)
    except LLMError:
        raise
    except Exception as exc:  # narrowed by explain(); anything it doesn't know is re-raised
        raise explain(exc, llm) from exc
    if not finished:
        raise LLMError(f"The language model at {endpoint(llm)} closed the stream before finishing "
                       f"its answer. Check the server's logs, {_FALLBACK_HINT}.")


def complete(llm: ChatModel, messages: Any, config: RunnableConfig | None = None) -> str:
    """The model's whole reply as one string (used for the condensed follow-up question)."""
    return "".join(stream_text(llm, messages, config))


def explain(exc: Exception, llm: ChatModel) -> LLMError:
    """Map an openai/httpx/stream-parsing exception to an LLMError; re-raise anything else."""
    import httpx
    import openai

    where = f"The language model at {endpoint(llm)}"
    timeout = getattr(llm, "request_timeout", None)
    match exc:
        case openai.APITimeoutError() | httpx.TimeoutException():
            return LLMError(f"{where} did not answer within {timeout} s. Check that the server is up "
                            f"and not overloaded, raise NEWSQA_LLM_TIMEOUT, {_FALLBACK_HINT}.")
        case openai.APIConnectionError() | httpx.ConnectError():
            return LLMError(f"{where} refused the connection. Is the server running? Check "
                            "OPENAI_BASE_URL, or run without it for extractive answers.")
        case openai.APIStatusError():
            return LLMError(f"{where} {_status_problem(exc)}")
        case (json.JSONDecodeError() | openai.APIResponseValidationError() | httpx.HTTPError()
              | ValueError()):  # langchain: "No generation chunks were returned" for a non-stream reply
            return LLMError(f"{where} sent a malformed response stream ({_first_line(exc)}). Check "
                            f"that OPENAI_BASE_URL points at an OpenAI-compatible server, {_FALLBACK_HINT}.")
        case openai.APIError():
            return LLMError(f"{where} reported an error: {_first_line(exc)}. {_FALLBACK_HINT.capitalize()}.")
    raise exc


def _status_problem(exc) -> str:
    """'failed with HTTP 500 (...). ...' — what a status code means and what to do about it."""
    status, detail = exc.status_code, _first_line(getattr(exc, "message", exc))
    if status == 429:
        return (f"is rate-limiting requests (HTTP 429: {detail}). Wait and retry, raise "
                f"NEWSQA_LLM_MAX_RETRIES, {_FALLBACK_HINT}.")
    if status in (401, 403):
        return f"rejected the credentials (HTTP {status}: {detail}). Check OPENAI_API_KEY."
    if status == 404:
        return (f"has no such model or route (HTTP 404: {detail}). Check NEWSQA_LLM_MODEL and that "
                "OPENAI_BASE_URL ends in /v1.")
    if status >= 500:
        return f"failed with HTTP {status} ({detail}). Retry later, {_FALLBACK_HINT}."
    return f"refused the request with HTTP {status} ({detail})."


def _first_line(value: object, limit: int = 160) -> str:
    text = str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
