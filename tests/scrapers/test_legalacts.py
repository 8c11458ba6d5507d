"""legalacts.egov.kz drafts: list and card parsing on handmade pages, DOCX text, robots.txt and the
follow_cards choice, keyword matching across pages."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import docx
import pytest

from scrapers.http import HttpFetchError, Response
from scrapers.legalacts import (
    CONCEPT_TYPES,
    LegalactsSource,
    RobotsRules,
    card_url,
    docx_paragraphs,
    draft_page,
    file_url,
    history_url,
    list_url,
    parse_card,
    parse_list,
)
from tracker.errors import InputError, ParseError
from tracker.structure import build

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legalacts"
BASE = "https://legalacts.test"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class FakeSite:
    """Answers like the shared fetcher: a body per known URL, a 404 FetchError otherwise."""

    def __init__(self, pages: Mapping[str, bytes]) -> None:
        self.pages = dict(pages)
        self.requests: list[tuple[str, dict[str, str]]] = []

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        self.requests.append((url, dict(headers or {})))
        if url not in self.pages:
            raise HttpFetchError(f"GET {url}: HTTP 404 (not retried)", url=url, status=404)
        return Response(url, 200, self.pages[url], {}, None, None, False)

    def urls(self) -> list[str]:
        return [url for url, _ in self.requests]


def make_docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
        document.add_paragraph("После таблицы.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def robots_site(**pages: bytes) -> dict[str, bytes]:
    return {f"{BASE}/robots.txt": fixture("robots_handmade.txt"), **pages}


def test_urls_for_lists_cards_history_and_files() -> None:
    assert list_url(BASE) == f"{BASE}/list"
    assert list_url(BASE + "/", page=3) == f"{BASE}/list?page=3"
    assert (
        list_url(
            BASE,
            page=2,
            status="IN_ARCHIVE",
            types=CONCEPT_TYPES,
            category_id="1874",
            created_from=date(2026, 9, 1),
            created_to=date(2026, 9, 30),
        )
        == f"{BASE}/list?status=IN_ARCHIVE&types[0]=7001&types[1]=7002&categoryId=1874"
        "&createBeginDate=01.09.2026&createEndDate=30.09.2026&page=2"
    )
    assert card_url(BASE, "15900101") == f"{BASE}/npa/view?id=15900101"
    assert history_url(BASE, "52440") == f"{BASE}/application/viewcardhistory?id=52440"
    assert file_url(BASE, "880011") == f"{BASE}/application/downloadconceptfile?id=880011"


def test_parse_list_reads_each_card() -> None:
    drafts = parse_list(fixture("list_p1_handmade.html"), BASE)

    assert [d.id for d in drafts] == ["15900101", "15900102", "15900103", "15900104", "15900105"]
    first = drafts[0]
    assert first.title.startswith("О внесении изменений и дополнений")
    assert first.title.endswith("по вопросам некоммерческих организаций")
    assert first.status == "На публичном обсуждении"
    assert (first.created, first.deadline) == (date(2026, 9, 1), date(2026, 9, 16))
    assert first.url == f"{BASE}/npa/view?id=15900101"
    archived = drafts[4]
    assert (archived.status, archived.deadline) == ("Архив", None)


def test_parse_list_past_the_last_page_is_empty() -> None:
    assert parse_list(fixture("list_empty_handmade.html")) == []


def test_parse_card_in_russian() -> None:
    card = parse_card(fixture("card_ru_handmade.html"), "15900101", BASE)

    assert card.id == "15900101"
    assert card.title.endswith("по вопросам некоммерческих организаций")
    assert card.status == "На публичном обсуждении"
    assert card.type == "Проект Закона"
    assert card.created == date(2026, 9, 1)
    assert card.deadline == date(2026, 9, 16)
    assert card.agency == "Министерство культуры и информации Республики Казахстан"
    assert card.version == 2
    assert card.previous_versions == ["52440"]
    assert card.summary == "Проект вводит реестр получателей иностранных денег и порядок его ведения."
    assert card.developer == "Министерство культуры и информации РК"
    assert card.comments == 12
    assert card.files == [
        ("Проект закона.docx", f"{BASE}/application/downloadconceptfile?id=880011"),
        ("Пояснительная записка.pdf", f"{BASE}/application/downloadconceptfile?id=880012"),
    ]
    assert card.paragraphs == [
        "Статья 1. Внести в следующие законодательные акты Республики Казахстан изменения и дополнения:",
        "1. В Закон Республики Казахстан от 16 января 2001 года «О некоммерческих организациях»:",
        "1) статью 41-3 дополнить пунктом 4 следующего содержания:",
        "Статья 2. Настоящий Закон вводится в действие по истечении десяти календарных дней после дня его "
        "первого официального опубликования.",
    ]


def test_parse_card_in_kazakh() -> None:
    card = parse_card(fixture("card_kk_handmade.html"), "15900101")

    assert card.title.startswith("Қазақстан Республикасының кейбір заңнамалық актілеріне")
    assert (card.status, card.type) == ("Жария талқылауда", "Заң жобасы")
    assert (card.created, card.deadline) == (date(2026, 9, 1), date(2026, 9, 16))
    assert card.agency == "Қазақстан Республикасы Мәдениет және ақпарат министрлігі"
    assert (card.version, card.previous_versions) == (1, [])
    assert card.summary == "Шетелдік ақша алушылардың тізілімін енгізу."
    assert card.comments == 3
    assert card.files == []
    assert [p[:6] for p in card.paragraphs] == ["1-бап.", "2-бап."]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        "<html><body><h1>Подтвердите, что Вы не робот</h1></body></html>".encode(),
        b'<div class="view-npa"><p>no heading</p></div>',
        '<div class="view-npa"><h2>T</h2><small><b>Дата создания:</b> вчера</small></div>'.encode(),
        "<div class='view-npa'><h2>T</h2><small><b>Публичное обсуждение до:</b> 31/02/2026</small>".encode(),
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
    ],
)
def test_malformed_card_is_one_line_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_card(body, "15900101")
    assert "15900101" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_list_card_without_link_is_parse_error() -> None:
    body = '<div class="contentlist"><h3>Без ссылки</h3></div>'.encode()
    with pytest.raises(ParseError, match="page layout changed"):
        parse_list(body)


def test_docx_paragraphs_in_body_order_with_table_rows() -> None:
    data = make_docx(
        "Статья 1. Общие положения",
        "",
        "1. Настоящий приказ\u00a0определяет   порядок.",
        table=[["Редакция", "Предлагаемая редакция"], ["старая", "новая"]],
    )

    assert docx_paragraphs(data) == [
        "Статья 1. Общие положения",
        "1. Настоящий приказ определяет порядок.",
        "Редакция | Предлагаемая редакция",
        "старая | новая",
        "После таблицы.",
    ]


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a docx", b"PK\x03\x04broken"])
def test_unreadable_docx_is_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match="not a readable DOCX"):
        docx_paragraphs(data)


def test_draft_page_feeds_structure() -> None:
    card = parse_card(fixture("card_ru_handmade.html"), "15900101")
    page = draft_page(card, ["Статья 1. Текст.", "  ", "Статья 2. Ещё."], "rus")

    assert page.title == card.title
    assert page.status_label == "На публичном обсуждении"
    assert (
        page.requisites == "Проект Закона; Министерство культуры и информации Республики Казахстан; версия 2"
    )
    assert page.language == "rus"
    assert [b.text for b in page.blocks] == ["Статья 1. Текст.", "Статья 2. Ещё."]


def test_robots_rules_allow_lists_and_disallow_cards() -> None:
    rules = RobotsRules(fixture("robots_handmade.txt").decode())

    assert rules.allows(f"{BASE}/list?page=2")
    assert not rules.allows(f"{BASE}/npa/view?id=15900101")
    assert not rules.allows(f"{BASE}/application/downloadconceptfile?id=880011")


def test_card_refused_without_follow_cards_and_nothing_fetched() -> None:
    site = FakeSite(robots_site(**{card_url(BASE, "15900101"): fixture("card_ru_handmade.html")}))
    source = LegalactsSource(site, BASE, follow_cards=False)

    with pytest.raises(InputError) as caught:
        source.card("15900101")
    assert str(caught.value) == (
        "robots.txt disallows /npa/view; set [sources.legalacts] follow_cards = true in config to follow "
        "draft cards deliberately"
    )
    assert site.requests == []


def test_matching_walks_pages_until_empty_and_matches_stems() -> None:
    site = FakeSite(
        robots_site(
            **{
                f"{BASE}/list": fixture("list_p1_handmade.html"),
                f"{BASE}/list?page=2": fixture("list_p2_handmade.html"),
                f"{BASE}/list?page=3": fixture("list_empty_handmade.html"),
            }
        )
    )
    source = LegalactsSource(site, BASE, follow_cards=False)

    found = source.matching(["НЕКОММЕРЧЕСК", "благотворительн", "мирных\u00a0собраний"])

    assert [d.id for d in found] == ["15900101", "15900103", "15900106"]
    assert site.urls() == [
        f"{BASE}/robots.txt",
        f"{BASE}/list",
        f"{BASE}/list?page=2",
        f"{BASE}/list?page=3",
    ]
    assert all(headers == {"Cookie": "egovLang=ru"} for url, headers in site.requests if "/list" in url)


def test_matching_stops_when_the_site_ignores_the_page_number() -> None:
    page = fixture("list_p1_handmade.html")
    site = FakeSite(robots_site(**{list_url(BASE, page=n): page for n in range(1, 50)}))

    found = LegalactsSource(site, BASE, follow_cards=False).matching(["некоммерческ"])

    assert [d.id for d in found] == ["15900101"]
    assert site.urls()[1:] == [f"{BASE}/list", f"{BASE}/list?page=2"]


def test_matching_refuses_lists_robots_disallows() -> None:
    site = FakeSite({f"{BASE}/robots.txt": b"User-agent: *\nDisallow: /\n"})

    with pytest.raises(InputError, match="robots.txt of legalacts.test disallows /list"):
        LegalactsSource(site, BASE, follow_cards=False).matching(["некоммерческ"])
    assert site.urls() == [f"{BASE}/robots.txt"]


def test_missing_robots_txt_allows_lists() -> None:
    site = FakeSite({f"{BASE}/list": fixture("list_empty_handmade.html")})

    assert LegalactsSource(site, BASE, follow_cards=False).matching(["некоммерческ"]) == []
    assert site.urls() == [f"{BASE}/robots.txt", f"{BASE}/list"]


def test_matching_needs_keywords() -> None:
    with pytest.raises(InputError, match="drafts.keywords"):
        LegalactsSource(FakeSite({}), BASE, follow_cards=False).matching(["", " "])


def test_followed_card_text_comes_from_its_docx() -> None:
    draft = make_docx("Статья 1. Из файла.", "Статья 2. Тоже из файла.")
    site = FakeSite(
        {
            card_url(BASE, "15900101"): fixture("card_ru_handmade.html"),
            file_url(BASE, "880011"): draft,
        }
    )
    source = LegalactsSource(site, BASE, follow_cards=True, language="kk")

    card = source.card("15900101")

    assert source.text(card) == ["Статья 1. Из файла.", "Статья 2. Тоже из файла."]
    assert site.urls() == [card_url(BASE, "15900101"), file_url(BASE, "880011")]
    assert all(headers == {"Cookie": "egovLang=kk"} for _, headers in site.requests)
    assert source.language == "kaz"


def test_two_versions_of_a_draft_structure_into_articles() -> None:
    site = FakeSite(
        {
            card_url(BASE, "15900101"): fixture("card_ru_handmade.html"),
            history_url(BASE, "52440"): fixture("history_v1_handmade.html"),
        }
    )
    source = LegalactsSource(site, BASE, follow_cards=True)
    current = source.card("15900101")

    earlier = source.history(current.previous_versions[0])

    assert (earlier.id, earlier.version, earlier.deadline) == ("52440", 1, date(2026, 8, 30))
    assert earlier.previous_versions == []
    old = build(draft_page(earlier, source.text(earlier), source.language))
    new = build(draft_page(current, current.paragraphs, source.language))
    assert [a.eid for a in old.articles()] == [a.eid for a in new.articles()] == ["art_1", "art_2"]
    assert [a.text for a in old.articles()] != [a.text for a in new.articles()]


def test_card_with_no_text_at_all_is_parse_error() -> None:
    site = FakeSite({card_url(BASE, "7"): '<div class="view-npa"><h2>Пусто</h2></div>'.encode()})
    source = LegalactsSource(site, BASE, follow_cards=True)

    with pytest.raises(ParseError, match="draft 7: no DOCX file and no text block"):
        source.text(source.card("7"))


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="use one of ru, kk"):
        LegalactsSource(FakeSite({}), BASE, follow_cards=False, language="en")
