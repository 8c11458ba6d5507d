"""The reader's language: labels as the law writes them, dates, complete catalogs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tracker.errors import InputError
from tracker.i18n import LANGUAGES, eid_label, format_date, locale_tag, provision_label, translator

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "article", "chapter", "point"),
    [
        ("rus", "Статья 7-1", "Глава 3", "Пункт 2"),
        ("kaz", "7-1-бап", "3-тарау", "2-тармақ"),
        ("eng", "Article 7-1", "Chapter 3", "Point 2"),
    ],
)
def test_labels_are_written_as_on_the_page(language: str, article: str, chapter: str, point: str) -> None:
    assert provision_label("article", "7-1", language) == article
    assert eid_label("art_7-1", language) == article
    assert eid_label("chp_3", language) == chapter
    assert eid_label("para_2", language) == point


def test_nested_and_repeated_eids_are_labelled_by_their_own_part() -> None:
    assert eid_label("app_1__art_2", "rus") == "Статья 2"
    assert eid_label("art_1__2", "kaz") == "1-бап"
    assert eid_label("preamble", "rus") == "Преамбула"
    assert eid_label("weird", "rus") == "weird"


def test_dates_are_written_day_first_with_a_full_year() -> None:
    assert [format_date(date(2026, 7, 1), lang) for lang in LANGUAGES] == ["01.07.2026"] * 3
    assert format_date(None, "kaz") == ""


def test_an_unknown_language_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match="unknown language 'fra' .*rus, kaz, eng"):
        translator("fra")


def test_russian_plurals_follow_russian_grammar() -> None:
    n_ = translator("rus").ngettext
    forms = [n_("{n} article changed", "{n} articles changed", n).format(n=n) for n in (1, 3, 5, 21)]
    assert forms == ["1 статья изменена", "3 статьи изменены", "5 статей изменено", "21 статья изменена"]


def test_locale_tags_for_html() -> None:
    assert [locale_tag(lang) for lang in LANGUAGES] == ["ru", "kk", "en"]


def test_a_missing_domain_passes_messages_through() -> None:
    assert translator("kaz", domain="no-such-domain").gettext("Summary") == "Summary"


DOMAINS = {
    "zanwatch": [
        ("tracker/i18n.py", "python"),
        ("tracker/notify/**.py", "python"),
        ("tracker/render/**.py", "python"),
        ("tracker/notify/templates/**.j2", "jinja2.ext:babel_extract"),
    ],
    "web": [
        ("tracker/web/**.py", "python"),
        ("tracker/web/templates/**.j2", "jinja2.ext:babel_extract"),
    ],
}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_every_message_of_the_code_is_translated(locale: str, domain: str) -> None:
    """What `pybabel extract` finds for a domain must have a non-empty, non-fuzzy translation."""
    method_map = DOMAINS[domain]
    found = {msg if isinstance(msg, str) else msg[0] for _, _, msg, *_ in extract_from_dir(ROOT, method_map)}
    path = ROOT / "tracker" / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    assert found, "extraction found no messages"
    assert sorted(found - translated) == []
