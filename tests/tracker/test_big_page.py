"""A code-sized page: every article of a real page, repeated, comes out whole and in order."""

from __future__ import annotations

from pathlib import Path

from scrapers.adilet import parse_page, suspect_reason
from tracker.model import Amendment, Document
from tracker.structure import build

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adilet"
COPIES = 40


def articles(document: Document) -> list[tuple[str, str, str, list[Amendment]]]:
    return [
        (p.num, p.heading, p.text, list(p.amendments)) for p in document.provisions if p.kind == "article"
    ]


def test_a_page_forty_times_the_size_of_a_real_one_parses_into_forty_copies_of_its_articles() -> None:
    raw = (FIXTURES / "Z950002592_.rus.html").read_text(encoding="utf-8")
    start = raw.rindex("<p", 0, raw.index("Статья 1."))  # from the first article on: no preamble repeated
    end = raw.index("</article>")
    big = (raw[:start] + raw[start:end] * COPIES + raw[end:]).encode()
    one = build(parse_page(raw.encode(), "rus"))
    assert len(big) > 3_500_000
    assert suspect_reason(big) is None
    many = build(parse_page(big, "rus"))
    assert len(articles(one)) == 39
    assert articles(many) == articles(one) * COPIES
    in_articles = sum(a.scheduled for *_, amendments in articles(one) for a in amendments)
    assert len(many.scheduled) == len(one.scheduled) + (COPIES - 1) * in_articles
