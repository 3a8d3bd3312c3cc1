"""The CLI as a user drives it: ingest twice, edit, stats/delete, JSON output, readable errors."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLES


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke `newsqa ...` in-process with its data dir under tmp_path; returns the Result."""
    from ui.cli.main import cli

    monkeypatch.setenv("NEWSQA_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def samples(tmp_path):
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("archive"))  # the one-article sample
    return folder


def test_ingest_twice_then_edit(run, samples):
    first = run("ingest", str(samples), "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["added"] == 1 and summary["skipped"] == []
    chunks = json.loads(run("stats", "--json").stdout)["chunks"]

    second = json.loads(run("ingest", str(samples), "--json").stdout)
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, 1)
    assert json.loads(run("stats", "--json").stdout)["chunks"] == chunks

    seed = samples / "tass-russia-cuba.txt"
    seed.write_text(seed.read_text().replace("38 mln euro", "45 mln euro"))
    third = json.loads(run("ingest", str(samples), "--json").stdout)
    assert (third["updated"], third["added"], third["removed"]) == (1, 0, 0)
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["articles"] == 1 and stats["outlets"] == ["TASS"]


def test_stats_json_shape_and_text(run, samples):
    run("ingest", str(samples))
    stats = json.loads(run("stats", "--json").stdout)
    assert {"articles", "chunks", "outlets", "first_date", "last_date"} <= stats.keys()
    text = run("stats").output
    assert "articles    1" in text and "TASS" in text


def test_delete_by_source_file(run, samples):
    run("ingest", str(samples))
    result = run("delete", str(samples / "tass-russia-cuba.txt"))
    assert "removed 1 article" in result.output
    assert json.loads(run("stats", "--json").stdout)["chunks"] == 0


def test_errors_are_one_line_and_non_zero(run, tmp_path):
    result = run("delete", "no-such-article")
    assert result.exit_code == 1
    assert result.output.startswith("Error: No article matches") and "Traceback" not in result.output
    missing = run("ingest", str(tmp_path / "missing.txt"), "--json")
    assert missing.exit_code == 1  # nothing could be read
    assert json.loads(missing.stdout)["skipped"][0]["reason"]


def test_strict_fails_on_any_skip_but_keeps_valid_items(run, samples):
    (samples / "empty.txt").write_text("")
    lenient = run("ingest", str(samples), "--json")
    assert lenient.exit_code == 0
    assert json.loads(lenient.stdout)["added"] == 1
    strict = run("ingest", str(samples), "--strict", "--json")
    assert strict.exit_code == 1
    assert json.loads(strict.stdout)["unchanged"] == 1


def test_bad_field_mapping_is_a_usage_error(run, samples):
    result = CliRunner().invoke(__import__("ui.cli.main", fromlist=["cli"]).cli, ["ingest", str(samples), "--field", "body"])
    assert result.exit_code == 2 and "OURS=THEIRS" in result.output


def test_help_teaches_by_example(run):
    assert "newsqa ingest samples/" in run("--help").output
    assert "--field body=article_text" in run("ingest", "--help").output
