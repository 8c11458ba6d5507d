"""A link we sent keeps showing the change it was sent for: the web page of a change that a feed entry, a
webhook payload and a Telegram message point at shows the same article with the same redline after
`reparse`, a `backfill` that renumbers the checked editions, and a re-parse with a parser that reads every
edition a little differently; an old link by row number never shows another change."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from storage import events
from storage import models as m
from storage.db import Database
from tests.pipeline.test_backfill import KEY, PATH, REAL, config_file, server, settings  # noqa: F401
from tests.web.test_feeds import rewrite_history, two_laws_change
from tracker.config import Settings
from tracker.notify import telegram
from tracker.notify.events import with_id
from tracker.replay import ReplayServer
from tracker.web.app import create_app

_CARD = re.compile(r'<article class="card".*?</article>', re.S)


def shown(web: TestClient, link: str, public_url: str) -> tuple[str, str]:
    """The page a link leads to, as a reader sees it: its title and the change's card (the redline)."""
    page = web.get(link.removeprefix(public_url.rstrip("/")))
    assert page.status_code == 200, (link, page.status_code, page.text[:200])
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    card = _CARD.search(page.text)
    assert title and card, link
    return title.group(1), card.group(0)


def test_a_sent_link_shows_the_same_change_after_reparse_and_backfill(
    db: Database,
    settings: Settings,  # noqa: F811
    server: ReplayServer,  # noqa: F811
    cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    two_laws_change(db, settings, server)
    public_url = settings.web.public_url
    config = ("--config", str(config_file(server, tmp_path)))
    with TestClient(create_app(settings, db)) as web:
        feed = feedparser.parse(web.get(f"/feeds/documents/{KEY}.atom").content)
        [entry] = feed.entries
        with db.transaction() as session:
            [sent] = [e for e in events.after(session, 0) if e.payload["type"] == "provision.changed"][:1]
            numbered = session.exec(select(m.Change.id).where(m.Change.document_key == KEY)).one()
        webhook_link = with_id(sent)["url"]
        message = telegram.message(sent.payload, "rus", public_url, {})
        telegram_link = re.search(r'<a href="([^"]+)">', message)
        assert telegram_link
        sent_links = {entry.link, webhook_link, telegram_link.group(1)}
        assert len(sent_links) == 1  # one permanent link, whatever carried it
        [link] = sent_links
        before = shown(web, link, public_url)
        assert before[0].startswith("Referendum law — Статья 8")
        assert "строго" in before[1] and "исключительно" in before[1]

        old = web.get(f"/changes/{numbered}", follow_redirects=False)  # a link sent before this release
        assert old.status_code in (301, 410)
        if old.status_code == 301:  # PostgreSQL: ids are never given twice
            assert old.headers["location"] == link.removeprefix(public_url.rstrip("/"))


        def unchanged() -> None:
            assert shown(web, link, public_url) == before

        rewrite_history(cli, config, db, monkeypatch, unchanged)

        again = web.get(f"/changes/{numbered}")  # the row is gone: never another change in its place
        assert again.status_code in (404, 410)
