"""JSON and JSON Lines exports: many records, each an article or a Skip of its own.

A record is an object whose field names are looked up with `ingest.meta.FIELDS` (or the caller's field
map). An Article's source is the file (or URL) it came from; a Skip names the record: "path#3" (the
fourth item of a JSON list) or "path:12" (line 12 of a JSONL file).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from ingest.article import Article, Skip
from ingest.formats import Document
from ingest.meta import as_text, pick, read_metadata
from qa.errors import SourceError

Fields = Mapping[str, tuple[str, ...]]
# Keys under which exports keep their list of records: {"articles": [...]}.
LIST_KEYS = ("articles", "items", "data", "records", "results", "entries", "posts", "stories", "documents")


def record_to_article(record: object, fields: Fields, source: str, label: str) -> Article | Skip:
    """One record -> an Article from source, or a Skip for label saying which body fields were looked for.

    >>> from ingest.meta import FIELDS
    >>> record_to_article({"headline": "Talks", "article_text": "Putin said."}, FIELDS, "a.json", "a.json#0")
    Article(text='Putin said.', title='Talks', outlet='', author='', url='', published_at='', source='a.json')
    """
    if not isinstance(record, Mapping):
        return Skip(label, f"record is not an object but {type(record).__name__}")
    body = as_text(pick(record, fields["body"]), sep="\n\n")
    if not body:
        return Skip(label, f"record has no body (looked for: {', '.join(fields['body'])})")
    return Article(text=body, source=source, **read_metadata(record, fields))


def read_json(text: str) -> object:
    """json.loads, with a SourceError that says where: 'invalid JSON at line 3, column 5: ...'."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise SourceError("invalid JSON: nested too deeply") from None


def parse_json(doc: Document, fields: Fields) -> Iterator[Article | Skip]:
    """A list of records, one record, or an object holding the list under a key such as "articles"."""
    records = _records_in(read_json(doc.text), fields)
    if not records:
        raise SourceError("no articles found: the list of records is empty")
    if isinstance(records, Mapping):
        yield record_to_article(records, fields, doc.source, doc.source)
        return
    for index, record in enumerate(records):
        yield record_to_article(record, fields, doc.source, f"{doc.source}#{index}")


def _records_in(data: object, fields: Fields) -> list | Mapping:
    """The list of records in a JSON document, or the one record it is."""
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        if pick(data, fields["body"]) is not None:
            return data
        for key in LIST_KEYS:
            value = pick(data, (key,))
            if isinstance(value, list):
                return value
    raise SourceError(
        "no articles found: expected a list of records, one record with a body, "
        f"or a list under one of: {', '.join(LIST_KEYS)}"
    )


def parse_jsonl(doc: Document, fields: Fields) -> Iterator[Article | Skip]:
    """One record per line; a malformed line is a Skip of its own and the other lines still load."""
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other characters it breaks at.
    for number, line in enumerate(doc.text.split("\n"), start=1):
        if not line.strip():
            continue
        label = f"{doc.source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Skip(label, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield Skip(label, "invalid JSON: nested too deeply")
            continue
        yield record_to_article(record, fields, doc.source, label)
