"""`newsqa ask`: one question, answered from the indexed articles with checked [n] citations."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from ui.cli.options import as_of_option, filter_options, pass_settings

if TYPE_CHECKING:
    from qa.config import Settings


@click.command()
@click.argument("question")
@click.option("--k", type=click.IntRange(1, 50), help="Passages to answer from (default: NEWSQA_TOP_K).")
@filter_options
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.option("--fallback", is_flag=True, help="If the language model fails, answer extractively instead.")
@pass_settings
def ask(settings: Settings, question, k, filters, as_of, as_json, fallback) -> None:
    """Answer a question from the indexed articles, citing the passages it rests on.

    Without OPENAI_API_KEY / OPENAI_BASE_URL the answer is extractive (verbatim sentences), offline.
    On a terminal, a language model's words show as they arrive and are then replaced by the
    checked answer; with --json or a pipe only the checked answer is printed.

    Dates and outlets named in the question ("in March 2024", "according to TASS", "the latest")
    steer the search softly and are checked against each article's date and outlet; the answer
    says how they were understood. --since/--until/--source are hard filters.

    \b
    Examples:
      newsqa ask "What did Russia and Cuba say about the INF Treaty?"
      newsqa ask "What about the credit?" --source TASS --since 2018-11-01
      newsqa ask "Who is Sergei Storchak?" --json
      newsqa ask "What did TASS report about the credit in November 2018?"
      newsqa ask "What is the latest on the strike?" --as-of 2024-03-15
      OPENAI_BASE_URL=http://127.0.0.1:11434/v1 NEWSQA_LLM_MODEL=llama3.1 newsqa ask "..." --fallback
    """
    from ui.context import Library
    from ui.render import answer_plain

    if fallback:
        settings = settings.model_copy(update={"fallback_extractive": True})
    answerer = Library(settings).answerer
    if not as_json and sys.stdout.isatty() and sys.stderr.isatty():
        from ui.cli.live import ask_live

        answer = ask_live(answerer, question, sys.stdout, sys.stderr, filters=filters, k=k, as_of=as_of)
    else:
        answer = answerer.answer(question, filters=filters, k=k, as_of=as_of)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    if answer.note:
        click.echo(f"note: {answer.note}", err=True)
    click.echo(answer_plain(answer))
