"""The footnote and notice vocabulary finds the same words whatever their case, on any text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tracker.structure import NAMED_ARTICLE
from tracker.vocabulary import AMENDMENT_KIND, ANNOUNCES, WHOLE_TEXT, Caseless, lowered

CASELESS = (AMENDMENT_KIND, ANNOUNCES, WHOLE_TEXT, NAMED_ARTICLE)
PIECES = st.sampled_from(
    "Статья СТАТЬЮ статьи 7 10-1 -бап 4-БАПҚА Article ARTICLE в редакции В РЕДАКЦИИ дополнена ДОПОЛНЕНА "
    "исключена Утратила силу ЗАМЕНЕНЫ өзгерістер ТОЛЫҚТЫРЫЛДЫ предусматривается ПРЕДУСМАТРИВАЕТСЯ көзделген "
    "По всему тексту БҮКІЛ МӘТІН throughout the text Amended Deleted Supplemented New wording Planned "
    "№ 156-VІI . , ; ( ) «» — \u00a0 \n".split(" ")
    + ["ı", "İ", "ſ", "\u1c80", "\u1c83", "\u212a", "µ", "é", "ẞ", " "]
)
"""Real words in every case, and the letters `re.IGNORECASE` folds unlike `str.lower` («ı», «ſ», «ᲀ»)."""


def seen(match: re.Match[str] | None) -> tuple[tuple[int, int], str | None] | None:
    return (match.span(), match.lastgroup) if match else None


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(0, 40), st.integers(0, 400))
def test_a_caseless_pattern_finds_what_the_case_insensitive_one_finds(
    text: str, start: int, end: int
) -> None:
    for words in CASELESS:
        expected = words.pattern.search(text, start, end)
        assert seen(words.search(text, lowered(text), start, end)) == seen(expected)


def test_every_character_a_lowered_text_may_hold_folds_as_the_regex_engine_folds_it() -> None:
    sources = [words.pattern.pattern.replace("(?P<", "") for words in CASELESS]
    letters = {char for source in sources for char in source if char.isalpha()}
    for code in range(0x2200):
        char = chr(code)
        if lowered(char) is None:
            continue
        assert len(char.lower()) == 1
        for pattern in (r"\w", r"\d", r"\s"):
            assert bool(re.fullmatch(pattern, char)) == bool(re.fullmatch(pattern, char.lower()))
        for letter in letters:
            assert bool(re.fullmatch(letter, char, re.IGNORECASE)) == (char.lower() == letter)


def test_a_caseless_pattern_is_written_in_lower_case() -> None:
    try:
        Caseless("Статья")
    except ValueError:
        return
    raise AssertionError("an upper-case letter would never match a lowered text")
