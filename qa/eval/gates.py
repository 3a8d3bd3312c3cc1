"""Quality gates and baseline comparison for `newsqa eval` (what makes the command exit non-zero).

>>> parse_gate("hit@5=0.8")
('hit@5', 0.8)
>>> check_gates({"hit@5": 0.7, "false_refusal": 0.1}, {"hit@5": 0.8}, {"false_refusal": 0.2})
['hit@5 = 0.700, below the gate 0.800']
>>> [d["verdict"] for d in compare({"hit@5": 0.7, "f1": 0.9}, {"hit@5": 0.8, "f1": 0.5}, tolerance=0.02)]
['REGRESSED', 'IMPROVED']
"""

from __future__ import annotations

from qa.errors import NewsqaError
from qa.eval.metrics import BY_NAME, METRIC_NAMES


class GateError(NewsqaError):
    """A gate or baseline given on the command line is malformed or names an unknown metric."""


def parse_gate(text: str, *, ceiling: bool = False) -> tuple[str, float]:
    """'metric=value' -> (metric, value), checking the metric exists and the gate's direction fits it.

    `--fail-under` (floor) is for higher-is-better metrics, `--fail-over` (ceiling) for the others.
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    flag = "--fail-over" if ceiling else "--fail-under"
    if not sep or name not in BY_NAME:
        raise GateError(f"{flag} {text!r}: expected METRIC=VALUE with METRIC one of: {', '.join(METRIC_NAMES)}.")
    try:
        number = float(value)
    except ValueError:
        raise GateError(f"{flag} {text!r}: {value!r} is not a number.") from None
    if BY_NAME[name].higher_is_better == ceiling:
        other = "--fail-under" if ceiling else "--fail-over"
        raise GateError(f"{flag} {text!r}: {name} is {'higher' if ceiling else 'lower'}-is-better; "
                        f"use {other} {name}={value}.")
    return name, number


def check_gates(overall: dict[str, float | None], floors: dict[str, float],
                ceilings: dict[str, float] | None = None) -> list[str]:
    """One message per gate missed; a metric with no value (no question it applies to) misses its gate."""
    failures = []
    for name, floor in floors.items():
        value = overall.get(name)
        if value is None:
            failures.append(f"{name} has no value (no question in the set measures it), gate {floor:.3f}")
        elif value < floor:
            failures.append(f"{name} = {value:.3f}, below the gate {floor:.3f}")
    for name, ceiling in (ceilings or {}).items():
        value = overall.get(name)
        if value is None:
            failures.append(f"{name} has no value (no question in the set measures it), gate {ceiling:.3f}")
        elif value > ceiling:
            failures.append(f"{name} = {value:.3f}, above the gate {ceiling:.3f}")
    return failures


def compare(overall: dict[str, float | None], baseline: dict[str, float | None],
            tolerance: float) -> list[dict]:
    """Per metric present in both: old, new, delta and a verdict (REGRESSED / IMPROVED / same / n/a).

    A change counts only when it exceeds tolerance, in the metric's own better direction.
    """
    rows = []
    for name in METRIC_NAMES:
        if name not in overall and name not in baseline:
            continue
        new, old = overall.get(name), baseline.get(name)
        if new is None or old is None:
            rows.append({"metric": name, "old": old, "new": new, "delta": None, "verdict": "n/a"})
            continue
        gain = (new - old) if BY_NAME[name].higher_is_better else (old - new)
        verdict = "REGRESSED" if gain < -tolerance else "IMPROVED" if gain > tolerance else "same"
        rows.append({"metric": name, "old": old, "new": new, "delta": round(new - old, 4), "verdict": verdict})
    return rows


def baseline_overall(report: dict) -> dict[str, float | None]:
    """The `overall` block of a report.json, checked enough to give a readable error."""
    overall = report.get("overall") if isinstance(report, dict) else None
    if not isinstance(overall, dict):
        raise GateError("The baseline is not a newsqa eval report.json (it has no 'overall' block).")
    return overall
