"""Contradiction between an answer sentence and its source (qa/checks/contradict.py): opposite verbs,
other figures for the same thing, and negation, each seen only when the two disagree."""

from __future__ import annotations

import pytest

from qa.checks.contradict import contradiction


@pytest.mark.parametrize(("claim", "source", "why"), [
    ("Imports rose 5%.", "Imports fell 5%.", "rose / fell"),
    ("The bill was rejected.", "The parliament approved the bill.", "rejected / approved"),
    ("The firm denied the report.", "The firm confirmed the report.", "denied / confirmed"),
    ("The team won the final.", "The team lost the final.", "won / lost"),
    ("The talks ended on Friday.", "The talks began on Monday.", "ended / began"),
])
def test_opposite_verbs_contradict_in_either_direction(claim, source, why):
    assert contradiction(claim, source) == why
    mine, theirs = why.split(" / ")
    assert contradiction(source, claim) == f"{theirs} / {mine}"


def test_a_source_that_says_both_is_no_contradiction():
    assert contradiction("Prices rose in April.", "Prices fell in March and rose in April.") == ""


@pytest.mark.parametrize(("claim", "source", "why"), [
    ("About 1,200 workers joined the strike.", "About 900 workers joined the strike.", "1,200 workers / 900 workers"),
    ("The fine was $5 million.", "The fine was $7 million.", "$5 million / $7 million"),
    ("Inflation reached 3.1% in May.", "Inflation reached 3.4% in May.", "3.1% / 3.4%"),
])
def test_another_figure_for_the_same_thing_contradicts(claim, source, why):
    assert contradiction(claim, source) == why


@pytest.mark.parametrize(("claim", "source"), [
    ("About 1,000 workers joined.", "About 1000 workers joined."),  # the same value, written two ways
    ("Unemployment was 3 percent.", "Unemployment was 3%."),
    ("The fine was $5 million.", "The fine was 5 million dollars."),
    ("The credit is 38 mln euro.", "The credit is 38 million euros."),
    ("The strike lasted 90 days.", "The strike involved 12 ships."),  # figures of different things
    ("Cases rose to 120.", "Cases rose to 150."),  # bare numbers: what they count is unknown
])
def test_figures_that_agree_or_measure_other_things_do_not(claim, source):
    assert contradiction(claim, source) == ""


def test_negation_counts_only_between_sentences_worded_alike():
    assert contradiction("Russia did not sign.", "Russia signed.") == "negated / not negated"
    assert contradiction("Russia signed.", "Russia did not sign.") == "not negated / negated"
    assert contradiction("Russia did not sign.", "Russia signed.", same_wording=False) == ""
    assert contradiction("Russia did not sign the treaty.", "Russia never signed the treaty.") == ""  # both negated
