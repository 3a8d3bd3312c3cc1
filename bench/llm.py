"""LLM mode against a real OpenAI-compatible endpoint: speed and how much of what it says holds up.

    OPENAI_BASE_URL=http://127.0.0.1:8001/v1 NEWSQA_LLM_MODEL=... python -m bench.llm [--json]
    python -m bench.llm --llama [--gguf PATH]   # start llama.cpp's server with the test model (SmolLM2-135M)
    python -m bench.llm --llama --questions ../shared/data/multihop-rag-dev/questions.jsonl \
        --corpus ../shared/data/multihop-rag-dev/corpus.jsonl --limit 20   # a held-out set

Indexes the bundled samples (the one-article sample and the multi-outlet archive) in a temp dir and asks
their question sets. Per question: time to first token, total time, the share of answer sentences
supported by their citations and the share contradicted, flagged and abstained. Prints medians and
shares over all questions, then the answers that were flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ingest.load import load_sources
from qa.config import Settings
from qa.eval.sets import read_question_set
from ui.context import Library

ROOT = Path(__file__).resolve().parent.parent
SETS = [(ROOT / "samples" / "questions.jsonl", ROOT / "samples" / "tass-russia-cuba.txt"),
        (ROOT / "samples" / "archive" / "questions.jsonl", ROOT / "samples" / "archive")]


def ask_all(settings: Settings, sets=SETS, limit: int | None = None) -> list[dict]:
    """Ask every question of sets through the real chain; one row of figures per question."""
    rows = []
    for questions, corpus in sets:
        with tempfile.TemporaryDirectory() as tmp:
            library = Library(settings.model_copy(update={"data_dir": Path(tmp)}))
            library.indexer().ingest(load_sources([str(corpus)]))
            for q in read_question_set(questions).questions[:limit]:
                rows.append(_ask(library, q.question, q.as_of))
    return rows


def _ask(library: Library, question: str, as_of) -> dict:
    started, first = time.perf_counter(), None
    stream = library.answerer.stream(question, as_of=as_of)
    for _ in stream:
        first = first if first is not None else time.perf_counter() - started
    answer = stream.answer()
    n = len(answer.sentences) or 1
    return {"question": question, "ttft_s": round(first or 0.0, 2), "total_s": round(time.perf_counter() - started, 2),
            "supported": sum(s.supported for s in answer.sentences) / n,
            "contradicted": sum(s.contradicted for s in answer.sentences) / n,
            "flagged": answer.flagged, "abstained": answer.abstained, "mode": answer.mode,
            "note": answer.note, "answer": answer.text}


def summary(rows: list[dict]) -> dict:
    answered = [r for r in rows if not r["abstained"] and r["mode"] == "llm"]
    return {
        "questions": len(rows),
        "ttft_p50_s": statistics.median(r["ttft_s"] for r in rows),
        "total_p50_s": statistics.median(r["total_s"] for r in rows),
        "total_max_s": max(r["total_s"] for r in rows),
        "supported_share": round(statistics.mean(r["supported"] for r in answered), 3) if answered else None,
        "contradicted_share": round(statistics.mean(r["contradicted"] for r in answered), 3) if answered else None,
        "flagged": sum(r["flagged"] for r in rows), "abstained": sum(r["abstained"] for r in rows),
        "fell_back": sum(r["mode"] != "llm" for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llama", action="store_true", help="start llama.cpp's server with the test model")
    parser.add_argument("--gguf", type=Path, help="the GGUF for --llama (default: .models/, as `make test`)")
    parser.add_argument("--json", action="store_true", help="print every row as JSON")
    parser.add_argument("--questions", type=Path, help="another question set (with --corpus) instead of the samples")
    parser.add_argument("--corpus", type=Path, help="the articles --questions is asked of")
    parser.add_argument("--limit", type=int, help="ask only the first N questions of each set")
    args = parser.parse_args()
    server = None
    if args.llama:
        sys.path.insert(0, str(ROOT))
        if args.gguf:
            os.environ["NEWSQA_TEST_GGUF"] = str(args.gguf)
        from tests.llama_server import ALIAS, LlamaServer

        server = LlamaServer().start()
        os.environ.update(OPENAI_BASE_URL=server.base_url, NEWSQA_LLM_MODEL=ALIAS)
    try:
        settings = Settings(_env_file=None, llm_context=4096 if args.llama else Settings().llm_context)
        if not settings.llm_enabled:
            parser.error("set OPENAI_BASE_URL (and NEWSQA_LLM_MODEL) or pass --llama")
        sets = [(args.questions, args.corpus)] if args.questions else SETS
        rows = ask_all(settings, sets, args.limit)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    print(json.dumps(summary(rows), indent=1))
    for r in rows:
        if r["flagged"]:
            print(f"flagged: {r['question']}\n  {' '.join(r['answer'].split())[:200]}")


if __name__ == "__main__":
    main()
