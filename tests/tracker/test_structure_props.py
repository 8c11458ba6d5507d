"""Properties of the structure builder on generated acts in the three languages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.model import Block, DocumentStatus, ParsedPage
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
    return ParsedPage("T", DocumentStatus.UPDATED, "", language, blocks)


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


CHAPTERS = {
    "rus": lambda num, title: f"Глава {num}. {title}",
    "kaz": lambda num, title: f"{num}-тарау. {title}",
    "eng": lambda num, title: f"Chapter {num}. {title}",
}
NOTICES = {
    "rus": "Примечание ИЗПИ! Статью {num} предусматривается дополнить пунктом 9 в соответствии с Законом РК "
    "от 11.06.2026 № 305-VIII (вводится в действие с 01.07.2026).",
    "kaz": "ЗҚАИ-ның ескертпесі! {num}-бапқа толықтыру көзделеді - ҚР 11.06.2026 № 305-VIII Заңымен "
    "(01.07.2026 бастап қолданысқа енгізіледі).",
    "eng": "Note of the IZPI! Article {num} is planned to be supplemented by the Law dated 11.06.2026 "
    "№ 305-VIII (shall be enforced from 01.07.2026).",
}


@settings(max_examples=60, deadline=None)
@given(acts(), st.data())
def test_a_chapter_heading_holding_its_first_article_heading_is_two_headings(act, data) -> None:
    language, articles = act
    title = " ".join(data.draw(st.lists(TITLE_WORDS, min_size=1, max_size=4))).upper()
    apart = page_of(language, articles)
    chapter = Block(CHAPTERS[language]("1", title))
    merged = Block(f"{chapter.text}{data.draw(SPACE)}{apart.blocks[0].text}")
    separate = build(ParsedPage("T", DocumentStatus.UPDATED, "", language, [chapter, *apart.blocks]))
    together = build(ParsedPage("T", DocumentStatus.UPDATED, "", language, [merged, *apart.blocks[1:]]))
    assert together.provisions == separate.provisions


@settings(max_examples=60, deadline=None)
@given(acts(), st.data())
def test_a_notice_naming_its_article_lands_on_it_wherever_it_stands(act, data) -> None:
    language, articles = act
    page = page_of(language, articles)
    headings = {HEADINGS[language](num, title) for num, title, _, _ in articles}
    starts = [i for i, block in enumerate(page.blocks) if block.text in headings] + [len(page.blocks)]
    k = data.draw(st.integers(0, len(articles) - 1))
    target = articles[k][0]
    position = data.draw(st.integers(starts[k] + 1, starts[k + 1]))  # anywhere in its article, even last
    page.blocks.insert(position, Block(NOTICES[language].format(num=target), kind="pending"))
    document = build(page)
    holders = [p.num for p in document.provisions for a in p.amendments if a.scheduled]
    assert holders == [target]
    [notice] = document.scheduled
    assert notice.effective is not None and notice.effective.isoformat() == "2026-07-01"
