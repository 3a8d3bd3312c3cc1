"""Idempotent indexing: Articles -> chunks -> vectors -> Chroma + lexical index.

- Unchanged articles (same id, same content hash, all chunks present) are skipped.
- Changed articles have all their chunks replaced; none of the old ones survive.
- Writes go to the lexical index first and to Chroma last, and every chunk carries its article's
  content hash and chunk count, so an ingest killed mid-way is detected and redone on the next run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.article import Article, Skip, canonical_url
from ingest.chunk import TokenCounter, approx_tokens, chunk_article
from ingest.stories import StoryKeeper
from qa.errors import NewsqaError
from qa.index.lexical import LexicalIndex
from qa.index.store import ArticleState, Store
from qa.protocols import TokenCounting
from qa.text import is_http_url
from qa.types import Chunk

if TYPE_CHECKING:
    from qa.protocols import Embedder

Progress = Callable[[int, int], None]  # (articles seen, chunks written)


@dataclass
class IngestReport:
    """What one ingest run did; `to_dict()` is the `newsqa ingest --json` output."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    addressed_to_ai: int = 0  # articles written this run that hold text addressed to an AI
    copies: int = 0  # articles written this run that are copies of a story already indexed
    skipped: list[Skip] = field(default_factory=list)
    notes: list[Skip] = field(default_factory=list)  # read, but with care: (source, what was done)

    @property
    def ok(self) -> bool:
        """False when nothing could be read at all (every source was skipped)."""
        return bool(self.added or self.updated or self.unchanged or self.removed) or not self.skipped

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "chunks": self.chunks, "addressed_to_ai": self.addressed_to_ai,
                "copies": self.copies, "skipped": [s.to_dict() for s in self.skipped],
                "notes": [n.to_dict() for n in self.notes]}


def passage_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its text, with the headline in front of the first chunk only.

    Measured (bench/retrieval.py): a headline in every chunk pulls all of an article's chunks towards
    it and lowers MRR@10 on the sample from 0.950 to 0.825; on the lead chunk alone it costs nothing.
    """
    return f"{chunk.title}\n{chunk.text}" if chunk.title and chunk.index == 0 else chunk.text


@dataclass
class _Run:
    """The state of one `Indexer.ingest` call (kept off the Indexer: runs may overlap in the web app)."""

    states: dict[str, ArticleState]
    report: IngestReport = field(default_factory=IngestReport)
    seen: dict[str, str] = field(default_factory=dict)  # article id -> source, this run
    added: set[str] = field(default_factory=set)  # ids new to the store this run
    written: list[str] = field(default_factory=list)  # ids written this run (new or replaced)
    pending: list[tuple[Article, list[Chunk], bool]] = field(default_factory=list)  # (article, chunks, existed)

    def pending_chunks(self) -> int:
        return sum(len(chunks) for _, chunks, _ in self.pending)


class Indexer:
    """Writes articles into one Store and its LexicalIndex, batching the embedding work.

    stories: finds syndicated copies and gives each article its story (None: every article is a story).
    """

    def __init__(self, store: Store, lexical: LexicalIndex, embeddings: Embedder, *, chunk_tokens: int = 128,
                 overlap: int = 1, batch_chunks: int = 256, stories: StoryKeeper | None = None):
        self.store, self.lexical, self.embeddings, self.stories = store, lexical, embeddings, stories
        self.chunk_tokens, self.overlap, self.batch_chunks = chunk_tokens, overlap, batch_chunks
        # an embedder that counts its own tokens packs chunks to its real limit; others are estimated
        self.count_tokens: TokenCounter = (embeddings.count_tokens if isinstance(embeddings, TokenCounting)
                                           else approx_tokens)

    def ingest(self, items: Iterable[Article | Skip], *, prune: bool = False,
               progress: Progress | None = None) -> IngestReport:
        """Index every Article in items, record every Skip; with prune, remove vanished articles."""
        run = _Run(self.store.articles())
        if self.stories is not None:
            self._reconcile(run.states)
        for n, item in enumerate(items, 1):
            if isinstance(item, Skip):
                run.report.skipped.append(item)
            else:
                self._consider(_with_resolved_source(item), run)
            if run.pending_chunks() >= self.batch_chunks:
                self._flush(run)
            if progress:
                progress(n, run.report.chunks + run.pending_chunks())
        self._flush(run)
        self._retire(run, prune)
        if self.stories is not None:
            moved = self.stories.reconsider(run.written)
            for story in set(moved.values()):  # one metadata update per story, not per article
                self.store.set_story([aid for aid, s in moved.items() if s == story], story)
            run.report.copies += len(moved)
        return run.report

    def _consider(self, article: Article, run: _Run) -> None:
        aid, report = article.id, run.report
        if aid in run.seen:
            report.skipped.append(Skip(article.source, f"duplicate of an article already read from {run.seen[aid]}"))
            return
        run.seen[aid] = article.source
        if article.note:
            report.notes.append(Skip(article.source, article.note))
        state = run.states.get(aid)
        if state is not None and state.is_complete(article.content_hash):
            report.unchanged += 1
            return
        chunks = chunk_article(article, self.chunk_tokens, self.overlap, self.count_tokens)
        if not chunks:
            report.skipped.append(Skip(article.source, "no text left after cleaning"))
            return
        if self.stories is not None:
            if state is not None:
                self.stories.forget([aid])
            assignment = self.stories.assign(article)
            chunks = [replace(c, story_id=assignment.story_id) for c in chunks]
            report.copies += assignment.copy_of is not None
        run.pending.append((article, chunks, state is not None))

    def _flush(self, run: _Run) -> None:
        if not run.pending:
            return
        all_chunks = [c for _, chunks, _ in run.pending for c in chunks]
        vectors = self.embeddings.embed_array([passage_text(c) for c in all_chunks])
        for article, chunks, _ in run.pending:
            self.lexical.replace_article(article.id, chunks)
        self.store.upsert_many([chunks for _, chunks, _ in run.pending], vectors)
        for article, chunks, existed in run.pending:
            if existed:
                self.store.delete_article(article.id, keep_below=len(chunks))
                run.report.updated += 1
            else:
                run.report.added += 1
                run.added.add(article.id)
            run.states[article.id] = ArticleState({article.content_hash}, {article.source}, {article.url},
                                                  set(range(len(chunks))), len(chunks))
            run.written.append(article.id)
        if self.stories is not None:
            self.stories.commit()
        run.report.chunks += len(all_chunks)
        run.report.addressed_to_ai += sum(any(c.addressed_to_ai for c in chunks) for _, chunks, _ in run.pending)
        run.pending.clear()

    def _retire(self, run: _Run, prune: bool) -> None:
        """Remove articles a re-read source no longer yields (an edited file replaces its article);
        with prune, also those whose source file is gone.

        A source with any skipped record this run is left alone: a parse error must not delete data.
        """
        states, seen, report = run.states, run.seen, run.report
        reread = set(seen.values()) - {_source_file(s.source) for s in report.skipped}
        # An old article retired by a source that also yielded a new one counts as that one's update.
        new_from = Counter(src for aid, src in seen.items() if aid in run.added)
        for aid, st in list(states.items()):
            files = {s for s in st.sources if s and not is_http_url(s)}
            if aid in seen or not files:
                continue
            if files <= reread:
                source = next((f for f in files if new_from[f] > 0), None)
                replaced = source is not None
                if replaced:
                    new_from[source] -= 1
                report.updated, report.added = report.updated + replaced, report.added - replaced
                report.removed += not replaced
            elif prune and not any(Path(f).exists() for f in files):
                report.removed += 1
            else:
                continue
            self.remove(aid)
            del states[aid]

    def remove(self, article_id: str) -> None:
        """Delete one article from both indexes (Chroma first: the lexical index is rebuilt if it lags).

        Its story stays with the other copies, and the next earliest copy becomes the original.
        """
        self.store.delete_article(article_id)
        self.lexical.delete_article(article_id)
        if self.stories is not None:
            self.stories.forget([article_id])

    def _reconcile(self, states: dict[str, ArticleState]) -> None:
        """Bring the story tables in step with the store: drop what an interrupted run left for articles
        that never reached it, and give a story to articles indexed without one (before stories existed,
        or by another machine writing to the same Chroma server)."""
        known = self.stories.known()
        if stale := known - states.keys():
            self.stories.forget(stale)
        missing = [aid for aid in states if aid not in known]
        chunks_of = self.store.article_chunks(missing) if missing else {}
        for aid, chunks in sorted(chunks_of.items(), key=lambda item: (item[1][0].published_at or "~", item[0])):
            assignment = self.stories.assign(article_of(chunks), article_id=aid)
            if assignment.story_id != chunks[0].story:
                self.store.set_story([aid], assignment.story_id)
        self.stories.commit()

    def delete(self, ref: str) -> list[str]:
        """Delete articles by id, URL or source file; returns the ids removed."""
        states = self.store.articles()
        matches = _matching(ref, states)
        if not matches:
            raise NewsqaError(f"No article matches {ref!r} (give an article id, a URL or a source file path; "
                              "`newsqa stats` shows what is indexed).")
        for aid in matches:
            self.remove(aid)
        return matches


def article_of(chunks: list[Chunk]) -> Article:
    """An article rebuilt from its stored chunks (their offsets place each in the cleaned text)."""
    text = [" "] * max(c.end for c in chunks)
    for c in chunks:
        text[c.start : c.end] = c.text
    c = chunks[0]
    return Article(text="".join(text), title=c.title, outlet=c.outlet, author=c.author, url=c.url,
                   published_at=c.published_at, source=c.source)


def _with_resolved_source(article: Article) -> Article:
    if article.source and not is_http_url(article.source):
        article.source = str(Path(article.source).resolve())
    return article


def _source_file(skip_source: str) -> str:
    """'/a/b.jsonl:12' or '/a/feed.xml#item-3' -> the resolved file path."""
    base = skip_source.split("#", 1)[0]
    head, _, tail = base.rpartition(":")
    return str(Path(head if head and tail.isdigit() else base).resolve())


def _matching(ref: str, states: dict[str, ArticleState]) -> list[str]:
    if ref in states:
        return [ref]
    if is_http_url(ref):
        url = canonical_url(ref)
        return [aid for aid, st in states.items() if url in {canonical_url(u) for u in st.urls}]
    path = Path(ref).resolve()
    return [aid for aid, st in states.items()
            if any(s and not is_http_url(s) and (Path(s) == path or path in Path(s).parents) for s in st.sources)]
