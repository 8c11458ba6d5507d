"""Legal structure on the real adilet pages, hand-made Kazakh and English pages, and plain text."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from scrapers.adilet import parse_page
from tracker.model import Block, Document, ParsedPage
from tracker.normalize import normalize
from tracker.structure import ACT_NUMBER, build, footnote_amendments

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adilet"
REAL = ("Z070000258_.rus.html", "Z950002592_.rus.html", "Z950002733_.rus.html", "Z950002529_.rus.html")
H3_CHAPTERS = REAL[:2]
"""Pages whose headings the regexes below can read from the raw markup (the other two: test_real_pages.py)."""
ARTICLE_HEADING = re.compile(r'<b>\s*(?:<a name="z\d+"></a>)?\s*Статья\s+(\d+(?:-\d+)?)\.\s*([^<]*)</b>')
CHAPTER_HEADING = re.compile(r"<h3[^>]*>\s*Глава\s+([^<\s.]+)\.?\s*(?:<br>)?\s*([^<]*)</h3>")
EDITORIAL = ("Сноска", "Ескерту", "Footnote", "Примечание", "ИЗПИ", "ЗҚАИ")


def raw(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def real(name: str) -> Document:
    return build(parse_page((FIXTURES / name).read_bytes(), "rus"))


def lines(*texts: str, language: str = "rus") -> Document:
    """A document from plain-text lines, as from a .txt or .docx file."""
    return build(ParsedPage("T", "", "", language, [Block(t) for t in texts]))


def by_eid(document: Document) -> dict:
    return {p.eid: p for p in document.provisions}


@pytest.mark.parametrize("name", H3_CHAPTERS)
def test_every_article_heading_on_the_page_is_one_article_with_its_number_and_heading(name: str) -> None:
    expected = [(num, normalize(title)) for num, title in ARTICLE_HEADING.findall(raw(name))]
    articles = [p for p in real(name).provisions if p.kind == "article"]
    assert [(a.num, a.heading) for a in articles] == expected
    assert [a.eid for a in articles] == [f"art_{num}" for num, _ in expected]
    assert all(a.text and not a.repealed for a in articles)


def test_inserted_articles_keep_their_numbers() -> None:
    nums = [p.num for p in real("Z950002592_.rus.html").articles() if p.kind == "article"]
    assert nums[6:9] == ["7", "7-1", "8"] and nums[31:34] == ["31", "31-1", "32"]
    assert len(nums) == 39


@pytest.mark.parametrize("name", H3_CHAPTERS)
def test_chapters_and_the_articles_they_hold(name: str) -> None:
    document = real(name)
    chapters = [p for p in document.provisions if p.kind == "chapter"]
    expected = CHAPTER_HEADING.findall(raw(name))
    assert [(c.num, c.heading, c.text) for c in chapters] == [(n, normalize(t), "") for n, t in expected]
    assert [c.eid for c in chapters] == [f"chp_{i}" for i in range(1, len(expected) + 1)]
    provisions = by_eid(document)
    assert provisions["art_1"].path == ("chp_1",)
    last = [p for p in document.provisions if p.kind == "article"][-1]
    assert last.path == (chapters[-1].eid,)


def test_preamble_and_text_of_an_article_with_points() -> None:
    document = real("Z950002592_.rus.html")
    preamble = document.provisions[0]
    assert (preamble.eid, preamble.kind) == ("preamble", "preamble")
    assert preamble.text.startswith("Настоящий Конституционный закон в соответствии с Конституцией")
    assert [a.kind for a in preamble.amendments] == ["new_wording"]
    article_2 = by_eid(document)["art_2"]
    assert article_2.text.split("\n") == [
        "Предметом референдума могут быть:",
        "1) принятие Конституции, конституционных законов, законов Республики, внесение в них изменений и "
        "дополнений;",
        "2) решение иных наиболее важных вопросов государственной жизни Республики.",
    ]


@pytest.mark.parametrize("name", REAL)
def test_no_footnote_or_notice_text_leaks_into_provisions(name: str) -> None:
    for provision in real(name).provisions:
        assert not any(word in provision.text or word in provision.heading for word in EDITORIAL), (
            provision.eid
        )


@pytest.mark.parametrize("name", REAL)
def test_every_footnote_becomes_amendments_one_per_cited_act_with_date_and_number(name: str) -> None:
    page = parse_page((FIXTURES / name).read_bytes(), "rus")
    notes = [b for b in page.blocks if b.kind == "note"]
    assert len(notes) == raw(name).count("Сноска")
    expected = 0
    for note in notes:
        amendments = footnote_amendments(note.text, note.links)
        assert len(amendments) == len(ACT_NUMBER.findall(note.text)) >= 1, note.text
        assert all(a.act_date and a.act_number for a in amendments), note.text
        linked = {link.split("/docs/")[1][:11].rstrip("#") for link in note.links if "/docs/Z" in link}
        assert {a.act_id for a in amendments if a.act_id} == linked, note.text
        for a in amendments:  # the act id encodes the year and the number («Z2200000156»: № 156 of 2022)
            assert a.act_id is None or int(a.act_id[3:].rstrip("_")) == int(a.act_number.split("-")[0])
        expected += len(amendments)
    document = build(page)
    attached = [a for p in document.provisions for a in p.amendments if not a.scheduled]
    assert len(attached) + len([a for a in document.amendments if not a.scheduled]) == expected


def test_footnote_details_on_article_4_and_the_whole_text() -> None:
    document = real("Z070000258_.rus.html")
    article_4 = by_eid(document)["art_4"]
    footnotes = [a for a in article_4.amendments if not a.scheduled]
    assert [(a.act_number, a.act_date, a.act_id) for a in footnotes] == [
        ("23-V", date(2012, 6, 28), "Z1200000023"),
        ("370-V", date(2015, 10, 28), "Z1500000370"),
        ("119-VI", date(2017, 12, 22), "Z1700000119"),
        ("156-VII", date(2022, 11, 5), "Z2200000156"),
        ("222-VII", date(2023, 4, 19), "Z2300000222"),
    ]
    assert {a.kind for a in footnotes} == {"amended"}
    assert footnotes[0].in_force.startswith("вводится в действие по истечении десяти календарных дней")
    assert footnotes[1].text.startswith(
        "Статья 4 с изменениями, внесенными Конституционными законами РК от 28.10"
    )
    [whole] = document.amendments
    assert (whole.kind, whole.act_number) == ("words_replaced", "23-V")
    article_2 = by_eid(document)["art_2"]
    assert [a.kind for a in article_2.amendments] == ["new_wording", "amended"]
    assert [a.kind for a in by_eid(document)["app_2"].amendments] == ["new_wording"]


def test_footnote_kinds_and_old_date_formats() -> None:
    provisions = by_eid(real("Z950002592_.rus.html"))
    assert [a.kind for a in provisions["art_7-1"].amendments] == ["supplemented"]
    [article_21] = provisions["art_21"].amendments
    assert (article_21.act_date, article_21.act_number, article_21.in_force) == (
        date(2004, 11, 24),
        "604",
        "вводится в действие с 1 января 2005 г.",
    )


@pytest.mark.parametrize(("name", "count"), [("Z070000258_.rus.html", 13), ("Z950002592_.rus.html", 25)])
def test_every_pending_notice_becomes_a_scheduled_amendment_with_its_date(name: str, count: int) -> None:
    document = real(name)
    assert len(document.scheduled) == raw(name).count("Примечание ИЗПИ") == count
    assert {(a.effective, a.act_number, a.act_id, a.act_date) for a in document.scheduled} == {
        (date(2026, 7, 1), "305-VIII", "Z2600000305", date(2026, 6, 11))
    }
    on_provisions = [a for p in document.provisions for a in p.amendments if a.scheduled]
    on_document = [a for a in document.amendments if a.scheduled]
    assert len(on_provisions) + len(on_document) == count


def test_scheduled_changes_attach_to_the_provision_they_precede() -> None:
    document = real("Z950002592_.rus.html")
    provisions = by_eid(document)
    article_18 = [a.text for a in provisions["art_18"].amendments]
    assert article_18[0].startswith("В заголовок статьи 18 предусматривается изменение")
    assert not any("статьи 18" in a.text for a in provisions["art_17"].amendments)
    assert {a.text.split()[0] for a in document.amendments if a.scheduled} == {"Заголовок", "По"}
    assert len([a for a in provisions["art_4"].amendments if a.scheduled]) == 0
    symbols = by_eid(real("Z070000258_.rus.html"))
    assert len([a for a in symbols["art_4"].amendments if a.scheduled]) == 6


def test_appendices_after_the_articles_do_not_swell_the_last_article() -> None:
    document = real("Z070000258_.rus.html")
    provisions = by_eid(document)
    assert provisions["art_16"].text.endswith("2006 г., N 1, ст. 1).")
    assert "Президент" not in provisions["art_16"].text
    assert [p.eid for p in document.provisions if p.kind == "appendix"] == ["app_1", "app_2", "app_3"]
    assert "Алтын күн аспаны," in provisions["app_3"].text


def test_a_repealed_subpoint_stays_in_the_article_text() -> None:
    article_10 = by_eid(real("Z070000258_.rus.html"))["art_10"]
    assert "\n1) Исключен Конституционным законом РК от 19.04.2023 № 222-VII" in article_10.text
    assert not article_10.repealed


@pytest.mark.parametrize(
    ("name", "language", "chapters"),
    [
        ("Z000000001_.kaz.handmade.html", "kaz", ["ЖАЛПЫ ЕРЕЖЕЛЕР", "ҚОРЫТЫНДЫ ЕРЕЖЕЛЕР"]),
        ("Z000000002_.eng.handmade.html", "eng", ["GENERAL PROVISIONS", "FINAL PROVISIONS"]),
    ],
)
def test_kazakh_and_english_pages(name: str, language: str, chapters: list[str]) -> None:
    document = build(parse_page((FIXTURES / name).read_bytes(), language))
    assert [p.heading for p in document.provisions if p.kind == "chapter"] == chapters
    articles = [p for p in document.provisions if p.kind == "article"]
    repealed = [a.eid for a in articles if a.repealed]
    assert all(a.text for a in articles)
    for provision in document.provisions:
        assert not any(word in provision.text for word in EDITORIAL)
    footnotes = [a for a in (a for p in document.provisions for a in p.amendments) if not a.scheduled]
    assert all(a.act_date and a.act_number and a.act_id for a in footnotes) and footnotes
    if language == "kaz":
        assert [a.eid for a in articles] == ["art_1", "art_2", "art_3", "art_3-1"]
        assert repealed == ["art_3"]
        assert [a.kind for a in footnotes] == ["amended", "supplemented"]
        [scheduled] = document.scheduled
        assert (scheduled.effective, scheduled.act_number) == (date(2026, 7, 1), "305-VIII")
        assert scheduled in by_eid(document)["art_2"].amendments
        assert "Президенті" not in articles[-1].text
    else:
        assert [a.eid for a in articles] == ["art_1", "art_2", "art_2-1"]
        assert repealed == ["art_2"]
        assert "5-1) foreign source" in articles[0].text
        assert [a.kind for a in footnotes] == ["amended", "supplemented"]
        assert document.provisions[0].kind == "preamble"


def test_constitution_from_plain_text_sections_roman_numerals_untitled_articles() -> None:
    document = lines(
        "КОНСТИТУЦИЯ РЕСПУБЛИКИ КАЗАХСТАН",
        "Мы, народ Казахстана, принимаем настоящую Конституцию.",
        "Раздел I",
        "ОБЩИЕ ПОЛОЖЕНИЯ",
        "Статья 1",
        "1. Республика Казахстан утверждает себя демократическим государством.",
        "Статья 2",
        "Республика Казахстан является унитарным государством.",
        "Раздел ІІ",  # Cyrillic І, as in real texts
        "ЧЕЛОВЕК И ГРАЖДАНИН",
        "Статья 10-1",
        "Гражданство приобретается и прекращается согласно закону.",
        "Статья 5 настоящей Конституции применяется непосредственно.",
    )
    provisions = by_eid(document)
    assert [p.eid for p in document.provisions] == [
        "preamble",
        "sec_1",
        "art_1",
        "art_2",
        "sec_2",
        "art_10-1",
    ]
    assert provisions["sec_2"].num == "II" and provisions["sec_2"].heading == "ЧЕЛОВЕК И ГРАЖДАНИН"
    assert provisions["art_10-1"].path == ("sec_2",) and provisions["art_10-1"].heading == ""
    assert provisions["art_10-1"].text.endswith(
        "\nСтатья 5 настоящей Конституции применяется непосредственно."
    )


def test_code_chapters_paragraphs_and_repeated_numbers_get_container_prefixes() -> None:
    document = lines(
        "Глава 1. ОБЩИЕ ПОЛОЖЕНИЯ",
        "Параграф 1. Основные понятия",
        "Статья 1. Понятия",
        "Текст.",
        "Параграф 2. Принципы",
        "Статья 2. Принципы",
        "Текст.",
        "Глава 2",
        "ОСОБЕННАЯ ЧАСТЬ",
        "Параграф 1. Виды",
        "Статья 3. Исключена Законом РК от 05.07.2024 № 109-VIII.",
        "Приложение 1 к Кодексу Республики Казахстан",
        "Статья 1. Понятие в приложении",
        "Текст приложения.",
    )
    eids = [p.eid for p in document.provisions]
    assert eids == [
        "chp_1",
        "subchp_1",
        "art_1",
        "subchp_2",
        "art_2",
        "chp_2",
        "chp_2__subchp_1",
        "art_3",
        "app_1",
        "app_1__art_1",
    ]
    provisions = by_eid(document)
    assert provisions["chp_2"].heading == "ОСОБЕННАЯ ЧАСТЬ"
    assert provisions["art_3"].repealed and provisions["art_3"].text.startswith("Исключена")
    assert provisions["art_2"].path == ("chp_1", "subchp_2")


def test_plain_text_footnotes_and_notices_are_recognised_by_their_words() -> None:
    document = lines(
        "Статья 1. Цель",
        "Текст статьи.",
        "Сноска. Статья 1 в редакции Закона РК от 05.07.2024 № 109-VIII (вводится в действие с 01.01.2025).",
        "Примечание ИЗПИ!",
        "Статья 2 предусматривается в редакции Закона РК от 11.06.2026 № 305-VIII "
        "(вводится в действие с 01.07.2026).",
        "Статья 2. Действие",
        "Примечание ИЗПИ!",
        "Порядок введения в действие см. ст. 3.",
        "Закон действует.",
    )
    provisions = by_eid(document)
    assert provisions["art_1"].text == "Текст статьи."
    assert provisions["art_2"].text == "Закон действует."
    assert [a.kind for a in provisions["art_1"].amendments] == ["new_wording"]
    assert [(a.kind, a.scheduled, a.effective) for a in provisions["art_2"].amendments] == [
        ("new_wording", True, date(2026, 7, 1))
    ]


def test_an_order_without_articles_is_divided_into_numbered_points() -> None:
    document = lines(
        "Об утверждении Правил",
        "В соответствии с подпунктом 1) статьи 10 Закона ПРИКАЗЫВАЮ:",
        "1. Утвердить прилагаемые Правила.",
        "2. Контроль возложить на вице-министра.",
        "1) первый подпункт;",
        "3. Настоящий приказ вводится в действие по истечении десяти календарных дней.",
    )
    assert [(p.eid, p.kind) for p in document.articles()] == [
        ("preamble", "preamble"),
        ("para_1", "point"),
        ("para_2", "point"),
        ("para_3", "point"),
    ]
    assert by_eid(document)["para_2"].text == "2. Контроль возложить на вице-министра.\n1) первый подпункт;"


def test_zanwatch_parse_json_lists_every_article_and_footnote(cli) -> None:
    result = cli("parse", str(FIXTURES / "Z950002592_.rus.html"), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    articles = [p for p in data["provisions"] if p["kind"] == "article"]
    assert [a["num"] for a in articles] == [
        n for n, _ in ARTICLE_HEADING.findall(raw("Z950002592_.rus.html"))
    ]
    assert data["scheduled"][0]["effective"] == "2026-07-01"
    assert articles[2]["amendments"][-1]["act_date"] == "2022-11-05"


def test_zanwatch_parse_refuses_a_bad_language_in_one_line(cli) -> None:
    result = cli("parse", str(FIXTURES / "Z950002592_.rus.html"), "--lang", "fr")
    assert result.code == 2 and result.err.strip().count("\n") == 0 and "unknown language 'fr'" in result.err


def test_kazakh_appendix_heading_ends_with_its_number() -> None:
    document = lines(
        "1-бап. Мақсаты", "Мәтін.", "Қазақстан Республикасының Заңына 2-қосымша", "Қосымша мәтіні."
    )
    assert [(p.eid, p.num, p.text) for p in document.provisions] == [
        ("art_1", "1", "Мәтін."),
        ("app_2", "2", "Қосымша мәтіні."),
    ]


def test_dates_in_ignores_digit_like_symbols() -> None:
    from datetime import date

    from tracker.structure import dates_in

    assert dates_in("1 ² 2000") == []
    assert dates_in("от 6 мая 1999 г.") == [(3, date(1999, 5, 6))]
