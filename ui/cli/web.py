"""`newsqa web` (the browser chat) and `newsqa feedback export` (ratings given in the chat and in Slack)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from qa.feedback import FeedbackStore, feedback_path
from ui.cli.options import pass_settings
from ui.context import Library

if TYPE_CHECKING:
    from qa.config import Settings



@click.command()
@click.option("--host", default=None, metavar="ADDR",
              help="Address to listen on [default: NEWSQA_WEB_HOST or 127.0.0.1].")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port to listen on [default: NEWSQA_WEB_PORT or 7860].")
@pass_settings
def web(settings: Settings, host, port) -> None:
    """Serve the chat in the browser: streamed answers with source cards, filters, feedback, a library.

    Listens on 127.0.0.1 only unless told otherwise. Before opening it to other machines, set a login
    with NEWSQA_WEB_AUTH=user:password (several: ann:pw1,bob:pw2) and name who may add and remove
    articles with NEWSQA_WEB_EDITORS=ann. URLs added in the Library are fetched from public
    addresses only (and those NEWSQA_FETCH_ALLOW names).

    \b
    Examples:
      newsqa web                                  # http://127.0.0.1:7860
      newsqa web --port 8080
      NEWSQA_WEB_AUTH=ann:s3cret,bob:pw NEWSQA_WEB_EDITORS=ann newsqa web --host 0.0.0.0
    """
    from ui.web.app import build_app, launch

    host = host or settings.web_host
    from ui.web.app import LOOPBACK

    if host not in LOOPBACK and not settings.web_auth:
        click.echo(f"warning: serving on {host} without a login (set NEWSQA_WEB_AUTH=user:password); "
                   "the library is read-only", err=True)
    elif settings.web_auth and not settings.web_editors.strip():
        click.echo("note: no NEWSQA_WEB_EDITORS: every login may chat, none may change the library", err=True)
    library = Library(settings)
    launch(build_app(settings, library.answerer, library, host=host), settings, host=host, port=port)


@click.group()
def feedback() -> None:
    """Ratings (👍/👎 and comments) given to answers in the web chat and in Slack."""


@feedback.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", show_default=True,
              help="File to write ('-' = standard output).")
@pass_settings
def export(settings: Settings, fmt, out) -> None:
    """Write every feedback row (time, channel, rating, question, answer, citations, settings, comment).

    \b
    Examples:
      newsqa feedback export > feedback.jsonl
      newsqa feedback export --format csv --out feedback.csv
    """
    path = feedback_path(settings.data_dir)
    if not path.exists():
        click.echo(f"No feedback recorded yet ({path} does not exist).", err=True)
        return
    store = FeedbackStore(path)
    if out == "-":
        count = store.export(sys.stdout, fmt)
    else:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            count = store.export(handle, fmt)
    click.echo(f"exported {count} feedback row(s){'' if out == '-' else ' to ' + out}", err=True)
