"""The web chat as a client sees it: a real Gradio server on 127.0.0.1 driven through gradio_client
(streamed updates, source cards, feedback rows, errors as chat messages, the Library tab, ten
concurrent sessions), plus the small pure pieces (auth parsing, filters, rendering)."""

from __future__ import annotations

import json
import threading
from datetime import date

import httpx
import pytest
from pydantic import SecretStr

from qa.errors import ConfigError, NewsqaError
from qa.feedback import FeedbackStore, feedback_path
from qa.types import Answer, Citation, Sentence
from tests.conftest import SAMPLES, SEED
from tests.helpers import REGRET, URGE, citing, llm_settings
from tests.openai_stub import refused_url

gradio_client = pytest.importorskip("gradio_client")
from ui.render import NOT_INDEXED, parse_filters  # noqa: E402
from ui.web.app import parse_auth  # noqa: E402
from ui.web.chat import ADD_ARTICLES, FALLBACK_NOTE, THINKING  # noqa: E402
from ui.web.render import answer_markdown, sources_panel  # noqa: E402

INF = "What did Russia and Cuba say about the INF Treaty?"
NO_FILTERS = (None, None, [], 6)  # since, until, outlets, k


def ask(client, question: str, *filters):
    """Submit a question; returns (every streamed output, final chat messages, final sources HTML)."""
    job = client.submit(question, *(filters or NO_FILTERS), api_name="/ask")
    chat, sources, _ = job.result(timeout=60)
    return job.outputs(), chat, sources


def text_of(message: dict) -> str:
    """Gradio 6 chat messages carry a list of content blocks."""
    return "".join(block.get("text", "") for block in message["content"])


def send_like(client, index: int, liked: bool):
    """Click a thumb under chat message `index` as the browser does. gradio_client cannot send event
    data, so this joins the queue with the like event's payload and reads the session's stream."""
    dep = next(d for d in client.config["dependencies"] if any(t[1] == "like" for t in d["targets"]))
    body = {"data": [None] * len(dep["inputs"]), "fn_index": dep["id"], "trigger_id": dep["targets"][0][0],
            "event_data": {"index": index, "value": [], "liked": liked}, "session_hash": client.session_hash}
    with httpx.Client(timeout=30) as http:
        event_id = http.post(client.sse_data_url, json=body).raise_for_status().json()["event_id"]
        with http.stream("GET", client.sse_url, params={"session_hash": client.session_hash}) as stream:
            for line in stream.iter_lines():
                msg = json.loads(line[5:]) if line.startswith("data:") else {}
                if msg.get("event_id") == event_id and msg.get("msg") == "process_completed":
                    assert msg["success"], msg
                    return msg["output"]["data"]
    raise AssertionError("the like event never completed")


# --- through the server ----------------------------------------------------------------------

def test_answer_streams_then_links_every_marker_to_a_source_card(serve, web_settings):
    client, _ = serve(web_settings)
    outputs, chat, sources = ask(client, INF)
    assert text_of(outputs[0][0][-1]) == THINKING
    assert len(outputs) >= 3  # placeholder, streamed text, final answer
    answer = text_of(chat[-1])
    assert "deep regret" in answer and "(#nq-t0-s1)" in answer
    assert 'id="nq-t0-s1"' in sources and "<mark>" in sources and "TASS" in sources
    linked = {part.split(")")[0] for part in answer.split("](#")[1:]}
    assert linked and all(f'id="{anchor}"' in sources for anchor in linked)


def test_llm_tokens_arrive_as_separate_updates(serve, web_settings, openai_stub):
    openai_stub.reply(citing(("Russia and Cuba deeply regret the US plan to leave the INF Treaty", REGRET),
                             ("They urge the United States to revise its intentions", URGE)))
    client, _ = serve(llm_settings(web_settings, openai_stub.base_url))
    outputs, chat, sources = ask(client, INF)
    partial = [text_of(out[0][-1]) for out in outputs[1:-1]]
    assert len(partial) >= 5 and partial[0] != partial[-1]
    assert all(len(a) <= len(b) for a, b in zip(partial, partial[1:]))  # growing, token by token
    assert "deeply regret" in text_of(chat[-1]) and "(#nq-t0-s1)" in text_of(chat[-1])
    assert sources.count('class="nq-card"') >= 1


def test_rating_and_comment_are_stored_with_question_answer_citations_and_settings(serve, web_settings):
    client, _ = serve(web_settings)
    _, chat, _ = ask(client, INF)
    status, _ = send_like(client, 1, True)  # message 1 = the first answer
    assert "rated helpful" in status
    status, box = client.predict("Spot on, thanks", api_name="/comment")
    assert "Comment saved" in status and box == ""
    (row,) = FeedbackStore(feedback_path(web_settings.data_dir)).rows()
    assert (row["channel"], row["rating"], row["question"], row["comment"]) == ("web", 1, INF, "Spot on, thanks")
    assert "deep regret" in row["answer"] and row["citations"][0]["outlet"] == "TASS"
    assert row["settings"]["k"] == 6 and row["settings"]["mode"] == "extractive" and row["place"]


def test_changing_a_rating_updates_its_row_and_clicking_it_off_withdraws_it(serve, web_settings):
    client, _ = serve(web_settings)
    ask(client, INF)
    store = FeedbackStore(feedback_path(web_settings.data_dir))
    send_like(client, 1, True)
    send_like(client, 1, False)
    assert [r["rating"] for r in store.rows()] == [-1]
    status, _ = send_like(client, 1, "")  # the browser sends "" when a thumb is clicked off
    assert "withdrawn" in status
    assert store.rows() == []


def test_comment_before_any_rating_asks_for_one(serve, web_settings):
    client, _ = serve(web_settings)
    status, _ = client.predict("hello", api_name="/comment")
    assert "Rate an answer" in status


def test_llm_down_is_a_chat_message_and_the_app_keeps_working(serve, web_settings):
    client, _ = serve(llm_settings(web_settings, refused_url()))
    _, chat, _ = ask(client, INF)
    assert "language model is not available" in text_of(chat[-1]) and "refused the connection" in text_of(chat[-1])
    _, chat, _ = ask(client, "And Cuba?")
    assert len(chat) == 4 and "refused the connection" in text_of(chat[-1])


def test_llm_down_with_fallback_answers_extractively_and_says_so(serve, web_settings):
    client, _ = serve(llm_settings(web_settings, refused_url(), fallback_extractive=True))
    _, chat, sources = ask(client, INF)
    assert text_of(chat[-1]).startswith(FALLBACK_NOTE) and "deep regret" in text_of(chat[-1])
    assert 'class="nq-card"' in sources


def test_empty_index_says_add_articles_first(serve, settings):
    client, _ = serve(settings)
    _, chat, sources = ask(client, INF)
    assert text_of(chat[-1]) == f"⚠️ {NOT_INDEXED} {ADD_ARTICLES}" and "Library tab" in ADD_ARTICLES
    assert 'class="nq-card"' not in sources


def test_filters_without_matches_say_so(serve, web_settings):
    client, _ = serve(web_settings)
    _, chat, _ = ask(client, INF, None, None, ["BBC"], 6)
    assert "No article matches the filters" in text_of(chat[-1]) and "BBC" in text_of(chat[-1])
    _, chat, _ = ask(client, INF, "2018-12-01", "2018-11-01", [], 6)
    assert "reversed" in text_of(chat[-1])


def test_follow_up_uses_this_sessions_history_only(serve, web_settings):
    client, _ = serve(web_settings)
    other = gradio_client.Client(client.src, verbose=False)
    ask(client, "How large is the credit Russia may provide to Cuba?")
    _, chat, _ = ask(client, "When is the agreement on it expected to be signed?")
    assert "two weeks" in text_of(chat[-1]) or "during that visit" in text_of(chat[-1])
    _, chat, _ = ask(other, "What did Putin say?")
    assert len(chat) == 2  # the other browser session starts with an empty conversation


def test_library_tab_adds_uploads_with_sidecar_and_reports_skips(serve, settings, tmp_path):
    client, _ = serve(settings)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    files = [SEED, SEED.with_name(SEED.name + ".meta.json"), empty]
    summary, stats, outlets, _, urls = client.predict(
        [gradio_client.handle_file(str(f)) for f in files], "", api_name="/add_to_library")
    assert summary.startswith("Added **1**") and "empty.txt" in summary and "skipped **1**" in summary
    assert "**1** articles" in stats and "TASS" in stats and urls == ""
    _, chat, sources = ask(client, INF)
    assert "deep regret" in text_of(chat[-1]) and "TASS" in sources
    assert list((settings.data_dir / "uploads").glob("*/tass-russia-cuba.txt"))


def test_library_add_with_nothing_asks_for_input(serve, settings):
    client, _ = serve(settings)
    summary, *_ = client.predict([], "  ", api_name="/add_to_library")
    assert "Choose files" in summary


def test_login_is_required_when_configured(serve, web_settings):
    secured = web_settings.model_copy(update={"web_auth": SecretStr("ann:pw1,bob:pw:2")})
    client, app = serve(secured, auth=("bob", "pw:2"))
    assert "deep regret" in text_of(ask(client, INF)[1][-1])
    with pytest.raises(ValueError, match="Could not login"):
        gradio_client.Client(client.src, verbose=False, auth=("bob", "wrong"))
    assert httpx.get(client.src + "config").status_code == 401  # nothing is served without a login


def test_binds_loopback_by_default(serve, settings):
    client, app = serve(settings)
    assert client.src.startswith("http://127.0.0.1:")
    assert app.config["analytics_enabled"] is False


def test_ten_concurrent_sessions_get_their_own_answers(serve, web_settings):
    client, _ = serve(web_settings)
    cases = [json.loads(line) for line in (SAMPLES / "questions.jsonl").read_text().splitlines()]
    cases = [c for c in cases if c.get("answers") and "history" not in c][:10]
    assert len(cases) == 10
    results: dict[int, list] = {}

    def session(i: int) -> None:
        own = gradio_client.Client(client.src, verbose=False)
        results[i] = ask(own, cases[i]["question"])[1]

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for i, case in enumerate(cases):
        chat = results[i]
        assert [text_of(m) for m in chat[:1]] == [case["question"]] and len(chat) == 2
        assert any(a.lower() in text_of(chat[1]).lower() for a in case["answers"]), (case["id"], chat[1])


# --- pure pieces -----------------------------------------------------------------------------

def test_parse_auth_accepts_several_users_and_rejects_malformed():
    assert parse_auth("ann:pw1, bob:pw:2,") == [("ann", "pw1"), ("bob", "pw:2")]
    with pytest.raises(ConfigError):
        parse_auth("ann")


def test_parse_filters_reads_dates_and_rejects_bad_ones():
    f = parse_filters("2018-11-01", "2018-11-30 00:00:00", ["TASS", ""])
    assert (f.since, f.until, f.outlets) == (date(2018, 11, 1), date(2018, 11, 30), ("TASS",))
    assert parse_filters(None, "", None).empty
    with pytest.raises(NewsqaError, match="YYYY-MM-DD"):
        parse_filters("yesterday", None, [])


def test_cards_escape_article_text_and_link_only_web_urls():
    c = Citation(1, "a:0", "a", "<b>Title</b>", "TASS", "Ann", "javascript:alert(1)", "2018-11-02",
                 "Before. <script>x</script> Quote here.", "Quote here.")
    html = sources_panel(Answer("Quote here. [1]", "q?", citations=[c]), 3)
    assert "<script>" not in html and "&lt;b&gt;Title" in html and "javascript:" not in html
    assert 'id="nq-t3-s1"' in html and "<mark>Quote here.</mark>" in html and "2 Nov 2018" in html


def test_answer_markdown_marks_unsupported_and_flags():
    a = Answer("", "q", flagged=True, citations=[Citation(1, *"a:0 a t o au u d p".split())]).set_sentences(
        [Sentence("Fine.", [1], True, marks=" [1]"), Sentence("Made up.", [1], False, marks=" [1]")])
    text = answer_markdown(a, 0)
    assert text.startswith("> ⚠") and text.count("(#nq-t0-s1)") == 2 and 'class="nq-unsupported"' in text


def test_web_marks_contradicted_sentences_and_non_supporting_sources():
    c = Citation(1, "a:0", "a", "Talks", "TASS", "", "", "2018-11-02", "Russia regrets the exit.", "", supports=False)
    answer = Answer("", "q?", citations=[c]).set_sentences(
        [Sentence("Russia welcomed the exit.", [1], False, contradicted=True, marks=" [1]")])
    assert "nq-contradicted" in answer_markdown(answer, 0) and "contradicted by the cited source" in answer_markdown(answer, 0)
    panel = sources_panel(answer, 0)
    assert "nq-weak" in panel and "cited, but does not support the sentence" in panel
