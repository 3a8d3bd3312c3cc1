"""One reader per single-article format (plain text / Markdown, HTML) and format detection.

A reader takes a `Document` (decoded text plus where it came from) and returns an `Article` whose text
is still raw (`ingest.load` cleans it), or raises `SourceError` with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura
import yaml

from ingest.article import Article
from ingest.decode import decode_bytes
from ingest.fetch import Response, kind_for_content_type
from ingest.meta import FIELDS, normalise_date, read_metadata
from qa.errors import SourceError
from qa.text import is_http_url

KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
_PROLOGUE = r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*"  # XML declaration, comments, PIs
_FEED_START = re.compile(_PROLOGUE + r"<(?:rss|feed|rdf:RDF)\b", re.S)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADER_NAMES = sorted({name for names in FIELDS.values() for name in names} - set(FIELDS["body"]))
_HEADER = re.compile(rf"^({'|'.join(_HEADER_NAMES)})[ \t]*:[ \t]*(.*)$", re.I)  # "Title: ...", "Date: ..."
_MD_TITLE = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
# Where pages state their URL and publication time (with the time of day, which trafilatura drops).
_CANONICAL = ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
_PUBLISHED = (
    "//meta[@property='article:published_time' or @name='article:published_time']/@content",
    "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime",
    "//meta[@name='pubdate' or @name='date']/@content",
)


@dataclass(frozen=True)
class Document:
    """Text read from a file or a URL, with the format that will read it."""

    source: str  # the path or URL as the user named it
    text: str
    kind: str  # "text" | "markdown" | "html" | "json" | "jsonl" | "feed"
    url: str = ""  # final URL, for fetched documents
    content_type: str = ""


def sniff_kind(text: str) -> str:
    """Guess the format of text whose name or content type does not tell.

    >>> sniff_kind('<?xml version="1.0"?><rss version="2.0">'), sniff_kind("<!doctype html><p>Hi"), sniff_kind("Hi")
    ('feed', 'html', 'text')
    """
    head = text[:4096]
    if _FEED_START.match(head):
        return "feed"
    if head.lstrip().startswith("<"):
        return "html"
    if head.lstrip().startswith(("{", "[")) and _is_json(text):
        return "json"
    return "text"


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def document_from_response(source: str, response: Response) -> Document:
    """A fetched response as a Document; the content type picks the format, markup is sniffed."""
    kind = kind_for_content_type(response.content_type)
    text = decode_bytes(response.data, response.charset)
    if not text.strip():
        raise SourceError("empty response")
    if kind in (None, "html", "feed"):
        kind = sniff_kind(text)
    return Document(source, text, kind, response.url, response.content_type)


def parse_text(doc: Document) -> Article:
    """Plain text or Markdown with optional YAML front matter or 'Title: ...' header lines.

    >>> parse_text(Document("a.txt", "Title: Talks\\nDate: 2018-11-02\\n\\nPutin said.", "text")).title
    'Talks'
    """
    meta, body, note = _front_matter(doc.text.replace("\r\n", "\n"))
    if not meta and not note:
        meta, body = _header_lines(body)
    if doc.kind == "markdown" and "title" not in meta:
        match = _MD_TITLE.match(body)
        if match:
            meta["title"], body = match.group(1), body[match.end():]
    return Article(text=body, source=doc.source, note=note, **meta)


def _front_matter(text: str) -> tuple[dict[str, str], str, str]:
    """(metadata, body, note) of text with a '---' front matter block (({}, text, '') without one).

    YAML that does not parse ("title: Bus crash: toll rises to 15" holds two colons) is read as plain
    'key: value' lines, each split at its first colon, and the note says so. The block never becomes
    article text.

    >>> _front_matter("---\\ntitle: Talks\\n---\\nBody")
    ({'title': 'Talks'}, 'Body', '')
    >>> meta, body, note = _front_matter("---\\ntitle: Bus crash: toll rises to 15\\ndate: 2024-05-02\\n---\\nBody")
    >>> meta["title"], meta["published_at"], body, note.split(":")[0]
    ('Bus crash: toll rises to 15', '2024-05-02', 'Body', 'front matter is not valid YAML (line 2)')
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, ""
    body = text[match.end():]
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        return read_metadata(_plain_lines(match.group(1))), body, (
            f"front matter is not valid YAML{where}: read as plain 'key: value' lines")
    if not isinstance(data, dict):
        return read_metadata(_plain_lines(match.group(1))), body, (
            "front matter is not a YAML mapping: read as plain 'key: value' lines")
    return read_metadata(data), body, ""


def _plain_lines(block: str) -> dict[str, str]:
    """'key: value' lines, split at the first colon; quotes around a value are dropped."""
    record = {}
    for line in block.split("\n"):
        key, colon, value = line.partition(":")
        if colon and key.strip() and not key.startswith((" ", "\t", "-", "#")):
            record[key.strip()] = value.strip().strip("'\"")
    return record


def _header_lines(text: str) -> tuple[dict[str, str], str]:
    """Leading 'Name: value' lines up to the first blank or other line -> (metadata, rest)."""
    lines = text.split("\n")
    record = {}
    for count, line in enumerate(lines):
        match = _HEADER.match(line.strip())
        if not match:
            break
        record[match.group(1)] = match.group(2)
    else:
        count = len(lines)
    if not record:
        return {}, text
    return read_metadata(record), "\n".join(lines[count:])


def parse_html(doc: Document) -> Article:
    """An HTML page -> its main text (trafilatura) and metadata; nothing is fetched."""
    tree = trafilatura.load_html(doc.text)
    if tree is None:
        raise SourceError("cannot parse HTML")
    canonical = _first(tree, _CANONICAL)
    published = _first(tree, _PUBLISHED)
    try:
        page = trafilatura.bare_extraction(
            tree, url=doc.url or None, with_metadata=True, include_comments=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except (ValueError, lxml.etree.LxmlError) as error:
        raise SourceError(f"cannot extract text from HTML: {error}") from None
    if page is None or not (page.text or "").strip():
        raise SourceError("no article text found in the page")
    url = urljoin(doc.url, canonical) if canonical else ""
    meta = read_metadata({
        "title": page.title, "author": page.author, "outlet": page.sitename,
        "url": url if is_http_url(url) else page.url or doc.url,
        "published_at": normalise_date(published) or page.date,
    })
    return Article(text=_without_title(page.text, meta.get("title", "")), source=doc.source, **meta)


def _first(tree: lxml.html.HtmlElement, xpaths: tuple[str, ...]) -> str:
    """The first non-empty value the xpaths find, trying them in order."""
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            if str(value).strip():
                return str(value).strip()
    return ""


def _without_title(text: str, title: str) -> str:
    """Drop the first line when it repeats the title (trafilatura keeps the page's <h1>)."""
    first, _, rest = text.partition("\n")
    same = " ".join(first.split()).casefold() == " ".join(title.split()).casefold()
    return rest if title and same else text


def kind_for_path(path: Path) -> str | None:
    """'a/b.HTM' -> 'html'; None for an extension no reader handles."""
    return KIND_BY_SUFFIX.get(path.suffix.lower())
