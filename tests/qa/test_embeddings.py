"""The local ONNX embedder: shape, normalisation, batching invariance, integrity checks."""

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.index.embeddings import DIMENSION, LocalEmbeddings, _checked, make_embeddings


def test_vectors_are_384_dims_and_unit_length(embeddings):
    vectors = embeddings.embed_array(["Putin met Diaz-Canel in Moscow.", "A short one."])
    assert vectors.shape == (2, DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_texts_score_higher_than_unrelated(embeddings):
    q = np.asarray(embeddings.embed_query("What did Russia and Cuba say about the INF Treaty?"))
    near, far = embeddings.embed_array([
        "Russia and Cuba regret the US intention to withdraw from the INF Treaty.",
        "The football season starts in August with a home game.",
    ])
    assert q @ near > 0.5 > q @ far


def test_dynamic_padding_does_not_change_vectors(embeddings):
    texts = ["short", "a much longer sentence " * 20, "medium length text about Cuba and Russia"]
    batched = embeddings.embed_array(texts)
    alone = np.vstack([embeddings.embed_array([t]) for t in texts])
    assert np.allclose(batched, alone, atol=2e-3)


def test_langchain_interface(embeddings):
    docs = embeddings.embed_documents(["one", "two"])
    assert len(docs) == 2 and len(docs[0]) == DIMENSION
    assert embeddings.embed_array([]).shape == (0, DIMENSION)


def test_preloading_in_the_background_loads_the_model_once_and_embeds_the_same(embeddings):
    fresh = LocalEmbeddings()
    loading = fresh.preload()
    session = fresh.session  # waits for the background load instead of starting a second one
    loading.join(timeout=30)
    assert not loading.is_alive() and fresh.session is session
    assert np.allclose(fresh.embed_array(["Putin met Diaz-Canel"]), embeddings.embed_array(["Putin met Diaz-Canel"]))


def test_tampered_model_file_is_refused(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="sha256"):
        _checked(fake, "0" * 64)


def test_factory_picks_local_by_default_and_names_choices_for_unknown():
    assert isinstance(make_embeddings(Settings(_env_file=None)), LocalEmbeddings)
    settings = Settings.model_construct(embedding_provider="bogus")
    with pytest.raises(ConfigError, match="local, openai"):
        make_embeddings(settings)


def test_token_counts_use_the_model_tokenizer(embeddings):
    assert embeddings.count_tokens(["Hello world", ""]) == [2, 0]


def test_openai_compatible_provider_embeds_over_http_and_guards_the_collection(openai_stub, settings):
    from qa.errors import EmbedderMismatchError
    from qa.index.embeddings import OpenAICompatibleEmbeddings
    from qa.index.store import open_lexical, open_store
    from qa.retrieval.retrieve import make_retriever
    from tests.conftest import make_indexer, seed_article

    remote = settings.model_copy(update={"embedding_provider": "openai", "embedding_model": "stub-embed",
                                         "openai_base_url": openai_stub.base_url, "llm_max_retries": 0})
    embedder = make_embeddings(remote)
    assert isinstance(embedder, OpenAICompatibleEmbeddings)
    assert make_indexer(remote, embedder).ingest([seed_article()]).added == 1
    assert openai_stub.requests and openai_stub.requests[0]["model"] == "stub-embed"
    store = open_store(remote, embedder.identity)
    hits = make_retriever(remote, store, open_lexical(remote), embedder).search("INF Treaty withdrawal", k=3)
    assert "INF" in hits[0].chunk.text
    with pytest.raises(EmbedderMismatchError, match="openai/stub-embed"):
        open_store(remote, LocalEmbeddings.identity)
