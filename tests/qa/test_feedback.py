"""The durable feedback log (qa/feedback.py) and `newsqa feedback export`."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from click.testing import CliRunner

from qa.feedback import FeedbackStore, feedback_path

CITATIONS = [{"n": 1, "title": "Putin meets Díaz-Canel", "outlet": "TASS", "quote": "deep regret"}]


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore(feedback_path(tmp_path / "data"))


def add(store: FeedbackStore, rating: int = 1, **extra) -> int:
    return store.add(channel="web", rating=rating, question="What about the INF Treaty?",
                     answer="Russia regrets it [1].", citations=CITATIONS, settings={"k": 6}, **extra)


def test_rows_keep_everything_needed_to_reproduce_an_answer(store):
    row_id = add(store, user="ann", place="session-1")
    store.set_comment(row_id, "good — with sources")
    (row,) = store.rows()
    assert row["id"] == row_id and row["rating"] == 1 and row["channel"] == "web"
    assert row["citations"] == CITATIONS and row["settings"] == {"k": 6}
    assert (row["comment"], row["user"], row["place"]) == ("good — with sources", "ann", "session-1")
    assert row["created_at"].endswith("+00:00")


def test_rows_survive_reopening(tmp_path):
    path = feedback_path(tmp_path / "data")
    add(FeedbackStore(path), -1)
    assert [r["rating"] for r in FeedbackStore(path).rows()] == [-1]


def test_rating_must_be_plus_or_minus_one(store):
    with pytest.raises(ValueError, match="rating"):
        add(store, rating=0)


def test_a_changed_rating_updates_its_row_and_a_withdrawn_one_is_removed(store):
    first, second = add(store, 1), add(store, 1)
    store.set_rating(first, -1)
    with pytest.raises(ValueError, match="rating"):
        store.set_rating(first, 2)
    store.remove(second)
    assert [(r["id"], r["rating"]) for r in store.rows()] == [(first, -1)]


def test_settings_snapshot_keeps_no_secrets(monkeypatch):
    from qa.config import Settings
    from qa.feedback import settings_snapshot
    from qa.types import Filters

    settings = Settings(_env_file=None, openai_api_key="sk-secret", llm_model="m1")
    snap = settings_snapshot(settings, "llm", k=3, filters=Filters(outlets=("TASS",)))
    assert (snap["llm_model"], snap["k"], snap["filters"]["outlets"]) == ("m1", 3, ["TASS"])
    assert "sk-secret" not in json.dumps(snap, default=str)


def test_concurrent_writers_lose_nothing(store):
    threads = [threading.Thread(target=lambda: [add(store) for _ in range(20)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r["id"] for r in store.rows()}) == 160


def test_export_jsonl_and_csv(store):
    add(store, 1)
    add(store, -1, comment="wrong date")
    out = io.StringIO()
    assert store.export(out, "jsonl") == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["rating"] for r in rows] == [1, -1] and rows[1]["comment"] == "wrong date"
    out = io.StringIO()
    store.export(out, "csv")
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert table[1]["rating"] == "-1" and json.loads(table[0]["citations"]) == CITATIONS
    with pytest.raises(ValueError, match="jsonl or csv"):
        store.export(io.StringIO(), "xml")


@pytest.fixture
def run(tmp_path, monkeypatch):
    from ui.cli.main import cli

    monkeypatch.setenv("NEWSQA_DATA_DIR", str(tmp_path / "data"))
    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_export_writes_jsonl_to_stdout_and_csv_to_a_file(run, store, tmp_path):
    add(store, 1, comment="ok")
    result = run("feedback", "export")
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["comment"] == "ok"
    out = tmp_path / "feedback.csv"
    result = run("feedback", "export", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0 and "exported 1 feedback row(s)" in result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        assert next(csv.DictReader(f))["question"] == "What about the INF Treaty?"


def test_cli_export_without_feedback_says_so_and_creates_nothing(run, tmp_path):
    result = run("feedback", "export")
    assert result.exit_code == 0 and result.stdout == "" and "No feedback recorded yet" in result.stderr
    assert not (tmp_path / "data").exists()
