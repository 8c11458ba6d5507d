"""Alignment that uses order: rewritten articles between aligned neighbours still pair, moves are still
moves, and a uniform renumbering of unchanged articles is one change."""

from __future__ import annotations

import copy
import random
from pathlib import Path

from diff_builders import article, document

from scrapers.adilet import parse_page
from tracker.diff import SIMILARITY_THRESHOLD, align, diff_documents, text_similarity
from tracker.model import Document, Provision
from tracker.structure import build

PARLIAMENT = Path(__file__).parents[1] / "fixtures" / "adilet" / "Z950002529_.rus.html"


def rewrite(text: str, rng: random.Random) -> str:
    """A heavy rewording: about half the words kept in order, new ones woven in."""
    fresh = [
        "порядок",
        "определяется",
        "законом",
        "уполномоченный",
        "орган",
        "вправе",
        "обязан",
        "в",
        "случаях",
    ]
    out = []
    for word in text.split():
        if rng.random() < 0.45:
            out.append(word)
            if rng.random() < 0.4:
                out.append(rng.choice(fresh))
    return " ".join(out)


def renumbered(doc: Document, shift: int) -> list[Provision]:
    """The articles numbered `shift` higher, as when a new Constitution adds articles up front."""
    out = []
    for p in copy.deepcopy(doc.articles()):
        if p.num.isdigit():
            p.num = str(int(p.num) + shift)
            p.eid = f"art_{p.num}"
        out.append(p)
    return out


def test_a_real_law_heavily_rewritten_in_order_pairs_every_article() -> None:
    old = build(parse_page(PARLIAMENT.read_bytes(), "rus"))
    new_articles = renumbered(old, 2)
    rng = random.Random(12)
    rewritten = list(range(5, 30, 2))  # every other article in a long stretch, as in 1995 → 2026
    for k in rewritten:
        new_articles[k].text = rewrite(new_articles[k].text, rng)
    scores = [
        text_similarity(old.articles()[k].text, new_articles[k].text)
        for k in rewritten
        if old.articles()[k].text
    ]
    assert sum(s < SIMILARITY_THRESHOLD for s in scores) >= len(scores) // 2  # too low to pair by text alone
    new_articles[:0] = [article("1", "Новая статья о Курултае."), article("2", "Вторая новая статья.")]
    pairs = align(old.articles(), new_articles)
    paired = {(a.eid, b.eid) for a, b, _ in pairs if a and b}
    expected = {(a.eid, b.eid) for a, b in zip(old.articles(), new_articles[2:], strict=True)}
    assert paired == expected
    assert [b.num for a, b, _ in pairs if a is None] == ["1", "2"]


def test_an_article_moved_out_of_order_is_still_found() -> None:
    texts = [f"Статья о предмете {k}: " + " ".join(f"слово{k}_{w}" for w in range(30)) for k in range(1, 9)]
    old = [article(str(k), t) for k, t in enumerate(texts, 1)]
    order = [1, 2, 7, 3, 4, 5, 6, 8]  # article 7 moved up to third place
    new = [article(str(n), texts[k - 1]) for n, k in enumerate(order, 1)]
    pairs = {(a.num, b.num) for a, b, _ in align(old, new) if a and b}
    assert ("7", "3") in pairs and len(pairs) == 8


def test_unrelated_articles_in_a_gap_stay_repealed_and_inserted() -> None:
    old = [article("1", "Общие положения о выборах."), article("2", "Сроки полномочий депутатов Парламента."),
           article("3", "Заключительные положения.")]  # fmt: skip
    new = [article("1", "Общие положения о выборах."), article("2-1", "Фестиваль яблок проводится осенью."),
           article("3", "Заключительные положения.")]  # fmt: skip
    kinds = [c.kind for c in diff_documents(document(*old), document(*new))]
    assert kinds == ["repealed", "inserted"]
