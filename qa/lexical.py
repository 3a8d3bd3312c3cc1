"""Lexical (BM25) index over the same chunks as the Chroma collection, in SQLite FTS5.

Chroma's local mode has no BM25, so we keep our own: one SQLite file per collection under the data dir.
It is updated by ingest in the same step as Chroma (written first, so Chroma stays the commit marker),
and rebuilt from the collection when its chunk count disagrees (e.g. the collection lives on a server).
Queries are built from word tokens and bound as quoted FTS5 terms: user text is never FTS syntax.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa.types import Chunk, Filters, day_number

_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his how i "
    "if in into is it its me my no not of on or our she so than that the their them then there these "
    "they this to was we were what when where which who whom why will with would you your about after "
    "said say says tell told also any some more most other such only own same very just over".split()
)
_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(
    title, text, chunk_id UNINDEXED, article_id UNINDEXED, outlet UNINDEXED, day UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


def query_terms(text: str) -> list[str]:
    """'What did Russia say about the INF Treaty?' -> ['russia', 'inf', 'treaty']."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


class LexicalIndex:
    """BM25 search over chunk titles and texts, with the same filters as the dense retriever."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.lock = threading.RLock()  # one connection shared by the web chat's worker threads
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def replace_article(self, article_id: str, chunks: Sequence[Chunk]) -> None:
        """Atomically replace all rows of one article."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
            self._insert(chunks)

    def delete_article(self, article_id: str) -> None:
        with self.lock, self.db:
            self.db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))

    def rebuild(self, chunks: Iterable[Chunk]) -> int:
        """Drop everything and index chunks; returns the number indexed."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM chunks")
            batch: list[Chunk] = []
            for chunk in chunks:
                batch.append(chunk)
                if len(batch) >= 2000:
                    self._insert(batch)
                    batch.clear()
            self._insert(batch)
        return self.count()

    def _insert(self, chunks: Sequence[Chunk]) -> None:
        self.db.executemany(
            "INSERT INTO chunks (title, text, chunk_id, article_id, outlet, day) VALUES (?,?,?,?,?,?)",
            [(c.title, c.text, c.id, c.article_id, c.outlet.casefold(), day_number(c.published_at))
             for c in chunks],
        )

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Best k (chunk_id, bm25 score) pairs for query, higher score = better."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = "SELECT chunk_id, -bm25(chunks, 0.5, 1.0) AS s FROM chunks WHERE chunks MATCH ?"
        params: list = [match]
        sql, params = _add_filters(sql, params, filters)
        with self.lock:
            rows = self.db.execute(sql + " ORDER BY bm25(chunks, 0.5, 1.0) LIMIT ?", [*params, k]).fetchall()
        return [(cid, float(score)) for cid, score in rows]


def _add_filters(sql: str, params: list, filters: Filters | None) -> tuple[str, list]:
    if filters is None or filters.empty:
        return sql, params
    if filters.since:
        sql += " AND CAST(day AS INTEGER) >= ?"
        params.append(int(filters.since.strftime("%Y%m%d")))
    if filters.until:
        sql += " AND CAST(day AS INTEGER) BETWEEN 1 AND ?"
        params.append(int(filters.until.strftime("%Y%m%d")))
    if filters.outlets:
        sql += " AND outlet IN (" + ",".join("?" * len(filters.outlets)) + ")"
        params.extend(o.casefold() for o in filters.outlets)
    return sql, params


def lexical_path(data_dir: Path, collection: str) -> Path:
    """Where the lexical index of a collection lives."""
    return data_dir / f"lexical-{collection}.sqlite3"
