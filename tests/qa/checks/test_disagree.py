"""Figures and outcomes that differ between reports (qa/checks/disagree.py), on hand-made passages worded
apart from the shipped samples, with the real embedder: disputes, updates, developing figures, and none
where reports agree or count other things."""

from __future__ import annotations

from datetime import date

import pytest

from qa.checks import disagree
from qa.evidence import Evidence
from qa.query import understand
from qa.types import Answer, Chunk, SearchHit, Sentence

DOCKS = "How many workers joined the dock strike?"
FLOODS = [("AP", "2024-05-01", "At least 12 people died in the floods."),
          ("Reuters", "2024-05-03", "At least 19 people died in the floods, officials said."),
          ("AP", "2024-05-06", "The death toll from the floods rose to 31 people.")]


def evidence(embeddings, passages) -> Evidence:
    return Evidence([SearchHit(n, 1.0, Chunk(f"a{n}:0", f"a{n}", 0, text, 0, len(text), outlet=outlet,
                                             published_at=day))
                     for n, (outlet, day, text) in enumerate(passages, 1)], embeddings)


def find(embeddings, question, passages, as_of=date(2024, 6, 1)):
    return disagree.find(question, evidence(embeddings, passages), None, understand(question, as_of=as_of))


def test_two_outlets_the_same_day_with_other_counts_dispute_it_and_say_who_claims_what(embeddings):
    (found,) = find(embeddings, DOCKS, [
        ("Coastal Wire", "2024-03-12T09:00:00", "About 1,200 workers joined the dock strike, the union said."),
        ("Metro Daily", "2024-03-12T15:00:00", "About 800 workers joined the dock strike, the port authority said.")])
    assert found.kind == "differ" and found.thing == "worker"
    text, cited = disagree.line(found, {1: 1, 2: 2})
    assert text == ("Sources differ: Coastal Wire (12 Mar, the union) says 1,200 workers [1]; "
                    "Metro Daily (12 Mar, the port authority) says 800 workers.") and cited == [1, 2]


def test_a_figure_that_grows_over_days_is_developing_and_told_newest_first(embeddings):
    (found,) = find(embeddings, "How many people died in the floods?", FLOODS)
    assert found.kind == "develop" and [s.figure for s in found.sides] == ["31 people", "19 people", "12 people"]
    text, cited = disagree.line(found, {1: 1, 2: 2, 3: 3})
    assert text.startswith("31 people (AP, 6 May) [3]; earlier 19 people") and cited == [3, 2, 1]


def test_an_as_of_question_looks_only_at_reports_up_to_its_day(embeddings):
    (found,) = find(embeddings, "As of May 4, 2024, how many people had died in the floods?", FLOODS)
    assert found.sides[0].figure == "19 people" and "31 people" not in {s.figure for s in found.sides}


def test_one_outlets_new_figure_hours_later_is_an_update(embeddings):
    (found,) = find(embeddings, "How many homes lost power?", [
        ("AP", "2024-05-01T08:00:00", "About 12,000 homes lost power after the storm."),
        ("AP", "2024-05-01T13:00:00", "About 15,600 homes lost power after the storm.")])
    assert found.kind == "update"
    assert disagree.line(found, {1: 1, 2: 2})[0] == "Updated 5 h later by AP: 15,600 homes [2] (earlier: 12,000 homes)."


@pytest.mark.parametrize("second", [
    ("Metro Daily", "2024-03-12", "Some 1,200 workers joined the dock strike."),  # the same count
    ("Metro Daily", "2024-03-12", "The dock strike has stranded 40 ships."),  # a count of another thing
])
def test_reports_that_agree_or_count_other_things_do_not_differ(embeddings, second):
    assert find(embeddings, DOCKS, [("Coastal Wire", "2024-03-12", "About 1,200 workers joined the dock strike."),
                                    second]) == []


def test_an_outcome_one_report_affirms_and_another_denies_is_a_dispute(embeddings):
    (found,) = find(embeddings, "Did the union sign a deal?", [
        ("Coastal Wire", "2024-03-20", "The union signed a deal with the port authority."),
        ("Metro Daily", "2024-03-20", "The union has not signed a deal with the port authority, its leader said.")])
    assert found.kind == "differ" and found.thing == "outcome"
    assert [s.outlet for s in found.sides] == ["Coastal Wire", "Metro Daily"]


def test_surface_leads_the_answer_with_the_line_and_cites_both_sides(embeddings):
    passages = [("Coastal Wire", "2024-03-12T09:00:00", "About 1,200 workers joined the dock strike, the union said."),
                ("Metro Daily", "2024-03-12T15:00:00", "About 800 workers joined the dock strike, the port authority said.")]
    found_in = evidence(embeddings, passages)
    answer = Answer("", DOCKS).set_sentences([Sentence("Ships are waiting offshore.", [], False, sep="")])
    disagree.surface(answer, found_in, DOCKS, understand(DOCKS, as_of=date(2024, 6, 1)))
    first, rest = answer.text.split("\n\n")
    assert first.startswith(disagree.DIFFER) and first.endswith("[2]") and rest == "Ships are waiting offshore."
    assert [c.outlet for c in answer.citations] == ["Coastal Wire", "Metro Daily"]
    assert answer.sentences[0].supported and answer.disagreements
