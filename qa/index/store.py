"""The Chroma collection: embedded (`PersistentClient` under the data dir) or a server (`HttpClient`).

The collection records the identity of the embedder that filled it; opening it with another embedder
raises `EmbedderMismatchError` with instructions, because mixing vector spaces silently ruins search.
Chroma's default embedding function is never used (it would download a model): we always pass vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.config import Settings
from qa.errors import EmbedderMismatchError, StoreError
from qa.index.lexical import LexicalIndex, lexical_path
from qa.types import Chunk, EmbedderIdentity


@dataclass
class ArticleState:
    """What the store holds for one article: enough to decide skip / replace / prune."""

    content_hashes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    chunk_indexes: set[int] = field(default_factory=set)
    expected_chunks: int = -1

    def is_complete(self, content_hash: str) -> bool:
        """True when every chunk carries content_hash and none is missing (an interrupted write is not)."""
        return (
            self.content_hashes == {content_hash}
            and self.chunk_indexes == set(range(self.expected_chunks))
        )


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                settings=chroma_settings,
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises bare ValueError/ConnectionError variants
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_dir
        raise StoreError(f"Cannot open the Chroma store at {where}: {exc}") from exc


def _identity_metadata(identity: EmbedderIdentity) -> dict[str, str | int]:
    return {"embedder_provider": identity.provider, "embedder_model": identity.model,
            "embedder_dimension": identity.dimension}


class Store:
    """A thin wrapper over one Chroma collection holding `Chunk`s and their vectors."""

    def __init__(self, collection, batch_size: int):
        self.collection = collection
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        return self.collection.name

    def count(self) -> int:
        return self.collection.count()

    def upsert_many(self, groups: Sequence[Sequence[Chunk]], vectors: np.ndarray) -> None:
        """Upsert several articles' chunks at once; vectors are in the same (flattened) order."""
        chunks = [c for group in groups for c in group]
        counts = [len(group) for group in groups for _ in group]
        for lo in range(0, len(chunks), self.batch_size):
            part = chunks[lo : lo + self.batch_size]
            self.collection.upsert(
                ids=[c.id for c in part], documents=[c.text for c in part],
                embeddings=np.asarray(vectors[lo : lo + len(part)], dtype=np.float32),
                metadatas=[{**c.metadata(), "chunk_count": n} for c, n in zip(part, counts[lo:])],
            )

    def delete_article(self, article_id: str, keep_below: int = 0) -> None:
        """Delete an article's chunks whose index is >= keep_below (0 = all of them)."""
        where: dict = {"article_id": article_id}
        if keep_below:
            where = {"$and": [where, {"chunk_index": {"$gte": keep_below}}]}
        self.collection.delete(where=where)

    def set_story(self, article_ids: Sequence[str], story_id: str) -> None:
        """Record that the articles carry story_id, in the metadata of every chunk of theirs."""
        if not article_ids:
            return
        got = self.collection.get(where={"article_id": {"$in": list(article_ids)}}, include=[])
        if got["ids"]:
            self.collection.update(ids=got["ids"], metadatas=[{"story_id": story_id}] * len(got["ids"]))

    def article_chunks(self, article_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        """article id -> its chunks in order (what an article can be rebuilt from)."""
        out: dict[str, list[Chunk]] = {}
        ids = list(article_ids)
        for lo in range(0, len(ids), 100):
            got = self.collection.get(where={"article_id": {"$in": ids[lo : lo + 100]}},
                                      include=["documents", "metadatas"])
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                chunk = Chunk.from_record(cid, doc, meta)
                out.setdefault(chunk.article_id, []).append(chunk)
        return {aid: sorted(chunks, key=lambda c: c.index) for aid, chunks in out.items()}

    def articles(self) -> dict[str, ArticleState]:
        """article_id -> ArticleState, read from chunk metadata."""
        states: dict[str, ArticleState] = {}
        for _, meta in self._iter_metadata():
            state = states.setdefault(str(meta["article_id"]), ArticleState())
            state.content_hashes.add(str(meta.get("content_hash", "")))
            state.sources.add(str(meta.get("source", "")))
            state.urls.add(str(meta.get("url", "")))
            state.chunk_indexes.add(int(meta.get("chunk_index", 0)))
            state.expected_chunks = int(meta.get("chunk_count", -1))
        return states

    def stats(self) -> dict:
        """{"articles", "stories", "chunks", "outlets", "first_date", "last_date", "addressed_to_ai"} for
        `newsqa stats` (stories: syndicated copies count once; addressed_to_ai: articles holding text
        addressed to an AI, with their titles)."""
        articles, stories, outlets, dates, addressed = set(), set(), set(), [], {}
        for _, meta in self._iter_metadata():
            articles.add(meta.get("article_id"))
            stories.add(meta.get("story_id") or meta.get("article_id"))
            if meta.get("addressed_to_ai"):
                addressed[str(meta.get("article_id"))] = str(meta.get("title") or meta.get("source") or "")
            if meta.get("outlet"):
                outlets.add(str(meta["outlet"]))
            if meta.get("published_at"):
                dates.append(str(meta["published_at"])[:10])
        return {"collection": self.name, "articles": len(articles), "stories": len(stories), "chunks": self.count(),
                "outlets": sorted(outlets), "first_date": min(dates, default=None),
                "last_date": max(dates, default=None),
                "addressed_to_ai": [{"article_id": a, "title": t} for a, t in sorted(addressed.items())]}

    def _iter_metadata(self) -> Iterator[tuple[str, dict]]:
        total = self.count()
        for offset in range(0, total, self.batch_size):
            got = self.collection.get(include=["metadatas"], limit=self.batch_size, offset=offset)
            yield from zip(got["ids"], got["metadatas"])

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every chunk in the collection (used to rebuild the lexical index)."""
        total = self.count()
        for offset in range(0, total, self.batch_size):
            got = self.collection.get(
                include=["documents", "metadatas"], limit=self.batch_size, offset=offset
            )
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                yield Chunk.from_record(cid, doc, meta)

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order asked; ids not in the store are left out."""
        if not ids:
            return []
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        found = {cid: Chunk.from_record(cid, doc, meta)
                 for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}
        return [found[i] for i in ids if i in found]

    def query(self, vector: Sequence[float], n: int, where: dict | None = None,
              ids: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks to vector: (chunk, cosine similarity), best first; optionally only among ids."""
        if n <= 0 or ids is not None and not ids:
            return []  # (Chroma itself copes with n above the count and with an empty collection)
        try:
            got = self.collection.query(
                query_embeddings=[list(vector)], n_results=n, where=where or None,
                ids=list(ids) if ids is not None else None, include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:  # chromadb raises InternalError for an id it does not hold
            if ids is None:
                raise
            raise StoreError(f"Collection {self.name!r} lacks some of the chunk ids asked for: {exc}") from exc
        return [
            (Chunk.from_record(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]


def open_lexical(settings: Settings) -> LexicalIndex:
    """The lexical index that sits beside the configured collection (always local)."""
    return LexicalIndex(lexical_path(settings.data_dir, settings.collection))


def open_store(settings: Settings, identity: EmbedderIdentity) -> Store:
    """Open (creating if needed) the configured collection, checking the embedder identity."""
    client = _client(settings)
    try:
        collection = client.get_or_create_collection(
            settings.collection, embedding_function=None, metadata=_identity_metadata(identity),
            configuration={"hnsw": {"space": "cosine"}},
        )
        batch = client.get_max_batch_size()
    except Exception as exc:
        raise StoreError(f"Cannot open collection {settings.collection!r}: {exc}") from exc
    _check_identity(collection.metadata or {}, identity, settings.collection)
    return Store(collection, batch)


def _check_identity(meta: dict, identity: EmbedderIdentity, name: str) -> None:
    stored = (meta.get("embedder_provider"), meta.get("embedder_model"))
    if stored == (None, None) or stored == (identity.provider, identity.model):
        dims = meta.get("embedder_dimension") or 0
        if not dims or not identity.dimension or dims == identity.dimension:
            return
    raise EmbedderMismatchError(
        f"Collection {name!r} was built with embedder {stored[0]}/{stored[1]} "
        f"({meta.get('embedder_dimension')} dims), but {identity.provider}/{identity.model} is "
        f"configured. Either set NEWSQA_EMBEDDING_PROVIDER/NEWSQA_EMBEDDING_MODEL back, or re-index "
        f"into a new collection: NEWSQA_COLLECTION=news2 newsqa ingest <your sources>."
    )
