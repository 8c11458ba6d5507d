"""Server-rendered HTML: the watch list, a law's timeline, redlines, an article's history, the law in force
on a date, flags, acts and drafts. No JavaScript: filters are GET forms, the language switch is a link.

The interface language comes from `?ui=rus|kaz|eng` (remembered in a cookie) and defaults to Russian;
the law's own language (`?lang=`) is chosen separately among the languages it is watched in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlmodel import Session

from storage import browse, editions, watchlist
from storage.flags import list_flags
from tracker import i18n
from tracker.config import Settings
from tracker.errors import InputError, NotFound
from tracker.model import DIRECTIONS, SEVERITIES, Description, Watch
from tracker.output import Clock
from tracker.render.html import render_change
from tracker.render.words import Words
from tracker.rules import THEMES, check_themes, descriptions
from tracker.timeline import today_in
from tracker.web import links
from tracker.web.app import SqlInt, described, session, settings_of

DOMAIN = "web"
COOKIE = "ui"

router = APIRouter()
_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def ui_language(request: Request) -> str:
    chosen = request.query_params.get("ui") or request.cookies.get(COOKIE) or i18n.DEFAULT_LANGUAGE
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _page(request: Request, template: str, title: str, **context: Any) -> HTMLResponse:
    ui = ui_language(request)
    tr = i18n.translator(ui, DOMAIN)
    settings = settings_of(request)
    reasons = descriptions(tuple(settings.rules.packs))
    clock = Clock(settings.schedule.timezone)
    switch = {
        lang: f"{request.url.path}?{urlencode({**request.query_params, 'ui': lang})}"
        for lang in i18n.LANGUAGES
    }
    html = _env.get_template(template).render(
        request=request,
        ui=ui,
        html_lang=i18n.locale_tag(ui),
        _=tr.gettext,
        title=title,
        switch=switch,
        fmt_date=lambda d: i18n.format_date(d, ui),
        local_date=lambda moment: i18n.format_date(clock.local(moment).date(), ui),
        at=clock.text,
        label=lambda eid: i18n.eid_label(eid, ui),
        theme_label=Words(ui).theme,
        reason=lambda rule_id: reasons.get(rule_id, Description()).text(ui),
        redline=lambda c: Markup(render_change(described(c, reasons), language=ui, context=None)),
        links=links,
        **context,
    )
    response = HTMLResponse(html)
    if request.query_params.get("ui") == ui:
        response.set_cookie(COOKIE, ui, max_age=365 * 86400, samesite="lax")
    return response


def _gettext(request: Request) -> Any:
    return i18n.translator(ui_language(request), DOMAIN).gettext


def _language(watch: Watch, requested: str | None) -> str:
    if requested is None:
        return watch.languages[0] if watch.languages else "rus"
    if requested not in i18n.LANGUAGES:
        raise InputError(f"unknown language {requested!r} (known: {', '.join(i18n.LANGUAGES)})")
    return requested


def _watch_or_draft(s: Session, key: str) -> Watch:
    """A watched law, or a draft known only from its versions (drafts are followed, not watched)."""
    try:
        return watchlist.get(s, key)
    except NotFound:
        latest = editions.latest_edition(s, key, "rus")
        if latest is None:
            raise
        return Watch(key, latest.title, ("rus",), ())


@router.get("/", response_class=HTMLResponse)
def index(request: Request, s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
    today = today_in(cfg.schedule.timezone)
    rows = []
    for watch in watchlist.all_watches(s):
        language = _language(watch, None)
        rows.append(
            {
                "watch": watch,
                "edition": editions.latest_edition(s, watch.key, language),
                "change": next(iter(browse.changes(s, document_key=watch.key, limit=1)), None),
                "flags": list_flags(s, document_key=watch.key)[:3],
                "scheduled": browse.scheduled(s, watch.key, today),
            }
        )
    return _page(request, "index.html.j2", _gettext(request)("Watch list"), rows=rows)


@router.get("/documents/{key}", response_class=HTMLResponse)
def document(
    request: Request,
    key: str,
    lang: str | None = None,
    s: Session = Depends(session),
    cfg: Settings = Depends(settings_of),
) -> Any:
    watch = _watch_or_draft(s, key)
    language = _language(watch, lang)
    history = list(reversed(editions.list_editions(s, key, language)))
    today = today_in(cfg.schedule.timezone)
    return _page(
        request,
        "document.html.j2",
        watch.title or key,
        watch=watch,
        language=language,
        editions=history,
        acts=browse.acts(s, document_key=key),
        scheduled=browse.scheduled(s, key, today),
        today=today,
    )


@router.get("/documents/{key}/editions/{seq}", response_class=HTMLResponse)
def edition(
    request: Request, key: str, seq: SqlInt, lang: str | None = None, s: Session = Depends(session)
) -> Any:
    watch = _watch_or_draft(s, key)
    language = _language(watch, lang)
    info = editions.find_edition(s, key, language, seq=seq)
    changes = list(reversed(browse.changes(s, document_key=key, edition_id=info.id)))
    title = f"{watch.title or key} — {_gettext(request)('edition')} {seq}"
    return _page(
        request, "edition.html.j2", title, watch=watch, language=language, edition=info, changes=changes
    )


@router.get("/changes/{key}/{language}/{seen}/{old}/{new}", response_class=HTMLResponse)
def change(
    request: Request, key: str, language: str, seen: str, old: str, new: str, s: Session = Depends(session)
) -> Any:
    """A change's permanent page (`links.ChangeRef`): that change as it was first seen, or 404, never
    another one, whatever a re-parse or a backfill did to the rows since."""
    first_seen = _utc(seen)
    old_eid, new_eid = (None if eid == links.NO_PROVISION else eid for eid in (old, new))
    found = browse.changes(
        s, document_key=key, language=language, first_seen=first_seen, eids=(old_eid, new_eid)
    )
    named = [c for c in found if c.in_order]
    if len(named) != 1:
        raise NotFound(f"{key} ({language}) has no change of {old} → {new} in the edition first seen {seen}")
    return _change_page(request, s, named[0])


def _utc(seen: str) -> datetime:
    """A permalink's first-seen time in UTC, as storage compares it; one with no zone, or none UTC can hold
    (year 1 east of Greenwich), names no change."""
    try:
        moment = datetime.fromisoformat(seen)
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise NotFound(f"no change: {seen!r} is not a UTC time such as 2026-07-01T09:30:00Z")


@router.get("/changes/{change_id}", response_class=HTMLResponse)
def numbered_change(request: Request, change_id: SqlInt, s: Session = Depends(session)) -> Any:
    """The links sent before permanent ones named a change by its row id. PostgreSQL never gives an id
    twice and a change row is never altered, so the row found under one is the change the link was sent
    for: it redirects to that change's permanent page. SQLite gives a deleted last row's id to the next row
    written, so after a re-parse the number may name another change, even of another law: there the old
    link is gone (410) rather than ever showing a change it was not sent for."""
    if browse.row_ids_reused(s):
        return PlainTextResponse(
            f"change {change_id}: links by number were retired, as a re-parse may have given the number to"
            " another change; find the change on its law's page",
            status_code=410,
        )
    found = browse.changes(s, change_id=change_id)
    if not found:
        raise NotFound(f"no change {change_id}")
    if found[0].in_order:
        return RedirectResponse(links.change("", links.ref(found[0])), status_code=301)
    return _change_page(request, s, found[0])


def _change_page(request: Request, s: Session, c: browse.StoredChange) -> HTMLResponse:
    watch = _watch_or_draft(s, c.document_key)
    title = f"{watch.title or c.document_key} — {i18n.eid_label(c.change.eid, ui_language(request))}"
    return _page(request, "change.html.j2", title, watch=watch, stored=c)


@router.get("/documents/{key}/articles/{eid}", response_class=HTMLResponse)
def article(
    request: Request, key: str, eid: str, lang: str | None = None, s: Session = Depends(session)
) -> Any:
    watch = _watch_or_draft(s, key)
    language = _language(watch, lang)
    versions = browse.article_history(s, key, language, eid)
    if not versions:
        raise NotFound(f"{key} ({language}) has no provision {eid}")
    by_seq = {e.seq: e for e in editions.list_editions(s, key, language)}
    changes = [
        c
        for c in browse.changes(s, document_key=key, language=language)
        if eid in (c.change.new.eid if c.change.new else None, c.change.old.eid if c.change.old else None)
    ]
    title = f"{watch.title or key} — {i18n.eid_label(eid, ui_language(request))}"
    return _page(
        request,
        "article.html.j2",
        title,
        watch=watch,
        language=language,
        eid=eid,
        versions=list(reversed(versions)),
        by_seq=by_seq,
        changes=changes,
    )


@router.get("/documents/{key}/in-force", response_class=HTMLResponse)
def in_force(
    request: Request,
    key: str,
    on: date | None = None,
    lang: str | None = None,
    s: Session = Depends(session),
    cfg: Settings = Depends(settings_of),
) -> Any:
    watch = _watch_or_draft(s, key)
    language = _language(watch, lang)
    day = on or today_in(cfg.schedule.timezone)
    info = editions.find_edition(s, key, language, on=day)
    doc = editions.load_document(s, info)
    title = f"{watch.title or key} — {i18n.format_date(day, ui_language(request))}"
    return _page(
        request, "in_force.html.j2", title, watch=watch, language=language, day=day, edition=info, doc=doc
    )


@router.get("/flags", response_class=HTMLResponse)
def flags(
    request: Request,
    theme: str = "",
    severity: str = "",
    direction: str = "",
    law: str = "",
    since: str = "",
    s: Session = Depends(session),
) -> Any:
    """An empty field of the form means "any", as browsers send every field."""
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        raise InputError(f"since: {since!r} is not a date such as 2026-07-01") from None
    rows = filtered_flags(
        s, settings_of(request), theme=theme, severity=severity, direction=direction, law=law, since=day
    )
    return _page(
        request,
        "flags.html.j2",
        _gettext(request)("Flags"),
        rows=rows,
        chosen={"theme": theme, "severity": severity, "direction": direction, "law": law, "since": day},
        themes=THEMES,
        severities=SEVERITIES,
        directions=DIRECTIONS,
        watches=watchlist.all_watches(s),
    )


def filtered_flags(
    s: Session,
    settings: Settings,
    *,
    theme: str = "",
    severity: str = "",
    direction: str = "",
    law: str = "",
    since: date | None,
) -> list[dict[str, Any]]:
    """Flags by theme, minimum severity, direction, law and day (from its start in `[schedule] timezone`);
    shared by the page and the API."""
    if direction and direction not in DIRECTIONS:
        raise InputError(f"unknown direction {direction!r}: use one of {', '.join(DIRECTIONS)}")
    check_themes([theme] if theme else ())
    rows = list_flags(
        s,
        since=Clock(settings.schedule.timezone).start_of(since) if since else None,
        themes=[theme] if theme else (),
        min_severity=severity or None,
        document_key=law or None,
    )
    return [r for r in rows if not direction or r.get("direction", "neutral") == direction]


@router.get("/acts", response_class=HTMLResponse)
def acts(request: Request, s: Session = Depends(session)) -> Any:
    return _page(request, "acts.html.j2", _gettext(request)("Amending acts"), acts=browse.acts(s))


@router.get("/acts/{act_id}", response_class=HTMLResponse)
def act(request: Request, act_id: str, s: Session = Depends(session)) -> Any:
    found = browse.acts(s, act_id=act_id)
    if not found:
        raise NotFound(f"no amending act {act_id} is known")
    the_act = found[0]
    changes = browse.changes(s, act_id=act_id)
    title = f"{_gettext(request)('Act')} № {the_act.number or act_id}"
    return _page(request, "act.html.j2", title, act=the_act, changes=changes)


@router.get("/drafts", response_class=HTMLResponse)
def drafts(request: Request, s: Session = Depends(session)) -> Any:
    return _page(request, "drafts.html.j2", _gettext(request)("Drafts"), drafts=browse.drafts(s))
