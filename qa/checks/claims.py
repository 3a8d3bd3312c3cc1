"""Claims: the passage sentences that bear on a question, each with the figure it gives or the outcome
it affirms or denies (see `qa.checks.disagree`, which groups them and gives the verdicts).

>>> sorted(predicate("Was a new wage deal signed?"))
['deal', 'signe', 'wage']
>>> affirms("No agreement had been signed.", predicate("Was a deal signed?"))
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.checks.contradict import NEGATION, OPPOSITES
from qa.checks.versions import changes
from qa.evidence import Evidence, PassageSentence
from qa.figures import Figure, figures, thing_of
from qa.query import asked, asks_timeline
from qa.text import content_words, name_phrases
from qa.types import Answer, Chunk

RELEVANT = 0.15  # a claim's sentence scores this close to the question's best claim sentence
MIN_RELEVANT = 0.45  # and at least this (`Match.score`, as `qa.answering.extractive.MIN_EVIDENCE`)
NAMED_RELEVANT = 0.2  # enough for a figure counting the very thing asked about ("1,200 workers" for "how many workers")
OUTCOME_SHARE = 0.5  # share of what a yes/no question asks about ("wage", "agreement", "signed") a sentence must say
DENIALS = re.compile(r"\b(?:denied|denies|deny|disputed|disputes|disputing|refuted|rejected|rejects|dismissed|"
                      r"still\s+under\s+way|still\s+underway|yet\s+to|has\s+not|had\s+not|have\s+not|no\s+\w+\s+had|"
                      r"not\s+yet|false|untrue|unfounded)\b", re.I)


@dataclass
class Claim:
    """A sentence that bears on the question: the figure it gives (or its outcome), and its report."""

    sentence: PassageSentence
    chunk: Chunk
    figure: Figure | None
    affirms: bool | None = None  # an outcome: True (so), False (not so)
    edited: bool = False  # an edited copy of another claim's sentence (a version)

    @property
    def value(self) -> str:
        if self.figure is not None:
            return f"{self.figure.value:g}:{self.figure.high}"
        return str(self.affirms)

    @property
    def time(self) -> str:
        return self.chunk.published_at or ""


def _scores(evidence: Evidence, vector: np.ndarray, question: str) -> dict[tuple[str, int], float]:
    words = content_words(question)
    return {m.sentence.key: m.score for m in evidence.matches(vector, words)}


def claims(question: str, evidence: Evidence, vector: np.ndarray, answer: Answer | None = None) -> list[Claim]:
    """Every claim of evidence's sentences on question: figures of the asked kinds (and figures an edited
    copy changes), and for a yes/no question, outcomes."""
    return _figure_claims(question, evidence, vector, answer) + _outcome_claims(question, evidence, vector)


def _figure_claims(question: str, evidence: Evidence, vector: np.ndarray, answer: Answer | None) -> list[Claim]:
    kinds, words = asked(question).figures, asked_words(question, answer)  # words: as things, 'workers' -> 'worker'
    if asks_timeline(question) and answer is not None:  # a story's development: the figures its answer gives
        kinds |= {f.kind for s in answer.sentences for f in figures(s.text)}
    score = _scores(evidence, vector, question)
    usable = [s for s in evidence.sentences if not s.instruction and not s.asks and s.key in score]
    claims: list[Claim] = []
    if kinds:
        options = []
        for s in usable:
            figure = _the_figure(s.text, kinds, words)
            if figure is not None:
                options.append((s, figure))
        best = max((score[s.key] for s, _ in options), default=0.0)
        floor = max(MIN_RELEVANT, best - RELEVANT)
        # a figure counting what the question names is relevant however the rest of its sentence scores
        claims += [Claim(s, evidence.hits[s.passage - 1].chunk, f) for s, f in options
                   if score[s.key] >= (NAMED_RELEVANT if names_thing(f, words) else floor)]
    answered = {s.text for s in answer.sentences} if answer is not None else set()
    claims += _edited_claims(usable, evidence, answered, claims)
    return claims


def asked_words(question: str, answer: Answer | None) -> set[str]:
    """The question's content words; for a timeline also the things its answer's figures count."""
    words = {thing_of(w) for w in content_words(question)}
    if asks_timeline(question) and answer is not None:
        words |= {f.thing for s in answer.sentences for f in figures(s.text) if f.counted and f.thing}
    return words


def names_thing(figure: Figure, words: set[str]) -> bool:
    return bool(figure.thing) and figure.thing in words


def _the_figure(text: str, kinds: set[str], words: set[str]) -> Figure | None:
    """The figure a sentence gives for what is asked: of an asked kind, the one counting a word of the
    question when there are several. A sentence giving two values for one thing tells a change: its
    current value is the first ("reached 23, up from 14"), or the one after "to" ("from 14 to 23")."""
    found = [f for f in figures(text) if f.kind in kinds]
    if not found:
        return None
    named = [f for f in found if names_thing(f, words)]
    figure = (named or found)[0]
    same = [f for f in found if f.unit == figure.unit and (f.thing == figure.thing or not f.thing)]
    if len(same) > 1 and re.search(r"\bfrom\s+\S*\s*$", text[: figure.span[0]]):
        figure = same[1]
    return figure


def _edited_claims(usable: list[PassageSentence], evidence: Evidence, answered: set[str],
                   claims: list[Claim]) -> list[Claim]:
    """Figures that an edited copy of a sentence changes, when one of the two sentences is in the answer
    or already a claim."""
    wanted = answered | {c.sentence.text for c in claims}
    if not wanted:
        return []
    by_text = {}
    for s in usable:
        by_text.setdefault(s.text, s)
    out = []
    seen = set()
    for s in usable:
        if s.text not in wanted:
            continue
        for other in usable:
            if other.article_id == s.article_id or other.text == s.text or (other.key, s.key) in seen:
                continue
            seen.add((s.key, other.key))
            for old, new, _ in changes(s.text, other.text):
                out.append(Claim(s, evidence.hits[s.passage - 1].chunk, old, edited=True))
                out.append(Claim(other, evidence.hits[other.passage - 1].chunk, new, edited=True))
    return out


def _outcome_claims(question: str, evidence: Evidence, vector: np.ndarray) -> list[Claim]:
    """For a yes/no question: the relevant sentences that affirm or deny what it asks."""
    if asked(question).kind != "yes/no":
        return []
    score = _scores(evidence, vector, question)
    outcome = predicate(question)
    if not outcome:
        return []
    usable = [s for s in evidence.sentences if not s.instruction and not s.asks and s.key in score
              and len(_stems(s.text) & outcome) >= OUTCOME_SHARE * len(outcome)]
    # saying most of what is asked makes a sentence relevant: a denial is worded unlike the question
    return [Claim(s, evidence.hits[s.passage - 1].chunk, None, affirms=affirms(s.text, outcome))
            for s in usable if score[s.key] >= MIN_RELEVANT]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def predicate(question: str) -> set[str]:
    """The stems of what a yes/no question asks happened ('Was a deal signed?' -> {'signe', 'deal'})."""
    names = {w.lower() for n in name_phrases(question) for w in n.split()}
    return {w[:5] for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 3 and w not in names} - _FUNCTION


_FUNCTION = frozenset({"were", "does", "have", "will", "would", "could", "should", "that", "this", "there",
                       "what", "with", "from", "been", "they", "their", "about", "repor", "accor"})


def affirms(text: str, asked: set[str]) -> bool:
    """False when the sentence denies what is asked: negated, disputed, or an opposite outcome."""
    if NEGATION.search(text) or DENIALS.search(text):
        return False
    words = re.findall(r"[a-z]+", text.lower())
    for one, other in OPPOSITES:
        for mine, theirs in ((one, other), (other, one)):
            stems = tuple(m[:5] for m in mine)  # the question's words are cut to five letters
            if any(a.startswith(stems) for a in asked) and any(w.startswith(theirs) for w in words):
                return False
    return True
