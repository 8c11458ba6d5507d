"""The reader's language: message catalogs, dates and the law's own labels for its parts.

Messages are written in English in the code (`_("Summary")`) and translated by gettext catalogs under
`tracker/locale/<ru|kk>/LC_MESSAGES/<domain>.po`; each part of the program that speaks to readers has its
own domain ("zanwatch" for digests and reports, "web" for the web view), so catalogs are edited and
checked separately. Catalogs ship as `.po` text and are compiled in memory on first use: there is no
build step to forget, editable installs and clean clones work as they are, and no generated binary
sits in git. A catalog is a few hundred lines, so compiling it once per process costs milliseconds.

Dates are written 01.07.2026 in every language (as the official sources write them); article, chapter
and point labels as the law's own text writes them: «Статья 7-1», «7-1-бап», «Article 7-1».
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from gettext import NullTranslations
from importlib.resources import files
from io import BytesIO
from typing import Literal, get_args

from tracker.errors import InputError

Language = Literal["rus", "kaz", "eng"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "rus"
DOMAIN = "zanwatch"
"""The catalog domain of digests and reports."""

_LOCALES: dict[str, str] = {"rus": "ru", "kaz": "kk", "eng": "en"}
_EID = re.compile(r"^(?P<prefix>[a-z]+)_(?P<num>[^_]+)$")
_EID_KINDS = {
    "art": "article",
    "para": "point",
    "chp": "chapter",
    "sec": "section",
    "subchp": "subchapter",
    "app": "appendix",
}


def translator(language: str, domain: str = DOMAIN) -> NullTranslations:
    """The gettext translator for `rus`, `kaz` or `eng` (English is the source: messages pass through).

    Use `.gettext(msg)` and `.ngettext(singular, plural, n)`; a language without a catalog for `domain`
    also passes messages through, so a missing catalog shows English rather than failing.
    """
    return _translator(check_language(language), domain)


def check_language(language: str) -> Language:
    """The language code, or InputError naming the known ones."""
    for known in LANGUAGES:
        if language == known:
            return known
    raise InputError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")


def locale_tag(language: str) -> str:
    """The BCP 47 tag for HTML `lang` attributes: ru, kk, en."""
    return _LOCALES[check_language(language)]


def format_date(value: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    """01.07.2026; an empty string for no date."""
    check_language(language)
    return f"{value:%d.%m.%Y}" if value else ""


def provision_label(kind: str, num: str, language: str = DEFAULT_LANGUAGE) -> str:
    """«Статья 7-1» / «7-1-бап» / «Article 7-1»; likewise chapters, sections, points and appendices."""
    _ = translator(language).gettext
    labels = {
        "article": _("Article {num}"),
        "point": _("Point {num}"),
        "chapter": _("Chapter {num}"),
        "section": _("Section {num}"),
        "subchapter": _("Paragraph {num}"),
        "appendix": _("Appendix {num}") if num else _("Appendix"),
        "preamble": _("Preamble"),
    }
    return labels.get(kind, "{num}").format(num=num).strip()


def eid_label(eid: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The label of an Akoma Ntoso eid as the reader knows it: `art_7-1` → «Статья 7-1».

    A nested eid (`chp_2__art_1`, an appendix's own article) is labelled by its last part.
    """
    last = eid.rsplit("__", 1)[-1]
    if last.isdigit() and "__" in eid:  # a repeated eid's counter: `art_1__2`
        last = eid.rsplit("__", 2)[-2]
    if last == "preamble":
        return provision_label("preamble", "", language)
    m = _EID.match(last)
    if not m or m.group("prefix") not in _EID_KINDS:
        return eid
    return provision_label(_EID_KINDS[m.group("prefix")], m.group("num"), language)


@cache
def _translator(language: Language, domain: str) -> NullTranslations:
    if language == "eng":
        return NullTranslations()
    locale = _LOCALES[language]
    po = files("tracker") / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return NullTranslations()
    from babel import Locale  # here, not at import: a command that prints only tables never needs Babel
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    catalog = read_po(BytesIO(po.read_bytes()), locale=Locale.parse(locale), domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)
