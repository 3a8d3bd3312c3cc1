"""`newsqa slack`: run the Slack bot in Socket Mode (default) or as an HTTP Events API endpoint."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click

from ui.cli.options import pass_settings

if TYPE_CHECKING:
    from qa.config import Settings

SOCKET_TOKENS = ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
HTTP_TOKENS = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
_FIELDS = {"SLACK_APP_TOKEN": "slack_app_token", "SLACK_BOT_TOKEN": "slack_bot_token",
           "SLACK_SIGNING_SECRET": "slack_signing_secret"}


def missing_tokens(settings: Settings, http: bool) -> list[str]:
    """The env vars the chosen mode needs but that are unset, e.g. ['SLACK_APP_TOKEN']."""
    needed = HTTP_TOKENS if http else SOCKET_TOKENS
    return [name for name in needed if not getattr(settings, _FIELDS[name])]


@click.command()
@click.option("--http", "http", is_flag=True,
              help="Receive events over HTTP (needs SLACK_SIGNING_SECRET) instead of Socket Mode.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP mode: address to listen on.")
@click.option("--port", default=3000, show_default=True, type=click.IntRange(0, 65535),
              help="HTTP mode: port to listen on.")
@pass_settings
def slack(settings: Settings, http: bool, host: str, port: int) -> None:
    """Run the Slack bot: answers @mentions (in thread), DMs, thread follow-ups and /ask.

    \b
    Socket Mode (no public URL needed):
      SLACK_APP_TOKEN=xapp-... SLACK_BOT_TOKEN=xoxb-... newsqa slack
    HTTP mode (Slack posts events to http://HOST:PORT/slack/events, behind your HTTPS proxy):
      SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=xoxb-... newsqa slack --http --port 3000
    Create the Slack app from ui/slack/manifest.yaml (see the README's "Slack bot" section).
    """
    if missing := missing_tokens(settings, http):
        mode = "HTTP mode (--http)" if http else "Socket Mode"
        raise click.ClickException(
            f"{mode} needs {' and '.join(missing)}. Set {'them' if len(missing) > 1 else 'it'} in the "
            "environment or .env (see .env.example and the README's \"Slack bot\" section).")
    from qa.feedback import FeedbackStore, feedback_path
    from ui.context import Library
    from ui.slack.app import build_slack_app, serve_http, socket_mode_handler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    library = Library(settings)
    if not library.store.count():
        click.echo("warning: nothing is indexed yet, so the bot will say so; run `newsqa ingest` first.", err=True)
    app = build_slack_app(settings, library.answerer, FeedbackStore(feedback_path(settings.data_dir)))
    if http:
        serve_http(app, settings, host=host, port=port)  # logs the address; Ctrl+C stops it
        return
    handler = socket_mode_handler(app, settings)
    click.echo("newsqa Slack bot: Socket Mode (Ctrl+C to stop)")
    try:
        handler.start()
    except KeyboardInterrupt:
        handler.close()
