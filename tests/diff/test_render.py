"""What readers see: HTML for e-mail, Markdown, JSON for machines, colour text for terminals."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from diff_builders import article, document
from rich.console import Console

from tracker.diff import diff_documents
from tracker.model import Amendment, Flag
from tracker.render import Side, html, markdown, terminal
from tracker.render import json as json_render

FROM = Side("adilet:Z950002592_ #1", "О республиканском референдуме", date(2023, 1, 1))
TO = Side("adilet:Z950002592_ #2", "О республиканском референдуме", date(2024, 2, 1))
FOOTNOTE = Amendment(
    "new_wording",
    "Сноска. В редакции Закона РК от 01.02.2024 № 5-VIII.",
    None,
    "5-VIII",
    date(2024, 2, 1),
    "вводится в действие по истечении десяти дней",
    date(2024, 2, 12),
)
FLAG = Flag(
    "foreign_funding.disclosure",
    "foreign_funding",
    "high",
    "inserted",
    ("иностранных источников",),
    "art_5-1",
    "…средств из иностранных источников…",
)


@pytest.fixture
def changes():
    old = document(
        article("4", "Граждане вправе проводить собрания <script>alert(1)</script> мирно."),
        article("5", "Референдум назначается Президентом."),
        article("6", "Неизменная статья."),
    )
    new = document(
        article("4", "Граждане вправе проводить собрания <script>alert(1)</script> мирно и без оружия."),
        article("5", "Референдум назначается Президентом."),
        article(
            "5-1",
            "Организации раскрывают получение средств из иностранных источников.",
            heading="Раскрытие",
            amendments=[FOOTNOTE],
        ),
        article("6", "Неизменная статья."),
    )
    found = diff_documents(old, new)
    found[1].flags.append(FLAG)
    return found


def test_html_is_standalone_escaped_inline_styled_and_marks_flags(changes):
    page = html.render(changes, from_side=FROM, to_side=TO, title="Изменения <b>закона</b>")

    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page
    assert "<style" not in page and "class=" not in page
    assert re.search(r'<ins style="[^"]+">[^<]*без оружия</ins>', page)
    assert re.search(r'<ins style="[^"]+">.*<mark style="[^"]+">иностранных источников</mark>', page, re.S)
    assert "foreign_funding.disclosure" in page and "5-VIII" in page
    assert html.render_change(changes[1]) in page


def test_html_shows_deletions_struck_through(changes):
    changes[0].ops = [("=", "Граждане "), ("-", "не "), ("=", "вправе")]
    assert re.search(r'<del style="[^"]*line-through[^"]*">не </del>', html.render_change(changes[0]))


def test_markdown_marks_insertions_and_escapes_law_text(changes):
    text = markdown.render(changes, from_side=FROM, to_side=TO, title="Изменения")
    assert "<ins>" in text and "без оружия</ins>" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "## Статья 5\\-1. Раскрытие\n\n*статья добавлена*" in text
    assert "**Изменено статей:** 2" in text and "01\\.01\\.2023" in text
    assert "<mark>иностранных источников</mark>" in text


def test_json_has_the_documented_shape_with_iso_dates(changes):
    data = json_render.to_dict(changes, from_side=FROM, to_side=TO)
    data = json.loads(json.dumps(data, ensure_ascii=False))

    assert set(data) == {"from", "to", "changes"}
    assert data["from"]["date"] == "2023-01-01" and data["to"]["label"] == TO.label
    assert [c["new_eid"] for c in data["changes"]] == ["art_4", "art_5-1"], "unchanged articles are left out"
    inserted = data["changes"][1]
    assert set(inserted) == {
        "kind",
        "old_eid",
        "new_eid",
        "old_num",
        "new_num",
        "heading",
        "similarity",
        "ops",
        "amendments",
        "flags",
        "pairs",
    }
    assert inserted | {"amendments": None, "flags": None} == {
        "kind": "inserted",
        "old_eid": None,
        "new_eid": "art_5-1",
        "old_num": None,
        "new_num": "5-1",
        "heading": "Раскрытие",
        "similarity": 0.0,
        "ops": [["+", "Раскрытие\nОрганизации раскрывают получение средств из иностранных источников."]],
        "amendments": None,
        "flags": None,
        "pairs": [],
    }
    assert inserted["amendments"] == [
        {
            "kind": "new_wording",
            "scheduled": False,
            "text": FOOTNOTE.text,
            "act_id": None,
            "act_number": "5-VIII",
            "act_date": "2024-02-01",
            "in_force": FOOTNOTE.in_force,
            "effective": "2024-02-12",
        }
    ]
    assert inserted["flags"] == [
        {
            "rule_id": "foreign_funding.disclosure",
            "theme": "foreign_funding",
            "severity": "high",
            "side": "inserted",
            "matched": ["иностранных источников"],
            "eid": "art_5-1",
            "snippet": FLAG.snippet,
            "direction": "neutral",
            "old_value": None,
            "new_value": None,
            "unit": None,
        }
    ]
    assert data["changes"][0]["ops"] == [
        ["=", "Граждане вправе проводить собрания <script>alert(1)</script> мирно"],
        ["+", " и без оружия"],
        ["=", "."],
    ]
    assert json_render.change_to_dict(changes[0]) == data["changes"][0]


def test_terminal_shows_numbers_inserted_words_amendments_and_flags(changes):
    console = Console(record=True, width=120, color_system="truecolor")
    terminal.render(changes, console, from_side=FROM, to_side=TO)
    text = console.export_text(clear=False)

    assert "Статья 4" in text and "Статья 5-1 Раскрытие" in text
    assert "и без оружия" in text and "<script>alert(1)</script>" in text
    assert "5-VIII" in text and "2024-02-12" in text
    assert "foreign_funding.disclosure" in text and "[foreign_funding]" in text
    styled = console.export_text(styles=True)
    assert re.search(r"\x1b\[[0-9;]*32m[^\x1b]*и без оружия", styled), "insertions are green"


def test_terminal_says_when_nothing_changed():
    console = Console(record=True, width=120)
    terminal.render([], console, from_side=FROM, to_side=TO)
    assert "No changes." in console.export_text()


def test_renumbered_article_shows_both_numbers_and_similarity():
    old = document(article("7", "Текст статьи о выборах депутатов."))
    new = document(article("8", "Текст статьи о выборах депутатов."))
    changes = diff_documents(old, new)
    console = Console(record=True, width=120)
    terminal.render(changes, console, from_side=FROM, to_side=TO)
    text = console.export_text()
    assert "Статья 7 → Статья 8" in text and "similarity 1.00" in text
    assert "Статья 7 → Статья 8" in html.render_change(changes[0])
