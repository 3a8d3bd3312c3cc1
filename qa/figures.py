"""Figures as news writes them: one reader for every check that compares numbers.

`figures(text)` reads each `Figure(value, unit, thing, span)`: "1,200 workers", "twelve people",
"$2.7 billion", "4 parts per trillion", "15%", "7 percent raise", "2,000-plus", "10 to 12 days",
"at least 40", "more than 3 million". Contradiction (`qa.checks.contradict`), disagreement and developing
figures (`qa.checks.disagree`), abstention and answer-kind picking (`qa.answering.extractive`) and versions
(`qa.checks.versions`) all read figures here, so they never read two different figures from one phrase.

What is not a figure: years ("in 2021"), days of a date ("March 5", "5 March"), clock times
("3:15 p.m."), ordinals ("77th"), numbers that name something ("season 11", "No. 5", "Line 4",
"H.R. 1234") and numbers inside names ("GPT-3.5", "8-ball", "COVID-19", "F-35").

>>> [(f.value, f.unit, f.thing) for f in figures("About 1,200 workers and twelve managers got a 7 percent raise.")]
[(1200.0, '', 'worker'), (12.0, '', 'manager'), (7.0, '%', 'raise')]
>>> [(f.value, f.unit, f.bound) for f in figures("a $2.7 billion deal for 2,000-plus homes")]
[(2700000000.0, 'USD', ''), (2000.0, '', 'plus')]
>>> [f.text for f in figures("The death toll rose to 15 on March 5, 2024, up from 12.")]
['15', '12']
>>> [(f.thing, f.text) for f in figures("A raise of 7% for 30 days")]
[('raise', '7%'), ('', '30 days')]
>>> figures("GPT-3.5 and COVID-19 in season 11 of the 2021 show at 3:15 p.m. on 5 March")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.dates import MONTH_PATTERN, YEAR_PATTERN
from qa.text import STOPWORDS

_SMALL = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if n > 1}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "mln": 1e6, "bln": 1e9, "bn": 1e9, "m": 1e6, "k": 1e3}
_CURRENCIES = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "dollars": "USD", "dollar": "USD",
               "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
DURATIONS = ("second", "minute", "hour", "day", "week", "month", "year", "decade")
_WORD_NUMBER = (rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(w for w in _SMALL if w != 'zero')}))?"
                rf"|{'|'.join(_SMALL)})")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = (rf"(?P<cur>US\$|[$€£¥])?\s?(?P<num>{_DIGITS}|(?i:{_WORD_NUMBER}))"
           rf"(?:[\s-](?P<scale>(?i:hundred|thousand|million|billion|trillion|mln|bln|bn))\b|(?P<short>[mbk]n?)\b)?"
           rf"(?P<plus>-plus\b|\+)?")
_RANGE = rf"(?:\s*(?:-|–|to|and)\s*(?P<high>{_DIGITS}))?"
_MEASURES = {"km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
             "mi": "mile", "miles": "mile", "mile": "mile", "kg": "kg", "kilograms": "kg", "kilogram": "kg",
             "tonnes": "tonne", "tonne": "tonne", "tons": "tonne", "ton": "tonne", "metres": "m", "meters": "m",
             "metre": "m", "meter": "m", "feet": "ft", "ft": "ft", "acres": "acre", "acre": "acre",
             "hectares": "hectare", "hectare": "hectare", "litres": "litre", "liters": "litre", "gallons": "gallon",
             "barrels": "barrel", "mph": "mph", "km/h": "km/h"}
_UNIT = (r"(?:[\s-]*(?P<unit>%|(?i:percent(?:age points?)?|per\s?cent|parts\s+per\s+(?:million|billion|trillion)|"
         r"ppm|ppb|ppt|dollars?|euros?|pounds|yen|usd|eur|gbp|" + "|".join(sorted(_MEASURES, key=len, reverse=True))
         + r")(?![\w/])))?")
_FIGURE = re.compile(rf"(?<![\w.,$€£¥-]){_NUMBER}{_RANGE}{_UNIT}(?!\w)(?![.,]\d)")
_BOUNDS = re.compile(r"(?:\b(?P<b>at least|at most|more than|less than|fewer than|over|under|nearly|almost|about|"
                     r"around|roughly|some|up to|an estimated|approximately|between)\s+)$", re.I)
_THING = re.compile(r"[\s-]+(?:(?:of|among)\s+(?:the\s+|its\s+|their\s+)?)?(?P<w>[a-z]{2,})\b")
_HEAD = re.compile(r"\s+([a-z]{3,}s)\b")
_NOT_THINGS = frozenset("""and or to of in on at the a an by from per than for with as was were is are had has have
    be been will would said says say that this who which when while after before since until more less each percent
    times people's year-on-year""".split())
# Words for the people a toll counts: "12 dead", "a death toll of 12", "12 victims" count one thing.
_PEOPLE = frozenset("people persons person dead deaths death died killed victims victim lives life toll fatalities "
                    "fatality casualties casualty".split())
_NAMING = frozenset("season episode no number game round chapter part version page vol volume issue week day stage "
                    "level grade class article section flight route line bus room gate platform hr h.r s act "
                    "bill rule model series phase pier terminal floor district ward unit".split())
# Words between a figure and the thing it counts, read backwards: "the death toll rose to 15".
_LINKS = frozenset("to at of was is now had has reached hit stood stands rose risen climbed jumped fell dropped "
                   "increased decreased went grew reaching hitting standing from by be been".split())
_YEAR = re.compile(rf"{YEAR_PATTERN}")
_DATE_BEFORE = re.compile(rf"(?i:\b{MONTH_PATTERN})\s*$")
_DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?i:{MONTH_PATTERN})\b")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b")
_NUMERAL = re.compile(r"\d[\d,]*(?:\.(?P<decimals>\d+))?")
_CLOCK = re.compile(r"^(?::\d\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock))", re.I)


@dataclass(frozen=True)
class Figure:
    """A number a text gives for something: its value, unit ('%', 'USD', 'ppt', 'day', '' for a count),
    the thing it counts or measures ('worker', 'raise', 'toll'; '' when unsaid), and where it is."""

    value: float
    unit: str
    thing: str
    span: tuple[int, int]
    text: str  # as written, number to thing: '1,200 workers', '$2.7 billion', '7 percent raise'
    bound: str = ""  # 'at least', 'more than', 'about', 'plus', ...
    high: float | None = None  # the top of a range ('10 to 12 days')
    counted: bool = True  # thing follows the number ('15 cases'); False when read before it ('the toll rose to 15')

    @property
    def key(self) -> tuple[str, str]:
        """What the figure is of: two figures with one key give a number for the same thing."""
        return self.unit, self.thing

    def same_value(self, other: Figure) -> bool:
        """Equal values (a range matches a value inside it)."""
        lo, hi = self.value, self.high if self.high is not None else self.value
        olo, ohi = other.value, other.high if other.high is not None else other.value
        return lo <= ohi + 1e-9 * max(1.0, abs(ohi)) and olo <= hi + 1e-9 * max(1.0, abs(hi))

    def agrees(self, other: Figure) -> bool:
        """Equal values, or one is the other rounded as written: '$19 billion' agrees with 'approximately
        US$19.3 billion', not with '$19.6 billion'."""
        return self.same_value(other) or (self.high is None and other.high is None and (
            _rounded(self, other) or _rounded(other, self)))

    @property
    def step(self) -> float:
        """The figure's precision as written: 1e8 for '$2.7 billion', 1 for '1,200 workers' or 'twelve'."""
        m = _NUMERAL.search(self.text)
        written = number_value(m.group(0)) if m else None
        if not written:
            return 1.0
        return self.value / written * 10.0 ** -len(m.group("decimals") or "")

    @property
    def kind(self) -> str:
        """'percent', 'money', 'duration', 'measure' or 'count': figures of one kind can be compared."""
        if self.unit == "%":
            return "percent"
        if self.unit in _CURRENCIES.values():
            return "money"
        if self.unit in DURATIONS:
            return "duration"
        return "measure" if self.unit else "count"


def figures(text: str) -> list[Figure]:
    """Every figure of text, in order (see the module docstring)."""
    out = []
    for m in _FIGURE.finditer(text):
        figure = _read(text, m)
        if figure is not None:
            out.append(figure)
    return out


def number_value(token: str) -> float | None:
    """'1,200' -> 1200.0, 'twenty-five' -> 25.0, '2.7' -> 2.7; None when token is no number."""
    token = token.lower().replace(",", "")
    try:
        return float(token)
    except ValueError:
        pass
    parts = re.split(r"[-\s]+", token)
    if all(p in _SMALL or p in _TENS for p in parts) and parts:
        return float(sum(_SMALL.get(p, 0) + _TENS.get(p, 0) for p in parts))
    return None


def _read(text: str, m: re.Match) -> Figure | None:
    groups = {k: (v or "") for k, v in m.groupdict().items()}
    number = groups["num"]
    start, end = m.start("num"), m.end()
    before, after = text[: m.start()], text[m.end():]
    if not number or _not_a_figure(number, before, after, groups):
        return None
    value = number_value(number)
    if value is None:
        return None
    scale = (groups["scale"] or groups["short"]).lower()
    if scale:
        value *= _SCALES.get(scale.rstrip("n") if scale not in _SCALES else scale, 1)
    high = number_value(groups["high"]) if groups["high"] else None
    if high is not None and high < value:  # "2-1": a score, not a range
        return None
    if high is not None and scale:
        high *= _SCALES.get(scale, 1)
    unit = _unit(groups["cur"], groups["unit"])
    if groups["cur"]:
        start = m.start("cur")
    thing, thing_end = _thing_after(text, m.end())
    counted = True
    if unit == "" and thing.rstrip("s") in DURATIONS:
        unit, thing, end = thing.rstrip("s"), "", thing_end
    elif thing:
        end = thing_end
    else:
        thing = _thing_before(before)
        counted = False
    thing = thing_of(thing) if thing else ""
    bound = "plus" if groups["plus"] else ""
    if not bound and (b := _BOUNDS.search(before)):
        bound = b.group("b").lower()
    return Figure(value, unit, thing, (start, end), text[start:end].strip(), bound, high, counted)


def _not_a_figure(number: str, before: str, after: str, groups: dict) -> bool:
    """A year, the day of a date, a clock time, an ordinal or a number that names something."""
    if _ORDINAL_AFTER.match(after) or _CLOCK.match(after) or _DATE_AFTER.match(after):
        return True
    if number.isdigit() and _DATE_BEFORE.search(before):
        return True
    if (_YEAR.fullmatch(number) and not groups["cur"] and not groups["unit"] and not groups["scale"]
            and not re.match(r"\s*(?:people|workers|jobs|homes|cases)\b", after)):
        return True
    word = before.split()[-1:] or [""]
    if word[0].lower().strip("(#.") in _NAMING or word[0].endswith("#"):
        return True
    return _after_a_name(before)


def _after_a_name(before: str) -> bool:
    """A number right after a capitalised word inside a sentence names something: 'Pixel 6', 'Diablo 3'."""
    m = re.search(r"(^|.)(\s*)([A-Z][\w’'-]*)\s$", before[-40:], re.S)
    if not m or _BOUNDS.search(before) or _DATE_BEFORE.search(before):
        return False
    opener, word = m.group(1), m.group(3)
    if word.lower() in STOPWORDS or word.lower() in _NOT_THINGS:  # "This 8 discs", "All 17 episodes"
        return False
    return bool(opener) and opener not in '.!?:;"“(—–-)' and not word.isupper() or bool(opener and opener.isalnum())


def _unit(currency: str, unit: str) -> str:
    unit = unit.lower()
    if currency:
        return _CURRENCIES.get(currency.lower(), "USD")
    if unit.startswith("percentage"):
        return "point"
    if unit == "%" or unit.startswith("per"):
        return "%"
    if unit.startswith("parts"):
        return "pp" + unit.split()[-1][0]
    return _CURRENCIES.get(unit, _MEASURES.get(unit, unit))


def _thing_after(text: str, at: int) -> tuple[str, int]:
    """The word a figure counts ('1,200 workers' -> 'worker'), and where it ends."""
    m = _THING.match(text, at)
    if not m:
        return "", at
    word = m.group("w").lower()
    if word in _NOT_THINGS or word in _SCALES:
        return "", at
    head = _HEAD.match(text, m.end())  # "40 container ships": the plural noun heads the phrase
    if head and not word.endswith("s") and head.group(1) not in _NOT_THINGS:
        word, m = head.group(1), head
    singular = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
    return singular, m.end()


def _thing_before(before: str) -> str:
    """The thing a bare figure is of, named before it: 'the toll rose to 15' -> 'toll'."""
    words = re.findall(r"[A-Za-z]+", before[-60:])
    linked = False  # a noun counts only through a link word: "the toll rose to 15", not "has won 22"
    for word in reversed(words[-5:]):
        lower = word.lower()
        if lower in _LINKS or lower in ("up", "down", "the", "a", "an", "its", "their"):
            linked = linked or lower in _LINKS
            continue
        if lower in _NOT_THINGS or not word.islower() or not linked or lower.endswith("ed"):
            return ""
        return thing_of(lower)
    return ""


def thing_of(word: str) -> str:
    """The thing a word names, as figures count it: 'workers' -> 'worker', 'toll' and 'dead' -> 'people'."""
    word = word.lower()
    if word in _PEOPLE:
        return "people"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_VAGUE = re.compile(r"\b(?:dozens?|hundreds|thousands|millions|billions|several|a few|half|a handful)\b", re.I)
_STANDALONE = re.compile(r"(?<![\w.,$€£¥-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w]|[.,]\d|-(?!plus\b)[a-z])",
                         re.I)


def gives_quantity(text: str) -> bool:
    """True when text gives a figure, or a vague quantity ("dozens", "several"): what "how many" wants.

    >>> gives_quantity("Dozens of ships waited."), gives_quantity("In 2021 the port closed.")
    (True, False)
    """
    return bool(figures(text)) or bool(_VAGUE.search(text))


def numbers_in(text: str) -> set[float]:
    """Every number text gives, as values: '12,000' and '12000' are one, 'twelve' is 12, and the
    numbers in names ('Line 4', 'GPT-3.5') count too."""
    values = {f.value for f in figures(text)}
    for token in re.findall(r"\d[\d,.]*\d|\d", text):
        try:
            values.add(float(token.replace(",", "")))
        except ValueError:
            continue
    return values


_IRREGULAR = {"first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12}
_ORDINAL = re.compile(r"\b(?:(?P<tens>[a-z]+)-)?(?P<w>[a-z]+(?:th|st|nd|rd))\b", re.I)


def ordinal_values(text: str) -> set[float]:
    """The numbers that ordinal words give: 'the seventeenth season' -> {17.0}, 'twenty-first' -> 21.

    >>> sorted(ordinal_values("the seventeenth season, the twenty-first century, its 3rd and ninetieth years"))
    [3.0, 17.0, 21.0, 90.0]
    """
    out = {float(n) for n in re.findall(r"\b(\d+)(?:st|nd|rd|th)\b", text)}
    for m in _ORDINAL.finditer(text.lower()):
        word = m["w"]
        base = _IRREGULAR.get(word)
        if base is None:
            stem = word[:-4] + "y" if word.endswith("ieth") else word[:-2]
            base = _SMALL.get(stem, _TENS.get(stem))
        if base is None:
            continue
        tens = _TENS.get(m["tens"] or "", 0) if m["tens"] else 0
        if m["tens"] and not tens:
            continue
        out.add(float(tens + base))
    return out


def number_terms(question: str) -> list[str]:
    """The numbers a question gives as terms of their own, as written: '2,000-plus' -> '2,000'; a
    number inside a name ('GPT-3.5', '8-ball', 'COVID-19') is the name's, not a term.

    >>> number_terms("Did 2,000-plus fans see GPT-3.5, the magic 8-ball and 12 goals in 2018?")
    ['2,000', '12', '2018']
    """
    return [m.group(1) for m in _STANDALONE.finditer(question)]


def _rounded(coarse: Figure, fine: Figure) -> bool:
    """coarse is fine rounded to coarse's precision."""
    step = coarse.step
    return step > fine.step * 1.5 and abs(fine.value - coarse.value) <= step / 2 * (1 + 1e-9)


def changed(old: Figure, new: Figure) -> bool:
    """Two figures for the same thing that give different values."""
    return old.key == new.key and not old.same_value(new)
