"""The Article record every loader produces, and the Skip record for what could not be read."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.I)


def canonical_url(url: str) -> str:
    """'HTTPS://Example.com/a/?utm_source=x#top' -> 'https://example.com/a'.

    Lower-cases scheme and host, drops fragments, tracking parameters and a trailing slash.
    """
    if not url:
        return ""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Article:
    """One news article after loading (text is cleaned by `ingest.clean` before chunking)."""

    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published_at: str = ""  # ISO 8601 date or date-time; "" when unknown
    source: str = ""  # the file path or URL it was read from
    note: str = field(default="", repr=False, compare=False)  # how it was read, when that needed care
    #                                                           (front matter that is not YAML)

    @property
    def id(self) -> str:
        """Stable id: from the canonical URL when there is one, else from normalised title + text."""
        key = canonical_url(self.url) or (_normalised(self.title) + "\n" + _normalised(self.text))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        """Changes whenever the text or any metadata field changes."""
        fields = (self.text, self.title, self.outlet, self.author, self.url, self.published_at)
        return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Skip:
    """A source (or one record/line/item in it) that was not ingested, and why."""

    source: str  # "path", "path:line", "url", "feed-url#item-3"
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason}
