"""What enters the system, hostile or broken: files handed to `zanwatch import` and answers from a server
that lies (real loopback servers, no network). Garbage never becomes an edition, a change or an event,
nothing stored is lost, and the user sees one line (`import`) or a typed failed check (`check`)."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from drafts import conftest as portal_replay

from scrapers.http import Fetcher
from storage import watchlist
from storage.db import Database
from tracker import config
from tracker.backfill import backfill
from tracker.config import Politeness
from tracker.drafts import DraftFollower
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer, Reply

from .test_fault_matrix import ADILET, EDITED, KEY, PATH, REAL, counts, event_types, health

OTHER = (ADILET / "Z950002529_.rus.html").read_text(encoding="utf-8")
"""Another law's real page: its share links name Z950002529_."""
API = "/api/documents/by-ngr/Z950002592_"


def _other_article() -> str:
    return OTHER[OTHER.index("<article") : OTHER.index("</article>") + len("</article>")]


def _docx_with(document_xml: bytes) -> bytes:
    """A real DOCX package whose document part is `document_xml`."""
    document = docx.Document()
    document.add_paragraph("Статья 1. Текст")
    packed = io.BytesIO()
    document.save(packed)
    changed = io.BytesIO()
    with zipfile.ZipFile(packed) as source, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            main = item.filename == "word/document.xml"
            target.writestr(item.filename, document_xml if main else source.read(item), compresslevel=9)
    return changed.getvalue()


def _broken_docx() -> bytes:
    return _docx_with(b"<w:document><broken")


def _docx_bomb() -> bytes:
    """A DOCX whose document part inflates to 300 MiB of zeros from about 300 KiB."""
    return _docx_with(bytes(300 << 20))


REFUSED_FILES: dict[str, tuple[str, Callable[[], bytes], tuple[str, ...], str]] = {
    "empty file": ("law.html", lambda: b"", (), "the file is empty"),
    "PNG named .html": ("law.html", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(4000), (), "a PNG image"),
    "PNG named .txt": ("law.txt", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(4000), (), "a PNG image"),
    "the page gzipped": ("law.html", lambda: gzip.compress(REAL.encode()), (), "a gzip archive"),
    "UTF-16 without its BOM": ("law.txt", lambda: REAL.encode("utf-16-le"), (), "binary data"),
    "DOCX with broken XML": ("law.docx", _broken_docx, (), "not a valid DOCX file"),
    "adilet page cut before its article": (
        "law.html",
        lambda: REAL.encode()[: REAL.encode().index(b"<article")],
        (),
        "no <article> body",
    ),
    "another law's saved page": ("law.html", OTHER.encode, (), "another document (Z950002529_"),
    "another law's saved page, forced": ("law.html", OTHER.encode, ("--force",), "even with --force"),
    "an older edition after a newer one": (
        "law.html",
        EDITED.encode,
        ("--date", "01.01.2024"),
        "an older text cannot follow a newer one",
    ),
}


@pytest.fixture
def imported(cli, tmp_path: Path) -> Path:
    """The referendum law imported once, dated 01.01.2025; returns a folder for the next files."""
    assert cli("import", str(ADILET / "Z950002592_.rus.html"), "--as", KEY, "--date", "2025-01-01").code == 0
    return tmp_path


@pytest.mark.parametrize(
    ("name", "make", "extra", "message"), REFUSED_FILES.values(), ids=REFUSED_FILES.keys()
)
def test_a_file_that_is_not_the_law_is_refused_in_one_line(
    cli,
    db: Database,
    imported: Path,
    name: str,
    make: Callable[[], bytes],
    extra: tuple[str, ...],
    message: str,
) -> None:
    path = imported / name
    path.write_bytes(make())
    before, events = counts(db), event_types(db)
    result = cli("import", str(path), "--as", KEY, *extra)
    assert result.code != 0
    assert result.err.startswith("zanwatch: error: ") and result.err.count("\n") == 1, result.err
    assert message in result.err, result.err
    assert counts(db) == before and event_types(db) == events


SAME_TEXT = {
    "UTF-16 with its BOM (Notepad's «Unicode»)": lambda: REAL.encode("utf-16"),
    "NUL bytes inside words": lambda: REAL.replace("исключительно", "исклю\0чительно").encode(),
}


@pytest.mark.parametrize("make", SAME_TEXT.values(), ids=SAME_TEXT.keys())
def test_the_same_law_in_another_encoding_is_the_same_text(
    cli, db: Database, imported: Path, make: Callable[[], bytes]
) -> None:
    path = imported / "law.html"
    path.write_bytes(make())
    before = counts(db)
    result = cli("import", str(path), "--as", KEY)
    assert result.code == 0 and "same content as edition 1" in result.out, result.err
    assert counts(db) == before


@pytest.fixture
def checker(db: Database, server: ReplayServer) -> Iterator[Checker]:
    """Edition 1 of the referendum law is stored; one retry, and no real wait whatever a server asks."""
    settings = dataclasses.replace(
        config.load(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, backoff_max_s=0.0, timeout_s=2.0
        ),
    )
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
    with Fetcher(settings.politeness) as fetcher:
        c = Checker(settings, db, fetcher=fetcher)
        server.route(PATH, REAL)
        assert c.check(KEY, "rus").outcome == "new_edition"
        yield c


def _off_site(server: ReplayServer) -> None:
    server.route(
        PATH, "", status=302, headers={"Location": f"{server.url.replace('127.0.0.1', 'localhost')}/x"}
    )
    server.route("/x", EDITED)


def _api(server: ReplayServer, payload: str) -> None:
    server.route(PATH, (ADILET / "js_shell.handmade.html").read_bytes())
    server.route(API, payload, content_type="application/json")


HOSTILE = {
    "redirect to another host": (_off_site, "redirected off the site"),
    "another law's page with 200": (lambda s: s.route(PATH, OTHER), "another document (Z950002529_"),
    "JS shell, the API gives another law": (
        lambda s: _api(s, json.dumps({"title": "О Парламенте", "text_content": _other_article()})),
        "another document's text",
    ),
    "JS shell, the API nests JSON 100000 deep": (lambda s: _api(s, "[" * 100_000), "not JSON"),
    "503 with Retry-After: ²": (
        lambda s: s.route(PATH, "busy", status=503, headers={"Retry-After": "²"}),
        "HTTP 503",
    ),
}


@pytest.mark.parametrize(("serve", "reason"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_answer_is_a_failed_check_not_an_edition(
    checker: Checker, server: ReplayServer, db: Database, serve: Callable[[ReplayServer], None], reason: str
) -> None:
    before, events = counts(db), event_types(db)
    serve(server)
    result = checker.check(KEY, "rus")
    assert result.outcome in ("error", "suspect") and reason in result.reason, result
    assert counts(db) == before and event_types(db) == events
    assert health(db) == (1, False)


@pytest.mark.parametrize("value", ["-5", "Mon, 01 Jan 1990 00:00:00 GMT", "9" * 40, "²", "1e9"])
def test_an_odd_retry_after_is_waited_out_and_the_check_goes_on(
    checker: Checker, server: ReplayServer, value: str
) -> None:
    server.sequence(PATH, [Reply("slow down", status=429, headers={"Retry-After": value}), Reply(EDITED)])
    assert checker.check(KEY, "rus").outcome == "new_edition"


def test_an_impossible_date_in_the_history_leaves_the_edition_undated(
    checker: Checker, server: ReplayServer
) -> None:
    server.route(PATH, EDITED)
    history = '<table id="ethernatable"><tr><th>Дата изменения</th></tr><tr><td>31.02.2026</td></tr></table>'
    server.route(f"{PATH}/history", history)
    result = checker.check(KEY, "rus")
    assert (result.outcome, result.seq, result.changes) == ("new_edition", 2, 1)


def test_nul_bytes_in_a_served_page_are_no_change(
    checker: Checker, server: ReplayServer, db: Database
) -> None:
    before = counts(db)
    server.route(PATH, REAL.replace("исключительно", "исклю\0чительно"))
    assert checker.check(KEY, "rus").outcome == "unchanged"
    assert counts(db) == before


def _emptied(page: str) -> str:
    """The page with its article emptied, an anchor left after it (so every gate passes)."""
    start = page.index(">", page.index("<article")) + 1
    return page[:start] + '</article><a name="z1"></a>' + page[page.index("</article>") + 10 :]


def _nested(page: str) -> str:
    """300 nested elements halfway through the article: libxml2 stops reading at 256 and drops the rest."""
    middle = page.index("<p", (page.index("<article") + page.index("</article>")) // 2)
    return page[:middle] + "<div>" * 300 + "</div>" * 300 + page[middle:]


def _spoiled(spoil: Callable[[str], str]) -> Callable[[ReplayServer, str], None]:
    return lambda server, path: server.route(path, spoil(OTHER))


def _api_nested(server: ReplayServer, path: str) -> None:
    server.route(path, (ADILET / "js_shell.handmade.html").read_bytes())
    payload = {"title": "О Парламенте", "text_content": _nested(_other_article())}
    server.route("/api/documents/by-ngr/Z950002529_", json.dumps(payload), content_type="application/json")


FIRST_LOOK = {
    "an emptied article": _spoiled(_emptied),
    "elements nested 300 deep": _spoiled(_nested),
    "JS shell, the API text nested 300 deep": _api_nested,
}


@pytest.mark.parametrize("serve", FIRST_LOOK.values(), ids=FIRST_LOOK.keys())
def test_a_first_check_never_records_a_text_the_page_did_not_give(
    checker: Checker, server: ReplayServer, db: Database, serve: Callable[[ReplayServer, str], None]
) -> None:
    """With no edition to compare with, an empty or cut-short first edition would make the next good
    page «every article added», flagged and delivered."""
    key, path = "adilet:Z950002529_", "/rus/docs/Z950002529_"
    with db.transaction() as session:
        watchlist.add(session, Watch(key, "Parliament law", ("rus",), ()))
    events = event_types(db)
    serve(server, path)
    assert checker.check(key, "rus").outcome == "suspect"
    server.route(path, OTHER)
    good = checker.check(key, "rus")
    assert (good.outcome, good.seq, good.changes) == ("new_edition", 1, 0)
    assert event_types(db) == [*events, "edition.created"]


BAD_PAST = {
    "an emptied article": lambda: _emptied(REAL),
    "another law's page": lambda: OTHER,
}


@pytest.mark.parametrize("page", BAD_PAST.values(), ids=BAD_PAST.keys())
def test_a_backfill_skips_a_dated_page_that_is_not_the_edition(
    checker: Checker, server: ReplayServer, db: Database, page: Callable[[], str]
) -> None:
    """A past edition of nothing, or of another law, would be written with «every article changed» twice."""
    history = (
        '<table id="ethernatable"><tr><th>Дата изменения</th></tr>'
        "<tr><td>05.07.2019</td></tr><tr><td>10.03.2022</td></tr></table>"
    )
    server.route(f"{PATH}/history", history)
    server.route(f"{PATH}/05.07.2019", page())
    server.route(f"{PATH}/10.03.2022", EDITED)
    before = counts(db)
    result = backfill(db, checker.settings, KEY, "rus", fetcher=checker.fetcher)
    assert (result.recorded, len(result.skipped)) == (1, 1), result
    assert "05.07.2019" in result.skipped[0]
    after = counts(db)
    assert (after["edition"], after["change"]) == (before["edition"] + 1, before["change"] + 1)


portal, follower = portal_replay.portal, portal_replay.follower
"""The draft portal's replay and the drafts job reading it (tests/drafts)."""
DRAFT_FILES = {
    "DOCX with broken XML": (_broken_docx, "not a readable DOCX"),
    "DOCX bomb": (_docx_bomb, "zip bomb"),
}


@pytest.mark.parametrize(("make", "reason"), DRAFT_FILES.values(), ids=DRAFT_FILES.keys())
def test_a_hostile_draft_file_fails_that_draft_only(
    follower: DraftFollower, portal: ReplayServer, db: Database, make: Callable[[], bytes], reason: str
) -> None:
    """The portal's draft file is read by the drafts job: it is refused like an imported one."""
    portal.route(portal_replay.CARD, portal_replay.page("card_ru_handmade.html"))
    portal.route(portal_replay.HISTORY, portal_replay.page("history_v1_handmade.html"))
    portal.route(portal_replay.DOCX, make(), content_type="application/octet-stream")
    before, events = counts(db), event_types(db)
    (result,) = follower.follow()
    assert result.outcome == "error" and reason in result.reason, result
    assert counts(db) == before and event_types(db) == events


def test_a_304_to_a_first_request_is_a_failed_check(
    checker: Checker, server: ReplayServer, db: Database
) -> None:
    """Not modified since no page at all: taken as «unchanged», the law would never be read, all green."""
    key, path = "adilet:Z950002529_", "/rus/docs/Z950002529_"
    with db.transaction() as session:
        watchlist.add(session, Watch(key, "Parliament law", ("rus",), ()))
    server.route(path, "", status=304)
    result = checker.check(key, "rus")
    assert result.outcome == "error" and "HTTP 304" in result.reason, result
