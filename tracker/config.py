"""Configuration from TOML: the default file ships in the repo; `--config` / `ZANWATCH_CONFIG` picks another.

Secrets never live in the file: it names the environment variables that hold them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError, InputError
from tracker.keys import check_languages, check_tags, parse_key
from tracker.model import Watch

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


@dataclass(frozen=True)
class Politeness:
    user_agent: str = "ZanWatch/0.1 (+https://github.com/zanwatch; legislative change tracker)"
    rate_per_host: dict[str, float] = field(default_factory=lambda: {"default": 1.0})
    timeout_s: float = 30.0
    retries: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    ca_bundle: str | None = None

    def rate_for(self, host: str) -> float:
        """Requests per second allowed for a host."""
        return self.rate_per_host.get(host, self.rate_per_host.get("default", 1.0))


@dataclass(frozen=True)
class Schedule:
    check_interval_minutes: int = 360
    jitter_seconds: int = 600
    timezone: str = "Asia/Almaty"
    daily_digest_cron: str = "0 8 * * *"
    weekly_digest_cron: str = "0 8 * * mon"
    degraded_after_failures: int = 3


@dataclass(frozen=True)
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    username: str | None = None
    password_env: str = "ZANWATCH_SMTP_PASSWORD"
    sender: str = "Zan Watch <alerts@zanwatch.local>"
    timeout_s: float = 30.0
    concurrency: int = 4

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env)


@dataclass(frozen=True)
class Webhooks:
    timeout_s: float = 10.0
    max_attempts: int = 12
    backoff_base_s: float = 30.0
    backoff_max_s: float = 6 * 3600.0
    disable_after_dead_letters: int = 5
    allow_hosts: tuple[str, ...] = ()
    concurrency: int = 8
    max_redirects: int = 5


@dataclass(frozen=True)
class Drafts:
    base_url: str = "https://legalacts.egov.kz"
    follow_cards: bool = False
    keywords: tuple[str, ...] = ()
    deadline_warning_days: int = 3


@dataclass(frozen=True)
class Timeline:
    in_force_warning_days: tuple[int, ...] = (30, 7)
    """`amendment.in_force_soon` goes out when an announced change is this many days (or fewer) away."""


@dataclass(frozen=True)
class Web:
    """`zanwatch serve`; `public_url` is where digests, webhooks and feeds send readers (permalinks)."""

    public_url: str = "http://127.0.0.1:8000"
    feed_entries: int = 50


@dataclass(frozen=True)
class Settings:
    path: Path
    database_url: str
    watch: tuple[Watch, ...]
    adilet_base_url: str
    adilet_api_url: str
    politeness: Politeness
    schedule: Schedule
    rule_packs: tuple[str, ...]
    smtp: Smtp
    webhooks: Webhooks
    drafts: Drafts
    web: Web
    public_url: str
    parliament_url: str
    timeline: Timeline = Timeline()


def default_database_url() -> str:
    """SQLite in the user's data directory unless ZANWATCH_DB says otherwise."""
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "zanwatch"
    return f"sqlite:///{base / 'zanwatch.db'}"


def _section(raw: dict[str, Any], name: str, cls: type, path: Path) -> Any:
    data = raw.get(name, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = set(cls.__dataclass_fields__)
    for key in data:
        if key not in known:
            raise ConfigError(f"{path}: unknown key {name}.{key} (known: {', '.join(sorted(known))})")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    try:
        obj = cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"{path}: [{name}] {exc}") from None
    for key, f in cls.__dataclass_fields__.items():
        value = getattr(obj, key)
        expected = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        if expected.startswith("int") and not isinstance(value, int):
            raise ConfigError(f"{path}: {name}.{key} must be a whole number, got {value!r}")
        if expected.startswith("float") and not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: {name}.{key} must be a number, got {value!r}")
        if expected.startswith("bool") and not isinstance(value, bool):
            raise ConfigError(f"{path}: {name}.{key} must be true or false, got {value!r}")
    return obj


def _watch_entries(raw: dict[str, Any], path: Path) -> tuple[Watch, ...]:
    entries = []
    for i, item in enumerate(raw.get("watch", [])):
        where = f"{path}: watch[{i}]"
        if not isinstance(item, dict) or "key" not in item:
            raise ConfigError(f"{where}: each [[watch]] needs a key such as 'adilet:Z010000142_'")
        try:
            parse_key(item["key"])
            langs = check_languages(tuple(item.get("languages", ["rus"])))
            tags = check_tags(tuple(item.get("tags", [])))
        except InputError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        entries.append(Watch(item["key"], item.get("title", ""), langs, tags))
    return tuple(entries)


def load(path: str | Path | None = None, database_url: str | None = None) -> Settings:
    """Read and validate the configuration. Every error names the key and what is wrong."""
    chosen = Path(path or os.environ.get("ZANWATCH_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"config file {chosen} not found: pass --config PATH or set ZANWATCH_CONFIG"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: not valid TOML ({exc})") from None
    db = raw.get("database", {})
    sources = raw.get("sources", {})
    rules = raw.get("rules", {})
    packs = rules.get("packs", ["civic"])
    if not isinstance(packs, list):
        raise ConfigError(f"{chosen}: rules.packs must be a list of pack names or paths")
    timeline = _section(raw, "timeline", Timeline, chosen)
    if any(not isinstance(d, int) or isinstance(d, bool) or d < 0 for d in timeline.in_force_warning_days):
        raise ConfigError(f"{chosen}: timeline.in_force_warning_days must be a list of whole numbers of days")
    return Settings(
        path=chosen,
        database_url=database_url or os.environ.get("ZANWATCH_DB") or db.get("url") or default_database_url(),
        watch=_watch_entries(raw, chosen),
        adilet_base_url=sources.get("adilet_base_url", "https://old.adilet.zan.kz"),
        adilet_api_url=sources.get("adilet_api_url", "https://adilet.zan.kz"),
        politeness=_section(raw, "politeness", Politeness, chosen),
        schedule=_section(raw, "schedule", Schedule, chosen),
        rule_packs=tuple(packs),
        smtp=_section(raw, "smtp", Smtp, chosen),
        webhooks=_section(raw, "webhooks", Webhooks, chosen),
        drafts=_section(raw, "drafts", Drafts, chosen),
        web=_section(raw, "web", Web, chosen),
        public_url=raw.get("public_url", "https://adilet.zan.kz"),
        parliament_url=sources.get("parliament_url", "https://mazhilis.parlam.kz"),
        timeline=timeline,
    )
