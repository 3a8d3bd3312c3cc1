"""News that changes, made from any corpus: can newsqa find a corrected figure, give the latest one,
and say when sources differ, without crying wolf on news that did not change?

From the corpus's sentences that give one count ("1,200 workers", "15 people") it makes, per family:

- updates: the same outlet, hours later, one figure corrected, with an update note (a new URL);
- edited copies: another outlet carries the story (`bench.syndicate` furniture) with one figure changed;
- developing stories: three reports over five days, alternating two outlets, the figure rising;
- conflicting reports: the same day, another outlet, another figure, attributed to another source.

It ingests them with the corpus into one collection and reports

- findable: of the edited figures (updates and copies), the share whose own sentence finds, in the top 5,
  the passage that holds it; and the same for the originals' figures;
- latest: of updates and developing stories, the share of answers whose first figure is the newest;
- disagreement recall: of conflicting reports and other-outlet copies, the share of answers that say
  "Sources differ" with both figures;
- false alarms: on the corpora without edits (MultiHop-RAG dev, RGB) and their own questions, the share
  of answers that say "Sources differ" (`--false-alarms`).

Template families: `tuning` (what the rules were developed against), `heldout` (other wordings; its
overall figures were seen once during tuning, never its items) and `unseen` (written then, and only
used for reporting). Copies take the family's furniture from `bench.syndicate`.

    python -m bench.versions                                   # MultiHop-RAG dev corpus, both families
    python -m bench.versions --corpus rgb --family heldout
    python -m bench.versions --false-alarms                    # RGB and MultiHop dev, no edits

The data is third-party and read from `--data` (default ../shared/data); it is never copied into the
project. A corpus whose files are absent is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.syndicate import CITIES, FAMILIES, Source, make_copy
from bench.syndication import ROOT, as_article, build, load_corpus
from qa.config import Settings
from qa.eval.sets import read_question_set
from qa.figures import Figure, figures
from qa.text import sentence_spans
from ui.context import Library

DEVELOP_DAYS = (0, 2, 5)  # a developing story's reports: days after the first, as the 3, 4 (+1) and 7 Mar


@dataclass(frozen=True)
class Changes:
    """How one family words what changes: update notes, rising figures, a disputing source."""

    notes: tuple[str, ...]  # put first in an update
    forms: tuple[str, ...]  # how a developing report words its figure: "{n} {things}"
    leads: tuple[str, ...]  # a developing report's opening, before the figure sentence
    rivals: tuple[str, ...]  # a conflicting report's attribution, after the figure sentence


CHANGES = {
    "tuning": Changes(
        notes=("This story has been updated.", "Editor's note: This story has been updated with a corrected figure.",
               "UPDATED: This article has been updated."),
        forms=("{n} {things}", "at least {n} {things}", "{n} {things}"),
        leads=("", "Officials gave a new figure on {day}.", "The latest count was released on {day}."),
        rivals=("a union spokesperson said, disputing the official count.",
                "according to figures from a rival group.", "the opposition said."),
    ),
    "heldout": Changes(
        notes=("CORRECTION: An earlier version of this story gave a wrong figure.",
               "This article was revised to correct a figure.", "Update (3:40 p.m.): Adds revised figure."),
        forms=("more than {n} {things}", "{n} {things}", "some {n} {things}"),
        leads=("{day} —", "A fresh tally emerged {day}.", "New numbers were published {day}."),
        rivals=("campaigners insisted.", "the company's own count showed, contradicting the report.",
                "local organisers said."),
    ),
    # Written after a first look at the other two families' overall figures, before any further tuning,
    # and only ever used for reporting.
    "unseen": Changes(
        notes=("Clarification: This version corrects a number given earlier.",
               "Developing story — this report was amended at 9:05 a.m.", "Amended to fix a figure in the second line."),
        forms=("{n} {things}", "close to {n} {things}", "nearly {n} {things}"),
        leads=("By {day} evening the figure had changed.", "", "Authorities revised their count on {day}."),
        rivals=("per a tally kept by volunteers.", "an independent monitor claimed.",
                "the regional office countered, rejecting the earlier count."),
    ),
}


@dataclass
class Item:
    """One made change: its kind, the articles, the question asked, and the figures it should show."""

    kind: str  # "update", "copy", "develop", "conflict"
    question: str
    old: str  # the original figure's number as written
    new: str  # the newest (or the other outlet's) figure's number
    sentence: str  # the changed sentence (searching for it must find its passage)
    original: str  # the original sentence
    values: tuple[str, ...] = ()  # every value the made reports give (a developing story's three)


def _count(sentence: str) -> Figure | None:
    """The first count a sentence gives of something it names ("1,200 workers"), of 2 or more; not a
    modifier ("a 52-yard field goal") and none other for the same thing."""
    found = [f for f in figures(sentence) if f.kind == "count"]
    usable = [f for f in found if f.counted and f.thing and f.value >= 2 and f.high is None and "-" not in f.text]
    if not usable or sum(f.thing == usable[0].thing for f in found) > 1:
        return None
    return usable[0]


def _written(value: float, like: str) -> str:
    """value written as the number `like` is: '12,400' -> '18,900'; '12.3' -> '16.1'."""
    if "." in like:
        return f"{value:.{len(like.split('.')[-1])}f}"
    return f"{int(round(value)):,}" if "," in like else str(int(round(value)))


def _number_of(figure: Figure, sentence: str) -> str:
    return re.match(r"[\d,.]+", sentence[figure.span[0]:]).group(0) if sentence[figure.span[0]].isdigit() else ""


def question_for(sentence: str, figure: Figure, title: str = "") -> str:
    """The sentence asked back about its figure: 'Officials said 1,200 workers took part.' ->
    'Officials said how many workers took part?' (when the words after the figure say little, the
    headline is named)."""
    start, end = figure.span
    things = sentence[start:end].split()[-1]
    asked = (sentence[:start] + f"how many {things}" + sentence[end:]).strip().rstrip(".…").rstrip()
    asked = asked[:1].upper() + asked[1:]
    if len(asked.split()) < 6 and title.strip():
        asked += f", in “{title.strip()}”"
    return asked + "?"


def candidates(sources: list[Source]) -> list[tuple[int, str, Figure]]:
    """(source index, sentence, its count) for each source with a usable sentence."""
    out, seen = [], set()
    for n, src in enumerate(sources):
        for s, e in sentence_spans(src.body)[:12]:
            sentence = src.body[s:e]
            figure = _count(sentence)
            if figure is not None and 6 <= len(sentence.split()) <= 45 and _number_of(figure, sentence):
                if sentence not in seen and src.body.count(sentence) == 1:  # corpora repeat passages
                    seen.add(sentence)
                    out.append((n, sentence, figure))
                break
    return out


def _changed(sentence: str, figure: Figure, factor: float, form: str = "{n} {things}") -> tuple[str, str]:
    """sentence with its figure's number multiplied by factor (the figure worded by form), and the new
    number as written."""
    number = _number_of(figure, sentence)
    new = _written(float(number.replace(",", "")) * factor, number)
    if new == number:
        new = _written(float(number.replace(",", "")) + 1, number)
    start, end = figure.span
    things = sentence[start + len(number):end].strip()
    return sentence[:start] + form.format(n=new, things=things).strip() + sentence[end:], new


def _when(src: Source) -> datetime:
    try:
        return datetime.fromisoformat(src.published_at).replace(tzinfo=None)
    except ValueError:
        return datetime(2023, 11, 1, 8)


def make(sources: list[Source], family: str, per_kind: int, seed: int = 7) -> tuple[list[Source], list[Item]]:
    """The made articles and items (see the module docstring)."""
    rng = random.Random(seed)
    changes, furniture = CHANGES[family], FAMILIES[family]
    pool = candidates(sources)
    rng.shuffle(pool)
    titles = [s.title for s in sources]
    made: list[Source] = []
    items: list[Item] = []
    kinds = ["update", "copy", "develop", "conflict"]
    for k, (n, sentence, figure) in enumerate(pool[: per_kind * len(kinds)]):
        kind, src = kinds[k % len(kinds)], sources[n]
        old = _number_of(figure, sentence)
        factor = rng.uniform(1.2, 1.7)
        when = _when(src)
        question = question_for(sentence, figure, src.title)
        if kind == "update":
            changed, new = _changed(sentence, figure, factor)
            body = rng.choice(changes.notes) + "\n\n" + src.body.replace(sentence, changed, 1)
            made.append(Source(src.title, body, src.outlet, (when + timedelta(hours=5)).isoformat(),
                               src.url.split("#")[0] + "?updated=1"))
            items.append(Item(kind, question, old, new, changed, sentence))
        elif kind == "copy":
            copy = make_copy(src, rng, furniture, titles, len(made))
            if sentence not in copy.body:
                continue
            changed, new = _changed(sentence, figure, factor)
            made.append(Source(copy.title, copy.body.replace(sentence, changed, 1), copy.outlet, copy.published_at,
                               copy.url))
            items.append(Item(kind, question, old, new, changed, sentence))
        elif kind == "develop":
            outlets = (src.outlet or "Wire One", rng.choice(furniture.carriers))
            last, values = "", []
            for day, offset in enumerate(DEVELOP_DAYS):  # the original is the first report
                changed, new = _changed(sentence, figure, 1 + 0.35 * day, rng.choice(changes.forms) if day else "{n} {things}")
                if day:
                    at = when + timedelta(days=offset, hours=rng.randint(0, 10))
                    lead = rng.choice(changes.leads).format(day=at.strftime("%A"))
                    made.append(Source(f"{src.title} ({day + 1})", (lead + " " if lead else "") + changed,
                                       outlets[day % 2], at.isoformat(), f"https://develop.example/{len(made)}"))
                last = new
                values.append(new)
            items.append(Item(kind, question, old, last, changed, sentence, tuple(values)))
        else:
            changed, new = _changed(sentence, figure, factor)
            rival = changed.rstrip(".") + ", " + rng.choice(changes.rivals)
            outlet = rng.choice(furniture.carriers)
            dateline = rng.choice(furniture.datelines).format(city=rng.choice(CITIES), month_day=f"{when:%b} {when.day}")
            made.append(Source(f"{src.title.split(':')[0]}: figures disputed", dateline + rival, outlet,
                               (when + timedelta(hours=rng.randint(1, 9))).isoformat(),
                               f"https://conflict.example/{len(made)}"))
            items.append(Item(kind, question, old, new, rival, sentence))
    return made, items


def _first_number(text: str, numbers: set[str]) -> str:
    """The first of numbers (as written, commas ignored) that text gives."""
    plain = {n.replace(",", "") for n in numbers}
    for f in figures(text):
        for token in re.findall(r"\d[\d,.]*\d|\d", f.text):
            if token.replace(",", "") in plain:
                return token.replace(",", "")
    return ""


def _holds(text: str, number: str) -> bool:
    return number.replace(",", "") in {t.replace(",", "") for t in re.findall(r"\d[\d,.]*\d|\d", text)}


def score(library: Library, items: list[Item]) -> dict:
    retriever, answerer = library.retriever, library.answerer
    found_new, found_old, latest, recall = [], [], [], []
    for item in items:
        if item.kind in ("update", "copy"):
            hits = retriever.search(item.sentence, k=5)
            found_new.append(any(_holds(h.chunk.text, item.new) for h in hits))
            hits = retriever.search(item.original, k=5)
            found_old.append(any(_holds(h.chunk.text, item.old) for h in hits))
        answer = answerer.answer(item.question)
        first = answer.text.split("\n\n")[0]
        if item.kind in ("update", "develop"):
            lead = next((d.sides[0].figure for d in answer.disagreements if getattr(d, "kind", "differ") != "differ"), first)
            latest.append(_first_number(lead, set(item.values) | {item.old, item.new}) == item.new.replace(",", ""))
        if item.kind in ("copy", "conflict"):
            recall.append(any(getattr(d, "kind", "differ") == "differ" and {_plain(s.figure) for s in d.sides} >=
                              {item.old.replace(",", ""), item.new.replace(",", "")} for d in answer.disagreements))
    share = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    return {"findable_edited": share(found_new), "findable_original": share(found_old),
            "latest": share(latest), "disagreement_recall": share(recall),
            "n": {"edited": len(found_new), "latest": len(latest), "disputes": len(recall)}}


def _plain(figure_text: str) -> str:
    m = re.search(r"\d[\d,.]*\d|\d", figure_text)
    return m.group(0).replace(",", "") if m else ""


def run(corpus_name: str, family: str, args, embeddings) -> dict | None:
    corpus = load_corpus(corpus_name, args.data)
    if corpus is None:
        print(f"note: {corpus_name} skipped (its files are not under {args.data})")
        return None
    rng = random.Random(3)
    made, items = make(corpus.sources, family, args.per_kind)
    background = corpus.sources if len(corpus.sources) <= args.background else rng.sample(corpus.sources,
                                                                                          args.background)
    used = {item.original for item in items}
    sources = [s for s in corpus.sources if any(u in s.body for u in used)]
    sources += [s for s in background if s not in sources]
    articles = [(as_article(s, n), n) for n, s in enumerate(sources + made)]
    with tempfile.TemporaryDirectory(prefix="newsqa-versions-") as tmp:
        built = build(articles, Path(tmp), embeddings, stories=True)
        result = {"corpus": corpus_name, "family": family, "articles": len(articles), **score(built.library, items)}
        by_kind = {}
        for kind in ("update", "copy", "develop", "conflict"):
            part = score(built.library, [i for i in items if i.kind == kind])
            by_kind[kind] = {k: v for k, v in part.items() if v is not None and k != "n"}
        result["by_kind"] = by_kind
        built.library.lexical.close()
    return result


def false_alarms(corpus_name: str, args, embeddings) -> dict | None:
    """The share of answers on an unedited corpus that say "Sources differ" (and that show any line)."""
    corpus = load_corpus(corpus_name, args.data)
    if corpus is None:
        print(f"note: {corpus_name} skipped (its files are not under {args.data})")
        return None
    questions = [q for q in read_question_set(corpus.questions, corpus.format).questions]
    articles = [(as_article(s, n), n) for n, s in enumerate(corpus.sources)]
    with tempfile.TemporaryDirectory(prefix="newsqa-versions-clean-") as tmp:
        built = build(articles, Path(tmp), embeddings, stories=True)
        answered = differ = lines = 0
        for q in questions:
            answer = built.library.answerer.answer(q.question, as_of=q.as_of)
            if answer.abstained:
                continue
            answered += 1
            differ += any(getattr(d, "kind", "differ") == "differ" for d in answer.disagreements)
            lines += bool(answer.disagreements)
        built.library.lexical.close()
    return {"corpus": corpus_name, "answered": answered, "false_alarms": round(differ / max(1, answered), 3),
            "any_line": round(lines / max(1, answered), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", nargs="+", choices=("multihop", "rgb"), default=["multihop"])
    parser.add_argument("--family", nargs="+", choices=sorted(CHANGES), default=["tuning"])
    parser.add_argument("--per-kind", type=int, default=20, help="items of each kind (default 20)")
    parser.add_argument("--background", type=int, default=200, help="unedited corpus articles beside them")
    parser.add_argument("--false-alarms", action="store_true", help="only measure false alarms on unedited corpora")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    embeddings = Library(Settings(_env_file=None)).embeddings
    results = []
    if args.false_alarms:
        for name in ("rgb", "multihop"):
            if (r := false_alarms(name, args, embeddings)) is not None:
                results.append(r)
                print(f"{name}: {r['answered']} answered; 'Sources differ' on {r['false_alarms']:.3f} "
                      f"(any figure line {r['any_line']:.3f}; target <= 0.02)")
    else:
        for name in args.corpus:
            for family in args.family:
                if (r := run(name, family, args, embeddings)) is None:
                    continue
                results.append(r)
                print(f"\n{name} / {family}: {r['articles']} articles; items {r['n']}")
                print(f"  edited figures findable (top 5) {r['findable_edited']}   originals {r['findable_original']}"
                      f"   (targets >= 0.97)")
                print(f"  latest-figure accuracy {r['latest']}  (>= 0.9)   disagreement recall "
                      f"{r['disagreement_recall']}  (>= 0.8)")
                for kind, part in r["by_kind"].items():
                    print(f"    {kind:<9} " + "  ".join(f"{k} {v}" for k, v in part.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
