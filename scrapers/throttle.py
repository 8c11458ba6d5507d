"""Per-host politeness state: the rate limit's next free slot and the circuit breaker.

The fetcher asks a `Throttle` before every request and tells it how every GET ended. `LocalThrottle` keeps
the state in this process (one daemon, one CLI command); `storage.throttle.SharedThrottle` keeps it in
PostgreSQL so that every worker of a cluster shares one budget per host.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Circuit:
    """A host's breaker: consecutive failed GETs, and seconds until it closes again (0 when closed)."""

    failures: int = 0
    open_s: float = 0.0


class Throttle(Protocol):
    def reserve(self, host: str, interval_s: float) -> float:
        """Take the host's next free slot, `interval_s` after the one before; return seconds to wait."""
        ...

    def circuit(self, host: str) -> Circuit: ...

    def record(self, host: str, *, failed: bool, threshold: int, cooldown_s: float) -> None:
        """A success closes the circuit; the threshold-th consecutive failure (and every failed probe after
        a cool-down) opens it for `cooldown_s`."""
        ...


@dataclass
class _Breaker:
    failures: int = 0
    open_until: float = 0.0


class LocalThrottle:
    """In-process state, safe across threads; `clock` is injectable so tests can move time."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._breakers: dict[str, _Breaker] = {}

    def reserve(self, host: str, interval_s: float) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval_s
        return slot - now

    def circuit(self, host: str) -> Circuit:
        with self._lock:
            breaker = self._breakers.get(host, _Breaker())
            return Circuit(breaker.failures, max(0.0, breaker.open_until - self._clock()))

    def record(self, host: str, *, failed: bool, threshold: int, cooldown_s: float) -> None:
        with self._lock:
            if not failed:
                self._breakers.pop(host, None)
                return
            breaker = self._breakers.setdefault(host, _Breaker())
            breaker.failures += 1
            if breaker.failures >= threshold:
                breaker.open_until = self._clock() + cooldown_s
