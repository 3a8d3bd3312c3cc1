"""Syndicated copies at ingest and in retrieval, on real parts: copies cluster into one story (and
unrelated articles that share boilerplate do not), the story survives deleting its original,
re-ingest changes nothing, preferred outlets lead, filters apply per copy, and search collapses copies."""

from __future__ import annotations

import pytest

from ingest.article import Article
from qa.config import Settings
from qa.retrieval.retrieve import make_retriever
from qa.types import Filters
from tests.conftest import make_indexer

LEAD = ("The strike at Harbour City port entered its second week on Monday, with 40 container ships "
        "waiting offshore to unload and shipping agents warning of shortages in the shops.")
BODY = [
    "Shipping agents said the backlog was the worst since the port opened its new terminal in 2019, "
    "and that perishable cargo was being diverted to Northgate at considerable cost.",
    "Union negotiator Paul Okafor said workers would not return without a written offer, and accused "
    "the port authority of stalling the talks that had been promised for last Friday.",
    "Port authority chief Elena Varga said a new offer would be made this week, but declined to say "
    "whether it would match the rate of inflation that the union has demanded since January.",
    "Retailers in the city said some imported fruit and electronics were already scarce, and warned "
    "that prices could rise before the end of the month if the ships stayed offshore.",
]
ORIGINAL = Article(text="\n\n".join([LEAD, *BODY]), title="Port strike enters second week",
                   outlet="Coastal Wire", url="https://coastalwire.example/strike-week-two",
                   published_at="2024-03-12T08:00:00")


def copy(outlet: str, hours: int, text: str, title: str) -> Article:
    slug = outlet.lower().replace(" ", "")
    return Article(text=text, title=title, outlet=outlet, url=f"https://{slug}.example/strike",
                   published_at=f"2024-03-12T{8 + hours:02d}:00:00")


# Copies the way syndication makes them: a new headline, a dateline, the ending cut, an editor's note, a
# "Related:" line, the carrying outlet's footer, light copy edits.
METRO = copy("Metro Daily", 3, "\n\n".join([
    "HARBOUR CITY (Coastal Wire) — " + LEAD, *BODY[:3],
    "Related: Dockers vote on new pay offer",
    "Sign up for the Metro Daily business newsletter at metrodaily.example/newsletters."]),
    "Harbour City strike: ships pile up offshore")
STAR = copy("Valley Star", 5, "\n\n".join([
    "Editor's note: This story has been updated with comments from retailers.",
    "(Coastal Wire) - " + LEAD.replace("Monday", "Monday morning").replace("40", "forty"), BODY[0],
    BODY[1].replace("said", "says")]), "Ships wait as dock strike drags on")


def articles_and_stories(indexer) -> tuple[int, int]:
    return indexer.stories.stories.count()


def story_of(indexer, *articles: Article) -> list[str]:
    found = indexer.stories.stories.story_of(a.id for a in articles)
    return [found[a.id] for a in articles]


def test_copies_join_the_story_of_the_original(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    report = indexer.ingest([ORIGINAL, METRO, STAR])
    assert (report.added, report.copies) == (3, 2)
    assert story_of(indexer, ORIGINAL, METRO, STAR) == [ORIGINAL.id] * 3
    assert articles_and_stories(indexer) == (3, 1)
    chunks = list(indexer.store.iter_chunks())
    assert {c.story for c in chunks} == {ORIGINAL.id}  # kept in Chroma's metadata too


def test_a_copy_that_arrives_first_still_ends_up_with_the_earliest_as_original(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    indexer.ingest([STAR])
    report = indexer.ingest([ORIGINAL, METRO])
    assert report.copies == 2
    assert len(set(story_of(indexer, ORIGINAL, METRO, STAR))) == 1
    members = indexer.stories.stories.members(story_of(indexer, STAR))
    assert [c.outlet for c in next(iter(members.values()))] == ["Coastal Wire", "Metro Daily", "Valley Star"]


FOOTER = ("About Harbour Herald: we are an independent newsroom funded by our readers and the Harbour City "
          "Community Trust. Our journalists follow the editors' code of practice. To report an error or "
          "complain about our coverage, write to the readers' editor, who answers every letter in print.")
AGENCY_INTRO = ("This story is part of a series produced with the Coastal Wire news agency, which shares its "
                "reporting with local newsrooms across the region under a cooperative agreement.")
UNRELATED = [
    "The city council voted on Tuesday to close the Eastgate library for repairs, after inspectors found "
    "damp in the reading room and the roof of the children's wing.",
    "A new ferry timetable starts next month, with crossings to Northgate every forty minutes instead of "
    "every hour, the transport office announced.",
    "Harbour City's rugby club signed two players from the national academy, ahead of a season in which "
    "the club hopes to return to the first division.",
    "Bakers at the Old Market say flour prices have doubled in a year, and several stalls now open only "
    "on weekends to cut their energy bills.",
]


@pytest.mark.parametrize("shared", ["footer", "agency intro", "both"])
def test_unrelated_articles_that_share_boilerplate_are_not_clustered(settings, embeddings, shared):
    def article(n: int, story: str) -> Article:
        parts = {"footer": [story, FOOTER], "agency intro": [AGENCY_INTRO, story],
                 "both": [AGENCY_INTRO, story, FOOTER]}[shared]
        return Article(text="\n\n".join(parts), title=f"Local news {n}", outlet="Harbour Herald",
                       url=f"https://harbourherald.example/{n}", published_at=f"2024-03-{10 + n}")

    indexer = make_indexer(settings, embeddings)
    report = indexer.ingest([article(n, story) for n, story in enumerate(UNRELATED)])
    assert report.copies == 0
    assert articles_and_stories(indexer) == (4, 4)


def test_unrelated_articles_of_different_outlets_with_one_agency_intro_are_not_clustered(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    arts = [Article(text=f"{AGENCY_INTRO}\n\n{story}", title=f"News {n}", outlet=f"Outlet {n}",
                    url=f"https://o{n}.example/", published_at="2024-03-12") for n, story in enumerate(UNRELATED)]
    assert indexer.ingest(arts).copies == 0
    assert articles_and_stories(indexer) == (4, 4)


def test_deleting_the_original_keeps_the_story_and_the_next_copy_becomes_original(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    indexer.ingest([ORIGINAL, METRO, STAR])
    retriever = make_retriever(settings, indexer.store, indexer.lexical, embeddings)
    hits = retriever.search("container ships waiting offshore", k=3)
    assert {h.chunk.article_id for h in hits} == {ORIGINAL.id}  # the original's passages; copies folded in
    assert (hits[0].chunk.outlet, [c.outlet for c in hits[0].copies]) == ("Coastal Wire", ["Metro Daily", "Valley Star"])

    assert indexer.delete(ORIGINAL.id) == [ORIGINAL.id]
    assert story_of(indexer, METRO, STAR) == [ORIGINAL.id] * 2
    hits = retriever.search("container ships waiting offshore", k=3)
    assert (hits[0].chunk.outlet, [c.outlet for c in hits[0].copies]) == ("Metro Daily", ["Valley Star"])
    assert articles_and_stories(indexer) == (2, 1)


def test_reingesting_changes_nothing(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    indexer.ingest([ORIGINAL, METRO, STAR])
    before = ({c.id: c.story for c in indexer.store.iter_chunks()}, articles_and_stories(indexer))
    again = make_indexer(settings, embeddings).ingest([ORIGINAL, METRO, STAR])
    assert (again.added, again.updated, again.unchanged, again.copies) == (0, 0, 3, 0)
    assert ({c.id: c.story for c in indexer.store.iter_chunks()}, articles_and_stories(indexer)) == before


def test_preferred_outlet_leads_and_filters_apply_per_copy(tmp_path, embeddings):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", preferred_outlets="valley star, Metro Daily")
    indexer = make_indexer(settings, embeddings)
    indexer.ingest([ORIGINAL, METRO, STAR])
    retriever = make_retriever(settings, indexer.store, indexer.lexical, embeddings)
    hit = retriever.search("container ships waiting offshore", k=3)[0]
    assert (hit.chunk.outlet, [c.outlet for c in hit.copies]) == ("Valley Star", ["Metro Daily", "Coastal Wire"])

    only_metro = retriever.search("container ships waiting offshore", k=3, filters=Filters(outlets=("Metro Daily",)))
    assert {h.chunk.outlet for h in only_metro} == {"Metro Daily"}


def test_search_folds_copies_and_frees_their_slots(settings, embeddings):
    indexer = make_indexer(settings, embeddings)
    other = Article(text="The port of Northgate reported record traffic as ships diverted from Harbour City "
                         "during the strike, its harbour master said.", title="Northgate busy", outlet="Metro Daily",
                    url="https://metrodaily.example/northgate", published_at="2024-03-13")
    indexer.ingest([ORIGINAL, METRO, STAR, other])
    retriever = make_retriever(settings, indexer.store, indexer.lexical, embeddings)
    hits = retriever.search("ships waiting offshore at Harbour City during the strike", k=4)
    leads = [h for h in hits if LEAD[:40] in h.chunk.text]
    assert len(leads) == 1 and leads[0].chunk.outlet == "Coastal Wire"
    assert other.id in {h.chunk.article_id for h in hits}
    payload = leads[0].to_dict()
    assert payload["story_id"] == ORIGINAL.id
    assert [(c["outlet"], c["url"], c["published_at"]) for c in payload["also_carried_by"]] == [
        ("Metro Daily", METRO.url, METRO.published_at), ("Valley Star", STAR.url, STAR.published_at)]
