"""adilet.zan.kz: URLs, response gates, and the classic page markup turned into ordered blocks.

The classic host (`old.adilet.zan.kz`) is read first; the JSON API of the new JavaScript application
carries the same body HTML in `text_content` and is the fallback. Both go through one body parser.
A CAPTCHA or a JavaScript shell served with HTTP 200 is classified *suspect* (a typed result the caller
stores), never parsed into an edition: a false "30 articles deleted" is the worst failure we can have.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import lxml.html
from lxml import etree

from scrapers.sites import Fetched
from scrapers.sites import PageFetcher as _Fetcher
from scrapers.sites import Reply as _Response
from scrapers.sites.adilet import api_url, document_url, edition_url
from tracker.errors import FetchError, ParseError
from tracker.model import ActRequisites, Block, DocumentStatus, ParsedPage
from tracker.normalize import squash
from tracker.structure import ACT_NUMBER, DOC_LINK, dates_in
from tracker.vocabulary import FOOTNOTE_START, PENDING_START

SITE_SUFFIX = re.compile(r'\s*-\s*ИПС\s*"Әділет"\s*$')
STATUS_CODES = {"new": DocumentStatus.IN_FORCE, "upd": DocumentStatus.UPDATED, "yts": DocumentStatus.REPEALED}
"""The status badge's class `status_{code}`: «Новый / Жаңа», «Обновленный / Жаңартылған», «Утративший силу /
Күшін жойған»."""
STATUS_WORDS = (
    (
        re.compile(r"не\s+вступ|күшіне\s+енбеген|not\s+(?:yet\s+)?(?:in|entered)", re.I),
        DocumentStatus.NOT_YET_IN_FORCE,
    ),
    (re.compile(r"утрат|күшін\s+жой|repealed|invalid", re.I), DocumentStatus.REPEALED),
    (re.compile(r"обновл|жаңартыл|updated", re.I), DocumentStatus.UPDATED),
    (re.compile(r"нов|жаңа|new|действ|қолданыста|in\s+force", re.I), DocumentStatus.IN_FORCE),
)
"""Codes not confirmed yet are read from the badge's words, the most specific first."""
DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
TABLE_OF_CONTENTS = {"оглавление", "мазмұны", "table of contents", "contents"}
_LONGEST_CONTENTS = max(map(len, TABLE_OF_CONTENTS))
"""Longer text cannot be a contents heading (`lower` never shortens), so it skips the `lower` call."""
CAPTCHA_MARKERS = (
    "подтвердите, что вы не робот",
    "робот емес екеніңізді",
    "g-recaptcha",
    "h-captcha",
    "smartcaptcha",
    "captcha",
)
_GATE_WORDS = (*CAPTCHA_MARKERS, "<article", "<!--seo_body-->", "</article>", "<h1", 'class="status status_')
"""What the gate looks for in the lower-cased page."""
_GATE_SLICE = 1 << 20
_SHARED_AS = re.compile(rb"%2[Ff]docs%2[Ff]([A-Z][A-Z0-9]{9,10}_?)(?![A-Za-z0-9_])")
"""The document a page's share links name, URL-encoded
(`url=https%3A%2F%2Fadilet.zan.kz%2Frus%2Fdocs%2FZ950002592_`): the page's own id. The body's links to other
acts are plain `/docs/…` hrefs."""
ARTICLE_MARKERS = re.compile(r"Статья\s+\d|\d+-бап|Article\s+\d|(?:name|id)=\"z\d+\"")
RED = {"#ff0000", "red", "#f00"}
BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 table tbody thead tr td th ul ol li blockquote article section center".split()
)
SKIP_TAGS = frozenset(("script", "style", "noscript", "img"))
_STRING = etree.XPath("string()")
_CLASS_SEPARATORS = re.compile("[ \t\r\n]+")
"""What XPath's `normalize-space` splits a class attribute on (`str.split` would also split on NBSP)."""
_STATUS_BADGES = etree.XPath(
    "descendant-or-self::*[@class and contains(concat(' ', normalize-space(@class), ' '), ' status ')]"
)
"""`lxml.html`'s `find_class`, which the plain `etree` elements lack."""


@dataclass(frozen=True)
class HistoryEntry:
    """One row of `/history`: an edition (adilet's date, its dated page) and the act that made it."""

    edition: date
    act: str
    act_id: str | None
    status: str
    act_number: str | None = None
    act_date: date | None = None
    url: str | None = None


def decode_body(body: bytes | str) -> str:
    """UTF-8 first (what adilet serves, whatever a header claims), then the declared charset, then cp1251."""
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        declared = re.search(rb'charset=["\']?([\w-]+)', body[:2048])
        for encoding in ((declared.group(1).decode("ascii"),) if declared else ()) + ("cp1251",):
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
        return body.decode("utf-8", errors="replace")


def _html(body: bytes | str) -> Any:
    """The page's root element. UTF-8 bytes go to libxml2 as they are (it parses a Python str several times
    slower), and the plain `etree` parser spares a Python class lookup per element that `lxml.html` does."""
    source: bytes | str = body
    parser = etree.HTMLParser()
    if isinstance(body, bytes):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            source = decode_body(body)
        else:
            parser = etree.HTMLParser(encoding="utf-8")
    try:
        root = etree.fromstring(source, parser)
    except ValueError as exc:
        raise ParseError(f"not an HTML page ({exc})") from None
    if root is None:
        raise ParseError("not an HTML page (Document is empty)")
    if _cut_short(parser.error_log):
        raise ParseError("the page nests elements more than 256 deep; libxml2 stops reading there")
    return root


def _cut_short(log: Any) -> bool:
    """Whether libxml2 stopped reading at one of its limits (elements nested 256 deep): what follows is
    silently missing, so a page read that way would lose articles that are there."""
    return any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in log)


_FEED_BYTES = 1 << 20


def _streamed(body: bytes) -> tuple[Any, list[Block]] | None:
    """The page's root and its `<article>`'s blocks, the article read as the parser goes and dropped from
    the tree once read: a big page never has its whole tree and all its blocks in memory at once. None
    when the page is not UTF-8 or not in the shape that allows it (the page's head — slogan, title —
    complete before the article), or the parser fails: `_html` then builds the whole tree."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parser = etree.HTMLPullParser(events=("start",), tag="article", encoding="utf-8")
    walker = _BodyWalker()
    article = None
    try:
        for start in range(0, len(body), _FEED_BYTES):
            parser.feed(body[start : start + _FEED_BYTES])
            if article is None:
                article = next((element for _, element in parser.read_events()), None)
                if article is None:
                    continue
                if not _head_before(article):
                    return None
            walker.consume(article, parsed=False)
        root = parser.close()
    except (etree.LxmlError, ValueError):
        return None
    if root is None or article is None or not _inside(article, root) or _cut_short(parser.feed_error_log):
        return None  # no page, no article in it (one after `</html>` is not the page's), or cut short
    walker.consume(article, parsed=True)
    walker.close()
    return root, walker.blocks


def _head_before(article: Any) -> bool:
    """Whether what `parse_page` reads outside the article is complete before it: the first slogan closed
    before the article starts, and a title (its `<h1>`, else the page's `<title>`) there too."""
    root = article.getroottree().getroot()
    slogan = _first_of_class(root, "slogan")
    if slogan is None or _inside(article, slogan) or _inside(slogan, article):
        return False
    h1 = slogan.find(".//h1")
    if h1 is not None and _text(h1).strip():
        return True
    title = root.find(".//title")
    return title is not None and not _inside(title, article)


def _inside(element: Any, container: Any) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _text(element: Any) -> str:
    """All text inside an element, what `lxml.html`'s `text_content()` gives."""
    return str(_STRING(element))


def _first_of_class(root: Any, name: str) -> Any:
    """The first element in document order with the class `name`. The slogan heads the page: the walk
    stops there, where an XPath for the first one evaluates every element of the page."""
    for element in root.iter(etree.Element):
        css = element.get("class")
        if css and name in _CLASS_SEPARATORS.split(css):
            return element
    return None


def _lowered_words(text: str, words: tuple[str, ...]) -> set[str]:
    """Which of `words` `text.lower()` holds, lowering a slice at a time so that a big page is not copied
    whole once more. Slices overlap by a word's length (lowering never shortens a text), so a word across
    a cut is found."""
    overlap = max(map(len, words)) - 1
    found: set[str] = set()
    for start in range(0, len(text), _GATE_SLICE):
        piece = text[start : start + _GATE_SLICE + overlap].lower()
        found.update(word for word in words if word in piece)
    return found


def suspect_reason(body: bytes, previous_size: int | None = None, *, ident: str | None = None) -> str | None:
    """Why this 200 answer must not become an edition, or None when it looks like a real document page
    (of document `ident`, when given and the page names the document it is)."""
    if not body or body.isspace():
        return "empty body"
    text = decode_body(body)
    lowered = _lowered_words(text, _GATE_WORDS)
    if any(marker in lowered for marker in CAPTCHA_MARKERS):
        return "CAPTCHA page"
    has_article = "<article" in lowered
    if "<!--seo_body-->" in lowered and not has_article:
        return "JavaScript shell without the text"
    if not has_article:
        return "no <article> body"
    if "</article>" not in lowered:
        return "truncated body (no </article>)"
    if "<h1" not in lowered or 'class="status status_' not in lowered:
        return "no title or status badge"
    if not ARTICLE_MARKERS.search(text):
        return "no article markers or z-anchors"
    if ident is not None and (other := other_document(body, ident)):
        return other
    if previous_size and len(body) < previous_size / 2:
        return f"body collapsed to {len(body) * 100 // previous_size}% of the last good size"
    return None


def other_document(body: bytes, ident: str) -> str | None:
    """Why the page is not document `ident`'s, when its share links name other documents and not it."""
    shared = {found.decode("ascii") for found in _SHARED_AS.findall(body)}
    if shared and ident not in shared:
        return f"the page of another document ({', '.join(sorted(shared))}, not {ident})"
    return None


class _BodyWalker:
    """Flattens the body markup into blocks in document order.

    A footnote is one sentence split around links to the amending acts (`span.note`, `<a>`, `span.note`):
    its pieces join into one note block. A red «Примечание ИЗПИ!» line and the red lines after it join
    into one pending block. Everything else is text, one block per paragraph, heading or table cell.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._mode: str | None = None
        self._parts: list[str] = []
        self._links: list[str] = []
        self._anchor: str | None = None
        self._next_anchor: str | None = None
        self._next_links: list[str] = []
        self._began = False

    def walk(self, element: Any, mode: str = "text", top: bool = True) -> None:
        text = element.text
        if text:
            self._piece(mode, text)
        self._walk_children(iter(element), mode, top)

    def _walk_children(self, children: Iterator[Any], mode: str = "text", top: bool = True) -> None:
        """Each child (comments and skipped tags only by their tails), then its tail. A tail is most often
        the line break between two paragraphs: `_piece`'s first test, here without the call."""
        for child in children:
            tag = child.tag
            if isinstance(tag, str) and tag not in SKIP_TAGS:
                self._element(child, tag, mode, top)
            text = child.tail
            if text:
                if not text.isspace():
                    self._piece(mode, text)
                elif self._mode is not None:
                    self._parts.append(text)

    def consume(self, body: Any, *, parsed: bool) -> None:
        """Walks the children of a body the parser has finished with, as `walk` would, and drops them from
        the tree. Until the page is `parsed` the last child stays: it, or its tail, may still grow.
        No child's Python proxy outlives the walk: lxml frees a removed element in C at once, where one
        still referenced is first moved to a document of its own, a walk over its subtree (half the cost)."""
        count = len(body) - (0 if parsed else 1)
        if count < 0:
            return
        if not self._began:
            self._began = True
            text = body.text
            if text:
                self._piece("text", text)
        self._walk_children(itertools.islice(body, count))
        del body[:count]

    def _element(self, element: Any, tag: str, mode: str, top: bool) -> None:
        if tag == "br":
            if self._mode == "note" or (self._mode == "text" and top):
                self.close()
            elif self._mode is not None:
                self._parts.append(" ")
            return
        anchor = element.get("id") or element.get("name")
        if anchor:
            if self._mode is None:
                self._next_anchor = self._next_anchor or anchor
            elif self._anchor is None:
                self._anchor = anchor
        css = element.get("class")
        if css and "note" in css.split():
            mode = "note"
        elif tag == "font" and (element.get("color") or "").lower() in RED:
            mode = "pending"
        elif tag == "a":
            href = element.get("href")
            if href:
                (self._links if self._mode is not None else self._next_links).append(href)
            mode = "link"
        if tag not in BLOCK_TAGS:
            self.walk(element, mode, top)
            return
        if self._mode is not None:
            self.close()
        if len(element) or mode == "note" or mode == "pending":
            self.walk(element, mode if mode != "link" else "text", top=False)
            self.close()
            return
        text = element.text  # a paragraph of plain text, most of a page: what the walk would do, without it
        if text and not text.isspace():
            self._add("text", squash(text), self._next_anchor, self._next_links)
            self._next_anchor = None
            if self._next_links:
                self._next_links = []

    def _piece(self, mode: str, text: str) -> None:
        if text.isspace():
            if self._mode is not None:
                self._parts.append(text)
            return
        if mode == "text":
            if self._mode != "text":
                self._open("text")
        elif mode == "link":
            if self._mode is None:
                self._open("text")
        elif mode == "note":
            if self._mode != "note" or FOOTNOTE_START.match(text):
                self._open("note")
        elif self._mode != "pending" or PENDING_START.match(text):  # mode == "pending"
            self._open("pending")
        self._parts.append(text)

    def _open(self, mode: str) -> None:
        self.close()
        self._mode = mode
        self._links, self._next_links = self._next_links, []
        self._anchor, self._next_anchor = self._next_anchor, None

    def close(self) -> None:
        """Ends the open block, if any; between blocks the parts and this block's links stay empty."""
        if self._mode is None:
            return
        self._add(self._mode, squash("".join(self._parts)), self._anchor, self._links)
        self._mode = None
        self._parts = []
        self._links = []
        self._anchor = None

    def _add(self, kind: str, text: str, anchor: str | None, links: list[str]) -> None:
        if kind == "note" and not FOOTNOTE_START.match(text):
            kind = "text"  # e.g. «1) Исключен Законом …» is styled as a note but is the law's text
        elif kind == "text" and FOOTNOTE_START.match(text):
            kind = "note"  # old-style footnotes are plain italic paragraphs: `<p><i>Сноска. …</i></p>`
        if text and (len(text) > _LONGEST_CONTENTS or text.lower() not in TABLE_OF_CONTENTS):
            self.blocks.append(Block(text, kind, anchor, tuple(links) if kind != "text" else ()))


def body_blocks(root: Any) -> list[Block]:
    """The blocks of a body element (an `<article>`, or the wrapper of the API's `text_content`)."""
    walker = _BodyWalker()
    walker.walk(root)
    walker.close()
    return walker.blocks


def document_status(code: str, label: str) -> DocumentStatus:
    """The badge's class code (`new`, `upd`, `yts`), else its words, as a typed status."""
    known = STATUS_CODES.get(code.lower())
    if known:
        return known
    return next((status for words, status in STATUS_WORDS if words.search(label)), DocumentStatus.UNKNOWN)


def parse_page(body: bytes | str, language: str) -> ParsedPage:
    """A classic document page → title, status (and the badge's words), requisites and body blocks. A NUL
    byte is dropped (libxml2 would make it a U+FFFD inside a word: a change that is not one)."""
    if isinstance(body, bytes) and b"\0" in body:
        body = body.replace(b"\0", b"")
    streamed = _streamed(body) if isinstance(body, bytes) else None
    doc, blocks = streamed if streamed is not None else (_html(body), None)
    slogan = _first_of_class(doc, "slogan")
    head = doc if slogan is None else slogan
    h1 = head.find(".//h1")
    if h1 is not None and _text(h1).strip():
        title = squash(_text(h1))
    else:
        title = SITE_SUFFIX.sub("", squash(doc.findtext(".//title") or ""))
    code, label = "", ""
    for badge in _STATUS_BADGES(head):
        codes = [c[len("status_") :] for c in (badge.get("class") or "").split() if c.startswith("status_")]
        if codes:
            code, label = codes[0], squash(_text(badge))
            break
    requisites = head.find("p") if slogan is not None else None
    if blocks is None:
        article = doc.find(".//article")
        if article is None:
            raise ParseError("no <article> element: not a classic adilet document page")
        blocks = body_blocks(article)
    return ParsedPage(
        title=title,
        status=document_status(code, label),
        status_label=label,
        requisites=squash(_text(requisites)) if requisites is not None else "",
        language=language,
        blocks=blocks,
    )


def parse_api(payload: bytes | dict[str, Any], language: str) -> ParsedPage:
    """The JSON API answer (`/api/documents/by-ngr/{ID}`): `text_content` through the same body parser.

    Field names other than `text_content` and `is_actual` are unconfirmed; `title` and `status` are read
    when present.
    """
    if not isinstance(payload, dict):
        try:
            payload = json.loads(decode_body(payload))
        except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
            raise ParseError(f"adilet API answer is not JSON ({exc})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("text_content"), str):
        raise ParseError("adilet API answer has no text_content")
    parser = lxml.html.HTMLParser()
    root = lxml.html.fragment_fromstring(
        payload["text_content"] or "<div></div>", create_parent="div", parser=parser
    )
    if _cut_short(parser.error_log):
        raise ParseError(
            "adilet API text_content nests elements more than 256 deep; libxml2 stops reading there"
        )
    article = root.find(".//article")
    label = squash(str(payload.get("status") or ""))
    status = DocumentStatus.REPEALED if payload.get("is_actual") is False else document_status(label, label)
    return ParsedPage(
        title=squash(str(payload.get("title") or "")),
        status=status,
        status_label=label,
        requisites=squash(str(payload.get("requisites") or "")),
        language=language,
        blocks=body_blocks(article if article is not None else root),
    )


def _ethernatable(body: bytes | str) -> Any:
    table = _html(body).find('.//table[@id="ethernatable"]')
    if table is None:
        raise ParseError("no table #ethernatable on the page")
    return table


def _ethernatable_rows(body: bytes | str) -> list[list[Any]]:
    return [row.findall("td") for row in _ethernatable(body).iter("tr") if row.findall("td")]


HISTORY_COLUMNS = (
    ("date", ("дата изменения", "дата редакции", "дата", "өзгерту күні", "күні", "date")),
    ("status", ("статус", "мәртебе", "status")),
    ("info", ("дополнительн", "қосымша", "additional")),
    ("form", ("форма", "нысаны", "орган", "form")),
    ("title", ("заголовок", "документ", "атауы", "құжат", "title", "document")),
    ("number", ("№", "n")),
)
"""What each `/history` column holds, recognised by its header (first matching word wins)."""
_EDITION_LINK = re.compile(r"/docs/[A-Z][A-Z0-9]{9,10}_?/(\d{2})\.(\d{2})\.(\d{4})(?:[/#?]|$)")


def history_columns(headers: list[str]) -> dict[str, int]:
    """Column roles by header text, in whatever order the table has them."""
    roles: dict[str, int] = {}
    for i, header in enumerate(headers):
        text = header.lower().strip()
        for role, words in HISTORY_COLUMNS:
            if role not in roles and any(text == w or (len(w) > 2 and w in text) for w in words):
                roles[role] = i
                break
    return roles


def parse_history(body: bytes | str, language: str) -> list[HistoryEntry]:
    """`/history` → one entry per edition, oldest first: adilet's date (from the date column, else the row's
    dated edition link), the amending act (text, id, number, date) and the row's status. Columns are read
    by their headers («№», «Заголовок», «Форма НПА …», «Дополнительная информация», «Дата изменения»,
    «Статус НПА», in any order); a table without recognisable headers is read by what its cells hold."""
    rows = [row.findall("th") or row.findall("td") for row in _ethernatable(body).iter("tr")]
    rows = [cells for cells in rows if cells]
    roles: dict[str, int] = {}
    if rows and not any(DATE.search(_text(cell)) for cell in rows[0]):
        roles = history_columns([squash(_text(cell)) for cell in rows.pop(0)])
    entries = []
    for cells in rows:
        entry = _history_row(cells, roles)
        if entry is not None:
            entries.append(entry)
    return sorted(entries, key=lambda e: e.edition)


def _day(match: re.Match[str] | None) -> date | None:
    """The day a dd.mm.yyyy match names; None for no match or a day no calendar has (31.02.2026)."""
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _history_row(cells: list[Any], roles: dict[str, int]) -> HistoryEntry | None:
    texts = [squash(_text(cell)) for cell in cells]
    links = [a.get("href") or "" for cell in cells for a in cell.iter("a")]
    dated = next((m for href in links if (m := _EDITION_LINK.search(href))), None)
    url = next((href for href in links if _EDITION_LINK.search(href)), None)

    def cell(role: str) -> str:
        i = roles.get(role)
        return texts[i] if i is not None and i < len(texts) else ""

    found = DATE.search(cell("date")) or next((m for t in texts if (m := DATE.search(t))), None)
    edition = _day(found) or _day(dated)
    if edition is None:
        return None
    act = cell("title") or cell("form")
    if not roles:  # no headers: the act is the first cell that is not the date
        act = next((t for t in texts if t != found.group(0)), "") if found else ""
    act_ids = [
        m.group(1) for href in links if not _EDITION_LINK.search(href) and (m := DOC_LINK.search(href))
    ]
    requisites = " ".join(t for t in (act, cell("form"), cell("info")) if t)
    number = ACT_NUMBER.search(requisites)
    act_dates = dates_in(requisites)
    status = cell("status") if roles else (texts[-1] if len(texts) > 2 else "")
    return HistoryEntry(
        edition=edition,
        act=act,
        act_id=act_ids[0] if act_ids else None,
        status=status,
        act_number=number.group("n") if number else None,
        act_date=act_dates[0][1] if act_dates else None,
        url=url,
    )


def parse_info(body: bytes | str) -> dict[str, str]:
    """`/info` → the requisites card, label → value (labels without their trailing colon)."""
    return {
        squash(_text(cells[0])).rstrip(":"): squash(_text(cells[1]))
        for cells in _ethernatable_rows(body)
        if len(cells) >= 2
    }


_ADOPTED_LABEL = re.compile(r"дата\s+принятия|қабылдан|adopt", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"публикац|опубликован|жариялан|publication|published", re.IGNORECASE)


def _dates_under(card: dict[str, str], label: re.Pattern[str]) -> list[date]:
    return [day for name, value in card.items() if label.search(name) for _, day in dates_in(value)]


def act_requisites(body: bytes | str) -> ActRequisites:
    """An act's `/info` → its adoption date, its first official publication date (the earliest of the
    «Дата официальной публикации …» and «Официальная публикация» rows: relative in-force rules count from
    it) and its title."""
    card = parse_info(body)
    adopted = next(
        (d for label, v in card.items() if _ADOPTED_LABEL.search(label) for _, d in dates_in(v)), None
    )
    published = min(
        (d for label, v in card.items() if _PUBLISHED_LABEL.search(label) for _, d in dates_in(v)),
        default=None,
    )
    root = _html(body)
    h1 = root.find(".//h1")
    title = (
        squash(_text(h1)) if h1 is not None else SITE_SUFFIX.sub("", squash(root.findtext(".//title") or ""))
    )
    return ActRequisites(
        published=published,
        adopted=adopted,
        title=title,
        note="" if published else "adilet's requisites card gives no publication date yet",
    )


class AdiletSource:
    """Fetches one language expression of a document: the classic page first, the JSON API as a fallback."""

    FALLBACK_REASONS = ("JavaScript shell without the text", "no <article> body")

    def __init__(self, fetcher: _Fetcher, base_url: str, api_url: str):
        self.fetcher = fetcher
        self.base_url = base_url
        self.api_url = api_url

    def fetch_text(
        self,
        ident: str,
        language: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_size: int | None = None,
        on: date | None = None,
    ) -> Fetched:
        """Never raises for a bad 200 answer: it comes back with `suspect` set. FetchError still propagates
        when the classic host cannot be reached at all."""
        url = (
            edition_url(self.base_url, ident, language, on)
            if on
            else document_url(self.base_url, ident, language)
        )
        reply = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        if reply.not_modified:
            return _fetched(reply, None, None)
        reason = suspect_reason(reply.body, previous_size, ident=ident)
        if reason is None:
            try:
                page = parse_page(reply.body, language)
            except ParseError as exc:
                return _fetched(reply, f"unparseable page ({exc})", None)
            if not page.blocks:  # a past edition of nothing would read as «every article added» after it
                return _fetched(reply, "the page has no text", None)
            return _fetched(reply, None, page)
        if on is None and reason in self.FALLBACK_REASONS:
            fallback = self._from_api(ident, language)
            if isinstance(fallback, Fetched):
                return fallback
            reason = f"{reason}; API fallback: {fallback}"
        return _fetched(reply, reason, None)

    def _from_api(self, ident: str, language: str) -> Fetched | str:
        """The API result when it passes the gates, else why it did not."""
        try:
            reply = self.fetcher.get(api_url(self.api_url, ident, language))
            page = parse_api(reply.body, language)
        except (FetchError, ParseError) as exc:
            return str(exc)
        if not any(ARTICLE_MARKERS.search(block.text) for block in page.blocks) and not any(
            block.anchor for block in page.blocks
        ):
            return "no article markers or z-anchors in text_content"
        return _fetched(reply, None, page)


def _fetched(reply: _Response, suspect: str | None, page: ParsedPage | None) -> Fetched:
    return Fetched(
        url=reply.url,
        status=reply.status,
        body=reply.body,
        etag=reply.etag,
        last_modified=reply.last_modified,
        not_modified=reply.not_modified,
        suspect=suspect,
        page=page,
    )
