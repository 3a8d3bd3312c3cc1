"""The extractive answerer on the sample corpus (real Chroma, real embedder, real retriever), and `newsqa ask`."""

from __future__ import annotations

import json
import re
from datetime import date

import click
import pytest
from click.testing import CliRunner

from ingest.article import Article
from qa.answer import Answerer, build_answerer
from qa.errors import EmptyIndexError
from qa.retrieve import make_retriever
from qa.store import open_lexical, open_store
from qa.types import Answer, Filters
from tests.conftest import make_indexer, seed_article
from ui.cli import NewsqaGroup
from ui.commands_ask import ask

INF = "What did Russia and Cuba say about the INF Treaty?"


def answerer_for(settings, embeddings) -> Answerer:
    store = open_store(settings, embeddings.identity)
    retriever = make_retriever(settings, store, open_lexical(settings), embeddings)
    return build_answerer(settings, retriever, embeddings)


@pytest.fixture(scope="module")
def sample(sample_settings, embeddings) -> Answerer:
    return answerer_for(sample_settings, embeddings)


def cited_passages(answer: Answer) -> list[str]:
    return [c.text for c in answer.citations]


def test_inf_question_gives_regret_and_call_to_revise_cited_to_the_statement(sample):
    answer = sample.answer(INF)
    assert not answer.abstained and not answer.flagged and answer.mode == "extractive"
    assert "deep regret" in answer.text and "seriously concerned" in answer.text
    assert "urge the United States to revise its intentions" in answer.text
    assert 2 <= len(answer.sentences) <= 4 and all(s.supported and s.citations for s in answer.sentences)
    regret = next(s for s in answer.sentences if "deep regret" in s.text)
    call = next(s for s in answer.sentences if "urge the United States" in s.text)
    assert "deep regret" in answer.citations[regret.citations[0] - 1].text
    assert "urge the United States" in answer.citations[call.citations[0] - 1].text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert set(answer.timings) == {"retrieve_ms", "generate_ms", "total_ms"}


def test_quote_offsets_point_into_the_article(sample):
    article = seed_article().text
    for citation in sample.answer(INF).citations:
        assert article[citation.start:citation.end] == citation.quote
        assert citation.quote in citation.text


@pytest.mark.parametrize(("question", "expected"), [
    ("How much credit may Russia provide to Cuba?", "38 mln euro"),
    ("When will Cuba's defense minister visit Russia?", "second half of November"),
    ("What do Putin and Bermudez think of the Monroe Doctrine?", "strong disagreement with the Monroe Doctrine"),
    ("What does Russia say about the US embargo against Cuba?", "embargo"),
    ("What did the leaders say about the chemical weapons convention?", "Chemical Weapons"),
    ("What did Russia and Cuba agree about transnational organized crime?", "transnational organized crime"),
    ("What do Russia and Cuba think about unilateral sanctions?", "opposed to unilateral sanctions"),
    ("When will the Cuban delegation arrive?", "arrive in two weeks"),
])
def test_questions_about_the_sample_are_answered_from_the_right_passage(sample, question, expected):
    answer = sample.answer(question)
    assert not answer.abstained
    assert expected in answer.text
    holder = next(s for s in answer.sentences if expected in s.text)
    assert holder.supported and expected in answer.citations[holder.citations[0] - 1].text


@pytest.mark.parametrize("question", [
    "What did the article say about the football World Cup?",
    "What is the capital of Australia?",
    "How do I bake sourdough bread?",
    "What did Putin say about Syria?",
])
def test_questions_the_article_cannot_answer_abstain(sample, question):
    answer = sample.answer(question)
    assert answer.abstained and answer.text.startswith("The articles I have don't say")
    assert answer.citations == [] and answer.sentences == []


def test_stream_yields_the_text_once_then_the_answer(sample):
    items = list(sample.stream(INF))
    assert len(items) == 2 and isinstance(items[0], str) and isinstance(items[1], Answer)
    assert items[0] == items[1].text


def test_filters_that_match_nothing_abstain_and_say_so(sample):
    answer = sample.answer(INF, filters=Filters(outlets=("BBC",)))
    assert answer.abstained and "No article matches the filters" in answer.text and "BBC" in answer.text
    assert not sample.answer(INF, filters=Filters(outlets=("tass",))).abstained


def test_empty_index_raises(settings, embeddings):
    with pytest.raises(EmptyIndexError):
        answerer_for(settings, embeddings).answer(INF)


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory, embeddings):
    """The sample plus another article about a credit, so a follow-up must pick the right one."""
    from qa.config import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("two") / "data")
    other = Article(
        text="China has offered Venezuela a new credit of 5 bln dollars for oil projects, the Venezuelan "
             "finance ministry said on Tuesday. The credit will be repaid with oil deliveries.\n\n"
             "Officials in Caracas said the money would be used to modernise refineries.",
        title="China offers Venezuela credit", outlet="Reuters", source="venezuela.txt")
    make_indexer(settings, embeddings).ingest([seed_article(), other])
    return answerer_for(settings, embeddings)


def test_follow_up_about_the_credit_resolves_against_the_same_article(two_articles):
    first = two_articles.answer("What did Russia and Cuba say about the INF Treaty?")
    answer = two_articles.answer("What about the credit?", history=[(INF, first.text)])
    assert "Russia" in answer.question and "credit" in answer.question
    assert "38 mln euro" in answer.text and "Venezuela" not in answer.text
    assert {c.article_id for c in answer.citations} == {first.citations[0].article_id}


def test_standalone_question_is_not_rewritten(two_articles):
    answer = two_articles.answer("How much credit did China offer Venezuela?", history=[(INF, "...")])
    assert answer.question == "How much credit did China offer Venezuela?"
    assert "5 bln dollars" in answer.text


# --- newsqa ask ----------------------------------------------------------------------------------
def run_ask(settings, *args: str):
    @click.group(cls=NewsqaGroup)
    def group() -> None:
        """Stand-in for ui.cli's group (same error handling)."""

    group.add_command(ask)
    return CliRunner().invoke(group, ["ask", *args], obj=settings)


def test_cli_ask_prints_answer_and_numbered_sources(sample_settings):
    result = run_ask(sample_settings, INF)
    assert result.exit_code == 0, result.output
    text, _, sources = result.output.partition("\nSources\n")
    assert "deep regret" in text and "[1]" in text
    assert re.match(r"\[1\] .+ — TASS", sources) and "“" in sources


def test_cli_ask_json_has_the_answer_shape(sample_settings):
    result = run_ask(sample_settings, INF, "--json", "--k", "4", "--source", "TASS")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"text", "abstained", "question", "sentences", "citations", "timings"}
    assert set(data["sentences"][0]) == {"text", "citations", "supported", "quote"}
    assert set(data["citations"][0]) >= {"n", "chunk_id", "article_id", "title", "outlet", "author", "url",
                                          "published_at", "text", "quote", "start", "end", "score"}
    assert set(data["timings"]) == {"retrieve_ms", "generate_ms", "total_ms"}


def test_cli_ask_rejects_an_inverted_date_range(sample_settings):
    result = run_ask(sample_settings, INF, "--since", "2020-01-02", "--until", "2020-01-01")
    assert result.exit_code == 2 and "is after --until" in result.output


def test_cli_ask_date_filter_without_matches_abstains(sample_settings):
    result = run_ask(sample_settings, INF, "--since", "2030-01-01")
    assert result.exit_code == 0 and "No article matches the filters (published since 2030-01-01)" in result.output


def test_filters_are_described_in_the_abstention(sample):
    answer = sample.answer(INF, filters=Filters(since=date(2030, 1, 1), outlets=("BBC", "CNN")))
    assert "published since 2030-01-01, outlet BBC or CNN" in answer.text
