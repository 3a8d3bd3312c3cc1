"""The metrics of `newsqa eval`, as small pure functions on texts and ranks.

Evidence matching is tolerant of chunk boundaries: texts are normalised (Unicode, case, punctuation and
whitespace), and a passage holds a piece of evidence when they share one contiguous run that covers
half the evidence or half the passage (at least `MIN_OVERLAP` characters), or all of a shorter one.

>>> holds_evidence("... Russia may provide a 38 mln euro credit to Cuba.", "Russia may provide a 38 MLN  euro credit")
True
>>> token_f1("a 38 mln euro credit", ["38 mln euro"])
0.857143
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from qa.text import content_words

MIN_OVERLAP = 40  # characters of shared normalised text that count as "the same passage"
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ARTICLES = {"a", "an", "the"}


@dataclass(frozen=True)
class Metric:
    """A metric's key, what it means, and which direction is better."""

    name: str
    doc: str
    higher_is_better: bool = True


METRICS = (
    Metric("hit@1", "evidence in the first retrieved passage"),
    Metric("hit@3", "evidence in the top 3 passages"),
    Metric("hit@5", "evidence in the top 5 passages"),
    Metric("hit@10", "evidence in the top 10 passages"),
    Metric("mrr@10", "1 / rank of the first passage holding evidence (0 beyond 10)"),
    Metric("evidence_recall", "share of evidence items in the top k passages the answer used"),
    Metric("exact", "answer equals an expected answer (normalised)"),
    Metric("contains", "answer contains an expected answer (normalised, whole words)"),
    Metric("f1", "best token F1 against the expected answers"),
    Metric("assertion_coverage", "share of the assertions' content words present in the answer"),
    Metric("assertions_passed", "share of assertions made (judge verdict, else keyword coverage)"),
    Metric("citation_precision", "cited passages that hold evidence or support their sentence"),
    Metric("citation_recall", "evidence items held by a cited passage"),
    Metric("supported", "share of answer sentences supported by their citations"),
    Metric("duplicate_citations", "citations of a story another citation already stands for (syndicated copies)",
           higher_is_better=False),
    Metric("differ_shown", "questions on which the articles disagree whose answer says that sources differ"),
    Metric("differ_flagged", "other answers that say sources differ", higher_is_better=False),
    Metric("date_order", "answers to timeline / latest questions told in date order (latest: newest first)"),
    Metric("refusal_accuracy", "unanswerable questions on which the bot abstained"),
    Metric("false_refusal", "answerable questions on which the bot abstained", higher_is_better=False),
)
METRIC_NAMES = tuple(m.name for m in METRICS)
BY_NAME = {m.name: m for m in METRICS}


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """normalise("  The U.S.’s  INF-Treaty!") -> 'the u s s inf treaty'."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def shared_run(a: str, b: str) -> int:
    """Length of the longest common substring: shared_run('abcde', 'xbcdy') -> 3."""
    if not a or not b:
        return 0
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size


def holds_evidence(passage: str, evidence: str) -> bool:
    """True when passage contains evidence, allowing for evidence cut by a chunk boundary."""
    p, e = normalise(passage), normalise(evidence)
    if not p or not e:
        return False
    if e in p:
        return True
    run = shared_run(e, p)
    need = min(max(MIN_OVERLAP, len(e) / 2), max(MIN_OVERLAP, len(p) / 2))
    return run >= min(need, len(e), len(p)) and run >= min(MIN_OVERLAP, len(e))


def first_relevant_rank(passages: Sequence[str], evidence: Sequence[str]) -> int:
    """1-based rank of the first passage holding any evidence; 0 when none does."""
    for rank, text in enumerate(passages, 1):
        if any(holds_evidence(text, e) for e in evidence):
            return rank
    return 0


def hit_at(rank: int, k: int) -> float:
    """hit_at(3, 5) -> 1.0; hit_at(0, 5) -> 0.0 (0 = not found)."""
    return 1.0 if 0 < rank <= k else 0.0


def reciprocal_rank(rank: int, k: int = 10) -> float:
    """reciprocal_rank(4) -> 0.25; 0.0 when not found within k."""
    return 1.0 / rank if 0 < rank <= k else 0.0


def evidence_recall(passages: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of evidence items held by at least one passage; None without evidence."""
    if not evidence:
        return None
    found = sum(any(holds_evidence(p, e) for p in passages) for e in evidence)
    return found / len(evidence)


def repeated_share(keys: Sequence[str]) -> float | None:
    """Share of keys that repeat an earlier one: repeated_share(["s1", "s2", "s1"]) -> 0.333333; None when empty."""
    return round(1 - len(set(keys)) / len(keys), 6) if keys else None


def date_ordered(days: Sequence[str], newest_first: bool = False) -> float | None:
    """1.0 when the dated sentences of an answer (ISO days, "" = undated, skipped) run in date order, and
    for "the latest" the first is the newest; None with fewer than two dated sentences.

    >>> date_ordered(["2024-03-04", "", "2024-03-12"]), date_ordered(["2024-03-21", "2024-03-12"], newest_first=True)
    (1.0, 1.0)
    >>> date_ordered(["2024-03-12", "2024-03-04"])
    0.0
    """
    dated = [d for d in days if d]
    if len(dated) < 2:
        return None
    if newest_first:
        return float(dated[0] == max(dated))
    return float(all(a <= b for a, b in zip(dated, dated[1:])))


def exact_match(text: str, answers: Sequence[str]) -> float:
    """1.0 when the normalised text equals one of the answers (articles ignored)."""
    words = _answer_tokens(text)
    return 1.0 if any(words == _answer_tokens(a) for a in answers) else 0.0


def contains_answer(text: str, answers: Sequence[str]) -> float:
    """1.0 when one of the answers appears, as whole words, in the normalised text."""
    padded = f" {normalise(text)} "
    return 1.0 if any(normalise(a) and f" {normalise(a)} " in padded for a in answers) else 0.0


def token_f1(text: str, answers: Sequence[str]) -> float:
    """Best SQuAD-style token F1 of text against any answer (0.0 with no overlap)."""
    got = Counter(_answer_tokens(text))
    best = 0.0
    for answer in answers:
        want = Counter(_answer_tokens(answer))
        common = sum((got & want).values())
        if common:
            precision, recall = common / sum(got.values()), common / sum(want.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return round(best, 6)


def _answer_tokens(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in _ARTICLES]


def keyword_coverage(text: str, assertion: str) -> float:
    """Share of the assertion's content words present in text (plural-folded, stopwords ignored)."""
    wanted = content_words(assertion)
    return len(wanted & content_words(text)) / len(wanted) if wanted else 1.0


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile: percentile([1, 2, 3, 4], 50) -> 2.5; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
