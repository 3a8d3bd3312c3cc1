"""Answer -> text for people: Markdown (CLI, web) and plain terminal text. Front-end neutral.

Sentences the citation check could not support are visibly marked where they stand, a flagged answer
starts with a warning, and the numbered sources follow, each with its quoted supporting sentence.

>>> from qa.types import Answer, Citation, Sentence
>>> a = Answer("Cuba regrets it. [1] Pigs fly. [1]", "q", sentences=[
...     Sentence("Cuba regrets it.", [1], True, "Cuba regrets it."), Sentence("Pigs fly.", [1], False)],
...     citations=[Citation(1, "a:0", "a", "", "TASS", "", "", "2018-11-02", "...", "Cuba regrets it.")])
>>> print(answer_plain(a))
Cuba regrets it. [1] Pigs fly. [1] (not supported by the cited source)
<BLANKLINE>
Sources
[1] (untitled) — TASS, 2018-11-02
    “Cuba regrets it.”
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.injection import NOTICE as AI_NOTICE
from qa.types import Answer, Citation

UNSUPPORTED = "not supported by the cited source"
FLAGGED = "Most of this answer is not supported by the passages it cites: check the sources."
_MARKS = re.compile(r"(?:\s*\[\d+\])*")


def mark_unsupported(answer: Answer, mark: Callable[[str], str]) -> str:
    """answer.text with mark(sentence_end_marker) inserted after each unsupported sentence's citations.

    Sentences are found in order in the text; one that cannot be found is left unmarked.
    """
    if answer.abstained:
        return answer.text
    text, out, cursor = answer.text, [], 0
    for sentence in answer.sentences:
        at = text.find(sentence.text, cursor)
        if at < 0:
            continue
        end = _MARKS.match(text, at + len(sentence.text)).end()
        out.append(text[cursor:end])
        if not sentence.supported:
            out.append(mark(UNSUPPORTED))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def understood_line(answer: Answer) -> str:
    """'Understood as: published March 2024, The Verge' ('' when the question named no date or outlet).

    >>> understood_line(Answer("...", "q", understood={"described": "published March 2024, The Verge"}))
    'Understood as: published March 2024, The Verge'
    """
    described = answer.understood.get("described", "") if answer.understood else ""
    return f"Understood as: {described}" if described else ""


def source_line(c: Citation) -> str:
    """'(untitled) — TASS, 2018-11-02' (outlet and date left out when unknown)."""
    where = ", ".join(part for part in (c.outlet, c.published_at[:10]) if part)
    return f"{c.title or '(untitled)'}" + (f" — {where}" if where else "")


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown: text (unsupported sentences marked), then a numbered list of sources."""
    lines = [f"> ⚠️ **{FLAGGED}**", ""] if answer.flagged else []
    lines += [f"> ℹ️ {_md(answer.note)}", ""] if answer.note else []
    lines.append(mark_unsupported(answer, lambda note: f" ⚠️ *({note})*"))
    if understood := understood_line(answer):
        lines += ["", f"*{_md(understood)}*"]
    if answer.citations:
        lines += ["", "**Sources**", ""]
    for c in answer.citations:
        title = f"**{_md(c.title)}**" if c.title else "*(untitled)*"
        where = ", ".join(_md(part) for part in (c.outlet, c.published_at[:10]) if part)
        lines.append(f"{c.n}. {title}" + (f" — {where}" if where else "") + (f" — <{c.url}>" if c.url else "")
                     + (f" — ⚠️ *{AI_NOTICE}*" if c.addressed_to_ai else ""))
        if c.quote:
            lines.append(f"   > “{_md(c.quote)}”")
    return "\n".join(lines)


def answer_plain(answer: Answer) -> str:
    """The answer for a terminal: no Markdown, sources indented under their numbers."""
    lines = [f"WARNING: {FLAGGED}", ""] if answer.flagged else []
    lines.append(mark_unsupported(answer, lambda note: f" ({note})"))
    if understood := understood_line(answer):
        lines += ["", understood]
    if answer.citations:
        lines += ["", "Sources"]
    for c in answer.citations:
        lines.append(f"[{c.n}] {source_line(c)}" + (f"  (warning: {AI_NOTICE})" if c.addressed_to_ai else ""))
        lines += [f"    {c.url}"] if c.url else []
        lines += [f"    “{' '.join(c.quote.split())}”"] if c.quote else []
    return "\n".join(lines)


def _md(text: str) -> str:
    """Article text inside Markdown: one line, and no stray emphasis, links or HTML."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))
