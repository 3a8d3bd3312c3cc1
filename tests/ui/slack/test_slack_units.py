"""The Slack bot's pieces on their own: Block Kit rendering and limits, throttled edits, the
duplicate filter's cache, reading a thread's history, the manifest and the command's token errors."""

from __future__ import annotations

import json

import pytest

from qa.types import Answer, Citation, Sentence
from tests.slack_stub import BOT_ID, BOT_USER_ID, SlackStub
from ui.slack.cache import BoundedCache
from ui.slack.render import (
    MAX_BLOCKS,
    SECTION_CHARS,
    answer_messages,
    feedback_value,
    source_line,
    split_text,
    to_mrkdwn,
)
from ui.slack.reply import MessageReply
from ui.slack.thread import ANSWER_EVENT, plain_text, thread_history


def citation(n: int, **kw) -> Citation:
    fields = dict(chunk_id=f"a:{n:04d}", article_id="a", title="Russia regrets <INF> exit | TASS",
                  outlet="TASS", author="", url="https://tass.com/world/1|2", published_at="2018-11-02T10:00:00Z",
                  text="Passage text.", quote="Moscow regrets the withdrawal & says so.")
    return Citation(n=n, **{**fields, **kw})


def blocks_of(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m["blocks"]]


# --- rendering -----------------------------------------------------------------------------------
def test_source_line_links_headline_outlet_date_and_quotes_the_sentence():
    line = source_line(citation(2))
    assert line == ("*[2]* <https://tass.com/world/1%7C2|Russia regrets &lt;INF&gt; exit / TASS> · TASS · "
                    "2018-11-02\n> Moscow regrets the withdrawal &amp; says so.")
    assert source_line(citation(1, url="", outlet="", published_at="", quote="")).startswith("*[1]* Russia")


def test_markdown_from_models_becomes_mrkdwn():
    assert to_mrkdwn("**Bold** & [link](https://x.org/a) [1]\n- item") == \
        "*Bold* &amp; <https://x.org/a|link> [1]\n• item"


def test_split_text_respects_the_limit_and_prefers_sentence_ends():
    text = ("Russia regrets the withdrawal. " * 200).strip()
    pieces = split_text(text, limit=SECTION_CHARS)
    assert len(pieces) > 1 and all(len(p) <= SECTION_CHARS for p in pieces)
    assert all(p.endswith(".") for p in pieces) and " ".join(pieces) == text
    assert split_text("x" * 7001) == ["x" * 3000, "x" * 3000, "x" * 1001]  # no break at all: hard cuts


def test_long_answers_are_split_within_block_kit_limits():
    answer = Answer("", "q", citations=[citation(n) for n in range(1, 71)]).set_sentences(
        [Sentence("The treaty", [1], supported=True, marks=" [1].") for _ in range(1500)])
    messages = answer_messages(answer, feedback_value("x", '"quoted" ' * 500))
    assert len(messages) >= 2 and all(len(m["blocks"]) <= MAX_BLOCKS for m in messages)
    for block in blocks_of(messages):
        assert len((block.get("text") or {}).get("text", "")) <= SECTION_CHARS
        assert all(len(e.get("text", "")) <= 3000 for e in block.get("elements", []) if isinstance(e.get("text"), str))
        assert all(len(e.get("value", "")) <= 2000 for e in block.get("elements", []))
    assert [b["type"] for b in blocks_of(messages)].count("actions") == 1
    assert messages[-1]["blocks"][-1]["type"] == "actions"
    assert len(messages[0]["text"]) <= 3000
    assert json.loads(messages[-1]["blocks"][-1]["elements"][0]["value"])["id"] == "x"
    assert sum(1 for b in blocks_of(messages) if b["type"] == "context") == 70


@pytest.mark.parametrize(("answer", "warning"), [
    (Answer("I don't know.", "q", abstained=True), "not contain enough evidence"),
    (Answer("A [1]. B [1]. C.", "q", sentences=[Sentence("A [1].", [1], True), Sentence("B [1].", [1], True),
                                               Sentence("C.", [], False)]), "1 sentence not supported"),
    (Answer("A. B.", "q", flagged=True, sentences=[Sentence("A.", [], False), Sentence("B.", [], False)]),
     "Most of this answer"),
    (Answer("A [1].", "q", sentences=[Sentence("A [1].", [1], True)]), None),
])
def test_warning_line_when_abstained_or_unsupported(answer, warning):
    contexts = [b["elements"][0]["text"] for b in answer_messages(answer, "v")[0]["blocks"] if b["type"] == "context"]
    found = [c for c in contexts if c.startswith(":warning:")]
    assert (warning in found[0]) if warning else not found


def test_understood_as_line_only_when_the_question_was_rewritten():
    rewritten = Answer("A [1].", "What about the credit? (Russia Cuba)")
    assert "Understood as" in json.dumps(answer_messages(rewritten, "v", asked="What about the credit?"))
    assert "Understood as" not in json.dumps(answer_messages(Answer("A.", "Why?"), "v", asked="Why?"))


# --- throttled edits -----------------------------------------------------------------------------
def test_streamed_edits_are_at_least_interval_apart():
    now = [100.0]
    with SlackStub() as slack:
        from slack_sdk import WebClient

        reply = MessageReply(WebClient(token="xoxb-test", base_url=slack.api_url), "C1", "1.1",
                             interval=1.0, clock=lambda: now[0])
        reply.start()
        steps = [(100.4, "Rus"), (101.1, "Russia re"), (101.5, "Russia regrets"), (102.2, "Russia regrets it")]
        for at, partial in steps:
            now[0] = at
            reply.progress(partial)
        updates = slack.calls("chat.update")
    assert [u["text"] for u in updates] == ["Russia re …", "Russia regrets it …"]


# --- duplicate filter ----------------------------------------------------------------------------
def test_bounded_cache_forgets_after_ttl_and_beyond_its_size():
    now = [0.0]
    cache = BoundedCache(max_items=2, ttl=10, clock=lambda: now[0])
    assert cache.add("a", 1) and not cache.add("a", 2) and cache.get("a") == 1
    cache.add("b"), cache.add("c")
    assert cache.get("a") is None and len(cache) == 2  # the oldest made room
    now[0] = 11.0
    assert len(cache) == 0 and cache.add("b")


def test_bounded_cache_lets_one_of_many_threads_win():
    from concurrent.futures import ThreadPoolExecutor

    cache = BoundedCache(max_items=100, ttl=60)
    with ThreadPoolExecutor(8) as pool:
        wins = list(pool.map(lambda _: cache.add("Ev1"), range(64)))
    assert wins.count(True) == 1


# --- reading threads -----------------------------------------------------------------------------
def test_plain_text_strips_the_bots_mention_and_slack_markup():
    text = f"<@{BOT_USER_ID}>  What did <@U0PUTIN|putin> say in <#C1|news> about <https://x.org|this> &lt;INF&gt;?"
    assert plain_text(text, BOT_USER_ID) == "What did @putin say in #news about this <INF>?"


def test_thread_history_pairs_questions_with_the_bots_answers():
    meta = {"event_type": ANSWER_EVENT, "event_payload": {"question": "What did Russia say?"}}
    thread = [
        {"ts": "1.000001", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "Russia regrets it [1].", "metadata": meta},
        {"ts": "1.000002", "user": "U0ALICE", "text": "Why &amp; when?"},
        {"ts": "1.000003", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "Searching the articles…"},
        {"ts": "1.000004", "user": "U0BOT2", "bot_id": "B0OTHER", "text": "I am another bot"},
        {"ts": "1.000005", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "Because [2].",
         "metadata": {**meta, "event_payload": {"question": "Why & when?"}}},
        {"ts": "1.000010", "user": "U0ALICE", "text": "And now?"},
    ]
    history = thread_history(thread, bot_user_id=BOT_USER_ID, bot_id=BOT_ID, before_ts="1.000010")
    assert history == [("What did Russia say?", "Russia regrets it [1]."), ("Why & when?", "Because [2].")]
    assert thread_history(thread, bot_user_id=BOT_USER_ID, bot_id=BOT_ID, before_ts="1.000002") == history[:1]


# --- the manifest --------------------------------------------------------------------------------
def test_manifest_declares_what_the_bot_uses():
    import yaml

    from tests.conftest import ROOT

    manifest = yaml.safe_load((ROOT / "ui" / "slack" / "manifest.yaml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "channels:history", "im:history"} <= scopes
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.im"} <= events
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    assert manifest["settings"]["interactivity"]["is_enabled"] and manifest["settings"]["socket_mode_enabled"]


# --- the command ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "names"), [([], ["SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"]),
                                              (["--http"], ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"])])
def test_cli_names_the_missing_tokens(args, names):
    from click.testing import CliRunner

    from ui.cli.main import cli

    result = CliRunner().invoke(cli, ["slack", *args])
    assert result.exit_code == 1
    assert all(name in result.output for name in names) and "Traceback" not in result.output


def test_contradicted_sentences_and_non_supporting_sources_are_marked():
    answer = Answer("", "q", citations=[citation(1, supports=False), citation(2)]).set_sentences([
        Sentence("Russia welcomed the exit.", [1], False, contradicted=True, marks=" [1]"),
        Sentence("Cuba agrees.", [2], True, marks=" [2]")])
    shown = json.dumps(answer_messages(answer, "v"), ensure_ascii=False)
    assert "welcomed the exit. [1] _(contradicted by the cited source)_ :warning:" in shown
    assert "1 sentence contradicted by the cited source" in shown
    assert shown.count("cited, but does not support the sentence") == 1
