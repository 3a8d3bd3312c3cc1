"""Figures and outcomes that differ between reports: disputes, updates and developing figures.

Offline, by what the sentences claim. A *claim* is a passage sentence that bears on the question:

- a figure (read by `qa.figures`) of the kind the question asks for ("How many ..." a count, "How big a
  raise ..." any figure, "What share ..." a percentage), in a sentence that scores within RELEVANT of
  the best such sentence for the question; or a figure an edited copy of the sentence changes
  (`qa.checks.versions`), whatever the question, when one of the two is in the answer;
- for a yes/no question, an outcome: the sentence affirms or denies what is asked ("a deal had been
  signed" / "no agreement had been signed", "approved" / "rejected", "confirmed" / "denied").

Two claims are about the same thing when their figures are of one kind and count one thing (or one
of them does not say), and their sentences are alike (SAME_THING, cosine of the local embedder), or
they are edits of one sentence. A sentence giving two values for it ("23, up from 14") is a change,
not a claim. Then, for each thing, newest report first:

- reports of other outlets (or other stories) within SAME_DAY of the newest that give another value
  or outcome *dispute* it: "Sources differ: Outlet A (14 May, the union) says ... [1]; Outlet B ...";
- otherwise, earlier reports that gave other values make it a *developing* figure, told newest first
  with their dates: "19 (Outlet A, 7 Mar) [3]; earlier 15 (4 Mar) [2] and 12 (3 Mar) [1]." When the
  earlier value is the same outlet's, hours before, it is an *update*: "Updated 5 h later by AP:
  15,600 [2] (earlier: 12,000 [1])." A same-outlet report published later is that outlet's current
  figure.

An "as of D" question looks only at reports up to D. The line leads the answer and cites each side;
in LLM mode the model is also asked to say so (`qa/answering/prompts/answer.txt`), and its sentences are
checked as usual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from qa.checks.cite import cite_passages
from qa.checks.claims import Claim, asked_words, claims, names_thing
from qa.dates import MONTH_PATTERN, WEEKDAY_PATTERN, day_label, day_of
from qa.evidence import Evidence
from qa.figures import Figure, figures
from qa.query import Understanding
from qa.text import (
    ABBREVIATION,
    ATTRIBUTION,
    STOPWORDS,
    mentions,
    name_phrases,
    word_set,
)
from qa.types import Answer, Chunk, Disagreement, Sentence, Side

SAME_DAY = 1  # days: reports this close that give different figures dispute each other
SAME_THING = 0.6  # cosine of two claim sentences about one thing (bench/versions.py)
SAME_NAMED_THING = 0.5  # ... when both count the thing the question names ("1,200 workers" / "1,500 workers")
MAX_LINES = 2
DIFFER = "Sources differ:"  # how a dispute line starts
_SAID = re.compile(r"(?:\b(?P<the>[Tt]he\s+[a-z'’]+(?:\s+[a-z'’]+)?)|(?P<name>\b[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*))"
                   r",?\s+(?:said|says|told|claimed|insisted|maintained|announced|stated|reported)\b")
_CALENDAR = re.compile(rf"(?i:{MONTH_PATTERN}|{WEEKDAY_PATTERN})")


def find(question: str, evidence: Evidence, answer: Answer | None = None, cues: Understanding | None = None,
         vector: np.ndarray | None = None) -> list[Disagreement]:
    """The disputes, updates and developing figures among evidence's passages about what question
    (and answer) is about, the clearest first."""
    if not evidence.sentences:
        return []
    vector = evidence.embed([question])[0] if vector is None else vector
    until, names = _until(cues), _names(cues.residual(question) if cues is not None else question)
    about = [c for c in claims(question, evidence, vector, answer) if (until is None or (day_of(c.time) or until) <= until)
              and _mentions(c.chunk, names)]
    found = []
    for group in _groups(about, evidence, asked_words(question, answer)):
        verdict = _verdict(group)
        if verdict is not None:
            found.append(verdict)
    return found[:MAX_LINES]


def _names(question: str) -> list[str]:
    """The last word of each name the question gives ('the Marlow Valley floods' -> ['valley'])."""
    out = []
    for name in name_phrases(question):
        words = [w for w in word_set(ABBREVIATION.sub(lambda m: m[0].replace(".", ""), name))
                 if w not in STOPWORDS]
        last = name.replace(".", "").split()[-1].lower().removesuffix("’s").removesuffix("'s") if name.split() else ""
        if words and last:
            out.append(last)
    return out


def _mentions(chunk: Chunk, names: list[str]) -> bool:
    """A claim is about what the question names only if its passage (or headline) names it too."""
    if not names:
        return True
    text = f"{chunk.title} {chunk.text}"
    words = word_set(text) | word_set(ABBREVIATION.sub(lambda m: m[0].replace(".", ""), text))
    return all(mentions(words, name) for name in names)


def _sentence_names(text: str) -> set[str]:
    """The name words of a sentence, days and months left out ("on Wednesday" names nobody)."""
    words = {w.lower().removesuffix("’s").removesuffix("'s") for n in name_phrases(text) for w in n.split()}
    return {w for w in words if not _CALENDAR.fullmatch(w)}


# --- grouping and verdicts ----------------------------------------------------------------
def _thing(figure: Figure) -> str:
    return figure.thing


def _alike(a: Claim, b: Claim, evidence: Evidence, index: dict, words: set[str]) -> bool:
    """Two claims about one thing: edits of one sentence, figures counting the thing the question
    names, or alike sentences with compatible figures."""
    if (a.figure is None) != (b.figure is None):
        return False
    if a.figure is None:  # outcomes: both say enough of what is asked (`_outcome_claims`)
        return True
    if a.figure is not None and b.figure is not None:
        fa, fb = a.figure, b.figure
        if fa.kind != fb.kind or (fa.unit != fb.unit and fa.kind != "count"):
            return False
        if fa.counted and fb.counted and _thing(fa) and _thing(fb) and _thing(fa) != _thing(fb):
            return False
        if a.edited and b.edited:
            return True
        mine, theirs = _sentence_names(a.sentence.text), _sentence_names(b.sentence.text)
        if mine and theirs and not mine & theirs:  # "Soto hit 35" / "Judge hit 13": other subjects
            return False
        if _other_things(a) and _other_things(b) and not _other_things(a) & _other_things(b):
            return False  # "22 runs through 602 appearances" / "23 runs, 36 doubles": other stat lines
    va, vb = evidence.vectors[index[a.sentence.key]], evidence.vectors[index[b.sentence.key]]
    cosine = float(va @ vb)
    if a.figure is not None and b.figure is not None and a.figure.counted and b.figure.counted \
            and _thing(a.figure) == _thing(b.figure) and names_thing(a.figure, words):
        return cosine >= SAME_NAMED_THING
    return cosine >= SAME_THING


def _other_things(claim: Claim) -> set[str]:
    """What the sentence's other figures count or measure: a claim's context ("15 dead and 40 injured",
    "12 wins over 64 days")."""
    return {f.thing or f.unit for f in figures(claim.sentence.text) if (f.thing or f.unit) and f.span != claim.figure.span}


def _groups(claims: list[Claim], evidence: Evidence, words: set[str]) -> list[list[Claim]]:
    """Claims about one thing together (single linkage), each group at most one claim per sentence."""
    index = {s.key: i for i, s in enumerate(evidence.sentences)}
    unique: dict[tuple, Claim] = {}
    for c in claims:
        unique.setdefault((c.sentence.key, c.value), c)
    claims = list(unique.values())
    groups: list[list[Claim]] = []
    for claim in claims:  # a group holds one claim of a sentence: its other figures are of other things
        home = next((g for g in groups if all(o.sentence.key != claim.sentence.key for o in g)
                     and any(_alike(claim, other, evidence, index, words) for other in g)), None)
        if home is None:
            groups.append([claim])
        else:
            home.append(claim)
    return [g for g in groups if len({c.value for c in g}) > 1]


def _apart(a: Chunk, b: Chunk) -> bool:
    """Independent reports: other outlets, or other stories."""
    return a.outlet.casefold() != b.outlet.casefold() or a.story != b.story


def _days_apart(one: str, other: str) -> float | None:
    a, b = _moment(one), _moment(other)
    return None if a is None or b is None else abs((a - b).total_seconds()) / 86400


def _moment(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).replace(tzinfo=None) if iso else None
    except ValueError:
        day = day_of(iso)
        return datetime(day.year, day.month, day.day) if day else None


def _verdict(group: list[Claim]) -> Disagreement | None:
    """A dispute, an update or a developing figure, from claims about one thing; None when they agree."""
    ordered = sorted(group, key=lambda c: (c.time, c.sentence.passage), reverse=True)
    current: dict[str, Claim] = {}  # each outlet's newest claim: its current figure
    for c in ordered:
        current.setdefault(c.chunk.outlet.casefold(), c)
    newest = ordered[0]
    disputing = [c for c in current.values() if c is not newest and c.value != newest.value
                 and _apart(c.chunk, newest.chunk) and _close(c.time, newest.time)]
    if disputing:
        sides = sorted([newest, *disputing[:2]], key=lambda c: (c.time, c.sentence.passage))
        return Disagreement(_label(newest), [_side(c) for c in sides], kind="differ")
    earlier, values = [], {newest.value}
    for c in ordered[1:]:
        if c.value not in values:
            values.add(c.value)
            earlier.append(c)
    if not earlier:
        return None
    same_outlet = earlier[0].chunk.outlet.casefold() == newest.chunk.outlet.casefold()
    kind = "update" if same_outlet and len(earlier) == 1 and not _later_day(earlier[0], newest) else "develop"
    return Disagreement(_label(newest), [_side(c) for c in [newest, *earlier[:3]]], kind=kind)


def _calendar_days(one: str, other: str) -> int | None:
    a, b = day_of(one), day_of(other)
    return None if a is None or b is None else abs((a - b).days)


def _close(one: str, other: str) -> bool:
    """Reports of (about) one day: SAME_DAY calendar days apart at most, or both undated."""
    apart = _calendar_days(one, other)
    return (apart is None and not one and not other) or (apart is not None and apart <= SAME_DAY)


def _later_day(old: Claim, new: Claim) -> bool:
    apart = _calendar_days(old.time, new.time)
    return apart is not None and apart > SAME_DAY


def _label(claim: Claim) -> str:
    figure = claim.figure
    if figure is None:
        return "outcome"
    return (_thing(figure) if figure.counted else "") or figure.unit or "figure"


def _side(c: Claim) -> Side:
    said = c.figure.text if c.figure is not None else _clause(c.sentence.text)
    return Side(c.sentence.passage, c.chunk.outlet, c.chunk.published_at, said, c.sentence.text, who=_who(c.sentence.text))


def _clause(text: str) -> str:
    """The part of a sentence that states the outcome: up to its attribution ('..., the union said')."""
    text = text.strip().rstrip(".")
    for pattern in (_SAID, ATTRIBUTION):
        m = pattern.search(text)
        if m and m.start() > len(text) / 3:
            text = text[: m.start()].rstrip(" ,;—-")
            break
    return "“" + text.strip(' “”"') + "”"


def _who(text: str) -> str:
    """Who a sentence attributes its claim to: 'the union', 'Acme Corp', or ''."""
    m = ATTRIBUTION.search(text)
    if m:
        return m.group("who")
    m = _SAID.search(text)
    if m:
        who = m.group("the") or m.group("name") or ""
        if who.split()[0].lower() in ("he", "she", "it", "they", "who", "this", "that"):
            return ""
        return "the" + who[3:] if who.startswith("The ") else who
    return ""


def _until(cues: Understanding | None):
    window = cues.window if cues is not None else None
    return window.until if window is not None and window.as_of else None


# --- lines --------------------------------------------------------------------------------
def _when(side: Side, year: bool = False) -> str:
    day = day_of(side.published_at)
    return day_label(day, year=year) if day else ""


def line(d: Disagreement, numbers: dict[int, int]) -> tuple[str, list[int]]:
    """The disagreement as one line, with each side's passage number mapped to its citation number;
    the last citation is for the caller to place.

    >>> d = Disagreement("dead", [Side(4, "AP", "2024-03-03", "12 dead", ""), Side(2, "Reuters", "2024-03-04",
    ...                                                                             "15 dead", "")])
    >>> line(d, {4: 1, 2: 2})
    ('Sources differ: AP (3 Mar) says 12 dead [1]; Reuters (4 Mar) says 15 dead.', [1, 2])
    >>> d = Disagreement("people", [Side(3, "Star", "2024-04-08", "17", ""), Side(2, "Post", "2024-04-05", "11", ""),
    ...                             Side(1, "Star", "2024-04-03", "8", "")], kind="develop")
    >>> line(d, {1: 1, 2: 2, 3: 3})[0]
    '17 (Star, 8 Apr) [3]; earlier 11 (Post, 5 Apr) [2] and 8 (Star, 3 Apr).'
    >>> d = Disagreement("home", [Side(2, "AP", "2024-04-03T15:00", "15,600 homes", ""),
    ...                           Side(1, "AP", "2024-04-03T10:00", "12,000 homes", "")], kind="update")
    >>> line(d, {1: 1, 2: 2})[0]
    'Updated 5 h later by AP: 15,600 homes [2] (earlier: 12,000 homes).'
    """
    cited = [numbers[side.passage] for side in d.sides]
    if d.kind == "update":
        new, old = d.sides
        hours = _days_apart(new.published_at, old.published_at)
        later = f" {round(hours * 24)} h later" if hours else ""
        return (f"Updated{later} by {new.outlet or 'the same outlet'}: {new.figure} [{cited[0]}] "
                f"(earlier: {old.figure})."), cited
    if d.kind == "develop":
        first, *rest = d.sides
        head = f"{first.figure} ({', '.join(p for p in (first.outlet, _when(first)) if p)}) [{cited[0]}]"
        parts = [f"{s.figure} ({', '.join(p for p in (s.outlet, _when(s)) if p)})" for s in rest]
        marked = [f"{p} [{n}]" for p, n in zip(parts[:-1], cited[1:-1])] + parts[-1:]
        tail = marked[0] if len(marked) == 1 else ", ".join(marked[:-1]) + " and " + marked[-1]
        return f"{head}; earlier {tail}.", cited
    parts = []
    for side in d.sides:
        detail = ", ".join(p for p in (_when(side), side.who) if p)
        parts.append(f"{side.outlet or 'an unnamed outlet'}{f' ({detail})' if detail else ''} says {side.figure}")
    text = f"{DIFFER} " + "; ".join(f"{p} [{n}]" for p, n in zip(parts[:-1], cited[:-1])) + f"; {parts[-1]}."
    return text, cited


def passages(disagreements: Sequence[Disagreement]) -> list[int]:
    return list(dict.fromkeys(side.passage for d in disagreements for side in d.sides))


def surface(answer: Answer, evidence: Evidence, question: str, cues: Understanding | None = None) -> Answer:
    """Put the disputes, updates and developing figures among evidence's passages at the head of
    answer, one line each, citing every side (passages not cited yet are added to the sources)."""
    if answer.abstained or not evidence.hits:
        return answer
    found = find(question, evidence, answer, cues)
    if not found:
        return answer
    quoted = {(side.passage, side.quote) for d in found for side in d.sides}
    numbers = cite_passages(answer, evidence, {p: next(s for s in evidence.sentences if s.passage == p and
                                                       (s.passage, s.text) in quoted) for p in passages(found)})
    sentences = []
    for d in found:
        text, cited = line(d, numbers)
        for side in d.sides:
            side.n = numbers[side.passage]
        sentences.append(Sentence(text, cited, supported=True, quote=" / ".join(side.quote for side in d.sides),
                                  sep="\n\n", marks=f" [{cited[-1]}]"))
    at = 1 if answer.verdict not in ("", "differ") and answer.parts and answer.sentences else 0
    rest = answer.sentences[at:]  # a yes/no verdict line stays first; the answer's own sentences follow
    if rest:
        rest[0].sep = "\n\n"
    answer.set_sentences(answer.sentences[:at] + sentences + rest)
    answer.disagreements = found
    return answer
