"""Calibration of the extractive answerer's abstention, by corpus: answer rate vs refusal accuracy.

For every question of each corpus it retrieves once, as `newsqa ask` does (question understanding,
soft cues), and records what the abstention rule sees: whether a key term or the question's dates are
missing from the passages (a refusal whatever the threshold), else the score of the best answering
sentence and the weighted share of the question's key terms the passages lack (which costs the score
`MISSING_PENALTY` x that share). It then sweeps the evidence threshold (and the penalty) and prints,
per corpus and per slice, the share of answerable questions answered and of unanswerable ones refused. Questions are split by a hash of
their id into a tuning slice (2/3) and a held-out slice (1/3): thresholds are chosen on the first.

    python -m bench.calibration                               # sample, archive, RGB, MultiHop-RAG dev
    python -m bench.calibration --data ../shared/data --thresholds 0.35 0.45 0.55
    python -m bench.calibration --penalties 0.4 0.8 1.5 --pooled   # the missing-term penalty too

Besides each set's own unanswerable questions, every answerable question with a name gets a variant
with that name replaced by an invented one (`INVENTED`), which counts as unanswerable; a variant
stays in its question's slice.

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
from qa.answering.coverage import MISSING_PENALTY
from qa.answering.extractive import MIN_EVIDENCE, evidence_score
from qa.config import Settings
from qa.eval.sets import read_question_set
from qa.evidence import CachedEmbeddings, Evidence
from qa.text import name_phrases
from ui.context import Library

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)


@dataclass(frozen=True)
class Seen:
    """What the abstention rule sees for one question."""

    answerable: bool
    held_out: bool
    score: float | None  # the best answering sentence's; None: the question's dates are missing (always refused)
    missing: float = 0.0  # the weighted share of the question's key terms the passages lack


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


# Made-up names that no corpus holds: an answerable question with its main name swapped for one of
# them is unanswerable (the "generated unanswerable variants" of the calibration set).
INVENTED = ("Orvanta Pell", "Kessimir Duhl", "Tavrosk", "Quellin Marsh", "Brevania", "Ulmar Fecht", "Zorvath",
            "Ismerelle Kaye")


def variant(question: str, key: str) -> str | None:
    """question with its longest name replaced by an invented one; None when it names nothing.

    >>> made = variant("What did Putin say about the INF Treaty?", "q1")
    >>> made.startswith("What did Putin say about the ") and made[len("What did Putin say about the "):-1] in INVENTED
    True
    """
    names = sorted(name_phrases(question), key=len, reverse=True)
    if not names:
        return None
    invented = INVENTED[int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % len(INVENTED)]
    return question.replace(names[0], invented, 1)


def scratch_library(qset, sources: list[str], embeddings, folder: str, collection: str) -> Library:
    """A library in folder holding the corpus sources and the question set's own passages, indexed
    with the shared embedder (close its `lexical` when done)."""
    library = Library(Settings(_env_file=None, data_dir=Path(folder), collection=collection))
    library.__dict__["embeddings"] = embeddings  # one embedder for every corpus
    items = list(load_sources(sources)) + [
        Article(text=clean_text(p.text), outlet=qset.format.upper(), source=p.source) for p in qset.passages]
    library.indexer().ingest(items)
    return library


def observe(questions: Path, sources: list[str], embeddings, variants: bool = True) -> list[Seen]:
    """Ingest the corpus into a scratch collection and record every question's evidence score (and,
    when variants, that of each answerable question's invented-name variant, as unanswerable)."""
    qset = read_question_set(questions, "auto")
    with tempfile.TemporaryDirectory(prefix="newsqa-calibration-") as tmp:
        library = scratch_library(qset, sources, embeddings, tmp, "calibration")
        cached = CachedEmbeddings(embeddings)
        seen = []
        asked = [(q.question, q.id, not q.unanswerable, q.as_of) for q in qset.questions]
        if variants:
            asked += [(v, q.id + "~", False, q.as_of) for q in qset.questions if not q.unanswerable
                      and (v := variant(q.question, q.id)) is not None]
        for text, key, answerable, as_of in asked:
            cues = library.retriever.understand(text, as_of)
            hits = library.retriever.search(text, cues=cues)
            vector = cached.embed_array([text])[0]
            value = evidence_score(text, Evidence(hits, cached), vector, cues) if hits else None
            seen.append(Seen(answerable, held_out(key.rstrip("~")), *(value or (None, 0.0))))
        library.lexical.close()
    return seen


def trade_off(seen: list[Seen], threshold: float, penalty: float = MISSING_PENALTY) -> tuple[float | None, float | None]:
    """(share of answerable questions answered, share of unanswerable ones refused) at threshold, a
    missing key term costing penalty x its share."""
    answers = [s.score is not None and s.score - penalty * s.missing >= threshold for s in seen]
    answerable = [a for a, s in zip(answers, seen) if s.answerable]
    unanswerable = [not a for a, s in zip(answers, seen) if not s.answerable]
    rate = sum(answerable) / len(answerable) if answerable else None
    refusal = sum(unanswerable) / len(unanswerable) if unanswerable else None
    return rate, refusal


def _fmt(value: float | None, n: int) -> str:
    return f"{value:.2f} ({n:>3})" if value is not None else "   —      "


def report(name: str, seen: list[Seen], thresholds, penalty: float = MISSING_PENALTY) -> None:
    print(f"\n{name} (missing-term penalty {penalty}): {sum(s.answerable for s in seen)} answerable, "
          f"{sum(not s.answerable for s in seen)} unanswerable; always refused (dates missing): "
          f"{sum(s.score is None and s.answerable for s in seen)} answerable, "
          f"{sum(s.score is None and not s.answerable for s in seen)} unanswerable")
    print(f"  {'threshold':>9}  {'slice':<8} {'answered (n)':>13} {'refused (n)':>13}")
    for threshold in thresholds:
        for label, part in (("tune", [s for s in seen if not s.held_out]), ("held-out", [s for s in seen if s.held_out])):
            rate, refusal = trade_off(part, threshold, penalty)
            default = abs(threshold - MIN_EVIDENCE) < 1e-9 and abs(penalty - MISSING_PENALTY) < 1e-9
            mark = " <- default" if default and label == "tune" else ""
            print(f"  {threshold:>9.2f}  {label:<8} {_fmt(rate, sum(s.answerable for s in part)):>13} "
                  f"{_fmt(refusal, sum(not s.answerable for s in part)):>13}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding rgb-en-fact/ and multihop-rag-dev/ (default: ../shared/data)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS)
    parser.add_argument("--penalties", type=float, nargs="+", default=[MISSING_PENALTY],
                        help="missing-term penalties to sweep (default: the answerer's)")
    parser.add_argument("--pooled", action="store_true", help="also report every corpus pooled (the tuning split)")
    args = parser.parse_args()
    embeddings = Library(Settings(_env_file=None)).embeddings
    pooled = []
    for name, questions, sources in corpora(args.data):
        seen = observe(questions, sources, embeddings)
        pooled += seen
        for penalty in args.penalties:
            report(name, seen, args.thresholds, penalty)
    if args.pooled:
        for penalty in args.penalties:
            report("all corpora", pooled, args.thresholds, penalty)


if __name__ == "__main__":
    main()
