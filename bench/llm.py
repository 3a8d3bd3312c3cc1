"""LLM mode against extractive, on the same questions: what is right, what is cited, what the checker
marks, and how long a person waits.

    python -m bench.llm                                  # extractive, then SmolLM2-135M (the tests' model)
    python -m bench.llm --model qwen2.5-1.5b smollm2-135m --limit 30 --out runs/llm.jsonl
    python -m bench.llm --model qwen2.5-1.5b --corpus rgb multihop --skip 30 --limit 80 --out runs/rest.jsonl
    python -m bench.llm --recheck runs/llm.jsonl         # the checker again on saved answers (no model)

Modes: `extractive` always, then each `--model` of `newsqa model list`, pulled into `--models-dir` and
served by llama.cpp's server (`ui.local_llm.LocalServer`, settings from the machine). Corpora: the
sample and the archive (all questions), MultiHop-RAG dev and RGB (`--data`, third-party, never copied
here), the last two split by a hash of the question id (`bench.calibration.held_out`) into a tuning
and a held-out half, the first `--limit` of each half asked. Prompt and checker were tuned on the
tuning half only.

Per mode, corpus and split: contains, citation precision and recall, the share of answer sentences
supported, contradicted and flagged, time to first token and total time (medians), and the checker's

- false-alarm rate: of the answer sentences a reader would judge right (they hold a gold answer, cite
  a passage holding gold evidence, and take their figures from the cited passages or the question), the
  share marked unsupported or contradicted;
- miss rate: of wrong sentences, the share marked supported. Wrong sentences are made from the right
  ones, so a reader knows they are wrong: the gold answer swapped for another question's (a figure or
  name the cited passage does not hold), or the citation moved to a retrieved passage that holds no
  evidence and not the answer.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.calibration import ROOT, corpora, held_out, scratch_library
from qa.answering.answer import premise
from qa.checks.cite import check_citations
from qa.eval.metrics import contains_answer, holds_evidence
from qa.eval.run import score, verdict_of, yes_no
from qa.eval.sets import read_question_set
from qa.evidence import Evidence
from qa.figures import number_value, numbers_in, ordinal_values
from qa.index.embeddings import LocalEmbeddings
from qa.text import MARKER, content_words, strip_markers
from qa.types import Chunk, Filters, SearchHit
from ui.context import Library

METRICS = ("contains", "citation_precision", "citation_recall", "supported", "contradicted", "flagged",
           "false_alarm", "miss", "ttft_s", "total_s")
SPLIT = {"rgb", "multihop"}  # corpora split into tuning and held-out halves
# Corpora whose gold evidence lists the parts of an answer (MultiHop: one fact per article the question
# draws on), so a sentence must cite each part it restates; RGB's positives are alternative passages.
PARTS = {"multihop"}


def questions_of(name: str, qset, limit: int | None, splits=("tune", "held-out"),
                 skip: int = 0) -> list[tuple[str, object]]:
    """(split, question) pairs: every question of the small sets, otherwise `limit` questions of each
    half (of `splits`) after its first `skip` (a fresh tuning set once the first ones are worn)."""
    if name not in SPLIT:
        return [("all", q) for q in qset.questions]
    halves = {"tune": [], "held-out": []}
    for q in qset.questions:
        halves["held-out" if held_out(q.id) else "tune"].append(q)
    return [(split, q) for split, part in halves.items() if split in splits for q in part[skip:][:limit]]


def ask(library, q, mode: str) -> dict:
    """One question through the real chain (streamed, as a person waits), scored like `newsqa eval`."""
    filters = Filters(until=q.as_of) if q.as_of else None
    started, first = time.perf_counter(), None
    stream = library.answerer.stream(q.question, filters=filters, as_of=q.as_of)
    for _ in stream:
        first = first if first is not None else time.perf_counter() - started
    answer = stream.answer()
    total = time.perf_counter() - started
    metrics, _ = score(q, answer, [], library.settings.top_k)
    n = len(answer.sentences)
    metrics.update(contradicted=sum(s.contradicted for s in answer.sentences) / n if n and not answer.abstained
                   else None, flagged=float(answer.flagged) if not answer.abstained else None)
    return {"mode": mode, "id": q.id, "question": q.question, "answers": list(q.answers),
            "evidence": list(q.evidence), "yes_no": yes_no(q.answers), "verdict": verdict_of(answer),
            "abstained": answer.abstained, "fell_back": answer.mode != mode.split(":")[0] and mode != "extractive",
            "answer": answer.text, "ttft_s": round(first if first is not None else total, 2),
            "total_s": round(total, 2), "metrics": metrics,
            "citations": [{"n": c.n, "title": c.title, "outlet": c.outlet, "published_at": c.published_at,
                           "text": c.text} for c in answer.citations],
            "sentences": [{"text": s.text, "citations": s.citations, "supported": s.supported,
                           "contradicted": s.contradicted} for s in answer.sentences]}


# --- the checker judged against the gold answers -------------------------------------------------
def right(row: dict, sentence: dict, outlets: frozenset[str] = frozenset()) -> bool:
    """A reader's judgement: the sentence holds a gold answer, cites a passage holding gold evidence,
    states no figure that neither the cited passages nor the question give ("acquired on March 19,
    2019" citing a passage dated 14 Dec 2017 is not cited to the right passage), cites every outlet of
    `outlets` it names, and (where the evidence lists parts) every part it draws on (`cited_as_drawn`).
    The sentences of a yes/no answer are not judged: a gold "Yes" says nothing of any one of them.

    >>> row = {"corpus": "rgb", "abstained": False, "yes_no": False, "answers": ["Germany"],
    ...        "evidence": ["Germany won the 2014 World Cup"],
    ...        "citations": [{"n": 1, "outlet": "Wire", "text": "Germany won the 2014 World Cup in Rio."}]}
    >>> right(row, {"text": "Germany won the 2014 World Cup.", "citations": [1]}, frozenset({"Wire", "Daily"}))
    True
    >>> right(row, {"text": "Daily says Germany won the 2014 World Cup.", "citations": [1]}, frozenset({"Daily"}))
    False
    >>> right(row, {"text": "Germany won the 2014 World Cup on 13 July.", "citations": [1]})
    False
    """
    if row["abstained"] or not row["answers"] or not sentence["citations"] or row["yes_no"]:
        return False
    text = strip_markers(sentence["text"])
    cited = [c for c in row["citations"] if c["n"] in sentence["citations"]]
    texts = [c["text"] for c in cited]
    named = {o for o in outlets if re.search(rf"(?<!\w){re.escape(o)}(?!\w)", text)}
    return (contains_answer(text, row["answers"]) > 0
            and any(holds_evidence(t, e) for t in texts for e in row["evidence"])
            and _figures_given(text, [*texts, row.get("question", "")])
            and named <= {c.get("outlet", "") for c in cited}
            and (row["corpus"] not in PARTS or cited_as_drawn(text, texts, row["evidence"], row["answers"])))


def _figures_given(text: str, sources: list[str]) -> bool:
    """Every number the text states is one that a source gives (as a value: '12,000' ~ '12000')."""
    given = set().union(*(numbers_in(t) | ordinal_values(t) for t in sources))
    return all(number_value(n) in given for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def cited_as_drawn(text: str, cited: list[str], evidence: list[str], answers: list[str]) -> bool:
    """False when the sentence draws on a piece of gold evidence (shares two of its content words, the
    answer's aside) that no cited passage holds, nor the words drawn from it: a sentence that restates
    three reports' claims and cites one of them is not cited to the right passages.

    >>> cited_as_drawn("Google, criticised for its Gemini model, makes deals with Apple.",
    ...                ["Google makes deals with Apple and Samsung."],
    ...                ["Google makes deals with Apple", "Google touted the Gemini model's architecture"],
    ...                ["Google"])
    False
    """
    words, answer = content_words(text), set().union(*map(content_words, answers))
    found = set().union(*map(content_words, cited)) if cited else set()
    for e in evidence:
        drawn = (words & content_words(e)) - answer
        if len(drawn) >= 2 and not any(holds_evidence(t, e) for t in cited) and not drawn <= found:
            return False
    return True


def _evidence(row: dict, embeddings) -> Evidence:
    """The answer's cited passages, numbered as in its text, and what its question takes as given (as
    `qa.answering.answer` builds it: a wh-question's text, nothing of a yes/no question)."""
    hits = [SearchHit(c["n"], 1.0, Chunk(f"c{c['n']}", f"a{c['n']}", 0, c["text"], 0, len(c["text"]),
                                         title=c["title"], outlet=c.get("outlet", ""),
                                         published_at=c.get("published_at", ""))) for c in sorted(row["citations"], key=lambda c: c["n"])]
    return Evidence(hits, embeddings, premise(row.get("question", "")))


def _marked(text: str, cited: list[int], evidence: Evidence) -> tuple[bool, bool]:
    """How the checker marks text citing those passages: (supported, contradicted)."""
    marks = "".join(f"[{n}]" for n in cited)
    sentences = check_citations(f"{strip_markers(text)} {marks}", evidence).sentences
    return bool(sentences) and all(s.supported for s in sentences), any(s.contradicted for s in sentences)


def kind(answer: str) -> str:
    """What a gold answer is, so a swapped-in one is of the same kind: 'number', 'name' or '' (other).

    >>> kind("38 mln euros"), kind("Yuri Borisov"), kind("strong disagreement")
    ('number', 'name', '')
    """
    if any(ch.isdigit() for ch in answer):
        return "number"
    return "name" if answer[:1].isupper() else ""


def swap_answer(text: str, cited: str, answers: list[str], others: list[str]) -> str | None:
    """text with the gold answer it states swapped for the first of others of the same kind (`kind`)
    that neither text nor the cited text holds; None when there is none."""
    gold = next((a for a in answers if a and a.lower() in text.lower()), None)
    if not gold or not kind(gold):
        return None
    swap = next((o for o in others if kind(o) == kind(gold) and o.lower() not in cited.lower()
                 and o.lower() not in text.lower() and o.lower() != gold.lower()), None)
    return re.sub(re.escape(gold), swap, text, count=1, flags=re.IGNORECASE) if swap else None


def wrong_variants(row: dict, sentence: dict, others: list[str]) -> list[tuple[str, list[int]]]:
    """Sentences a reader knows are wrong, made from a right one: (text, citations)."""
    text, cited = strip_markers(sentence["text"]), sentence["citations"]
    texts = {c["n"]: c["text"] for c in row["citations"]}
    out = []
    swapped = swap_answer(text, " ".join(texts.get(n, "") for n in cited), row["answers"], others)
    if swapped:
        out.append((swapped, cited))
    elsewhere = [n for n, t in texts.items() if n not in cited and not holds_evidence(t, text)
                 and not any(holds_evidence(t, e) for e in row["evidence"])
                 and not any(a.lower() in t.lower() for a in row["answers"])]
    if elsewhere:
        out.append((text, [elsewhere[0]]))
    return out


def checker_rates(rows: list[dict], embeddings) -> None:
    """Per row: judged sentences and how the checker marked them (added to row["check"])."""
    outlets: dict[str, frozenset[str]] = {}  # the outlets of a corpus, as its answers cite them
    for row in rows:
        outlets[row["corpus"]] = outlets.get(row["corpus"], frozenset()) | {
            c["outlet"] for c in row["citations"] if c.get("outlet")}
    for row in rows:
        row["check"] = {"right": 0, "false_alarm": 0, "wrong": 0, "missed": 0}
        judged = [s for s in row["sentences"] if right(row, s, outlets[row["corpus"]])]
        if not judged:
            continue
        evidence = _evidence(row, embeddings)
        others = sorted({a for r in rows if r["corpus"] == row["corpus"] and not r["yes_no"] and r["id"] != row["id"]
                         for a in r["answers"][:1] if len(a) > 2})
        start = sum(map(ord, row["id"])) % len(others) if others else 0
        pool = others[start:] + others[:start]  # another question's answer, the same for every mode
        for s in judged:
            row["check"]["right"] += 1
            row["check"]["false_alarm"] += (not s["supported"]) or s["contradicted"]
            for text, cited in wrong_variants(row, s, pool):
                row["check"]["wrong"] += 1
                row["check"]["missed"] += _marked(text, cited, evidence)[0]


def recheck(rows: list[dict], embeddings) -> None:
    """Run today's checker again on saved answers: each sentence re-marked against its cited passages.
    A sentence with markers inside its text was composed by newsqa from checked figures ("23 (Valley
    Health News, 1 Mar) [1]; earlier 14 (16 Feb) [2]"), not written by the model: it keeps its marks."""
    for row in rows:
        if row["abstained"] or not row["citations"]:
            continue
        evidence = _evidence(row, embeddings)
        for s in row["sentences"]:
            if s["citations"] and not MARKER.search(s["text"]):
                s["supported"], s["contradicted"] = _marked(s["text"], s["citations"], evidence)
        _remeasure(row)


def _remeasure(row: dict) -> None:
    """The shares of sentences supported and contradicted, and the flag (most of the model's own
    sentences unsupported), from the sentences' marks, as `ask` measured them."""
    sentences, own = row["sentences"], [s for s in row["sentences"] if not MARKER.search(s["text"])]
    if sentences and row["metrics"].get("supported") is not None:
        row["metrics"]["supported"] = sum(s["supported"] for s in sentences) / len(sentences)
        row["metrics"]["contradicted"] = sum(bool(s["contradicted"]) for s in sentences) / len(sentences)
        row["metrics"]["flagged"] = float(sum(not s["supported"] for s in own) * 2 > len(own))


# --- the table ---------------------------------------------------------------------------------
def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(rows: list[dict]) -> dict:
    """One line of the table: means over the questions each metric applies to, medians of the times."""
    def metric(name):
        return [r["metrics"][name] for r in rows if r["metrics"].get(name) is not None]

    checks = [r["check"] for r in rows if "check" in r]
    right_n, wrong_n = sum(c.get("right", 0) for c in checks), sum(c.get("wrong", 0) for c in checks)
    return {"questions": len(rows), "abstained": sum(r["abstained"] for r in rows),
            "fell_back": sum(r["fell_back"] for r in rows),
            **{m: _mean(metric(m)) for m in METRICS[:6]},
            "false_alarm": round(sum(c.get("false_alarm", 0) for c in checks) / right_n, 3) if right_n else None,
            "right_sentences": right_n,
            "miss": round(sum(c.get("missed", 0) for c in checks) / wrong_n, 3) if wrong_n else None,
            "wrong_sentences": wrong_n,
            "ttft_s": _median([r["ttft_s"] for r in rows]), "total_s": _median([r["total_s"] for r in rows])}


def table(rows: list[dict]) -> list[dict]:
    """Print and return one line per (corpus, split, mode)."""
    keys = list(dict.fromkeys((r["corpus"], r["split"], r["mode"]) for r in rows))
    head = ("corpus", "split", "mode", "n", "contains", "cite P", "cite R", "supp", "contra", "flag",
            "false al.", "miss", "ttft s", "total s")
    print(" ".join(f"{h:>10}" for h in head))
    out = []
    for corpus, split, mode in sorted(keys):
        line = summarise([r for r in rows if (r["corpus"], r["split"], r["mode"]) == (corpus, split, mode)])
        out.append({"corpus": corpus, "split": split, "mode": mode, **line})
        cells = [corpus, split, mode, line["questions"]] + [line[m] for m in METRICS]
        rendered = [f"{'—' if c is None else c}" for c in cells]
        rendered[10] += f"/{line['right_sentences']}" if line["false_alarm"] is not None else ""
        rendered[11] += f"/{line['wrong_sentences']}" if line["miss"] is not None else ""
        print(" ".join(f"{c:>10}" for c in rendered))
    return out


def with_settings(library: Library, **updates) -> Library:
    """The same opened index, answered under other settings (a new answerer)."""
    other = Library(library.settings.model_copy(update=updates))
    other.__dict__.update({k: v for k, v in library.__dict__.items() if k in ("embeddings", "store", "lexical",
                                                                             "stories", "retriever")})
    return other


def run(models: list[str], names: list[str], data: Path, limit: int | None, models_dir: Path,
        splits=("tune", "held-out"), skip: int = 0, partial: Path | None = None) -> list[dict]:
    """Every question of `names` in every mode; each answer is also appended to `partial` as it comes
    (an hour's run that stops halfway keeps what it has)."""
    from ui.local_llm import LocalServer, environment, find_model, machine_settings

    embeddings = LocalEmbeddings()
    with tempfile.TemporaryDirectory(prefix="newsqa-llm-") as tmp:
        built = []
        for name, questions, sources in corpora(data):
            if name in names:
                qset = read_question_set(questions, "auto")
                library = scratch_library(qset, sources, embeddings, str(Path(tmp) / name), "llm")
                built.append((name, qset, library))
        rows = []
        for mode in ["extractive", *models]:
            server = None
            if mode != "extractive":
                chosen = find_model(mode)
                server = LocalServer(chosen.path(models_dir), mode, machine_settings(chosen)).start()
            try:
                for name, qset, library in built:
                    if server is not None:
                        env = environment(server)
                        library = with_settings(library, openai_base_url=env["OPENAI_BASE_URL"], llm_model=mode,
                                                        llm_context=int(env["NEWSQA_LLM_CONTEXT"]),
                                                        llm_max_tokens=int(env["NEWSQA_LLM_MAX_TOKENS"]),
                                                        llm_deadline=float(env["NEWSQA_LLM_DEADLINE"]),
                                                        llm_timeout=float(env["NEWSQA_LLM_DEADLINE"]))
                    for split, q in questions_of(name, qset, limit, splits, skip):
                        row = {"corpus": name, "split": split, **ask(library, q, "llm" if server else mode)}
                        row["mode"] = mode
                        rows.append(row)
                        if partial is not None:
                            with partial.open("a", encoding="utf-8") as f:
                                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                        print(f"  {mode} {name} {split} {len(rows)}: {row['total_s']} s", flush=True)
            finally:
                if server is not None:
                    server.stop()
        for _, _, library in built:
            library.lexical.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", nargs="*", default=["smollm2-135m"], help="models of `newsqa model list`")
    parser.add_argument("--models-dir", type=Path, default=ROOT / ".models")
    parser.add_argument("--corpus", nargs="+", choices=("sample", "archive", "rgb", "multihop"),
                        default=["sample", "archive", "multihop", "rgb"])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding rgb-en-fact/ and multihop-rag-dev/ (default: ../shared/data)")
    parser.add_argument("--limit", type=int, default=20, help="questions asked of each half of RGB and MultiHop")
    parser.add_argument("--skip", type=int, default=0, metavar="N",
                        help="pass over the first N questions of each half (a fresh tuning set)")
    parser.add_argument("--split", nargs="+", choices=("tune", "held-out"), default=["tune", "held-out"],
                        help="halves of RGB and MultiHop asked (tune prompts and settings on 'tune' alone)")
    parser.add_argument("--out", type=Path, help="write every answer (JSON lines) here, for --recheck "
                        "(OUT.partial grows answer by answer while the run lasts)")
    parser.add_argument("--recheck", type=Path, help="no model: re-mark the answers saved by --out")
    parser.add_argument("--json", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    if args.recheck:
        rows = [json.loads(line) for line in args.recheck.read_text(encoding="utf-8").splitlines() if line]
        recheck([r for r in rows if r["mode"] != "extractive"], LocalEmbeddings())
    else:
        partial = args.out.with_name(args.out.name + ".partial") if args.out else None
        if partial is not None:
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
        rows = run(args.model, args.corpus, args.data, args.limit, args.models_dir, args.split, args.skip, partial)
    checker_rates(rows, LocalEmbeddings())
    if args.out and not args.recheck:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    lines = table(rows)
    if args.json:
        args.json.write_text(json.dumps(lines, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
