"""Webhooks against real HTTP receivers on 127.0.0.1: signatures, retries, dead letters, refused targets."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from notify_helpers import ASSEMBLY_LAW, add_subscriber, change, document, flag, publish
from standardwebhooks import Webhook

from storage import deliveries, events, subscribers
from tracker.notify import events as ev
from tracker.notify.webhooks import deliver_webhooks, retry


def _log(db, name):
    with db.transaction() as session:
        sub = subscribers.get(session, name)
        return sorted(deliveries.listing(session, subscriber_id=sub.id), key=lambda d: d.event_id)


def _wait_until_due(db, name) -> None:
    """Retries are scheduled a few milliseconds ahead in tests; wait for the latest one."""
    latest = max(d.next_attempt_at for d in _log(db, name))
    time.sleep(max(0.0, (latest - datetime.now(UTC)).total_seconds()) + 0.01)


def test_signed_events_verify_with_the_library_and_carry_the_event_id(watched, make_settings, receiver):
    settings = make_settings()
    sub = add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    first = publish(watched, ev.provision_changed(document(), 3, change()))
    second = publish(watched, ev.edition_created(document(), {"seq": 3, "date": "2026-11-14"}, 1, 1))

    summary = deliver_webhooks(settings, watched)

    assert summary.delivered == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [str(first), str(second)]
    for request, event_id in zip(receiver.requests, (first, second), strict=True):
        body = Webhook(sub.secret).verify(request.body, request.headers)
        assert body["id"] == event_id and body["version"] == 1
    assert body["edition"]["date"] == "2026-11-14"
    assert [d.status for d in _log(watched, "partner")] == ["delivered", "delivered"]
    deliver_webhooks(settings, watched)
    assert len(receiver.requests) == 2  # nothing is sent twice once delivered


def test_a_tampered_body_fails_verification(watched, make_settings, receiver):
    settings = make_settings()
    sub = add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    publish(watched, ev.provision_changed(document(), 3, change()))
    deliver_webhooks(settings, watched)
    request = receiver.requests[0]
    tampered = request.body.replace(b"substituted", b"repealed")
    try:
        Webhook(sub.secret).verify(tampered, request.headers)
    except Exception as exc:
        assert "signature" in str(exc).lower()
    else:
        raise AssertionError("a tampered body verified")


def test_server_errors_are_retried_with_the_same_webhook_id_until_they_succeed(
    watched, make_settings, receiver
):
    settings = make_settings()
    add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    event_id = publish(watched, ev.provision_changed(document(), 3, change()))
    receiver.respond = lambda path, n: (503, {}) if n <= 2 else (200, {})

    assert deliver_webhooks(settings, watched).retrying == 1
    _wait_until_due(watched, "partner")
    assert deliver_webhooks(settings, watched).retrying == 1
    _wait_until_due(watched, "partner")
    assert deliver_webhooks(settings, watched).delivered == 1

    assert [r.headers["webhook-id"] for r in receiver.requests] == [str(event_id)] * 3
    [delivery] = _log(watched, "partner")
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)


def test_client_errors_fail_at_once_and_are_not_retried(watched, make_settings, receiver):
    settings = make_settings()
    add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    publish(watched, ev.provision_changed(document(), 3, change()))
    receiver.respond = lambda path, n: (410, {})

    assert deliver_webhooks(settings, watched).failed == 1
    time.sleep(0.06)
    deliver_webhooks(settings, watched)

    assert len(receiver.requests) == 1
    [delivery] = _log(watched, "partner")
    assert (delivery.status, delivery.last_status_code) == ("failed", 410)


def test_429_waits_at_least_retry_after(watched, make_settings, receiver):
    settings = make_settings(backoff_max_s=3600.0)
    add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    publish(watched, ev.provision_changed(document(), 3, change()))
    receiver.respond = lambda path, n: (429, {"Retry-After": "120"})

    before = datetime.now(UTC)
    deliver_webhooks(settings, watched)

    [delivery] = _log(watched, "partner")
    assert delivery.status == "pending"
    assert delivery.next_attempt_at >= before + timedelta(seconds=120)


def test_dead_letters_disable_the_endpoint_with_an_operator_event_and_retry_revives(
    watched, make_settings, receiver, cli
):
    settings = make_settings(max_attempts=2, disable_after_dead_letters=2)
    add_subscriber(watched, settings, "partner", webhook_url=receiver.url())
    for seq in (1, 2, 3):
        publish(watched, ev.provision_changed(document(), seq, change()))
    receiver.respond = lambda path, n: (500, {})

    deliver_webhooks(settings, watched)
    _wait_until_due(watched, "partner")
    summary = deliver_webhooks(settings, watched)

    assert summary.dead >= 2 and summary.disabled == ["partner"]
    with watched.transaction() as session:
        assert subscribers.get(session, "partner").webhook_enabled is False
        [notice] = events.after(session, 0, types=["subscriber.disabled"])
    assert notice.payload["subscriber"] == "partner"
    sent = len(receiver.requests)
    time.sleep(0.06)
    deliver_webhooks(settings, watched)
    assert len(receiver.requests) == sent  # a disabled endpoint is left alone

    dead = [d for d in _log(watched, "partner") if d.status == "dead"]
    receiver.respond = lambda path, n: (200, {})
    assert retry(settings, watched, dead[0].id).status == "delivered"
    listed = cli("--config", str(settings.path), "deliveries", "list", "--status", "delivered")
    assert listed.code == 0 and "partner" in listed.out


def test_loopback_targets_are_refused_without_the_allow_list(watched, make_settings, receiver):
    settings = make_settings(allow_hosts=())
    with watched.transaction() as session:  # stored directly: `subscribers add` would refuse it already
        subscribers.add(
            session,
            subscribers.Subscriber("local", (subscribers.Endpoint("webhook", receiver.url(), "whsec_AAAA"),)),
        )
    publish(watched, ev.provision_changed(document(), 3, change()))

    assert deliver_webhooks(settings, watched).failed == 1

    assert receiver.requests == []
    [delivery] = _log(watched, "local")
    assert delivery.status == "failed" and "loopback" in delivery.last_error


def test_redirects_are_followed_only_to_allowed_addresses(watched, make_settings, receiver):
    settings = make_settings()
    sub = add_subscriber(watched, settings, "moved", webhook_url=receiver.url("/old"))
    add_subscriber(watched, settings, "sneaky", webhook_url=receiver.url("/sneaky"))
    publish(watched, ev.provision_changed(document(), 3, change()))
    redirects = {"/old": receiver.url("/new"), "/sneaky": receiver.url("/internal", host="localhost")}
    receiver.respond = lambda path, n: (
        (307, {"Location": redirects[path]}) if path in redirects else (200, {})
    )

    deliver_webhooks(settings, watched)

    paths = [r.path for r in receiver.requests]
    assert sorted(paths) == ["/new", "/old", "/sneaky"]  # /internal was never called
    new = next(r for r in receiver.requests if r.path == "/new")
    assert Webhook(sub.secret).verify(new.body, new.headers)["type"] == "provision.changed"
    [sneaky] = _log(watched, "sneaky")
    assert sneaky.status == "failed" and "localhost" in sneaky.last_error


def test_subscribers_get_only_matching_events_and_never_operator_alerts(watched, make_settings, receiver):
    settings = make_settings()
    add_subscriber(watched, settings, "assembly", webhook_url=receiver.url("/a"), themes=("assembly",))
    add_subscriber(watched, settings, "kazakh", webhook_url=receiver.url("/k"), languages=("kaz",))
    add_subscriber(watched, settings, "ngo", webhook_url=receiver.url("/n"), tags=("ngo",))
    ngo = publish(watched, ev.provision_changed(document(), 3, change()))
    assembly_doc = document(ASSEMBLY_LAW, "Law on Peaceful Assemblies")
    assembly = publish(watched, ev.provision_changed(assembly_doc, 2, change(flags=[flag("assembly")])))
    kazakh = publish(watched, ev.provision_changed(document(lang="kaz"), 3, change(flags=[])))
    publish(watched, ev.source_degraded(document(), "adilet", "CAPTCHA page", 3))

    deliver_webhooks(settings, watched)

    got: dict[str, list[int]] = {}
    for r in receiver.requests:
        got.setdefault(r.path, []).append(json.loads(r.body)["id"])
    assert got == {"/a": [assembly], "/k": [kazakh], "/n": [ngo, kazakh]}
