"""The ASGI application behind `zanwatch serve`: HTML pages, `/api/v1` and `/feeds`, all read-only
except the token-protected subscriber endpoints of the API.

Each request reads through its own transaction; nothing here writes except `api.py`'s subscriber calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from sqlmodel import Session

from storage.db import Database
from tracker.config import Settings
from tracker.errors import InputError, NotFound, ZanWatchError
from tracker.model import Change, Description


def create_app(settings: Settings, db: Database) -> FastAPI:
    from tracker.web import api, feeds, pages

    app = FastAPI(title="Zan Watch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = db
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.mount("/api/v1", api.create_api(settings, db))
    app.add_exception_handler(ZanWatchError, _error)
    return app


def session(request: Request) -> Iterator[Session]:
    """A dependency: one transaction per request."""
    db: Database = request.app.state.db
    with db.transaction() as s:
        yield s


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def described(change: Change, reasons: Mapping[str, Description]) -> Change:
    """Storage keeps a flag's rule id only: give each flag its rule's reason back for the redline to show."""
    flags = [dataclasses.replace(f, description=reasons.get(f.rule_id, Description())) for f in change.flags]
    return dataclasses.replace(change, flags=flags)


async def _error(request: Request, exc: Exception) -> PlainTextResponse:
    """A missing law or a bad filter is the reader's mistake: say so in one line, never a traceback."""
    status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, InputError) else 500
    return PlainTextResponse(str(exc), status_code=status)
