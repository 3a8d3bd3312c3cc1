"""Questions answered as asked: yes/no and two-sided questions get a verdict first, and refusals no
longer come from one mis-read term. Every article and question here has its own names, numbers and
wording (none is a benchmark's); each refusal case failed before the calibrated coverage score."""

from __future__ import annotations

import json

import pytest

from ingest.article import Article
from tests.conftest import make_indexer
from tests.helpers import answerer_for


def article(text, title, outlet, published_at, slug) -> Article:
    url = f"https://{outlet.lower().replace(' ', '')}.example/{slug}"
    return Article(text=text, title=title, outlet=outlet, published_at=published_at, url=url, source=url)


ARTICLES = [
    # refusal cases: each question names a term that an older rule read wrongly
    article("Over 2000 volunteers joined the Brackton river clean-up on Saturday, pulling 40 tonnes of "
            "rubbish from the banks, the organisers said.", "Brackton clean-up draws crowds", "Brackton Echo",
            "2024-05-12", "cleanup"),
    article("Fortuna Toys said its talking Magic Eight Ball sold out within a week of going on sale in Pellham. "
            "The company plans a second production run in the autumn.", "Fortuna toy sells out", "Pellham Times",
            "2024-02-20", "eightball"),
    article("Lumen Labs said its support assistant now runs on OpenAI's GPT 3.5 Turbo, which halved the time customers wait "
            "for a reply. The firm had used a smaller in-house model before.", "Lumen Labs switches model",
            "Tech Ledger", "2024-03-05", "lumen"),
    article("Brightwater, a battery start-up from Graz, has been bought by Kestrel Motors for 90 "
            "million euros, the carmaker said on Monday.", "Kestrel buys Brightwater", "Motor Wire",
            "2024-03-04", "brightwater"),
    article("Pixelwave will release its Aurora headset on November 16th, the company told investors on Tuesday. "
            "The headset will cost 499 dollars.", "Pixelwave sets headset date", "Gadget Desk", "2023-10-10",
            "aurora"),
    article("The U.S. Environmental Protection Agency (EPA) finalised a rule on Wednesday that limits PFAS "
            "chemicals in drinking water. Utilities have five years to comply.", "EPA sets PFAS limits",
            "Capitol Report", "2024-04-10", "pfas"),
    # yes/no and two-sided questions
    article("The Ridgeford council approved the new tram line on Tuesday after two years of debate. "
            "Construction is due to start next spring.", "Ridgeford approves tram", "Ridgeford Post",
            "2024-06-11", "tram"),
    article("Harbour officials said 310 cruise ships docked at Port Alder this year, a record for the port. "
            "Passenger numbers rose by a fifth.", "Record cruise season at Port Alder", "Alder Gazette",
            "2024-05-03", "cruise-1"),
    article("Port Alder now expects 280 cruise ships this year after several cancellations, harbour officials "
            "said. Two lines moved their autumn sailings elsewhere.", "Port Alder cuts cruise forecast",
            "Alder Gazette", "2024-05-10", "cruise-2"),
    article("Vantor Bank cut its savings rate to 2.5 percent on Thursday, the bank said in a statement. "
            "Customers will see the change next month.", "Vantor cuts savings rate", "Money Daily", "2024-07-04",
            "vantor"),
    article("Rival lender Quell Finance raised its savings rate to 3.1 percent, hoping to win customers from "
            "Vantor Bank.", "Quell raises savings rate", "City Markets", "2024-07-09", "quell"),
]


@pytest.fixture(scope="module")
def asked(tmp_path_factory, embeddings):
    from qa.config import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("asked") / "data")
    report = make_indexer(settings, embeddings).ingest(ARTICLES)
    assert report.added == len(ARTICLES) and not report.skipped
    return settings, answerer_for(settings, embeddings)


# --- refusals that generalise --------------------------------------------------------------
@pytest.mark.parametrize("question, expected", [
    ("What did the 2,000-plus volunteers of the Brackton river clean-up pull from the banks?", "40 tonnes"),
    ("How quickly did the Fortuna Toys magic 8-ball sell out in Pellham?", "within a week"),
    ("What did the switch to OpenAI's GPT-3.5 do for the Lumen Labs support assistant?", "halved"),
    ("Which carmaker paid 90 million euros for Brightwater, the Graz battery start-up founded in late 2015?",
     "Kestrel Motors"),
    ("What will Pixelwave release on November 16th?", "Aurora headset"),
    ("What rule on drinking water did the United States adopt, according to the EPA?", "PFAS"),
])
def test_a_term_read_as_one_figure_name_or_event_date_does_not_refuse(asked, question, expected):
    _, answerer = asked
    answer = answerer.answer(question)
    assert not answer.abstained, answer.text
    assert expected in answer.text


def test_a_question_about_something_no_article_names_is_still_refused_and_says_what_is_missing(asked):
    _, answerer = asked
    answer = answerer.answer("What did the Ismay Drovek foundation say about the river clean-up?")
    assert answer.abstained and "Ismay Drovek" in answer.text, answer.text
    assert answer.refusal == {"rule": "missing terms", "terms": ["Ismay Drovek"]}


def test_an_event_date_is_a_term_and_a_report_date_is_a_publication_cue():
    from datetime import date

    from qa.query import understand

    cues = understand("Which carmaker bought Brightwater, the start-up founded in late 2015?", as_of=date(2024, 6, 1))
    assert not cues.windows and [w.label for w in cues.events] == ["2015"]
    cues = understand("What did the Motor Wire report on 4 March 2024 say about Brightwater?", as_of=date(2024, 6, 1))
    assert [w.label for w in cues.windows] == ["4 March 2024"] and not cues.events


# --- yes/no ---------------------------------------------------------------------------------
@pytest.mark.parametrize("question, verdict, lead", [
    ("Did the Ridgeford council approve the new tram line?", "yes", "Yes — Ridgeford Post (11 Jun 2024) [1] says so."),
    ("Did the Ridgeford council reject the new tram line?", "no", "No — Ridgeford Post (11 Jun 2024) [1] says otherwise."),
    ("Has the Ridgeford council not approved the tram line?", "no", "No — "),
])
def test_a_yes_no_question_is_answered_yes_or_no_first_with_the_evidence_cited(asked, question, verdict, lead):
    _, answerer = asked
    answer = answerer.answer(question)
    assert answer.verdict == verdict and answer.text.startswith(lead), answer.text
    assert "The Ridgeford council approved the new tram line" in answer.text
    [part] = answer.parts
    assert part.said and part.outlet == "Ridgeford Post" and part.n == 1


def test_a_yes_no_question_nothing_bears_on_is_unknown(asked):
    _, answerer = asked
    answer = answerer.answer("Did the Ismay Drovek foundation open a museum in Ridgeford?")
    assert answer.abstained and answer.verdict == "unknown", answer.text


# --- two-sided ------------------------------------------------------------------------------
def test_two_sides_from_their_own_outlets_are_each_cited(asked):
    _, answerer = asked
    answer = answerer.answer("Did Money Daily report that Vantor Bank cut its savings rate, while City Markets "
                             "reported that Quell Finance raised its savings rate?")
    assert answer.verdict == "yes", answer.text
    assert answer.text.startswith("Yes — Money Daily (4 Jul 2024) [1] and City Markets (9 Jul 2024) [2] say so.")
    assert [p.outlet for p in answer.parts] == ["Money Daily", "City Markets"]


def test_a_missing_side_is_named_not_reported_as_nothing_found(asked):
    _, answerer = asked
    answer = answerer.answer("Did Money Daily report that Vantor Bank cut its savings rate, while City Markets "
                             "reported that Quell Finance closed its Ridgeford branches?")
    assert answer.verdict in ("unknown", "no"), answer.text
    if answer.verdict == "unknown":
        assert "don't say whether" in answer.text and "City Markets reported that Quell Finance closed" in answer.text
    assert answer.parts[0].said and answer.parts[0].outlet == "Money Daily"


@pytest.mark.parametrize("question, verdict, lead", [
    ("Did Money Daily report the Vantor Bank rate cut before City Markets reported the Quell Finance rate rise?",
     "yes", "Yes — Money Daily (4 Jul 2024) [1] reported it before City Markets (9 Jul 2024) [2]."),
    ("Did City Markets report the Quell Finance rate rise before Money Daily reported the Vantor Bank rate cut?",
     "no", "No — City Markets (9 Jul 2024) [1] reported it after Money Daily (4 Jul 2024) [2]."),
    ("Was the Vantor Bank rate cut reported by Money Daily before or after City Markets reported the Quell "
     "Finance rate rise?", "before", "Before — Money Daily (4 Jul 2024) [1] came before City Markets (9 Jul 2024) [2]."),
])
def test_before_and_after_compare_the_reports_dates_and_say_so(asked, question, verdict, lead):
    _, answerer = asked
    answer = answerer.answer(question)
    assert answer.verdict == verdict and answer.text.startswith(lead), answer.text


def test_a_change_between_two_reports_is_read_from_their_figures(asked):
    _, answerer = asked
    answer = answerer.answer("Between the Alder Gazette report published on May 3, 2024, and the Alder Gazette "
                             "report published on May 10, 2024, was there a change in the number of cruise ships "
                             "expected at Port Alder?")
    assert answer.verdict == "yes" and answer.text.startswith("Yes — the reports differ: Alder Gazette (3 May 2024)"), \
        answer.text
    assert "310 cruise ships" in answer.text and "280 cruise ships" in answer.text


def test_the_verdict_and_each_side_are_in_the_json(asked, monkeypatch):
    from click.testing import CliRunner

    from ui.cli.main import cli

    settings, _ = asked
    monkeypatch.setenv("NEWSQA_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(cli, ["ask", "--json", "Did the Ridgeford council approve the new tram line?"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["verdict"] == "yes"
    assert body["parts"][0]["outlet"] == "Ridgeford Post" and body["parts"][0]["quote"].startswith("The Ridgeford")


def test_the_web_shows_the_sides_side_by_side_and_slack_leads_with_the_verdict(asked):
    from ui.slack.render import answer_blocks
    from ui.web.render import sources_panel

    _, answerer = asked
    answer = answerer.answer("Did Money Daily report that Vantor Bank cut its savings rate, while City Markets "
                             "reported that Quell Finance raised its savings rate?")
    html = sources_panel(answer, turn=1)
    assert '<section class="nq-differ nq-verdict"><h4>✔ Yes</h4>' in html
    assert html.index("Money Daily") < html.index("City Markets") and html.count('class="nq-side"') == 2
    first = answer_blocks(answer)[0]["text"]["text"]
    assert first.startswith("Yes — Money Daily (4 Jul 2024) [1] and City Markets (9 Jul 2024) [2] say so.")
