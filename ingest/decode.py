"""Bytes -> text: byte-order marks, declared encodings, UTF-8, then detection; binary is refused.

`decode_bytes` raises `SourceError` with the reason a loader reports ("binary file, not text",
"cannot decode text").
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from qa.errors import SourceError

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, <?xml encoding="x"?>
_DECLARED = re.compile(rb"""<(?:meta[^>]*?charset|\?xml[^>]*?encoding)\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")
_SNIFF = 4096  # bytes looked at to decide "binary" and to find a declared charset
_FEW = 20  # with fewer non-ASCII bytes than this, detection is a guess


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode file or response bytes; the result never starts with a byte-order mark.

    Order: BOM, UTF-8, `declared` (an HTTP charset), a charset declared in markup, detection. UTF-8
    goes before declarations because legacy text almost never happens to be valid UTF-8, while pages
    that declare ISO-8859-1 and send UTF-8 are common. Western legacy text is read as Windows-1252
    (detectors often mistake it for other Latin code pages).

    >>> decode_bytes("café".encode("cp1252"))
    'café'
    >>> decode_bytes(b"\\xff\\xfeh\\x00i\\x00")
    'hi'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], encoding)
            if text is None:
                raise SourceError("cannot decode text")
            return text
    if _looks_binary(data[:_SNIFF]):
        raise SourceError("binary file, not text")
    for encoding in ("utf-8", declared, _declared_in_markup(data)):
        text = _strict(data, encoding)
        if text is not None:
            return text
    return _detect(data)


def _strict(data: bytes, encoding: str | None) -> str | None:
    """data decoded with encoding, or None when the encoding is unknown or does not fit."""
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _looks_binary(head: bytes) -> bool:
    r"""More than 5% NUL or control bytes that no text format uses.

    A stray NUL or BEL among readable text is not binary: the cleaner drops control characters.

    >>> _looks_binary(b"Talks resumed on Friday.\x00 The\x07 strike ended."), _looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    (False, True)
    """
    return head.count(b"\x00") + len(_CONTROL_BYTES.findall(head)) > len(head) / 20


def _declared_in_markup(data: bytes) -> str | None:
    match = _DECLARED.search(data[:_SNIFF])
    return match.group(1).decode("ascii") if match else None


def _detect(data: bytes) -> str:
    """Ask charset-normalizer; prefer Windows-1252 when it guesses a Latin code page or has little to go on."""
    # Text in UTF-16/32 without a BOM has NUL bytes and was refused already: such guesses are noise.
    guesses = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not guesses:
        raise SourceError("cannot decode text")
    text = str(guesses[0])
    if sum(byte > 127 for byte in data) < _FEW or _is_latin_script(text):
        return _strict(data, "cp1252") or text
    return text


def _is_latin_script(text: str) -> bool:
    """True when every letter outside ASCII is a Latin one ('é', 'ß'), not Cyrillic, Greek, CJK..."""
    return all(
        unicodedata.name(ch, "").startswith("LATIN") for ch in set(text) if ord(ch) > 127 and ch.isalpha()
    )
