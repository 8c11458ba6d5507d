"""The Mazhilis draft-laws register (`scrapers/parliament.py`): bills `mazhilis:1234`, `[sources.mazhilis]`.

Bills are followed by the drafts job, not by `check`.
"""

from __future__ import annotations

import re

from pydantic.dataclasses import dataclass

from scrapers.sites import TABLE, HttpUrl, Site


@dataclass(frozen=True, config=TABLE)
class MazhilisConfig:
    base_url: HttpUrl = "https://mazhilis.parlam.kz"


class MazhilisSite(Site[MazhilisConfig]):
    name = "mazhilis"
    id_pattern = re.compile(r"^[0-9]{1,12}$")
    id_example = "1234"
    followed_by = "drafts"
    Config = MazhilisConfig
