"""Question understanding (qa/query.py): the window a question names, as-of, outlets, answer kind."""

from __future__ import annotations

from datetime import date

import pytest

from qa.query import Catalogue, answer_kind, understand

BASE = date(2024, 3, 10)
OUTLETS = Catalogue(outlets=("The Verge", "TechCrunch", "TASS", "The Age", "Fortune",
                             "Cnbc | World Business News Leader", "FOX News - Health"), newest=date(2023, 12, 31))


def test_a_date_without_a_year_is_read_against_the_archive_not_today():
    u = understand("After Polygon reported on October 18th, what did it say?", as_of=date(2026, 12, 1),
                   catalogue=OUTLETS)
    assert (u.window.since, u.window.until) == (date(2023, 10, 18), date(2023, 10, 18))


def test_as_of_in_the_question_sets_the_day_and_asks_for_the_latest():
    u = understand("As of Feb. 16, 2024, how many cases?", as_of=BASE, catalogue=OUTLETS)
    assert u.as_of == date(2024, 2, 16) and u.recency and u.kind == "quantity"
    assert u.describe() == "as of 2024-02-16"


@pytest.mark.parametrize(("question", "outlets"), [
    ("According to TechCrunch, who left?", ("TechCrunch",)),
    ("Did 'The Age' and the techcrunch article agree?", ("The Age",)),  # names are capitalised where used
    ("What did a TASS report say?", ("TASS",)),
    ("Did Cnbc | World Business News Leader report it?", ("Cnbc | World Business News Leader",)),
    ("Did Verge readers like it?", ("The Verge",)),
    ("Did FOX News report on the flu?", ("FOX News - Health",)),
    ("Fortune favours the bold: who said it?", ()),  # a capitalised first word is not an outlet
    ("Who made a fortune from it?", ()),
])
def test_outlets_are_matched_against_the_index_ignoring_case_and_the(question, outlets):
    assert understand(question, as_of=BASE, catalogue=OUTLETS).outlets == outlets


@pytest.mark.parametrize(("question", "kind"), [
    ("How many people died?", "quantity"), ("When will he visit?", "date"), ("Who told reporters?", "person"),
    ("Where is the summit?", "place"), ("Did the talks fail?", "yes/no"), ("Why did it fail?", None),
])
def test_answer_kind(question, kind):
    assert answer_kind(question) == kind


def test_understanding_is_reported_in_one_line_and_as_data():
    u = understand("What did TechCrunch publish in March 2024?", as_of=BASE, catalogue=OUTLETS)
    assert u.describe() == "published March 2024, TechCrunch"
    assert u.to_dict()["window"] == {"since": "2024-03-01", "until": "2024-03-31", "label": "March 2024"}
    assert u.residual() == "What did __________ publish in __________?"
