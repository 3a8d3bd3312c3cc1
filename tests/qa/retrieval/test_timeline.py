"""Stories over time (qa/retrieval/timeline.py): passages put in date order, answer sentences given their day."""

from __future__ import annotations

from qa.retrieval.timeline import date_sentences, in_date_order
from qa.types import Answer, Chunk, Citation, SearchHit, Sentence


def hit(rank: int, article: str, published_at: str) -> SearchHit:
    return SearchHit(rank, 1.0 / rank, Chunk(f"{article}:0", article, 0, "", 0, 0, published_at=published_at))


def articles(hits) -> list[str]:
    return [h.chunk.article_id for h in hits]


def test_passages_are_read_oldest_first_with_undated_ones_last_and_ranks_renumbered():
    hits = [hit(1, "late", "2024-03-20"), hit(2, "x", ""), hit(3, "early", "2024-03-04T09:00:00"),
            hit(4, "y", ""), hit(5, "same-day-later", "2024-03-04T17:30:00")]
    ordered = in_date_order(hits)
    assert articles(ordered) == ["early", "same-day-later", "late", "x", "y"]  # undated keep their rank order
    assert [h.rank for h in ordered] == [1, 2, 3, 4, 5]
    assert articles(in_date_order(hits, newest_first=True)) == ["late", "same-day-later", "early", "x", "y"]


def test_reports_of_one_day_keep_their_rank_order():
    hits = [hit(1, "b", "2024-03-04"), hit(2, "a", "2024-03-04"), hit(3, "c", "2024-03-01")]
    assert articles(in_date_order(hits)) == ["c", "b", "a"]


def citation(n: int, published_at: str) -> Citation:
    return Citation(n, f"a{n}:0", f"a{n}", "", "Wire", "", "", published_at, "")


def answer_of(*sentences: tuple[str, list[int]], days: dict[int, str]) -> Answer:
    answer = Answer("", "q", citations=[citation(n, day) for n, day in days.items()])
    return answer.set_sentences([Sentence(text, cited, True, sep=" ", marks="".join(f" [{n}]" for n in cited))
                                 for text, cited in sentences])


def test_each_sentence_says_its_day_and_the_year_only_when_it_changes():
    answer = answer_of(("Talks began.", [1]), ("They stalled.", [2]), ("A deal came.", [3]), ("It held.", [4]),
                       days={1: "2023-12-30", 2: "2023-12-31T10:00:00", 3: "2024-01-02", 4: "2024-01-09"})
    assert date_sentences(answer).text == ("30 Dec 2023 — Talks began. [1] 31 Dec — They stalled. [2] "
                                           "2 Jan 2024 — A deal came. [3] 9 Jan — It held. [4]")
    assert [s.text for s in answer.sentences] == ["Talks began.", "They stalled.", "A deal came.", "It held."]


def test_a_sentence_takes_the_day_of_its_first_dated_source_and_one_citing_none_is_left_alone():
    answer = answer_of(("Both agree.", [1, 2]), ("Nobody knows when.", [1]),
                       days={1: "", 2: "2024-03-12"})
    assert date_sentences(answer).text == "12 Mar 2024 — Both agree. [1] [2] Nobody knows when. [1]"


def test_the_day_follows_a_list_marker_and_abstentions_are_untouched():
    answer = answer_of(("Talks began.", [1]), days={1: "2024-03-04"})
    answer.sentences[0].lead = "- "
    assert date_sentences(answer).text == "- 4 Mar 2024 — Talks began. [1]"
    refusal = Answer("The articles I have don't say.", "q", abstained=True, citations=[citation(1, "2024-03-04")])
    assert date_sentences(refusal).text == "The articles I have don't say."
