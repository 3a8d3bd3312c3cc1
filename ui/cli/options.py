"""Command-line options shared by several commands: the search filters and field mappings."""

from __future__ import annotations

import functools

import click

from qa.errors import NewsqaError
from qa.types import Filters
from ui.render import parse_filters

DATE = click.DateTime(["%Y-%m-%d"])


def pass_settings(command):
    """Like `click.pass_obj` for the Settings, read from the environment and .env when the command runs
    (not for --help, so help costs no pydantic). A Settings given as the context object is used as is."""

    @click.pass_context
    @functools.wraps(command)
    def run(ctx: click.Context, *args, **kwargs):
        if ctx.obj is None:
            from qa.config import get_settings

            ctx.obj = get_settings()
        return command(ctx.obj, *args, **kwargs)

    return run


def cli_filters(since, until, sources) -> Filters:
    """Click values -> Filters (dates from click.DateTime), refusing an empty date range."""
    try:
        return parse_filters(since, until, sources, labels=("--since", "--until"))
    except NewsqaError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from None


def filter_options(func):
    """Add --since/--until/--source to a command and hand it one `filters: Filters` argument."""

    @functools.wraps(func)
    def wrapper(*args, since, until, sources, **kwargs):
        return func(*args, filters=cli_filters(since, until, sources), **kwargs)

    options = [
        click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Only articles published on or after this date (YYYY-MM-DD)."),
        click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Only articles published on or before this date (YYYY-MM-DD)."),
        click.option("--source", "sources", multiple=True, metavar="OUTLET",
                     help="Only this outlet (repeatable, case-insensitive)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def as_of_option(func):
    """Add --as-of to a command and hand it `as_of: date | None` (None = today)."""

    @functools.wraps(func)
    def wrapper(*args, as_of, **kwargs):
        return func(*args, as_of=as_of.date() if as_of else None, **kwargs)

    return click.option("--as-of", "as_of", type=DATE, metavar="YYYY-MM-DD",
                        help="The day the question is asked at: 'last week', 'yesterday' and 'latest' count "
                             "from it (default: today).")(wrapper)


def parse_field_map(pairs: tuple[str, ...], hint: str = "--field") -> dict[str, str]:
    """('body=article_text', 'title=headline') -> {'body': 'article_text', 'title': 'headline'}."""
    mapping = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise click.BadParameter(f"{pair!r}: expected OURS=THEIRS, e.g. body=article_text", param_hint=hint)
        mapping[ours.strip()] = theirs.strip()
    return mapping
