"""The JSON API under `/api/v1`: a pull alternative to webhooks over the same stored data.

Lists that grow (changes, events) page with a cursor: the id to continue after (events, oldest first) or
before (changes, newest first), returned as `next_cursor`. Reads need no login.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel
from sqlmodel import Session

from storage import browse, editions, events, watchlist
from storage.db import Database
from tracker.config import Settings
from tracker.errors import NotFound
from tracker.model import Description, Watch
from tracker.render.json import change_to_dict
from tracker.rules import descriptions
from tracker.web import links
from tracker.web.app import SqlInt, answer_errors_in_one_line, refuse_nul, session, settings_of
from tracker.web.pages import filtered_flags

MAX_LIMIT = 500
ERROR = {
    "description": "The request's mistake (unknown key, bad parameter), said in one line of plain text.",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}
"""What the OpenAPI document promises for a 4xx (`app.answer_errors_in_one_line`), in place of FastAPI's
JSON validation error."""


class DocumentOut(BaseModel):
    key: str
    title: str
    languages: list[str]
    tags: list[str]
    enabled: bool
    url: str


class EditionOut(BaseModel):
    id: int
    seq: int
    language: str
    edition_date: date | None
    fetched_at: datetime
    title: str
    status: str
    acts: list[str]
    changes: int
    url: str


class FlagOut(BaseModel):
    rule_id: str
    theme: str
    severity: str
    side: str
    matched: list[str]
    eid: str
    snippet: str
    direction: str = "neutral"
    reason: str = ""
    """The rule's line on why an expert should look, in the flagged text's language (English where the
    rule pack gives none)."""


class ChangeOut(BaseModel):
    id: int
    document_key: str
    language: str
    edition_seq: int
    edition_date: date | None
    kind: str
    old_eid: str | None
    new_eid: str | None
    old_num: str | None
    new_num: str | None
    heading: str
    similarity: float
    ops: list[tuple[str, str]]
    """The redline: ["=", kept], ["+", inserted], ["-", deleted]."""
    amendments: list[dict[str, Any]]
    flags: list[FlagOut]
    url: str
    """Its permanent web page, which a re-parse or a backfill keeps showing this change; for a change a
    backfill made by slotting an older edition in before this one, its place on its edition's redline."""


class ChangePage(BaseModel):
    changes: list[ChangeOut]
    next_cursor: int | None
    """Pass as `before` for the next (older) page; null at the end."""


class FlagRow(FlagOut):
    id: int
    created_at: datetime
    document_key: str
    language: str
    change: str
    article: str
    heading: str


class ActOut(BaseModel):
    act_id: str
    number: str | None
    act_date: date | None
    effective: date | None
    scheduled: bool
    provisions: dict[str, list[str]]
    url: str


class DraftOut(BaseModel):
    key: str
    id: str | int | None = None
    title: str = ""
    status: str | None = None
    developer: str | None = None
    created: str | None = None
    deadline: str | None = None
    url: str | None = None
    version: int | None = None


class EventOut(BaseModel):
    id: int
    type: str
    document_key: str | None
    created_at: datetime
    payload: dict[str, Any]


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: int
    """Pass as `after` for the next page; equal to `after` when there is nothing newer yet."""


def create_api(settings: Settings, db: Database) -> FastAPI:
    api = FastAPI(
        title="Zan Watch API",
        version="1",
        description="Watched laws, their editions, changes with redlines, flags, amending acts, drafts and "
        "the event outbox, read-only: no token needed. An error is a 4xx whose plain-text body says in one "
        "line what was wrong.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(refuse_nul)],
        responses={"4XX": ERROR},
    )
    api.state.settings = settings
    api.state.db = db
    answer_errors_in_one_line(api)

    @api.get("/documents", response_model=list[DocumentOut], tags=["documents"])
    def documents(s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
        """The watch list."""
        return [_document(w, cfg) for w in watchlist.all_watches(s)]

    @api.get("/documents/{key}", response_model=DocumentOut, tags=["documents"])
    def document(key: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
        return _document(watchlist.get(s, key), cfg)

    @api.get("/documents/{key}/editions", response_model=list[EditionOut], tags=["editions"])
    def document_editions(
        key: str, lang: str = "rus", s: Session = Depends(session), cfg: Settings = Depends(settings_of)
    ) -> Any:
        """Every stored edition of one language expression, oldest first."""
        found = editions.list_editions(s, key, lang)
        if not found:
            raise NotFound(f"{key} ({lang}) has no stored edition")
        return [
            EditionOut(
                id=e.id,
                seq=e.seq,
                language=e.language,
                edition_date=e.edition_date,
                fetched_at=e.fetched_at,
                title=e.title,
                status=e.status,
                acts=list(e.acts),
                changes=e.changes,
                url=links.edition(cfg.web.public_url, key, e.language, e.seq),
            )
            for e in found
        ]

    @api.get("/changes", response_model=ChangePage, tags=["changes"])
    def changes(
        document: str | None = None,
        before: SqlInt | None = Query(None, description="A change id: return older changes only."),
        limit: int = Query(50, ge=1, le=MAX_LIMIT),
        s: Session = Depends(session),
        cfg: Settings = Depends(settings_of),
    ) -> Any:
        """Changes with their redline ops and flags, newest first."""
        found = browse.changes(s, document_key=document, before_id=before, limit=limit + 1)
        page = found[:limit]
        return ChangePage(
            changes=[_change(c, cfg) for c in page], next_cursor=page[-1].id if len(found) > limit else None
        )

    @api.get("/changes/{change_id}", response_model=ChangeOut, tags=["changes"])
    def change(change_id: SqlInt, s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
        found = browse.changes(s, change_id=change_id)
        if not found:
            raise NotFound(f"no change {change_id}")
        return _change(found[0], cfg)

    @api.get("/flags", response_model=list[FlagRow], tags=["flags"])
    def flags(
        theme: str = "",
        severity: str = Query("", description="The minimum severity."),
        direction: str = "",
        document: str = "",
        since: date | None = None,
        s: Session = Depends(session),
        cfg: Settings = Depends(settings_of),
    ) -> Any:
        """Flags newest first, filtered like the web page."""
        rows = filtered_flags(
            s, cfg, theme=theme, severity=severity, direction=direction, law=document, since=since
        )
        reasons = descriptions(tuple(cfg.rules.packs))
        return [{**row, "reason": _reason(reasons, row["rule_id"], row["language"])} for row in rows]

    @api.get("/acts", response_model=list[ActOut], tags=["acts"])
    def acts(
        document: str | None = None, s: Session = Depends(session), cfg: Settings = Depends(settings_of)
    ) -> Any:
        """Amending acts named by the footnotes of stored editions, newest first."""
        return [_act(a, cfg) for a in browse.acts(s, document_key=document)]

    @api.get("/acts/{act_id}", response_model=ActOut, tags=["acts"])
    def act(act_id: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
        found = browse.acts(s, act_id=act_id)
        if not found:
            raise NotFound(f"no amending act {act_id} is known")
        return _act(found[0], cfg)

    @api.get("/drafts", response_model=list[DraftOut], tags=["drafts"])
    def drafts(s: Session = Depends(session)) -> Any:
        """Followed drafts as their latest announcement describes them."""
        return browse.drafts(s)

    @api.get("/events", response_model=EventPage, tags=["events"])
    def event_list(
        after: Annotated[SqlInt, Query(ge=0, description="An event id: return newer events only.")] = 0,
        limit: int = Query(100, ge=1, le=MAX_LIMIT),
        s: Session = Depends(session),
    ) -> Any:
        """The outbox in id order: keep `next_cursor` and ask again to get what happened since."""
        found = events.after(s, after, limit=limit)
        return EventPage(
            events=[EventOut(**e.__dict__) for e in found], next_cursor=found[-1].id if found else after
        )

    return api


def _document(w: Watch, cfg: Settings) -> DocumentOut:
    return DocumentOut(
        key=w.key,
        title=w.title,
        languages=list(w.languages),
        tags=list(w.tags),
        enabled=w.enabled,
        url=links.document(cfg.web.public_url, w.key),
    )


def _change(c: browse.StoredChange, cfg: Settings) -> ChangeOut:
    body = change_to_dict(c.change)
    body["ops"] = [tuple(op) for op in body["ops"]]
    reasons = descriptions(tuple(cfg.rules.packs))
    for flag in body["flags"]:
        flag["reason"] = _reason(reasons, flag["rule_id"], c.language)
    return ChangeOut(
        id=c.id,
        document_key=c.document_key,
        language=c.language,
        edition_seq=c.edition_seq,
        edition_date=c.edition_date,
        url=links.stored_change(cfg.web.public_url, c),
        **body,
    )


def _reason(reasons: Mapping[str, Description], rule_id: str, language: str) -> str:
    return reasons.get(rule_id, Description()).text(language)


def _act(a: browse.Act, cfg: Settings) -> ActOut:
    return ActOut(
        act_id=a.act_id,
        number=a.number,
        act_date=a.act_date,
        effective=a.effective,
        scheduled=a.scheduled,
        provisions=a.provisions,
        url=links.act(cfg.web.public_url, a.act_id),
    )
