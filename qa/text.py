"""Sentence splitting with character offsets (shared by the chunker, the answerer and the citation checker).

>>> text = 'Putin met Mr. Diaz-Canel. "We agree," he said. The U.S. left.'
>>> [text[s:e] for s, e in sentence_spans(text)]
['Putin met Mr. Diaz-Canel.', '"We agree," he said.', 'The U.S. left.']
"""

from __future__ import annotations

import re

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "pres", "vs", "etc", "inc", "ltd", "co", "corp", "no", "vol", "fig", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mln", "bln", "approx",
    "dept", "est", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])")


def _is_abbreviation(text: str, dot_at: int) -> bool:
    """True when the '.' at dot_at ends an abbreviation or an initial ('Mr.', 'U.S.', 'J.')."""
    if text[dot_at] != ".":
        return False
    start = dot_at
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot_at].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into sentences; returns (start, end) offsets with surrounding whitespace excluded.

    Paragraph breaks (blank lines or single newlines) always end a sentence.
    """
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        spans.extend(_split_paragraph(text, para.start(), para.end()))
    return spans


def _split_paragraph(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans, start = [], lo
    for m in _BOUNDARY.finditer(text, lo, hi):
        nxt = _NEXT_START.match(text, m.end(), hi)
        if not nxt or _is_abbreviation(text, m.start()):
            continue
        spans.append((start, m.end()))
        start = nxt.start(1)
    spans.append((start, hi))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if e > s]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split_sentences(text: str) -> list[str]:
    """The sentences of text as strings (see `sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text)]
