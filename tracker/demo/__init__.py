"""The offline demo: the real fetcher and pipeline against a local server replaying recorded adilet pages.

The first check sees an earlier edition constructed from the real page (see README.md beside this file),
the second the real page; the demo then shows what changed, what was flagged, and writes an HTML report.
"""

from __future__ import annotations

import dataclasses
import re
from importlib import resources
from pathlib import Path

from rich.console import Console

from scrapers.adilet import document_url
from storage import editions, watchlist
from storage.db import Database
from tracker import config
from tracker.demo.drafts import run_draft_demo
from tracker.diff import diff_documents
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.render import Side
from tracker.render import html as render_html
from tracker.render import terminal as render_term
from tracker.render.words import Words
from tracker.replay import ReplayServer
from tracker.userfiles import write_text

KEY = "adilet:Z950002592_"
PATH = "/rus/docs/Z950002592_"


def real_page() -> str:
    return resources.files(__package__).joinpath("Z950002592_.rus.html").read_text(encoding="utf-8")


def earlier_edition(page: str) -> str:
    """The page before laws 109-VIII (2024) and 156-VII (2022), as far as their footnotes tell."""
    for start, stop in (
        ('<a name="z214"></a>Статья 7-1.', '<a name="z9"></a>'),
        ('<a name="z217"></a>Статья 31-1.', '<a name="z35"></a>'),
    ):
        begin = page.rindex("<p><b>", 0, page.index(start))
        end = page.rindex("<p><b>", 0, page.index(stop))
        page = page[:begin] + page[end:]
    page = page.replace(
        "Статья 32. Рассмотрение Конституционным Судом", "Статья 32. Рассмотрение Конституционным Советом"
    )
    note = re.compile(r'<span class="note">[^<]*Заголовок статьи 32.*?</span><br>', re.S)
    return note.sub("", page, count=1)


def run_demo(console: Console, report: Path, settings: config.Settings) -> None:
    """Runs on its own database next to the default one, so the demo never touches real data."""
    url = config.default_database_url().replace("zanwatch.db", "demo.db")
    db_file = Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite:///") and db_file.exists():
        db_file.unlink()
    db = Database(url)
    db.init()
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Constitutional Law on the Republican Referendum", ("rus",), ()))
    with ReplayServer() as server:
        settings = dataclasses.replace(
            settings, sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url})
        )
        checker = Checker(settings, db)
        console.print(
            f"[bold]Zan Watch demo[/] — replaying recorded adilet pages from {server.url} (offline)"
        )
        server.route(PATH, earlier_edition(real_page()))
        first = checker.check(KEY, "rus")
        console.print(f"Check 1 (constructed earlier edition): {first.outcome}, edition {first.seq}")
        server.route(PATH, real_page())
        second = checker.check(KEY, "rus")
        console.print(
            f"Check 2 (the real page): {second.outcome}, edition {second.seq}, "
            f"{second.changes} changed articles, {second.flags} flags"
        )
        checker.fetcher.close()
    with db.transaction() as session:
        old_ed = editions.find_edition(session, KEY, "rus", seq=1)
        new_ed = editions.find_edition(session, KEY, "rus", seq=2)
        old, new = editions.load_document(session, old_ed), editions.load_document(session, new_ed)
    changes = diff_documents(old, new)
    checker.recorder.rules.apply(changes, document_key=KEY, language="rus")
    source = document_url(settings.public_url, KEY.partition(":")[2], "rus")
    sides = (
        Side(f"{KEY} edition 1 (constructed)", old.title, old_ed.edition_date or old_ed.fetched_at.date()),
        Side(
            f"{KEY} edition 2 (real page)",
            new.title,
            new_ed.edition_date or new_ed.fetched_at.date(),
            url=source,
        ),
    )
    render_term.render(changes, console, from_side=sides[0], to_side=sides[1])
    title = Words("rus").title(*sides)
    page = render_html.render(
        changes, from_side=sides[0], to_side=sides[1], title=title, acts_base=settings.public_url
    )
    write_text(report, page)
    console.print(f"\nHTML report: {report.resolve()}")
    run_draft_demo(console, db, settings)
    console.print(f"\nExplore the demo database: zanwatch --db {url} history {KEY}")
    console.print(f"and its draft: zanwatch --db {url} drafts list")
    db.dispose()
