"""Ingest throughput against the bare embedder, in one run.

    python -m bench.ingest [--articles 300] [--repeats 3]

Prints chunks/s of the bare embedder on the very chunk texts that ingest embeds, chunks/s of the whole
ingest (load -> clean -> chunk -> embed -> Chroma + lexical upsert), their ratio (target >= 0.85) and
peak RSS. Medians over the repeats.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from ingest.index import passage_text
from ingest.load import load_sources
from qa.config import Settings
from ui.context import Library

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "tass-russia-cuba.txt"


def make_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """n articles of 8-30 paragraphs recombined from the sample's sentences, one .txt file each."""
    rng = random.Random(seed)
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").splitlines() if len(p) > 80]
    for i in range(n):
        body = "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(8, 30)))
        (folder / f"article-{i:04d}.txt").write_text(
            f"Title: Generated story {i}\nSource: Bench Wire\nDate: 2024-01-{i % 28 + 1:02d}\n\n{body}\n",
            encoding="utf-8")


def run_once(corpus: Path, work: Path) -> tuple[float, float, int]:
    """(bare embedder seconds, ingest seconds, chunks) for one fresh ingest of corpus."""
    library = Library(Settings(_env_file=None, data_dir=work))
    indexer = library.indexer()
    start = time.perf_counter()
    report = indexer.ingest(load_sources([str(corpus)]))
    ingest_s = time.perf_counter() - start
    texts = [passage_text(c) for c in library.store.iter_chunks()]
    start = time.perf_counter()
    library.embeddings.embed_array(texts)
    bare_s = time.perf_counter() - start
    return bare_s, ingest_s, report.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus")
        corpus.mkdir()
        make_corpus(corpus, args.articles)
        runs = [run_once(corpus, Path(tmp, f"run{i}")) for i in range(args.repeats)]
    chunks = runs[0][2]
    bare = statistics.median(chunks / b for b, _, _ in runs)
    whole = statistics.median(chunks / s for _, s, _ in runs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles {args.articles}, chunks {chunks}, repeats {args.repeats} (medians)")
    print(f"bare embedder   {bare:8.1f} chunks/s")
    print(f"whole ingest    {whole:8.1f} chunks/s")
    print(f"ratio           {whole / bare:8.2f}   (target >= 0.85)")
    print(f"peak RSS        {rss_mb:8.0f} MB")


if __name__ == "__main__":
    main()
