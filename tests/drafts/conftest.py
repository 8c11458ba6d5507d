"""A local replay of the draft portal and a follower pointed at it."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest

from scrapers.http import Fetcher
from storage.db import Database
from tracker import config
from tracker.config import Drafts, Politeness, Settings
from tracker.drafts import DraftFollower
from tracker.replay import ReplayServer

LEGALACTS = Path(__file__).resolve().parents[1] / "fixtures" / "legalacts"
DRAFT = "15900101"
KEY = f"legalacts:{DRAFT}"
CARD = f"/npa/view?id={DRAFT}"
HISTORY = "/application/viewcardhistory?id=52440"
DOCX = "/application/downloadconceptfile?id=880011"
TODAY = date(2026, 9, 14)
"""Two days before the handmade version 2's public-discussion deadline (16/09/2026)."""


def page(name: str) -> bytes:
    return (LEGALACTS / name).read_bytes()


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


V1_CARD = page("history_v1_handmade.html").replace("Архив".encode(), "На публичном обсуждении".encode())
"""Version 1 as the card showed it while it was current (its history page says «Архив»)."""
V2_DOCX = make_docx(
    "Статья 1. Внести в следующие законодательные акты Республики Казахстан изменения и дополнения:",
    "1. В Закон Республики Казахстан от 16 января 2001 года «О некоммерческих организациях»:",
    "1) статью 41-3 дополнить пунктом 4 следующего содержания:",
    "Статья 2. Настоящий Закон вводится в действие по истечении десяти календарных дней после дня его "
    "первого официального опубликования.",
)


@pytest.fixture
def portal() -> Iterator[ReplayServer]:
    """Two list pages (one draft about non-commercial organisations) and an empty third."""
    with ReplayServer() as server:
        server.route("/robots.txt", page("robots_handmade.txt"), content_type="text/plain")
        server.route("/list", page("list_p1_handmade.html"))
        server.route("/list?page=2", page("list_p2_handmade.html"))
        server.route("/list?page=3", page("list_empty_handmade.html"))
        yield server


def draft_settings(portal: ReplayServer, *, follow_cards: bool = True) -> Settings:
    return dataclasses.replace(
        config.load(),
        drafts=Drafts(keywords=("некоммерческ",), languages=("ru",)),
        sources=config.site_tables(legalacts={"base_url": portal.url, "follow_cards": follow_cards}),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, timeout_s=2.0
        ),
    )


@pytest.fixture
def follower(db: Database, portal: ReplayServer, clock) -> Iterator[DraftFollower]:
    settings = draft_settings(portal)
    fetcher = Fetcher(settings.politeness, clock=clock)
    yield DraftFollower(settings, db, fetcher=fetcher, today=lambda: TODAY)
    fetcher.close()
