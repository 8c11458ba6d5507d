"""Atom feeds (RFC 4287) of stored changes: all, per document, per tag, per theme and per amending act.

Each entry is one change Zan Watch noticed, dated when it was noticed (its edition's fetch time); its
summary is the redline in the same HTML as e-mail, its link the change's permanent page. Changes a backfill
found in adilet's history are not news, as they write no events: they are in the web view, not the feeds.
Entry ids are tag URIs of what the change is (`links.ChangeRef`, whose path is the entry's link too), so a
reader never sees a change twice and its link keeps showing that change: not when `public_url` moves, nor
when a re-parse or a backfill rewrites the change under a new row id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from lxml import etree
from sqlmodel import Session

from storage import browse, watchlist
from tracker.config import Settings
from tracker.errors import InputError, NotFound
from tracker.i18n import eid_label
from tracker.render.html import render_change
from tracker.rules import THEMES, descriptions
from tracker.web import links
from tracker.web.app import described, session, settings_of

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
_ID_PREFIX = "tag:zanwatch,2026:"

router = APIRouter(prefix="/feeds")


@router.get("/changes.atom")
def all_changes(request: Request, s: Session = Depends(session), cfg: Settings = Depends(settings_of)) -> Any:
    found = browse.changes(s, noticed=True, limit=cfg.web.feed_entries)
    return _feed(cfg, "changes", "Zan Watch: all changes", found, _titles(s))


@router.get("/documents/{key}.atom")
def document(
    request: Request, key: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)
) -> Any:
    watch = watchlist.get(s, key)
    found = browse.changes(s, noticed=True, document_key=key, limit=cfg.web.feed_entries)
    return _feed(cfg, f"documents/{key}", f"Zan Watch: {watch.title or key}", found, _titles(s))


@router.get("/tags/{tag}.atom")
def tag(
    request: Request, tag: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)
) -> Any:
    if not tag.isprintable():
        raise InputError(f"tag {tag!r} has characters no tag has and no feed can carry")
    keys = [w.key for w in watchlist.all_watches(s) if tag in w.tags]
    found = browse.changes(s, noticed=True, document_keys=keys, limit=cfg.web.feed_entries)
    return _feed(cfg, f"tags/{tag}", f"Zan Watch: #{tag}", found, _titles(s))


@router.get("/themes/{theme}.atom")
def theme(
    request: Request, theme: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)
) -> Any:
    if theme not in THEMES:
        raise NotFound(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")
    found = browse.changes(s, noticed=True, theme=theme, limit=cfg.web.feed_entries)
    return _feed(cfg, f"themes/{theme}", f"Zan Watch: {theme}", found, _titles(s))


@router.get("/acts/{act_id}.atom")
def act(
    request: Request, act_id: str, s: Session = Depends(session), cfg: Settings = Depends(settings_of)
) -> Any:
    acts = browse.acts(s, act_id=act_id)
    if not acts:
        raise NotFound(f"no amending act {act_id} is known")
    found = browse.changes(s, noticed=True, act_id=act_id, limit=cfg.web.feed_entries)
    title = f"Zan Watch: № {acts[0].number or act_id}"
    return _feed(cfg, f"acts/{act_id}", title, found, _titles(s))


def _titles(s: Session) -> dict[str, str]:
    return {w.key: w.title or w.key for w in watchlist.all_watches(s)}


def _feed(
    cfg: Settings,
    path: str,
    title: str,
    changes: list[browse.StoredChange],
    titles: dict[str, str],
) -> Response:
    base = cfg.web.public_url.rstrip("/")
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "id", f"{_ID_PREFIX}feeds/{path}")
    _text(feed, "title", title)
    updated = max((c.fetched_at for c in changes), default=datetime(2026, 1, 1, tzinfo=UTC))
    _text(feed, "updated", links.iso(updated))
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/feeds/{path}.atom")
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/")
    reasons = descriptions(tuple(cfg.rules.packs))
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Zan Watch")
    for c in changes:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        ref = links.ref(c)
        _text(entry, "id", f"{_ID_PREFIX}{ref.path}")
        label = eid_label(c.change.eid, c.language)
        flagged = f" ⚑ {', '.join(sorted({f.theme for f in c.change.flags}))}" if c.change.flags else ""
        doc_title = titles.get(c.document_key, c.document_key)
        _text(entry, "title", f"{doc_title}: {label} ({c.change.kind}){flagged}")
        _text(entry, "updated", links.iso(c.fetched_at))
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=links.change(base, ref))
        for f in c.change.flags:
            etree.SubElement(entry, f"{{{ATOM}}}category", term=f.theme)
        summary = _text(entry, "summary", render_change(described(c.change, reasons), language=c.language))
        summary.set("type", "html")
    body = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return Response(body, media_type=MEDIA_TYPE)


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = value
    return element
