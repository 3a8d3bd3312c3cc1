"""Outlets that disagree: the retrieved passages give different figures for the same thing.

Offline, by what the sentences claim: two passage sentences disagree when

- they come from different outlets (or different stories of one outlet) published within SAME_NEWS
  days of each other: a figure that changes over weeks is a story developing (`qa.timeline`), not a
  disagreement;
- each gives a number for the same thing (the word it counts: "1,200 workers" / "1,500 workers"),
  and the numbers differ; a sentence giving two numbers for it ("23, up from 14") is a change, not a claim;
- they are about the same thing otherwise: they share a good part of their other content words (SHARED),
  and the thing counted is what the question asks the number of ("How many workers ...?"), or, for a
  question about how a story developed, a thing the answer gives a number for.

The answer then says so in one line that cites both and never merges the figures: "Sources differ:
Harbour Herald (20 Mar) says 1,200 workers [1]; Metro Daily (21 Mar) says 1,500 workers. [2]" In LLM
mode the model is also asked to say so (`qa/prompts/answer.txt`), and its sentences are checked as usual.

>>> q = _quantities("The union said about 1,200 workers had taken part, up from 900 workers in May.")
>>> sorted(q.items())
[('worker', ['1200', '900'])]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

from qa.cite import passage_citation
from qa.evidence import Evidence, PassageSentence
from qa.query import answer_kind, asks_timeline
from qa.text import content_words
from qa.timeline import day_label, day_of
from qa.types import Answer, Disagreement, Sentence, Side

SAME_NEWS = 2  # days: reports further apart than this may both be right, at their time
SHARED = 0.3  # share of the shorter sentence's other content words the two must share (and at least 2)
MAX_LINES = 2
DIFFER = "Sources differ:"  # how a disagreement line starts
_QUANTITY = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(%|percent\b|per\s+cent\b|[a-z]+)", re.I)
_NOT_A_THING = frozenset("""and or to of in on at the a an by from per than percent years year days day weeks week
    months month hours hour minutes am pm jan feb mar apr may jun jul aug sep sept oct nov dec january february march
    april june july august september october november december was were is are had has have""".split())


_ORDINAL = frozenset({"st", "nd", "rd", "th"})
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_NAMING = frozenset("season episode no number game round chapter part version page vol volume issue week day "
                    "stage level grade class article section flight route".split())


def _unit(word: str) -> str:
    word = word.lower()
    return "%" if word in ("%", "percent") or word.startswith("per ") else (word.rstrip("s") if len(word) > 3 else word)


def _quantities(text: str) -> dict[str, list[str]]:
    """{thing counted: [the numbers given for it]} ('1,200 workers' -> {'worker': ['1200']}). Years,
    ordinals ("77th") and numbers that name something ("season 11", "episode 24") count nothing.

    >>> _quantities("The 77th awards, season 11 and the 2021 Tour drew 1,200 visitors.")
    {'visitor': ['1200']}
    """
    out: dict[str, list[str]] = {}
    for m in _QUANTITY.finditer(text):
        number, thing = m.group(1), _unit(m.group(2))
        before = text[: m.start()].split()[-1:] or [""]
        if (thing in _NOT_A_THING or thing in _ORDINAL or _YEAR.fullmatch(number)
                or before[0].lower().strip("(#") in _NAMING):
            continue
        out.setdefault(thing, []).append(number.replace(",", ""))
    return out


def _figure(text: str, thing: str) -> str:
    """The figure as the sentence words it: '1,200 workers', '4 percent'."""
    for m in _QUANTITY.finditer(text):
        if _unit(m.group(2)) == thing:
            return f"{m.group(1)}{'' if m.group(2) == '%' else ' '}{m.group(2)}"
    return thing


def find(question: str, evidence: Evidence, answer: Answer | None = None) -> list[Disagreement]:
    """The disagreements among evidence's passages about what question (and answer) is about."""
    hits = evidence.hits
    wanted = {_unit(w) for w in content_words(question)} if answer_kind(question) == "quantity" else set()
    if asks_timeline(question) and answer is not None:  # a story's development: the figures it gives
        wanted |= {thing for s in answer.sentences for thing in _quantities(s.text)}
    claims: list[tuple[PassageSentence, str, str, set[str]]] = []  # (sentence, thing, number, other words)
    for s in evidence.sentences:
        if s.instruction or s.asks:
            continue
        for thing, numbers in _quantities(s.text).items():
            if len(set(numbers)) == 1 and thing in wanted:
                claims.append((s, thing, numbers[0], content_words(s.text) - {thing, numbers[0]}))
    found: dict[str, tuple[float, Disagreement]] = {}
    for (a, thing, x, words_a), (b, other, y, words_b) in combinations(claims, 2):
        ca, cb = hits[a.passage - 1].chunk, hits[b.passage - 1].chunk
        if thing != other or x == y or not _apart(ca, cb) or not _near_in_time(ca.published_at, cb.published_at):
            continue
        common = len(words_a & words_b)
        shared = common / max(1, min(len(words_a), len(words_b)))
        if shared < SHARED or common < 2 or (thing in found and found[thing][0] >= shared):
            continue
        sides = sorted((a, b), key=lambda s: (hits[s.passage - 1].chunk.published_at, s.passage))
        found[thing] = (shared, Disagreement(thing, [
            Side(s.passage, hits[s.passage - 1].chunk.outlet, hits[s.passage - 1].chunk.published_at,
                 _figure(s.text, thing), s.text) for s in sides]))
    return [d for _, d in sorted(found.values(), key=lambda item: -item[0])][:MAX_LINES]


def _apart(a, b) -> bool:
    """Two passages that are independent reports: other outlets, or other stories."""
    return a.outlet.casefold() != b.outlet.casefold() or a.story != b.story


def _near_in_time(one: str, other: str) -> bool:
    d1, d2 = day_of(one), day_of(other)
    if d1 is None or d2 is None:
        return d1 is None and d2 is None
    return abs((d1 - d2).days) <= SAME_NEWS


def line(d: Disagreement, numbers: dict[int, int]) -> tuple[str, list[int]]:
    """('Sources differ: AP (3 Mar) says 12 dead [1]; Reuters (4 Mar) says 15 dead.', [1, 2]) with each
    side's passage number mapped to its citation number; the last citation is for the caller to place.

    >>> d = Disagreement("dead", [Side(4, "AP", "2024-03-03", "12 dead", ""), Side(2, "Reuters", "2024-03-04",
    ...                                                                             "15 dead", "")])
    >>> line(d, {4: 1, 2: 2})
    ('Sources differ: AP (3 Mar) says 12 dead [1]; Reuters (4 Mar) says 15 dead.', [1, 2])
    """
    parts = []
    for side in d.sides:
        day = day_of(side.published_at)
        who = (side.outlet or "an unnamed outlet") + (f" ({day_label(day, year=False)})" if day else "")
        parts.append(f"{who} says {side.figure}")
    cited = [numbers[side.passage] for side in d.sides]
    text = f"{DIFFER} " + "; ".join(f"{p} [{n}]" for p, n in zip(parts[:-1], cited[:-1])) + f"; {parts[-1]}."
    return text, cited


def passages(disagreements: Sequence[Disagreement]) -> list[int]:
    return list(dict.fromkeys(side.passage for d in disagreements for side in d.sides))


def surface(answer: Answer, evidence: Evidence, question: str) -> Answer:
    """Put the disagreements among evidence's passages at the head of answer, one line each, citing
    both sides (passages not cited yet are added to the sources). Returns answer."""
    if answer.abstained or not evidence.hits:
        return answer
    found = find(question, evidence, answer)
    if not found:
        return answer
    numbers = {}
    by_chunk = {c.chunk_id: c.n for c in answer.citations}
    quoted = {(side.passage, side.quote) for d in found for side in d.sides}
    for passage in passages(found):
        chunk_id = evidence.hits[passage - 1].chunk.id
        if chunk_id not in by_chunk:
            quote = next(s for s in evidence.sentences if s.passage == passage and (s.passage, s.text) in quoted)
            by_chunk[chunk_id] = len(answer.citations) + 1
            answer.citations.append(passage_citation(evidence, passage, by_chunk[chunk_id], quote))
        numbers[passage] = by_chunk[chunk_id]
    lines, sentences = [], []
    for d in found:
        text, cited = line(d, numbers)
        for side in d.sides:
            side.n = numbers[side.passage]
        lines.append(f"{text} [{cited[-1]}]")
        sentences.append(Sentence(text, cited, supported=True, quote=" / ".join(side.quote for side in d.sides)))
    answer.text = "\n\n".join([*lines, answer.text])
    answer.sentences = sentences + answer.sentences
    answer.disagreements = found
    return answer
