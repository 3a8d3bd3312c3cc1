"""Durable feedback on answers (thumbs up/down, optional comment), shared by the web chat and the Slack bot.

One SQLite file under the data dir. Rows keep the question, the answer, its citations, the settings
that produced it and when, so a bad answer can be reproduced later.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.config import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    channel TEXT NOT NULL,          -- 'web' or 'slack'
    rating INTEGER NOT NULL,        -- +1 or -1
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,        -- JSON list
    settings TEXT NOT NULL,         -- JSON object
    comment TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT ''  -- Slack channel id, web session id...
);
"""
COLUMNS = ("id", "created_at", "channel", "rating", "question", "answer", "citations", "settings",
           "comment", "user", "place")


def settings_snapshot(settings: Settings, mode: str, *, k: int | None = None, filters=None) -> dict[str, Any]:
    """The settings that produced an answer (no secrets), stored with its feedback by every front end."""
    return {"mode": mode, "llm_model": settings.llm_model if mode == "llm" else "",
            "embedding": f"{settings.embedding_provider}:{settings.embedding_model}",
            "collection": settings.collection, "k": k or settings.top_k,
            "max_chunks_per_article": settings.max_chunks_per_article,
            "filters": {"since": getattr(filters, "since", None), "until": getattr(filters, "until", None),
                        "outlets": list(getattr(filters, "outlets", ()))}}


def feedback_path(data_dir: Path) -> Path:
    return data_dir / "feedback.sqlite3"


class FeedbackStore:
    """Thread-safe append-only feedback log.

    >>> import tempfile
    >>> store = FeedbackStore(Path(tempfile.mkdtemp()) / "fb.sqlite3")
    >>> store.add(channel="web", rating=1, question="q", answer="a")
    1
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)

    def add(self, *, channel: str, rating: int, question: str, answer: str,
            citations: list[dict[str, Any]] | None = None, settings: dict[str, Any] | None = None,
            comment: str = "", user: str = "", place: str = "") -> int:
        """Store one verdict; returns its row id. rating must be +1 or -1."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        row = (datetime.now(timezone.utc).isoformat(timespec="seconds"), channel, rating, question,
               answer, json.dumps(citations or [], ensure_ascii=False),
               json.dumps(settings or {}, ensure_ascii=False, default=str), comment, user, place)
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO feedback (created_at, channel, rating, question, answer, citations, "
                "settings, comment, user, place) VALUES (?,?,?,?,?,?,?,?,?,?)", row)
            return int(cur.lastrowid)

    def set_rating(self, row_id: int, rating: int) -> None:
        """Change a verdict (a user who clicks 👎 after 👍 changed their mind: one row, not two)."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        with self._lock, self._db:
            self._db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, row_id))

    def remove(self, row_id: int) -> None:
        """Withdraw a verdict (a thumb clicked off)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM feedback WHERE id = ?", (row_id,))

    def set_comment(self, row_id: int, comment: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id))

    def rows(self) -> list[dict[str, Any]]:
        """Every row, oldest first, with citations and settings decoded."""
        with self._lock:
            cur = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")
            rows = [dict(zip(COLUMNS, r)) for r in cur.fetchall()]
        for row in rows:
            row["citations"], row["settings"] = json.loads(row["citations"]), json.loads(row["settings"])
        return rows

    def export(self, out: IO[str], fmt: str = "jsonl") -> int:
        """Write every row as JSONL or CSV; returns the number written."""
        rows = self.rows()
        if fmt == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "citations": json.dumps(row["citations"], ensure_ascii=False),
                                 "settings": json.dumps(row["settings"], ensure_ascii=False)})
        else:
            raise ValueError(f"unknown format {fmt!r}; choose jsonl or csv")
        return len(rows)
