"""`digest preview` over the demo's past events, read in Russian, Kazakh and English."""

from __future__ import annotations

import itertools
import re
from html import unescape
from pathlib import Path

import html5lib
import pytest

from storage import events
from storage.db import Database
from tracker.rules import load_rules

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

LAW = "https://adilet.zan.kz/rus/docs/Z950002592_"
ACT = "https://adilet.zan.kz/rus/docs/Z2400000109"  # law 109-VIII, which added articles 7-1 and 31-1
EXPECTED = {
    "rus": (
        "Статья 7-1",
        "Статья 32",
        "Законов: 2",
        "5 статей изменено в 2 законах",
        "№ 109-VIII от 05.07.2024",
    ),
    "kaz": ("7-1-бап", "32-бап", "Заңдар: 2", "5 бап өзгерді 2 заңда", "05.07.2024 № 109-VIII"),
    "eng": (
        "Article 7-1",
        "Article 32",
        "Laws: 2",
        "5 articles changed in 2 laws",
        "No. 109-VIII of 05.07.2024",
    ),
}
REASONS = {  # why the rule `suspension` flagged the demo's draft, as the bundled pack says it
    "rus": "Приостановление деятельности организации (до шести месяцев по статье 489 КоАП).",
    "kaz": "Ұйым қызметін тоқтата тұру (ӘҚБтК 489-бабы бойынша алты айға дейін).",
}
_names = itertools.count()


def preview(cli, demo_run, language: str, *args: str) -> tuple[str, str]:
    name = f"reader-{language}-{next(_names)}"
    added = cli(
        "--db",
        demo_run.db_url,
        "subscribers",
        "add",
        name,
        "--email",
        "l@example.org",
        "--language",
        language,
    )
    assert added.code == 0, added.err
    out = demo_run.report.parent / f"digest-{name}.html"
    result = cli("--db", demo_run.db_url, "digest", "preview", name, "--output", str(out), *args)
    assert result.code == 0, result.err
    text = cli("--db", demo_run.db_url, "digest", "preview", name, *args).out
    return text, out.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["rus", "kaz", "eng"])
def test_a_digest_over_past_events_speaks_the_readers_language(cli, demo_run, language: str) -> None:
    text, html = preview(cli, demo_run, language, "--last", "50")
    for expected in EXPECTED[language]:
        assert expected in text, expected
        assert expected.split(":")[0] in html
    assert f'href="{LAW}"' in html and f'href="{ACT}"' in html
    assert "[+Судом+]" in text and "[-Советом-]" in text
    web = re.search(
        r'href="(http://127\.0\.0\.1:8000/changes/adilet:Z950002592_/rus/[0-9T:.-]+Z/-/art_7-1)"', html
    )
    assert web and web.group(1) in text  # the change's permanent page on the web view
    visible = re.sub(r"https?://\S+", " ", re.sub(r"<[^>]+>", " ", html))
    for internal in ("art_", "para_", "upd", "edition.created", "provision.changed", "substituted"):
        assert internal not in re.sub(r"https?://\S+", " ", text) and internal not in visible
    html5lib.HTMLParser(strict=True).parse(html)  # a validating parse: raises on any HTML error
    assert "<style" not in html


def test_the_russian_digest_has_no_english_words(cli, demo_run) -> None:
    text, html = preview(cli, demo_run, "rus", "--since", "2000-01-01")
    visible = re.sub(r"<[^>]+>", " ", html)  # text and attribute-free markup: what a reader sees
    for part in (text, visible):
        part = re.sub(r"https?://\S+", " ", part).replace("Zan Watch", " ")
        part = re.sub(r"\b[IVXLC]+\b", " ", part)  # act numbers such as 109-VIII
        assert re.findall(r"[A-Za-z]{2,}", part) == []


@pytest.mark.parametrize("language", ["rus", "kaz"])
def test_a_flag_says_why_in_the_readers_language(cli, demo_run, language: str) -> None:
    text, html = preview(cli, demo_run, language, "--since", "2000-01-01")
    visible = unescape(re.sub(r"<[^>]+>", " ", html))
    for part in (" ".join(text.split()), " ".join(visible.split())):
        assert REASONS[language] in part
        assert [r.id for r in load_rules(["civic"]).rules if r.description.eng in part] == []


def test_shortened_text_is_cut_between_words(cli, demo_run) -> None:
    text, _ = preview(cli, demo_run, "rus", "--last", "3")
    assert_whole_words_around_ellipses(text, demo_run.db_url)


def assert_whole_words_around_ellipses(text: str, db_url: str) -> None:
    """Every «…» that shortens law text stands next to whole words of the law, never a cut one."""
    db = Database(db_url)
    with db.transaction() as session:
        source = " ".join(str(e.payload) for e in events.after(session, 0))
    db.dispose()
    words = set(re.findall(r"\w+", source))
    neighbours = re.findall(r"(\w+)\s?…|…\s?(\w+)", text.replace("«…»", ""))
    assert neighbours, "the long article 32 should be shortened"
    for before, after in neighbours:
        assert (before or after) in words


@pytest.mark.parametrize("width", [600, 1280])
def test_a_reader_sees_the_digest_in_a_browser(cli, demo_run, browser, width: int) -> None:
    _, html = preview(cli, demo_run, "rus", "--last", "50")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_content(html)
    seen = page.inner_text("body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"digest-rus-{width}.png"), full_page=True)
    summary = page.locator("table").first.inner_text()
    assert "Законов\t2" in summary and "Отмечено правилами\t1" in summary
    for label in ("Статья 7-1. Опрос общественного мнения", "Статья 31-1", "Статья 32"):
        assert label in seen
    assert page.locator(f'a[href="{LAW}"]').count() == 1 and page.locator(f'a[href="{ACT}"]').count() == 2
    assert "art_" not in seen
    assert_whole_words_around_ellipses(seen, demo_run.db_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.close()


@pytest.mark.parametrize("width", [600, 1280])
def test_a_reader_sees_the_report_in_a_browser(demo_run, browser, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo_run.report.as_uri())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-{width}.png"), full_page=True)
    seen = page.inner_text("body")
    for label in ("Статья 7-1. Опрос общественного мнения", "Статья 31-1", "Статья 32"):
        assert label in seen
    assert re.search(r"редакция от \d\d\.\d\d\.\d{4} → редакция от \d\d\.\d\d\.\d{4}", page.title())
    summary = page.locator("table").first.inner_text()
    assert "Изменено статей\t3" in summary and "ни одно правило не сработало" in summary
    assert page.locator(f'a[href="{LAW}"]').count() == 1 and page.locator(f'a[href="{ACT}"]').count() == 2
    assert "art_" not in seen
    assert_whole_words_around_ellipses(seen, demo_run.db_url)
    html5lib.HTMLParser(strict=True).parse(demo_run.report.read_text(encoding="utf-8"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


def test_preview_refuses_both_windows_in_one_line(cli, demo_run) -> None:
    cli("--db", demo_run.db_url, "subscribers", "add", "both", "--email", "b@example.org")
    result = cli("--db", demo_run.db_url, "digest", "preview", "both", "--since", "2026-01-01", "--last", "3")
    assert result.code == 2 and result.err.strip().count("\n") == 0
    assert "choose --since DATE or --last N" in result.err


def test_a_new_subscriber_has_nothing_new_until_asked_for_the_past(cli, demo_run) -> None:
    cli("--db", demo_run.db_url, "subscribers", "add", "fresh", "--email", "f@example.org")
    assert "Nothing new" in cli("--db", demo_run.db_url, "digest", "preview", "fresh").out
    assert "Статья 7-1" in cli("--db", demo_run.db_url, "digest", "preview", "fresh", "--last", "20").out
    # previewing the past moved nothing: the subscriber still has nothing new
    assert "Nothing new" in cli("--db", demo_run.db_url, "digest", "preview", "fresh").out


def test_an_unknown_language_is_refused(cli, demo_run) -> None:
    result = cli(
        "--db", demo_run.db_url, "subscribers", "add", "x", "--email", "x@example.org", "--language", "fra"
    )
    assert result.code == 2 and "unknown language 'fra'" in result.err
