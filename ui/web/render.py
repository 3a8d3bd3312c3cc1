"""HTML for the web chat: source cards, the per-turn anchors answers link to, and the library summary.

Every string from an article or a user is escaped here; nothing else in the web app builds HTML.

>>> anchor(2, 1)
'nq-t2-s1'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from qa.dates import day_label, day_of
from qa.text import CITED, is_http_url
from qa.types import Answer, Citation, Disagreement
from ui import render as said

MAX_SKIPS = 20  # skips listed under an ingest summary


def anchor(turn: int, n: int) -> str:
    """The id of source card n of a conversation turn (answers link to '#' + this)."""
    return f"nq-t{turn}-s{n}"


def highlight(passage: str, quotes: Iterable[str]) -> str:
    """The passage as HTML with each quote found in it wrapped in <mark> (everything escaped).

    >>> highlight("A said x. B said <y>. C.", ["B said <y>.", "A said x.", "not there"])
    '<mark>A said x.</mark> <mark>B said &lt;y&gt;.</mark> C.'
    """
    spans = sorted({(at, at + len(q)) for q in quotes if q and (at := passage.find(q)) >= 0})
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:  # overlaps the previous mark
            continue
        out += [escape(passage[cursor:start]), f"<mark>{escape(passage[start:end])}</mark>"]
        cursor = end
    return "".join(out) + escape(passage[cursor:])


def supporting_quotes(answer: Answer, n: int) -> list[str]:
    """The quotes that support answer sentences citing source n, and the source's own best quote."""
    quotes = [s.quote for s in answer.sentences if s.supported and n in s.citations]
    return quotes + [c.quote for c in answer.citations if c.n == n]


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer as chat Markdown: each [n] links to card n of the turn (`anchor`), unsupported
    sentences carry a visible mark (as in `ui.render`), a flagged answer opens with a warning.

    >>> from qa.types import Sentence
    >>> a = Answer("", "q", citations=[Citation(1, "a:0", "a", "", "", "", "", "", "Yes.")]).set_sentences(
    ...     [Sentence("Yes.", [1], True, marks=" [1]"), Sentence("No.", [1], marks=" [1]")])
    >>> answer_markdown(a, 0)
    'Yes. [[1]](#nq-t0-s1) No. [[1]](#nq-t0-s1) <span class="nq-unsupported">⚠ not supported by the cited source</span>'
    """
    cited = {c.n for c in answer.citations}
    body = escape(said.mark_unsupported(answer, said.MARK_SLOT.format), quote=False)
    body = CITED.sub(lambda m: f"[[{m[1]}]](#{anchor(turn, int(m[1]))})" if int(m[1]) in cited else m[0], body)
    body = body.replace(said.MARK_SLOT.format(said.UNSUPPORTED), f' <span class="nq-unsupported">⚠ {said.UNSUPPORTED}</span>')
    body = body.replace(said.MARK_SLOT.format(said.CONTRADICTED),
                        f' <span class="nq-unsupported nq-contradicted">⚠ {said.CONTRADICTED}</span>')
    return f"> ⚠ **{said.FLAGGED}**\n\n{body}" if answer.flagged else body


def pretty_date(iso: str) -> str:
    """'2018-11-02T10:00:00Z' -> '2 Nov 2018'; anything unparsable is returned as is."""
    day = day_of(iso)
    return day_label(day) if day else iso


def _headline(c: Citation) -> str:
    title = escape(said.title_of(c))
    if is_http_url(c.url):
        return f'<a href="{escape(c.url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    return title


def source_card(c: Citation, turn: int, quotes: Iterable[str] = ()) -> str:
    """One card: number, headline (linked), outlet · author · date, passage with the quotes marked."""
    meta = " · ".join(escape(part) for part in said.source_meta(c, author=True, day=pretty_date))
    return (
        f'<article class="nq-card{"" if c.supports else " nq-weak"}" id="{anchor(turn, c.n)}">'
        f'<header><span class="nq-num">{c.n}</span><h4>{_headline(c)}</h4></header>'
        f'<div class="nq-meta">{meta or "unknown outlet"}</div>'
        + (f'<div class="nq-also" title="{escape(_copies_title(c))}">{escape(also)}</div>'
           if (also := said.carried_by(c)) else "")
        + (f'<div class="nq-ai-warning">⚠ This passage {said.AI_NOTICE}: it is never used as an answer.</div>'
           if c.addressed_to_ai else "")
        + ("" if c.supports else f'<div class="nq-not-supporting">⚠ {said.NOT_SUPPORTING}</div>') +
        f'<blockquote class="nq-passage">{highlight(c.text, quotes or [c.quote])}</blockquote>'
        "</article>"
    )


def _copies_title(c: Citation) -> str:
    """Every other copy of the cited story, one per line: 'Metro Daily, 12 Mar 2024: <headline>'."""
    return "\n".join(f"{copy.outlet or 'unknown outlet'}"
                     + (f", {pretty_date(copy.published_at)}" if copy.published_at else "")
                     + (f": {copy.title}" if copy.title else "") for copy in c.copies)


def sources_panel(answer: Answer | None, turn: int) -> str:
    """The sources column for one answer: a heading, the disagreements side by side, then two views of
    the cited passages: one card per source, or a timeline (a CSS-only switch: no script runs)."""
    if answer is None or not answer.citations:
        return ('<div class="nq-sources nq-empty"><h3>Sources</h3>'
                "<p>Cited passages appear here, one card per source.</p></div>")
    cards = "".join(source_card(c, turn, supporting_quotes(answer, c.n)) for c in answer.citations)
    understood = said.understood_line(answer)
    line = f'<p class="nq-understood">{escape(understood)}</p>' if understood else ""
    differ = verdict_panel(answer, turn) + "".join(differ_panel(d, answer, turn) for d in answer.disagreements)
    views = (f'<input type="radio" name="nq-view-t{turn}" id="nq-cards-t{turn}" class="nq-view-cards" checked>'
             f'<label for="nq-cards-t{turn}" class="nq-view-label">Cards</label>'
             f'<input type="radio" name="nq-view-t{turn}" id="nq-timeline-t{turn}" class="nq-view-timeline">'
             f'<label for="nq-timeline-t{turn}" class="nq-view-label">Timeline</label>'
             f'<div class="nq-pane nq-pane-cards">{cards}</div>'
             f'<div class="nq-pane nq-pane-timeline">{timeline_list(answer, turn)}</div>')
    return (f'<div class="nq-sources"><h3>Sources</h3>'
            f'<p class="nq-for">Searched: “{escape(answer.question)}”</p>{line}{differ}'
            f'<div class="nq-views">{views}</div></div>')


def differ_panel(d: Disagreement, answer: Answer, turn: int) -> str:
    """Two (or more) passages that give different figures or outcomes, side by side, each figure marked."""
    cited = {c.n: c for c in answer.citations}
    sides = []
    for side in d.sides:
        c = cited.get(side.n)
        meta = " · ".join(escape(p) for p in (side.outlet, pretty_date(side.published_at) if side.published_at else "")
                          if p)
        figure = side.figure if side.figure in side.quote else ""
        sides.append(f'<div class="nq-side"><div class="nq-side-head"><a href="#{anchor(turn, side.n)}" '
                     f'class="nq-num">{side.n}</a> {meta}</div>'
                     f'<div class="nq-side-title">{escape(said.title_of(c)) if c else ""}</div>'
                     f'<blockquote>{highlight(side.quote, [figure])}</blockquote></div>')
    heading = _DIFFER_HEADINGS.get(d.kind, _DIFFER_HEADINGS["differ"])
    return (f'<section class="nq-differ nq-{escape(d.kind)}"><h4>{heading}</h4>'
            f'<div class="nq-differ-row">{"".join(sides)}</div></section>')


def verdict_panel(answer: Answer, turn: int) -> str:
    """A yes/no or two-sided question's sides, side by side: each claim as asked, and the sentence (with
    its outlet and day) that says it, denies it, or "not found"; '' for other questions."""
    if not answer.verdict or not answer.parts:
        return ""
    sides = []
    for part in answer.parts:
        if part.said:
            meta = " · ".join(escape(p) for p in (part.outlet, pretty_date(part.published_at) if part.published_at
                                                  else "") if p)
            stance = "says so" if part.affirms else "says otherwise"
            head = f'<a href="#{anchor(turn, part.n)}" class="nq-num">{part.n}</a> {meta} — {stance}'
            body = f"<blockquote>{escape(part.quote)}</blockquote>"
        else:
            head, body = "not found", "<p>No passage says this.</p>"
        sides.append(f'<div class="nq-side"><div class="nq-side-head">{head}</div>'
                     f'<div class="nq-side-title">“{escape(part.claim)}”</div>{body}</div>')
    heading = _VERDICT_HEADINGS.get(answer.verdict, escape(answer.verdict.capitalize()))
    return (f'<section class="nq-differ nq-verdict"><h4>{heading}</h4>'
            f'<div class="nq-differ-row">{"".join(sides)}</div></section>')


_VERDICT_HEADINGS = {"yes": "✔ Yes", "no": "✘ No", "differ": "⚖ Sources differ", "unknown": "? The articles don't say",
                     "before": "⏱ Before", "after": "⏱ After"}


# A dispute is shown oldest first, side by side; an update or a developing figure newest first.
_DIFFER_HEADINGS = {"differ": "⚖ Sources differ", "update": "✎ Updated since first reported",
                    "develop": "📈 The figure changed over time"}


def timeline_list(answer: Answer, turn: int) -> str:
    """The cited passages in publication order (undated last), each with its day and best quote."""
    ordered = sorted(answer.citations, key=lambda c: (not c.published_at, c.published_at, c.n))
    items = []
    for c in ordered:
        day = pretty_date(c.published_at) if c.published_at else "undated"
        also = said.carried_by(c)
        items.append(f'<li class="nq-tl-item"><time>{escape(day)}</time>'
                     f'<div class="nq-tl-body"><a href="#{anchor(turn, c.n)}" class="nq-num">{c.n}</a> '
                     f'<b>{escape(c.outlet or "unknown outlet")}</b> — {escape(said.title_of(c))}'
                     + (f' <span class="nq-also">({escape(also)})</span>' if also else "")
                     + f'<div class="nq-tl-quote">{escape(c.quote or c.text[:240])}</div></div></li>')
    return f'<ol class="nq-timeline">{"".join(items)}</ol>'


def stats_markdown(stats: dict) -> str:
    """`Store.stats()` as the Library tab's Markdown summary."""
    first, last = stats.get("first_date"), stats.get("last_date")
    dates = f"{first} … {last}" if first or last else "unknown"
    outlets = ", ".join(stats.get("outlets") or ()) or "—"
    return (f"**{stats.get('articles', 0)}** articles · **{stats.get('stories', 0)}** stories · "
            f"**{stats.get('chunks', 0)}** passages  \n"
            f"Outlets: {outlets}  \nPublished: {dates}")


def report_markdown(report, name: Callable[[str], str] = str, most: int = MAX_SKIPS) -> str:
    """An `IngestReport` as Markdown: the CLI's counts, then each skip (at most `most`) with its reason;
    `name` shortens a source for display (e.g. an upload's path to its file name)."""
    lines = [f"Added **{report.added}**, updated **{report.updated}**, unchanged **{report.unchanged}**, "
             f"removed **{report.removed}**, skipped **{len(report.skipped)}** "
             f"({report.chunks} passages written)."]
    if report.copies:
        lines.append(f"{report.copies} article(s) were copies of stories already indexed.")
    lines += [f"- note `{_code(name(n.source))}`: {n.reason}" for n in report.notes[:most]]
    lines += [f"- skipped `{_code(name(s.source))}`: {s.reason}" for s in report.skipped[:most]]
    if len(report.skipped) > most:
        lines.append(f"- … and {len(report.skipped) - most} more")
    return "\n".join(lines)


def _code(text: str) -> str:
    """Text safe inside a Markdown code span."""
    return text.replace("`", "'")
