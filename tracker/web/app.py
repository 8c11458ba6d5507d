"""The ASGI application behind `zanwatch serve`: HTML pages, `/api/v1` and `/feeds`, all read-only (GET).

Each request reads through its own transaction and writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Annotated

from annotated_types import Interval
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.db import Database
from tracker.config import Settings
from tracker.errors import InputError, NotFound, ZanWatchError
from tracker.model import Change, Description

SqlInt = Annotated[int, Interval(ge=-(2**31), le=2**31 - 1)]
"""A number a query compares with ids or sequence numbers, which are 32-bit INTEGER columns: PostgreSQL
refuses a bigger number in the comparison and SQLite cannot bind one beyond 64 bits, so it is the reader's
mistake (422), not a server error."""


def create_app(settings: Settings, db: Database) -> FastAPI:
    from tracker.web import api, feeds, pages

    app = FastAPI(
        title="Zan Watch",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(refuse_nul)],
    )
    app.state.settings = settings
    app.state.db = db
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.mount("/api/v1", api.create_api(settings, db))
    answer_errors_in_one_line(app)
    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110 §9.3.2): feed readers and link checkers ask it, and every
    route here is a GET. The GET's status and headers (Content-Length included) go out, its body does not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, without_body)


def answer_errors_in_one_line(app: FastAPI) -> None:
    """Ours (a missing law, a bad filter), routing's (no such path, a method other than GET) and FastAPI's
    own checks of parameters all answer in the same plain-text line, never in JSON or HTML."""
    app.add_exception_handler(ZanWatchError, _error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)


def refuse_nul(request: Request) -> None:
    """A dependency of every route: no key, eId or filter holds a NUL, and PostgreSQL refuses one in a
    query's text, so an address with `%00` is the reader's mistake (400) on either database."""
    sent = [request.url.path, *(part for item in request.query_params.multi_items() for part in item)]
    if any("\x00" in part for part in sent):
        raise InputError("the address has a NUL character (%00), which no key, eId or filter has")


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
    return _one_line(str(exc), status)


async def _http_error(request: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, HTTPException)
    message = {
        404: f"nothing at {request.url.path}",
        405: f"{request.method} is not allowed: Zan Watch only reads (GET)",
    }.get(exc.status_code, str(exc.detail))
    return _one_line(message, exc.status_code, exc.headers)


async def _invalid(request: Request, exc: Exception) -> PlainTextResponse:
    """A parameter FastAPI could not read as its type, e.g. `limit=abc`: name it, say why, echo it."""
    assert isinstance(exc, RequestValidationError)
    problems = [f"{e['loc'][-1]}: {e['msg'].lower()}, not {e.get('input')!r}" for e in exc.errors()]
    return _one_line("; ".join(problems), 422)


def _one_line(message: str, status: int, headers: Mapping[str, str] | None = None) -> PlainTextResponse:
    """Messages echo what the reader sent: a newline or a NUL in it is shown escaped, so the answer stays
    one line of text."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message)
    return PlainTextResponse(text, status_code=status, headers=headers)
