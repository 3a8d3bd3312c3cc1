"""The web Library tab's logic, free of Gradio: what is indexed, and adding uploads or URLs to it.

Each upload is copied into its own folder, `<data_dir>/uploads/<time>-<id>/<file name>`: two users
uploading different files of the same name never replace each other's articles, the index keeps a
readable source path, and a `.meta.json` sidecar uploaded with its article is found beside it.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.index import IngestReport
from ingest.load import SIDECAR_SUFFIX, load_sources, loader_options
from qa.errors import NewsqaError

if TYPE_CHECKING:
    from ui.context import Library

STATS_SECONDS = 30.0
Progress = Callable[[int, int], None]  # (articles read, passages written)


def split_urls(text: str) -> list[str]:
    """URLs from a text box, one per line or separated by spaces; blank lines ignored.

    >>> split_urls(" https://a.example/x \\n\\nhttps://b.example/feed.xml")
    ['https://a.example/x', 'https://b.example/feed.xml']
    """
    return [u for u in (text or "").split() if u]


class WebLibrary:
    """Stats and ingest for the web app; one ingest at a time (others wait for the lock)."""

    def __init__(self, library: Library):
        self.library, self.settings = library, library.settings
        self._lock = threading.Lock()
        self._stats: tuple[float, dict] | None = None

    def stats(self) -> dict:
        """`Store.stats()`, cached for STATS_SECONDS (it reads every passage's metadata)."""
        cached = self._stats
        if cached is None or time.monotonic() - cached[0] > STATS_SECONDS:
            cached = self._stats = (time.monotonic(), self.library.store.stats())
        return cached[1]

    def uploads_dir(self) -> Path:
        return self.settings.data_dir / "uploads"

    def display_name(self, source: str) -> str:
        """An upload's stored path -> its file name (and record suffix); other sources unchanged."""
        uploads = str(self.uploads_dir().resolve()) + "/"
        return source[len(uploads):].split("/", 1)[-1] if source.startswith(uploads) else source

    def keep_uploads(self, paths: Iterable[str]) -> list[str]:
        """Copy uploaded temp files into a new folder under uploads/, keeping their names; returns the copies."""
        paths = list(paths)
        if not paths:
            return []
        folder = self.uploads_dir() / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        folder.mkdir(parents=True)
        kept = []
        for path in paths:
            target = folder / Path(path).name
            shutil.copyfile(path, target)
            kept.append(str(target))
        return kept

    def add(self, files: Iterable[str], urls: str, progress: Progress | None = None) -> IngestReport:
        """Ingest uploaded files and URLs like `newsqa ingest` does; raises NewsqaError if given nothing."""
        sources = _without_sidecars(self.keep_uploads(files or ())) + split_urls(urls)
        if not sources:
            raise NewsqaError("Choose files to upload or enter URLs (one per line) first.")
        items = load_sources(sources, **loader_options(self.settings))
        with self._lock:
            try:
                return self.library.indexer().ingest(items, progress=progress)
            finally:
                self._stats = None


def _without_sidecars(paths: list[str]) -> list[str]:
    """Drop 'x.txt.meta.json' when 'x.txt' is among paths (the loader reads it beside its article).

    >>> _without_sidecars(["/u/a.txt", "/u/a.txt.meta.json", "/u/b.meta.json"])
    ['/u/a.txt', '/u/b.meta.json']
    """
    names = set(paths)
    return [p for p in paths if not (p.endswith(SIDECAR_SUFFIX) and p.removesuffix(SIDECAR_SUFFIX) in names)]
