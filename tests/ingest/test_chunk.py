"""Chunking: sentence-aware, token-sized, exact offsets, metadata carried."""

from ingest.article import Article
from ingest.chunk import chunk_article, pack
from qa.text import split_sentences


def test_chunks_are_exact_slices_within_the_token_budget(embeddings):
    article = Article(text=" ".join(f"Sentence number {i} talks about Cuba and Russia." for i in range(60)),
                      title="T", outlet="TASS", url="https://tass.com/x", published_at="2018-11-02")
    chunks = chunk_article(article, max_tokens=64, overlap=1, count=embeddings.count_tokens)
    assert len(chunks) > 3
    for c in chunks:
        assert article.text[c.start:c.end] == c.text
        assert embeddings.count_tokens([c.text])[0] <= 64
        assert c.text.endswith(".")  # never cut inside a sentence
        assert (c.outlet, c.url, c.published_at, c.article_id) == ("TASS", "https://tass.com/x", "2018-11-02", article.id)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[1].start < chunks[0].end  # one sentence of overlap


def test_overlong_sentence_is_split_at_words(embeddings):
    article = Article(text="word " * 400 + "end.")
    chunks = chunk_article(article, max_tokens=50, overlap=0, count=embeddings.count_tokens)
    assert len(chunks) >= 8
    assert all(embeddings.count_tokens([c.text])[0] <= 50 for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == article.text.replace(" ", "")


def test_every_sentence_of_the_sample_is_in_some_chunk(embeddings):
    from tests.conftest import seed_article

    article = seed_article()
    chunks = chunk_article(article, 128, 1, embeddings.count_tokens)
    for sentence in split_sentences(article.text):
        assert any(sentence in c.text for c in chunks), sentence


def test_pack_never_emits_a_window_contained_in_the_previous_one():
    windows = pack([(0, 10, 50), (11, 20, 40), (21, 30, 100)], max_tokens=100, overlap=1)
    assert windows == [(0, 20), (21, 30)]


def test_ids_are_stable_and_metadata_has_sortable_day():
    article = Article(text="One. Two.", published_at="2018-11-02T10:00:00+03:00")
    first, again = chunk_article(article), chunk_article(article)
    assert [c.id for c in first] == [c.id for c in again]
    assert first[0].metadata()["published_day"] == 20181102
    assert Article(text="x").id != Article(text="y").id
    assert Article(text="x", url="https://A.com/s?utm_source=t").id == Article(text="y", url="https://a.com/s").id
