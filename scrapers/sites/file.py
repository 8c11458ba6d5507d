"""Files experts receive (`zanwatch import FILE --as file:NAME`): keys for texts that have no website."""

from __future__ import annotations

import re

from scrapers.sites import Site


class FileSite(Site[object]):
    name = "file"
    id_pattern = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
    id_example = "draft-2026-05.docx"
    followed_by = "import"
