"""Mazhilis draft-laws API through the real fetcher on a mock transport: list, detail, tolerant field names,
and malformed answers as one-line ParseErrors."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest

from scrapers.http import Fetcher
from scrapers.parliament import BillDocument, MazhilisSource
from tracker.config import Politeness
from tracker.errors import ParseError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "parliament"
BASE = "https://mazhilis.test"


def source_for(routes: Mapping[str, bytes]) -> tuple[MazhilisSource, list[str]]:
    """A MazhilisSource whose fetcher answers `routes` (path with query → body) and records what was asked."""
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        asked.append(target)
        if target not in routes:
            return httpx.Response(404)
        return httpx.Response(200, content=routes[target], headers={"content-type": "application/json"})

    fetcher = Fetcher(Politeness(retries=0), transport=httpx.MockTransport(handler), sleep=lambda _: None)
    return MazhilisSource(fetcher, BASE), asked


def test_list_bills_maps_each_spelling_of_the_fields() -> None:
    source, asked = source_for(
        {"/api/core/draft-laws/?limit=3&offset=6": (FIXTURES / "draft_laws_list_handmade.json").read_bytes()}
    )

    bills = source.list_bills(limit=3, offset=6)

    assert asked == ["/api/core/draft-laws/?limit=3&offset=6"]
    assert [b.id for b in bills] == ["1401", "1402", "1403"]
    assert bills[0].title.endswith("по вопросам некоммерческих организаций")
    assert [b.status for b in bills] == ["На рассмотрении в Мажилисе", "Принят Мажилисом", ""]
    assert bills[1].title == "О масс-медиа"
    assert bills[2].title.startswith("О ратификации")
    assert bills[0].url == f"{BASE}/api/core/draft-laws/1401/"


def test_bill_detail_has_absolute_document_links() -> None:
    source, asked = source_for(
        {"/api/core/draft-laws/1401/": (FIXTURES / "draft_law_detail_handmade.json").read_bytes()}
    )

    bill = source.bill("1401")

    assert asked == ["/api/core/draft-laws/1401/"]
    assert bill.status == "На рассмотрении в Мажилисе"
    assert bill.documents == (
        BillDocument("Проект закона", f"{BASE}/media/draft_laws/1401/proekt.docx"),
        BillDocument("Сравнительная таблица", "https://mazhilis.parlam.kz/media/draft_laws/1401/table.docx"),
        BillDocument(
            "заключение.pdf",
            f"{BASE}/media/draft_laws/1401/%D0%B7%D0%B0%D0%BA%D0%BB%D1%8E%D1%87%D0%B5%D0%BD%D0%B8%D0%B5.pdf",
        ),
    )


def test_list_accepts_the_results_envelope_and_runs_out_empty() -> None:
    page = {"count": 1, "results": [{"id": 7, "title": "О цифровых активах", "files": []}]}
    source, _ = source_for(
        {
            "/api/core/draft-laws/?limit=20&offset=0": json.dumps(page).encode(),
            "/api/core/draft-laws/?limit=20&offset=20": b'{"count": 1, "result": []}',
        }
    )

    assert [b.title for b in source.list_bills()] == ["О цифровых активах"]
    assert source.list_bills(offset=20) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<html><body>\xd0\x9f\xd0\xbe\xd0\xb4\xd1\x82\xd0\xb2\xd0\xb5\xd1\x80\xd0\xb4\xd0\xb8\xd1\x82\xd0\xb5",
            "not answer with JSON",
        ),
        (b"", "not answer with JSON"),
        (b'{"count": 3, "items": []}', "no result list"),
        (b"[1, 2]", "no result list"),
        (b'{"result": ["1401"]}', "bill list item 0 is not a JSON object"),
        (
            b'{"result": [{"id": 5, "status": "x"}]}',
            "bill list item 0 lacks an id or a title (fields: id, status)",
        ),
        (
            b'{"result": [{"id": 5, "title": "T", "documents": [{"name": "no link"}]}]}',
            "without url/file/link",
        ),
        (b'{"result": [{"id": 5, "title": "T", "documents": "proekt.docx"}]}', "not a list"),
    ],
)
def test_malformed_answers_are_one_line_parse_errors(body: bytes, message: str) -> None:
    source, _ = source_for({"/api/core/draft-laws/?limit=20&offset=0": body})

    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        source.list_bills()
    assert "\n" not in str(caught.value)
