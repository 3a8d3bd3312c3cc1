"""Reading Slack messages: the question a user typed, and a thread's earlier turns as history.

>>> plain_text("<@U0BOT> What did <https://tass.com/x|TASS> say &amp; when?", "U0BOT")
'What did TASS say & when?'
"""

from __future__ import annotations

import re

ANSWER_EVENT = "newsqa_answer"  # message metadata event_type on the bot's final answers

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)[^>]*>")


def plain_text(text: str, bot_user_id: str = "") -> str:
    """Slack markup -> plain text: drop the bot's own mention, keep link labels, unescape &amp; &lt; &gt;."""
    text = _USER.sub(lambda m: "" if m[1] == bot_user_id else f"@{m[2] or m[1]}", text or "")
    text = _LINK.sub(lambda m: m[2] or m[1], text)
    text = _CHANNEL.sub(lambda m: f"#{m[1] or 'channel'}", text)
    text = _SPECIAL.sub(lambda m: f"@{m[1]}", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def ts_key(ts: str) -> tuple[int, int]:
    """Slack timestamps compared exactly: '1700000000.000010' -> (1700000000, 10)."""
    seconds, _, micros = (ts or "0").partition(".")
    return int(seconds or 0), int(micros or 0)


def is_own(message: dict, bot_user_id: str, bot_id: str) -> bool:
    """True for messages this bot posted."""
    return bool((bot_user_id and message.get("user") == bot_user_id) or (bot_id and message.get("bot_id") == bot_id))


def answer_question(message: dict) -> str | None:
    """The question stored in one of the bot's answers (its message metadata), or None for other messages."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != ANSWER_EVENT:
        return None
    return str((metadata.get("event_payload") or {}).get("question") or "")


def thread_history(messages: list[dict], *, bot_user_id: str, bot_id: str, before_ts: str) -> list[tuple[str, str]]:
    """The (question, answer) pairs of a thread, oldest first, from messages earlier than `before_ts`.

    Users' messages are questions; the bot's final answers (marked by their metadata) are answers.
    Placeholders, error notices and other bots' messages are skipped. An answer that starts a
    thread (a DM or /ask reply) carries its own question in its metadata.
    """
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for message in sorted(messages, key=lambda m: ts_key(m.get("ts", ""))):
        if ts_key(message.get("ts", "")) >= ts_key(before_ts):
            break
        if is_own(message, bot_user_id, bot_id):
            question = answer_question(message)
            if question is not None:
                pairs.append((pending or question, plain_text(message.get("text", ""))))
                pending = None
        elif not message.get("bot_id") and message.get("subtype") in (None, "thread_broadcast", "file_share"):
            pending = plain_text(message.get("text", ""), bot_user_id) or pending
    return pairs


def in_thread(messages: list[dict], bot_user_id: str, bot_id: str) -> bool:
    """True when the bot has posted in this thread (so replies there are follow-ups for it)."""
    return any(is_own(m, bot_user_id, bot_id) for m in messages)
