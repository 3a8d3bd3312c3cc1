"""LLM-as-judge for assertions (`newsqa eval` with NEWSQA_JUDGE_MODEL set): one call per question.

The prompt is `qa/answering/prompts/judge.txt`; the model replies with JSON verdicts, which `parse_verdicts`
reads leniently (a reply it cannot read yields `holds: None`, and the offline keyword check is used).

>>> parse_verdicts('Sure! {"verdicts": [{"n": 1, "holds": true, "reason": "says so"}]}', 2)
[{'holds': True, 'reason': 'says so'}, {'holds': None, 'reason': 'the judge gave no verdict'}]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import ConfigError

if TYPE_CHECKING:
    from qa.protocols import ChatModel

PROMPT = Path(__file__).parents[1] / "answering" / "prompts" / "judge.txt"


class Judge:
    """Asks a chat model whether an answer makes each assertion."""

    def __init__(self, llm: ChatModel, template: str):
        self.llm, self.template = llm, template

    def verdicts(self, question: str, answer: str, assertions: Sequence[str]) -> list[dict]:
        """[{"holds": bool | None, "reason": str}] per assertion, in order."""
        from qa.answering.llm import complete

        numbered = "\n".join(f"{i}. {a}" for i, a in enumerate(assertions, 1))
        prompt = self.template.format(question=question, answer=answer, assertions=numbered)
        return parse_verdicts(complete(self.llm, [("human", prompt)]), len(assertions))


def parse_verdicts(reply: str, count: int) -> list[dict]:
    """The judge's JSON reply -> exactly `count` verdicts (missing or unreadable ones: holds None)."""
    missing = {"holds": None, "reason": "the judge gave no verdict"}
    start, end = reply.find("{"), reply.rfind("}")
    try:
        items = json.loads(reply[start : end + 1])["verdicts"] if start >= 0 else []
    except (json.JSONDecodeError, KeyError, TypeError):
        items = []
    by_n = {}
    for pos, item in enumerate(items if isinstance(items, list) else [], 1):
        if isinstance(item, dict) and isinstance(item.get("holds"), bool):
            by_n[item.get("n", pos)] = {"holds": item["holds"], "reason": str(item.get("reason", ""))}
    return [by_n.get(n, dict(missing)) for n in range(1, count + 1)]


def make_judge(settings: Settings) -> Judge | None:
    """A Judge on NEWSQA_JUDGE_MODEL at the configured OpenAI-compatible endpoint, or None when unset."""
    if not settings.judge_model:
        return None
    if not settings.llm_enabled:
        raise ConfigError("NEWSQA_JUDGE_MODEL is set but no endpoint is: set OPENAI_API_KEY and/or "
                          "OPENAI_BASE_URL, or unset NEWSQA_JUDGE_MODEL for the offline keyword check.")
    from qa.answering.llm import make_chat_model

    llm = make_chat_model(settings.model_copy(update={"llm_model": settings.judge_model,
                                                      "llm_temperature": 0.0}))
    return Judge(llm, PROMPT.read_text(encoding="utf-8"))
