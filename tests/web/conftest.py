"""The offline demo's database, served by a real `zanwatch serve` process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tracker import config


@pytest.fixture(scope="session")
def demo_db(demo_run) -> str:
    """`zanwatch demo`'s database, built once per session (shared with the digest tests)."""
    return demo_run.db_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `zanwatch serve` running on the demo database."""
    port = free_port()
    cfg = tmp_path_factory.mktemp("web-config") / "config.toml"
    cfg.write_text(
        config.DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
            'public_url = "http://127.0.0.1:8000"', f'public_url = "http://127.0.0.1:{port}"'
        ),
        encoding="utf-8",
    )
    args = ["--config", str(cfg), "--db", demo_db, "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"zanwatch serve exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            try:
                httpx.get(base + "/api/v1/openapi.json", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def web(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10.0) as client:
        yield client


FIXTURES = Path(__file__).parent.parent / "fixtures"
