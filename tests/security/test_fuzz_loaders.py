"""Property-based fuzzing of the loaders (hypothesis): random bytes and mutated valid files of every
format. Whatever a file holds, a folder ingest never raises, never hangs past a bound, yields only
Articles and Skips, and never loses the valid article beside the bad file."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.article import Article, Skip  # noqa: E402
from ingest.guard import AddressPolicy  # noqa: E402
from ingest.load import load_sources  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
VALID = {path.suffix: path.read_bytes() for path in sorted(DATA.iterdir()) if path.is_file()}
SUFFIXES = sorted({*VALID, ".txt", ".md", ".markdown", ".htm", ".html", ".json", ".jsonl", ".xml", ".rss",
                   ".atom"})
GOOD_TITLE = "Ferry service resumes"
GOOD = (f"Title: {GOOD_TITLE}\n\nThe island ferry service resumed on Thursday after a two-week strike ended, "
        "the operator said. Crossings run every hour again.\n")
SECONDS = 10.0  # one folder of two small files: anything slower is a hang
# No fetch may leave the machine while fuzzing: every host "has no address", so a feed item's link
# is refused at once instead of being looked up.
OFFLINE = AddressPolicy(resolve=lambda host, port: [])
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A valid sample file of one format with a few random edits: cut, splice, flip, truncate."""
    suffix = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[suffix])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        match draw(st.sampled_from(["cut", "insert", "flip", "truncate", "repeat"])):
            case "cut":
                del data[at:at + draw(st.integers(1, 64))]
            case "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=64))
            case "flip":
                if at < len(data):
                    data[at] ^= draw(st.integers(1, 255))
            case "truncate":
                del data[at:]
            case "repeat":
                data[at:at] = bytes(data[at:at + 200]) * draw(st.integers(2, 20))
    return draw(st.sampled_from([suffix, *SUFFIXES])), bytes(data)


def ingest_folder_with(name: str, data: bytes) -> list[Article | Skip]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "good.txt").write_text(GOOD, encoding="utf-8")
        (Path(folder) / name).write_bytes(data)
        started = time.monotonic()
        items = list(load_sources([folder], policy=OFFLINE, timeout=1.0))
        elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    return items


def assert_survives(items: list) -> None:
    assert all(isinstance(item, (Article, Skip)) for item in items)
    assert [a.title for a in items if isinstance(a, Article) and a.title == GOOD_TITLE] == [GOOD_TITLE]
    for skip in (i for i in items if isinstance(i, Skip)):
        assert skip.source and skip.reason  # each skip says which file and why


@FUZZ
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=4096))
def test_random_bytes_never_crash_a_folder_ingest(suffix, data):
    assert_survives(ingest_folder_with(f"bad{suffix}", data))


@FUZZ
@given(case=mutated())
def test_mutated_valid_files_never_crash_a_folder_ingest(case):
    suffix, data = case
    assert_survives(ingest_folder_with(f"bad{suffix}", data))


@FUZZ
@given(text=st.text(max_size=2000))
def test_random_text_with_front_matter_never_crashes(text):
    """Text shaped like the formats' own openings: front matter, headers, JSON, XML."""
    for opening in ("---\ntitle: ", "Title: ", '{"title": ', '<?xml version="1.0"?><rss><channel><item><title>'):
        assert_survives(ingest_folder_with("bad.md", (opening + text).encode("utf-8", "surrogatepass")))
