"""`zanwatch subscribers …`: secrets shown once, bad input refused with one line and nothing stored."""

from __future__ import annotations

import pytest
from notify_helpers import ASSEMBLY_LAW, NGO_LAW, change, document, flag
from standardwebhooks import Webhook

from storage import subscribers
from tracker.notify import events as ev
from tracker.notify.subscribers import matches


@pytest.fixture
def zw(cli, watched, make_config):
    config = str(make_config(allow_hosts=()))
    return lambda *args: cli("--config", config, *args)


def _names(db) -> list[str]:
    with db.transaction() as session:
        return [s.name for s in subscribers.all_subscribers(session)]


def test_add_shows_the_secret_once_and_rotation_replaces_it(zw, watched):
    added = zw("subscribers", "add", "partner", "--webhook", "https://hooks.example.org/zan", "--tags", "ngo")
    assert added.code == 0, added.err
    secret = added.out.split("store it now): ")[1].strip()
    assert secret.startswith("whsec_")
    Webhook(secret)  # a valid Standard Webhooks secret

    listed = zw("subscribers", "list")
    assert "partner" in listed.out and secret not in listed.out

    rotated = zw("subscribers", "rotate-secret", "partner")
    new_secret = rotated.out.split("store it now): ")[1].strip()
    assert new_secret != secret
    with watched.transaction() as session:
        assert subscribers.get(session, "partner").secret == new_secret

    assert zw("subscribers", "remove", "partner").code == 0
    assert _names(watched) == []


BAD = {
    "malformed e-mail": ["x", "--email", "legal@@example"],
    "malformed URL": ["x", "--webhook", "hooks.example.org/no-scheme"],
    "URL with a space": ["x", "--webhook", "https://hooks.example.org/a b"],
    "loopback URL": ["x", "--webhook", "http://127.0.0.1:8080/hook"],
    "unknown theme": ["x", "--email", "a@example.org", "--themes", "assembly,freedom"],
    "unknown severity": ["x", "--email", "a@example.org", "--min-severity", "urgent"],
    "unknown document": ["x", "--email", "a@example.org", "--documents", "adilet:Z9900000001"],
    "invalid key": ["x", "--email", "a@example.org", "--documents", "Z010000142_"],
    "invalid tag": ["x", "--email", "a@example.org", "--tags", "Sports!"],
    "unknown digest": ["x", "--email", "a@example.org", "--digest", "hourly"],
    "unknown language": ["x", "--email", "a@example.org", "--lang", "fr"],
    "documents and tags": ["x", "--email", "a@example.org", "--documents", NGO_LAW, "--tags", "ngo"],
    "no channel": ["x"],
    "line break in name": ["x\r\nBcc: y@example.org", "--email", "a@example.org"],
    "duplicate name": ["existing", "--email", "b@example.org"],
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_with_one_line_and_nothing_stored(zw, watched, args):
    assert zw("subscribers", "add", "existing", "--email", "a@example.org").code == 0

    result = zw("subscribers", "add", *args)

    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zanwatch: error: ")
    assert _names(watched) == ["existing"]


def test_unknown_subscriber_is_one_line(zw):
    result = zw("subscribers", "remove", "nobody")
    assert result.code != 0 and result.err.count("\n") == 1 and "nobody" in result.err


def _sub(**kw) -> subscribers.Subscriber:
    return subscribers.Subscriber("s", (subscribers.Endpoint("email", "s@example.org"),), **kw)


TAGS = {NGO_LAW: ("ngo",), ASSEMBLY_LAW: ("assembly",)}
CHANGED = ev.provision_changed(document(), 1, change(flags=[flag("foreign_funding", "medium")]))
UNFLAGGED = ev.provision_changed(document(), 1, change(flags=[]))
DRAFT = ev.draft_published({"key": "legalacts:1", "title": "Draft", "language": "rus", "url": None}, {})


@pytest.mark.parametrize(
    ("sub", "payload", "expected"),
    [
        (_sub(), UNFLAGGED, True),
        (_sub(min_severity="low"), UNFLAGGED, False),
        (_sub(min_severity="medium"), CHANGED, True),
        (_sub(min_severity="high"), CHANGED, False),
        (_sub(themes=("foreign_funding",)), CHANGED, True),
        (_sub(themes=("assembly",)), CHANGED, False),
        (_sub(documents=(NGO_LAW,)), CHANGED, True),
        (_sub(documents=(ASSEMBLY_LAW,)), CHANGED, False),
        (_sub(tags=("ngo",)), CHANGED, True),
        (_sub(tags=("assembly",)), CHANGED, False),
        (_sub(languages=("kaz",)), CHANGED, False),
        (_sub(min_severity="critical"), DRAFT, True),
        (_sub(documents=(NGO_LAW,)), DRAFT, False),
        (_sub(), ev.source_degraded(document(), "adilet", "captcha", 3), False),
    ],
)
def test_matching(sub, payload, expected):
    assert matches(sub, payload, TAGS) is expected
