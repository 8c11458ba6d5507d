"""Every section, key, type and value of the configuration is checked when the file is loaded: a mistake
is one line naming the key, never a traceback later (issue #10, case 7)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import config
from tracker.config import Smtp
from tracker.errors import ConfigError

BAD = [
    ('[smpt]\nhost = "x"\n', "unknown section [smpt]"),
    ('[smtp]\nhots = "x"\n', "unknown key smtp.hots"),
    ('[smtp]\nsecurity = "tls"\n', "smtp.security"),
    ('[smtp]\nusername = "zw"\n', "never log in unencrypted"),
    ("[smtp]\nport = 70000\n", "smtp.port"),
    ('[smtp]\nport = "25"\n', "smtp.port"),
    ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone"),
    ('[schedule]\ndaily_digest_cron = "0 99 * * *"\n', "schedule.daily_digest_cron"),
    ('[schedule]\nweekly_digest_cron = "every monday"\n', "schedule.weekly_digest_cron"),
    ("[politeness]\ntimeout_s = -5\n", "politeness.timeout_s"),
    ("[politeness]\nretries = 2.5\n", "politeness.retries"),
    ("[politeness]\nmax_body_mib = 0\n", "politeness.max_body_mib"),
    ("[politeness.rate_per_host]\ndefault = 0\n", "politeness.rate_per_host.default"),
    ('[webhooks]\nallow_hosts = "x"\n', "webhooks.allow_hosts must be a list"),
    ("[rules]\npacks = 5\n", "rules.packs must be a list"),
    ("rules = 5\n", "[rules] must be a table"),
    ('[drafts]\nfollow_cards = "yes"\n', "drafts.follow_cards"),
    ('[drafts]\nbase_url = "javascript:alert(1)"\n', "drafts.base_url"),
    ('[sources]\nadilet_base_url = "file:///etc"\n', "sources.adilet_base_url"),
    ('[sources.adilet]\nbase_url = "file:///etc"\n', "sources.adilet.base_url"),
    ('[sources.legalacts]\nfollow_cards = "yes"\n', "sources.legalacts.follow_cards"),
    ("[sources.adilet]\ncolour = 1\n", "unknown key sources.adilet.colour"),
    ("[sources.adlet]\n", "sources.adlet: unknown site 'adlet': use one of adilet,"),
    ("[sources]\nadilet = 5\n", "[sources.adilet] must be a table"),
    ('[database]\nurl = "not a url"\n', "database.url"),
    ("public_url = 3\n", "public_url"),
    ('path = "/tmp"\n', "unknown key path"),
    ('[[watch]]\nkey = "adilet:nope"\n', "watch[0].key"),
    ('[[watch]]\ntitle = "no key"\n', "watch[0].key is required"),
    ('[[watch]]\nkey = "adilet:Z010000142_"\nlanguages = ["fr"]\n', "watch[0].languages"),
    ('[[watch]]\nkey = "adilet:Z010000142_"\ncolour = "red"\n', "unknown key watch[0].colour"),
    ("[smtp\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "named"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_value_is_refused_at_load_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert named in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize(("text", "named"), BAD[:6], ids=[b[1] for b in BAD[:6]])
def test_config_check_says_one_line_and_fails(cli, tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("--config", str(path), "config", "check")
    assert result.code == 2
    assert result.err.count("\n") == 1 and named in result.err


def test_the_bundled_file_and_an_empty_file_load(tmp_path: Path) -> None:
    assert len(config.load().watch) == 15
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    settings = config.load(empty)
    assert settings.smtp.security == "none" and settings.politeness.max_body_mib == 64


def test_the_secure_smtp_forms_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[smtp]\nsecurity = "starttls"\nusername = "zw"\nport = 587\n', encoding="utf-8")
    assert config.load(path).smtp.username == "zw"


def test_code_cannot_build_a_plaintext_login_either() -> None:
    """The same model guards sections built in code, so the mailer can never be handed one."""
    with pytest.raises(ValueError, match="never log in unencrypted"):
        Smtp(username="zw")
    with pytest.raises(ValueError):
        dataclasses.replace(Smtp(security="ssl", username="zw"), security="none")


def test_an_empty_db_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--db is empty"):
        config.load(None, "")


def test_a_file_with_the_older_source_keys_still_points_the_sites_where_it_says(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'public_url = "https://mirror.example.org"\n'
        "[sources]\n"
        'adilet_base_url = "http://127.0.0.1:8001"\n'
        'adilet_api_url = "http://127.0.0.1:8002"\n'
        'parliament_url = "http://127.0.0.1:8003"\n'
        "[drafts]\n"
        'base_url = "http://127.0.0.1:8004"\n'
        "follow_cards = true\n"
        'keywords = ["некоммерческ"]\n',
        encoding="utf-8",
    )
    loaded = config.load(path)
    adilet = loaded.sources["adilet"]
    assert (adilet.base_url, adilet.api_url, adilet.public_url) == (
        "http://127.0.0.1:8001",
        "http://127.0.0.1:8002",
        "https://mirror.example.org",
    )
    assert loaded.sources["mazhilis"].base_url == "http://127.0.0.1:8003"
    portal = loaded.sources["legalacts"]
    assert (portal.base_url, portal.follow_cards) == ("http://127.0.0.1:8004", True)
    assert loaded.drafts.keywords == ("некоммерческ",)
    assert loaded.site_for("adilet:Z010000142_")[0].public_url("Z010000142_", "kaz") == (
        "https://mirror.example.org/kaz/docs/Z010000142_"
    )


EVERYDAY_CRON = [
    "0 8 * * *",
    "0 8 * * mon",
    "30 7 1 * *",
    "*/15 8-18 * * mon-fri",
    "0 9 last * *",
    "0 8 1 jan,jul *",
]


@pytest.mark.parametrize("line", EVERYDAY_CRON)
def test_everyday_cron_lines_load(tmp_path: Path, line: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'[schedule]\ndaily_digest_cron = "{line}"\n', encoding="utf-8")
    assert config.load(path, "sqlite://").schedule.daily_digest_cron == line


_CRON_TOKENS = (  # per field: in range, at the bounds, just past them, names, nonsense
    ("*", "0", "7", "59", "60"),
    ("*", "0", "8", "23", "24"),
    ("*", "0", "1", "31", "32", "last"),
    ("*", "0", "1", "12", "13", "jan", "dec", "x"),
    ("*", "0", "6", "7", "mon", "sun", "x"),
)


def _cron_field(tokens: tuple[str, ...]) -> st.SearchStrategy[str]:
    part = st.builds(
        lambda first, last, step: (
            first + (f"-{last}" if last else "") + (f"/{step}" if step is not None else "")
        ),
        st.sampled_from(tokens),
        st.one_of(st.none(), st.none(), st.sampled_from(tokens)),
        st.one_of(st.none(), st.none(), st.none(), st.integers(0, 70)),
    )
    return st.lists(part, min_size=1, max_size=2).map(",".join)


_CRON_LINE = st.tuples(*(_cron_field(tokens) for tokens in _CRON_TOKENS)).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_CRON_LINE, st.lists(_cron_field(_CRON_TOKENS[0]), max_size=7).map(" ".join)))
def test_a_cron_line_the_config_accepts_is_one_the_scheduler_accepts(line: str) -> None:
    """The check runs without APScheduler, so it must never be looser than the scheduler it stands for."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        config._cron(line)
    except ValueError:
        return
    CronTrigger.from_crontab(line, timezone="UTC")
