"""Fetch-to-provisions throughput on a code-sized adilet page, against a bare lxml parse of the same bytes.

The page (about 2 MB) is built from the real fixtures: their article HTML repeated with fresh article
numbers inside the real page frame. Run: `python bench/parse_bench.py`.

The FLOOR line prices what any Python reader over lxml pays before it reads a word, in the same rounds:
the parse plus touching each article element's tag, text, tail and class; one object per block; one
regex match and one normalisation per block. What is left under 3× is the whole reading (the walker's
joins, headings, every footnote's acts, dates and verbs, units, eids), per block. `tokens_ratio` prices the
way around lxml: the page decoded and its article split into tags and texts by one regex, nothing read.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
from lxml import etree

from scrapers.adilet import parse_page
from tracker.model import Block
from tracker.normalize import normalize
from tracker.structure import _MARKS, build

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "adilet"
TARGET_BYTES = 2_000_000
ROUNDS = 15
HEADING = re.compile(r"Статья \d+(?:-\d+)?\.")


def code_sized_page(target_bytes: int = TARGET_BYTES) -> bytes:
    frame = (FIXTURES / "Z070000258_.rus.html").read_text(encoding="utf-8")
    bodies = []
    for name in ("Z070000258_.rus.html", "Z950002592_.rus.html"):
        page = (FIXTURES / name).read_text(encoding="utf-8")
        bodies.append(page[page.index("<article>") + len("<article>") : page.index("</article>")])
    numbers = itertools.count(1)
    parts: list[str] = []
    size = 0
    for body in itertools.cycle(bodies):
        part = HEADING.sub(lambda _: f"Статья {next(numbers)}.", body)
        parts.append(part)
        size += len(part.encode())
        if size >= target_bytes:
            break
    start, end = frame.index("<article>") + len("<article>"), frame.index("</article>")
    return (frame[:start] + "".join(parts) + frame[end:]).encode()


def best_of(*works: Callable[[], object]) -> list[float]:
    """The best CPU time of each work (this process's: waiting for a core on a shared machine does not
    count). Rounds alternate between the works, so that what load remains weighs on all of them alike."""
    timings: list[list[float]] = [[] for _ in works]
    for _ in range(ROUNDS):
        for timing, work in zip(timings, works, strict=True):
            started = time.process_time()
            work()
            timing.append(time.process_time() - started)
    return [min(timing) for timing in timings]


def touched(body: bytes) -> None:
    """The parse and one touch of what a walker reads of each article element, with no logic at all."""
    article = etree.fromstring(body, etree.HTMLParser(encoding="utf-8")).find(".//article")
    for element in article.iter():
        _ = element.tag, element.text, element.tail, element.get("class")


_TAG = re.compile(r"(<[^>]*>)")


def tokens(body: bytes) -> list[str]:
    text = body.decode("utf-8")
    return _TAG.split(text[text.index("<article>") : text.index("</article>")])


def main() -> None:
    body = code_sized_page()
    page = parse_page(body, "rus")
    document = build(page)
    blocks = page.blocks
    notes = sum(1 for block in blocks if block.kind != "text")
    articles = sum(1 for p in document.provisions if p.kind == "article")
    ours, bare, touch, objects, match, normal, split = best_of(
        lambda: build(parse_page(body, "rus")),
        lambda: lxml.html.fromstring(body),
        lambda: touched(body),
        lambda: [Block(b.text, b.kind, b.anchor, b.links) for b in blocks],
        lambda: [_MARKS.match(b.text) for b in blocks],
        lambda: [normalize(b.text) for b in blocks],
        lambda: tokens(body),
    )
    megabytes = len(body) / 1_000_000
    print(f"page: {megabytes:.2f} MB, {articles} articles, {len(blocks)} blocks ({notes} footnotes, notices)")
    print(f"parse_page+build: {ours * 1000:.1f} ms; bare lxml.html.fromstring: {bare * 1000:.1f} ms")
    floor = touch + objects + match + normal
    left = max(3 * bare - floor, 0.0)
    print(
        f"floor: parse + touch {touch * 1000:.1f} ms, block objects {objects * 1000:.1f} ms, "
        f"one match per block {match * 1000:.1f} ms, one normalize per block {normal * 1000:.1f} ms; "
        f"under 3x {left * 1000:.1f} ms ({left * 1e6 / len(blocks):.1f} us a block) are left for reading"
    )
    print(f"RESULT parse_mb_per_s={megabytes / ours:.2f} ratio_to_bare_lxml={ours / bare:.2f}")
    print(
        f"FLOOR touch_ratio={touch / bare:.2f} objects_ratio={objects / bare:.2f} "
        f"match_ratio={match / bare:.2f} normalize_ratio={normal / bare:.2f} floor_ratio={floor / bare:.2f} "
        f"reading_us_per_block_under_3x={left * 1e6 / len(blocks):.2f} tokens_ratio={split / bare:.2f}"
    )


if __name__ == "__main__":
    main()
