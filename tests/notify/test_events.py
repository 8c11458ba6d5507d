"""Event payloads: every builder's output conforms to the published JSON Schema; the outbox keeps order."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any

import pytest
from notify_helpers import change, document, publish

from storage import events
from tracker.notify import events as ev

SCHEMA = json.loads(files("tracker.notify").joinpath("schema/events.schema.json").read_text(encoding="utf-8"))
TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "array": list,
    "object": dict,
}


def _is(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    return isinstance(value, TYPES[name]) and not isinstance(value, bool)


def errors(value: Any, schema: dict, path: str = "$") -> list[str]:
    """The subset of JSON Schema the file uses: $ref, allOf, oneOf, type, const, enum, required, properties,
    items and prefixItems."""
    if "$ref" in schema:
        return errors(value, SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]], path)
    found: list[str] = []
    for sub in schema.get("allOf", []):
        found += errors(value, sub, path)
    if "oneOf" in schema and sum(not errors(value, sub, path) for sub in schema["oneOf"]) != 1:
        found.append(f"{path}: matches not exactly one of oneOf")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(_is(value, name) for name in names)
        if not ok:
            return [f"{path}: {value!r} is not {names}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        found += [f"{path}.{key}: missing" for key in schema.get("required", []) if key not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                found += errors(value[key], sub, f"{path}.{key}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            prefix = schema.get("prefixItems", [])
            sub = prefix[i] if i < len(prefix) else schema.get("items")
            if sub:
                found += errors(item, sub, f"{path}[{i}]")
    return found


AMENDMENT = {
    "kind": "new_wording",
    "scheduled": True,
    "text": "…",
    "act_id": "Z2600000410",
    "act_number": "410-VIII",
    "act_date": date(2026, 11, 10),
    "in_force": "с 01.01.2027",
    "effective": date(2027, 1, 1),
}
ACT = {
    "id": 3,
    "source_id": "Z2600000410",
    "number": "410-VIII",
    "adopted": date(2026, 11, 10),
    "title": "",
    "url": "https://adilet.zan.kz/rus/docs/Z2600000410",
    "published": None,
}
DRAFT = {
    "id": "14567",
    "title": "Draft",
    "status": "public discussion",
    "developer": "Ministry",
    "created": date(2026, 11, 12),
    "deadline": date(2026, 11, 27),
    "url": "https://legalacts.egov.kz/x",
    "version": 2,
}
EDITION = {
    "seq": 4,
    "date": date(2026, 11, 14),
    "fetched_at": datetime(2026, 11, 14, 9, tzinfo=UTC),
    "title": "Law",
    "status": "в силе",
}
PAYLOADS = {
    "edition.created": ev.edition_created(document(), EDITION, 3, 1),
    "provision.changed": ev.provision_changed(document(), 4, change(amendments=[AMENDMENT])),
    "amendment.announced": ev.amendment_announced(
        document(), "art_5", ACT, AMENDMENT, kind="amended", effective_note=""
    ),
    "amendment.in_force_soon": ev.amendment_in_force_soon(
        document(), ["art_5", ""], ACT, date(2027, 1, 1), 7
    ),
    "draft.published": ev.draft_published(document("legalacts:14567", "Draft"), DRAFT),
    "draft.deadline_approaching": ev.draft_deadline(document("legalacts:14567", "Draft"), DRAFT, 3),
    "source.degraded": ev.source_degraded(document(), "adilet", "CAPTCHA served with HTTP 200", 3),
    "subscriber.disabled": ev.subscriber_disabled("partner", 5, "HTTP 500"),
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_builders_conform_to_the_schema(payload):
    assert errors(payload, SCHEMA) == []
    assert json.loads(json.dumps(payload)) == payload  # plain JSON: dates became ISO strings


def test_the_schema_rejects_what_it_should():
    bad_op = json.loads(json.dumps(PAYLOADS["provision.changed"]))
    bad_op["change"]["ops"][0][0] = "~"
    no_url = json.loads(json.dumps(PAYLOADS["draft.published"]))
    del no_url["document"]["url"]
    for broken in (bad_op, no_url, {**PAYLOADS["edition.created"], "version": 2}):
        assert errors(broken, SCHEMA)


def test_outbox_ids_grow_and_delivery_adds_the_id(db):
    ids = [publish(db, PAYLOADS[t]) for t in ("edition.created", "provision.changed", "source.degraded")]
    assert ids == sorted(ids) and len(set(ids)) == 3
    with db.transaction() as session:
        after_first = events.after(session, ids[0])
        changed = events.after(session, 0, types=["provision.changed"])
        assert events.published_id(session) == ids[-1]
    assert [e.id for e in after_first] == ids[1:]
    assert ev.with_id(changed[0])["id"] == ids[1]
    assert ev.with_id(changed[0])["change"]["ops"][1] == ["+", "ежеквартально"]
