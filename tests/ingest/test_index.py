"""Idempotent ingest into Chroma + the lexical index: skip, replace, delete, prune, crash recovery,
on the embedded store and on a real `chroma run` server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.article import Article
from qa.config import Settings
from qa.errors import EmbedderMismatchError, NewsqaError
from qa.index.store import open_store
from qa.types import EmbedderIdentity
from tests.conftest import ROOT, make_indexer, seed_article


def chunk_ids(indexer) -> set[str]:
    return {c.id for c in indexer.store.iter_chunks()}


def assert_consistent(indexer) -> None:
    """Chroma and the lexical index hold exactly the same chunks, and no article is half-written."""
    ids = chunk_ids(indexer)
    lexical = {r[0] for r in indexer.lexical.db.execute("SELECT chunk_id FROM chunks")}
    assert ids == lexical
    for aid, state in indexer.store.articles().items():
        assert len(state.content_hashes) == 1 and state.chunk_indexes == set(range(state.expected_chunks)), aid


def test_second_run_is_unchanged_and_changed_article_is_replaced(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    article = seed_article()
    assert indexer.ingest([article]).added == 1
    before = chunk_ids(indexer)
    again = indexer.ingest([seed_article()])
    assert (again.added, again.unchanged, again.chunks) == (0, 1, 0)
    assert chunk_ids(indexer) == before

    shorter = seed_article()
    shorter.text = shorter.text[: len(shorter.text) // 2].replace("Putin", "The president")
    report = indexer.ingest([shorter])
    assert (report.updated, report.added, report.removed) == (1, 0, 0)
    assert indexer.store.stats()["articles"] == 1
    assert "Putin" not in " ".join(c.text for c in indexer.store.iter_chunks())
    assert_consistent(indexer)


def test_article_with_url_keeps_its_id_when_edited(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    url = "https://example.org/story"
    indexer.ingest([Article(text="First. " * 200, url=url, source="a.jsonl")])
    report = indexer.ingest([Article(text="Second. " * 5, url=url, source="a.jsonl")])
    assert report.updated == 1
    assert [c.text for c in indexer.store.iter_chunks()] == [("Second. " * 5).strip()]
    assert_consistent(indexer)


def test_delete_by_id_url_and_source(settings, embeddings, tmp_path):
    indexer = make_indexer(settings, embeddings)
    a = Article(text="Alpha story about ports.", url="https://example.org/a", source=str(tmp_path / "a.txt"))
    b = Article(text="Beta story about trains.", source=str(tmp_path / "b.txt"))
    c = Article(text="Gamma story about ships.", source=str(tmp_path / "sub" / "c.txt"))
    indexer.ingest([a, b, c])
    assert indexer.delete("https://EXAMPLE.org/a/?utm_source=x") == [a.id]
    assert indexer.delete(b.id) == [b.id]
    assert indexer.delete(str(tmp_path / "sub")) == [c.id]
    assert indexer.store.count() == 0 == indexer.lexical.count()
    with pytest.raises(NewsqaError, match="No article matches"):
        indexer.delete("nothing-like-this")


def test_prune_removes_articles_whose_files_are_gone(settings, embeddings, tmp_path):
    indexer = make_indexer(settings, embeddings)
    kept, gone = tmp_path / "kept.txt", tmp_path / "gone.txt"
    kept.write_text("kept")
    keep = Article(text="Kept story.", source=str(kept))
    indexer.ingest([keep, Article(text="Gone story.", source=str(gone))])
    assert indexer.ingest([keep]).removed == 0  # without --prune nothing vanishes
    report = indexer.ingest([keep], prune=True)
    assert (report.removed, report.unchanged) == (1, 1)
    assert indexer.store.stats()["articles"] == 1


def test_opening_with_another_embedder_says_how_to_reindex(settings, embeddings):
    make_indexer(settings, embeddings).ingest([seed_article()])
    other = EmbedderIdentity("openai", "text-embedding-3-small", 1536)
    with pytest.raises(EmbedderMismatchError, match="NEWSQA_COLLECTION"):
        open_store(settings, other)


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        body = " ".join(f"Report {i} sentence {j} on trade, ports and shipping in region {i % 7}." for j in range(25))
        (folder / f"a{i:03d}.txt").write_text(f"Title: Story {i}\n\n{body}\n")


def _newsqa(settings: Settings, *args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "NEWSQA_DATA_DIR": str(settings.data_dir), "NEWSQA_EMBEDDING_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "ui.cli", *args], env=env,
                            cwd=ROOT, **kw)


def test_ingest_killed_midway_then_rerun_ends_exact(settings, embeddings, tmp_path):
    _corpus(tmp_path / "corpus", 80)
    proc = _newsqa(settings, "ingest", str(tmp_path / "corpus"), stdout=subprocess.DEVNULL)
    lexical_db = settings.data_dir / f"lexical-{settings.collection}.sqlite3"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if lexical_db.exists() and make_indexer(settings, embeddings).lexical.count() > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert _newsqa(settings, "ingest", str(tmp_path / "corpus"), stdout=subprocess.DEVNULL).wait(300) == 0

    indexer = make_indexer(settings, embeddings)
    assert indexer.store.stats()["articles"] == 80
    assert_consistent(indexer)
    fresh = make_indexer(Settings(_env_file=None, data_dir=tmp_path / "fresh"), embeddings)
    from ingest.load import load_sources

    fresh.ingest(load_sources([str(tmp_path / "corpus")]))
    assert chunk_ids(indexer) == chunk_ids(fresh)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`, shipped with the chromadb package) on 127.0.0.1."""
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed next to this Python")
    port = _free_port()
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma")),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield port
    proc.terminate()
    proc.wait(10)


def test_chroma_server_behaves_like_the_embedded_store(chroma_server, tmp_path, embeddings):
    settings = Settings(_env_file=None, data_dir=tmp_path / "d", chroma_host="127.0.0.1",
                        chroma_port=chroma_server, collection="server_news")
    indexer = make_indexer(settings, embeddings)
    assert indexer.ingest([seed_article()]).added == 1
    assert indexer.ingest([seed_article()]).unchanged == 1
    assert_consistent(indexer)
    assert indexer.store.stats()["outlets"] == ["TASS"]
    assert indexer.delete(seed_article().id)
    assert indexer.store.count() == 0


def test_unreachable_chroma_server_is_a_readable_error(tmp_path, embeddings):
    from qa.errors import StoreError

    settings = Settings(_env_file=None, data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(StoreError, match="Chroma"):
        open_store(settings, embeddings.identity)


def test_export_that_shrinks_counts_each_article_once(settings, embeddings, tmp_path):
    """A re-read export with 1 new and 2 vanished records: one update and one removal, never negative."""
    indexer = make_indexer(settings, embeddings)
    source = str(tmp_path / "export.jsonl")
    old = [Article(text=f"Old story {i} about harbours.", source=source) for i in range(2)]
    indexer.ingest(old)
    report = indexer.ingest([Article(text="A new story about railways.", source=source)])
    assert (report.added, report.updated, report.removed) == (0, 1, 1)
    assert indexer.store.stats()["articles"] == 1
    assert_consistent(indexer)
