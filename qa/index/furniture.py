"""Furniture: the paragraphs of a news page that are the page's, not the story's.

A syndicated copy differs from its original in its furniture: a wire dateline ("LONDON (Reuters) - "),
an editor's note, "Related: <headline>" lines, the carrying outlet's footer. Told apart by their shape:

- the dateline is cut from the first paragraph;
- a label and a headline ("Related: ...", "ALSO READ | ..."), a note ("Editor's note: ..."), and a short
  paragraph with a web or mail address, or a newsletter, copyright or follow-us line, are furniture.

Ingest fingerprints articles on their story text (`ingest.fingerprint`); retrieval compares passages on it
(`qa.index.stories`), so a copy's footer never makes its passage look new.
"""

from __future__ import annotations

import re

from qa.text import without_dateline

SHORT = 40  # words: furniture paragraphs are no longer than this

# A label and a headline, without a full stop: "Related: ...", "ALSO READ | ...", "See also — ...".
_LINK_LINE = re.compile(r"^[A-Z][\w’'.]*(?:\s+[\w’'.]+){0,3}\s*(?::|\||—|–|→|»|>)\s+\S.*[^.!?\"”’]$")
# A note in the newsroom's own voice: "Editor's note: ...", "Update: ...".
_NOTE = re.compile(r"^(?:editor['’]?s['’]? note|note to readers|update|updated)\s*[:—–-]", re.I)
_ADDRESS = re.compile(r"https?://|www\.|@[\w-]+\.[a-z]|\b[a-z0-9-]+\.(?:[a-z]{2,}\.)?[a-z]{2,}(?:/\S*)?(?=[\s.,;)]|$)")
_FOOTER = re.compile(r"\bnewsletters?\b|\bsign up\b|\bsubscribe\b|\ball rights reserved\b|\bcopyright\b|©|"
                     r"\bfollow (?:us|[\w ]{1,30}) on\b", re.I)


def story_paragraphs(text: str) -> list[str]:
    """The paragraphs of an article that tell its story: furniture left out, the dateline cut off.

    >>> story_paragraphs("Editor's note: updated.\\n\\nLONDON (Reuters) - Talks ended.\\n\\nRead more: Talks begin")
    ['Talks ended.']
    """
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if not is_furniture(p)] or paragraphs
    if kept:
        kept[0] = without_dateline(kept[0])
    return kept


def is_furniture(paragraph: str) -> bool:
    """True for a paragraph that is the page's, not the story's (see the module docstring).

    >>> [is_furniture(p) for p in ("ALSO READ | Markets rally", "Shipping resumed on Monday.",
    ...                            "Got a tip? Email tips@herald.example.", "The vote: 52 to 48.")]
    [True, False, True, False]
    """
    if len(paragraph.split()) > SHORT:
        return False
    return bool(_LINK_LINE.match(paragraph) or _NOTE.match(paragraph) or _ADDRESS.search(paragraph)
                or _FOOTER.search(paragraph))
