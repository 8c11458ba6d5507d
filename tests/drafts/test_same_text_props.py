"""Properties of title matching: a bill and a portal draft are joined only when their titles agree."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.stages import same_text

WORDS = st.sampled_from(
    [
        "о",
        "внесении",
        "изменений",
        "в",
        "Закон",
        "некоммерческих",
        "организаций",
        "масс-медиа",
        "мирных",
        "собраний",
        "Республики",
        "Казахстан",
        "«",
        "»",
        ",",
        "2001",
        "16",
        "января",
        "года",
        "№",
        "142",
    ]
)
TITLES = st.lists(WORDS, min_size=1, max_size=25).map(" ".join)


@given(TITLES)
def test_a_title_names_its_own_text_with_or_without_the_draft_prefix(title: str) -> None:
    assert same_text(title, title)
    assert same_text(f"Проект Закона Республики Казахстан {title}", title)


@given(TITLES, TITLES)
def test_matching_is_symmetric(a: str, b: str) -> None:
    assert same_text(a, b) == same_text(b, a)


@given(TITLES, st.integers(min_value=1, max_value=3000))
def test_a_different_number_is_a_different_text(title: str, number: int) -> None:
    assert not same_text(f"{title} {number}", f"{title} {number + 1}")
