"""The JSON shape of a diff, shared by `zanwatch compare --format json` and event payloads.

Dates are ISO strings; ops are full (never shortened); only changed provisions appear.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.model import Change
from tracker.render import Side


def to_dict(changes: list[Change], *, from_side: Side, to_side: Side) -> dict[str, Any]:
    return {
        "from": side_to_dict(from_side),
        "to": side_to_dict(to_side),
        "changes": [change_to_dict(c) for c in changes],
    }


def side_to_dict(side: Side) -> dict[str, Any]:
    return {"label": side.label, "title": side.title, "date": _iso(side.date), "language": side.language}


def change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "old_eid": change.old.eid if change.old else None,
        "new_eid": change.new.eid if change.new else None,
        "old_num": change.old.num if change.old else None,
        "new_num": change.new.num if change.new else None,
        "heading": change.heading,
        "similarity": round(change.similarity, 4),
        "ops": [[op, text] for op, text in change.ops],
        "amendments": [a.to_dict() for a in change.amendments],
        "flags": [f.to_dict() for f in change.flags],
        "pairs": [
            {"old_eid": a.eid, "new_eid": b.eid, "old_num": a.num, "new_num": b.num} for a, b in change.pairs
        ],
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
