"""What flows through the answering chain: one run's typed state, the chunks the chain streams, and the
stream a front end reads.

`AnswerInput` is what a caller gives the chain: the question and its settings. `AnswerRun` is that
input plus what each step hands the next (condense -> retrieve -> generate -> check); each of its
fields says which step sets it, and condense turns the input into a run. The chain streams `AnswerChunk`s: text as it arrives, then one chunk carrying the
checked `Answer`. Chunks add up (`a + b`), so `chain.invoke(run)` returns their sum, whose `.answer` is
the Answer. Front ends read an `AnswerStream`:

>>> stream = AnswerStream(iter([AnswerChunk("Russia "), AnswerChunk("regrets it."),
...                             AnswerChunk(answer=Answer("Russia regrets it. [1]", "q"))]))
>>> [delta for delta in stream], stream.answer().text
(['Russia ', 'regrets it.'], 'Russia regrets it. [1]')
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from qa.errors import LLMError
from qa.query import Understanding
from qa.types import DEFAULT_K, Answer, Filters, SearchHit


@dataclass(kw_only=True)
class AnswerInput:
    """What a caller asks: one question with its conversation and settings (`Answerer.new_run` builds it)."""

    question: str
    """The question as the user asked it (stripped)."""

    history: list[tuple[str, str]] = field(default_factory=list)
    """Earlier (question, answer text) turns of the conversation, oldest first."""

    filters: Filters | None = None
    """Hard filters the user set (dates, outlets); None for none."""

    k: int = DEFAULT_K
    """How many passages to retrieve."""

    as_of: date | None = None
    """The day relative dates in the question count from ("last week"); None for today."""


@dataclass(kw_only=True)
class AnswerRun(AnswerInput):
    """One question being answered: its input, and what each step of the chain has found so far."""

    standalone: str = ""
    """The question rewritten to stand on its own (set by condense; the question itself without history)."""

    cues: Understanding | None = None
    """What the question names: date windows, outlets, answer kind (set by retrieve; soft cues)."""

    hits: list[SearchHit] = field(default_factory=list)
    """The retrieved passages, best first; passage [n] of the prompt is hits[n - 1] (set by retrieve)."""

    draft: str = ""
    """The model's raw reply, markers and all, before the citation check (LLM mode; set by generate)."""

    answer: Answer | None = None
    """An answer that needs no check of a model's draft (extractive, or nothing found; set by generate)."""

    llm_error: LLMError | None = None
    """Why the model failed, when the extractive fallback answers instead (set by condense or generate)."""

    rewritten_by: str = ""
    """How a follow-up became standalone: "model", "rule" (the model's rewrite was refused) or "" (set by condense)."""

    notes: list[str] = field(default_factory=list)
    """What the reader should know about how the answer was made: trimmed passages, a cut reply (set by
    generate), the fallback (set by check)."""

    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage: condense_ms (set by condense), retrieve_ms (set by retrieve); generate_ms and
    total_ms are added when the answer is finished (check)."""

    started: float = field(default_factory=time.perf_counter)
    """`time.perf_counter()` when the run began (condense)."""

    @classmethod
    def start(cls, given: AnswerInput) -> AnswerRun:
        """A run of given's question, its clock started now."""
        if isinstance(given, AnswerRun):
            return given
        return cls(**{f.name: getattr(given, f.name) for f in fields(AnswerInput)})


@dataclass
class AnswerChunk:
    """A piece of the chain's output: text as it arrives, or (last) the run and then the checked Answer."""

    text: str = ""
    answer: Answer | None = None
    run: AnswerRun | None = None

    def __add__(self, other: AnswerChunk) -> AnswerChunk:
        return AnswerChunk(self.text + other.text, other.answer or self.answer, other.run or self.run)


class AnswerStream:
    """Iterate for text deltas as they arrive; `answer()` finishes the run and returns the checked Answer.

    The deltas are provisional (LLM tokens with their [n] markers hidden): replace what they built with
    `answer().text`, which is checked and renumbered.
    """

    def __init__(self, chunks: Iterator[AnswerChunk]):
        self._chunks = chunks
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            if chunk.answer is not None:
                self._answer = chunk.answer
            if chunk.text:
                yield chunk.text

    def answer(self) -> Answer:
        """The final, checked Answer (reads whatever of the stream is left)."""
        for _ in self:
            pass
        if self._answer is None:
            raise RuntimeError("the answering chain ended without an Answer")
        return self._answer
