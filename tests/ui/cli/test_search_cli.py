"""`newsqa search` and `newsqa reindex`: ranked passages with their sources, JSON, filters, errors, help."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa.config import Settings
from qa.index.store import open_lexical, open_store


def run_cli(settings: Settings, *args: str):
    """Invoke `newsqa <args>` through the real group class (domain errors -> one readable line)."""
    from ui.cli.main import NewsqaGroup
    from ui.cli.search import reindex, search

    group = NewsqaGroup(commands={"search": search, "reindex": reindex})
    return CliRunner().invoke(group, list(args), obj=settings)


def test_cli_search_prints_ranked_passages_with_their_sources(news_settings):
    result = run_cli(news_settings, "search", "What did Russia and Cuba say about the INF Treaty?", "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. ") and "[score " in lines[0]
    assert "TASS · 2018-11-02" in result.output and "chunk " in result.output and "article " in result.output
    assert "deep regret" in result.output
    assert "3. " in result.output and "4. " not in result.output


def test_cli_search_json_has_the_documented_shape(news_settings):
    result = run_cli(news_settings, "search", "INF Treaty", "--json", "--source", "REUTERS", "--source", "ap",
                     "--since", "2019-01-01", "--until", "2020-12-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "INF Treaty" and data["results"]
    keys = {"rank", "score", "chunk_id", "article_id", "story_id", "title", "outlet", "url", "published_at", "text",
            "addressed_to_ai", "also_carried_by"}
    for n, hit in enumerate(data["results"], 1):
        assert set(hit) == keys and hit["rank"] == n and hit["outlet"] in {"Reuters", "AP"}


def test_cli_search_with_no_match_says_so(news_settings):
    result = run_cli(news_settings, "search", "INF Treaty", "--source", "Nobody")
    assert result.exit_code == 0 and "No passages match" in result.output
    result = run_cli(news_settings, "search", "INF Treaty", "--source", "Nobody", "--json")
    assert json.loads(result.output) == {"query": "INF Treaty", "understood": {}, "results": []}


@pytest.mark.parametrize("args, message", [
    (["--since", "2019-13-01"], "%Y-%m-%d"),
    (["--until", "yesterday"], "%Y-%m-%d"),
    (["--since", "2020-01-02", "--until", "2020-01-01"], "is after"),
])
def test_cli_search_rejects_bad_dates_with_the_expected_format(news_settings, args, message):
    result = run_cli(news_settings, "search", "INF", *args)
    assert result.exit_code == 2 and message in result.output


def test_cli_search_on_an_empty_index_explains_what_to_do(settings):
    result = run_cli(settings, "search", "INF Treaty")
    assert result.exit_code == 1
    assert "Nothing is indexed" in result.output and "Traceback" not in result.output


def test_cli_reindex_rebuilds_the_lexical_index_and_prints_the_count(own_settings, embeddings):
    lexical = open_lexical(own_settings)
    with lexical.db:
        lexical.db.execute("DELETE FROM chunks")
    chunks = open_store(own_settings, embeddings.identity).count()
    result = run_cli(own_settings, "reindex")
    assert result.exit_code == 0 and f"{chunks} chunks" in result.output
    assert open_lexical(own_settings).count() == chunks


def test_cli_help_teaches_with_examples():
    from ui.cli.search import search

    result = CliRunner().invoke(search, ["--help"])
    assert "Examples:" in result.output and "--source TASS" in result.output and "YYYY-MM-DD" in result.output
