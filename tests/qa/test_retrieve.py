"""Hybrid retrieval on real parts (Chroma in tmp_path, the real embedder): ranking, filters, diversity,
lexical index self-repair, hostile query text, the LangChain face."""

from __future__ import annotations

from datetime import date

import pytest

from qa.config import Settings
from qa.errors import ConfigError, EmptyIndexError
from qa.index.store import open_lexical, open_store
from qa.retrieval.retrieve import HybridRetriever, chroma_where, make_retriever
from qa.types import Filters
from tests.conftest import OTHER_ARTICLES, dated_seed, make_indexer
from tests.helpers import SAMPLE_QUESTIONS


def retriever_for(settings: Settings, embeddings, **overrides) -> HybridRetriever:
    retriever = make_retriever(settings, open_store(settings, embeddings.identity), open_lexical(settings),
                               embeddings)
    for name, value in overrides.items():
        setattr(retriever, name, value)
    return retriever


@pytest.fixture(scope="module")
def sample_retriever(sample_settings, embeddings) -> HybridRetriever:
    return retriever_for(sample_settings, embeddings)


@pytest.fixture(scope="module")
def news_retriever(news_settings, embeddings) -> HybridRetriever:
    return retriever_for(news_settings, embeddings)


@pytest.mark.parametrize("question, passage", SAMPLE_QUESTIONS)  # the benchmark's 20 questions
def test_hybrid_ranks_the_answering_passage_in_the_top_two(sample_retriever, question, passage):
    hits = sample_retriever.search(question)
    assert any(passage in h.chunk.text for h in hits[:2])
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert len(hits) == sample_retriever.k and hits[0].score > 0


def test_hybrid_ranks_the_inf_passage_first(sample_retriever):
    hits = sample_retriever.search("What did Russia and Cuba say about the INF Treaty?")
    assert "deep regret and are seriously concerned" in hits[0].chunk.text


@pytest.mark.parametrize("mode", ["dense", "lexical"])
def test_single_retriever_modes_also_search(sample_retriever, mode):
    hits = sample_retriever.search("INF Treaty withdrawal", k=3, mode=mode)
    assert any("INF" in h.chunk.text for h in hits)


def test_unknown_mode_is_rejected_with_the_choices(sample_retriever):
    with pytest.raises(ConfigError, match="hybrid, dense, lexical"):
        sample_retriever.search("INF", mode="magic")


def outlets(hits) -> set[str]:
    return {h.chunk.outlet for h in hits}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_date_range_filters_include_and_exclude(news_retriever, mode):
    query = "INF Treaty withdrawal"
    assert outlets(news_retriever.search(query, 8, Filters(since=date(2019, 1, 1)), mode)) <= {"Reuters", "AP"}
    assert outlets(news_retriever.search(query, 8, Filters(until=date(2018, 12, 31)), mode)) == {"TASS"}
    in_2019 = Filters(since=date(2019, 8, 2), until=date(2019, 8, 2))
    assert outlets(news_retriever.search(query, 8, in_2019, mode)) == {"Reuters"}


def test_a_date_bound_leaves_out_articles_of_unknown_date(news_retriever):
    unfiltered = news_retriever.search("commentary INF Treaty collapse arms control Europe", 8)
    assert "Blog" in outlets(unfiltered)
    filtered = news_retriever.search("commentary INF Treaty collapse arms control Europe", 8,
                                     Filters(since=date(2000, 1, 1)))
    assert filtered and "Blog" not in outlets(filtered)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_outlet_filter_is_case_insensitive(news_retriever, mode):
    hits = news_retriever.search("treaty withdrawal", 8, Filters(outlets=("reuters", "ap")), mode)
    assert hits and outlets(hits) <= {"Reuters", "AP"}


@pytest.mark.parametrize("filters", [
    Filters(outlets=("Nobody",)), Filters(since=date(2030, 1, 1)), Filters(until=date(1990, 1, 1)),
    Filters(since=date(2019, 1, 1), outlets=("TASS",)),
])
@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_a_filter_that_matches_nothing_returns_nothing(news_retriever, filters, mode):
    assert news_retriever.search("INF Treaty", 8, filters, mode) == []


def test_per_article_cap_lets_other_articles_in(news_settings, embeddings):
    retriever = retriever_for(news_settings, embeddings, per_article=2)
    hits = retriever.search("Russia Cuba United States treaty", k=5)
    seed_id = dated_seed().id
    assert sum(h.chunk.article_id == seed_id for h in hits) == 2
    assert len({h.chunk.article_id for h in hits}) == 4
    uncapped = retriever_for(news_settings, embeddings, per_article=0).search("Russia Cuba United States treaty", k=5)
    assert sum(h.chunk.article_id == seed_id for h in uncapped) > 2


def test_cap_tops_up_from_the_same_article_when_nothing_else_matches(sample_settings, embeddings):
    hits = retriever_for(sample_settings, embeddings, per_article=1).search("Russia and Cuba", k=4)
    assert len(hits) == 4 and len({h.chunk.id for h in hits}) == 4


def test_stale_lexical_index_is_rebuilt_before_searching(own_settings, embeddings):
    retriever = retriever_for(own_settings, embeddings)
    with retriever.lexical.db:
        retriever.lexical.db.execute("DELETE FROM chunks WHERE rowid % 2 = 0")
    assert retriever.lexical.count() < retriever.store.count()
    hits = retriever.search("38 mln euro credit", k=3, mode="lexical")
    assert hits and "38 mln euro" in hits[0].chunk.text
    assert retriever.lexical.count() == retriever.store.count()
    assert retriever.ensure_lexical() is False


def test_missing_lexical_index_is_rebuilt(own_settings, embeddings):
    from qa.index.lexical import lexical_path

    lexical_path(own_settings.data_dir, own_settings.collection).unlink()
    retriever = retriever_for(own_settings, embeddings)
    assert retriever.lexical.count() == 0
    assert "second half of November" in retriever.search("defence minister visit November", k=1)[0].chunk.text


def test_ids_the_store_no_longer_has_are_dropped(own_settings, embeddings):
    retriever = retriever_for(own_settings, embeddings)
    retriever.ensure_lexical()
    with retriever.lexical.db:  # a row whose chunk is gone from Chroma (checked again only later)
        retriever.lexical.db.execute("INSERT INTO chunks (title, text, chunk_id, article_id, outlet, day) "
                                     "VALUES ('', 'zanzibar zanzibar', 'ghost:0000', 'ghost', 'tass', 0)")
    hits = retriever.search("zanzibar credit", k=3, mode="lexical")
    assert hits and all(h.chunk.article_id != "ghost" for h in hits)


def test_empty_index_raises_a_readable_error(settings, embeddings):
    with pytest.raises(EmptyIndexError, match="newsqa ingest"):
        retriever_for(settings, embeddings).search("INF Treaty")


@pytest.mark.parametrize("query", ['"', '"INF', "INF*", "NEAR(INF treaty)", "Russia - Cuba", "-Cuba",
                                   "title: INF", "AND OR NOT", "(((", "   "])
def test_fts_syntax_in_queries_never_errors(sample_retriever, query):
    hits = sample_retriever.search(query)
    ids = [hit.chunk.id for hit in hits]
    assert len(ids) == len(set(ids)) and all(hit.chunk.text for hit in hits)
    if any(word in query for word in ("INF", "Cuba")):  # the words still search once the syntax is gone
        assert hits


def test_langchain_retriever_returns_documents_with_chunk_metadata(sample_retriever):
    from langchain_core.retrievers import BaseRetriever

    lc = sample_retriever.as_langchain(k=2, filters=Filters(outlets=("TASS",)))
    assert isinstance(lc, BaseRetriever)
    docs = lc.invoke("What did Russia and Cuba say about the INF Treaty?")
    assert len(docs) == 2
    assert "INF" in docs[0].page_content
    assert {"chunk_id", "article_id", "score", "rank", "outlet", "start", "end"} <= set(docs[0].metadata)
    assert docs[0].metadata["rank"] == 1 and docs[0].id == docs[0].metadata["chunk_id"]
    assert sample_retriever.as_langchain(filters=Filters(outlets=("Nobody",))).invoke("INF") == []


def test_chroma_where_translates_every_filter():
    assert chroma_where(None) is None and chroma_where(Filters()) is None
    assert chroma_where(Filters(outlets=("TASS", "Reuters"))) == {"outlet_key": {"$in": ["tass", "reuters"]}}
    assert chroma_where(Filters(until=date(2019, 1, 31))) == {
        "$and": [{"published_day": {"$gte": 1}}, {"published_day": {"$lte": 20190131}}]}
    assert chroma_where(Filters(since=date(2019, 1, 1))) == {"published_day": {"$gte": 20190101}}


@pytest.mark.parametrize("filters", [
    Filters(outlets=("Reuters",)), Filters(outlets=("TASS", "AP")), Filters(since=date(2019, 1, 1)),
    Filters(until=date(2019, 12, 31)), Filters(since=date(2030, 1, 1)),
], ids=["rare-outlet", "two-outlets", "since", "until", "nothing"])
@pytest.mark.parametrize("candidates", [1, 2, 30], ids=lambda n: f"candidates={n}")
@pytest.mark.parametrize("max_ids", [0, 10_000], ids=["wide-or-where", "by-ids"])
def test_filtered_dense_shortcuts_equal_chromas_own_filter(news_retriever, embeddings, filters, candidates,
                                                           max_ids, monkeypatch):
    """Searching among allowed ids, or filtering a wider unfiltered query, must give exactly what
    Chroma's where-filter gives."""
    monkeypatch.setattr("qa.retrieval.retrieve.MAX_FILTER_IDS", max_ids)
    retriever = news_retriever
    saved, retriever.candidates = retriever.candidates, candidates
    try:
        got = [c.id for c in retriever._dense(embeddings.embed_query("INF Treaty withdrawal"), filters)]
    finally:
        retriever.candidates = saved
    vector = embeddings.embed_query("INF Treaty withdrawal")
    expected = [c.id for c, _ in retriever.store.query(vector, candidates, chroma_where(filters))]
    assert got == expected


def test_filtered_search_survives_a_lexical_index_listing_chunks_the_collection_lacks(settings, embeddings):
    """Another writer may have deleted from the collection: the ids shortcut falls back to Chroma's filter."""
    indexer = make_indexer(settings, embeddings)
    indexer.ingest([dated_seed(), *OTHER_ARTICLES])
    ghost = OTHER_ARTICLES[0]
    indexer.store.delete_article(ghost.id)  # gone from Chroma, still in the lexical index
    retriever = retriever_for(settings, embeddings, _checked_at=float("inf"))  # no consistency re-check
    hits = retriever.search("INF Treaty", filters=Filters(since=date(2018, 1, 1)), mode="dense")
    assert hits and all(h.chunk.article_id != ghost.id for h in hits)
