"""What every front end says, in one place: answers as Markdown and terminal text, the source line,
the flagged / unsupported / abstained wording, error messages for users, feedback rows and filters.

Front-end neutral: the CLI, the web chat and the Slack bot decorate these strings (emoji, Markdown or
Block Kit) but never word them again.

Sentences the citation check could not support are visibly marked where they stand, a flagged answer
starts with a warning, and the numbered sources follow, each with its quoted supporting sentence.

>>> from qa.types import Answer, Citation, Sentence
>>> a = Answer("", "q", citations=[Citation(1, "a:0", "a", "", "TASS", "", "", "2018-11-02", "...", "Cuba regrets it.")])
>>> a = a.set_sentences([Sentence("Cuba regrets it.", [1], True, "Cuba regrets it.", marks=" [1]"),
...                      Sentence("Pigs fly.", [1], False, marks=" [1]")])
>>> print(answer_plain(a))
Cuba regrets it. [1] Pigs fly. [1] (not supported by the cited source)
<BLANKLINE>
Sources
[1] (untitled) — TASS, 2018-11-02
    “Cuba regrets it.”
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from qa.dates import day_label, day_of
from qa.errors import EmptyIndexError, LLMError, NewsqaError
from qa.injection import NOTICE as AI_NOTICE
from qa.retrieval.timeline import UNDATED
from qa.types import Answer, Citation, Copy, Filters, compose

UNTITLED = "(untitled)"
MARK_SLOT = "\x00{}\x00"  # `mark_unsupported(answer, MARK_SLOT.format)`: a placeholder that survives escaping
UNSUPPORTED = "not supported by the cited source"
CONTRADICTED = "contradicted by the cited source"
NOT_SUPPORTING = "cited, but does not support the sentence"
FLAGGED = "Most of this answer is not supported by the passages it cites: check the sources."
ABSTAINED = "The articles do not contain enough evidence to answer this with confidence."
NOT_INDEXED = "Add articles first: nothing is indexed yet."
LLM_DOWN = "The language model is not available right now, so I can't answer."
BROKEN = "Something went wrong while answering."


def mark_unsupported(answer: Answer, mark: Callable[[str], str]) -> str:
    """answer.text with mark(note) after each unsupported sentence's citations: note is CONTRADICTED
    when the cited passage says otherwise, else UNSUPPORTED."""
    if answer.abstained or not answer.sentences:
        return answer.text
    notes = [CONTRADICTED if s.contradicted else "" if s.supported else UNSUPPORTED for s in answer.sentences]
    return compose([replace(s, marks=s.marks + mark(note)) if note else s
                    for s, note in zip(answer.sentences, notes, strict=True)])


def understood_line(answer: Answer) -> str:
    """'Understood as: published March 2024, The Verge' ('' when the question named no date or outlet).

    >>> understood_line(Answer("...", "q", understood={"described": "published March 2024, The Verge"}))
    'Understood as: published March 2024, The Verge'
    """
    described = answer.understood.get("described", "") if answer.understood else ""
    return f"Understood as: {described}" if described else ""


def title_of(c: Citation) -> str:
    """The headline of a cited article, or '(untitled)'."""
    return c.title or UNTITLED


def source_meta(c: Citation, *, author: bool = False,
                day: Callable[[str], str] = lambda iso: iso[:10]) -> list[str]:
    """[outlet, (author,) day] of a citation, the unknown ones left out: ['TASS', '2018-11-02']."""
    return [part for part in (c.outlet, c.author if author else "", day(c.published_at) if c.published_at else "")
            if part]


def source_line(c: Citation) -> str:
    """'(untitled) — TASS, 2018-11-02' (outlet and date left out when unknown)."""
    where = ", ".join(source_meta(c))
    return title_of(c) + (f" — {where}" if where else "")


def carried_by(c: Citation, shown: int = 2) -> str:
    """'also carried by Metro Daily and Valley Star' / 'also carried by AP, Reuters and 3 more' ('' when
    no other outlet carries the cited story).

    >>> from qa.types import Copy
    >>> c = Citation(1, "a:0", "a", "", "Wire", "", "", "", "", copies=[Copy(str(n), "s", outlet=o)
    ...              for n, o in enumerate(["AP", "Reuters", "AFP", "AP", "BBC", "CNN"])])
    >>> carried_by(c)
    'also carried by AP, Reuters and 3 more'
    """
    return carried_by_names(c.copies, shown)


def carried_by_names(copies: Iterable[Copy], shown: int = 2) -> str:
    """`carried_by` for a list of copies (a search hit's)."""
    outlets = list(dict.fromkeys(copy.outlet or "an unnamed outlet" for copy in copies))
    if not outlets:
        return ""
    if len(outlets) <= shown + 1:
        return "also carried by " + (" and ".join([", ".join(outlets[:-1]), outlets[-1]]) if len(outlets) > 1
                                     else outlets[0])
    return f"also carried by {', '.join(outlets[:shown])} and {len(outlets) - shown} more"


def timeline_day(iso: str) -> str:
    """'2024-03-12T08:00:00' -> '12 Mar 2024'; 'undated' when unknown or unparsable."""
    day = day_of(iso)
    return day_label(day) if day else UNDATED


def warning(answer: Answer) -> str:
    """One line of warning for an answer: abstained, flagged, or how many sentences are unsupported.

    '' when every sentence is supported. The rule for "flagged" is `Answer.flagged`, set by the check.
    """
    if answer.abstained:
        return ABSTAINED
    if answer.flagged:
        return FLAGGED
    against = sum(1 for s in answer.sentences if s.contradicted)
    n = sum(1 for s in answer.sentences if s.text.strip() and not s.supported)
    if against:
        return f"{against} sentence{'s' * (against != 1)} {CONTRADICTED}; check the sources."
    return f"{n} sentence{'s' * (n != 1)} {UNSUPPORTED}." if n else ""


def user_message(exc: BaseException, *, add_articles: str, details: bool = True) -> str:
    """What to tell a user about an error raised while answering (plain text; front ends decorate it).

    add_articles says how to add articles in that front end; details=False keeps server-side details
    (endpoint URLs, exception text) out of a shared channel.

    >>> user_message(EmptyIndexError("no chunks"), add_articles="Run `newsqa ingest`.")
    'Add articles first: nothing is indexed yet. Run `newsqa ingest`.'
    >>> user_message(KeyError("x"), add_articles="", details=False)
    'Something went wrong while answering. It has been logged; please try again later.'
    """
    match exc:
        case EmptyIndexError():
            return f"{NOT_INDEXED} {add_articles}".strip()
        case LLMError():
            return f"{LLM_DOWN} {exc}" if details else f"{LLM_DOWN} Please try again in a few minutes."
        case NewsqaError():
            return str(exc)
    if details:
        return (f"{BROKEN} ({type(exc).__name__}: {exc}) Try again; if it keeps happening, the server log "
                "has the details.")
    return f"{BROKEN} It has been logged; please try again later."


def feedback_row(question: str, answer: Answer) -> dict[str, Any]:
    """The answer fields of a feedback row (`FeedbackStore.add(**row, ...)`), the same in every front end."""
    return {"question": question, "answer": answer.text, "citations": [asdict(c) for c in answer.citations]}


def parse_day(value: date | datetime | str | None, label: str) -> date | None:
    """'2018-11-02' (or a date, or '2018-11-02 00:00:00') -> date; None or '' -> None.

    Raises NewsqaError naming the field when the value is not a date.

    >>> parse_day("2018-11-02 00:00:00", "from"), parse_day("", "from")
    (datetime.date(2018, 11, 2), None)
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise NewsqaError(f"The {label} date {value!r} is not a date: use YYYY-MM-DD, e.g. 2018-11-02.") from None


def parse_filters(since: date | datetime | str | None, until: date | datetime | str | None,
                  outlets: Iterable[str] | None, *, labels: tuple[str, str] = ("from", "to")) -> Filters:
    """Filter inputs from any front end -> Filters; raises NewsqaError for a bad or reversed date range.

    >>> parse_filters("2018-11-01", None, ["TASS", " "]).outlets
    ('TASS',)
    >>> parse_filters("2020-01-02", "2020-01-01", (), labels=("--since", "--until"))
    Traceback (most recent call last):
    qa.errors.NewsqaError: The date range is reversed: --since 2020-01-02 is after --until 2020-01-01.
    """
    lo, hi = parse_day(since, labels[0]), parse_day(until, labels[1])
    if lo and hi and lo > hi:
        raise NewsqaError(f"The date range is reversed: {labels[0]} {lo} is after {labels[1]} {hi}.")
    return Filters(since=lo, until=hi, outlets=tuple(o.strip() for o in (outlets or ()) if o and o.strip()))


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
        title = f"**{_md(c.title)}**" if c.title else f"*{UNTITLED}*"
        where = ", ".join(_md(part) for part in source_meta(c))
        lines.append(f"{c.n}. {title}" + (f" — {where}" if where else "") + (f" — <{c.url}>" if c.url else "")
                     + (f" — ⚠️ *{AI_NOTICE}*" if c.addressed_to_ai else "")
                     + ("" if c.supports else f" — *{NOT_SUPPORTING}*"))
        if also := carried_by(c):
            lines.append(f"   *{_md(also)}*")
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
        lines.append(f"[{c.n}] {source_line(c)}" + (f"  (warning: {AI_NOTICE})" if c.addressed_to_ai else "")
                     + ("" if c.supports else f"  ({NOT_SUPPORTING})"))
        lines += [f"    {c.url}"] if c.url else []
        lines += [f"    ({also})"] if (also := carried_by(c)) else []
        lines += [f"    “{' '.join(c.quote.split())}”"] if c.quote else []
    return "\n".join(lines)


def _md(text: str) -> str:
    """Article text inside Markdown: one line, and no stray emphasis, links or HTML."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))
