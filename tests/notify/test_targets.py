"""Webhook targets (issue #10, cases 2 and 3): one parser and one address rule at `subscribers add` and at
delivery; every address that is not globally routable is refused in every spelling; and one bad endpoint
never stops delivery to the others."""

from __future__ import annotations

import ipaddress

import pytest
from notify_helpers import add_subscriber, change, document, publish
from sqlmodel import col, update

from storage import models as m
from storage import subscribers
from tracker.notify import events as ev
from tracker.notify import targets
from tracker.notify.webhooks import deliver_webhooks

BAD_URL = "http://0177.0.0.1:9/x"
REFUSED = [
    "http://0177.0.0.1:8080/x",  # octal
    "http://2130706433/",  # decimal
    "http://0x7f.1/",  # hex, short form
    "http://127.1/",
    "http://localhost:9/x",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://100.100.100.200/latest/meta-data",  # a cloud metadata address inside it
    "http://169.254.169.254/",
    "http://10.1.2.3/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[2002:7f00:1::]/",  # 6to4
    "http://[fec0::1]/",  # site-local
    "http://[64:ff9b::7f00:1]/",  # NAT64
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://0.0.0.0/",
    "http://user:secret@hooks.example.org/x",
    "javascript:alert(1)",
    "ftp://hooks.example.org/",
    "hooks.example.org/no-scheme",
    "http://hooks.example.org/a b",
    "http://hooks.example.org/\x1b[2J",
]


@pytest.mark.parametrize("url", REFUSED)
def test_add_refuses_every_spelling_of_a_non_public_target(cli, watched, make_config, url: str) -> None:
    config = str(make_config(allow_hosts=()))
    result = cli("--config", config, "subscribers", "add", "x", "--webhook", url)
    assert result.code != 0
    assert result.err.count("\n") == 1 and "webhook URL refused" in result.err, result.err
    with watched.transaction() as session:
        assert subscribers.all_subscribers(session) == []


@pytest.mark.parametrize("url", ["https://hooks.example.org/zan", "http://93.184.216.34:8080/x"])
def test_public_targets_are_accepted(url: str) -> None:
    assert targets.check(url).host


def test_allow_hosts_lets_a_named_private_receiver_in() -> None:
    assert targets.check("http://127.0.0.1:9/x", ["127.0.0.1"]).port == 9


@pytest.mark.parametrize("address", ["100.64.0.1", "2002::1", "fec0::1", "192.168.0.1", "224.0.0.1", "::"])
def test_the_delivery_rule_is_the_same_rule(address: str) -> None:
    assert targets.address_refusal(ipaddress.ip_address(address))


def test_one_bad_endpoint_never_stops_the_others(watched, make_settings, receiver) -> None:
    """A target stored before these checks existed (or by hand) fails alone; the good one is served."""
    settings = make_settings()
    add_subscriber(watched, settings, "good", webhook_url=receiver.url())
    add_subscriber(watched, settings, "bad", webhook_url=receiver.url("/other"))
    with watched.transaction() as session:
        session.exec(update(m.Subscriber).where(col(m.Subscriber.name) == "bad").values(webhook_url=BAD_URL))
    publish(watched, ev.provision_changed(document(), 3, change()))

    summary = deliver_webhooks(settings, watched)

    assert summary.delivered == 1 and summary.failed == 1
    assert [r.path for r in receiver.requests] == ["/hook"]
