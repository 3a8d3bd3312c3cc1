"""Questions answered as asked, on every shared data set: false refusal, refusal accuracy and contains
by question type, for a tuning and a held-out split, with the refusals broken down by reason.

Each corpus is ingested into a scratch collection and every question goes through `newsqa eval`'s
own scorer (`qa.eval.run.evaluate_question`). Questions are split by a hash of their id
(`bench.calibration.held_out`): two thirds tune, one third is held out and only ever reported.

    python -m bench.questions                               # sample, archive, RGB, MultiHop-RAG dev
    python -m bench.questions --corpus multihop --json runs/questions.json

The data is third-party and read from `--data` (default ../shared/data); it is never copied into the
project. A corpus whose files are absent is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from bench.calibration import ROOT, corpora, held_out, scratch_library
from qa.config import Settings
from qa.eval.run import evaluate_question
from qa.eval.sets import read_question_set
from ui.context import Library

METRICS = ("false_refusal", "refusal_accuracy", "contains")


def answer_all(questions: Path, sources: list[str], embeddings) -> list[dict]:
    """Every question's eval result, with its split ("tune" or "held-out")."""
    qset = read_question_set(questions, "auto")
    with tempfile.TemporaryDirectory(prefix="newsqa-questions-") as tmp:
        library = scratch_library(qset, sources, embeddings, tmp, "questions")
        results = []
        for q in qset.questions:
            result = evaluate_question(q, library.answerer, library.retriever, k=library.settings.top_k)
            result["split"] = "held-out" if held_out(q.id) else "tune"
            results.append(result)
        library.lexical.close()
    return results


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.3f} ({len(values):>3})" if values else "    —      "


def report(name: str, results: list[dict]) -> dict:
    """Print and return {split: {type: {metric: mean}}} and the refusal reasons of answerable questions."""
    print(f"\n{name}: {len(results)} questions")
    print(f"  {'split':<9} {'type':<20} " + " ".join(f"{m:>16}" for m in METRICS))
    out: dict = {}
    for split in ("tune", "held-out"):
        part = [r for r in results if r["split"] == split]
        types = ["all"] + sorted({r["type"] or "—" for r in part})
        for t in types:
            rows = part if t == "all" else [r for r in part if (r["type"] or "—") == t]
            values = {m: [r["metrics"][m] for r in rows if r["metrics"].get(m) is not None] for m in METRICS}
            out.setdefault(split, {})[t] = {m: round(sum(v) / len(v), 3) if v else None for m, v in values.items()}
            print(f"  {split:<9} {t:<20} " + " ".join(f"{_mean(values[m]):>16}" for m in METRICS))
    reasons = Counter(r["refusal"]["rule"] + (f": {', '.join(r['refusal']['terms'])}" if r["refusal"].get("terms")
                                               else "")
                      for r in results if r["abstained"] and not r["unanswerable"] and r.get("refusal"))
    if reasons:
        print("  false refusals by reason:")
        for reason, n in reasons.most_common(12):
            print(f"    {n:>3}  {reason}")
    return {"corpus": name, "by_split": out, "false_refusal_reasons": dict(reasons)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding rgb-en-fact/ and multihop-rag-dev/ (default: ../shared/data)")
    parser.add_argument("--corpus", nargs="+", choices=("sample", "archive", "rgb", "multihop"),
                        default=["sample", "archive", "rgb", "multihop"])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--details", type=Path, help="write every tuning-split question's result (JSON lines) here; "
                                                     "the held-out split's stay unseen")
    args = parser.parse_args()
    embeddings = Library(Settings(_env_file=None)).embeddings
    figures = []
    for name, questions, sources in corpora(args.data):
        if name in args.corpus:
            results = answer_all(questions, sources, embeddings)
            figures.append(report(name, results))
            if args.details:
                with args.details.open("a", encoding="utf-8") as out:
                    for r in results:
                        if r["split"] == "tune":
                            out.write(json.dumps({"corpus": name, **r}) + "\n")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
