"""The extractive answerer on the sample corpus (real Chroma, real embedder, real retriever), and `newsqa ask`."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from ingest.article import Article
from qa.answering.answer import Answerer
from qa.answering.coverage import coverage
from qa.answering.extractive import abstention
from qa.errors import EmptyIndexError, NewsqaError
from qa.eval.run import history_of
from qa.eval.sets import read_question_set
from qa.evidence import Evidence
from qa.types import Answer, Chunk, Filters, SearchHit
from tests.conftest import SAMPLES, make_indexer, seed_article
from tests.helpers import INF, REGRET, answerer_for, run_ask


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
    assert set(answer.timings) == {"condense_ms", "retrieve_ms", "generate_ms", "total_ms"}


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
    # words that name the kind of answer ("size", "purpose", "head") need not be in the article
    ("What is the size of the Russian credit?", "38 mln euro"),
    ("How much money may Russia lend Cuba?", "38 mln euro"),
    ("What is the purpose of the credit?", "military technical cooperation"),
    ("Who is the head of Cuba's Council of State?", "Diaz-Canel"),
    # the subject after "did" is followed by its verb, which the article may word differently
    ("Who did the Russian president meet in Moscow?", "Diaz-Canel"),
    ("What will the defense ministers decide?", "most promising areas of cooperation"),
    ("How old is the US embargo against Cuba?", "half-century-old"),
    ("In which year did Latin American and Caribbean states sign the Havana Declaration?", "2014"),
])
def test_questions_about_the_sample_are_answered_from_the_right_passage(sample, question, expected):
    answer = sample.answer(question)
    assert not answer.abstained
    assert expected in answer.text
    holder = next(s for s in answer.sentences if expected in s.text)
    assert holder.supported and expected in answer.citations[holder.citations[0] - 1].text


@pytest.mark.parametrize(("question", "says"), [
    ("What did the article say about the football World Cup?", "none of them mentions World Cup or football."),
    ("What is the capital of Australia?", "none of them mentions Australia or capital."),
    ("How do I bake sourdough bread?", 'nothing in them answers "How do I bake sourdough bread?"'),
    ("What did Putin say about Syria?", "none of them mentions Syria."),
    # the noun asked about is in no passage, although "Havana" is (in "the Havana Declaration")
    ("What is the population of Havana?", "none of them mentions population."),
    # nor are the tourists (2018 is the article's year: a date is met by the dateline), although a
        # sentence about visiting Russia scores well
    ("How many Russian tourists visited Cuba in 2018?", "none of them mentions 2018 or tourists."),
    # "which year" needs a sentence with a year; the best ones about Diaz-Canel have none
    ("In which year did Diaz-Canel become the leader of Cuba?", 'nothing in them answers "In which year'),
    ("How many people attended the talks in Moscow?", "nothing in them answers"),
    ("What did the US State Department say about the joint statement?", "mentions US State Department."),
])
def test_questions_the_article_cannot_answer_abstain_and_say_what_is_missing(sample, question, says):
    answer = sample.answer(question)
    assert answer.abstained and answer.text.startswith("The articles I have don't say") and says in answer.text
    assert answer.citations == [] and answer.sentences == []


SAMPLE_SET = read_question_set(SAMPLES / "questions.jsonl").questions


@pytest.mark.parametrize("q", [q for q in SAMPLE_SET if not q.unanswerable], ids=lambda q: q.id)
def test_every_answerable_sample_question_is_answered(sample, q):
    answer = sample.answer(q.question, history=history_of(q))
    assert not answer.abstained and answer.citations, answer.text


@pytest.mark.parametrize("q", [q for q in SAMPLE_SET if q.unanswerable], ids=lambda q: q.id)
def test_every_unanswerable_sample_question_abstains(sample, q):
    answer = sample.answer(q.question, history=history_of(q))
    assert answer.abstained and answer.citations == [], answer.text


def passages(*texts: str) -> Evidence:
    """Evidence over hand-written passages (coverage reads words only: nothing is embedded)."""
    chunks = [Chunk(id=f"a{n}:0000", article_id=f"a{n}", index=0, text=t, start=0, end=len(t))
              for n, t in enumerate(texts)]
    return Evidence([SearchHit(n, 1.0, c) for n, c in enumerate(chunks, 1)], embeddings=None)


def test_abbreviated_names_stay_whole_and_match_their_undotted_spelling():
    question = "Who won the men's singles U.S. Open 2021?"
    found = passages("Daniil Medvedev won the men's singles at the 2021 US Open.")
    assert coverage(question, found).missing == []
    assert coverage(question, passages("The U.S. Open men's singles final was played in 2021.")).missing == []
    missing = coverage(question, passages("Novak Djokovic won the men's singles at Wimbledon in 2021.")).missing
    assert missing == ["U.S. Open"]
    assert abstention(question, missing).endswith("none of them mentions U.S. Open.")


def test_a_name_is_known_by_its_last_word_and_i_is_not_a_name():
    evidence = passages("President Vladimir Putin met Miguel Diaz-Canel, of Cuba's State Council.")
    assert coverage("What did Vladimir Putin say to Diaz-Canel?", evidence).missing == []
    assert coverage("What did the US State Department say?", evidence).missing == ["US State Department"]
    assert coverage("How do I bake sourdough bread?", evidence).missing == []


def test_stream_yields_the_text_once_then_the_answer(sample):
    stream = sample.stream(INF)
    deltas = list(stream)
    assert len(deltas) == 1 and deltas[0] == stream.answer().text
    assert isinstance(stream.answer(), Answer)


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
    assert set(data["sentences"][0]) == {"text", "citations", "supported", "quote", "contradicted", "lead"}
    assert set(data["citations"][0]) >= {"n", "chunk_id", "article_id", "title", "outlet", "author", "url",
                                          "published_at", "text", "quote", "start", "end", "score"}
    assert set(data["timings"]) == {"condense_ms", "retrieve_ms", "generate_ms", "total_ms"}


def test_cli_ask_rejects_an_inverted_date_range(sample_settings):
    result = run_ask(sample_settings, INF, "--since", "2020-01-02", "--until", "2020-01-01")
    assert result.exit_code == 2 and "--since 2020-01-02 is after --until" in result.output


def test_cli_ask_date_filter_without_matches_abstains(sample_settings):
    result = run_ask(sample_settings, INF, "--since", "2030-01-01")
    assert result.exit_code == 0 and "No article matches the filters (published since 2030-01-01)" in result.output


def test_filters_are_described_in_the_abstention(sample):
    answer = sample.answer(INF, filters=Filters(since=date(2030, 1, 1), outlets=("BBC", "CNN")))
    assert "published since 2030-01-01, outlet BBC or CNN" in answer.text


def test_the_chain_is_a_langchain_runnable_over_a_typed_run(sample):
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.runnables import Runnable

    class Seen(BaseCallbackHandler):
        def __init__(self):
            self.chains, self.retrieved = [], []

        def on_chain_start(self, serialized, inputs, **kwargs):
            self.chains.append(kwargs.get("name"))

        def on_retriever_end(self, documents, **kwargs):
            self.retrieved.append(len(documents))

    assert isinstance(sample.chain, Runnable)
    seen = Seen()
    out = sample.chain.invoke(sample.new_run(INF), {"callbacks": [seen]})
    assert REGRET in out.answer.text and out.run.hits and out.run.standalone == INF
    assert {"condense", "retrieve", "generate", "check_citations"} <= set(seen.chains)
    assert seen.retrieved == [len(out.run.hits)]


def test_the_chain_streams_events_asynchronously(sample):
    import asyncio

    async def events():
        return [e async for e in sample.chain.astream_events(sample.new_run(INF), version="v2")]

    seen = asyncio.run(events())
    assert any(e["event"] == "on_retriever_end" for e in seen)
    final = [e for e in seen if e["event"] == "on_chain_end" and e["name"] == "check_citations"]
    assert final and REGRET in final[-1]["data"]["output"].answer.text


def test_the_shipped_parts_meet_their_protocols(sample):
    from qa.protocols import Embedder, Retriever, TokenCounting

    assert isinstance(sample.retriever, Retriever)
    assert isinstance(sample.retriever.embeddings, Embedder) and isinstance(sample.retriever.embeddings, TokenCounting)


def test_an_empty_question_is_refused_before_anything_runs(sample):
    with pytest.raises(NewsqaError, match="empty"):
        sample.stream("   ")
