"""Retrieval quality of `search`: Hit@1, Hit@5 and MRR@10 for dense only, lexical only and hybrid.

Two question sets, one index:
- RGB (en_fact, CC BY-NC-SA, read from outside the repo): every query's `positive` and `negative`
  passages pooled into one corpus (deduplicated, one untitled Article each); a hit is a chunk of one of
  that query's positive passages.
- The sample: questions about samples/tass-russia-cuba.txt, asked against the same index (so the RGB
  passages act as distractors); a hit is a chunk containing the expected passage text.

    python -m bench.retrieval [--rgb PATH] [--sweep] [--json]

`--sweep` also varies chunk size and title handling (sample article) and the fusion parameters,
which is how the defaults in `qa.retrieval.retrieve` / Settings were chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from ingest.article import Article
from ingest.clean import clean_text
from ingest.index import Indexer, passage_text
from qa.config import Settings
from qa.index.embeddings import LocalEmbeddings
from qa.index.store import open_lexical, open_store
from qa.retrieval.retrieve import MODES, HybridRetriever, make_retriever
from qa.types import Chunk

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RGB = ROOT.parent / "shared" / "data" / "rgb-en-fact" / "en_fact.json"
SAMPLE = ROOT / "samples" / "tass-russia-cuba.txt"
SAMPLE_TITLE = "Russia, Cuba oppose unilateral sanctions and meddling in domestic affairs, Putin says"

# (question, text the right passage contains); some paraphrased so lexical overlap alone is not enough.
SAMPLE_QUESTIONS = [(row["question"], row["passage"]) for row in map(
    json.loads, (ROOT / "samples" / "retrieval-questions.jsonl").read_text(encoding="utf-8").splitlines())]


# Which text is embedded for a chunk of a titled article (the lexical index always has the title).
TITLE_EMBEDDING: dict[str, Callable[[Chunk], str]] = {
    "all": passage_text,  # what ingest does: title + text for every chunk
    "first": lambda c: passage_text(c) if c.index == 0 else c.text,
    "none": lambda c: c.text,
}


@dataclass
class Case:
    """One question and the test that tells a relevant chunk."""

    query: str
    relevant: Callable[[Chunk], bool]


class CachedEmbeddings:
    """Wraps an embedder so repeated queries (one per configuration) are embedded once."""

    def __init__(self, inner):
        self.inner, self.identity, self._cache = inner, inner.identity, {}

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_query(self, text: str) -> list[float]:
        if text not in self._cache:
            self._cache[text] = self.inner.embed_query(text)
        return self._cache[text]


def load_rgb(path: Path) -> tuple[list[Article], list[Case]]:
    """en_fact.json (JSON lines) -> (one Article per distinct passage, one Case per query)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles: dict[str, Article] = {}
    cases = []
    for row in rows:
        positive = set()
        for passage in row["positive"] + row["negative"]:
            article = Article(text=clean_text(passage), outlet="RGB", source=f"rgb:{row['id']}")
            if not article.text:
                continue
            articles.setdefault(article.id, article)
            if passage in row["positive"]:
                positive.add(article.id)
        cases.append(Case(row["query"], lambda c, ids=frozenset(positive): c.article_id in ids))
    return list(articles.values()), cases


def sample_article(title: str = "") -> Article:
    return Article(text=clean_text(SAMPLE.read_text(encoding="utf-8")), title=title, outlet="TASS",
                   source=str(SAMPLE))


def sample_cases() -> list[Case]:
    return [Case(q, lambda c, s=expected: s in c.text) for q, expected in SAMPLE_QUESTIONS]


def score(retriever: HybridRetriever, cases: list[Case], mode: str) -> dict[str, float]:
    """{"hit@1", "hit@5", "mrr@10"} of retriever.search over cases, in mode."""
    hit1 = hit5 = mrr = 0.0
    for case in cases:
        hits = retriever.search(case.query, k=10, mode=mode)
        rank = next((h.rank for h in hits if case.relevant(h.chunk)), 0)
        hit1 += rank == 1
        hit5 += 0 < rank <= 5
        mrr += 1 / rank if rank else 0.0
    n = max(len(cases), 1)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "mrr@10": mrr / n}


class Bench:
    """One temporary index holding the RGB pool and the sample article."""

    def __init__(self, data_dir: Path, rgb: Path | None, settings: Settings | None = None):
        self.settings = settings or Settings(_env_file=None, data_dir=data_dir)
        self.embeddings = CachedEmbeddings(LocalEmbeddings())
        self.store = open_store(self.settings, self.embeddings.identity)
        self.lexical = open_lexical(self.settings)
        self.sets: dict[str, list[Case]] = {"sample": sample_cases()}
        articles = []
        if rgb is not None:
            articles, self.sets["rgb"] = load_rgb(rgb)
        self.indexer(self.settings.chunk_tokens).ingest(articles)
        self.sample_id = ""
        self.reindex_sample(self.settings.chunk_tokens, "")

    def indexer(self, chunk_tokens: int) -> Indexer:
        return Indexer(self.store, self.lexical, self.embeddings, chunk_tokens=chunk_tokens,
                       overlap=self.settings.chunk_overlap)

    def reindex_sample(self, chunk_tokens: int, title: str, embed_title: str = "all") -> None:
        """Replace the sample article, chunked at chunk_tokens, with or without a title; embed_title
        says which chunks' embedded text starts with the title (see TITLE_EMBEDDING)."""
        indexer = self.indexer(chunk_tokens)
        if self.sample_id:
            indexer.remove(self.sample_id)
        article = sample_article(title)
        # Measuring alternatives to ingest.index.passage_text means swapping it for one ingest.
        with mock.patch("ingest.index.passage_text", TITLE_EMBEDDING[embed_title]):
            indexer.ingest([article])
        self.sample_id = article.id

    def retriever(self, **overrides) -> HybridRetriever:
        retriever = make_retriever(self.settings, self.store, self.lexical, self.embeddings)
        for name, value in overrides.items():
            setattr(retriever, name, value)
        return retriever

    def rows(self, label: str, modes=MODES, **overrides) -> list[dict]:
        retriever = self.retriever(**overrides)
        return [{"set": name, "config": label, "mode": mode, **score(retriever, cases, mode)}
                for name, cases in self.sets.items() for mode in modes]


def sweep(bench: Bench) -> list[dict]:
    """Vary one thing at a time from the defaults; every row is a hybrid (or per-mode) score."""
    rows = []
    for tokens in (96, 128, 192, 256):
        for title in ("", SAMPLE_TITLE):
            bench.reindex_sample(tokens, title)
            label = f"chunk_tokens={tokens} title={'yes' if title else 'no'}"
            rows += [r for r in bench.rows(label) if r["set"] == "sample"]
    for embed_title in ("first", "none"):
        bench.reindex_sample(bench.settings.chunk_tokens, SAMPLE_TITLE, embed_title)
        label = f"chunk_tokens={bench.settings.chunk_tokens} title=yes, embedded in {embed_title} chunks"
        rows += [r for r in bench.rows(label) if r["set"] == "sample"]
    bench.reindex_sample(bench.settings.chunk_tokens, "")
    for rrf_k in (5, 10, 15, 20, 30, 60):
        rows += bench.rows(f"rrf_k={rrf_k}", modes=("hybrid",), rrf_k=rrf_k)
    for dense_weight in (0.8, 0.9, 0.95, 1.0, 1.1, 1.25, 1.5):
        rows += bench.rows(f"dense_weight={dense_weight}", modes=("hybrid",), dense_weight=dense_weight)
    for candidates in (10, 20, 30, 50, 100):
        rows += bench.rows(f"candidates={candidates}", modes=("hybrid",), candidates=candidates)
    for cap in (1, 2, 3, 0):
        rows += bench.rows(f"per_article={cap}", modes=("hybrid",), per_article=cap)
    return rows


def table(rows: list[dict]) -> str:
    """Rows -> a Markdown table."""
    lines = ["| set | config | mode | Hit@1 | Hit@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['set']} | {r['config']} | {r['mode']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | "
              f"{r['mrr@10']:.3f} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--rgb", type=Path, default=DEFAULT_RGB, help="RGB en_fact.json (JSON lines)")
    parser.add_argument("--sweep", action="store_true", help="also vary chunking and fusion parameters")
    parser.add_argument("--json", action="store_true", help="print rows as JSON instead of a table")
    args = parser.parse_args(argv)
    rgb = args.rgb if args.rgb.is_file() else None
    if rgb is None:
        print(f"RGB data not found at {args.rgb}: scoring the sample questions only.", file=sys.stderr)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        bench = Bench(Path(tmp) / "data", rgb)
        rows = bench.rows("defaults") + (sweep(bench) if args.sweep else [])
        bench.lexical.close()
    print(json.dumps(rows, indent=1) if args.json else table(rows))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
