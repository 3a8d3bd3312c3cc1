"""What makes two articles copies of one story: the word triples of their story text, and a MinHash of them.

A syndicated copy differs from its original in its furniture, not its story: a wire dateline ("LONDON
(Reuters) - "), an editor's note, "Related: <headline>" lines, the carrying outlet's footer, and light
copy edits. So the fingerprint is taken over the story text only:

- the dateline is cut from the first paragraph, and paragraphs that are furniture by their shape are
  left out (`qa.index.furniture`);
- words are case-, plural- and number-format-folded and stopwords dropped (`qa.text.content_tokens`),
  so "said"/"says" and "1,200"/"1200" do not matter, and each paragraph gives its runs of three words;
- each paragraph keeps its own hash, so paragraphs an outlet repeats under every story (its footer,
  learned by `ingest.stories`) can be set aside when two articles are compared.

The MinHash (datasketch, 128 permutations) finds candidate copies quickly through LSH; whether a
candidate is a copy is then decided on the exact word triples (`ingest.stories`).

>>> fp = fingerprint(paragraphs_of("WASHINGTON (AP) — The Senate passed the bill on Monday.\\n\\n"
...                               "Related: Markets rally\\n\\nSign up for our newsletter at example.com."))
>>> [p.words for p in fp.paragraphs]
[4]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from qa.index.furniture import story_paragraphs
from qa.text import content_tokens, hash32, shingles

NUM_PERM = 128
SHINGLE = 3  # words per shingle: robust to a copy edit every few words, specific enough for news prose
@dataclass(frozen=True)
class Paragraph:
    """One paragraph of story text: its hash (of its folded words), word count and word triples."""

    hash: int
    words: int
    shingles: tuple[int, ...]


@dataclass(frozen=True)
class Fingerprint:
    """An article's story text as paragraphs of word triples (hashed), and the MinHash of them all."""

    paragraphs: tuple[Paragraph, ...]
    minhash: np.ndarray  # NUM_PERM uint32 hash values (datasketch, affine32 scheme)


def paragraph_of(text: str) -> Paragraph:
    tokens = content_tokens(text)
    return Paragraph(hash32(" ".join(tokens)), len(tokens), tuple(dict.fromkeys(map(hash32, shingles(tokens, SHINGLE)))))


def paragraphs_of(text: str) -> tuple[Paragraph, ...]:
    """The story paragraphs of an article's cleaned text, as `Paragraph`s."""
    return tuple(p for p in map(paragraph_of, story_paragraphs(text)) if p.words)


def story_shingles(paragraphs: tuple[Paragraph, ...], boilerplate: frozenset[int] | set[int] = frozenset()) -> list[int]:
    """The word triples of the paragraphs that are not boilerplate, in reading order (all of them when
    every paragraph is)."""
    kept = [p for p in paragraphs if p.hash not in boilerplate] or paragraphs
    return list(dict.fromkeys(s for p in kept for s in p.shingles))


def fingerprint(paragraphs: tuple[Paragraph, ...], boilerplate: frozenset[int] | set[int] = frozenset()) -> Fingerprint:
    """The fingerprint of an article's story paragraphs; paragraphs whose hash is in boilerplate (learned
    furniture) stay in the record but are left out of the MinHash."""
    return Fingerprint(paragraphs, minhash_values(story_shingles(paragraphs, boilerplate)))


@cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM).permutations


def minhash_values(hashes: list[int]) -> np.ndarray:
    """The MinHash of a set of 32-bit hashes, as NUM_PERM uint32 values."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme="affine32")
    if hashes:
        m.update_batch(hashes)
    return np.asarray(m.hashvalues, dtype=np.uint32)


def lean(values: np.ndarray):
    """NUM_PERM stored hash values -> a datasketch LeanMinHash for the LSH index."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=1, hashvalues=values, scheme="affine32")
