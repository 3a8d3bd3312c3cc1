"""`newsqa ask` on a terminal: a spinner names each stage, the model's words appear as they arrive, and
then the checked answer replaces them.

The streamed words are provisional (their [n] markers hidden, nothing checked yet), so they are erased
before the checked answer and its sources are printed. Pipes and --json never see any of this.
"""

from __future__ import annotations

import shutil
import threading
from typing import IO, TYPE_CHECKING, Any

from langchain_core.callbacks import BaseCallbackHandler

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from qa.types import Answer

STAGES = {"condense": "Reading the follow-up…", "retrieve": "Searching the articles…",
          "generate": "Writing the answer…", "check_citations": "Checking the citations…"}
FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Spinner:
    """One status line on a terminal stream, redrawn by a background thread until `clear()`."""

    def __init__(self, stream: IO[str], interval: float = 0.1):
        self.stream, self.interval = stream, interval
        self.label = ""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._spin, daemon=True)

    def show(self, label: str) -> None:
        """Name the stage now (a stage may end before the next redraw), and keep the line spinning."""
        self.label = label
        with self._lock:
            if self._stop.is_set():
                return
            self._draw(0)
        if not self._thread.is_alive():
            self._thread.start()

    def clear(self) -> None:
        self._stop.set()
        with self._lock:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _spin(self) -> None:
        frame = 1
        while not self._stop.wait(self.interval):
            with self._lock:
                if self._stop.is_set():
                    return
                self._draw(frame)
            frame += 1

    def _draw(self, frame: int) -> None:
        self.stream.write(f"\r\x1b[K{FRAMES[frame % len(FRAMES)]} {self.label}")
        self.stream.flush()


class StageNames(BaseCallbackHandler):
    """Shows the chain step that is running on a Spinner (a LangChain callback handler)."""

    def __init__(self, spinner: Spinner):
        self.spinner = spinner

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        if (label := STAGES.get(kwargs.get("name") or "")) and not self.spinner._stop.is_set():
            self.spinner.show(label)


def rows(text: str, width: int) -> int:
    """Terminal rows text takes at width columns: rows('ab\\ncdef', 2) -> 3."""
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n"))


def ask_live(answerer: Answerer, question: str, out: IO[str], err: IO[str], **options: Any) -> Answer:
    """Answer question showing progress on `err` and the streamed words on `out`; returns the Answer."""
    spinner = Spinner(err)
    spinner.show(STAGES["retrieve"])
    stream = answerer.stream(question, config={"callbacks": [StageNames(spinner)]}, **options)
    shown = ""
    try:
        for delta in stream:
            if not shown:
                spinner.clear()
            shown += delta
            out.write(delta)
            out.flush()
        return stream.answer()
    finally:
        spinner.clear()
        if shown:  # erase the provisional words: the checked answer takes their place
            up = rows(shown, shutil.get_terminal_size().columns) - 1
            out.write("\r" + (f"\x1b[{up}A" if up > 0 else "") + "\x1b[J")
            out.flush()
