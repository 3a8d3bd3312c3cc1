"""The contracts between newsqa's parts, written down: what an embedder, a retriever and a chat model
must offer. Anything with these methods can stand in (a class need not inherit from them).

>>> from qa.index.embeddings import LocalEmbeddings
>>> isinstance(LocalEmbeddings(), Embedder), isinstance(LocalEmbeddings(), TokenCounting)
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # only for annotations: protocols import nothing heavy at run time
    import numpy as np
    from langchain_core.messages import BaseMessageChunk
    from langchain_core.retrievers import BaseRetriever

    from qa.query import Understanding
    from qa.types import EmbedderIdentity, Filters, SearchHit


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors: LangChain's `Embeddings` interface plus the two things newsqa needs on top.

    `identity` is recorded by a collection so it is never queried with another model's vectors;
    `embed_array` returns an (n, dimension) float32 array of unit vectors, for the sentence matching
    of the answerer and the citation check.
    """

    @property
    def identity(self) -> EmbedderIdentity: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_array(self, texts: list[str]) -> np.ndarray: ...


@runtime_checkable
class TokenCounting(Protocol):
    """An embedder that can count its own tokens, so the chunker packs passages to its real limit.

    Optional: without it, ingest estimates tokens (`ingest.chunk.approx_tokens`).
    """

    def count_tokens(self, texts: list[str]) -> list[int]: ...


@runtime_checkable
class Retriever(Protocol):
    """Finds the passages for a question: `HybridRetriever` is the one newsqa ships."""

    k: int

    def understand(self, question: str, as_of: date | None = None) -> Understanding: ...

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = "hybrid", cues: Understanding | None = None) -> list[SearchHit]: ...

    def as_langchain(self, k: int | None = None, filters: Filters | None = None,
                     cues: Understanding | None = None) -> BaseRetriever: ...


@runtime_checkable
class ChatModel(Protocol):
    """The part of a LangChain chat model newsqa calls (`ChatOpenAI` in practice): streaming."""

    def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[BaseMessageChunk]: ...
