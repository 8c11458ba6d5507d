"""A draft's way to law on replayed portal and Mazhilis pages (handmade in the sites' shapes) with an
injected clock: one `draft.stage_changed` per move, one `draft.stale` per stall, one draft per text across
sources, and one timeline from the portal to the amendments the adopted law made."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from scrapers.adilet import parse_page
from scrapers.http import Fetcher
from scrapers.parliament import MazhilisSource
from storage import drafts as store
from storage import editions
from storage import models as m
from storage.db import Database
from tracker import stages, structure
from tracker.drafts import BillFollower, DraftFollower, review
from tracker.model import Block, DocumentStatus, ParsedPage, Stage
from tracker.pipeline import Recorder
from tracker.replay import ReplayServer

from .conftest import CARD, KEY, TODAY, V1_CARD, draft_settings, page

PARLIAMENT = Path(__file__).resolve().parents[1] / "fixtures" / "parliament"
BILLS = "/api/core/draft-laws/"
BILL = "mazhilis:1401"


def bill_list(**statuses: str) -> str:
    """The handmade Mazhilis list, with bill statuses replaced (`b1401="Принят Мажилисом"`)."""
    data = json.loads((PARLIAMENT / "draft_laws_list_handmade.json").read_text(encoding="utf-8"))
    for item in data["result"]:
        bill_id = str(item.get("id") or item.get("pk"))
        if f"b{bill_id}" in statuses:
            item["status"] = statuses[f"b{bill_id}"]
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture
def mazhilis() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        server.route(BILLS, bill_list(), content_type="application/json")
        yield server


@pytest.fixture
def bills(db: Database, portal: ReplayServer, mazhilis: ReplayServer, clock) -> Iterator[BillFollower]:
    settings = draft_settings(portal)
    settings = dataclasses.replace(
        settings, drafts=dataclasses.replace(settings.drafts, keywords=("некоммерческ", "масс-медиа"))
    )
    with Fetcher(settings.politeness, clock=clock) as fetcher:
        yield BillFollower(settings, db, MazhilisSource(fetcher, mazhilis.url), today=lambda: TODAY)


def events_of(db: Database, type: str) -> list[dict]:
    with db.transaction() as session:
        rows = session.exec(select(m.Event).where(m.Event.type == type).order_by(m.Event.id))
        return [json.loads(e.payload) for e in rows]


def all_drafts(db: Database):
    with db.transaction() as session:
        return store.all_drafts(session)


def test_a_draft_moving_from_public_discussion_to_parliament_is_announced_once(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    (nco,) = all_drafts(db)
    assert (nco.stage, nco.source_status) == (Stage.PUBLIC_DISCUSSION, "На публичном обсуждении")

    for _ in range(2):  # the next passes see the same pages: nothing moves again
        bills.follow()
        follower.follow()
    (moved,) = events_of(db, "draft.stage_changed")
    assert (moved["from_stage"], moved["to_stage"]) == ("public_discussion", "mazhilis")
    assert moved["draft"]["status"] == "На рассмотрении в Мажилисе"  # the source's own words
    assert moved["document"]["key"] == BILL and moved["draft"]["draft_id"] == nco.id


def test_the_mazhilis_bill_and_the_portal_draft_of_the_same_text_are_one_draft(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    bills.follow()
    nco, media = all_drafts(db)
    assert [s.key for s in nco.sources] == [KEY, BILL]
    assert (nco.stage, nco.developer) == (
        Stage.MAZHILIS,
        "Министерство культуры и информации Республики Казахстан",
    )
    # «О масс-медиа» matches no portal draft: a draft of its own, passed by the Mazhilis, now in the Senate
    assert [s.key for s in media.sources] == ["mazhilis:1402"] and media.stage == Stage.SENATE
    published = [p["document"]["key"] for p in events_of(db, "draft.published")]
    assert published == [KEY, "mazhilis:1402"]


def test_the_portal_archiving_its_card_does_not_move_a_draft_back_from_parliament(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, mazhilis: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    bills.follow()
    portal.route(CARD, V1_CARD.replace("На публичном обсуждении".encode(), "Архив".encode()))
    follower.follow()
    assert all_drafts(db)[0].stage == Stage.MAZHILIS
    mazhilis.route(BILLS, bill_list(b1401="Принят Мажилисом"), content_type="application/json")
    bills.follow()
    moves = [(p["from_stage"], p["to_stage"]) for p in events_of(db, "draft.stage_changed")]
    assert moves == [("public_discussion", "mazhilis"), ("mazhilis", "senate")]


def test_a_draft_that_stops_moving_is_stale_once_per_stall(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()  # public discussion since TODAY; stale after 60 days by default
    settings = follower.settings
    assert review(settings, db, TODAY + timedelta(days=59)) == []
    (nco,) = all_drafts(db)
    assert review(settings, db, TODAY + timedelta(days=60)) == [nco.id]
    assert review(settings, db, TODAY + timedelta(days=90)) == []
    (stale,) = events_of(db, "draft.stale")
    assert (stale["since"], stale["days"], stale["draft"]["stage"]) == ("2026-09-14", 60, "public_discussion")

    bills.today = lambda: TODAY + timedelta(days=100)  # the bill reaches the Mazhilis: the draft moved
    bills.follow()
    assert nco.id not in review(settings, db, TODAY + timedelta(days=219))  # the Mazhilis gets 120 days
    assert nco.id in review(settings, db, TODAY + timedelta(days=220))
    assert [p["draft"]["draft_id"] for p in events_of(db, "draft.stale")].count(nco.id) == 2


def test_stale_days_are_configured_per_stage(tmp_path: Path) -> None:
    from tracker import config
    from tracker.errors import ConfigError

    path = tmp_path / "zanwatch.toml"
    path.write_text("[drafts.stale_days]\nmazhilis = 30\n", encoding="utf-8")
    loaded = config.load(path).drafts
    assert (loaded.stale_days["mazhilis"], loaded.stale_days["senate"]) == (30, 60)
    path.write_text("[drafts.stale_days]\nparliment = 30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stale_days.parliment.*should be 'concept'"):
        config.load(path)


def record_referendum_law(db: Database, follower: DraftFollower) -> None:
    """A stored law that the constitutional law of 11.06.2026 № 305-VIII amended (real page)."""
    page = (Path(__file__).resolve().parents[1] / "fixtures" / "adilet" / "Z950002592_.rus.html").read_bytes()
    with db.transaction() as session:
        doc = structure.build(parse_page(page, "rus"))
        Recorder(follower.settings).record(
            session, "adilet:Z950002592_", "rus", doc, origin="fetch", notify=False
        )


def test_a_signed_bill_finds_its_law_by_number_and_is_in_force_when_its_changes_are(
    follower: DraftFollower,
    bills: BillFollower,
    mazhilis: ReplayServer,
    portal: ReplayServer,
    db: Database,
    cli,
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    record_referendum_law(db, follower)
    signed = bill_list(b1401="Подписан Главой государства 11.06.2026 № 305-VIII")
    mazhilis.route(BILLS, signed, content_type="application/json")
    bills.follow()
    settings = follower.settings
    review(settings, db, TODAY)
    review(settings, db, TODAY + timedelta(days=1))
    nco = all_drafts(db)[0]
    assert (nco.stage, nco.act_key) == (Stage.IN_FORCE, "adilet:Z2600000305")
    moves = [(p["from_stage"], p["to_stage"]) for p in events_of(db, "draft.stage_changed")]
    assert moves == [("public_discussion", "signed"), ("signed", "in_force")]
    with db.transaction() as session:
        steps = [(s.day.isoformat(), s.stage) for s in store.timeline(session, nco.id)]
    assert steps[-1] == ("2026-07-01", Stage.IN_FORCE)  # when the act's changes took effect

    assert cli("drafts", "unlink", str(nco.id), "adilet:Z2600000305").code == 0
    review(settings, db, TODAY + timedelta(days=2))  # unlinked by hand: not linked again
    assert all_drafts(db)[0].act_key == ""
    assert json.loads(cli("drafts", "show", str(nco.id), "--format", "json").out)["act"] is None


def test_an_adopted_draft_finds_its_law_by_title(
    follower: DraftFollower, bills: BillFollower, mazhilis: ReplayServer, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    mazhilis.route(BILLS, bill_list(b1401="Принят Сенатом"), content_type="application/json")
    bills.follow()
    nco = all_drafts(db)[0]
    law = ParsedPage(
        title=nco.title,
        status=DocumentStatus.UNKNOWN,
        requisites="Закон Республики Казахстан от 20 ноября 2026 года № 410-VIII",
        language="rus",
        blocks=[Block("Статья 1. Внести изменения."), Block("Статья 2. Вводится в действие.")],
    )
    with db.transaction() as session:  # handmade: the adopted law as adilet would show it
        doc = structure.build(law)
        Recorder(follower.settings).record(
            session, "adilet:Z2600000410", "rus", doc, origin="fetch", notify=False
        )
    review(follower.settings, db, TODAY)
    assert all_drafts(db)[0].act_key == "adilet:Z2600000410"


def test_a_draft_linked_to_its_adilet_act_has_one_timeline(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, db: Database, cli
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    bills.follow()
    record_referendum_law(db, follower)
    nco = all_drafts(db)[0]

    linked = cli("drafts", "link", str(nco.id), "adilet:Z2600000305")
    assert linked.code == 0, linked.err
    table = cli("drafts", "show", str(nco.id))
    assert table.code == 0, table.err
    assert "became adilet:Z2600000305" in table.out and "mazhilis: На рассмотрении в Мажилисе" in table.out
    shown = cli("drafts", "show", str(nco.id), "--format", "json")
    assert shown.code == 0, shown.err
    shown = json.loads(shown.out)
    assert (shown["stage"], shown["act"]) == ("signed", "adilet:Z2600000305")
    # One timeline, by date: the handmade portal and Mazhilis pages are dated after the real law (11.06.2026)
    timeline = [(t["day"], t["what"], t["key"]) for t in shown["timeline"]]
    assert timeline == sorted(timeline, key=lambda t: t[0])
    amended = [t for t in shown["timeline"] if t["what"] == "amendment"]
    assert {(t["day"], t["key"]) for t in amended} == {("2026-07-01", "adilet:Z950002592_")}
    assert any(t["text"].startswith("art_32 ") for t in amended)  # what the act changed, in force 01.07.2026
    assert [t for t in timeline if t[1] != "amendment"] == [
        ("2026-06-11", "stage", "adilet:Z2600000305"),  # signed: the act's date, from the footnotes
        ("2026-08-15", "version", KEY),
        ("2026-09-14", "stage", KEY),
        ("2026-09-14", "stage", BILL),
    ]


def test_link_and_unlink_by_hand(
    follower: DraftFollower, bills: BillFollower, portal: ReplayServer, db: Database, cli
) -> None:
    portal.route(CARD, V1_CARD)
    follower.follow()
    bills.follow()
    nco = all_drafts(db)[0]
    split = cli("drafts", "unlink", str(nco.id), BILL)
    assert split.code == 0, split.err
    listed = json.loads(cli("drafts", "list", "--format", "json").out)
    assert [(d["sources"], d["stage"]) for d in listed] == [
        ([KEY], "public_discussion"),
        (["mazhilis:1402"], "senate"),
        ([BILL], "mazhilis"),
    ]
    bills.follow()  # a bill split off by hand is not joined again by its title
    assert len(all_drafts(db)) == 3
    joined = cli("drafts", "link", str(nco.id), BILL)
    assert joined.code == 0, joined.err
    listed = json.loads(cli("drafts", "list", "--format", "json", "--stage", "parliament").out)
    assert [d["sources"] for d in listed] == [[KEY, BILL], ["mazhilis:1402"]]

    for args, message in (
        (("drafts", "link", str(nco.id), BILL), "already part of draft"),
        (("drafts", "link", "999", BILL), "no draft 999"),
        (("drafts", "unlink", str(nco.id), "mazhilis:77"), "not a source of draft"),
        (("drafts", "link", str(nco.id), "senate:1"), "unknown source"),
        (("drafts", "list", "--stage", "parliment"), "unknown stage 'parliment'"),
    ):
        failed = cli(*args)
        assert failed.code != 0 and message in failed.err and failed.err.count("\n") == 1


def test_same_text_needs_the_same_numbers_and_nearly_the_same_words() -> None:
    portal = (
        "О внесении изменений в Закон Республики Казахстан «О некоммерческих организациях» "
        "от 16 января 2001 года"
    )
    assert stages.same_text(f"Проект Закона Республики Казахстан {portal}", portal)
    assert not stages.same_text(portal, portal.replace("2001", "2011"))
    assert not stages.same_text(portal, "О внесении изменений в Закон Республики Казахстан «О масс-медиа»")


def test_kazakh_list_pages_and_keywords_are_followed_like_russian_ones(
    portal: ReplayServer, db: Database, clock
) -> None:
    kk = "egovLang=kk"
    portal.route("/list", page("list_kk_handmade.html"), cookie=kk)
    portal.route("/list?page=2", page("list_empty_handmade.html"), cookie=kk)
    portal.route(CARD, V1_CARD)
    portal.route(CARD, page("card_kk_handmade.html"), cookie=kk)
    portal.route("/npa/view?id=15900106", page("card_kk_handmade.html"), cookie=kk)
    settings = draft_settings(portal)
    drafts = dataclasses.replace(
        settings.drafts,
        keywords=("некоммерческ", "коммерциялық емес", "қайырымдылық"),
        languages=("ru", "kk"),
    )
    with Fetcher(settings.politeness, clock=clock) as fetcher:
        follower = DraftFollower(
            dataclasses.replace(settings, drafts=drafts), db, fetcher=fetcher, today=lambda: TODAY
        )
        results = follower.follow()
        assert [(r.key, r.language, r.outcome) for r in results] == [
            (KEY, "rus", "new_edition"),
            (KEY, "kaz", "new_edition"),  # the Kazakh text of the same draft
            ("legalacts:15900106", "kaz", "new_edition"),  # found by a Kazakh keyword only
        ]
        follower.follow()  # the two languages' status words never make the draft move
    nco, charity = all_drafts(db)
    assert (nco.source_status, nco.stage) == ("На публичном обсуждении", Stage.PUBLIC_DISCUSSION)
    assert (charity.source_status, charity.stage) == ("Жария талқылауда", Stage.PUBLIC_DISCUSSION)
    assert charity.title.startswith("Қазақстан Республикасының")  # the card's title, in Kazakh
    assert events_of(db, "draft.stage_changed") == []
    published = [(p["document"]["key"], p["document"]["language"]) for p in events_of(db, "draft.published")]
    assert published == [(KEY, "rus"), ("legalacts:15900106", "kaz")]
    kazakh = [r for r in portal.requests if r.headers.get("Cookie") == kk]
    assert {r.path for r in kazakh} >= {"/list", CARD, "/npa/view?id=15900106"}
    with db.transaction() as session:
        assert editions.latest_edition(session, KEY, "kaz") is not None


def test_an_initiative_is_linked_to_the_draft_that_gives_it_a_text(
    follower: DraftFollower, portal: ReplayServer, db: Database, cli
) -> None:
    assert cli("initiatives", "add", "Новый закон о НПО (объявлен в марте 2025)", "--tag", "ngo").code == 0
    portal.route(CARD, V1_CARD)
    follower.follow()
    nco = all_drafts(db)[0]
    linked = cli("initiatives", "link", "1", str(nco.id))
    assert linked.code == 0, linked.err
    (item,) = json.loads(cli("initiatives", "list", "--format", "json").out)
    assert (item["draft"], item["days_without_text"]) == (nco.id, None)
    review(follower.settings, db, TODAY + timedelta(days=400))
    assert events_of(db, "initiative.waiting") == []  # it has a text: no reminder
