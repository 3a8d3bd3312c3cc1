"""The one summary both eval reports (markdown and html) and the terminal draw on: formatting of
values, the measured metrics, the worst questions and the line that says what was run.

>>> fmt(0.8333), fmt(None), fmt(12.0, ms=True)
('0.833', '—', '12 ms')
>>> one_line("a  b   c")
'a b c'
"""

from __future__ import annotations

from qa.eval.metrics import METRIC_NAMES

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


def meta_line(report: dict) -> str:
    m = report["meta"]
    judge = f"judge {m['judge']}" if m.get("judge") else "assertions by keyword coverage"
    return (f"{m.get('count', len(report['questions']))} questions ({m.get('format', '?')} format), "
            f"k={m.get('k')}, {m.get('mode', '?')} answers, {judge}, corpus: {m.get('corpus', '?')}, "
            f"{m.get('created_at', '')}")


def one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
