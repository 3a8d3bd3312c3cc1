"""Syndicated copies fold into one search hit: at most one passage per story per distinct text.

Ranked passages are taken best first, at most `per_article` from any one story (an article's own, or the
one its copies share). A passage whose story already has a kept passage of another article, and that
repeats it (`same`: another dateline, a trimmed ending, light edits, other chunk boundaries), is a copy,
not a result of its own, so its slot goes to another story. Different passages of the story's original
(its lead, its ending) are kept apart, whatever a copy cut across them.

>>> from qa.index.stories import same_passage, story_triples
>>> texts = {"a:0": "Ships wait offshore as the strike enters its second week.",
...          "b:0": "(Wire) - Ships wait offshore as the strike enters its second week.",
...          "c:0": "The port reopened on Thursday after the strike ended."}
>>> groups = collapse(["a:0", "b:0", "c:0"], k=2, per_article=3, article_of=lambda cid: cid[0],
...                   story_of={"a": "s1", "b": "s1", "c": "s2"}.get,
...                   same=lambda cid, other: same_passage(story_triples(texts[cid]), story_triples(texts[other])))
>>> [g.ids for g in groups]
[['a:0', 'b:0'], ['c:0']]

The per-article cap holds back an article's passages beyond `per_article`; they top up the results
only when fewer than k others are left (a corpus of one or two articles still yields k passages):

>>> def ids(k): return [g.ids[0] for g in collapse(["a:0", "a:1", "b:0", "a:2"], k=k, per_article=1,
...                     article_of=lambda cid: cid[0], story_of=lambda a: None, same=None)]
>>> ids(2), ids(4)
(['a:0', 'b:0'], ['a:0', 'b:0', 'a:1', 'a:2'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.types import Chunk


@dataclass
class Group:
    """A kept passage (ids[0], as ranked) and the copies folded into it (ids[1:], best first)."""

    ids: list[str]
    story: str
    article: str


def collapse(ranked: Sequence[str], k: int, per_article: int, *, article_of: Callable[[str], str],
             story_of: Callable[[str], str | None], same: Callable[[str, str], bool] | None,
             original_of: Callable[[str], str | None] = lambda story: None) -> list[Group]:
    """The first k groups of ranked chunk ids (see the module docstring).

    story_of maps an article id to its story (None: the article's own); same(cid, other) tells whether
    chunk cid repeats the text of another article's chunk in a group, or of that article (None: nothing
    is folded); original_of(story) is the story's original article, whose own passages are never folded
    into a group that holds one of them already (each is a distinct text). Copies ranked below the k-th group still fold into theirs, so a group can be cited by
    its story's original wherever that ranked. As with a plain per-article cap, when fewer than k groups
    pass the cap the list is topped up with those it held back, in their order.
    """
    kept: list[Group] = []
    held: list[Group] = []
    taken: Counter[str] = Counter()
    for cid in ranked:
        full = len(kept) >= k  # then copies ranked lower still fold in (the original may be among them)
        article = article_of(cid)
        story = story_of(article) or article
        if full and not any(g.story == story and g.article != article for g in kept):
            continue
        twin = next((g for g in kept + held if g.story == story and same is not None
                     and (article != original_of(story) or article not in {article_of(m) for m in g.ids})
                     and any(article_of(m) != article and same(cid, m) for m in g.ids)), None)
        if twin is not None:
            twin.ids.append(cid)
            continue
        if full:
            continue
        group = Group([cid], story, article)
        (held if per_article and taken[story] >= per_article else kept).append(group)
        taken[story] += 1
    return kept + held[: k - len(kept)]


def representative(group: Group, chunk_of: Callable[[str], Chunk], original: str | None,
                   named: set[str] = frozenset()) -> str:
    """The chunk id a group is cited by: the copy of an outlet the question names, else the story's
    original (a preferred outlet's copy, when there is one: see `qa.index.stories.originals_first`),
    else the best ranked.

    >>> chunks = {cid: Chunk(cid, cid[0], 0, "", 0, 0, outlet=o) for cid, o in (("a:0", "AP"), ("b:0", "Metro"),
    ...                                                                         ("c:0", "Star"))}
    >>> g = Group(["b:0", "a:0", "c:0"], "s", "b")
    >>> representative(g, chunks.get, original="a"), representative(g, chunks.get, original="a", named={"star"})
    ('a:0', 'c:0')
    """
    order = {cid: i for i, cid in enumerate(group.ids)}

    def preference(cid: str) -> tuple[bool, bool, int]:
        chunk = chunk_of(cid)
        return chunk.outlet.casefold() not in named, chunk.article_id != original, order[cid]

    return min(group.ids, key=preference)
