"""A toy second site, the whole of it: what adding a website to Zan Watch takes (one module like this,
plus its `[sources.toy]` table in the config).

Its pages are a tiny HTML format: `<h1>` the title, then one `<article data-num="N">` per article with an
`<h2>` heading and `<p>` paragraphs. Addresses such as https://toy.example/law/T1 are read as `toy:T1`.
"""

from __future__ import annotations

import html
import re

from pydantic.dataclasses import dataclass

from scrapers.sites import TABLE, Fetched, HttpUrl, PageFetcher, Site
from tracker.errors import ParseError
from tracker.model import Block, DocumentStatus, ParsedPage

_TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)
_ARTICLE = re.compile(r'<article data-num="([0-9-]+)">\s*<h2>(.*?)</h2>(.*?)</article>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


@dataclass(frozen=True, config=TABLE)
class ToyConfig:
    base_url: HttpUrl = "https://toy.example"


class ToySite(Site[ToyConfig]):
    name = "toy"
    id_pattern = re.compile(r"^T[0-9]{1,6}$")
    id_example = "T1"
    url_pattern = re.compile(r"^https://toy\.example/law/(T[0-9]+)$")
    Config = ToyConfig

    def public_url(self, ident: str, language: str) -> str:
        return f"{self.config.base_url}/law/{ident}?lang={language}"

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
        reply = fetcher.get(self.public_url(ident, language), etag=etag, last_modified=last_modified)
        if reply.not_modified:
            return Fetched.of(reply, None, None)
        try:
            return Fetched.of(reply, None, self.parse(reply.body, reply.url, language))
        except ParseError as exc:
            return Fetched.of(reply, str(exc), None)

    def parse(self, body: bytes, url: str, language: str) -> ParsedPage:
        text = body.decode("utf-8")
        title, articles = _TITLE.search(text), _ARTICLE.findall(text)
        if title is None or not articles:
            raise ParseError(f"{url}: not a toy law page (no <h1> or no <article>)")
        blocks = []
        for num, heading, rest in articles:
            blocks.append(Block(f"Статья {num}. {html.unescape(heading)}"))
            blocks += [Block(html.unescape(p)) for p in _PARAGRAPH.findall(rest)]
        return ParsedPage(html.unescape(title.group(1)), DocumentStatus.IN_FORCE, "", language, blocks)
