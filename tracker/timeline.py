"""The legal timeline in plain data: which acts a document mentions, for which provision, pending or in force,
and when a pending change bites.

An amending act is named by footnotes («Сноска. … Законом РК от 28.10.2015 № 370-V») once its text is in
force, and by «Примечание ИЗПИ! … предусматривается …» notices while it is adopted but pending. Both become
`Mention`s: one act, one provision (or the whole document), one verb. Storage turns mentions into act
records with a state; nothing here knows about SQL or HTTP.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from tracker.model import Amendment, Document

ActState = Literal["announced", "in_force", "superseded"]
ACT_STATES: tuple[ActState, ...] = ("announced", "in_force", "superseded")
WHOLE_DOCUMENT = ""
"""The eid of a mention about the whole act («По всему тексту …», «… утрачивает силу …»)."""


@dataclass(frozen=True)
class Mention:
    """One act named about one provision (eid "" for the whole document), pending or in force."""

    eid: str
    amendment: Amendment
    pending: bool

    @property
    def kind(self) -> str:
        """The verb: what the act does here (`act_repealed` when a notice says the whole act loses force)."""
        return str(self.amendment.kind)


def today_in(timezone: str) -> date:
    """In-force dates are calendar days in Kazakhstan, not in UTC."""
    return datetime.now(ZoneInfo(timezone)).date()


def act_key(a: Amendment) -> str | None:
    """How an act is told apart: adilet's id when the note links it, else its number and date; None when
    the note names no act at all."""
    if a.act_id:
        return a.act_id
    if a.act_number:
        return f"{a.act_number}/{a.act_date.isoformat() if a.act_date else '?'}"
    return None


def mentions(doc: Document) -> list[Mention]:
    """Every act mention in a document, in document order; each (act, provision, pending) once."""
    pending = set(doc.scheduled)
    found: list[Mention] = []
    seen: set[tuple[str, str, bool]] = set()
    attached: set[Amendment] = set()

    def add(eid: str, a: Amendment) -> None:
        key = act_key(a)
        is_pending = a.scheduled or a in pending
        if key is None or (key, eid, is_pending) in seen:
            return
        seen.add((key, eid, is_pending))
        found.append(Mention(eid, a, is_pending))

    for provision in doc.provisions:
        for a in provision.amendments:
            attached.add(a)
            add(provision.eid, a)
    for a in doc.amendments + doc.scheduled:
        if a not in attached:
            add(WHOLE_DOCUMENT, a)
    return found


# ---- in-force dates ---------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "одного": 1, "один": 1, "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "пяти": 5,
    "шести": 6, "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10, "пятнадцати": 15, "двадцати": 20,
    "тридцати": 30, "шестидесяти": 60, "девяноста": 90,
    "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8, "тоғыз": 9,
    "он": 10, "он бес": 15, "жиырма": 20, "отыз": 30, "алпыс": 60, "тоқсан": 90,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
_COUNT = r"(?P<n>\d+|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
_RELATIVE = re.compile(
    rf"(?:по\s+истечении\s+{_COUNT}\s+(?:календарных\s+)?(?P<unit_ru>дн|месяц|год|лет)"
    rf"|{_COUNT.replace('<n>', '<n_kz>')}\s+(?:күнтізбелік\s+)?(?P<unit_kz>күн|ай|жыл)\w*\s+өткен"
    rf"|{_COUNT.replace('<n>', '<n_en>')}\s+(?:calendar\s+)?(?P<unit_en>day|month|year)s?\s+after)",
    re.IGNORECASE,
)
_FROM_PUBLICATION = re.compile(r"опубликован|жарияла|publication", re.IGNORECASE)


@dataclass(frozen=True)
class RelativeRule:
    """«по истечении N календарных дней / месяцев после дня его первого официального опубликования»."""

    count: int
    unit: Literal["days", "months"]

    def date_from(self, published: date) -> date:
        """The day after the period that starts the day after publication has run out: published 01.01 with
        ten days → in force 12.01; with six months → 02.07 (terms counted as the Civil Code counts them)."""
        if self.unit == "days":
            return published + timedelta(days=self.count + 1)
        months = published.month - 1 + self.count
        year, month = published.year + months // 12, months % 12 + 1
        day = min(published.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=1)


def relative_rule(in_force: str) -> RelativeRule | None:
    """The relative rule in an in-force text, if it counts from the act's first official publication."""
    match = _RELATIVE.search(in_force)
    if not match or not _FROM_PUBLICATION.search(in_force):
        return None
    word = (match.group("n") or match.group("n_kz") or match.group("n_en")).lower()
    count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    unit = (match.group("unit_ru") or match.group("unit_kz") or match.group("unit_en")).lower()
    if unit in ("год", "лет", "жыл", "year"):
        return RelativeRule(count * 12, "months")
    return RelativeRule(count, "months" if unit in ("месяц", "ай", "month") else "days")


@dataclass(frozen=True)
class InForce:
    """When a change bites, or why that is not known yet."""

    effective: date | None
    reason: str = ""


def in_force(a: Amendment, published: date | None, info_note: str = "") -> InForce:
    """The date a mention's change takes effect: the fixed date in its note, else its relative rule counted
    from the amending act's publication date (from adilet's `/info`), else unknown with the reason."""
    if a.effective is not None:
        return InForce(a.effective)
    if not a.in_force:
        return InForce(None, "the note gives no in-force date")
    rule = relative_rule(a.in_force)
    if rule is None:
        return InForce(None, f"in-force rule not understood: «{a.in_force}»")
    if published is not None:
        return InForce(rule.date_from(published))
    if not a.act_id:
        return InForce(None, "counted from the act's publication, but the note does not link the act")
    return InForce(None, info_note or "counted from the act's publication date, not yet read from adilet")
