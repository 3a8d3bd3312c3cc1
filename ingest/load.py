"""Sources -> Articles: files, folders, JSON(L) exports, HTML pages, RSS/Atom feeds and URLs.

`load_sources` is the one entry point. It never raises for bad input: whatever cannot be read becomes
a `Skip(source, reason)` and every readable article in the same run is still yielded, already cleaned.

        for item in load_sources(["samples/"]):
            print(item)
    Article(text='Russia and Cuba are in favor of ...', outlet='TASS', source='samples/tass-russia-cuba.txt')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ingest.article import Article, Skip
from ingest.clean import clean_line, clean_text
from ingest.decode import decode_bytes
from ingest.feeds import parse_feed
from ingest.fetch import DEFAULT_MAX_BYTES, Fetcher, refuse_scheme, too_large
from ingest.formats import Document, document_from_response, kind_for_path, parse_html, parse_text, sniff_kind
from ingest.guard import AddressPolicy
from ingest.meta import read_metadata, resolve_fields, with_metadata
from ingest.records import parse_json, parse_jsonl, read_json
from qa.config import Settings
from qa.errors import SourceError
from qa.text import is_http_url

SIDECAR_SUFFIX = ".meta.json"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # "file:", "ftp:"; not "C:" (two letters at least)


@dataclass(frozen=True)
class _Run:
    """What every source in one load needs: field names, the HTTP fetcher, the size cap."""

    fields: Mapping[str, tuple[str, ...]]
    fetcher: Fetcher
    max_bytes: int


def loader_options(settings: Settings, *, allow_private: bool = False) -> dict[str, Any]:
    """The `load_sources` options that come from Settings (NEWSQA_MAX_FILE_MB, NEWSQA_FETCH_TIMEOUT,
    NEWSQA_FETCH_ALLOW); `allow_private` (the CLI's --allow-private) opens every internal address.

    >>> options = loader_options(Settings(_env_file=None, max_file_mb=1, fetch_timeout=5, fetch_allow="10.0.0.0/8"))
    >>> options["max_bytes"], options["timeout"], options["policy"].networks
    (1048576, 5.0, (IPv4Network('10.0.0.0/8'),))
    """
    policy = AddressPolicy.from_setting(settings.fetch_allow, allow_private=allow_private)
    return {"max_bytes": int(settings.max_file_mb * 2**20), "timeout": float(settings.fetch_timeout),
            "policy": policy}


def load_sources(sources: Iterable[str], *, include: Sequence[str] = (), exclude: Sequence[str] = (),
                 field_map: Mapping[str, str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 timeout: float = 20.0, policy: AddressPolicy | None = None) -> Iterator[Article | Skip]:
    """Yield an Article for every readable article and a Skip (source, reason) for everything else.

    sources: file paths, folders (walked recursively; `include`/`exclude` are glob patterns on the path
    relative to the folder, e.g. "*.md", "drafts/**") and http(s) URLs (pages or feeds), fetched only
    from the addresses `policy` allows (public ones by default; any other scheme is a Skip). `field_map`
    names JSON fields: {"body": "article_text"}; an unknown field in it raises SourceError at once.
    Sources are read lazily, as the result is iterated.
    """
    run = _Run(resolve_fields(field_map), Fetcher(policy, timeout=timeout, max_bytes=max_bytes), max_bytes)
    return _load_all(sources, include, exclude, run)


def _load_all(sources: Iterable[str], include: Sequence[str], exclude: Sequence[str],
              run: _Run) -> Iterator[Article | Skip]:
    with run.fetcher:
        for source in sources:
            for item in _load_source(str(source), include, exclude, run):
                yield _finish(item)


def _finish(item: Article | Skip) -> Article | Skip:
    """Clean the body and tidy the metadata lines; an article with no text left is a Skip."""
    if isinstance(item, Skip):
        return item
    text = clean_text(item.text)
    if not text:
        return Skip(item.source, "no article text")
    return replace(item, text=text, title=clean_line(item.title), outlet=clean_line(item.outlet),
                   author=clean_line(item.author), url=item.url.strip())


def _load_source(source: str, include: Sequence[str], exclude: Sequence[str],
                 run: _Run) -> Iterator[Article | Skip]:
    if is_http_url(source) or _SCHEME.match(source):
        yield from _guarded(source, _load_url(source, run))
        return
    path = Path(source).expanduser()
    if path.is_dir():
        yield from _load_folder(path, include, exclude, run)
    elif path.exists():
        yield from _guarded(source, _load_file(path, source, run))
    else:
        yield Skip(source, "no such file or folder")


def _guarded(source: str, items: Iterator[Article | Skip]) -> Iterator[Article | Skip]:
    """Yield from items; a SourceError or OSError raised by them ends them with a Skip for source."""
    try:
        yield from items
    except SourceError as error:
        yield Skip(source, str(error))
    except OSError as error:
        yield Skip(source, f"cannot read: {error.strerror or error}")


def _load_url(url: str, run: _Run) -> Iterator[Article | Skip]:
    refuse_scheme(url)  # "file:///etc/passwd" is a refusal, not a path
    yield from _parse(document_from_response(url, run.fetcher.get(url)), run)


def _load_folder(folder: Path, include: Sequence[str], exclude: Sequence[str],
                 run: _Run) -> Iterator[Article | Skip]:
    """Every selected file below folder, in sorted order; unsupported types are Skips."""
    exclude = (*exclude, *_ignore_patterns(folder))
    selected = [rel for rel in _walk(folder) if _selected(rel, include, exclude)]
    if not selected:
        yield Skip(str(folder), "no files to load" + (" (none match the include patterns)" if include else ""))
    for rel in selected:
        path = folder / rel
        if kind_for_path(path) is None:
            yield Skip(str(path), f"unsupported file type {path.suffix.lower() or '(no extension)'}")
        else:
            yield from _guarded(str(path), _load_file(path, str(path), run))


IGNORE_FILE = ".newsqaignore"


def _ignore_patterns(folder: Path) -> list[str]:
    """Glob lines of `<folder>/.newsqaignore` ('#' comments allowed): files a folder ingest leaves out.

    samples/.newsqaignore holding 'questions.jsonl' keeps the question set out of the corpus.
    """
    path = folder / IGNORE_FILE
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _walk(folder: Path) -> Iterator[str]:
    """Relative POSIX paths of the files below folder, sorted; hidden entries and sidecars left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root).relative_to(folder)
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX):
                yield (base / name).as_posix()


def _selected(rel: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """'drafts/a.md' with include=("*.md",), exclude=("drafts/**",) -> False."""
    def matches(pattern: str) -> bool:
        return fnmatchcase(rel, pattern) or ("/" not in pattern and fnmatchcase(rel.rsplit("/", 1)[-1], pattern))

    return (not include or any(map(matches, include))) and not any(map(matches, exclude))


def _load_file(path: Path, source: str, run: _Run) -> Iterator[Article | Skip]:
    """Read one file, pick its format (extension, else content), apply its sidecar to what it yields."""
    text = _read_text(path, run.max_bytes)
    if not text.strip():
        raise SourceError("empty file")
    meta = {}
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.is_file():
        try:
            meta = _read_sidecar(sidecar, run.max_bytes)
        except (SourceError, OSError) as error:  # the article still loads, without it
            yield Skip(str(sidecar), str(error))
    for item in _parse(Document(source, text, kind_for_path(path) or sniff_kind(text)), run):
        yield with_metadata(item, meta) if isinstance(item, Article) else item


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceError(too_large("file", size, max_bytes))
    return decode_bytes(path.read_bytes())


def _read_sidecar(path: Path, max_bytes: int) -> dict[str, str]:
    """'<file>.meta.json' -> the metadata it sets: {"outlet": "TASS"}."""
    data = read_json(_read_text(path, max_bytes))
    if not isinstance(data, dict):
        raise SourceError("a sidecar must hold one JSON object")
    return read_metadata(data)


def _parse(doc: Document, run: _Run) -> Iterable[Article | Skip]:
    """The reader for doc.kind."""
    match doc.kind:
        case "text" | "markdown":
            return [parse_text(doc)]
        case "html":
            return [parse_html(doc)]
        case "json":
            return parse_json(doc, run.fields)
        case "jsonl":
            return parse_jsonl(doc, run.fields)
        case "feed":
            return parse_feed(doc, run.fetcher)
    raise ValueError(f"no reader for {doc.kind!r}")
