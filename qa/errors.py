"""Domain errors. Raised where input is checked; rendered once at the edge (CLI, web, Slack)."""


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


class LLMError(NewsqaError):
    """The configured chat model endpoint failed (connection, timeout, 429, 5xx, bad stream)."""
