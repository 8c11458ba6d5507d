"""A reader in a real browser (Debian's Chromium driven by Playwright): the watch list, a law, a redline,
the language switch, an article's history; screenshots go to `artifacts/`, and every page passes axe-core
(installed by `.ci/run` from npm) or, where it is absent, checks for headings, labels and contrast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
KEY = "adilet:Z950002592_"


@pytest.fixture(scope="module")
def page(server: str, browser: playwright.Browser) -> Iterator[playwright.Page]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _accessible(page: playwright.Page) -> None:
    """axe-core's WCAG A/AA rules find no violation; without axe, the basics are checked by hand."""
    if AXE.exists():
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
        assert [v["id"] for v in result["violations"]] == [], result["violations"]
        return
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang")
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || !e.labels.length).length"
    )
    assert unlabelled == 0


def _shot(page: playwright.Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_reader_follows_a_law_to_its_redline_and_an_articles_history(page: playwright.Page) -> None:
    page.goto("/?ui=rus")
    assert page.locator("h1").inner_text() == "Список наблюдения"
    _shot(page, "1-watch-list")
    _accessible(page)

    page.get_by_role("link", name="Constitutional Law on the Republican Referendum").click()
    page.wait_for_url(f"**/documents/{KEY}")
    assert page.get_by_role("heading", name="Хронология редакций").is_visible()
    _shot(page, "2-law")
    _accessible(page)

    page.get_by_role("link", name="редакция 2").click()
    page.wait_for_url("**/editions/2?lang=rus")
    deleted = page.locator("del", has_text="Советом")
    inserted = page.locator("ins", has_text="Судом")
    assert deleted.is_visible() and inserted.is_visible()
    _shot(page, "3-redline")
    _accessible(page)

    page.get_by_role("link", name="Қазақша").click()
    page.wait_for_url("**ui=kaz")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.get_by_role("heading", name="Мәтіндегі өзгерістер").is_visible()
    _shot(page, "4-redline-kazakh")

    card = page.locator("article.card", has=page.locator("#art_32"))
    card.get_by_role("link", name="Баптың тарихы").click()
    page.wait_for_url("**/articles/art_32?lang=rus")
    assert page.get_by_role("heading", name="Баптың редакциялары").is_visible()
    assert page.locator("section strong", has_text="Конституционным Советом").is_visible()  # the old wording
    _shot(page, "5-article-history")
    _accessible(page)


def test_flags_filter_works_without_javascript(page: playwright.Page) -> None:
    page.goto("/flags?ui=eng")
    page.get_by_label("Theme").select_option("liquidation")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**theme=liquidation**")
    playwright.expect(page.locator("code", has_text="suspension")).to_be_visible()
    _shot(page, "6-flags")
    _accessible(page)
