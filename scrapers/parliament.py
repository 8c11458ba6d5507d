"""Bills before parliament, behind one interface (`BillSource`) so the chamber can change under it.

Until 1 July 2026 the Mazhilis published bills through a JSON API (SOURCES.md §3); from then the unicameral
Kurultai replaces both chambers and no API for it is known yet: a Kurultai adapter implements `BillSource`.

The Mazhilis API's paths and its `{count, result: [...]}` envelope were seen; the field names inside an item
were not confirmed, so the mapping accepts the likely spellings: id (`id`, `pk`), title (`title`, `name`, or
their `_ru` variants), status (a string, or an object with `name`/`title`), documents (`documents` or `files`,
each with `url`, `file` or `link` and an optional `name`/`title`). Relative document links are resolved
against the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from scrapers.http import Response
from tracker.errors import ParseError
from tracker.model import Stage, stage_of

MAZHILIS_STAGES = (
    ("отозван", Stage.WITHDRAWN),
    ("кері қайтарып алын", Stage.WITHDRAWN),
    ("отклон", Stage.REJECTED),
    ("қабылданбады", Stage.REJECTED),
    ("вступ", Stage.IN_FORCE),
    ("күшіне ен", Stage.IN_FORCE),
    ("подписан", Stage.SIGNED),
    ("қол қойыл", Stage.SIGNED),
    ("принят сенатом", Stage.ADOPTED),
    ("одобрен сенатом", Stage.ADOPTED),
    ("сенат мақұлда", Stage.ADOPTED),
    ("сенат", Stage.SENATE),
    ("принят мажилисом", Stage.SENATE),
    ("мәжіліс қабылда", Stage.SENATE),
)
"""Mazhilis bill status → stage, first match wins; anything else (readings, committees) is the Mazhilis.
A bill the Mazhilis passed goes to the Senate until 1 July 2026. Seen: «На рассмотрении в Мажилисе»,
«Принят Мажилисом»; the rest are the usual wordings, unconfirmed."""


@dataclass(frozen=True)
class BillDocument:
    """A file attached to a bill (mostly DOCX)."""

    name: str
    url: str


@dataclass(frozen=True)
class Bill:
    id: str
    title: str
    status: str
    url: str
    stage: Stage
    documents: tuple[BillDocument, ...] = ()


class BillSource(Protocol):
    """What the tracker needs from a chamber's bill register. `site` names its keys (`mazhilis:ID`); each
    adapter maps its own status words onto a `Stage`."""

    site: str

    def list_bills(self, limit: int = 20, offset: int = 0) -> list[Bill]:
        """One page of bills, newest first; an empty list means the register has run out."""
        ...

    def bill(self, bill_id: str) -> Bill:
        """One bill with its documents."""
        ...


class JsonFetcher(Protocol):
    def get(self, url: str) -> Response: ...


def _first(item: dict[str, Any], *names: str) -> Any:
    return next((item[n] for n in names if item.get(n) not in (None, "")), None)


def _label(value: Any) -> str:
    """A status or name that may come as a string or as an object with a name."""
    if isinstance(value, dict):
        value = _first(value, "name", "title", "name_ru", "title_ru")
    return " ".join(str(value).split()) if value is not None else ""


class MazhilisSource:
    """The Mazhilis draft-laws API: a paged list (`?limit=N&offset=M`) and one bill by id."""

    site = "mazhilis"

    def __init__(self, fetcher: JsonFetcher, base_url: str = "https://mazhilis.parlam.kz") -> None:
        self._fetcher = fetcher
        self.base_url = base_url.rstrip("/")

    def _json(self, url: str) -> Any:
        body = self._fetcher.get(url).body
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: nested too deep
            raise ParseError(f"mazhilis: {url} did not answer with JSON; the API may have moved") from None

    def _detail_url(self, bill_id: str) -> str:
        return f"{self.base_url}/api/core/draft-laws/{bill_id}/"

    def _document(self, raw: Any, where: str) -> BillDocument:
        link = _first(raw, "url", "file", "link") if isinstance(raw, dict) else raw
        if not isinstance(link, str):
            raise ParseError(f"mazhilis: {where} has a document without url/file/link")
        url = urljoin(self.base_url + "/", link)
        name = _label(_first(raw, "name", "title")) if isinstance(raw, dict) else ""
        return BillDocument(name or unquote(urlsplit(url).path.rsplit("/", 1)[-1]), url)

    def _bill(self, item: Any, where: str) -> Bill:
        if not isinstance(item, dict):
            raise ParseError(f"mazhilis: {where} is not a JSON object")
        bill_id = _first(item, "id", "pk")
        title = _label(_first(item, "title", "name", "title_ru", "name_ru"))
        if bill_id is None or not title:
            raise ParseError(
                f"mazhilis: {where} lacks an id or a title (fields: {', '.join(sorted(item)) or 'none'})"
            )
        docs = _first(item, "documents", "files") or []
        if not isinstance(docs, list):
            raise ParseError(f"mazhilis: {where} has documents that are not a list")
        status = _label(item.get("status"))
        return Bill(
            id=str(bill_id),
            title=title,
            status=status,
            url=self._detail_url(str(bill_id)),
            stage=stage_of(status, MAZHILIS_STAGES, Stage.MAZHILIS),
            documents=tuple(self._document(d, f"bill {bill_id}") for d in docs),
        )

    def list_bills(self, limit: int = 20, offset: int = 0) -> list[Bill]:
        url = f"{self.base_url}/api/core/draft-laws/?{urlencode({'limit': limit, 'offset': offset})}"
        data = self._json(url)
        items = _first(data, "result", "results") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ParseError(f"mazhilis: {url} has no result list; the API may have changed")
        return [self._bill(item, f"bill list item {i}") for i, item in enumerate(items)]

    def bill(self, bill_id: str) -> Bill:
        return self._bill(self._json(self._detail_url(bill_id)), f"bill {bill_id}")
