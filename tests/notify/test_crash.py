"""At least once: a delivery process killed with SIGKILL mid-run and restarted loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from notify_helpers import add_subscriber, change, document, publish
from standardwebhooks import Webhook

from storage import deliveries
from tracker.notify import events as ev

ZANWATCH = Path(sys.executable).with_name("zanwatch")


def test_sigkill_mid_run_then_restart_delivers_every_event_with_stable_ids(
    watched, make_settings, receiver, db_url
):
    settings = make_settings()
    subs = [add_subscriber(watched, settings, name, webhook_url=receiver.url(f"/{name}")) for name in "ab"]
    expected = {publish(watched, ev.provision_changed(document(), seq, change())) for seq in range(12)}
    receiver.delay_s = 0.15
    command = [str(ZANWATCH), "--config", str(settings.path), "--db", db_url, "deliver", "--once"]

    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(receiver.requests) < 6 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert len(receiver.requests) < 2 * len(expected)

    receiver.delay_s = 0.0
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr

    for sub in subs:
        requests = [r for r in receiver.requests if r.path == f"/{sub.name}"]
        ids = Counter()
        for request in requests:
            body = Webhook(sub.secret).verify(request.body, request.headers)
            assert str(body["id"]) == request.headers["webhook-id"]
            ids[body["id"]] += 1
        assert set(ids) == expected  # nothing lost, nothing invented
        assert all(n <= 2 for n in ids.values())  # a duplicate is only the request in flight at the kill
    with watched.transaction() as session:
        log = deliveries.listing(session, limit=1000)
    assert len(log) == 2 * len(expected) and {d.status for d in log} == {"delivered"}
