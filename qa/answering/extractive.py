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
from dataclasses import dataclass
from datetime import date

import numpy as np

from qa.dates import (
    MONTH_PATTERN,
    YEAR_PATTERN,
    Window,
    day_label,
    day_of,
    find_windows,
)
from qa.evidence import Evidence, Match, PassageSentence
from qa.figures import gives_quantity, number_terms, numbers_in
from qa.query import Understanding
from qa.text import (
    ABBREVIATION,
    ALIASES,
    STOPWORDS,
    content_words,
    mentions,
    name_phrases,
    word_set,
)

# Measured on the sample (python -m bench.answering): with these weights the best sentence scores 0.54-1.12
# for 25 questions the article answers and 0.04-0.37 for 12 it does not; 0.45 sits in the gap.
MIN_EVIDENCE = 0.45
MARGIN = 0.12  # other sentences this close to the best are as relevant (measured: 0.02-0.10 apart)
FOLLOW_MIN = 0.35  # a quotation after the anchor must still relate to the question (0.37-0.84 vs 0.05-0.34)
MAX_SENTENCES = 4
TIMELINE_SENTENCES = 6  # sentences of a timeline answer, one per passage
TIMELINE_MARGIN = 0.35  # how far below the best passage a timeline reaches (bench/timeline.py: MultiHop held-out
#                         recall 0.719 vs 0.656 at 0.20, precision 0.750 vs 0.792; sample: related 0.69-0.97, unrelated < 0.12)
# A question longer than this describes its answer by many clues, and one clue word the passages
# lack is more often a paraphrase than a sign they can't answer (measured on MultiHop-RAG dev, whose
# questions run 20-60 words, against the sample's 6-15): only names and numbers are checked then.
FOCUS_WORDS = 20
# A missing key term costs the best sentence's score MISSING_PENALTY x its share of the question's
# key terms, weighted: names, numbers and event dates 1, focus nouns 0.5 (bench/calibration.py).
MISSING_PENALTY = 1.5  # tuning slice of all corpora with invented-name variants: 0.95 answered, 0.99 refused
NAME_WEIGHT, EVENT_WEIGHT, FOCUS_WEIGHT = 1.0, 1.0, 0.5
KIND_MARGIN = 0.08  # a sentence of the asked-for kind (a date for "when") leads if it scores this close
_OPENING_QUOTE = ('"', "“", "«", "'", "‘")

# A name word: an abbreviation with its dots ("U.S."), an initial before a name ("W. Bush"), or a
# capitalised word. A name is a run of them, not at the question's start ("What", "Who").
_TOKEN = re.compile(r"\w[\w’'-]*|[^\w\s]")
# Words that open the noun phrase a question asks about: "the population of", "how many tourists".
_QUANTIFIERS = frozenset({"many", "much"})
_DETERMINERS = frozenset("the a an its their his her our this these those".split()) | _QUANTIFIERS
_AUXILIARIES = frozenset("do does did will would can could shall should may might must has have had".split())
# Nouns that name the kind of answer rather than something the answer must mention ("the date of the
# draft" -> "June 23"; "the position of Russia" -> "Russia is opposed to ..."; "the head of" -> "President").
_FRAMES = frozenset(
    "date day month year time name kind type sort number amount size value length duration total money "
    "position view stance opinion reaction response attitude purpose reason goal aim role significance "
    "meaning outcome result head chief article story news report coverage piece tally price cost profile "
    "figure count rate level status update narrative portrayal information detail details claim "
    "statement context aspect issue factor individual person entity thing something way change "
    "consistency perspective mention reporting regarding surrounding according being one up between "
    "during through while rather".split())
# Words after a name that are not part of what must be mentioned ("Robert F. Kennedy Jr.").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Answer kinds a question asks for, and what a sentence must hold to give one.
_YEAR = re.compile(rf"\b{YEAR_PATTERN}\b")
_EXPECTED = ((re.compile(r"\bhow (?:many|much|long|old|large|big|tall|far)\b", re.I), gives_quantity),
             (re.compile(r"\b(?:which|what) year\b", re.I), lambda text: bool(_YEAR.search(text))))


@dataclass(frozen=True)
class Pick:
    """A chosen sentence and the passage number it is cited to."""

    sentence: PassageSentence
    score: float


# --- what the question asks about ---------------------------------------------------------
def focus_nouns(question: str) -> list[str]:
    """The nouns a question asks about: the last lower-case word of each phrase opened by a determiner
    ("the population of"), the first after "how many/much" ("how many tourists visited"), unless it
    names the kind of answer ("date", "year", "position"). Capitalised words are names (checked apart).

    A phrase ends at a stopword or punctuation, and after its first lower-case word at a capitalised
    word or one ending in -ed (a verb: "the soldiers killed in ..."); "X's" closes one phrase and opens
    the next. A phrase right after "did/will/..." is skipped (see below).

    >>> focus_nouns("What is the population of Havana?")
    ['population']
    >>> focus_nouns("How many Russian tourists visited Cuba in 2018?")
    ['tourists']
    >>> focus_nouns("Who told reporters about the Cuban defense minister's upcoming visit?")
    ['minister', 'visit']
    >>> focus_nouns("What is the release date of The Last of Us?")
    []
    """
    heads: list[str] = []
    run: list[str] | None = None
    opener = previous = ""
    for token in _TOKEN.findall(question):
        word = token.lower()
        if run is not None and _ends_phrase(run, token, word):
            heads, run = heads + _head(run), None
        if word in _DETERMINERS:
            # After "did"/"will" the phrase is the subject and its verb follows unmarked ("did the
            # president meet"): the head would often be that verb, so the phrase is not collected.
            run, opener = (None if previous in _AUXILIARIES else []), word
        elif run is not None and token[0].isalpha():
            run.append(token)
            if word.endswith(("'s", "’s")):
                heads, run = heads + _head(run), []
            elif opener in _QUANTIFIERS and token[0].islower():  # "many tourists visited": noun first
                heads, run = heads + _head(run), None
        previous = word
    heads += _head(run) if run else []
    return [h for h in dict.fromkeys(heads) if h not in _FRAMES and h.removesuffix("s") not in _FRAMES]


def _ends_phrase(run: list[str], token: str, word: str) -> bool:
    """True when token (lower-cased: word) is not part of the noun phrase collected so far in run."""
    if not token[0].isalnum() or word in STOPWORDS or word in _DETERMINERS:
        return True
    return any(w[0].islower() for w in run) and (token[0].isupper() or word.endswith("ed"))


def _head(run: list[str]) -> list[str]:
    """['Cuban', 'defense', "minister's"] -> ['minister']; [] when the phrase is all names."""
    lower = [w for w in run if w[0].islower()]
    return [lower[-1].lower().removesuffix("'s").removesuffix("’s")] if lower else []


def passage_words(evidence: Evidence) -> set[str]:
    """Every word of the retrieved passages and titles, with 'U.S.' also as 'us' and 'Diaz-Canel'
    also as 'diaz' and 'canel' (questions split or spell these differently)."""
    text = " ".join(f"{h.chunk.title} {h.chunk.text}" for h in evidence.hits)
    words = word_set(text) | word_set(ABBREVIATION.sub(lambda m: m[0].replace(".", ""), text))
    return words | {part for w in words for part in re.split(r"[-’']", w) if part}


@dataclass(frozen=True)
class Coverage:
    """How much of what a question names the retrieved passages hold: the key terms they lack, and
    the weighted share of the question's key terms that is (0: all found; 1: none)."""

    missing: list[str]
    share: float
    names_share: float = 0.0  # the same over names and numbers only

    @property
    def penalty(self) -> float:
        """What the lack costs the best sentence's score (compared with MIN_EVIDENCE)."""
        return MISSING_PENALTY * self.share

    @property
    def names_penalty(self) -> float:
        """What the lack of names and numbers alone costs (a side of a two-sided question: `qa.answering.whether`)."""
        return MISSING_PENALTY * self.names_share


def coverage(question: str, evidence: Evidence, cues: Understanding | None = None) -> Coverage:
    """The key terms of the question (names, numbers, event dates, focus nouns) and which no retrieved
    passage mentions. A missing term lowers the answer's score by its weight's share (`Coverage.penalty`);
    it does not refuse by itself: one paraphrased or mis-tokenised term of a long question costs
    little, the one name of a short question costs all.

    The dates and outlets a question names as the *report's* (`cues`) are not terms: they are checked
    against the passages' metadata (`unmet_window`), since "In March 2024, ..." or "according to
    TechCrunch" is rarely written in the article's sentences. A date of an *event* ("founded in late
    2015") is a term, found when a passage mentions a date in it or was published in it. A name is
    matched on its last word, which says what it is ("US State Department" is unknown to passages
    about the State Council, "INF Treaty" known to "(INF) Treaty", "Vladimir Putin" to "Putin");
    abbreviations also match their spelled-out form ("U.S." ~ "United States") and the other way.
    Numbers are read as figures (`qa.figures.number_terms`: "2,000-plus" is 2,000; "GPT-3.5" is a name).
    """
    text = cues.residual(question) if cues is not None else question
    words = passage_words(evidence)
    terms: list[tuple[str, float, bool]] = []  # (term, weight, found)
    terms += [(n, NAME_WEIGHT, _name_known(words, n, evidence)) for n in name_phrases(text)]
    values = numbers_in(" ".join(f"{h.chunk.title} {h.chunk.text}" for h in evidence.hits))
    terms += [(t, NAME_WEIGHT, float(t.replace(",", "")) in values) for t in number_terms(text)]
    named = list(terms)
    terms += [(w.label, EVENT_WEIGHT, _event_found(w, evidence, cues)) for w in (cues.events if cues else ())]
    if len(text.split()) <= FOCUS_WORDS:
        terms += [(t, FOCUS_WEIGHT, mentions(words, t)) for t in focus_nouns(text)]
    total = sum(w for _, w, _ in terms)
    missing = [(t, w) for t, w, found in terms if not found]
    share = sum(w for _, w in missing) / total if total else 0.0
    names_share = sum(1 for _, _, found in named if not found) / len(named) if named else 0.0
    return Coverage(list(dict.fromkeys(t for t, _ in missing)), round(share, 4), round(names_share, 4))


def missing_terms(question: str, evidence: Evidence, cues: Understanding | None = None) -> list[str]:
    """The key terms of the question that no retrieved passage mentions (`coverage`)."""
    return coverage(question, evidence, cues).missing


def _event_found(window: Window, evidence: Evidence, cues: Understanding) -> bool:
    """A passage published in an event's dates, or mentioning a date in them (read from the passage's
    own day; a date the question gives without a year matches on its day and month)."""
    yearless = not re.search(r"\b\d{4}\b", window.label)
    for hit in evidence.hits:
        day = day_of(hit.chunk.published_at)
        if window.contains(day, slack=1):
            return True
        for found in find_windows(hit.chunk.text, day or cues.as_of):
            if _overlaps(found, window) or (yearless and found.since and window.since and found.since == found.until
                                            and (found.since.month, found.since.day) ==
                                            (window.since.month, window.since.day)):
                return True
    return False


def _name_known(words: set[str], name: str, evidence: Evidence) -> bool:
    last = _last_word(name)
    if not last or mentions(words, last):
        return True
    spelled = " ".join(name.lower().replace(".", "").split())  # "United States" ~ "U.S.", "US"
    short = next((k for k, forms in ALIASES.items()
                  if any(spelled == f or spelled.endswith(" " + f) for f in forms)), "")
    if short and short in words:
        return True
    spelled = ALIASES.get(last, ())
    if spelled:
        text = " ".join(f"{h.chunk.title} {h.chunk.text}" for h in evidence.hits).lower()
        return any(form in text for form in spelled)
    return False


def unmet_window(cues: Understanding | None, evidence: Evidence) -> Window | None:
    """The question's date window when no passage is of it: none published in it (give or take a
    day) or undated, and none mentioning a date in it. None when the window is met or not asked."""
    window = cues.window if cues is not None else None
    if window is None:
        return None
    for hit in evidence.hits:
        day = day_of(hit.chunk.published_at)
        if day is None or window.contains(day, slack=1):
            return None
    for hit in evidence.hits:
        if any(_overlaps(w, window) for w in find_windows(hit.chunk.text, cues.as_of)):
            return None
    return window


def _overlaps(a: Window, b: Window) -> bool:
    return (a.since or date.min) <= (b.until or date.max) and (b.since or date.min) <= (a.until or date.max)


def _last_word(name: str) -> str:
    """'U.S. Open' -> 'open'; "Cuba's" -> 'cuba'; 'Robert F. Kennedy Jr.' -> 'kennedy'."""
    parts = [p for p in name.replace(".", "").split() if p.lower() not in _SUFFIXES] or name.split()
    return min(word_set(parts[-1]), default="")


def expected_kind(question: str) -> Callable[[str], bool] | None:
    """What a sentence must contain to answer: a quantity for "how many/much/long", a year for "which year".

    >>> expected_kind("How many troops are there?")("about 1,500 troops")
    True
    >>> expected_kind("Who is Sergei Storchak?") is None
    True
    """
    return next((kind for asks, kind in _EXPECTED if asks.search(question)), None)


# --- choosing sentences -------------------------------------------------------------------
def pick_sentences(question: str, evidence: Evidence, question_vector: np.ndarray,
                   words: set[str] | None = None, cues: Understanding | None = None,
                   min_evidence: float = MIN_EVIDENCE) -> list[Pick]:
    """The sentences that answer question, the one holding the answer first; [] when the evidence is
    too weak, a key term is missing (`missing_terms`) or no passage is of the question's dates.

    question_vector may embed a rewritten question (a follow-up with its subject carried over);
    words are the content words sentences are matched on (default: the question's). The lead is the
    best sentence of the asked-for kind (a number for "how many", a date for "when", a name for
    "who") when one scores within KIND_MARGIN of the best; the rest follow in reading order.
    """
    found = candidates(question, evidence, question_vector, words, cues)
    if found is None:
        return []
    best, fitting = found
    anchor = max(fitting, key=lambda m: m.score, default=None)
    if anchor is None or anchor.score < min_evidence + coverage(question, evidence, cues).penalty:
        return []
    anchor = _newest(cues, evidence, fitting, _of_kind(question, cues, fitting, anchor))
    floor = max(min_evidence, anchor.score - MARGIN)
    ranked = sorted(best.values(), key=lambda m: m.score, reverse=True)
    chosen = [anchor] + [m for m in ranked if m.score >= floor and m != anchor]
    follow = _quotation_after(anchor, evidence, best)
    if follow is not None and follow not in chosen:
        chosen.insert(1, follow)
    picks = [Pick(m.sentence, m.score) for m in chosen[:MAX_SENTENCES]]
    rest = sorted(picks[1:], key=lambda p: (p.sentence.passage, p.sentence.position))
    return picks[:1] + rest


def timeline_picks(question: str, evidence: Evidence, question_vector: np.ndarray,
                   words: set[str] | None = None, cues: Understanding | None = None,
                   min_evidence: float = MIN_EVIDENCE) -> list[Pick]:
    """For "how did ... develop": the best sentence of each passage that relates to the question
    (within TIMELINE_MARGIN of the best), at most TIMELINE_SENTENCES, in publication order; [] as
    `pick_sentences` when the evidence is too weak."""
    found = candidates(question, evidence, question_vector, words, cues)
    if found is None:
        return []
    best, _ = found
    per_passage: dict[int, Match] = {}
    for m in best.values():
        if m.sentence.passage not in per_passage or m.score > per_passage[m.sentence.passage].score:
            per_passage[m.sentence.passage] = m
    top = max((m.score for m in per_passage.values()), default=0.0)
    if top < min_evidence + coverage(question, evidence, cues).penalty:
        return []
    floor = max(min_evidence, top - TIMELINE_MARGIN)
    chosen = sorted((m for m in per_passage.values() if m.score >= floor), key=lambda m: m.score, reverse=True)
    picks, said = [], set()
    for m in chosen:  # a sentence two outlets both carry is told once
        if (text := " ".join(m.sentence.text.casefold().split())) not in said:
            said.add(text)
            picks.append(Pick(m.sentence, m.score))
    picks = picks[:TIMELINE_SENTENCES]
    day = {n: hit.chunk.published_at or "~" for n, hit in enumerate(evidence.hits, 1)}
    return sorted(picks, key=lambda p: (day[p.sentence.passage], p.sentence.passage, p.sentence.position))


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
    if _HOW_LONG.search(question):  # a duration answers "how long", and says so plainly: reach further
        holding = [m for m in matches if m.score >= anchor.score - DURATION_MARGIN and m.overlap > 0
                   and _DURATION.search(m.sentence.text)]
        return max(holding, key=lambda m: m.score, default=anchor)
    shape = _KIND_SHAPES.get(kind or "")
    if shape is None:
        return anchor
    asked = {w.lower() for n in name_phrases(question) for w in n.split()}
    holding = [m for m in matches if m.score >= anchor.score - KIND_MARGIN and shape(m.sentence.text, asked)]
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


_HOW_LONG = re.compile(r"\bhow long\b|\bfor how many (?:days|weeks|months|years)\b", re.I)
_DURATION = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)[\s-]+"
                       r"(?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b", re.I)
DURATION_MARGIN = 0.4
_DATE_WORDS = re.compile(rf"(?i:\b{MONTH_PATTERN}|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\byesterday\b|"
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
