"""The watch list from the terminal: defaults after init, and bad input refused with one line."""

from __future__ import annotations

import json


def _keys(cli) -> list[str]:
    result = cli("watch", "list", "--format", "json")
    assert result.code == 0, result.err
    return [w["key"] for w in json.loads(result.out)]


def test_init_lists_the_default_acts(cli) -> None:
    assert cli("init").code == 0
    keys = _keys(cli)
    assert "adilet:Z010000142_" in keys
    assert "adilet:K2600000000" in keys
    assert len(keys) == 15


def test_add_remove_enable_disable(cli) -> None:
    cli("init")
    assert cli("watch", "add", "adilet:V16UL003811", "--lang", "rus,kaz", "--tag", "ngo").code == 0
    assert "adilet:V16UL003811" in _keys(cli)
    assert cli("watch", "disable", "adilet:V16UL003811").code == 0
    rows = {w["key"]: w for w in json.loads(cli("watch", "list", "--format", "json").out)}
    assert rows["adilet:V16UL003811"]["enabled"] is False
    assert rows["adilet:V16UL003811"]["languages"] == ["rus", "kaz"]
    assert cli("watch", "enable", "adilet:V16UL003811").code == 0
    assert cli("watch", "remove", "adilet:V16UL003811").code == 0
    assert "adilet:V16UL003811" not in _keys(cli)


def test_removed_defaults_stay_removed_after_init(cli) -> None:
    cli("init")
    cli("watch", "remove", "adilet:Z040000567_")
    cli("init")
    assert "adilet:Z040000567_" not in _keys(cli)


def test_bad_input_is_one_line_and_changes_nothing(cli) -> None:
    cli("init")
    before = _keys(cli)
    cases = [
        ("watch", "add", "adilet:not-an-id"),
        ("watch", "add", "nosuch:Z010000142_"),
        ("watch", "add", "Z010000142_"),
        ("watch", "add", "adilet:Z010000142_"),  # duplicate
        ("watch", "add", "adilet:V16UL003811", "--lang", "fr"),
        ("watch", "add", "adilet:V16UL003811", "--tag", "Sports!"),
        ("watch", "remove", "adilet:Z9900000001"),
        ("watch", "list", "--format", "xml"),
    ]
    for args in cases:
        result = cli(*args)
        assert result.code != 0, args
        assert len(result.err.strip().splitlines()) == 1, (args, result.err)
        assert result.err.startswith("zanwatch: error: "), result.err
    assert _keys(cli) == before


def test_config_error_names_the_key(cli, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[watch]]\nkey = "adilet:Z010000142_"\nlanguages = ["fr"]\n', encoding="utf-8")
    result = cli("--config", str(bad), "watch", "list")
    assert result.code != 0
    assert "watch[0]" in result.err and "'fr'" in result.err
    bad.write_text('[politeness]\ntimeout_s = "soon"\n', encoding="utf-8")
    result = cli("--config", str(bad), "watch", "list")
    assert "politeness.timeout_s" in result.err
