"""Scenarios an expert would check by hand: one edit each, and the change the diff must report."""

from __future__ import annotations

import copy
import random
from datetime import date
from pathlib import Path

from diff_builders import article, document, numbered_articles, random_text

from scrapers.adilet import parse_page
from tracker.diff import SIMILARITY_THRESHOLD, align, diff_documents, redline
from tracker.model import Amendment, Provision
from tracker.structure import build

LAW = numbered_articles([random_text(random.Random(seed), 40) for seed in range(10)])
FOOTNOTE = Amendment(
    "new_wording",
    "Сноска. Статья 3 в редакции Закона РК от 01.02.2024 № 5-VIII.",
    None,
    "5-VIII",
    date(2024, 2, 1),
)


def law() -> list[Provision]:
    return copy.deepcopy(LAW)


def kinds(changes):
    return [(c.kind, c.old.eid if c.old else None, c.new.eid if c.new else None) for c in changes]


def test_inserted_article_5_1_is_one_insertion_after_article_5():
    new = law()
    new.insert(5, article("5-1", "Иностранные средства подлежат раскрытию.", heading="Раскрытие"))
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("inserted", None, "art_5-1")]
    assert changes[0].ops == [("+", "Раскрытие\nИностранные средства подлежат раскрытию.")]


def test_deleted_article_is_repealed_at_its_old_place():
    new = law()
    del new[2]  # art_3
    new.insert(7, article("7-1", "Новая норма о собраниях."))
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("repealed", "art_3", None), ("inserted", None, "art_7-1")]
    assert changes[0].deleted_text() == f"{LAW[2].heading}\n{LAW[2].text}"


def test_article_left_as_repealed_stub_is_repealed():
    new = law()
    new[2] = article(
        "3", "Исключена Законом РК от 01.02.2024 № 5-VIII.", heading=LAW[2].heading, repealed=True
    )
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("repealed", "art_3", "art_3")]
    assert changes[0].ops == [("-", f"{LAW[2].heading}\n{LAW[2].text}")]


def test_words_replaced_in_one_point_are_exactly_the_ops():
    old = law()
    old[3].text = "1. Собрания проводятся с уведомлением местного исполнительного органа.\n2. Иное."
    new = copy.deepcopy(old)
    new[3].text = "1. Собрания проводятся с разрешения местного исполнительного органа.\n2. Иное."
    changes = diff_documents(document(*old), document(*new))
    assert kinds(changes) == [("substituted", "art_4", "art_4")]
    assert changes[0].deleted_text() == "уведомлением"
    assert changes[0].inserted_text() == "разрешения"


def test_heading_change_is_a_substitution_with_the_heading_words():
    new = law()
    new[0].heading = "Новый заголовок"
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("substituted", "art_1", "art_1")]
    assert "Новый" in changes[0].inserted_text()


def test_two_articles_swapped_are_two_renumberings():
    new = law()
    new[3], new[4] = new[4], new[3]
    new[3].eid, new[3].num, new[4].eid, new[4].num = "art_4", "4", "art_5", "5"
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("renumbered", "art_5", "art_4"), ("renumbered", "art_4", "art_5")]
    assert [c.similarity for c in changes] == [1.0, 1.0]


def test_renumbered_chapter_changes_no_article():
    def with_chapter(articles: list[Provision], chapter: str) -> list[Provision]:
        for p in articles:
            p.path = (chapter,)
        return [Provision(chapter, "chapter", chapter[4:], "Общие положения", "")] + articles

    changes = diff_documents(document(*with_chapter(law(), "chp_1")), document(*with_chapter(law(), "chp_2")))
    assert changes == []


def test_footnote_alone_is_no_change_but_explains_a_real_one():
    noted = law()
    noted[2].amendments = [FOOTNOTE]
    assert diff_documents(document(*LAW), document(*noted)) == []

    noted[2].text += " Дополнение."
    changes = diff_documents(document(*LAW), document(*noted))
    assert [c.amendments for c in changes] == [[FOOTNOTE]]


def test_moved_and_edited_article_is_renumbered_with_its_similarity():
    new = law()
    moved = new.pop(1)
    moved.eid, moved.num = "art_12", "12"
    moved.text = moved.text.replace(moved.text.split()[0], "Изменено", 1)
    new.append(moved)
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("renumbered", "art_2", "art_12")]
    assert SIMILARITY_THRESHOLD < changes[0].similarity < 1.0
    assert changes[0].inserted_text() == "Изменено"


def test_article_rewritten_in_new_wording_stays_one_substitution():
    new = law()
    new[6].text = "Статья изложена в новой редакции полностью другими словами."
    changes = diff_documents(document(*LAW), document(*new))
    assert kinds(changes) == [("substituted", "art_7", "art_7")]


def test_two_constitutions_with_articles_moved_everywhere_pair_by_text():
    rng = random.Random(1995)
    texts = [random_text(rng, rng.randint(20, 120)) for _ in range(300)]
    old = numbered_articles(texts)
    order = list(range(300))
    rng.shuffle(order)
    new = [article(str(k + 1), texts[i], heading=old[i].heading) for k, i in enumerate(order)]
    new[10].text += " Новое предложение о правах человека."

    pairs = align(old, new)

    assert [(a.eid, b.eid) for a, b, _ in pairs] == [(old[i].eid, new[k].eid) for k, i in enumerate(order)]


def test_a_redline_past_its_time_bound_is_still_exact():
    rng = random.Random(7)
    old, new = random_text(rng, 3000), random_text(rng, 3000)
    ops = redline(old, new, timeout_s=0.001)
    assert "".join(t for op, t in ops if op != "+") == old
    assert "".join(t for op, t in ops if op != "-") == new


def test_real_page_with_one_point_edited_and_one_article_renumbered():
    page = Path(__file__).parents[1] / "fixtures" / "adilet" / "Z950002592_.rus.html"
    old = build(parse_page(page.read_bytes(), "rus"))
    new = copy.deepcopy(old)
    art5 = next(p for p in new.provisions if p.eid == "art_5")
    art5.text = art5.text.replace("восемнадцатилетнего", "шестнадцатилетнего", 1)
    last = new.articles()[-1]
    last.eid, last.num = "art_99", "99"

    assert diff_documents(old, copy.deepcopy(old)) == []
    changes = diff_documents(old, new)
    moved = old.articles()[-1].eid
    assert kinds(changes) == [("substituted", "art_5", "art_5"), ("renumbered", moved, "art_99")]
    assert changes[0].deleted_text() == "восемнадцатилетнего"
    assert changes[0].inserted_text() == "шестнадцатилетнего"
