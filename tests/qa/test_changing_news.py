"""News that changes: versions are not copies, figures develop, sources dispute figures and outcomes,
and front matter with colons keeps its metadata. Written with names and numbers of their own: they
pass because the rules are general, not because the wording matches (see bench/versions.py for the
measured figures on generated corpora)."""

from __future__ import annotations

import pytest

from ingest.article import Article
from tests.conftest import make_indexer
from tests.helpers import answerer_for

TRAM = ("The Ridgeford council approved a new tram line on Tuesday after two years of debate. "
        "Line 6 will run 9 km from the harbour to the university campus. "
        "The project will cost 420 million euros, the council said, and construction starts next spring.\n\n"
        "Opponents had argued that buses would serve the eastern districts better. "
        "The first trams are due to carry passengers in 2027, according to the transport office.")
TRAM_VERSION = TRAM.replace("Line 6", "Line 8").replace("420 million", "510 million")
OUTAGE = ("Storms left 12,400 homes without power across Lakeshore county on Tuesday, the utility said. "
          "Crews from three neighbouring counties were sent to help restore the lines.\n\n"
          "The utility said most customers should have power back by Thursday evening.")
OUTAGE_UPDATE = ("This story has been updated.\n\n" + OUTAGE.replace("12,400", "18,900"))


def article(text, title, outlet, published_at, url) -> Article:
    return Article(text=text, title=title, outlet=outlet, published_at=published_at, url=url, source=url)


ARTICLES = [
    article(TRAM, "Ridgeford approves tram line", "Ridgeford Post", "2024-06-11",
            "https://post.example/ridgeford-tram"),
    article(TRAM_VERSION, "Council backs tram plan", "Valley Wire", "2024-06-11T15:00:00",
            "https://valleywire.example/tram"),
    article(OUTAGE, "Storms cut power in Lakeshore", "Coastal Wire", "2024-07-02T06:00:00",
            "https://coastalwire.example/outage"),
    article(OUTAGE_UPDATE, "Storms cut power to thousands in Lakeshore", "Coastal Wire", "2024-07-02T11:00:00",
            "https://coastalwire.example/outage-updated"),
    # a toll that develops over five days, told by two outlets in their own words
    article("Floods in the Marlow Valley have killed 8 people, emergency services said on Wednesday. "
            "Hundreds of residents spent the night in school halls.", "Floods hit Marlow Valley", "Marlow Star",
            "2024-04-03", "https://star.example/floods-1"),
    article("The number of people killed by the Marlow Valley floods has risen to 11, officials said. "
            "Rescue teams were still searching two villages cut off by the water.", "Marlow flood deaths rise",
            "Daily Courier", "2024-04-05", "https://courier.example/floods"),
    article("At least 17 people have now died in the Marlow Valley floods, the regional governor said on Monday. "
            "The river began to fall over the weekend.", "Marlow Valley toll climbs", "Marlow Star",
            "2024-04-08", "https://star.example/floods-2"),
    # a season tally corrected twice, and a team-mate's stat line with the same counted thing
    article("She ended the season with 12 stage wins over 64 race days, the best record of any rider in the "
            "Corvale team.", "Corvale rider's record season", "Pedal Post", "2024-10-01",
            "https://pedalpost.example/season"),
    article("She ended the season with 14 stage wins over 64 race days, the best record of any rider in the "
            "Corvale team.", "Corvale rider's record season", "Wheel Weekly", "2024-10-03",
            "https://wheelweekly.example/season"),
    article("Her team-mate Ines Varga took 19 stage wins, 7 podiums and 3 jerseys for Corvale in 2022 before "
            "a knee injury.", "Varga looks back", "Pedal Post", "2024-10-20",
            "https://pedalpost.example/varga"),
    # a pay dispute: the two sides' figures, and whether a deal was signed, on the same days
    article("The nurses' union said members at Northgate hospital would receive a 9 percent raise under the "
            "new contract. Union leaders called it the best settlement in a decade.", "Northgate nurses win raise",
            "Bay Courier", "2024-09-14", "https://baycourier.example/nurses-raise"),
    article("Northgate hospital's management said its latest offer to the nurses was a 6 percent raise. "
            "The hospital said the union's figure included overtime.", "Northgate hospital disputes raise",
            "Metro Ledger", "2024-09-14", "https://metroledger.example/nurses-offer"),
    article("A new wage agreement for Northgate nurses was signed on Sunday, the union said. "
            "Members will vote on it next week.", "Nurses' wage agreement signed, union says", "Bay Courier",
            "2024-09-15", "https://baycourier.example/nurses-deal"),
    article("Talks at Northgate hospital were still going on and no wage agreement had been signed, the "
            "hospital's management said, disputing the union's account. Negotiators meet again on Wednesday.",
            "No deal yet at Northgate", "Metro Ledger", "2024-09-15", "https://metroledger.example/nurses-talks"),
]


@pytest.fixture(scope="module")
def changing(tmp_path_factory, embeddings):
    from qa.config import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("changing") / "data")
    report = make_indexer(settings, embeddings).ingest(ARTICLES)
    assert report.added == len(ARTICLES) and not report.skipped
    return settings, answerer_for(settings, embeddings)


def test_two_versions_of_a_tram_story_stay_apart_and_neither_is_also_carried_by_the_other(changing):
    _, answerer = changing
    for sentence, mine, other in (("Line 6 will run 9 km from the harbour to the university campus.", "Line 6", "Line 8"),
                                  ("Line 8 will run 9 km from the harbour to the university campus.", "Line 8", "Line 6")):
        hits = answerer.retriever.search(sentence, k=5)
        found = [h for h in hits if mine in h.chunk.text]
        assert found, f"{mine} is not found by its own sentence"
        for hit in found:  # the version is no copy of this passage
            assert "Valley Wire" not in {c.outlet for c in hit.copies} or "Line 8" in hit.chunk.text
            assert "Ridgeford Post" not in {c.outlet for c in hit.copies} or "Line 6" in hit.chunk.text
        assert any(other in h.chunk.text for h in hits), "the other version is still a result of its own"


def test_a_same_outlet_update_is_found_and_leads_with_its_new_figure(changing):
    _, answerer = changing
    hits = answerer.retriever.search("Storms left 18,900 homes without power across Lakeshore county", k=5)
    assert any("18,900" in h.chunk.text for h in hits)
    answer = answerer.answer("How many homes lost power in Lakeshore county?")
    assert answer.text.startswith("Updated 5 h later by Coastal Wire: 18,900 homes ["), answer.text
    assert "(earlier: 12,400 homes)" in answer.text.split("\n\n")[0]
    [d] = answer.disagreements
    assert d.kind == "update" and [s.figure for s in d.sides] == ["18,900 homes", "12,400 homes"]
    assert len({s.n for s in d.sides}) == 2  # each figure cited


@pytest.mark.parametrize("question", ["How many people died in the Marlow Valley floods?",
                                      "What is the latest death toll from the Marlow Valley floods?"])
def test_a_developing_toll_leads_with_the_newest_figure_and_shows_the_progression(changing, question):
    _, answerer = changing
    answer = answerer.answer(question)
    first = answer.text.split("\n\n")[0]
    assert first.startswith("17 people (Marlow Star, 8 Apr) ["), answer.text
    assert "earlier 11 (Daily Courier, 5 Apr) [" in first and "8 people (Marlow Star, 3 Apr)" in first
    [d] = answer.disagreements
    cited = {c.n: c for c in answer.citations}
    assert [cited[s.n].published_at[:10] for s in d.sides] == ["2024-04-08", "2024-04-05", "2024-04-03"]


def test_a_figure_in_another_stat_line_is_not_part_of_a_developing_series(changing):
    _, answerer = changing
    answer = answerer.answer("How many stage wins did she end the season with over 64 race days?")
    first = answer.text.split("\n\n")[0]
    assert first.startswith("14 stage wins (Wheel Weekly, 3 Oct) ["), answer.text
    assert "19" not in first  # the team-mate's 2022 tally counts stage wins too, of another season


def test_two_sides_of_a_pay_dispute_are_both_shown(changing):
    _, answerer = changing
    answer = answerer.answer("How big a raise do the Northgate nurses get?")
    first = answer.text.split("\n\n")[0]
    assert first.startswith("Sources differ: "), answer.text
    assert "Bay Courier (14 Sep" in first and "9 percent raise" in first
    assert "Metro Ledger (14 Sep" in first and "6 percent raise" in first


def test_an_outcome_one_outlet_affirms_and_another_denies_is_a_dispute(changing):
    _, answerer = changing
    answer = answerer.answer("Was a wage agreement signed for the Northgate nurses?")
    first = answer.text.split("\n\n")[0]
    assert first.startswith("Sources differ: Bay Courier (15 Sep, the union) says “A new wage agreement"), answer.text
    assert "Metro Ledger (15 Sep" in first and "no wage agreement had been signed" in first
    [d] = [d for d in answer.disagreements if d.thing == "outcome"]
    assert {s.outlet for s in d.sides} == {"Bay Courier", "Metro Ledger"} and all(s.n for s in d.sides)


def test_an_as_of_question_uses_the_newest_report_up_to_that_day(changing):
    _, answerer = changing
    answer = answerer.answer("As of April 6, 2024, how many people had died in the Marlow Valley floods?")
    assert "17 people" not in answer.text.split("\n\n")[0], answer.text
    assert answer.text.startswith(("11 (Daily Courier", "As of 5 Apr 2024 (Daily Courier)")), answer.text


def test_front_matter_with_colons_keeps_its_metadata_and_names_the_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ui.cli.main import cli

    monkeypatch.setenv("NEWSQA_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "ferry.md").write_text(
        "---\ntitle: Ferry fire: 6 crew rescued off Hallam Point\ndate: 2024-05-02\noutlet: Hallam Gazette\n"
        "author: J. Okafor\n---\nSix crew members were rescued after a fire broke out on a cargo ferry off "
        "Hallam Point on Thursday, the coastguard said.\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(tmp_path / "ferry.md")])
    assert result.exit_code == 0 and "added 1" in result.output
    assert "note" in result.output and "ferry.md" in result.output and "not valid YAML" in result.output
    shown = runner.invoke(cli, ["ask", "How many crew were rescued off Hallam Point?", "--json"]).output
    import json

    data = json.loads(shown)
    assert not data["text"].startswith("---") and "title:" not in data["text"]
    [cited] = data["citations"][:1]
    assert (cited["title"], cited["outlet"], cited["published_at"][:10]) == (
        "Ferry fire: 6 crew rescued off Hallam Point", "Hallam Gazette", "2024-05-02")
