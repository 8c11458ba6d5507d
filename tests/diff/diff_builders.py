"""Small documents for diff and rendering tests, built in code so each test shows its own edit."""

from __future__ import annotations

import random

from tracker.model import Document, DocumentStatus, Provision

VOCABULARY = [
    f"{stem}{ending}"
    for stem in (
        "закон",
        "граждан",
        "объединени",
        "собрани",
        "информаци",
        "орган",
        "прав",
        "свобод",
        "суд",
        "договор",
        "средств",
        "организаци",
        "регистраци",
        "уведомлени",
        "публикаци",
        "решени",
        "комисси",
        "референдум",
        "депутат",
        "палат",
        "министр",
        "акимат",
        "налог",
        "бюджет",
    )
    for ending in ("", "а", "ы", "ом", "ами", "ах", "ов", "е", "ия", "ий")
]


def article(num: str, text: str, heading: str = "", **kw) -> Provision:
    return Provision(eid=f"art_{num}", kind="article", num=num, heading=heading, text=text, **kw)


def document(*provisions: Provision) -> Document:
    return Document(
        title="Закон",
        status=DocumentStatus.IN_FORCE,
        requisites="",
        language="rus",
        provisions=list(provisions),
    )


def random_text(rng: random.Random, words: int) -> str:
    """Legal-looking prose from a fixed vocabulary: different seeds give texts that share few words."""
    sentences = []
    while words > 0:
        n = min(words, rng.randint(5, 15))
        sentences.append(" ".join(rng.choice(VOCABULARY) for _ in range(n)).capitalize() + ".")
        words -= n
    return " ".join(sentences)


def numbered_articles(texts: list[str], first: int = 1) -> list[Provision]:
    return [article(str(first + k), text, heading=f"Заголовок {k}") for k, text in enumerate(texts)]
