"""Fixtures for CLI tests that must stay off the network."""

from __future__ import annotations

import socket
from typing import Any

import pytest

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name or address but loopback fails to resolve, as on a machine without a network."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK and host not in (b"127.0.0.1", b"localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"offline test: {host!r} is not loopback")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
