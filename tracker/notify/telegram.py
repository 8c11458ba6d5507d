"""Telegram: one short message per changed article (law, article, direction, flags, a link to the web
redline) through the Bot API's `sendMessage`, delivered by the shared at-least-once engine.

The bot token comes from the environment variable named by `[telegram] token_env`; `api_base_url` lets
tests use a local fake Bot API. A 429 carries `parameters.retry_after` (seconds): the next attempt waits
at least that long. 5xx and network errors are retried; other 4xx (chat not found, bot blocked) fail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from html import escape
from typing import Any

import httpx

from storage.events import StoredEvent
from storage.subscribers import Endpoint, Subscriber
from tracker import i18n
from tracker.config import Telegram as TelegramConfig
from tracker.errors import InputError
from tracker.model import Description
from tracker.notify.channels import EventChannel, register
from tracker.notify.delivery import Outcome
from tracker.notify.events import web_link
from tracker.render.words import Words
from tracker.retry_after import retry_after_s
from tracker.rules import descriptions

CHANNEL = "telegram"
_CHAT = re.compile(r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
TOLD = ("provision.changed", "amendment.scheduled", "draft.published", "draft.deadline_approaching")
_DIRECTION_MARKS = {"restricts": "🔴", "relaxes": "🟢", "neutral": "⚪"}


@register
class TelegramChannel(EventChannel):
    name = CHANNEL

    @property
    def policy(self) -> TelegramConfig:
        return self.settings.telegram

    def endpoint(self, address: str) -> Endpoint:
        if not _CHAT.fullmatch(address):
            raise InputError(
                f"malformed Telegram chat {address!r}: expected a chat id such as -1001234567890"
            )
        return Endpoint(CHANNEL, address)

    def wants(self, payload: dict[str, Any]) -> bool:
        """A new edition is told by its changed articles, one message each."""
        return payload.get("type") in TOLD

    def sender(self) -> _Sender:
        reasons = descriptions(tuple(self.settings.rules.packs))
        return _Sender(self.settings.telegram, self.settings.web.public_url, reasons)


class _Sender:
    def __init__(self, cfg: TelegramConfig, public_url: str, reasons: Mapping[str, Description]):
        self.cfg = cfg
        self.public_url = public_url
        self.reasons = reasons
        self.client = httpx.Client(timeout=cfg.timeout_s)

    def send(self, sub: Subscriber, event: StoredEvent) -> Outcome:
        text = message(event.payload, sub.language, self.public_url, self.reasons)
        token = self.cfg.token
        if not token:
            return Outcome("retry", error=f"no bot token: set the environment variable {self.cfg.token_env}")
        body = {
            "chat_id": sub.address(CHANNEL),
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        url = f"{self.cfg.api_base_url.rstrip('/')}/bot{token}/sendMessage"
        try:
            response = self.client.post(url, json=body)
        except httpx.TransportError as exc:
            return Outcome("retry", error=f"{type(exc).__name__}: {exc}".strip())
        return _classify(response)

    def close(self) -> None:
        self.client.close()


def message(
    payload: dict[str, Any], language: str, public_url: str, reasons: Mapping[str, Description]
) -> str:
    """The short HTML message for one of the events in `TOLD`; a flag says its theme and the rule's reason
    (from `reasons`, rule id → description) in the reader's language."""
    _ = i18n.translator(language, "web").gettext
    doc = payload.get("document") or {}
    title = f"<b>{escape(doc.get('title') or doc.get('key') or '')}</b>"
    kind = payload.get("type")
    if kind == "provision.changed":
        change = payload["change"]
        eid = change.get("new_eid") or change.get("old_eid") or ""
        lines = [title, f"{escape(i18n.eid_label(eid, language))} — {escape(_(change.get('kind', '')))}"]
        words = Words(language)
        for flag in change.get("flags", []):
            view = words.flag(
                severity=flag.get("severity", ""),
                direction=flag.get("direction", "neutral"),
                theme=flag.get("theme", ""),
                description=reasons.get(flag.get("rule_id", ""), Description()),
                matched=[],
            )
            reason = f": {escape(view.reason)}" if view.reason else ""
            lines.append(
                f"{_DIRECTION_MARKS.get(view.direction, '')} {escape(view.direction_label)} · "
                f"{escape(view.severity_label)} · {escape(view.theme_label)}{reason}"
            )
        link = web_link(payload, public_url)
        lines.append(f'<a href="{escape(link)}">{escape(_("Redline"))}</a>')
        return "\n".join(lines)
    if kind == "amendment.scheduled":
        a = payload["amendment"]
        eid = payload.get("eid")
        where = i18n.eid_label(eid, language) if eid else _("whole text")
        line = f"{escape(where)}: № {escape(a.get('act_number') or '')}"
        if a.get("effective"):
            effective = i18n.format_date(date.fromisoformat(a["effective"]), language)
            line += f", {_('in force from')} {effective}"
        return f"{title}\n{line}"
    # draft.published, draft.deadline_approaching
    draft = payload["draft"]
    deadline = f"\n{_('Public comment until')} {draft['deadline']}" if draft.get("deadline") else ""
    url = f'\n<a href="{escape(draft["url"])}">{escape(_("On the portal"))}</a>' if draft.get("url") else ""
    return f"{_('Drafts')}: <b>{escape(draft.get('title') or '')}</b>{deadline}{url}"


def _classify(response: httpx.Response) -> Outcome:
    code = response.status_code
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if code == 200 and answer.get("ok"):
        return Outcome("delivered", code)
    error = f"HTTP {code}: {answer.get('description') or response.reason_phrase}".strip()
    if code == 429 or code >= 500:
        asked = (answer.get("parameters") or {}).get("retry_after")
        headers = response.headers if asked is None else {"retry-after": str(asked)}
        return Outcome("retry", code, error, retry_after_s(headers))
    return Outcome("failed", code, error)
