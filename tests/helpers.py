"""Helpers shared by the answering, LLM and web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from click.testing import CliRunner

from qa.answering.answer import Answerer, build_answerer
from qa.index.store import open_lexical, open_store
from qa.retrieval.retrieve import make_retriever

INF = "What did Russia and Cuba say about the INF Treaty?"
# (question, text the right passage holds) for the sample article: the retrieval benchmark's questions.
SAMPLE_QUESTIONS = [(row["question"], row["passage"]) for row in map(json.loads, (
    Path(__file__).resolve().parents[1] / "samples" / "retrieval-questions.jsonl").read_text("utf-8").splitlines())]
REGRET, URGE = "deep regret", "urge the United States"


def answerer_for(settings, embeddings) -> Answerer:
    """The Answerer the front ends build for settings, reusing the session's embedder."""
    store = open_store(settings, embeddings.identity)
    retriever = make_retriever(settings, store, open_lexical(settings), embeddings)
    return build_answerer(settings, retriever, embeddings)


def llm_settings(base, url: str, **extra):
    """base pointed at an OpenAI-compatible endpoint, with no retries and a short timeout."""
    return base.model_copy(update={"openai_base_url": url, "llm_max_retries": 0, "llm_timeout": 2.0,
                                   "llm_model": "stub-model", **extra})


def passage_number(body: dict, phrase: str) -> int:
    """The number the prompt gave the passage containing phrase."""
    user = body["messages"][-1]["content"]
    parts = re.split(r"^\[(\d+)\] ", user, flags=re.M)  # [before, n1, passage1, n2, passage2, ...]
    for number, block in zip(parts[1::2], parts[2::2]):
        if phrase in block:
            return int(number)
    raise AssertionError(f"{phrase!r} not in any passage")


def citing(*claims: tuple[str, str]):
    """A stub reply: each (sentence, phrase) becomes 'sentence [n].', n = the passage holding phrase."""
    return lambda body: " ".join(f"{text} [{passage_number(body, phrase)}]." for text, phrase in claims)


def run_cli(settings, command: str, *args: str):
    """`newsqa COMMAND ARGS` with settings as the context object, through the CLI's error handling."""
    from ui.cli.main import NewsqaGroup, cli

    @click.group(cls=NewsqaGroup)
    def group() -> None:
        """Stand-in for ui.cli.main's group (same error handling)."""

    group.add_command(cli.commands[command])
    return CliRunner().invoke(group, [command, *args], obj=settings)


def run_ask(settings, *args: str):
    """`newsqa ask ARGS` with settings as the context object, through the CLI's error handling."""
    return run_cli(settings, "ask", *args)
