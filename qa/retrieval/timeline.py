"""Stories over time: passages in publication order, and answers whose sentences say their day.

For a question that asks how a story developed ("How did the strike unfold?", "timeline") or for its
latest state ("What is the latest on ...?", "now"), `qa.query` marks it `dated`; then

- the retrieved passages are put in date order (`in_date_order`): oldest first for a timeline, newest
  first for "latest", so the answer is read (and its sources numbered) in that order;
- each sentence of the answer is prefixed with the day of the passage it cites (`date_sentences`):
  "12 Mar 2024 — The strike entered its second week. [1] 14 Mar — ...". The prefix is added after the
  citation check: a date the passage's metadata gives is never a claim the passage must support.

`newsqa timeline "query"` prints the dated passages of the matching stories (`timeline`).

>>> from qa.types import Answer, Citation, Sentence
>>> c = lambda n, day: Citation(n, f"a{n}:0", f"a{n}", "", "Wire", "", "", day, "")
>>> a = Answer("Talks began. [1] The strike ended. [2]", "q",
...            sentences=[Sentence("Talks began.", [1], True, marks=" [1]"),
...                       Sentence("The strike ended.", [2], True, marks=" [2]")],
...            citations=[c(1, "2024-03-04"), c(2, "2024-03-20T09:00:00")])
>>> date_sentences(a).text
'4 Mar 2024 — Talks began. [1] 20 Mar — The strike ended. [2]'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from qa.dates import day_label, day_of
from qa.types import Answer, Filters, SearchHit

UNDATED = "undated"


def in_date_order(hits: Sequence[SearchHit], newest_first: bool = False) -> list[SearchHit]:
    """hits by publication date (undated last), ranks renumbered; ties keep their rank order.

    >>> from qa.types import Chunk
    >>> hits = [SearchHit(n, 1.0, Chunk(f"{a}:0", a, 0, "", 0, 0, published_at=d))
    ...         for n, (a, d) in enumerate([("b", "2024-03-12"), ("c", ""), ("a", "2024-03-04")], 1)]
    >>> [h.chunk.article_id for h in in_date_order(hits)], [h.chunk.article_id for h in in_date_order(hits, True)]
    (['a', 'b', 'c'], ['b', 'a', 'c'])
    """
    dated = sorted((h for h in hits if h.chunk.published_at), key=lambda h: h.chunk.published_at,
                   reverse=newest_first)
    ordered = dated + [h for h in hits if not h.chunk.published_at]
    return [replace(h, rank=rank) for rank, h in enumerate(ordered, 1)]


def date_sentences(answer: Answer) -> Answer:
    """Prefix each sentence of answer with the day of the first dated source it cites (the year shown
    when it changes); sentences citing no dated source are left as they are. Returns answer."""
    if answer.abstained or not answer.sentences:
        return answer
    days = {c.n: day_of(c.published_at) for c in answer.citations}
    last_year = None
    for sentence in answer.sentences:
        day = next((days[n] for n in sentence.citations if days.get(n)), None)
        if day is not None:
            sentence.lead += f"{day_label(day, year=day.year != last_year)} — "
            last_year = day.year
    answer.set_sentences(answer.sentences)
    return answer


def timeline(retriever, query: str, k: int = 12, filters: Filters | None = None,
             as_of: date | None = None) -> list[SearchHit]:
    """The passages of the stories matching query, oldest first (a syndicated story once, with the
    other outlets carrying it in `SearchHit.copies`)."""
    cues = retriever.understand(query, as_of)
    return in_date_order(retriever.search(query, k=k, filters=filters, cues=cues))
