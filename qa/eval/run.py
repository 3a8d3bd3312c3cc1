"""Score a question set against the answerer: per question, overall, per type, with latencies.

`run_eval` asks every question through the same `Answerer.answer` the CLI and chat use, searches once
more (top 10, same standalone question) for the ranking metrics, and returns a JSON-ready report:

    report = run_eval(qset.questions, answerer, retriever, k=6)
    report["overall"]["hit@5"], report["by_type"]["number"]["contains"], report["questions"][0]["reasons"]

Metric definitions (`METRICS`) and their functions are in `qa.eval.metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from qa.eval.metrics import (
    METRIC_NAMES,
    contains_answer,
    date_ordered,
    evidence_recall,
    exact_match,
    first_relevant_rank,
    hit_at,
    holds_evidence,
    keyword_coverage,
    mean,
    percentile,
    reciprocal_rank,
    repeated_share,
    token_f1,
)
from qa.eval.sets import EvalQuestion
from qa.text import strip_markers
from qa.types import Answer, Filters, elapsed_ms

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from qa.protocols import Retriever

RANK_DEPTH = 10  # Hit@1/3/5/10 and MRR@10 look this deep
ASSERTION_PASS = 0.6  # offline: an assertion is made when this share of its content words is present
STAGES = ("condense_ms", "retrieve_ms", "generate_ms", "judge_ms", "total_ms")


def run_eval(questions: Sequence[EvalQuestion], answerer: Answerer, retriever: Retriever, *, k: int, judge=None,
             progress: Callable[[int], None] | None = None) -> dict:
    """Answer and score every question; returns {"overall", "counts", "by_type", "latency", "questions"}."""
    results = []
    for n, question in enumerate(questions, 1):
        results.append(evaluate_question(question, answerer, retriever, k=k, judge=judge))
        if progress:
            progress(n)
    return {**summarise(results), "questions": results}


def evaluate_question(q: EvalQuestion, answerer: Answerer, retriever: Retriever, *, k: int, judge=None) -> dict:
    """Ask one question and score it: a JSON-ready dict with metrics, timings and reasons."""
    filters = Filters(until=q.as_of) if q.as_of else None  # the archive as it stood that day
    started = time.perf_counter()
    answer = answerer.answer(q.question, history=history_of(q), filters=filters, k=k, as_of=q.as_of)
    timings = {**answer.timings, "total_ms": answer.timings.get("total_ms", elapsed_ms(started))}
    passages: list[str] = []
    if q.evidence:
        cues = retriever.understand(answer.question, q.as_of)
        hits = retriever.search(answer.question, k=max(RANK_DEPTH, k), filters=filters, cues=cues)
        passages = [h.chunk.text for h in hits]
    verdicts = None
    if judge is not None and q.assertions and not answer.abstained:
        judged = time.perf_counter()
        verdicts = judge.verdicts(q.question, answer_text(answer), q.assertions)
        timings["judge_ms"] = elapsed_ms(judged)
    metrics, reasons = score(q, answer, passages, k, verdicts)
    return _result(q, answer, passages, metrics, reasons, timings)


def history_of(q: EvalQuestion) -> list[tuple[str, str]]:
    """Earlier turns as (question, answer) pairs, the shape `Answerer.answer(history=...)` takes."""
    return [(t.question, t.answer) for t in q.history]


def yes_no(answers: Sequence[str]) -> bool:
    """True when the expected answers are all "yes" or "no" (scored on the verdict, not on any word)."""
    return bool(answers) and all(a.strip(" .!").lower() in ("yes", "no") for a in answers)


def verdict_of(answer: Answer) -> str:
    """An answer's yes or no: its verdict, else its first word when that is one ("" otherwise): a "no"
    inside a quoted sentence does not answer a yes/no question."""
    if answer.verdict in ("yes", "no"):
        return answer.verdict
    first = strip_markers(answer.text).split(maxsplit=1)[:1]
    word = first[0].strip(" ,.:;—-!").lower() if first else ""
    return word if word in ("yes", "no") else ""


def answer_text(answer: Answer) -> str:
    """The answer without its [n] markers: 'Putin said so [1, 2].' -> 'Putin said so.'"""
    return strip_markers(answer.text)


def score(q: EvalQuestion, answer: Answer, passages: Sequence[str], k: int,
          verdicts: Sequence[dict] | None = None) -> tuple[dict[str, float | None], list[str]]:
    """All metrics that apply to q, and the reasons it fell short (empty when it did not)."""
    metrics: dict[str, float | None] = {}
    reasons: list[str] = []
    for part in (_retrieval, _correctness, _citations, _news, _refusal):
        part(q, answer, passages, k, metrics, reasons)
    _assertions(q, answer, verdicts, metrics, reasons)
    return metrics, reasons


def _retrieval(q, answer, passages, k, metrics, reasons) -> None:
    if q.unanswerable or not q.evidence:
        return
    rank = first_relevant_rank(passages[:RANK_DEPTH], q.evidence)
    for depth in (1, 3, 5, 10):
        metrics[f"hit@{depth}"] = hit_at(rank, depth)
    metrics["mrr@10"] = reciprocal_rank(rank, RANK_DEPTH)
    metrics["evidence_recall"] = evidence_recall(passages[:k], q.evidence)
    if not rank:
        reasons.append(f"evidence not retrieved in the top {RANK_DEPTH}")
    elif rank > k:
        reasons.append(f"evidence first retrieved at rank {rank}, outside the top {k} the answer used")
    elif rank > 1:
        reasons.append(f"evidence first retrieved at rank {rank}")
    if 0 < rank <= k and metrics["evidence_recall"] < 1:
        reasons.append(f"only {metrics['evidence_recall']:.0%} of the evidence in the top {k}")


def _correctness(q, answer, passages, k, metrics, reasons) -> None:
    if not q.answers or q.unanswerable:
        return
    text = answer_text(answer)
    metrics["exact"] = exact_match(text, q.answers)
    metrics["contains"] = contains_answer(verdict_of(answer) or text, q.answers) if yes_no(q.answers) else \
        contains_answer(text, q.answers)
    metrics["f1"] = token_f1(text, q.answers)
    if not metrics["contains"] and not answer.abstained:
        reasons.append("answer lacks the expected answer: " + " / ".join(q.answers[:3]))


def _citations(q, answer, passages, k, metrics, reasons) -> None:
    if answer.abstained:
        return
    supporting = {n for s in answer.sentences if s.supported for n in s.citations}
    bad = sorted(c.n for c in answer.citations
                 if c.n not in supporting and not any(holds_evidence(c.text, e) for e in q.evidence))
    if answer.citations:
        metrics["citation_precision"] = 1 - len(bad) / len(answer.citations)
        metrics["duplicate_citations"] = repeated_share([c.story_id or c.article_id for c in answer.citations])
        if metrics["duplicate_citations"]:
            reasons.append("cites copies of one story as separate sources")
        if bad:
            reasons.append("citation " + ", ".join(f"[{n}]" for n in bad)
                           + " holds no evidence and supports no sentence")
    if q.evidence:
        metrics["citation_recall"] = evidence_recall([c.text for c in answer.citations], q.evidence)
        if metrics["citation_recall"] < 1:
            reasons.append(f"only {metrics['citation_recall']:.0%} of the evidence cited")
    if answer.sentences:
        metrics["supported"] = sum(s.supported for s in answer.sentences) / len(answer.sentences)
        unsupported = sum(not s.supported for s in answer.sentences)
        if unsupported:
            reasons.append(f"{unsupported} of {len(answer.sentences)} sentences not supported by their citations")


def _news(q, answer, passages, k, metrics, reasons) -> None:
    """Disagreements shown (and not imagined), and stories told in date order."""
    if answer.abstained:
        return
    disputes = [d for d in answer.disagreements if d.kind == "differ"]  # not updates or developing figures
    if q.differ:
        metrics["differ_shown"] = float(bool(disputes))
        if not disputes:
            reasons.append("the articles disagree, but the answer does not say so")
    else:
        metrics["differ_flagged"] = float(bool(disputes))
    timeline, latest = answer.understood.get("timeline"), answer.understood.get("dated")
    if latest:
        days = {c.n: c.published_at[:10] for c in answer.citations}
        told = answer.sentences[len(answer.disagreements):]  # after the lines of `qa.checks.disagree`
        cited = [next((days[n] for n in s.citations if days.get(n)), "") for s in told]
        metrics["date_order"] = date_ordered(cited, newest_first=bool(latest and not timeline))
        if metrics["date_order"] == 0.0:
            reasons.append("the story is not told in date order" if timeline else "the newest report does not lead")


def _refusal(q, answer, passages, k, metrics, reasons) -> None:
    if q.unanswerable:
        metrics["refusal_accuracy"] = float(answer.abstained)
        if not answer.abstained:
            reasons.append("answered a question the corpus cannot answer (should abstain)")
    else:
        metrics["false_refusal"] = float(answer.abstained)
        if answer.abstained:
            reasons.append("abstained although the corpus holds the answer")


def _assertions(q, answer, verdicts, metrics, reasons) -> None:
    if not q.assertions:
        return
    text = answer_text(answer)
    coverage = [0.0 if answer.abstained else keyword_coverage(text, a) for a in q.assertions]
    judged = {i: v for i, v in enumerate(verdicts or []) if v.get("holds") is not None}
    passed = [bool(judged[i]["holds"]) if i in judged else c >= ASSERTION_PASS
              for i, c in enumerate(coverage)]
    metrics["assertion_coverage"] = sum(coverage) / len(coverage)
    metrics["assertions_passed"] = sum(passed) / len(passed)
    for i, (assertion, ok) in enumerate(zip(q.assertions, passed)):
        if not ok and not answer.abstained:
            why = f"judge: {judged[i].get('reason') or 'no'}" if i in judged else \
                f"{coverage[i]:.0%} of its key words"
            reasons.append(f"assertion not made: {assertion!r} ({why})")


def _result(q: EvalQuestion, answer: Answer, passages, metrics, reasons, timings) -> dict:
    return {
        "id": q.id, "type": q.type, "question": q.question, "source": q.source,
        "standalone": answer.question, "unanswerable": q.unanswerable,
        "answer": answer.text, "abstained": answer.abstained, "mode": answer.mode, "refusal": answer.refusal,
        "citations": [{"n": c.n, "title": c.title, "outlet": c.outlet, "url": c.url,
                       "chunk_id": c.chunk_id, "quote": c.quote, "text": c.text} for c in answer.citations],
        "expected": {"answers": list(q.answers), "assertions": list(q.assertions),
                     "evidence": list(q.evidence)},
        "first_rank": first_relevant_rank(passages[:RANK_DEPTH], q.evidence) if passages else None,
        "metrics": metrics, "reasons": reasons, "score": question_score(metrics),
        "timings": {s: timings[s] for s in STAGES if s in timings},
    }


def question_score(metrics: dict[str, float | None]) -> float | None:
    """One 0..1 figure to rank questions by (worst first): the mean of the headline metrics that apply."""
    refusal = metrics.get("refusal_accuracy")
    if refusal is None and metrics.get("false_refusal") is not None:
        refusal = 1 - metrics["false_refusal"]
    parts = [metrics.get(m) for m in ("mrr@10", "contains", "assertions_passed", "citation_precision")]
    return mean([*parts, refusal])


def summarise(results: Sequence[dict]) -> dict:
    """Overall and per-type means of every metric (over the questions it applies to), and latency."""
    types = sorted({r["type"] for r in results})
    return {
        "overall": _means(results), "counts": _counts(results),
        "by_type": {t: _means([r for r in results if r["type"] == t]) for t in types},
        "type_counts": {t: sum(r["type"] == t for r in results) for t in types},
        "latency": latency(results),
    }


def _means(results: Sequence[dict]) -> dict[str, float | None]:
    return {m: _round(mean(r["metrics"].get(m) for r in results)) for m in METRIC_NAMES}


def _counts(results: Sequence[dict]) -> dict[str, int]:
    return {m: sum(r["metrics"].get(m) is not None for r in results) for m in METRIC_NAMES}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def latency(results: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    """{stage: {"p50": ms, "p95": ms}} for each stage timed on at least one question."""
    out = {}
    for stage in STAGES:
        values = [r["timings"][stage] for r in results if stage in r["timings"]]
        if values:
            out[stage] = {"p50": _round(percentile(values, 50)), "p95": _round(percentile(values, 95))}
    return out
