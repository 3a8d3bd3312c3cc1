"""Versions are not copies: two passages of one story fold into one only when they say the same.

An update ("This story has been updated"), a correction or another outlet's edit keeps most of a
story's words and changes a figure, a name or a negation. Word triples (`qa.index.stories.copied`) see the
same text; this module sees what changed. Each sentence of one passage is paired with the sentence of
the other that shares most of its word triples (ALIGNED); paired sentences must agree on

- every number (figures read by `qa.figures`, and numbers that name something: "Line 4" / "Line 7");
- every name (a name word one has where the other has another: "Mayor Ortiz" / "Mayor Reyes");
- negation ("approved" / "not approved").

Sentences without a partner (a trimmed ending, an added note) decide nothing.

>>> a = "The council approved the 4.1 km extension of Line 4. The work will cost 310 million euros."
>>> agree(a, "(Wire) - The council approved the 4.1 km extension of Line 4. It will cost 310 million euros.")
True
>>> [(old.text, new.text) for old, new, _ in changes(a, a.replace("310", "345"))]
[('310 million euros', '345 million euros')]
>>> agree(a, a.replace("Line 4", "Line 7")), agree(a, a.replace("approved", "did not approve"))
(False, False)
"""

from __future__ import annotations

import re

from qa.checks.contradict import NEGATION
from qa.figures import Figure, figures, numbers_in
from qa.text import (
    ABBREVIATION,
    ALIASES,
    content_words,
    name_phrases,
    sentence_spans,
    without_dateline,
)

ALIGNED = 0.75  # share of the shorter sentence's content words the other holds: one sentence, edited
MIN_WORDS = 3  # content words a sentence needs to be paired at all
_POSSESSIVE = re.compile(r"['’]s?$")
_HONORIFICS = frozenset("mr mrs ms dr sir the a an".split())


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def aligned(one: str, other: str) -> list[tuple[str, str]]:
    """Pairs (sentence of one, the sentence of other it is an edit of): they share ALIGNED of the
    shorter one's words (numbers left out, so a changed figure does not hide its sentence)."""
    theirs = [(s, _words(s)) for s in _sentences(other)]
    pairs = []
    for sentence in _sentences(one):
        mine = _words(sentence)
        if len(mine) < MIN_WORDS:
            continue
        best = max(theirs, key=lambda t: _share(mine, t[1]), default=None)
        if best is not None and _share(mine, best[1]) >= ALIGNED:
            pairs.append((sentence, best[0]))
    return pairs


def _words(sentence: str) -> set[str]:
    return {w for w in content_words(sentence) if not w[0].isdigit()}


def _share(a: set[str], b: set[str]) -> float:
    if len(a) < MIN_WORDS or len(b) < MIN_WORDS:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def changes(one: str, other: str) -> list[tuple[Figure, Figure, tuple[str, str]]]:
    """(figure in one, the other's figure for the same thing, (the two sentences)) for each figure the
    other text changes."""
    out = []
    for mine, theirs in aligned(one, other):
        found = {f.key: f for f in figures(theirs) if any(f.key)}
        for figure in figures(mine):
            new = found.get(figure.key)
            if new is not None and any(figure.key) and not figure.same_value(new) and \
                    not any(figure.same_value(f) for f in figures(theirs) if f.key == figure.key):
                out.append((figure, new, (mine, theirs)))
    return out


def agree(one: str, other: str) -> bool:
    """True when every pair of aligned sentences agrees on numbers, names and negation."""
    return not any(differ(a, b) for a, b in aligned(one, other))


def differ(one: str, other: str) -> str:
    """What two edits of one sentence disagree on ('numbers', 'names', 'negation'), or ''."""
    one, other = without_dateline(one), without_dateline(other)  # "LONDON, Nov 3 (Reuters) -" is the copy's
    if numbers_in(one) != numbers_in(other):
        return "numbers"
    mine, theirs = _name_words(one), _name_words(other)
    if mine - theirs and theirs - mine:
        return "names"
    if bool(NEGATION.search(one)) != bool(NEGATION.search(other)):
        return "negation"
    return ""


def _name_words(text: str) -> set[str]:
    plain = ABBREVIATION.sub(lambda m: m[0].replace(".", ""), text)
    words = {_POSSESSIVE.sub("", w.lower()).strip(".") for n in name_phrases(" " + plain) for w in n.split()}
    words -= _HONORIFICS
    for short in words & ALIASES.keys():  # "U.S." and "United States" name one country
        words = (words - {short}) | set(ALIASES[short][0].split())
    return words
