"""Sites as plugins: one module per website, registered by name.

A site subclasses `Site` and declares its `name` (the SOURCE of `SOURCE:ID` keys and of its
`[sources.<name>]` config table), the pattern of its ids, the URLs it recognises when pasted, its config
table (`Config`, a strict pydantic dataclass), who follows its documents, and how to fetch and parse one.
Subclassing registers it, as urlwatch's `__kind__` does for job kinds; the key parser, the config, the
pipeline, the scheduler and the CLI look sites up here and never name one. The built-in sites live beside
this file and keep their heavy scraping code behind imports made when they fetch, so reading the config
stays cheap.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Generic, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Strict
from pydantic import dataclasses as pydantic

from tracker.errors import InputError, ParseError
from tracker.model import ParsedPage

BUILTIN = ("adilet", "legalacts", "mazhilis", "file")
"""Modules of `scrapers.sites`, each registering the site of its name when imported."""
ACTS = "adilet"
"""The site that publishes amending acts, whatever site the document citing them came from."""
TABLE = ConfigDict(extra="forbid")
"""A `[sources.<name>]` table accepts only the keys its site declares."""


def _http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


HttpUrl = Annotated[str, Strict(), AfterValidator(_http_url)]
"""A site's address in its table (also used by the rest of the config)."""

FollowedBy = Literal["check", "drafts", "import"]
"""Who reads a site's documents: `check` (the pipeline, on the schedule), the drafts job, or `import`."""


class Reply(Protocol):
    """What the shared fetcher (`scrapers.http.Response`) answers."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def body(self) -> bytes: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def not_modified(self) -> bool: ...


class PageFetcher(Protocol):
    """The shared, polite fetcher (`scrapers.http.Fetcher`)."""

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Reply: ...


@dataclass
class Fetched:
    """One answer, gated. `suspect` says why it must not become an edition; `page` is then None."""

    url: str
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    suspect: str | None
    page: ParsedPage | None

    @classmethod
    def of(cls, reply: Reply, suspect: str | None, page: ParsedPage | None) -> Fetched:
        r = reply
        return cls(r.url, r.status, r.body, r.etag, r.last_modified, r.not_modified, suspect, page)


@pydantic.dataclass(frozen=True, config=TABLE)
class NoConfig:
    """The table of a site that has no settings."""


C = TypeVar("C")
_SITES: dict[str, type[Site[Any]]] = {}


class Site(Generic[C]):
    """One website. Subclasses set the class attributes; `config` is their validated `[sources.<name>]`."""

    name: ClassVar[str]
    id_pattern: ClassVar[re.Pattern[str]]
    id_example: ClassVar[str]
    """Shown when an id does not match, e.g. `Z010000142_ or K1400000226`."""
    url_pattern: ClassVar[re.Pattern[str] | None] = None
    """A pasted document address; its first group is the id."""
    followed_by: ClassVar[FollowedBy] = "check"
    Config: ClassVar[type[Any]] = NoConfig

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _SITES[cls.name] = cls

    def __init__(self, config: C) -> None:
        self.config = config

    def public_url(self, ident: str, language: str) -> str | None:
        """Where a reader finds the document, if the site has such a page."""
        return None

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
        """One language of a document. A bad 200 answer comes back `suspect`; FetchError propagates."""
        job = {"drafts": "the drafts job (`zanwatch run`)", "import": "`zanwatch import`"}[self.followed_by]
        raise InputError(
            f"{self.name}:{ident}: {self.name} documents are not fetched one by one; "
            f"they are followed by {job}"
        )

    def parse(self, body: bytes, url: str, language: str) -> ParsedPage:
        """A stored page (fetched from `url`) read again, for `reparse`."""
        raise ParseError(f"{url}: {self.name} pages are not kept, so there is nothing to re-read")

    def edition_date(self, fetcher: PageFetcher, ident: str, language: str) -> date | None:
        """The site's own date of the edition now in force, where it publishes one."""
        return None


def registered() -> dict[str, type[Site[Any]]]:
    """Every site by name: the built-in ones first, then any registered by importing its module."""
    _load_builtin()
    return {**{name: _SITES[name] for name in BUILTIN}, **_SITES}


@cache
def _load_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(f"{__name__}.{module}")


def site_class(source: str) -> type[Site[Any]]:
    sites = registered()
    if source not in sites:
        raise InputError(f"unknown source {source!r}: use one of {', '.join(sites)}")
    return sites[source]


def key_from_url(text: str) -> str | None:
    """The key of a pasted document address (https://adilet.zan.kz/rus/docs/Z010000142_), if a site
    knows it."""
    for name, site in registered().items():
        found = site.url_pattern.match(text.strip()) if site.url_pattern else None
        if found:
            return f"{name}:{found.group(1)}"
    return None
