"""Properties of the structure builder on generated acts in the three languages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.model import Block, ParsedPage
from tracker.normalize import normalize
from tracker.structure import build

WORDS = st.sampled_from(
    "граждане право закон обязаны организация общественного объединения азаматтар құқығы ұйым "
    "citizens right organisation shall report funds foreign 5 10-1 «свобода» — 1) 2. (опубликования);".split()
)
TITLE_WORDS = st.sampled_from("Право Свобода Порядок Құқық Ұйым Right Order Reporting".split())
HEADINGS = {
    "rus": lambda num, title: f"Статья {num}. {title}",
    "kaz": lambda num, title: f"{num}-бап. {title}",
    "eng": lambda num, title: f"Article {num}. {title}",
}
FOOTNOTES = {
    "rus": "Сноска. Статья {num} с изменениями, внесенными Законом РК от 05.07.2024 № 109-VIII.",
    "kaz": "Ескерту. {num}-бапқа өзгерістер енгізілді - ҚР 05.07.2024 № 109-VIII Заңымен.",
    "eng": "Footnote. Article {num} as amended by the Law dated 05.07.2024 № 109-VIII.",
}
SPACE = st.sampled_from([" ", "  ", "\u00a0", " \u00a0 "])


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=12))
    return "".join(word + draw(SPACE) for word in words)


@st.composite
def acts(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, list[str], bool]]]:
    """A language and articles: (number, title, paragraphs, has a footnote), numbers unique and ascending."""
    language = draw(st.sampled_from(sorted(HEADINGS)))
    bases = sorted(draw(st.sets(st.integers(1, 400), min_size=1, max_size=12)))
    articles = []
    for base in bases:
        num = f"{base}-{draw(st.integers(1, 9))}" if draw(st.booleans()) else str(base)
        title = " ".join(draw(st.lists(TITLE_WORDS, min_size=1, max_size=5)))
        articles.append(
            (num, title, draw(st.lists(paragraph(), min_size=1, max_size=4)), draw(st.booleans()))
        )
    return language, articles


def page_of(language: str, articles: list[tuple[str, str, list[str], bool]]) -> ParsedPage:
    blocks = []
    for num, title, paragraphs, noted in articles:
        blocks.append(Block(HEADINGS[language](num, title)))
        blocks.extend(Block(p) for p in paragraphs)
        if noted:
            blocks.append(Block(FOOTNOTES[language].format(num=num), kind="note"))
    return ParsedPage("T", "upd", "", language, blocks)


@settings(max_examples=60, deadline=None)
@given(acts())
def test_generated_articles_round_trip_numbers_titles_and_texts(act) -> None:
    language, articles = act
    document = build(page_of(language, articles))
    built = [p for p in document.provisions if p.kind == "article"]
    assert [(p.num, p.heading) for p in built] == [(num, title) for num, title, _, _ in articles]
    assert [p.text for p in built] == [
        "\n".join(normalize(x) for x in paragraphs) for _, _, paragraphs, _ in articles
    ]
    assert [p.eid for p in built] == [f"art_{num}" for num, _, _, _ in articles]


@settings(max_examples=60, deadline=None)
@given(acts())
def test_footnotes_never_leak_and_each_lands_on_its_article(act) -> None:
    language, articles = act
    document = build(page_of(language, articles))
    for provision, (_, _, _, noted) in zip(document.provisions, articles, strict=True):
        assert not any(marker in provision.text for marker in ("Сноска", "Ескерту", "Footnote"))
        assert [(a.act_number, a.act_date.isoformat()) for a in provision.amendments] == (
            [("109-VIII", "2024-07-05")] if noted else []
        )
