"""What one check costs the daemon, next to what urlwatch does for the same page.

A check runs in this process through the real fetcher against a loopback replay server, as the daemon runs
it: unchanged pages (a 304 answer, and a 200 answer carrying the same bytes without validators), then a
changed code-sized page (about 2 MB; two versions alternate, so every check records a new edition with its
changes, and each body is new bytes, so it is compressed and stored). CPU time is this thread's
(`time.thread_time`), so the server's threads do not count. Beside it, measured in the same run:
urlwatch-equivalent work (a plain httpx GET and a sha256 of the body), and parse + structure of the same
2 MB page, in rounds alternating with the changed checks. Last, the peak memory (VmHWM) of fresh child
processes with a 30 MB page: one checks it (the whole daemon path: fetch, gate, parse, storage), one only
gates, parses and structures it, and one only imports what a check imports (the floor both start from).

Run: python bench/check_bench.py
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from parse_bench import code_sized_page

from scrapers.adilet import parse_page, suspect_reason
from storage import watchlist
from storage.db import Database
from tracker import config
from tracker.config import Politeness
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer, Reply
from tracker.structure import build

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "adilet"
REAL = "Z950002592_"
CODE = "K1400000226"
FRAME = "Z070000258_"
"""The real page whose frame `code_sized_page` fills."""
UNCHANGED_ROUNDS = 30
CHANGED_ROUNDS = 7
BIG_MB = 30


def cpu_ms(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """The median and the best CPU milliseconds of this thread over `rounds` runs of `work`."""
    return alternating(rounds, work)[0]


def alternating(rounds: int, *works: Callable[[], object]) -> list[tuple[float, float]]:
    """`cpu_ms` of each work, rounds alternating between them: what load the shared machine puts on this
    thread then weighs on all of them alike, so their ratio holds."""
    spent: list[list[float]] = [[] for _ in works]
    for _ in range(rounds):
        for times, work in zip(spent, works, strict=True):
            started = time.thread_time()
            work()
            times.append((time.thread_time() - started) * 1000)
    return [(statistics.median(times), min(times)) for times in spent]


def checker_for(server: ReplayServer, db: Database, keys: list[str]) -> Checker:
    settings = dataclasses.replace(
        config.load(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        politeness=Politeness(rate_per_host={"default": 1e6}, retries=0, timeout_s=60.0),
    )
    with db.transaction() as session:
        for key in keys:
            watchlist.add(session, Watch(key, key, ("rus",)))
    return Checker(settings, db)


def check(checker: Checker, ident: str, expected: str) -> None:
    result = checker.check(f"adilet:{ident}", "rus")
    if result.outcome != expected:
        raise SystemExit(f"check of {ident}: {result.outcome} ({result.reason}), expected {expected}")


def urlwatch(client: httpx.Client, url: str) -> str:
    return hashlib.sha256(client.get(url).content).hexdigest()


def peak_rss_mb(*args: str) -> float:
    """VmHWM of a fresh process running `memory_child(*args)` (imports included)."""
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", *args], capture_output=True, text=True, check=False
    )
    if child.returncode:
        raise SystemExit(f"memory child {args[0]} failed: {child.stderr.strip().splitlines()[-1:]}")
    return float(child.stdout.split()[-1])


def memory_child(what: str, where: str) -> None:
    """Check the big page at the server `where`, or gate, parse and structure the page in file `where`,
    or nothing; then print this process's peak resident size in MB."""
    if what == "check":
        check_once(where)
    elif what == "parse":
        body = Path(where).read_bytes()
        if suspect_reason(body) is not None:
            raise SystemExit("big page: suspect")
        build(parse_page(body, "rus"))
    status = Path("/proc/self/status").read_text()
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    print(f"{kib / 1024:.1f}")


def check_once(url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.init()
        settings = dataclasses.replace(
            config.load(),
            sources=config.site_tables(adilet={"base_url": url, "api_url": url}),
            politeness=Politeness(rate_per_host={"default": 1e6}, retries=0, timeout_s=120.0),
        )
        with db.transaction() as session:
            watchlist.add(session, Watch("adilet:K1400000235", "big", ("rus",)))
        checker = Checker(settings, db)
        result = checker.check("adilet:K1400000235", "rus")
        if result.outcome != "new_edition":
            raise SystemExit(f"big page: {result.outcome} ({result.reason})")
        checker.fetcher.close()
        db.dispose()


def served_as(page: bytes, ident: str) -> bytes:
    """The bench page as document `ident`'s: its frame's share links name the document it is served as (a
    page naming another is suspect)."""
    return page.replace(FRAME.encode(), ident.encode())


def main() -> None:
    real = (FIXTURES / f"{REAL}.rus.html").read_bytes()
    code = served_as(code_sized_page(), CODE)
    changed = code.replace("Статья 1.".encode(), "Статья 1. Изменено.".encode(), 1)
    big = served_as(code_sized_page(BIG_MB * 1_000_000), "K1400000235")
    with tempfile.TemporaryDirectory() as tmp, ReplayServer() as server, httpx.Client() as client:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.init()
        checker = checker_for(server, db, [f"adilet:{REAL}", f"adilet:{CODE}"])
        real_path, code_path = f"/rus/docs/{REAL}", f"/rus/docs/{CODE}"
        server.route(real_path, real)
        check(checker, REAL, "new_edition")
        not_modified = cpu_ms(lambda: check(checker, REAL, "not_modified"), UNCHANGED_ROUNDS)
        server.sequence(real_path, [Reply(real, headers={"ETag": ""})])  # no validator: a full 200 each time
        check(checker, REAL, "unchanged")
        same_200 = cpu_ms(lambda: check(checker, REAL, "unchanged"), UNCHANGED_ROUNDS)
        url = server.url + real_path
        baseline = cpu_ms(lambda: urlwatch(client, url), UNCHANGED_ROUNDS)

        versions = [code, changed]
        server.route(code_path, code, headers={"ETag": ""})
        check(checker, CODE, "new_edition")
        rounds = itertools.count()

        def changed_check() -> None:
            """The two texts alternate; a comment makes every body new bytes, as a real change is (so
            the page is compressed and stored each time, not found among the stored ones)."""
            versions.reverse()
            body = versions[0].replace(b"</article>", f"<!-- {next(rounds)} --></article>".encode(), 1)
            server.route(code_path, body, headers={"ETag": ""})
            check(checker, CODE, "new_edition")

        changed_2mb, parse_2mb = alternating(
            CHANGED_ROUNDS, changed_check, lambda: build(parse_page(code, "rus"))
        )
        code_baseline = cpu_ms(lambda: urlwatch(client, server.url + code_path), UNCHANGED_ROUNDS)
        checker.fetcher.close()
        db.dispose()

        server.route("/rus/docs/K1400000235", big, headers={"ETag": ""})
        page_file = Path(tmp) / "big.html"
        page_file.write_bytes(big)
        peak = peak_rss_mb("check", server.url)
        parse_peak = peak_rss_mb("parse", str(page_file))
        floor = peak_rss_mb("imports", "")

    kb = len(real) // 1000
    print(f"real page {kb} KB, CPU ms per check (median / best of {UNCHANGED_ROUNDS}):")
    print(f"  304 not modified:        {not_modified[0]:7.2f} / {not_modified[1]:7.2f}")
    print(f"  200 same text:           {same_200[0]:7.2f} / {same_200[1]:7.2f}")
    print(f"  urlwatch (GET + sha256): {baseline[0]:7.2f} / {baseline[1]:7.2f}")
    print(f"code page {len(code) / 1e6:.2f} MB, CPU ms (median / best of {CHANGED_ROUNDS}):")
    print(f"  changed, new edition:    {changed_2mb[0]:7.1f} / {changed_2mb[1]:7.1f}")
    print(f"  parse + structure:       {parse_2mb[0]:7.1f} / {parse_2mb[1]:7.1f}")
    print(f"  urlwatch (GET + sha256): {code_baseline[0]:7.1f} / {code_baseline[1]:7.1f}")
    print(
        f"peak RSS (MB) with a {len(big) / 1e6:.0f} MB page: check {peak:.0f}, gate + parse + structure "
        f"{parse_peak:.0f}, imports alone {floor:.0f}"
    )
    print(
        f"RESULT not_modified_cpu_ms={not_modified[0]:.2f} same_200_cpu_ms={same_200[0]:.2f} "
        f"urlwatch_cpu_ms={baseline[0]:.2f} changed_2mb_cpu_ms={changed_2mb[0]:.0f} "
        f"parse_2mb_cpu_ms={parse_2mb[0]:.0f} changed_to_parse={changed_2mb[0] / parse_2mb[0]:.2f} "
        f"check_{BIG_MB}mb_peak_rss_mb={peak:.0f} parse_{BIG_MB}mb_peak_rss_mb={parse_peak:.0f} "
        f"imports_rss_mb={floor:.0f}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory-child"]:
        memory_child(*sys.argv[2:4])
    else:
        main()
