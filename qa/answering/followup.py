"""Follow-up questions -> standalone questions, deterministically (extractive mode).

A question that looks like a follow-up ("What about the credit?", "Why did they do it?") gets the
names of the earlier question it continues appended, so retrieval lands in the same articles. The
LLM mode condenses with a prompt instead (`qa/answering/generate.py`).

>>> rewrite("What about the credit?", [("What did Russia and Cuba say about the INF Treaty?", "...")])
'What about the credit? (Russia Cuba INF Treaty)'
>>> rewrite("Who is Sergei Storchak?", [("What did Russia say?", "...")])
'Who is Sergei Storchak?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.text import content_words, name_phrases

History = Sequence[tuple[str, str]]

_CONTINUATION = re.compile(
    r"^\s*(and|but|also|so|what about|how about|what else|why|how come|tell me more|more on)\b"
    r"|\b(it|its|they|them|their|theirs|this|that|these|those|he|him|his|she|her|there|then)\b",
    re.I,
)
MAX_CARRIED = 6


def looks_like_follow_up(question: str) -> bool:
    """True for referring questions ('What about the credit?', 'Why did they leave?') and for short
    ones that name nothing ('Is the loan approved?')."""
    if _CONTINUATION.search(question):
        return True
    return len(content_words(question)) <= 2 and not names(question)


def names(text: str) -> list[str]:
    """The words of the names in text (see `extractive.name_phrases`; the first word is usually "What").

    >>> names("What did Russia and Cuba say about the INF Treaty?")
    ['Russia', 'Cuba', 'INF', 'Treaty']
    >>> names("And what did the U.S. say?")
    ['U.S.']
    """
    return list(dict.fromkeys(w.strip("’'") for phrase in name_phrases(text) for w in phrase.split()))


def carried_terms(history: History) -> list[str]:
    """The names of the latest earlier question that has any (its content words when none has)."""
    for question, _ in reversed(history):
        found = names(question)
        if found:
            return found[:MAX_CARRIED]
    latest = history[-1][0] if history else ""
    return sorted(content_words(latest))[:MAX_CARRIED]


def rewrite(question: str, history: History) -> str:
    """The question to retrieve with: unchanged, or with the earlier subject appended in brackets."""
    if not history or not looks_like_follow_up(question):
        return question
    present = content_words(question) | {w.lower() for w in names(question)}
    extra = [t for t in carried_terms(history) if t.lower() not in present]
    return f"{question.strip()} ({' '.join(extra)})" if extra else question
