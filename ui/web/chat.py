"""The web chat's logic, free of Gradio: one browser session's conversation, asking, rating.

A `ChatSession` lives in the session's `gr.State` (never on a shared object); `WebChat` holds the
collaborators every session uses (answerer, feedback store) and turns domain errors into chat text.

>>> session = ChatSession()
>>> session.history()
[]
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.errors import NewsqaError
from qa.feedback import settings_snapshot
from qa.types import Answer, Filters
from ui.render import feedback_row, parse_filters, user_message
from ui.web.render import answer_markdown

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from qa.config import Settings
    from qa.feedback import FeedbackStore

log = logging.getLogger(__name__)

ADD_ARTICLES = "Open the Library tab to add files or URLs, or run `newsqa ingest samples/` for the bundled sample."
FALLBACK_NOTE = ("ℹ️ *The language model is not answering, so this answer is extractive: sentences "
                 "quoted from the passages.*")
THINKING = "*Searching the articles…*"


@dataclass
class Turn:
    """One question and what the chat shows for it; `answer` is None until done (or on error)."""

    question: str
    reply: str = ""
    number: int = 0  # position in the conversation (anchors of its source cards use it)
    filters: Filters | None = None
    k: int | None = None
    answer: Answer | None = None
    rating: int = 0
    feedback_id: int | None = None


@dataclass
class ChatSession:
    """One browser session's conversation; `id` goes into feedback rows as the place."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    turns: list[Turn] = field(default_factory=list)
    last_rated: int | None = None

    def history(self) -> list[tuple[str, str]]:
        """(question, answer text) of the answered turns, for follow-up questions."""
        return [(t.question, t.answer.text) for t in self.turns if t.answer is not None]

    def messages(self) -> list[dict]:
        """The conversation in the chat component's format (role + content)."""
        out: list[dict] = []
        for t in self.turns:
            out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.reply}]
        return out


def friendly(exc: Exception) -> str:
    """A chat message for an error raised while answering."""
    return f"⚠️ {user_message(exc, add_articles=ADD_ARTICLES)}"


class WebChat:
    """Answers and feedback for any session; shared by all sessions, it holds no per-user state."""

    def __init__(self, answerer: Answerer, feedback: FeedbackStore, settings: Settings):
        self.answerer, self.feedback, self.settings = answerer, feedback, settings

    def ask(self, session: ChatSession, question: str, *, since=None, until=None, outlets=(),
            k: int | None = None) -> Iterator[Turn]:
        """Append a turn to the session and yield it after every update; an error ends it as a message.

        since/until: the date inputs ('2018-11-02', a date or None); outlets: names (empty = all).
        """
        history = session.history()
        turn = Turn(question.strip(), reply=THINKING, number=len(session.turns), k=k)
        session.turns.append(turn)
        yield turn
        try:
            turn.filters = parse_filters(since, until, outlets, labels=("start", "end"))
            yield from self._stream(turn, history)
        except Exception as exc:  # a callback must never take the app down: the user gets a message
            if not isinstance(exc, NewsqaError):
                log.exception("answering %r failed", turn.question)
            turn.reply = friendly(exc)
            yield turn

    def _stream(self, turn: Turn, history: list[tuple[str, str]]) -> Iterator[Turn]:
        parts: list[str] = []
        stream = self.answerer.stream(turn.question, history, turn.filters, turn.k)
        for delta in stream:
            parts.append(delta)
            turn.reply = "".join(parts)
            yield turn
        turn.answer = stream.answer()
        turn.reply = self._final_reply(turn.answer, turn.number)
        yield turn

    def _final_reply(self, answer: Answer, number: int) -> str:
        text = answer_markdown(answer, number)
        if answer.note:  # e.g. the LLM failed and the extractive fallback answered
            text = f"{FALLBACK_NOTE}\n\n{text}"
        return text

    def rate(self, session: ChatSession, index: int, liked: bool | None, user: str = "") -> str:
        """Store thumbs up/down (liked True/False) for the turn at index; returns a status line.

        Changing a rating updates its row; liked=None (a thumb clicked off) withdraws it.
        """
        turn = session.turns[index] if 0 <= index < len(session.turns) else None
        if turn is None or turn.answer is None:
            return "Only answers can be rated."
        if liked is None:
            if turn.feedback_id is not None:
                self.feedback.remove(turn.feedback_id)
            turn.feedback_id, turn.rating = None, 0
            return "Rating withdrawn."
        rating = 1 if liked else -1
        if turn.feedback_id is not None:
            self.feedback.set_rating(turn.feedback_id, rating)
        else:
            turn.feedback_id = self.feedback.add(
                channel="web", rating=rating, **feedback_row(turn.question, turn.answer),
                settings=self.snapshot(turn), user=user, place=session.id)
            turn.rating = rating
        session.last_rated = index
        verdict = "helpful" if liked else "not helpful"
        return f"Thanks: “{turn.question}” rated {verdict}. You can add a comment."

    def comment(self, session: ChatSession, text: str) -> str:
        """Attach a comment to the session's latest rating; returns a status line."""
        if not text.strip():
            return "Write a comment first."
        if session.last_rated is None:
            return "Rate an answer with a thumb first; the comment is added to that rating."
        turn = session.turns[session.last_rated]
        self.feedback.set_comment(turn.feedback_id, text.strip())
        return f"Comment saved for “{turn.question}”."

    def snapshot(self, turn: Turn) -> dict:
        """The settings that produced a turn's answer (no secrets), stored with its feedback."""
        mode = turn.answer.mode if turn.answer else self.answerer.mode
        return settings_snapshot(self.settings, mode, k=turn.k, filters=turn.filters)
