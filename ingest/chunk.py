"""Article -> Chunks: sentence-aware, sized in tokens of the embedding model, with sentence overlap.

A chunk never cuts inside a sentence unless that sentence alone is longer than the chunk size; every
chunk's text is the exact slice `article.text[start:end]`, so passages can be quoted and highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ingest.article import Article
from qa.text import sentence_spans
from qa.types import Chunk

TokenCounter = Callable[[list[str]], list[int]]


def approx_tokens(texts: list[str]) -> list[int]:
    """A tokenizer-free estimate (~1.3 word pieces per word) for embedders without a local tokenizer."""
    return [int(len(t.split()) * 1.3) + 1 for t in texts]


def _split_long(text: str, start: int, end: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most max_tokens."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    sizes = count([text[start + s : start + e] for s, e in words])
    pieces, lo, used = [], 0, 0
    for i, size in enumerate(sizes):
        if used and used + size > max_tokens:
            pieces.append((start + words[lo][0], start + words[i - 1][1]))
            lo, used = i, 0
        used += size
    pieces.append((start + words[lo][0], start + words[-1][1]))
    return pieces


def _units(text: str, max_tokens: int, count: TokenCounter) -> list[tuple[int, int, int]]:
    """Sentences as (start, end, tokens), long ones already split."""
    spans = sentence_spans(text)
    sizes = count([text[s:e] for s, e in spans])
    units = []
    for (s, e), size in zip(spans, sizes):
        if size <= max_tokens:
            units.append((s, e, size))
            continue
        pieces = _split_long(text, s, e, max_tokens, count)
        units.extend((ps, pe, n) for (ps, pe), n in zip(pieces, count([text[a:b] for a, b in pieces])))
    return units


def pack(units: Sequence[tuple[int, int, int]], max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    """Greedily group consecutive units into (start, end) windows; repeat `overlap` units between windows.

    >>> pack([(0, 5, 4), (6, 10, 4), (11, 15, 4)], max_tokens=8, overlap=1)
    [(0, 10), (6, 15)]
    """
    windows, i = [], 0
    while i < len(units):
        j, used = i, 0
        while j < len(units) and (j == i or used + units[j][2] <= max_tokens):
            used += units[j][2]
            j += 1
        windows.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        back = min(overlap, j - i - 1)  # always advance by at least one unit
        # Carry overlap only if the next unit still fits beside it; else the window would be redundant.
        while back and sum(u[2] for u in units[j - back : j + 1]) > max_tokens:
            back -= 1
        i = j - back
    return windows


def chunk_article(article: Article, max_tokens: int = 128, overlap: int = 1,
                  count: TokenCounter = approx_tokens) -> list[Chunk]:
    """Split an article (already cleaned) into Chunks carrying its metadata and their offsets."""
    text, aid, chash = article.text, article.id, article.content_hash
    windows = pack(_units(text, max_tokens, count), max_tokens, overlap)
    return [
        Chunk(
            id=f"{aid}:{n:04d}", article_id=aid, index=n, text=text[s:e], start=s, end=e,
            title=article.title, outlet=article.outlet, author=article.author, url=article.url,
            published_at=article.published_at, source=article.source, content_hash=chash,
        )
        for n, (s, e) in enumerate(windows)
    ]
