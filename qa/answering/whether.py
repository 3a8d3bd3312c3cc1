"""Yes/no and two-sided questions answered as asked: "Yes — ...", "No — ...", "Sources differ: ..." or
"The articles don't say whether ...", then the evidence for each side, cited.

A question asks *whether* when it opens with an auxiliary ("Was the deal signed?", "Does the Fortune
article claim ..., while The Verge says ...?") or does so after an opening clause ("After TASS
reported ..., did RIA ...?"). It is read as one or more **sides** (`qa.query.clauses`: "..., while
...", "..., and does ...", "compared to"), each with the outlets it names, and as one of four shapes:

- **claims** (the default): yes when every side has a sentence that says it (from the side's outlets,
  scoring at least SIDE_MIN as `qa.answering.extractive` scores sentences) and none says the opposite
  (negation, a denial, an opposite outcome: `qa.checks.claims.affirms`); no when a side's best sentence
  says the opposite; unknown, naming the side, when a side has no such sentence;
- **order** ("Did A report X before B reported Y?"): the sides' reports' publication dates decide;
  "before or after" questions are answered "Before" or "After";
- **same** ("was the coverage consistent", "did they agree", "remained the same"): yes unless the
  sides' sentences disagree (`qa.checks.contradict.contradiction`, different figures of one kind);
- **change** ("was there a change", "did it differ", "a different figure"): the mirror of same.

A one-sided question whose sources split on the outcome (`qa.checks.disagree` finds a dispute) is answered
"Sources differ". Every verdict line cites each side it rests on.

>>> asks_whether("After Polygon reported it on October 18th, did Engadget agree?"), asks_whether("Who won?")
(True, False)
>>> shape("Did Engadget report a discount before The Verge reported one?"), shape("Was the coverage consistent?")
('order', 'same')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from qa.answering.coverage import coverage
from qa.checks.cite import cite_passages
from qa.checks.claims import DENIALS
from qa.checks.contradict import contradiction, opposite_words
from qa.dates import day_label, day_of, find_windows
from qa.evidence import Evidence, Match
from qa.figures import figures
from qa.query import AUX, WHETHER, Understanding, clauses, find_outlets
from qa.text import content_words, name_phrases
from qa.types import Answer, Filters, Part, Sentence

# A side is said by a sentence scoring this (`Match.score`; bench/questions.py) plus what its missing names cost
SIDE_MIN = 0.45  # (`Coverage.names_penalty`), holding a word the side says of what it names
REPORT_MIN = 0.15  # ... or this, for a side that names its report by outlet and date (its sentence only relates)
_ORDER = re.compile(r"\b(?:before|after|earlier\s+than|later\s+than|prior\s+to)\b", re.I)
_EITHER = re.compile(r"\bbefore\s+or\s+after\b|\bafter\s+or\s+before\b", re.I)
# "before The Verge reported", "after the TechCrunch article": one report's time against another's
_BEFORE_REPORT = re.compile(r"\b(?:before|after|earlier\s+than|later\s+than|prior\s+to)\s+(?:the\s+|a\s+|an\s+)?"
                            r"(?:['‘\"]?[A-Z][\w.'’&|-]*['’\"]?\s+){0,5}(?:report\w*|articl\w*|publish\w*|wrote|covered|"
                            r"stor(?:y|ies)|piece)\b")
_AGREE_OR = re.compile(r"\bagree\s+or\s+disagree\b", re.I)
# What the question's own predicate asks of the reports (not a word inside one side's claim).
_SAME = re.compile(r"\b(?:was|were|is|are)\s+there\s+(?:an?\s+|any\s+)?(?:consistency|agreement|alignment)\b|"
                   r"\b(?:remained|remain|stayed|stay)\s+(?:consistent|the\s+same|unchanged|similar)\b|"
                   r"\b(?:was|were|is|are)\s+(?:the\s+)?[\w\s'’-]{0,80}?\b(?:consistent|the\s+same|similar|in\s+agreement)"
                   r"\s*[?,]|\bagree\s+or\s+disagree\b|\bconsistency\s+in\b", re.I)
_CHANGE = re.compile(r"\b(?:was|were|is|are)\s+there\s+(?:an?\s+|any\s+)?(?:change|shift|inconsistency|disagreement|"
                     r"difference|contradiction)\b|\b(?:has|have|had|did)\b[^?]{0,160}?\b(?:changed?|shifted|shift|"
                     r"evolved?|differ(?:ed)?|shown\s+inconsistency)\b", re.I)
_TURN = re.compile(rf",?\s+and\s+(?=(?:does|did|do|is|was|has|have|were|are)\b)|{_EITHER.pattern}", re.I)
_IDIOMS = re.compile(r"\b(?:no\s+doubt|not\s+only|no\s+matter|nothing\s+but|not\s+least|no\s+wonder)\b", re.I)
NEAR = 5  # a negation denies a claim's word this many words after it at most


@dataclass
class Reading:
    """One side of the question and what the passages say about it."""

    claim: str  # the side as the question words it
    outlets: tuple[str, ...]
    match: Match | None = None  # the passage sentence that best says it (None: none scores SIDE_MIN)
    affirms: bool = True  # the sentence says it rather than its opposite

    @property
    def said(self) -> bool:
        return self.match is not None


@dataclass
class Judged:
    """A verdict ("yes", "no", "differ", "unknown"; or "before"/"after" for a choice) and its parts."""

    verdict: str
    shape: str
    parts: list[Reading]
    lead: str = ""  # the verdict line, with passage numbers as [n] (renumbered by the caller)


def asks_whether(question: str) -> bool:
    """True for a yes/no question, also after an opening clause ("After X reported ..., did Y ...?")."""
    return bool(WHETHER.search(question))


def shape(question: str) -> str:
    """'order', 'same', 'change' or 'claims' (see the module docstring)."""
    if _CHANGE.search(question) and not _AGREE_OR.search(question):
        return "change"
    if _SAME.search(question):
        return "same"
    body = WHETHER.sub("", question, count=1)
    if _EITHER.search(question) or _BEFORE_REPORT.search(body):
        return "order"
    return "claims"


def judge(question: str, evidence: Evidence, vector: np.ndarray, cues: Understanding | None = None,
          embed=None) -> Judged | None:
    """The verdict on question from evidence; None when no passage bears on it at all."""
    outlets = cues.outlets if cues is not None else ()
    as_of = cues.as_of if cues is not None else None
    sides = [(_with_topic(text, question, named, as_of), text, named) for text, named in split(question, outlets)]
    vectors = embed([query for query, _, _ in sides]) if embed is not None and len(sides) > 1 else [vector] * len(sides)
    needed = SIDE_MIN + coverage(question, evidence, cues).names_penalty  # more when the passages lack its names
    parts, used = [], set()
    for (query, text, named), v in zip(sides, vectors):
        parts.append(_part(query, text, named, evidence, v, needed, used, as_of))
        used |= {parts[-1].match.sentence.passage} if parts[-1].said else set()
    if not any(p.said for p in parts):
        return None
    form = shape(question)
    verdict = {"order": _order, "same": _same, "change": _change}.get(form, _claims)(question, parts, evidence)
    judged = Judged(verdict, form, parts)
    judged.lead = lead(judged, evidence, question)
    return judged


def split(question: str, outlets: tuple[str, ...] = ()) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The sides of a question, each with the outlets it names: its clauses ("..., while ...", "...,
    and does ..."), a report before or after another, an opening clause ("After X reported ..., did Y
    ...?"); else the whole question.

    >>> [t for t, _ in split("Did Engadget report a discount on laptops before The Verge reported a discount on buds?")]
    ['Did Engadget report a discount on laptops', 'The Verge reported a discount on buds']
    """
    pieces = [p for c in ([c for c, _ in clauses(question, outlets, min_words=0)] or [question])
              for p in _TURN.split(c)]
    if len(pieces) < 2:
        opening = re.match(rf"^\s*(?:after|following|since|before)\b(?P<first>[^?]*?),\s*(?P<second>{AUX}\b.*)$",
                           question, re.I)
        if opening:
            pieces = [opening["first"], opening["second"]]
        elif WHETHER.match(question) and shape(question) == "order":
            pieces = _ORDER.split(question, maxsplit=1)
    pieces = [p.strip(" ,;?") for p in pieces if p and len(p.split()) >= 3]
    if len(pieces) < 2:
        return ((question, outlets),)
    return tuple((p, find_outlets(p, outlets)[0]) for p in pieces)


_REPORT_WORDS = frozenset("report reported reports article articles piece story coverage published publish "
                          "subsequent later earlier previous one source between after before following then also another".split())


def _with_topic(side: str, question: str, outlets: tuple[str, ...] = (), as_of=None) -> str:
    """What a side is searched by: itself, and when it is only a report's reference ("Between the
    report from X published on D1": no words beside its outlet, its date and report words) the
    question's own claim too."""
    plain = side
    spans = find_outlets(side, outlets)[1] + [(w.start, w.end) for w in find_windows(side, as_of or date.today())]
    for start, end in spans:
        plain = plain[:start] + " " * (end - start) + plain[end:]
    words = [w for w in content_words(plain) if w not in _REPORT_WORDS and not w[0].isdigit()]
    return side if len(words) >= 4 else f"{side} {question}"


def side_search(part: Reading, question: str, as_of, filters: Filters | None) -> tuple[str, Filters | None] | None:
    """(query, filters) to look for an unsaid side's own report: its words (with the question's claim
    when it only names a report), its outlets and the dates it names (a day either side); None when it
    names neither outlet nor date."""
    days = find_windows(part.claim, as_of or date.today())
    since = min((w.since for w in days if w.since), default=None)
    until = max((w.until for w in days if w.until), default=None)
    if not part.outlets and not days:
        return None
    narrowed = (filters or Filters()).narrowed(since and since - timedelta(days=1), until and until + timedelta(days=1),
                                               part.outlets)
    return (_with_topic(part.claim, question, part.outlets, as_of), narrowed) if narrowed is not None else None


def _part(query: str, text: str, outlets: tuple[str, ...], evidence: Evidence, vector: np.ndarray, needed: float,
          used: set[int], as_of) -> Reading:
    """The side and its best sentence: from its own outlets' passages when it names any, of its own
    dates when it names them, and another passage than the sides before it when one scores as well.
    A side that names its report by outlet and date is said by that report's best sentence if it
    relates at all (REPORT_MIN)."""
    own = {n for n, h in enumerate(evidence.hits, 1) if not outlets or h.chunk.outlet in outlets}
    days = [w for w in find_windows(text, as_of or date.today())]
    dated = {n for n in own if any(w.contains(day_of(evidence.hits[n - 1].chunk.published_at), slack=1) for w in days)}
    own = dated or own
    if dated and outlets:  # the side names its report by outlet and date: that report is the side
        needed = min(needed, REPORT_MIN)
    said = _said_words(text)
    usable = [m for m in evidence.matches(vector, content_words(query))
              if m.sentence.passage in own and not m.sentence.instruction and m.score >= needed
              and (needed <= REPORT_MIN or _says_any(said, m.sentence.text))]
    best = max(usable, key=lambda m: (m.sentence.passage not in used, m.score), default=None)
    part = Reading(text, outlets)
    if best is not None:
        part.match, part.affirms = best, _denies(text, text) == _denies(best.sentence.text, text)
    return part


def _said_words(claim: str) -> set[str]:
    """The stems of what a side says of the things it names ('Quell Finance closed its branches' ->
    {'close', 'branc'}): its content words other than names, report words and outlets."""
    names = {w.lower() for n in name_phrases(claim) for w in n.split()}
    return {w[:5] for w in content_words(claim) if w not in names and w not in _REPORT_WORDS and not w[0].isdigit()}


def _says_any(stems: set[str], text: str) -> bool:
    """text holds one of stems (or there are none to hold)."""
    return not stems or bool(stems & {w[:5] for w in content_words(text)})


def _denies(text: str, claim: str) -> bool:
    """text negates (or disputes, or says the opposite of) what claim says: a negation or denial no
    more than NEAR words before one of claim's words other than its names ("no agreement had been
    signed"), or an opposite outcome ("rejected" for "approved", `qa.checks.contradict`). Idioms ("no doubt",
    "not only") are no negation."""
    plain = _IDIOMS.sub(" ", text.replace("non-", "not "))
    if text != claim and opposite_words(claim, plain):
        return True
    names = {w.lower() for n in name_phrases(claim) for w in n.split()}
    wanted = {w[:5] for w in content_words(claim) if w not in names}  # what is said of them, not the names
    tokens = re.findall(r"[\w’']+", plain.lower())
    for i, token in enumerate(tokens):
        if _NEGATING.fullmatch(token) or DENIALS.fullmatch(token):
            if any(t[:5] in wanted for t in tokens[i + 1:i + 1 + NEAR]):
                return True
    return False


_NEGATING = re.compile(r"not|no|never|neither|nor|none|cannot|lacks?|lacking|\w+n['’]t", re.I)


def _claims(question: str, parts: list[Reading], evidence: Evidence) -> str:
    if any(p.said and not p.affirms for p in parts):
        return "no"
    return "yes" if all(p.said for p in parts) else "unknown"


def _differ(parts: list[Reading]) -> bool:
    """The sides' sentences disagree: opposite outcomes, or different figures of one kind."""
    said = [p for p in parts if p.said]
    if len(said) < 2:
        return False
    one, other = said[0].match.sentence.text, said[-1].match.sentence.text
    if said[0].affirms != said[-1].affirms or contradiction(one, other, same_wording=False):
        return True
    mine = {(f.kind, f.unit): f.value for f in figures(one)}
    return any(key in mine and mine[key] != f.value for f in figures(other) for key in [(f.kind, f.unit)])


def _compared(question: str, parts: list[Reading], evidence: Evidence, asks_change: bool) -> str:
    """"same" / "change" questions: whether the sides' sentences differ, as the question asks it."""
    if sum(p.said for p in parts) < min(2, len(parts)):
        return "unknown"
    return "yes" if _differ(parts) == asks_change else "no"


def _same(question: str, parts: list[Reading], evidence: Evidence) -> str:
    return _compared(question, parts, evidence, asks_change=False)


def _change(question: str, parts: list[Reading], evidence: Evidence) -> str:
    return _compared(question, parts, evidence, asks_change=True)


def _order(question: str, parts: list[Reading], evidence: Evidence) -> str:
    said = [p for p in parts if p.said]
    days = [day_of(evidence.hits[p.match.sentence.passage - 1].chunk.published_at) for p in said]
    if len(said) < 2 or None in days or days[0] == days[-1]:
        return "unknown"
    first_earlier = days[0] < days[-1]
    if _EITHER.search(question):
        return "before" if first_earlier else "after"
    asked_before = re.search(r"\b(?:before|earlier\s+than|prior\s+to)\b", WHETHER.sub("", question, count=1), re.I)
    return "yes" if first_earlier == bool(asked_before) else "no"


# --- the verdict line ---------------------------------------------------------------------
def _source(part: Reading, evidence: Evidence) -> str:
    chunk = evidence.hits[part.match.sentence.passage - 1].chunk
    when = day_label(day) if (day := day_of(chunk.published_at)) else ""
    name = chunk.outlet or "a report"
    return f"{name} ({when})" if when else name


def lead(judged: Judged, evidence: Evidence, question: str = "") -> str:
    """'Yes — Fortune (12 Oct) [1] and The Verge (14 Oct) [2] say so.' (passage numbers as [n])."""
    said = [p for p in judged.parts if p.said]
    cite = lambda p: f"{_source(p, evidence)} [{p.match.sentence.passage}]"  # noqa: E731
    named = " and ".join(cite(p) for p in said)
    missing = [p for p in judged.parts if not p.said]
    if judged.verdict in ("before", "after"):
        first, last = said[0], said[-1]
        return f"{judged.verdict.capitalize()} — {cite(first)} came {judged.verdict} {cite(last)}."
    if judged.verdict == "unknown":
        gap = "; ".join(f"“{_quoted(p.claim)}”" for p in missing) if missing else "how they compare"
        return f"The articles I have don't say whether {gap}" + (f"; what they say: {named}." if said else ".")
    if judged.shape == "order":
        first, last = said[0], said[-1]
        earlier = day_of(evidence.hits[first.match.sentence.passage - 1].chunk.published_at) < \
            day_of(evidence.hits[last.match.sentence.passage - 1].chunk.published_at)
        return f"{judged.verdict.capitalize()} — {cite(first)} reported it {'before' if earlier else 'after'} {cite(last)}."
    if judged.shape in ("same", "change"):
        differ = (judged.verdict == "yes") == (judged.shape == "change")
        how = "differ" if differ else "agree"
        word = ("Disagree" if differ else "Agree") if _AGREE_OR.search(question) else judged.verdict.capitalize()
        return f"{word} — the reports {how}: {named}."
    if judged.verdict == "no":
        against = [p for p in said if not p.affirms]
        return f"No — {' and '.join(cite(p) for p in against)} say{'s' if len(against) == 1 else ''} otherwise."
    return f"Yes — {named} say{'s' if len(said) == 1 else ''} so."


def _quoted(claim: str) -> str:
    text = WHETHER.sub("", claim.strip(" ?,"), count=1).strip()
    return text[:140] + ("…" if len(text) > 140 else "")


# --- into the answer ----------------------------------------------------------------------
def surface(answer: Answer, judged: Judged, evidence: Evidence) -> Answer:
    """Put judged's verdict line at the head of answer, citing each side (passages answer does not cite
    yet are added to its sources), and record the verdict and its parts."""
    said = {p.match.sentence.passage: p.match.sentence for p in judged.parts if p.said}
    numbers = cite_passages(answer, evidence, said)
    answer.verdict = judged.verdict
    answer.parts = [_typed(p, evidence, numbers) for p in judged.parts]
    if not judged.lead:
        return answer
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m[1]), m[1])}]", judged.lead)
    verdict = Sentence(text, sorted(set(numbers.values())), supported=bool(numbers),
                       quote=" / ".join(s.text for s in said.values()), sep="")  # its markers stand inside it
    if answer.sentences:
        answer.sentences[0].sep = "\n\n"
    return answer.set_sentences([verdict, *answer.sentences])


def _typed(p: Reading, evidence: Evidence, numbers: dict[int, int]) -> Part:
    if not p.said:
        return Part(p.claim, False)
    chunk = evidence.hits[p.match.sentence.passage - 1].chunk
    return Part(p.claim, True, p.affirms, numbers[p.match.sentence.passage], chunk.outlet, chunk.published_at,
                p.match.sentence.text)
