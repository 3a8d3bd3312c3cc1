"""`newsqa eval`: score a question set, write report.json/.md/.html, compare, and gate (exit code)."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qa.errors import EmptyIndexError
from qa.eval import FORMATS
from ui.cli.options import pass_settings
from ui.context import Library

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.eval.sets import QuestionSet


@click.command()
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", multiple=True, metavar="PATH",
              help="Score against these files/folders/URLs, ingested into a throw-away collection (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-report"),
              show_default=True, help="Folder for report.json, report.md and report.html.")
@click.option("--k", type=click.IntRange(1, 100), help="Passages per answer (default: NEWSQA_TOP_K).")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An earlier report.json: print deltas, fail on a regression beyond --tolerance.")
@click.option("--fail-under", "floors", multiple=True, metavar="METRIC=VALUE",
              help="Exit non-zero when METRIC is below VALUE (repeatable), e.g. hit@5=0.8.")
@click.option("--fail-over", "ceilings", multiple=True, metavar="METRIC=VALUE",
              help="Exit non-zero when a lower-is-better METRIC is above VALUE, e.g. false_refusal=0.2.")
@click.option("--tolerance", type=float, default=0.02, show_default=True,
              help="How much worse than the baseline a metric may get before it counts as a regression.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Question-set layout: ours, rgb (query/answer/positive/negative), multihop (MultiHop-RAG).")
@click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
              help="Map a field name of another layout, e.g. --field question=prompt --field answers=gold.")
@click.option("--limit", type=click.IntRange(1), help="Only the first N valid questions.")
@pass_settings
def eval_command(settings: Settings, questions, corpus, out, k, baseline, floors, ceilings, tolerance, fmt, fields,
                 limit) -> None:
    """Score answers against a fixed question set: retrieval, correctness, citations, refusals, latency.

    \b
    Examples:
      newsqa eval samples/questions.jsonl                       # against the indexed articles
      newsqa eval questions.yaml --corpus archive/ --out runs/today
      newsqa eval en_fact.json --format rgb --limit 50          # RGB: the corpus comes with the file
      newsqa eval multihop.json --corpus corpus.json --format multihop
      newsqa eval samples/questions.jsonl --fail-under hit@5=0.8 --fail-over false_refusal=0.2
      newsqa eval samples/questions.jsonl --baseline eval-report/report.json
    """
    from qa.eval.gates import parse_gate
    from qa.eval.report import write_reports
    from ui.cli.options import parse_field_map

    gates = {"floors": dict(parse_gate(g) for g in floors),
             "ceilings": dict(parse_gate(g, ceiling=True) for g in ceilings)}
    old = _read_baseline(baseline) if baseline else None
    from qa.eval.sets import read_question_set

    qset = read_question_set(questions, fmt, parse_field_map(fields), limit)
    for line in [f"skipped {p}" for p in qset.problems] + [f"note: {n}" for n in qset.notes]:
        click.echo(line, err=True)
    k = k or settings.top_k
    with _library(settings, corpus, qset) as (library, corpus_label):
        report = _score(library, qset, k)
    report["meta"] = _meta(settings, qset, questions, k, corpus_label)
    failures = _judge_outcome(report, gates, old, baseline, tolerance)
    paths = write_reports(report, out)
    click.echo(f"reports: {', '.join(str(p) for p in paths)}")
    if failures:
        sys.exit(1)


def _read_baseline(path: Path) -> dict:
    from qa.eval.gates import GateError, baseline_overall

    try:
        return baseline_overall(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GateError(f"Cannot read the baseline {path}: {exc}") from exc


@contextmanager
def _library(settings: Settings, corpus: tuple[str, ...], qset: QuestionSet) -> Iterator[tuple[Library, str]]:
    """The configured library, or a throw-away one holding --corpus and the set's own passages."""
    if not corpus and not qset.passages:
        library = Library(settings)
        if library.store.count() == 0:
            raise EmptyIndexError(
                f"Collection {settings.collection!r} is empty, so there is nothing to score. Index your "
                "articles first (`newsqa ingest samples/` for the bundled sample), or pass --corpus PATH "
                "to score against a throw-away collection.")
        yield library, f"collection {settings.collection!r} at {settings.chroma_host or settings.data_dir}"
        return
    with tempfile.TemporaryDirectory(prefix="newsqa-eval-") as tmp:
        scratch = settings.model_copy(update={"data_dir": Path(tmp), "collection": "eval", "chroma_host": None})
        library = Library(scratch)
        try:
            yield library, _ingest(library, corpus, qset)
        finally:
            library.lexical.close()


def _ingest(library: Library, corpus: tuple[str, ...], qset: QuestionSet) -> str:
    """Ingest --corpus and the set's passages into library; returns a label for the report."""
    from ingest.article import Article
    from ingest.clean import clean_text
    from ingest.load import load_sources, loader_options
    from ui.cli.progress import IngestProgress

    items = list(load_sources(corpus, **loader_options(library.settings)))
    items += [Article(text=clean_text(p.text), outlet=qset.format.upper(), source=p.source) for p in qset.passages]
    with IngestProgress() as progress:
        report = library.indexer().ingest(items, progress=progress.update)
    own = str(qset.path.resolve())
    skipped = [s for s in report.skipped  # the question file itself, and repeated passages, are expected
               if str(Path(s.source.split(":")[0]).resolve()) != own and not s.reason.startswith("duplicate")]
    for skip in skipped[:5]:
        click.echo(f"corpus: skipped {skip.source}: {skip.reason}", err=True)
    names = list(corpus) + ([f"{len(qset.passages)} passages from {qset.path.name}"] if qset.passages else [])
    return f"throw-away collection of {report.added} articles ({report.chunks} chunks): {', '.join(names)}"


def _score(library: Library, qset: QuestionSet, k: int) -> dict:
    """Run every question with a progress bar."""
    from tqdm import tqdm

    from qa.eval.judge import make_judge
    from qa.eval.run import run_eval

    judge = make_judge(library.settings)
    with tqdm(total=len(qset.questions), desc="eval", unit=" q", file=sys.stderr,
              disable=not sys.stderr.isatty(), dynamic_ncols=True) as bar:
        return run_eval(qset.questions, library.answerer, library.retriever, k=k, judge=judge,
                        progress=lambda n: bar.update(n - bar.n))


def _meta(settings: Settings, qset: QuestionSet, path: Path, k: int, corpus: str) -> dict:
    return {
        "questions_file": str(path), "format": qset.format, "count": len(qset.questions), "k": k,
        "mode": "llm" if settings.llm_enabled else "extractive",
        "llm_model": settings.llm_model if settings.llm_enabled else None,
        "judge": settings.judge_model or None, "corpus": corpus, "problems": qset.problems + qset.notes,
        "embedding": f"{settings.embedding_provider}/{settings.embedding_model}",
        "chunk_tokens": settings.chunk_tokens, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _judge_outcome(report: dict, gates: dict, old: dict | None, baseline: Path | None,
                   tolerance: float) -> list[str]:
    """Print the summary, the baseline comparison and the gates; returns what should fail the run."""
    from qa.eval.gates import check_gates, compare
    from qa.eval.report import comparison_text, summary_text

    click.echo(summary_text(report))
    failures = check_gates(report["overall"], gates["floors"], gates["ceilings"])
    report["gates"] = {**gates, "failures": failures}
    if old is not None:
        rows = compare(report["overall"], old, tolerance)
        report["baseline"] = {"file": str(baseline), "tolerance": tolerance, "rows": rows}
        click.echo(f"\nagainst {baseline} (tolerance {tolerance}):\n{comparison_text(rows)}")
        failures += [f"{r['metric']} regressed: {r['old']:.3f} -> {r['new']:.3f}"
                     for r in rows if r["verdict"] == "REGRESSED"]
    for failure in failures:
        click.echo(f"FAILED: {failure}", err=True)
    return failures
