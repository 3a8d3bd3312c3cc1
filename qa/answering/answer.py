"""The answering chain: condense -> retrieve -> generate -> check, a LangChain runnable from `AnswerInput`.

Built from LangChain parts: the hybrid retriever as a `BaseRetriever`, the prompts of `qa/answering/prompts/` as
`ChatPromptTemplate`s, the chat model, and the citation check as a streaming step. `Answerer.chain`
takes an `AnswerInput` and streams `AnswerChunk`s, so it can be invoked, streamed (also `astream_events`),
traced or given callbacks like any LangChain runnable; `Answerer.stream` wraps it in an `AnswerStream`
(text deltas, then `.answer()`), and `Answerer.answer` returns the checked Answer. The CLI, the web
chat, the Slack bot and eval all go through it::

    answerer = build_answerer(settings, retriever, embeddings)
    answerer.answer("What did Russia and Cuba say about the INF Treaty?").text
    # 'The leaders of Russia and Cuba express their deep regret ... [1] "The sides note ... [1]'
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import date
from typing import Any

from langchain_core.runnables import RunnableConfig, RunnableGenerator, RunnableLambda

from qa.answering import extractive, followup, generate, whether
from qa.answering.llm import Ending, Limits, complete, make_chat_model, stream_text
from qa.answering.state import AnswerChunk, AnswerInput, AnswerRun, AnswerStream
from qa.checks import disagree
from qa.checks.cite import check_citations
from qa.checks.markers import MarkerStripper
from qa.config import Settings
from qa.errors import LLMError, NewsqaError
from qa.evidence import CachedEmbeddings, Evidence
from qa.protocols import ChatModel, Embedder, Retriever
from qa.retrieval.retrieve import document_hit
from qa.retrieval.timeline import date_sentences, in_date_order
from qa.text import content_words
from qa.types import DEFAULT_K, Answer, Filters, elapsed_ms

log = logging.getLogger(__name__)
FALLBACK_NOTE = "The language model failed ({error}); this is an extractive answer instead."
ECHO_NOTE = ("The language model repeated its instructions instead of answering, so this is an extractive "
             "answer instead.")
TRIMMED_NOTE = ("{n} passage(s) were shortened or left out so the prompt fits the model's context "
                "(NEWSQA_LLM_CONTEXT={context} tokens).")
MOSTLY_ECHO = 0.5  # a reply more than half prompt echo is no answer
NO_SIDE_NOTE = "No passage says or denies what the question asks; these are the closest sentences."
SIDE_K = 3  # passages looked up for a side of a yes/no question the first passages do not say


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


def threaded(transform: Callable[..., Iterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    """The async twin of a sync streaming step, run in a worker thread (for `astream`, `astream_events`)."""

    async def atransform(chunks: AsyncIterator[Any], config: RunnableConfig) -> AsyncIterator[Any]:
        items, done = [c async for c in chunks], object()
        iterator = transform(iter(items), config)
        while (item := await asyncio.to_thread(next, iterator, done)) is not done:
            yield item

    return atransform


def premise(question: str) -> str:
    """What a question takes as given, for `qa.evidence.Evidence`: a wh-question's names and figures are
    its premise ("When was the iPhone 11 released?"); a yes/no question's are the claim it asks about."""
    return "" if whether.asks_whether(question) else question


class Answerer:
    """Answers questions from a retriever's passages, with an LLM when one is given, else extractively.

    embeddings: the local embedder, for sentence selection and the citation check; llm: a LangChain
    chat model or None; fallback_extractive: answer extractively when the LLM fails instead of raising.
    """

    def __init__(self, retriever: Retriever, embeddings: Embedder, llm: ChatModel | None = None, *,
                 k: int = DEFAULT_K, fallback_extractive: bool = False, limits: Limits = Limits()):
        self.retriever, self.llm, self.limits = retriever, llm, limits
        self.embeddings = CachedEmbeddings(embeddings)  # passage sentences recur across questions
        self.k, self.fallback_extractive = k, fallback_extractive
        self.chain = (
            RunnableLambda(self._condense, name="condense")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableGenerator(self._generate, threaded(self._generate), name="generate")
            | RunnableGenerator(self._check, threaded(self._check), name="check_citations")
        )

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    def new_run(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
                k: int | None = None, as_of: date | None = None) -> AnswerInput:
        """The chain's input for one question; raises NewsqaError for an empty question."""
        if not question or not question.strip():
            raise NewsqaError("The question is empty: ask something about the indexed articles.")
        return AnswerInput(question=question.strip(), history=list(history), filters=filters,
                         k=k or self.k, as_of=as_of)

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               k: int | None = None, as_of: date | None = None, *,
               config: RunnableConfig | None = None) -> AnswerStream:
        """Text deltas as they come, then `.answer()`: replace what the deltas built with `Answer.text`.

        LLM mode streams the model's tokens with their [n] markers removed (they are checked and
        renumbered only at the end); extractive mode yields its whole, checked text once. as_of is
        the day relative dates in the question count from ("last week"; default today).
        """
        return AnswerStream(self.chain.stream(self.new_run(question, history, filters, k, as_of), config))

    def answer(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               k: int | None = None, as_of: date | None = None) -> Answer:
        """The final, checked Answer (see `stream`)."""
        return self.stream(question, history, filters, k, as_of).answer()

    # --- chain steps ---------------------------------------------------------------------
    def _condense(self, given: AnswerInput, config: RunnableConfig) -> AnswerRun:
        """Start the run; set standalone, rewritten_by, timings["condense_ms"] (and llm_error on a fallback)."""
        run, started = AnswerRun.start(given), time.perf_counter()
        run.standalone = run.question
        if run.history:
            self._rewrite(run, config)
        run.timings["condense_ms"] = elapsed_ms(started)
        return run

    def _rewrite(self, run: AnswerRun, config: RunnableConfig) -> None:
        """Make a follow-up stand alone: by the model when there is one (its rewrite checked), else by rule."""
        if self.llm is None:
            run.standalone = followup.rewrite(run.question, run.history)
            return
        try:
            messages = generate.chat_prompt("condense").invoke(
                generate.condense_inputs(run.question, run.history), config)
            candidate = generate.clean_standalone(complete(self.llm, messages, config))
            if generate.acceptable_standalone(candidate, run.question, run.history):
                run.standalone, run.rewritten_by = candidate, "model"
            else:  # a statement, the previous answer, "[1]"...: the rule-based rewrite is safer
                run.standalone, run.rewritten_by = followup.rewrite(run.question, run.history), "rule"
                log.info("refused the model's rewrite %r of %r", candidate, run.question)
        except LLMError as err:
            if not self.fallback_extractive:
                raise
            run.llm_error = err
            run.standalone = followup.rewrite(run.question, run.history)

    def _retrieve(self, run: AnswerRun, config: RunnableConfig) -> AnswerRun:
        """Set cues, hits (in date order for a dated question) and timings["retrieve_ms"]."""
        started = time.perf_counter()
        run.cues = self.retriever.understand(run.standalone, run.as_of)
        retriever = self.retriever.as_langchain(k=run.k, filters=run.filters, cues=run.cues)
        run.hits = [document_hit(d) for d in retriever.invoke(run.standalone, config)]
        if run.cues.dated:  # read (and numbered) in date order; "the latest" newest first
            run.hits = in_date_order(run.hits, newest_first=not run.cues.timeline)
        run.timings["retrieve_ms"] = elapsed_ms(started)
        return run

    def _generate(self, runs: Iterator[AnswerRun], config: RunnableConfig) -> Iterator[AnswerChunk]:
        """Stream the reply; set draft (LLM) or answer (extractive, nothing found, a fallback), and notes."""
        for run in runs:
            if self.llm is not None and run.hits and run.llm_error is None:
                yield from self._draft(run, config)
            else:
                run.answer = self._extractive(run) if run.hits else self._nothing_found(run)
                yield AnswerChunk(run.answer.text)
            yield AnswerChunk(run=run)

    def _draft(self, run: AnswerRun, config: RunnableConfig) -> Iterator[AnswerChunk]:
        """The model's reply as it streams, markers hidden (unchecked markers never reach the user)."""
        parts, strip, ending = [], MarkerStripper(), Ending()
        run.hits, cut = generate.fit_passages(run.standalone, run.hits, self.limits)
        if cut:
            run.notes.append(TRIMMED_NOTE.format(n=cut, context=self.limits.context))
        messages = generate.chat_prompt("answer").invoke(generate.answer_inputs(run.standalone, run.hits), config)
        try:
            for delta in stream_text(self.llm, messages, config, deadline=self.limits.deadline,
                                     max_chunks=self.limits.max_tokens, ending=ending):
                parts.append(delta)
                if shown := strip.feed(delta):
                    yield AnswerChunk(shown)
            if tail := strip.flush():
                yield AnswerChunk(tail)
        except LLMError as err:
            if not self.fallback_extractive:
                raise
            run.llm_error = err
            run.answer = self._extractive(run)
            yield AnswerChunk(run.answer.text)
            return
        run.draft = "".join(parts)
        if note := ending.note(self.limits):
            run.notes.append(note)

    def _check(self, chunks: Iterator[AnswerChunk], config: RunnableConfig) -> Iterator[AnswerChunk]:
        """Check the draft's citations (or take the answer) and finish it; sets no run field but notes."""
        for chunk in chunks:
            if chunk.run is None:
                yield chunk
                continue
            run = chunk.run
            answer = run.answer or self._llm_answer(run)
            if run.llm_error is not None:
                run.notes.insert(0, FALLBACK_NOTE.format(error=run.llm_error))
                log.info(run.notes[0])  # the front end shows it once, as the answer's note
            yield AnswerChunk(answer=self._finish(answer, run), run=run)

    # --- building answers ----------------------------------------------------------------
    def _llm_answer(self, run: AnswerRun) -> Answer:
        draft, echoed = generate.strip_prompt_echo(run.draft)
        if echoed > MOSTLY_ECHO or not draft:
            run.notes.insert(0, ECHO_NOTE)
            return self._extractive(run) if run.hits else self._nothing_found(run)
        evidence = Evidence(run.hits, self.embeddings, premise(run.standalone))
        checked = check_citations(draft, evidence, auto_cite=True)
        if generate.is_abstention(draft) and not any(s.supported for s in checked.sentences):
            return Answer("", run.standalone, abstained=True, mode="llm",
                          refusal={"rule": "the model said so", "terms": []}).set_sentences(checked.sentences)
        return Answer("", run.standalone, citations=checked.citations, flagged=checked.flagged,
                      mode="llm").set_sentences(checked.sentences)

    def _extractive(self, run: AnswerRun) -> Answer:
        evidence = Evidence(run.hits, self.embeddings)
        vector = self.embeddings.embed_array([run.standalone])[0]
        # Rank by the user's own words ("credit"); the carried subject only steers the vector.
        if whether.asks_whether(run.question):
            judged, evidence = self._judge(run, evidence, vector)
            if judged is not None:
                return self._whether(run, judged, evidence)
            run.notes.append(NO_SIDE_NOTE)
        pick = extractive.timeline_picks if run.cues.timeline else extractive.pick_sentences
        found = pick(run.question, evidence, vector, content_words(run.question), run.cues)
        if not found:
            return Answer(text=extractive.abstention(run.question, found.missing, found.window), question=run.standalone,
                          abstained=True, refusal=extractive.refusal(found.missing, found.window))
        picks = found.picks
        if run.cues.dated and not run.cues.timeline:  # "the latest": the newest report leads, the rest follow back
            picks = extractive.newest_first(picks, evidence)
        checked = check_citations(extractive.compose(picks), evidence)
        if run.cues.anchored and not run.cues.dated and checked.sentences:  # "As of 16 Feb 2024 (AP): ..."
            checked.sentences[0].lead = extractive.dateline(picks, evidence) + checked.sentences[0].lead
        return Answer("", run.standalone, citations=checked.citations,
                      flagged=checked.flagged).set_sentences(checked.sentences)

    def _judge(self, run: AnswerRun, evidence: Evidence, vector) -> tuple[whether.Judged | None, Evidence]:
        """The verdict on a yes/no question, and the evidence it rests on: a side the passages do not
        say is looked for once more in its own outlet's reports of its own dates (`whether.side_search`)."""
        judged = whether.judge(run.question, evidence, vector, run.cues, self.embeddings.embed_array)
        parts = judged.parts if judged is not None else [whether.Reading(t, o) for t, o in
                                                         whether.split(run.question, run.cues.outlets)]
        known, extra = {h.chunk.id for h in run.hits}, []
        for part in (p for p in parts if not p.said):
            if (search := whether.side_search(part, run.question, run.cues.as_of, run.filters)) is not None:
                extra += [h for h in self.retriever.search(search[0], k=SIDE_K, filters=search[1])
                          if h.chunk.id not in known and not known.add(h.chunk.id)]
        if extra:
            run.hits = run.hits + extra
            evidence = Evidence(run.hits, self.embeddings)
            judged = whether.judge(run.question, evidence, vector, run.cues, self.embeddings.embed_array)
        disputes = disagree.find(run.standalone, evidence, None, run.cues) if judged is not None else []
        if judged is not None and judged.shape == "claims" and len(judged.parts) == 1 and any(
                d.kind == "differ" and d.thing == "outcome" for d in disputes):
            judged.verdict, judged.lead = "differ", ""  # the dispute line (`_finish`) says who says what
        return judged, evidence

    def _whether(self, run: AnswerRun, judged: whether.Judged, evidence: Evidence) -> Answer:
        """A yes/no answer: the verdict line, then each side's sentence, cited."""
        said = list({p.match.sentence.key: p.match for p in judged.parts if p.said}.values())
        picks = [extractive.Pick(m.sentence, m.score) for m in said]
        checked = check_citations(extractive.compose(picks), evidence)
        answer = Answer("", run.standalone, citations=checked.citations,
                        flagged=checked.flagged).set_sentences(checked.sentences)
        return whether.surface(answer, judged, evidence)

    def _nothing_found(self, run: AnswerRun) -> Answer:
        if run.filters is not None and not run.filters.empty:
            text = (f"No article matches the filters ({describe_filters(run.filters)}), so I can't answer. "
                    "Widen or remove them.")
        else:
            text = extractive.abstention(run.question)
        return Answer(text=text, question=run.standalone, abstained=True, mode=self.mode,
                      refusal={"rule": "no passage found", "terms": []})

    def _finish(self, answer: Answer, run: AnswerRun) -> Answer:
        cues = run.cues
        answer.understood = cues.to_dict() if cues is not None and not cues.empty else {}
        if cues is not None and cues.dated:
            date_sentences(answer)
        if run.hits and not answer.abstained:
            evidence = Evidence(run.hits, self.embeddings)
            disagree.surface(answer, evidence, run.standalone, cues)
            if not answer.verdict and whether.asks_whether(run.question):  # LLM mode: the offline verdict too
                judged, evidence = self._judge(run, evidence, self.embeddings.embed_array([run.standalone])[0])
                if judged is not None:
                    whether.surface(answer, judged, evidence)
        if answer.abstained and whether.asks_whether(run.question):
            answer.verdict = "unknown"
        answer.note = " ".join(dict.fromkeys(n for n in [answer.note, *run.notes] if n))
        answer.rewritten_by = run.rewritten_by
        total, before = elapsed_ms(run.started), {k: run.timings.get(k, 0.0) for k in ("condense_ms", "retrieve_ms")}
        answer.timings = {**before, "generate_ms": round(total - sum(before.values()), 1), "total_ms": total}
        return answer


def build_answerer(settings: Settings, retriever: Retriever, embeddings: Embedder) -> Answerer:
    """An Answerer configured from Settings: LLM mode when an endpoint is set, else extractive."""
    return Answerer(retriever, embeddings, make_chat_model(settings), k=settings.top_k,
                    fallback_extractive=settings.fallback_extractive, limits=Limits.of(settings))
