"""Event payloads: pure builders the pipeline calls, and `publish` to put one in the outbox.

Every payload is versioned JSON (`schema/events.schema.json`, documented in `README.md` beside this
file). The event id is not part of the stored payload: `with_id` adds it on delivery, equal to the
`webhook-id` header, so a receiver can de-duplicate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from storage import events
from tracker.web import links

VERSION = 1
SUBSCRIBER_TYPES = (
    "edition.created",
    "provision.changed",
    "amendment.announced",
    "amendment.in_force_soon",
    "draft.published",
    "draft.deadline_approaching",
    "draft.stage_changed",
    "draft.version_added",
    "draft.stale",
    "initiative.waiting",
)
OPERATOR_TYPES = ("source.degraded", "subscriber.disabled")
"""Alerts for whoever runs Zan Watch; never sent to subscribers."""

_DOCUMENT_FIELDS = ("key", "title", "language", "url")
_CHANGE_FIELDS = ("kind", "old_eid", "new_eid", "old_num", "new_num", "heading", "similarity")
_PAIR_FIELDS = ("old_eid", "new_eid", "old_num", "new_num")
_AMENDMENT_FIELDS = ("kind", "scheduled", "text", "act_id", "act_number", "act_date", "in_force", "effective")
_ACT_FIELDS = ("id", "source_id", "number", "adopted", "title", "url", "published")
_FLAG_FIELDS = (
    "rule_id",
    "theme",
    "severity",
    "side",
    "matched",
    "eid",
    "snippet",
    "direction",
    "old_value",
    "new_value",
    "unit",
)
_EDITION_FIELDS = ("seq", "date", "fetched_at", "title", "status")
_DRAFT_FIELDS = (
    "id",
    "title",
    "status",
    "developer",
    "created",
    "deadline",
    "url",
    "version",
    "stage",
    "draft_id",
)
_INITIATIVE_FIELDS = ("id", "title", "url", "tags", "note", "created_on", "draft_id")


def edition_created(
    document: dict[str, Any],
    edition: dict[str, Any],
    changes: int,
    flags: int,
    *,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    return _payload(
        "edition.created",
        document,
        occurred_at,
        edition=_pick(edition, _EDITION_FIELDS),
        changes=changes,
        flags=flags,
    )


def provision_changed(
    document: dict[str, Any],
    edition_seq: int,
    change: dict[str, Any],
    *,
    url: str | None = None,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """`change` is `tracker.render.json.change_to_dict(change)`: ops are [op, text] pairs. An amendment
    may carry `announced_on`: the day its change was first announced as pending. `url` is the change's
    permanent web page (`links.change`); `edition_seq` is not permanent, as a backfill renumbers editions."""
    return _payload(
        "provision.changed", document, occurred_at, edition_seq=edition_seq, url=url, change=_change(change)
    )


def web_link(payload: dict[str, Any], public_url: str) -> str:
    """Where a `provision.changed` sends a reader: the change's permanent page; for an event recorded before
    events carried one, the place of the change on its edition's redline, as then."""
    if payload.get("url"):
        return str(payload["url"])
    doc, change = payload["document"], payload["change"]
    eid = change.get("new_eid") or change.get("old_eid")
    return links.edition(public_url, doc["key"], doc.get("language") or "rus", payload["edition_seq"], eid)


def _change(change: dict[str, Any]) -> dict[str, Any]:
    body = _pick(change, _CHANGE_FIELDS)
    body["ops"] = [[op, text] for op, text in change.get("ops", [])]
    body["amendments"] = [_amendment(a) for a in change.get("amendments", [])]
    body["flags"] = [_pick(f, _FLAG_FIELDS) for f in change.get("flags", [])]
    body["pairs"] = [_pick(p, _PAIR_FIELDS) for p in change.get("pairs", [])]
    return body


def amendment_announced(
    document: dict[str, Any],
    eid: str,
    act: dict[str, Any],
    amendment: dict[str, Any],
    *,
    kind: str,
    effective_note: str = "",
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """A change adopted but not yet in force, first seen: once per act and provision (eid "" → null: the
    whole act). `amendment.effective` is null until the date is known; `effective_note` then says why."""
    return _payload(
        "amendment.announced",
        document,
        occurred_at,
        eid=eid or None,
        kind=kind,
        act=_pick(act, _ACT_FIELDS),
        amendment=_pick(amendment, _AMENDMENT_FIELDS),
        effective_note=effective_note or None,
    )


def amendment_in_force_soon(
    document: dict[str, Any],
    eids: list[str],
    act: dict[str, Any],
    effective: date,
    days_left: int,
    *,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """An announced change is about to bite: the act, the provisions (null: the whole act), the date."""
    return _payload(
        "amendment.in_force_soon",
        document,
        occurred_at,
        eids=[e or None for e in eids],
        act=_pick(act, _ACT_FIELDS),
        effective=_json(effective),
        days_left=days_left,
    )


def draft_published(
    document: dict[str, Any], draft: dict[str, Any], *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    return _payload("draft.published", document, occurred_at, draft=_pick(draft, _DRAFT_FIELDS))


def draft_deadline(
    document: dict[str, Any], draft: dict[str, Any], days_left: int, *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    return _payload(
        "draft.deadline_approaching",
        document,
        occurred_at,
        draft=_pick(draft, _DRAFT_FIELDS),
        days_left=days_left,
    )


def draft_stage_changed(
    document: dict[str, Any],
    draft: dict[str, Any],
    from_stage: str,
    to_stage: str,
    *,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """The draft moved; `draft.status` keeps the words of the source that moved it."""
    return _payload(
        "draft.stage_changed",
        document,
        occurred_at,
        draft=_pick(draft, _DRAFT_FIELDS),
        from_stage=str(from_stage),
        to_stage=str(to_stage),
    )


def draft_version_added(
    document: dict[str, Any],
    draft: dict[str, Any],
    version: int,
    changes: list[dict[str, Any]],
    *,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """A new version of a draft's text, with the article-level diff from the version before."""
    return _payload(
        "draft.version_added",
        document,
        occurred_at,
        draft=_pick(draft, _DRAFT_FIELDS),
        version=version,
        changes=[_change(c) for c in changes],
    )


def draft_stale(
    document: dict[str, Any],
    draft: dict[str, Any],
    since: date,
    days: int,
    *,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """The draft has not moved since `since` (`days` days): sent once per stall."""
    return _payload(
        "draft.stale", document, occurred_at, draft=_pick(draft, _DRAFT_FIELDS), since=_json(since), days=days
    )


def initiative_waiting(
    initiative: dict[str, Any], days: int, *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    """An announced initiative still has no text after `days` days."""
    document = {
        "key": None,
        "title": initiative["title"],
        "language": None,
        "url": initiative.get("url"),
        "tags": initiative.get("tags") or (),
    }
    return _payload(
        "initiative.waiting",
        document,
        occurred_at,
        initiative=_pick(initiative, _INITIATIVE_FIELDS),
        days=days,
    )


def source_degraded(
    document: dict[str, Any], source: str, reason: str, failures: int, *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    return _payload("source.degraded", document, occurred_at, source=source, reason=reason, failures=failures)


def subscriber_disabled(
    subscriber: str, dead_letters: int, reason: str, *, occurred_at: datetime | None = None
) -> dict[str, Any]:
    """The operator's notice that a webhook endpoint stopped being tried."""
    document = {"key": None, "title": "", "language": None, "url": None}
    return _payload(
        "subscriber.disabled",
        document,
        occurred_at,
        subscriber=subscriber,
        dead_letters=dead_letters,
        reason=reason,
    )


def publish(session: Session, payload: dict[str, Any]) -> int:
    """Append a built payload to the outbox (inside the caller's transaction) and return its id."""
    return events.append(session, payload["type"], payload, document_key=payload["document"]["key"])


def with_id(event: events.StoredEvent) -> dict[str, Any]:
    """The payload as delivered: the event id joins it, the same value as the `webhook-id` header."""
    return {"id": event.id, **event.payload}


def _payload(
    type: str, document: dict[str, Any], occurred_at: datetime | None, **body: Any
) -> dict[str, Any]:
    occurred = occurred_at or datetime.now(UTC)
    doc = _pick(document, _DOCUMENT_FIELDS)
    if document.get("tags"):
        doc["tags"] = list(document["tags"])
    return {"version": VERSION, "type": type, "occurred_at": _json(occurred), "document": doc, **body}


def _amendment(a: dict[str, Any]) -> dict[str, Any]:
    body = _pick(a, _AMENDMENT_FIELDS)
    if a.get("announced_on"):
        body["announced_on"] = _json(a["announced_on"])
    return body


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Keep the documented fields only, with dates as ISO strings, so payloads match the schema."""
    return {name: _json(data.get(name)) for name in fields}


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
