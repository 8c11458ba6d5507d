"""legalacts.egov.kz («Открытые НПА»): drafts of regulations published for public discussion.

The portal is server-rendered (SOURCES.md §2). Its robots.txt allows the lists and disallows the card pages
(`/npa/view`, `/application/…`), so reading a card is the explicit `[sources.legalacts] follow_cards`
choice; without it only list pages are read, and only where robots.txt allows them. Seen in real pages: the
card's title, labelled items, developer, comment counter, files and text block, and the list's
`div.contentlist` cards with an `h3` link. Unconfirmed: the Kazakh labels, labelled items on list cards,
and `?page=` starting at 1.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import docx
from bs4 import BeautifulSoup, Tag
from docx.table import Table

from scrapers.files import DOCX_ERRORS, refuse_bomb
from scrapers.http import Response
from tracker.errors import FetchError, InputError, ParseError
from tracker.model import Block, DocumentStatus, ParsedPage, Stage, stage_of
from tracker.normalize import normalize

DEFAULT_BASE_URL = "https://legalacts.egov.kz"
LANGUAGES = {"ru": "rus", "kk": "kaz"}
"""The site's `egovLang` cookie value → our document language. With no cookie the site answers in Kazakh."""
USER_AGENT_TOKEN = "ZanWatch"
"""The name robots.txt groups are matched against (the product token of our User-Agent)."""
CONCEPT_TYPES = ("7001", "7002")
"""`types[]` filter values of the concept papers of draft laws (КДРП)."""

_FIELDS = {
    "статус": "status",
    "тип нпа": "type",
    "дата создания": "created",
    "публичное обсуждение до": "deadline",
    "государственный орган нпа": "agency",
    "версия проекта": "version",
    "краткое содержание": "summary",
    # Kazakh labels: unconfirmed translations of the Russian ones above.
    "мәртебесі": "status",
    "нқа түрі": "type",
    "құрылған күні": "created",
    "жария талқылау мерзімі": "deadline",
    "нқа мемлекеттік органы": "agency",
    "жоба нұсқасы": "version",
    "қысқаша мазмұны": "summary",
}
"""Card label (lower case, no colon) → field. A label not listed here is ignored."""
STATUS_STAGES = (
    ("архив", Stage.GOVERNMENT),
    ("мұрағат", Stage.GOVERNMENT),
    ("обсужд", Stage.PUBLIC_DISCUSSION),
    ("талқыла", Stage.PUBLIC_DISCUSSION),
)
"""Portal status → stage. An archived draft has left public discussion: the agency finishes it for the
government. The Kazakh words are unconfirmed translations."""
CONCEPT_WORDS = ("концепц", "консультативн", "кдрп", "тұжырымдам", "реттеушілік саясаттың")
"""Words of a concept paper's type or title (КДРП, «концепция проекта закона»): the concept stage."""


def stage(status: str, type: str = "", title: str = "") -> Stage:
    """Where a portal draft is: a concept paper is a concept whatever its status."""
    if any(w in f"{type} {title}".casefold() for w in CONCEPT_WORDS):
        return Stage.CONCEPT
    return stage_of(status, STATUS_STAGES, Stage.PUBLIC_DISCUSSION)


_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_NUMBER = re.compile(r"\d+")
_TEXT_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class DraftSummary:
    """One card of a list page."""

    id: str
    title: str
    status: str
    created: date | None
    deadline: date | None
    url: str


@dataclass
class DraftCard:
    """A draft's card page (`/npa/view`) or one of its earlier versions (`/application/viewcardhistory`).

    `previous_versions` are the `viewcardhistory` ids the card links to, in page order; `paragraphs` is the
    card's own text block, used when no DOCX is attached.
    """

    id: str
    title: str
    status: str
    type: str
    created: date | None
    deadline: date | None
    agency: str
    version: int | None
    summary: str
    developer: str
    comments: int
    files: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    previous_versions: list[str] = field(default_factory=list)


class PageFetcher(Protocol):
    """The shared fetcher (`scrapers.http.Fetcher`) with the `headers=` keyword the language cookie needs."""

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response: ...


def list_url(
    base_url: str,
    *,
    page: int = 1,
    status: str | None = None,
    types: Iterable[str] = (),
    category_id: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
) -> str:
    """A list page: `status="IN_ARCHIVE"` for archived drafts, `types=CONCEPT_TYPES` for concept papers."""
    params: list[tuple[str, str]] = []
    if status:
        params.append(("status", status))
    params += [(f"types[{i}]", t) for i, t in enumerate(types)]
    if category_id:
        params.append(("categoryId", category_id))
    if created_from:
        params.append(("createBeginDate", created_from.strftime("%d.%m.%Y")))
    if created_to:
        params.append(("createEndDate", created_to.strftime("%d.%m.%Y")))
    if page > 1:
        params.append(("page", str(page)))
    query = urlencode(params, safe="[]")
    return f"{base_url.rstrip('/')}/list" + (f"?{query}" if query else "")


def card_url(base_url: str, draft_id: str) -> str:
    return f"{base_url.rstrip('/')}/npa/view?{urlencode({'id': draft_id})}"


def history_url(base_url: str, version_id: str) -> str:
    return f"{base_url.rstrip('/')}/application/viewcardhistory?{urlencode({'id': version_id})}"


def file_url(base_url: str, file_id: str) -> str:
    return f"{base_url.rstrip('/')}/application/downloadconceptfile?{urlencode({'id': file_id})}"


def _text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def _query_id(href: str) -> str | None:
    values = parse_qs(urlsplit(href).query).get("id")
    return values[0] if values else None


def _soup(body: bytes | str, what: str) -> BeautifulSoup:
    if not body or not body.strip():
        raise ParseError(f"{what}: empty page; the site answered without content, try again later")
    return BeautifulSoup(body, "lxml")


def _labelled(scope: Tag) -> dict[str, Tag]:
    """The `<small><b>Label:</b> value</small>` items under `scope`, keyed by field; the first one wins."""
    found: dict[str, Tag] = {}
    for small in scope.select("small"):
        label = small.find("b")
        if label is None:
            continue
        name = _FIELDS.get(_text(label).rstrip(":").strip().lower())
        if name and name not in found:
            found[name] = small
    return found


def _value(item: Tag | None) -> str:
    """The item's text after its `<b>` label."""
    if item is None:
        return ""
    label = item.find("b")
    if label is None:
        return " ".join(item.get_text(" ").split())
    parts = (s.get_text(" ") if isinstance(s, Tag) else str(s) for s in label.next_siblings)
    return " ".join(" ".join(parts).split())


def _date(item: Tag | None, what: str) -> date | None:
    value = _value(item)
    if not value:
        return None
    match = _DATE.search(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ParseError(f"{what}: {value!r} is not a dd/mm/yyyy date; the page layout may have changed")


def parse_list(body: bytes | str, base_url: str = DEFAULT_BASE_URL) -> list[DraftSummary]:
    """The drafts on one list page; an empty list means the pages have run out."""
    soup = _soup(body, "legalacts list")
    drafts = []
    for card in soup.select("div.contentlist"):
        link = card.select_one("h3 a[href]")
        draft_id = _query_id(str(link["href"])) if link else None
        if link is None or draft_id is None:
            raise ParseError("legalacts list: a card has no link to /npa/view?id=…; the page layout changed")
        items = _labelled(card)
        what = f"legalacts list, draft {draft_id}"
        drafts.append(
            DraftSummary(
                id=draft_id,
                title=_text(link),
                status=_value(items.get("status")),
                created=_date(items.get("created"), what),
                deadline=_date(items.get("deadline"), what),
                url=urljoin(base_url, str(link["href"])),
            )
        )
    return drafts


def _comment_count(soup: BeautifulSoup) -> int:
    """The counter beside the `.blog-info` icon whose title names comments («пікір» in Kazakh)."""
    for icon in soup.select(".blog-info i[title]"):
        title = str(icon["title"]).lower()
        if "коммент" in title or "пікір" in title:
            holder = icon.find_parent("li") or icon.parent
            number = _NUMBER.search(_text(holder)) if holder else None
            return int(number.group()) if number else 0
    return 0


def _paragraphs(soup: BeautifulSoup) -> list[str]:
    """The card's draft text: each outermost `div.commentable-div`, split into its paragraphs if any."""
    texts: list[str] = []
    for block in soup.select("div.commentable-div"):
        if block.find_parent("div", class_="commentable-div"):
            continue
        parts = [_text(p) for p in block.find_all(_TEXT_TAGS)] or [_text(block)]
        texts += [t for t in parts if t]
    return texts


def parse_card(body: bytes | str, draft_id: str, base_url: str = DEFAULT_BASE_URL) -> DraftCard:
    """A card or version-history page. The id is the one it was fetched by: the page does not name it."""
    what = f"legalacts draft {draft_id}"
    soup = _soup(body, what)
    view = soup.select_one(".view-npa")
    heading = view.select_one("h2") if view else None
    if view is None or heading is None or not _text(heading):
        raise ParseError(f"{what}: no title (.view-npa h2); not a draft card, or the page layout changed")
    items = _labelled(view)
    version_item = items.get("version")
    version_number = _NUMBER.search(_value(version_item))
    history_links = version_item.select("a[href*='viewcardhistory']") if version_item else []
    developer = soup.select_one(".blog-info .gov-parent")
    return DraftCard(
        id=draft_id,
        title=_text(heading),
        status=_value(items.get("status")),
        type=_value(items.get("type")),
        created=_date(items.get("created"), what),
        deadline=_date(items.get("deadline"), what),
        agency=_value(items.get("agency")),
        version=int(version_number.group()) if version_number else None,
        summary=_value(items.get("summary")),
        developer=_text(developer) if developer else "",
        comments=_comment_count(soup),
        files=[
            (_text(a), urljoin(base_url, str(a["href"])))
            for a in soup.select("ul.conceptFiles a[href]")
            if _text(a)
        ],
        paragraphs=_paragraphs(soup),
        previous_versions=[v for a in history_links if (v := _query_id(str(a["href"])))],
    )


def docx_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraphs of a DOCX in body order; a table row is one line, cells joined by « | »."""
    try:
        refuse_bomb("draft file", data)
        document = docx.Document(io.BytesIO(data))
    except DOCX_ERRORS as exc:
        raise ParseError(f"draft file is not a readable DOCX ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [
                " | ".join(c for c in (" ".join(cell.text.split()) for cell in row.cells) if c)
                for row in item.rows
            ]
            lines += [r for r in rows if r]
        elif text := " ".join(item.text.split()):
            lines.append(text)
    return lines


def draft_page(card: DraftCard, paragraphs: list[str], language: str) -> ParsedPage:
    """A draft version as a page `tracker.structure.build` can structure like any act."""
    requisites = "; ".join(
        part for part in (card.type, card.agency, f"версия {card.version}" if card.version else "") if part
    )
    return ParsedPage(
        title=card.title,
        status=DocumentStatus.UNKNOWN,
        status_label=card.status,
        requisites=requisites,
        language=language,
        blocks=[Block(text=p) for p in paragraphs if p.strip()],
    )


class RobotsRules:
    """What the site's robots.txt lets us fetch."""

    def __init__(self, text: str, user_agent: str = USER_AGENT_TOKEN) -> None:
        self._parser = RobotFileParser()
        self._parser.parse(text.splitlines())
        self._agent = user_agent

    def allows(self, url: str) -> bool:
        return self._parser.can_fetch(self._agent, url)


class LegalactsSource:
    """Finds drafts by keyword on the list pages and, when `follow_cards` is set, reads their cards and files.

    Card, history and file pages are fetched only with `follow_cards` (robots.txt disallows them); list pages
    only where robots.txt allows. The `egovLang` cookie picks the answer's language.
    """

    def __init__(
        self,
        fetcher: PageFetcher,
        base_url: str = DEFAULT_BASE_URL,
        *,
        follow_cards: bool,
        language: str = "ru",
        max_pages: int = 200,
    ) -> None:
        if language not in LANGUAGES:
            raise InputError(f"unknown legalacts language {language!r}: use one of {', '.join(LANGUAGES)}")
        self._fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.follow_cards = follow_cards
        self.language = LANGUAGES[language]
        self._headers = {"Cookie": f"egovLang={language}"}
        self._max_pages = max_pages
        self._robots: RobotsRules | None = None

    def robots(self) -> RobotsRules:
        """The site's rules, fetched once. A missing robots.txt allows everything, a forbidden one nothing."""
        if self._robots is None:
            try:
                text = self._fetcher.get(f"{self.base_url}/robots.txt").body.decode("utf-8", "replace")
            except FetchError as exc:
                status = getattr(exc, "status", None)
                if status in (401, 403):
                    text = "User-agent: *\nDisallow: /"
                elif status is not None and 400 <= status < 500:
                    text = ""
                else:
                    raise
            self._robots = RobotsRules(text)
        return self._robots

    def _get(self, url: str, *, card: bool = False) -> Response:
        """Card pages need the deliberate `follow_cards` choice; other pages need robots.txt's consent."""
        if card and not self.follow_cards:
            raise InputError(
                "robots.txt disallows /npa/view; set [sources.legalacts] follow_cards = true in config to "
                "follow draft cards deliberately"
            )
        if not card and not self.robots().allows(url):
            raise InputError(
                f"robots.txt of {urlsplit(url).netloc} disallows {urlsplit(url).path}; "
                "this list cannot be read politely"
            )
        return self._fetcher.get(url, headers=self._headers)

    def matching(
        self,
        keywords: Iterable[str],
        *,
        status: str | None = None,
        types: Iterable[str] = (),
        category_id: str | None = None,
    ) -> list[DraftSummary]:
        """Drafts whose title contains a keyword (a stem such as «некоммерческ»), case-insensitively.

        Walks `?page=1, 2, …` until a page has no cards, repeats one already seen (a site that ignores the
        page number), or `max_pages` is reached.
        """
        stems = [normalize(k).casefold() for k in keywords if k.strip()]
        if not stems:
            raise InputError('no draft keywords: set drafts.keywords in config, e.g. ["некоммерческ"]')
        seen: set[str] = set()
        found = []
        for page in range(1, self._max_pages + 1):
            url = list_url(self.base_url, page=page, status=status, types=types, category_id=category_id)
            drafts = [d for d in parse_list(self._get(url).body, self.base_url) if d.id not in seen]
            if not drafts:
                break
            seen.update(d.id for d in drafts)
            found += [d for d in drafts if any(s in normalize(d.title).casefold() for s in stems)]
        return found

    def card(self, draft_id: str) -> DraftCard:
        body = self._get(card_url(self.base_url, draft_id), card=True).body
        return parse_card(body, draft_id, self.base_url)

    def history(self, version_id: str) -> DraftCard:
        """An earlier version of a draft, by an id from `DraftCard.previous_versions`."""
        body = self._get(history_url(self.base_url, version_id), card=True).body
        return parse_card(body, version_id, self.base_url)

    def text(self, card: DraftCard) -> list[str]:
        """The draft's paragraphs: from its first DOCX file if it has one, else from the card's text block."""
        docx_url = next((url for name, url in card.files if name.lower().endswith(".docx")), None)
        if docx_url is not None:
            return docx_paragraphs(self._get(docx_url, card=True).body)
        if card.paragraphs:
            return card.paragraphs
        raise ParseError(f"legalacts draft {card.id}: no DOCX file and no text block on the card")
