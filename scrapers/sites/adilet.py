"""adilet.zan.kz, the official texts of laws in force: `adilet:Z010000142_`, `[sources.adilet]`.

The page markup and its parser live in `scrapers/adilet.py`, imported when a page is fetched or read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pydantic.dataclasses import dataclass

from scrapers.sites import TABLE, Fetched, HttpUrl, PageFetcher, Site
from tracker.errors import FetchError, ParseError
from tracker.model import ActRequisites, ParsedPage


@dataclass(frozen=True, config=TABLE)
class AdiletConfig:
    base_url: HttpUrl = "https://old.adilet.zan.kz"
    """The classic server-rendered pages, read first."""
    api_url: HttpUrl = "https://adilet.zan.kz"
    """The JavaScript application's JSON API, the fallback."""
    public_url: HttpUrl = "https://adilet.zan.kz"
    """Where readers are sent: document and amending-act links."""


def document_url(base: str, ident: str, lang: str) -> str:
    return f"{base.rstrip('/')}/{lang}/docs/{ident}"


def edition_url(base: str, ident: str, lang: str, on: date) -> str:
    return f"{document_url(base, ident, lang)}/{on:%d.%m.%Y}"


def history_url(base: str, ident: str, lang: str) -> str:
    return f"{document_url(base, ident, lang)}/history"


def info_url(base: str, ident: str, lang: str) -> str:
    return f"{document_url(base, ident, lang)}/info"


def api_url(api_base: str, ident: str, lang: str) -> str:
    return f"{api_base.rstrip('/')}/api/documents/by-ngr/{ident}?language={lang}"


class AdiletSite(Site[AdiletConfig]):
    name = "adilet"
    id_pattern = re.compile(r"^[A-Z][A-Z0-9]{9,10}_?$")
    id_example = "Z010000142_ or K1400000226"
    url_pattern = re.compile(
        r"^https?://(?:old\.)?adilet\.zan\.kz/(?:rus|kaz|eng)/docs/([A-Za-z0-9_]+)/?(?:[?#].*)?$"
    )
    Config = AdiletConfig

    def public_url(self, ident: str, language: str) -> str:
        return document_url(self.config.public_url, ident, language)

    def fetch(
        self,
        fetcher: PageFetcher,
        ident: str,
        language: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_size: int | None = None,
    ) -> Fetched:
        from scrapers.adilet import AdiletSource

        source = AdiletSource(fetcher, self.config.base_url, self.config.api_url)
        return source.fetch_text(
            ident, language, etag=etag, last_modified=last_modified, previous_size=previous_size
        )

    def parse(self, body: bytes, url: str, language: str) -> ParsedPage:
        from scrapers.adilet import parse_api, parse_page

        return parse_api(body, language) if "/api/" in url else parse_page(body, language)

    def edition_date(self, fetcher: PageFetcher, ident: str, language: str) -> date | None:
        """The newest date in the /history table that has begun; None when the table cannot be read."""
        from scrapers.adilet import parse_history

        try:
            reply = fetcher.get(history_url(self.config.base_url, ident, language))
            entries = parse_history(reply.body, language)
        except (FetchError, ParseError):
            return None
        today = datetime.now(UTC).date()
        return max((e.edition for e in entries if e.edition <= today), default=None)

    def act_requisites(self, fetcher: PageFetcher, act_id: str, language: str) -> ActRequisites:
        """An amending act's requisites card (`/info`): when it was published, for relative in-force rules."""
        from scrapers.adilet import act_requisites

        try:
            return act_requisites(fetcher.get(info_url(self.config.base_url, act_id, language)).body)
        except (FetchError, ParseError) as exc:
            return ActRequisites(None, note=f"adilet's requisites card could not be read ({exc})")
