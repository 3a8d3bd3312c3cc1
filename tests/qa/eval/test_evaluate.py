"""qa.eval.run and friends: each metric on hand-made cases, question-set readers and adapters, gates,
baseline comparison, the judge (against the loopback OpenAI-compatible server) and the reports."""

from __future__ import annotations

import json

import pytest

from qa.eval.gates import GateError, check_gates, compare, parse_gate
from qa.eval.judge import Judge, parse_verdicts
from qa.eval.markdown import to_markdown
from qa.eval.metrics import (
    contains_answer,
    evidence_recall,
    exact_match,
    first_relevant_rank,
    hit_at,
    holds_evidence,
    keyword_coverage,
    percentile,
    reciprocal_rank,
    token_f1,
)
from qa.eval.report import write_reports
from qa.eval.run import answer_text, run_eval, score, summarise
from qa.eval.sets import EvalQuestion, EvalSetError, read_question_set
from qa.eval.summary import worst_questions
from qa.types import Answer, Citation, Sentence
from tests.openai_stub import OpenAIStub

EVIDENCE = ("The leaders of Russia and Cuba express their deep regret and are seriously concerned over "
            "the US intention to withdraw from the Intermediate-Range Nuclear Forces (INF) Treaty")


# --- metrics ---------------------------------------------------------------------------------------

def test_evidence_matching_ignores_case_space_and_punctuation():
    passage = "Intro.  THE LEADERS of Russia and Cuba express their deep regret, and are seriously concerned over " \
              "the US intention to withdraw from the Intermediate-Range Nuclear Forces  (INF) Treaty. More."
    assert holds_evidence(passage, EVIDENCE)


def test_evidence_cut_by_a_chunk_boundary_still_counts_where_most_of_it_is():
    head, tail = EVIDENCE[:120], EVIDENCE[120:]  # 120 and 56 characters
    assert holds_evidence("Unrelated sentence about trade. " + head, EVIDENCE)
    noisy_tail = tail + " " + "Other news about football and weather. " * 8
    assert first_relevant_rank(["nothing here", noisy_tail, head], [EVIDENCE]) == 3
    assert holds_evidence(tail + " And then.", EVIDENCE)  # a chunk that is mostly evidence counts too


def test_a_shared_phrase_is_not_evidence():
    assert not holds_evidence("The US intention to withdraw troops from Syria was discussed.", EVIDENCE)
    assert not holds_evidence("", EVIDENCE) and not holds_evidence("text", "")


def test_short_evidence_must_be_contained_whole():
    assert holds_evidence("It follows the Havana Declaration of 2014.", "Havana Declaration")
    assert not holds_evidence("It follows the Havana agreement.", "Havana Declaration")


def test_ranks_hits_and_reciprocal_rank():
    assert first_relevant_rank(["a b c", "deep regret " + EVIDENCE, EVIDENCE], [EVIDENCE]) == 2
    assert first_relevant_rank(["a", "b"], [EVIDENCE]) == 0
    assert [hit_at(2, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert hit_at(0, 10) == 0.0
    assert reciprocal_rank(4) == 0.25 and reciprocal_rank(11) == 0.0 and reciprocal_rank(0) == 0.0


def test_evidence_recall_counts_evidence_items_found():
    evidence = ["Russia may provide a 38 mln euro credit", "Havana Declaration"]
    assert evidence_recall(["... Russia may provide a 38 mln euro credit to Cuba"], evidence) == 0.5
    assert evidence_recall(["the Havana Declaration", "a 38 MLN euro credit: Russia may provide a 38 mln "
                            "euro credit"], evidence) == 1.0
    assert evidence_recall(["x"], []) is None


def test_answer_correctness_exact_contains_f1():
    assert exact_match("The Havana Declaration.", ["Havana Declaration"]) == 1.0
    assert exact_match("It was the Havana Declaration of 2014", ["Havana Declaration"]) == 0.0
    assert contains_answer("Russia may give a 38 MLN euro credit.", ["38 mln euro"]) == 1.0
    assert contains_answer("It costs 138 mln euro.", ["38 mln euro"]) == 0.0  # whole words only
    assert token_f1("38 mln euro credit", ["38 mln euro"]) == pytest.approx(6 / 7, abs=1e-6)
    assert token_f1("nothing", ["38 mln euro"]) == 0.0
    assert token_f1("Tampa", ["Glendale, Arizona", "Tampa Florida"]) == pytest.approx(2 / 3, abs=1e-6)


def test_keyword_coverage_of_an_assertion():
    # content words: russia, support, cuba, lift, embargo -> 4 of 5 present
    assert keyword_coverage("Russia supports Cuba against the embargo.",
                            "Russia supports Cuba to lift the embargo") == 0.8
    assert keyword_coverage("anything", "the and of") == 1.0


def test_percentiles():
    assert percentile([10, 40, 20, 30], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


# --- scoring one question ----------------------------------------------------------------------------

def citation(n: int, text: str) -> Citation:
    return Citation(n=n, chunk_id=f"a:{n:04d}", article_id="a", title="", outlet="TASS", author="", url="",
                    published_at="", text=text)


def question(**fields) -> EvalQuestion:
    return EvalQuestion(**{"id": "q", "question": "What about the INF Treaty?", **fields})


def test_score_a_grounded_answer():
    answer = Answer(
        text="They express deep regret over the US intention to withdraw [1]. They met in Moscow [2].",
        question="What about the INF Treaty?",
        sentences=[Sentence("They express deep regret over the US intention to withdraw", [1], True),
                   Sentence("They met in Moscow", [2], False)],
        citations=[citation(1, EVIDENCE + "."), citation(2, "Talks in Moscow on Friday.")],
    )
    q = question(answers=["deep regret"], evidence=[EVIDENCE],
                 assertions=["They regret the US intention to withdraw", "Russia and Cuba regret the US withdrawal"])
    metrics, reasons = score(q, answer, ["noise", EVIDENCE], k=6)
    assert metrics["hit@1"] == 0.0 and metrics["hit@3"] == 1.0 and metrics["mrr@10"] == 0.5
    assert metrics["evidence_recall"] == 1.0
    assert metrics["contains"] == 1.0 and metrics["exact"] == 0.0
    assert metrics["citation_precision"] == 0.5 and metrics["citation_recall"] == 1.0
    assert metrics["supported"] == 0.5 and metrics["false_refusal"] == 0.0
    # content words 4 of 4 (regret us intention withdraw), then 2 of 5 (russia cuba withdrawal missing)
    assert metrics["assertion_coverage"] == pytest.approx((1 + 0.4) / 2)
    assert metrics["assertions_passed"] == 0.5
    assert "assertion not made: 'Russia and Cuba regret the US withdrawal' (40% of its key words)" in reasons
    assert "citation [2] holds no evidence and supports no sentence" in reasons
    assert "1 of 2 sentences not supported by their citations" in reasons


def test_score_refusals():
    abstained = Answer(text="The articles I have don't say.", question="q", abstained=True)
    answered = Answer(text="Oil went to Venezuela [1].", question="q",
                      sentences=[Sentence("Oil went to Venezuela", [1], True)],
                      citations=[citation(1, "Oil went to Venezuela.")])
    unanswerable = question(unanswerable=True)
    assert score(unanswerable, abstained, [], 6)[0] == {"refusal_accuracy": 1.0}
    metrics, reasons = score(unanswerable, answered, [], 6)
    assert metrics["refusal_accuracy"] == 0.0 and "should abstain" in reasons[0]
    metrics, reasons = score(question(answers=["x"], evidence=[EVIDENCE]), abstained, [EVIDENCE], 6)
    assert metrics["false_refusal"] == 1.0 and metrics["contains"] == 0.0 and metrics["hit@1"] == 1.0
    assert "citation_precision" not in metrics  # nothing was cited
    assert "abstained although the corpus holds the answer" in reasons


def test_judge_verdicts_override_keyword_coverage():
    answer = Answer(text="Moscow regrets it [1].", question="q", citations=[citation(1, "x")])
    q = question(assertions=["Russia and Cuba regret the US withdrawal", "Something else entirely"])
    verdicts = [{"holds": True, "reason": "says so"}, {"holds": False, "reason": "not mentioned"}]
    metrics, reasons = score(q, answer, [], 6, verdicts)
    assert metrics["assertions_passed"] == 0.5
    assert any("judge: not mentioned" in r for r in reasons)


def test_answer_text_drops_citation_markers():
    assert answer_text(Answer(text="Putin said so [1, 2]. And more [3][4].", question="")) == "Putin said so. And more."


class ScriptedAnswerer:
    """Stands in for the Answerer in summary tests: replies from a dict, no retrieval."""

    def __init__(self, replies: dict[str, Answer]):
        self.replies, self.calls = replies, []

    def answer(self, question, history=(), filters=None, k=None, as_of=None):
        self.calls.append((question, tuple(history), filters, k, as_of))
        return self.replies[question]


def test_run_eval_summarises_overall_and_per_type():
    from datetime import date

    good = Answer(text="38 mln euro [1].", question="credit?", sentences=[Sentence("38 mln euro", [1], True)],
                  citations=[citation(1, "a 38 mln euro credit")], timings={"retrieve_ms": 10.0, "total_ms": 20.0})
    bad = Answer(text="I don't know.", question="who?", abstained=True, timings={"total_ms": 40.0})
    refuse = Answer(text="I don't know.", question="oil?", abstained=True, timings={"total_ms": 30.0})
    questions = [
        EvalQuestion(id="1", question="credit?", answers=["38 mln euro"], type="number"),
        EvalQuestion(id="2", question="who?", answers=["Storchak"], type="person",
                     history=[{"question": "credit?", "answer": "38"}], as_of=date(2018, 11, 2)),
        EvalQuestion(id="3", question="oil?", unanswerable=True, type="unanswerable"),
    ]
    answerer = ScriptedAnswerer({"credit?": good, "who?": bad, "oil?": refuse})
    report = run_eval(questions, answerer, retriever=None, k=4)
    assert answerer.calls[1][1] == (("credit?", "38"),) and answerer.calls[1][2].until == date(2018, 11, 2)
    assert report["overall"]["contains"] == 0.5 and report["counts"]["contains"] == 2
    assert report["overall"]["false_refusal"] == 0.5 and report["overall"]["refusal_accuracy"] == 1.0
    assert report["by_type"]["number"]["contains"] == 1.0 and report["by_type"]["person"]["contains"] == 0.0
    assert report["overall"]["hit@5"] is None and report["counts"]["hit@5"] == 0
    assert report["latency"]["total_ms"] == {"p50": 30.0, "p95": 39.0}
    assert [q["id"] for q in worst_questions(report)] == ["2"]


# --- question sets ------------------------------------------------------------------------------------

def test_jsonl_invalid_rows_are_reported_with_file_and_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "question": "Where?", "answers": "Moscow", "type": "fact"}),
        "{not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": "a", "question": "Again?"}),
        json.dumps({"question": "Oil?", "unanswerable": True, "answers": ["x"]}),
        json.dumps({"question": "Typo?", "answer": "x"}),
        json.dumps(["a list"]),
        json.dumps({"question": "Last?", "history": ["Earlier?"], "as_of": "2018-11-02"}),
    ]) + "\n")
    qset = read_question_set(path)
    assert [q.id for q in qset.questions] == ["a", "line-7", "line-9"]
    assert qset.questions[0].answers == ("Moscow",) and qset.questions[2].history[0].question == "Earlier?"
    problems = qset.problems
    assert problems[0].startswith(f"{path}:2: invalid JSON")
    assert problems[1] == f"{path}:3: question: Field required"
    assert problems[2] == f"{path}:5: duplicate id 'a'"
    assert problems[3].startswith(f"{path}:6:") and "unanswerable" in problems[3]
    assert problems[4] == f"{path}:8: expected an object"
    assert qset.notes == [f"{path}:7: field 'answer' is not part of the layout and was ignored "
                          "(map it with --field, e.g. --field answers=answer)"]


def test_yaml_and_json_array_rows_keep_their_line_numbers(tmp_path):
    yml = tmp_path / "q.yaml"
    yml.write_text("questions:\n  - id: one\n    question: Where?\n  - id: two\n    answers: [x]\n")
    qset = read_question_set(yml)
    assert [q.id for q in qset.questions] == ["one"]
    assert qset.problems == [f"{yml}:4: question: Field required"]
    arr = tmp_path / "q.json"
    arr.write_text('[\n {"question": "A?"},\n\n {"question": ""}\n]\n')
    qset = read_question_set(arr)
    assert qset.questions[0].source == f"{arr}:2"
    assert qset.problems == [f"{arr}:4: question: must not be empty"]


def test_a_set_without_valid_questions_is_an_error(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "x"}\n')
    with pytest.raises(EvalSetError, match="No valid question"):
        read_question_set(path)
    with pytest.raises(EvalSetError, match="choose one of"):
        read_question_set(path, fmt="squad")


def test_rgb_adapter_pools_passages_and_uses_positives_as_evidence(tmp_path):
    rows = [
        {"id": 0, "query": "Super Bowl 2021 location", "answer": "Tampa, Florida",
         "positive": ["Played at Raymond James Stadium in Tampa, Florida."], "negative": ["Shared.", "Other."]},
        {"id": 1, "query": "When was it released?", "answer": [["July 21 2017", "Jul 21, 2017"]],
         "positive": ["Released on Jul 21, 2017."], "negative": ["Shared."]},
        {"id": 2, "query": "Who won both?", "answer": [["Alice"], ["Bob", "Robert"]],
         "positive": ["Alice and Bob won."], "negative": []},
    ]
    path = tmp_path / "en_fact.json"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    qset = read_question_set(path)
    assert qset.format == "rgb"
    first, second, third = qset.questions
    assert (first.id, first.answers, first.evidence) == ("rgb-0", ("Tampa, Florida",), tuple(rows[0]["positive"]))
    assert second.answers == ("July 21 2017", "Jul 21, 2017")
    assert third.answers == () and third.assertions == ("Alice", "Bob")
    assert sorted(p.text for p in qset.passages) == sorted(
        ["Played at Raymond James Stadium in Tampa, Florida.", "Shared.", "Other.", "Released on Jul 21, 2017.",
         "Alice and Bob won."])
    assert len(read_question_set(path, limit=1).passages) == 3


def test_multihop_adapter_and_its_null_queries(tmp_path):
    rows = [
        {"query": "Which company did both outlets report on?", "answer": "Apple", "question_type": "inference_query",
         "evidence_list": [{"fact": "Apple sued.", "url": "https://a.example/1"}, {"fact": "Apple won."}]},
        {"query": "Did X happen?", "answer": "Insufficient information.", "question_type": "null_query",
         "evidence_list": []},
    ]
    path = tmp_path / "MultiHopRAG.json"
    path.write_text(json.dumps(rows, indent=1))
    qset = read_question_set(path)
    assert qset.format == "multihop" and not qset.passages
    apple, null = qset.questions
    assert (apple.type, apple.answers, apple.evidence) == ("inference_query", ("Apple",), ("Apple sued.", "Apple won."))
    assert apple.evidence_urls == ("https://a.example/1",) and apple.id == "mh-2"
    assert null.unanswerable and null.type == "null_query" and not null.answers


def test_field_map_reads_other_layouts(tmp_path):
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"qid": "7", "prompt": "Where?", "gold": ["Moscow"], "category": "place"}) + "\n")
    qset = read_question_set(path, field_map={"id": "qid", "question": "prompt", "answers": "gold",
                                              "type": "category"})
    assert qset.questions[0].model_dump(include={"id", "question", "answers", "type"}) == {
        "id": "7", "question": "Where?", "answers": ("Moscow",), "type": "place"}


# --- gates and baselines --------------------------------------------------------------------------------

def test_gates_fail_and_pass():
    overall = {"hit@5": 0.8, "contains": 0.5, "false_refusal": 0.1, "exact": None}
    assert check_gates(overall, {"hit@5": 0.8, "contains": 0.5}, {"false_refusal": 0.1}) == []
    failures = check_gates(overall, {"hit@5": 0.9, "exact": 0.1}, {"false_refusal": 0.05})
    assert failures == ["hit@5 = 0.800, below the gate 0.900",
                        "exact has no value (no question in the set measures it), gate 0.100",
                        "false_refusal = 0.100, above the gate 0.050"]


def test_gate_syntax_and_direction_are_checked():
    assert parse_gate(" mrr@10 =0.5") == ("mrr@10", 0.5)
    with pytest.raises(GateError, match="METRIC one of: hit@1"):
        parse_gate("hits=0.5")
    with pytest.raises(GateError, match="not a number"):
        parse_gate("hit@5=high")
    with pytest.raises(GateError, match="use --fail-over false_refusal=0.2"):
        parse_gate("false_refusal=0.2")
    assert parse_gate("false_refusal=0.2", ceiling=True) == ("false_refusal", 0.2)


def test_baseline_comparison_respects_direction_and_tolerance():
    rows = compare({"hit@5": 0.70, "mrr@10": 0.81, "false_refusal": 0.3, "f1": None},
                   {"hit@5": 0.80, "mrr@10": 0.80, "false_refusal": 0.1, "f1": 0.5}, tolerance=0.02)
    verdicts = {r["metric"]: (r["verdict"], r["delta"]) for r in rows}
    assert verdicts == {"hit@5": ("REGRESSED", -0.1), "mrr@10": ("same", 0.01),
                        "false_refusal": ("REGRESSED", 0.2), "f1": ("n/a", None)}
    assert compare({"false_refusal": 0.0}, {"false_refusal": 0.5}, 0.02)[0]["verdict"] == "IMPROVED"


# --- judge ------------------------------------------------------------------------------------------------

def test_parse_verdicts_is_lenient():
    assert parse_verdicts("no json at all", 1) == [{"holds": None, "reason": "the judge gave no verdict"}]
    reply = '```json\n{"verdicts": [{"n": 2, "holds": false, "reason": "no"}, {"n": 1, "holds": "yes"}]}\n```'
    assert [v["holds"] for v in parse_verdicts(reply, 2)] == [None, False]


def test_judge_asks_the_openai_compatible_endpoint(settings):
    from qa.eval.judge import make_judge

    with OpenAIStub() as stub:
        stub.reply('{"verdicts": [{"n": 1, "holds": true, "reason": "it says so"}]}')
        judged = settings.model_copy(update={"openai_base_url": stub.base_url, "judge_model": "judge-1",
                                             "llm_max_retries": 0})
        judge = make_judge(judged)
        assert isinstance(judge, Judge)
        verdicts = judge.verdicts("What about INF?", "They regret it.", ["They regret the withdrawal"])
        body = stub.requests[0]
    assert verdicts == [{"holds": True, "reason": "it says so"}]
    assert body["model"] == "judge-1"
    prompt = body["messages"][0]["content"]
    assert "1. They regret the withdrawal" in prompt and "They regret it." in prompt


def test_judge_is_off_without_a_model_and_needs_an_endpoint(settings):
    from qa.errors import ConfigError
    from qa.eval.judge import make_judge

    assert make_judge(settings) is None
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        make_judge(settings.model_copy(update={"judge_model": "judge-1"}))


# --- reports ----------------------------------------------------------------------------------------------

def sample_report() -> dict:
    results = [
        {"id": "good", "type": "number", "question": "credit?", "source": "q:1", "standalone": "credit?",
         "unanswerable": False, "answer": "38 mln euro [1].", "abstained": False, "mode": "extractive",
         "citations": [{"n": 1, "title": "", "outlet": "TASS", "url": "", "chunk_id": "a:0001",
                        "quote": "a 38 mln euro credit", "text": "Russia may provide a 38 mln euro credit."}],
         "expected": {}, "first_rank": 1, "metrics": {"hit@5": 1.0, "contains": 1.0}, "reasons": [],
         "score": 1.0, "timings": {"total_ms": 12.0}},
        {"id": "bad <b>", "type": "stance", "question": "INF <script>?", "source": "q:2", "standalone": "INF?",
         "unanswerable": False, "answer": "No idea.", "abstained": True, "mode": "extractive", "citations": [],
         "expected": {}, "first_rank": 0, "metrics": {"hit@5": 0.0, "false_refusal": 1.0},
         "reasons": ["abstained although the corpus holds the answer"], "score": 0.0,
         "timings": {"total_ms": 30.0}},
    ]
    report = summarise(results)
    report["questions"] = results
    report["meta"] = {"questions_file": "q.jsonl", "format": "ours", "count": 2, "k": 6, "mode": "extractive",
                      "corpus": "test", "problems": ["q.jsonl:3: question: Field required"]}
    report["gates"] = {"floors": {"hit@5": 0.9}, "ceilings": {}, "failures": ["hit@5 = 0.500, below the gate 0.900"]}
    report["baseline"] = {"file": "old.json", "tolerance": 0.02,
                          "rows": compare(report["overall"], {"hit@5": 0.9, "contains": 1.0}, 0.02)}
    return report


def test_reports_are_written_and_self_contained(tmp_path):
    paths = write_reports(sample_report(), tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    assert json.loads(paths[0].read_text())["overall"]["hit@5"] == 0.5
    html = paths[2].read_text()
    assert "<svg" in html and "<script" not in html.replace("&lt;script", "")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert "INF &lt;script&gt;?" in html and "REGRESSED" in html and "q.jsonl:3" in html
    assert "abstained although the corpus holds the answer" in html


def test_markdown_has_the_summary_table_and_the_worst_questions():
    md = to_markdown(sample_report())
    assert "| `hit@5` | 0.500 | 2 |" in md
    assert md.index("### bad <b> (stance), score 0.000") > md.index("## Worst questions")
    assert "| hit@5 | 0.900 | 0.500 | -0.400 | REGRESSED |" in md
    assert "**Failed:**" in md and "- q.jsonl:3: question: Field required" in md
