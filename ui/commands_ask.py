"""`newsqa ask`: one question, answered from the indexed articles with checked [n] citations."""

from __future__ import annotations

import json

import click

from qa.types import Filters


def parse_filters(since, until, sources) -> Filters:
    """Click values -> Filters (dates from click.DateTime), refusing an empty date range."""
    lo, hi = (since.date() if since else None), (until.date() if until else None)
    if lo and hi and lo > hi:
        raise click.BadParameter(f"--since {lo} is after --until {hi}.", param_hint="--since/--until")
    return Filters(since=lo, until=hi, outlets=tuple(s.strip() for s in sources if s.strip()))


@click.command()
@click.argument("question")
@click.option("--k", type=click.IntRange(1, 50), help="Passages to answer from (default: NEWSQA_TOP_K).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or before this date.")
@click.option("--source", "sources", multiple=True, metavar="OUTLET", help="Only this outlet (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.option("--fallback", is_flag=True, help="If the language model fails, answer extractively instead.")
@click.pass_obj
def ask(settings, question, k, since, until, sources, as_json, fallback) -> None:
    """Answer a question from the indexed articles, citing the passages it rests on.

    Without OPENAI_API_KEY / OPENAI_BASE_URL the answer is extractive (verbatim sentences), offline.

    \b
    Examples:
      newsqa ask "What did Russia and Cuba say about the INF Treaty?"
      newsqa ask "What about the credit?" --source TASS --since 2018-11-01
      newsqa ask "Who is Sergei Storchak?" --json
      OPENAI_BASE_URL=http://127.0.0.1:11434/v1 NEWSQA_LLM_MODEL=llama3.1 newsqa ask "..." --fallback
    """
    from ui.context import Library
    from ui.render import answer_plain

    filters = parse_filters(since, until, sources)
    if fallback:
        settings = settings.model_copy(update={"fallback_extractive": True})
    answer = Library(settings).answerer.answer(question, filters=filters, k=k)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    if answer.note:
        click.echo(f"note: {answer.note}", err=True)
    click.echo(answer_plain(answer))
