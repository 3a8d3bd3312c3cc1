"""RSS and Atom feeds (feedparser): one Article or Skip per item.

An Article's source is the feed (file or URL); a Skip names the item: "feed#item-N" (N from 1).

An item's text comes from its full content (content:encoded, Atom content) or its summary. When that is
short and the item links to a page, the page is fetched and its main text extracted instead; if the
fetch fails the summary is kept.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace

import feedparser
import lxml.etree
import lxml.html

from ingest.article import Article, Skip
from ingest.fetch import Fetcher
from ingest.formats import Document, document_from_response, parse_html
from ingest.meta import read_metadata, with_metadata
from qa.errors import SourceError
from qa.text import is_http_url

SHORT_SUMMARY = 400  # characters: below this an item's text is a teaser, not the article
_BLOCK_TAG = re.compile(r"<(?:/?(?:p|div|h[1-6]|blockquote|ul|ol|tr|table|section|article|figure)|br)\b", re.I)
_LIST_ITEM = re.compile(r"<li\b", re.I)


def parse_feed(doc: Document, fetcher: Fetcher) -> Iterator[Article | Skip]:
    """Every item of an RSS/Atom document; a broken item is a Skip and the others still load."""
    # The text is decoded already (BOM, HTTP charset, XML declaration): say so, so feedparser keeps it.
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": doc.url}
    # A file object, never bytes or str: given those, feedparser may open them as a path or URL.
    parsed = feedparser.parse(io.BytesIO(doc.text.encode("utf-8")), response_headers=headers)
    if not parsed.version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise SourceError("not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    outlet = parsed.feed.get("title", "")
    for number, entry in enumerate(parsed.entries, start=1):
        yield _item(entry, doc.source, f"{doc.source}#item-{number}", outlet, fetcher)


def _item(entry: dict, source: str, label: str, outlet: str, fetcher: Fetcher) -> Article | Skip:
    """One feed item -> Article (text from the feed or from the linked page) or Skip for label."""
    link = entry.get("link", "")
    if not is_http_url(link):
        link = ""  # feedparser may use a "urn:..." id as the link
    text = _entry_text(entry)
    meta = read_metadata({
        "title": entry.get("title"), "author": entry.get("author"), "url": link, "outlet": outlet,
        "published_at": entry.get("published") or entry.get("updated"),
    })
    if not link and not text:
        return Skip(label, "item has no link and no text")
    if not link or len(text) >= SHORT_SUMMARY:
        return Article(text=text, source=source, **meta)
    try:
        page = _linked_page(link, fetcher)
    except SourceError as error:
        if text:
            return Article(text=text, source=source, **meta)  # the summary is better than nothing
        return Skip(label, f"item has no text and its page failed: {error}")
    # The feed's title, date and author win; the page's canonical URL and site name are better.
    feed_wins = {field: meta[field] for field in ("title", "published_at", "author") if field in meta}
    return replace(with_metadata(page, feed_wins), source=source, url=page.url or link,
                   outlet=page.outlet or meta.get("outlet", ""))


def _entry_text(entry: dict) -> str:
    """Full content when the item carries it, else its summary; HTML becomes text."""
    contents = [part.get("value", "") for part in entry.get("content", [])]
    best = max(contents, key=len, default="")
    return html_to_text(best or entry.get("summary", "")).strip()


def _linked_page(link: str, fetcher: Fetcher) -> Article:
    page = document_from_response(link, fetcher.get(link))
    if page.kind != "html":
        raise SourceError(f"the page is not HTML but {page.content_type or page.kind}")
    return parse_html(page)


def html_to_text(markup: str) -> str:
    """An HTML fragment (a feed item's content) -> text with one line per block.

    >>> html_to_text("<p>One &amp;\\n two</p><ul><li>three</li></ul>")
    'One & two\\n\\n\\n- three'
    """
    if "<" not in markup:
        return markup
    markup = " ".join(markup.split())  # whitespace in HTML source is not layout
    markup = _BLOCK_TAG.sub(lambda m: "\n" + m.group(0), _LIST_ITEM.sub(lambda m: "\n- " + m.group(0), markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, lxml.etree.LxmlError):
        return ""
    for element in root.xpath(".//script | .//style"):
        element.drop_tree()
    return root.text_content().strip()
