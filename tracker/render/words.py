"""The words digests and reports share, in the reader's language: kinds of change, severities, directions,
themes, amending acts. One place, so an e-mail and a forwarded report name things alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from scrapers.adilet import document_url
from tracker.i18n import Language, check_language, format_date, translator
from tracker.model import Amendment, Description

if TYPE_CHECKING:
    from tracker.render import Side

ADILET = "https://adilet.zan.kz"
"""Where amending acts are read, unless the configuration's `public_url` says otherwise."""


@dataclass(frozen=True)
class FlagView:
    """A rule's verdict as the reader sees it: every word in the reader's language but the law's own."""

    severity: str
    severity_label: str
    direction: str
    direction_label: str
    theme_label: str
    reason: str
    matched: list[str]


@dataclass(frozen=True)
class ActView:
    """The amending act a footnote names, linked to its page on adilet."""

    kind_label: str
    label: str
    url: str | None
    in_force: str


class Words:
    """Labels in one language; `gettext`/`ngettext` for a caller's own phrases."""

    def __init__(self, language: str):
        self.language: Language = check_language(language)
        t = translator(self.language)
        self.gettext, self.ngettext = t.gettext, t.ngettext

    def date(self, value: date | None) -> str:
        return format_date(value, self.language)

    def title(self, from_side: Side, to_side: Side) -> str:
        """A report's title: the law and the dates of the two editions compared."""
        _ = self.gettext
        dates = " → ".join(
            _("edition of {date}").format(date=self.date(side.date))
            for side in (from_side, to_side)
            if side.date
        )
        name = to_side.title or to_side.label
        return f"{name}: {dates}" if dates else name

    def kind(self, kind: str) -> str:
        _ = self.gettext
        kinds = {
            "inserted": _("added"),
            "repealed": _("repealed"),
            "substituted": _("amended"),
            "renumbered": _("renumbered"),
        }
        return kinds.get(kind, _("amended"))

    def flag(
        self, *, severity: str, direction: str, theme: str, description: Description, matched: list[str]
    ) -> FlagView:
        """The rule's reason in the reader's language, as the pack words it (English where it gives none)."""
        _ = self.gettext
        return FlagView(
            severity=severity,
            severity_label=self.severity(severity),
            direction=direction,
            direction_label={"restricts": _("restricts"), "relaxes": _("relaxes")}.get(
                direction, _("neutral")
            ),
            theme_label=self.theme(theme),
            reason=description.text(self.language),
            matched=[w for w in matched if w],
        )

    def act(self, a: Amendment, base_url: str, document_language: str) -> ActView:
        """'supplemented by № 109-VIII от 05.07.2024; вступает в силу …', linked to the act on adilet."""
        _ = self.gettext
        number, when = a.act_number, self.date(a.act_date)
        if number and when:
            label = _("No. {number} of {date}").format(number=number, date=when)
        elif number:
            label = _("No. {number}").format(number=number)
        else:
            label = _("amending act of {date}").format(date=when) if when else _("amending act")
        in_force = (
            _("in force from {date}").format(date=self.date(a.effective))
            if a.effective
            else (f"«{a.in_force}»" if a.in_force else "")
        )
        verbs = {
            "amended": _("amended by"),
            "new_wording": _("new wording by"),
            "repealed": _("repealed by"),
            "supplemented": _("supplemented by"),
            "words_replaced": _("words replaced by"),
            "act_repealed": _("repealed by"),
            "scheduled": _("announced by"),
        }
        url = document_url(base_url, a.act_id, document_language) if a.act_id else None
        return ActView(verbs.get(a.kind, _("amended by")), label, url, in_force)

    def severity(self, severity: str) -> str:
        _ = self.gettext
        labels = {
            "info": _("info"),
            "low": _("low"),
            "medium": _("medium"),
            "high": _("high"),
            "critical": _("critical"),
        }
        return labels.get(severity, severity)

    def theme(self, theme: str) -> str:
        _ = self.gettext
        labels = {
            "association": _("freedom of association"),
            "ngo_reporting": _("NGO reporting"),
            "foreign_funding": _("foreign funding"),
            "liquidation": _("suspension and liquidation"),
            "assembly": _("peaceful assembly"),
            "expression": _("freedom of expression"),
            "media": _("media"),
            "online": _("online speech"),
            "internet_shutdown": _("internet shutdowns"),
            "extremism": _("extremism"),
            "religion": _("freedom of religion"),
            "lgbt": _("LGBT rights"),
            "privacy": _("privacy"),
            "international_law": _("international law"),
            "participation": _("public participation"),
            "charity": _("charity"),
            "trade_unions": _("trade unions"),
        }
        return labels.get(theme, theme)
