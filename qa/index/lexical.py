"""Lexical (BM25) index over the same chunks as the Chroma collection, in SQLite FTS5.

Chroma's local mode has no BM25, so we keep our own: one SQLite file per collection under the data dir.
It is updated by ingest in the same step as Chroma (written first, so Chroma stays the commit marker),
and rebuilt from the collection when its chunk count disagrees (e.g. the collection lives on a server).
Queries are built from word tokens and bound as quoted FTS5 terms: user text is never FTS syntax.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa.dates import day_number
from qa.text import query_terms
from qa.types import Chunk, Filters

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(
    title, text, chunk_id UNINDEXED, article_id UNINDEXED, outlet UNINDEXED, day UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- The filterable fields again, in a plain indexed table: picks the chunk ids a filter allows in
-- milliseconds, which Chroma's own metadata filter takes ~300 ms to do at 100k chunks.
CREATE TABLE IF NOT EXISTS chunk_meta (
    chunk_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, outlet TEXT NOT NULL, day INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunk_meta_article ON chunk_meta (article_id);
CREATE INDEX IF NOT EXISTS chunk_meta_day ON chunk_meta (day);
CREATE INDEX IF NOT EXISTS chunk_meta_outlet_day ON chunk_meta (outlet, day);
-- Outlet names as articles spell them (chunk_meta keeps them case-folded), for question understanding.
CREATE TABLE IF NOT EXISTS outlets (key TEXT PRIMARY KEY, name TEXT NOT NULL);
"""


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
        """Chunks indexed (0 for an index file from before chunk_meta existed: it gets rebuilt)."""
        with self.lock:
            fts = self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            meta = self.db.execute("SELECT count(*) FROM chunk_meta").fetchone()[0]
        return fts if fts == meta else 0

    def replace_article(self, article_id: str, chunks: Sequence[Chunk]) -> None:
        """Atomically replace all rows of one article."""
        with self.lock, self.db:
            self._delete(article_id)
            self._insert(chunks)

    def delete_article(self, article_id: str) -> None:
        with self.lock, self.db:
            self._delete(article_id)

    def _delete(self, article_id: str) -> None:
        self.db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM chunk_meta WHERE article_id = ?", (article_id,))

    def rebuild(self, chunks: Iterable[Chunk]) -> int:
        """Drop everything and index chunks; returns the number indexed."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM chunks")
            self.db.execute("DELETE FROM chunk_meta")
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
        self.db.executemany(
            "INSERT OR REPLACE INTO chunk_meta (chunk_id, article_id, outlet, day) VALUES (?,?,?,?)",
            [(c.id, c.article_id, c.outlet.casefold(), day_number(c.published_at)) for c in chunks],
        )
        self.db.executemany("INSERT OR IGNORE INTO outlets (key, name) VALUES (?, ?)",
                            {(c.outlet.casefold(), c.outlet) for c in chunks if c.outlet})

    def catalogue(self) -> tuple[tuple[str, ...], int]:
        """(the outlets of the indexed chunks as articles spell them, the newest publication day)."""
        with self.lock:
            keys = [r[0] for r in self.db.execute("SELECT DISTINCT outlet FROM chunk_meta WHERE outlet != ''")]
            names = dict(self.db.execute("SELECT key, name FROM outlets").fetchall())
            newest = self.db.execute("SELECT max(day) FROM chunk_meta").fetchone()[0] or 0
        return tuple(sorted(names.get(k, k) for k in keys)), int(newest)

    def ids_matching(self, filters: Filters, limit: int) -> list[str] | None:
        """Ids of the chunks filters allow, or None when there are more than limit of them."""
        sql, params = _add_filters("SELECT chunk_id FROM chunk_meta WHERE 1", [], filters, cast=False)
        with self.lock:
            rows = self.db.execute(sql + " LIMIT ?", [*params, limit + 1]).fetchall()
        return None if len(rows) > limit else [r[0] for r in rows]

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


def _add_filters(sql: str, params: list, filters: Filters | None, cast: bool = True) -> tuple[str, list]:
    """Append the filters' conditions (cast: the FTS table stores `day` untyped)."""
    if filters is None or filters.empty:
        return sql, params
    day = "CAST(day AS INTEGER)" if cast else "day"
    if filters.since:
        sql += f" AND {day} >= ?"
        params.append(int(filters.since.strftime("%Y%m%d")))
    if filters.until:
        sql += f" AND {day} BETWEEN 1 AND ?"
        params.append(int(filters.until.strftime("%Y%m%d")))
    if filters.outlets:
        sql += " AND outlet IN (" + ",".join("?" * len(filters.outlets)) + ")"
        params.extend(o.casefold() for o in filters.outlets)
    return sql, params


def lexical_path(data_dir: Path, collection: str) -> Path:
    """Where the lexical index of a collection lives."""
    return data_dir / f"lexical-{collection}.sqlite3"
