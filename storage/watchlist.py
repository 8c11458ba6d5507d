"""The watch list: which documents are checked, in which languages, with which tags."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from storage.models import WatchedDocument
from tracker.errors import Conflict, NotFound
from tracker.keys import parse_key
from tracker.model import Watch


def _to_watch(row: WatchedDocument) -> Watch:
    return Watch(
        key=row.key,
        title=row.title,
        languages=tuple(x for x in row.languages.split(",") if x),
        tags=tuple(x for x in row.tags.split(",") if x),
        enabled=row.enabled,
    )


def _row(session: Session, key: str) -> WatchedDocument:
    row = session.exec(select(WatchedDocument).where(WatchedDocument.key == key)).first()
    if row is None:
        raise NotFound(f"{key} is not on the watch list: see `zanwatch watch list`")
    return row


def add(session: Session, watch: Watch) -> Watch:
    source, ident = parse_key(watch.key)
    if session.exec(select(WatchedDocument.id).where(WatchedDocument.key == watch.key)).first():
        raise Conflict(f"{watch.key} is already on the watch list")
    row = WatchedDocument(
        key=watch.key,
        source=source,
        ident=ident,
        title=watch.title,
        languages=",".join(watch.languages),
        tags=",".join(watch.tags),
        enabled=watch.enabled,
    )
    session.add(row)
    session.flush()
    return _to_watch(row)


def seed(session: Session, defaults: Iterable[Watch]) -> int:
    """Fill an empty watch list from the configuration; a list the user has shaped is left alone."""
    if session.exec(select(WatchedDocument.id)).first() is not None:
        return 0
    count = 0
    for watch in defaults:
        add(session, watch)
        count += 1
    return count


def all_watches(session: Session, *, enabled_only: bool = False) -> list[Watch]:
    query = select(WatchedDocument).order_by(col(WatchedDocument.id))
    if enabled_only:
        query = query.where(WatchedDocument.enabled == True)  # noqa: E712
    return [_to_watch(row) for row in session.exec(query)]


def get(session: Session, key: str) -> Watch:
    return _to_watch(_row(session, key))


def remove(session: Session, key: str) -> None:
    session.delete(_row(session, key))


def set_enabled(session: Session, key: str, enabled: bool) -> Watch:
    row = _row(session, key)
    row.enabled = enabled
    session.add(row)
    return _to_watch(row)
