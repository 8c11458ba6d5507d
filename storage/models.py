"""SQLModel tables for the whole flow: watch list → snapshots → editions → provisions → changes → flags →
events → deliveries. Only `storage/` imports this module.

Provisions are stored temporally: a `ProvisionVersion` row is valid from one edition sequence until the
edition that replaced it, and texts live once in `ProvisionText` by hash — so a hundred editions of a law
cost little more than one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Column, LargeBinary, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class WatchedDocument(SQLModel, table=True):
    __tablename__ = "watched_document"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=64)
    source: str = Field(max_length=16)
    ident: str = Field(max_length=48)
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    languages: str = Field(default="rus", max_length=32)
    tags: str = Field(default="", max_length=256)
    enabled: bool = True
    meta: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)


class Blob(SQLModel, table=True):
    """A raw body, zlib-compressed, stored once by the SHA-256 of the uncompressed bytes."""

    __tablename__ = "blob"
    digest: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Snapshot(SQLModel, table=True):
    """One fetch of a source page and how it was judged (ok, not_modified, suspect, error)."""

    __tablename__ = "snapshot"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    url: str = Field(sa_column=Column(Text, nullable=False))
    fetched_at: datetime = Field(default_factory=utcnow, index=True)
    http_status: int | None = None
    outcome: str = Field(max_length=16)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    blob_digest: str | None = Field(default=None, foreign_key="blob.digest", max_length=64)
    etag: str | None = Field(default=None, max_length=256)
    last_modified: str | None = Field(default=None, max_length=64)


class Edition(SQLModel, table=True):
    """A version of one language expression whose normalised content differs from the one before."""

    __tablename__ = "edition"
    __table_args__ = (UniqueConstraint("document_key", "language", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    seq: int
    edition_date: date | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    content_hash: str = Field(max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="", max_length=32)
    requisites: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    origin: str = Field(default="fetch", max_length=16)
    snapshot_id: int | None = Field(default=None, foreign_key="snapshot.id")
    meta: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class ProvisionText(SQLModel, table=True):
    __tablename__ = "provision_text"
    digest: str = Field(primary_key=True, max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))


class ProvisionVersion(SQLModel, table=True):
    """A provision as it stood from edition `first_seq` up to (not including) `end_seq`; open if None."""

    __tablename__ = "provision_version"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    first_seq: int = Field(index=True)
    end_seq: int | None = Field(default=None, index=True)
    position: float
    eid: str = Field(max_length=128)
    kind: str = Field(max_length=16)
    num: str = Field(default="", max_length=32)
    heading: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    path: str = Field(default="", max_length=512)
    text_digest: str = Field(foreign_key="provision_text.digest", max_length=64)
    repealed: bool = False
    amendments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class Amendment(SQLModel, table=True):
    """A parsed footnote or pending notice, stored once per document and provision."""

    __tablename__ = "amendment"
    __table_args__ = (UniqueConstraint("document_key", "language", "eid", "digest"),)
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    eid: str = Field(default="", max_length=128)
    digest: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    scheduled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    text: str = Field(sa_column=Column(Text, nullable=False))
    act_id: str | None = Field(default=None, max_length=32)
    act_number: str | None = Field(default=None, max_length=32)
    act_date: date | None = None
    in_force: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    effective: date | None = Field(default=None, index=True)
    first_edition_id: int | None = Field(default=None, foreign_key="edition.id")


class Change(SQLModel, table=True):
    __tablename__ = "change"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    from_edition_id: int | None = Field(default=None, foreign_key="edition.id")
    to_edition_id: int = Field(foreign_key="edition.id", index=True)
    kind: str = Field(max_length=16)
    old_eid: str | None = Field(default=None, max_length=128)
    new_eid: str | None = Field(default=None, max_length=128)
    old_num: str | None = Field(default=None, max_length=32)
    new_num: str | None = Field(default=None, max_length=32)
    heading: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    similarity: float = 0.0
    ops: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    amendments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    pairs: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    """JSON: for a run of articles renumbered alike, every (old_eid, new_eid, old_num, new_num)."""


class Flag(SQLModel, table=True):
    __tablename__ = "flag"
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change.id", index=True)
    document_key: str = Field(index=True, max_length=64)
    rule_id: str = Field(max_length=64)
    theme: str = Field(index=True, max_length=32)
    severity: str = Field(max_length=16)
    side: str = Field(max_length=16)
    matched: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    eid: str = Field(max_length=128)
    snippet: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    direction: str = Field(default="neutral", max_length=16)
    old_value: float | None = None
    new_value: float | None = None
    unit: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Event(SQLModel, table=True):
    """The outbox: written in the same transaction as what caused it; ids only grow."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(index=True, max_length=48)
    document_key: str | None = Field(default=None, index=True, max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Subscriber(SQLModel, table=True):
    __tablename__ = "subscriber"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=128)
    email: str | None = Field(default=None, max_length=320)
    webhook_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    secret: str | None = Field(default=None, max_length=128)
    documents: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    tags: str = Field(default="", max_length=256)
    themes: str = Field(default="", max_length=512)
    min_severity: str = Field(default="info", max_length=16)
    digest: str = Field(default="daily", max_length=16)
    languages: str = Field(default="", max_length=32)
    language: str = Field(default="rus", max_length=8, sa_column_kwargs={"server_default": "rus"})
    enabled: bool = True
    webhook_enabled: bool = True
    dead_letters: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """One attempt history for one event (webhook) or one digest (email) to one subscriber."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("subscriber_id", "channel", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    channel: str = Field(max_length=16)
    event_id: int = Field(index=True)
    status: str = Field(default="pending", index=True, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_status_code: int | None = None
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Watermark(SQLModel, table=True):
    """The last event id delivered to a subscriber on a channel; advanced only after success."""

    __tablename__ = "watermark"
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True)
    channel: str = Field(primary_key=True, max_length=16)
    event_id: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class SourceHealth(SQLModel, table=True):
    """Per document-language (or host) check outcome, for `status`, degradation and the circuit breaker."""

    __tablename__ = "source_health"
    key: str = Field(primary_key=True, max_length=128)
    last_check_at: datetime | None = None
    last_outcome: str = Field(default="", max_length=16)
    last_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    consecutive_failures: int = 0
    degraded: bool = False
    last_success_at: datetime | None = None


class Act(SQLModel, table=True):
    """An amending act, stored once however many documents and provisions it touches."""

    __tablename__ = "act"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=96)
    source_id: str | None = Field(default=None, index=True, max_length=32)
    number: str | None = Field(default=None, max_length=32)
    adopted: date | None = None
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published: date | None = None
    info_fetched_at: datetime | None = None
    info_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    first_seen_at: datetime = Field(default_factory=utcnow)


class ActTarget(SQLModel, table=True):
    """What one act does to one provision of one watched document (eid "" = the whole document), and where
    that stands: announced (a pending notice), in_force (its footnote is on the current text), superseded
    (the notice vanished without the change landing)."""

    __tablename__ = "act_target"
    __table_args__ = (UniqueConstraint("act_id", "document_key", "eid"),)
    id: int | None = Field(default=None, primary_key=True)
    act_id: int = Field(foreign_key="act.id", index=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    eid: str = Field(default="", max_length=128)
    kind: str = Field(max_length=16)
    state: str = Field(index=True, max_length=16)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    in_force: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    effective: date | None = Field(default=None, index=True)
    effective_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    announced_on: date | None = None
    in_force_on: date | None = None
    warned_days: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Draft(SQLModel, table=True):
    """A draft followed from its first word to law: one row however many sources show the same text."""

    __tablename__ = "draft"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    stage: str = Field(max_length=24)
    stage_key: str = Field(default="", max_length=64)
    """The source whose status set the stage: only it may move the draft back."""
    source_status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    developer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deadline: date | None = None
    moved_on: date
    stale_noted_on: date | None = None
    """The `moved_on` a `draft.stale` was sent for: one per stall."""
    act_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class DraftSource(SQLModel, table=True):
    """One place a draft appears (a portal card `legalacts:ID`, a bill `mazhilis:ID`), in its own words."""

    __tablename__ = "draft_source"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    key: str = Field(unique=True, max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    stage: str = Field(max_length=24)
    url: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class DraftStage(SQLModel, table=True):
    """The draft's timeline: a row each time its stage, or the status that set it, moved."""

    __tablename__ = "draft_stage"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    day: date
    stage: str = Field(max_length=24)
    source_status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_key: str = Field(default="", max_length=64)


class Initiative(SQLModel, table=True):
    """An announced initiative with no text yet; a draft is linked to it once one appears."""

    __tablename__ = "initiative"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    tags: str = Field(default="", max_length=256)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_on: date
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    reminded_on: date | None = None


class HostThrottle(SQLModel, table=True):
    """A host's politeness state shared by every worker of a cluster (PostgreSQL): the next free request
    slot of its rate limit and its circuit breaker. Times are the database server's clock."""

    __tablename__ = "host_throttle"
    host: str = Field(primary_key=True, max_length=255)
    next_slot: datetime = Field(default_factory=utcnow)
    failures: int = 0
    open_until: datetime | None = None
