"""Folding syndicated copies into one hit (qa/retrieval/collapse.py): which passages are kept, which fold,
and which copy a group is cited by. Chunk ids are "<article>:<n>"; texts say which passages repeat."""

from __future__ import annotations

from qa.retrieval.collapse import Group, collapse, representative
from qa.types import Chunk

STORY = {"a": "s1", "b": "s1", "c": "s1", "d": "s2", "e": "s3"}  # a, b, c carry one story
TEXT = {"a:0": "lead", "b:0": "lead", "c:0": "lead", "a:1": "ending", "b:1": "ending", "a:2": "quote",
        "d:0": "other", "e:0": "third", "c:1": "lead"}


def groups(ranked, k=3, per_article=2, original=None, same=True):
    return collapse(ranked, k, per_article, article_of=lambda cid: cid.split(":")[0], story_of=STORY.get,
                    same=(lambda cid, other: TEXT[cid] == TEXT[other]) if same else None,
                    original_of=lambda story: original)


def test_copies_fold_into_the_first_passage_of_their_text_and_give_up_their_slot():
    kept = groups(["b:0", "a:0", "c:0", "d:0", "e:0"])
    assert [g.ids for g in kept] == [["b:0", "a:0", "c:0"], ["d:0"], ["e:0"]]


def test_a_copy_ranked_below_the_kth_hit_still_folds_into_its_group():
    kept = groups(["b:0", "d:0", "e:0", "a:0"], k=2)
    assert [g.ids for g in kept] == [["b:0", "a:0"], ["d:0"]]  # e:0 is beyond k; a:0 (the original) folds


def test_the_same_story_in_other_words_is_a_result_of_its_own():
    kept = groups(["a:0", "b:1", "d:0"])
    assert [g.ids for g in kept] == [["a:0"], ["b:1"], ["d:0"]]


def test_the_originals_own_passages_never_fold_into_each_other():
    ranked = ["a:0", "a:1", "a:2"]  # one article's passages are distinct texts, whatever `same` says
    kept = collapse(ranked, 3, 3, article_of=lambda cid: cid[0], story_of=STORY.get,
                    same=lambda cid, other: True, original_of=lambda story: "a")
    assert [g.ids for g in kept] == [["a:0"], ["a:1"], ["a:2"]]


def test_without_a_judge_of_sameness_nothing_folds():
    kept = groups(["a:0", "b:0", "d:0"], same=False)
    assert [g.ids for g in kept] == [["a:0"], ["b:0"], ["d:0"]]


def test_the_cap_counts_a_storys_passages_and_held_ones_top_up_only_when_needed():
    ranked = ["a:0", "a:1", "a:2", "d:0"]
    assert [g.ids[0] for g in groups(ranked, k=2, per_article=1)] == ["a:0", "d:0"]
    assert [g.ids[0] for g in groups(ranked, k=4, per_article=1)] == ["a:0", "d:0", "a:1", "a:2"]
    assert [g.ids[0] for g in groups(ranked, k=4, per_article=0)] == ranked  # 0: no cap


def test_a_held_back_passage_still_collects_its_copies():
    kept = groups(["a:0", "a:1", "d:0", "b:1"], k=3, per_article=1)
    assert [g.ids for g in kept] == [["a:0"], ["d:0"], ["a:1", "b:1"]]


def test_a_group_is_cited_by_the_named_outlet_then_the_original_then_the_best_ranked():
    chunks = {cid: Chunk(cid, cid[0], 0, "", 0, 0, outlet=outlet)
              for cid, outlet in (("b:0", "Metro"), ("a:0", "AP"), ("c:0", "Star"))}
    group = Group(["b:0", "a:0", "c:0"], "s1", "b")
    assert representative(group, chunks.get, original=None) == "b:0"
    assert representative(group, chunks.get, original="a") == "a:0"
    assert representative(group, chunks.get, original="a", named={"star"}) == "c:0"
    assert representative(group, chunks.get, original="zz", named={"nobody"}) == "b:0"
