"""An answer's [n] markers and sentences: markers parsed (ranges expanded), stripped from streamed
text, and the answer split into claims, each with the passage numbers it cites (`qa.checks.cite`
checks them).

>>> parse_numbers("[1, 3][2-4]")
[1, 3, 2, 3, 4]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.text import MARKER, sentence_spans

MAX_RANGE = 20  # "[1-4]" expands; "[1-9999]" is not a citation
_LEAD = re.compile(r"(?:\d{1,3}[.)]|[-•*–])\s+")


def parse_numbers(markers: str) -> list[int]:
    """All passage numbers in a run of markers, in order, ranges expanded."""
    numbers: list[int] = []
    for match in MARKER.finditer(markers):
        for part in re.split(r"[,;]", match.group(1)):
            lo, _, hi = part.replace("–", "-").partition("-")
            a, b = int(lo), int(hi or lo)
            numbers.extend(range(a, b + 1) if 0 <= b - a <= MAX_RANGE else [a])
    return numbers


class MarkerStripper:
    """Removes [n] markers from streamed text, even when a marker is split across deltas.

    Streamed tokens are shown before the citations are checked and renumbered, so they are shown
    without markers; the final Answer carries the checked ones.

    >>> strip = MarkerStripper(); [strip.feed(t) for t in ("Cuba agrees [", "2][9", "]. Russia ", "[x]")]
    ['Cuba agrees', '', '. Russia', ' [x]']
    """

    def __init__(self) -> None:
        self._held = ""

    def feed(self, delta: str) -> str:
        text = re.sub(r"[ \t]+(?=[.,;:!?])", "", MARKER.sub("", self._held + delta))
        text = re.sub(r"[ \t]{2,}", " ", text)  # "Cuba [3] agrees" -> "Cuba agrees"
        held, at = "", text.rfind("[")
        if at >= 0 and "]" not in text[at:] and len(text) - at <= 24:  # maybe the start of a marker
            text, held = text[:at], text[at:]
        space = re.search(r"[ \t]+$", text)  # held back: a marker may follow ("Treaty [1].")
        if space:
            text, held = text[: space.start()], text[space.start():] + held
        self._held = held
        return text

    def flush(self) -> str:
        held, self._held = self._held, ""
        return MARKER.sub("", held)


@dataclass
class Claim:
    """One answer sentence: its text without markers, the passage numbers it cited, what precedes it."""

    text: str
    cited: list[int] = field(default_factory=list)
    sep: str = ""  # whitespace before it in the answer ("", " ", "\n", "\n\n")
    lead: str = ""  # a list marker that opens it ("1. ", "- "): kept in the text, not part of the claim


def split_claims(text: str) -> list[Claim]:
    """Answer text -> claims; markers that open a sentence ('... said. [2] Next') belong to the one before.

    >>> [(c.text, c.cited) for c in split_claims("Russia regrets it [1]. [2] Cuba agrees.")]
    [('Russia regrets it.', [1, 2]), ('Cuba agrees.', [])]
    """
    claims: list[Claim] = []
    prev_end = 0
    for start, end in sentence_spans(text):
        raw = text[start:end]
        lead = re.match(rf"(?:\s*{MARKER.pattern})+", raw, re.I)
        if lead and claims:
            claims[-1].cited.extend(parse_numbers(lead.group(0)))
            raw = raw[lead.end():]
        clean = _tidy(MARKER.sub("", raw))
        lead = _LEAD.match(clean)
        if lead and clean[lead.end():]:
            claims.append(Claim(clean[lead.end():], parse_numbers(raw), _separator(text[prev_end:start], claims),
                                lead.group(0)))
        elif clean:
            claims.append(Claim(clean, parse_numbers(raw), _separator(text[prev_end:start], claims)))
        prev_end = end
    return claims


def _tidy(text: str) -> str:
    """Remove the gaps a removed marker leaves: 'regrets it .' -> 'regrets it.'."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _separator(gap: str, claims: list[Claim]) -> str:
    if not claims:
        return ""
    return "\n" * min(gap.count("\n"), 2) or " "
