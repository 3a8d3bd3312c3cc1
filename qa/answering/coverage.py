"""What a question names that the passages must hold: its key terms (names, numbers, event dates,
the nouns it asks about) and its dates, and how much the passages' lack of them costs an answer.

A missing term lowers the best sentence's score by its weight's share (`Coverage.penalty`); it does not
refuse by itself: one paraphrased or mis-tokenised term of a long question costs little, the one name
of a short question costs all. A question whose dates no passage is of is not answered at all
(`unmet_window`).

>>> focus_nouns("How many Russian tourists visited Cuba in 2018?")
['tourists']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from qa.dates import Window, day_of, find_windows
from qa.evidence import Evidence
from qa.figures import number_terms, numbers_in
from qa.query import Understanding
from qa.text import ALIASES, STOPWORDS, known_words, mentions, name_phrases, word_set

# A question longer than this describes its answer by many clues, and one clue word the passages
# lack is more often a paraphrase than a sign they can't answer (measured on MultiHop-RAG dev, whose
# questions run 20-60 words, against the sample's 6-15): only names and numbers are checked then.
FOCUS_WORDS = 20
# A missing key term costs the best sentence's score MISSING_PENALTY x its share of the question's
# key terms, weighted: names, numbers and event dates 1, focus nouns 0.5 (bench/calibration.py).
MISSING_PENALTY = 1.5  # tuning slice of all corpora with invented-name variants: 0.95 answered, 0.99 refused
NAME_WEIGHT, EVENT_WEIGHT, FOCUS_WEIGHT = 1.0, 1.0, 0.5
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
    return known_words(" ".join(f"{h.chunk.title} {h.chunk.text}" for h in evidence.hits))


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


