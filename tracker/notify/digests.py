"""E-mail digests: the events past a subscriber's e-mail watermark, grouped document → article → flags.

A digest is sent when its period's cron time (Asia/Almaty) has passed since the subscriber was last
served, or on demand. Before sending, a `Delivery` row (channel "email", event id = the newest event in
the digest) is committed; the watermark moves only after the SMTP server accepted the message, and a row
already delivered is never sent again. The Message-ID is derived from the same pair, so a digest re-sent
after a crash in the instant between acceptance and commit is one message to mail clients.
"""

from __future__ import annotations

import dataclasses
import re
import smtplib
import ssl
import threading
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from storage import deliveries, events, subscribers, watchlist
from storage.db import Database
from storage.events import StoredEvent
from storage.subscribers import Endpoint, Subscriber
from tracker.config import Schedule, Settings, Smtp
from tracker.errors import InputError, NotFound
from tracker.i18n import Language, check_language, eid_label, format_date, locale_tag, translator
from tracker.model import Amendment, Description, Op
from tracker.notify.channels import Channel, register
from tracker.notify.events import web_link
from tracker.notify.subscribers import matches, relevant_flags, validate_email
from tracker.output import http_link
from tracker.render import marked_words, shortened, without_heading
from tracker.render.words import ActView, FlagView, Words
from tracker.rules import descriptions

CHANNEL = "email"
SEVERITY_COLOURS = {"critical": "#7f1d1d", "high": "#b91c1c", "medium": "#c2410c", "low": "#a16207"}
DIRECTION_COLOURS = {"restricts": "#b91c1c", "neutral": "#a16207", "relaxes": "#15803d", "": "#a8a29e"}
"""The left border of a changed article: red restricts, green relaxes (good news is never red)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=lambda name: bool(name and name.endswith(".html.j2")),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass
class ChangeView:
    label: str
    heading: str
    kind_label: str
    ops: list[Op]
    flags: list[FlagView]
    acts: list[ActView]
    direction: str
    """The change's worst direction: "restricts" beats "neutral" beats "relaxes"; "" when nothing fired."""
    web_url: str
    """The change on the web view's redline of its edition."""


@dataclass(frozen=True)
class AnnouncedView:
    label: str
    effective_on: date | None
    effective: str
    text: str
    act: ActView | None


@dataclass
class ActGroupView:
    """One amending act and each watched law (title → article labels) the digest's events say it touches."""

    act: ActView
    laws: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class LawView:
    key: str
    title: str
    url: str | None
    editions: list[str] = field(default_factory=list)
    changes: list[ChangeView] = field(default_factory=list)
    announced: list[AnnouncedView] = field(default_factory=list)


@dataclass(frozen=True)
class DraftView:
    title: str
    url: str | None
    developer: str
    deadline: str
    days_left: int | None
    notes: tuple[str, ...] = ()
    """How the draft moved, stalled or changed (`draft.stage_changed`, `draft.stale`, …), oldest first."""


@dataclass(frozen=True)
class Digest:
    subscriber: Subscriber
    language: Language
    subject: str
    summary: list[tuple[str, str]]
    """(label, value) lines: the counts a reader looks at first."""
    laws: list[LawView]
    drafts: list[DraftView]
    last_event_id: int
    acts: list[ActGroupView] = field(default_factory=list)
    """Acts that touch more than one of the digest's laws: one act, every law and article it changes."""


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

    def line(self, channel: str) -> str:
        return f"{channel} digests: {self.sent} sent, {self.failed} failed"


@register
class EmailChannel(Channel):
    """E-mail: not one message per event but a digest per subscriber and period."""

    name = CHANNEL

    def endpoint(self, address: str) -> Endpoint:
        return Endpoint(CHANNEL, validate_email(address))

    def deliver(self, db: Database) -> DigestSummary:
        return send_digests(self.settings, db)


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
        top = events.published_id(session)
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


def preview(
    settings: Settings, db: Database, name: str, *, since: date | None = None, last: int | None = None
) -> Digest | None:
    """The digest the subscriber would get now, or over past events (`since` a day, or the `last` N
    events) to see what a digest looks like; nothing is sent and no watermark moves."""
    if since is not None and last is not None:
        raise InputError("choose --since DATE or --last N, not both")
    if last is not None and last < 1:
        raise InputError(f"--last must be a positive number of events, got {last}")
    with db.transaction() as session:
        sub = subscribers.get(session, name)
        if not sub.email:
            raise NotFound(f"subscriber {name!r} has no e-mail address: there is no digest to preview")
        past = since is not None or last is not None
        mark = 0 if past else deliveries.watermarks(session, CHANNEL).get(sub.id or 0, (0, None))[0]
        pending = events.after(session, mark)
        tags = {w.key: w.tags for w in watchlist.all_watches(session)}
    if since is not None:
        start = datetime.combine(since, time(), ZoneInfo(settings.schedule.timezone))
        pending = [e for e in pending if _aware(e.created_at) >= start]
    if last is not None:
        pending = [e for e in pending if matches(sub, e.payload, tags)][-last:]
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
    pending: list[StoredEvent],
    sub: Subscriber,
    watch_tags: Mapping[str, Collection[str]],
    settings: Settings,
    *,
    today: date | None = None,
) -> Digest | None:
    """The subscriber's matching events as a digest in their language; None when nothing matches."""
    chosen = [e for e in pending if matches(sub, e.payload, watch_tags)]
    if not chosen:
        return None
    language = check_language(sub.language)
    words = _Words(language, descriptions(tuple(settings.rules.packs)))
    laws: dict[str, LawView] = {}
    drafts: dict[str, DraftView] = {}
    acts: dict[str, ActGroupView] = {}
    for event in chosen:
        p = event.payload
        if p["type"] == "initiative.waiting":
            item = p["initiative"]
            drafts[f"initiative:{item['id']}"] = words.initiative(item)
            continue
        if p["type"].startswith("draft."):
            key = str(p["draft"].get("id"))
            seen = drafts[key].notes if key in drafts else ()
            view = words.draft(p["draft"], p.get("days_left"))
            drafts[key] = dataclasses.replace(view, notes=seen + words.draft_note(p))
            continue
        doc = p["document"]
        fresh = LawView(doc["key"], doc.get("title") or doc["key"], http_link(doc.get("url")))
        law = laws.setdefault(doc["key"], fresh)
        if p["type"] == "edition.created" and p["edition"].get("date"):
            law.editions.append(words.format_iso(p["edition"]["date"]))
        elif p["type"] == "provision.changed":
            web = web_link(p, settings.web.public_url)
            law.changes.append(words.change(p["change"], sub, settings.public_url, doc, web))
        elif p["type"] == "amendment.announced":
            law.announced.append(words.announced(p["eid"], p["amendment"], settings.public_url, doc))
        elif p["type"] == "amendment.in_force_soon":
            a = _act_only(p["act"])
            for eid in p["eids"]:
                soon = {**a, "effective": p["effective"], "text": ""}
                law.announced.append(words.announced(eid, soon, settings.public_url, doc))
        for eid, a in _acts_named(p):
            name = a.get("act_id") or a.get("act_number") or ""
            group = acts.setdefault(name, ActGroupView(words.act_of(a, settings.public_url, doc)))
            articles = group.laws.setdefault(law.title, [])
            label = words.article(eid)
            if label not in articles:
                articles.append(label)
    ordered = sorted(laws.values(), key=lambda law: law.title)
    day = today or datetime.now(ZoneInfo(settings.schedule.timezone)).date()
    subject = words.subject(ordered, list(drafts.values()))
    summary = words.summary(ordered, list(drafts.values()), day)
    shared = [group for group in acts.values() if len(group.laws) > 1]
    return Digest(sub, language, subject, summary, ordered, list(drafts.values()), chosen[-1].id, shared)


def _act_only(act: dict[str, Any]) -> dict[str, Any]:
    """An `act` of an event as the amendment shape the digest's words read."""
    return {
        "kind": "amended",
        "text": "",
        "act_id": act["source_id"],
        "act_number": act["number"],
        "act_date": act["adopted"],
    }


def _acts_named(p: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """(eid, amendment) for every act an event names: announced changes and footnotes of changes."""
    if p["type"] == "amendment.announced":
        return [(p["eid"], p["amendment"])]
    if p["type"] == "amendment.in_force_soon":
        return [(eid, _act_only(p["act"])) for eid in p["eids"]]
    if p["type"] == "provision.changed":
        change = p["change"]
        eid = change.get("new_eid") or change.get("old_eid")
        return [(eid, a) for a in change.get("amendments", []) if a.get("act_id") or a.get("act_number")]
    return []


def render(digest: Digest) -> tuple[str, str]:
    """(plain text, HTML) in the subscriber's language; every value from the law or a user is escaped."""
    t = translator(digest.language)
    context = {
        "digest": digest,
        "_": t.gettext,
        "lang_tag": locale_tag(digest.language),
        "severity_colours": SEVERITY_COLOURS,
        "direction_colours": DIRECTION_COLOURS,
        "marked": _marked,
    }
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


class _Words(Words):
    """Everything a digest says, in one language: its views of changes, the summary and the subject."""

    def __init__(self, language: Language, reasons: Mapping[str, Description]):
        super().__init__(language)
        self.reasons, self._, self._n = reasons, self.gettext, self.ngettext

    def format_iso(self, value: str | None) -> str:
        return format_date(date.fromisoformat(value[:10]), self.language) if value else ""

    def change(
        self, c: dict[str, Any], sub: Subscriber, public_url: str, doc: dict[str, Any], web_url: str
    ) -> ChangeView:
        _ = self._
        old, new = c.get("old_eid"), c.get("new_eid")
        label = eid_label(new or old or "", self.language)
        if c.get("kind") == "renumbered" and old and new and old != new:
            label = f"{eid_label(old, self.language)} → {label}"
        heading = c.get("heading") or ""
        flags = [self.flag_of(f) for f in relevant_flags(sub, c.get("flags", []))]
        return ChangeView(
            label=label,
            heading=heading,
            kind_label=self.kind(c.get("kind") or ""),
            ops=shortened(without_heading([(op, text) for op, text in c.get("ops", [])], heading), _CONTEXT),
            flags=flags,
            acts=[self.act_of(a, public_url, doc) for a in c.get("amendments", []) if a],
            direction=min((f.direction for f in flags), key=_DIRECTION_RANK.index, default=""),
            web_url=web_url,
        )

    def flag_of(self, f: dict[str, Any]) -> FlagView:
        return self.flag(
            severity=f.get("severity") or "info",
            direction=f.get("direction") or "neutral",
            theme=f.get("theme") or "",
            description=self.reasons.get(f.get("rule_id") or "", Description()),
            matched=list(f.get("matched", [])),
        )

    def act_of(self, a: dict[str, Any], public_url: str, doc: dict[str, Any]) -> ActView:
        return self.act(Amendment.from_dict(a), public_url, doc.get("language") or "rus")

    def article(self, eid: str | None) -> str:
        """An article's label as the law writes it; no eid: the whole act."""
        return eid_label(eid, self.language) if eid else self._("whole act")

    def announced(
        self, eid: str | None, a: dict[str, Any], public_url: str, doc: dict[str, Any]
    ) -> AnnouncedView:
        label = self.article(eid)
        act = self.act_of(a, public_url, doc) if a.get("act_id") or a.get("act_number") else None
        on = date.fromisoformat(a["effective"][:10]) if a.get("effective") else None
        return AnnouncedView(label, on, format_date(on, self.language), a.get("text") or "", act)

    def draft(self, d: dict[str, Any], days_left: int | None) -> DraftView:
        return DraftView(
            d.get("title") or "",
            http_link(d.get("url")),
            d.get("developer") or "",
            self.format_iso(d.get("deadline")),
            days_left,
        )

    def draft_note(self, p: dict[str, Any]) -> tuple[str, ...]:
        """What a draft event adds to the draft's line (the stages of `tracker.stages`)."""
        _ = self._
        if p["type"] == "draft.stage_changed":
            return (_("moved on: {status}").format(status=p["draft"].get("status") or p["to_stage"]),)
        if p["type"] == "draft.stale":
            return (_("no movement since {date}").format(date=self.format_iso(p["since"])),)
        if p["type"] == "draft.version_added":
            return (_("new version {n}").format(n=p["version"]),)
        return ()

    def initiative(self, item: dict[str, Any]) -> DraftView:
        """An announced initiative that still has no text (`initiative.waiting`)."""
        _ = self._
        note = _("announced {date}, still no text").format(date=self.format_iso(item["created_on"]))
        return DraftView(item["title"], item.get("url"), "", "", None, (note,))

    def subject(self, laws: list[LawView], drafts: list[DraftView]) -> str:
        _, ngettext = self._, self._n
        changes = [c for law in laws for c in law.changes]
        changed = [law for law in laws if law.changes]
        announced = sum(len(law.announced) for law in laws)
        parts = []
        if changes:
            parts.append(
                ngettext("{n} article changed", "{n} articles changed", len(changes)).format(n=len(changes))
            )
            if len(changed) > 1:
                parts[-1] += " " + ngettext("in {n} law", "in {n} laws", len(changed)).format(n=len(changed))
        restricts = sum(1 for c in changes if c.direction == "restricts")
        relaxes = sum(1 for c in changes if c.direction == "relaxes")
        if restricts:
            parts.append(ngettext("{n} restricts", "{n} restrict", restricts).format(n=restricts))
        if relaxes:
            parts.append(ngettext("{n} relaxes", "{n} relax", relaxes).format(n=relaxes))
        if announced:
            parts.append(
                ngettext("{n} change announced", "{n} changes announced", announced).format(n=announced)
            )
        if drafts:
            parts.append(ngettext("{n} draft", "{n} drafts", len(drafts)).format(n=len(drafts)))
        if not parts:
            parts.append(_("new edition"))
        about = _short(
            changed[0].title if len(changed) == 1 else laws[0].title if len(laws) == 1 else "Zan Watch"
        )
        return f"{about}: {', '.join(parts)}"

    def summary(self, laws: list[LawView], drafts: list[DraftView], today: date) -> list[tuple[str, str]]:
        _, ngettext = self._, self._n
        changes = [c for law in laws for c in law.changes]
        lines = [(_("Laws"), str(len(laws)))]
        changed = [
            f"{_short(law.title)} — "
            + ngettext("{n} article changed", "{n} articles changed", len(law.changes)).format(
                n=len(law.changes)
            )
            for law in laws
            if law.changes
        ]
        if changed:
            lines.append((_("Changed"), "; ".join(changed)))
            flagged = [c for c in changes if c.flags]
            counts = {d: sum(1 for c in flagged if c.direction == d) for d in _DIRECTION_RANK}
            lines.append(
                (
                    _("Flagged by rules"),
                    _("{flagged}: restrict {restricts}, relax {relaxes}").format(
                        flagged=len(flagged), restricts=counts["restricts"], relaxes=counts["relaxes"]
                    )
                    if flagged
                    else _("no rule fired"),
                )
            )
        soon = sorted(
            (a.effective_on, f"{a.label} — {a.effective}")
            for law in laws
            for a in law.announced
            if a.effective_on
        )
        announced = sum(len(law.announced) for law in laws)
        if announced:
            lines.append((_("Announced"), str(announced)))
        upcoming = [text for when, text in soon if when >= today]
        if upcoming:
            lines.append((_("Entering into force soon"), "; ".join(upcoming[:5])))
        near = [d for d in drafts if d.deadline]
        if near:
            lines.append(
                (
                    _("Draft comment deadlines"),
                    "; ".join(f"{_short(d.title)} — {d.deadline}" for d in near),
                )
            )
        return lines


_CONTEXT = 160
"""Characters of unchanged text a digest keeps around each edit."""
_DIRECTION_RANK = ("restricts", "neutral", "relaxes")


def _marked(text: str, flags: list[FlagView], op: str) -> Markup:
    """Inserted or deleted text with the words the flags matched highlighted, escaped for HTML."""
    words = {w for f in flags for w in f.matched}
    style = "background:#fef08a;color:inherit;font-weight:bold;"
    return Markup("").join(
        Markup(f'<mark style="{style}">') + escape(piece) + Markup("</mark>") if hit else escape(piece)
        for piece, hit in marked_words(text, words)
    )


def _short(title: str, limit: int = 70) -> str:
    """A title cut at a word boundary, for subject and summary lines."""
    if len(title) <= limit:
        return title
    return title[: title.rfind(" ", 0, limit)].rstrip(" ,;:") + "…"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", value).strip()
