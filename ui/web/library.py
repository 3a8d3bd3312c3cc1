"""The web Library tab's logic, free of Gradio: what is indexed, and adding or removing articles.

Only editors change the archive (`EditRule`): with NEWSQA_WEB_AUTH, the logins in NEWSQA_WEB_EDITORS;
without a login, anyone, but only while the chat listens on loopback. Everyone may read the stats.

Each upload is copied into its own folder, `<data_dir>/uploads/<time>-<id>/<file name>`: two users
uploading different files of the same name never replace each other's articles, the index keeps a
readable source path, and a `.meta.json` sidecar uploaded with its article is found beside it. The
name is reduced to a plain file name (`safe_name`), and a copy never overwrites another.

The URL box fetches http(s) URLs only, through the same address guard as `newsqa ingest` without
--allow-private: public addresses, and the internal ones NEWSQA_FETCH_ALLOW names. Anything else in
it (a path on the server, a file: URL) is a skip with its reason, never read.
"""

from __future__ import annotations

import itertools
import re
import shutil
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.article import Skip
from ingest.index import IngestReport
from ingest.load import SIDECAR_SUFFIX, load_sources, loader_options
from qa.errors import NewsqaError
from qa.text import is_http_url

if TYPE_CHECKING:
    from ui.context import Library

STATS_SECONDS = 30.0
Progress = Callable[[int, int], None]  # (articles read, passages written)
NOT_A_URL = "not an http(s) URL: the URL box fetches web pages and feeds only"
_UNSAFE = re.compile(r"[^\w.\- ()+,=@]+")


class NotAnEditor(NewsqaError):
    """A user who may chat but not change the archive tried to add or remove articles."""


@dataclass(frozen=True)
class EditRule:
    """Who may change the archive from the web chat.

    >>> rule = EditRule.from_settings(logins=True, editors="ann, cho", loopback=False)
    >>> rule.may_edit("ann"), rule.may_edit("bob"), rule.may_edit(None)
    (True, False, False)
    >>> EditRule.from_settings(logins=False, editors="", loopback=True).may_edit(None)
    True
    >>> EditRule.from_settings(logins=False, editors="", loopback=False).may_edit(None)
    False
    """

    editors: frozenset[str]
    logins: bool  # NEWSQA_WEB_AUTH is set
    loopback: bool  # the chat listens on a loopback address only

    @classmethod
    def from_settings(cls, *, logins: bool, editors: str, loopback: bool) -> EditRule:
        names = frozenset(name.strip() for name in editors.split(",") if name.strip())
        return cls(names, logins, loopback)

    def may_edit(self, user: str | None) -> bool:
        if self.logins:
            return bool(user) and user in self.editors
        return self.loopback

    def refusal(self) -> str:
        if self.logins:
            return "Only editors can change the library (ask an admin to add you to NEWSQA_WEB_EDITORS)."
        return ("The library can't be changed from a chat served beyond this machine without logins: "
                "set NEWSQA_WEB_AUTH and NEWSQA_WEB_EDITORS, or use `newsqa ingest`.")


def safe_name(name: str) -> str:
    r"""An uploaded file's name as a plain file name: no folders, no '..', no control characters.

    >>> [safe_name(n) for n in ("../../etc/passwd", "C:\\x\\report.txt", "..", ".env", "a\x00b.md", "")]
    ['passwd', 'report.txt', 'upload', 'env', 'ab.md', 'upload']
    """
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:200] or "upload"


def split_urls(text: str) -> list[str]:
    """URLs from a text box, one per line or separated by spaces; blank lines ignored.

    >>> split_urls(" https://a.example/x \\n\\nhttps://b.example/feed.xml")
    ['https://a.example/x', 'https://b.example/feed.xml']
    """
    return [u for u in (text or "").split() if u]


class WebLibrary:
    """Stats and ingest for the web app; one ingest at a time (others wait for the lock)."""

    def __init__(self, library: Library, rule: EditRule):
        self.library, self.settings, self.rule = library, library.settings, rule
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
        """Copy uploaded temp files into a new folder under uploads/ as `safe_name`s (a repeated name
        gets "-2", "-3"; nothing is ever overwritten); returns the copies."""
        paths = list(paths)
        if not paths:
            return []
        folder = self.uploads_dir() / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        folder.mkdir(parents=True)
        kept = []
        for path in paths:
            target = _free_path(folder, safe_name(Path(path).name))
            with open(path, "rb") as src, open(target, "xb") as dst:  # "x": fail rather than overwrite
                shutil.copyfileobj(src, dst)
            kept.append(str(target))
        return kept

    def add(self, files: Iterable[str], urls: str, progress: Progress | None = None, *,
            user: str | None = None) -> IngestReport:
        """Ingest uploaded files and http(s) URLs like `newsqa ingest` does (other URL-box entries are
        skips); NotAnEditor unless `user` may edit, NewsqaError if given nothing."""
        if not self.rule.may_edit(user):
            raise NotAnEditor(self.rule.refusal())
        entries = split_urls(urls)
        urls_ok = [u for u in entries if is_http_url(u)]
        refused = [Skip(entry, NOT_A_URL) for entry in entries if not is_http_url(entry)]
        sources = _without_sidecars(self.keep_uploads(files or ())) + urls_ok
        if not sources and not refused:
            raise NewsqaError("Choose files to upload or enter URLs (one per line) first.")
        items = itertools.chain(refused, load_sources(sources, **loader_options(self.settings)))
        with self._lock:
            try:
                return self.library.indexer().ingest(items, progress=progress)
            finally:
                self._stats = None


    def remove(self, ref: str, *, user: str | None = None) -> list[str]:
        """Remove the articles with this id or URL (as `newsqa delete`); returns the ids removed.
        NotAnEditor unless `user` may edit; a path is refused (only the CLI removes by file)."""
        if not self.rule.may_edit(user):
            raise NotAnEditor(self.rule.refusal())
        ref = (ref or "").strip()
        if not ref or not (is_http_url(ref) or re.fullmatch(r"[0-9a-f]{8,64}", ref)):
            raise NewsqaError("Give an article id (`newsqa stats --json` lists them) or the article's URL.")
        with self._lock:
            try:
                return self.library.indexer().delete(ref)
            finally:
                self._stats = None


def _free_path(folder: Path, name: str) -> Path:
    """folder/name, or folder/'name-2.ext' ... when that is taken.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("x")
    >>> _free_path(d, "a.txt").name, _free_path(d, "b.txt").name
    ('a-2.txt', 'b.txt')
    """
    stem, dot, ext = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    for n in itertools.count(1):
        target = folder / (name if n == 1 else f"{stem}-{n}{dot}{ext}")
        if not target.exists():
            return target
    raise AssertionError("unreachable")


def _without_sidecars(paths: list[str]) -> list[str]:
    """Drop 'x.txt.meta.json' when 'x.txt' is among paths (the loader reads it beside its article).

    >>> _without_sidecars(["/u/a.txt", "/u/a.txt.meta.json", "/u/b.meta.json"])
    ['/u/a.txt', '/u/b.meta.json']
    """
    names = set(paths)
    return [p for p in paths if not (p.endswith(SIDECAR_SUFFIX) and p.removesuffix(SIDECAR_SUFFIX) in names)]
