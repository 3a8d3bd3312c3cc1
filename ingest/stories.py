"""Syndicated copies, found as articles arrive: each article joins the story of an indexed article it
copies, or starts a story of its own (`qa.index.stories` holds the result; chunks carry it as `story_id`).

1. Candidates come from MinHash LSH (datasketch) over every indexed article's story text (see
   `ingest.fingerprint`), so finding them does not grow with the archive, and from an index of each
   story's first word triples: a copy trimmed to a few sentences shares too little of a long
   original for LSH, but it keeps the lead.
2. A candidate is a copy when, leaving out the paragraphs either outlet repeats under every story,
   the shorter story text has most of its word triples (COPY) in the longer one, and their leads agree
   (LEAD_SHARE): copies keep the lead, trimming cuts the end. Scores are exact, not MinHash estimates.
3. Boilerplate is learned: paragraphs that two articles share word for word while their other paragraphs
   share little (a footer, a standing note, an agency's intro or credit line, however long) are
   furniture from then on: the outlet's own when both are its articles; every outlet's when two outlets'
   articles share it and it is a small part of both (copies differ in their outlets' own footers too).
   Copies are carried by different outlets, so a wire paragraph never counts as one outlet's furniture.
4. An article that found no copy when it arrived is looked at again at the end of the run
   (`reconsider`), when more of its outlet's furniture may be known.

Stories are never merged or split behind the user's back: an article joins one story, and deleting
an article leaves its story (and the other copies' story id) as it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ingest.article import Article
from ingest.fingerprint import (
    NUM_PERM,
    Fingerprint,
    Paragraph,
    fingerprint,
    lean,
    paragraphs_of,
    story_shingles,
)
from qa.index.stories import StoryIndex
from qa.types import Copy

log = logging.getLogger(__name__)

COPY = 0.6  # share of the shorter story text's word triples found in the other (measured: bench/syndication.py)
LEAD_SHARE = 0.5  # share of the shorter lead's word triples found in the other lead
LEAD = 40  # word triples in a lead
LEAD_KEYS = 3  # a story's first word triples: an article sharing one is a candidate copy (short stories)
BANDS = (42, 3)  # LSH bands x rows: a pair sharing 40% of its triples is a candidate 93% of the time
FURNITURE_SHARE = 0.5  # two articles of one outlet whose other paragraphs share less than this differ
SHARED_ROWS = 500  # articles sharing a paragraph looked at, at most (a wire lead may be in hundreds)
EVERYONE = "*"  # the boilerplate table's outlet for paragraphs that are every outlet's furniture
_CACHE = 20_000  # decoded fingerprints kept in memory
_SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (
    article_id TEXT PRIMARY KEY, outlet TEXT NOT NULL, minhash BLOB NOT NULL, paragraphs BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS outlet_paragraphs (
    outlet TEXT NOT NULL, hash INTEGER NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (outlet, hash, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outlet_paragraphs_article ON outlet_paragraphs (article_id);
CREATE INDEX IF NOT EXISTS outlet_paragraphs_hash ON outlet_paragraphs (hash);
CREATE TABLE IF NOT EXISTS leads (hash INTEGER NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (hash, article_id))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS leads_article ON leads (article_id);
CREATE TABLE IF NOT EXISTS boilerplate (outlet TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (outlet, hash))
    WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Assignment:
    """The story an article was given, and the indexed article it copies (None: it starts a story)."""

    story_id: str
    copy_of: str | None = None


def pack(paragraphs: tuple[Paragraph, ...]) -> bytes:
    """Paragraphs -> one uint32 blob: count, hashes, word counts, triple counts, then all triples."""
    head = [len(paragraphs), *(p.hash for p in paragraphs), *(p.words for p in paragraphs),
            *(len(p.shingles) for p in paragraphs)]
    return np.array(head + [s for p in paragraphs for s in p.shingles], dtype=np.uint32).tobytes()


def unpack(blob: bytes) -> tuple[Paragraph, ...]:
    """The inverse of `pack`.

    >>> ps = (Paragraph(7, 4, (1, 2)), Paragraph(9, 1, (3,)))
    >>> unpack(pack(ps)) == ps
    True
    """
    values = np.frombuffer(blob, dtype=np.uint32).tolist()
    n = values[0]
    hashes, words, counts = values[1 : n + 1], values[n + 1 : 2 * n + 1], values[2 * n + 1 : 3 * n + 1]
    out, at = [], 3 * n + 1
    for h, w, c in zip(hashes, words, counts):
        out.append(Paragraph(h, w, tuple(values[at : at + c])))
        at += c
    return tuple(out)


def copy_score(mine: tuple[Paragraph, ...], my_furniture: set[int], theirs: tuple[Paragraph, ...],
               their_furniture: set[int]) -> float:
    """How much of the shorter story text the other holds (0 when their leads differ).

    >>> a = (Paragraph(1, 9, tuple(range(10))),)
    >>> copy_score(a, set(), (Paragraph(2, 9, tuple(range(2, 12))),), set())
    0.8
    >>> copy_score(a, set(), (Paragraph(3, 9, tuple(range(50, 60))),), set())
    0.0
    """
    one, two = story_shingles(mine, my_furniture), story_shingles(theirs, their_furniture)
    if not one or not two:
        return 0.0
    a, b = set(one), set(two)
    lead_a, lead_b = set(one[:LEAD]), set(two[:LEAD])
    if len(lead_a & lead_b) < LEAD_SHARE * min(len(lead_a), len(lead_b)):
        return 0.0
    return round(len(a & b) / min(len(a), len(b)), 4)


class StoryKeeper:
    """Finds each incoming article's story and keeps the story tables beside the lexical index."""

    def __init__(self, stories: StoryIndex):
        self.stories, self.db, self.lock = stories, stories.db, stories.lock
        with self.lock:
            self.db.executescript(_SCHEMA)
        self._lsh = None  # datasketch MinHashLSH over every fingerprint, built on first use
        self._furniture: dict[str, set[int]] = {}  # outlet (case-folded) -> paragraph hashes
        self._cache: dict[str, tuple[str, tuple[Paragraph, ...]]] = {}  # article id -> (outlet, paragraphs)
        self._busy = threading.RLock()  # the web app's uploads may overlap; the LSH index is not thread-safe

    # --- assigning -------------------------------------------------------------------------
    def assign(self, article: Article, article_id: str | None = None) -> Assignment:
        """Give article its story (an indexed copy's, or a new one) and remember its fingerprint.

        article_id: the id it is indexed under (default: `article.id`).
        """
        with self._busy:
            return self._assign(article, article_id or article.id)

    def _assign(self, article: Article, aid: str) -> Assignment:
        self._open()
        outlet = article.outlet.casefold()
        paragraphs = paragraphs_of(article.text)
        self._learn(aid, outlet, paragraphs)
        fp = fingerprint(paragraphs, self._furniture_of(outlet))
        best = self._best_copy(aid, outlet, fp)
        story = (self.stories.story_of([best]).get(best) if best else None) or aid
        self._remember(aid, outlet, fp)
        self.stories.put([Copy(aid, story, article.title, article.outlet, article.url, article.published_at)])
        return Assignment(story, best)

    def reconsider(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Look again for a copy of each article that is alone in its story (its outlet's furniture may
        have been learned since it arrived); returns {article id: the story it joined}."""
        with self._busy:
            return self._reconsider(list(article_ids))

    def _reconsider(self, ids: list[str]) -> dict[str, str]:
        stories = self.stories.story_of(ids)
        sizes = {sid: len(copies) for sid, copies in self.stories.members(set(stories.values())).items()}
        moved = {}
        for aid in ids:
            if aid not in stories or sizes.get(stories[aid], 0) != 1 or (found := self._fingerprint(aid)) is None:
                continue
            outlet, paragraphs = found
            fp = fingerprint(paragraphs, self._furniture_of(outlet))
            best = self._best_copy(aid, outlet, fp)
            self._index(aid, fp.minhash)
            with self.lock:
                self.db.execute("UPDATE fingerprints SET minhash = ? WHERE article_id = ?",
                                (fp.minhash.tobytes(), aid))
            if best and (story := self.stories.story_of([best]).get(best)):
                self.stories.move([aid], story)
                moved[aid] = story
        self.stories.commit()
        return moved

    def forget(self, article_ids: Iterable[str]) -> None:
        """Drop articles (deleted, or about to be replaced) from the story tables; their stories stay."""
        ids = list(article_ids)
        with self._busy, self.lock:
            self.db.executemany("DELETE FROM fingerprints WHERE article_id = ?", [(aid,) for aid in ids])
            self.db.executemany("DELETE FROM outlet_paragraphs WHERE article_id = ?", [(aid,) for aid in ids])
            self.db.executemany("DELETE FROM leads WHERE article_id = ?", [(aid,) for aid in ids])
        self.stories.remove(ids)
        self.stories.commit()
        with self._busy:
            for aid in ids:
                self._cache.pop(aid, None)
                if self._lsh is not None and aid in self._lsh:
                    self._lsh.remove(aid)

    def commit(self) -> None:
        """Make the assignments so far durable (`assign` writes without committing: ingest commits per batch)."""
        self.stories.commit()

    def known(self) -> set[str]:
        """Ids of the articles that have a fingerprint."""
        with self.lock:
            return {r[0] for r in self.db.execute("SELECT article_id FROM fingerprints")}

    # --- inside ----------------------------------------------------------------------------
    def _open(self) -> None:
        if self._lsh is not None:
            return
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=BANDS)
        with self.lock:
            rows = self.db.execute("SELECT article_id, minhash FROM fingerprints").fetchall()
            for outlet, h in self.db.execute("SELECT outlet, hash FROM boilerplate"):
                self._furniture.setdefault(outlet, set()).add(h)
        with self._lsh.insertion_session() as session:
            for aid, blob in rows:
                session.insert(aid, lean(np.frombuffer(blob, dtype=np.uint32)), check_duplication=False)

    def _best_copy(self, article_id: str, outlet: str, fp: Fingerprint) -> str | None:
        """The indexed article that article is most clearly a copy of, if any."""
        best, best_score = None, 0.0
        mine = self._furniture_of(outlet)
        keys = story_shingles(fp.paragraphs, mine)[:LEAD_KEYS]
        with self.lock:
            leads = {r[0] for r in self.db.execute(
                f"SELECT article_id FROM leads WHERE hash IN ({','.join('?' * len(keys))}) LIMIT 500", keys)}
        for other in sorted(leads.union(self._lsh.query(lean(fp.minhash)))):
            if other == article_id or (found := self._fingerprint(other)) is None:
                continue
            their_outlet, theirs = found
            score = copy_score(fp.paragraphs, mine, theirs, self._furniture_of(their_outlet))
            if score >= COPY and (score, other) > (best_score, best or ""):
                best, best_score = other, score
        return best

    def _learn(self, article_id: str, outlet: str, paragraphs: tuple[Paragraph, ...]) -> None:
        """Mark as furniture the paragraphs this article shares word for word with an indexed article
        that tells a different story (`_different_stories`): the outlet's own when both are its
        articles, everyone's (EVERYONE) when they are two outlets' (a standard wire note or credit)."""
        if not paragraphs:
            return
        hashes = list({p.hash for p in paragraphs})
        with self.lock:
            rows = self.db.execute(
                f"SELECT outlet, hash, article_id FROM outlet_paragraphs WHERE article_id != ? "
                f"AND hash IN ({','.join('?' * len(hashes))}) LIMIT {SHARED_ROWS}", [article_id, *hashes]).fetchall()
        shared: dict[str, set[int]] = {}
        outlet_of = {}
        for their_outlet, h, other in rows:
            shared.setdefault(other, set()).add(h)
            outlet_of[other] = their_outlet
        found: dict[str, set[int]] = {}
        for other, common in shared.items():
            theirs = self._fingerprint(other)
            if theirs is None or not _different_stories(paragraphs, theirs[1], common):
                continue
            if outlet and outlet_of[other] == outlet:
                found.setdefault(outlet, set()).update(common)
            elif max(_word_share(paragraphs, common), _word_share(theirs[1], common)) < FURNITURE_SHARE:
                # two outlets' copies differ in their own footers too: only a small shared part is furniture
                found.setdefault(EVERYONE, set()).update(common)
        for whose, hashes_found in found.items():
            if new := hashes_found - self._furniture.get(whose, set()):
                self._furniture.setdefault(whose, set()).update(new)
                with self.lock:
                    self.db.executemany("INSERT OR IGNORE INTO boilerplate (outlet, hash) VALUES (?, ?)",
                                        [(whose, h) for h in new])

    def _furniture_of(self, outlet: str) -> set[int]:
        """The paragraph hashes left out of an outlet's story texts: its own furniture and everyone's."""
        return self._furniture.get(outlet, set()) | self._furniture.get(EVERYONE, set())

    def _remember(self, article_id: str, outlet: str, fp: Fingerprint) -> None:
        furniture = self._furniture_of(outlet)
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO fingerprints (article_id, outlet, minhash, paragraphs) "
                            "VALUES (?, ?, ?, ?)", (article_id, outlet, fp.minhash.tobytes(), pack(fp.paragraphs)))
            self.db.execute("DELETE FROM leads WHERE article_id = ?", (article_id,))
            self.db.executemany("INSERT OR IGNORE INTO leads (hash, article_id) VALUES (?, ?)",
                                [(h, article_id) for h in story_shingles(fp.paragraphs, furniture)[:LEAD_KEYS]])
            self.db.executemany("INSERT OR IGNORE INTO outlet_paragraphs (outlet, hash, article_id) "
                                "VALUES (?, ?, ?)", [(outlet, p.hash, article_id) for p in fp.paragraphs])
        self.stories.put_triples(article_id, (h for p in fp.paragraphs for h in p.shingles))
        self._cache[article_id] = (outlet, fp.paragraphs)
        self._index(article_id, fp.minhash)

    def _index(self, article_id: str, values: np.ndarray) -> None:
        """(Re)insert an article's MinHash into the LSH index (its stored copy is kept in step)."""
        if article_id in self._lsh:
            self._lsh.remove(article_id)
        self._lsh.insert(article_id, lean(values), check_duplication=False)

    def _fingerprint(self, article_id: str) -> tuple[str, tuple[Paragraph, ...]] | None:
        """(outlet, paragraphs) of an indexed article, decoded once."""
        if article_id not in self._cache:
            with self.lock:
                row = self.db.execute("SELECT outlet, paragraphs FROM fingerprints WHERE article_id = ?",
                                      (article_id,)).fetchone()
            if row is None:
                return None
            if len(self._cache) >= _CACHE:
                self._cache.clear()
            self._cache[article_id] = (row[0], unpack(row[1]))
        return self._cache[article_id]


def _different_stories(mine: tuple[Paragraph, ...], theirs: tuple[Paragraph, ...], common: set[int]) -> bool:
    """True when two articles that share the paragraphs `common` word for word tell different stories
    otherwise: both have more to say, and what they say shares little (FURNITURE_SHARE). A copy's
    remainder is empty (it was trimmed) or a light edit of the other's.

    >>> shared, a, b = Paragraph(1, 30, (1, 2, 3)), Paragraph(2, 9, (4, 5, 6)), Paragraph(3, 9, (7, 8, 9))
    >>> _different_stories((a, shared), (b, shared), {1}), _different_stories((shared,), (b, shared), {1})
    (True, False)
    """
    rest_mine = {s for p in mine if p.hash not in common for s in p.shingles}
    rest_theirs = {s for p in theirs if p.hash not in common for s in p.shingles}
    if not rest_mine or not rest_theirs:
        return False
    return len(rest_mine & rest_theirs) < FURNITURE_SHARE * min(len(rest_mine), len(rest_theirs))


def _word_share(paragraphs: tuple[Paragraph, ...], hashes: set[int]) -> float:
    """Share of the paragraphs' words that are in paragraphs with the given hashes."""
    total = sum(p.words for p in paragraphs)
    return sum(p.words for p in paragraphs if p.hash in hashes) / total if total else 0.0
