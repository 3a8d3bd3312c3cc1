"""The Slack bot's behaviour: who gets answered, where, with which history; and the 👍/👎 buttons.

Each handler is a thin edge (parse the event, call the answerer, render, reply); Bolt injects its
arguments by name (`event`, `client`, `context`, `ack`, `command`, `respond`, `body`, `action`).
This module does not import slack_bolt: `ui/slack.py` wires these methods into a Bolt App.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from qa.feedback import settings_snapshot
from qa.types import Answer
from ui.render import feedback_row
from ui.slack.cache import BoundedCache
from ui.slack.render import FEEDBACK_ACTIONS, answer_messages, escape, feedback_value
from ui.slack.reply import MessageReply, Reply, ResponseUrlReply, deliver
from ui.slack.thread import ANSWER_EVENT, in_thread, plain_text, thread_history

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from qa.config import Settings
    from qa.feedback import FeedbackStore

log = logging.getLogger(__name__)

HELP = ("Ask me about the news archive, e.g. `@newsqa What did Russia say about the INF treaty?` "
        "or `/ask What did Russia say about the INF treaty?`")
NOT_HERE = "I'm not enabled in this channel. Ask whoever runs me to add it to NEWSQA_SLACK_CHANNELS."
USER_SUBTYPES = (None, "thread_broadcast", "file_share")  # message subtypes written by people


class SlackBot:
    """Answers mentions (in thread), DMs, thread follow-ups and /ask; stores button feedback.

    `seen` drops duplicate deliveries; `answers` remembers recent answers for the feedback buttons.
    Both are bounded and owned by this object (one per app).
    """

    def __init__(self, settings: Settings, answerer: Answerer, feedback_store: FeedbackStore, *, update_interval: float = 1.0):
        self.settings, self.answerer, self.feedback = settings, answerer, feedback_store
        self.update_interval = update_interval
        self.allowed = {c.strip() for c in settings.slack_channels.split(",") if c.strip()}
        self.seen = BoundedCache(max_items=20_000, ttl=3600.0)
        self.answers = BoundedCache(max_items=5_000, ttl=7 * 24 * 3600.0)

    # --- delivery guards -----------------------------------------------------------------
    def first_delivery(self, body: dict) -> bool:
        """False for a repeated event_id (Slack's retries reuse it); True for everything else."""
        event_id = body.get("event_id")
        return not event_id or self.seen.add(f"event:{event_id}")

    def claim(self, event: dict) -> bool:
        """Claim a user's message once: a mention in a thread arrives as app_mention *and* message."""
        return self.seen.add(f"message:{event.get('channel')}:{event.get('ts')}")

    def channel_allowed(self, channel: str, is_dm: bool = False) -> bool:
        """The allowlist (NEWSQA_SLACK_CHANNELS) limits channels; DMs are always allowed."""
        return is_dm or not self.allowed or channel in self.allowed

    # --- handlers ------------------------------------------------------------------------
    def on_mention(self, event: dict, client, context) -> None:
        """`@newsqa question` in a channel: answer in the thread (with its history if inside one)."""
        channel = event.get("channel", "")
        if not self.channel_allowed(channel):
            self._whisper(client, event, NOT_HERE)
            return
        if not self.claim(event):
            return
        history = self._history(client, event, context) if event.get("thread_ts") else []
        self._answer(client, event, context, history, thread_ts=event.get("thread_ts") or event["ts"])

    def on_message(self, event: dict, client, context) -> None:
        """DMs, and replies in threads the bot takes part in (follow-ups); everything else is ignored."""
        if event.get("subtype") not in USER_SUBTYPES or event.get("bot_id"):
            return
        is_dm = event.get("channel_type") == "im"
        if not is_dm and (not event.get("thread_ts") or f"<@{context.bot_user_id}>" in event.get("text", "")):
            return  # channel chatter, or a mention (answered by on_mention)
        if not self.channel_allowed(event.get("channel", ""), is_dm):
            return
        thread = self._thread(client, event) if event.get("thread_ts") else []
        if event.get("thread_ts") and not is_dm and not in_thread(thread, context.bot_user_id, context.bot_id):
            return
        if not self.claim(event):
            return
        history = thread_history(thread, bot_user_id=context.bot_user_id or "", bot_id=context.bot_id or "",
                                 before_ts=event["ts"])
        self._answer(client, event, context, history, thread_ts=event.get("thread_ts"))

    def on_command(self, ack, command: dict, client, respond) -> None:
        """`/ask question`: acknowledged at once, then answered in the channel (or only to the asker)."""
        question = plain_text(command.get("text", ""))
        channel = command.get("channel_id", "")
        if not question or not self.channel_allowed(channel, channel.startswith("D")):
            ack(text=HELP if not question else NOT_HERE)
            return
        ack()
        header = f"*<@{command.get('user_id', '')}> asked:* {escape(question)}"
        reply = self._command_reply(client, channel, respond)
        self._run(reply, question, [], header=header)

    def on_feedback(self, ack, body: dict, action: dict, respond) -> None:
        """A 👍/👎 click: store it with the question, answer and citations; confirm to the clicker only."""
        ack()
        rating = FEEDBACK_ACTIONS.get(action.get("action_id", ""), 0)
        record = dict(self._answer_record(action.get("value", ""), body))
        mode = record.pop("mode", "") or self.answerer.mode
        user = (body.get("user") or {}).get("id", "")
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        if not self.seen.add(f"vote:{user}:{rating}:{action.get('value', '')}"):
            respond(text="Your feedback was already recorded.", response_type="ephemeral", replace_original=False)
            return
        try:
            self.feedback.add(channel="slack", rating=rating, settings=settings_snapshot(self.settings, mode),
                              user=user, place=channel, **record)
            text = "Thanks, your feedback was recorded." if rating > 0 else \
                "Thanks, noted: this answer will be reviewed."
        except Exception:  # storage trouble must not stay silent
            log.exception("storing Slack feedback failed")
            text = "Sorry, I could not record your feedback. Please try again later."
        respond(text=text, response_type="ephemeral", replace_original=False)

    # --- helpers -------------------------------------------------------------------------
    def _answer(self, client, event: dict, context, history, *, thread_ts: str | None) -> None:
        question = plain_text(event.get("text", ""), context.bot_user_id or "")
        if not question:
            client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=HELP)
            return
        reply = MessageReply(client, event["channel"], thread_ts, interval=self.update_interval)
        self._run(reply, question, history)

    def _run(self, reply: Reply, question: str, history, header: str = "") -> Answer | None:
        """Answer `question` into `reply`, remembering the answer for its feedback buttons."""
        answer_id = uuid.uuid4().hex[:16]

        def render(answer: Answer):
            self.answers.add(answer_id, {**feedback_row(question, answer), "mode": answer.mode})
            value = feedback_value(answer_id, question)
            metadata = {"event_type": ANSWER_EVENT, "event_payload": {"question": question[:2000],
                                                                       "answer_id": answer_id}}
            return answer_messages(answer, value, header, asked=question), metadata

        return deliver(self.answerer, reply, question, history, render)

    def _command_reply(self, client, channel: str, respond) -> Reply:
        """Ephemeral by setting; else a channel message, or response_url where the bot can't post."""
        if self.settings.slack_ephemeral:
            return ResponseUrlReply(respond, ephemeral=True)
        reply = MessageReply(client, channel, interval=self.update_interval)
        try:
            reply.start()
            return reply
        except (SlackApiError, OSError) as exc:  # e.g. not_in_channel: answer through the response_url
            log.info("/ask: cannot post in %s (%s); using response_url", channel, exc)
            return ResponseUrlReply(respond, ephemeral=False)

    def _thread(self, client, event: dict) -> list[dict]:
        """The thread's messages, or [] when Slack won't give them (logged)."""
        try:
            response = client.conversations_replies(channel=event["channel"], ts=event["thread_ts"],
                                                    include_all_metadata=True, limit=200)
            return list(response.get("messages") or [])
        except SlackApiError as exc:
            log.warning("conversations.replies failed: %s", exc.response.get("error"))
            return []

    def _history(self, client, event: dict, context) -> list[tuple[str, str]]:
        return thread_history(self._thread(client, event), bot_user_id=context.bot_user_id or "",
                              bot_id=context.bot_id or "", before_ts=event["ts"])

    def _answer_record(self, value: str, body: dict) -> dict:
        """What the clicked answer was: remembered, else rebuilt from the button and the message."""
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        data = data if isinstance(data, dict) else {}
        remembered = self.answers.get(str(data.get("id", "")))
        if remembered:
            return remembered
        message = body.get("message") or {}
        return {"question": str(data.get("q", "")), "answer": plain_text(message.get("text", "")), "citations": []}

    def _whisper(self, client, event: dict, text: str) -> None:
        try:
            client.chat_postEphemeral(channel=event["channel"], user=event.get("user", ""), text=text,
                                      thread_ts=event.get("thread_ts"))
        except SlackApiError as exc:
            log.warning("chat.postEphemeral failed: %s", exc.response.get("error"))
