"""Question understanding: what a news question says besides its words, as structured data.

`understand(question, as_of=..., catalogue=...)` returns an `Understanding`: the date windows named
in the question (`qa.dates`), whether it asks "as of" a date or for the latest state, the outlets it
names (matched against the outlets the index holds, ignoring case and a leading "The"), and the kind
of answer it wants. Retrieval uses the dates and outlets as soft cues; the extractive answerer checks
them against the passages' metadata rather than demanding that "March 2024" or "TechCrunch" appear
in the text.

>>> u = understand("According to The Verge's report on 2023-11-24, who won?", as_of=date(2024, 1, 1),
...                catalogue=Catalogue(outlets=("The Verge", "TechCrunch")))
>>> u.describe(), u.kind
('published 2023-11-24, The Verge', 'person')
>>> u.residual()
"According to _________'s report on __________, who won?"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from qa.dates import Window, find_windows

KINDS = ("quantity", "date", "person", "place", "yes/no")
_RECENT = re.compile(r"\b(?:latest|most\s+recent(?:ly)?|newest|now|currently|current|so\s+far|to\s+date|"
                     r"as\s+it\s+stands)\b", re.I)
# A question about how a story developed, wanting the passages in date order.
_TIMELINE = re.compile(r"\btimeline\b|\bchronolog\w*|\bover\s+time\b|\bsequence\s+of\s+events\b|"
                       r"\bhow\s+(?:did|has|have|does|do|is|was)\b[^?]{0,80}?\b(?:develop|evolv|unfold|progress|"
                       r"chang|escalat|grow|grew|spread|play(?:ed)?\s+out)\w*|\bdevelopments?\b|\bstep\s+by\s+step\b",
                       re.I)
# Where a long question turns from one side of a comparison to the other.
_TURN = re.compile(r",?\s+(?:while|whereas|compared\s+(?:to|with)|in\s+contrast\s+to|as\s+opposed\s+to|"
                   r"and\s+then)\s+|;\s+|,\s+and\s+(?=the\b)",
                   re.I)
PART_WORDS = 20  # questions at least this long are split into their clauses
# A date modifies the report, not an event, when one of these words is near it ("the article published on
# 24 Nov", "TechCrunch reported on ...", "news from March 2024") or the question opens with it ("In March
# 2024, ..."); "founded in late 2015" and "released on November 16th" are events in the story.
_REPORTING = re.compile(r"\b(?:report\w*|articles?|stor(?:y|ies)|pieces?|coverage|covered|publish\w*|posted|"
                        r"wr(?:ote|itten|ites)|news|headlines?|columns?|reviews?|interviews?|editions?|"
                        r"according|said|says|stated|claimed|suggested|noted|press|source|the\s+(?:one|latter|former))\b", re.I)
_LEADING = re.compile(r"^\W*(?:(?:in|on|during|between|from|since|by|until|before|after|as\s+of|over|throughout|"
                      r"for)\s+)?(?:the\s+)?$", re.I)
NEAR_WORDS = 4  # how many words either side of a date phrase are read for _REPORTING
AUX = r"(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)"
# A yes/no question: it opens with an auxiliary, or does after an opening clause ("After X reported ..., did ...").
WHETHER = re.compile(rf"^\s*(?:{AUX}\b|(?:after|between|before|following|since|given|considering|in|on|"
                     rf"according\s+to|from)\b[^?]*?,\s*{AUX}\b)", re.I)
# What a question asks for, all read here (`asked`). Each field takes its first matching rule.
_ASKS = (
    ("kind", "quantity", re.compile(r"\bhow\s+(?:many|much|long|old|large|big|tall|far|high|often)\b|"
                                    r"\b(?:what|which)\s+(?:number|percentage|share|amount|proportion|figure|"
                                    r"tally|price|cost|rate|total)\b", re.I)),
    ("kind", "date", re.compile(r"^\s*when\b|\b(?:what|which)\s+(?:date|day|year|month|time)\b|\bsince\s+when\b",
                                re.I)),
    ("kind", "person", re.compile(r"(?:^|[,;:]\s*)(?:who|whom)\b|\b(?:which|what)\s+(?:person|official|minister|"
                                  r"president|leader|player|coach|executive|ceo|founder|individual|spokes\w+)\b|"
                                  r"\bwho\s+(?:is|was|said|told|will|did|has)\b", re.I)),
    ("kind", "place", re.compile(r"^\s*where\b|\b(?:which|what)\s+(?:country|city|town|region|state|place|venue|"
                                 r"location|stadium)\b", re.I)),
    ("kind", "yes/no", WHETHER),
    ("needs", "quantity", re.compile(r"\bhow (?:many|much|long|old|large|big|tall|far)\b", re.I)),
    ("needs", "year", re.compile(r"\b(?:which|what) year\b", re.I)),
    ("duration", True, re.compile(r"\bhow long\b|\bfor how many (?:days|weeks|months|years)\b", re.I)),
)
# The kinds of figure (`qa.figures`) that answer a question: the union of every matching rule.
_FIGURES = (
    (re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\b(?:tally|total|toll|count|turnout)\b", re.I), {"count"}),
    (re.compile(r"\bhow\s+long\b", re.I), {"duration"}),
    (re.compile(r"\b(?:percentage|share|proportion|rate)\b", re.I), {"percent", "count"}),
    (re.compile(r"\bhow\s+much\b|\b(?:price|cost|costs|worth|value|pay|salary|fine)\b", re.I),
     {"money", "measure", "percent", "count"}),
)
ANY_FIGURE = frozenset({"count", "duration", "measure", "money", "percent"})


@dataclass(frozen=True)
class Asked:
    """What a question asks for: the kind of answer, what an answering sentence must hold, the kinds
    of figure that answer it, and whether a duration should lead ("how long")."""

    kind: str | None = None
    """One of KINDS, or None."""
    needs: str | None = None
    """"quantity" ("how many/much/long ..."), "year" ("which year") or None: a sentence without one
    does not answer, however well it scores."""
    figures: frozenset[str] = frozenset()
    """The `qa.figures` kinds that answer it ("count" for "how many"); empty for other questions."""
    duration: bool = False


def asked(question: str) -> Asked:
    """The one reading of what a question asks for (`Asked`).

    >>> a = asked("How big a raise do the nurses get?")
    >>> a.kind, a.needs, sorted(a.figures), a.duration
    ('quantity', 'quantity', ['count', 'duration', 'measure', 'money', 'percent'], False)
    >>> asked("In which year was it founded?").needs, asked("Who won?").figures
    ('year', frozenset())
    """
    found: dict[str, object] = {}
    for name, value, rule in _ASKS:
        if name not in found and rule.search(question):
            found[name] = value
    figures = frozenset().union(*(kinds for rule, kinds in _FIGURES if rule.search(question)))
    if not figures and found.get("kind") == "quantity":
        figures = ANY_FIGURE
    return Asked(figures=figures, **found)


@dataclass(frozen=True)
class Catalogue:
    """What the index holds that a question can refer to: its outlets and its newest day."""

    outlets: tuple[str, ...] = ()
    newest: date | None = None


@dataclass(frozen=True)
class Understanding:
    """A question as structured data (see the module docstring)."""

    text: str
    as_of: date
    """The day the question is asked at: today, `--as-of`, an eval row's `as_of`, or "as of D"."""
    windows: tuple[Window, ...] = ()
    """Date windows the question names, in order ("March 2024", "between ... and ...")."""
    recency: bool = False
    """The question wants the newest state ("latest", "most recent", "now", "as of D")."""
    timeline: bool = False
    """The question asks how a story developed ("how did ... evolve", "timeline", "over time")."""
    outlets: tuple[str, ...] = ()
    """Outlets of the index the question names, as the index spells them."""
    kind: str | None = None
    """The kind of answer asked for: one of KINDS, or None."""
    events: tuple[Window, ...] = ()
    """Dates of events in the story ("founded in late 2015"): words to look for, not publication dates."""
    spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    """Where the date (publication and event) and outlet phrases are in text."""
    outlet_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    """Where the outlet phrases are in text."""
    parts: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), repr=False)
    """The clauses of a long comparison ("Did X report A, while Y says B?"), each with the outlets
    it names: each is searched on its own, so both sides of the comparison are retrieved."""

    @property
    def window(self) -> Window | None:
        """One window spanning every date the question names (None when it names none)."""
        if not self.windows:
            return None
        lows = [w.since for w in self.windows]
        highs = [w.until for w in self.windows]
        since = None if None in lows else min(lows)
        until = None if None in highs else max(highs)
        label = self.windows[0].label if len(self.windows) == 1 else ", ".join(w.label for w in self.windows)
        return Window(since, until, label, as_of=any(w.as_of for w in self.windows))

    @property
    def anchored(self) -> bool:
        """True when the answer should say which date it speaks for."""
        return bool(self.windows) or self.recency

    @property
    def dated(self) -> bool:
        """True when the answer goes by date, passages in date order and each sentence with its day: a
        timeline, or the latest state (an "as of D" question is answered for D instead)."""
        return self.timeline or (self.recency and not any(w.as_of for w in self.windows))

    @property
    def empty(self) -> bool:
        """True when nothing beyond the words was understood."""
        return not self.windows and not self.recency and not self.outlets and not self.timeline

    def residual(self, text: str | None = None, *, dates: bool = True) -> str:
        """The question (or another text, e.g. the user's words before a follow-up was rewritten)
        with the outlet phrases understood, and unless dates=False the date phrases, blanked out."""
        spans = self.spans if dates else self.outlet_spans
        phrases = sorted({self.text[s:e] for s, e in spans}, key=len, reverse=True)
        if text is None or text == self.text:
            text = self.text
            for start, end in spans:
                text = text[:start] + "_" * (end - start) + text[end:]
            return text
        for phrase in phrases:
            text = text.replace(phrase, "_" * len(phrase))
        return text

    def describe(self) -> str:
        """'published March 2024, The Verge' (what was understood, for a one-line display)."""
        parts = []
        window = self.window
        if window is not None:
            parts.append(f"as of {window.until}" if window.as_of and window.since is None
                         else f"published {window.describe()}")
        if self.recency and not (window and window.as_of):
            parts.append(f"latest (as of {self.as_of})")
        if self.timeline:
            parts.append("in date order")
        if self.outlets:
            parts.append(" or ".join(self.outlets))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        window = self.window
        return {
            "window": None if window is None else {
                "since": window.since and window.since.isoformat(),
                "until": window.until and window.until.isoformat(), "label": window.label},
            "as_of": self.as_of.isoformat(), "recency": self.recency, "timeline": self.timeline, "dated": self.dated,
            "outlets": list(self.outlets),
            "kind": self.kind, "described": self.describe(),
        }


def understand(question: str, *, as_of: date | None = None, catalogue: Catalogue = Catalogue()) -> Understanding:
    """Read dates, "as of", recency, outlets and the answer kind out of question."""
    as_of = as_of or date.today()
    anchor = min(as_of, catalogue.newest) if catalogue.newest else as_of
    found = find_windows(question, as_of, anchor)
    windows = tuple(w for w in found if reported(question, w, catalogue.outlets))
    events = tuple(w for w in found if w not in windows)
    stated = next((w.until for w in windows if w.as_of and w.until), None)
    outlets, outlet_spans = find_outlets(question, catalogue.outlets)
    return Understanding(
        text=question, as_of=stated or as_of, windows=windows, events=events,
        recency=bool(_RECENT.search(question)) or stated is not None, timeline=asks_timeline(question),
        outlets=outlets,
        kind=answer_kind(question), spans=tuple(sorted([(w.start, w.end) for w in found] + outlet_spans)),
        outlet_spans=tuple(outlet_spans), parts=clauses(question, catalogue.outlets),
    )


def reported(question: str, window: Window, outlets: tuple[str, ...] = ()) -> bool:
    """True when a date phrase of question says when a report appeared, not when something happened:
    "as of D", relative dates ("last week"), a question that opens with it, or a reporting word or an
    outlet within NEAR_WORDS words before it (or two after), in its clause.

    >>> q = "Which company, founded in late 2015, did The Verge's article on 24 Nov 2023 say was sold?"
    >>> [(w.label, reported(q, w, ("The Verge",))) for w in find_windows(q, date(2024, 1, 1))]
    [('2015', False), ('24 Nov 2023', True)]
    """
    if window.as_of or not _plain_label(window.label) or _LEADING.match(question[:window.start]):
        return True
    before = " ".join(re.split(r"[,;:?(]", question[:window.start])[-1].split()[-NEAR_WORDS:])
    after = " ".join(re.split(r"[,;:?)]", question[window.end:])[0].split()[:2])
    if _REPORTING.search(before) or _REPORTING.search(after):
        return True
    _, spans = find_outlets(before + " " + question[window.start:window.end] + " " + after, outlets)
    return bool(spans)


def _plain_label(label: str) -> bool:
    """A calendar date or period ("24 Nov", "late 2015"), not a relative one ("last week", "3 days ago")."""
    return not re.search(r"\b(?:last|past|this|ago|next|yesterday|today|recent\w*|since|until|between)\b", label, re.I)


def clauses(question: str, outlets: tuple[str, ...] = (), min_words: int = PART_WORDS
            ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The two or more sides of a comparison question of min_words or more, each with the outlets it
    names; ().

    >>> q = ("Does the article from Fortune claim that the practices were legal, while the article "
    ...      "from The Verge suggests that Alameda had a negative balance?")
    >>> [(text[:24], names) for text, names in clauses(q, ("Fortune", "The Verge"))]
    [('Does the article from Fo', ('Fortune',)), ('the article from The Ver', ('The Verge',))]
    """
    if len(question.split()) < min_words:
        return ()
    pieces = [p.strip(" ,;?") for p in _TURN.split(question)]
    pieces = [p for p in pieces if len(p.split()) >= 4]
    if len(pieces) < 2:
        return ()
    named = _outlets_at(question, outlets)
    out = []
    for piece in pieces:
        at = question.find(piece)
        out.append((piece, tuple(dict.fromkeys(o for pos, o in named if at <= pos < at + len(piece)))))
    return tuple(out)


def _outlets_at(question: str, outlets: tuple[str, ...]) -> list[tuple[int, str]]:
    """(position, outlet) of each outlet named in question."""
    found, spans = find_outlets(question, outlets)
    lowered = {o: [v.casefold() for v in outlet_variants(o)] for o in found}
    return [(s, next((o for o in found if question[s:e].casefold() in lowered[o]), "")) for s, e in spans]


def asks_timeline(question: str) -> bool:
    """True for a question about how a story developed.

    >>> [asks_timeline(q) for q in ("How did the outbreak evolve?", "Give me a timeline of the strike",
    ...                             "How many cases were there?", "How has the strike developed since March?")]
    [True, True, False, True]
    """
    return bool(_TIMELINE.search(question))


def answer_kind(question: str) -> str | None:
    """'How many ...' -> 'quantity', 'When ...' -> 'date', 'Who ...' -> 'person', 'Did ...' -> 'yes/no'.

    >>> [answer_kind(q) for q in ("How many died?", "Where is it?", "Did it rain?", "Why?")]
    ['quantity', 'place', 'yes/no', None]
    """
    return asked(question).kind


def outlet_variants(outlet: str) -> list[str]:
    """The ways a question may name an outlet: 'The Roar | Sports Writers Blog' -> its full name,
    'Roar | Sports Writers Blog', 'The Roar', 'Roar' (a one-word variant must be capitalised where used).

    >>> outlet_variants("FOX News - Health")
    ['FOX News - Health', 'FOX News']
    """
    names = [outlet.strip()]
    head = re.split(r"\s+[|–—-]\s+|:\s+", outlet.strip())[0]
    names.append(head)
    for name in list(names):
        if re.match(r"(?i)the\s+\S", name):
            names.append(name[4:].strip())
    return [n for n in dict.fromkeys(names) if len(n) >= 3]


def find_outlets(question: str, outlets: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """The index's outlets named in question, and where; longest names first, each place used once.

    >>> find_outlets("Did 'The Age' and TechCrunch agree? A fortune.", ("The Age", "TechCrunch", "Fortune"))
    (('The Age', 'TechCrunch'), [(5, 12), (18, 28)])
    """
    candidates = sorted(((v, o) for o in outlets for v in outlet_variants(o)), key=lambda p: -len(p[0]))
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for variant, outlet in candidates:
        pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", re.I)
        for m in pattern.finditer(question):
            if any(s < m.end() and m.start() < e for s, e in spans) or not m.group(0)[0].isupper():
                continue
            if " " not in variant and not _proper_here(question, m.start()):
                continue
            found.append((m.start(), outlet))
            spans.append((m.start(), m.end()))
    return tuple(dict.fromkeys(o for _, o in sorted(found))), sorted(spans)


def _proper_here(text: str, at: int) -> bool:
    """A one-word outlet name ('Fortune', 'Wired') counts only where it is not just a capitalised
    first word of the question."""
    return bool(text[:at].strip(" '\"‘“")) and not re.search(r"[.!?]\s*['\"‘“]?$", text[:at])
