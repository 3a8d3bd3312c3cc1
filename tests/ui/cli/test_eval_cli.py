"""`newsqa eval` as a user (and CI) runs it: on the sample corpus, with gates, baselines, --corpus and RGB."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLES, SEED, SHARED_DATA

QUESTIONS = SAMPLES / "questions.jsonl"
RGB = SHARED_DATA / "rgb-en-fact" / "en_fact.json"
MULTIHOP = SHARED_DATA / "multihop-rag-dev"
# The gates CI holds the sample set to, met by the offline (extractive) system: every gate but refusal
# leaves room for one more miss; refusal_accuracy is 0.4 today (2 of 5 unanswerable questions refused).
CI_GATES = ("--fail-under", "hit@5=0.9", "--fail-under", "mrr@10=0.8", "--fail-under", "evidence_recall=0.9",
            "--fail-under", "contains=0.85", "--fail-under", "assertions_passed=0.8",
            "--fail-under", "citation_precision=0.9", "--fail-under", "citation_recall=0.8",
            "--fail-under", "supported=0.9", "--fail-under", "refusal_accuracy=0.8",
            "--fail-over", "false_refusal=0.1")


@pytest.fixture
def run(monkeypatch):
    """Invoke `newsqa ...` in-process (stdout and stderr kept apart); returns the Result."""
    from ui.cli.main import cli

    runner = CliRunner()

    def invoke(*args: str, data_dir=None):
        if data_dir is not None:
            monkeypatch.setenv("NEWSQA_DATA_DIR", str(data_dir))
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, sample_settings):
    """One full run of the sample set against the ingested sample corpus (shared by several tests)."""
    from ui.cli.main import cli

    out = tmp_path_factory.mktemp("eval") / "report"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSQA_DATA_DIR", str(sample_settings.data_dir))
        result = CliRunner().invoke(cli, ["eval", str(QUESTIONS), "--out", str(out), *CI_GATES],
                                    catch_exceptions=False)
    return result, out


def test_sample_set_writes_the_three_reports_and_meets_the_ci_gates(sample_run):
    result, out = sample_run
    assert result.exit_code == 0, result.output
    assert "hit@5" in result.stdout and "latency p50/p95" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    report = json.loads((out / "report.json").read_text())
    assert report["meta"]["count"] == 22 and report["meta"]["mode"] == "extractive"
    assert report["gates"]["failures"] == []
    assert {"stance", "number", "follow-up", "unanswerable"} <= set(report["by_type"])
    inf = next(q for q in report["questions"] if q["id"] == "inf-treaty")
    assert "regret" in inf["answer"] and inf["citations"]
    html = (out / "report.html").read_text()
    assert "<svg" in html and "inf-treaty" in html and "<script" not in html


def test_an_unmet_gate_fails_the_run(run, sample_settings, tmp_path):
    result = run("eval", QUESTIONS, "--out", tmp_path / "r", "--limit", "3", "--fail-under", "hit@1=1.01",
                 data_dir=sample_settings.data_dir)
    assert result.exit_code == 1
    assert "FAILED: hit@1 = " in result.stderr and "below the gate 1.010" in result.stderr
    assert json.loads((tmp_path / "r" / "report.json").read_text())["gates"]["failures"]


def test_a_bad_gate_is_a_usage_error_before_anything_runs(run, sample_settings, tmp_path):
    result = run("eval", QUESTIONS, "--out", tmp_path / "r", "--fail-under", "accuracy=0.5",
                 data_dir=sample_settings.data_dir)
    assert result.exit_code == 1 and "METRIC one of: hit@1" in result.output
    assert not (tmp_path / "r").exists()


def test_baseline_regression_fails_and_same_passes(run, sample_settings, tmp_path):
    args = ("eval", QUESTIONS, "--limit", "6", "--out")
    first = run(*args, tmp_path / "first", data_dir=sample_settings.data_dir)
    baseline = tmp_path / "first" / "report.json"
    same = run(*args, tmp_path / "same", "--baseline", baseline, data_dir=sample_settings.data_dir)
    assert first.exit_code == 0 and same.exit_code == 0, same.output
    assert "REGRESSED" not in same.stdout and "hit@5" in same.stdout.split("against")[1]
    overall = json.loads(baseline.read_text())["overall"]
    (tmp_path / "better.json").write_text(json.dumps({"overall": {**overall, "mrr@10": overall["mrr@10"] + 0.2}}))
    worse = run(*args, tmp_path / "worse", "--baseline", tmp_path / "better.json", data_dir=sample_settings.data_dir)
    assert worse.exit_code == 1
    assert any(line.startswith("mrr@10") and line.endswith("REGRESSED") for line in worse.stdout.splitlines())
    assert "FAILED: mrr@10 regressed" in worse.stderr
    report = json.loads((tmp_path / "worse" / "report.json").read_text())
    assert {"metric": "mrr@10", "verdict": "REGRESSED"}.items() <= next(
        r for r in report["baseline"]["rows"] if r["metric"] == "mrr@10").items()


def test_corpus_is_ingested_into_a_throw_away_collection(run, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    questions = corpus / "questions.jsonl"  # lives in the corpus folder: must not be ingested as articles
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "credit", "question": "How large is the credit Russia may provide to Cuba?",
         "answers": ["38 mln euro"], "evidence": ["Russia may provide a 38 mln euro credit to Cuba"]},
        {"id": "bad", "answer": "no question"},
    ]) + "\n")
    user_data = tmp_path / "user-data"
    result = run("eval", questions, "--corpus", corpus, "--out", tmp_path / "r", data_dir=user_data)
    assert result.exit_code == 0, result.output
    assert f"skipped {questions}:2: question: Field required" in result.stderr
    assert "corpus: skipped" not in result.stderr
    assert not user_data.exists()  # the user's data dir was never touched
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["overall"]["hit@1"] == 1.0 and report["overall"]["contains"] == 1.0
    assert report["meta"]["corpus"].startswith("throw-away collection of 1 articles")


def test_rgb_layout_builds_its_own_corpus(run, tmp_path):
    rows = [
        {"id": 0, "query": "Where was Super Bowl 2021 played?", "answer": "Tampa, Florida",
         "positive": ["Super Bowl LV was played on February 7, 2021, at Raymond James Stadium in Tampa, Florida."],
         "negative": ["Super Bowl LVII was played at State Farm Stadium in Glendale, Arizona, in 2023."]},
        {"id": 1, "query": "Which country won the most medals at the 2018 Winter Olympics?", "answer": "Norway",
         "positive": ["Norway won the most medals at the 2018 Winter Olympics in PyeongChang, with 39 in total."],
         "negative": ["The 2022 Winter Olympics were held in Beijing, China, in February 2022."]},
    ]
    path = tmp_path / "rgb.json"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = run("eval", path, "--out", tmp_path / "r", data_dir=tmp_path / "user-data")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["meta"]["format"] == "rgb" and report["by_type"].keys() == {"rgb"}
    assert report["overall"]["hit@1"] == 1.0
    assert "4 passages from rgb.json" in report["meta"]["corpus"]


@pytest.mark.skipif(not RGB.is_file(), reason="the RGB dev set is not present (licensed data, kept outside)")
def test_real_rgb_dev_set_with_a_limit(run, tmp_path):
    result = run("eval", RGB, "--limit", "5", "--out", tmp_path / "r", data_dir=tmp_path / "user-data")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["meta"]["count"] == 5 and report["counts"]["hit@5"] == 5
    assert report["overall"]["hit@10"] >= 0.6


@pytest.mark.skipif(not (MULTIHOP / "questions.jsonl").is_file(),
                    reason="the MultiHop-RAG dev set is not present (third-party data, kept outside)")
def test_multihop_rag_dev_answers_time_and_outlet_anchored_questions(run, tmp_path):
    """The archive-answers gates: few false refusals, null queries refused, multi-source evidence found."""
    result = run("eval", MULTIHOP / "questions.jsonl", "--corpus", MULTIHOP / "corpus.jsonl", "--out",
                 tmp_path / "r", "--fail-over", "false_refusal=0.15", data_dir=tmp_path / "user-data")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["by_type"]["null_query"]["refusal_accuracy"] >= 0.8
    assert report["by_type"]["temporal_query"]["evidence_recall"] >= 0.834  # hybrid alone: 0.784
    assert report["by_type"]["comparison_query"]["evidence_recall"] >= 0.95  # hybrid alone: 0.907


def test_llm_mode_with_a_judge_through_the_openai_compatible_endpoint(run, sample_settings, tmp_path, monkeypatch):
    from tests.openai_stub import OpenAIStub

    def reply(body: dict) -> str:
        prompt = " ".join(str(m.get("content")) for m in body["messages"])
        if "You are grading an answer" in prompt:
            return '{"verdicts": [{"n": 1, "holds": true, "reason": "a credit is a loan"}]}'
        return "Russia may provide a 38 mln euro credit to Cuba [1]."

    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({  # keyword coverage alone would fail this assertion (0 of 4 words)
        "id": "credit", "question": "How large is the credit Russia may provide to Cuba?",
        "answers": ["38 mln euro"], "assertions": ["Moscow could lend Havana money"]}) + "\n")
    with OpenAIStub(default=reply) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("NEWSQA_JUDGE_MODEL", "judge-1")
        monkeypatch.setenv("NEWSQA_LLM_MAX_RETRIES", "0")
        result = run("eval", questions, "--out", tmp_path / "r", data_dir=sample_settings.data_dir)
        models = [body["model"] for body in stub.requests]
    assert result.exit_code == 0, result.output
    assert models == ["gpt-4o-mini", "judge-1"]
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["meta"]["mode"] == "llm" and report["meta"]["judge"] == "judge-1"
    metrics = report["questions"][0]["metrics"]
    assert metrics["contains"] == 1.0 and metrics["assertion_coverage"] == 0.0 and metrics["assertions_passed"] == 1.0
    assert "judge_ms" in report["latency"]


def test_an_empty_collection_says_how_to_fill_it(run, tmp_path):
    result = run("eval", QUESTIONS, "--out", tmp_path / "r", data_dir=tmp_path / "empty")
    assert result.exit_code == 1
    assert "is empty" in result.output and "newsqa ingest samples/" in result.output and "--corpus" in result.output
    assert not (tmp_path / "r").exists()
