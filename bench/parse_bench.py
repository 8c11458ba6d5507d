"""Fetch-to-provisions throughput on a code-sized adilet page, against a bare lxml parse of the same bytes.

The page (about 2 MB) is built from the real fixtures: their article HTML repeated with fresh article
numbers inside the real page frame. Run: `python bench/parse_bench.py`.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

from scrapers.adilet import parse_page
from tracker.structure import build

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


def main() -> None:
    body = code_sized_page()
    document = build(parse_page(body, "rus"))
    articles = sum(1 for p in document.provisions if p.kind == "article")
    ours, bare = best_of(lambda: build(parse_page(body, "rus")), lambda: lxml.html.fromstring(body))
    megabytes = len(body) / 1_000_000
    print(f"page: {megabytes:.2f} MB, {articles} articles, {len(document.scheduled)} scheduled amendments")
    print(f"parse_page+build: {ours * 1000:.1f} ms; bare lxml.html.fromstring: {bare * 1000:.1f} ms")
    print(f"RESULT parse_mb_per_s={megabytes / ours:.2f} ratio_to_bare_lxml={ours / bare:.2f}")


if __name__ == "__main__":
    main()
