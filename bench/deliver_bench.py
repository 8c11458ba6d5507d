"""Delivery throughput: 1,000 webhook endpoints on loopback receivers and 1,000 digest recipients on a
local SMTP server, against a same-run baseline of bare POSTs and bare SMTP sends (no database, no signing).

    /tmp/venv/bin/python bench/deliver_bench.py [--subscribers 1000] [--events 3]

Last line: RESULT webhooks_per_s=<float> digests_per_s=<float>
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import tempfile
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from storage import subscribers, watchlist
from storage.db import Database
from tracker import config
from tracker.model import Watch
from tracker.notify import events as ev
from tracker.notify.channels import channel
from tracker.notify.digests import send_digests
from tracker.notify.subscribers import new_subscriber
from tracker.notify.webhooks import deliver_webhooks

LAW = "adilet:Z010000142_"
SERVERS = 4


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class _Count:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=3)
    args = parser.parse_args()

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Ok) for _ in range(SERVERS)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    smtp_port = _free_port()
    inbox = _Count()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    urls = [
        f"http://127.0.0.1:{servers[i % SERVERS].server_address[1]}/endpoint/{i}"
        for i in range(args.subscribers)
    ]

    with tempfile.TemporaryDirectory() as tmp:
        cfg_path = Path(tmp) / "bench.toml"
        cfg_path.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsender = "Zan Watch <bench@zanwatch.test>"\n'
            '[webhooks]\nallow_hosts = ["127.0.0.1"]\nconcurrency = 16\n',
            encoding="utf-8",
        )
        settings = config.load(cfg_path, f"sqlite:///{tmp}/bench.db")
        db = Database(settings.database_url)
        db.init()
        with db.transaction() as session:
            watchlist.add(session, Watch(LAW, "Law on Non-Commercial Organisations", ("rus",), ("ngo",)))
            webhook, mailbox = channel("webhook", settings), channel("email", settings)
            for i, url in enumerate(urls):
                hook = new_subscriber(f"hook-{i}", endpoints=[webhook.endpoint(url)], known_documents={LAW})
                mail = new_subscriber(
                    f"mail-{i}", endpoints=[mailbox.endpoint(f"reader{i}@example.org")], known_documents={LAW}
                )
                subscribers.add(session, hook)
                subscribers.add(session, mail)
            doc = {"key": LAW, "title": "Law on Non-Commercial Organisations", "language": "rus", "url": None}
            for seq in range(args.events):
                change = {
                    "kind": "substituted",
                    "new_eid": f"art_{seq}",
                    "heading": f"Статья {seq}",
                    "ops": [["=", "Организации обязаны "], ["+", "ежеквартально"], ["-", "ежегодно"]],
                    "flags": [
                        {"rule_id": "r", "theme": "ngo_reporting", "severity": "high", "matched": ["x"]}
                    ],
                }
                ev.publish(session, ev.provision_changed(doc, seq, change))

        webhooks_total = args.subscribers * args.events
        started = time.perf_counter()
        with httpx.Client() as client:
            for i in range(webhooks_total):
                client.post(urls[i % len(urls)], content=b"{}")
        baseline_webhooks = webhooks_total / (time.perf_counter() - started)

        started = time.perf_counter()
        summary = deliver_webhooks(settings, db)
        webhooks_per_s = summary.delivered / (time.perf_counter() - started)
        assert summary.delivered == webhooks_total, summary

        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", smtp_port) as conn:
            for i in range(args.subscribers):
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = (
                    "bench@zanwatch.test",
                    f"r{i}@example.org",
                    "baseline",
                )
                msg.set_content("baseline")
                conn.send_message(msg)
        baseline_digests = args.subscribers / (time.perf_counter() - started)

        started = time.perf_counter()
        sent = send_digests(settings, db, force=True).sent
        digests_per_s = sent / (time.perf_counter() - started)
        assert sent == args.subscribers and inbox.messages == 2 * args.subscribers
        db.dispose()

    smtp.stop()
    for server in servers:
        server.shutdown()
    print(
        f"webhooks: {webhooks_total} deliveries to {args.subscribers} endpoints, {webhooks_per_s:.0f}/s "
        f"(bare sequential POSTs: {baseline_webhooks:.0f}/s, ratio {webhooks_per_s / baseline_webhooks:.2f})"
    )
    print(
        f"digests: {sent} sent, {digests_per_s:.0f}/s "
        f"(bare SMTP sends: {baseline_digests:.0f}/s, ratio {digests_per_s / baseline_digests:.2f})"
    )
    print(f"RESULT webhooks_per_s={webhooks_per_s:.1f} digests_per_s={digests_per_s:.1f}")


if __name__ == "__main__":
    main()
