"""Legal structure: ordered blocks of any source → provisions with eIds, amendments and scheduled changes.

Works on adilet pages, the JSON API, plain text and DOCX paragraphs alike, in Russian, Kazakh and English,
because it reads only the words of the law: «Статья 10-1.» / «10-1-бап.» / «Article 10-1.», «Глава 2» /
«2-тарау» / «Chapter 2», «Раздел I» / «Бөлім» / «Section», code «параграф»s, appendices. Footnotes
(«Сноска.» / «Ескерту.» / «Footnote.») become `Amendment`s, never text; a «Примечание ИЗПИ!» that announces
a change becomes a scheduled amendment with the date it bites; other editorial notices are dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tracker.model import Amendment, AmendmentKind, Block, Document, ParsedPage, Provision
from tracker.normalize import normalize
from tracker.vocabulary import (
    AMENDMENT_KIND,
    ANNOUNCES,
    FOOTNOTE_START,
    IN_FORCE_FROM,
    IN_FORCE_SINCE,
    PENDING_START,
    REPEALED,
    WHOLE_ACT,
    WHOLE_TEXT,
    Caseless,
    lowered,
)

_NUM = r"\d+(?:-\d+)*"
_ORDINAL = r"(?:\d+(?:-\d+)*|[IVXLCІХ]+)"
_AFTER = r"(?P<sep>\s*\.\s*|\s+|$)(?P<title>.*)$"
"""After a heading's number: a full stop, or a space before a capitalised title, or nothing."""


def _pattern(*forms: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(forms) + r")" + _AFTER, re.IGNORECASE | re.DOTALL)


ARTICLE = _pattern(rf"Статья\s+(?P<a>{_NUM})", rf"(?P<b>{_NUM})-бап", rf"Article\s+(?P<c>{_NUM})")
CONTAINERS = (
    (
        "section",
        1,
        _pattern(
            rf"Раздел\s+(?P<a>{_ORDINAL})",
            rf"(?P<b>{_ORDINAL})[-\s]бөлім",
            rf"Бөлім\s+(?P<c>{_ORDINAL})",
            rf"Section\s+(?P<d>{_ORDINAL})",
        ),
    ),
    (
        "chapter",
        2,
        _pattern(rf"Глава\s+(?P<a>{_ORDINAL})", rf"(?P<b>{_ORDINAL})-тарау", rf"Chapter\s+(?P<c>{_ORDINAL})"),
    ),
    (
        "subchapter",
        3,
        _pattern(rf"Параграф\s+(?P<a>{_NUM})", rf"(?P<b>{_NUM})-параграф", rf"Paragraph\s+(?P<c>{_NUM})"),
    ),
)
APPENDIX = re.compile(r"^(?:Приложение|Appendix|Annex)(?:\s+(?P<n>\d+))?\b", re.IGNORECASE)
KAZAKH_APPENDIX = re.compile(r"(?:^|\s)(?:(?P<n>\d+)-)?қосымша$", re.IGNORECASE)
"""«… Заңына 1-қосымша»: Kazakh puts the appendix number at the end of its heading."""
POINT = re.compile(rf"^(?P<a>{_NUM})\.\s+\S")
SIGNATURE = re.compile(
    r"^(?:(?:Президент\s+Республики\s+Казахстан|Қазақстан\s+Республикасының\s+Президенті"
    r"|President\s+of\s+the\s+Republic\s+of\s+Kazakhstan)(?:\s+{name})?|{name})$".format(
        name=r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.\s*(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.\s*)?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ-]{2,}"
    ),
)
"""The signature under the last article: the office, the name as «Н. НАЗАРБАЕВ», or both on one line."""
SIGNATURE_TAIL = re.compile(
    r"^(?:г\.\s*)?(?:Астана|Алматы|Нур-Султан|Акорда|Ақорда)\b|^(?:№|N)\s*\d|^\d{1,2}\s+\w+\s+\d{4}", re.I
)
"""What follows a signature: the place, the date, the act's number."""
BANNER = re.compile(
    r"^(?:Вниманию\s+пользователей\s*!|Пайдаланушылардың\s+назарына\s*!|Attention\s+users\s*!"
    r"|Для\s+удобства\s+пользования\b.*\bоглавлени|Пайдаланушыларға\s+ыңғайлы\b.*\bмазмұн)",
    re.IGNORECASE,
)
"""The site's banner above some acts («Вниманию пользователей! Для удобства пользования РЦПИ создано
ОГЛАВЛЕНИЕ»): the site speaking, not the law."""
NAMED_ARTICLE = Caseless(
    rf"(?:\bстать[яиюеёй]\w*|\barticle)\s+(?P<a>{_NUM})(?![\w-])|(?<![\w-])(?P<b>{_NUM})-бап"
)
"""The article a footnote or notice is about when its subject names one («Статью 7 …», «4-бапқа …»)."""
EMBEDDED_ARTICLE = re.compile(rf"\s(?=(?:Статья\s+{_NUM}|{_NUM}-бап|Article\s+{_NUM})\s*\.)", re.IGNORECASE)
"""An article heading inside a chapter's heading: the site sometimes puts both in one `<h3>`."""
ACT_NUMBER = re.compile(r"(?:№|N(?<!\w.)(?:o\.?)?)\s?(?P<n>\d+(?:-[IVXLCІХ]+)*)(?![\w-])")
"""An act's number: «№ 370-V», «N 376», «No. 12». Each alternative opens with its letter (the `N` not inside
a word, looking back), so that the regex engine skips to a «№» or an `N` instead of trying every place."""
DOC_LINK = re.compile(r"/docs/([A-Z][A-Z0-9]{9,10}_?)(?:[/#?]|$)")
PAREN = re.compile(r"\(([^()]*)\)")

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LATIN_LOOKALIKES = str.maketrans("aceopxyktmhbІХ", "асеорхуктмнвIX")
_ENGLISH_MONTHS = (
    "january february march april may june july august september october november december".split()
)
_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(), 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            "january february march april may june july august september october november december".split(), 1
        )
    },
}
_KAZ_MONTHS = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()
_NUMBER_DATES = (
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), (3, 2, 1)),
    (re.compile(r"\b(\d{4})\.(\d{1,2})\.(\d{1,2})\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{1,2})\s+([^\W\d_]+)\s+(\d{4})\b"), (3, 2, 1)),
    (re.compile(r"\b(\d{4})\s+жылғы\s+(\d{1,2})\s+([^\W\d_]+)"), (1, 3, 2)),
)
"""Date patterns that open with `\\b\\d`: each can only match where a number starts, one of one or two
digits (the first and third) or of four (the second and fourth), followed by a full stop (the first two)
or a space (the last two)."""
_ENGLISH_DATE = re.compile(rf"\b({'|'.join(_ENGLISH_MONTHS)})\s+(\d{{1,2}}),\s+(\d{{4}})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_DATE_NUMBER = re.compile(r"\d(?<!\d\d)(?:\d?|\d{3})(?=(?P<after>[.\s]))")
"""A whole number that a date pattern can open with: of one or two digits or of four, then a full stop
(the first two patterns) or a space (the last two)."""
_NUMBER_COMMA = re.compile(r",(?<=\d,)")
"""A number followed by a comma: only then can an English date be there. The comma first: the regex
engine skips to a comma at once, where it tests every character for a digit (any script's)."""


def _month(word: str) -> int | None:
    word = word.lower()
    if word.isdecimal():
        return int(word)
    found = _MONTHS.get(word.translate(_LATIN_LOOKALIKES)) or _MONTHS.get(word)
    if found:
        return found
    return next((i for i, stem in enumerate(_KAZ_MONTHS, 1) if word.startswith(stem)), None)


def _date_matches(text: str, until: int | None = None) -> list[tuple[re.Match[str], tuple[int, int, int]]]:
    """What `finditer` of each date pattern gives (by where they start, English dates last), with the groups
    of year, month and day, but tried only where a number starts that the pattern can open with (its
    length, the character after it; an English date: only when a number is followed by a comma) instead of
    at every character: footnotes are dense with text and this scan dominated building a document.
    `until`: only the dates that start before it (a match found there is the same as in the whole text)."""
    until = len(text) if until is None else until
    ends = [0] * len(_NUMBER_DATES)
    found = []
    for number in _DATE_NUMBER.finditer(text):
        start, end = number.span()
        if start >= until:
            break
        which = (0 if number.group("after") == "." else 2) + (end - start == 4)
        pattern, order = _NUMBER_DATES[which]
        if start >= ends[which] and (match := pattern.match(text, start)):
            ends[which] = match.end()
            found.append((match, order))
    if _NUMBER_COMMA.search(text):
        for match in _ENGLISH_DATE.finditer(text):
            if match.start() >= until:
                break
            found.append((match, (3, 1, 2)))
    return found


def _day(match: re.Match[str], order: tuple[int, int, int]) -> date | None:
    y, m, d = order
    month_text = match.group(m)
    month = int(month_text) if month_text.isdecimal() else _month(month_text)
    try:
        return date(int(match.group(y)), month, int(match.group(d))) if month else None
    except ValueError:
        return None


def dates_in(text: str, until: int | None = None) -> list[tuple[int, date]]:
    """Every date written in a legal text (dd.mm.yyyy, Kazakh yyyy.mm.dd, «6 мая 1999», «2015 жылғы 28
    қазандағы», «October 28, 2015»), with its position, in text order; `until`: those starting before it."""
    found = []
    for match, order in _date_matches(text, until):
        day = _day(match, order)
        if day:
            found.append((match.start(), day))
    return sorted(found)


def _arabic(ordinal: str) -> str:
    """«IV» (Cyrillic «І» and «Х» tolerated) → «4»; Arabic numbers pass through."""
    roman = ordinal.upper().translate(_LATIN_LOOKALIKES)
    if not roman or any(ch not in _ROMAN for ch in roman):
        return ordinal
    values = [_ROMAN[ch] for ch in roman]
    return str(sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0], strict=True)))


@dataclass(frozen=True)
class _Heading:
    kind: str
    rank: int
    num: str
    title: str


def _match_heading(pattern: re.Pattern[str], text: str) -> tuple[str, str] | None:
    match = pattern.match(text)
    if not match:
        return None
    title = match.group("title").strip()
    if match.group("sep").strip() != "." and title and not title[0].isupper():
        return None  # «Статья 5 настоящего Закона …» is a sentence, not a heading
    num = next(v for k, v in match.groupdict().items() if k not in ("sep", "title") and v)
    return num.upper().translate(_LATIN_LOOKALIKES) if not num[0].isdigit() else num, title


def heading(text: str, points: bool = False, marked: bool = True) -> _Heading | None:
    """What a paragraph opens, if it is a heading: article, section, chapter, subchapter, appendix, point.
    `marked` False: `_MARKS` found none of the words a heading opens with, only the endings are left."""
    if marked:
        found = _match_heading(ARTICLE, text)
        if found:
            return _Heading("article", 9, *found)
        for kind, rank, pattern in CONTAINERS:
            found = _match_heading(pattern, text)
            if found:
                return _Heading(kind, rank, *found)
    if len(text) < 400 and not text.endswith((".", ";", ":")):
        appendix = (APPENDIX.match(text) if marked else None) or KAZAKH_APPENDIX.search(text)
        if appendix:
            return _Heading("appendix", 0, appendix.group("n") or "", text)
    if points and (point := POINT.match(text)):
        return _Heading("point", 9, point.group("a"), "")
    return None


def _act_id(link: str) -> str | None:
    match = DOC_LINK.search(link)
    return match.group(1) if match else None


def _act_ids(links: tuple[str, ...]) -> list[str]:
    """Distinct act ids in link order («№ 30-IV» and «ст.2» of the same act count once)."""
    ids: list[str] = []
    for link in links:
        act = _act_id(link)
        if act and (not ids or ids[-1] != act):
            ids.append(act)
    return ids


def _act_id_of(ref: _ActReference, i: int, ids: list[str], count: int) -> str | None:
    """The linked act id that encodes this reference's year and number (`Z2200000156` is № 156 of 2022);
    else, when every cited act has a link, the link in the same position. Not every act is linked."""
    number = _NUMBER.match(ref.number or "")
    for act in ids:
        digits = act[3:].rstrip("_")
        year = ref.when is None or act[1:3] == f"{ref.when.year % 100:02d}"
        if number and digits.isdecimal() and int(digits) == int(number.group()) and year:
            return act
    return ids[i] if len(ids) == count else None


class _ActReference(NamedTuple):
    """A tuple: a footnote cites one to several acts, a code page has a thousand footnotes."""

    start: int
    end: int
    number: str | None
    when: date | None
    in_force: str


def _references(body: str) -> list[_ActReference]:
    """Each act a note cites: «от 28.10.2015 № 370-V (вводится в действие …)», in text order."""
    numbers = list(ACT_NUMBER.finditer(body))
    dates = dates_in(body)
    references = []
    previous_end = 0
    for i, number in enumerate(numbers):
        limit = numbers[i + 1].start() if i + 1 < len(numbers) else len(body)
        before = [(pos, day) for pos, day in dates if previous_end <= pos < number.start()]
        start = before[-1][0] if before else number.start()
        paren = PAREN.search(body, number.end(), limit)
        end = paren.end() if paren else number.end()
        references.append(
            _ActReference(
                start=start,
                end=end,
                number=number.group("n").translate(_LATIN_LOOKALIKES),
                when=before[-1][1] if before else None,
                in_force=paren.group(1).strip() if paren else "",
            )
        )
        previous_end = end
    if not references and dates:
        references.append(_ActReference(dates[-1][0], len(body), None, dates[-1][1], ""))
    return references


def _first_reference_start(body: str) -> int | None:
    """Where `_references(body)[0]` starts, without reading the references after it."""
    number = ACT_NUMBER.search(body)
    dates = dates_in(body, number.start() if number else None)
    if number:
        return dates[-1][0] if dates else number.start()
    return dates[-1][0] if dates else None


@functools.lru_cache(maxsize=1024)
def effective_date(in_force: str) -> date | None:
    """The fixed date an in-force text names («вводится в действие с 01.07.2026», «… 1 наурыздан бастап»),
    or None for a relative rule («по истечении десяти календарных дней после …»)."""
    for match, order in sorted(_date_matches(in_force), key=lambda found: found[0].start()):
        if IN_FORCE_FROM.search(in_force, 0, match.start()) or IN_FORCE_SINCE.match(in_force, match.end()):
            return _day(match, order)
    return None


_Named = tuple[Amendment, str | None]
"""An amendment and the article its text names as its subject (`named_article`)."""


def _amendments(body: str, low: str | None, links: tuple[str, ...], *, scheduled: bool) -> list[_Named]:
    """One amendment per act a footnote or notice cites (a footnote grows an act at a time, so a new act is
    a new amendment and the older ones stay equal between editions). Each act has its own verb: the first
    verb between the act before it and its own reference, else the verb of the act before it
    («Статья 6 в редакции … ; с изменениями, внесенными … ; от …»). The article each one names comes
    along: an amendment that is the whole note reuses the note's references. `low`: `lowered(body)`."""
    references = _references(body)
    ids = _act_ids(links)
    whole_act = bool(WHOLE_ACT.match(body))

    def kind_of(verb: re.Match[str] | None) -> AmendmentKind:
        kind = AmendmentKind(verb.lastgroup) if verb and verb.lastgroup else AmendmentKind.AMENDED
        return AmendmentKind.ACT_REPEALED if whole_act and kind == AmendmentKind.REPEALED else kind

    if not references:
        act_id = ids[0] if ids else None
        only = Amendment(kind_of(AMENDMENT_KIND.search(body, low)), body, act_id=act_id, scheduled=scheduled)
        return [(only, _named(body, low, None))]
    verb = AMENDMENT_KIND.search(body, low, 0, references[0].start)
    subject = body[: verb.start() if verb else references[0].start].strip()
    phrase, kind = body[len(subject) : references[0].start].strip(), kind_of(verb)
    amendments: list[_Named] = []
    for i, ref in enumerate(references):
        if i and (verb := AMENDMENT_KIND.search(body, low, references[i - 1].end, ref.start)):
            phrase, kind = body[references[i - 1].end : ref.start].strip(" ;,"), kind_of(verb)
        own = body if len(references) == 1 else f"{subject} {phrase} {body[ref.start : ref.end]}"
        text = " ".join(own.split())
        amendment = Amendment(
            kind=kind,
            text=text,
            act_id=_act_id_of(ref, i, ids, len(references)),
            act_number=ref.number,
            act_date=ref.when,
            in_force=ref.in_force,
            effective=effective_date(ref.in_force),
            scheduled=scheduled,
        )
        if text == body:
            named = _named(body, low, references[0].start)
        else:
            named = _named(text, lowered(text), _first_reference_start(text))
        amendments.append((amendment, named))
    return amendments


def footnote_amendments(text: str, links: tuple[str, ...] = ()) -> list[Amendment]:
    """A «Сноска» → one amendment per act it cites."""
    return [amendment for amendment, _ in _footnote(text, links)]


def _footnote(text: str, links: tuple[str, ...]) -> list[_Named]:
    body = normalize(FOOTNOTE_START.sub("", text, count=1))
    return _amendments(body, lowered(body), links, scheduled=False)


def scheduled_amendments(text: str, links: tuple[str, ...] = ()) -> list[Amendment]:
    """A «Примечание ИЗПИ!» that announces a change adopted but not yet in force («предусматривается …»,
    «… утрачивает силу …»), one amendment per act it cites; none for an editorial notice."""
    return [amendment for amendment, _ in _notice(text, links)]


def _notice(text: str, links: tuple[str, ...]) -> list[_Named]:
    body = normalize(PENDING_START.sub("", text, count=1))
    low = lowered(body)
    if not (ANNOUNCES.search(body, low) or WHOLE_ACT.match(body)):
        return []
    return _amendments(body, low, links, scheduled=True)


def named_article(text: str) -> str | None:
    """The article a footnote or notice names as its subject, before its verb or first cited act."""
    return _named(text, lowered(text), _first_reference_start(text))


def _named(text: str, low: str | None, first_reference: int | None) -> str | None:
    verb = AMENDMENT_KIND.search(text, low) or ANNOUNCES.search(text, low)
    end = len(text) if verb is None else verb.start()
    if first_reference is not None:
        end = min(end, first_reference)
    found = NAMED_ARTICLE.search(text, low, 0, end)
    return (found.group("a") or found.group("b")) if found else None


def _split_heading(text: str) -> list[str]:
    """«Глава 6. ОБЩИЕ УСЛОВИЯ Статья 29. …» → the chapter's heading and the article's heading."""
    found = heading(text)
    if found is None or found.kind in ("article", "appendix", "point"):
        return [text]
    merged = EMBEDDED_ARTICLE.search(text)
    return [text[: merged.start()], text[merged.end() :]] if merged else [text]


def _any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern that matches at the start of a text where any of these does (each keeps its own flags;
    group names go, as they repeat): one `match` call rules them all out for the many paragraphs that open
    with none of them, where one call each dominated building a document."""

    def scoped(pattern: re.Pattern[str]) -> str:
        on = "".join(letter for letter, flag in _SCOPED_FLAGS if pattern.flags & flag)
        off = "".join(letter for letter, flag in _SCOPED_FLAGS if not pattern.flags & flag)
        return f"(?{on}{'-' if off else ''}{off}:{_GROUP_NAME.sub('(?:', pattern.pattern)})"

    return re.compile("|".join(scoped(pattern) for pattern in patterns))


_SCOPED_FLAGS = (("i", re.IGNORECASE), ("s", re.DOTALL))
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_MARKS = _any_of(
    BANNER, FOOTNOTE_START, PENDING_START, SIGNATURE, ARTICLE, *(p for _, _, p in CONTAINERS), APPENDIX
)
"""Every pattern that reads a paragraph's opening words (the Kazakh appendix and a point aside)."""

_Line = tuple[str, str, str | None, tuple[str, ...], bool]
"""A block ready to build: text, kind, anchor, links, and whether `_MARKS` matched its text."""


def _classified(blocks: list[Block]) -> list[_Line]:
    """Blocks of plain text or DOCX carry no markup: recognise footnotes and notices by their words, and
    join a lone «Примечание ИЗПИ!» line with the line it heads. The site's banners go; a chapter heading
    that also holds its first article's heading becomes two headings."""
    result: list[_Line] = []
    for block in blocks:
        text = normalize(block.text)
        if not text:
            continue
        kind = block.kind
        marked = _MARKS.match(text) is not None
        if marked:
            if BANNER.match(text):
                continue
            if kind == "text" and FOOTNOTE_START.match(text):
                kind = "note"
            elif kind == "text" and PENDING_START.match(text):
                kind = "pending"
        if result and result[-1][1] == "pending" and not PENDING_START.sub("", result[-1][0]):
            previous, _, anchor, links, _ = result[-1]
            result[-1] = (f"{previous} {text}", "pending", anchor, links + block.links, True)
            continue
        if kind != "text" or not marked:
            result.append((text, kind, block.anchor, block.links, marked))
            continue
        for i, part in enumerate(_split_heading(text)):
            result.append((part, kind, block.anchor if i == 0 else None, block.links, True))
    return result


@dataclass
class _Unit:
    """A provision while it is being built: its paragraphs and its containers are still open."""

    kind: str
    num: str
    heading: str
    parents: tuple[_Unit, ...]
    paragraphs: list[str] = field(default_factory=list)
    amendments: list[_Named] = field(default_factory=list)
    awaits_title: bool = False
    eid: str = ""

    def base_eid(self) -> str:
        prefix = {"section": "sec", "chapter": "chp", "subchapter": "subchp", "appendix": "app"}
        if self.kind == "article":
            return f"art_{self.num}"
        if self.kind == "point":
            return f"para_{self.num}"
        if self.kind == "preamble":
            return "preamble"
        return f"{prefix[self.kind]}_{_arabic(self.num) or 1}"


def _assign_eids(units: list[_Unit]) -> None:
    """`art_10-1`; where that eid is already taken earlier in the document (an appendix's own «Статья 1»,
    a code's «Параграф 1» in every chapter), prefixed with the container's eid, so the main text keeps
    plain, stable eids."""
    used: set[str] = set()
    last: dict[str, int] = {}  # the suffix each eid last took: the search for a free one goes on from
    # there (starting from 1 each time, a page of 40,000 «Статья 1.» took minutes: quadratic)
    for unit in units:
        eid = unit.base_eid()
        if eid in used and unit.parents:
            eid = f"{unit.parents[-1].eid}__{eid}"
        n = last.get(eid, 1)
        candidate = eid if n == 1 else f"{eid}__{n}"
        while candidate in used:
            n += 1
            candidate = f"{eid}__{n}"
        last[eid] = n
        unit.eid = candidate
        used.add(candidate)


def _provision(unit: _Unit) -> Provision:
    paragraphs, heading_text = unit.paragraphs, unit.heading
    if unit.kind == "article" and not paragraphs and REPEALED.match(heading_text):
        paragraphs, heading_text = [heading_text], ""  # «Статья 5. Исключена Законом РК от …»
    text = "\n".join(paragraphs)
    repealed = unit.kind in ("article", "point") and len(paragraphs) == 1 and bool(REPEALED.match(text))
    return Provision(
        eid=unit.eid,
        kind=unit.kind,
        num=unit.num,
        heading=heading_text,
        text=text,
        path=tuple(parent.eid for parent in unit.parents),
        amendments=[amendment for amendment, _ in unit.amendments],
        repealed=repealed,
    )


def _attach_by_name(units: list[_Unit]) -> None:
    """A footnote or notice that names its article («Статью 7 предусматривается дополнить …») belongs to
    that article wherever the site put it (notices at the end of article N otherwise land on N+1): move it
    to the nearest article with that number."""
    articles: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        if unit.kind == "article":
            articles.setdefault(unit.num, []).append(i)
    for i, unit in enumerate(units):
        kept = []
        for named in unit.amendments:
            num = named[1]
            places = articles.get(num or "", [])
            if not places or (unit.kind == "article" and unit.num == num):
                kept.append(named)
            else:
                units[min(places, key=lambda j: abs(j - i))].amendments.append(named)
        unit.amendments = kept


def build(page: ParsedPage) -> Document:
    """Blocks in document order → a Document: provisions (containers, preamble, articles — or numbered
    points when the act has no articles), footnotes attached to the provision they follow, pending changes
    to the provision they precede — or to the article either names; whole-text and whole-act amendments to
    the document."""
    lines = _classified(page.blocks)
    points = not any(kind == "text" and marked and ARTICLE.match(text) for text, kind, _, _, marked in lines)
    units: list[_Unit] = []
    stack: list[tuple[int, _Unit]] = []
    current: _Unit | None = None
    waiting: list[_Named] = []
    signed = False
    document = Document(
        page.title, page.status, page.requisites, page.language, provisions=[], status_label=page.status_label
    )

    def settle(target: _Unit | None) -> None:
        if target:
            target.amendments.extend(waiting)
        else:
            document.amendments.extend(amendment for amendment, _ in waiting)
        waiting.clear()

    for text, kind, _, links, marked in lines:
        if kind != "text":
            found_amendments = _footnote(text, links) if kind == "note" else _notice(text, links)
            plain = [amendment for amendment, _ in found_amendments]
            if kind == "pending":
                document.scheduled.extend(plain)
            whole_text = WHOLE_TEXT.search(text, lowered(text))
            if whole_text or any(a.kind == AmendmentKind.ACT_REPEALED for a in plain):
                document.amendments.extend(plain)
            elif kind == "pending":
                waiting.extend(found_amendments)
            elif current is None:
                document.amendments.extend(plain)
            else:
                current.amendments.extend(found_amendments)
            continue
        if marked and SIGNATURE.match(text):
            signed = True
            continue
        found = heading(text, points, marked)
        if found is None:
            if signed and SIGNATURE_TAIL.match(text):
                continue
            if current is not None and current.awaits_title and not current.paragraphs:
                current.heading, current.awaits_title = text, False
                continue
            if waiting:
                settle(current)
            if current is None:
                current = _Unit("preamble", "", "", ())
                units.append(current)
            current.paragraphs.append(text)
            continue
        signed = False
        if found.rank < 9:
            while stack and stack[-1][0] >= found.rank:
                stack.pop()
        current = _Unit(
            kind=found.kind,
            num=found.num,
            heading=found.title,
            parents=tuple(unit for _, unit in stack),
            paragraphs=[text] if found.kind == "point" else [],
            awaits_title=found.rank < 9 and not found.title,
        )
        units.append(current)
        if found.rank < 9:
            stack.append((found.rank, current))
        settle(current)
    settle(current)
    _attach_by_name(units)
    _assign_eids(units)
    document.provisions = [_provision(unit) for unit in units]
    return document
