"""An answer's markers and claims: marker forms, claims that keep their paragraphs, and streamed text
shown without markers even when a marker is split across deltas."""

from __future__ import annotations

import pytest

from qa.checks.markers import MarkerStripper, parse_numbers, split_claims


@pytest.mark.parametrize(("markers", "numbers"), [
    ("[1]", [1]), ("[1, 3]", [1, 3]), ("[2][4]", [2, 4]), ("[2-4]", [2, 3, 4]), ("[2–3]", [2, 3]),
    ("[Passage 5]", [5]), ("[sources 1; 2]", [1, 2]), ("[1-999]", [1]), ("[military cooperation]", []),
])
def test_marker_forms(markers, numbers):
    assert parse_numbers(markers) == numbers


def test_claims_keep_paragraphs_and_attach_trailing_markers():
    claims = split_claims("First claim [1].\n\n- Second claim. [2][3]\nThird [4-5].")
    assert [(c.text, c.cited, c.sep, c.lead) for c in claims] == [
        ("First claim.", [1], "", ""), ("Second claim.", [2, 3], "\n\n", "- "), ("Third.", [4, 5], "\n", "")]


def test_markers_split_across_streamed_deltas_never_show():
    strip = MarkerStripper()
    deltas = ["Russia regrets", " the exit [", "1", "][2", "]. Cuba [Passage", " 3] agrees", " [note] too."]
    shown = "".join(strip.feed(d) for d in deltas) + strip.flush()
    assert shown == "Russia regrets the exit. Cuba agrees [note] too."


def test_a_bracket_that_never_closes_is_shown_at_the_end():
    strip = MarkerStripper()
    assert strip.feed("Costs rose [") == "Costs rose"
    assert strip.flush() == " ["
