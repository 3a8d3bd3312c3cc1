"""Stories: the syndicated copies of one article, grouped. Who carries a story, and which copy is its original.

The same wire story is carried by many outlets, each with its own headline, dateline and footer. Ingest
(`ingest.stories`) finds the copies and gives every article a `story_id`; it is kept in each chunk's
Chroma metadata and here, in a table beside the lexical index, with what a source card needs to say
"also carried by AP, Reuters and 3 more". Retrieval reads it to collapse copies (`qa.retrieval.collapse`).

A story's original is its earliest copy (unknown dates last, then the first ingested), unless one of
the preferred outlets (`NEWSQA_PREFERRED_OUTLETS`) carries it: then that outlet's copy leads. It is
worked out when read, so deleting the original makes the next copy the original.

>>> a = Copy("a1", "s1", "Strike ends", "Coastal Wire", "", "2024-03-12T08:00:00")
>>> b = Copy("b2", "s1", "Ships pile up", "Metro Daily", "", "2024-03-12T11:00:00")
>>> [c.outlet for c in originals_first([b, a])], [c.outlet for c in originals_first([b, a], ("metro daily",))]
(['Coastal Wire', 'Metro Daily'], ['Metro Daily', 'Coastal Wire'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from qa.index.furniture import story_paragraphs
from qa.index.lexical import LexicalIndex
from qa.text import overlap, triple_hashes
from qa.types import Chunk, Copy

SAME_PASSAGE = 0.5  # share of the shorter passage's word triples the other holds: the same text
OVERLAPS = 0.2  # share of a passage's word triples in another passage: a copy cut at other chunk boundaries
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, title TEXT NOT NULL, outlet TEXT NOT NULL,
    url TEXT NOT NULL, published_at TEXT NOT NULL, arrived INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);
-- Each article's word-triple hashes (`qa.text.triple_hashes`, uint32): is a passage a copy of its text?
CREATE TABLE IF NOT EXISTS article_triples (article_id TEXT PRIMARY KEY, hashes BLOB NOT NULL);
"""
_CHUNK = 500  # ids per SQL "IN (...)" list


def originals_first(copies: Iterable[Copy], preferred: Sequence[str] = (), arrival: dict[str, int] | None = None,
                    ) -> list[Copy]:
    """copies with the story's original first: a preferred outlet's copy (in the order given), else the
    earliest published (unknown dates last), then the first to arrive (arrival: article id -> order)."""
    rank = {p.casefold(): i for i, p in enumerate(preferred)}
    arrival = arrival or {}
    return sorted(copies, key=lambda c: (rank.get(c.outlet.casefold(), len(rank)), not c.published_at,
                                         c.published_at, arrival.get(c.article_id, 0), c.article_id))


def copied(passage: set[int], other: set[int], text: set[int] | None) -> bool:
    """True when a passage repeats another article's passage, both as `story_triples`: the same text
    (`same_passage`), or, its chunk boundaries falling elsewhere, text the other article holds (text: its
    triples, None when unknown) that overlaps the other passage (OVERLAPS). A different passage of the
    same story overlaps no other passage, so it is never folded away.

    >>> t = story_triples
    >>> lead, end = "Ships wait offshore as the strike enters its second week.", "The port reopened on Thursday."
    >>> copied(t("(AP) - Ships wait offshore as the strike enters its second week. The port"), t(lead), t(lead + end))
    True
    >>> copied(t(end), t(lead), t(lead + " " + end))
    False
    """
    if same_passage(passage, other):
        return True
    return bool(text) and overlap(passage, text) >= SAME_PASSAGE and overlap(passage, other) >= OVERLAPS


def story_triples(passage: str) -> set[int]:
    """The word triples of a passage's story text (its dateline and furniture left out: `qa.index.furniture`)."""
    return triple_hashes("\n\n".join(story_paragraphs(passage)))


def same_passage(passage: set[int], other: set[int]) -> bool:
    """True when two passages (as `story_triples`) are the same text: copies of a story, with another
    dateline or light edits.

    >>> same = lambda a, b: same_passage(story_triples(a), story_triples(b))
    >>> same("LONDON (Reuters) - The strike entered its second week on Monday, with 40 ships waiting.",
    ...      "The strike entered its second week Monday, with 40 ships waiting offshore.")
    True
    >>> same("The strike entered its second week.", "The port reopened on Thursday.")
    False
    """
    if not passage or not other:
        return False
    smaller, larger = sorted((passage, other), key=len)
    return overlap(smaller, larger) >= SAME_PASSAGE


class StoryIndex:
    """The story of every article, in the lexical index's SQLite file (one connection, one lock)."""

    def __init__(self, lexical: LexicalIndex, preferred: Sequence[str] = ()):
        self.db, self.lock, self.preferred = lexical.db, lexical.lock, tuple(preferred)
        with self.lock:
            self.db.executescript(_SCHEMA)

    # --- reading ---------------------------------------------------------------------------
    def story_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> story id, for the ids that are known."""
        return dict(self._select("SELECT article_id, story_id FROM articles WHERE article_id IN ({})",
                                 list(dict.fromkeys(article_ids))))

    def members(self, story_ids: Iterable[str]) -> dict[str, list[Copy]]:
        """story id -> its copies, the original first."""
        rows = self._select("SELECT article_id, story_id, title, outlet, url, published_at, arrived "
                            "FROM articles WHERE story_id IN ({})", list(dict.fromkeys(story_ids)))
        grouped: dict[str, list[Copy]] = {}
        arrival = {}
        for *fields, arrived in rows:
            copy = Copy(*fields)
            grouped.setdefault(copy.story_id, []).append(copy)
            arrival[copy.article_id] = arrived
        return {sid: originals_first(copies, self.preferred, arrival) for sid, copies in grouped.items()}

    def article_ids(self) -> set[str]:
        with self.lock:
            return {r[0] for r in self.db.execute("SELECT article_id FROM articles")}

    def triples(self, article_ids: Iterable[str]) -> dict[str, set[int]]:
        """article id -> the word-triple hashes of its text, for the ids that have them."""
        rows = self._select("SELECT article_id, hashes FROM article_triples WHERE article_id IN ({})",
                            list(dict.fromkeys(article_ids)))
        return {aid: set(np.frombuffer(blob, dtype=np.uint32).tolist()) for aid, blob in rows}

    def count(self) -> tuple[int, int]:
        """(articles, stories) known here."""
        with self.lock:
            return self.db.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone()

    # --- writing (ingest) ------------------------------------------------------------------
    # Writes join the connection's open transaction; `commit` ends it (ingest commits once per batch).
    def put(self, copies: Iterable[Copy]) -> None:
        """Add or update articles (an article keeps its place in the arrival order)."""
        rows = [(c.article_id, c.story_id, c.title, c.outlet, c.url, c.published_at) for c in copies]
        with self.lock:
            for row in rows:
                self.db.execute(
                    "INSERT INTO articles (article_id, story_id, title, outlet, url, published_at, arrived) "
                    "VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(arrived), 0) + 1 FROM articles)) "
                    "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, title = excluded.title, "
                    "outlet = excluded.outlet, url = excluded.url, published_at = excluded.published_at", row)

    def adopt(self, chunks: Iterable[Chunk]) -> None:
        """Record, from their chunks' metadata, the story of the articles not known here (an index
        rebuilt from a Chroma server, or made before stories existed)."""
        known, firsts = self.article_ids(), {}
        for c in chunks:
            if c.article_id not in known:
                firsts.setdefault(c.article_id, c)
        self.put(Copy(c.article_id, c.story, c.title, c.outlet, c.url, c.published_at) for c in firsts.values())
        self.commit()

    def put_triples(self, article_id: str, hashes: Iterable[int]) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO article_triples (article_id, hashes) VALUES (?, ?)",
                            (article_id, np.array(sorted(set(hashes)), dtype=np.uint32).tobytes()))

    def move(self, article_ids: Iterable[str], story_id: str) -> None:
        with self.lock:
            self.db.executemany("UPDATE articles SET story_id = ? WHERE article_id = ?",
                                [(story_id, aid) for aid in article_ids])

    def remove(self, article_ids: Iterable[str]) -> None:
        with self.lock:
            rows = [(aid,) for aid in article_ids]
            self.db.executemany("DELETE FROM articles WHERE article_id = ?", rows)
            self.db.executemany("DELETE FROM article_triples WHERE article_id = ?", rows)

    def commit(self) -> None:
        with self.lock:
            self.db.commit()

    def _select(self, sql: str, ids: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        with self.lock:
            for lo in range(0, len(ids), _CHUNK):
                part = ids[lo : lo + _CHUNK]
                rows += self.db.execute(sql.format(",".join("?" * len(part))), part).fetchall()
        return rows
