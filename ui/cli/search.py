"""`newsqa search` (ranked passages, no answer) and `newsqa reindex` (rebuild the lexical index).

Registered in ui/cli.py: `cli.add_command(search)`, `cli.add_command(reindex)`.
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import click

from qa.retrieval import MODES
from ui.cli.options import as_of_option, filter_options, pass_settings
from ui.render import UNTITLED

if TYPE_CHECKING:
    from qa.config import Settings


@click.command()
@click.argument("query")
@click.option("--k", type=click.IntRange(1, 100), help="How many passages (default: NEWSQA_TOP_K).")
@filter_options
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="Retriever: both fused, or dense (embeddings) / lexical (BM25) alone.")
@as_of_option
@click.option("--literal", is_flag=True, help="Ignore the dates and outlets the query names (no soft cues).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"query": ..., "understood": {...}, "results": [...]} as JSON.')
@pass_settings
def search(settings: Settings, query, k, filters, mode, as_of, literal, as_json) -> None:
    """Show the passages that best match QUERY, best first, with their scores and sources.

    Dates filter on publication date (articles of unknown date are left out when a date is given);
    --source keeps only the named outlets (case-insensitive). A filter that matches nothing prints
    no results, never everything. Dates and outlets named in the query itself ("TASS", "March
    2024", "latest") only boost matching passages (--literal turns that off).

    \b
    Examples:
      newsqa search "INF Treaty"
      newsqa search "credit to Cuba" --k 3 --source TASS --since 2018-11-01 --until 2018-11-30
      newsqa search "Diaz-Canel" --source TASS --source Reuters --json
      newsqa search "INF Treaty" --mode lexical      # compare with --mode dense
    """
    from ui.context import Library

    retriever = Library(settings).retriever
    cues = None if literal else retriever.understand(query, as_of)
    hits = retriever.search(query, k=k, filters=filters, mode=mode, cues=cues)
    understood = cues.to_dict() if cues is not None and not cues.empty else {}
    if as_json:
        click.echo(json.dumps({"query": query, "understood": understood, "results": [h.to_dict() for h in hits]},
                              ensure_ascii=False))
        return
    if understood:
        click.echo(f"Understood as: {understood['described']}\n")
    if not hits:
        click.echo("No passages match." + (" Try removing --since/--until/--source." if not filters.empty else ""))
    else:
        click.echo("\n\n".join(_hit_plain(h.to_dict()) for h in hits))


def _hit_plain(hit: dict) -> str:
    """One result as a few readable lines: rank, score, source line, ids, then the passage."""
    source = " · ".join(x for x in (hit["outlet"], hit["published_at"][:10], hit["url"]) if x)
    head = f"{hit['rank']}. {hit['title'] or UNTITLED}  [score {hit['score']:.4f}]"
    ids = f"   chunk {hit['chunk_id']}  article {hit['article_id']}"
    body = textwrap.indent(textwrap.fill(" ".join(hit["text"].split()), 96), "   ")
    return "\n".join(x for x in (head, f"   {source}" if source else "", ids, body) if x)


@click.command()
@pass_settings
def reindex(settings: Settings) -> None:
    """Rebuild the lexical (BM25) index from the Chroma collection and print the chunk count.

    Search does this by itself when the two disagree; run it after restoring a backup or when
    the collection lives on a Chroma server that other machines write to.

    \b
    Example:
      newsqa reindex
    """
    from ui.context import Library

    library = Library(settings)
    count = library.lexical.rebuild(library.store.iter_chunks())
    click.echo(f"lexical index rebuilt: {count} chunks from collection {library.store.name!r}")
