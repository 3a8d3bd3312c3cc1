"""The SQLite FTS5 lexical index: terms, BM25 ranking, filters, updates, and hostile query text."""

from datetime import date

import pytest

from qa.index.lexical import LexicalIndex, lexical_path
from qa.text import query_terms
from qa.types import Chunk, Filters


def chunk(article: str, index: int, text: str, outlet: str = "TASS", published_at: str = "2018-11-02",
          title: str = "") -> Chunk:
    return Chunk(id=f"{article}:{index:04d}", article_id=article, index=index, text=text, start=0,
                 end=len(text), title=title, outlet=outlet, published_at=published_at)


CHUNKS = [
    chunk("inf", 0, "Russia and Cuba regret the US withdrawal from the INF Treaty."),
    chunk("inf", 1, "The sides urge the United States to revise its intentions."),
    chunk("credit", 0, "Russia may provide a 38 mln euro credit to Cuba.", outlet="Reuters",
          published_at="2019-03-01T10:00:00Z"),
    chunk("undated", 0, "An undated note about the INF Treaty and arms control.", published_at=""),
    chunk("titled", 0, "The ministers met on Friday.", title="Storchak announces credit", outlet="RIA"),
]


@pytest.fixture
def index(tmp_path) -> LexicalIndex:
    lexical = LexicalIndex(lexical_path(tmp_path, "news"))
    lexical.rebuild(CHUNKS)
    yield lexical
    lexical.close()


def ids(results) -> list[str]:
    return [cid for cid, _ in results]


def test_query_terms_drop_stopwords_punctuation_and_repeats():
    assert query_terms("What did Russia say about the INF Treaty? Russia!") == ["russia", "inf", "treaty"]
    assert query_terms("the of and ?") == []


def test_bm25_ranks_the_matching_chunk_first_with_scores_descending(index):
    results = index.search("INF Treaty withdrawal", k=10)
    assert ids(results)[0] == "inf:0000"
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_stemming_matches_other_word_forms_and_titles_are_searched(index):
    assert ids(index.search("credits provided", k=1)) == ["credit:0000"]
    assert "titled:0000" in ids(index.search("Storchak", k=5))


def test_date_filters_are_inclusive_and_exclude_unknown_dates(index):
    since = ids(index.search("INF Treaty credit", 10, Filters(since=date(2019, 3, 1))))
    assert since == ["credit:0000"]
    until = ids(index.search("INF Treaty credit", 10, Filters(until=date(2018, 11, 2))))
    assert set(until) == {"inf:0000", "titled:0000"}  # the undated chunk matches but is left out


def test_outlet_filter_is_case_insensitive_and_any_of(index):
    found = ids(index.search("Russia credit Storchak", 10, Filters(outlets=("reuters", "RIA"))))
    assert set(found) == {"credit:0000", "titled:0000"}


def test_filter_that_matches_nothing_returns_nothing(index):
    assert index.search("INF Treaty", 10, Filters(outlets=("Nobody",))) == []
    assert index.search("INF Treaty", 10, Filters(since=date(2030, 1, 1))) == []


@pytest.mark.parametrize("query", [
    '"', '""', "*", "INF*", "NEAR", "NEAR(russia cuba)", "russia - cuba", "-cuba", "title:", "text:russia",
    "AND OR NOT", "(russia", "^russia", "russia + {cuba}", "'; DROP TABLE chunks; --", "\x00", "",
])
def test_fts_syntax_in_user_text_is_never_interpreted(index, query):
    results = index.search(query, 5)
    assert isinstance(results, list)
    assert index.count() == len(CHUNKS)


def test_k_zero_or_stopwords_only_returns_nothing(index):
    assert index.search("INF Treaty", 0) == []
    assert index.search("what is the", 5) == []


def test_replace_and_delete_article_keep_one_row_per_chunk(index):
    index.replace_article("inf", [chunk("inf", 0, "A rewritten passage about missiles.")])
    assert index.count() == len(CHUNKS) - 1
    assert ids(index.search("missiles", 5)) == ["inf:0000"]
    assert "inf:0001" not in ids(index.search("revise intentions", 5))
    index.delete_article("inf")
    assert index.search("missiles", 5) == []


def test_rebuild_replaces_everything(index):
    assert index.rebuild([chunk("new", 0, "Only this remains.")]) == 1
    assert ids(index.search("remains", 5)) == ["new:0000"]
    assert index.search("INF Treaty", 5) == []
