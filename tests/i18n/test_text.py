"""Matching that works as people type: normalisation and phrase patterns."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helplinekit.i18n.text import compile_phrase, letter_scripts, normalise


def finds(phrase: str, text: str) -> bool:
    return compile_phrase(phrase).search(normalise(text)) is not None


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("He WILL Kill me!!", "he will kill me"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),  # NFKC
        ("résumé", "resume"),  # accents
        ("ميرا شوهر", "میرا شوہر"),  # Arabic yeh and heh, as an Arabic keyboard types them
        ("كرے گا", "کرے گا"),  # Arabic kaf
        ("مُجھے", "مجھے"),  # zabar/pesh and other harakat
        ("مـــار", "مار"),  # tatweel
        ("میری\u200cعمر", "میری عمر"),  # a zero-width non-joiner reads as a join, not a space
        ("عمر ۱۵ سال", "عمر 15 سال"),  # Urdu digits
        ("mujhe maaar dega", "mujhe mar dega"),  # stretched letters
        ("dhamkee", "dhamki"),
        ("he'll", "hell"),
    ],
)
def test_the_ways_people_type_one_word_are_folded_together(typed: str, same_as: str) -> None:
    assert normalise(typed) == normalise(same_as)


def test_the_zero_width_non_joiner_is_removed() -> None:
    assert "\u200c" not in normalise("میری\u200cعمر")


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


def test_spaces_between_the_words_of_a_phrase_are_optional() -> None:
    assert finds("maar dega", "wo mujhe maardega")
    assert finds("مار دے گا", "وہ مجھے ماردےگا")


def test_after_a_letter_that_does_not_join_urdu_may_leave_the_space_out() -> None:
    assert finds("جان سے مار", "وہ مجھے جان سے ماردے گا")
    assert finds("جان سے مار", "مجھےجان سے مار دے گا")
    # One word alone gets no such leeway: "مار" is not found inside "مارکیٹ" (market).
    assert not finds("مار", "مارکیٹ جا رہی ہوں")


def test_phrases_match_whole_words_unless_a_star_says_otherwise() -> None:
    assert not finds("acid", "the food is acidic")
    assert finds("blackmail*", "he is blackmailing me")
    assert not finds("blackmail", "he is blackmailing me")


def test_three_dots_stand_for_up_to_three_words() -> None:
    assert finds("will ... kill", "he will definitely kill me")
    assert finds("will ... kill", "he will kill me")
    assert finds("will ... kill", "he will one day surely kill me")
    assert not finds("will ... kill", "he will not ever one day kill me")


def test_a_phrase_with_no_words_is_refused() -> None:
    with pytest.raises(ValueError, match="has no words"):
        compile_phrase("... !!")


def test_letters_are_counted_by_script() -> None:
    counts = letter_scripts("call me میرا नमस्ते")
    assert counts["Latn"] == 6 and counts["Arab"] == 4 and counts["Deva"] > 0
