"""The names and numbers a claim states, and whether a passage holds them: what similarity cannot
check ("March" for "November", "50 mln" for "38 mln", "Putin" for "Borisov"). Used by the citation
check (`qa.checks.cite`).
"""

from __future__ import annotations

import re

from qa.figures import number_value, numbers_in, ordinal_values
from qa.text import ABBREVIATION, ALIASES, known_words, lead_name, mentions, name_phrases

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def specifics(text: str) -> tuple[list[str], list[str]]:
    """The numbers and the names a supporting passage must hold: names as `qa.text.name_phrases` reads
    them, abbreviations whole, and a first word that no dictionary lists (`qa.text.lead_name`).

    >>> specifics("Cuba's minister will visit Russia in March to buy 12,000 rifles.")
    (['12,000'], ['Cuba', 'Russia', 'March'])
    >>> specifics("Germany beat Argentina 1-0.")
    (['1', '0'], ['Germany', 'Argentina'])
    """
    lead = lead_name(text)
    return _DIGITS.findall(text), ([lead] if lead else []) + name_phrases(text)


def specifics_in(claim: str, source: str) -> bool:
    """'a 50 mln euro credit' or 'in March' is not supported by '38 mln' or 'in November'.

    Numbers are compared as values, so '12,000' is found in '12000' or 'twelve thousand' and '17' in
    'seventeenth'. Names match on a shared stem ('Cuban' ~ 'Cuba'), abbreviations in either spelling
    ('U. S.' ~ 'US' ~ 'United States'); every word of a name must be found, but one word of a name of
    three or more may be the claim's own ('the World Cup Final' ~ 'the 2014 World Cup title').

    >>> specifics_in("Dominic Thiem won the men's singles U. S. Open in 2020.",
    ...               "Dominic Thiem won the men's singles tennis title at the 2020 US Open.")
    True
    >>> specifics_in("Alexander Bublik won the 2020 US Open.", "Alexander Zverev lost the 2020 US Open final.")
    False
    >>> [specifics_in(f"Ann Vane and {who} are credited.", "director Ann Vane and writer P. D. Quill.")
    ...  for who in ("P. D. Quill", "P. K. Quill")]
    [True, False]
    """
    numbers, names = specifics(claim)
    joined = _joined_initials(source)  # "J. F. Lawton" is found as the claim's "J. F. Lawton" is read
    words, lower = known_words(source) | known_words(joined), f"{source}\n{joined}".lower()
    values = numbers_in(source) | ordinal_values(source)
    for number in numbers:
        if number.replace(",", "") not in words and number_value(number) not in values:
            return False
    return all(_name_in(name, words, lower) for name in names)


def _joined_initials(text: str) -> str:
    """Initials and abbreviations written as one word: "U. S. Open" -> "US Open", "J. F. Lawton" -> "JF Lawton"."""
    plain = re.sub(r"\b([A-Z])\.\s?(?=[A-Z]\.)", r"\1", text)
    return re.sub(r"\b([A-Z]{2,})\.", r"\1", ABBREVIATION.sub(lambda m: m[0].replace(".", ""), plain))


def _name_in(name: str, words: set[str], lower: str) -> bool:
    plain = _joined_initials(name)
    spelled = " ".join(plain.lower().split())  # "United States" is found as "US"
    if any(spelled in forms and short in words for short, forms in ALIASES.items()):
        return True
    checked = [w for w in re.findall(r"[\w’'-]+", plain) if len(w) > 1 and not w.isdigit()]
    missing = sum(not _word_in(w.lower().removesuffix("’s").removesuffix("'s"), words, lower) for w in checked)
    return missing <= (1 if len(checked) >= 3 else 0)


def _word_in(word: str, words: set[str], lower: str) -> bool:
    if mentions(words, word) or any(form in lower for form in ALIASES.get(word, ())):
        return True
    parts = [p for p in re.split(r"[-’']", word) if p and not p.isdigit()]
    return len(parts) > 1 and all(mentions(words, p) for p in parts)
