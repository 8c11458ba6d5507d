"""Stable permanent links into the web view: digests, webhooks, feeds and Telegram messages point here.

Every link is built from `[web] public_url`, so one setting moves them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from storage.browse import StoredChange
    from tracker.model import Change

NO_PROVISION = "-"
"""The side of a change that has no provision (an article added or repealed), in its path."""


@dataclass(frozen=True)
class ChangeRef:
    """What a change is, for good: the document, the language, when Zan Watch first saw the edition the
    change led to, and the provisions it paired (old and new eId: a repealed article 6 and article 5
    renumbered 6 are two changes). A re-parse and a backfill keep all of it while they rewrite the change's
    row under a new id; the edition's content hash would not survive a re-parse with a changed parser, nor
    tell a law that went back and forth (A, B, A, B) from its first change. Its `path` is both the Atom
    entry's id and the change's web address, so the two never disagree."""

    document_key: str
    language: str
    first_seen: datetime
    old_eid: str | None
    new_eid: str | None

    @property
    def path(self) -> str:
        eids = "/".join(quote(e, safe="") if e else NO_PROVISION for e in (self.old_eid, self.new_eid))
        return f"{quote(self.document_key, safe=':')}/{self.language}/{iso(self.first_seen)}/{eids}"


def change_ref(key: str, language: str, first_seen: datetime, change: Change) -> ChangeRef:
    old, new = (p.eid if p else None for p in (change.old, change.new))
    return ChangeRef(key, language, first_seen, old, new)


def ref(c: StoredChange) -> ChangeRef:
    return change_ref(c.document_key, c.language, c.fetched_at, c.change)


def iso(value: datetime) -> str:
    """UTC in ISO 8601 with a `Z`; a naive time (as the database gives it back) is UTC."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def document(public_url: str, key: str) -> str:
    return f"{_base(public_url)}/documents/{quote(key, safe=':')}"


def edition(public_url: str, key: str, language: str, seq: int, eid: str | None = None) -> str:
    """An edition's redline; with an eId, the place of that article's change on it. Not permanent: a
    backfill that slots older editions in renumbers the ones after them."""
    anchor = f"#{quote(eid)}" if eid else ""
    return f"{document(public_url, key)}/editions/{seq}?lang={language}{anchor}"


def change(public_url: str, ref: ChangeRef) -> str:
    """The change's permanent page: it shows this change or none, whatever re-parse and backfill did."""
    return f"{_base(public_url)}/changes/{ref.path}"


def stored_change(public_url: str, c: StoredChange) -> str:
    """Where the web view shows a stored change: its permanent page when it is the change as first seen
    (`StoredChange.in_order`), else its place on its edition's redline."""
    if c.in_order:
        return change(public_url, ref(c))
    return edition(public_url, c.document_key, c.language, c.edition_seq, c.change.eid)


def article(public_url: str, key: str, language: str, eid: str) -> str:
    return f"{document(public_url, key)}/articles/{quote(eid)}?lang={language}"


def act(public_url: str, act_id: str) -> str:
    return f"{_base(public_url)}/acts/{quote(act_id)}"
