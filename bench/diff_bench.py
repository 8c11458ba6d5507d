"""Diff and storage bench on a code-sized document: ~900 articles, ~2 MB of UTF-8 text, 20 scattered edits.

No real code page is at hand, so the document is the articles of the real adilet fixtures, repeated and
renumbered 1..900. Baselines run in the same process on the same texts: `difflib.unified_diff` over the
whole text's lines and diff-match-patch `diff_main` on the whole text. Ratios are their time / ours.

Run: python bench/diff_bench.py
"""

from __future__ import annotations

import copy
import difflib
import math
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from scrapers.adilet import parse_page
from tracker.diff import diff_documents
from tracker.model import Document, DocumentStatus, Provision
from tracker.structure import build

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "adilet"
ARTICLES = 900
EDITS = 20
EDITIONS = 50
REPEATS = 7
KEY = "adilet:K1400000226"


def fixture_articles() -> list[tuple[str, str]]:
    """(heading, body) of every article of the real (not handmade) Russian fixture pages."""
    found: list[tuple[str, str]] = []
    for path in sorted(FIXTURES.glob("*_.rus.html")):
        doc = build(parse_page(path.read_bytes(), "rus"))
        found += [(p.heading, p.text) for p in doc.articles() if p.kind == "article"]
    return found


def code_document(articles: list[tuple[str, str]]) -> Document:
    provisions = [
        Provision(f"art_{n}", "article", str(n), heading, text)
        for n, (heading, text) in enumerate((articles[k % len(articles)] for k in range(ARTICLES)), 1)
    ]
    return Document("Кодекс (бенч)", DocumentStatus.IN_FORCE, "", "rus", provisions)


def edited(doc: Document, rng: random.Random, edits: int) -> Document:
    """A copy with one word replaced in each of `edits` articles spread over the whole document."""
    new = copy.deepcopy(doc)
    for p in rng.sample(new.articles(), edits):
        words = p.text.split(" ")
        k = rng.randrange(len(words))
        words[k] = f"изменено{rng.randrange(10**6)}"
        p.text = " ".join(words)
    return new


def whole_text(doc: Document) -> str:
    return "\n".join(f"Статья {p.num}. {p.heading}\n{p.text}" for p in doc.provisions)


def best_ms(*runs: Callable[[], object]) -> list[float]:
    """Best time of each run in milliseconds; rounds alternate the runs so machine load hits all alike."""
    best = [math.inf] * len(runs)
    for _ in range(REPEATS):
        for k, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[k] = min(best[k], time.perf_counter() - start)
    return [b * 1000 for b in best]


def whole_dmp(a: str, b: str) -> object:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # unbounded, so it finishes the same job ours does
    return dmp.diff_main(a, b)


def storage_ratio(doc: Document, rng: random.Random) -> float:
    """Bytes of a SQLite file holding 50 editions (a few edits each) over one holding a single edition."""
    try:
        from storage.db import Database
        from storage.editions import save_edition
    except ImportError:
        return math.nan
    sizes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, editions in (("one", 1), ("fifty", EDITIONS)):
            path = Path(tmp) / f"{name}.db"
            db = Database(f"sqlite:///{path}")
            db.init()
            current = doc
            with db.transaction() as s:
                for _ in range(editions):
                    save_edition(s, KEY, "rus", current, origin="bench")
                    current = edited(current, rng, 3)
            db.dispose()
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("VACUUM")
            conn.close()
            sizes.append(path.stat().st_size)
    return sizes[1] / sizes[0]


def main() -> None:
    rng = random.Random(2026)
    articles = fixture_articles()
    old = code_document(articles)
    new = edited(old, rng, EDITS)
    old_text, new_text = whole_text(old), whole_text(new)
    print(
        f"document: {len(old.articles())} articles from {len(articles)} real ones, "
        f"{len(old_text):,} chars, {len(old_text.encode()):,} bytes UTF-8; {EDITS} edits"
    )

    changes = diff_documents(old, new)
    assert [c.kind for c in changes] == ["substituted"] * EDITS, "the bench must find exactly its edits"

    ours, unified, dmp = best_ms(
        lambda: diff_documents(old, new),
        lambda: list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines())),
        lambda: whole_dmp(old_text, new_text),
    )
    storage = storage_ratio(old, rng)
    print(f"diff_documents      {ours:9.2f} ms (best of {REPEATS})")
    print(f"difflib.unified_diff {unified:8.2f} ms")
    print(f"dmp whole text      {dmp:9.2f} ms")
    print(f"storage: {EDITIONS} editions / 1 edition = {storage:.3f}")
    print(
        f"RESULT diff_ms={ours:.3f} ratio_vs_difflib={unified / ours:.2f} "
        f"ratio_vs_dmp_whole={dmp / ours:.2f} storage_50_editions_vs_one={storage:.3f}"
    )


if __name__ == "__main__":
    main()
