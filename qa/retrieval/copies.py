"""Which ranked passages copy one another: the judge `collapse` asks, and what it learnt on the way.

A passage is a copy of another when the two articles tell one story (`qa.index.stories.StoryIndex`),
the passage repeats the other (`qa.index.stories.copied`: shingles, another dateline, a trimmed
ending) and says the same (`qa.checks.versions.agree`: no figure, name or negation changed). A pair
that repeats but does not agree is a version: an update or a correction, kept apart and never listed
as "also carried by".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from qa.checks.versions import agree
from qa.index.stories import StoryIndex, copied, story_triples
from qa.types import Chunk


def article_id_of(chunk_id: str) -> str:
    """'3f2a9c0d1e2b4a5c:0007' -> '3f2a9c0d1e2b4a5c' (chunk ids are '<article_id>:<index>')."""
    return chunk_id.rpartition(":")[0] or chunk_id


class CopyJudge:
    """Judges copies among the ranked chunk ids of one search.

    known: the chunks read so far, by id (filled further through `read`, which reads ids from the
    store); stories: which articles tell one story (None: none do, nothing is a copy).
    """

    def __init__(self, ranked: list[str], known: dict[str, Chunk], stories: StoryIndex | None,
                 read: Callable[[Iterable[str]], None]):
        self.known = known
        self.versions: set[frozenset[str]] = set()  # pairs of articles whose passages are versions
        self.story = stories.story_of(map(article_id_of, ranked)) if stories is not None else {}
        shared = shared_stories(ranked, self.article_of, self.story)
        read(shared)  # their texts decide what is a copy
        self.triples = stories.triples({self.article_of(cid) for cid in shared}) if shared else {}
        members = stories.members({self.story[self.article_of(cid)] for cid in shared}) if shared else {}
        self.originals = {sid: copies[0].article_id for sid, copies in members.items()}
        self._passages: dict[str, set[int]] = {}

    def article_of(self, cid: str) -> str:
        return self.known[cid].article_id if cid in self.known else article_id_of(cid)

    def passage(self, cid: str) -> set[int]:
        """The shingles of chunk cid's text (computed once)."""
        if cid not in self._passages:
            self._passages[cid] = story_triples(self.known[cid].text)
        return self._passages[cid]

    def same(self, cid: str, other: str) -> bool:
        """Does chunk cid repeat the other chunk and say the same? A repeat that differs is a version."""
        if cid not in self.known or other not in self.known:
            return False
        if not copied(self.passage(cid), self.passage(other), self.triples.get(self.article_of(other))):
            return False
        if agree(self.known[cid].text, self.known[other].text):
            return True
        self.versions.add(frozenset((self.article_of(cid), self.article_of(other))))
        return False


def shared_stories(ranked: list[str], article_of: Callable[[str], str], story: dict[str, str]) -> list[str]:
    """The ids among ranked whose story has passages of two or more articles there (copies, maybe).

    >>> shared_stories(["a:0", "b:0", "c:0"], lambda cid: cid[0], {"a": "s1", "b": "s1", "c": "s2"})
    ['a:0', 'b:0']
    """
    articles: dict[str, set[str]] = {}
    for cid in ranked:
        articles.setdefault(story.get(article_of(cid), ""), set()).add(article_of(cid))
    return [cid for cid in ranked if len(articles.get(story.get(article_of(cid), ""), ())) > 1
            and story.get(article_of(cid))]
