"""The legal timeline end to end: a real adilet page replayed on 127.0.0.1, the real fetcher and checker, a
real webhook receiver. A new pending notice is news on its own, once; an act is one record however many
documents it touches."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from notify_helpers import add_subscriber
from standardwebhooks import Webhook

from storage import watchlist
from storage.db import Database
from tracker import config
from tracker.config import Politeness, Settings
from tracker.model import Watch
from tracker.notify import digests
from tracker.notify.webhooks import deliver_webhooks
from tracker.pipeline import Checker
from tracker.replay import ReplayServer
from tracker.timeline import today_in

FIXTURES = Path(__file__).parents[1] / "fixtures" / "adilet"
REFERENDUM = "adilet:Z950002592_"
SYMBOLS = "adilet:Z070000258_"
PAGES = {
    REFERENDUM: (FIXTURES / "Z950002592_.rus.html").read_text(encoding="utf-8"),
    SYMBOLS: (FIXTURES / "Z070000258_.rus.html").read_text(encoding="utf-8"),
}
ACT_ID = "Z2600000350"


def notice(heading: str, when: date) -> str:
    """A red «Примечание ИЗПИ!» as adilet prints one, placed before an article heading."""
    red = '<font color="#FF0000">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; '
    return (
        f"<p>{red}Примечание ИЗПИ!</font><br>{red}Статья предусматривается в редакции Закона РК "
        f'от 20.11.2026 <a href="https://adilet.zan.kz/rus/docs/{ACT_ID}#z3">№ 350-VIII</a> '
        f"(вводится в действие с {when:%d.%m.%Y}).</font></p>{heading}"
    )


def with_notice(key: str, article: str, when: date) -> str:
    page = PAGES[key]
    heading = _heading(page, article)
    return page.replace(heading, notice(heading, when), 1)


def _heading(page: str, article: str) -> str:
    at = page.index(f"Статья {article}.")
    start = page.rindex("<p", 0, at)
    return page[start:at]


@pytest.fixture
def settings(make_settings, server: ReplayServer) -> Settings:
    return dataclasses.replace(
        make_settings(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        rules=config.Rules(packs=()),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, timeout_s=5.0
        ),
    )


@pytest.fixture
def checker(settings: Settings, db: Database, server: ReplayServer) -> Iterator[Checker]:
    with db.transaction() as session:
        watchlist.add(session, Watch(REFERENDUM, "Referendum law", ("rus",), ("constitution",)))
        watchlist.add(session, Watch(SYMBOLS, "State symbols law", ("rus",), ("constitution",)))
    for key, page in PAGES.items():
        server.route(f"/rus/docs/{key.partition(':')[2]}", page)
    c = Checker(settings, db)
    yield c
    c.fetcher.close()


def test_a_new_pending_notice_is_announced_once_without_a_new_edition(
    checker: Checker, server: ReplayServer, db: Database, settings: Settings, receiver, cli
) -> None:
    assert checker.check(REFERENDUM, "rus").outcome == "new_edition"
    sub = add_subscriber(db, settings, "partner", webhook_url=receiver.url())
    bites = today_in(settings.schedule.timezone) + timedelta(days=120)
    server.route("/rus/docs/Z950002592_", with_notice(REFERENDUM, "13", bites))

    result = checker.check(REFERENDUM, "rus")
    deliver_webhooks(settings, db)

    assert result.outcome == "unchanged"  # the article text did not change: no edition
    [request] = receiver.requests
    event = Webhook(sub.secret).verify(request.body, request.headers)
    assert event["type"] == "amendment.announced"
    assert (event["eid"], event["kind"]) == ("art_13", "new_wording")
    assert event["act"]["number"] == "350-VIII" and event["act"]["source_id"] == ACT_ID
    assert event["amendment"]["effective"] == bites.isoformat()

    checker.check(REFERENDUM, "rus")
    deliver_webhooks(settings, db)
    assert len(receiver.requests) == 1  # the same notice again: nothing more

    listed = cli("acts", "--format", "json", "--state", "announced")
    assert listed.code == 0, listed.err
    [act] = [a for a in json.loads(listed.out) if a["number"] == "350-VIII"]
    assert act["documents"] == [REFERENDUM] and act["state"] == "announced"
    assert [(t["eid"], t["effective"]) for t in act["targets"]] == [("art_13", bites.isoformat())]


def test_one_act_amending_two_documents_is_one_act_with_two_targets(
    checker: Checker, server: ReplayServer, db: Database, settings: Settings, cli
) -> None:
    for key in PAGES:
        checker.check(key, "rus")
    add_subscriber(db, settings, "analyst", email="analyst@example.org", digest="immediate")
    bites = today_in(settings.schedule.timezone) + timedelta(days=120)
    server.route("/rus/docs/Z950002592_", with_notice(REFERENDUM, "13", bites))
    server.route("/rus/docs/Z070000258_", with_notice(SYMBOLS, "5", bites))
    for key in PAGES:
        checker.check(key, "rus")

    listed = cli("acts", "--format", "json")
    [act] = [a for a in json.loads(listed.out) if a["number"] == "350-VIII"]
    assert act["documents"] == sorted([REFERENDUM, SYMBOLS])
    assert {(t["document"], t["eid"]) for t in act["targets"]} == {(REFERENDUM, "art_13"), (SYMBOLS, "art_5")}
    shown = cli("act", ACT_ID)
    assert shown.code == 0 and REFERENDUM in shown.out and SYMBOLS in shown.out

    digest = digests.preview(settings, db, "analyst")
    assert digest is not None
    [group] = digest.acts
    assert "350-VIII" in group.act.label and group.act.url and group.act.url.endswith(ACT_ID)
    assert group.laws == {
        "О республиканском референдуме": ["Статья 13"],
        "О государственных символах Республики Казахстан": ["Статья 5"],
    }
    text, html = digests.render(digest)
    assert "Изменяющие акты" in text and "Объявленные изменения" in text
    assert html.count("350-VIII") >= 3  # the act once in the acts section, and under each law


def test_in_force_soon_warns_at_each_threshold_once(
    checker: Checker, server: ReplayServer, db: Database, settings: Settings
) -> None:
    checker.check(REFERENDUM, "rus")
    today = today_in(settings.schedule.timezone)
    bites = today + timedelta(days=40)
    server.route("/rus/docs/Z950002592_", with_notice(REFERENDUM, "13", bites))
    for days_before in (40, 29, 20, 7, 6, 0):
        checker.recorder.today = lambda d=days_before: bites - timedelta(days=d)
        checker.check(REFERENDUM, "rus")
    warnings = [p for p in _payloads(db) if p["type"] == "amendment.in_force_soon"]
    assert [(w["days_left"], w["eids"], w["act"]["number"]) for w in warnings] == [
        (29, ["art_13"], "350-VIII"),
        (7, ["art_13"], "350-VIII"),
    ]


def _payloads(db: Database) -> list[dict]:
    from sqlmodel import select

    from storage import models as m

    with db.transaction() as session:
        return [json.loads(e.payload) for e in session.exec(select(m.Event).order_by(m.Event.id))]


def _types(db: Database) -> list[str]:
    return [p["type"] for p in _payloads(db)]


@pytest.mark.parametrize(
    ("ident", "number", "act_id"),
    [("Z950002733_", "296-VIII", "Z2600000296"), ("Z950002529_", "297-VIII", "Z2600000297")],
)
def test_a_whole_act_to_be_repealed_is_announced_in_parse_acts_and_an_event(
    settings: Settings, db: Database, server: ReplayServer, cli, ident: str, number: str, act_id: str
) -> None:
    page = FIXTURES / f"{ident}.rus.html"
    key = f"adilet:{ident}"
    parsed = json.loads(cli("parse", str(page), "--format", "json").out)
    [repeal] = [a for a in parsed["scheduled"] if a["kind"] == "act_repealed"]
    assert (repeal["act_number"], repeal["effective"]) == (number, "2026-07-01")

    with db.transaction() as session:
        watchlist.add(session, Watch(key, "", ("rus",), ("constitution",)))
    server.route(f"/rus/docs/{ident}", page.read_text(encoding="utf-8"))
    checker = Checker(settings, db)
    checker.recorder.today = lambda: date(2026, 6, 20)  # the page as saved, before the repeal bites
    checker.check(key, "rus")
    checker.fetcher.close()

    [event] = [p for p in _payloads(db) if p["type"] == "amendment.announced"]
    assert (event["eid"], event["kind"]) == (None, "act_repealed")
    assert (event["act"]["number"], event["act"]["source_id"]) == (number, act_id)
    assert event["amendment"]["effective"] == "2026-07-01"
    [act] = json.loads(cli("acts", "--document", key, "--state", "announced", "--format", "json").out)
    assert act["number"] == number and act["adopted"] == "2026-06-05"
    assert [(t["eid"], t["kind"], t["effective"]) for t in act["targets"]] == [
        (None, "act_repealed", "2026-07-01")
    ]


INFO = """<html><head><title>Информация - ИПС "Әділет"</title></head><body>
<h1>О внесении изменений в некоторые конституционные законы</h1>
<table id="ethernatable">
<tr><td>Дата принятия акта:</td><td>20.11.2026</td></tr>
<tr><td>Дата официальной публикации в ИПС "Әділет":</td><td>25.11.2026</td></tr>
<tr><td>Официальная публикация:</td><td>«Казахстанская правда» от 24.11.2026 г. № 225</td></tr>
</table></body></html>"""
RELATIVE = (
    "вводится в действие по истечении десяти календарных дней после дня его первого официального "
    "опубликования"
)


def relative_notice(page: str, article: str) -> str:
    heading = _heading(page, article)
    red = '<font color="#FF0000">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; '
    text = (
        f"<p>{red}Примечание ИЗПИ!</font><br>{red}Статья предусматривается в редакции Закона РК "
        f'от 20.11.2026 <a href="https://adilet.zan.kz/rus/docs/{ACT_ID}#z3">№ 350-VIII</a> '
        f"({RELATIVE}).</font></p>"
    )
    return page.replace(heading, text + heading, 1)


def test_a_relative_in_force_rule_is_dated_from_the_acts_info_page_read_once(
    checker: Checker, server: ReplayServer, db: Database, cli
) -> None:
    checker.check(REFERENDUM, "rus")
    checker.recorder.today = lambda: date(2026, 11, 28)
    server.route(f"/rus/docs/{ACT_ID}/info", INFO)
    server.route("/rus/docs/Z950002592_", relative_notice(PAGES[REFERENDUM], "13"))

    checker.check(REFERENDUM, "rus")
    checker.check(REFERENDUM, "rus")

    [event] = [p for p in _payloads(db) if p["type"] == "amendment.announced"]
    # first published 24.11.2026 (the newspaper, before adilet's own copy): ten days run out on 04.12
    assert event["amendment"]["effective"] == "2026-12-05" and event["effective_note"] is None
    assert event["act"]["published"] == "2026-11-24" and event["act"]["title"].startswith("О внесении")
    assert [r.path for r in server.requests].count(f"/rus/docs/{ACT_ID}/info") == 1


def test_until_the_publication_is_known_the_date_is_unknown_with_the_reason(
    checker: Checker, server: ReplayServer, db: Database, cli
) -> None:
    checker.check(REFERENDUM, "rus")
    server.route(f"/rus/docs/{ACT_ID}/info", "gone", status=404)
    server.route("/rus/docs/Z950002592_", relative_notice(PAGES[REFERENDUM], "13"))
    checker.check(REFERENDUM, "rus")

    [event] = [p for p in _payloads(db) if p["type"] == "amendment.announced"]
    assert event["amendment"]["effective"] is None
    assert "requisites card could not be read" in event["effective_note"]
    [act] = [a for a in json.loads(cli("acts", "--format", "json").out) if a["number"] == "350-VIII"]
    [target] = act["targets"]
    assert target["effective"] is None and "could not be read" in target["effective_note"]
