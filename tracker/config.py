"""Configuration from TOML: the default file ships in the repo; `--config` / `ZANWATCH_CONFIG` picks another.

One typed model (pydantic dataclasses) validates every section, key, type and value when the file is
loaded, and again whenever code builds or `dataclasses.replace`s a section, so a bad value can never
reach the code that uses it. Secrets never live in the file: it names the environment variables that
hold them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scrapers.sites import ACTS, HttpUrl, Site, registered, site_class
from tracker.errors import ConfigError, InputError
from tracker.keys import check_languages, check_tags, parse_key
from tracker.model import Watch
from tracker.userfiles import read_text

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


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("weekday", 0, 6, _WEEKDAYS),
)
"""Each crontab field's name, bounds and names, as APScheduler reads them (weekday 0 is Monday)."""
_CRON_PART = re.compile(r"(?:\*|(?P<first>\d+|[a-z]+)(?:-(?P<last>\d+|[a-z]+))?)(?:/(?P<step>\d+))?")


def _cron(expr: str) -> None:
    """A crontab line the scheduler (APScheduler's `CronTrigger.from_crontab`) accepts, checked without
    importing APScheduler (~10 ms of every command that loads the configuration): `*`, a value or a range,
    each with an optional `/step`, comma-separated; month and weekday names; `last` for the day. Never
    looser than APScheduler: tests/tracker/test_config.py holds every line it accepts to APScheduler's."""
    fields = expr.split()
    if len(fields) != len(_CRON_FIELDS):
        raise ValueError(f"{expr!r}: a cron line has 5 fields (minute hour day month weekday)")
    for text, (field, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in text.lower().split(","):
            if not (field == "day" and part == "last"):
                _cron_part(expr, part, field, low, high, names)


def _cron_part(expr: str, part: str, field: str, low: int, high: int, names: tuple[str, ...]) -> None:
    found = _CRON_PART.fullmatch(part)
    ends = [end for end in (found["first"], found["last"]) if end is not None] if found else []
    named = [end for end in ends if not end.isdigit()]
    if found is None or (named and (named != ends or found["step"] or not set(named) <= set(names))):
        raise ValueError(f"{expr!r}: {part!r} is not a {field} (use *, N, N-M, */S or N-M/S)")
    values = [int(end) if end.isdigit() else names.index(end) + low for end in ends] or [low, high]
    span = (values[-1] if len(values) == 2 else high) - values[0]
    step = int(found["step"] or 0)
    if not all(low <= v <= high for v in values) or values != sorted(values) or not 0 <= step <= span:
        raise ValueError(f"{expr!r}: {part!r} is out of range for the {field} ({low}-{high})")
    if found["step"] and step == 0:
        raise ValueError(f"{expr!r}: {part!r} has a step of 0")


def _database_url(url: str) -> None:
    """A URL of a database kind SQLAlchemy has, so `config check` catches `postgres://` or a typo."""
    try:
        make_url(url).get_dialect()
    except ArgumentError:  # a malformed URL, or an unknown kind (NoSuchModuleError is one)
        raise ValueError(f"{url!r} is not a database URL (e.g. sqlite:///path/zanwatch.db)") from None


Seconds = Annotated[float, Strict(), Field(gt=0)]
Rate = Annotated[float, Strict(), Field(gt=0)]
Delay = Annotated[float, Strict(), Field(ge=0)]
Count = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Text = Annotated[str, Strict(), Field(min_length=1)]
Flag = Annotated[bool, Strict()]
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
    """The drafts job: what it looks for (the portal itself is `[sources.legalacts]`)."""

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


_TABLES: dict[type[Any], TypeAdapter[Any]] = {}


def _table_of(config: type[Any]) -> TypeAdapter[Any]:
    if config not in _TABLES:
        _TABLES[config] = TypeAdapter(config)
    return _TABLES[config]


def _site_tables(value: Any, handler: Any) -> dict[str, Any]:
    """`[sources.<name>]`: each table checked by its registered site's own model (a site left out gets its
    defaults); a problem is reported at its place in the file, e.g. `sources.adilet.base_url`."""
    tables: dict[str, Any] = handler(value)
    sites = registered()
    for name, table in tables.items():
        if name not in sites:
            problem = ValueError(f"unknown site {name!r}: use one of {', '.join(sites)}")
            error = {"type": "value_error", "loc": (name,), "input": table, "ctx": {"error": problem}}
            raise ValidationError.from_exception_data("sources", [error])  # type: ignore[list-item]
    checked = {}
    for name, site in sites.items():
        table = tables.get(name, {})
        try:
            valid = isinstance(table, site.Config)
            checked[name] = table if valid else _table_of(site.Config).validate_python(table)
        except ValidationError as exc:
            errors = [{**e, "loc": (name, *e["loc"])} for e in exc.errors()]  # type: ignore[typeddict-item]
            raise ValidationError.from_exception_data(exc.title, errors) from None  # type: ignore[arg-type]
    return checked


Sources = Annotated[dict[str, Any], WrapValidator(_site_tables)]
"""The validated table of every registered site, by name (`Settings.site` builds the site from it)."""


def site_tables(**tables: dict[str, Any]) -> dict[str, Any]:
    """Validated `[sources.<name>]` tables as a file would give them, e.g.
    `site_tables(adilet={"base_url": replay.url})` (the demo and tests point a site at a local replay)."""
    return _SOURCES.validate_python(tables)


_SOURCES: TypeAdapter[dict[str, Any]] = TypeAdapter(Sources)
_LEGACY = {
    "public_url": "adilet.public_url",
    "sources.adilet_base_url": "adilet.base_url",
    "sources.adilet_api_url": "adilet.api_url",
    "sources.parliament_url": "mazhilis.base_url",
    "drafts.base_url": "legalacts.base_url",
    "drafts.follow_cards": "legalacts.follow_cards",
}
"""Keys of earlier files and the site table they now belong to; a file may still use them."""


Place = tuple[int | str, ...]


def _upgrade(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[Place, Place]]:
    """Move the keys of earlier files into their site's table (a key given in the table itself wins);
    also say where each moved key was, so that a problem with it names the key the file has."""
    data = {name: dict(value) if isinstance(value, dict) else value for name, value in raw.items()}
    sources = data.setdefault("sources", {})
    if not isinstance(sources, dict):
        return data, {}
    moved: dict[Place, Place] = {}
    for old, new in _LEGACY.items():
        section, _, key = old.rpartition(".")
        holder = data.get(section) if section else data
        site, _, field = new.partition(".")
        table = sources.get(site, {})
        if isinstance(holder, dict) and key in holder and isinstance(table, dict):
            sources[site] = {field: holder.pop(key), **table}
            moved[("sources", site, field)] = tuple(old.split("."))
    return data, moved


@dataclass(frozen=True, config=STRICT)
class Rules:
    packs: tuple[Text, ...] = ("civic",)


@dataclass(frozen=True, config=STRICT)
class DatabaseSection:
    url: DatabaseUrl | None = None


S = TypeVar("S", bound=Site[Any])


@dataclass(frozen=True, config=STRICT)
class Settings:
    """The whole file, one field per section, plus where it came from and the database actually used."""

    path: Path = DEFAULT_CONFIG
    database: DatabaseSection = dataclasses.field(default_factory=DatabaseSection)
    database_url: DatabaseUrl = "sqlite://"
    sources: Sources = Field(default_factory=dict, validate_default=True)
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

    def site(self, kind: type[S]) -> S:
        """The site `kind` with its `[sources.<name>]` table."""
        return kind(self.sources[kind.name])

    def site_for(self, key: str) -> tuple[Site[Any], str]:
        """The site of a key `SOURCE:ID` and the id."""
        source, ident = parse_key(key)
        return self.site(site_class(source)), ident

    @property
    def public_url(self) -> str:
        """Where readers of amending acts are sent (`[sources.adilet] public_url`)."""
        return str(self.sources[ACTS].public_url)


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
    data, moved = _upgrade(data)
    try:
        return _SETTINGS.validate_python(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = tuple(error["loc"])
        raise ConfigError(f"{path}: {_problem({**error, 'loc': moved.get(place, place)})}") from None


def load(path: str | Path | None = None, database_url: str | None = None) -> Settings:
    """Read and validate the configuration. Every error names the key and what is wrong."""
    chosen = Path(path or os.environ.get("ZANWATCH_CONFIG") or DEFAULT_CONFIG)
    if not chosen.exists():
        raise ConfigError(f"config file {chosen} not found: pass --config PATH or set ZANWATCH_CONFIG")
    try:
        raw = tomllib.loads(read_text(chosen, "config file", ConfigError))
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
