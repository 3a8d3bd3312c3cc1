"""Domain errors. Raised where input is checked; shown once at the edge (`ui/render.py`).

    NewsqaError                 its message is shown to the user as is
    ├── ConfigError             a setting is missing or invalid
    ├── EmbedderMismatchError   the collection was built with another embedder
    ├── StoreError              the vector store cannot be reached or used
    ├── SourceError             a file, record, URL or feed cannot be read
    ├── EmptyIndexError         nothing is indexed to answer from
    └── LLMError                the chat model's endpoint failed (.endpoint)
        ├── LLMUnreachable      nothing accepted the connection
        ├── LLMTimeout          no answer within .timeout seconds
        ├── LLMCutOff           the reply stopped early, after .arrived characters
        ├── LLMRejected         an HTTP error (.status, .detail)
        │   └── LLMContextOverflow  HTTP 400/413: the prompt is longer than the model's context
        └── LLMBadResponse      a reply that is not an OpenAI-compatible stream (.detail)

Each LLM error carries what its message needs, and builds the message from it, so a test (or a front
end) tells failures apart by class and fields, never by message text.
"""

from __future__ import annotations


class NewsqaError(Exception):
    """Base class: its message is shown to the user as is, so make it readable and actionable."""


class ConfigError(NewsqaError):
    """A setting is missing or invalid."""


class EmbedderMismatchError(NewsqaError):
    """The collection was built with a different embedder than the one configured."""


class StoreError(NewsqaError):
    """The vector store cannot be reached or used."""


class SourceError(NewsqaError):
    """A source (file, record, URL, feed) cannot be read; the message names it."""


class EmptyIndexError(NewsqaError):
    """There is nothing indexed to answer from."""


FALLBACK_HINT = "or use --fallback (NEWSQA_FALLBACK_EXTRACTIVE=true) for an extractive answer"


class LLMError(NewsqaError):
    """The configured chat model endpoint failed; endpoint is the base URL it was asked at.

    >>> str(LLMTimeout("http://127.0.0.1:8080/v1", timeout=30.0)).split(". ")[0]
    'The language model at http://127.0.0.1:8080/v1 did not answer within 30.0 s'
    """

    def __init__(self, endpoint: str, problem: str = "reported an error"):
        self.endpoint = endpoint
        super().__init__(f"The language model at {endpoint} {problem}")


class LLMUnreachable(LLMError):
    """Nothing accepted the connection (server down, wrong host or port)."""

    def __init__(self, endpoint: str):
        super().__init__(endpoint, "refused the connection. Is the server running? Check OPENAI_BASE_URL, "
                                   "or run without it for extractive answers.")


class LLMTimeout(LLMError):
    """No answer within timeout seconds."""

    def __init__(self, endpoint: str, timeout: float | None):
        self.timeout = timeout
        super().__init__(endpoint, f"did not answer within {timeout} s. Check that the server is up and not "
                                   f"overloaded, raise NEWSQA_LLM_TIMEOUT, {FALLBACK_HINT}.")


class LLMCutOff(LLMError):
    """The reply stopped before it was done, after arrived characters; closed: the connection was closed
    (else the stream ended without saying why)."""

    def __init__(self, endpoint: str, arrived: int, closed: bool):
        self.arrived, self.closed = arrived, closed
        got = f"after {arrived} characters of it had arrived" if arrived else "before any of it arrived"
        why = "the connection closed early" if closed else "the stream ended before the answer did"
        super().__init__(endpoint, f"cut its answer off mid-stream, {got} ({why}). Check the server's "
                                   f"logs, {FALLBACK_HINT}.")


class LLMRejected(LLMError):
    """The server answered with an HTTP error: status, and detail (what it said, one line)."""

    def __init__(self, endpoint: str, status: int, detail: str, route: str = ""):
        self.status, self.detail, self.route = status, detail, route
        super().__init__(endpoint, self._problem())

    def _problem(self) -> str:
        status, detail = self.status, self.detail
        if status == 429:
            return (f"is rate-limiting requests (HTTP 429: {detail}). Wait and retry, raise "
                    f"NEWSQA_LLM_MAX_RETRIES, {FALLBACK_HINT}.")
        if status in (401, 403):
            return f"rejected the credentials (HTTP {status}: {detail}). Check OPENAI_API_KEY."
        if status == 404:
            return (f"has no {self.route or 'the route'} or no such model (HTTP 404). Check that "
                    "OPENAI_BASE_URL ends in /v1 and that NEWSQA_LLM_MODEL names a model it serves.")
        if status >= 500:
            return f"failed with HTTP {status} ({detail}). Retry later, {FALLBACK_HINT}."
        return f"refused the request with HTTP {status} ({detail})."


class LLMContextOverflow(LLMRejected):
    """HTTP 400/413 saying the prompt is longer than the model's context window."""

    def _problem(self) -> str:
        return (f"rejected the prompt as too long for its context window (HTTP {self.status}: {self.detail}). "
                "Set NEWSQA_LLM_CONTEXT to the server's context size (e.g. llama.cpp's --n_ctx), or lower "
                "NEWSQA_TOP_K.")


class LLMBadResponse(LLMError):
    """A reply that is not an OpenAI-compatible stream (or an error the client could not place); detail
    says what was wrong, malformed: the stream could not be parsed."""

    def __init__(self, endpoint: str, detail: str, malformed: bool = True):
        self.detail, self.malformed = detail, malformed
        problem = (f"sent a malformed response stream ({detail}). Check that OPENAI_BASE_URL points at an "
                   f"OpenAI-compatible server, {FALLBACK_HINT}." if malformed else
                   f"reported an error: {detail}. U{FALLBACK_HINT[4:]}.")
        super().__init__(endpoint, problem)
