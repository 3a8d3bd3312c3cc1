"""Timeline answers on a multi-article corpus: how far below the best passage should a timeline reach?

The extractive timeline (`qa.answering.extractive.timeline_picks`) takes the best sentence of each passage that
scores within TIMELINE_MARGIN of the best one. This asks MultiHop-RAG dev's temporal and comparison
questions (their evidence spans articles of several dates) as timelines, over passages in date order,
and reports for each margin: questions answered, the share of picked sentences whose passage holds
evidence (precision), the share of evidence items some picked passage holds (recall), and sentences per
answer. Even-numbered questions are the tuning half, odd-numbered ones the held-out half.

    python -m bench.timeline                       # ../shared/data/multihop-rag-dev
    python -m bench.timeline --margins 0.2 0.35 0.5

The data is third-party and read from `--data`; it is never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from ingest.load import load_sources
from qa.answering import extractive
from qa.config import Settings
from qa.eval.metrics import holds_evidence
from qa.evidence import Evidence
from qa.retrieval.timeline import in_date_order
from qa.text import content_words
from ui.context import Library

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("temporal_query", "comparison_query")


def score(library: Library, rows: list[dict]) -> dict[str, float]:
    precision, recall, sentences = [], [], []
    for row in rows:
        question = row["question"]
        cues = library.retriever.understand(question)
        hits = in_date_order(library.retriever.search(question, k=6, cues=cues))
        evidence = Evidence(hits, library.embeddings)
        vector = library.embeddings.embed_array([question])[0]
        picks = extractive.timeline_picks(question, evidence, vector, content_words(question), cues).picks
        if not picks:
            continue
        texts = [hits[p.sentence.passage - 1].chunk.text for p in picks]
        precision.append(statistics.mean(any(holds_evidence(t, e) for e in row["evidence"]) for t in texts))
        recall.append(statistics.mean(any(holds_evidence(t, e) for t in texts) for e in row["evidence"]))
        sentences.append(len(picks))
    return {"answered": len(precision), "questions": len(rows), "precision": round(statistics.mean(precision), 3),
            "recall": round(statistics.mean(recall), 3), "sentences": round(statistics.mean(sentences), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--margins", type=float, nargs="+", default=[0.2, 0.35, 0.5])
    args = parser.parse_args()
    folder = args.data / "multihop-rag-dev"
    if not (folder / "corpus.jsonl").is_file():
        print(f"note: skipped (MultiHop-RAG dev is not under {args.data})")
        return
    rows = [json.loads(line) for line in (folder / "questions.jsonl").read_text("utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("type") in TYPES and r.get("evidence")]
    with tempfile.TemporaryDirectory(prefix="newsqa-timeline-") as tmp:
        library = Library(Settings(_env_file=None, data_dir=Path(tmp)))
        library.indexer().ingest(load_sources([str(folder / "corpus.jsonl")]))
        default = extractive.TIMELINE_MARGIN
        try:
            for half, part in (("tuning", rows[::2]), ("held-out", rows[1::2])):
                for margin in args.margins:
                    extractive.TIMELINE_MARGIN = margin
                    r = score(library, part)
                    mark = " (default)" if margin == default else ""
                    print(f"{half:<9} margin {margin:.2f}{mark:<10} answered {r['answered']}/{r['questions']}  "
                          f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  sentences {r['sentences']}")
        finally:
            extractive.TIMELINE_MARGIN = default
        library.lexical.close()


if __name__ == "__main__":
    main()
