"""The answering chain: standalone question -> retrieve -> generate (extractive or LLM) -> check -> Answer.

Built from LangChain LCEL runnables; `stream` yields text deltas and then the final, checked Answer,
and `answer` returns just the Answer. Front ends (CLI, web, Slack, eval) all go through this.

    answerer = build_answerer(settings, retriever, embeddings)
    answerer.answer("What did Russia and Cuba say about the INF Treaty?").text
'The leaders of Russia and Cuba express their deep regret ... [1] "The sides note ... [1]'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import date

from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from qa import extractive, followup, generate
from qa.cite import MarkerStripper, check_citations
from qa.errors import LLMError, NewsqaError
from qa.evidence import CachedEmbeddings, Evidence
from qa.llm import complete, make_chat_model, stream_text
from qa.text import content_words
from qa.types import Answer, Filters, elapsed_ms

log = logging.getLogger(__name__)
FALLBACK_NOTE = "The language model failed ({error}); this is an extractive answer instead."


def describe_filters(filters: Filters) -> str:
    """'published since 2020-01-01, outlet BBC or CNN'."""
    parts = []
    if filters.since:
        parts.append(f"published since {filters.since.isoformat()}")
    if filters.until:
        parts.append(f"published until {filters.until.isoformat()}")
    if filters.outlets:
        parts.append("outlet " + " or ".join(filters.outlets))
    return ", ".join(parts)


class Answerer:
    """Answers questions from a retriever's passages, with an LLM when one is given, else extractively.

    retriever: `.search(query, k=None, filters=None) -> list[SearchHit]`; embeddings: the local
    embedder (`embed_array`), used for sentence selection and the citation check; llm: a LangChain
    chat model or None; fallback_extractive: answer extractively when the LLM fails instead of raising.
    """

    def __init__(self, retriever, embeddings, llm=None, *, k: int = 6, fallback_extractive: bool = False):
        self.retriever, self.llm = retriever, llm
        self.embeddings = CachedEmbeddings(embeddings)  # passage sentences recur across questions
        self.k, self.fallback_extractive = k, fallback_extractive
        self.chain = (
            RunnablePassthrough.assign(standalone=RunnableLambda(self._standalone, name="condense"))
            | RunnablePassthrough.assign(hits=RunnableLambda(self._retrieve, name="retrieve"))
            | RunnableLambda(self._generate, name="generate")
        )

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               k: int | None = None, as_of: date | None = None) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer: replace what the deltas built with `Answer.text`.

        LLM mode streams the model's tokens with their [n] markers removed (they are checked and
        renumbered only at the end); extractive mode yields its whole, checked text once. as_of is
        the day relative dates in the question count from ("last week"; default today).
        """
        if not question or not question.strip():
            raise NewsqaError("The question is empty: ask something about the indexed articles.")
        state = {"question": question.strip(), "history": list(history), "filters": filters,
                 "k": k or self.k, "as_of": as_of, "t0": time.perf_counter(), "run": {"timings": {}}}
        yield from self.chain.stream(state)

    def answer(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               k: int | None = None, as_of: date | None = None) -> Answer:
        """The final Answer (see `stream`)."""
        final = None
        for item in self.stream(question, history, filters, k, as_of):
            if isinstance(item, Answer):
                final = item
        assert final is not None, "the chain always ends with an Answer"
        return final

    # --- chain steps ---------------------------------------------------------------------
    def _standalone(self, state: dict) -> str:
        question, history = state["question"], state["history"]
        if not history:
            return question
        if self.llm is None:
            return followup.rewrite(question, history)
        started = time.perf_counter()
        try:
            reply = complete(self.llm, generate.condense_messages(question, history))
            return generate.clean_standalone(reply, question)
        except LLMError as err:
            if not self.fallback_extractive:
                raise
            state["run"]["llm_error"] = err
            return followup.rewrite(question, history)
        finally:
            state["run"]["timings"]["condense_ms"] = elapsed_ms(started)

    def _retrieve(self, state: dict) -> list:
        started = time.perf_counter()
        cues = self.retriever.understand(state["standalone"], state["as_of"])
        state["run"]["cues"] = cues
        hits = self.retriever.search(state["standalone"], k=state["k"], filters=state["filters"], cues=cues)
        state["run"]["timings"]["retrieve_ms"] = elapsed_ms(started)
        return hits

    def _generate(self, state: dict) -> Iterator[str | Answer]:
        started = time.perf_counter()
        if self.llm is not None and state["hits"] and "llm_error" not in state["run"]:
            answer = yield from self._generate_llm(state)
        else:
            answer = self._extractive(state) if state["hits"] else self._nothing_found(state)
            yield answer.text
        if "llm_error" in state["run"]:
            answer.note = FALLBACK_NOTE.format(error=state["run"]["llm_error"])
            log.warning(answer.note)
        yield self._finish(answer, state, started)

    def _generate_llm(self, state: dict):
        evidence = Evidence(state["hits"], self.embeddings)
        parts, strip = [], MarkerStripper()  # unchecked markers never reach the user
        try:
            for delta in stream_text(self.llm, generate.answer_messages(state["standalone"], state["hits"])):
                parts.append(delta)
                if shown := strip.feed(delta):
                    yield shown
            if tail := strip.flush():
                yield tail
        except LLMError as err:
            if not self.fallback_extractive:
                raise
            state["run"]["llm_error"] = err
            answer = self._extractive(state, evidence)
            yield answer.text
            return answer
        return self._llm_answer("".join(parts), state, evidence)

    # --- building answers ----------------------------------------------------------------
    def _llm_answer(self, text: str, state: dict, evidence: Evidence) -> Answer:
        checked = check_citations(text, evidence, auto_cite=True)
        if not checked.citations and generate.is_abstention(text):
            return Answer(text=checked.text, question=state["standalone"], abstained=True,
                          sentences=checked.sentences, mode="llm")
        return Answer(text=checked.text, question=state["standalone"], sentences=checked.sentences,
                      citations=checked.citations, flagged=checked.flagged, mode="llm")

    def _extractive(self, state: dict, evidence: Evidence | None = None) -> Answer:
        question, standalone, cues = state["question"], state["standalone"], state["run"]["cues"]
        evidence = evidence or Evidence(state["hits"], self.embeddings)
        vector = self.embeddings.embed_array([standalone])[0]
        # Rank by the user's own words ("credit"); the carried subject only steers the vector.
        picks = extractive.pick_sentences(question, evidence, vector, content_words(question), cues)
        if not picks:
            missing = extractive.missing_terms(question, evidence, cues)
            window = None if missing else extractive.unmet_window(cues, evidence)
            return Answer(text=extractive.abstention(question, missing, window), question=standalone,
                          abstained=True)
        checked = check_citations(extractive.compose(picks), evidence)
        preface = extractive.dateline(picks, evidence) if cues.anchored else ""
        return Answer(text=preface + checked.text, question=standalone, sentences=checked.sentences,
                      citations=checked.citations, flagged=checked.flagged)

    def _nothing_found(self, state: dict) -> Answer:
        filters = state["filters"]
        if filters is not None and not filters.empty:
            text = (f"No article matches the filters ({describe_filters(filters)}), so I can't answer. "
                    "Widen or remove them.")
        else:
            text = extractive.abstention(state["question"])
        return Answer(text=text, question=state["standalone"], abstained=True, mode=self.mode)

    def _finish(self, answer: Answer, state: dict, started: float) -> Answer:
        timings = state["run"]["timings"]
        cues = state["run"].get("cues")
        answer.understood = cues.to_dict() if cues is not None and not cues.empty else {}
        generate_ms = elapsed_ms(started) + timings.get("condense_ms", 0.0)
        answer.timings = {"retrieve_ms": timings.get("retrieve_ms", 0.0), "generate_ms": round(generate_ms, 1),
                          "total_ms": elapsed_ms(state["t0"])}
        return answer


def build_answerer(settings, retriever, embeddings) -> Answerer:
    """An Answerer configured from Settings: LLM mode when an endpoint is set, else extractive."""
    return Answerer(retriever, embeddings, make_chat_model(settings), k=settings.top_k,
                    fallback_extractive=settings.fallback_extractive)
