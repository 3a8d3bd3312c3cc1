"""Dates as news writes them: found in a question or a passage, resolved to a window of days.

`find_windows(text, base)` finds date phrases ("March 2024", "Feb. 16, 2024", "2023-11-24", "late
November 2023", "between Sept. 26 and Dec. 24, 2023", "in the six months before January 2024",
"yesterday", "last week", "this year") and returns each as a `Window` of calendar days. A regular
expression only *locates* a phrase; dateparser turns it into a date and a period (day, week, month,
year), relative to `base`. "May" is a month only next to a day or year, or after "in", "since",
"early", ... ("Russia may ..." and "May I ..." are not dates). A date without a year takes the year
of a date it is paired with ("Sept. 26 and Dec. 24, 2023"), else the latest such day not after an
anchor day (see `find_windows`).

>>> base = date(2024, 3, 10)
>>> [w.label for w in find_windows("What did the agency say in March 2024?", base)]
['March 2024']
>>> w = find_windows("between Sept. 26 and Dec. 24, 2023", base)[0]; (w.since, w.until)
(datetime.date(2023, 9, 26), datetime.date(2023, 12, 24))
>>> w = find_windows("in the six months before January 2024", base)[0]; (w.since, w.until)
(datetime.date(2023, 7, 1), datetime.date(2023, 12, 31))
>>> find_windows("Russia may provide a credit", base)
[]
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

_MONTH_FULL = ("january|february|march|april|june|july|august|september|october|november|december")
_MONTH_ABBR = r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
_MONTH = rf"(?:{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?|May)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
MONTH_PATTERN, YEAR_PATTERN = _MONTH, _YEAR  # the one month list and year pattern (qa.figures, qa.answering.extractive)
WEEKDAY_PATTERN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = r"(?:\d{1,3}|" + "|".join(_NUMBER_WORDS) + ")"
_PART = r"(?:(?:early|mid|late|the\s+(?:start|beginning|middle|end)\s+of)[\s-]+)"
# One date, most specific first. (?i) is scoped so that "May" stays case-sensitive.
_ATOM = re.compile(
    rf"(?P<iso>\b{_YEAR}-[01]\d-[0-3]\d\b)"
    rf"|(?P<mdy>\b(?i:{_MONTH})\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?)"
    rf"|(?P<dmy>\b{_DAY}\s+(?i:{_MONTH})(?:,?\s+{_YEAR})?\b)"
    rf"|(?P<my>\b(?i:{_PART})?(?i:{_MONTH})(?:\s+of)?,?\s+{_YEAR}\b)"
    rf"|(?P<m>(?:(?i:{_PART})|(?<=\b[Ii]n\s)|(?<=\b[Ss]ince\s)|(?<=\b[Uu]ntil\s)|(?<=\b[Bb]y\s)|"
    rf"(?<=\b[Dd]uring\s)|(?<=\b[Bb]efore\s)|(?<=\b[Aa]fter\s)|(?<=\b[Oo]f\s))"
    rf"(?:(?i:{_MONTH_FULL})|May)\b(?!\s+\d))"
    rf"|(?P<y>\b(?<![-/.]){_YEAR}\b(?![-/]\d))"
    rf"|(?P<rel>(?i:\b(?:yesterday|today|tonight|this\s+(?:week|month|year)|"
    rf"(?:last|past|previous)\s+(?:week|month|year)|{_COUNT}\s+(?:days?|weeks?|months?|years?)\s+ago)\b))"
    rf"|(?P<span>(?i:\b(?:in\s+)?(?:the\s+)?(?:last|past|previous|first)?\s*(?P<n>{_COUNT})\s+"
    rf"(?P<unit>days?|weeks?|months?|years?)\s+(?P<dir>before|after|leading\s+up\s+to|prior\s+to|following)\s+))",
)
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|until|till|through|thru|-|–|—)\s*$", re.I)
_RANGE_OPEN = re.compile(r"(?:between|from)\s+(?:the\s+)?$", re.I)
_BOUND = re.compile(r"(?:(?P<before>before|prior\s+to|until|till|up\s+to|by)|(?P<after>after|since|from))\s+"
                    r"(?:the\s+)?(?:start\s+of\s+|end\s+of\s+)?$", re.I)
_AS_OF = re.compile(r"\bas\s+of\s+$", re.I)


@dataclass(frozen=True)
class Window:
    """Calendar days [since, until] that a date phrase names; either end may be open (None)."""

    since: date | None
    until: date | None
    label: str  # the phrase as written: "March 2024"
    start: int = 0  # where the phrase is in the text it was found in
    end: int = 0
    as_of: bool = False  # "as of Feb. 16, 2024": the question is asked at that date

    def contains(self, day: date | None, slack: int = 0) -> bool:
        """True when day falls in the window, widened by slack days each side (None is never in).

        >>> Window(date(2024, 3, 1), date(2024, 3, 31), "March 2024").contains(date(2024, 4, 1), slack=1)
        True
        """
        if day is None:
            return False
        low = self.since - timedelta(days=slack) if self.since else date.min
        high = self.until + timedelta(days=slack) if self.until else date.max
        return low <= day <= high

    def describe(self) -> str:
        """'March 2024', 'until 2023-12-31', '2023-09-26 to 2023-12-24'."""
        if self.since and self.until:
            return self.label if _plain(self.label) else f"{self.since} to {self.until}"
        return f"until {self.until}" if self.until else f"since {self.since}"


def _plain(label: str) -> bool:
    return not re.search(r"\b(?:between|from|before|after|since|until|ago|last|past|this|months?|weeks?)\b",
                         label, re.I)


@cache
def _parser(base: date):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first"})


def _parse(phrase: str, base: date) -> tuple[date, str] | None:
    """'Feb. 16, 2024' -> (2024-02-16, 'day'); dateparser's reading of one located phrase."""
    phrase = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", phrase.replace("Sept.", "Sep.").replace("Sept ", "Sep "))
    data = _parser(base).get_date_data(phrase)
    return (data.date_obj.date(), data.period or "day") if data and data.date_obj else None


def _period(day: date, period: str) -> tuple[date, date]:
    """The days a parsed date stands for: a day, its week (Mon-Sun), month or year."""
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day


def _part_of_month(phrase: str, since: date, until: date) -> tuple[date, date]:
    """'late November 2023' -> Nov 21-30; 'early' -> 1-10; 'mid' -> 11-20."""
    words = phrase.lower()
    if re.search(r"\b(?:early|start|beginning)\b", words):
        return since, since.replace(day=10)
    if re.search(r"\b(?:mid|middle)\b", words):
        return since.replace(day=11), since.replace(day=20)
    if re.search(r"\b(?:late|end)\b", words):
        return since.replace(day=21), until
    return since, until


def _relative(phrase: str, base: date) -> tuple[date, date] | None:
    """'this year' -> Jan 1 to base; 'last week' -> the previous Mon-Sun; '3 days ago' -> that day."""
    words = phrase.lower().split()
    if words[0] == "this":
        start = {"week": base - timedelta(days=base.weekday()), "month": base.replace(day=1),
                 "year": date(base.year, 1, 1)}[words[1]]
        return start, base
    parsed = _parse(phrase, base)
    if parsed is None:
        return None
    return _period(*parsed) if words[0] in ("last", "past", "previous") or words[-1] == "ago" else \
        (parsed[0], parsed[0])


def _atoms(text: str, base: date, anchor: date) -> list[Window]:
    """Every single date in text, in order (spans of N units are resolved by `find_windows`)."""
    found: list[Window] = []
    for m in _ATOM.finditer(text):
        kind, phrase = m.lastgroup, m.group(0)
        if kind in ("n", "unit", "dir"):
            kind = "span"
        if kind == "span":
            found.append(Window(None, None, phrase, m.start(), m.end()))
            continue
        if kind == "rel":
            days = _relative(phrase, base)
        else:
            parsed = _parse(re.sub(_PART, "", phrase, flags=re.I), anchor)
            days = _period(*parsed) if parsed else None
            if days and kind in ("my", "m"):
                days = _part_of_month(phrase, *days)
        if days:
            found.append(Window(days[0], days[1], phrase, m.start(), m.end()))
    return found


def _yearless(window: Window) -> bool:
    return not re.search(_YEAR, window.label) and not re.search(r"\b(?:ago|this|last|past|previous|"
                                                                 r"yesterday|today|tonight)\b", window.label, re.I)


def _with_year(window: Window, year: int) -> Window:
    """A yearless date moved into year."""
    since = window.since.replace(year=year) if window.since else None
    until = window.until.replace(year=year) if window.until else None
    return Window(since, until, window.label, window.start, window.end)


def find_windows(text: str, base: date, anchor: date | None = None) -> list[Window]:
    """The date windows named in text, in order (see the module docstring).

    Relative dates ("last week") count back from base; a date without a year ("October 18th") is
    the latest such day not after anchor (default base): for an archive, its newest article's day.
    """
    atoms = _atoms(text, base, anchor or base)
    out: list[Window] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if atom.since is None and nxt is not None and nxt.since is not None and nxt.start == atom.end:
            out.append(_span(atom, nxt, text))  # "the six months before January 2024"
            i += 2
            continue
        if (nxt is not None and nxt.since is not None and atom.since is not None
                and _RANGE_JOIN.match(text[atom.end:nxt.start])):
            out.append(_range(atom, nxt, text))  # "between Sept. 26 and Dec. 24, 2023"
            i += 2
            continue
        if atom.since is not None:
            out.append(_bounded(atom, text))
        i += 1
    return out


def _range(first: Window, second: Window, text: str) -> Window:
    if _yearless(first) and not _yearless(second) and second.until:
        first = _with_year(first, second.until.year)
        if first.since and first.since > second.until:
            first = _with_year(first, second.until.year - 1)
    opener = _RANGE_OPEN.search(text[: first.start])
    start = opener.start() if opener else first.start
    return Window(first.since, second.until, text[start:second.end], start, second.end)


def _span(span: Window, anchor: Window, text: str) -> Window:
    """'six months before January 2024' -> 2023-07-01 to 2023-12-31 (the anchor itself excluded)."""
    m = _ATOM.match(text, span.start)
    count = int(m.group("n")) if m.group("n").isdigit() else _NUMBER_WORDS[m.group("n").lower()]
    unit = m.group("unit").lower().rstrip("s")
    after = m.group("dir").lower() in ("after", "following")
    edge = (anchor.until + timedelta(days=1)) if after else anchor.since
    other = _shift(edge, count, unit, forward=after)
    since, until = (edge, other - timedelta(days=1)) if after else (other, edge - timedelta(days=1))
    return Window(since, until, text[span.start:anchor.end], span.start, anchor.end)


def _shift(day: date, count: int, unit: str, forward: bool) -> date:
    if unit in ("day", "week"):
        delta = timedelta(days=count * (7 if unit == "week" else 1))
        return day + delta if forward else day - delta
    months = count * (12 if unit == "year" else 1) * (1 if forward else -1)
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, calendar.monthrange(day.year + year, month + 1)[1]))


def _bounded(atom: Window, text: str) -> Window:
    """'before January 2024' -> until 2023-12-31; 'since March' -> from March 1; 'as of D' -> until D."""
    prefix = text[: atom.start]
    if _AS_OF.search(prefix):
        m = _AS_OF.search(prefix)
        return Window(None, atom.until, text[m.start():atom.end], m.start(), atom.end, as_of=True)
    bound = _BOUND.search(prefix)
    if bound is None:
        return atom
    if bound.group("before"):
        inclusive = bound.group("before").lower() in ("until", "till", "up to", "by")
        until = atom.until if inclusive else atom.since - timedelta(days=1)
        return Window(None, until, text[bound.start():atom.end], bound.start(), atom.end)
    return Window(atom.since, None, text[bound.start():atom.end], bound.start(), atom.end)


# --- days of publication ---------------------------------------------------------------
def day_number(iso: str) -> int:
    """'2018-11-02' or '2018-11-02T10:00:00Z' -> 20181102; '' or no real day ('2024-13-45') -> 0 (unknown,
    sorts first)."""
    try:
        return int(date.fromisoformat(iso[:10]).strftime("%Y%m%d"))
    except ValueError:
        return 0


def day_date(number: int) -> date | None:
    """20181102 -> date(2018, 11, 2); 0 (unknown) -> None."""
    return date(number // 10000, number // 100 % 100, number % 100) if number else None


def day_of(iso: str) -> date | None:
    """'2024-03-12T08:00:00' -> date(2024, 3, 12); None when unknown or unparsable."""
    return day_date(day_number(iso))


def day_label(day: date, year: bool = True) -> str:
    """'12 Mar 2024', or '12 Mar' without the year."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if year else "")
