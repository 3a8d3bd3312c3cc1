"""Extractive answers: verbatim sentences of the retrieved passages, each followed by its [n].

Every passage sentence is scored against the question as cosine similarity (same local embedder)
plus 0.3 x the share of the question's content words it contains. The best one is the anchor; the
answer adds sentences scoring within MARGIN of it, and the sentence right after the anchor when it
opens with a quotation (news reports paraphrase, then quote: "... the statement reads"). Sentences
are listed by passage rank, then position.

It abstains when the evidence is weak, when a key term of the question is in no retrieved passage
(a name such as "Syria", a number such as "2018", or the noun the question asks about, such as the
"population" of "What is the population of Havana?"), and when the question asks for a quantity or
a year ("How many ...", "In which year ...") and no sentence scoring high enough gives one.

>>> print(abstention("Who won the World Cup?"))
The articles I have don't say: nothing in them answers "Who won the World Cup?".
>>> abstention("What did Putin say about Syria?", ["Syria"])
"The articles I have don't say: none of them mentions Syria."
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qa.answering.coverage import Coverage, coverage, unmet_window
from qa.dates import MONTH_PATTERN, WEEKDAY_PATTERN, YEAR_PATTERN, Window, day_label, day_of
from qa.evidence import Evidence, Match, PassageSentence
from qa.figures import gives_quantity
from qa.query import Understanding, asked
from qa.text import content_words, name_phrases

# Measured on the sample (python -m bench.answering): with these weights the best sentence scores 0.54-1.12
# for 25 questions the article answers and 0.04-0.37 for 12 it does not; 0.45 sits in the gap.
MIN_EVIDENCE = 0.45
MARGIN = 0.12  # other sentences this close to the best are as relevant (measured: 0.02-0.10 apart)
FOLLOW_MIN = 0.35  # a quotation after the anchor must still relate to the question (0.37-0.84 vs 0.05-0.34)
MAX_SENTENCES = 4
TIMELINE_SENTENCES = 6  # sentences of a timeline answer, one per passage
TIMELINE_MARGIN = 0.35  # how far below the best passage a timeline reaches (bench/timeline.py: MultiHop held-out
#                         recall 0.719 vs 0.656 at 0.20, precision 0.750 vs 0.792; sample: related 0.69-0.97, unrelated < 0.12)
KIND_MARGIN = 0.08  # a sentence of the asked-for kind (a date for "when") leads if it scores this close
_OPENING_QUOTE = ('"', "“", "«", "'", "‘")

# What an answering sentence must hold, for what a question needs (`qa.query.Asked.needs`).
_YEAR = re.compile(rf"\b{YEAR_PATTERN}\b")
_NEEDS = {"quantity": gives_quantity, "year": lambda text: bool(_YEAR.search(text))}


@dataclass(frozen=True)
class Pick:
    """A chosen sentence and the passage number it is cited to."""

    sentence: PassageSentence
    score: float


@dataclass(frozen=True)
class Picks:
    """The sentences chosen to answer, best first; when there are none, why: the key terms no passage
    mentions (`qa.answering.coverage`), else the question's dates that no passage is of, else weak evidence."""

    picks: list[Pick]
    missing: list[str] = field(default_factory=list)
    window: Window | None = None

    def __bool__(self) -> bool:
        return bool(self.picks)


def expected_kind(question: str) -> Callable[[str], bool] | None:
    """What a sentence must contain to answer: a quantity for "how many/much/long", a year for "which year".

    >>> expected_kind("How many troops are there?")("about 1,500 troops")
    True
    >>> expected_kind("Who is Sergei Storchak?") is None
    True
    """
    return _NEEDS.get(asked(question).needs or "")


# --- choosing sentences -------------------------------------------------------------------
def pick_sentences(question: str, evidence: Evidence, question_vector: np.ndarray,
                   words: set[str] | None = None, cues: Understanding | None = None,
                   min_evidence: float = MIN_EVIDENCE) -> Picks:
    """The sentences that answer question, the one holding the answer first; none (and why, in `Picks`)
    when the evidence is too weak, a key term is missing or no passage is of the question's dates.

    question_vector may embed a rewritten question (a follow-up with its subject carried over);
    words are the content words sentences are matched on (default: the question's). The lead is the
    best sentence of the asked-for kind (a number for "how many", a date for "when", a name for
    "who") when one scores within KIND_MARGIN of the best; the rest follow in reading order.
    """
    found = candidates(question, evidence, question_vector, words, cues)
    if found is None:
        return _refused(question, evidence, cues)
    best, fitting = found
    anchor = max(fitting, key=lambda m: m.score, default=None)
    cover = coverage(question, evidence, cues)
    if anchor is None or anchor.score < min_evidence + cover.penalty:
        return _refused(question, evidence, cues, cover)
    anchor = _newest(cues, evidence, fitting, _of_kind(question, cues, fitting, anchor))
    floor = max(min_evidence, anchor.score - MARGIN)
    ranked = sorted(best.values(), key=lambda m: m.score, reverse=True)
    chosen = [anchor] + [m for m in ranked if m.score >= floor and m != anchor]
    follow = _quotation_after(anchor, evidence, best)
    if follow is not None and follow not in chosen:
        chosen.insert(1, follow)
    picks = [Pick(m.sentence, m.score) for m in chosen[:MAX_SENTENCES]]
    rest = sorted(picks[1:], key=lambda p: (p.sentence.passage, p.sentence.position))
    return Picks(picks[:1] + rest)


def _refused(question: str, evidence: Evidence, cues: Understanding | None, cover: Coverage | None = None) -> Picks:
    """No picks, and why: the key terms missing, else the question's dates unmet, else weak evidence."""
    missing = (cover or coverage(question, evidence, cues)).missing
    return Picks([], missing, None if missing else unmet_window(cues, evidence))


def timeline_picks(question: str, evidence: Evidence, question_vector: np.ndarray,
                   words: set[str] | None = None, cues: Understanding | None = None,
                   min_evidence: float = MIN_EVIDENCE) -> Picks:
    """For "how did ... develop": the best sentence of each passage that relates to the question
    (within TIMELINE_MARGIN of the best), at most TIMELINE_SENTENCES, in publication order; [] as
    `pick_sentences` when the evidence is too weak."""
    found = candidates(question, evidence, question_vector, words, cues)
    if found is None:
        return _refused(question, evidence, cues)
    best, _ = found
    per_passage: dict[int, Match] = {}
    for m in best.values():
        if m.sentence.passage not in per_passage or m.score > per_passage[m.sentence.passage].score:
            per_passage[m.sentence.passage] = m
    top = max((m.score for m in per_passage.values()), default=0.0)
    cover = coverage(question, evidence, cues)
    if top < min_evidence + cover.penalty:
        return _refused(question, evidence, cues, cover)
    floor = max(min_evidence, top - TIMELINE_MARGIN)
    chosen = sorted((m for m in per_passage.values() if m.score >= floor), key=lambda m: m.score, reverse=True)
    picks, said = [], set()
    for m in chosen:  # a sentence two outlets both carry is told once
        if (text := " ".join(m.sentence.text.casefold().split())) not in said:
            said.add(text)
            picks.append(Pick(m.sentence, m.score))
    picks = picks[:TIMELINE_SENTENCES]
    day = {n: hit.chunk.published_at or "~" for n, hit in enumerate(evidence.hits, 1)}
    return Picks(sorted(picks, key=lambda p: (day[p.sentence.passage], p.sentence.passage, p.sentence.position)))


def newest_first(picks: list[Pick], evidence: Evidence) -> list[Pick]:
    """picks by their passage's publication date, newest first (undated last; ties keep their order)."""
    day = {n: hit.chunk.published_at for n, hit in enumerate(evidence.hits, 1)}
    dated = sorted((p for p in picks if day[p.sentence.passage]), key=lambda p: day[p.sentence.passage], reverse=True)
    return dated + [p for p in picks if not day[p.sentence.passage]]


def candidates(question: str, evidence: Evidence, question_vector: np.ndarray, words: set[str] | None = None,
               cues: Understanding | None = None) -> tuple[dict, list[Match]] | None:
    """(best match per passage sentence, those that fit the asked-for kind); None when the question
    cannot be answered from these passages whatever they score (a key term or its dates missing)."""
    best: dict[tuple[str, int], Match] = {}
    words = content_words(question) if words is None else words
    for match in evidence.matches(question_vector, words):
        best.setdefault(match.sentence.key, match)  # first = lowest passage number holding it
    if not best or unmet_window(cues, evidence):
        return None
    dated = _of_window(cues, evidence)  # "As of Feb. 16, ..." is answered from that day's reports
    if dated:
        best = {key: m for key, m in best.items() if m.sentence.passage in dated} or best
    kind = expected_kind(question)
    # "How many ...?" is answered by a sentence with a number in it, even if another scores higher.
    return best, [m for m in best.values() if kind is None or kind(m.sentence.text)]


def evidence_score(question: str, evidence: Evidence, question_vector: np.ndarray,
                   cues: Understanding | None = None) -> tuple[float, float] | None:
    """(the score the best answering sentence reaches, the share of key terms missing): the answer
    needs score - MISSING_PENALTY x share >= MIN_EVIDENCE. None when the question's dates are
    missing. For calibration (bench/calibration.py)."""
    found = candidates(question, evidence, question_vector, None, cues)
    if found is None:
        return None
    return max((m.score for m in found[1]), default=0.0), coverage(question, evidence, cues).share


def _of_kind(question: str, cues: Understanding | None, matches: list[Match], anchor: Match) -> Match:
    """The best sentence holding what the question asks for, if it scores close to the anchor."""
    kind = cues.kind if cues is not None else None
    if asked(question).duration:  # a duration answers "how long", and says so plainly: reach further
        holding = [m for m in matches if m.score >= anchor.score - DURATION_MARGIN and m.overlap > 0
                   and _DURATION.search(m.sentence.text)]
        return max(holding, key=lambda m: m.score, default=anchor)
    shape = _KIND_SHAPES.get(kind or "")
    if shape is None:
        return anchor
    given = {w.lower() for n in name_phrases(question) for w in n.split()}
    holding = [m for m in matches if m.score >= anchor.score - KIND_MARGIN and shape(m.sentence.text, given)]
    return max(holding, key=lambda m: m.score, default=anchor)


def _of_window(cues: Understanding | None, evidence: Evidence) -> set[int]:
    """Numbers of the passages published in the question's window (give or take a day) or undated."""
    window = cues.window if cues is not None else None
    if window is None:
        return set()
    return {n for n, hit in enumerate(evidence.hits, 1)
            if day_of(hit.chunk.published_at) is None or window.contains(day_of(hit.chunk.published_at), slack=1)}


def _newest(cues: Understanding | None, evidence: Evidence, matches: list[Match], anchor: Match) -> Match:
    """For "the latest ...": the newest sentence scoring close to the anchor leads."""
    if cues is None or not cues.recency:
        return anchor
    close = [m for m in matches if m.score >= anchor.score - KIND_MARGIN]
    return max(close, key=lambda m: (evidence.hits[m.sentence.passage - 1].chunk.published_at, m.score),
               default=anchor)


def _has_new_name(text: str, asked: set[str]) -> bool:
    """A name in text that the question did not already give ("Who said ...?" -> "Yuri Borisov")."""
    return any(w.lower() not in asked for n in name_phrases(" " + text) for w in n.split())


_DURATION = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)[\s-]+"
                       r"(?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b", re.I)
DURATION_MARGIN = 0.4
_DATE_WORDS = re.compile(rf"(?i:\b{MONTH_PATTERN}|\b{WEEKDAY_PATTERN}\b|\byesterday\b|"
                         rf"\btoday\b|\btomorrow\b|\bweek\b|\bmonth\b|\byear\b)|\b{YEAR_PATTERN}\b")
_KIND_SHAPES = {
    "quantity": lambda text, asked: gives_quantity(text),
    "date": lambda text, asked: bool(_DATE_WORDS.search(text)),
    "person": _has_new_name,
    "place": _has_new_name,
}


def _quotation_after(anchor: Match, evidence: Evidence, best: dict) -> Match | None:
    """The sentence right after the anchor in its article, if it opens a quotation and is relevant."""
    for s in evidence.sentences:
        if s.key != anchor.sentence.key:
            continue
        nxt = next((t for t in evidence.sentences
                    if t.passage == s.passage and t.position == s.position + 1), None)
        if nxt is not None and nxt.text.startswith(_OPENING_QUOTE):
            match = best.get(nxt.key)
            return match if match is not None and match.score >= FOLLOW_MIN else None
    return None


def compose(picks: list[Pick]) -> str:
    """'Sentence one. [2] Sentence two. [2]' (passage numbers; cite.py renumbers them)."""
    return " ".join(f"{p.sentence.text} [{p.sentence.passage}]" for p in picks)


def dateline(picks: list[Pick], evidence: Evidence) -> str:
    """'As of 16 Feb 2024 (AP): ' for the lead sentence's article; '' when it is undated.

    Put before a time-anchored answer ("As of Feb. 16, how many ...", "the latest ...", "in
    March 2024 ..."), so the reader sees which day the answer speaks for.
    """
    chunk = evidence.hits[picks[0].sentence.passage - 1].chunk
    day = day_of(chunk.published_at)
    if day is None:
        return ""
    source = f" ({chunk.outlet})" if chunk.outlet else ""
    return f"As of {day_label(day)}{source}: "


def abstention(question: str, missing: list[str] = (), window: Window | None = None) -> str:
    """The answer when the passages don't answer the question."""
    if window is not None:
        return f"The articles I have don't say: none of them is from {window.describe()}."
    if missing:
        return f"The articles I have don't say: none of them mentions {' or '.join(missing)}."
    return f'The articles I have don\'t say: nothing in them answers "{question.strip()}".'


def refusal(missing: list[str] = (), window: Window | None = None) -> dict:
    """Why an answer abstained, for reports: {"rule": ..., "terms": [...]}."""
    if window is not None:
        return {"rule": "no passage of the dates", "terms": [window.label]}
    if missing:
        return {"rule": "missing terms", "terms": list(missing)}
    return {"rule": "weak evidence", "terms": []}
