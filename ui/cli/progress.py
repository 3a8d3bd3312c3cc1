"""A terminal progress bar for ingest (articles read, chunks written), on stderr."""

from __future__ import annotations

import sys


class IngestProgress:
    """Context manager around tqdm; `update(articles, chunks)` is the Indexer's progress callback."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __enter__(self) -> "IngestProgress":
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(desc="ingest", unit=" articles", file=sys.stderr, dynamic_ncols=True)
        return self

    def update(self, articles: int, chunks: int) -> None:
        if self.bar is not None:
            self.bar.n = articles
            self.bar.set_postfix(chunks=chunks, refresh=False)
            self.bar.refresh()

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


class StageProgress:
    """Context manager: one tqdm bar per stage of `newsqa model pull` ("download" in packages,
    "assemble" in bytes); `update(stage, done, total)` is the callback. Off a terminal, one line per stage."""

    UNITS = {"download": (" packages", False), "assemble": ("B", True)}

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.stage, self.bar = "", None

    def __enter__(self) -> "StageProgress":
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            self.stage = stage
            if not self.tty:
                print(f"{stage}...", file=sys.stderr, flush=True)
                return
            from tqdm import tqdm

            unit, scale = self.UNITS.get(stage, ("", False))
            self.bar = tqdm(desc=stage, total=total, unit=unit, unit_scale=scale, unit_divisor=1024 if scale else 1000,
                            file=sys.stderr, dynamic_ncols=True)
        if self.bar is not None:
            self.bar.n = done
            self.bar.refresh()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __exit__(self, *exc) -> None:
        self._close()
