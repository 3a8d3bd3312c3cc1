"""report.md for `newsqa eval`: what was run, the summary table, latency, baseline, gates, worst questions."""

from __future__ import annotations

from qa.eval.metrics import BY_NAME
from qa.eval.summary import (
    fmt,
    fmt_delta,
    measured,
    meta_line,
    one_line,
    worst_questions,
)


def to_markdown(report: dict) -> str:
    """report.md: what was run, the summary table, latency, baseline, gates, worst questions."""
    parts = [f"# newsqa eval: {report['meta'].get('questions_file', '')}", "", meta_line(report), ""]
    parts += _md_summary(report) + _md_latency(report) + _md_baseline(report) + _md_gates(report)
    parts += _md_worst(report) + _md_problems(report)
    return "\n".join(parts).rstrip() + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def _md_summary(report: dict) -> list[str]:
    types = list(report["by_type"])
    header = ["metric", "overall", "n", *[f"{t} ({report['type_counts'][t]})" for t in types]]
    rows = [[f"`{m}`", fmt(report["overall"][m]), str(report["counts"][m]),
             *[fmt(report["by_type"][t].get(m)) for t in types]] for m in measured(report)]
    legend = [f"- `{m}`: {BY_NAME[m].doc}" for m in measured(report)]
    return ["## Summary", "", *_md_table(header, rows), "", *legend, ""]


def _md_latency(report: dict) -> list[str]:
    rows = [[s, fmt(v["p50"], ms=True), fmt(v["p95"], ms=True)] for s, v in report.get("latency", {}).items()]
    return ["## Latency", "", *_md_table(["stage", "p50", "p95"], rows), ""] if rows else []


def _md_baseline(report: dict) -> list[str]:
    base = report.get("baseline")
    if not base:
        return []
    rows = [[r["metric"], fmt(r["old"]), fmt(r["new"]), fmt_delta(r["delta"]), r["verdict"]]
            for r in base["rows"]]
    return [f"## Against the baseline {base['file']} (tolerance {base['tolerance']})", "",
            *_md_table(["metric", "baseline", "now", "delta", "verdict"], rows), ""]


def _md_gates(report: dict) -> list[str]:
    gates = report.get("gates") or {}
    if not gates.get("floors") and not gates.get("ceilings"):
        return []
    lines = [f"- `{m}` >= {v}" for m, v in gates.get("floors", {}).items()]
    lines += [f"- `{m}` <= {v}" for m, v in gates.get("ceilings", {}).items()]
    verdict = ["**Failed:**", *[f"- {f}" for f in gates["failures"]]] if gates.get("failures") else ["All gates met."]
    return ["## Gates", "", *lines, "", *verdict, ""]


def _md_worst(report: dict) -> list[str]:
    worst = worst_questions(report)
    if not worst:
        return ["## Worst questions", "", "Every question met every check.", ""]
    lines = ["## Worst questions", ""]
    for q in worst:
        lines += [f"### {q['id']} ({q['type']}), score {fmt(q['score'])}", "",
                  f"- **Question:** {q['question']}", f"- **Answer:** {one_line(q['answer'])}"]
        lines += [f"- {reason}" for reason in q["reasons"]] + [""]
    return lines


def _md_problems(report: dict) -> list[str]:
    problems = report["meta"].get("problems") or []
    return ["## Skipped rows", "", *[f"- {p}" for p in problems], ""] if problems else []
