"""`newsqa timeline "query"`: the dated passages of the matching stories, oldest first.

Registered in ui/cli/main.py: `cli.add_command(timeline)`.
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import click

from ui.cli.options import as_of_option, filter_options, pass_settings
from ui.render import UNTITLED, carried_by_names, timeline_day

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.types import SearchHit

PASSAGE_CHARS = 320  # of each passage shown (--json has all of it)
INDENT = 14


@click.command()
@click.argument("query")
@click.option("--k", type=click.IntRange(1, 100), default=12, show_default=True,
              help="How many passages to place on the timeline.")
@filter_options
@as_of_option
@click.option("--json", "as_json", is_flag=True,
              help='Print {"query": ..., "understood": {...}, "timeline": [...]} as JSON (oldest first).')
@pass_settings
def timeline(settings: Settings, query, k, filters, as_of, as_json) -> None:
    """Show how a story developed: the passages matching QUERY in publication order, each dated.

    A syndicated story appears once, with the other outlets that carried it. Undated passages come
    last. Narrow it with --since/--until/--source, as for `newsqa search`.

    \b
    Examples:
      newsqa timeline "Harbour City dock strike"
      newsqa timeline "measles Northfield" --since 2024-02-01 --json
    """
    from qa.retrieval.timeline import timeline as build
    from ui.context import Library

    library = Library(settings)
    retriever = library.retriever
    hits = build(retriever, query, k=k, filters=filters, as_of=as_of)
    if as_json:
        cues = retriever.understand(query, as_of)
        click.echo(json.dumps({"query": query, "understood": {} if cues.empty else cues.to_dict(),
                               "timeline": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return
    if not hits:
        click.echo("No passages match." + (" Try removing --since/--until/--source." if not filters.empty else ""))
        return
    days = [timeline_day(h.chunk.published_at) for h in hits if h.chunk.published_at]
    span = f", {days[0]} to {days[-1]}" if len(days) > 1 else ""
    click.echo(f'Timeline for "{query}": {len(hits)} passage(s){span}\n')
    click.echo("\n\n".join(_entry(h) for h in hits))


def _entry(hit: SearchHit) -> str:
    c = hit.chunk
    also = carried_by_names(hit.copies)
    head = f"{timeline_day(c.published_at):<{INDENT}}{c.outlet or 'unknown outlet'} — {c.title or UNTITLED}"
    text = " ".join(c.text.split())
    if len(text) > PASSAGE_CHARS:
        text = text[: PASSAGE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    lines = [head, textwrap.indent(textwrap.fill(text, 96 - INDENT), " " * INDENT)]
    lines += [" " * INDENT + f"({also})"] if also else []
    lines += [" " * INDENT + c.url] if c.url else []
    return "\n".join(lines)
