"""Stable permanent links into the web view: digests, webhooks, feeds and Telegram messages point here.

Every link is built from `[web] public_url`, so one setting moves them all.
"""

from __future__ import annotations

from urllib.parse import quote


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def document(public_url: str, key: str) -> str:
    return f"{_base(public_url)}/documents/{quote(key, safe=':')}"


def edition(public_url: str, key: str, language: str, seq: int, eid: str | None = None) -> str:
    """An edition's redline; with an eId, the place of that article's change on it."""
    anchor = f"#{quote(eid)}" if eid else ""
    return f"{document(public_url, key)}/editions/{seq}?lang={language}{anchor}"


def change(public_url: str, change_id: int) -> str:
    return f"{_base(public_url)}/changes/{change_id}"


def article(public_url: str, key: str, language: str, eid: str) -> str:
    return f"{document(public_url, key)}/articles/{quote(eid)}?lang={language}"


def act(public_url: str, act_id: str) -> str:
    return f"{_base(public_url)}/acts/{quote(act_id)}"
