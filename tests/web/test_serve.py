"""`zanwatch serve` on the offline demo's database: pages, the JSON API and Atom feeds."""

from __future__ import annotations

import re

import feedparser
import httpx
import lxml.html
from lxml import etree

KEY = "adilet:Z950002592_"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_watch_list_links_each_law_and_its_last_change(web: httpx.Client) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert f'href="/documents/{KEY}"' in page.text
    assert '<html lang="ru">' in page.text and "Список наблюдения" in page.text
    assert "Последнее изменение" in page.text
    assert f'href="/changes/{KEY}/rus/' in page.text  # the last change's permanent page


def test_law_page_shows_timeline_and_the_redline(web: httpx.Client) -> None:
    law = web.get(f"/documents/{KEY}")
    assert law.status_code == 200
    assert f'href="/documents/{KEY}/editions/2?lang=rus"' in law.text
    redline = web.get(f"/documents/{KEY}/editions/2?lang=rus")
    assert redline.status_code == 200
    assert "Советом</del>" in redline.text and "Судом</ins>" in redline.text
    assert redline.text.count('id="art_7-1"') == 1  # the anchor permalinks point at, once


def test_no_page_repeats_an_id(web: httpx.Client) -> None:
    """A repeated id breaks the anchor links point at and what a screen reader announces."""
    pages = ["/", f"/documents/{KEY}", f"/documents/{KEY}/editions/2?lang=rus", f"/documents/{KEY}/in-force"]
    pages += [f"/documents/{KEY}/articles/art_32?lang=rus", "/flags", "/acts", "/drafts"]
    for path in pages:
        ids = [str(i) for i in lxml.html.fromstring(web.get(path).text).xpath("//@id")]
        assert sorted(i for i in set(ids) if ids.count(i) > 1) == [], path


def test_article_history_and_law_in_force(web: httpx.Client) -> None:
    history = web.get(f"/documents/{KEY}/articles/art_32?lang=rus")
    assert history.status_code == 200
    assert "Конституционным Советом" in history.text and "Конституционным Судом" in history.text
    missing = web.get(f"/documents/{KEY}/articles/art_999")
    assert missing.status_code == 404 and "art_999" in missing.text


def test_language_switch_is_remembered(web: httpx.Client) -> None:
    kazakh = web.get("/?ui=kaz")
    assert '<html lang="kk">' in kazakh.text and "Бақылау тізімі" in kazakh.text
    assert '<html lang="kk">' in web.get("/flags").text  # the cookie keeps the choice
    english = web.get("/?ui=eng")
    assert '<html lang="en">' in english.text and "Watch list" in english.text
    web.get("/?ui=rus")


def test_a_flag_says_why_in_the_interface_language(web: httpx.Client) -> None:
    reasons = {  # the rule `suspension`, which flagged the demo's draft
        "rus": "приостановление и ликвидация: Приостановление деятельности организации (до шести месяцев",
        "kaz": "тоқтата тұру және тарату: Ұйым қызметін тоқтата тұру (ӘҚБтК 489-бабы бойынша",
        "eng": "suspension and liquidation: Suspension of an organisation&#39;s activities",
    }
    for ui, reason in reasons.items():
        assert reason in web.get(f"/flags?ui={ui}").text


DRAFT = "legalacts:15900101"  # the demo's draft, whose article 1 the rule `suspension` flagged


def test_the_redline_of_a_flagged_change_says_why_in_the_interface_language(web: httpx.Client) -> None:
    redline = web.get(f"/documents/{DRAFT}/editions/2?lang=rus&ui=rus").text
    flag = "<strong>приостановление и ликвидация</strong>: Приостановление деятельности организации (до шести"
    assert flag in redline
    assert redline.count("Приостановление деятельности организации") == 1  # one list of the change's flags
    english = web.get(f"/documents/{DRAFT}/editions/2?lang=rus&ui=eng").text
    assert "<strong>suspension and liquidation</strong>: Suspension of an organisation" in english


def test_a_feed_entry_says_why_in_the_documents_language(web: httpx.Client) -> None:
    feed = feedparser.parse(web.get("/feeds/themes/liquidation.atom").content)
    assert [e.title for e in feed.entries] == [f"{DRAFT}: Статья 1 (substituted) ⚑ liquidation"]
    assert "Приостановление деятельности организации (до шести" in feed.entries[0].summary


def test_the_api_gives_each_flag_its_reason_in_the_documents_language(web: httpx.Client) -> None:
    reason = "Приостановление деятельности организации (до шести"
    [row] = web.get("/api/v1/flags", params={"theme": "liquidation"}).json()
    assert row["language"] == "rus" and row["reason"].startswith(reason)
    changes = web.get("/api/v1/changes", params={"document": DRAFT}).json()["changes"]
    assert [f["reason"][: len(reason)] for c in changes for f in c["flags"]] == [reason]


def test_flags_filter_by_theme_severity_and_law(web: httpx.Client) -> None:
    every = web.get("/flags")
    assert "suspension" in every.text
    assert "suspension" not in web.get("/flags?theme=media").text
    assert "suspension" in web.get("/flags?severity=high&law=legalacts:15900101").text
    assert "suspension" not in web.get("/flags?severity=critical").text
    assert web.get("/flags?direction=sideways").status_code == 400
    assert "suspension" in web.get("/flags?theme=&severity=&direction=&law=&since=").text  # an empty form
    assert web.get("/flags?since=yesterday").status_code == 400


def test_acts_and_drafts_pages(web: httpx.Client) -> None:
    acts = web.get("/acts")
    assert 'href="/acts/Z2600000305"' in acts.text
    act = web.get("/acts/Z2400000109")
    assert act.status_code == 200 and f'href="/documents/{KEY}/articles/art_7-1"' in act.text
    drafts = web.get("/drafts")
    assert 'href="/documents/legalacts:15900101"' in drafts.text


def test_openapi_lists_every_resource(web: httpx.Client) -> None:
    spec = web.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    for resource in ("documents", "editions", "changes", "flags", "acts", "drafts", "events"):
        assert any(resource in p for p in paths), resource


def test_api_lists_watched_laws_changes_with_ops_and_pages_events(web: httpx.Client) -> None:
    documents = web.get("/api/v1/documents").json()
    assert [d["key"] for d in documents] == [KEY]
    assert documents[0]["url"].endswith(f"/documents/{KEY}")
    editions = web.get(f"/api/v1/documents/{KEY}/editions").json()
    assert [e["seq"] for e in editions] == [1, 2]
    page = web.get("/api/v1/changes", params={"document": KEY, "limit": 2}).json()
    assert len(page["changes"]) == 2 and page["next_cursor"] is not None
    rest = web.get("/api/v1/changes", params={"document": KEY, "before": page["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    ops = {op for c in page["changes"] + rest["changes"] for op, _ in c["ops"]}
    assert {"+", "-", "="} <= ops
    first = web.get("/api/v1/events", params={"limit": 4}).json()
    assert [e["id"] for e in first["events"]] == [1, 2, 3, 4]
    after = web.get("/api/v1/events", params={"after": first["next_cursor"]}).json()
    assert after["events"][0]["id"] == 5
    last = web.get("/api/v1/events", params={"after": after["next_cursor"]}).json()
    assert last == {"events": [], "next_cursor": after["next_cursor"]}
    assert web.get("/api/v1/documents/adilet:Z0000000000").status_code == 404


def _assert_valid_atom(body: bytes) -> etree._Element:
    """RFC 4287's required elements: feed id, title, updated (and author); each entry id, title,
    updated, an alternate link and here a summary."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = etree.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return feed


def test_atom_feeds_are_valid_and_link_to_permalinks(web: httpx.Client, server: str) -> None:
    response = web.get("/feeds/changes.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = _assert_valid_atom(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    summary = entries[-1].findtext(f"{ATOM}summary") or ""
    assert "<ins" in summary or "<del" in summary
    link = entries[0].find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    assert link.startswith(server) and web.get(link.removeprefix(server)).status_code == 200
    document = _assert_valid_atom(web.get(f"/feeds/documents/{KEY}.atom").content)
    assert len(document.findall(f"{ATOM}entry")) == 3
    theme = _assert_valid_atom(web.get("/feeds/themes/liquidation.atom").content)
    assert len(theme.findall(f"{ATOM}entry")) == 1
    act = _assert_valid_atom(web.get("/feeds/acts/Z2400000109.atom").content)
    assert any(re.search(r"\b7-1\b", e.findtext(f"{ATOM}title") or "") for e in act.findall(f"{ATOM}entry"))
    _assert_valid_atom(web.get("/feeds/tags/ngo.atom").content)
    assert web.get("/feeds/themes/nonsense.atom").status_code == 404
