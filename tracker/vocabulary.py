"""The words of adilet's footnotes and notices, in Russian, Kazakh and English: one place for every reader.

The site's parser (`scrapers.adilet`) uses them to tell a footnote or a notice from the law's text; the
structure builder (`tracker.structure`) to read what each amending act did and when it bites.
"""

from __future__ import annotations

import re
import sys

from tracker.model import AmendmentKind

_CASE_SAFE = re.compile("[^\x00-\x7f\u0400-\u04ff\u2000-\u206f\u00a0\u00a7\u00ab\u00ad\u00b0\u00bb\u2116]")
"""A character outside ASCII, Cyrillic (Kazakh letters included) and uncased punctuation. Within them
`re.IGNORECASE` sees two letters as one exactly when `str.lower` makes them one, one letter for one
(`re` alone also folds «ı», «ſ» and the rare Cyrillic shapes U+1C80–U+1C88, all outside)."""


def lowered(text: str) -> str | None:
    """`text.lower()` when a `Caseless` pattern finds on it what it would find on `text` (same positions),
    else None."""
    return None if _CASE_SAFE.search(text) else text.lower()


class Caseless:
    """A case-insensitive pattern, written in lower case, also compiled plain to run on a `lowered` text:
    there the regex engine skips to the letters a match can open with, where `re.IGNORECASE` tries every
    alternative at every character (footnotes and notices are scanned several times each). Its matches
    give positions and group names; their text is the lowered one. `scout`: the same alternatives, in the
    same order, without the groups around them, which hide their first letters from the engine: it finds
    where the first match starts, and the pattern is matched there."""

    def __init__(self, source: str, scout: str | None = None) -> None:
        if any(char.isupper() for char in f"{source}{scout or ''}".replace("(?P<", "")):
            raise ValueError(f"a Caseless pattern is written in lower case: {source!r}")
        self.pattern = re.compile(source, re.IGNORECASE)
        self._plain = re.compile(source)
        self._scout = re.compile(scout) if scout else None

    def search(
        self, text: str, low: str | None, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """`pattern.search(text, pos, endpos)`; `low` is `lowered(text)`."""
        if low is None:
            return self.pattern.search(text, pos, endpos)
        if self._scout is None:
            return self._plain.search(low, pos, endpos)
        found = self._scout.search(low, pos, endpos)
        return None if found is None else self._plain.match(low, found.start(), endpos)


FOOTNOTE_START = re.compile(r"^\s*(?:Сноска|Ескерту|Footnote)\s*\.\s*", re.IGNORECASE)
"""«Сноска.» / «Ескерту.» / «Footnote.»: a footnote naming the acts that changed the provision above it."""
PENDING_START = re.compile(
    r"^\s*(?:Примечание\s+(?:ИЗПИ|РЦПИ)|(?:ҚР\s+ӘМ\s+)?ЗҚАИ-ның\s+ескертпесі"
    r"|Note\s+(?:of|by)\s+(?:the\s+)?(?:IZPI|ILLI|RCLI))\s*!\s*",
    re.IGNORECASE,
)
"""«Примечание ИЗПИ!»: the editors' notice, announcing a change not yet in force or merely commenting."""
ANNOUNCES = Caseless(r"предусматрива|көзделген|көзделеді|көзделуде|envisaged|planned")
"""A notice announcing a change adopted but not yet in force («предусматривается изменение …»)."""
AMENDMENT_VERBS: tuple[tuple[AmendmentKind, str], ...] = (
    (AmendmentKind.WORDS_REPLACED, r"заменен|ауыстырыл|replaced"),
    (AmendmentKind.NEW_WORDING, r"в\s+редакции|редакцияда|new\s+wording|as\s+worded"),
    (AmendmentKind.REPEALED, r"исключ|тасталды|excluded|deleted|утра[тч]|күші\s+жойыл"),
    (AmendmentKind.SUPPLEMENTED, r"дополн|толықтырыл|supplemented"),
    (AmendmentKind.AMENDED, r"изменени|өзгеріс|amend"),
)
"""The verbs of each kind of amendment, the more specific kinds first."""
AMENDMENT_KIND = Caseless(
    "|".join(f"(?P<{kind.value}>{verbs})" for kind, verbs in AMENDMENT_VERBS),
    scout="|".join(verbs for _, verbs in AMENDMENT_VERBS),
)
"""The first verb before an act's reference says what that act did (the group named after its kind); a
reference without its own verb («…; от 05.11.2022 № 156-VII») did what the one before it did."""
REPEALED = re.compile(
    r"^(?:Исключен[аоы]?|Утратил[аои]?\s+силу|(?:алынып|алып)\s+тасталды|күші\s+жойылды|Excluded|Deleted|Repealed)\b",
    re.IGNORECASE,
)
"""A provision that is only the note of its repeal («Исключена Законом РК от …»)."""
WHOLE_TEXT = Caseless(r"по\s+всему\s+тексту|бүкіл\s+мәтін|throughout\s+the\s+text")
"""A change to the whole text («По всему тексту слова … заменены …»): it belongs to the document."""
WHOLE_ACT = re.compile(
    r"^(?:(?:Настоящий|Конституционный|Закон|Кодекс|Указ|Постановление|Приказ|Решение|Заң|Конституциялық"
    r"|The|This|Constitutional|Law|Code|Decree|Order)\w*\s+)+(?:РК\s+|Республики\s+Казахстан\s+)?"
    r"(?:утрачивает\s+силу|утратил\w*\s+силу|предусматривается\s+признать\s+утратившим\s+силу"
    r"|күші\s+жойыл|күшін\s+жоя|(?:shall\s+)?lose[sd]?\s+(?:its\s+)?force|(?:is\s+)?repealed)",
    re.IGNORECASE,
)
"""A notice that the act itself loses force («Конституционный закон утрачивает силу …»)."""
IN_FORCE_FROM = re.compile(r"(?:\bс|\bfrom|\bon)\s*$", re.IGNORECASE)
IN_FORCE_SINCE = re.compile(r"\s*бастап")
"""A fixed in-force date: «вводится в действие с 01.03.2016», «2016 жылғы 1 наурыздан бастап»."""
