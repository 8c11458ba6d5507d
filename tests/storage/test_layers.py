"""storage/ is the SQL layer: it knows the domain's plain data, not the rules engine that makes flags."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import storage
for module in pkgutil.iter_modules(storage.__path__):
    importlib.import_module("storage." + module.name)
print(sorted(m for m in sys.modules if m.startswith("tracker.rules")))
"""


def test_storage_does_not_import_the_rules_engine() -> None:
    loaded = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
