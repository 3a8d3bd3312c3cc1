"""Does a passage sentence say the opposite of an answer sentence? Checked offline, by what they claim.

Similarity cannot see that "welcomed" and "regretted" disagree: both sentences are about the same
thing, which is exactly when a contradiction matters. So a sentence about the same thing as its source
(the citation check decides that) is contradicted when:

- its verb is the opposite of the source's ("rose" / "fell", "approved" / "rejected", "welcomed" /
  "regretted"), or one of them is negated and the other is not;
- a number it gives for something differs from the source's number for the same thing ("lasted 90
  days" / "lasted 12 days").

Outlets that agree are not read as contradicting each other (measured by `bench.agreement` on RGB's
positive passages): a figure rounded as written agrees ("$19 billion" / "US$19.3 billion"), "N years
ago" counts from the writer's day and is not compared, a part ("two of three sets") is not its whole,
"Halep defeated Williams" is a win, and a word inside a name ("the US Open") is no verb.

>>> contradiction("Russia welcomed the US withdrawal.", "Russia regrets the US withdrawal.")
'welcomed / regrets'
>>> contradiction("The strike lasted 90 days.", "The strike lasted 12 days.")
'90 days / 12 days'
>>> contradiction("Prices did not rise.", "Prices rose in March.")
'negated / not negated'
>>> contradiction("Prices rose in March.", "In March, prices rose by 3%.")
''
"""

from __future__ import annotations

import re

from qa.figures import Figure, figures

# Each pair: words whose stems mean one thing, and words whose stems mean the opposite.
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("welcom", "prais", "applaud", "hail"), ("regret", "condemn", "criticis", "criticiz", "deplor")),
    (("rose", "rise", "risen", "increas", "grew", "grow", "climb", "gain", "soar", "jump"),
     ("fell", "fall", "fallen", "decreas", "declin", "drop", "shrank", "shrink", "plung", "slump")),
    (("approv", "adopt", "pass", "ratif", "accept"), ("reject", "veto", "refus", "block", "defeat")),
    (("won", "win", "victor"), ("lost", "lose", "loses")),  # "Halep defeated Williams" is Halep's win
    (("support", "back", "favo", "endors"), ("oppos", "against", "resist")),
    (("agreed", "signed"), ("disagree", "refus", "collaps")),
    (("open", "resum", "began", "begin"), ("clos", "halt", "suspend", "stopped", "ended")),
    (("confirm", "admit"), ("deni", "deny")),
)
# "no" negates what follows it ("no deal"); a bare "No." (a table cell, an answer) negates nothing said.
NEGATION = re.compile(r"\b(?:not|no(?=\s+\w)|never|neither|nor|without|none|cannot)\b|n['’]t\b", re.I)
_RELATIVE = re.compile(r"\s+ago\b", re.I)  # "15 years ago": counted from the writer's day
_TOKEN = re.compile(r"[A-Za-z]+|[^\sA-Za-z]")  # words, and every other mark on its own


def contradiction(claim: str, source: str, *, same_wording: bool = True, context: str = "") -> str:
    """Why `source` says the opposite of `claim` ('welcomed / regrets'), or '' when it does not.

    A negation counts only when the two are worded alike otherwise (same_wording): "do not accept
    sanctions" is no contradiction of "oppose sanctions". A figure that `context` (the rest of the cited
    passages) gives too is no contradiction either: the sources differ, and the claim follows one.
    """
    return (opposite_words(claim, source) or _different_numbers(claim, source, context)
            or (_negation(claim, source) if same_wording else ""))


def _words(text: str) -> list[str]:
    """The lower-cased words of text, but not those inside a name (capitalised after a sentence's first
    word: the "US Open" is opened by nobody, "Victory Day" wins nothing)."""
    out, starts = [], True  # does the next word start a sentence?
    for token in _TOKEN.findall(text):
        if token[0].isalpha():
            if starts or not token[0].isupper():
                out.append(token.lower())
            starts = False
        else:
            starts = token in ".!?:"
    return out


def _said(words: list[str], stems: tuple[str, ...]) -> list[str]:
    """The words that start with one of stems."""
    return [w for w in words if w.startswith(stems)]


def opposite_words(claim: str, source: str) -> str:
    claimed, sourced = _words(claim), _words(source)
    for one, other in OPPOSITES:
        for mine, theirs in ((one, other), (other, one)):
            said, answered = _said(claimed, mine), _said(sourced, theirs)
            if said and answered and not _said(claimed, theirs) and not _said(sourced, mine):
                return f"{said[0]} / {answered[0]}"
    return ""


def _different_numbers(claim: str, source: str, context: str = "") -> str:
    """'90 days / 12 days' when source gives another value for a thing claim gives a figure for, and
    context gives no figure in the same unit that agrees (whatever it says the figure is of)."""
    theirs: dict[tuple[str, str], list[Figure]] = {}
    for figure in _absolute(source):
        theirs.setdefault(figure.key, []).append(figure)
    given: list[Figure] | None = None  # the context's figures, read only when a figure disagrees
    for mine in _absolute(claim):
        others = theirs.get(mine.key, []) if any(mine.key) else []
        if not others or any(mine.agrees(o) for o in others):
            continue
        given = _absolute(context) if given is None else given
        if not any(mine.agrees(g) for g in given if g.unit == mine.unit):
            return f"{mine.text} / {others[0].text}"
    return ""


def _absolute(text: str) -> list[Figure]:
    """The figures of text that neither count back from the day it was written ("Ten years ago" in 2016
    and "nearly 15 years ago" in 2021 agree) nor count a part of another figure ("two of three sets":
    only "three sets" is compared)."""
    found = figures(text)
    return [f for f in found if not _RELATIVE.match(text, f.span[1])
            and not any(f.span[0] < g.span[0] < f.span[1] for g in found)]


def _negation(claim: str, source: str) -> str:
    mine, theirs = bool(NEGATION.search(claim)), bool(NEGATION.search(source))
    if mine == theirs:
        return ""
    return "negated / not negated" if mine else "not negated / negated"
