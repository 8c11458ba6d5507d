"""adilet pages → blocks, the response gates, the classic-then-API fetch, /history and /info, local files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import docx
import pytest

from scrapers.adilet import (
    AdiletSource,
    act_requisites,
    api_url,
    document_url,
    edition_url,
    parse_api,
    parse_history,
    parse_info,
    parse_page,
    suspect_reason,
)
from scrapers.files import read_file
from tracker.errors import FetchError, InputError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adilet"
REAL = ("Z070000258_.rus.html", "Z950002592_.rus.html", "Z950002733_.rus.html", "Z950002529_.rus.html")
BASE = "https://old.adilet.zan.kz"
API = "https://adilet.zan.kz"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    url: str
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class FakeFetcher:
    """Answers from a URL → body (or exception) map and records what was asked."""

    def __init__(self, answers: dict[str, bytes | Exception | Reply]):
        self.answers = answers
        self.asked: list[tuple[str, str | None]] = []

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Reply:
        self.asked.append((url, etag))
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, Reply) else Reply(url=url, body=answer, etag='"v1"')


def test_urls_follow_the_site_paths() -> None:
    assert document_url(BASE, "Z010000142_", "kaz") == f"{BASE}/kaz/docs/Z010000142_"
    assert (
        edition_url(BASE, "Z010000142_", "rus", date(2024, 7, 5)) == f"{BASE}/rus/docs/Z010000142_/05.07.2024"
    )
    assert api_url(API + "/", "K1400000226", "eng") == f"{API}/api/documents/by-ngr/K1400000226?language=eng"


@pytest.mark.parametrize("name", REAL)
def test_real_page_header_and_one_block_per_footnote_and_notice(name: str) -> None:
    raw = fixture(name).decode()
    page = parse_page(fixture(name), "rus")
    assert (page.status, page.status_label) == ("updated", "Обновленный")
    assert page.requisites.startswith(("Конституционный закон", "Конституционный Закон"))
    notes = [b for b in page.blocks if b.kind == "note"]
    pending = [b for b in page.blocks if b.kind == "pending"]
    assert len(notes) == raw.count("Сноска")
    assert all(b.text.startswith("Сноска.") and b.links for b in notes)
    assert len(pending) == raw.count("Примечание ИЗПИ")
    assert all(b.text.startswith("Примечание ИЗПИ!") and "(" in b.text for b in pending)
    assert not any("ОГЛАВЛЕНИЕ" in b.text for b in page.blocks)


def test_footnote_split_around_links_is_one_block_with_every_act_link() -> None:
    page = parse_page(fixture("Z070000258_.rus.html"), "rus")
    article_4 = next(b for b in page.blocks if b.kind == "note" and b.text.startswith("Сноска. Статья 4 "))
    assert [link.rsplit("/", 1)[-1].split("#")[0] for link in article_4.links] == [
        "Z1200000023",
        "Z1500000370",
        "Z1700000119",
        "Z2200000156",
        "Z2300000222",
    ]
    assert "№ 119-VI (вводится в действие" in article_4.text


def test_title_and_heading_anchors() -> None:
    page = parse_page(fixture("Z070000258_.rus.html"), "rus")
    assert page.title == "О государственных символах Республики Казахстан"
    chapter = next(b for b in page.blocks if b.text.startswith("Глава 1."))
    assert chapter.anchor == "z2"
    assert next(b for b in page.blocks if b.text.startswith("Статья 1.")).anchor == "z3"


def test_a_repealed_subpoint_styled_as_a_note_stays_law_text() -> None:
    page = parse_page(fixture("Z070000258_.rus.html"), "rus")
    repealed = [b for b in page.blocks if b.text.startswith("1) Исключен")]
    assert len(repealed) == 1 and repealed[0].kind == "text"
    assert repealed[0].text.endswith("официального опубликования).")


def test_title_falls_back_to_the_title_tag() -> None:
    page = parse_page(
        '<html><head><title>О законе - ИПС "Әділет"</title></head><body><article><p>Статья 1. А</p></article>'
        "</body></html>",
        "rus",
    )
    assert page.title == "О законе"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"  \n ", "empty body"),
        (fixture("captcha.handmade.html"), "CAPTCHA page"),
        (fixture("js_shell.handmade.html"), "JavaScript shell without the text"),
        (fixture("no_markers.handmade.html"), "no article markers or z-anchors"),
        (fixture("Z070000258_.rus.html")[:40_000], "truncated body (no </article>)"),
        (b"<html><body><p>Service unavailable</p></body></html>", "no <article> body"),
        (
            "<html><body><article><p>Статья 1. X</p></article></body></html>".encode(),
            "no title or status badge",
        ),
    ],
)
def test_suspect_pages_are_classified(body: bytes, reason: str) -> None:
    assert suspect_reason(body) == reason


def test_a_body_collapsed_against_the_last_good_size_is_suspect() -> None:
    body = fixture("Z950002592_.rus.html")
    assert suspect_reason(body, previous_size=len(body)) is None
    assert suspect_reason(body, previous_size=len(body) * 3).startswith("body collapsed to 33%")


@pytest.mark.parametrize("name", REAL + ("Z000000001_.kaz.handmade.html", "Z000000002_.eng.handmade.html"))
def test_good_pages_pass_the_gates(name: str) -> None:
    assert suspect_reason(fixture(name)) is None


def test_fetch_text_parses_a_good_classic_page_with_conditional_headers() -> None:
    url = document_url(BASE, "Z950002592_", "rus")
    fetcher = FakeFetcher({url: fixture("Z950002592_.rus.html")})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z950002592_", "rus", etag='"v0"')
    assert fetched.suspect is None and fetched.page is not None
    assert fetched.page.title == "О республиканском референдуме"
    assert (fetched.url, fetched.etag) == (url, '"v1"')
    assert fetcher.asked == [(url, '"v0"')]


def test_not_modified_is_passed_through_without_parsing() -> None:
    url = document_url(BASE, "Z950002592_", "rus")
    fetcher = FakeFetcher({url: Reply(url=url, status=304, not_modified=True)})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z950002592_", "rus", etag='"v1"')
    assert fetched.not_modified and fetched.page is None and fetched.suspect is None


def test_an_edition_on_a_date_is_read_from_its_dated_path() -> None:
    url = edition_url(BASE, "Z950002592_", "rus", date(2024, 7, 5))
    fetcher = FakeFetcher({url: fixture("Z950002592_.rus.html")})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z950002592_", "rus", on=date(2024, 7, 5))
    assert fetched.page is not None and fetcher.asked[0][0] == url


def test_js_shell_falls_back_to_the_json_api() -> None:
    classic = document_url(BASE, "Z000000003_", "rus")
    api = api_url(API, "Z000000003_", "rus")
    fetcher = FakeFetcher({classic: fixture("js_shell.handmade.html"), api: fixture("api.handmade.json")})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z000000003_", "rus")
    assert fetched.suspect is None and fetched.url == api
    assert fetched.page is not None and fetched.page.status == "repealed"
    assert [b.text for b in fetched.page.blocks][:2] == ["Статья 1. Понятие", "1. Текст статьи."]


def test_js_shell_with_a_failing_api_comes_back_suspect_not_raised() -> None:
    classic = document_url(BASE, "Z000000003_", "rus")
    fetcher = FakeFetcher(
        {classic: fixture("js_shell.handmade.html"), api_url(API, "Z000000003_", "rus"): FetchError("503")}
    )
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z000000003_", "rus")
    assert fetched.page is None and fetched.url == classic
    assert fetched.suspect == "JavaScript shell without the text; API fallback: 503"


def test_captcha_is_suspect_and_does_not_hammer_the_api() -> None:
    classic = document_url(BASE, "Z010000142_", "rus")
    fetcher = FakeFetcher({classic: fixture("captcha.handmade.html")})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z010000142_", "rus")
    assert fetched.suspect == "CAPTCHA page" and fetched.page is None
    assert len(fetcher.asked) == 1


def test_api_without_text_content_is_suspect() -> None:
    classic = document_url(BASE, "Z000000003_", "rus")
    api = api_url(API, "Z000000003_", "rus")
    fetcher = FakeFetcher({classic: fixture("js_shell.handmade.html"), api: b'{"title": "X"}'})
    fetched = AdiletSource(fetcher, BASE, API).fetch_text("Z000000003_", "rus")
    assert fetched.page is None and "no text_content" in (fetched.suspect or "")


def test_parse_api_reads_a_dict_too() -> None:
    page = parse_api({"title": "T", "is_actual": True, "text_content": "<p>Статья 1. А</p>"}, "kaz")
    assert (page.title, page.status, page.language) == ("T", "", "kaz")
    assert page.blocks[0].text == "Статья 1. А"


def test_history_rows_become_editions() -> None:
    history = parse_history(fixture("history.handmade.html"), "rus")
    assert [h.edition for h in history] == [date(2007, 6, 4), date(2023, 4, 19), date(2024, 7, 5)]
    assert history[2].act_id == "Z2400000109" and history[2].act.endswith("№ 109-VIII")
    assert (history[2].act_number, history[2].act_date) == ("109-VIII", date(2024, 7, 5))
    assert history[2].status == "Действующая"
    assert history[2].url == "https://adilet.zan.kz/rus/docs/Z070000258_/05.07.2024"
    assert history[0].act == "Первоначальная редакция" and history[0].act_id is None


def test_info_card_is_label_to_value() -> None:
    info = parse_info(fixture("info.handmade.html"))
    assert info["Вид акта"] == "Конституционный закон" and info["Номер"] == "258"


def test_read_file_html_txt_docx(tmp_path: Path) -> None:
    assert read_file(FIXTURES / "Z950002592_.rus.html", "rus").status == "updated"
    plain = tmp_path / "draft.html"
    plain.write_text(
        "<html><head><title>Проект</title></head><body><h2>Статья 1. А</h2><p>Текст <b>важный</b>.</p>"
    )
    assert [b.text for b in read_file(plain, "rus").blocks] == ["Статья 1. А", "Текст важный."]
    text = tmp_path / "draft.txt"
    text.write_text("Статья 1. А\n\n   Текст.  \n", encoding="utf-8")
    assert [b.text for b in read_file(text, "rus").blocks] == ["Статья 1. А", "Текст."]
    document = docx.Document()
    document.add_paragraph("Статья 1. А")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Текст в таблице."
    document.save(str(tmp_path / "draft.docx"))
    page = read_file(tmp_path / "draft.docx", "rus")
    assert [b.text for b in page.blocks] == ["Статья 1. А", "Текст в таблице."]


def test_read_file_refuses_unknown_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported file type '\.pdf'"):
        read_file(tmp_path / "law.pdf", "rus")
    with pytest.raises(InputError, match="cannot read"):
        read_file(tmp_path / "absent.txt", "rus")
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a valid DOCX"):
        read_file(tmp_path / "broken.docx", "rus")


def test_history_is_read_by_its_headers_in_any_order() -> None:
    page = """<table id="ethernatable">
<tr><th>Статус НПА</th><th>Дата изменения</th><th>Дополнительная информация</th>
<th>Форма НПА и орган, принявший акт</th><th>Заголовок</th><th>№</th></tr>
<tr><td>Действующий</td><td>05.07.2024</td><td></td><td>Конституционный закон, Парламент</td>
<td><a href="/rus/docs/Z2400000109">Конституционный закон РК от 5 июля 2024 года № 109-VIII</a></td>
<td>2</td></tr>
<tr><td>Архивный</td><td><a href="/rus/docs/Z070000258_/19.04.2023">редакция</a></td><td></td><td></td>
<td>Первоначальная редакция</td><td>1</td></tr>
</table>"""
    older, newer = parse_history(page, "rus")
    assert (older.edition, older.act, older.status) == (
        date(2023, 4, 19),
        "Первоначальная редакция",
        "Архивный",
    )
    assert older.url == "/rus/docs/Z070000258_/19.04.2023"  # the dated link gives the date
    assert (newer.edition, newer.act_id, newer.act_number, newer.act_date, newer.status) == (
        date(2024, 7, 5),
        "Z2400000109",
        "109-VIII",
        date(2024, 7, 5),
        "Действующий",
    )


def test_an_acts_requisites_give_its_first_publication() -> None:
    card = """<h1>О внесении изменений</h1><table id="ethernatable">
<tr><td>Дата принятия акта:</td><td>20.11.2026</td></tr>
<tr><td>Дата официальной публикации в ИПС "Әділет":</td><td>25.11.2026</td></tr>
<tr><td>Официальная публикация:</td><td>«Казахстанская правда» от 24.11.2026 г. № 225</td></tr></table>"""
    found = act_requisites(card)
    assert (found.adopted, found.published, found.title) == (
        date(2026, 11, 20),
        date(2026, 11, 24),
        "О внесении изменений",
    )
    assert act_requisites('<table id="ethernatable"><tr><td>Номер</td><td>1</td></tr></table>').note
