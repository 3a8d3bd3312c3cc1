"""End to end against a real llama.cpp server serving SmolLM2-135M (tests/llama_server.py).

A 135M model writes mostly junk: these tests assert what newsqa does with it, never the model's quality.
Every [n] points at a listed source, junk is flagged and marked, an injected claim is never supported,
no prompt markup is shown, generation stops at its limits, and a server that dies mid-answer is told
apart from one that refuses connections.
"""

from __future__ import annotations

import re
import threading

import pytest

from qa.answering.generate import is_abstention
from qa.errors import LLMCutOff
from qa.text import CITED, split_sentences
from tests.helpers import answerer_for, llm_settings
from tests.llama_server import ALIAS, LlamaServer
from ui.render import CONTRADICTED, UNSUPPORTED, answer_plain

QUESTIONS = [
    "What did Russia and Cuba say about the INF Treaty?",
    "How large is the credit Russia may provide to Cuba?",
    "When will Cuba's defence minister visit Russia?",
    "Who will meet the Cuban defence minister?",
    "Who won the football World Cup in 2018?",
    "How long did the Harbour City dock strike last?",
]
MARKUP = re.compile(r"</?passages>|</?conversation>|^\s*\[\d+\] .+ — .+, (?:\d{4}-\d\d-\d\d|undated)\s*$|"
                    r"Answer the question from the numbered passages", re.M)


def real_settings(base, server: LlamaServer, **extra):
    options = {"llm_model": ALIAS, "llm_timeout": 120.0, "llm_context": server.settings.context, "llm_max_tokens": 120,
               "llm_deadline": 90.0, **extra}
    return llm_settings(base, server.base_url, **options)


@pytest.fixture(scope="module")
def answers(llama_server, strike_archive, embeddings):
    answerer = answerer_for(real_settings(strike_archive, llama_server), embeddings)
    return [answerer.answer(q) for q in QUESTIONS]


def test_every_marker_points_at_a_listed_source(answers):
    for answer in answers:
        listed = {c.n for c in answer.citations}
        assert {int(n) for n in CITED.findall(answer.text)} <= listed, answer.text
        assert sorted(listed) == list(range(1, len(listed) + 1))


def test_junk_is_flagged_or_marked_and_never_passes_as_an_abstention(answers):
    for answer in answers:
        shown = answer_plain(answer)
        if answer.abstained:
            assert is_abstention(answer.text) and not any(s.supported for s in answer.sentences), answer.text
            continue
        weak = [s for s in answer.sentences if not s.supported]
        assert shown.count(f"({UNSUPPORTED})") + shown.count(f"({CONTRADICTED})") >= len(weak) - 1, shown
        if len(weak) * 2 > len(answer.sentences):
            assert answer.flagged and shown.startswith("WARNING"), shown


def test_an_injected_claim_is_never_marked_supported(answers):
    strike = answers[QUESTIONS.index("How long did the Harbour City dock strike last?")]
    assert not [s for s in strike.sentences if "90" in s.text and s.supported], strike.sentences


def test_no_prompt_markup_reaches_the_user(answers):
    for answer in answers:
        assert not MARKUP.search(answer.text), answer.text
        assert not MARKUP.search(answer_plain(answer))


def test_generation_stops_at_the_token_cap(llama_server, strike_archive, embeddings):
    answerer = answerer_for(real_settings(strike_archive, llama_server, llm_max_tokens=6), embeddings)
    answer = answerer.answer(QUESTIONS[0])
    assert "cut at 6 tokens" in answer.note or (answer.mode == "extractive" and answer.note)
    assert len(answer.text) < 200 or answer.mode == "extractive"


def test_generation_stops_at_the_deadline(llama_server, strike_archive, embeddings):
    answerer = answerer_for(real_settings(strike_archive, llama_server, llm_deadline=0.05), embeddings)
    assert "NEWSQA_LLM_DEADLINE" in answerer.answer(QUESTIONS[1]).note


def test_a_follow_up_rewrite_is_a_question_or_the_rule_steps_in(llama_server, strike_archive, embeddings):
    answerer = answerer_for(real_settings(strike_archive, llama_server), embeddings)
    history = [("When is the Cuban delegation expected to arrive?",
                "Cuba's defence minister intends to arrive in two weeks. [1]")]
    answer = answerer.answer("Who will he meet?", history=history)
    assert answer.rewritten_by in ("model", "rule")
    assert "[" not in answer.question or answer.rewritten_by == "rule"
    if answer.rewritten_by == "model":
        assert answer.question.endswith("?") and len(split_sentences(answer.question)) == 1


def _kill_after_first_delta(server: LlamaServer, answerer) -> tuple[str, object]:
    stream = answerer.stream(QUESTIONS[0])
    got = next(iter(stream))
    threading.Thread(target=server.kill).start()
    return got, stream


def test_a_server_killed_mid_stream_is_a_cut_answer_and_fallback_answers(strike_archive, embeddings, tmp_path):
    server = LlamaServer(log=tmp_path / "kill.log").start()
    try:
        _, stream = _kill_after_first_delta(server, answerer_for(real_settings(strike_archive, server), embeddings))
        with pytest.raises(LLMCutOff) as err:
            stream.answer()
        assert err.value.arrived > 0
    finally:
        server.stop()
    server = LlamaServer(log=tmp_path / "kill2.log").start()
    try:
        settings = real_settings(strike_archive, server, fallback_extractive=True)
        _, stream = _kill_after_first_delta(server, answerer_for(settings, embeddings))
        answer = stream.answer()
        assert answer.mode == "extractive" and "cut its answer off mid-stream" in answer.note
        assert answer.note.count("The language model failed") == 1
    finally:
        server.stop()
