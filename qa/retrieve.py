"""Hybrid retrieval: dense (Chroma) + lexical (SQLite FTS5 BM25), fused by reciprocal rank fusion.

Both retrievers get the same filters, so a filter that matches nothing returns nothing (never
everything). After fusion a per-article cap keeps one long article from crowding out the rest.

>>> retriever = make_retriever(settings, store, lexical, embeddings)       # doctest: +SKIP
>>> [h.chunk.id for h in retriever.search("INF Treaty", k=2)]               # doctest: +SKIP
['3f2a...:0004', '3f2a...:0005']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from qa.errors import ConfigError, EmptyIndexError
from qa.types import Chunk, Filters, SearchHit

MODES = ("hybrid", "dense", "lexical")


def _day(value) -> int:
    return int(value.strftime("%Y%m%d"))


def chroma_where(filters: Filters | None) -> dict | None:
    """The Chroma `where` clause for filters; None when there is nothing to filter on.

    A date bound excludes chunks of unknown date (published_day 0), as the lexical index does.

    >>> from datetime import date
    >>> chroma_where(Filters(since=date(2018, 11, 1), outlets=("TASS",)))
    {'$and': [{'published_day': {'$gte': 20181101}}, {'outlet_key': {'$in': ['tass']}}]}
    >>> chroma_where(Filters()) is None
    True
    """
    if filters is None or filters.empty:
        return None
    clauses: list[dict] = []
    if filters.since or filters.until:
        low = _day(filters.since) if filters.since else 1
        clauses.append({"published_day": {"$gte": low}})
    if filters.until:
        clauses.append({"published_day": {"$lte": _day(filters.until)}})
    if filters.outlets:
        clauses.append({"outlet_key": {"$in": [o.casefold() for o in filters.outlets]}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def rrf(rankings: Sequence[tuple[Sequence[str], float]], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal rank fusion: id -> sum of weight / (rrf_k + rank), rank from 1.

    >>> rrf([(["a", "b"], 1.0), (["b"], 1.0)], rrf_k=60) == {"a": 1 / 61, "b": 1 / 62 + 1 / 61}
    True
    """
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, 1):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank)
    return fused


def cap_per_article(ranked: Sequence[tuple[Chunk, float]], k: int, per_article: int) -> list[SearchHit]:
    """The best k (chunk, score) pairs, at most per_article per article (0 = no cap), as SearchHits."""
    hits: list[SearchHit] = []
    taken: dict[str, int] = {}
    for chunk, score in ranked:
        if per_article and taken.get(chunk.article_id, 0) >= per_article:
            continue
        taken[chunk.article_id] = taken.get(chunk.article_id, 0) + 1
        hits.append(SearchHit(len(hits) + 1, score, chunk))
        if len(hits) >= k:
            break
    return hits


class HybridRetriever:
    """Search one Store and its LexicalIndex together.

    k: results returned; per_article: cap per article (0 = none); candidates: how many each retriever
    contributes before fusion; rrf_k, dense_weight, lexical_weight: the fusion parameters.
    """

    def __init__(self, store, lexical, embeddings, *, k: int = 6, per_article: int = 3,
                 candidates: int = 50, rrf_k: int = 60, dense_weight: float = 1.0,
                 lexical_weight: float = 1.0):
        self.store, self.lexical, self.embeddings = store, lexical, embeddings
        self.k, self.per_article, self.candidates = k, per_article, candidates
        self.rrf_k, self.dense_weight, self.lexical_weight = rrf_k, dense_weight, lexical_weight
        self._lexical_checked = False

    def ensure_lexical(self) -> bool:
        """Rebuild the lexical index from the store when their chunk counts differ; True if rebuilt."""
        self._lexical_checked = True
        if self.lexical.count() == self.store.count():
            return False
        self.lexical.rebuild(self.store.iter_chunks())
        return True

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = "hybrid") -> list[SearchHit]:
        """The best k chunks for query under filters, best first; mode is hybrid, dense or lexical.

        Raises EmptyIndexError when nothing is indexed; returns [] when the filters match nothing.
        """
        if mode not in MODES:
            raise ConfigError(f"Unknown search mode {mode!r}; choose one of: {', '.join(MODES)}.")
        k = self.k if k is None else k
        if not query.strip() or k <= 0:
            return []
        if self.store.count() == 0:
            raise EmptyIndexError(
                f"Nothing is indexed in collection {self.store.name!r} yet: "
                "run `newsqa ingest <files, folders or URLs>` first (try `newsqa ingest samples/`)."
            )
        if not self._lexical_checked:
            self.ensure_lexical()
        dense = self._dense(query, filters) if mode != "lexical" else []
        lexical = self._lexical(query, filters) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def _dense(self, query: str, filters: Filters | None) -> list[Chunk]:
        vector = self.embeddings.embed_query(query)
        return [c for c, _ in self.store.query(vector, self.candidates, chroma_where(filters))]

    def _lexical(self, query: str, filters: Filters | None) -> list[str]:
        return [cid for cid, _ in self.lexical.search(query, self.candidates, filters)]

    def _fuse(self, dense: list[Chunk], lexical_ids: list[str], k: int) -> list[SearchHit]:
        fused = rrf([([c.id for c in dense], self.dense_weight), (lexical_ids, self.lexical_weight)],
                    self.rrf_k)
        known = {c.id: c for c in dense}
        ranked_ids = sorted(fused, key=lambda cid: -fused[cid])
        # Lexical-only ids are read from the store; ids it no longer has (a lagging index) drop out.
        known.update((c.id, c) for c in self.store.get([cid for cid in ranked_ids if cid not in known]))
        ranked = [(known[cid], fused[cid]) for cid in ranked_ids if cid in known]
        return cap_per_article(ranked, k, self.per_article)

    def as_langchain(self, k: int | None = None, filters: Filters | None = None) -> BaseRetriever:
        """This retriever as a LangChain `BaseRetriever` (Documents with chunk metadata)."""
        return NewsRetriever(hybrid=self, k=k, filters=filters)


def hit_document(hit: SearchHit) -> Document:
    """SearchHit -> Document(page_content=text, metadata={rank, score, chunk_id, ..., start, end})."""
    meta = {key: value for key, value in hit.to_dict().items() if key != "text"}
    meta.update(author=hit.chunk.author, start=hit.chunk.start, end=hit.chunk.end)
    return Document(page_content=hit.chunk.text, metadata=meta, id=hit.chunk.id)


class NewsRetriever(BaseRetriever):
    """LangChain face of HybridRetriever: `NewsRetriever(hybrid=r, k=4).invoke("INF Treaty")`."""

    hybrid: Any
    k: int | None = None
    filters: Any = None

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_document(h) for h in self.hybrid.search(query, self.k, self.filters)]


def make_retriever(settings, store, lexical, embeddings) -> HybridRetriever:
    """A HybridRetriever configured from Settings (top_k, max_chunks_per_article, ...)."""
    return HybridRetriever(
        store, lexical, embeddings, k=settings.top_k, per_article=settings.max_chunks_per_article,
    )
