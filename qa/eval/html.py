"""report.html for `newsqa eval`: one self-contained page (inline CSS and SVG, no scripts, no fetches).

Sections: what was run, headline figures, the summary table, a bar chart of metrics per type, latency,
baseline and gates, then every question with its answer, its citations and why it fell short.
"""

from __future__ import annotations

from html import escape

from qa.eval.metrics import BY_NAME
from qa.eval.summary import fmt, fmt_delta, measured, meta_line, worst_questions

CHART = ("hit@5", "mrr@10", "evidence_recall", "contains", "f1", "assertions_passed",
         "citation_precision", "supported", "refusal_accuracy")
HEADLINE = ("hit@5", "mrr@10", "contains", "assertions_passed", "citation_precision", "supported",
            "refusal_accuracy", "false_refusal")
PALETTE = ("#3b3b3b", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22")
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
 color:#1d2330;background:#f5f6f8}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px}
.meta{color:#566;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 14px;min-width:118px}
.card b{display:block;font-size:22px}.card span{color:#566;font-size:13px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px}
th,td{border:1px solid #dde1e7;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px}
tr.ok td:first-child{border-left:5px solid #2ca02c}tr.mid td:first-child{border-left:5px solid #f0a30a}
tr.bad td:first-child{border-left:5px solid #d62728}
.why{color:#a11;margin:6px 0 0;padding-left:18px}.small{font-size:13px;color:#566}
.REGRESSED{color:#c00;font-weight:bold}.IMPROVED{color:#080;font-weight:bold}
.fail{color:#c00;font-weight:bold}.pass{color:#080;font-weight:bold}
details summary{cursor:pointer;color:#1f5fa8}blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #ccd}
"""


def to_html(report: dict) -> str:
    """The whole page as one string."""
    body = [f"<h1>newsqa eval: {escape(str(report['meta'].get('questions_file', '')))}</h1>",
            f"<p class=meta>{escape(meta_line(report))}</p>", _cards(report),
            "<h2>Summary</h2>", _summary_table(report),
            "<h2>Metrics per question type</h2>", f"<div class=chart>{bar_chart(report)}</div>",
            _latency(report), _baseline(report), _gates(report),
            "<h2>Questions (those that fell short first)</h2>", _questions(report), _problems(report)]
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>newsqa eval report</title><style>{STYLE}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def _cards(report: dict) -> str:
    cards = [f"<div class=card><b>{len(report['questions'])}</b><span>questions</span></div>"]
    cards += [f"<div class=card title='{escape(BY_NAME[m].doc)}'><b>{fmt(report['overall'][m])}</b>"
              f"<span>{escape(m)}</span></div>" for m in HEADLINE if report["counts"].get(m)]
    return f"<div class=cards>{''.join(cards)}</div>"


def _summary_table(report: dict) -> str:
    types = list(report["by_type"])
    head = "".join(f"<th>{escape(t)} ({report['type_counts'][t]})</th>" for t in types)
    rows = []
    for m in measured(report):
        cells = "".join(f"<td class=num>{fmt(report['by_type'][t].get(m))}</td>" for t in types)
        rows.append(f"<tr><td title='{escape(BY_NAME[m].doc)}'><code>{escape(m)}</code><br>"
                    f"<span class=small>{escape(BY_NAME[m].doc)}</span></td>"
                    f"<td class=num><b>{fmt(report['overall'][m])}</b></td>"
                    f"<td class=num>{report['counts'][m]}</td>{cells}</tr>")
    return f"<table><tr><th>metric</th><th>overall</th><th>n</th>{head}</tr>{''.join(rows)}</table>"


def bar_chart(report: dict, width: int = 1100, plot_h: int = 260) -> str:
    """An inline SVG: for each headline metric a group of columns, one per type (and overall), 0..1."""
    metrics = [m for m in CHART if report["counts"].get(m)]
    series = list(report["by_type"].items())
    if len(series) != 1:  # with one type, "overall" would only repeat it
        series.insert(0, ("overall", report["overall"]))
    left, top, bottom = 44, 40, 40
    group_w = (width - left - 10) / max(len(metrics), 1)
    bar_w = min(22.0, (group_w - 14) / len(series))
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{top + plot_h + bottom}' "
           f"viewBox='0 0 {width} {top + plot_h + bottom}' role=img aria-label='metrics per question type' "
           "font-family='DejaVu Sans, sans-serif' font-size='12'>"]
    out += _legend([name for name, _ in series], left)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = top + plot_h * (1 - tick)
        out.append(f"<line x1='{left}' x2='{width - 10}' y1='{y}' y2='{y}' stroke='#dde1e7'/>"
                   f"<text x='{left - 6}' y='{y + 4}' text-anchor='end' fill='#566'>{tick:g}</text>")
    for g, metric in enumerate(metrics):
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for i, (name, values) in enumerate(series):
            out.append(_column(values.get(metric), x0 + i * bar_w, top, plot_h, bar_w - 2, PALETTE[i % 10],
                               f"{name} {metric}"))
        out.append(f"<text x='{left + (g + 0.5) * group_w:.1f}' y='{top + plot_h + 18}' text-anchor='middle' "
                   f"font-size='12.5'>{escape(metric)}</text>")
    return "".join(out) + "</svg>"


def _legend(names: list[str], x0: int) -> list[str]:
    out, x = [], x0
    for i, name in enumerate(names):
        out.append(f"<rect x='{x}' y='10' width='12' height='12' fill='{PALETTE[i % 10]}'/>"
                   f"<text x='{x + 16}' y='20'>{escape(name)}</text>")
        x += 28 + 7 * len(name)
    return out


def _column(value: float | None, x: float, top: int, plot_h: int, w: float, color: str, label: str) -> str:
    """One column of height value (0..1); a value of 0 shows as a hairline, no value as nothing."""
    if value is None:
        return ""
    h = max(1.5, plot_h * max(0.0, min(1.0, value)))
    return (f"<rect x='{x:.1f}' y='{top + plot_h - h:.1f}' width='{w:.1f}' height='{h:.1f}' fill='{color}'>"
            f"<title>{escape(label)}: {value:.3f}</title></rect>")


def _latency(report: dict) -> str:
    rows = "".join(f"<tr><td>{escape(s)}</td><td class=num>{fmt(v['p50'], ms=True)}</td>"
                   f"<td class=num>{fmt(v['p95'], ms=True)}</td></tr>" for s, v in report.get("latency", {}).items())
    return f"<h2>Latency</h2><table><tr><th>stage</th><th>p50</th><th>p95</th></tr>{rows}</table>" if rows else ""


def _baseline(report: dict) -> str:
    base = report.get("baseline")
    if not base:
        return ""
    rows = "".join(f"<tr><td><code>{escape(r['metric'])}</code></td><td class=num>{fmt(r['old'])}</td>"
                   f"<td class=num>{fmt(r['new'])}</td><td class=num>{fmt_delta(r['delta'])}</td>"
                   f"<td class={r['verdict']}>{r['verdict']}</td></tr>" for r in base["rows"])
    return (f"<h2>Against the baseline {escape(str(base['file']))} (tolerance {base['tolerance']})</h2>"
            f"<table><tr><th>metric</th><th>baseline</th><th>now</th><th>delta</th><th>verdict</th></tr>{rows}</table>")


def _gates(report: dict) -> str:
    gates = report.get("gates") or {}
    if not gates.get("floors") and not gates.get("ceilings"):
        return ""
    items = [f"<li><code>{escape(m)}</code> &ge; {v}</li>" for m, v in gates.get("floors", {}).items()]
    items += [f"<li><code>{escape(m)}</code> &le; {v}</li>" for m, v in gates.get("ceilings", {}).items()]
    failures = gates.get("failures") or []
    verdict = ("<p class=fail>Failed: " + "; ".join(escape(f) for f in failures) + "</p>") if failures \
        else "<p class=pass>All gates met.</p>"
    return f"<h2>Gates</h2><ul>{''.join(items)}</ul>{verdict}"


def _questions(report: dict) -> str:
    """Every question, those that fell short first (worst score first), then the rest in file order."""
    worst = worst_questions(report, limit=len(report["questions"]))
    failing = {q["id"] for q in worst}
    ordered = worst + [q for q in report["questions"] if q["id"] not in failing]
    rows = "".join(_question_row(q, q["id"] in failing) for q in ordered)
    return ("<table class=questions><tr><th style='width:24%'>question, and why it fell short</th>"
            "<th style='width:32%'>answer</th><th style='width:30%'>citations</th><th>checks</th></tr>"
            f"{rows}</table>")


def _question_row(q: dict, failing: bool) -> str:
    score = q["score"] if q["score"] is not None else 0
    css = "ok" if not failing else "bad" if score < 0.5 else "mid"
    asked = escape(q["question"])
    if q["standalone"] and q["standalone"] != q["question"]:
        asked += f"<br><span class=small>asked as: {escape(q['standalone'])}</span>"
    why = "".join(f"<li>{escape(r)}</li>" for r in q["reasons"])
    label = (f"<b>{escape(q['id'])}</b> <span class=small>{escape(q['type'])}</span><br>{asked}"
             + (f"<ul class=why>{why}</ul>" if why else ""))
    answer = escape(q["answer"]) + (" <span class=small>(abstained)</span>" if q["abstained"] else "")
    return (f"<tr class={css}><td>{label}</td><td>{answer}</td><td>{_citations(q)}</td>"
            f"<td class=small>{_checks(q)}</td></tr>")


def _citations(q: dict) -> str:
    items = []
    for c in q["citations"]:
        name = escape(c["title"] or c["outlet"] or c["chunk_id"])
        quote = f"<blockquote>{escape(c['quote'])}</blockquote>" if c["quote"] else ""
        items.append(f"<div>[{c['n']}] {name}{quote}<details><summary>passage</summary>"
                     f"{escape(c['text'])}</details></div>")
    return "".join(items) or "<span class=small>none</span>"


def _checks(q: dict) -> str:
    parts = [f"score {fmt(q['score'])}"]
    if q.get("first_rank") is not None:
        parts.append(f"evidence rank {q['first_rank'] or '>10'}")
    parts += [f"{escape(m)} {fmt(v)}" for m, v in q["metrics"].items() if not m.startswith("hit@")]
    return "<br>".join(parts)


def _problems(report: dict) -> str:
    problems = report["meta"].get("problems") or []
    if not problems:
        return ""
    return "<h2>Skipped rows</h2><ul>" + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>"
