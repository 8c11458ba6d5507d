"""legalacts.egov.kz («Открытые НПА»), drafts published for public discussion: `legalacts:15900101`.

Its documents are followed by the drafts job (`tracker/drafts.py`; what it looks for is in `[drafts]`), not
by `check`. The portal's robots.txt disallows the card pages, so following them is the deliberate
`follow_cards` choice of `[sources.legalacts]`.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Strict
from pydantic.dataclasses import dataclass

from scrapers.sites import TABLE, HttpUrl, Site


@dataclass(frozen=True, config=TABLE)
class LegalactsConfig:
    base_url: HttpUrl = "https://legalacts.egov.kz"
    follow_cards: Annotated[bool, Strict()] = False


class LegalactsSite(Site[LegalactsConfig]):
    name = "legalacts"
    id_pattern = re.compile(r"^[0-9]{1,12}$")
    id_example = "15900101"
    followed_by = "drafts"
    Config = LegalactsConfig
