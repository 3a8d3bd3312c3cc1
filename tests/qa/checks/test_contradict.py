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


# Found by bench.agreement: sentences of two outlets that agree on a fact, one read as the other's
# contradiction. The sentences here are invented, each the same kind as a pair found there.
@pytest.mark.parametrize(("claim", "source"), [
    ("The chain was sold for $4 billion.", "The chain was sold for roughly $4.2 billion."),  # rounded as written
    ("The port cost 2.5 million euros.", "The port cost 2.47 million euros."),
    ("Marlow bought the mill 20 years ago.", "Marlow bought the mill 10 years ago."),  # "ago": the writer's day
    ("Okafor won the county final.", "Okafor defeated Brandt in the county final."),  # a defeat of someone is a win
    ("Tickets for the Winter Open go on sale.", "Ticket sales closed on Friday."),  # "Open" in a name opens nothing
    ("Release date: 4 May 2024; No.", "The album is out on 4 May 2024."),  # a bare "No." negates nothing said
    ("Okafor took two of three sets to win.", "Okafor beat Brandt in three sets."),  # a part of the three
])
def test_sentences_that_agree_are_not_contradicted(claim, source):
    assert contradiction(claim, source) == ""
    assert contradiction(source, claim) == ""


@pytest.mark.parametrize(("claim", "source", "why"), [
    ("The chain was sold for $4 billion.", "The chain was sold for $4.6 billion.", "$4 billion / $4.6 billion"),
    ("The port cost 2.5 million euros.", "The port cost 2.7 million euros.", "2.5 million euros / 2.7 million euros"),
    ("The strike lasted 20 days.", "The strike lasted 12 days.", "20 days / 12 days"),
    ("Okafor won the county final.", "Okafor lost the county final.", "won / lost"),
    ("Sales opened on Friday.", "Sales closed on Friday.", "opened / closed"),
    ("There was no deal on Friday.", "There was a deal on Friday.", "negated / not negated"),
])
def test_what_the_agreement_rules_leave_contradicted(claim, source, why):
    assert contradiction(claim, source) == why
