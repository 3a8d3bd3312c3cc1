"""HTTP for ingestion: fetch one URL with a timeout, a redirect limit, a size cap and an address guard.

Only the URLs a user names and the item links of the feeds they name are ever fetched, over http or
https only, and only from addresses the `AddressPolicy` allows (public ones, unless the user names an
internal source: see ingest/guard.py). Every failure becomes a `SourceError` whose message says what
happened ("could not fetch URL: HTTP 404 Not Found"); a refusal is a `FetchRefused`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpcore
import httpx

from ingest.guard import AddressPolicy, FetchRefused, GuardedBackend
from qa.errors import SourceError
from qa.text import is_http_url  # noqa: F401  (re-exported for ingest's loaders)

USER_AGENT = "newsqa/0.1"
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 20 * 2**20

# Content type -> the format that reads it; None means "look at the content".
_KIND_BY_TYPE = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/rss+xml": "feed", "application/atom+xml": "feed", "application/rdf+xml": "feed",
    "application/xml": "feed", "text/xml": "feed",
    "text/plain": "text", "text/markdown": "markdown",
    "application/json": "json", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
    "": None, "application/octet-stream": None,
}
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


@dataclass(frozen=True)
class Response:
    """A fetched body: the final URL (after redirects), its media type, charset and bytes."""

    url: str
    content_type: str  # "text/html", without parameters
    charset: str | None
    data: bytes


def kind_for_content_type(content_type: str) -> str | None:
    """'application/rss+xml' -> 'feed'; '' -> None (sniff the content); 'image/png' -> SourceError."""
    try:
        return _KIND_BY_TYPE[content_type]
    except KeyError:
        raise SourceError(f"unsupported content type {content_type}") from None


def too_large(what: str, size: int, limit: int) -> str:
    """too_large("file", 25 * 2**20, 20 * 2**20) -> 'file is 25.0 MB, over the 20 MB limit'."""
    return f"{what} is {size / 2**20:.1f} MB, over the {limit / 2**20:.3g} MB limit"


def refuse_scheme(url: str) -> None:
    """FetchRefused unless url is http(s): 'file:///etc/passwd' -> refused, 'https://a.example' -> None.

    >>> refuse_scheme("gopher://example.org/1")
    Traceback (most recent call last):
    ...
    ingest.guard.FetchRefused: refused to fetch gopher://example.org/1: only http and https URLs are fetched, not gopher:
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise FetchRefused(url, f"only http and https URLs are fetched, not {scheme or '(no scheme)'}:", hint="")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, whose connections are made by `GuardedBackend` (httpcore's public hook)."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(trust_env=False)
        # httpx offers no network_backend argument; its pool is httpcore's, which does.
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                             network_backend=GuardedBackend(policy))


class Fetcher:
    """GETs http(s) URLs from the addresses `policy` allows (public ones by default).

        with Fetcher(timeout=5) as fetcher:
            fetcher.get("https://example.com/news/1").content_type
    'text/html'
    """

    def __init__(self, policy: AddressPolicy | None = None, *, timeout: float = 20.0,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.policy = policy or AddressPolicy()
        self._client: httpx.Client | None = None
        self.timeout = timeout
        self.max_bytes = max_bytes

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def get(self, url: str) -> Response:
        """Fetch url; raise SourceError on a network error, an HTTP error status or an oversized body,
        FetchRefused for a scheme other than http(s) or an address the policy refuses (redirects too)."""
        refuse_scheme(url)
        try:
            with self._http().stream("GET", url, headers={"User-Agent": USER_AGENT},
                                     timeout=self.timeout, follow_redirects=True) as response:
                if response.status_code >= 400:
                    raise SourceError(f"could not fetch URL: HTTP {response.status_code} {response.reason_phrase}")
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                data = self._read_capped(response)
                return Response(str(response.url), content_type, response.charset_encoding, data)
        except httpx.TimeoutException:
            raise SourceError(f"could not fetch URL: no answer within {self.timeout:g} s") from None
        except FetchRefused as refused:  # raised while connecting (refused.url is the host): name the URL
            redirected = refused.url.strip("[]").lower() != (httpx.URL(url).host or "").lower()
            reason = f"it redirects to {refused.url}, and {refused.reason}" if redirected else refused.reason
            raise FetchRefused(url, reason, refused.hint) from None
        except httpx.UnsupportedProtocol as error:
            raise FetchRefused(url, f"it redirects to a URL that is not http or https ({_describe(error)})",
                               hint="") from None
        except httpx.TooManyRedirects:
            raise SourceError("could not fetch URL: too many redirects") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise SourceError(f"could not fetch URL: {_describe(error)}") from None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, max_redirects=MAX_REDIRECTS,
                                        headers={"User-Agent": USER_AGENT}, trust_env=False,
                                        transport=GuardedTransport(self.policy))
        return self._client

    def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, refused as soon as it is known to exceed max_bytes (declared or streamed)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(too_large("response", int(declared), self.max_bytes))
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > self.max_bytes:
                raise SourceError(f"response is larger than the {self.max_bytes / 2**20:.3g} MB limit")
        return bytes(body)


def _describe(error: Exception) -> str:
    """'[Errno 111] Connection refused' -> 'connection refused'."""
    text = _ERRNO.sub("", str(error)).strip() or type(error).__name__
    return text[0].lower() + text[1:]
