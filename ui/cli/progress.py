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
