"""Scale bench on PostgreSQL: N synthetic laws built from real adilet articles, served by the loopback
replay server without a rate limit, checked by W `zanwatch worker` processes fed by `zanwatch scheduler`,
their events delivered to S webhook subscribers on a loopback receiver. One worker is SIGKILLed in the
middle of the first round (a replacement starts, as systemd or compose would); duplicates and losses are
counted from the database and the receiver, never assumed.

    .venv/bin/python bench/scale_bench.py [--documents N] [--editions E] [--workers W] [--subscribers S]

Uses ZANWATCH_TEST_DB's server when set, else starts a throwaway PostgreSQL on 127.0.0.1 (as .ci/run does).
Rounds: edition 1 of every law (changed), the same pages again (unchanged: ETag → 304), then editions
2..E (changed). Each subscriber follows N/S laws, so each event goes to one subscriber. The baseline
is the same changed check run in this process without the queue.

Last line: RESULT documents=… workers=… checks_per_s_unchanged=… checks_per_s_changed=…
deliveries_per_s=… duplicate_editions=… lost_events=… p95_history_ms=… p95_api_ms=… db_mb=… …
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import create_engine, text

from storage import editions, subscribers, watchlist
from storage.db import Database
from storage.subscribers import Endpoint
from tracker import config
from tracker.model import Watch
from tracker.notify.subscribers import SUBSCRIBER_TYPES, new_secret, new_subscriber
from tracker.pipeline import Checker
from tracker.queue import DELIVER_LOCK, app_for, defer_checks
from tracker.replay import ReplayServer

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "adilet"
REAL_PAGES = ("Z950002592_.rus.html", "Z070000258_.rus.html", "Z950002529_.rus.html", "Z950002733_.rus.html")
ARTICLES_PER_LAW = 6
ZANWATCH = Path(sys.executable).with_name("zanwatch")
BUSY = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND task_name = 'zanwatch:check'"
HEADING = re.compile(r'<p><b><a name="z\d+"></a>Статья ')
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title} - ИПС "Әділет"</title></head>
<body>
<div class="container_alpha slogan">
  <h1>{title}</h1>
  <span class="status status_new">Действующий</span>
  <p>Закон Республики Казахстан от 1 января 2020 года № {n}.</p>
</div>
<div class="container_gamma text text_new"><div class="gs_12"><article>
{body}
</article></div></div>
</body></html>"""


def real_articles() -> list[str]:
    """The article blocks of the real pages, chapter headings dropped."""
    found = []
    for name in REAL_PAGES:
        html = (FIXTURES / name).read_text(encoding="utf-8")
        starts = [m.start() for m in HEADING.finditer(html)]
        for a, b in zip(starts, starts[1:], strict=False):
            block = re.sub(r"<h3.*?</h3>", "", html[a:b], flags=re.S)
            if "</article>" not in block and len(block) < 6000:
                found.append(block)
    return found


class Laws:
    """Law d, edition e: six real articles renumbered 1-6; edition e marks one article with its number."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.articles = real_articles()

    def key(self, d: int) -> str:
        return f"adilet:S{d:09d}_"

    def path(self, d: int) -> str:
        return f"/rus/docs/S{d:09d}_"

    def page(self, d: int, edition: int) -> str:
        blocks = []
        for j in range(ARTICLES_PER_LAW):
            block = self.articles[(d * 7 + j * 13) % len(self.articles)]
            block = re.sub(r"Статья \d+(-\d+)?\.", f"Статья {j + 1}.", block, count=1)
            if j == edition % ARTICLES_PER_LAW and edition > 1:
                block = block.replace("</p>", f" Редакция {edition}.</p>", 1)
            blocks.append(block)
        return PAGE.format(title=f"О синтетическом законе № {d}", n=d, body="\n".join(blocks))


class Receiver(ThreadingHTTPServer):
    """S webhook endpoints (/s/<j>) on one loopback server; keeps (endpoint, webhook-id) and when."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.lock = threading.Lock()
        self.got: list[tuple[str, str, float]] = []

    def url(self, j: int) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/s/{j}"


class _Hook(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with self.server.lock:
            self.server.got.append((self.path, self.headers["webhook-id"], time.monotonic()))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def postgres() -> Iterator[str]:
    """A server URL: ZANWATCH_TEST_DB's, or a throwaway one started here."""
    if os.environ.get("ZANWATCH_TEST_DB"):
        yield os.environ["ZANWATCH_TEST_DB"]
        return
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="zanwatch-bench-pg."))
    port = 54351
    as_pg = ["su", "postgres", "-s", "/bin/bash", "-c"] if os.getuid() == 0 else ["bash", "-c"]
    shutil.chown(data, "postgres") if os.getuid() == 0 else None
    subprocess.run([*as_pg, f"{pgbin}/initdb -D {data} -A trust -U postgres >/dev/null"], check=True)
    opts = f"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
    subprocess.run(
        [*as_pg, f"{pgbin}/pg_ctl -D {data} -l {data}/log -o '{opts}' -w start >/dev/null"], check=True
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_pg, f"{pgbin}/pg_ctl -D {data} -m immediate stop >/dev/null"], check=False)
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def database(server: str) -> Iterator[str]:
    name = f"zw_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def write_config(path: Path, site: ReplayServer) -> Path:
    path.write_text(
        f"""
[sources]
adilet_base_url = "{site.url}"
adilet_api_url = "{site.url}"
[politeness]
timeout_s = 30.0
retries = 2
backoff_base_s = 0.1
[politeness.rate_per_host]
default = 1000000.0
[schedule]
jitter_seconds = 0
[webhooks]
allow_hosts = ["127.0.0.1"]
concurrency = 16
backoff_base_s = 0.5
[queue]
tick_seconds = 1.0
heartbeat_seconds = 1.0
""",
        encoding="utf-8",
    )
    return path


def wait_for(what: str, done: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            print(f"timed out after {timeout_s:.0f} s waiting for {what}", file=sys.stderr)
            return False
        time.sleep(0.5)
    return True


def backlog_rate(times: list[float], start: float) -> float:
    """Deliveries per second of the final backlog: receipts from `start` (when its delivery round was
    queued, so fanning the events out to subscribers counts too) to the last one. The few events that the
    scheduler's first round delivered while the checks went on are not counted."""
    late = [t for t in times if t >= start]
    return len(late) / (max(late) - start) if late else 0.0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def baseline_checks_per_s(server: str, cfg_path: Path, laws: Laws, site: ReplayServer, n: int) -> float:
    """The same changed check, in this process, without the queue: n laws' first editions."""
    with database(server) as url:
        db = Database(url)
        db.init()
        with db.transaction() as session:
            for d in range(n):
                watchlist.add(session, Watch(laws.key(d), "", ("rus",), ()))
        checker = Checker(config.load(cfg_path, url), db)
        start = time.perf_counter()
        for d in range(n):
            checker.check(laws.key(d), "rus")
        elapsed = time.perf_counter() - start
        checker.fetcher.close()
        db.dispose()
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--editions", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--subscribers", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=4, help="jobs per worker")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per round")
    args = ap.parse_args()
    n, s = args.documents, args.subscribers
    laws = Laws(n)
    started = time.monotonic()
    with (
        postgres() as server,
        database(server) as url,
        ReplayServer() as site,
        tempfile.TemporaryDirectory() as tmp,
    ):
        receiver = Receiver()
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        cfg_path = write_config(Path(tmp) / "zanwatch.toml", site)

        def serve(edition: int) -> None:
            for d in range(n):
                site.route(laws.path(d), laws.page(d, edition))

        serve(1)
        baseline = baseline_checks_per_s(server, cfg_path, laws, site, min(n, 50))

        db = Database(url)
        db.init()
        app = app_for(db)
        with db.transaction() as session:
            for d in range(n):
                watchlist.add(session, Watch(laws.key(d), "", ("rus",), ()))
            known = {laws.key(d) for d in range(n)}
            for j in range(s):
                followed = [laws.key(d) for d in range(j, n, s)]
                sub = new_subscriber(
                    f"partner {j}",
                    endpoints=[Endpoint("webhook", receiver.url(j), new_secret())],
                    documents=followed,
                    known_documents=known,
                )
                subscribers.add(session, sub)
        engine = db.engine

        def scalar(sql: str) -> int:
            with engine.connect() as conn:
                return int(conn.execute(text(sql)).scalar() or 0)

        def editions_at(seq: int) -> int:
            return scalar(f"SELECT count(*) FROM edition WHERE seq = {seq}")

        def every_law_at(seq: int) -> Callable[[], bool]:
            return lambda: editions_at(seq) == n

        def queue_empty() -> bool:
            return (
                scalar(
                    "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'zanwatch:check' "
                    "AND status IN ('todo', 'doing')"
                )
                == 0
            )

        base = [str(ZANWATCH), "--config", str(cfg_path), "--db", url]
        procs: list[subprocess.Popen[bytes]] = []
        def kill_all() -> None:
            for p in procs:
                if p.poll() is None:
                    p.kill()

        atexit.register(kill_all)  # even when a round fails

        def start(*cmd: str) -> subprocess.Popen[bytes]:
            log = open(Path(tmp) / f"{cmd[0]}-{len(procs)}.log", "wb")  # noqa: SIM115 (closed with the dir)
            proc = subprocess.Popen([*base, *cmd], stdout=log, stderr=subprocess.STDOUT)
            procs.append(proc)
            return proc

        def requeue_all() -> None:
            asyncio.run(_defer_all(app, [(laws.key(d), "rus") for d in range(n)]))

        # the scheduler queues the never-checked laws (round 1) and requeues a dead worker's jobs; the later
        # rounds and the delivery of the whole backlog at the end are queued here, so each is timed alone
        start("scheduler", "--interval-seconds", "100000000", "--delivery-seconds", "100000000")
        workers = [start("worker", "--concurrency", str(args.concurrency)) for _ in range(args.workers)]
        t0 = time.monotonic()
        # SIGKILL a worker in the middle of its checks and start another, as systemd would: more checks under
        # way than the other workers can hold means every worker holds some
        busy_all = args.concurrency * (args.workers - 1) + 1
        wait_for("every worker busy", lambda: scalar(BUSY) >= busy_all, args.timeout)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers.append(start("worker", "--concurrency", str(args.concurrency)))
        wait_for("round 1", every_law_at(1), args.timeout)
        changed_s = [time.monotonic() - t0]
        print(f"round 1 (changed): {changed_s[-1]:.1f} s", file=sys.stderr)

        t0 = time.monotonic()
        requeue_all()
        wait_for("the unchanged round", queue_empty, args.timeout)
        unchanged_s = time.monotonic() - t0
        print(f"round 2 (unchanged): {unchanged_s:.1f} s", file=sys.stderr)

        for edition in range(2, args.editions + 1):
            serve(edition)
            t0 = time.monotonic()
            requeue_all()
            wait_for(f"edition {edition}", every_law_at(edition), args.timeout)
            changed_s.append(time.monotonic() - t0)
            print(f"edition {edition} (changed): {changed_s[-1]:.1f} s", file=sys.stderr)

        with engine.connect() as conn:
            stored = list(conn.execute(text("SELECT id, document_key, type FROM event")))
        expected = {
            (f"/s/{int(k[8:17]) % s}", str(i)) for i, k, kind in stored if k and kind in SUBSCRIBER_TYPES
        }
        t0 = time.monotonic()
        while not expected <= {(p, i) for p, i, _ in list(receiver.got)}:
            if time.monotonic() - t0 > args.timeout:
                print("timed out waiting for every delivery", file=sys.stderr)
                break
            asyncio.run(_defer_delivery(app))
            time.sleep(1.0)
        delivery_s = time.monotonic() - t0
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        requeued = (
            (Path(tmp) / "scheduler-0.log").read_text(encoding="utf-8").count("requeued zanwatch:check")
        )

        got = list(receiver.got)
        received = {(p, i) for p, i, _ in got}
        lost_deliveries = len(expected - received)
        missing_editions = sum(max(0, args.editions - c) for c in _chain_lengths(engine, n))
        with engine.connect() as conn:
            distinct = "count(DISTINCT (document_key, language, content_hash))"
            duplicates = int(conn.execute(text(f"SELECT count(*) - {distinct} FROM edition")).scalar() or 0)
            db_mb = (
                int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0) / 2**20
            )
        deliveries_per_s = backlog_rate([t for _, _, t in got], t0)
        early = sum(1 for _, _, t in got if t < t0)
        print(
            f"deliveries: {len(got)} ({early} before the last phase), last phase {delivery_s:.1f} s",
            file=sys.stderr,
        )

        history, api = measure_reads(db, cfg_path, url, laws, n)
        db.dispose()
    checks_changed = n * len(changed_s) / sum(changed_s)
    print(
        f"RESULT documents={n} editions={args.editions} workers={args.workers} subscribers={s} "
        f"checks_per_s_unchanged={n / unchanged_s:.1f} checks_per_s_changed={checks_changed:.1f} "
        f"deliveries_per_s={deliveries_per_s:.1f} duplicate_editions={duplicates} "
        f"lost_events={missing_editions + lost_deliveries} duplicate_deliveries={len(got) - len(received)} "
        f"requeued_after_kill={requeued} "
        f"p95_history_ms={history:.1f} p95_api_ms={api:.1f} db_mb={db_mb:.0f} "
        f"changed_vs_inprocess={checks_changed / baseline:.2f} cpu_s={cpu.ru_utime + cpu.ru_stime:.0f} "
        f"wall_s={time.monotonic() - started:.0f}"
    )


async def _defer_all(app: Any, sources: list[tuple[str, str]]) -> None:
    async with app.open_async():
        await defer_checks(app, sources)


async def _defer_delivery(app: Any) -> None:
    async with app.open_async():
        try:
            deliver = app.tasks["zanwatch:deliver"]
            await deliver.configure(lock=DELIVER_LOCK, queueing_lock="deliver").defer_async()
        except AlreadyEnqueued:
            pass


def _chain_lengths(engine: Any, n: int) -> list[int]:
    with engine.connect() as conn:
        rows = dict(
            conn.execute(text("SELECT document_key, count(*) FROM edition GROUP BY document_key")).all()
        )
    return [rows.get(f"adilet:S{d:09d}_", 0) for d in range(n)]


def measure_reads(db: Database, cfg_path: Path, url: str, laws: Laws, n: int) -> tuple[float, float]:
    """p95 of a law's history as `zanwatch history` reads it, and of the web API's editions endpoint."""
    from fastapi.testclient import TestClient

    from tracker.web.app import create_app

    picks = [(d * 7919) % n for d in range(200)]
    history = []
    for d in picks:
        t = time.perf_counter()
        with db.transaction() as session:
            editions.list_editions(session, laws.key(d), "rus")
        history.append(time.perf_counter() - t)
    api = []
    with TestClient(create_app(config.load(cfg_path, url), db)) as client:
        for d in picks:
            t = time.perf_counter()
            client.get(f"/api/v1/documents/{laws.key(d)}/editions", params={"lang": "rus"}).raise_for_status()
            api.append(time.perf_counter() - t)
    return p95(history), p95(api)


if __name__ == "__main__":
    main()
