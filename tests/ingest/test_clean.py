"""ingest.clean: the seed article before and after, boilerplate at the edges only, characters and spaces."""

from __future__ import annotations

from ingest.clean import clean_line, clean_text
from tests.conftest import SEED

PRESS_REVIEW = "- Press review:"


def test_seed_article_before_and_after():
    raw = SEED.read_text(encoding="utf-8")
    cleaned = clean_text(raw)

    raw_lines = raw.split("\n")
    assert sum(line.startswith(PRESS_REVIEW) for line in raw_lines[:4]) == 4
    paragraphs = cleaned.split("\n\n")
    assert PRESS_REVIEW not in cleaned and "Press review" not in cleaned
    assert paragraphs[0].startswith("Russia and Cuba are in favor of non-interference")
    # Each line of the seed is a paragraph: 21 lines, 4 of them navigation.
    assert len(raw_lines) == 21
    assert len(paragraphs) == 17
    assert all(p.strip() == p and p for p in paragraphs)
    assert paragraphs[-1].endswith("Borisov added.")
    # Typographic and straight quotes are kept exactly.
    assert "countries’ domestic affairs" in cleaned
    assert '"Russia and Cuba have always been in favor' in cleaned
    assert "\n\n\n" not in cleaned


def test_clean_text_is_idempotent():
    raw = SEED.read_text(encoding="utf-8")
    once = clean_text(raw)
    assert clean_text(once) == once


def test_list_in_the_middle_of_the_body_survives():
    text = "\n".join([
        "- Read also: Kremlin comments on the talks",
        "- Press review: Oil prices fall",
        "The joint statement lists three priorities:",
        "- cooperation against organized crime",
        "- cyber security",
        "- drug trafficking",
        "The leaders will meet again next year.",
        "Share",
        "Follow us on Twitter",
    ])
    assert clean_text(text).split("\n\n") == [
        "The joint statement lists three priorities:",
        "- cooperation against organized crime",
        "- cyber security",
        "- drug trafficking",
        "The leaders will meet again next year.",
    ]


def test_a_lone_bullet_or_a_sentence_list_at_the_top_is_content():
    lone = "- Exclusive: the minister speaks\nThe minister spoke to us on Friday."
    assert clean_text(lone).startswith("- Exclusive")
    sentences = "- Russia backs Cuba.\n- Cuba backs Russia.\nBoth said so on Friday."
    assert clean_text(sentences).startswith("- Russia backs Cuba.")


def test_boilerplate_lines_at_the_bottom_and_ad_slots_anywhere():
    text = (
        "Putin met Diaz-Canel.\n\nAdvertisement\n\nComments by the minister were brief.\n\n"
        "Related stories:\n\n- Cuba and Russia sign deal\n\n- Trade grows\n\nTags: Russia, Cuba\n\n"
        "© 2018 TASS. All rights reserved."
    )
    assert clean_text(text) == "Putin met Diaz-Canel.\n\nComments by the minister were brief."


def test_characters_and_spaces_are_normalised():
    text = "Putin\u00a0met  Diaz-Canel\u200b\tin\u2009Moscow. \r\nHe said\x07 “yes”.\u2028Cafe\u0301 talks."
    assert clean_text(text) == "Putin met Diaz-Canel in Moscow.\n\nHe said “yes”.\n\nCafé talks."


def test_blank_line_paragraphs_with_hard_wrapped_lines_are_joined():
    text = (
        "Russia and Cuba are in favor of\nnon-interference, Putin said.\n"
        "He added a second sentence.\n\n\n\nA new paragraph\nstarts here.\n\n"
        "Priorities:\n- crime\n- drugs\n"
    )
    assert clean_text(text).split("\n\n") == [
        "Russia and Cuba are in favor of non-interference, Putin said.",
        "He added a second sentence.",
        "A new paragraph starts here.",
        "Priorities:",
        "- crime",
        "- drugs",
    ]


def test_empty_and_whitespace_only_text_clean_to_nothing():
    assert clean_text("") == ""
    assert clean_text(" \n\u00a0\n\t") == ""


def test_clean_line_tidies_titles():
    assert clean_line("  Russia\u00a0and Cuba\n   sign a\u200b deal ") == "Russia and Cuba sign a deal"
