"""Syndication benchmark: does newsqa see through syndicated copies, and what does that cost?

It makes `--copies` syndicated copies of `--stories` articles of a corpus (`bench.syndicate`: new
headline, wire dateline, trimmed ending, editor's note, "Related:" line, the carrying outlet's footer,
light copy edits, a publication time hours later) and ingests three collections:

- `clean`:  the corpus alone (what retrieval and answers should look like);
- `before`: corpus + copies, copies not detected (every article its own story, nothing collapsed);
- `after`:  corpus + copies, as `newsqa ingest` does it (copies clustered into stories, collapsed).

It reports cluster precision and recall (over pairs of articles: a pair is right when both are copies
of one corpus article), distinct stories in the top 5 / 10 for every question, answer figures of
`newsqa eval` on the corpus's question set, and the cost of clustering as a ratio of ingest times.

    python -m bench.syndication                                  # MultiHop-RAG dev, tuning templates
    python -m bench.syndication --family heldout unseen          # wordings not used for tuning
    python -m bench.syndication --corpus rgb                     # RGB passages (held out)

The data is third-party and read from `--data` (default ../shared/data); it is never copied into the
project. A corpus whose files are absent is skipped with a note.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.syndicate import FAMILIES, Source, syndicate
from ingest.article import Article
from ingest.clean import clean_line, clean_text
from qa.config import Settings
from qa.eval.run import run_eval
from qa.eval.sets import read_question_set
from ui.context import Library

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = ("contains", "false_refusal", "refusal_accuracy", "mrr@10", "evidence_recall", "citation_precision",
           "duplicate_citations")


@dataclass
class Corpus:
    """Articles to copy, and the questions asked of them."""

    name: str
    sources: list[Source]
    questions: Path
    format: str


def load_corpus(name: str, data: Path) -> Corpus | None:
    if name == "multihop":
        folder = data / "multihop-rag-dev"
        if not (folder / "corpus.jsonl").is_file():
            return None
        rows = [json.loads(line) for line in (folder / "corpus.jsonl").read_text("utf-8").splitlines() if line]
        sources = [Source(r["title"], r["body"], r["source"], r["published_at"], r["url"]) for r in rows]
        return Corpus(name, sources, folder / "questions.jsonl", "ours")
    path = data / "rgb-en-fact" / "en_fact.json"
    if not path.is_file():
        return None
    passages = read_question_set(path, "rgb").passages
    sources = [Source("", p.text, "", f"2024-01-{1 + n % 28:02d}T08:00:00", f"https://rgb.example/{n}")
               for n, p in enumerate(passages)]
    return Corpus(name, sources, path, "rgb")


def as_article(src: Source, n: int) -> Article:
    return Article(text=clean_text(src.body), title=clean_line(src.title), outlet=src.outlet,
                   url=src.url, published_at=src.published_at, source=f"bench#{n}")


@dataclass
class Built:
    """One ingested collection."""

    library: Library
    seconds: float
    labels: dict[str, int]  # article id -> the corpus article it is (a copy of)


def build(articles: list[tuple[Article, int]], work: Path, embeddings, *, stories: bool) -> Built:
    library = Library(Settings(_env_file=None, data_dir=work))
    library.__dict__["embeddings"] = embeddings
    indexer = library.indexer()
    if not stories:
        indexer.stories = None
    started = time.perf_counter()
    indexer.ingest(a for a, _ in articles)
    return Built(library, time.perf_counter() - started, {a.id: label for a, label in articles})


def pair_scores(labels: dict[str, int], story_of: dict[str, str]) -> tuple[float, float]:
    """(precision, recall) of the predicted stories over pairs of articles.

    >>> pair_scores({"a": 1, "b": 1, "c": 2}, {"a": "s", "b": "s", "c": "t"})
    (1.0, 1.0)
    """
    def pairs(group_of: dict[str, object]) -> set[tuple[str, str]]:
        groups: dict[object, list[str]] = {}
        for aid, g in group_of.items():
            groups.setdefault(g, []).append(aid)
        return {p for members in groups.values() for p in itertools.combinations(sorted(members), 2)}

    predicted, truth = pairs({a: story_of.get(a, a) for a in labels}), pairs(labels)
    right = len(predicted & truth)
    return (right / len(predicted) if predicted else 1.0, right / len(truth) if truth else 1.0)


def distinct(built: Built, questions: Sequence[str], depth: int) -> float:
    """Mean number of distinct corpus stories among the top `depth` passages of each question."""
    counts = []
    for q in questions:
        hits = built.library.retriever.search(q, k=depth)
        counts.append(len({built.labels.get(h.chunk.article_id, h.chunk.article_id) for h in hits}))
    return statistics.mean(counts)


def answers(built: Built, questions_path: Path, fmt: str) -> dict[str, float | None]:
    qset = read_question_set(questions_path, fmt)
    report = run_eval(qset.questions, built.library.answerer, built.library.retriever, k=6)
    return {m: report["overall"].get(m) for m in SUMMARY}


def run(corpus: Corpus, family: str, args, embeddings) -> dict:
    made = syndicate(corpus.sources, stories=args.stories, copies=args.copies, family=FAMILIES[family])
    originals = [(as_article(s, n), n) for n, s in enumerate(corpus.sources)]
    copies = [(as_article(c, len(originals) + n), label) for n, (c, label) in enumerate(made)]
    both = sorted(originals + copies, key=lambda pair: (pair[0].published_at, pair[0].source))
    qset = read_question_set(corpus.questions, corpus.format)
    questions = [q.question for q in qset.questions if not q.unanswerable]
    with tempfile.TemporaryDirectory(prefix="newsqa-syndication-") as tmp:
        times = {"before": [], "after": []}
        for repeat in range(args.repeats):  # alternate, so drift in machine load hits both alike
            for name, stories in (("before", False), ("after", True)):
                timed = build(both, Path(tmp, f"{name}{repeat}"), embeddings, stories=stories)
                times[name].append(timed.seconds)
                timed.library.lexical.close()
        clean = build(originals, Path(tmp, "clean"), embeddings, stories=True)
        before = build(both, Path(tmp, "before-eval"), embeddings, stories=False)
        after = build(both, Path(tmp, "after-eval"), embeddings, stories=True)
        story_of = after.library.stories.story_of(after.labels)
        precision, recall = pair_scores(after.labels, story_of)
        natural = pair_scores(clean.labels, clean.library.stories.story_of(clean.labels))[0]
        result = {
            "corpus": corpus.name, "family": family, "articles": len(originals), "copies": len(copies),
            "cluster_precision": round(precision, 4), "cluster_recall": round(recall, 4),
            "clean_corpus_pairs_precision": round(natural, 4),
            "distinct_top5": {n: round(distinct(b, questions, 5), 3) for n, b in
                              (("clean", clean), ("before", before), ("after", after))},
            "distinct_top10": {n: round(distinct(b, questions, 10), 3) for n, b in
                               (("clean", clean), ("before", before), ("after", after))},
            "answers": {n: answers(b, corpus.questions, corpus.format) for n, b in
                        (("clean", clean), ("before", before), ("after", after))},
            "ingest_seconds": {n: round(statistics.median(t), 2) for n, t in times.items()},
        }
        result["clustering_cost"] = round(result["ingest_seconds"]["after"] / result["ingest_seconds"]["before"] - 1, 4)
        for built in (clean, before, after):
            built.library.lexical.close()
    return result


def show(result: dict) -> None:
    print(f"\n{result['corpus']} / {result['family']} templates: {result['articles']} articles "
          f"+ {result['copies']} copies")
    print(f"  cluster precision {result['cluster_precision']:.3f}  recall {result['cluster_recall']:.3f}"
          f"   (targets >= 0.98 / >= 0.95)")
    for depth in ("top5", "top10"):
        d = result[f"distinct_{depth}"]
        print(f"  distinct stories in the {depth[:3]} {depth[3:]:>2}: clean {d['clean']:.3f}  "
              f"before {d['before']:.3f}  after {d['after']:.3f}")
    a = result["answers"]
    print(f"  {'answers':<20} {'clean':>7} {'before':>7} {'after':>7} {'after-clean':>12}")
    for metric in SUMMARY:
        vals = [a[n].get(metric) for n in ("clean", "before", "after")]
        diff = vals[2] - vals[0] if None not in (vals[0], vals[2]) else None
        print(f"  {metric:<20} " + " ".join(f"{v:7.3f}" if v is not None else "      —" for v in vals)
              + (f" {diff:+12.3f}" if diff is not None else ""))
    s = result["ingest_seconds"]
    print(f"  ingest, median of repeats: before {s['before']:.1f} s, after {s['after']:.1f} s -> clustering "
          f"adds {result['clustering_cost']:+.1%} (target <= +10%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", nargs="+", choices=("multihop", "rgb"), default=["multihop"])
    parser.add_argument("--family", nargs="+", choices=sorted(FAMILIES), default=["tuning"])
    parser.add_argument("--stories", type=int, default=100, help="articles to copy (default 100)")
    parser.add_argument("--copies", type=int, default=3, help="copies of each (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="ingest timings, median (default 3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    embeddings = Library(Settings(_env_file=None)).embeddings
    results = []
    for name in args.corpus:
        corpus = load_corpus(name, args.data)
        if corpus is None:
            print(f"note: {name} skipped (its files are not under {args.data})")
            continue
        for family in args.family:
            results.append(run(corpus, family, args, embeddings))
            show(results[-1])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
