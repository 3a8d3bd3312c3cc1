"""The `newsqa` command line: ingest, stats, delete (and the commands registered at the bottom)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from qa.errors import NewsqaError
from ui.cli.options import parse_field_map, pass_settings
from ui.context import Library
from ui.render import UNTITLED


class NewsqaGroup(click.Group):
    """Turns domain errors into one readable line and exit code 1 (no traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NewsqaError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=NewsqaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsqa")
def cli() -> None:
    """Ask questions of your news archive; every answer cites the passages it rests on.

    \b
    Quick start:
      newsqa ingest samples/            # index the bundled sample article
      newsqa ask "What did Russia and Cuba say about the INF Treaty?"
      newsqa web                        # the chat on http://127.0.0.1:7860
    Settings come from the environment and .env (see .env.example), e.g.
      NEWSQA_DATA_DIR=/srv/news newsqa ingest exports/
      OPENAI_BASE_URL=http://127.0.0.1:8001/v1 newsqa ask "..."   # answers by your LLM
    Every command has --help with examples.
    """


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--include", multiple=True, metavar="GLOB", help="Only files matching GLOB (folders; repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (folders; repeatable).")
@click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
              help="Map a JSON/JSONL field name, e.g. --field body=article_text --field title=headline.")
@click.option("--prune", is_flag=True, help="Also remove indexed articles whose source files are gone.")
@click.option("--strict", is_flag=True, help="Exit non-zero if anything was skipped.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch URLs on loopback, private and link-local addresses (this run only).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@pass_settings
def ingest(settings: Settings, sources, include, exclude, fields, prune, strict, allow_private,
           as_json) -> None:
    """Add articles from files, folders, JSON/JSONL exports, HTML pages, RSS/Atom feeds or URLs.

    Re-running is safe: unchanged articles are skipped, changed ones replaced. URLs are fetched over
    http(s) from public addresses only: name internal sources in NEWSQA_FETCH_ALLOW, or pass
    --allow-private for one run.

    \b
    Examples:
      newsqa ingest samples/
      newsqa ingest archive/ --include '*.md' --exclude 'drafts/*'
      newsqa ingest export.jsonl --field body=article_text --field published_at=pub_date
      newsqa ingest https://example.org/feed.xml https://example.org/story.html
      newsqa ingest archive/ --prune       # also drop articles whose files were deleted
      newsqa ingest http://intranet.local/wire.xml --allow-private
    """
    from ingest.load import load_sources, loader_options
    from ui.cli.progress import IngestProgress

    library = Library(settings)
    items = load_sources(sources, include=include, exclude=exclude, field_map=parse_field_map(fields),
                         **loader_options(settings, allow_private=allow_private))
    with IngestProgress(enabled=not as_json) as progress:
        report = library.indexer().ingest(items, prune=prune, progress=progress.update)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    if not report.ok or (strict and report.skipped):
        sys.exit(1)


def _print_report(report) -> None:
    click.echo(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
               f"removed {report.removed}, skipped {len(report.skipped)} ({report.chunks} chunks written)")
    if report.copies:
        what = "articles were copies of stories" if report.copies != 1 else "article was a copy of a story"
        click.echo(f"{report.copies} {what} already indexed: a story is cited once, "
                   "with the other outlets as \"also carried by\"")
    if report.addressed_to_ai:
        click.echo(f"{report.addressed_to_ai} article(s) contain text addressed to an AI: it is kept as "
                   "data, never used as an answer (`newsqa stats` lists them)")
    for note in report.notes:
        click.echo(f"  note {note.source}: {note.reason}", err=True)
    for skip in report.skipped:
        click.echo(f"  skipped {skip.source}: {skip.reason}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_settings
def stats(settings: Settings, as_json) -> None:
    """Show what is indexed: articles, stories, chunks, outlets and date range.

    Stories count syndicated copies of one article once (see `newsqa ingest`).

    \b
    Example:
      newsqa stats --json
    """
    data = Library(settings).store.stats()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_dir
    click.echo(f"collection  {data['collection']} ({where})")
    click.echo(f"articles    {data['articles']}")
    click.echo(f"stories     {data['stories']}"
               + (f" ({data['articles'] - data['stories']} article(s) are syndicated copies)"
                  if data['articles'] > data['stories'] else ""))
    click.echo(f"chunks      {data['chunks']}")
    click.echo(f"outlets     {', '.join(data['outlets']) or '-'}")
    click.echo(f"dates       {data['first_date'] or '?'} .. {data['last_date'] or '?'}")
    flagged = data["addressed_to_ai"]
    click.echo(f"AI-addressed {len(flagged)} article(s) contain text addressed to an AI"
               + (" (never used as answers):" if flagged else ""))
    for item in flagged:
        click.echo(f"  {item['article_id']}  {item['title'] or UNTITLED}")


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@pass_settings
def delete(settings: Settings, refs) -> None:
    """Remove articles by article id, URL or source file (a folder removes everything under it).

    \b
    Examples:
      newsqa delete 3f9c0a1b2c4d5e6f
      newsqa delete https://example.org/story.html
      newsqa delete samples/tass-russia-cuba.txt
    """
    indexer = Library(settings).indexer()
    for ref in refs:
        removed = indexer.delete(ref)
        click.echo(f"removed {len(removed)} article(s) for {ref}")


# Commands that live in their own modules (each imports its heavy dependencies lazily).
# --- registered commands ---
from ui.cli.ask import ask  # noqa: E402
from ui.cli.search import reindex, search  # noqa: E402
from ui.cli.timeline import timeline  # noqa: E402

cli.add_command(ask)
cli.add_command(search)
cli.add_command(timeline)
cli.add_command(reindex)
from ui.cli.web import feedback, web  # noqa: E402

cli.add_command(web)
cli.add_command(feedback)
from ui.cli.eval import eval_command  # noqa: E402

cli.add_command(eval_command, name="eval")
from ui.cli.slack import slack  # noqa: E402

if TYPE_CHECKING:
    from qa.config import Settings

cli.add_command(slack)
from ui.cli.model import model  # noqa: E402

cli.add_command(model)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsqa")


if __name__ == "__main__":
    main()
