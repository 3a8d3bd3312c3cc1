"""Article metadata from loosely named fields: record field names, the field map, and dates.

Every format ends up here: JSON records, front matter, header lines, sidecars, feed items and HTML
metadata are all mappings of field name -> value, read with the same synonyms.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from dateutil import parser as dateparser

from ingest.article import Article
from qa.errors import SourceError

# Our field -> the names it goes by in exports, front matter and feeds (matched case-insensitively).
FIELDS: dict[str, tuple[str, ...]] = {
    "body": ("body", "text", "content", "article", "article_text", "maintext", "full_text", "story"),
    "title": ("title", "headline"),
    "published_at": (
        "published_at", "date", "published", "pubdate", "datetime", "publishedat", "date_publish",
        "publish_date", "pub_date",
    ),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source", "publisher", "site", "site_name", "source_domain"),
    "author": ("author", "authors", "byline"),
}
_FIELD_ALIASES = {"text": "body", "date": "published_at", "source": "outlet"}  # accepted in a field map
_METADATA = ("title", "outlet", "author", "url", "published_at")
_TZINFOS = {  # abbreviations dateutil does not know on its own
    name: timezone(timedelta(hours=hours))
    for name, hours in {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
                        "PDT": -7, "CET": 1, "CEST": 2, "MSK": 3}.items()
}
# Two far-apart defaults: a component that differs between the two parses was not in the string.
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))
_DOTTED = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")  # 02.11.2018 is day first wherever it is written


def resolve_fields(field_map: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Field names to look for, with the caller's map taking the place of our synonyms.

    >>> resolve_fields({"body": "Article_Text"})["body"]
    ('article_text',)
    """
    fields = dict(FIELDS)
    for ours, theirs in (field_map or {}).items():
        key = _FIELD_ALIASES.get(ours.strip().lower(), ours.strip().lower())
        if key not in FIELDS:
            raise SourceError(f"unknown field '{ours}' in the field map; use one of: {', '.join(FIELDS)}")
        fields[key] = (theirs.strip().lower(),)
    return fields


def pick(record: Mapping, names: tuple[str, ...]) -> object:
    """The first non-empty value among names (case-insensitive keys), or None.

    >>> pick({"Headline": "Talks", "title": ""}, ("title", "headline"))
    'Talks'
    """
    lowered = {str(key).lower(): value for key, value in record.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def as_text(value: object, sep: str = ", ") -> str:
    """Flatten a field value: lists are joined, objects give their "name".

    >>> as_text(["Ann Lee", {"name": "Bo Chan"}])
    'Ann Lee, Bo Chan'
    """
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return as_text(value.get("name"), sep)
    if isinstance(value, (list, tuple)):
        return sep.join(part for part in (as_text(item, sep) for item in value) if part)
    return str(value).strip()


def read_metadata(record: Mapping, fields: Mapping[str, tuple[str, ...]] = FIELDS) -> dict[str, str]:
    """The metadata fields present in record, as text, with the date in ISO 8601.

    >>> read_metadata({"headline": "Talks", "pubDate": "Fri, 02 Nov 2018 10:00:00 +0300"})
    {'title': 'Talks', 'published_at': '2018-11-02T10:00:00+03:00'}
    """
    meta = {}
    for field in _METADATA:
        value = pick(record, fields[field])
        text = normalise_date(value) if field == "published_at" else as_text(value)
        if text:
            meta[field] = text
    return meta


def with_metadata(article: Article, meta: Mapping[str, str]) -> Article:
    """article with the non-empty fields of meta put over its own."""
    return replace(article, **{k: v for k, v in meta.items() if k in _METADATA and v})


def normalise_date(value: object) -> str:
    """Any date-ish value -> ISO 8601, or "" when it is not a full date.

    >>> normalise_date("2 November 2018"), normalise_date("2018-11-02T10:00:00Z"), normalise_date("Nov 2018")
    ('2018-11-02', '2018-11-02T10:00:00+00:00', '')
    """
    if isinstance(value, date):  # also datetime (YAML front matter gives both)
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value)
    if not isinstance(value, str) or not value.strip():
        return ""
    return _parse_date_string(value.strip())


def _from_epoch(seconds: float) -> str:
    """Unix time (seconds, or milliseconds when that large) -> UTC ISO date-time."""
    if seconds > 1e11:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return ""


def _parse_date_string(text: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
        try:
            first, second = (
                dateparser.parse(text, default=d, tzinfos=_TZINFOS, dayfirst=bool(_DOTTED.match(text)))
                for d in _DEFAULTS
            )
        except (ValueError, OverflowError):
            return ""
    if first.date() != second.date():
        return ""  # no day, month or year in the string
    if (first.hour, first.minute) != (second.hour, second.minute):
        return first.date().isoformat()
    return first.isoformat()
