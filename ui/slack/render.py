"""Answer -> Slack messages (Block Kit), within Slack's limits.

A reply is the answer in mrkdwn with its [n] markers, a warning line when it abstained or has
unsupported sentences, one context block per cited source ("[1] <url|Headline> · Outlet · date" and
the quoted supporting sentence) and 👍/👎 buttons. Slack allows 3000 characters per section text and
50 blocks per message, so long answers are split into several sections and, if need be, messages.

>>> from qa.types import Answer
>>> [m["blocks"][0]["text"]["text"] for m in answer_messages(Answer("Yes [1].", "q?"), "v")]
['Yes [1].']
"""

from __future__ import annotations

import json
import re

from qa.text import is_http_url
from qa.types import Answer, Citation
from ui import render as said

SECTION_CHARS = 3000  # Block Kit: section text
CONTEXT_CHARS = 3000  # Block Kit: text element of a context block
MAX_BLOCKS = 50  # Block Kit: blocks per message
FALLBACK_CHARS = 3000  # the plain `text` shown in notifications (Slack truncates at 40k)
QUOTE_CHARS = 300
FEEDBACK_ACTIONS = {"newsqa_feedback_up": 1, "newsqa_feedback_down": -1}
PLACEHOLDER = "Searching the articles…"

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)
_BULLET = re.compile(r"^(\s*)[-*]\s+", re.M)
_BREAKS = (("\n\n", 0), ("\n", 0), (". ", 1), (" ", 0))  # preferred cut points; keep = chars kept before


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves: 'a < b & c' -> 'a &lt; b &amp; c'."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_target(url: str) -> str:
    """A web URL safe inside Slack's <url|text>: the characters that would end or split it encoded.

    >>> link_target("https://x.example/a?b=<!channel>|c")
    'https://x.example/a?b=%3C!channel%3E%7Cc'
    """
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def to_mrkdwn(markdown: str) -> str:
    """Markdown (as chat models write it) -> Slack mrkdwn; [n] citation markers are kept.

    >>> to_mrkdwn("## Moscow\\n**Russia** regrets it [1]; see [TASS](https://tass.com/x).")
    '*Moscow*\\n*Russia* regrets it [1]; see <https://tass.com/x|TASS>.'
    """
    text = escape(markdown)
    text = _LINK.sub(lambda m: f"<{link_target(m[2])}|{m[1].replace('|', '/')}>", text)
    text = _BOLD.sub(lambda m: f"*{m[1] or m[2]}*", text)
    text = _HEADING.sub(r"*\1*", text)
    return _BULLET.sub(r"\1• ", text)


def split_text(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at a paragraph, line or word break if possible.

    >>> split_text("aaa bbb ccc", limit=7)
    ['aaa bbb', 'ccc']
    """
    pieces: list[str] = []
    while len(text) > limit:
        breaks = (text.rfind(sep, 0, limit + 1 - keep) + keep for sep, keep in _BREAKS)
        cut = next((b for b in breaks if b > limit // 2), limit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces


def section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:CONTEXT_CHARS]}]}


def text_message(mrkdwn: str) -> dict:
    """A plain message (placeholder, error, progress): one or more sections, and a fallback text."""
    return {"text": mrkdwn[:FALLBACK_CHARS], "blocks": [section(p) for p in split_text(mrkdwn)][:MAX_BLOCKS]}


def progress_message(partial: str) -> dict:
    """The message shown while an answer streams in: the text so far and an ellipsis."""
    text = to_mrkdwn(partial).strip()
    if len(text) > SECTION_CHARS - 2:
        text = text[: SECTION_CHARS - 3] + "…"
    return text_message(f"{text} …" if text else PLACEHOLDER)



def source_line(citation: Citation) -> str:
    """'*[1]* <https://tass.com/x|Russia regrets> · TASS · 2018-10-21' and the quote below it."""
    title = escape(said.title_of(citation)).replace("|", "/")
    link = f"<{link_target(citation.url)}|{title}>" if is_http_url(citation.url) else title
    parts = [f"*[{citation.n}]* {link}", *map(escape, said.source_meta(citation)),
             f":warning: _{said.AI_NOTICE}_" if citation.addressed_to_ai else "",
             "" if citation.supports else f":warning: _{said.NOT_SUPPORTING}_",
             f"_{escape(also)}_" if (also := said.carried_by(citation)) else ""]
    line = " · ".join(p for p in parts if p)
    quote = " ".join((citation.quote or citation.text).split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
    return f"{line}\n> {escape(quote)}" if quote else line


def warning_line(answer: Answer) -> str:
    """`ui.render.warning` as a Slack context line; '' when all is well."""
    text = said.warning(answer)
    return f":warning: _{escape(text)}_" if text else ""


def feedback_value(answer_id: str, question: str, limit: int = 2000) -> str:
    """The buttons' value: the answer's id and as much of the question as fits Slack's 2000 characters.

    >>> feedback_value("ab12", "Why?")
    '{"id": "ab12", "q": "Why?"}'
    """
    question = question[:limit]
    while len(value := json.dumps({"id": answer_id, "q": question}, ensure_ascii=False)) > limit:
        question = question[: len(question) * 3 // 4]
    return value


def feedback_block(value: str) -> dict:
    """The 👍/👎 buttons; `value` (≤ 2000 characters) comes back with the click."""
    buttons = [("newsqa_feedback_up", "👍 Helpful"), ("newsqa_feedback_down", "👎 Not helpful")]
    return {"type": "actions", "block_id": "newsqa_feedback", "elements": [
        {"type": "button", "action_id": action, "value": value[:2000], "text": {"type": "plain_text", "text": label}}
        for action, label in buttons]}


def answer_blocks(answer: Answer, header: str = "", asked: str = "") -> list[dict]:
    """Every block of an answer, buttons excluded, in reading order.

    When `asked` (the user's words) differs from the question actually searched for (a follow-up
    made standalone from the thread's history), a line says how it was understood.
    """
    blocks = [section(header)] if header else []
    marked = to_mrkdwn(said.mark_unsupported(answer, said.MARK_SLOT.format).strip())
    for note in (said.UNSUPPORTED, said.CONTRADICTED):
        marked = marked.replace(said.MARK_SLOT.format(note), f" _({note})_ :warning:")
    blocks += [section(piece) for piece in split_text(marked or "_(no answer)_")]
    if asked and answer.question and " ".join(asked.split()) != " ".join(answer.question.split()):
        blocks.append(context(f":mag: _Understood as:_ {escape(answer.question)}"))
    if understood := said.understood_line(answer):
        blocks.append(context(f":calendar: _{escape(understood)}_"))
    if line := warning_line(answer):
        blocks.append(context(line))
    if answer.citations:
        blocks.append({"type": "divider"})
        blocks += [context(source_line(c)) for c in answer.citations]
    return blocks


def answer_messages(answer: Answer, feedback_value: str, header: str = "", asked: str = "") -> list[dict]:
    """The answer as one or more messages ({"text", "blocks"}); the buttons end the last one."""
    blocks = [*answer_blocks(answer, header, asked), feedback_block(feedback_value)]
    pages = [blocks[i : i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)]
    fallback = escape(answer.text.strip())[:FALLBACK_CHARS] or "(no answer)"
    return [{"text": fallback if i == 0 else "(continued)", "blocks": page} for i, page in enumerate(pages)]
