"""Dates as news writes them (qa/dates.py): phrases found and resolved to windows, days of publication."""

from __future__ import annotations

from datetime import date

import pytest

from qa.dates import Window, day_label, day_number, day_of, find_windows

BASE = date(2024, 3, 10)


@pytest.mark.parametrize(("text", "since", "until"), [
    ("In March 2024, what did the agency say?", date(2024, 3, 1), date(2024, 3, 31)),
    ("As of Feb. 16, 2024, how many cases were there?", None, date(2024, 2, 16)),
    ("According to The Verge's report on 2023-11-24, who won?", date(2023, 11, 24), date(2023, 11, 24)),
    ("What happened in late November 2023?", date(2023, 11, 21), date(2023, 11, 30)),
    ("What changed between Sept. 26 and Dec. 24, 2023?", date(2023, 9, 26), date(2023, 12, 24)),
    ("What did it report in the six months before January 2024?", date(2023, 7, 1), date(2023, 12, 31)),
    ("What did the minister say yesterday?", date(2024, 3, 9), date(2024, 3, 9)),
    ("What happened last week?", date(2024, 2, 26), date(2024, 3, 3)),
    ("How many cases this year?", date(2024, 1, 1), BASE),
    ("What was said before January 2024?", None, date(2023, 12, 31)),
    ("What happened on 16 Feb 2024?", date(2024, 2, 16), date(2024, 2, 16)),
])
def test_news_date_phrases_become_windows(text, since, until):
    windows = find_windows(text, BASE)
    assert len(windows) == 1 and (windows[0].since, windows[0].until) == (since, until)


@pytest.mark.parametrize("text", ["Russia may provide a credit.", "May I ask about the talks?",
                                  "The F-16 deal", "Who won the 400 m?"])
def test_words_that_are_not_dates_are_left_alone(text):
    assert find_windows(text, BASE) == []


def test_every_phrase_is_found_in_order_with_its_place_and_wording():
    text = "Talks began on March 4 and ended on 20 March 2024."
    windows = find_windows(text, BASE)
    assert [w.label for w in windows] == ["March 4", "20 March 2024"]
    assert [text[w.start:w.end] for w in windows] == [w.label for w in windows]
    assert [w.since for w in windows] == [date(2024, 3, 4), date(2024, 3, 20)]


@pytest.mark.parametrize(("text", "since", "until"), [
    ("What happened after Feb. 16, 2024?", date(2024, 2, 16), None),
    ("What has it said since 2022?", date(2022, 1, 1), None),
    ("From 2019 to 2021, what did it say?", date(2019, 1, 1), date(2021, 12, 31)),
    ("the three weeks before March 1, 2024", date(2024, 2, 9), date(2024, 2, 29)),
    ("What happened two days ago?", date(2024, 3, 8), date(2024, 3, 8)),
    ("What happened last month?", date(2024, 2, 1), date(2024, 2, 29)),  # a leap year's February
    ("early May 2023", date(2023, 5, 1), date(2023, 5, 10)),
])
def test_bounds_ranges_and_relative_phrases(text, since, until):
    (window,) = find_windows(text, BASE)
    assert (window.since, window.until) == (since, until)


def test_a_month_without_a_year_is_the_latest_one_not_after_the_anchor():
    assert find_windows("What happened in May?", BASE)[0].since == date(2023, 5, 1)  # not May 2024, still to come
    (window,) = find_windows("on October 18th", BASE, anchor=date(2023, 12, 31))
    assert (window.since, window.until) == (date(2023, 10, 18), date(2023, 10, 18))


def test_years_outside_the_news_era_are_not_dates():
    assert find_windows("In 1850 and 2150, what happened?", BASE) == []


def test_a_window_contains_its_days_widened_by_slack_and_never_an_unknown_day():
    march = Window(date(2024, 3, 1), date(2024, 3, 31), "March 2024")
    assert march.contains(date(2024, 3, 31)) and not march.contains(date(2024, 4, 1))
    assert march.contains(date(2024, 4, 1), slack=1) and not march.contains(None)
    before = Window(None, date(2023, 12, 31), "before January 2024")
    assert before.contains(date(1990, 1, 1)) and not before.contains(date(2024, 1, 1))


@pytest.mark.parametrize(("window", "described"), [
    (Window(date(2024, 3, 1), date(2024, 3, 31), "March 2024"), "March 2024"),
    (Window(date(2023, 9, 26), date(2023, 12, 24), "between Sept. 26 and Dec. 24, 2023"), "2023-09-26 to 2023-12-24"),
    (Window(None, date(2023, 12, 31), "before January 2024"), "until 2023-12-31"),
    (Window(date(2022, 1, 1), None, "since 2022"), "since 2022-01-01"),
])
def test_a_window_describes_itself_plainly(window, described):
    assert window.describe() == described


@pytest.mark.parametrize(("iso", "number"), [
    ("2018-11-02", 20181102), ("2018-11-02T10:00:00Z", 20181102), ("2024-02-29T23:59:59+05:00", 20240229),
    ("", 0), ("11/02/2018", 0), ("2024-13-45", 0), ("2023-02-29", 0), ("soon", 0),
])
def test_a_day_of_publication_is_a_sortable_number_and_zero_when_unknown(iso, number):
    assert day_number(iso) == number
    assert day_of(iso) == (date(number // 10000, number // 100 % 100, number % 100) if number else None)


def test_day_labels_show_the_year_only_when_asked():
    assert day_label(date(2024, 3, 2)) == "2 Mar 2024" and day_label(date(2024, 3, 2), year=False) == "2 Mar"
