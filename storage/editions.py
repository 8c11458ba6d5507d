"""Snapshots, editions, provisions, amendments, changes and flags.

An edition's provisions are not copied: each `ProvisionVersion` row is valid over a range of edition
sequence numbers, so a new edition writes only the provisions that changed (plus their texts, stored once
by hash). Positions are floats so an inserted article slots between its neighbours without renumbering rows.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Literal, TypeVar

from sqlalchemy import Date, Select, String, bindparam, delete, exists, func, insert, or_, true, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from storage import acts
from storage import models as m
from tracker.errors import Conflict, NotFound
from tracker.model import Amendment, Change, Document, DocumentStatus, EditionInfo, Provision
from tracker.normalize import digest

_GAP = 1024.0
_T = TypeVar("_T")
_LEVEL = 4
"""zlib level of stored pages: on adilet pages a quarter of level 9's time (12 against 43 ms a MB; 9 cost a
2 MB code more than parsing it) for 10% more bytes."""
KeptPage = Literal["history", "dated"]
"""Snapshot outcomes of the pages a backfill keeps: apart from checks' "ok", so that a check's conditional
request and a re-parse's replay in fetch order never take them for the current page."""
BACKFILL = "backfill"
"""The origin of editions a backfill recorded from adilet's history: found, not noticed as they happened."""


# ---- snapshots ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A good page to keep as a snapshot, as fetched (or read from a file)."""

    url: str
    body: bytes
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


def save_snapshot(
    session: Session,
    key: str,
    language: str,
    url: str,
    *,
    outcome: str,
    http_status: int | None = None,
    reason: str = "",
    body: bytes | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> int:
    """Keep what was fetched, good or suspect; the raw body is stored once by hash, compressed."""
    blob_digest = None
    if body:
        blob_digest = _store_blob(session, body)
    snap = m.Snapshot(
        document_key=key,
        language=language,
        url=url,
        outcome=outcome,
        http_status=http_status,
        reason=reason,
        blob_digest=blob_digest,
        etag=etag,
        last_modified=last_modified,
    )
    session.add(snap)
    session.flush()
    assert snap.id is not None
    return snap.id


def keep_page(session: Session, key: str, language: str, page: Page) -> int:
    """Keep a good page as a snapshot; its validators make the next fetch conditional."""
    return save_snapshot(
        session,
        key,
        language,
        page.url,
        outcome="ok",
        http_status=page.http_status,
        body=page.body,
        etag=page.etag,
        last_modified=page.last_modified,
    )


def _store_blob(session: Session, body: bytes) -> str:
    key = hashlib.sha256(body).hexdigest()
    if session.exec(select(m.Blob.digest).where(m.Blob.digest == key)).first() is None:
        session.add(m.Blob(digest=key, size=len(body), data=zlib.compress(body, _LEVEL)))
        session.flush()
    return key


@dataclass(frozen=True)
class Seen:
    """What a check needs before it fetches, and all an unchanged page needs: the last good page's
    validators, digest and size, the latest edition's number and title (None before the first), and
    whether an in-force warning may fall due (`nearing`)."""

    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    size: int | None = None
    seq: int | None = None
    title: str | None = None
    nearing: bool = False


@cache
def _last_seen_query() -> Select[Any]:
    """Built on first use and kept: on an unchanged page, building the statement would cost more than
    running it."""
    key, language = bindparam("key", type_=String), bindparam("language", type_=String)
    latest = (
        select(m.Edition.seq, m.Edition.title)
        .where(m.Edition.document_key == key, m.Edition.language == language)
        .order_by(col(m.Edition.seq).desc())
        .limit(1)
        .subquery()
    )
    nearing = exists().where(acts.biting(key, bindparam("today", type_=Date), bindparam("until", type_=Date)))
    return (
        sql_select(
            col(m.Snapshot.etag),
            col(m.Snapshot.last_modified),
            col(m.Snapshot.blob_digest),
            col(m.Blob.size),
            latest.c.seq,
            latest.c.title,
            nearing,
        )
        .outerjoin(m.Blob, col(m.Blob.digest) == col(m.Snapshot.blob_digest))
        .outerjoin(latest, true())
        .where(
            col(m.Snapshot.document_key) == key,
            col(m.Snapshot.language) == language,
            col(m.Snapshot.outcome) == "ok",
        )
        .order_by(col(m.Snapshot.id).desc())
        .limit(1)
    )


def last_seen(session: Session, key: str, language: str, *, today: date, until: date) -> Seen:
    """One query, whatever the size of the page (the body stays in the database); `nearing` looks for
    changes biting from `today` to `until`."""
    params = {"key": key, "language": language, "today": today, "until": until}
    row = session.execute(_last_seen_query(), params).first()
    return Seen(*row) if row else Seen()


def kept(
    session: Session, key: str, language: str, outcome: KeptPage, url: str | None = None
) -> m.Snapshot | None:
    """The newest page a backfill kept: the `/history` table, or the dated edition page at `url`."""
    query = select(m.Snapshot).where(
        m.Snapshot.document_key == key, m.Snapshot.language == language, m.Snapshot.outcome == outcome
    )
    if url is not None:
        query = query.where(m.Snapshot.url == url)
    return session.exec(query.order_by(col(m.Snapshot.id).desc())).first()


def snapshot_body(session: Session, snapshot: m.Snapshot) -> bytes:
    if snapshot.blob_digest is None:
        return b""
    blob = session.get(m.Blob, snapshot.blob_digest)
    return zlib.decompress(blob.data) if blob else b""


def good_snapshots(session: Session, key: str, language: str) -> list[m.Snapshot]:
    return list(
        session.exec(
            select(m.Snapshot)
            .where(
                m.Snapshot.document_key == key, m.Snapshot.language == language, m.Snapshot.outcome == "ok"
            )
            .order_by(col(m.Snapshot.id))
        )
    )


# ---- editions -------------------------------------------------------------------------------------


def content_hash(doc: Document) -> str:
    """What makes an edition new: title, status and provisions. Footnotes alone are not a change. Hashed
    provision by provision, so that a 30 MB text is never joined into one more string."""
    h = hashlib.sha256("\x1e".join([doc.title, doc.status]).encode())
    for p in doc.provisions:
        h.update(
            f"\x1e{p.eid}\x1f{p.kind}\x1f{p.num}\x1f{p.heading}\x1f{p.text}\x1f{int(p.repealed)}".encode()
        )
    return h.hexdigest()


@dataclass(frozen=True)
class Placement:
    """One edition of a chain being written, as plain values: a new edition (`edition_id` None) or a stored
    one at a new place. `changes` are against the edition placed before it; None keeps the stored ones
    (a stored edition whose predecessor did not change) or writes none (a first edition). `acts` are the
    amending acts adilet's `/history` names for this edition; `fetched_at` when Zan Watch first saw a new
    edition (None: now; a re-parse passes the time it had)."""

    doc: Document
    edition_id: int | None = None
    edition_date: date | None = None
    origin: str = "fetch"
    snapshot_id: int | None = None
    acts: tuple[str, ...] = ()
    changes: list[Change] | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class Link:
    """A stored edition as a backfill merges into it: its place, content and the page it came from."""

    info: EditionInfo
    content_hash: str
    snapshot_id: int | None
    acts: tuple[str, ...]

    @property
    def day(self) -> date:
        """adilet's date of the edition, else the day Zan Watch fetched it."""
        return self.info.edition_date or self.info.fetched_at.date()


def save_edition(
    session: Session,
    key: str,
    language: str,
    doc: Document,
    *,
    origin: str = "fetch",
    edition_date: date | None = None,
    snapshot_id: int | None = None,
) -> int | None:
    """Record `doc` as the next edition and return its id, or None when its content is unchanged."""
    latest = _latest_row(session, key, language)
    if latest is not None and latest.content_hash == content_hash(doc):
        return None
    placement = Placement(doc, edition_date=edition_date, origin=origin, snapshot_id=snapshot_id)
    return write_chain(session, key, language, latest.seq + 1 if latest else 1, [placement])[0]


def write_chain(
    session: Session, key: str, language: str, start: int, placements: list[Placement]
) -> list[int]:
    """Write editions `start`, `start + 1`, … in the order given, and return their ids. Every stored edition
    from `start` on must be among `placements` (an older edition slots in before newer ones this way); the
    provisions' validity ranges from `start` on are rewritten, those before it are kept. Raises Conflict
    when the chain changed since the caller read it (another check wrote an edition meanwhile)."""
    tail = list(
        session.exec(
            select(m.Edition)
            .where(m.Edition.document_key == key, m.Edition.language == language, m.Edition.seq >= start)
            .order_by(col(m.Edition.seq))
        )
    )
    if {r.id for r in tail} != {p.edition_id for p in placements if p.edition_id is not None}:
        raise Conflict(f"{key} ({language}) got a new edition while this one was prepared; run it again")
    pv = m.ProvisionVersion
    mine = (col(pv.document_key) == key) & (col(pv.language) == language)
    if tail:
        session.execute(delete(pv).where(mine, col(pv.first_seq) >= start))
        session.execute(update(pv).where(mine, col(pv.end_seq) >= start).values(end_seq=None))
        for row in tail:  # out of the way of the unique (document, language, seq) while renumbering
            row.seq = -row.seq
            session.add(row)
        session.flush()
    before = session.exec(
        select(m.Edition.id).where(
            m.Edition.document_key == key, m.Edition.language == language, m.Edition.seq == start - 1
        )
    ).first()
    unwritten = {r.id for r in tail if r.id is not None}
    ids: list[int] = []
    for seq, p in enumerate(placements, start):
        edition = _place(session, key, language, seq, p)
        assert edition.id is not None
        unwritten.discard(edition.id)
        _write_provisions(session, key, language, seq, p.doc.provisions)
        if p.changes is not None:
            _drop_changes(session, edition.id)
            save_changes(session, key, language, before, edition.id, p.changes)
        _record_amendments(session, key, language, edition.id, p.doc, later=unwritten)
        ids.append(edition.id)
        before = edition.id
    return ids


def _place(session: Session, key: str, language: str, seq: int, p: Placement) -> m.Edition:
    """The edition row at `seq`: a stored one moved there, or a new one."""
    if p.edition_id is not None:
        edition = session.get(m.Edition, p.edition_id)
        assert edition is not None
        meta = json.loads(edition.meta)
        acts = [*meta.get("acts", []), *(a for a in p.acts if a not in meta.get("acts", []))]
        edition.seq, edition.edition_date = seq, p.edition_date or edition.edition_date
        edition.meta = json.dumps({**meta, "acts": acts}, ensure_ascii=False) if acts else edition.meta
    else:
        doc = p.doc
        meta = {
            "status_label": doc.status_label,
            "amendments": [a.to_dict() for a in doc.amendments],
            "scheduled": [a.to_dict() for a in doc.scheduled],
            **({"acts": list(p.acts)} if p.acts else {}),
        }
        edition = m.Edition(
            document_key=key,
            language=language,
            seq=seq,
            edition_date=p.edition_date,
            content_hash=content_hash(doc),
            title=doc.title,
            status=doc.status,
            requisites=doc.requisites,
            origin=p.origin,
            snapshot_id=p.snapshot_id,
            meta=json.dumps(meta, ensure_ascii=False),
            fetched_at=p.fetched_at or datetime.now(UTC),
        )
    session.add(edition)
    session.flush()
    return edition


def _drop_changes(session: Session, edition_id: int) -> None:
    """Forget an edition's stored changes and their flags: its predecessor is another edition now."""
    changes = select(m.Change.id).where(col(m.Change.to_edition_id) == edition_id)
    session.execute(delete(m.Flag).where(col(m.Flag.change_id).in_(changes)))
    session.execute(delete(m.Change).where(col(m.Change.to_edition_id) == edition_id))


def chain(session: Session, key: str, language: str) -> list[Link]:
    """The stored editions, oldest first, with what a backfill needs to merge adilet's editions into them."""
    rows = session.exec(
        select(m.Edition)
        .where(m.Edition.document_key == key, m.Edition.language == language)
        .order_by(col(m.Edition.seq))
    )
    return [_link(r) for r in rows]


def _link(row: m.Edition) -> Link:
    return Link(_info(row), row.content_hash, row.snapshot_id, tuple(json.loads(row.meta).get("acts", [])))


def _write_provisions(
    session: Session, key: str, language: str, seq: int, provisions: list[Provision]
) -> None:
    """Keep the open versions whose content and order did not change, end the others at `seq` and insert
    the new ones, in a few set-based statements whatever the number of provisions."""
    pv = m.ProvisionVersion
    open_rows = list(
        session.execute(
            sql_select(
                col(pv.id),
                col(pv.eid),
                col(pv.position),
                col(pv.kind),
                col(pv.num),
                col(pv.heading),
                col(pv.path),
                col(pv.text_digest),
                col(pv.repealed),
                col(pv.amendments),
            ).where(col(pv.document_key) == key, col(pv.language) == language, col(pv.end_seq).is_(None))
        )
    )
    by_eid = {row.eid: row for row in open_rows}
    texts = [digest(p.text) for p in provisions]
    notes = [json.dumps([a.to_dict() for a in p.amendments], ensure_ascii=False) for p in provisions]
    candidates: list[tuple[int, int, float]] = []
    for i, p in enumerate(provisions):
        row = by_eid.pop(p.eid, None)
        if row is not None and row[3:] == (
            p.kind,
            p.num,
            p.heading,
            "/".join(p.path),
            texts[i],
            p.repealed,
            notes[i],
        ):
            candidates.append((i, row.id, row.position))
    kept = {i: position for i, _, position in _increasing_by_position(candidates)}
    positions = _fill_positions([kept.get(i) for i in range(len(provisions))])
    if positions is None:  # no room left between neighbours: start the document's positions afresh
        kept, positions = {}, [(i + 1) * _GAP for i in range(len(provisions))]
    kept_ids = {row_id for i, row_id, _ in candidates if i in kept}
    for chunk in _chunks([row.id for row in open_rows if row.id not in kept_ids]):
        session.execute(update(pv).where(col(pv.id).in_(chunk)).values(end_seq=seq))
    fresh = [i for i in range(len(provisions)) if i not in kept]
    _store_texts(session, {texts[i]: provisions[i].text for i in fresh})
    for chunk in _chunks(fresh):  # a slice at a time: a first edition of a code has thousands of rows
        rows = [
            {
                "document_key": key,
                "language": language,
                "first_seq": seq,
                "end_seq": None,
                "position": positions[i],
                "eid": provisions[i].eid,
                "kind": provisions[i].kind,
                "num": provisions[i].num,
                "heading": provisions[i].heading,
                "path": "/".join(provisions[i].path),
                "text_digest": texts[i],
                "repealed": provisions[i].repealed,
                "amendments": notes[i],
            }
            for i in chunk
        ]
        session.execute(insert(pv), rows)


def _chunks(items: list[_T], size: int = 500) -> Iterator[list[_T]]:
    """`items` in slices small enough for an IN list on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _increasing_by_position(candidates: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Unchanged rows (index, id, position) whose stored order agrees with the new order (a longest
    increasing run); moved rows are rewritten."""
    tails: list[float] = []
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(candidates)
    for k, (_, _, position) in enumerate(candidates):
        j = bisect.bisect_left(tails, position)
        if j == len(tails):
            tails.append(position)
            tail_idx.append(k)
        else:
            tails[j] = position
            tail_idx[j] = k
        prev[k] = tail_idx[j - 1] if j > 0 else -1
    out: list[tuple[int, int, float]] = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(candidates[k])
        k = prev[k]
    return out[::-1]


def _fill_positions(known: list[float | None]) -> list[float] | None:
    out: list[float] = []
    i = 0
    while i < len(known):
        if known[i] is not None:
            out.append(known[i])  # type: ignore[arg-type]
            i += 1
            continue
        j = i
        while j < len(known) and known[j] is None:
            j += 1
        lo = out[-1] if out else 0.0
        hi = known[j] if j < len(known) else lo + _GAP * (j - i + 1)
        step = (hi - lo) / (j - i + 1)  # type: ignore[operator]
        if step < 1e-6:
            return None
        out.extend(lo + step * (n + 1) for n in range(j - i))
        i = j
    return out


def _store_texts(session: Session, texts: dict[str, str]) -> None:
    existing: set[str] = set()
    for chunk in _chunks(list(texts)):
        existing.update(
            session.exec(select(m.ProvisionText.digest).where(col(m.ProvisionText.digest).in_(chunk)))
        )
    for chunk in _chunks([d for d in texts if d not in existing]):
        session.execute(insert(m.ProvisionText), [{"digest": d, "text": texts[d]} for d in chunk])


def _record_amendments(
    session: Session, key: str, language: str, edition_id: int, doc: Document, *, later: set[int]
) -> None:
    """Each footnote and notice once per provision, pointing at the first edition that has it; one first
    seen in an edition now placed after this one (`later`) moves here."""
    a = m.Amendment
    stored = {
        (eid, d): (row_id, first)
        for row_id, eid, d, first in session.exec(
            select(a.id, a.eid, a.digest, a.first_edition_id).where(
                a.document_key == key, a.language == language
            )
        )
    }
    pairs = [(p.eid, n) for p in doc.provisions for n in p.amendments]
    attached = {n for _, n in pairs}
    pairs += [("", n) for n in doc.amendments + doc.scheduled if n not in attached]
    moved: list[int | None] = []
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for eid, n in pairs:
        d = digest(n.text)
        if (eid, d) in stored:
            row_id, first = stored[(eid, d)]
            if first in later and row_id not in moved:
                moved.append(row_id)
            continue
        rows.setdefault(
            (eid, d),
            {
                "document_key": key,
                "language": language,
                "eid": eid,
                "digest": d,
                "kind": n.kind,
                "scheduled": n.scheduled,
                "text": n.text,
                "act_id": n.act_id,
                "act_number": n.act_number,
                "act_date": n.act_date,
                "in_force": n.in_force,
                "effective": n.effective,
                "first_edition_id": edition_id,
            },
        )
    for chunk in _chunks(moved):
        session.execute(update(a).where(col(a.id).in_(chunk)).values(first_edition_id=edition_id))
    if rows:
        session.execute(insert(a), list(rows.values()))


def _latest_row(session: Session, key: str, language: str) -> m.Edition | None:
    return session.exec(
        select(m.Edition)
        .where(m.Edition.document_key == key, m.Edition.language == language)
        .order_by(col(m.Edition.seq).desc())
    ).first()


def _info(row: m.Edition, acts: tuple[str, ...] = (), changes: int = 0) -> EditionInfo:
    assert row.id is not None
    return EditionInfo(
        id=row.id,
        key=row.document_key,
        language=row.language,
        seq=row.seq,
        edition_date=row.edition_date,
        fetched_at=row.fetched_at,
        title=row.title,
        status=row.status,
        origin=row.origin,
        acts=acts,
        changes=changes,
    )


def latest_link(session: Session, key: str, language: str) -> Link | None:
    """The latest edition with its content hash: what a check compares a new text with."""
    row = _latest_row(session, key, language)
    return _link(row) if row else None


def latest_edition(session: Session, key: str, language: str) -> EditionInfo | None:
    row = _latest_row(session, key, language)
    return _info(row) if row else None


def list_editions(session: Session, key: str, language: str) -> list[EditionInfo]:
    """Every edition, oldest first, with its number of changes and its amending acts: those adilet's
    `/history` names for it, else those whose footnotes first appear in it."""
    rows = list(
        session.exec(
            select(m.Edition)
            .where(m.Edition.document_key == key, m.Edition.language == language)
            .order_by(col(m.Edition.seq))
        )
    )
    ids = [r.id for r in rows]
    counts = dict(
        session.exec(
            select(m.Change.to_edition_id, func.count())
            .where(col(m.Change.to_edition_id).in_(ids))
            .group_by(col(m.Change.to_edition_id))
        ).all()
    )
    acts: dict[int | None, list[str | None]] = {}
    for edition_id, number in session.exec(
        select(m.Amendment.first_edition_id, m.Amendment.act_number).where(
            col(m.Amendment.first_edition_id).in_(ids), col(m.Amendment.act_number).is_not(None)
        )
    ):
        if number not in acts.setdefault(edition_id, []):
            acts[edition_id].append(number)
    return [
        _info(r, tuple(json.loads(r.meta).get("acts") or acts.get(r.id, ())), counts.get(r.id, 0))  # type: ignore[arg-type]
        for r in rows
    ]


def find_edition(
    session: Session,
    key: str,
    language: str,
    *,
    seq: int | None = None,
    on: date | None = None,
    recorded: bool = False,
) -> EditionInfo:
    """The edition with a sequence number, the one in force on a date (the last edition dated by adilet on
    or before it, the fetch day standing in where adilet gave no date; editions are ordered by those dates),
    with `recorded` the latest Zan Watch had recorded by the end of that day (UTC), or the latest."""
    query = select(m.Edition).where(m.Edition.document_key == key, m.Edition.language == language)
    if seq is not None:
        query = query.where(m.Edition.seq == seq)
    elif on is not None:
        end = datetime.combine(on, datetime.max.time(), tzinfo=UTC)
        fetched = col(m.Edition.fetched_at) <= end
        query = query.where(
            fetched
            if recorded
            else or_(col(m.Edition.edition_date) <= on, col(m.Edition.edition_date).is_(None) & fetched)
        )
    row = session.exec(query.order_by(col(m.Edition.seq).desc())).first()
    if row is None:
        if seq is not None:
            what = f"edition {seq}: see `zanwatch history {key}`"
        elif on is not None and recorded:
            what = f"edition recorded by {on:%d.%m.%Y}: see `zanwatch history {key}`"
        elif on is not None:
            what = (
                f"edition in force on {on:%d.%m.%Y} recorded: `zanwatch backfill {key}` records its "
                "earlier editions from adilet"
            )
        else:
            what = f"edition yet: run `zanwatch check {key}`"
        raise NotFound(f"{key} ({language}) has no {what}")
    return _info(row, tuple(json.loads(row.meta).get("acts", ())))


def load_document(session: Session, edition: EditionInfo) -> Document:
    """Rebuild the structured document as it stood in an edition."""
    row = session.get(m.Edition, edition.id)
    assert row is not None
    notes: dict[str, list[Amendment]] = {}

    def amendments(raw: str) -> list[Amendment]:
        if raw not in notes:  # most provisions share "[]"
            notes[raw] = [Amendment.from_dict(a) for a in json.loads(raw)]
        return list(notes[raw])

    pv, text = m.ProvisionVersion, m.ProvisionText
    valid = (
        sql_select(
            col(pv.eid),
            col(pv.kind),
            col(pv.num),
            col(pv.heading),
            col(text.text),
            col(pv.path),
            col(pv.amendments),
            col(pv.repealed),
        )
        .join(text, col(text.digest) == col(pv.text_digest))
        .where(
            col(pv.document_key) == edition.key,
            col(pv.language) == edition.language,
            col(pv.first_seq) <= edition.seq,
            or_(col(pv.end_seq).is_(None), col(pv.end_seq) > edition.seq),
        )
        .order_by(col(pv.position))
    )
    meta = json.loads(row.meta)
    return Document(
        title=row.title,
        status=DocumentStatus(row.status),
        status_label=meta.get("status_label", ""),
        requisites=row.requisites,
        language=row.language,
        provisions=[
            Provision(
                eid=eid,
                kind=kind,
                num=num,
                heading=heading,
                text=body,
                path=tuple(x for x in path.split("/") if x),
                amendments=amendments(raw),
                repealed=repealed,
            )
            for eid, kind, num, heading, body, path, raw, repealed in session.execute(valid)
        ],
        scheduled=[Amendment.from_dict(a) for a in meta.get("scheduled", [])],
        amendments=[Amendment.from_dict(a) for a in meta.get("amendments", [])],
    )


# ---- changes and flags ----------------------------------------------------------------------------


def save_changes(
    session: Session,
    key: str,
    language: str,
    from_edition_id: int | None,
    to_edition_id: int,
    changes: list[Change],
) -> list[int]:
    """Store the changes between two editions with their flags; returns the change ids in order."""
    ids = []
    for c in changes:
        row = m.Change(
            document_key=key,
            language=language,
            from_edition_id=from_edition_id,
            to_edition_id=to_edition_id,
            kind=c.kind,
            old_eid=c.old.eid if c.old else None,
            new_eid=c.new.eid if c.new else None,
            old_num=c.old.num if c.old else None,
            new_num=c.new.num if c.new else None,
            heading=c.heading,
            similarity=c.similarity,
            ops=json.dumps(c.ops, ensure_ascii=False),
            amendments=json.dumps([a.to_dict() for a in c.amendments], ensure_ascii=False),
            pairs=json.dumps([(a.eid, b.eid, a.num, b.num) for a, b in c.pairs], ensure_ascii=False),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        ids.append(row.id)
        for f in c.flags:
            session.add(
                m.Flag(
                    change_id=row.id,
                    document_key=key,
                    rule_id=f.rule_id,
                    theme=f.theme,
                    severity=f.severity,
                    side=f.side,
                    matched=json.dumps(list(f.matched), ensure_ascii=False),
                    eid=f.eid,
                    snippet=f.snippet,
                    direction=f.direction,
                    old_value=f.old_value,
                    new_value=f.new_value,
                    unit=f.unit,
                )
            )
    session.flush()
    return ids


def has_unkept_editions(session: Session, key: str, language: str) -> bool:
    """Whether some edition has no stored snapshot to be re-derived from."""
    return (
        session.exec(
            select(m.Edition.id).where(
                m.Edition.document_key == key,
                m.Edition.language == language,
                col(m.Edition.snapshot_id).is_(None),
            )
        ).first()
        is not None
    )


@dataclass(frozen=True)
class Dated:
    """What a re-parse must not lose of an edition made from a page: adilet's date of it and when Zan Watch
    first saw it."""

    edition_date: date | None
    fetched_at: datetime


def dates_by_page(session: Session, key: str, language: str) -> dict[int, Dated]:
    """The dates of the stored editions by the snapshot each was made from, read before a re-parse drops
    them."""
    e = m.Edition
    rows = session.exec(
        select(col(e.snapshot_id), col(e.edition_date), col(e.fetched_at)).where(
            e.document_key == key, e.language == language, col(e.snapshot_id).is_not(None)
        )
    )
    return {snapshot_id: Dated(day, at) for snapshot_id, day, at in rows if snapshot_id is not None}


def drop_derived(session: Session, key: str, language: str) -> None:
    """Forget editions and everything derived from them (snapshots stay) before a re-parse rebuilds them."""
    mine = (col(m.Change.document_key) == key) & (col(m.Change.language) == language)
    change_ids = select(m.Change.id).where(mine)
    session.execute(delete(m.Flag).where(col(m.Flag.change_id).in_(change_ids)))
    session.execute(delete(m.Change).where(mine))
    for table in (m.Amendment, m.ProvisionVersion, m.Edition):
        session.execute(delete(table).where(col(table.document_key) == key, col(table.language) == language))
    session.flush()
