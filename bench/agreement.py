"""The checker on passages that agree: does it call a true paraphrase contradicted?

    python -m bench.agreement [--split tune held-out] [--show]

Real news restates the same fact in other words. RGB gives each question several positive passages,
written by different outlets, that each hold the gold answer. A sentence of one of them that states
the gold answer, cited to another that holds it too, is a paraphrase a reader would accept: the two
agree on the answer. The checker must not mark it contradicted (a different figure, the opposite verb,
a lone negation). The same sentence with its answer swapped for another question's (of the same kind,
held by neither) is wrong, and must not be marked supported. Per half of RGB (split by question id, as
bench.llm splits it): the pairs, the share marked contradicted (false alarms of contradiction on real
paraphrase), the share marked supported, and the share of swapped sentences marked supported (misses).
`--show` lists the tuning half's contradicted pairs and missed swaps (never the held-out half's: that
half only gives its figures).

The third-party data is read from `--data` and never copied here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.calibration import ROOT, held_out
from bench.llm import swap_answer
from qa.answering.answer import premise
from qa.checks.cite import verify
from qa.checks.markers import split_claims
from qa.eval.metrics import contains_answer
from qa.eval.sets import read_question_set
from qa.evidence import Evidence
from qa.index.embeddings import LocalEmbeddings
from qa.text import split_sentences
from qa.types import Chunk, SearchHit


def pairs(question) -> list[tuple[str, str]]:
    """(claim, passage): each sentence of a positive passage stating a gold answer, with each other
    positive passage that holds a gold answer."""
    answers = list(question.answers)
    holding = [p for p in dict.fromkeys(question.evidence) if contains_answer(p, answers)]
    return [(s, other) for p in holding for s in split_sentences(p) if contains_answer(s, answers)
            and len(s.split()) >= 5 for other in holding if other != p]


def cited(passage: str, question: str, embeddings) -> Evidence:
    """passage as source [1] of an answer to question."""
    return Evidence([SearchHit(1, 1.0, Chunk("c1", "a1", 0, passage, 0, len(passage)))], embeddings, premise(question))


def marked(claim: str, evidence: Evidence) -> tuple[bool, str]:
    """(supported, why contradicted or '') for claim [1] citing evidence's passage."""
    verdicts = verify(split_claims(f"{claim} [1]"), evidence)
    return all(v.supported for v in verdicts), next((v.contradicted for v in verdicts if v.contradicted), "")


def measure(path: Path, splits: list[str], show: bool) -> dict:
    embeddings = LocalEmbeddings()
    questions = read_question_set(path, "auto").questions
    table: dict[str, dict] = {}
    for q in questions:
        split = "held-out" if held_out(q.id) else "tune"
        if split not in splits:
            continue
        line = table.setdefault(split, {"questions": 0, "pairs": 0, "contradicted": 0, "supported": 0,
                                        "swapped": 0, "missed": 0})
        others = [o.answers[0] for o in questions if o.id != q.id and o.answers and held_out(o.id) == held_out(q.id)]
        start = sum(map(ord, q.id)) % len(others)
        pool = others[start:] + others[:start]  # another question's answer, the same on every run
        found = pairs(q)
        line["questions"] += bool(found)
        sources: dict[str, Evidence] = {}  # each passage split and embedded once per question
        for claim, passage in found:
            if passage not in sources:
                sources[passage] = cited(passage, q.question, embeddings)
            evidence = sources[passage]
            supported, why = marked(claim, evidence)
            line["pairs"] += 1
            line["supported"] += supported
            line["contradicted"] += bool(why)
            if why and show and split == "tune":
                print(f"{q.id} [{why}] {q.question}\n  claim:   {claim}\n  passage: {passage}\n")
            wrong = swap_answer(claim, passage, list(q.answers), pool)
            if wrong is not None:
                missed = marked(wrong, evidence)[0]
                line["swapped"] += 1
                line["missed"] += missed
                if missed and show and split == "tune":
                    print(f"{q.id} [missed] {q.question}\n  wrong:   {wrong}\n  passage: {passage}\n")
    for split, line in table.items():
        n = line["pairs"] or 1
        print(f"{split:9} questions {line['questions']:3}  pairs {line['pairs']:4}  "
              f"contradicted {line['contradicted'] / n:.3f} ({line['contradicted']})  "
              f"supported {line['supported'] / n:.3f}  "
              f"swapped answers supported {line['missed'] / (line['swapped'] or 1):.3f} ({line['missed']}/{line['swapped']})")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding rgb-en-fact/ (default: ../shared/data)")
    parser.add_argument("--split", nargs="+", choices=("tune", "held-out"), default=["tune", "held-out"])
    parser.add_argument("--show", action="store_true", help="list the tuning half's contradicted pairs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    path = args.data / "rgb-en-fact" / "en_fact.json"
    if not path.is_file():
        raise SystemExit(f"note: {path} is absent; nothing to measure")
    table = measure(path, args.split, args.show)
    if args.json:
        args.json.write_text(json.dumps(table, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
