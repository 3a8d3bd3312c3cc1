"""LLM mode must never show a weak model's output as trustworthy: each guard against a defect seen with a
real small model, reproduced exactly over the loopback OpenAI-compatible server."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from qa.answering.answer import ECHO_NOTE
from qa.answering.generate import prompt
from qa.errors import LLMContextOverflow, LLMCutOff, LLMRejected
from tests.conftest import ROOT
from tests.helpers import (
    INF,
    REGRET,
    URGE,
    answerer_for,
    citing,
    llm_settings,
    passage_number,
    run_ask,
)
from tests.openai_stub import refused_url
from ui.render import CONTRADICTED, NOT_SUPPORTING, answer_plain

STRIKE = "How long did the dock strike last?"


@pytest.fixture
def llm(sample_settings, embeddings, openai_stub):
    return answerer_for(llm_settings(sample_settings, openai_stub.base_url), embeddings)


def test_an_injected_claim_is_never_marked_supported(strike_archive, embeddings, openai_stub):
    openai_stub.reply(lambda body: f"The strike lasted 90 days [{passage_number(body, 'after 12 days')}].")
    answer = answerer_for(llm_settings(strike_archive, openai_stub.base_url), embeddings).answer(STRIKE)
    assert not answer.sentences[0].supported and answer.flagged
    assert "12 days" not in (answer.citations[0].quote if answer.citations else "")
    assert "WARNING" in answer_plain(answer)


def test_junk_with_a_refusal_phrase_inside_is_flagged_not_an_abstention(llm, openai_stub):
    openai_stub.reply("The passage does not contain a question mark. Cuba is an island in the Caribbean. "
                      "Bananas are yellow and grow in bunches.")
    answer = llm.answer(INF)
    assert not answer.abstained and answer.flagged
    assert answer_plain(answer).startswith("WARNING")


def test_a_short_leading_refusal_is_still_an_abstention(llm, openai_stub):
    openai_stub.reply("The articles I have don't say who won the football World Cup.")
    answer = llm.answer("Who won the football World Cup?")
    assert answer.abstained and not answer.flagged


def test_numbered_lists_keep_their_markers_with_their_sentences(llm, openai_stub):
    openai_stub.reply(lambda body: (
        f"1. Russia and Cuba deeply regret the US plan to leave the INF Treaty. [{passage_number(body, REGRET)}]\n"
        f"2. They urge the United States to revise its intention. [{passage_number(body, URGE)}]"))
    answer = llm.answer(INF)
    assert [s.text[:6] for s in answer.sentences] == ["Russia", "They u"]
    assert all(s.supported for s in answer.sentences) and not answer.flagged
    assert answer.text.startswith("1. Russia") and "\n2. They" in answer.text
    assert "(not supported" not in answer_plain(answer)


def test_a_stream_cut_mid_answer_says_so_and_how_much_arrived(sample_settings, embeddings, openai_stub):
    openai_stub.fail("disconnect")
    with pytest.raises(LLMCutOff) as err:
        answerer_for(llm_settings(sample_settings, openai_stub.base_url), embeddings).answer(INF)
    assert err.value.arrived == 3  # closed or not: the kernel delivers the close as EOF or as a reset


def test_generation_stops_at_the_token_cap_with_a_note(sample_settings, embeddings, openai_stub):
    openai_stub.reply("Russia and Cuba deeply regret the US plan to leave the INF Treaty, " * 10)
    settings = llm_settings(sample_settings, openai_stub.base_url, llm_max_tokens=4)
    answer = answerer_for(settings, embeddings).answer(INF)
    assert openai_stub.requests[-1]["max_tokens"] == 4  # the field llama.cpp's server reads
    assert "cut at 4 tokens (NEWSQA_LLM_MAX_TOKENS)" in answer.note and len(answer.text) < 40


def test_generation_stops_at_the_deadline_with_a_note(sample_settings, embeddings, openai_stub):
    openai_stub.chunk_delay = 0.1
    openai_stub.reply("Russia and Cuba deeply regret the US plan to leave the INF Treaty. " * 8)
    settings = llm_settings(sample_settings, openai_stub.base_url, llm_deadline=0.5)
    started = time.monotonic()
    answer = answerer_for(settings, embeddings).answer(INF)
    assert time.monotonic() - started < 4  # the whole reply would take 6.8 s
    assert "cut after 0.5 s (NEWSQA_LLM_DEADLINE)" in answer.note


def test_a_model_that_loops_is_cut(llm, openai_stub):
    openai_stub.reply("Russia and Cuba deeply regret the US plan to leave the treaty and " * 30)
    answer = llm.answer(INF)
    assert "repeating itself" in answer.note and len(answer.text) < 600


def test_the_prompt_is_trimmed_to_the_context_lowest_ranks_first(sample_settings, embeddings, openai_stub):
    openai_stub.reply(citing(("Russia and Cuba deeply regret the US plan to leave the INF Treaty", REGRET)))
    settings = llm_settings(sample_settings, openai_stub.base_url, llm_context=1000, llm_max_tokens=100)
    answer = answerer_for(settings, embeddings).answer(INF, k=6)
    sent = openai_stub.requests[-1]["messages"][-1]["content"]
    assert "[1] " in sent and "[6] " not in sent
    assert "NEWSQA_LLM_CONTEXT=1000" in answer.note and answer.sentences[0].supported


@pytest.mark.parametrize(("failure", "error", "fields"), [
    ("overflow", LLMContextOverflow, {"status": 400}),
    ("404", LLMRejected, {"status": 404, "route": "POST /v1/nope/chat/completions"}),
])
def test_status_errors_name_what_happened(sample_settings, embeddings, openai_stub, failure, error, fields):
    url = openai_stub.base_url
    if failure == "404":
        url = url.replace("/v1", "/v1/nope")
    else:
        openai_stub.fail(failure)
    with pytest.raises(error) as err:
        answerer_for(llm_settings(sample_settings, url), embeddings).answer(INF)
    assert type(err.value) is error and {f: getattr(err.value, f) for f in fields} == fields
    assert "Error code" not in str(err.value) and "Error code" not in err.value.detail


def test_a_follow_up_rewrite_that_is_no_question_is_replaced_by_the_rule(llm, openai_stub):
    history = [("Who will meet the Cuban defence minister?", "Sergey Shoigu will hold a meeting with him. [1]")]
    openai_stub.reply("Sergey Shoigu will hold a meeting with him. [1]",
                      citing(("Shoigu will meet him in Russia", "Sergey Shoigu will hold a meeting")))
    answer = llm.answer("When will they meet?", history=history)
    assert answer.rewritten_by == "rule" and "[1]" not in answer.question and answer.question.endswith(")")
    openai_stub.reply("When will Sergey Shoigu meet the Cuban defence minister?",
                      citing(("Shoigu will meet him in Russia", "Sergey Shoigu will hold a meeting")))
    answer = llm.answer("When will they meet?", history=history)
    assert answer.rewritten_by == "model" and answer.question == "When will Sergey Shoigu meet the Cuban defence minister?"


def test_a_source_that_supports_nothing_is_listed_as_such(llm, openai_stub):
    openai_stub.reply(citing(("Russia and Cuba deeply regret the US plan to leave the INF Treaty", REGRET),
                             ("Bananas grow on tall trees in Havana", "38 mln euro credit")))
    answer = llm.answer(INF)
    weak = [c for c in answer.citations if not c.supports]
    assert len(weak) == 1 and "38 mln" in weak[0].text and all(c.supports for c in answer.citations if c not in weak)
    assert f"[{weak[0].n}]" in answer.text and NOT_SUPPORTING in answer_plain(answer)


def test_prompt_markup_never_reaches_the_user(llm, openai_stub):
    openai_stub.reply(lambda body: "<passages>\n[1] Russia, Cuba oppose sanctions — TASS, undated\n"
                                   f"Russia and Cuba deeply regret the US plan to leave the INF Treaty "
                                   f"[{passage_number(body, REGRET)}].\n</passages>")
    answer = llm.answer(INF)
    assert "<passages>" not in answer.text and "— TASS, undated" not in answer.text
    assert answer.sentences and answer.sentences[0].supported


def test_an_answer_that_is_mostly_prompt_echo_falls_back_to_extractive(llm, openai_stub):
    openai_stub.reply(prompt("answer"))
    answer = llm.answer(INF)
    assert answer.note.startswith(ECHO_NOTE) and answer.mode == "extractive" and REGRET in answer.text


def test_a_contradicting_claim_is_marked_contradicted(llm, openai_stub):
    openai_stub.reply(citing(("Russia and Cuba welcomed the US intention to withdraw from the INF Treaty", REGRET)))
    answer = llm.answer(INF)
    assert answer.sentences[0].contradicted and not answer.sentences[0].supported
    assert CONTRADICTED in answer_plain(answer)


def test_fallback_prints_its_note_once(sample_settings):
    settings = llm_settings(sample_settings, refused_url())
    result = run_ask(settings, INF, "--fallback")
    assert result.exit_code == 0 and result.stderr.count("The language model failed") == 1


def test_ask_on_a_terminal_shows_the_words_as_they_arrive(sample_settings, openai_stub):
    openai_stub.chunk_delay = 0.15
    openai_stub.reply(citing(("Russia and Cuba deeply regret the US plan to leave the INF Treaty", REGRET),
                             ("They urge the United States to revise its intention", URGE)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSQA_", "OPENAI_"))}
    env.update(NEWSQA_DATA_DIR=str(sample_settings.data_dir), OPENAI_BASE_URL=openai_stub.base_url,
               NEWSQA_LLM_MODEL="stub-model", NEWSQA_LLM_MAX_RETRIES="0", HF_HUB_OFFLINE="1", COLUMNS="100")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ask", INF], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    seen, first_word_at = b"", None
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        try:
            data = os.read(master, 4096) if ready else b""
        except OSError:  # the child closed the terminal
            data = b""
        if not data:
            break
        seen += data
        if first_word_at is None and b"Russia and" in seen:
            first_word_at = time.monotonic()
    proc.wait(30)
    os.close(master)
    ended = time.monotonic()
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert first_word_at is not None and ended - first_word_at > 1.0  # words showed long before the end
    assert "Searching the articles" in text and "Sources" in text and "\x1b[J" in text
