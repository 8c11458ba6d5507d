"""Builders and real components for the delivery tests: an SMTP inbox, an HTTP receiver, sample events."""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from storage import subscribers, watchlist
from storage.db import Database
from storage.subscribers import Subscriber
from tracker.config import Settings
from tracker.notify import events as ev
from tracker.notify.subscribers import new_subscriber

NGO_LAW = "adilet:Z010000142_"
ASSEMBLY_LAW = "adilet:Z2000000333"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A webhook endpoint: records every request; `respond(path, n)` → (status, headers) for the nth call."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.respond: Callable[[str, int], tuple[int, dict[str, str]]] = lambda path, n: (200, {})
        self.delay_s = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver._lock:
                    receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
                    n = sum(1 for r in receiver.requests if r.path == self.path)
                time.sleep(receiver.delay_s)
                status, headers = receiver.respond(self.path, n)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_subscriber(db: Database, settings: Settings, name: str, **kw: Any) -> Subscriber:
    with db.transaction() as session:
        sub = new_subscriber(
            name,
            known_documents={w.key for w in watchlist.all_watches(session)},
            allow_hosts=settings.webhooks.allow_hosts,
            **kw,
        )
        return subscribers.add(session, sub)


def publish(db: Database, payload: dict[str, Any]) -> int:
    with db.transaction() as session:
        return ev.publish(session, payload)


def document(
    key: str = NGO_LAW, title: str = "Law on Non-Commercial Organisations", lang: str = "rus"
) -> dict:
    return {
        "key": key,
        "title": title,
        "language": lang,
        "url": f"https://adilet.zan.kz/{lang}/docs/{key[7:]}",
    }


def flag(
    theme: str = "foreign_funding", severity: str = "high", rule: str = "foreign-funding-report"
) -> dict:
    return {
        "rule_id": rule,
        "theme": theme,
        "severity": severity,
        "side": "inserted",
        "matched": ["иностранных источников"],
        "eid": "art_5",
        "snippet": "…получающие деньги из иностранных источников…",
        "direction": "restricts",
        "old_value": None,
        "new_value": None,
        "unit": None,
    }


def change(
    eid: str = "art_5", heading: str = "Статья 5. Отчётность", flags: list | None = None, **kw: Any
) -> dict:
    return {
        "kind": "substituted",
        "old_eid": eid,
        "new_eid": eid,
        "old_num": eid[4:],
        "new_num": eid[4:],
        "heading": heading,
        "similarity": 0.9,
        "ops": [["=", "Организации обязаны"], ["+", "ежеквартально"], ["-", "ежегодно"], ["=", "сообщать."]],
        "amendments": [],
        "flags": [flag()] if flags is None else flags,
        "pairs": [],
        **kw,
    }
