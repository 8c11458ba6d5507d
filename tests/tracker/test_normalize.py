"""Whitespace and control characters never look like a change: every run of spaces is one space."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tracker.normalize import squash

TEXTS = st.text(
    st.sampled_from(
        list("ab Сс1.\t\n\r\x0b\x0c\x1c\x85\xa0\u2007\u2028\u3000\x00\x07\x1b\x7f\x9f\u200b\xad«»")
    ),
    max_size=40,
)


@given(TEXTS)
def test_squash_drops_control_characters_and_leaves_single_spaces_between_words(text: str) -> None:
    without_controls = re.sub("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]", "", text)
    assert squash(text) == re.sub(r"\s+", " ", without_controls).strip()
