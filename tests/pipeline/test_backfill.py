"""History on day one, against a local replay of adilet: a `/history` table with three editions (its
columns in another order than the site's) and their dated pages, built from the real page of the
referendum law by undoing two of its edits (hand-made editions, real markup)."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from scrapers.adilet import AdiletSource, parse_page
from storage import editions, watchlist
from storage import models as m
from storage.db import Database
from tracker import config, structure
from tracker.backfill import backfill
from tracker.config import Politeness, Settings
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer, Reply

FIXTURES = Path(__file__).parents[1] / "fixtures"
ZANWATCH = Path(sys.executable).with_name("zanwatch")

KEY = "adilet:Z950002592_"
PATH = "/rus/docs/Z950002592_"
REAL = (FIXTURES / "adilet" / "Z950002592_.rus.html").read_text(encoding="utf-8")
ONLY = ("исключительно за счет республиканского бюджета", "за счет республиканского бюджета")
PARLIAMENT = ("принадлежит Президенту Республики Казахстан.", "принадлежит Президенту и Парламенту.")
DAYS = (date(2019, 7, 5), date(2022, 3, 10), date(2024, 4, 19))
PAGES = {
    DAYS[0]: REAL.replace(*ONLY).replace(*PARLIAMENT),  # both edits undone
    DAYS[1]: REAL.replace(*ONLY),  # article 10 as today
    DAYS[2]: REAL,  # article 8 as today: the current text
}
ACTS = ("250-VI", "105-VII", "70-VIII")


def history_page() -> str:
    """Headers seen on adilet, in another order; newest first; the date also in each row's dated link;
    the act's number in the form column, its title under «Заголовок»."""
    rows = "".join(
        f"<tr><td>{day:%d.%m.%Y}</td><td>Действующий</td>"
        f'<td><a href="/rus/docs/Z950002592_/{day:%d.%m.%Y}">О внесении изменений в некоторые '
        "конституционные законы</a></td>"
        f"<td>Конституционный закон Республики Казахстан от {day:%d.%m.%Y} № {act}</td>"
        f"<td>{i}</td><td></td></tr>"
        for i, (day, act) in enumerate(reversed(list(zip(DAYS, ACTS, strict=True))), 1)
    )
    return (
        '<html><head><meta charset="utf-8"></head><body><table id="ethernatable"><tr>'
        "<th>Дата изменения</th><th>Статус НПА</th><th>Заголовок</th>"
        "<th>Форма НПА и орган, принявший акт</th><th>№</th><th>Дополнительная информация</th></tr>"
        f"{rows}</table></body></html>"
    )


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as s:
        s.route(PATH, REAL)
        s.route(PATH + "/history", history_page())
        for day, page in PAGES.items():
            s.route(f"{PATH}/{day:%d.%m.%Y}", page)
        yield s


@pytest.fixture
def settings(db: Database, server: ReplayServer) -> Settings:
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
    return dataclasses.replace(
        config.load(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        rules=config.Rules(packs=()),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, timeout_s=5.0
        ),
    )


TABLES = (m.Snapshot, m.Edition, m.ProvisionVersion, m.ProvisionText, m.Change, m.Amendment, m.Event)


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def dated_requests(server: ReplayServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith(PATH + "/") and "history" not in r.path]


def changed(session, edition_id: int) -> list[m.Change]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(m.Change).where(m.Change.to_edition_id == edition_id)))


def assert_chain_is_adilets(db: Database) -> None:
    """Three editions in adilet's order and dates, each rebuilding exactly its dated page, each change
    against the edition before it."""
    with db.transaction() as session:
        chain = editions.list_editions(session, KEY, "rus")
        assert [(e.seq, e.edition_date) for e in chain] == [(1, DAYS[0]), (2, DAYS[1]), (3, DAYS[2])]
        for info, day in zip(chain, DAYS, strict=True):
            stored = editions.load_document(session, info)
            expected = structure.build(parse_page(PAGES[day], "rus"))
            assert editions.content_hash(stored) == editions.content_hash(expected), info
        changes = {
            e.seq: [(c.kind, c.new_num) for c in changed(session, e.id)]
            for e in chain
        }
    assert changes == {1: [], 2: [("substituted", "10")], 3: [("substituted", "8")]}


def test_backfill_records_adilets_editions_in_date_order_silently_and_once(
    db: Database, settings: Settings, server: ReplayServer, cli
) -> None:
    result = backfill(db, settings, KEY, "rus")
    assert (result.listed, result.fetched, result.recorded, result.skipped) == (3, 3, 3, ())
    assert_chain_is_adilets(db)
    with db.transaction() as session:
        chain = editions.list_editions(session, KEY, "rus")
    assert [e.acts for e in chain] == [(a,) for a in ACTS]
    assert [e.origin for e in chain] == ["backfill"] * 3
    assert counts(db)["event"] == 0  # the past is not news: nothing for subscribers

    before, requests = counts(db), len(server.requests)
    again = backfill(db, settings, KEY, "rus")
    assert (again.fetched, again.recorded, again.moved) == (0, 0, 0)
    assert counts(db) == {**before, "snapshot": before["snapshot"] + 1}  # only the /history page, kept
    assert [r.path for r in server.requests[requests:]] == [PATH + "/history"]

    shown = cli("show", KEY, "--at", "01.01.2021", "--article", "8")
    assert shown.code == 0, shown.err
    assert "edition 1" in shown.out and "05.07.2019" in shown.out
    assert "за счет республиканского бюджета" in shown.out and "исключительно" not in shown.out


def test_a_run_killed_mid_way_resumes_without_fetching_or_recording_twice(
    db: Database, settings: Settings, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = AdiletSource.fetch_text

    def dies_on_the_second_page(self, ident, language, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("on") == DAYS[1]:
            raise RuntimeError("killed")
        return real(self, ident, language, **kwargs)

    monkeypatch.setattr(AdiletSource, "fetch_text", dies_on_the_second_page)
    with pytest.raises(RuntimeError):
        backfill(db, settings, KEY, "rus")
    assert counts(db)["edition"] == 0
    monkeypatch.undo()
    result = backfill(db, settings, KEY, "rus")
    assert (result.fetched, result.recorded) == (2, 3)
    assert sorted(dated_requests(server)) == sorted(f"{PATH}/{d:%d.%m.%Y}" for d in DAYS)
    assert_chain_is_adilets(db)


def test_a_crash_while_merging_leaves_no_edition_and_the_rerun_reads_no_page_again(
    db: Database, settings: Settings, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(editions, "save_changes", disk_full)
    with pytest.raises(RuntimeError):
        backfill(db, settings, KEY, "rus")
    assert (counts(db)["edition"], counts(db)["provision_version"]) == (0, 0)
    monkeypatch.undo()
    assert backfill(db, settings, KEY, "rus").fetched == 0
    assert_chain_is_adilets(db)


def test_backfill_after_checks_slots_older_editions_before_the_stored_one(
    db: Database, settings: Settings, server: ReplayServer
) -> None:
    checker = Checker(settings, db)
    assert checker.check(KEY, "rus").outcome == "new_edition"
    with db.transaction() as session:
        (stored,) = editions.list_editions(session, KEY, "rus")
    assert stored.edition_date == DAYS[2]

    result = backfill(db, settings, KEY, "rus")
    assert (result.recorded, result.moved) == (2, 1)
    assert_chain_is_adilets(db)
    with db.transaction() as session:
        latest = editions.list_editions(session, KEY, "rus")[-1]
    assert (latest.id, latest.origin) == (stored.id, "fetch")  # the same edition, renumbered
    assert checker.check(KEY, "rus").outcome == "not_modified"
    assert backfill(db, settings, KEY, "rus").recorded == 0


def test_a_page_dated_like_a_stored_edition_goes_before_it(
    db: Database, settings: Settings, server: ReplayServer
) -> None:
    """A check dated its edition by the newest /history row, so that edition is the page of that date as
    the site showed it later: the dated page goes first and the checked one stays the latest."""
    server.route(PATH, REAL.replace("исключительно", "строго"))
    checker = Checker(settings, db)
    checker.check(KEY, "rus")
    result = backfill(db, settings, KEY, "rus")
    assert (result.recorded, result.moved) == (3, 1)
    with db.transaction() as session:
        chain = [(e.edition_date, e.origin) for e in editions.list_editions(session, KEY, "rus")]
    assert chain == [*((day, "backfill") for day in DAYS), (DAYS[2], "fetch")]
    assert checker.check(KEY, "rus").outcome == "not_modified"


def test_an_older_page_between_stored_editions_reorders_the_chain(
    db: Database, settings: Settings, server: ReplayServer
) -> None:
    """Editions 1 and 3 checked first (as the site showed them then); the backfill's edition 2 slots
    between them and the last one's changes are recomputed against it."""
    checker = Checker(settings, db)
    server.route(PATH + "/history", "no table")
    for day in (DAYS[0], DAYS[2]):
        server.route(PATH, PAGES[day])
        checker.check(KEY, "rus")
    with db.transaction() as session:
        for info, day in zip(editions.list_editions(session, KEY, "rus"), (DAYS[0], DAYS[2]), strict=True):
            session.get(m.Edition, info.id).edition_date = day  # as a readable /history would have dated them
    server.route(PATH + "/history", history_page())
    result = backfill(db, settings, KEY, "rus")
    assert (result.recorded, result.moved) == (1, 1)
    assert_chain_is_adilets(db)


def config_file(server: ReplayServer, tmp_path: Path) -> Path:
    """A config for a `zanwatch` process reading the replay."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[sources.adilet]\nbase_url = "{server.url}"\napi_url = "{server.url}"\n'
        '[politeness]\ntimeout_s = 60.0\nretries = 0\n[politeness.rate_per_host]\ndefault = 1000.0\n'
        "[rules]\npacks = []\n",
        encoding="utf-8",
    )
    return path


def test_sigkill_mid_backfill_then_rerun_records_each_edition_once(
    db: Database, db_url: str, settings: Settings, server: ReplayServer, tmp_path: Path
) -> None:
    last = f"{PATH}/{DAYS[2]:%d.%m.%Y}"
    server.sequence(last, [Reply(REAL, delay_s=60.0), Reply(REAL)])  # the third page hangs the first time
    command = [str(ZANWATCH), "--config", str(config_file(server, tmp_path)), "--db", db_url, "backfill", KEY]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while last not in dated_requests(server) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the backfill finished before it could be killed"
    assert counts(db)["edition"] == 0

    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "1 pages read, 3 editions recorded" in " ".join(second.stdout.split())
    assert sorted(dated_requests(server)) == sorted([*(f"{PATH}/{d:%d.%m.%Y}" for d in DAYS), last])
    assert_chain_is_adilets(db)


def notice(page: str, article: str, when: date) -> str:
    """A red «Примечание ИЗПИ!» announcing a new wording of `article`, before its heading, as adilet prints
    one."""
    at = page.index(f"Статья {article}.")
    heading = page[page.rindex("<p", 0, at) : at]
    red = '<font color="#FF0000">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; '
    text = (
        f"<p>{red}Примечание ИЗПИ!</font><br>{red}Статья предусматривается в редакции Закона РК от "
        f'20.11.2021 <a href="https://adilet.zan.kz/rus/docs/Z2100000350#z3">№ 350-VII</a> '
        f"(вводится в действие с {when:%d.%m.%Y}).</font></p>"
    )
    return page.replace(heading, text + heading, 1)


def test_show_at_a_date_is_the_law_in_force_then_with_what_was_announced(
    db: Database, settings: Settings, server: ReplayServer, cli
) -> None:
    for day in DAYS[1:]:  # announced with the second edition, still pending in the third
        server.route(f"{PATH}/{day:%d.%m.%Y}", notice(PAGES[day], "10", date(2027, 7, 1)))
    backfill(db, settings, KEY, "rus")

    between = cli("show", KEY, "--at", "2023-01-01", "--article", "10")
    assert between.code == 0, between.err
    out = " ".join(between.out.split())
    assert "in force on 01.01.2023: edition 2, adilet's edition of 10.03.2022 (105-VII)" in out
    assert "announced, not yet in force: 350-VII — new_wording art_10, in force 01.07.2027" in out
    assert "принадлежит Президенту Республики Казахстан." in out
    before = cli("show", KEY, "--at", "01.01.2021", "--article", "10")
    assert "edition 1" in before.out and "350-VII" not in before.out
    assert "принадлежит Президенту и Парламенту." in before.out

    too_early = cli("show", KEY, "--at", "01.01.2018")
    assert too_early.code == 3 and "zanwatch backfill" in too_early.err
    not_yet_recorded = cli("show", KEY, "--at", "01.01.2023", "--recorded")
    assert not_yet_recorded.code == 3 and "recorded by 01.01.2023" in not_yet_recorded.err
    today = cli("show", KEY, "--at", date.today().isoformat(), "--recorded", "--article", "8")
    assert "recorded by" in today.out and "edition 3" in today.out

    diff = cli("diff", KEY, "--from", "01.01.2021", "--to", "01.01.2023", "--format", "json")
    assert diff.code == 0, diff.err
    assert [c["new_num"] for c in json.loads(diff.out)["changes"]] == ["10"]
    history = " ".join(cli("history", KEY).out.split())
    assert all(f"{day:%d.%m.%Y}" in history for day in DAYS) and "250-VI" in history


def test_since_starts_from_the_edition_in_force_then(
    db: Database, settings: Settings, server: ReplayServer
) -> None:
    result = backfill(db, settings, KEY, "rus", since=date(2023, 1, 1))
    assert (result.listed, result.recorded) == (2, 2)
    with db.transaction() as session:
        assert [e.edition_date for e in editions.list_editions(session, KEY, "rus")] == list(DAYS[1:])


def test_reparse_keeps_the_backfilled_editions_in_adilets_order(
    db: Database, settings: Settings, server: ReplayServer
) -> None:
    checker = Checker(settings, db)
    checker.check(KEY, "rus")
    backfill(db, settings, KEY, "rus")
    events = counts(db)["event"]
    checker.reparse(KEY, "rus")
    assert_chain_is_adilets(db)
    assert counts(db)["event"] == events


def test_watch_add_with_backfill(db: Database, server: ReplayServer, cli, tmp_path: Path) -> None:
    added = cli("--config", str(config_file(server, tmp_path)), "watch", "add", KEY, "--backfill")
    assert added.code == 0, added.err
    assert "3 editions recorded" in " ".join(added.out.split())
    assert_chain_is_adilets(db)


def age(db: Database, days: int) -> None:
    """Move every stored page and edition back in time, as if recorded `days` earlier."""
    with db.transaction() as session:
        for table in (m.Snapshot, m.Edition):
            for row in session.exec(select(table)):
                row.fetched_at -= timedelta(days=days)
                session.add(row)


def shifted(iso: object, days: int) -> str:
    return (datetime.fromisoformat(str(iso)) + timedelta(days=days)).isoformat()


def test_reparse_keeps_adilets_dates_and_when_each_edition_was_first_seen(
    db: Database, server: ReplayServer, cli, tmp_path: Path
) -> None:
    """Maintenance loses nothing: `history` reads the same after a reparse, for a checked edition dated by
    /history and for the editions a backfill then slotted before it."""
    config = ("--config", str(config_file(server, tmp_path)))
    assert cli(*config, "watch", "add", KEY).code == 0

    def history() -> list[dict[str, object]]:
        shown = cli(*config, "history", KEY, "--format", "json")
        assert shown.code == 0, shown.err
        return [{k: v for k, v in e.items() if k != "origin"} for e in json.loads(shown.out)]

    assert cli(*config, "check", KEY).code == 0
    (fresh,) = history()
    age(db, 30)
    checked = history()
    assert checked == [{**fresh, "fetched_at": shifted(fresh["fetched_at"], -30)}]
    assert fresh["edition_date"] == f"{DAYS[2]}"
    reparsed = cli(*config, "reparse", KEY)
    assert reparsed.code == 0, reparsed.err
    assert history() == checked

    assert cli(*config, "backfill", KEY).code == 0
    age(db, 1)
    backfilled = history()
    assert [e["edition_date"] for e in backfilled] == [f"{day}" for day in DAYS]
    assert cli(*config, "reparse", KEY).code == 0
    assert history() == backfilled
