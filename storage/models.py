"""SQLModel tables for the whole flow: watch list → snapshots → editions → provisions → changes → flags →
events → deliveries. Only `storage/` imports this module.

Provisions are stored temporally: a `ProvisionVersion` row is valid from one edition sequence until the
edition that replaced it, and texts live once in `ProvisionText` by hash — so a hundred editions of a law
cost little more than one.

Each table lives in `storage/tables/<table>.py` and is built the first time it is named here (`m.Edition`,
`from storage.models import Edition`): building one costs pydantic and SQLAlchemy several milliseconds, and
`zanwatch watch list` needs one table of the twenty-two. `load_all()` builds every table, for what needs the
whole schema (migrations, comparing the schema).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import TYPE_CHECKING, Any

from storage import tables
from storage.tables import utcnow as utcnow

if TYPE_CHECKING:
    from storage.tables.act import Act as Act
    from storage.tables.act_target import ActTarget as ActTarget
    from storage.tables.amendment import Amendment as Amendment
    from storage.tables.blob import Blob as Blob
    from storage.tables.change import Change as Change
    from storage.tables.delivery import Delivery as Delivery
    from storage.tables.draft import Draft as Draft
    from storage.tables.draft_source import DraftSource as DraftSource
    from storage.tables.draft_stage import DraftStage as DraftStage
    from storage.tables.edition import Edition as Edition
    from storage.tables.endpoint import Endpoint as Endpoint
    from storage.tables.event import Event as Event
    from storage.tables.flag import Flag as Flag
    from storage.tables.host_throttle import HostThrottle as HostThrottle
    from storage.tables.initiative import Initiative as Initiative
    from storage.tables.provision_text import ProvisionText as ProvisionText
    from storage.tables.provision_version import ProvisionVersion as ProvisionVersion
    from storage.tables.snapshot import Snapshot as Snapshot
    from storage.tables.source_health import SourceHealth as SourceHealth
    from storage.tables.subscriber import Subscriber as Subscriber
    from storage.tables.watched_document import WatchedDocument as WatchedDocument
    from storage.tables.watermark import Watermark as Watermark

_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def __getattr__(name: str) -> Any:
    """`Edition` from `storage.tables.edition`, built on first use and kept."""
    module = f"{tables.__name__}.{_WORD_START.sub('_', name).lower()}"
    try:
        table = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = table
    return table


def load_all() -> None:
    """Build every table, so that `SQLModel.metadata` holds the whole schema."""
    for module in pkgutil.iter_modules(tables.__path__):
        importlib.import_module(f"{tables.__name__}.{module.name}")
