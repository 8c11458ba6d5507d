"""Telegram against a fake Bot API on 127.0.0.1: one short message per changed article, 429 honoured."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from notify_helpers import NGO_LAW, change, document, flag, publish

from storage import deliveries, subscribers
from storage.db import Database
from tracker import config
from tracker.notify import deliver_once
from tracker.notify import events as ev
from tracker.notify.telegram import TelegramChannel

TOKEN = "123456:TEST-token"
CHAT = "-1001234567890"


class FakeBotApi:
    """Answers `POST /bot<token>/sendMessage` like the Bot API; `replies` are used up in order, then ok."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.replies: list[tuple[int, dict[str, Any]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                api.calls.append((self.path, body))
                status, answer = api.replies.pop(0) if api.replies else (200, {"ok": True, "result": {}})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    yield api
    api.close()


@pytest.fixture
def tg_config(tmp_path: Path, bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZW_TEST_TELEGRAM_TOKEN", TOKEN)
    path = tmp_path / "telegram.toml"
    path.write_text(
        "[web]\n"
        'public_url = "https://watch.example.org"\n'
        "[telegram]\n"
        'token_env = "ZW_TEST_TELEGRAM_TOKEN"\n'
        f'api_base_url = "{bot_api.url}"\n'
        "backoff_base_s = 0.0\n"
        "max_attempts = 3\n",
        encoding="utf-8",
    )
    return path


def _deliveries(db: Database) -> list[deliveries.Delivery]:
    with db.transaction() as session:
        return deliveries.listing(session)


def test_a_flagged_change_reaches_the_chat_and_a_429_waits_its_retry_after(
    cli, watched: Database, db_url: str, tg_config: Path, bot_api: FakeBotApi
) -> None:
    added = cli("--config", str(tg_config), "subscribers", "add", "ngo-chat", "--telegram", CHAT)
    assert added.code == 0, added.err
    settings = config.load(tg_config, db_url)
    publish(watched, ev.edition_created(document(), {"seq": 3, "date": "2026-11-14"}, 1, 1))
    publish(watched, ev.provision_changed(document(), 3, change(flags=[flag(rule="foreign-funds")])))
    bot_api.replies = [
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
    ]

    before = datetime.now(UTC)
    first = deliver_once(settings, watched)
    assert first["telegram"].line("telegram").startswith("telegram: 0 delivered, 1 to retry")
    waiting = next(d for d in _deliveries(watched) if d.status == "pending")
    assert waiting.last_status_code == 429 and waiting.channel == "telegram"
    assert waiting.next_attempt_at.replace(tzinfo=UTC) >= before + timedelta(seconds=1)

    assert TelegramChannel(settings).deliver(watched).delivered == 0  # not due before retry_after
    assert len(bot_api.calls) == 1
    time.sleep(max(0.0, (waiting.next_attempt_at.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()))
    assert TelegramChannel(settings).deliver(watched).delivered == 1

    assert len(bot_api.calls) == 2  # the edition itself is told by its changed article: one message
    path, body = bot_api.calls[-1]
    assert path == f"/bot{TOKEN}/sendMessage"
    assert body["chat_id"] == CHAT and body["parse_mode"] == "HTML"
    text = body["text"]
    assert "Law on Non-Commercial Organisations" in text and "Статья 5" in text
    assert "ограничивает" in text and "иностранное финансирование: Деньги или имущество" in text
    assert f'href="https://watch.example.org/documents/{NGO_LAW}/editions/3?lang=rus#art_5"' in text


def test_a_blocked_bot_fails_without_retrying(watched: Database, db_url: str, tg_config, bot_api) -> None:
    settings = config.load(tg_config, db_url)
    with watched.transaction() as session:
        subscribers.add(session, subscribers.Subscriber("chat", (TelegramChannel(settings).endpoint(CHAT),)))
    publish(watched, ev.provision_changed(document(), 3, change()))
    bot_api.replies = [(403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"})]
    assert TelegramChannel(settings).deliver(watched).failed == 1
    [failed] = _deliveries(watched)
    assert failed.status == "failed" and "bot was blocked" in failed.last_error


def test_a_malformed_chat_id_is_refused_in_one_line(cli, watched: Database) -> None:
    result = cli("subscribers", "add", "x", "--telegram", "not a chat")
    assert result.code == 2 and result.err.count("\n") == 1 and "Telegram chat" in result.err
    with watched.transaction() as session:
        assert subscribers.all_subscribers(session) == []
