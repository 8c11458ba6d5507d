"""legalacts.egov.kz («Открытые НПА»), drafts published for public discussion: `legalacts:15900101`.

Its documents are followed by the drafts job (`tracker/drafts.py`, settings in `[drafts]`), not by `check`.
"""

from __future__ import annotations

import re

from scrapers.sites import Site


class LegalactsSite(Site[object]):
    name = "legalacts"
    id_pattern = re.compile(r"^[0-9]{1,12}$")
    id_example = "15900101"
    followed_by = "drafts"
