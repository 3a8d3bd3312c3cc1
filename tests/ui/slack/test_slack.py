"""The Slack bot end to end, without Slack: signed HTTP requests into the Bolt app's HTTP server, and a
loopback Slack Web API (tests/slack_stub.py) receiving what the bot posts. Real answerer, real corpus.
"""

from __future__ import annotations

import itertools
import json
import threading
import time

import pytest
from pydantic import SecretStr

from qa.answering.answer import build_answerer
from qa.errors import ConfigError
from qa.feedback import FeedbackStore
from qa.index.store import open_lexical, open_store
from qa.retrieval.retrieve import make_retriever
from tests.openai_stub import refused_url
from tests.slack_stub import (
    BOT_ID,
    BOT_USER_ID,
    SlackStub,
    action_form,
    command_form,
    event_body,
    signed_post,
)
from ui.render import LLM_DOWN, NOT_INDEXED
from ui.slack.app import build_slack_app, make_http_server, socket_mode_handler
from ui.slack.render import PLACEHOLDER

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
QUESTION = "What did Russia say about the INF treaty?"


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def slack():
    with SlackStub() as stub:
        yield stub


def bot_settings(base, slack: SlackStub, **overrides):
    """Settings for the bot: the given corpus, test tokens, the stub as Slack's Web API."""
    return base.model_copy(update={
        "slack_bot_token": SecretStr("xoxb-test"), "slack_app_token": SecretStr("xapp-test"),
        "slack_signing_secret": SecretStr(SECRET), "slack_api_url": slack.api_url, **overrides})


def make_answerer(settings, embeddings):
    store = open_store(settings, embeddings.identity)
    retriever = make_retriever(settings, store, open_lexical(settings), embeddings)
    return build_answerer(settings, retriever, embeddings)


class Bot:
    """The Bolt app behind a real HTTP server on 127.0.0.1, and helpers to send it signed requests."""

    def __init__(self, settings, answerer, feedback: FeedbackStore):
        self.settings, self.feedback = settings, feedback
        self.app = build_slack_app(settings, answerer, feedback, update_interval=0.2)
        self.server = make_http_server(self.app, settings, port=0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        self._events = itertools.count(1)

    def event(self, event: dict, event_id: str | None = None, **kwargs) -> tuple[int, str, float]:
        body = event_body(event, event_id or f"Ev{next(self._events):08d}")
        return signed_post(self.url, body, "application/json", **{"secret": SECRET, **kwargs})

    def command(self, text: str, response_url: str, channel: str = "C0NEWS") -> tuple[int, str, float]:
        form = command_form(text, response_url, channel)
        return signed_post(self.url, form, "application/x-www-form-urlencoded", secret=SECRET)

    def click(self, message: dict, channel: str, action_id: str, response_url: str) -> tuple[int, str, float]:
        form = action_form(message, channel, action_id, response_url)
        return signed_post(self.url, form, "application/x-www-form-urlencoded", secret=SECRET)


@pytest.fixture
def make_bot(slack, sample_settings, embeddings, tmp_path):
    """Factory: make_bot(**setting_overrides, corpus=sample_settings) -> Bot, serving until the test ends."""
    servers = []

    def make(corpus=sample_settings, **overrides) -> Bot:
        settings = bot_settings(corpus, slack, **overrides)
        bot = Bot(settings, make_answerer(settings, embeddings), FeedbackStore(tmp_path / "feedback.sqlite3"))
        threading.Thread(target=bot.server.serve_forever, daemon=True).start()
        servers.append(bot.server)
        return bot

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def bot(make_bot) -> Bot:
    """The bot in extractive mode over the sample corpus."""
    return make_bot()


# --- helpers -------------------------------------------------------------------------------------
def mention(slack: SlackStub, text: str, channel: str = "C0NEWS", thread_ts: str | None = None) -> dict:
    """A user's mention, as stored in Slack (so conversations.replies sees it) and sent as an event."""
    message = slack.add_message(channel, f"<@{BOT_USER_ID}> {text}", thread_ts=thread_ts)
    return {**message, "type": "app_mention", "channel": channel}


def final_answer(slack: SlackStub, channel: str, count: int = 1) -> list[dict]:
    """Wait for `count` finished answers (chat.update calls carrying the feedback buttons) in channel."""
    def done():
        updates = [u for u in slack.calls("chat.update") if u["channel"] == channel and _has_buttons(u)]
        return updates if len(updates) >= count else None
    return slack.wait_for(done)


def _has_buttons(message: dict) -> bool:
    return any(b["type"] == "actions" for b in message.get("blocks") or [])


def texts(message: dict) -> str:
    """All the mrkdwn text of a message's blocks, joined."""
    parts = []
    for block in message.get("blocks") or []:
        parts.append((block.get("text") or {}).get("text", ""))
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(parts)


def sources(message: dict) -> list[str]:
    return [b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context"
            and b["elements"][0]["text"].startswith("*[")]


def barrier(bot: Bot, slack: SlackStub, channel: str = "C0BARRIER") -> None:
    """Send a valid mention and wait for its answer: everything sent before has been processed."""
    bot.event(mention(slack, QUESTION, channel=channel))
    final_answer(slack, channel)


def posted(slack: SlackStub, channel: str) -> list[dict]:
    return [c for c in slack.calls("chat.postMessage") if c["channel"] == channel]


# --- answering -----------------------------------------------------------------------------------
def test_mention_is_answered_in_its_thread_with_source_blocks(bot, slack):
    event = mention(slack, QUESTION)
    status, _, took = bot.event(event)
    assert status == 200 and took < 3.0  # acknowledged before the answer is computed

    [answer] = final_answer(slack, "C0NEWS")
    [placeholder] = posted(slack, "C0NEWS")
    assert placeholder["thread_ts"] == event["ts"] and placeholder["text"] == PLACEHOLDER
    assert answer["ts"] == slack.messages["C0NEWS"][-1]["ts"]  # the placeholder was edited in place
    assert "INF" in answer["text"] and "[1]" in answer["text"]
    cited = sources(answer)
    assert cited and cited[0].startswith("*[1]* ") and " · TASS" in cited[0] and "\n> " in cited[0]
    assert slack.calls("auth.test")  # Bolt checked the token once, at start-up
    assert answer["metadata"]["event_payload"]["question"] == QUESTION


def test_sources_that_differ_and_a_syndicated_story_in_slack(make_bot, archive_settings, slack):
    bot = make_bot(corpus=archive_settings)
    bot.event(mention(slack, "How many workers took part in the Harbour City strike?"))
    [answer] = final_answer(slack, "C0NEWS")
    body = texts(answer)
    assert "Sources differ: Harbour Herald (20 Mar, the union) says 1,200 workers [" in body
    assert "Metro Daily (21 Mar, the Harbour Dockers Union) says 1,500 workers. [" in body
    assert {" · Harbour Herald" in line or " · Metro Daily" in line for line in sources(answer)} == {True}

    bot.event(mention(slack, "How many container ships were waiting offshore in the second week of the strike?",
                      channel="C0SHIPS"))
    [ships] = final_answer(slack, "C0SHIPS")
    [wire] = [line for line in sources(ships) if " · Coastal Wire" in line]
    assert "_also carried by Metro Daily_" in wire
    assert not any(" · Metro Daily · 2024-03-12" in line for line in sources(ships))


def test_direct_message_is_answered_in_the_dm(bot, slack):
    message = slack.add_message("D0ALICE", QUESTION)
    bot.event({"type": "message", "channel": "D0ALICE", "channel_type": "im", **message})
    [answer] = final_answer(slack, "D0ALICE")
    assert "INF" in answer["text"] and sources(answer)
    [placeholder] = posted(slack, "D0ALICE")
    assert "thread_ts" not in placeholder  # a plain reply in the DM, not a thread


def test_reply_in_the_bots_thread_is_a_follow_up_with_history(bot, slack):
    first = mention(slack, "What did Russia and Cuba say about the INF Treaty?")
    bot.event(first)
    final_answer(slack, "C0NEWS")
    follow = slack.add_message("C0NEWS", "What about the credit?", thread_ts=first["ts"])
    bot.event({"type": "message", "channel": "C0NEWS", "channel_type": "channel", **follow})

    answers = final_answer(slack, "C0NEWS", count=2)
    assert slack.calls("conversations.replies")[-1]["ts"] == first["ts"]
    understood = texts(answers[1])
    assert "Understood as:" in understood and "INF" in understood.split("Understood as:")[1]
    assert posted(slack, "C0NEWS")[-1]["thread_ts"] == first["ts"]


def test_thread_replies_without_the_bot_and_channel_chatter_are_ignored(bot, slack):
    parent = slack.add_message("C0NEWS", "lunch?")
    reply = slack.add_message("C0NEWS", "What about the INF treaty?", thread_ts=parent["ts"])
    bot.event({"type": "message", "channel": "C0NEWS", "channel_type": "channel", **reply})
    chatter = slack.add_message("C0NEWS", "What about the INF treaty?")
    bot.event({"type": "message", "channel": "C0NEWS", "channel_type": "channel", **chatter})
    barrier(bot, slack)
    assert posted(slack, "C0NEWS") == []


def test_own_and_other_bots_messages_are_ignored(bot, slack):
    own = slack.add_message("D0ALICE", QUESTION, user=BOT_USER_ID, bot_id=BOT_ID)
    other = slack.add_message("D0ALICE", QUESTION, user="U0OTHERBOT", bot_id="B0OTHER")
    edit = {"type": "message", "subtype": "message_changed", "channel": "D0ALICE", "channel_type": "im",
            "ts": slack.next_ts(), "message": {"text": QUESTION, "user": "U0ALICE"}}
    for event in ({"type": "message", "channel": "D0ALICE", "channel_type": "im", **own},
                  {"type": "message", "channel": "D0ALICE", "channel_type": "im", **other}, edit):
        assert bot.event(event)[0] == 200
    barrier(bot, slack)
    assert posted(slack, "D0ALICE") == []


def test_ask_command_is_acknowledged_then_answered_in_the_channel(bot, slack):
    status, body, took = bot.command(QUESTION, slack.response_url("ask1"))
    assert status == 200 and body == "" and took < 3.0
    [answer] = final_answer(slack, "C0NEWS")
    [placeholder] = posted(slack, "C0NEWS")
    assert "thread_ts" not in placeholder
    assert texts(answer).startswith(f"*<@U0ALICE> asked:* {QUESTION}") and sources(answer)


def test_ask_answers_through_response_url_where_the_bot_is_not_a_member(bot, slack):
    slack.fail("chat.postMessage", error="not_in_channel")
    bot.command(QUESTION, slack.response_url("ask2"), channel="C0ELSEWHERE")
    final = slack.wait_for(lambda: [r for r in slack.calls("response:ask2") if _has_buttons(r)])
    assert final[0]["response_type"] == "in_channel" and final[0]["replace_original"] is True
    assert "INF" in final[0]["text"]


def test_ask_answers_privately_when_configured(make_bot, slack):
    bot = make_bot(slack_ephemeral=True)
    bot.command(QUESTION, slack.response_url("ask3"))
    final = slack.wait_for(lambda: [r for r in slack.calls("response:ask3") if _has_buttons(r)])
    first = slack.calls("response:ask3")[0]
    assert first["response_type"] == "ephemeral" and first["text"] == PLACEHOLDER
    assert final[0]["response_type"] == "ephemeral" and "INF" in final[0]["text"]
    assert slack.calls("chat.postMessage") == []


def test_empty_ask_gets_usage_help(bot, slack):
    status, body, _ = bot.command("  ", slack.response_url("ask4"))
    assert status == 200 and "/ask" in body  # the ack itself carries the help, shown only to the asker


# --- safety --------------------------------------------------------------------------------------
def test_forged_and_stale_signatures_are_rejected(bot, slack):
    forged = bot.event(mention(slack, QUESTION), secret="not-the-secret")
    stale = bot.event(mention(slack, QUESTION), ts=int(time.time()) - 600)
    assert forged[0] == 401 and stale[0] == 401
    barrier(bot, slack)
    assert posted(slack, "C0NEWS") == []


def test_retries_and_repeated_event_ids_get_one_answer(bot, slack):
    event = mention(slack, QUESTION)
    bot.event(event, event_id="Ev0DUPLICATE")
    final_answer(slack, "C0NEWS")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.event(event, event_id="Ev0DUPLICATE", headers=retry)[0] == 200
    assert bot.event(event, event_id="Ev0DUPLICATE")[0] == 200
    # The same message again under a new event id (as the `message` twin of a mention): still one answer.
    bot.event({**event, "type": "message", "channel_type": "channel"}, event_id="Ev0TWIN")
    bot.event(event, event_id="Ev0OTHERID")
    barrier(bot, slack)
    assert len(posted(slack, "C0NEWS")) == 1


def test_channel_allowlist(make_bot, slack):
    bot = make_bot(slack_channels="C0NEWS, C0BARRIER")
    bot.event(mention(slack, QUESTION, channel="C0RANDOM"))
    notice = slack.wait_for(lambda: slack.calls("chat.postEphemeral"))
    assert notice[0]["channel"] == "C0RANDOM" and "not enabled" in notice[0]["text"]
    barrier(bot, slack)
    assert posted(slack, "C0RANDOM") == []


def test_rate_limited_calls_are_retried_after_retry_after(bot, slack):
    slack.fail("chat.postMessage", status=429, retry_after=0)
    bot.event(mention(slack, QUESTION))
    final_answer(slack, "C0NEWS")
    assert len(posted(slack, "C0NEWS")) == 2  # the 429, then the retry that worked


# --- feedback ------------------------------------------------------------------------------------
def test_feedback_button_stores_a_row_and_confirms_privately(bot, slack):
    bot.event(mention(slack, QUESTION))
    [answer] = final_answer(slack, "C0NEWS")
    message = next(m for m in slack.messages["C0NEWS"] if m["ts"] == answer["ts"])
    status, _, _ = bot.click(message, "C0NEWS", "newsqa_feedback_down", slack.response_url("fb"))
    assert status == 200
    [confirm] = slack.wait_for(lambda: slack.calls("response:fb"))
    assert confirm["response_type"] == "ephemeral" and confirm["replace_original"] is False
    bot.click(message, "C0NEWS", "newsqa_feedback_down", slack.response_url("fb2"))  # a second click
    assert "already" in slack.wait_for(lambda: slack.calls("response:fb2"))[0]["text"]
    [row] = bot.feedback.rows()
    assert (row["channel"], row["rating"], row["user"], row["place"]) == ("slack", -1, "U0BOB", "C0NEWS")
    assert row["question"] == QUESTION and "INF" in row["answer"]
    assert row["citations"] and row["citations"][0]["n"] == 1 and row["citations"][0]["outlet"] == "TASS"
    assert row["settings"]["mode"] == "extractive" and row["settings"]["k"] == bot.settings.top_k


# --- failures ------------------------------------------------------------------------------------
def llm_bot(make_bot, openai_stub) -> Bot:
    """The bot in LLM mode, its model the loopback OpenAI stub (no retries: failures show at once)."""
    return make_bot(openai_base_url=openai_stub.base_url, llm_max_retries=0)


def test_llm_down_gets_a_friendly_thread_reply(make_bot, slack):
    bot = make_bot(openai_base_url=refused_url(), llm_max_retries=0)
    event = mention(slack, QUESTION)
    bot.event(event)
    update = slack.wait_for(lambda: [u for u in slack.calls("chat.update") if LLM_DOWN in u["text"]])
    assert update[0]["channel"] == "C0NEWS" and "127.0.0.1" not in update[0]["text"]
    assert posted(slack, "C0NEWS")[0]["thread_ts"] == event["ts"]


def test_llm_server_error_gets_a_friendly_reply(make_bot, openai_stub, slack):
    openai_stub.fail("500")
    llm_bot(make_bot, openai_stub).event(mention(slack, QUESTION))
    slack.wait_for(lambda: [u for u in slack.calls("chat.update") if LLM_DOWN in u["text"]])


def test_empty_index_gets_a_friendly_reply(make_bot, settings, slack):
    make_bot(corpus=settings).event(mention(slack, QUESTION))  # a data dir with nothing ingested
    slack.wait_for(lambda: [u for u in slack.calls("chat.update") if NOT_INDEXED in u["text"]])


# --- language model --------------------------------------------------------------------------------
def test_llm_answer_streams_into_the_placeholder(make_bot, openai_stub, slack):
    openai_stub.reply("Russia and Cuba regret the US decision to withdraw from the INF Treaty [1]. "
                      "They call it a threat to global security [1].")
    llm_bot(make_bot, openai_stub).event(mention(slack, QUESTION))
    [answer] = final_answer(slack, "C0NEWS")
    assert "INF Treaty" in answer["text"] and "[1]" in answer["text"] and sources(answer)
    assert openai_stub.requests[0]["stream"] is True


def test_events_are_acknowledged_before_a_slow_model_answers(make_bot, openai_stub, slack):
    openai_stub.reply(lambda body: time.sleep(2.0) or "Russia regrets the INF Treaty exit [1].")  # a 2 s wait
    status, _, took = llm_bot(make_bot, openai_stub).event(mention(slack, QUESTION))
    assert status == 200 and took < 1.5
    [answer] = final_answer(slack, "C0NEWS")
    assert "INF Treaty" in answer["text"]


def test_follow_up_history_reaches_the_language_model(make_bot, openai_stub, slack):
    openai_stub.reply("Russia and Cuba regret the US withdrawal from the INF Treaty [1].",
                      "What did Russia and Cuba say about the Russian credit to Cuba?",
                      "Russia granted Cuba a loan [1].")
    bot = llm_bot(make_bot, openai_stub)
    first = mention(slack, "What did Russia and Cuba say about the INF Treaty?")
    bot.event(first)
    final_answer(slack, "C0NEWS")
    follow = slack.add_message("C0NEWS", "What about the credit?", thread_ts=first["ts"])
    bot.event({"type": "message", "channel": "C0NEWS", "channel_type": "channel", **follow})
    final_answer(slack, "C0NEWS", count=2)
    condense = json.dumps(openai_stub.requests[1])
    assert "What did Russia and Cuba say about the INF Treaty?" in condense
    assert "What about the credit?" in condense


# --- wiring --------------------------------------------------------------------------------------
def test_socket_mode_handler_is_built_without_connecting(bot, slack):
    handler = socket_mode_handler(bot.app, bot.settings)
    assert handler.app is bot.app and handler.client.app_token == "xapp-test"
    assert handler.client.web_client.base_url == slack.api_url
    assert not handler.client.is_connected()
    assert slack.calls("apps.connections.open") == []


def test_http_endpoint_answers_url_verification_and_nothing_else(bot):
    challenge = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                            "type": "url_verification"})
    status, body, _ = signed_post(bot.url, challenge, "application/json", secret=SECRET)
    assert status == 200 and json.loads(body)["challenge"].startswith("3eZbrw")
    status, _, _ = signed_post(bot.url.replace("/slack/events", "/other"), challenge, "application/json",
                               secret=SECRET)
    assert status == 404


def test_socket_mode_without_app_token_is_a_readable_error(bot):
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        socket_mode_handler(bot.app, bot.settings.model_copy(update={"slack_app_token": None}))


def test_http_mode_without_signing_secret_is_refused(bot):
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        make_http_server(bot.app, bot.settings.model_copy(update={"slack_signing_secret": None}), port=0)


def test_rejected_bot_token_is_a_readable_error(settings, slack):
    slack.fail("auth.test", error="invalid_auth")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        build_slack_app(bot_settings(settings, slack), answerer=None, feedback_store=None)


def test_unreachable_slack_is_a_readable_error(settings, slack):
    with pytest.raises(ConfigError, match="Could not reach Slack"):
        build_slack_app(bot_settings(settings, slack, slack_api_url=refused_url()), answerer=None,
                        feedback_store=None)
