"""The draft part of the offline demo: a local replay of the legalacts portal publishes a draft, then its
second version; the demo shows the article-level diff between the versions and the deadline warning.

The pages are handmade in the portal's markup (see tests/fixtures/legalacts), dated relative to today so
the public-discussion deadline is always two days away when version 2 appears.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from rich.console import Console

from scrapers.http import Fetcher
from storage import editions
from storage.db import Database
from tracker.config import Drafts, Settings, site_tables
from tracker.diff import diff_documents
from tracker.drafts import LANGUAGE, DraftFollower, almaty_today
from tracker.render import Side
from tracker.render import terminal as render_term
from tracker.replay import ReplayServer

DRAFT = "15900101"
KEY = f"legalacts:{DRAFT}"
TITLE = (
    "О внесении изменений и дополнений в некоторые законодательные акты Республики Казахстан "
    "по вопросам некоммерческих организаций"
)
ROBOTS = "User-agent: *\nDisallow: /npa/view\nDisallow: /application\nAllow: /list\n"
ARTICLES = {
    1: [
        "Статья 1. Внести в Закон Республики Казахстан от 16 января 2001 года «О некоммерческих "
        "организациях» следующие изменения:",
        "1) статью 41-3 дополнить пунктом 4 следующего содержания:",
        "«4. Некоммерческие организации, получающие деньги от иностранных источников, вносятся в реестр.»",
        "Статья 2. Настоящий Закон вводится в действие по истечении шестидесяти календарных дней после дня "
        "его первого официального опубликования.",
    ],
    2: [
        "Статья 1. Внести в Закон Республики Казахстан от 16 января 2001 года «О некоммерческих "
        "организациях» следующие изменения:",
        "1) статью 41-3 дополнить пунктом 4 следующего содержания:",
        "«4. Некоммерческие организации, получающие деньги от иностранных источников, вносятся в реестр, "
        "а их деятельность может быть приостановлена по представлению уполномоченного органа.»",
        "Статья 2. Настоящий Закон вводится в действие по истечении десяти календарных дней после дня "
        "его первого официального опубликования.",
    ],
}


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def list_page(created: date, deadline: date) -> str:
    return (
        f'<html><body><div class="contentlist"><h3><a href="/npa/view?id={DRAFT}">{TITLE}</a></h3>'
        f"<small><b>Статус:</b> На публичном обсуждении</small>"
        f"<small><b>Дата создания:</b> {_day(created)}</small>"
        f"<small><b>Публичное обсуждение до:</b> {_day(deadline)}</small></div></body></html>"
    )


def card_page(version: int, created: date, deadline: date) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLES[version])
    return (
        f'<html><body><div class="view-npa"><h2>{TITLE}</h2>'
        '<div class="blog-info"><span class="gov-parent">Министерство культуры и информации РК</span></div>'
        "<small><b>Статус:</b> На публичном обсуждении</small>"
        "<small><b>Тип НПА:</b> Проект Закона</small>"
        f"<small><b>Дата создания:</b> {_day(created)}</small>"
        f"<small><b>Публичное обсуждение до:</b> {_day(deadline)}</small>"
        f"<small><b>Версия проекта:</b> Версия {version}</small>"
        f'<div class="commentable-div">{paragraphs}</div></div></body></html>'
    )


def run_draft_demo(console: Console, db: Database, settings: Settings) -> None:
    """Follow a replayed draft twice (version 1, then version 2) and show what changed and the warning."""
    today = almaty_today(settings)
    versions = {
        1: (today - timedelta(days=20), today - timedelta(days=5)),
        2: (today - timedelta(days=1), today + timedelta(days=2)),
    }
    with ReplayServer() as portal, Fetcher(settings.politeness) as fetcher:
        drafts = Drafts(keywords=("некоммерческ",), languages=("ru",))
        sources = site_tables(legalacts={"base_url": portal.url, "follow_cards": True})
        follower = DraftFollower(
            dataclasses.replace(settings, drafts=drafts, sources=sources), db, fetcher=fetcher
        )
        portal.route("/robots.txt", ROBOTS, content_type="text/plain; charset=utf-8")
        console.print(
            f"\n[bold]Drafts[/] — replaying the legalacts.egov.kz portal from {portal.url} (offline)"
        )
        for version, (created, deadline) in versions.items():
            portal.route("/list", list_page(created, deadline))
            portal.route("/list?page=2", "<html><body></body></html>")
            portal.route(f"/npa/view?id={DRAFT}", card_page(version, created, deadline))
            for r in follower.follow():
                told = ", ".join(r.announced) or "no announcement"
                console.print(f"Version {version}: {r.key} {r.outcome}, version {r.seq} recorded; {told}")
    with db.transaction() as session:
        old_ed, new_ed = editions.list_editions(session, KEY, LANGUAGE)[-2:]
        old, new = editions.load_document(session, old_ed), editions.load_document(session, new_ed)
    changes = diff_documents(old, new)
    follower.recorder.rules.apply(changes, document_key=KEY, language=LANGUAGE)
    render_term.render(
        changes,
        console,
        from_side=Side(f"{KEY} version 1", old.title),
        to_side=Side(f"{KEY} version 2", new.title),
    )
    console.print(
        f"Public discussion ends {versions[2][1]:%d.%m.%Y}: subscribers got draft.deadline_approaching."
    )
