"""The sentences of the retrieved passages, embedded once, and how well a text matches them.

Shared by the extractive answerer (which picks passage sentences that answer a question) and the
citation checker (which looks in a cited passage for the sentence that supports an answer sentence).
A match is scored two ways, because each catches what the other misses: cosine similarity of
all-MiniLM-L6-v2 vectors (paraphrase) and the share of the text's content words found in the
sentence (names, numbers, rare terms the small model blurs).

>>> sorted(content_words("The sanctions were imposed on Cuba in 1962."))
['1962', 'cuba', 'imposed', 'sanction']
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from qa.injection import addressed_to_ai
from qa.text import content_words, overlap, sentence_spans, stems
from qa.types import SearchHit

if TYPE_CHECKING:
    from qa.protocols import Embedder

# A sentence's relevance to a question is its cosine plus this much of the share of the question's
# content words it holds (`Match.score`). Measured on the sample (python -m bench.answering): with this
# weight the best sentence scores 0.54-1.12 for questions the article answers and 0.04-0.37 otherwise.
WORD_WEIGHT = 0.3


class CachedEmbeddings:
    """Wraps an embedder's `embed_array` with a thread-safe LRU of text -> vector.

    The same passage sentences come back question after question (a chat, an eval run, a busy
    archive's popular stories), and embedding them is most of an extractive answer's cost.

    >>> class Count:
    ...     calls = 0
    ...     def embed_array(self, texts):
    ...         self.calls += len(texts); return np.ones((len(texts), 2), dtype=np.float32)
    >>> inner = Count(); cached = CachedEmbeddings(inner, capacity=10)
    >>> _ = cached.embed_array(["a", "b"]); _ = cached.embed_array(["b", "c"]); inner.calls
    3
    """

    def __init__(self, embeddings: Embedder, capacity: int = 20_000):
        self.inner, self.capacity = embeddings, capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        fresh = self.inner.embed_array(missing) if missing else []
        with self._lock:
            found = {t: self._cache.get(t) for t in texts}
            for text, row in zip(missing, fresh):
                self._cache[text] = found[text] = row
            for text in found:
                if text in self._cache:
                    self._cache.move_to_end(text)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return np.asarray([found[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


@dataclass(frozen=True)
class PassageSentence:
    """One sentence of a numbered passage; start/end are char offsets in the article's text."""

    passage: int  # 1-based number of the passage, in the order the passages were shown
    position: int  # index of the sentence within its passage
    text: str
    start: int
    end: int
    article_id: str
    instruction: bool = False  # addressed to an AI (qa.injection): never an answer, never support

    @property
    def asks(self) -> bool:
        """A question in the article ('Will the strike end?') claims nothing: never support, never an answer."""
        return self.text.rstrip("\"'”’)] ").endswith("?")

    @property
    def key(self) -> tuple[str, int]:
        """The same sentence seen in two overlapping chunks has the same key."""
        return (self.article_id, self.start)


@dataclass(frozen=True)
class Match:
    """How well a text matches one passage sentence."""

    sentence: PassageSentence
    cosine: float
    overlap: float

    @property
    def score(self) -> float:
        """How relevant the sentence is: its cosine plus WORD_WEIGHT x the share of words it shares."""
        return self.cosine + WORD_WEIGHT * self.overlap


class Evidence:
    """Passages (search hits, numbered 1..n in order) split into sentences, embedded lazily, once, and
    what the question takes as given (`given`: a wh-question's own text, "When was the iPhone 11
    released?", whose names and figures an answer may restate without a passage repeating them)."""

    def __init__(self, hits: Sequence[SearchHit], embeddings: Embedder, given: str = ""):
        self.hits = list(hits)
        self.embeddings = embeddings
        self.given = given
        self.sentences = [s for n, hit in enumerate(self.hits, 1) for s in _split(n, hit)]
        self.words = [content_words(s.text) for s in self.sentences]

    @cached_property
    def stems(self) -> list[set[str]]:
        """Each sentence's word stems (`qa.text.stems`), for matching a paraphrase's words."""
        return [stems(s.text) for s in self.sentences]

    @cached_property
    def instructed(self) -> set[int]:
        """Numbers of the passages holding text addressed to an AI."""
        return {s.passage for s in self.sentences if s.instruction}

    @cached_property
    def vectors(self) -> np.ndarray:
        """One L2-normalised row per sentence; a sentence repeated in overlapping chunks is embedded once."""
        unique: dict[tuple[str, int], int] = {}
        for s in self.sentences:
            unique.setdefault(s.key, len(unique))
        texts = [""] * len(unique)
        for s in self.sentences:
            texts[unique[s.key]] = s.text
        rows = self.embeddings.embed_array(texts)
        return rows[[unique[s.key] for s in self.sentences]] if len(self.sentences) else rows

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embeddings.embed_array(texts)

    def matches(self, vector: np.ndarray, words: set[str], passages: Iterable[int] | None = None, *,
                by_stem: bool = False) -> list[Match]:
        """Every sentence (of the given passage numbers, default all) scored against a text: `words` are
        the text's content words, or its stems (`by_stem`) to be met by the sentences' stems.

        Sentences addressed to an AI are left out: they can neither answer nor support anything.
        """
        wanted = None if passages is None else set(passages)
        idx = [i for i, s in enumerate(self.sentences)
               if (wanted is None or s.passage in wanted) and not s.instruction and not s.asks]
        if not idx:
            return []
        cosines = self.vectors[idx] @ np.asarray(vector, dtype=np.float32)
        theirs = self.stems if by_stem else self.words
        return [Match(self.sentences[i], float(c), overlap(words, theirs[i]))
                for i, c in zip(idx, cosines)]


def _split(number: int, hit: SearchHit) -> list[PassageSentence]:
    chunk = hit.chunk
    return [PassageSentence(number, pos, chunk.text[s:e], chunk.start + s, chunk.start + e, chunk.article_id,
                            addressed_to_ai(chunk.text[s:e]))
            for pos, (s, e) in enumerate(sentence_spans(chunk.text))]
