"""Search latency at about 10k and 100k chunks: p50/p95 of `HybridRetriever.search` (hybrid mode).

    python -m bench.search_latency [--sizes 10000 100000] [--runs 60] [--topical 0.25] [--json]

Chunks are ~75 Zipf-distributed generated words, a `--topical` share of them (default 1 in 4) also
carrying a sentence of the sample article, so query terms such as "russia" or "cuba" have posting
lists of ~10% of the archive (`--topical 1` is a stress test: every chunk is on the topic). They are
spread over 12 outlets and ten years. Vectors are random unit vectors inserted directly (embedding
100k chunks for real takes far too long on two cores); queries are embedded for real, so timings
include the query embedding. Built indexes are kept in bench/out/ (git-ignored) and reused: the
first 100k build takes minutes, mostly Chroma's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np

from bench.retrieval import SAMPLE_QUESTIONS, sample_article
from qa.config import Settings
from qa.index.embeddings import DIMENSION, LocalEmbeddings
from qa.index.store import open_lexical, open_store
from qa.retrieval.retrieve import make_retriever
from qa.text import sentence_spans
from qa.types import Chunk, Filters

OUT = Path(__file__).resolve().parent / "out"
CORPUS_VERSION = 1  # bump when synthetic_chunks changes, so cached indexes are rebuilt
OUTLETS = [f"Outlet {n}" for n in range(12)]
CHUNKS_PER_ARTICLE = 8
FILTERED = Filters(since=date(2019, 1, 1), until=date(2020, 12, 31), outlets=("Outlet 3", "Outlet 7"))


def synthetic_chunks(n: int, topical: float, seed: int = 0) -> Iterator[list[Chunk]]:
    """n chunks, grouped by article: Zipfian filler words, a `topical` share with a sample sentence."""
    rng = np.random.default_rng(seed)
    text = sample_article().text
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    vocab = np.array([f"w{i}" for i in range(30_000)])
    for a in range(0, n, CHUNKS_PER_ARTICLE):
        aid = f"syn{a // CHUNKS_PER_ARTICLE:07d}"
        day = date(2015, 1, 1).toordinal() + int(rng.integers(0, 3650))
        meta = {"title": f"Synthetic article {aid}", "outlet": OUTLETS[int(rng.integers(len(OUTLETS)))],
                "published_at": date.fromordinal(day).isoformat()}
        group = []
        for i in range(min(CHUNKS_PER_ARTICLE, n - a)):
            body = " ".join(vocab[(rng.zipf(1.3, 75) - 1) % len(vocab)])
            if rng.random() < topical:
                body = sentences[int(rng.integers(len(sentences)))] + " " + body
            group.append(Chunk(id=f"{aid}:{i:04d}", article_id=aid, index=i, text=body, start=0,
                               end=len(body), **meta))
        yield group


def build(settings: Settings, identity, n: int, topical: float) -> None:
    """Fill settings' collection and lexical index with n synthetic chunks and random vectors."""
    store, lexical = open_store(settings, identity), open_lexical(settings)
    rng = np.random.default_rng(1)
    groups: list[list[Chunk]] = []
    all_chunks: list[Chunk] = []
    for group in synthetic_chunks(n, topical):
        groups.append(group)
        all_chunks.extend(group)
        if sum(len(g) for g in groups) >= 4096:
            _upsert(store, groups, rng)
    _upsert(store, groups, rng)
    lexical.rebuild(all_chunks)
    lexical.close()


def _upsert(store, groups: list[list[Chunk]], rng) -> None:
    if not groups:
        return
    vectors = rng.standard_normal((sum(len(g) for g in groups), DIMENSION)).astype(np.float32)
    store.upsert_many(groups, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    groups.clear()


def timings(retriever, queries: list[str], runs: int, filters: Filters | None) -> dict[str, float]:
    """p50/p95/mean milliseconds of retriever.search over runs queries (after one warm-up pass)."""
    for query in queries:
        retriever.search(query, filters=filters)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        retriever.search(queries[i % len(queries)], filters=filters)
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": float(np.percentile(samples, 50)), "p95_ms": float(np.percentile(samples, 95)),
            "mean_ms": float(np.mean(samples))}


def measure(size: int, topical: float, embeddings, runs: int) -> list[dict]:
    """Build (or reuse from bench/out/) an index of `size` chunks and time searches on it."""
    name = f"latency{size}t{round(topical * 100)}v{CORPUS_VERSION}"
    settings = Settings(_env_file=None, data_dir=OUT / name, collection="latency")
    marker = OUT / name / "complete"
    started = time.perf_counter()
    if not marker.exists():
        shutil.rmtree(OUT / name, ignore_errors=True)
        build(settings, embeddings.identity, size, topical)
        marker.write_text("ok")
    build_s = time.perf_counter() - started
    store, lexical = open_store(settings, embeddings.identity), open_lexical(settings)
    retriever = make_retriever(settings, store, lexical, embeddings)
    queries = [q for q, _ in SAMPLE_QUESTIONS]
    rows = []
    for label, filters in (("none", None), ("date+outlet", FILTERED)):
        row = {"chunks": store.count(), "topical": topical, "filters": label, "build_s": round(build_s, 1)}
        rows.append({**row, **timings(retriever, queries, runs, filters)})
    lexical.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| chunks | topical | filters | p50 ms | p95 ms | mean ms | build s |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['chunks']} | {r['topical']} | {r['filters']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['mean_ms']:.1f} | {r['build_s']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=60, help="timed searches per size and filter")
    parser.add_argument("--topical", type=float, default=0.25, help="share of chunks on the sample's topic")
    parser.add_argument("--json", action="store_true", help="print rows as JSON instead of a table")
    args = parser.parse_args(argv)
    embeddings = LocalEmbeddings()
    rows = []
    for size in args.sizes:
        rows += measure(size, args.topical, embeddings, args.runs)
    print(json.dumps(rows, indent=1) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
