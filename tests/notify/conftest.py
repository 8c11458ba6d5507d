"""Fixtures with real components: an aiosmtpd server, HTTP receivers on 127.0.0.1, a config file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from notify_helpers import ASSEMBLY_LAW, NGO_LAW, Inbox, Receiver, free_port

from storage import watchlist
from storage.db import Database
from tracker import config
from tracker.config import Settings
from tracker.model import Watch


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config file: loopback allowed, tiny backoff, the test SMTP port; overrides per section."""

    def write(smtp_port: int = 25, allow_hosts: tuple[str, ...] = ("127.0.0.1",), **webhooks: Any) -> Path:
        hooks = {
            "timeout_s": 5.0,
            "max_attempts": 4,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.05,
            "disable_after_dead_letters": 3,
            "concurrency": 4,
            **webhooks,
        }
        lines = [
            'public_url = "https://adilet.zan.kz"',
            "[smtp]",
            'host = "127.0.0.1"',
            f"port = {smtp_port}",
        ]
        lines += ['sender = "Zan Watch <alerts@zanwatch.test>"', "timeout_s = 5.0", "[webhooks]"]
        lines += [f"allow_hosts = {list(allow_hosts)!r}".replace("'", '"')]
        lines += [f"{k} = {v!r}" for k, v in hooks.items()]
        path = tmp_path / f"config-{len(list(tmp_path.glob('config-*')))}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_settings(make_config: Callable[..., Path], db_url: str) -> Callable[..., Settings]:
    def load(**kw: Any) -> Settings:
        return config.load(make_config(**kw), db_url)

    return load


@pytest.fixture
def watched(db: Database) -> Database:
    """The database with two laws on the watch list."""
    with db.transaction() as session:
        watchlist.add(
            session, Watch(NGO_LAW, "Law on Non-Commercial Organisations", ("rus", "kaz"), ("ngo",))
        )
        watchlist.add(session, Watch(ASSEMBLY_LAW, "Law on Peaceful Assemblies", ("rus",), ("assembly",)))
    return db
