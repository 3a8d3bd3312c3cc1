"""Boilerplate and whitespace cleaning of article bodies and metadata lines.

`clean_text` returns the body the rest of the pipeline works on: chunk offsets and quote spans are
offsets into *its* output, so it is deterministic and idempotent (`clean_text(clean_text(t)) ==
clean_text(t)`).
"""

from __future__ import annotations

import re
import unicodedata

# Spaces that look like a space but are not U+0020 (NBSP, narrow NBSP, en/em/thin spaces, ...).
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
# Invisible characters with no meaning in news prose. ZWJ/ZWNJ (U+200C/D) are kept on purpose:
# they change how Persian, Indic scripts and emoji sequences are written.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b\u2060\ufeff]")
# C0/C1 control characters other than the newline (tabs are already spaces by then).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u0085\x0b\x0c]")

_BULLET = re.compile(r"^(?:[-•*·–—▪►]|\d{1,2}[.)])\s+")
_SHORT = 150  # a link-list entry or a boilerplate line is no longer than this
_BOILERPLATE = re.compile(
    r"^(?:"
    r"(?:read (?:also|more)|see also|related(?: \w+)?|more on this(?: story)?|press review|tags?|topics)"
    r"\s*:.*"  # "Read also: <headline>", "Tags: a, b", "Press review: <headline>"
    r"|(?:read (?:also|more)|see also|related(?: stories| articles| news| content| coverage)?"
    r"|most (?:read|popular)|you may also like|recommended(?: for you)?|trending(?: now)?"
    r"|comments|share|share this(?: article| story| page)?|share (?:on|via) .+|follow us(?: on .+)?"
    r"|subscribe(?: .+)?|sign up (?:for|to) .+|advertisement|sponsored(?: content)?)\s*[:»›>]?"
    r"|(?:©|\(c\)|copyright\b).*|.*\ball rights reserved\b.*"
    r")$",
    re.IGNORECASE,
)
# Ad-slot markers are dropped wherever they stand: they are never part of the story.
_AD_SLOT = re.compile(r"^(?:advertisement|story continues below(?: this)? advertisement)$", re.I)
_HARD_WRAP_END = re.compile(r"[.!?…:;\"'”’»)\]]$")  # a line ending like this ends its paragraph
_STANDALONE = re.compile(r"^(?:[-•*·–—▪►#>|]|\d{1,2}[.)]\s)")  # list items, headings, quotes, tables


def clean_line(text: str) -> str:
    """Normalise one metadata line (title, author, outlet).

    >>> clean_line("  Putin\\u00a0meets\\n Diaz-Canel\\u200b ")
    'Putin meets Diaz-Canel'
    """
    return " ".join(_normalise_chars(text).split())


def clean_text(text: str) -> str:
    """Clean an article body: characters, spaces, paragraphs, and link lists at the edges.

    Paragraphs are separated by exactly one blank line. In text without blank lines every line is a
    paragraph (scraped text and the bundled sample look like that); in text with blank lines,
    hard-wrapped lines are joined back.

    >>> clean_text("- Press review: A\\n- Press review: B\\nRussia and Cuba\\u00a0agree.\\nShare")
    'Russia and Cuba agree.'
    """
    lines = [" ".join(line.split()) for line in _normalise_chars(text).split("\n")]
    paragraphs = [p for p in _paragraphs(lines) if not _AD_SLOT.match(p)]
    return "\n\n".join(_trim_edges(paragraphs))


def _normalise_chars(text: str) -> str:
    """NFC, one kind of line break and of space, no invisible or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = _ODD_SPACES.sub(" ", text)
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


def _paragraphs(lines: list[str]) -> list[str]:
    """Group stripped lines into paragraphs (see `clean_text`).

    >>> _paragraphs(["A wrapped", "sentence.", "", "Next."])
    ['A wrapped sentence.', 'Next.']
    """
    if "" not in lines:
        return [line for line in lines if line]
    paragraphs: list[str] = []
    joinable = False  # may the next line continue the last paragraph?
    for line in lines:
        if not line:
            joinable = False
        elif joinable and not _STANDALONE.match(line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        joinable = bool(line) and not _HARD_WRAP_END.search(line) and not line.startswith(("#", "|"))
    return paragraphs


def _trim_edges(paragraphs: list[str]) -> list[str]:
    """Drop boilerplate lines and link lists from the top and the bottom, never from the middle."""
    rest = paragraphs[_edge_length(paragraphs, bottom=False):]
    return rest[: len(rest) - _edge_length(rest[::-1], bottom=True)]


def _edge_length(paragraphs: list[str], bottom: bool) -> int:
    """How many leading paragraphs are boilerplate or runs of >= 2 short list-like lines.

    At the bottom (paragraphs reversed), a list introduced by a line ending in ':' is content.
    """
    i = 0
    while i < len(paragraphs):
        if _is_boilerplate(paragraphs[i]):
            i += 1
            continue
        run = 0
        while i + run < len(paragraphs) and _is_link_list_item(paragraphs[i + run]):
            run += 1
        introducer = paragraphs[i + run] if bottom and i + run < len(paragraphs) else ""
        if run < 2 or (introducer.endswith(":") and not _is_boilerplate(introducer)):
            break
        i += run
    return i


def _is_boilerplate(line: str) -> bool:
    """'Read also: Kremlin comments' -> True; 'Comments by the minister were brief.' -> False."""
    return len(line) <= _SHORT and bool(_BOILERPLATE.match(line))


def _is_link_list_item(line: str) -> bool:
    """A short bulleted line that does not end a sentence: '- Press review: US urges elections'."""
    return len(line) <= _SHORT and bool(_BULLET.match(line)) and not line.endswith(".")
