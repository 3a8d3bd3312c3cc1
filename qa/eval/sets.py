"""Question sets for `newsqa eval`: our JSONL/YAML layout, the RGB and MultiHop-RAG layouts, field maps.

Our layout, one question per JSONL line (or per item of a YAML list)::

    {"id": "credit", "question": "How large is the credit?", "answers": ["38 mln euro"],
     "assertions": ["Russia may lend Cuba 38 mln euro"], "evidence": ["a 38 mln euro credit to Cuba"],
     "evidence_urls": [], "type": "number", "unanswerable": false, "differ": false, "as_of": "2018-11-02",
     "history": [{"question": "...", "answer": "..."}]}

Only `question` is required. A row that is not valid is reported as `file:line: reason` and skipped;
the rest of the set is still read. A field we do not know is ignored, with one note per field name. Adapters turn other layouts into ours (see `adapt`):

>>> adapt({"query": "Where?", "answer": "Tampa", "positive": ["in Tampa"], "negative": ["x"]}, "rgb", 3)
({'id': 'rgb-3', 'question': 'Where?', 'answers': ['Tampa'], 'evidence': ['in Tampa'], 'type': 'rgb'}, ['in Tampa', 'x'])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

from qa.errors import NewsqaError
from qa.eval import FORMATS

MULTIHOP_NULL = "insufficient information"  # MultiHop-RAG's answer to its unanswerable `null_query`


class EvalSetError(NewsqaError):
    """A question set cannot be read at all (missing, unparsable, or without one valid question)."""


class Turn(BaseModel):
    """One earlier exchange of a conversation: the user's question and (optionally) the bot's answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str
    answer: str = ""


class EvalQuestion(BaseModel):
    """One validated question (see the module docstring for the layout)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    question: str
    answers: tuple[str, ...] = ()
    assertions: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    evidence_urls: tuple[str, ...] = ()
    type: str = "general"
    unanswerable: bool = False
    differ: bool = False  # the articles disagree on the answer's figure: the answer must say "Sources differ"
    as_of: date | None = None
    history: tuple[Turn, ...] = ()
    source: str = ""  # "file:line", filled in by the reader

    @field_validator("answers", "assertions", "evidence", "evidence_urls", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        """A single string is a one-item list; blanks are dropped."""
        items = [value] if isinstance(value, str) else value
        return [v for v in items if not isinstance(v, str) or v.strip()] if isinstance(items, list) else items

    @field_validator("history", mode="before")
    @classmethod
    def _turns(cls, value):
        """History items may be plain strings (earlier questions) or {question, answer} objects."""
        return [{"question": t} if isinstance(t, str) else t for t in value] if isinstance(value, list) else value

    @field_validator("id", "question", "type")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self):
        if self.unanswerable and (self.answers or self.evidence or self.assertions):
            raise ValueError("an unanswerable question cannot have answers, assertions or evidence")
        return self


@dataclass(frozen=True)
class Passage:
    """A corpus passage that comes with a question set (RGB pools its passages into one corpus)."""

    text: str
    source: str


@dataclass
class QuestionSet:
    """What `read_question_set` returns: the valid questions, the problems, and any bundled corpus."""

    path: Path
    format: str
    questions: list[EvalQuestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: reason" for each skipped row
    notes: list[str] = field(default_factory=list)  # fields ignored, one note per field name
    passages: list[Passage] = field(default_factory=list)


def read_question_set(path: Path, fmt: str = "auto", field_map: dict[str, str] | None = None,
                      limit: int | None = None) -> QuestionSet:
    """Read, adapt and validate a question set; invalid rows become `problems`, the rest questions.

    fmt: auto (detected from the first row), ours, rgb or multihop. field_map: {ours: theirs}
    renames applied to every raw row first. limit: stop after that many valid questions.
    """
    if fmt not in FORMATS:
        raise EvalSetError(f"Unknown question-set format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    qset, seen, pooled, ignored = QuestionSet(Path(path), fmt), set(), {}, {}
    for line, row in _rows(Path(path)):
        where = f"{path}:{line}"
        if limit is not None and len(qset.questions) >= limit:
            break
        if not isinstance(row, dict):
            qset.problems.append(f"{where}: {row if isinstance(row, str) else 'expected an object'}")
            continue
        row = rename_fields(row, field_map or {})
        if qset.format == "auto":
            qset.format = detect_format(row)
        _add_row(qset, row, where, line, seen, pooled, ignored)
    qset.notes = [f"{where}: field {name!r} is not part of the layout and was ignored (map it with "
                  f"--field, e.g. --field answers={name})" for name, where in ignored.items()]
    qset.passages = [Passage(text, source) for text, source in pooled.items()]
    if not qset.questions:
        detail = "; ".join(qset.problems[:3]) or "the file is empty"
        raise EvalSetError(f"No valid question in {path} ({detail}).")
    return qset


def _add_row(qset: QuestionSet, row: dict, where: str, line: int, seen: set[str], pooled: dict,
             ignored: dict[str, str]) -> None:
    """Adapt and validate one row into qset (or record why not); unknown fields go to `ignored`."""
    try:
        record, passages = adapt(row, qset.format, line)
        for name in [n for n in record if n not in EvalQuestion.model_fields or n == "source"]:
            ignored.setdefault(name, where)
            del record[name]
        question = EvalQuestion(**record, source=where)
    except (KeyError, TypeError, AttributeError) as exc:
        qset.problems.append(f"{where}: not a {qset.format} row ({type(exc).__name__}: {exc})")
        return
    except ValidationError as exc:
        qset.problems.append(f"{where}: {describe(exc)}")
        return
    if question.id in seen:
        qset.problems.append(f"{where}: duplicate id {question.id!r}")
        return
    seen.add(question.id)
    qset.questions.append(question)
    for text in passages:
        pooled.setdefault(text, f"{where}")


def describe(exc: ValidationError) -> str:
    """Pydantic errors -> 'question: Field required; answers.0: Input should be a valid string'."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{loc}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def rename_fields(row: dict, field_map: dict[str, str]) -> dict:
    """Apply {ours: theirs} renames: rename_fields({'q': 'Why?'}, {'question': 'q'}) -> {'question': 'Why?'}."""
    out = dict(row)
    for ours, theirs in field_map.items():
        if theirs in out:
            out[ours] = out.pop(theirs)
    return out


def detect_format(row: dict) -> str:
    """'rgb' for query+positive rows, 'multihop' for query+evidence_list/question_type, else 'ours'."""
    if "query" in row and "positive" in row:
        return "rgb"
    if "query" in row and ("evidence_list" in row or "question_type" in row):
        return "multihop"
    return "ours"


def adapt(row: dict, fmt: str, line: int) -> tuple[dict, list[str]]:
    """One raw row in layout fmt -> (a row in our layout, corpus passages that come with it)."""
    match fmt:
        case "rgb":
            return _from_rgb(row, line)
        case "multihop":
            return _from_multihop(row, line), []
        case _:
            given = row.get("id")
            return {**row, "id": str(given) if given not in (None, "") else f"line-{line}"}, []


def _from_rgb(row: dict, line: int) -> tuple[dict, list[str]]:
    """RGB: `answer` is a string, or groups of alternative spellings ([["Jul 21, 2017", ...]])."""
    record = {"id": f"rgb-{row.get('id', line)}", "question": row["query"]}
    answer = row["answer"]
    groups = [[answer]] if isinstance(answer, str) else [g if isinstance(g, list) else [g] for g in answer]
    if len(groups) == 1:
        record["answers"] = [str(a) for a in groups[0]]
    else:  # several facts must all be given: each becomes an assertion (its first spelling)
        record["assertions"] = [str(g[0]) for g in groups if g]
    record["evidence"] = list(row["positive"])
    record["type"] = str(row.get("type", "rgb"))
    return record, [*row["positive"], *row.get("negative", [])]


def _from_multihop(row: dict, line: int) -> dict:
    """MultiHop-RAG: answer 'Insufficient information.' marks its unanswerable `null_query` type."""
    answer = str(row.get("answer", "")).strip()
    evidence = row.get("evidence_list") or []
    record = {
        "id": str(row.get("id", f"mh-{line}")), "question": row["query"],
        "type": str(row.get("question_type") or "multihop"),
        "evidence": [e["fact"] for e in evidence if e.get("fact")],
        "evidence_urls": [e["url"] for e in evidence if e.get("url")],
    }
    if answer.rstrip(".").lower() == MULTIHOP_NULL:
        return {**record, "unanswerable": True, "evidence": [], "evidence_urls": []}
    return {**record, "answers": [answer] if answer else []}


def _rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line number, raw row or an error message) for a JSONL, JSON-array or YAML file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"Cannot read question set {path}: {exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_rows(text, path)
    if text.lstrip().startswith("["):
        return _json_array_rows(text, path)
    return _jsonl_rows(text)


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict | str]]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"invalid JSON ({exc.msg} at column {exc.colno})"


def _json_array_rows(text: str, path: Path) -> Iterator[tuple[int, dict | str]]:
    """Items of a JSON array, each with the line it starts on."""
    decoder, pos = json.JSONDecoder(), text.index("[") + 1
    while True:
        pos = _skip(text, pos, " \t\r\n,")
        if pos >= len(text) or text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line, f"invalid JSON ({exc.msg}); the rest of {path.name} was not read"
            return
        yield line, item


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos


def _yaml_rows(text: str, path: Path) -> Iterator[tuple[int, dict | str]]:
    """Items of a YAML list (or of its `questions:` key), each with the line it starts on."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if isinstance(root, yaml.MappingNode):
            root = next((v for k, v in root.value if k.value == "questions"), None)
        if not isinstance(root, yaml.SequenceNode):
            raise EvalSetError(f"{path}: expected a list of questions (or a `questions:` list).")
        for node in root.value:
            yield node.start_mark.line + 1, loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise EvalSetError(f"{path}: invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
