"""The error hierarchy (qa/errors.py): the tree its docstring draws is the real one, and every LLM error
is one readable line built from the fields it carries."""

import inspect
import re

import pytest

from qa import errors

URL = "http://127.0.0.1:8080/v1"


def test_the_docstring_tree_is_the_class_tree():
    drawn = {}  # class name -> the name of the class it hangs under
    stack: list[tuple[int, str]] = []
    for line in errors.__doc__.splitlines():
        m = re.match(r"^(\s*(?:[│ ]\s*)*(?:[├└]── )?)(\w+Error|LLM\w+)\b", line)
        if not m:
            continue
        depth = len(m.group(1))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        drawn[m.group(2)] = stack[-1][1] if stack else None
        stack.append((depth, m.group(2)))
    classes = {name: cls for name, cls in inspect.getmembers(errors, inspect.isclass)
               if issubclass(cls, errors.NewsqaError)}
    assert set(drawn) == set(classes)
    assert {name: (cls.__base__.__name__ if cls is not errors.NewsqaError else None) for name, cls in classes.items()} == drawn


@pytest.mark.parametrize(("error", "says"), [
    (errors.LLMUnreachable(URL), "refused the connection"),
    (errors.LLMTimeout(URL, timeout=2.5), "did not answer within 2.5 s"),
    (errors.LLMCutOff(URL, arrived=0, closed=True), "before any of it arrived (the connection closed early)"),
    (errors.LLMCutOff(URL, arrived=12, closed=False), "after 12 characters of it had arrived (the stream ended"),
    (errors.LLMRejected(URL, 429, "slow down"), "is rate-limiting requests (HTTP 429: slow down)"),
    (errors.LLMRejected(URL, 401, "bad key"), "Check OPENAI_API_KEY"),
    (errors.LLMRejected(URL, 404, "", route="POST /v1/chat/completions"), "has no POST /v1/chat/completions"),
    (errors.LLMRejected(URL, 503, "busy"), "failed with HTTP 503 (busy)"),
    (errors.LLMContextOverflow(URL, 400, "n_ctx 512"), "too long for its context window (HTTP 400: n_ctx 512)"),
    (errors.LLMBadResponse(URL, "Expecting value"), "sent a malformed response stream (Expecting value)"),
    (errors.LLMBadResponse(URL, "quota", malformed=False), "reported an error: quota. Use --fallback"),
])
def test_each_failure_is_one_line_naming_the_endpoint_and_what_to_do(error, says):
    text = str(error)
    assert isinstance(error, errors.LLMError) and error.endpoint == URL
    assert text.startswith(f"The language model at {URL} ") and says in text and "\n" not in text
