"""Reports of `newsqa eval`: report.json (everything), report.md, report.html, and the terminal summary."""

from __future__ import annotations

import json
from pathlib import Path

from qa.eval.html import to_html
from qa.eval.markdown import to_markdown
from qa.eval.summary import fmt, fmt_delta, measured


def write_reports(report: dict, out_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.html into out_dir (created); returns their paths."""
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
