"""Every real adilet page parses exactly as its README describes, and each markup shape that broke on real
pages has a hand-made page of its own (`*.handmade.html`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scrapers.adilet import parse_page
from tracker.model import AmendmentKind, Document, DocumentStatus
from tracker.structure import build

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adilet"


def page(name: str) -> Document:
    return build(parse_page((FIXTURES / name).read_bytes(), "rus"))


def numbers(first: int, last: int, *inserted: str) -> list[str]:
    nums = [str(n) for n in range(first, last + 1)]
    for extra in inserted:
        nums.insert(nums.index(extra.split("-")[0]) + 1, extra)
    return nums


EXPECTED = {
    # name: (article numbers, chapters, footnote blocks, notices)
    "Z070000258_.rus.html": (numbers(1, 16), 6, 12, 13),
    "Z950002592_.rus.html": (numbers(1, 37, "7-1", "31-1"), 4, 20, 25),
    "Z950002733_.rus.html": (numbers(1, 38, "17-1"), 7, 32, 1),
    "Z950002529_.rus.html": (numbers(1, 40, "11-1", "22-1", "23-1", "34-1"), 6, 40, 1),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_page_has_its_articles_chapters_footnotes_and_notices(name: str) -> None:
    articles, chapters, footnotes, notices = EXPECTED[name]
    document = page(name)
    built = [p for p in document.provisions if p.kind == "article"]
    assert [p.num for p in built] == articles
    assert all(p.heading and p.text for p in built)
    assert len([p for p in document.provisions if p.kind == "chapter"]) == chapters
    blocks = parse_page((FIXTURES / name).read_bytes(), "rus").blocks
    assert len([b for b in blocks if b.kind == "note"]) == footnotes
    assert len(document.scheduled) == notices
    assert (document.status, document.status_label) == (DocumentStatus.UPDATED, "Обновленный")
    for provision in document.provisions:
        assert "Сноска" not in provision.text and "ИЗПИ" not in provision.text, provision.eid
        assert "Президент Республики Казахстан" not in provision.text.split("\n")[-1], provision.eid
        for amendment in provision.amendments:  # a Cyrillic «І» in «156-VІI» is read as the Latin numeral
            assert amendment.act_number is None or amendment.act_number.isascii()


def test_president_law_bold_headings_split_over_several_b_and_old_style_italic_footnotes() -> None:
    provisions = {p.eid: p for p in page("Z950002733_.rus.html").provisions}
    assert provisions["chp_1"].heading == "Статус Президента Республики Казахстан"
    assert (
        provisions["art_11"].heading == "Полномочия Президента Республики в отношении Конституционного Суда"
    )
    assert provisions["art_34"].heading == "Статус экс-Президентов Республики"
    assert [a.kind for a in provisions["art_12"].amendments] == [AmendmentKind.NEW_WORDING]  # `<p><i>Сноска`
    assert [a.act_number for a in provisions["art_34"].amendments] == [
        "156-VII",
        "156-VII",
    ]  # «Сноска.Статья»
    assert provisions["art_38"].text.endswith("вступает в силу со дня опубликования.")


def test_parliament_law_footnotes_on_a_chapter_and_glued_headings() -> None:
    document = page("Z950002529_.rus.html")
    provisions = {p.eid: p for p in document.provisions}
    assert provisions["chp_4"].heading.startswith("Осуществление Палатами Парламента полномочий")
    assert [(a.kind, a.act_number) for a in provisions["chp_4"].amendments] == [
        (AmendmentKind.NEW_WORDING, "75-VI"),
        (AmendmentKind.NEW_WORDING, "266"),
    ]
    assert (
        provisions["art_1"].path == ("chp_1",)
        and provisions["art_1"].heading == "Статус Парламента Республики"
    )
    assert [a.act_number for a in provisions["art_12"].amendments] == ["339-VI"]
    assert "депутат" in provisions["art_40"].text.lower() or provisions["art_40"].text.startswith("Настоящий")


@pytest.mark.parametrize(
    ("name", "act", "act_id"),
    [
        ("Z950002733_.rus.html", "296-VIII", "Z2600000296"),
        ("Z950002529_.rus.html", "297-VIII", "Z2600000297"),
    ],
)
def test_a_notice_that_the_whole_act_loses_force_is_a_document_amendment(
    name: str, act: str, act_id: str
) -> None:
    document = page(name)
    [repeal] = [a for a in document.amendments if a.scheduled]
    assert (repeal.kind, repeal.act_number, repeal.act_id, repeal.act_date, repeal.effective) == (
        AmendmentKind.ACT_REPEALED,
        act,
        act_id,
        date(2026, 6, 5),
        date(2026, 7, 1),
    )
    assert document.scheduled == [repeal]
    assert not any(a.scheduled for p in document.provisions for a in p.amendments)
    assert document.provisions[0].kind == "preamble"  # the notice is not the act's preamble


def test_fixed_in_force_dates_become_effective_and_relative_rules_do_not() -> None:
    provisions = {p.eid: p for p in page("Z950002733_.rus.html").provisions}
    [fixed] = provisions["art_37"].amendments
    assert (fixed.in_force, fixed.effective) == ("вводится в действие с 01.07.2023", date(2023, 7, 1))
    [relative] = provisions["art_31"].amendments
    assert relative.in_force == "вводится в действие со дня его первого официального опубликования"
    assert relative.effective is None


def test_chapter_and_article_heading_in_one_h3() -> None:
    document = page("merged_headings.handmade.html")
    assert [(p.eid, p.heading, p.path) for p in document.provisions] == [
        ("chp_6", "ОБЩИЕ УСЛОВИЯ КОНСТИТУЦИОННОГО ПРОИЗВОДСТВА", ()),
        ("art_29", "Конституционное производство и его участники", ("chp_6",)),
        ("art_30", "Язык конституционного производства", ("chp_6",)),
        ("chp_7", "ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ", ()),
        ("art_31", "Порядок введения в действие", ("chp_7",)),
    ]
    assert document.provisions[1].text.split("\n") == [
        "1. Конституционное производство возбуждается по обращению.",
        "2. Участниками производства являются субъекты обращения.",
    ]
    assert document.provisions[0].text == ""


def test_a_notice_at_the_end_of_the_article_it_names_stays_on_that_article() -> None:
    provisions = {p.eid: p for p in page("notice_at_end.handmade.html").provisions}
    assert [a.text.split(" предусматривается")[0] for a in provisions["art_6"].amendments] == ["Статью 6"]
    assert [a.text.split(" предусматривается")[0] for a in provisions["art_7"].amendments] == [
        "В пункт 1",
        "Статью 7",
    ]
    assert provisions["art_8"].amendments == []
    assert {(a.kind, a.scheduled, a.effective) for a in provisions["art_7"].amendments} == {
        (AmendmentKind.AMENDED, True, date(2026, 7, 1)),
        (AmendmentKind.SUPPLEMENTED, True, date(2026, 7, 1)),
    }


def test_each_act_in_one_footnote_has_its_own_verb() -> None:
    provisions = {p.eid: p for p in page("multi_act_footnote.handmade.html").provisions}
    assert [(a.kind, a.act_number, a.act_id, a.effective) for a in provisions["art_6"].amendments] == [
        (AmendmentKind.NEW_WORDING, "109-VIII", "Z2400000109", None),
        (AmendmentKind.AMENDED, "150-VIII", "Z2500000150", date(2025, 3, 1)),
        (AmendmentKind.AMENDED, "190-VIII", "Z2500000190", None),
    ]
    assert [a.text for a in provisions["art_6"].amendments][1:] == [
        "Статья 6 с изменениями, внесенными законами РК от 01.02.2025 № 150-VIII "
        "(вводится в действие с 01.03.2025)",
        "Статья 6 с изменениями, внесенными законами РК от 15.06.2025 № 190-VIII (вводится в действие по "
        "истечении десяти календарных дней после дня его первого официального опубликования)",
    ]
    assert [(a.kind, a.act_number) for a in provisions["art_8-1"].amendments] == [
        (AmendmentKind.SUPPLEMENTED, "180-VII"),
        (AmendmentKind.AMENDED, "109-VIII"),
    ]
    assert provisions["art_8"].amendments == []


def test_banner_signature_and_document_level_amendments() -> None:
    document = page("banner_signature.handmade.html")
    assert [p.eid for p in document.provisions] == ["art_1", "art_2"]  # no banner preamble
    assert document.provisions[-1].text == "Настоящий Закон вводится в действие со дня опубликования."
    assert (document.status, document.status_label) == (DocumentStatus.REPEALED, "Утративший силу")
    assert [(a.kind, a.scheduled, a.act_number, a.effective) for a in document.amendments] == [
        (AmendmentKind.ACT_REPEALED, True, "310-VIII", date(2027, 1, 1)),
        (AmendmentKind.WORDS_REPLACED, False, "109-VIII", date(2024, 9, 1)),
    ]


def test_zanwatch_parse_shows_each_real_page(cli) -> None:
    for name in EXPECTED:
        result = cli("parse", str(FIXTURES / name), "--format", "json")
        assert result.code == 0, result.err
        shown = json.loads(result.out)
        assert [p["num"] for p in shown["provisions"] if p["kind"] == "article"] == EXPECTED[name][0]
