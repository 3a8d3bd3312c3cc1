"""Extractive answers: verbatim sentences of the retrieved passages, each followed by its [n].

Every passage sentence is scored against the question as cosine similarity (same local embedder)
plus 0.3 x the share of the question's content words it contains. The best one is the anchor; the
answer adds sentences scoring within MARGIN of it, and the sentence right after the anchor when it
opens with a quotation (news reports paraphrase, then quote: "... the statement reads"). Sentences
are listed by passage rank, then position. With weak evidence, or a name in the question that no
passage mentions ("Syria"), it abstains.

>>> print(abstention("Who won the World Cup?"))
The articles I have don't say: nothing in them answers "Who won the World Cup?".
>>> abstention("What did Putin say about Syria?", ["Syria"])
"The articles I have don't say: none of them mentions Syria."
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.evidence import Evidence, Match, PassageSentence, content_words, mentions, word_set

# Measured on the sample (docs/answering.md): with these weights the best sentence scores 0.54-1.12
# for 25 questions the article answers and 0.04-0.37 for 12 it does not; 0.45 sits in the gap.
WORD_WEIGHT = 0.3
MIN_EVIDENCE = 0.45
MARGIN = 0.12  # other sentences this close to the best are as relevant (measured: 0.02-0.10 apart)
FOLLOW_MIN = 0.35  # a quotation after the anchor must still relate to the question (0.37-0.84 vs 0.05-0.34)
MAX_SENTENCES = 4
_OPENING_QUOTE = ('"', "“", "«", "'", "‘")
_NAME = re.compile(r"(?<=\s)[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*|\b[A-Z]{2,}\b")


@dataclass(frozen=True)
class Pick:
    """A chosen sentence and the passage number it is cited to."""

    sentence: PassageSentence
    score: float


def score(match: Match) -> float:
    return match.cosine + WORD_WEIGHT * match.overlap


def unknown_names(question: str, evidence: Evidence) -> list[str]:
    """Names in the question (capitalised, not its first word) of which no retrieved passage has a word.

    'World Cup' is unknown to passages without 'world' or 'cup'; 'INF Treaty' is known to '(INF) Treaty'.
    """
    words = set().union(*(word_set(f"{h.chunk.title} {h.chunk.text}") for h in evidence.hits))
    return [name for name in dict.fromkeys(_NAME.findall(question))
            if not any(mentions(words, part) for part in word_set(name))]


def pick_sentences(question: str, evidence: Evidence, question_vector: np.ndarray,
                   words: set[str] | None = None) -> list[Pick]:
    """The sentences that answer question, in reading order; [] when the evidence is too weak.

    question_vector may embed a rewritten question (a follow-up with its subject carried over);
    words are the content words sentences are matched on (default: the question's).
    """
    best: dict[tuple[str, int], Match] = {}
    words = content_words(question) if words is None else words
    for match in evidence.matches(question_vector, words):
        best.setdefault(match.sentence.key, match)  # first = lowest passage number holding it
    if not best or unknown_names(question, evidence):
        return []
    anchor = max(best.values(), key=score)
    if score(anchor) < MIN_EVIDENCE:
        return []
    floor = max(MIN_EVIDENCE, score(anchor) - MARGIN)
    chosen = [m for m in sorted(best.values(), key=score, reverse=True) if score(m) >= floor]
    follow = _quotation_after(anchor, evidence, best)
    if follow is not None and follow not in chosen:
        chosen.insert(1, follow)
    picks = [Pick(m.sentence, score(m)) for m in chosen[:MAX_SENTENCES]]
    return sorted(picks, key=lambda p: (p.sentence.passage, p.sentence.position))


def _quotation_after(anchor: Match, evidence: Evidence, best: dict) -> Match | None:
    """The sentence right after the anchor in its article, if it opens a quotation and is relevant."""
    for s in evidence.sentences:
        if s.key != anchor.sentence.key:
            continue
        nxt = next((t for t in evidence.sentences
                    if t.passage == s.passage and t.position == s.position + 1), None)
        if nxt is not None and nxt.text.startswith(_OPENING_QUOTE):
            match = best.get(nxt.key)
            return match if match is not None and score(match) >= FOLLOW_MIN else None
    return None


def compose(picks: list[Pick]) -> str:
    """'Sentence one. [2] Sentence two. [2]' (passage numbers; cite.py renumbers them)."""
    return " ".join(f"{p.sentence.text} [{p.sentence.passage}]" for p in picks)


def abstention(question: str, missing: list[str] = ()) -> str:
    """The answer when the passages don't answer the question."""
    if missing:
        return f"The articles I have don't say: none of them mentions {' or '.join(missing)}."
    return f'The articles I have don\'t say: nothing in them answers "{question.strip()}".'
