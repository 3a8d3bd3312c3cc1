"""Text helpers with one home each: sentences (with offsets), stopwords and content words, names in a
question, the [n] citation marker, and the http(s) URL check. Shared by ingest, retrieval, answering,
the citation check, eval and the front ends.

>>> sorted(content_words("The sanctions were imposed on Cuba in 1962."))
['1962', 'cuba', 'imposed', 'sanction']
>>> strip_markers("Russia regrets it [1]. Cuba agrees [2, 3].")
'Russia regrets it. Cuba agrees.'

>>> text = 'Putin met Mr. Diaz-Canel. "We agree," he said. The U.S. left.'
>>> [text[s:e] for s, e in sentence_spans(text)]
['Putin met Mr. Diaz-Canel.', '"We agree," he said.', 'The U.S. left.']
"""

from __future__ import annotations

import functools
import re
import threading
import zlib

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "pres", "vs", "etc", "inc", "ltd", "co", "corp", "no", "vol", "fig", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mln", "bln", "approx",
    "dept", "est", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_LIST_MARKER = re.compile(r"(?:\d{1,3}[.)]|[-•*–])")
_ONLY_MARKERS = re.compile(r"(?:\[\d+(?:\s*[,;-]\s*\d+)*\]\s*)+")
_NEXT_START = re.compile(r"\s+([\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])")


def _is_abbreviation(text: str, dot_at: int) -> bool:
    """True when the '.' at dot_at ends an abbreviation or an initial ('Mr.', 'U.S.', 'J.')."""
    if text[dot_at] != ".":
        return False
    start = dot_at
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot_at].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into sentences; returns (start, end) offsets with surrounding whitespace excluded.

    Paragraph breaks (blank lines or single newlines) always end a sentence.
    """
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        spans.extend(_split_paragraph(text, para.start(), para.end()))
    return _joined_fragments(text, spans)


def _joined_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    r"""List markers ("1.", "-", "•") join the sentence they open, and a lone "[1]" the one it closes.

    >>> split_sentences("1. Russia regrets it. [1]\n2. Cuba agrees. [2]")
    ['1. Russia regrets it. [1]', '2. Cuba agrees. [2]']
    """
    out: list[tuple[int, int]] = []
    opener = False
    for s, e in spans:
        piece = text[s:e]
        if out and (opener or _ONLY_MARKERS.fullmatch(piece)):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        opener = bool(_LIST_MARKER.fullmatch(text[out[-1][0]:out[-1][1]]))
    return out


def _split_paragraph(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans, start = [], lo
    for m in _BOUNDARY.finditer(text, lo, hi):
        nxt = _NEXT_START.match(text, m.end(), hi)
        if not nxt or _is_abbreviation(text, m.start()):
            continue
        spans.append((start, m.end()))
        start = nxt.start(1)
    spans.append((start, hi))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if e > s]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split_sentences(text: str) -> list[str]:
    """The sentences of text as strings (see `sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text)]


# --- words ---------------------------------------------------------------------------------
_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his how i "
    "if in into is it its me my no not of on or our she so than that the their them then there these "
    "they this to was we were what when where which who whom why will with would you your about after "
    "said say says tell told also any some more most other such only own same very just over".split()
)


def query_terms(text: str) -> list[str]:
    """'What did Russia say about the INF Treaty?' -> ['russia', 'inf', 'treaty']."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


def _normal(word: str) -> str:
    """A light plural fold so 'sanctions' meets 'sanction' ('press', 'its' and 'us' are kept)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def content_words(text: str) -> set[str]:
    """Lower-cased, plural-folded words of text that are not stopwords."""
    return {_normal(w) for w in query_terms(text)}


_STEMMER = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


def stems(text: str) -> set[str]:
    """The Snowball (Porter2) stems of text's content words: what a paraphrase keeps of its source's
    words when it changes their form.

    >>> sorted(stems("Google manipulated the searches"))
    ['googl', 'manipul', 'search']
    """
    stemmer = getattr(_STEMMER, "english", None)
    if stemmer is None:
        import snowballstemmer  # lazily: `newsqa --help` never stems

        stemmer = _STEMMER.english = snowballstemmer.stemmer("english")
    return set(stemmer.stemWords(query_terms(text)))


_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")


def content_tokens(text: str) -> list[str]:
    """The content words of text in order, repeats kept: case-, plural- and number-format-folded.

    What two copies of a story share whatever their copy edits ("1,200" / "1200", "said" / "says").

    >>> content_tokens("The union said 1,200 workers joined; the union says 1200 workers did.")
    ['union', '1200', 'worker', 'joined', 'union', '1200', 'worker']
    """
    folded = _THOUSANDS.sub("", text.casefold())
    return [_normal(w) for w in _WORD.findall(folded) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def shingles(tokens: list[str], k: int = 3) -> list[str]:
    """The runs of k consecutive tokens, in reading order (a shorter text is one shingle of all its tokens).

    >>> sorted(shingles(["union", "1200", "worker", "joined"]))
    ['1200 worker joined', 'union 1200 worker']
    """
    if len(tokens) < k:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def hash32(text: str) -> int:
    """A stable 32-bit hash (stored in indexes, so never Python's salted `hash`)."""
    return zlib.crc32(text.encode("utf-8"))


def triple_hashes(text: str) -> set[int]:
    """The hashes of text's runs of three content words: what copies of one passage share.

    >>> triple_hashes("LONDON (Reuters) - Ships wait offshore.") >= triple_hashes("Ships wait offshore")
    True
    >>> len(triple_hashes("The union said 1,200 workers joined."))
    2
    """
    return {hash32(s) for s in shingles(content_tokens(text))}


def overlap(words: set, other: set) -> float:
    """Share of `words` found in `other`: overlap({'a','b'}, {'a'}) -> 0.5; 0.0 when words is empty."""
    return len(words & other) / len(words) if words else 0.0


def word_set(text: str) -> set[str]:
    """Lower-cased words of text, possessives dropped: "Cuba’s 38 mln" -> {'cuba', '38', 'mln'}."""
    return {w.lower().removesuffix("’s").removesuffix("'s") for w in re.findall(r"[\w’'-]+", text)}


def mentions(words: set[str], name: str) -> bool:
    """True when a word of `words` is `name` or shares its stem ('cuban' ~ 'cuba', 'american' ~ 'america').

    >>> mentions({"cuba", "russia"}, "cuban"), mentions({"cuba"}, "cup")
    (True, False)
    """
    name = name.lower()
    if name in words:
        return True
    if name.isdigit() or len(name) < 4:
        return False
    return any(min(len(w), len(name)) >= 4 and (w.startswith(name) or name.startswith(w)) for w in words)


# --- names ---------------------------------------------------------------------------------
# "GPT-3.5" is one word; an apostrophe is part of a word only inside it ("O'Brien", not "'The Age'")
_NAME_WORD = r"(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|[A-Z](?:[\w-]|[’'](?=\w))*(?:\.\d+)*"
_NAME = re.compile(rf"(?<=[\s\"“‘(])(?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD}))*|\b[A-Z]{{2,}}\b")
_PRONOUN_I = re.compile(r"^I(?:['’]\w+)?$")  # "How do I ..." names nobody
ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")
# Who a sentence says its claim comes from: "according to the union", "as reported by The Age".
ATTRIBUTION = re.compile(
    r"\b(?:[Aa]ccording\s+to|(?:as\s+)?(?:reported|suggested|noted|stated|written)\s+(?:by|in))\s+"
    r"(?P<who>the\s+[a-z]+(?:\s+[a-z]+)?|(?:[Tt]he\s+)?[A-Z][\w&.’'-]*(?:\s+[A-Z][\w&.’'-]*)*)")
# Abbreviations that passages often spell out (lower-case, dots dropped) -> the forms they take.
ALIASES = {"us": ("united states", "american", "america", "washington"),
           "uk": ("united kingdom", "britain", "british", "england"),
           "un": ("united nations",), "eu": ("european union", "europe", "brussels")}


def known_words(text: str) -> set[str]:
    """Every word of text, with 'U.S.' also as 'us' and 'Diaz-Canel' or 'GPT-3' also as their parts
    (a question or an answer may split or spell these differently).

    >>> sorted(known_words("U.S. envoy met Diaz-Canel"))
    ['canel', 'diaz', 'diaz-canel', 'envoy', 'met', 's', 'u', 'us']
    """
    words = word_set(text) | word_set(ABBREVIATION.sub(lambda m: m[0].replace(".", ""), text))
    return words | {part for w in words for part in re.split(r"[-’']", w) if part}


def name_phrases(text: str) -> list[str]:
    """Names in text (capitalised runs after its first word, acronyms), abbreviations kept whole.

    >>> name_phrases("Who won the men's singles U.S. Open 2021?")
    ['U.S. Open']
    >>> name_phrases("How do I bake bread like George W. Bush and the UN?")
    ['George W. Bush', 'UN']
    >>> name_phrases("What did OpenAI's GPT-3.5 Turbo cost?")
    ["OpenAI's GPT-3.5 Turbo"]
    >>> name_phrases("Google worries 'The Age' and O’Brien.")
    ['Age', 'O’Brien']
    """
    found = (" ".join(w for w in phrase.split() if not _PRONOUN_I.match(w)) for phrase in _NAME.findall(text))
    return list(dict.fromkeys(p for p in found if p))


@functools.cache
def _dictionary() -> frozenset[str]:
    """Lower-case English words (web2 of the english-words package, 0.2 s to load, read once on use)."""
    from english_words import get_english_words_set  # lazily: only the citation check needs it

    return frozenset(w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower())


_FIRST_WORD = re.compile(r"^[\W\d]*?([A-Z][a-z]+)(?:[’']s)?\b(?![-’'])")
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "d", "er", "est")


def _word_forms(word: str) -> set[str]:
    """'purchased' -> {'purchased', 'purchas', 'purchase', ...}: the forms a dictionary may list it by."""
    forms = {word}
    for suffix in _SUFFIXES:
        base = word.removesuffix(suffix)
        if base != word and len(base) > 2:
            forms |= {base, base + "e", base[:-1] + "y" if base.endswith("i") else base}
            forms |= {base[:-1]} if base[-1] == base[-2] else set()
    return forms


def lead_name(text: str) -> str:
    """A sentence's first word when it is a name, not a word capitalised by its position: no English
    dictionary lists it in any form ('' otherwise). Names that are also words ('Brazil' ~ brazil wood,
    'Apple') stay unread, as do stopwords.

    >>> lead_name("Germany's team won."), lead_name("Disney bought Fox."), lead_name("Purchased in 2010, it ...")
    ('Germany', 'Disney', '')
    >>> lead_name("The deal was signed."), lead_name("Both outlets agree."), lead_name("Brazil won.")
    ('', '', '')
    """
    m = _FIRST_WORD.match(text)
    if not m or m[1].lower() in STOPWORDS:
        return ""
    return "" if _word_forms(m[1].lower()) & _dictionary() else m[1]


# --- citation markers and URLs -----------------------------------------------------------
_NUM = r"\d+(?:\s*[-–]\s*\d+)?"
MARKER = re.compile(rf"\[\s*(?:(?:passages?|sources?|docs?)\s*)?({_NUM}(?:\s*[,;]\s*{_NUM})*)\s*\]", re.I)


CITED = re.compile(r"\[(\d+)\]")  # a checked answer's markers: always one number, renumbered 1..n


def strip_markers(text: str) -> str:
    """text without its [n] citation markers (and the space before them)."""
    return re.sub(r"[ \t]+(?=[.,;:!?])", "", MARKER.sub("", text)).strip()


def is_http_url(text: str) -> bool:
    """'HTTPS://example.com/a' -> True; 'urn:example:1', 'news/a.txt' -> False."""
    return text.lower().startswith(("http://", "https://"))


# A wire dateline opening the story: an upper-case place and/or an agency in brackets, then a dash:
# "WASHINGTON (AP) — ", "(AP) — ", "LONDON, Nov 3 (Reuters) - ", "PARIS -- ", "MADRID, Spain — ".
_DATELINE = re.compile(
    r"^(?=[A-Z(])(?:[A-Z][A-Z.'’ -]*[A-Z](?:,\s*(?:[A-Z][\w.]*\s*){1,3}\d{0,2})?\s*)?"
    r"(?:\([^()\n]{1,40}\)\s*)?(?:—|–|--|-)\s+")
_AGENCY_OR_PLACE = re.compile(r"^\s*(?:\(|[A-Z]{2})")


def without_dateline(text: str) -> str:
    """text with the wire dateline that opens it cut off ('LONDON, Nov 3 (Reuters) - Talks ended.' ->
    'Talks ended.'); text itself when it opens with none.

    >>> without_dateline("NAIROBI, Nov 3 (dpa) – Talks ended."), without_dateline("Talks ended - for now.")
    ('Talks ended.', 'Talks ended - for now.')
    """
    m = _DATELINE.match(text)
    if m and _AGENCY_OR_PLACE.match(m.group(0)) and m.end() < len(text):
        return text[m.end():]
    return text
