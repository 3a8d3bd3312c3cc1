"""One vocabulary for figures (`qa.figures`), and every check that reads it: one table of phrases, and
what each check makes of them. A reader change that breaks one check shows here first."""

from __future__ import annotations

import pytest

from qa.answering.extractive import expected_kind
from qa.checks.contradict import contradiction
from qa.checks.versions import agree
from qa.figures import figures, gives_quantity, number_terms, numbers_in
from qa.query import asked

# phrase -> (value, unit, thing, bound) of each figure read, in order
READS = [
    ("About 1,200 workers joined", [(1200, "", "worker", "about")]),
    ("twelve people died", [(12, "", "people", "")]),
    ("twenty-five nurses", [(25, "", "nurse", "")]),
    ("a $2.7 billion deal", [(2.7e9, "USD", "deal", "")]),
    ("300 million euros", [(3e8, "EUR", "", "")]),
    ("4 parts per trillion of PFOA", [(4, "ppt", "", "")]),
    ("15% of voters", [(15, "%", "voter", "")]),
    ("a 7 percent raise", [(7, "%", "raise", "")]),
    ("a raise of 6 per cent", [(6, "%", "raise", "")]),
    ("2,000-plus fans", [(2000, "", "fan", "plus")]),
    ("between 10 and 12 days", [(10, "day", "", "between")]),
    ("at least 40 people were killed", [(40, "", "people", "at least")]),
    ("more than 3 million viewers", [(3e6, "", "viewer", "more than")]),
    ("the death toll rose to 15", [(15, "", "people", "")]),
    ("40 container ships", [(40, "", "ship", "")]),
    ("a 46.1 km course", [(46.1, "km", "course", "")]),
    ("the strike lasted 90 days", [(90, "day", "", "")]),
    # not figures: years, dates, clock times, ordinals, numbers that name or sit inside a name
    ("in 2021, on March 5 and 5 March, at 3:15 p.m., the 77th edition", []),
    ("season 11, No. 5, Line 4, H.R. 1234, the Pixel 6, GPT-3.5 and COVID-19", []),
]


@pytest.mark.parametrize(("phrase", "expected"), READS)
def test_the_reader_reads_each_phrase_once(phrase, expected):
    got = [(f.value, f.unit, f.thing, f.bound) for f in figures(phrase)]
    assert got == [(pytest.approx(v), u, t, b) for v, u, t, b in expected]


# (claim, source, what each check says): contradiction, versions agree, numbers are the same values
CHECKS = [
    ("The strike lasted 90 days.", "The strike lasted 12 days.", "90 days / 12 days", False),
    ("Storms left 12,400 homes dark.", "Storms left 12400 homes dark.", "", True),
    ("Storms left 12,400 homes dark.", "Storms left 18,900 homes dark.", "12,400 homes / 18,900 homes", False),
    ("Prices rose 3% in March.", "Prices rose 3 percent in March.", "", True),
    ("The raise is 7 percent, the union said.", "The raise is 5 percent, the union said.",
     "7 percent / 5 percent", False),
    ("The tram on Line 6 is due in 2027, the council said.", "The tram on Line 8 is due in 2027, the council said.",
     "", False),  # no figure differs, but a number that names something does: a version
]


@pytest.mark.parametrize(("claim", "source", "contradicts", "same"), CHECKS)
def test_every_check_reads_the_same_figures(claim, source, contradicts, same):
    assert contradiction(claim, source) == contradicts
    assert agree(claim, source) is same
    assert (numbers_in(claim) == numbers_in(source)) is same


@pytest.mark.parametrize(("question", "kinds", "answering", "not_answering"), [
    ("How many workers took part?", {"count"}, "about 1,200 workers", "in 2021"),
    ("How big a raise do the nurses get?", {"count", "duration", "measure", "money", "percent"}, "a 7% raise",
     "on March 5"),
    ("How long did the strike last?", {"duration"}, "it lasted 12 days", "on Friday"),
    ("What share of voters backed it?", {"percent", "count"}, "15% of voters", "the vote was held"),
])
def test_answer_kinds_pick_sentences_by_the_same_figures(question, kinds, answering, not_answering):
    assert kinds <= asked(question).figures | {"count"}
    holds = expected_kind(question)
    assert holds is None or holds(answering)
    assert gives_quantity(answering) and not gives_quantity(not_answering)


@pytest.mark.parametrize(("question", "terms"), [
    ("Did 2,000-plus fans attend?", ["2,000"]),
    ("What did GPT-3.5 say about the magic 8-ball?", []),
    ("How many tourists visited Cuba in 2018?", ["2018"]),
])
def test_abstention_checks_the_numbers_a_question_gives_as_terms(question, terms):
    assert number_terms(question) == terms


@pytest.mark.parametrize(("one", "other", "agree"), [
    ("$19 billion", "approximately US$19.3 billion", True),  # the first is the second rounded as written
    ("$19 billion", "$19.6 billion", False),
    ("2.5 million euros", "2.47 million euros", True),
    ("2.5 million euros", "2.4 million euros", False),  # the same precision: no rounding between them
    ("1,200 workers", "1,200 workers", True),
    ("1,200 workers", "1,210 workers", False),  # a whole count is exact
])
def test_figures_agree_when_equal_or_one_rounds_the_other(one, other, agree):
    a, b = figures(one)[0], figures(other)[0]
    assert a.agrees(b) is agree and b.agrees(a) is agree
