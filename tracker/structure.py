"""Legal structure: ordered blocks of any source → provisions with eIds, amendments and scheduled changes.

Works on adilet pages, the JSON API, plain text and DOCX paragraphs alike, in Russian, Kazakh and English,
because it reads only the words of the law: «Статья 10-1.» / «10-1-бап.» / «Article 10-1.», «Глава 2» /
«2-тарау» / «Chapter 2», «Раздел I» / «Бөлім» / «Section», code «параграф»s, appendices. Footnotes
(«Сноска.» / «Ескерту.» / «Footnote.») become `Amendment`s, never text; a «Примечание ИЗПИ!» that announces
a change becomes a scheduled amendment with the date it bites; other editorial notices are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from tracker.model import Amendment, Block, Document, ParsedPage, Provision
from tracker.normalize import normalize

FOOTNOTE_START = re.compile(r"^\s*(?:Сноска|Ескерту|Footnote)\s*\.\s*", re.IGNORECASE)
PENDING_START = re.compile(
    r"^\s*(?:Примечание\s+(?:ИЗПИ|РЦПИ)|(?:ҚР\s+ӘМ\s+)?ЗҚАИ-ның\s+ескертпесі"
    r"|Note\s+(?:of|by)\s+(?:the\s+)?(?:IZPI|ILLI|RCLI))\s*!\s*",
    re.IGNORECASE,
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
    r"^(?:Президент\s+Республики\s+Казахстан|Қазақстан\s+Республикасының\s+Президенті"
    r"|President\s+of\s+the\s+Republic\s+of\s+Kazakhstan)$",
    re.IGNORECASE,
)
REPEALED = re.compile(
    r"^(?:Исключен[аоы]?|Утратил[аои]?\s+силу|(?:алынып|алып)\s+тасталды|күші\s+жойылды|Excluded|Deleted|Repealed)\b",
    re.IGNORECASE,
)
WHOLE_TEXT = re.compile(r"По\s+всему\s+тексту|Бүкіл\s+мәтін|throughout\s+the\s+text", re.IGNORECASE)
ANNOUNCES = re.compile(r"предусматрива|көзделген|көзделеді|көзделуде|envisaged|planned", re.IGNORECASE)
AMENDMENT_KIND = re.compile(
    r"(?P<words_replaced>заменен|ауыстырыл|replaced)"
    r"|(?P<new_wording>в\s+редакции|редакцияда|new\s+wording|as\s+worded)"
    r"|(?P<repealed>исключен|тасталды|excluded|deleted)"
    r"|(?P<supplemented>дополнен|толықтырыл|supplemented)"
    r"|(?P<amended>изменени|өзгеріс|amend)",
    re.IGNORECASE,
)
"""The first of these words in a footnote says what the act did."""
ACT_NUMBER = re.compile(r"(?:№|\bN|\bNo\.?)\s?(?P<n>\d+(?:-[IVXLCІХ]+)*)(?![\w-])")
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
"""Date patterns that open with `\\b\\d`: each can only match where a number starts."""
_ENGLISH_DATE = re.compile(rf"\b({'|'.join(_ENGLISH_MONTHS)})\s+(\d{{1,2}}),\s+(\d{{4}})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def _month(word: str) -> int | None:
    word = word.lower()
    if word.isdecimal():
        return int(word)
    found = _MONTHS.get(word.translate(_LATIN_LOOKALIKES)) or _MONTHS.get(word)
    if found:
        return found
    return next((i for i, stem in enumerate(_KAZ_MONTHS, 1) if word.startswith(stem)), None)


def _date_matches(text: str) -> Iterator[tuple[re.Match[str], tuple[int, int, int]]]:
    """What `finditer` of each date pattern gives, with the groups of year, month and day, but tried only
    where a number starts (an English date: only when a number is followed by a comma) instead of at
    every character: footnotes are dense with text and this scan dominated building a document."""
    numbers = [number.span() for number in _NUMBER.finditer(text)]
    for pattern, order in _NUMBER_DATES:
        end = 0
        for start, _ in numbers:
            if start >= end and (match := pattern.match(text, start)):
                end = match.end()
                yield match, order
    if any(text.startswith(",", end) for _, end in numbers):
        for match in _ENGLISH_DATE.finditer(text):
            yield match, (3, 1, 2)


def dates_in(text: str) -> list[tuple[int, date]]:
    """Every date written in a legal text (dd.mm.yyyy, Kazakh yyyy.mm.dd, «6 мая 1999», «2015 жылғы 28
    қазандағы», «October 28, 2015»), with its position, in text order."""
    found = []
    for match, (y, m, d) in _date_matches(text):
        month = _month(match.group(m))
        try:
            if month:
                found.append((match.start(), date(int(match.group(y)), month, int(match.group(d)))))
        except ValueError:
            continue
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


def heading(text: str, points: bool = False) -> _Heading | None:
    """What a paragraph opens, if it is a heading: article, section, chapter, subchapter, appendix, point."""
    found = _match_heading(ARTICLE, text)
    if found:
        return _Heading("article", 9, *found)
    for kind, rank, pattern in CONTAINERS:
        found = _match_heading(pattern, text)
        if found:
            return _Heading(kind, rank, *found)
    if len(text) < 400 and not text.endswith((".", ";", ":")):
        appendix = APPENDIX.match(text) or KAZAKH_APPENDIX.search(text)
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


@dataclass(frozen=True)
class _ActReference:
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


def _amendment_kind(body: str) -> str:
    found = AMENDMENT_KIND.search(body)
    return found.lastgroup or "amended" if found else "amended"


def footnote_amendments(text: str, links: tuple[str, ...] = ()) -> list[Amendment]:
    """A «Сноска» → one amendment per act it cites (a footnote grows an act at a time, so a new act is a
    new amendment and the older ones stay equal between editions)."""
    body = normalize(FOOTNOTE_START.sub("", text, count=1))
    kind = _amendment_kind(body)
    references = _references(body)
    ids = _act_ids(links)
    if not references:
        return [Amendment(kind=kind, text=body, act_id=ids[0] if ids else None)]
    lead = body[: references[0].start].strip()
    amendments = []
    for i, ref in enumerate(references):
        own = body if len(references) == 1 else f"{lead} {body[ref.start : ref.end]}"
        act_id = ids[i] if len(ids) == len(references) else (ids[0] if len(ids) == 1 and i == 0 else None)
        amendments.append(
            Amendment(
                kind=kind,
                text=own.strip(),
                act_id=act_id,
                act_number=ref.number,
                act_date=ref.when,
                in_force=ref.in_force,
            )
        )
    return amendments


def scheduled_amendment(text: str, links: tuple[str, ...] = ()) -> Amendment | None:
    """A «Примечание ИЗПИ!» that announces a change adopted but not yet in force, else None (editorial)."""
    body = normalize(PENDING_START.sub("", text, count=1))
    if not ANNOUNCES.search(body):
        return None
    references = _references(body)
    ref = references[-1] if references else None
    in_force = ref.in_force if ref else ""
    effective = dates_in(in_force)
    ids = _act_ids(links)
    return Amendment(
        kind="scheduled",
        text=body,
        act_id=ids[-1] if ids else None,
        act_number=ref.number if ref else None,
        act_date=ref.when if ref else None,
        in_force=in_force,
        effective=effective[0][1] if effective else None,
    )


def _classified(blocks: list[Block]) -> list[Block]:
    """Blocks of plain text or DOCX carry no markup: recognise footnotes and notices by their words, and
    join a lone «Примечание ИЗПИ!» line with the line it heads."""
    result: list[Block] = []
    for block in blocks:
        text = normalize(block.text)
        if not text:
            continue
        kind = block.kind
        if kind == "text" and FOOTNOTE_START.match(text):
            kind = "note"
        elif kind == "text" and PENDING_START.match(text):
            kind = "pending"
        previous = result[-1] if result else None
        if previous and previous.kind == "pending" and not PENDING_START.sub("", previous.text):
            result[-1] = Block(
                f"{previous.text} {text}", "pending", previous.anchor, previous.links + block.links
            )
            continue
        result.append(
            block
            if text == block.text and kind == block.kind
            else Block(text, kind, block.anchor, block.links)
        )
    return result


@dataclass
class _Unit:
    """A provision while it is being built: its paragraphs and its containers are still open."""

    kind: str
    num: str
    heading: str
    parents: tuple[_Unit, ...]
    paragraphs: list[str] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
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
    for unit in units:
        eid = unit.base_eid()
        if eid in used and unit.parents:
            eid = f"{unit.parents[-1].eid}__{eid}"
        candidate, n = eid, 1
        while candidate in used:
            n += 1
            candidate = f"{eid}__{n}"
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
        amendments=unit.amendments,
        repealed=repealed,
    )


def build(page: ParsedPage) -> Document:
    """Blocks in document order → a Document: provisions (containers, preamble, articles — or numbered
    points when the act has no articles), footnotes attached to the provision they follow, pending changes
    to the provision they precede."""
    blocks = _classified(page.blocks)
    points = not any(block.kind == "text" and ARTICLE.match(block.text) for block in blocks)
    units: list[_Unit] = []
    stack: list[tuple[int, _Unit]] = []
    current: _Unit | None = None
    waiting: list[Amendment] = []
    document = Document(page.title, page.status, page.requisites, page.language, provisions=[])

    def settle(target: _Unit | None) -> None:
        (target.amendments if target else document.amendments).extend(waiting)
        waiting.clear()

    for block in blocks:
        if block.kind == "note":
            notes = footnote_amendments(block.text, block.links)
            whole = current is None or WHOLE_TEXT.search(block.text)
            (document.amendments if whole else current.amendments).extend(notes)  # type: ignore[union-attr]
            continue
        if block.kind == "pending":
            scheduled = scheduled_amendment(block.text, block.links)
            if scheduled:
                document.scheduled.append(scheduled)
                if WHOLE_TEXT.search(block.text):
                    document.amendments.append(scheduled)
                else:
                    waiting.append(scheduled)
            continue
        if SIGNATURE.match(block.text):
            continue
        found = heading(block.text, points)
        if found is None:
            if current is not None and current.awaits_title and not current.paragraphs:
                current.heading, current.awaits_title = block.text, False
                continue
            settle(current)
            if current is None:
                current = _Unit("preamble", "", "", ())
                units.append(current)
            current.paragraphs.append(block.text)
            continue
        if found.rank < 9:
            while stack and stack[-1][0] >= found.rank:
                stack.pop()
        current = _Unit(
            kind=found.kind,
            num=found.num,
            heading=found.title,
            parents=tuple(unit for _, unit in stack),
            paragraphs=[block.text] if found.kind == "point" else [],
            awaits_title=found.rank < 9 and not found.title,
        )
        units.append(current)
        if found.rank < 9:
            stack.append((found.rank, current))
        settle(current)
    settle(current)
    _assign_eids(units)
    document.provisions = [_provision(unit) for unit in units]
    return document
