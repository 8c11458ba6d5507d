"""The fetcher is bounded (issue #10, case 1): a decoded-size limit counted while the body streams in, a
deadline for the whole request even when the server trickles, and cancellation of a fetch in flight.
Every case meets the real fetcher over a real loopback socket."""

from __future__ import annotations

import gzip
import math
import os
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from scrapers.http import FetchCancelled, Fetcher, HttpFetchError
from tracker.config import Politeness
from tracker.replay import ReplayServer, Reply

FAST = Politeness(rate_per_host={"default": math.inf}, retries=2, backoff_base_s=0.0, timeout_s=1.0)
MIB = 1024 * 1024


def gzip_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros, gzip-compressed to about a thousandth of that."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MIB)
    return b"".join(packer.compress(block) for _ in range(mib)) + packer.flush()


MEASURED = """
import atexit, sys
from tracker.cli import main
peak = lambda: next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
atexit.register(lambda: print(f"peak_kib={peak()}", file=sys.stderr))
main(sys.argv[1:])
"""


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """Run `zanwatch ARGS` as a real process: its exit code, stderr, and its own peak resident memory (MB,
    the kernel's VmHWM at exit; rusage would also count the pytest process it was forked from)."""
    child = subprocess.run([sys.executable, "-c", MEASURED, *args], capture_output=True, text=True, env=env)
    err, _, peak = child.stderr.rpartition("peak_kib=")
    return child.returncode, err, int(peak) / 1024


def test_a_gzip_bomb_is_refused_in_one_line_with_little_memory(server: ReplayServer, tmp_path: Path) -> None:
    """300 MiB once inflated, 0.3 MB on the wire: `parse URL` (a real process) refuses it after 64 MiB;
    its peak resident memory stays far below what inflating it whole would take."""
    server.route("/bomb", gzip_bomb(300), headers={"Content-Encoding": "gzip"})
    config = tmp_path / "zanwatch.toml"
    config.write_text("[politeness]\nretries = 0\n", encoding="utf-8")
    env = {**os.environ, "ZANWATCH_CONFIG": str(config)}
    code, err, peak_mb = peak_rss_mb(["parse", f"{server.url}/bomb"], env)
    print(f"gzip bomb (300 MiB inflated): refused, peak RSS {peak_mb:.0f} MB")
    assert code != 0
    assert err.count("\n") == 1 and "larger than 64 MiB" in err, err
    assert peak_mb < 400


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (bytes(3 * MIB), {}),
        (gzip.compress(bytes(3 * MIB)), {"Content-Encoding": "gzip"}),
        (zlib.compress(bytes(3 * MIB)), {"Content-Encoding": "deflate"}),
    ],
    ids=["identity", "gzip", "deflate"],
)
def test_the_decoded_limit_is_configurable(
    server: ReplayServer, body: bytes, headers: dict[str, str]
) -> None:
    server.route("/big", body, headers=headers)
    with Fetcher(Politeness(rate_per_host={"default": math.inf}, max_body_mib=2)) as f:
        with pytest.raises(HttpFetchError, match="larger than 2 MiB once decoded") as caught:
            f.get(f"{server.url}/big")
    assert not caught.value.retryable
    with Fetcher(Politeness(rate_per_host={"default": math.inf}, max_body_mib=4)) as f:
        assert f.get(f"{server.url}/big").body == bytes(3 * MIB)


def test_a_corrupt_gzip_body_is_one_error(server: ReplayServer) -> None:
    server.route("/broken", b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"})
    with Fetcher(FAST) as f, pytest.raises(HttpFetchError, match="gzip body is corrupt"):
        f.get(f"{server.url}/broken")


def test_a_trickling_server_is_cut_off_at_the_deadline_and_not_retried(server: ReplayServer) -> None:
    """A byte every 0.2 s never trips a 1 s read timeout; the whole body would take a minute."""
    server.sequence("/slow", [Reply("x" * 300, trickle_s=0.2)])
    with Fetcher(FAST) as f, pytest.raises(HttpFetchError, match="no complete answer within 1 s") as caught:
        f.get(f"{server.url}/slow")
    assert caught.value.retryable  # the next check may try again
    assert len(server.requests) == 1


def test_cancel_stops_a_fetch_in_flight(server: ReplayServer) -> None:
    server.sequence("/slow", [Reply("x" * 300, trickle_s=0.2)])
    outcome: list[BaseException] = []
    with Fetcher(Politeness(rate_per_host={"default": math.inf}, timeout_s=120.0)) as f:

        def fetch() -> None:
            try:
                f.get(f"{server.url}/slow")
            except BaseException as exc:  # noqa: BLE001 - the test inspects it
                outcome.append(exc)

        worker = threading.Thread(target=fetch)
        worker.start()
        while not server.requests:
            time.sleep(0.05)
        f.cancel()
        worker.join(timeout=30)
        assert not worker.is_alive()
        assert isinstance(outcome[0], FetchCancelled)
        with pytest.raises(FetchCancelled):
            f.get(f"{server.url}/slow")
