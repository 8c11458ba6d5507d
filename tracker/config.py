"""Configuration from TOML: the default file ships in the repo; `--config` / `ZANWATCH_CONFIG` picks another.

One typed model (pydantic dataclasses) validates every section, key, type and value when the file is
loaded, and again whenever code builds or `dataclasses.replace`s a section, so a bad value can never
reach the code that uses it. Secrets never live in the file: it names the environment variables that
hold them.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, Strict, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker.errors import ConfigError, InputError
from tracker.keys import check_languages, check_tags, parse_key
from tracker.model import Watch

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"
STRICT = ConfigDict(extra="forbid")


def _checked(check: Any) -> Any:
    """Turn a check that raises InputError/ValueError into a pydantic validator (the message is kept)."""

    def validate(value: Any) -> Any:
        try:
            check(value)
        except (InputError, ValueError) as exc:
            raise ValueError(str(exc)) from None
        return value

    return AfterValidator(validate)


def _zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Almaty)") from None


def _cron(expr: str) -> None:
    from apscheduler.triggers.cron import CronTrigger

    CronTrigger.from_crontab(expr)


def _http_url(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")


def _database_url(url: str) -> None:
    try:
        make_url(url)
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database URL (e.g. sqlite:///path/zanwatch.db)") from None


Seconds = Annotated[float, Strict(), Field(gt=0)]
Rate = Annotated[float, Strict(), Field(gt=0)]
Delay = Annotated[float, Strict(), Field(ge=0)]
Count = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Text = Annotated[str, Strict(), Field(min_length=1)]
Flag = Annotated[bool, Strict()]
HttpUrl = Annotated[str, Strict(), _checked(_http_url)]
Zone = Annotated[str, Strict(), _checked(_zone)]
Cron = Annotated[str, Strict(), _checked(_cron)]
DatabaseUrl = Annotated[str, Strict(), _checked(_database_url)]


@dataclass(frozen=True, config=STRICT)
class WatchEntry(Watch):
    """A `[[watch]]` table: a Watch whose key, languages and tags are checked like `watch add` checks them."""

    key: Annotated[str, Strict(), _checked(parse_key)]
    title: Annotated[str, Strict()] = ""
    languages: Annotated[tuple[Text, ...], _checked(check_languages)] = ("rus",)
    tags: Annotated[tuple[Text, ...], _checked(check_tags)] = ()
    enabled: Flag = True


@dataclass(frozen=True, config=STRICT)
class Politeness:
    """How the fetcher treats a site: identity, pace, retries, and the bounds on one request."""

    user_agent: Text = "ZanWatch/0.1 (+https://github.com/zanwatch; legislative change tracker)"
    rate_per_host: dict[str, Rate] = dataclasses.field(default_factory=lambda: {"default": 1.0})
    timeout_s: Seconds = 30.0
    retries: Count = 4
    backoff_base_s: Delay = 1.0
    backoff_max_s: Delay = 60.0
    ca_bundle: Text | None = None
    max_body_mib: Positive = 64

    def rate_for(self, host: str) -> float:
        """Requests per second allowed for a host."""
        return self.rate_per_host.get(host, self.rate_per_host.get("default", 1.0))


@dataclass(frozen=True, config=STRICT)
class Schedule:
    check_interval_minutes: Positive = 360
    jitter_seconds: Count = 600
    timezone: Zone = "Asia/Almaty"
    daily_digest_cron: Cron = "0 8 * * *"
    weekly_digest_cron: Cron = "0 8 * * mon"
    degraded_after_failures: Positive = 3


@dataclass(frozen=True, config=STRICT)
class Smtp:
    host: Text = "localhost"
    port: Annotated[int, Strict(), Field(ge=1, le=65535)] = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    username: Text | None = None
    password_env: Text = "ZANWATCH_SMTP_PASSWORD"
    sender: Text = "Zan Watch <alerts@zanwatch.local>"
    timeout_s: Seconds = 30.0
    concurrency: Positive = 4

    @model_validator(mode="after")
    def _no_plaintext_login(self) -> Smtp:
        if self.username and self.security == "none":
            raise ValueError('a username needs security = "starttls" or "ssl": never log in unencrypted')
        return self

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env)


@dataclass(frozen=True, config=STRICT)
class Webhooks:
    timeout_s: Seconds = 10.0
    max_attempts: Positive = 12
    backoff_base_s: Delay = 30.0
    backoff_max_s: Delay = 6 * 3600.0
    disable_after_dead_letters: Positive = 5
    allow_hosts: tuple[Text, ...] = ()
    concurrency: Positive = 8
    max_redirects: Count = 5


StaleStage = Literal[
    "concept",
    "public_discussion",
    "government",
    "mazhilis",
    "senate",
    "kurultai",
    "referendum",
    "adopted",
    "signed",
]
"""The stages a draft can stall at: the final ones (in force, withdrawn, rejected) never do."""
STALE_DAYS: dict[StaleStage, int] = {
    "concept": 180,
    "public_discussion": 60,
    "government": 180,
    "mazhilis": 120,
    "senate": 60,
    "kurultai": 120,
    "referendum": 60,
    "adopted": 30,
    "signed": 60,
}
"""Days without movement after which a draft at each stage is stale."""


def _with_default_stale_days(days: dict[StaleStage, int]) -> dict[StaleStage, int]:
    """`[drafts.stale_days]` overrides the defaults stage by stage."""
    return {**STALE_DAYS, **days}


@dataclass(frozen=True, config=STRICT)
class Drafts:
    base_url: HttpUrl = "https://legalacts.egov.kz"
    follow_cards: Flag = False
    keywords: tuple[Text, ...] = ()
    languages: tuple[Literal["ru", "kk"], ...] = ("ru", "kk")
    """The portal's list pages are read in each language (`egovLang`); Kazakh titles match Kazakh keywords."""
    deadline_warning_days: Count = 3
    stale_days: Annotated[dict[StaleStage, Positive], AfterValidator(_with_default_stale_days)] = (
        dataclasses.field(default_factory=lambda: dict(STALE_DAYS))
    )
    initiative_reminder_days: Positive = 30


@dataclass(frozen=True, config=STRICT)
class Telegram:
    """The Telegram channel: the bot token comes from the environment variable `token_env`; tests point
    `api_base_url` at a local fake Bot API. Retries follow the same policy fields as webhooks."""

    token_env: Text = "ZANWATCH_TELEGRAM_TOKEN"
    api_base_url: HttpUrl = "https://api.telegram.org"
    timeout_s: Seconds = 10.0
    max_attempts: Positive = 12
    backoff_base_s: Delay = 30.0
    backoff_max_s: Delay = 6 * 3600.0
    disable_after_dead_letters: Positive = 5
    concurrency: Positive = 4

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env)


@dataclass(frozen=True, config=STRICT)
class Timeline:
    in_force_warning_days: tuple[Count, ...] = (30, 7)
    """`amendment.in_force_soon` goes out when an announced change is this many days (or fewer) away."""


@dataclass(frozen=True, config=STRICT)
class Web:
    """`zanwatch serve`; `public_url` is where digests, webhooks and feeds send readers (permalinks)."""

    public_url: HttpUrl = "http://127.0.0.1:8000"
    feed_entries: Positive = 50


@dataclass(frozen=True, config=STRICT)
class Queue:
    """The PostgreSQL queue (`zanwatch scheduler`, `zanwatch worker`)."""

    concurrency: Positive = 4
    tick_seconds: Seconds = 10.0
    heartbeat_seconds: Seconds = 10.0


@dataclass(frozen=True, config=STRICT)
class Sources:
    adilet_base_url: HttpUrl = "https://old.adilet.zan.kz"
    adilet_api_url: HttpUrl = "https://adilet.zan.kz"
    parliament_url: HttpUrl = "https://mazhilis.parlam.kz"


@dataclass(frozen=True, config=STRICT)
class Rules:
    packs: tuple[Text, ...] = ("civic",)


@dataclass(frozen=True, config=STRICT)
class DatabaseSection:
    url: DatabaseUrl | None = None


@dataclass(frozen=True, config=STRICT)
class Settings:
    """The whole file, one field per section, plus where it came from and the database actually used."""

    path: Path = DEFAULT_CONFIG
    database: DatabaseSection = dataclasses.field(default_factory=DatabaseSection)
    database_url: DatabaseUrl = "sqlite://"
    public_url: HttpUrl = "https://adilet.zan.kz"
    sources: Sources = dataclasses.field(default_factory=Sources)
    politeness: Politeness = dataclasses.field(default_factory=Politeness)
    schedule: Schedule = dataclasses.field(default_factory=Schedule)
    rules: Rules = dataclasses.field(default_factory=Rules)
    smtp: Smtp = dataclasses.field(default_factory=Smtp)
    webhooks: Webhooks = dataclasses.field(default_factory=Webhooks)
    drafts: Drafts = dataclasses.field(default_factory=Drafts)
    web: Web = dataclasses.field(default_factory=Web)
    telegram: Telegram = dataclasses.field(default_factory=Telegram)
    timeline: Timeline = dataclasses.field(default_factory=Timeline)
    queue: Queue = dataclasses.field(default_factory=Queue)
    watch: tuple[WatchEntry, ...] = ()


_NOT_IN_FILE = ("path", "database_url")  # filled in by load(), never read from the file
_SETTINGS = TypeAdapter(Settings)


def default_database_url() -> str:
    """SQLite in the user's data directory unless ZANWATCH_DB says otherwise."""
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "zanwatch"
    return f"sqlite:///{base / 'zanwatch.db'}"


def _where(loc: tuple[int | str, ...]) -> str:
    """`smtp.security`, `watch[2].key`: the place a user looks for in the file."""
    if loc == ("database_url",):
        return "database URL (--db, ZANWATCH_DB or database.url)"
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problem(error: Any) -> str:
    where, kind = _where(tuple(error["loc"])), error["type"]
    if kind == "unexpected_keyword_argument":
        section, _, _ = where.rpartition(".")
        return f"unknown section [{where}]" if not section else f"unknown key {where}"
    if kind in ("missing", "missing_keyword_argument"):
        return f"{where} is required"
    if kind in ("tuple_type", "list_type"):
        return f"{where} must be a list, got {error['input']!r}"
    if kind in ("dataclass_type", "dict_type"):
        return f"[{where}] must be a table, got {error['input']!r}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return f"{where}: {message}"
    return f"{where}: {message[0].lower()}{message[1:]}, got {error['input']!r}"


def validate(data: dict[str, Any], path: Path) -> Settings:
    """Build Settings from a parsed file; the first problem becomes one ConfigError naming the key."""
    try:
        return _SETTINGS.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_problem(exc.errors()[0])}") from None


def load(path: str | Path | None = None, database_url: str | None = None) -> Settings:
    """Read and validate the configuration. Every error names the key and what is wrong."""
    chosen = Path(path or os.environ.get("ZANWATCH_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"config file {chosen} not found: pass --config PATH or set ZANWATCH_CONFIG"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {chosen} cannot be read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: not valid TOML ({exc})") from None
    for key in _NOT_IN_FILE:
        if key in raw:
            raise ConfigError(f"{chosen}: unknown key {key}")
    if database_url == "":
        raise ConfigError("--db is empty: give a database URL or leave the option out")
    section = raw.get("database")
    from_file = section.get("url") if isinstance(section, dict) else None
    url = database_url or os.environ.get("ZANWATCH_DB") or (from_file if isinstance(from_file, str) else None)
    url = url or default_database_url()
    return validate({**raw, "path": chosen, "database_url": url}, chosen)
