"""Subscriber input validation and event matching.

Validation refuses bad input with one line before anything is stored. Matching decides, per event,
whether a subscriber hears of it: documents or tags and language narrow every event; themes and minimum
severity narrow `provision.changed` (a change passes when one of its flags is relevant; with neither
filter set every change passes, flagged or not).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from storage.subscribers import Endpoint, Subscriber
from tracker.errors import InputError
from tracker.i18n import DEFAULT_LANGUAGE, check_language
from tracker.keys import check_tags, parse_key
from tracker.model import LANGUAGES, SEVERITIES
from tracker.notify import targets
from tracker.notify.events import SUBSCRIBER_TYPES
from tracker.rules import THEMES

DIGESTS = ("daily", "weekly", "immediate")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def new_subscriber(
    name: str,
    *,
    endpoints: Iterable[Endpoint],
    documents: Iterable[str] = (),
    tags: Iterable[str] = (),
    themes: Iterable[str] = (),
    min_severity: str = "info",
    digest: str = "daily",
    languages: Iterable[str] = (),
    language: str = DEFAULT_LANGUAGE,
    known_documents: Collection[str] = (),
) -> Subscriber:
    """A validated subscriber ready to store (endpoints come validated from their channels); InputError
    names the first bad value."""
    name = name.strip()
    if not name or len(name) > 128 or _CONTROL.search(name):
        raise InputError("subscriber name must be 1-128 characters without line breaks or control characters")
    endpoints = tuple(endpoints)
    if not endpoints:
        raise InputError("give at least one endpoint: --email ADDRESS, --webhook URL or --telegram CHAT_ID")
    documents, tags = tuple(documents), tuple(tags)
    if documents and tags:
        raise InputError("choose --documents or --tags, not both")
    for key in documents:
        parse_key(key)
        if key not in known_documents:
            raise InputError(
                f"unknown document {key}: it is not on the watch list (see `zanwatch watch list`)"
            )
    check_tags(tags)
    _choices("theme", themes, THEMES)
    _choices("language", languages, LANGUAGES)
    _choices("severity", (min_severity,), SEVERITIES)
    _choices("digest", (digest,), DIGESTS)
    return Subscriber(
        name=name,
        endpoints=endpoints,
        documents=documents,
        tags=tags,
        themes=tuple(themes),
        min_severity=min_severity,
        digest=digest,
        languages=tuple(languages),
        language=check_language(language),
    )


def validate_email(address: str) -> str:
    if not _EMAIL.fullmatch(address):
        raise InputError(f"malformed e-mail address {address!r}: expected name@example.org")
    return address


def validate_webhook_url(url: str, allow_hosts: Collection[str] = ()) -> str:
    """The check delivery makes too (tracker.notify.targets): a bad target is refused now, not at send."""
    try:
        targets.check(url, allow_hosts)
    except targets.Refused as exc:
        raise InputError(f"webhook URL refused: {exc}") from None
    return url


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def relevant_flags(sub: Subscriber, flags: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flags that pass the subscriber's themes and minimum severity."""
    floor = _rank(sub.min_severity)
    return [
        f
        for f in flags
        if (not sub.themes or f.get("theme") in sub.themes) and _rank(f.get("severity", "info")) >= floor
    ]


def matches(sub: Subscriber, payload: dict[str, Any], watch_tags: Mapping[str, Collection[str]]) -> bool:
    """Does this event concern the subscriber? `watch_tags` maps watched document keys to their tags."""
    if payload.get("type") not in SUBSCRIBER_TYPES:
        return False
    doc = payload.get("document") or {}
    if sub.languages and doc.get("language") not in sub.languages:
        return False
    if sub.documents and doc.get("key") not in sub.documents:
        return False
    if sub.tags:
        doc_tags = set(doc.get("tags") or ()) | set(watch_tags.get(doc.get("key") or "", ()))
        if not doc_tags & set(sub.tags):
            return False
    if payload["type"] == "provision.changed" and (sub.themes or _rank(sub.min_severity) > 0):
        return bool(relevant_flags(sub, payload["change"].get("flags", [])))
    return True


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def _choices(what: str, values: Iterable[str], known: tuple[str, ...]) -> None:
    for value in values:
        if value not in known:
            raise InputError(f"unknown {what} {value!r} (known: {', '.join(known)})")
