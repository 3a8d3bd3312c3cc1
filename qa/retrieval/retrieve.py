"""Hybrid retrieval: dense (Chroma) + lexical (SQLite FTS5 BM25), fused by reciprocal rank fusion.

Both retrievers get the same filters, so a filter that matches nothing returns nothing (never
everything). After fusion a per-article cap keeps one long article from crowding out the rest, and
syndicated copies of a story fold into one hit (`qa.retrieval.collapse`) that lists the other outlets carrying it.

What a question says about time and source (`qa.query.Understanding`) steers the ranking softly:
each named outlet, and the date window, adds a ranking searched under that cue to the fusion, and
"latest" adds one by publication date. The cues only add rankings, so they never empty a result
set and never drop articles of unknown date; filters the user sets stay hard.

    retriever = make_retriever(settings, store, lexical, embeddings)
    [h.chunk.id for h in retriever.search("INF Treaty", k=2)]
['3f2a...:0004', '3f2a...:0005']
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from qa.dates import day_date
from qa.errors import ConfigError, EmptyIndexError, StoreError
from qa.index.stories import StoryIndex
from qa.query import Catalogue, Understanding, understand
from qa.retrieval import MODES
from qa.retrieval.collapse import Group, collapse, representative
from qa.retrieval.copies import CopyJudge
from qa.types import DEFAULT_K, Chunk, Copy, Filters, SearchHit

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.index.lexical import LexicalIndex
    from qa.index.store import Store
    from qa.protocols import Embedder

log = logging.getLogger(__name__)

OVERFETCH = 8  # how much wider the unfiltered dense query is when filters are set (see `_dense`)
MAX_FILTER_IDS = 10_000  # above this many allowed chunks, searching among their ids stops paying off
WINDOW_SLACK = timedelta(days=1)  # a report of an event is often published the day after (or, by UTC, before)


@dataclass(frozen=True)
class Ranking:
    """One retriever's chunk ids, best first, and the weight fusion gives them."""

    ids: list[str]
    weight: float


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


class HybridRetriever:
    """Search one Store and its LexicalIndex together.

    k: results returned; per_article: cap per article (0 = none); candidates: how many each retriever
    contributes before fusion; rrf_k, dense_weight, lexical_weight: the fusion parameters (defaults
    chosen with bench/retrieval.py); cue_weight: the weight of each ranking searched under a cue of
    the question (an outlet, a date window, "latest"); recheck_seconds: how often the lexical index is compared with
    the store (it is rebuilt when their chunk counts differ); stories: which articles are copies of one
    story (None: none are, nothing is collapsed).
    """

    def __init__(self, store: Store, lexical: LexicalIndex, embeddings: Embedder, *, k: int = DEFAULT_K,
                 per_article: int = 3, candidates: int = 30, rrf_k: int = 15, dense_weight: float = 0.95,
                 lexical_weight: float = 1.0, cue_weight: float = 1.0, recheck_seconds: float = 60.0,
                 stories: StoryIndex | None = None):
        self.store, self.lexical, self.embeddings, self.stories = store, lexical, embeddings, stories
        self.k, self.per_article, self.candidates = k, per_article, candidates
        self.rrf_k, self.dense_weight, self.lexical_weight = rrf_k, dense_weight, lexical_weight
        self.cue_weight, self.recheck_seconds = cue_weight, recheck_seconds
        self._checked_at: float | None = None
        self._check_lock = threading.Lock()  # web threads share one retriever: rebuild only once

    def ensure_lexical(self) -> bool:
        """Rebuild the lexical index from the store when their chunk counts differ; True if rebuilt."""
        with self._check_lock:
            self._checked_at = time.monotonic()
            if self.lexical.count() == self.store.count():
                if self.stories is not None and not self.stories.count()[0] and self.store.count():
                    self.stories.adopt(self.store.iter_chunks())  # an index from before stories existed
                return False
            firsts: dict[str, Chunk] = {}  # each article's first chunk: what its story is adopted from

            def recorded(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
                for chunk in chunks:
                    firsts.setdefault(chunk.article_id, chunk)
                    yield chunk

            self.lexical.rebuild(recorded(self.store.iter_chunks()))
            if self.stories is not None:
                self.stories.adopt(firsts.values())
            return True

    def understand(self, question: str, as_of: date | None = None) -> Understanding:
        """What question says about dates, outlets and answer kind, read against this index."""
        outlets, newest = self.lexical.catalogue()
        return understand(question, as_of=as_of, catalogue=Catalogue(outlets, day_date(newest)))

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = "hybrid", cues: Understanding | None = None) -> list[SearchHit]:
        """The best k chunks for query under filters, best first; mode is hybrid, dense or lexical.

        cues (from `understand`) boost passages of the outlets and dates the question names.
        Raises EmptyIndexError when nothing is indexed; returns [] when the filters match nothing.
        """
        if mode not in MODES:
            raise ConfigError(f"Unknown search mode {mode!r}; choose one of: {', '.join(MODES)}.")
        k = self.k if k is None else k
        if not query.strip() or k <= 0:
            return []
        if self._checked_at is None or time.monotonic() - self._checked_at > self.recheck_seconds:
            self.ensure_lexical()
        # BM25 matches words, and an outlet's name in the question matches the wrong ones ("TechCrunch"
        # in passages quoting TechCrunch): the lexical side searches without them (dates stay: "2018
        # Winter Olympics" is a name as often as a time).
        words = cues.residual(query, dates=False).replace("_", " ") if cues is not None else query
        known: dict[str, Chunk] = {}  # the chunks read so far (the dense side reads them)
        rankings = self._rankings(query, words, filters, cues, mode, known)
        hits = self._fuse(rankings, known, k, {o.casefold() for o in cues.outlets} if cues is not None else set())
        if not hits and self.store.count() == 0:
            raise EmptyIndexError(
                f"Nothing is indexed in collection {self.store.name!r} yet: "
                "run `newsqa ingest <files, folders or URLs>` first (try `newsqa ingest samples/`)."
            )
        return hits

    def _rankings(self, query: str, words: str, filters: Filters | None, cues: Understanding | None,
                  mode: str, known: dict[str, Chunk]) -> list[Ranking]:
        """What fusion weighs: the question under the user's filters, again under each cue of the question
        (an outlet, a date window), each part of a two-part question, and for "latest" newest first.
        words: the question for BM25 (without the outlets it names); known gets the chunks read."""
        vector = self.embeddings.embed_query(query) if mode != "lexical" else None
        searches = [(vector, words, filters, 1.0)]
        searches += [(vector, words, cue, self.cue_weight) for cue in cue_filters(cues, filters)]
        searches += [(self.embeddings.embed_query(part) if mode != "lexical" else None, part, part_filters,
                      self.cue_weight) for part, part_filters in part_queries(cues, filters)]
        rankings = []
        for dense_query, lexical_query, where, weight in searches:
            if mode != "lexical":
                chunks = self._dense(dense_query, where)
                known.update((c.id, c) for c in chunks)
                rankings.append(Ranking([c.id for c in chunks], self.dense_weight * weight))
            if mode != "dense":
                rankings.append(Ranking(self._lexical(lexical_query, where), self.lexical_weight * weight))
        if cues is not None and cues.recency:  # every chunk read, newest publication first (unknown last)
            newest = sorted(known.values(), key=lambda c: c.published_at or "", reverse=True)
            rankings.append(Ranking([c.id for c in newest], self.cue_weight))
        return rankings

    def _dense(self, vector, filters: Filters | None) -> list[Chunk]:
        """The nearest `candidates` chunks that pass filters.

        Chroma's metadata pre-filter costs ~300 ms at 100k chunks. Two exact shortcuts avoid it: a
        selective filter picks its chunk ids from the lexical index's indexed table (~5 ms) and Chroma
        searches among those ids (~30 ms); a broad one filters a wider unfiltered query, which holds
        every passing chunk nearer than the ones kept. The pre-filter is left for what falls between.
        """
        if filters is None or filters.empty:
            return [c for c, _ in self.store.query(vector, self.candidates)]
        ids = self.lexical.ids_matching(filters, limit=MAX_FILTER_IDS)
        if ids is not None:
            try:
                return [c for c, _ in self.store.query(vector, self.candidates, ids=ids)]
            except StoreError:  # the lexical index lists a chunk the collection lacks (another writer)
                log.info("lexical index out of step with the collection; filtering in Chroma instead")
        wide = self.store.query(vector, self.candidates * OVERFETCH)
        kept = [c for c, _ in wide if filters.allows(c)]
        if len(kept) >= self.candidates or len(wide) < self.candidates * OVERFETCH:
            return kept[: self.candidates]
        return [c for c, _ in self.store.query(vector, self.candidates, chroma_where(filters))]

    def _lexical(self, query: str, filters: Filters | None) -> list[str]:
        return [cid for cid, _ in self.lexical.search(query, self.candidates, filters)]

    def _fuse(self, rankings: list[Ranking], known: dict[str, Chunk], k: int,
              named: set[str] = frozenset()) -> list[SearchHit]:
        """RRF of the rankings, capped per article, copies collapsed; only the chunks that matter are
        read from the store. named: outlets the question names (their copy is cited)."""
        # fuse: one score per chunk id, best first
        fused = rrf([(r.ids, r.weight) for r in rankings], self.rrf_k)
        ranked = sorted(fused, key=lambda cid: -fused[cid])
        # who copies whom, among the stories with two or more articles ranked
        judge = CopyJudge(ranked, known, self.stories, lambda ids: self._read(known, ids))
        while True:
            # keep k passages, at most per_article of a story, copies folded into the passage they copy
            groups = collapse(ranked, k, self.per_article, article_of=judge.article_of, story_of=judge.story.get,
                              same=judge.same, original_of=judge.originals.get)
            # read what was kept; an id the store lacks (a lexical index lagging it) is dropped and we go again
            missing = [cid for g in groups for cid in g.ids if cid not in known]
            self._read(known, missing)
            gone = {cid for cid in missing if cid not in known}
            if not gone:
                return self._hits(groups, fused, known, named, judge.versions)
            ranked = [cid for cid in ranked if cid not in gone]

    def _read(self, known: dict[str, Chunk], ids: Iterable[str]) -> None:
        known.update((c.id, c) for c in self.store.get([cid for cid in ids if cid not in known]))

    def _hits(self, groups: list[Group], fused: dict[str, float], known: dict[str, Chunk],
              named: set[str], versions: set[frozenset[str]] = frozenset()) -> list[SearchHit]:
        """One SearchHit per group: cited by its representative copy, listing the story's other copies
        except the versions of this passage (another figure, name or negation: they don't carry it)."""
        members = self.stories.members({g.story for g in groups}) if self.stories is not None else {}
        hits = []
        for rank, group in enumerate(groups, 1):
            copies = members.get(group.story, [])
            lead = representative(group, known.__getitem__, copies[0].article_id if copies else None, named)
            chunk = known[lead]
            others = tuple(c for c in copies if c.article_id != chunk.article_id
                           and frozenset((c.article_id, chunk.article_id)) not in versions)
            hits.append(SearchHit(rank, fused[group.ids[0]], chunk, others))
        return hits

    def as_langchain(self, k: int | None = None, filters: Filters | None = None,
                     cues: Understanding | None = None):
        """This retriever as a LangChain `BaseRetriever` returning Documents with chunk metadata.

        The answering chain retrieves through it, so LangChain callbacks and tracing see each search::

            retriever.as_langchain(k=4).invoke("INF Treaty")[0].metadata["chunk_id"]  # '3f2a...:0007'
        """
        return _langchain_class()(hybrid=self, k=k, filters=filters, cues=cues)


def cue_filters(cues: Understanding | None, filters: Filters | None) -> list[Filters]:
    """The soft cues of a question as filters, each within the user's own (hard) filters.

    One per named outlet (so each outlet of "did X and Y both report ..." is represented), dated
    with the question's window widened by WINDOW_SLACK; the window alone when no outlet is named.

    >>> from qa.query import understand
    >>> cues = understand("Did TASS report it in March 2018?", catalogue=Catalogue(("TASS", "RIA")))
    >>> [(f.since.isoformat(), f.until.isoformat(), f.outlets) for f in cue_filters(cues, None)]
    [('2018-02-28', '2018-04-01', ('TASS',))]
    """
    if cues is None or (cues.window is None and not cues.outlets):
        return []
    base = filters or Filters()
    window = cues.window
    since = window.since - WINDOW_SLACK if window and window.since else None
    until = window.until + WINDOW_SLACK if window and window.until else None
    wanted = [(o,) for o in cues.outlets] or [()]
    narrowed = (base.narrowed(since, until, outlets) for outlets in wanted)
    return [f for f in narrowed if f is not None and f != base]


def part_queries(cues: Understanding | None, filters: Filters | None) -> list[tuple[str, Filters | None]]:
    """Each clause of a comparison question, with the filters its own outlets add (soft, like cues)."""
    out = []
    for text, outlets in (cues.parts if cues is not None else ()):
        narrowed = (filters or Filters()).narrowed(outlets=outlets) if outlets else filters
        out.append((cues.residual(text, dates=False).replace("_", " "), narrowed if narrowed is not None else filters))
    return out


def hit_document(hit: SearchHit):
    """SearchHit -> Document(page_content=text, metadata={rank, score, chunk_id, article_id, ..., start, end})."""
    from langchain_core.documents import Document

    meta = {**hit.chunk.metadata(), "rank": hit.rank, "score": hit.score, "chunk_id": hit.chunk.id,
            "copies": [c.to_dict() for c in hit.copies]}
    return Document(page_content=hit.chunk.text, metadata=meta, id=hit.chunk.id)


def document_hit(document) -> SearchHit:
    """The inverse of `hit_document`: a retrieved Document back as the SearchHit it was."""
    meta = document.metadata
    chunk = Chunk.from_record(document.id or meta["chunk_id"], document.page_content, meta)
    copies = tuple(Copy(**c) for c in meta.get("copies", ()))
    return SearchHit(int(meta.get("rank", 0)), float(meta.get("score", 0.0)), chunk, copies)


@cache
def _langchain_class():
    """The BaseRetriever subclass, defined on first use (langchain_core takes a while to import)."""
    from typing import Any

    from langchain_core.retrievers import BaseRetriever

    class NewsRetriever(BaseRetriever):
        """LangChain face of HybridRetriever (`hybrid`), searching with fixed k and filters."""

        hybrid: Any
        k: int | None = None
        filters: Any = None
        cues: Any = None

        def _get_relevant_documents(self, query: str, *, run_manager) -> list:
            return [hit_document(h) for h in self.hybrid.search(query, self.k, self.filters, cues=self.cues)]

    return NewsRetriever


def make_retriever(settings: Settings, store: Store, lexical: LexicalIndex, embeddings: Embedder,
                   stories: StoryIndex | None = None) -> HybridRetriever:
    """A HybridRetriever configured from Settings (top_k, max_chunks_per_article, ...); stories default
    to the ones kept beside lexical, ordered by NEWSQA_PREFERRED_OUTLETS."""
    return HybridRetriever(
        store, lexical, embeddings, k=settings.top_k, per_article=settings.max_chunks_per_article,
        candidates=settings.retrieval_candidates, rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight,
        cue_weight=settings.cue_weight, stories=stories or StoryIndex(lexical, settings.preferred),
    )
