"""Calibration of the extractive answerer's abstention, by corpus: answer rate vs refusal accuracy.

For every question of each corpus it retrieves once, as `newsqa ask` does (question understanding,
soft cues), and records what the abstention rule sees: whether a key term or the question's dates are
missing from the passages (a refusal whatever the threshold), else the score of the best answering
sentence. It then sweeps the evidence threshold and prints, per corpus and per slice, the share of
answerable questions answered and of unanswerable ones refused. Questions are split by a hash of
their id into a tuning slice (2/3) and a held-out slice (1/3): thresholds are chosen on the first.

    python -m bench.calibration                               # sample, archive, RGB, MultiHop-RAG dev
    python -m bench.calibration --data ../shared/data --thresholds 0.35 0.45 0.55

Corpora whose files are absent are skipped with a note.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.article import Article
from ingest.clean import clean_text
from ingest.load import load_sources
from qa.config import Settings
from qa.eval.sets import read_question_set
from qa.evidence import CachedEmbeddings, Evidence
from qa.extractive import MIN_EVIDENCE, evidence_score
from ui.context import Library

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)


@dataclass(frozen=True)
class Seen:
    """What the abstention rule sees for one question."""

    answerable: bool
    held_out: bool
    score: float | None  # None: a key term or the question's dates are missing (always refused)


def held_out(question_id: str) -> bool:
    """A stable third of every set, never used for tuning."""
    return int(hashlib.sha256(question_id.encode()).hexdigest()[:8], 16) % 3 == 0


def corpora(data: Path) -> list[tuple[str, Path, list[str]]]:
    """(name, question file, corpus sources) for each corpus whose files exist."""
    found = [("sample", ROOT / "samples" / "questions.jsonl", [str(ROOT / "samples" / "tass-russia-cuba.txt")]),
             ("archive", ROOT / "samples" / "archive" / "questions.jsonl", [str(ROOT / "samples")]),
             ("rgb", data / "rgb-en-fact" / "en_fact.json", []),
             ("multihop", data / "multihop-rag-dev" / "questions.jsonl",
              [str(data / "multihop-rag-dev" / "corpus.jsonl")])]
    for name, questions, _ in found:
        if not questions.is_file():
            print(f"note: {name} skipped ({questions} is absent)")
    return [c for c in found if c[1].is_file()]


def observe(questions: Path, sources: list[str], embeddings) -> list[Seen]:
    """Ingest the corpus into a scratch collection and record every question's evidence score."""
    qset = read_question_set(questions, "auto")
    with tempfile.TemporaryDirectory(prefix="newsqa-calibration-") as tmp:
        library = Library(Settings(_env_file=None, data_dir=Path(tmp), collection="calibration"))
        library.__dict__["embeddings"] = embeddings  # one embedder for every corpus
        items = list(load_sources(sources)) + [
            Article(text=clean_text(p.text), outlet=qset.format.upper(), source=p.source) for p in qset.passages]
        library.indexer().ingest(items)
        cached = CachedEmbeddings(embeddings)
        seen = []
        for q in qset.questions:
            cues = library.retriever.understand(q.question, q.as_of)
            hits = library.retriever.search(q.question, cues=cues)
            vector = cached.embed_array([q.question])[0]
            value = evidence_score(q.question, Evidence(hits, cached), vector, cues) if hits else None
            seen.append(Seen(not q.unanswerable, held_out(q.id), value))
        library.lexical.close()
    return seen


def trade_off(seen: list[Seen], threshold: float) -> tuple[float | None, float | None]:
    """(share of answerable questions answered, share of unanswerable ones refused) at threshold."""
    answers = [s.score is not None and s.score >= threshold for s in seen]
    answerable = [a for a, s in zip(answers, seen) if s.answerable]
    unanswerable = [not a for a, s in zip(answers, seen) if not s.answerable]
    rate = sum(answerable) / len(answerable) if answerable else None
    refusal = sum(unanswerable) / len(unanswerable) if unanswerable else None
    return rate, refusal


def _fmt(value: float | None, n: int) -> str:
    return f"{value:.2f} ({n:>3})" if value is not None else "   —      "


def report(name: str, seen: list[Seen], thresholds) -> None:
    print(f"\n{name}: {sum(s.answerable for s in seen)} answerable, {sum(not s.answerable for s in seen)} "
          f"unanswerable; always refused (missing term or date): "
          f"{sum(s.score is None and s.answerable for s in seen)} answerable, "
          f"{sum(s.score is None and not s.answerable for s in seen)} unanswerable")
    print(f"  {'threshold':>9}  {'slice':<8} {'answered (n)':>13} {'refused (n)':>13}")
    for threshold in thresholds:
        for label, part in (("tune", [s for s in seen if not s.held_out]), ("held-out", [s for s in seen if s.held_out])):
            rate, refusal = trade_off(part, threshold)
            mark = " <- default" if abs(threshold - MIN_EVIDENCE) < 1e-9 and label == "tune" else ""
            print(f"  {threshold:>9.2f}  {label:<8} {_fmt(rate, sum(s.answerable for s in part)):>13} "
                  f"{_fmt(refusal, sum(not s.answerable for s in part)):>13}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding rgb-en-fact/ and multihop-rag-dev/ (default: ../shared/data)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS)
    args = parser.parse_args()
    embeddings = Library(Settings(_env_file=None)).embeddings
    for name, questions, sources in corpora(args.data):
        report(name, observe(questions, sources, embeddings), args.thresholds)


if __name__ == "__main__":
    main()
