"""The registry of rule kinds: a pack's `kind = "…"` names one of these modules (default "keyword").

A new kind is one module with `KEYS` (the pack keys it reads) and `parse(item, fail) -> Matcher`, and one
line here.
"""

from __future__ import annotations

from types import ModuleType

from tracker.rules import keyword, quantity

KINDS: dict[str, ModuleType] = {"keyword": keyword, "quantity": quantity}
