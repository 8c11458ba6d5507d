"""E-mail digests: the events past a subscriber's e-mail watermark, grouped document → article → flags.

A digest is sent when its period's cron time (Asia/Almaty) has passed since the subscriber was last
served, or on demand. Before sending, a `Delivery` row (channel "email", event id = the newest event in
the digest) is committed; the watermark moves only after the SMTP server accepted the message, and a row
already delivered is never sent again. The Message-ID is derived from the same pair, so a digest re-sent
after a crash in the instant between acceptance and commit is one message to mail clients.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import threading
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storage import deliveries, events, subscribers, watchlist
from storage.db import Database
from storage.events import StoredEvent
from storage.subscribers import Subscriber
from tracker.config import Schedule, Settings, Smtp
from tracker.errors import NotFound
from tracker.notify.subscribers import matches, relevant_flags

CHANNEL = "email"
SEVERITY_COLOURS = {"critical": "#7f1d1d", "high": "#b91c1c", "medium": "#c2410c", "low": "#a16207"}
_ELIDE_OVER = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=lambda name: bool(name and name.endswith(".html.j2")),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass
class Article:
    eid: str
    label: str
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(c["flags"] for c in self.changes)


@dataclass
class DocumentGroup:
    key: str
    title: str
    url: str | None
    language: str | None
    editions: list[dict[str, Any]] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict)
    announced: list[dict[str, Any]] = field(default_factory=list)
    """Changes announced but not yet in force (`amendment.announced`, `amendment.in_force_soon`)."""


@dataclass
class ActGroup:
    """One amending act and every document (→ articles) the digest's events say it touches."""

    label: str
    url: str | None
    documents: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Digest:
    subscriber: Subscriber
    documents: list[DocumentGroup]
    drafts: list[dict[str, Any]]
    first_event_id: int
    last_event_id: int
    subject: str
    acts: list[ActGroup] = field(default_factory=list)


@dataclass
class DigestSummary:
    sent: int = 0
    failed: int = 0
    empty: int = 0
    errors: list[str] = field(default_factory=list)

    def tally(self, outcome: str, error: str) -> None:
        if outcome != "skipped":
            setattr(self, outcome, getattr(self, outcome) + 1)
        if error:
            self.errors.append(error)


def send_digests(
    settings: Settings,
    db: Database,
    *,
    period: str | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> DigestSummary:
    """Send each e-mail subscriber's digest when due (or at once, when forced), a few SMTP sessions at a
    time: a remote server's latency, not our CPU, is what a digest run waits on."""
    now = now or datetime.now(UTC)
    with db.transaction() as session:
        marks = deliveries.watermarks(session, CHANNEL)
        chosen = [
            s
            for s in subscribers.all_subscribers(session, enabled_only=True)
            if s.email
            and s.id in marks
            and (period is None or s.digest == period)
            and (force or is_due(s.digest, marks[s.id][1], now, settings.schedule))
        ]
        if not chosen:
            return DigestSummary()
        low = min(marks[s.id][0] for s in chosen)  # type: ignore[index]
        top = events.latest_id(session)
        pending = [e for e in events.after(session, low) if e.id <= top]
        tags = {w.key: w.tags for w in watchlist.all_watches(session)}
    summary = DigestSummary()
    local, mailers = threading.local(), list[Mailer]()

    def serve(sub: Subscriber) -> tuple[str, str]:
        if not hasattr(local, "mailer"):  # one SMTP session per worker thread
            local.mailer = Mailer(settings.smtp)
            mailers.append(local.mailer)
        mark = marks[sub.id or 0][0]
        digest = build([e for e in pending if e.id > mark], sub, tags, settings)
        return _deliver(db, local.mailer, sub, digest, top, settings)

    try:
        with ThreadPoolExecutor(max_workers=max(1, settings.smtp.concurrency)) as pool:
            for sub, (outcome, error) in zip(chosen, pool.map(serve, chosen), strict=True):
                summary.tally(outcome, f"{sub.name}: {error}" if error else "")
    finally:
        for mailer in mailers:
            mailer.close()
    return summary


def preview(settings: Settings, db: Database, name: str) -> Digest | None:
    """The digest the subscriber would get now; nothing is sent or moved."""
    with db.transaction() as session:
        sub = subscribers.get(session, name)
        if not sub.email:
            raise NotFound(f"subscriber {name!r} has no e-mail address: there is no digest to preview")
        mark = deliveries.watermarks(session, CHANNEL).get(sub.id or 0, (0, None))[0]
        pending = events.after(session, mark)
        tags = {w.key: w.tags for w in watchlist.all_watches(session)}
    return build(pending, sub, tags, settings)


def is_due(digest: str, last_served: datetime, now: datetime, schedule: Schedule) -> bool:
    """Has the period's cron time passed since the subscriber was last served? "immediate" always is."""
    if digest == "immediate":
        return True
    expr, span = (schedule.daily_digest_cron, 2) if digest == "daily" else (schedule.weekly_digest_cron, 8)
    trigger = CronTrigger.from_crontab(expr, timezone=ZoneInfo(schedule.timezone))
    fire, last_fire = trigger.get_next_fire_time(None, now - timedelta(days=span)), None
    while fire is not None and fire <= now:
        last_fire = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last_fire is not None and last_served < last_fire


def build(
    pending: list[StoredEvent], sub: Subscriber, watch_tags: Mapping[str, Collection[str]], settings: Settings
) -> Digest | None:
    """Group the subscriber's matching events; None when nothing matches."""
    chosen = [e for e in pending if matches(sub, e.payload, watch_tags)]
    if not chosen:
        return None
    documents: dict[str, DocumentGroup] = {}
    drafts: dict[str, dict[str, Any]] = {}
    acts: dict[str, ActGroup] = {}
    for event in chosen:
        p = event.payload
        if p["type"].startswith("draft."):
            drafts[str(p["draft"].get("id"))] = {**p["draft"], "days_left": p.get("days_left")}
            continue
        doc = p["document"]
        group = documents.setdefault(
            doc["key"], DocumentGroup(doc["key"], doc.get("title") or "", doc.get("url"), doc.get("language"))
        )
        if p["type"] == "edition.created":
            group.editions.append(p["edition"])
        elif p["type"] == "provision.changed":
            _add_change(group, p, sub, settings.public_url)
        elif p["type"] == "amendment.announced":
            amendment = _amendment(p["amendment"], doc, settings.public_url)
            group.announced.append({"eid": p["eid"], "kind": p["kind"], "days_left": None, **amendment})
            _touch(acts, amendment, doc["key"], p["eid"])
        elif p["type"] == "amendment.in_force_soon":
            act = p["act"]
            amendment = {"act_id": act["source_id"], "act_number": act["number"], "act_date": act["adopted"]}
            soon = _amendment(
                {**amendment, "effective": p["effective"], "text": ""}, doc, settings.public_url
            )
            for eid in p["eids"]:
                group.announced.append({"eid": eid, "kind": "", "days_left": p["days_left"], **soon})
                _touch(acts, soon, doc["key"], eid)
        if p["type"] == "provision.changed":
            change = p["change"]
            for a in change.get("amendments", []):
                _touch(acts, _amendment(a, doc, settings.public_url), doc["key"], change.get("new_eid"))
    groups = sorted(documents.values(), key=lambda g: g.title or g.key)
    subject = _subject(groups, list(drafts.values()), chosen, settings.schedule.timezone)
    return Digest(
        sub, groups, list(drafts.values()), chosen[0].id, chosen[-1].id, subject, list(acts.values())
    )


def _touch(acts: dict[str, ActGroup], amendment: dict[str, Any], key: str, eid: str | None) -> None:
    """Group by act: the act's entry lists this document and article (null eid: the whole act)."""
    name = amendment.get("act_id") or amendment.get("act_number")
    if not name:
        return
    group = acts.setdefault(name, ActGroup(amendment["act_label"], amendment.get("act_url")))
    articles = group.documents.setdefault(key, [])
    label = eid or "whole act"
    if label not in articles:
        articles.append(label)


def render(digest: Digest) -> tuple[str, str]:
    """(plain text, HTML): every value from the law or the user is escaped in the HTML."""
    context = {"digest": digest, "severity_colours": SEVERITY_COLOURS}
    text = _templates.get_template("digest.txt.j2").render(context)
    html = _templates.get_template("digest.html.j2").render(context)
    return text, html


def message(digest: Digest, smtp: Smtp, now: datetime | None = None) -> EmailMessage:
    """The e-mail, with every header value stripped of line breaks so none can add a header."""
    sub = digest.subscriber
    text, html = render(digest)
    sender = parseaddr(_clean(smtp.sender))[1]
    msg = EmailMessage()
    msg["Subject"] = _clean(digest.subject)
    msg["From"] = _clean(smtp.sender)
    msg["To"] = formataddr((_clean(sub.name), _clean(sub.email or "")))
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = f"<digest-{sub.id}-{digest.last_event_id}@{sender.partition('@')[2] or 'zanwatch'}>"
    msg["List-Unsubscribe"] = f"<mailto:{sender}?subject={quote('unsubscribe ' + _clean(sub.name))}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


class Mailer:
    """One SMTP session reused across digests, opened on first use (none, STARTTLS or SSL)."""

    def __init__(self, smtp: Smtp):
        self._smtp = smtp
        self._conn: smtplib.SMTP | None = None

    def send(self, msg: EmailMessage) -> None:
        """Return only when the server accepted the message."""
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self._conn = self._connect()
            self._conn.send_message(msg)
        except OSError:
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        s = self._smtp
        context = ssl.create_default_context()
        conn: smtplib.SMTP
        if s.security == "ssl":
            conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            if s.security == "starttls":
                conn.starttls(context=context)
        if s.username:
            conn.login(s.username, s.password or "")
        return conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._conn = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _deliver(
    db: Database, mailer: Mailer, sub: Subscriber, digest: Digest | None, top: int, settings: Settings
) -> tuple[str, str]:
    """Send one digest: ("sent" | "failed" | "empty" | "skipped", error)."""
    assert sub.id is not None
    now = datetime.now(UTC)
    if digest is None:
        with db.transaction() as session:
            deliveries.set_watermark(session, sub.id, CHANNEL, top, now)
        return "empty", ""
    with db.transaction() as session:
        row = deliveries.ensure(session, sub.id, CHANNEL, digest.last_event_id)
        if row.status == "delivered":
            deliveries.set_watermark(session, sub.id, CHANNEL, top, now)
            return "skipped", ""
    try:
        mailer.send(message(digest, settings.smtp))
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        with db.transaction() as session:
            deliveries.record(session, row.id, status="failed", now=now, error=error)
        return "failed", error
    with db.transaction() as session:
        deliveries.record(session, row.id, status="delivered", now=now, status_code=250)
        deliveries.set_watermark(session, sub.id, CHANNEL, top, now)
    return "sent", ""


def _add_change(group: DocumentGroup, p: dict[str, Any], sub: Subscriber, public_url: str) -> None:
    change = p["change"]
    eid = change.get("new_eid") or change.get("old_eid") or "?"
    num = change.get("new_num") or change.get("old_num")
    heading = change.get("heading") or ""
    label = heading or (f"Article {num}" if num else eid)
    article = group.articles.setdefault(eid, Article(eid, label))
    article.changes.append(
        {
            "kind": change.get("kind"),
            "edition_seq": p.get("edition_seq"),
            "ops": [(op, _elide(text) if op == "=" else text) for op, text in change.get("ops", [])],
            "flags": relevant_flags(sub, change.get("flags", [])),
            "amendments": [
                _amendment(a, p["document"], public_url) for a in change.get("amendments", []) if a
            ],
        }
    )


def _amendment(a: dict[str, Any], doc: dict[str, Any], public_url: str) -> dict[str, Any]:
    """Add a link to the amending act on the official site and a readable in-force date."""
    act = a.get("act_id")
    number = a.get("act_number")
    label = " ".join(
        x
        for x in (f"No. {number}" if number else "", f"of {a['act_date']}" if a.get("act_date") else "")
        if x
    )
    return {
        **a,
        "act_url": f"{public_url.rstrip('/')}/{doc.get('language') or 'rus'}/docs/{act}" if act else None,
        "act_label": label or act or (a.get("text") or "")[:80],
        "in_force_label": a.get("effective") or a.get("in_force") or "",
    }


def _elide(text: str) -> str:
    """Long unchanged text shrinks to its ends: the reader needs context, not the whole article."""
    if len(text) <= _ELIDE_OVER:
        return text
    keep = _ELIDE_OVER // 2 - 20
    return f"{text[:keep]} … {text[-keep:]}"


def _subject(
    groups: list[DocumentGroup], drafts: list[dict[str, Any]], chosen: list[StoredEvent], tz: str
) -> str:
    changes = [c for g in groups for a in g.articles.values() for c in a.changes]
    flagged = sum(1 for c in changes if c["flags"])
    laws = sum(1 for g in groups if g.articles)
    announced = sum(len(g.announced) for g in groups)
    parts = []
    if changes:
        noun = "flagged change" if flagged else "change"
        parts.append(f"{_plural(flagged or len(changes), noun)} in {_plural(laws, 'law')}")
    if announced:
        parts.append(_plural(announced, "announced change"))
    if drafts:
        parts.append(_plural(len(drafts), "draft"))
    if not parts:
        parts.append(f"new editions of {_plural(len(groups), 'law')}")
    zone = ZoneInfo(tz)
    days = [e.created_at.astimezone(zone).date() for e in chosen]
    return f"Zan Watch: {', '.join(parts)} ({_period(min(days), max(days))})"


def _period(first: date, last: date) -> str:
    """12–18 Nov, 28 Oct–3 Nov, 28 Dec 2025–3 Jan 2026, or one day: 18 Nov."""
    if first == last:
        return f"{last.day} {last:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b}–{last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", value).strip()
