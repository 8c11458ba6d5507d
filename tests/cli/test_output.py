"""What list, show and status commands print (issue #10): on an 80-column terminal every identifier a user
must copy is whole, `check` and `status` take a line per row, every command has `--format json`, and
every time is shown in one named zone (Asia/Almaty by default)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from storage import deliveries, subscribers
from storage.db import Database
from tracker import config
from tracker.demo import earlier_edition, real_page
from tracker.demo.drafts import run_draft_demo
from tracker.output import Clock, json_text
from tracker.render.listing import Column, Listing
from tracker.replay import ReplayServer

KEY = "adilet:Z950002592_"
SUBSCRIBER = "Legal team of the Association of Non-Commercial Organisations"
EVENT_ID = 987654321
Ids = Callable[[Any], list[str]]


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console on an 80-column terminal."""
    from tracker.cli.app import console

    monkeypatch.setattr(console, "_width", 80)


@pytest.fixture
def seeded(cli, db_url: str, tmp_path: Path, offline: None) -> Iterator[Path]:
    """The default watch list, a law with two editions (changes, flags, amending acts), a subscriber with
    a delivery, health for every source, a followed draft and an initiative; and a config whose adilet is
    a local server answering 404, so `check` fails fast and offline. Yields that config."""
    with ReplayServer() as server:
        conf = tmp_path / "offline.toml"
        conf.write_text(
            f'[sources]\nadilet_base_url = "{server.url}"\nadilet_api_url = "{server.url}"\n'
            "[politeness]\nretries = 0\ntimeout_s = 5.0\n[politeness.rate_per_host]\ndefault = 1000.0\n",
            encoding="utf-8",
        )
        earlier, real = tmp_path / "earlier.html", tmp_path / "real.html"
        earlier.write_text(earlier_edition(real_page()), encoding="utf-8")
        real.write_text(real_page(), encoding="utf-8")
        assert cli("init").code == 0
        assert cli("watch", "add", KEY, "--tag", "referendum,elections-2026").code == 0
        assert cli("import", str(earlier), "--as", KEY, "--date", "2024-01-01").code == 0
        assert cli("import", str(real), "--as", KEY, "--date", "2026-06-01").code == 0
        added = cli("subscribers", "add", SUBSCRIBER, "--email", "legal@example.org", "--tags", "ngo")
        assert added.code == 0, added.err
        assert cli("initiatives", "add", "Foreign agents law", "--tag", "ngo,foreign-funding").code == 0
        db = Database(db_url)
        with db.transaction() as session:
            sub_id = subscribers.get(session, SUBSCRIBER).id
            assert sub_id is not None
            deliveries.ensure(session, sub_id, "email", EVENT_ID)
        assert (
            cli("--config", str(conf), "check").code != 0
        )  # every source answers 404: one health row each, all failed
        settings = config.load(str(conf), db_url)
        run_draft_demo(Console(file=io.StringIO()), db, settings)
        db.dispose()
        yield conf


def _strings(data: Any, *fields: str) -> list[str]:
    """Every value of these fields anywhere in the JSON, as text."""
    found: list[str] = []
    if isinstance(data, dict):
        for name, value in data.items():
            if name in fields and value not in (None, "", []):
                found += [str(v) for v in value] if isinstance(value, list) else [str(value)]
            else:
                found += _strings(value, *fields)
    elif isinstance(data, list):
        for item in data:
            found += _strings(item, *fields)
    return found


def listed(cli, conf: Path) -> list[tuple[tuple[str, ...], list[str]]]:
    """Every list, show and status command, and the fields of its JSON that hold identifiers."""
    acts = json.loads(cli("acts", "--format", "json").out)
    assert acts, "the seeded law names its amending acts"
    drafts = json.loads(cli("drafts", "list", "--format", "json").out)
    commands: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        (("watch", "list"), ("key", "tags")),
        (("--config", str(conf), "check"), ("key",)),
        (("status",), ("source",)),
        (("history", KEY), ("acts",)),
        (("flags",), ("document_key", "rule_id")),
        (("rules", "list"), ("id", "theme")),
        (("acts",), ("id", "documents", "eid")),
        (("act", str(acts[0]["id"])), ("document_key", "eid")),
        (("subscribers", "list"), ("name", "address", "tags")),
        (("deliveries", "list"), ("id", "subscriber", "event_id")),
        (("drafts", "list"), ("id", "sources")),
        (("drafts", "show", str(drafts[0]["id"])), ("key",)),
        (("initiatives", "list"), ("id", "tags")),
    ]
    out = []
    for args, fields in commands:
        result = cli(*args, "--format", "json")
        assert result.out, (args, result.err)
        out.append((args, sorted(set(_strings(json.loads(result.out), *fields)))))
    return out


def test_no_identifier_is_cut_and_a_source_takes_a_line_at_80_columns(
    cli, seeded: Path, narrow: None
) -> None:
    for args, identifiers in listed(cli, seeded):
        assert identifiers, args
        result = cli(*args)
        assert "Traceback" not in result.err, args
        assert max(len(line) for line in result.out.splitlines()) <= 80, (args, result.out)
        for identifier in identifiers:
            whole = rf"(?<![\w:]){re.escape(identifier.rstrip(','))}(?![\w])"
            assert re.search(whole, result.out), (args, identifier, result.out)
    checked = cli("--config", str(seeded), "check")
    rows = json.loads(cli("--config", str(seeded), "check", "--format", "json").out)
    assert len(rows) >= 30
    assert len(checked.out.splitlines()) <= len(rows) + 3, checked.out
    status = cli("status")
    sources = json.loads(cli("status", "--format", "json").out)["sources"]
    assert len(sources) >= len(rows)
    assert len(status.out.splitlines()) <= len(sources) + 25, status.out


def test_every_list_show_and_status_command_speaks_json(cli, seeded: Path) -> None:
    more = [("show", KEY, "--article", "7-1"), ("parse", str(seeded.parent / "real.html"))]
    for args in [a for a, _ in listed(cli, seeded)] + more:
        for fmt in ("json", "text" if args[0] in ("show", "parse") else "table"):
            result = cli(*args, "--format", fmt)
            assert result.out.strip(), (args, fmt, result.err)
            if fmt == "json":
                json.loads(result.out)
        assert cli(*args, "--format", "yaml").err.startswith("zanwatch: error: unknown format 'yaml'")
    shown = json.loads(cli("show", KEY, "--article", "7-1", "--format", "json").out)
    assert shown["key"] == KEY and [p["num"] for p in shown["provisions"]] == ["7-1"]


@pytest.fixture
def imported(cli, tmp_path: Path) -> None:
    """One edition of one law."""
    page = tmp_path / "earlier.html"
    page.write_text(earlier_edition(real_page()), encoding="utf-8")
    assert cli("watch", "add", KEY).code == 0
    assert cli("import", str(page), "--as", KEY, "--date", "2024-01-01").code == 0


def test_times_are_shown_in_almaty_and_named(cli, imported: None) -> None:
    edition = json.loads(cli("history", KEY, "--format", "json").out)[0]
    assert edition["fetched_at"].endswith("+05:00")
    fetched = datetime.fromisoformat(edition["fetched_at"])
    history = cli("history", KEY).out
    assert f"{fetched:%Y-%m-%d %H:%M}" in history and "Asia/Almaty" in history
    status = cli("status")
    assert "Asia/Almaty" in status.out
    assert json.loads(cli("status", "--format", "json").out)["sources"] == []
    assert all(
        r["at"].endswith("+05:00") for r in json.loads(cli("status", "--format", "json").out)["next_runs"]
    )


def test_the_zone_comes_from_the_config(cli, imported: None, tmp_path: Path) -> None:
    conf = tmp_path / "tokyo.toml"
    conf.write_text('[schedule]\ntimezone = "Asia/Tokyo"\n', encoding="utf-8")
    edition = json.loads(cli("--config", str(conf), "history", KEY, "--format", "json").out)[0]
    assert edition["fetched_at"].endswith("+09:00")
    assert "Asia/Tokyo" in cli("--config", str(conf), "history", KEY).out


def test_one_clock_formats_every_time() -> None:
    moment = datetime(2026, 12, 2, 16, 19, tzinfo=UTC)
    clock = Clock("Asia/Almaty")
    assert clock.text(moment) == "2026-12-02 21:19 (Asia/Almaty)"
    assert clock.text(moment.replace(tzinfo=None)) == "2026-12-02 21:19 (Asia/Almaty)"  # stored UTC
    assert clock.iso(moment) == "2026-12-02T21:19:00+05:00"
    assert clock.text(None) == "never"
    assert json.loads(json_text({"at": moment}, clock)) == {"at": "2026-12-02T21:19:00+05:00"}


def test_json_never_carries_a_raw_control_character_or_a_password() -> None:
    text = json_text({"t": "a\x1b[2J b\x9b c", "db": "postgresql://zan:hunter2@db/zw"}, Clock())
    assert "\x1b" not in text and "\x9b" not in text and "hunter2" not in text
    assert json.loads(text)["t"] == "a\x1b[2J b\x9b c"


def test_a_listing_too_wide_for_a_table_becomes_blocks_with_every_identifier_whole() -> None:
    listing = Listing(Column("key", "id"), Column("rule", "id"), Column("severity"), Column("note", "text"))
    keys = [f"adilet:K14000002{n}" for n in range(10, 20)]
    for key in keys:
        listing.add(key, "civic.foreign_funding.reporting_duty", "critical", "x " * 100)
    for width in (40, 80, 120):
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(listing)
        shown = console.export_text()
        assert all(key in shown for key in keys), width
        assert "civic.foreign_funding.reporting_duty" in shown
        assert max(len(line) for line in shown.splitlines()) <= width


def test_flags_since_a_day_means_that_day_in_the_configured_zone(cli, seeded: Path, tmp_path: Path) -> None:
    """A flag's day differs across zones: `--since DAY` starts DAY where the reader's clock says so."""
    flags = json.loads(cli("flags", "--format", "json").out)
    assert flags
    moment = datetime.fromisoformat(flags[0]["created_at"])
    # UTC+14 and UTC-11: the flag's day at UTC+14 begins 25 hours earlier there than at UTC-11
    day = f"{Clock('Pacific/Kiritimati').local(moment):%Y-%m-%d}"
    listed = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        conf = tmp_path / f"{zone.replace('/', '-')}.toml"
        conf.write_text(f'[schedule]\ntimezone = "{zone}"\n', encoding="utf-8")
        rows = json.loads(cli("--config", str(conf), "flags", "--since", day, "--format", "json").out)
        listed[zone] = {row["id"] for row in rows}
    assert flags[0]["id"] in listed["Pacific/Kiritimati"]
    assert flags[0]["id"] not in listed["Pacific/Pago_Pago"]
