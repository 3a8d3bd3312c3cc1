"""Reports of `newsqa eval`: report.json (everything), report.md, report.html, and the terminal summary.

>>> fmt(0.8333), fmt(None), fmt(12.0, ms=True)
('0.833', '—', '12 ms')
"""

from __future__ import annotations

import json
from pathlib import Path

from qa.evaluate import BY_NAME, METRIC_NAMES

WORST = 10  # questions listed in the "worst questions" sections


def fmt(value: float | None, ms: bool = False) -> str:
    """A metric value for people: 3 decimals, or whole milliseconds; '—' when it does not apply."""
    if value is None:
        return "—"
    return f"{value:.0f} ms" if ms else f"{value:.3f}"


def fmt_delta(value: float | None) -> str:
    """fmt_delta(0.05) -> '+0.050'; fmt_delta(None) -> '—'."""
    return "—" if value is None else f"{value:+.3f}"


def measured(report: dict) -> list[str]:
    """The metrics at least one question measured, in the canonical order."""
    return [m for m in METRIC_NAMES if report["counts"].get(m)]


def worst_questions(report: dict, limit: int = WORST) -> list[dict]:
    """Questions that fell short (a reason or a score below 1), worst score first."""
    failing = [q for q in report["questions"] if q["reasons"] or (q["score"] or 0) < 1]
    return sorted(failing, key=lambda q: (q["score"] if q["score"] is not None else 0, q["id"]))[:limit]


def write_reports(report: dict, out_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.html into out_dir (created); returns their paths."""
    from qa.eval_html import to_html

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(to_markdown(report), encoding="utf-8")
    paths[2].write_text(to_html(report), encoding="utf-8")
    return paths


def summary_text(report: dict) -> str:
    """The terminal summary: one line per measured metric, then latency."""
    types = list(report["by_type"])
    head = f"{'metric':<20}{'overall':>9}{'n':>5}  " + "  ".join(f"{t[:10]:>10}" for t in types)
    lines = [head]
    for m in measured(report):
        per_type = "  ".join(f"{fmt(report['by_type'][t].get(m)):>10}" for t in types)
        lines.append(f"{m:<20}{fmt(report['overall'][m]):>9}{report['counts'][m]:>5}  {per_type}")
    lat = report.get("latency", {})
    if lat:
        lines.append("latency p50/p95     " + ", ".join(
            f"{stage.removesuffix('_ms')} {fmt(v['p50'], ms=True)}/{fmt(v['p95'], ms=True)}"
            for stage, v in lat.items()))
    return "\n".join(lines)


def comparison_text(rows: list[dict]) -> str:
    """One line per metric: 'hit@5   0.800 -> 0.700  -0.100  REGRESSED'."""
    return "\n".join(f"{r['metric']:<20}{fmt(r['old']):>7} -> {fmt(r['new']):<7}{fmt_delta(r['delta']):>8}  "
                     f"{r['verdict']}" for r in rows)


def to_markdown(report: dict) -> str:
    """report.md: what was run, the summary table, latency, baseline, gates, worst questions."""
    parts = [f"# newsqa eval: {report['meta'].get('questions_file', '')}", "", meta_line(report), ""]
    parts += _md_summary(report) + _md_latency(report) + _md_baseline(report) + _md_gates(report)
    parts += _md_worst(report) + _md_problems(report)
    return "\n".join(parts).rstrip() + "\n"


def meta_line(report: dict) -> str:
    m = report["meta"]
    judge = f"judge {m['judge']}" if m.get("judge") else "assertions by keyword coverage"
    return (f"{m.get('count', len(report['questions']))} questions ({m.get('format', '?')} format), "
            f"k={m.get('k')}, {m.get('mode', '?')} answers, {judge}, corpus: {m.get('corpus', '?')}, "
            f"{m.get('created_at', '')}")


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
                  f"- **Question:** {q['question']}", f"- **Answer:** {_one_line(q['answer'])}"]
        lines += [f"- {reason}" for reason in q["reasons"]] + [""]
    return lines


def _md_problems(report: dict) -> list[str]:
    problems = report["meta"].get("problems") or []
    return ["## Skipped rows", "", *[f"- {p}" for p in problems], ""] if problems else []


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
