"""Keys are checked against their site's id pattern; a pasted document address becomes its key."""

from __future__ import annotations

import pytest

from tracker.errors import InputError
from tracker.keys import key_from, parse_key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("https://adilet.zan.kz/rus/docs/Z010000142_", "adilet:Z010000142_"),
        ("https://old.adilet.zan.kz/kaz/docs/K1400000226/ ", "adilet:K1400000226"),
        ("http://adilet.zan.kz/eng/docs/Z2000000333#z5", "adilet:Z2000000333"),
        ("adilet:Z010000142_", "adilet:Z010000142_"),
        ("https://example.org/rus/docs/Z010000142_", "https://example.org/rus/docs/Z010000142_"),
    ],
)
def test_a_pasted_address_is_read_as_its_key(typed: str, key: str) -> None:
    assert key_from(typed) == key


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("Z010000142_", "expected SOURCE:ID"),
        ("adlet:Z01", "unknown source 'adlet' in 'adlet:Z01': use one of adilet, legalacts, mazhilis, file"),
        ("adilet:z0100", "adilet ids look like Z010000142_ or K1400000226"),
        ("legalacts:draft-1", "legalacts ids look like 15900101"),
    ],
)
def test_a_bad_key_names_what_is_wrong(key: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_key(key)
    assert parse_key("mazhilis:1234") == ("mazhilis", "1234")
